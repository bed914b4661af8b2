"""The retention periods (thời hạn bảo quản) the plans and files start with; administrators edit them."""

from django.db import migrations

PERMANENT_SOURCE = "NĐ 30/2020/NĐ-CP, Điều 28 và Phụ lục V mục I: thời hạn bảo quản là vĩnh viễn hoặc số năm cụ thể"
YEARS_SOURCE = ("Bảng thời hạn bảo quản hồ sơ, tài liệu của Bộ Nội vụ (có thể là Thông tư 10/2022/TT-BNV) "
                "và Luật Lưu trữ 2024: chưa đối chiếu văn bản gốc")

ROWS = [("vinh-vien", "Vĩnh viễn", None, PERMANENT_SOURCE, True)] + [
    (f"{n}-nam", f"{n} năm", n, YEARS_SOURCE, False) for n in (70, 50, 30, 20, 10, 5)]


def seed(apps, schema_editor):
    RetentionPeriod = apps.get_model("records", "RetentionPeriod")
    for order, (code, name, years, source, verified) in enumerate(ROWS, start=1):
        RetentionPeriod.objects.get_or_create(code=code, defaults=dict(
            name=name, years=years, source=source, verified=verified, order=order * 10))


class Migration(migrations.Migration):
    dependencies = [("records", "0001_file_plan_and_case_files")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
