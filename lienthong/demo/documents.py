"""The demo documents of 2017–2018 as plans (no database access here).

Each agency issues documents of the kinds it really issues, with subjects (trích yếu) written the
way Hậu Giang's bodies wrote them, signed by the right person with the right authority (TM./KT.),
and sent to the right recipients. The builder registers each plan through the document services in
date order and registers incoming copies at (some of) the recipients inside the province.

Central to the story is the seed notice 32/TB-VP.UBND of 5 March 2018: the Provincial Office issues
exactly 31 documents in 2018 before it, so the lawful numbering gives it number 32.
"""

# The plan tables keep one document per line, however long its subject.
# ruff: noqa: E501

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from lienthong.demo.agencies import DISTRICTS, AgencySpec, specs_by_key
from lienthong.demo.people import SIGNER_THOAI, accounts, deputy_name, head_titles, person_name

D = dt.date
START = D(2017, 1, 3)
END = D(2018, 6, 29)

# Public holidays when no document is issued (Tết Đinh Dậu 2017, Tết Mậu Tuất 2018, 30/4–1/5, 2/9).
HOLIDAYS = (
    [D(2017, 1, 2)] + [D(2017, 1, 26) + dt.timedelta(days=i) for i in range(7)]
    + [D(2017, 4, 6), D(2017, 5, 1), D(2017, 9, 4), D(2018, 1, 1)]
    + [D(2018, 2, 14) + dt.timedelta(days=i) for i in range(7)] + [D(2018, 4, 25), D(2018, 4, 30), D(2018, 5, 1)]
)

SEED_SUBJECT = (
    "Kết luận của Phó Chủ tịch Thường trực UBND tỉnh Đồng Văn Thanh tại cuộc họp thông qua kết quả chấm điểm "
    "mức độ ứng dụng công nghệ thông tin của các cơ quan, đơn vị trên địa bàn tỉnh Hậu Giang năm 2017"
)
SEED_DATE = D(2018, 3, 5)
SEED_NUMBER_SYMBOL = "32/TB-VP.UBND"
SEED_RECIPIENTS = "- TT: TU, UBND tỉnh;\n- Sở, ban, ngành tỉnh;\n- UBND huyện, thị xã, thành phố;\n- Lưu: VT."
SEED_FILE = "notice-32-TB-VP.UBND-2018.txt"


@dataclass
class OutPlan:
    """One outgoing document of a province agency and where its copies arrive."""

    agency: str
    issued_on: dt.date
    type_code: str
    subject: str
    unit: str = ""
    signer_authority: str = ""
    signer_position: str = ""
    signer_name: str = ""
    recipients_text: str = ""
    copies: list[tuple[str, dt.date]] = field(default_factory=list)  # (agency key, received on)
    urgency: str = "normal"
    with_pdf: bool = True
    body: list[str] | None = None
    due_days: int | None = None
    is_seed: bool = False
    order: int = 0


@dataclass
class InPlan:
    """A document from a body outside the province, registered as incoming by ``agency``."""

    agency: str
    issuer: str
    number_symbol: str
    issued_on: dt.date
    received_on: dt.date
    type_code: str
    subject: str
    signer_authority: str
    signer_position: str
    signer_name: str
    urgency: str = "normal"
    with_pdf: bool = True
    due_days: int | None = None
    order: int = 0


# --- Subject pools ----------------------------------------------------------------------------------
# (type code, unit of a công văn, subject template, targets). Targets: "ubnd", "so" (sở, ban, ngành),
# "huyen" (district UBNDs), "xa" (communes of the issuer's district), "parent", an agency key,
# "ext:<text>" (a body outside the directory, no copy), or nothing (internal decision).
# Placeholders: {year} {prev} {next} {month} {q} {dname} {unit} {self}.

T = tuple[str, str, str, tuple[str, ...]]

PROVINCE_POOL: list[T] = [
    ("quyet-dinh", "", "Về việc ban hành Kế hoạch cải cách hành chính nhà nước tỉnh Hậu Giang năm {year}", ("so", "huyen")),
    ("quyet-dinh", "", "Về việc công bố Chỉ số cải cách hành chính năm {prev} của các sở, ban, ngành tỉnh và UBND huyện, thị xã, thành phố", ("so", "huyen")),
    ("quyet-dinh", "", "Về việc phê duyệt Kế hoạch ứng dụng công nghệ thông tin trong hoạt động của cơ quan nhà nước tỉnh Hậu Giang năm {year}", ("stttt", "so")),
    ("quyet-dinh", "", "Về việc thành lập Hội đồng đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin tỉnh Hậu Giang", ("stttt", "vp")),
    ("quyet-dinh", "", "Về việc công bố danh mục thủ tục hành chính được chuẩn hóa thuộc phạm vi chức năng quản lý của Sở Tư pháp", ("stp",)),
    ("quyet-dinh", "", "Về việc phê duyệt đồ án quy hoạch chi tiết tỷ lệ 1/500 Khu dân cư - tái định cư phường VII, thành phố Vị Thanh", ("sxd", "vithanh")),
    ("quyet-dinh", "", "Về việc khen thưởng các tập thể, cá nhân có thành tích xuất sắc trong phong trào thi đua yêu nước năm {prev}", ("snv", "huyen")),
    ("quyet-dinh", "", "Về việc phê duyệt Phương án phòng, chống thiên tai và tìm kiếm cứu nạn năm {year}", ("snnptnt", "huyen")),
    ("ke-hoach", "", "Triển khai thực hiện Chính phủ điện tử trên địa bàn tỉnh Hậu Giang năm {year}", ("stttt", "so", "huyen")),
    ("ke-hoach", "", "Tuyên truyền cải cách hành chính năm {year}", ("snv", "so", "huyen")),
    ("ke-hoach", "", "Tổ chức Tháng hành động vì an toàn thực phẩm năm {year}", ("syt", "huyen")),
    ("ke-hoach", "", "Thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới năm {year}", ("snnptnt", "huyen")),
    ("chi-thi", "", "Về việc tăng cường ứng dụng chữ ký số và gửi, nhận văn bản điện tử trong cơ quan nhà nước trên địa bàn tỉnh", ("stttt", "so", "huyen")),
    ("chi-thi", "", "Về việc tăng cường công tác phòng cháy, chữa cháy trên địa bàn tỉnh Hậu Giang", ("so", "huyen")),
    ("bao-cao", "", "Tình hình kinh tế - xã hội tháng {month} năm {myear}", ("ext:Văn phòng Chính phủ", "ext:Bộ Kế hoạch và Đầu tư")),
    ("bao-cao", "", "Kết quả thực hiện công tác cải cách hành chính quý {q} năm {qyear}", ("ext:Bộ Nội vụ",)),
    ("bao-cao", "", "Tình hình ứng dụng công nghệ thông tin trong cơ quan nhà nước năm {prev}", ("ext:Bộ Thông tin và Truyền thông", "stttt")),
    ("to-trinh", "", "Về việc đề nghị ban hành Nghị quyết quy định mức chi bảo đảm cho công tác cải cách hành chính trên địa bàn tỉnh", ("ext:Thường trực HĐND tỉnh",)),
    ("cong-van", "NC", "V/v triển khai thực hiện Nghị quyết số 36a/NQ-CP ngày 14/10/2015 của Chính phủ về Chính phủ điện tử", ("stttt", "so", "huyen")),
    ("cong-van", "VX", "V/v tăng cường công tác phòng, chống dịch bệnh tay chân miệng và sốt xuất huyết", ("syt", "huyen")),
    ("cong-van", "KT", "V/v đẩy nhanh tiến độ giải ngân vốn đầu tư công năm {year}", ("skhdt", "stc", "huyen")),
    ("cong-van", "KT", "V/v chủ trương đầu tư dự án nâng cấp, mở rộng Đường tỉnh 931B", ("sgtvt", "skhdt")),
    ("cong-van", "VX", "V/v tổ chức các hoạt động mừng Đảng, mừng Xuân và vui Tết Nguyên đán", ("svhttdl", "huyen")),
    ("cong-van", "KT", "V/v thống nhất chủ trương triển khai phần mềm quản lý văn bản và điều hành dùng chung của tỉnh", ("stttt", "vp")),
]

OFFICE_POOL: list[T] = [
    ("thong-bao", "", "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp Ủy ban nhân dân tỉnh thường kỳ tháng {month} năm {myear}", ("so", "huyen")),
    ("thong-bao", "", "Kết luận của Phó Chủ tịch UBND tỉnh tại buổi làm việc với {district} về tình hình thực hiện nhiệm vụ kinh tế - xã hội", ("district",)),
    ("giay-moi", "", "Mời dự họp giao ban kinh tế - xã hội tháng {month} năm {myear}", ("so", "huyen")),
    ("cong-van", "NCTH", "V/v đôn đốc báo cáo kết quả thực hiện nhiệm vụ được UBND tỉnh giao", ("so",)),
    ("cong-van", "KT", "V/v chuẩn bị nội dung phiên họp UBND tỉnh thường kỳ tháng {month} năm {myear}", ("so",)),
    ("bao-cao", "", "Kết quả thực hiện nhiệm vụ được UBND tỉnh giao tháng {month} năm {myear}", ("ubnd",)),
]

DEPARTMENT_COMMON: list[T] = [
    ("bao-cao", "", "Kết quả thực hiện công tác cải cách hành chính quý {q} năm {qyear}", ("snv", "ubnd")),
    ("bao-cao", "", "Tình hình thực hiện nhiệm vụ tháng {month} năm {myear}", ("ubnd",)),
    ("quyet-dinh", "", "Về việc ban hành Quy chế làm việc của {self}", ()),
    ("quyet-dinh", "", "Về việc nâng bậc lương thường xuyên đối với công chức, viên chức năm {year}", ()),
    ("cong-van", "VP", "V/v cung cấp thông tin phục vụ đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin năm {prev}", ("stttt",)),
    ("to-trinh", "", "Về việc đề nghị bổ sung dự toán kinh phí thực hiện nhiệm vụ năm {year}", ("ubnd", "stc")),
]

DEPARTMENT_POOLS: dict[str, list[T]] = {
    "snv": [
        ("ke-hoach", "", "Tuyển dụng công chức hành chính tỉnh Hậu Giang năm {year}", ("so", "huyen")),
        ("huong-dan", "", "Thực hiện đánh giá, phân loại cán bộ, công chức, viên chức năm {year}", ("so", "huyen")),
        ("cong-van", "CCHC", "V/v triển khai xác định Chỉ số cải cách hành chính năm {year}", ("so", "huyen")),
    ],
    "stp": [
        ("cong-van", "VBPL", "V/v góp ý dự thảo Quyết định ban hành Quy chế phối hợp kiểm tra, rà soát văn bản quy phạm pháp luật", ("so",)),
        ("ke-hoach", "", "Phổ biến, giáo dục pháp luật năm {year}", ("so", "huyen")),
        ("bao-cao", "", "Kết quả công tác kiểm soát thủ tục hành chính quý {q} năm {qyear}", ("ubnd",)),
    ],
    "skhdt": [
        ("bao-cao", "", "Tình hình thu hút đầu tư và hỗ trợ doanh nghiệp quý {q} năm {qyear}", ("ubnd",)),
        ("cong-van", "TH", "V/v đăng ký danh mục dự án đầu tư công năm {next}", ("so", "huyen")),
        ("to-trinh", "", "Về việc thẩm định chủ trương đầu tư dự án Trường Trung học phổ thông Vị Thủy", ("ubnd",)),
    ],
    "stc": [
        ("cong-van", "QLNS", "V/v hướng dẫn xây dựng dự toán ngân sách nhà nước năm {next}", ("so", "huyen")),
        ("bao-cao", "", "Tình hình thực hiện thu, chi ngân sách nhà nước quý {q} năm {qyear}", ("ubnd",)),
        ("cong-van", "TCHCSN", "V/v thẩm định kinh phí mua sắm trang thiết bị công nghệ thông tin", ("stttt",)),
    ],
    "sct": [
        ("ke-hoach", "", "Phát triển thương mại điện tử tỉnh Hậu Giang năm {year}", ("so", "huyen")),
        ("bao-cao", "", "Tình hình cung cầu hàng hóa, giá cả thị trường tháng {month} năm {myear}", ("ubnd",)),
        ("cong-van", "QLTM", "V/v tăng cường kiểm tra, kiểm soát thị trường, chống buôn lậu và gian lận thương mại", ("huyen",)),
    ],
    "snnptnt": [
        ("cong-van", "TTBVTV", "V/v tăng cường phòng trừ rầy nâu, bệnh đạo ôn trên lúa", ("huyen",)),
        ("bao-cao", "", "Tiến độ sản xuất nông nghiệp tháng {month} năm {myear}", ("ubnd",)),
        ("ke-hoach", "", "Phòng, chống dịch bệnh động vật năm {year}", ("huyen",)),
    ],
    "sgtvt": [
        ("cong-van", "QLGT", "V/v bảo đảm trật tự an toàn giao thông đường thủy nội địa", ("huyen",)),
        ("bao-cao", "", "Tình hình trật tự an toàn giao thông quý {q} năm {qyear}", ("ubnd",)),
        ("to-trinh", "", "Về việc phê duyệt phương án tổ chức giao thông tuyến Quốc lộ 61C đoạn qua thành phố Vị Thanh", ("ubnd",)),
    ],
    "sxd": [
        ("cong-van", "QLXD", "V/v hướng dẫn cấp giấy phép xây dựng trên địa bàn tỉnh", ("huyen",)),
        ("bao-cao", "", "Tình hình quản lý trật tự xây dựng quý {q} năm {qyear}", ("ubnd",)),
    ],
    "stnmt": [
        ("cong-van", "QLĐĐ", "V/v đẩy nhanh tiến độ cấp giấy chứng nhận quyền sử dụng đất", ("huyen",)),
        ("ke-hoach", "", "Hưởng ứng Ngày Môi trường thế giới năm {year}", ("so", "huyen")),
        ("bao-cao", "", "Kết quả thực hiện công tác quản lý tài nguyên và môi trường quý {q} năm {qyear}", ("ubnd",)),
    ],
    "stttt": [
        ("cong-van", "CNTT", "V/v hướng dẫn sử dụng chữ ký số trên văn bản điện tử", ("so", "huyen")),
        ("ke-hoach", "", "Bảo đảm an toàn thông tin mạng trong cơ quan nhà nước tỉnh Hậu Giang năm {year}", ("so", "huyen")),
        ("giay-moi", "", "Mời dự tập huấn sử dụng phần mềm quản lý văn bản và điều hành dùng chung", ("so", "huyen")),
        ("thong-bao", "", "Kết quả kiểm tra kỹ thuật hệ thống quản lý văn bản và điều hành tại UBND các huyện", ("huyen",)),
        ("cong-van", "BCVT", "V/v cập nhật thông tin lên Cổng thông tin điện tử tỉnh", ("so",)),
    ],
    "sldtbxh": [
        ("cong-van", "NCC", "V/v tổ chức thăm, tặng quà người có công với cách mạng", ("huyen",)),
        ("bao-cao", "", "Kết quả rà soát hộ nghèo, hộ cận nghèo năm {year}", ("ubnd",)),
        ("ke-hoach", "", "Tổ chức Tháng hành động vì trẻ em năm {year}", ("huyen",)),
    ],
    "svhttdl": [
        ("ke-hoach", "", "Tổ chức Lễ hội Chợ nổi Ngã Bảy năm {year}", ("ngabay", "huyen")),
        ("cong-van", "QLVH", "V/v tổ chức các hoạt động văn hóa, văn nghệ, thể dục thể thao mừng Đảng, mừng Xuân", ("huyen",)),
        ("bao-cao", "", "Kết quả thực hiện phong trào Toàn dân đoàn kết xây dựng đời sống văn hóa năm {year}", ("ubnd",)),
    ],
    "skhcn": [
        ("cong-van", "QLKH", "V/v đề xuất đặt hàng nhiệm vụ khoa học và công nghệ cấp tỉnh năm {next}", ("so", "huyen")),
        ("quyet-dinh", "", "Về việc công nhận kết quả nghiệm thu đề tài khoa học và công nghệ cấp tỉnh", ()),
    ],
    "sgddt": [
        ("ke-hoach", "", "Tổ chức Kỳ thi trung học phổ thông quốc gia năm {year}", ("huyen",)),
        ("cong-van", "GDTrH", "V/v hướng dẫn thực hiện nhiệm vụ giáo dục trung học", ("huyen",)),
        ("bao-cao", "", "Sơ kết học kỳ I năm học {prev}-{year}", ("ubnd",)),
    ],
    "syt": [
        ("cong-van", "NVY", "V/v tăng cường phòng, chống dịch sốt xuất huyết", ("huyen",)),
        ("ke-hoach", "", "Triển khai Tháng hành động vì an toàn thực phẩm năm {year}", ("huyen",)),
        ("bao-cao", "", "Tình hình dịch bệnh tháng {month} năm {myear}", ("ubnd",)),
    ],
    "thanhtra": [
        ("ke-hoach", "", "Thanh tra năm {next}", ("so", "huyen")),
        ("bao-cao", "", "Kết quả công tác tiếp công dân, giải quyết khiếu nại, tố cáo quý {q} năm {qyear}", ("ubnd",)),
        ("quyet-dinh", "", "Về việc thanh tra việc chấp hành pháp luật trong quản lý, sử dụng ngân sách tại UBND huyện Long Mỹ", ("longmy",)),
    ],
    "bdt": [
        ("bao-cao", "", "Tình hình vùng đồng bào dân tộc thiểu số trên địa bàn tỉnh quý {q} năm {qyear}", ("ubnd",)),
        ("cong-van", "CSDT", "V/v triển khai chính sách hỗ trợ đồng bào dân tộc thiểu số theo Quyết định số 2085/QĐ-TTg", ("huyen",)),
    ],
    "bqlckcn": [
        ("bao-cao", "", "Tình hình hoạt động của các khu công nghiệp quý {q} năm {qyear}", ("ubnd",)),
        ("cong-van", "QLDN", "V/v đôn đốc doanh nghiệp báo cáo tình hình sử dụng lao động", ()),
    ],
    "dptth": [
        ("cong-van", "TS", "V/v phối hợp tuyên truyền cải cách hành chính trên sóng phát thanh, truyền hình", ("so",)),
        ("ke-hoach", "", "Tuyên truyền kỷ niệm Ngày thành lập tỉnh Hậu Giang", ()),
    ],
    "ctk": [
        ("bao-cao", "", "Tình hình kinh tế - xã hội tháng {month} năm {myear}", ("ubnd", "skhdt")),
        ("cong-van", "TKTH", "V/v cung cấp số liệu thống kê phục vụ đánh giá ứng dụng công nghệ thông tin", ("stttt",)),
    ],
}

DISTRICT_POOL: list[T] = [
    ("bao-cao", "", "Tình hình kinh tế - xã hội tháng {month} năm {myear} trên địa bàn {dname}", ("ubnd",)),
    ("bao-cao", "", "Kết quả thực hiện công tác cải cách hành chính quý {q} năm {qyear}", ("snv",)),
    ("ke-hoach", "", "Cải cách hành chính năm {year} trên địa bàn {dname}", ("xa",)),
    ("quyet-dinh", "", "Về việc kiện toàn Ban Chỉ đạo Chương trình mục tiêu quốc gia xây dựng nông thôn mới {dname}", ("xa",)),
    ("cong-van", "NC", "V/v báo cáo tình hình ứng dụng công nghệ thông tin năm {prev}", ("stttt",)),
    ("cong-van", "KT", "V/v đề nghị hỗ trợ kinh phí sửa chữa tuyến đường giao thông nông thôn", ("ubnd", "sgtvt")),
    ("to-trinh", "", "Về việc đề nghị phê duyệt danh mục dự án đầu tư công năm {next}", ("ubnd", "skhdt")),
    ("cong-van", "VX", "V/v tăng cường phòng, chống dịch sốt xuất huyết trên địa bàn", ("xa",)),
]
DISTRICT_2018 = ("ke-hoach", "", "Triển khai phần mềm quản lý văn bản và điều hành dùng chung đến UBND các xã, phường, thị trấn", ("xa", "stttt"))

DISTRICT_OFFICE_POOL: list[T] = [
    ("thong-bao", "", "Kết luận của Chủ tịch UBND {dname} tại cuộc họp giao ban tháng {month} năm {myear}", ("xa",)),
    ("giay-moi", "", "Mời dự họp giao ban công tác tháng {month} năm {myear}", ("xa",)),
]

COMMUNE_POOL: list[T] = [
    ("bao-cao", "", "Tình hình kinh tế - xã hội, quốc phòng - an ninh tháng {month} năm {myear}", ("parent",)),
    ("bao-cao", "", "Kết quả thực hiện các tiêu chí xây dựng nông thôn mới năm {year}", ("parent",)),
    ("to-trinh", "", "Về việc đề nghị hỗ trợ kinh phí nâng cấp tuyến lộ giao thông nông thôn", ("parent",)),
    ("quyet-dinh", "", "Về việc thành lập Tổ rà soát hộ nghèo, hộ cận nghèo năm {year} trên địa bàn {unit}", ()),
    ("ke-hoach", "", "Tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm {year}", ()),
    ("cong-van", "VP", "V/v đăng ký tài khoản sử dụng phần mềm quản lý văn bản và điều hành", ("parent",)),
    ("bao-cao", "", "Kết quả thực hiện công tác cải cách hành chính năm {year}", ("parent",)),
]


# --- The Provincial Office's first quarter of 2018 (exactly 31 documents before the seed notice) --

def _week_schedule(n: int, start: dt.date, end: dt.date) -> str:
    return (f"Lịch làm việc của Thường trực UBND tỉnh tuần {n:02d} năm 2018 "
            f"(từ ngày {start:%d/%m} đến ngày {end:%d/%m/%Y})")


VP_2018_BEFORE_SEED: list[tuple[dt.date, str, str, str, tuple[str, ...]]] = [
    (D(2018, 1, 2), "thong-bao", "", _week_schedule(1, D(2018, 1, 2), D(2018, 1, 5)), ("ubnd",)),
    (D(2018, 1, 3), "cong-van", "NCTH", "V/v chuẩn bị nội dung phiên họp UBND tỉnh thường kỳ tháng 01 năm 2018", ("so",)),
    (D(2018, 1, 4), "giay-moi", "", "Mời dự Hội nghị trực tuyến của Chính phủ với các địa phương triển khai Nghị quyết số 01/NQ-CP năm 2018", ("so", "huyen")),
    (D(2018, 1, 5), "thong-bao", "", _week_schedule(2, D(2018, 1, 8), D(2018, 1, 12)), ("ubnd",)),
    (D(2018, 1, 8), "cong-van", "KT", "V/v đôn đốc báo cáo tình hình giải ngân vốn đầu tư công năm 2017", ("skhdt", "stc", "huyen")),
    (D(2018, 1, 10), "thong-bao", "", "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp Ủy ban nhân dân tỉnh thường kỳ tháng 12 năm 2017", ("so", "huyen")),
    (D(2018, 1, 12), "thong-bao", "", _week_schedule(3, D(2018, 1, 15), D(2018, 1, 19)), ("ubnd",)),
    (D(2018, 1, 12), "cong-van", "VX", "V/v tổ chức thăm, chúc Tết các gia đình chính sách nhân dịp Tết Nguyên đán Mậu Tuất năm 2018", ("sldtbxh", "huyen")),
    (D(2018, 1, 15), "giay-moi", "", "Mời dự Hội nghị tổng kết công tác cải cách hành chính năm 2017 và triển khai nhiệm vụ năm 2018", ("so", "huyen")),
    (D(2018, 1, 16), "cong-van", "NCTH", "V/v thực hiện gửi, nhận văn bản điện tử giữa các cơ quan hành chính nhà nước trên địa bàn tỉnh", ("stttt", "so", "huyen")),
    (D(2018, 1, 17), "thong-bao", "", "Kết luận của Phó Chủ tịch UBND tỉnh tại buổi làm việc với UBND huyện Phụng Hiệp về tình hình thực hiện nhiệm vụ kinh tế - xã hội năm 2017", ("phunghiep",)),
    (D(2018, 1, 19), "thong-bao", "", _week_schedule(4, D(2018, 1, 22), D(2018, 1, 26)), ("ubnd",)),
    (D(2018, 1, 22), "bao-cao", "", "Kết quả thực hiện nhiệm vụ được UBND tỉnh giao năm 2017", ("ubnd",)),
    (D(2018, 1, 23), "cong-van", "KT", "V/v bảo đảm cung ứng hàng hóa, bình ổn thị trường dịp Tết Nguyên đán Mậu Tuất năm 2018", ("sct", "huyen")),
    (D(2018, 1, 25), "thong-bao", "", "Kết luận của Phó Chủ tịch UBND tỉnh tại cuộc họp nghe báo cáo tiến độ xây dựng Cổng dịch vụ công trực tuyến của tỉnh", ("stttt", "snv")),
    (D(2018, 1, 26), "thong-bao", "", _week_schedule(5, D(2018, 1, 29), D(2018, 2, 2)), ("ubnd",)),
    (D(2018, 1, 29), "giay-moi", "", "Mời dự họp giao ban kinh tế - xã hội tháng 01 năm 2018", ("so", "huyen")),
    (D(2018, 1, 31), "cong-van", "NCTH", "V/v đôn đốc triển khai phần mềm quản lý văn bản và điều hành dùng chung", ("stttt", "so", "huyen")),
    (D(2018, 2, 2), "thong-bao", "", _week_schedule(6, D(2018, 2, 5), D(2018, 2, 9)), ("ubnd",)),
    (D(2018, 2, 5), "giay-moi", "", "Mời dự họp thông qua kết quả chấm điểm mức độ ứng dụng công nghệ thông tin của các cơ quan, đơn vị trên địa bàn tỉnh năm 2017", ("stttt", "so")),
    (D(2018, 2, 6), "cong-van", "VX", "V/v tổ chức trực Tết Nguyên đán Mậu Tuất năm 2018", ("so", "huyen")),
    (D(2018, 2, 7), "thong-bao", "", "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp Ủy ban nhân dân tỉnh thường kỳ tháng 01 năm 2018", ("so", "huyen")),
    (D(2018, 2, 9), "thong-bao", "", "Lịch làm việc của Thường trực UBND tỉnh từ ngày 12/02 đến ngày 13/02/2018", ("ubnd",)),
    (D(2018, 2, 12), "cong-van", "KT", "V/v kiểm tra công tác phòng cháy, chữa cháy dịp Tết Nguyên đán Mậu Tuất năm 2018", ("huyen",)),
    (D(2018, 2, 13), "cong-van", "NCTH", "V/v thông báo lịch nghỉ Tết Nguyên đán Mậu Tuất năm 2018", ("so", "huyen")),
    (D(2018, 2, 21), "thong-bao", "", "Lịch làm việc của Thường trực UBND tỉnh từ ngày 21/02 đến ngày 23/02/2018", ("ubnd",)),
    (D(2018, 2, 22), "cong-van", "KT", "V/v báo cáo tình hình sản xuất, kinh doanh sau Tết Nguyên đán Mậu Tuất năm 2018", ("sct", "snnptnt")),
    (D(2018, 2, 23), "thong-bao", "", _week_schedule(9, D(2018, 2, 26), D(2018, 3, 2)), ("ubnd",)),
    (D(2018, 2, 26), "giay-moi", "", "Mời dự họp Ủy ban nhân dân tỉnh thường kỳ tháng 02 năm 2018", ("so", "huyen")),
    (D(2018, 2, 28), "thong-bao", "", "Kết luận của Phó Chủ tịch UBND tỉnh tại cuộc họp triển khai Kế hoạch cải cách hành chính năm 2018", ("snv", "so")),
    (D(2018, 3, 2), "thong-bao", "", _week_schedule(10, D(2018, 3, 5), D(2018, 3, 9)), ("ubnd",)),
]

VP_2018_AFTER_SEED = [
    (D(2018, 3, 9), "thong-bao", "", _week_schedule(11, D(2018, 3, 12), D(2018, 3, 16)), ("ubnd",)),
    (D(2018, 3, 14), "cong-van", "NCTH", "V/v đôn đốc thực hiện Thông báo số 32/TB-VP.UBND ngày 05/3/2018 về kết quả chấm điểm mức độ ứng dụng công nghệ thông tin năm 2017", ("stttt", "huyen")),
    (D(2018, 3, 16), "thong-bao", "", _week_schedule(12, D(2018, 3, 19), D(2018, 3, 23)), ("ubnd",)),
    (D(2018, 3, 26), "giay-moi", "", "Mời dự Hội nghị công bố mức độ ứng dụng công nghệ thông tin và Chỉ số cải cách hành chính năm 2017", ("so", "huyen")),
    (D(2018, 4, 10), "thong-bao", "", "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp Ủy ban nhân dân tỉnh thường kỳ tháng 3 năm 2018", ("so", "huyen")),
    (D(2018, 5, 2), "bao-cao", "", "Kết quả thực hiện nhiệm vụ được UBND tỉnh giao quý I năm 2018", ("ubnd",)),
]

# Fixed documents that carry the seed notice's story in other agencies.
STORY = [
    ("stttt", D(2018, 1, 26), "bao-cao", "", "Kết quả đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin của các cơ quan, đơn vị trên địa bàn tỉnh Hậu Giang năm 2017", ("ubnd", "vp")),
    ("stttt", D(2018, 3, 20), "ke-hoach", "", "Triển khai thực hiện Thông báo số 32/TB-VP.UBND ngày 05/3/2018 của Văn phòng UBND tỉnh về kết quả chấm điểm mức độ ứng dụng công nghệ thông tin năm 2017", ("so", "huyen")),
    ("vithuy", D(2018, 3, 22), "cong-van", "NC", "V/v triển khai Thông báo số 32/TB-VP.UBND ngày 05/3/2018 của Văn phòng UBND tỉnh", ("xa",)),
    ("xa-vithang", D(2018, 4, 3), "bao-cao", "", "Tình hình sử dụng phần mềm quản lý văn bản và điều hành quý I năm 2018", ("parent",)),
]

# Incoming documents from bodies outside the province: (receiver, issuer, số ký hiệu, type, issued,
# subject, signer authority, signer position).
EXTERNAL_INCOMING = [
    ("ubnd", "vpcp", "1140/VPCP-KSTT", "cong-van", D(2017, 2, 10), "V/v đẩy mạnh kiểm soát thủ tục hành chính và thực hiện cơ chế một cửa, một cửa liên thông", "KT.", "Phó Chủ nhiệm"),
    ("ubnd", "btttt", "2342/QĐ-BTTTT", "quyet-dinh", D(2017, 12, 18), "Về việc ban hành Bộ chỉ tiêu đánh giá mức độ ứng dụng công nghệ thông tin của các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ và các tỉnh, thành phố trực thuộc trung ương", "KT.", "Thứ trưởng"),
    ("stttt", "btttt", "2342/QĐ-BTTTT", "quyet-dinh", D(2017, 12, 18), "Về việc ban hành Bộ chỉ tiêu đánh giá mức độ ứng dụng công nghệ thông tin của các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ và các tỉnh, thành phố trực thuộc trung ương", "KT.", "Thứ trưởng"),
    ("stttt", "btttt", "845/BTTTT-THH", "cong-van", D(2017, 3, 17), "V/v hướng dẫn triển khai Kiến trúc Chính phủ điện tử cấp tỉnh", "KT.", "Thứ trưởng"),
    ("ubnd", "bnv", "4589/BNV-CCHC", "cong-van", D(2017, 8, 25), "V/v triển khai xác định Chỉ số cải cách hành chính năm 2017", "KT.", "Thứ trưởng"),
    ("snv", "bnv", "4589/BNV-CCHC", "cong-van", D(2017, 8, 25), "V/v triển khai xác định Chỉ số cải cách hành chính năm 2017", "KT.", "Thứ trưởng"),
    ("ubnd", "btc", "12505/BTC-NSNN", "cong-van", D(2017, 9, 19), "V/v hướng dẫn xây dựng dự toán ngân sách nhà nước năm 2018", "KT.", "Thứ trưởng"),
    ("stc", "btc", "12505/BTC-NSNN", "cong-van", D(2017, 9, 19), "V/v hướng dẫn xây dựng dự toán ngân sách nhà nước năm 2018", "KT.", "Thứ trưởng"),
    ("ubnd", "bkhdt", "6127/BKHĐT-TH", "cong-van", D(2017, 7, 27), "V/v hướng dẫn xây dựng kế hoạch phát triển kinh tế - xã hội và dự toán ngân sách nhà nước năm 2018", "", "Bộ trưởng"),
    ("ubnd", "vpcp", "1276/VPCP-KSTT", "cong-van", D(2018, 2, 8), "V/v đẩy mạnh triển khai Chính phủ điện tử theo Nghị quyết số 36a/NQ-CP ngày 14/10/2015 của Chính phủ", "KT.", "Phó Chủ nhiệm"),
    ("ubnd", "tinhuy", "120-TB/TU", "thong-bao", D(2018, 1, 18), "Kết luận của Thường trực Tỉnh ủy về tình hình thực hiện nhiệm vụ năm 2017 và phương hướng năm 2018", "TL.", "Chánh Văn phòng"),
    ("vp", "btttt", "257/BTTTT-THH", "cong-van", D(2018, 1, 29), "V/v hướng dẫn đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin năm 2017", "KT.", "Thứ trưởng"),
    ("stttt", "btttt", "257/BTTTT-THH", "cong-van", D(2018, 1, 29), "V/v hướng dẫn đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin năm 2017", "KT.", "Thứ trưởng"),
    ("ubnd", "bnv", "1052/BNV-VTLTNN", "cong-van", D(2018, 3, 12), "V/v hướng dẫn quản lý văn bản đi, văn bản đến và lập hồ sơ trong môi trường điện tử", "KT.", "Thứ trưởng"),
]


# --- Planning ---------------------------------------------------------------------------------------

def working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    days = []
    d = start
    holidays = set(HOLIDAYS)
    while d <= end:
        if d.weekday() < 5 and d not in holidays:
            days.append(d)
        d += dt.timedelta(days=1)
    return days


def next_working_day(day: dt.date, offset: int) -> dt.date:
    """``offset`` working days after ``day`` (0 keeps the day)."""
    holidays = set(HOLIDAYS)
    d = day
    while offset > 0:
        d += dt.timedelta(days=1)
        if d.weekday() < 5 and d not in holidays:
            offset -= 1
    return d


def _fill(template: str, day: dt.date, spec: AgencySpec, specs: dict[str, AgencySpec], rng: random.Random) -> str:
    district = specs.get(spec.district or "")
    # A monthly report covers the current month from the 20th on, else the month before; a quarterly
    # one the current quarter in its last month, else the quarter before.
    reported = day if day.day >= 20 else day.replace(day=1) - dt.timedelta(days=1)
    quarter_end = day if day.month % 3 == 0 else day.replace(day=1, month=day.month - day.month % 3 or 12,
                                                              year=day.year - (day.month < 3))
    values = {
        "year": day.year, "prev": day.year - 1, "next": day.year + 1,
        "month": f"{reported.month:02d}", "myear": reported.year,
        "q": "I II III IV".split()[(quarter_end.month - 1) // 3], "qyear": quarter_end.year,
        "dname": district.name.replace("Ủy ban nhân dân ", "") if district else "",
        "unit": spec.name.replace("Ủy ban nhân dân ", ""), "self": spec.name,
        "district": "UBND " + rng.choice([d for d in specs.values() if d.kind == "district"]).name.replace(
            "Ủy ban nhân dân ", ""),
    }
    return template.format(**values)


@dataclass
class Planner:
    """Builds the plans deterministically from one seeded generator."""

    rng: random.Random = field(default_factory=lambda: random.Random(2018))
    specs: dict[str, AgencySpec] = field(default_factory=specs_by_key)
    leaders: dict[str, str] = field(default_factory=dict)
    order: int = 0

    def __post_init__(self) -> None:
        for account in accounts():
            for key, role, _title in account.positions[:1]:
                if role == "leader" and key not in self.leaders:
                    self.leaders[key] = account.full_name
        self.departments = [s.key for s in self.specs.values() if s.kind == "department"]
        self.districts = [s.key for s in self.specs.values() if s.kind == "district"]
        self.communes_of = {d[0]: [s.key for s in self.specs.values() if s.kind == "commune" and s.district == d[0]]
                            for d in DISTRICTS}

    # Signers -----------------------------------------------------------------------------------
    def signer(self, spec: AgencySpec, *, head: bool | None = None) -> tuple[str, str, str]:
        head_title, deputy_title = head_titles(spec)
        if head is None:
            head = self.rng.random() < 0.4
        if head:
            authority = "TM." if spec.kind in ("province", "district", "commune") else ""
            return authority, head_title, self.leaders[spec.key]
        return "KT.", deputy_title, deputy_name(spec, self.rng.randrange(2))

    # Recipients --------------------------------------------------------------------------------
    def resolve(self, spec: AgencySpec, targets: tuple[str, ...], unit: str) -> tuple[list[str], str]:
        """(agency keys that receive a copy, the "Nơi nhận" text)."""
        keys: list[str] = []
        lines: list[str] = []
        rng = self.rng
        for t in targets:
            if t == "ubnd":
                keys.append("ubnd")
                lines.append("- UBND tỉnh;" if spec.kind != "office" else "- Thường trực UBND tỉnh;")
            elif t == "so":
                picked = rng.sample([d for d in self.departments if d != spec.key], 1)
                if rng.random() < 0.25:
                    picked.append("stttt")
                keys.extend(picked)
                lines.append("- Các sở, ban, ngành tỉnh;")
            elif t == "huyen":
                picked = rng.sample([d for d in self.districts if d != spec.key], 1)
                if rng.random() < 0.3:
                    picked.append("vithuy")
                keys.extend(picked)
                lines.append("- UBND các huyện, thị xã, thành phố;")
            elif t == "xa":
                communes = self.communes_of[spec.district]
                picked = rng.sample(communes, 1)
                if spec.district == "vithuy" and rng.random() < 0.5:
                    picked.append("xa-vithang")
                keys.extend(picked)
                lines.append("- UBND các xã, phường, thị trấn;" if any(
                    "phường" in self.specs[c].name for c in communes) else "- UBND các xã, thị trấn;")
            elif t == "parent":
                keys.append(spec.parent)
                lines.append(f"- {self.specs[spec.parent].short_name};")
            elif t == "district":
                pass  # filled by _fill through the subject; the copy goes to a random district below
            elif t.startswith("ext:"):
                lines.append(f"- {t[4:]};")
            elif t != spec.key:
                keys.append(t)
                lines.append(f"- {self.specs[t].short_name};")
        if spec.kind == "province":
            lines.insert(0, "- TT: TU, HĐND tỉnh;")
            lines.append("- Lãnh đạo VP UBND tỉnh;")
        unique = []
        for k in keys:
            if k and k != spec.key and k not in unique:
                unique.append(k)
        lines.append(f"- Lưu: VT{', ' + unit if unit else ''}.")
        return unique[:2], "\n".join(lines)

    def _urgency(self, type_code: str) -> str:
        """Letters and invitations are sometimes urgent; decisions, plans and reports rarely are."""
        r = self.rng.random()
        if type_code not in ("cong-van", "giay-moi"):
            return "urgent" if r < 0.05 else "normal"
        if r < 0.03:
            return "flash"
        if r < 0.08:
            return "very_urgent"
        if r < 0.25:
            return "urgent"
        return "normal"

    def plan(self, agency: str, day: dt.date, item: T, *, head: bool | None = None) -> OutPlan:
        spec = self.specs[agency]
        type_code, unit, template, targets = item
        subject = _fill(template, day, spec, self.specs, self.rng)
        if "district" in targets:
            district = next((d for d in self.districts if self.specs[d].name.replace("Ủy ban nhân dân ", "")
                             in subject), None)
            targets = tuple(t for t in targets if t != "district") + ((district,) if district else ())
        keys, recipients_text = self.resolve(spec, targets, unit)
        authority, position, name = self.signer(spec, head=head)
        copies = [(k, next_working_day(day, self.rng.choice((0, 1, 1, 2)))) for k in keys]
        self.order += 1
        due = self.rng.choice((None, None, 5, 7, 10)) if type_code in ("cong-van", "ke-hoach") else None
        return OutPlan(agency=agency, issued_on=day, type_code=type_code, subject=subject, unit=unit,
                       signer_authority=authority, signer_position=position, signer_name=name,
                       recipients_text=recipients_text, copies=copies, urgency=self._urgency(type_code),
                       with_pdf=self.rng.random() < 0.4, due_days=due, order=self.order)

    def spread(self, agency: str, pool: list[T], count: int, start: dt.date, end: dt.date) -> list[OutPlan]:
        pool = [item for item in pool if item[3] != (agency,)]  # nobody writes a letter to itself
        days = sorted(self.rng.sample(working_days(start, end), count))
        items = [pool[i % len(pool)] for i in self.rng.sample(range(max(count, len(pool))), count)]
        return [self.plan(agency, day, item) for day, item in zip(days, items, strict=False)]


def seed_notice_text() -> str:
    """The seed notice's text: the shared seed copy next to the repository if present, else ours."""
    here = Path(__file__).resolve().parent
    repo_root = here.parents[2]
    for path in (repo_root.parent / "shared" / "seed" / SEED_FILE, here / SEED_FILE):
        if path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()
            if lines and lines[0].startswith("<"):
                lines = lines[1:]  # a stray markup fragment in the shared copy
            return "\n".join(lines)
    raise FileNotFoundError(SEED_FILE)


def seed_notice_body(text: str) -> tuple[list[str], list[str]]:
    """(body paragraphs, Nơi nhận lines) of the seed notice."""
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    start = lines.index(next(ln for ln in lines if ln.startswith("Kết luận của Phó Chủ tịch"))) + 1
    stop = lines.index("Nơi nhận:")
    sign = next(i for i, ln in enumerate(lines) if ln.startswith("KT. CHÁNH VĂN PHÒNG"))
    return lines[start:stop], lines[stop + 1:sign]


def plan_documents(*, scale: float = 1.0) -> tuple[list[OutPlan], list[InPlan]]:
    """Every outgoing and external incoming plan. ``scale`` < 1 keeps fewer generated documents (0 keeps
    none, for fast tests); the Provincial Office's 2018 series around the seed notice, the seed's story,
    Vị Thắng's documents and the external documents are always there."""
    p = Planner()

    def n(count: int) -> int:
        return round(count * scale)

    outs: list[OutPlan] = []
    for day, type_code, unit, subject, targets in VP_2018_BEFORE_SEED + VP_2018_AFTER_SEED:
        head = type_code == "thong-bao" and subject.startswith("Lịch")
        outs.append(p.plan("vp", day, (type_code, unit, subject, targets), head=head or None))
    seed_text = seed_notice_text()
    body, _recipients = seed_notice_body(seed_text)
    seed_copies = [("ubnd", SEED_DATE)] + [
        (k, next_working_day(SEED_DATE, p.rng.choice((0, 1, 2))))
        for k in [s.key for s in p.specs.values() if s.group == "so-nganh" and s.key != "vp"] + p.districts]
    outs.append(OutPlan(agency="vp", issued_on=SEED_DATE, type_code="thong-bao", subject=SEED_SUBJECT,
                        signer_authority="KT.", signer_position="Phó Chánh Văn phòng", signer_name=SIGNER_THOAI,
                        recipients_text=SEED_RECIPIENTS, copies=seed_copies, body=body,
                        is_seed=True, order=-1))
    for agency, day, type_code, unit, subject, targets in STORY:
        outs.append(p.plan(agency, day, (type_code, unit, subject, targets)))
    outs += p.spread("vp", OFFICE_POOL, n(6), D(2017, 1, 3), D(2017, 12, 29))
    outs += p.spread("ubnd", PROVINCE_POOL, n(12), D(2017, 1, 3), D(2017, 12, 29))
    outs += p.spread("ubnd", PROVINCE_POOL, n(10), D(2018, 1, 2), END)
    for key in p.departments + ["ctk"]:
        pool = DEPARTMENT_POOLS.get(key, []) + DEPARTMENT_COMMON
        count = 6 if key == "stttt" else 3
        outs += p.spread(key, pool, n(count // 2), D(2017, 1, 3), D(2017, 12, 29))
        outs += p.spread(key, pool, n(count - count // 2), D(2018, 1, 2), END)
    for key in p.districts:
        count = 6 if key == "vithuy" else 3
        outs += p.spread(key, DISTRICT_POOL, n(count), START, END)
        if scale >= 1 or key == "vithuy":
            outs.append(p.plan(key, p.rng.choice(working_days(D(2018, 4, 2), D(2018, 5, 31))), DISTRICT_2018))
        outs += p.spread(f"vp{key}", DISTRICT_OFFICE_POOL, n(1), START, END)
        communes = p.communes_of[key]
        chosen = communes[::5]
        if key == "vithuy":
            chosen = ["xa-vithang"] + [c for c in communes[::3] if c != "xa-vithang"]
        for c in chosen:
            count = 4 if c == "xa-vithang" else 1
            outs += p.spread(c, COMMUNE_POOL, count if c == "xa-vithang" else n(count), START, END)

    ins: list[InPlan] = []
    for i, (agency, issuer, number_symbol, type_code, issued, subject, authority, position) in enumerate(
            EXTERNAL_INCOMING):
        received = next_working_day(issued, p.rng.choice((1, 2, 3)))
        ins.append(InPlan(agency=agency, issuer=issuer, number_symbol=number_symbol, issued_on=issued,
                          received_on=received, type_code=type_code, subject=subject,
                          signer_authority=authority, signer_position=position,
                          signer_name=_external_signer(issuer, position), with_pdf=p.rng.random() < 0.7,
                          due_days=p.rng.choice((None, 10, 15)), order=10_000 + i))
    return outs, ins


def _external_signer(issuer: str, position: str) -> str:
    return person_name(f"external:{issuer}:{position}", female=False)
