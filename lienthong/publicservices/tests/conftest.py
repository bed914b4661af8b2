import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lienthong.assessment.models import AssessmentAuthority, AuthorityKind

HEADER = ["Mã định danh cơ quan", "Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực", "Mức độ DVCTT", "Tháng",
          "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến", "Đã giải quyết", "Giải quyết đúng hạn"]
STTTT, HUYEN = "000.00.13.H30", "000.00.35.H30"
TODAY = dt.date(2023, 3, 15)


@pytest.fixture
def dvc(province):
    """The test province with its office (Văn phòng UBND tỉnh) and council (Sở TT&TT) declared."""
    a = province.agencies
    AssessmentAuthority.objects.create(agency=a["vp"], kind=AuthorityKind.OFFICE)
    AssessmentAuthority.objects.create(agency=a["stttt"], kind=AuthorityKind.COUNCIL)
    return province


def csv_bytes(rows, *, header=HEADER, bom=True, delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8")


def xlsx_bytes(rows, *, header=HEADER) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(data: bytes, name="so-lieu.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)
