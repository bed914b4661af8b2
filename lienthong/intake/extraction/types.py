"""The default catalogue of type names the extractor recognises: the 29 administrative types of Decree 30
(Art. 7, Phụ lục III), the copy forms, the older types still seen in incoming mail (Decree 09/2010) and the
legal normative (QPPL) types. The project passes its own catalogue (``documents.DocumentType``) instead."""

from __future__ import annotations

from typing import NamedTuple


class TypeName(NamedTuple):
    name: str
    abbreviation: str = ""


DECREE_30_TYPES: tuple[TypeName, ...] = (
    TypeName("Nghị quyết", "NQ"), TypeName("Quyết định", "QĐ"), TypeName("Chỉ thị", "CT"),
    TypeName("Quy chế", "QC"), TypeName("Quy định", "QyĐ"), TypeName("Thông cáo", "TC"),
    TypeName("Thông báo", "TB"), TypeName("Hướng dẫn", "HD"), TypeName("Chương trình", "CTr"),
    TypeName("Kế hoạch", "KH"), TypeName("Phương án", "PA"), TypeName("Đề án", "ĐA"),
    TypeName("Dự án", "DA"), TypeName("Báo cáo", "BC"), TypeName("Biên bản", "BB"),
    TypeName("Tờ trình", "TTr"), TypeName("Hợp đồng", "HĐ"), TypeName("Công văn", ""),
    TypeName("Công điện", "CĐ"), TypeName("Bản ghi nhớ", "BGN"), TypeName("Bản thỏa thuận", "BTT"),
    TypeName("Giấy ủy quyền", "GUQ"), TypeName("Giấy mời", "GM"), TypeName("Giấy giới thiệu", "GGT"),
    TypeName("Giấy nghỉ phép", "GNP"), TypeName("Phiếu gửi", "PG"), TypeName("Phiếu chuyển", "PC"),
    TypeName("Phiếu báo", "PB"), TypeName("Thư công", ""),
    TypeName("Bản sao y", "SY"), TypeName("Bản trích sao", "TrS"), TypeName("Bản sao lục", "SL"),
    TypeName("Bản cam kết", ""), TypeName("Giấy chứng nhận", ""), TypeName("Giấy đi đường", ""),
    TypeName("Giấy biên nhận hồ sơ", ""), TypeName("Kết luận", "KL"),  # Kết luận: Party documents
    TypeName("Luật", ""), TypeName("Pháp lệnh", ""), TypeName("Lệnh", ""), TypeName("Nghị định", "NĐ"),
    TypeName("Nghị quyết liên tịch", "NQLT"), TypeName("Thông tư", "TT"), TypeName("Thông tư liên tịch", "TTLT"),
)

CONG_VAN = "Công văn"
