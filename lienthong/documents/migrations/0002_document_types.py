"""The type catalogue as data: the 29 administrative types of Decree 30/2020 (Art. 7, PL III) with their
exact, case-sensitive abbreviations, the copy forms, the legal-normative types that arrive as incoming
mail, and types of the old Decree 09/2010 list kept for legacy records."""

from django.db import migrations

ND30 = [
    ("nghi-quyet", "Nghị quyết", "NQ"), ("quyet-dinh", "Quyết định", "QĐ"), ("chi-thi", "Chỉ thị", "CT"),
    ("quy-che", "Quy chế", "QC"), ("quy-dinh", "Quy định", "QyĐ"), ("thong-cao", "Thông cáo", "TC"),
    ("thong-bao", "Thông báo", "TB"), ("huong-dan", "Hướng dẫn", "HD"), ("chuong-trinh", "Chương trình", "CTr"),
    ("ke-hoach", "Kế hoạch", "KH"), ("phuong-an", "Phương án", "PA"), ("de-an", "Đề án", "ĐA"),
    ("du-an", "Dự án", "DA"), ("bao-cao", "Báo cáo", "BC"), ("bien-ban", "Biên bản", "BB"),
    ("to-trinh", "Tờ trình", "TTr"), ("hop-dong", "Hợp đồng", "HĐ"), ("cong-van", "Công văn", ""),
    ("cong-dien", "Công điện", "CĐ"), ("ban-ghi-nho", "Bản ghi nhớ", "BGN"), ("ban-thoa-thuan", "Bản thỏa thuận", "BTT"),
    ("giay-uy-quyen", "Giấy ủy quyền", "GUQ"), ("giay-moi", "Giấy mời", "GM"), ("giay-gioi-thieu", "Giấy giới thiệu", "GGT"),
    ("giay-nghi-phep", "Giấy nghỉ phép", "GNP"), ("phieu-gui", "Phiếu gửi", "PG"), ("phieu-chuyen", "Phiếu chuyển", "PC"),
    ("phieu-bao", "Phiếu báo", "PB"), ("thu-cong", "Thư công", ""),
]
COPIES = [("ban-sao-y", "Bản sao y", "SY"), ("ban-trich-sao", "Bản trích sao", "TrS"), ("ban-sao-luc", "Bản sao lục", "SL")]
LEGAL = [
    ("qppl-hien-phap", "Hiến pháp", ""), ("qppl-bo-luat", "Bộ luật", ""), ("qppl-luat", "Luật", ""),
    ("qppl-phap-lenh", "Pháp lệnh", ""), ("qppl-lenh", "Lệnh", ""), ("qppl-nghi-quyet", "Nghị quyết (QPPL)", "NQ"),
    ("qppl-nghi-quyet-lien-tich", "Nghị quyết liên tịch", "NQLT"), ("qppl-nghi-dinh", "Nghị định", "NĐ"),
    ("qppl-quyet-dinh", "Quyết định (QPPL)", "QĐ"), ("qppl-thong-tu", "Thông tư", "TT"),
    ("qppl-thong-tu-lien-tich", "Thông tư liên tịch", "TTLT"), ("qppl-chi-thi", "Chỉ thị (QPPL)", "CT"),
]
LEGACY = [
    ("cu-ban-cam-ket", "Bản cam kết", ""), ("cu-giay-chung-nhan", "Giấy chứng nhận", ""),
    ("cu-giay-di-duong", "Giấy đi đường", ""), ("cu-giay-bien-nhan-ho-so", "Giấy biên nhận hồ sơ", ""),
]


def load(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    order = 0
    for kind, rows, nd30 in (("administrative", ND30, True), ("copy", COPIES, False), ("legal", LEGAL, False),
                             ("legacy", LEGACY, False)):
        for code, name, abbr in rows:
            order += 1
            DocumentType.objects.update_or_create(
                code=code, defaults=dict(name=name, abbreviation=abbr, kind=kind, is_nd30=nd30, order=order))


def unload(apps, schema_editor):
    apps.get_model("documents", "DocumentType").objects.filter(
        code__in=[c for rows in (ND30, COPIES, LEGAL, LEGACY) for c, _n, _a in rows]).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
