"""Importing the administrative-reform (CCHC) index: all rows or none, every bad row named by row and
column in Vietnamese, hostile files refused; the import page and its template."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import capfirst

from lienthong.assessment.models import AssessmentAuthority, AuthorityKind
from lienthong.audit.models import AuditEntry
from lienthong.commendations import services, tables
from lienthong.commendations.models import ReformIndexScore
from lienthong.commendations.views import IMPORTED
from lienthong.core import spreadsheets
from lienthong.core.errors import PermissionDenied
from lienthong.files import uploads

IMPORT_URL = "/khen-thuong/chi-so-cchc/"


@pytest.fixture
def roles(province):
    a = province.agencies
    AssessmentAuthority.objects.create(agency=a["stttt"], kind=AuthorityKind.COUNCIL)
    AssessmentAuthority.objects.create(agency=a["ubnd"], kind=AuthorityKind.APPROVER)
    AssessmentAuthority.objects.create(agency=a["vp"], kind=AuthorityKind.OFFICE)
    return province


def csv_bytes(*lines: str, bom: bool = True) -> bytes:
    return ("\ufeff" if bom else "").encode() + "\r\n".join(lines).encode("utf-8")


HEADER = "Mã định danh,Tên cơ quan,Năm,Chỉ số CCHC,Xếp hạng"


def test_a_good_file_is_stored_and_a_second_one_updates(roles):
    p = roles
    office = p.users["specialist.vp"]
    data = csv_bytes(HEADER,
                     "000.00.01.H30,,2017,\"85,5\",2",
                     ",Sở Thông tin và Truyền thông tỉnh Hậu Giang,2017,91.25,1",
                     ",UBND huyện Vị Thủy,2017,78,")  # the short name is accepted too
    result = services.reform_scores_import(actor=office, data=data, filename="cchc-2017.csv")
    assert (result.created, result.updated, result.years) == (3, 0, [2017])
    stored = {s.agency_id: s for s in ReformIndexScore.objects.all()}
    vp = stored[p.agencies["vp"].pk]
    assert (vp.value, vp.rank, vp.source_filename, vp.imported_by) == (Decimal("85.50"), 2, "cchc-2017.csv", office)
    assert stored[p.agencies["huyen"].pk].rank is None
    assert AuditEntry.objects.filter(object_type="reform_index", summary__contains="3 mới").exists()

    again = services.reform_scores_import(actor=p.users["specialist.stttt"], data=csv_bytes(
        "nam;ma_dinh_danh;chi_so", "2017;000.00.01.H30;88"), filename="sua.csv")  # other order, ';', no diacritics
    assert (again.created, again.updated) == (0, 1)
    vp.refresh_from_db()
    assert (vp.value, vp.rank) == (Decimal("88.00"), None)
    assert ReformIndexScore.objects.count() == 3


def test_every_bad_row_is_reported_and_nothing_is_stored(roles):
    p = roles
    data = csv_bytes(HEADER,
                     "000.00.01.H30,,2017,85,",          # good, but the file fails: not stored either
                     "000.99.99.H30,,2017,80,",          # unknown code
                     ",Sở Không Có,2017,80,",             # unknown name
                     "000.00.13.H30,,1999,80,",          # year out of range
                     "000.00.13.H30,,2017,100.5,",       # value above 100
                     "000.00.35.H30,,2017,-1,",          # value below 0
                     "000.00.35.H30,,2016,abc,0",        # not a number; rank 0
                     ",Văn phòng Ủy ban nhân dân tỉnh Hậu Giang,2017,70,",  # same agency as row 2
                     "000.00.13.H30,Sở Tài chính,2018,70,",  # code and name disagree
                     ",,2017,,")                          # nothing but a year
    with pytest.raises(services.ImportRejected) as exc:
        services.reform_scores_import(actor=p.users["leader.stttt"], data=data, filename="loi.csv", today=_d(2018))
    got = [(e.row, e.column, e.message) for e in exc.value.rows]
    s = services
    year_1999 = s.YEAR_OUT_OF_RANGE % {"v": 1999, "a": 2000, "b": 2018}
    assert got == [
        (3, "Mã định danh", s.UNKNOWN_CODE % {"c": "000.99.99.H30"}),
        (4, "Tên cơ quan", s.UNKNOWN_NAME % {"n": "Sở Không Có"}),
        (5, "Năm", year_1999),
        (6, "Chỉ số CCHC", s.VALUE_OUT_OF_RANGE % {"v": "100.5"}),
        (7, "Chỉ số CCHC", s.VALUE_OUT_OF_RANGE % {"v": "-1"}),
        (8, "Chỉ số CCHC", s.VALUE_NOT_A_NUMBER % {"v": "abc"}),
        (8, "Xếp hạng", s.RANK_NOT_POSITIVE % {"v": "0"}),
        (9, "Tên cơ quan", s.AGENCY_TWICE % {"a": "Văn phòng Ủy ban nhân dân tỉnh Hậu Giang", "n": 2, "y": 2017}),
        (10, "Tên cơ quan", s.CODE_NAME_MISMATCH % {
            "c": "000.00.13.H30", "a": "Sở Thông tin và Truyền thông tỉnh Hậu Giang", "n": "Sở Tài chính"}),
        (11, "Mã định danh", str(s.NO_AGENCY)),
        (11, "Chỉ số CCHC", str(s.NO_VALUE)),
    ]
    assert str(exc.value.rows[2]) == spreadsheets.ROW_COLUMN_PREFIXED % {"row": 5, "col": "Năm", "msg": year_1999}
    assert not ReformIndexScore.objects.exists()
    assert not AuditEntry.objects.filter(object_type="reform_index").exists()


def test_a_year_after_this_year_is_refused(roles):
    with pytest.raises(services.ImportRejected) as exc:
        services.reform_scores_import(actor=roles.users["leader.stttt"],
                                      data=csv_bytes(HEADER, "000.00.01.H30,,2019,80,"), today=_d(2018))
    assert exc.value.rows[0].message == services.YEAR_OUT_OF_RANGE % {"v": 2019, "a": 2000, "b": 2018}


def _d(year):
    import datetime as dt

    return dt.date(year, 3, 1)


def _xlsx(rows, *, extra_member: tuple[str, bytes] | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    if extra_member is None:
        return buf.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == extra_member[0]:
                data = extra_member[1]
            dst.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize(("data", "message"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, spreadsheets.XLS_UNSUPPORTED),
    (b"%PDF-1.7\n%\xe2\xe3\n1 0 obj", tables.NOT_A_TABLE),
    ("Tên cơ quan,Năm,Chỉ số CCHC\r\nSở Tài chính,2017,80".encode("cp1258", errors="replace")
     .replace(b"?", b"\xd0"), tables.CSV_NOT_UTF8),  # Windows-1258 text
    (csv_bytes("Cơ quan;Năm"), services.MISSING_COLUMN % {"c": services.LABELS["value"]}),
    (csv_bytes(HEADER), services.NO_DATA_ROWS),
    (b"PK\x03\x04not really a zip", spreadsheets.BROKEN_WORKBOOK),
])
def test_unreadable_files_are_refused_with_a_reason(roles, data, message):
    with pytest.raises(services.ImportRejected) as exc:
        services.reform_scores_import(actor=roles.users["leader.stttt"], data=data)
    assert str(message) in str(exc.value.rows[0])
    assert not ReformIndexScore.objects.exists()


def test_a_workbook_with_an_entity_declaration_is_refused_before_parsing(roles):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    data = _xlsx([["Mã định danh", "Năm", "Chỉ số CCHC"]], extra_member=("xl/workbook.xml", bomb))
    with pytest.raises(services.ImportRejected) as exc:
        services.reform_scores_import(actor=roles.users["leader.stttt"], data=data)
    assert exc.value.rows[0].message == str(spreadsheets.FORBIDDEN_CONTENT)


def test_an_upload_over_the_size_limit_is_refused_unread(roles):
    big = SimpleUploadedFile("lon.csv", b"a" * (tables.MAX_BYTES + 1), content_type="text/csv")
    with pytest.raises(tables.TableError) as exc:
        tables.read_upload(big)
    assert exc.value.message == uploads.TABLE_TOO_LARGE % {"n": 2}


def test_the_template_filled_in_imports(roles, client):
    from openpyxl import load_workbook

    client.force_login(roles.users["specialist.stttt"])
    response = client.get(reverse("commendations:reform_template"))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('mau-chi-so-cchc.xlsx"')
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Chỉ số CCHC", "Danh mục cơ quan", "Hướng dẫn"]
    header = [c.value for c in wb.worksheets[0][1]]
    assert header == ["Mã định danh", "Tên cơ quan", "Năm", "Chỉ số CCHC", "Xếp hạng"]
    listed = {row[0] for row in wb["Danh mục cơ quan"].iter_rows(min_row=2, values_only=True)}
    assert listed == {"000.00.01.H30", "000.00.13.H30"}  # the agencies of a ranking group
    wb.worksheets[0].append(["000.00.13.H30", None, 2017, 92.5, 1])
    buf = io.BytesIO()
    wb.save(buf)
    result = services.reform_scores_import(actor=roles.users["specialist.stttt"], data=buf.getvalue(),
                                           filename="mau.xlsx")
    assert result.created == 1 and ReformIndexScore.objects.get().value == Decimal("92.50")
    csv_template = client.get(reverse("commendations:reform_template") + "?dinh_dang=csv")
    assert csv_template.content.decode("utf-8-sig").strip() == HEADER


def test_the_import_page_lists_every_error_and_stores_nothing(roles, client):
    client.force_login(roles.users["specialist.vp"])
    upload = SimpleUploadedFile("cchc.csv", csv_bytes(HEADER, "000.00.01.H30,,2017,85,", "000.00.13.H30,,2017,101,",
                                                      "000.00.01.H30,,2017,80,"), content_type="text/csv")
    response = client.post(IMPORT_URL, {"file": upload})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Chưa nhập gì: tệp có lỗi" in html  # the page's heading
    # The page starts each message with a capital letter.
    assert escape(capfirst(services.VALUE_OUT_OF_RANGE % {"v": "101"})) in html
    twice = services.AGENCY_TWICE % {"a": "Văn phòng Ủy ban nhân dân tỉnh Hậu Giang", "n": 2, "y": 2017}
    assert escape(capfirst(twice)) in html
    assert not ReformIndexScore.objects.exists()

    upload = SimpleUploadedFile("cchc.xlsx", _xlsx([["Mã định danh", "Năm", "Chỉ số CCHC"],
                                                   ["000.00.01.H30", 2017, 85]]))
    response = client.post(IMPORT_URL, {"file": upload}, follow=True)
    assert response.redirect_chain[-1][0] == IMPORT_URL + "?nam=2017"
    html = response.content.decode()
    assert escape(IMPORTED % {"y": "2017", "c": 1, "u": 0}) in html
    assert "Văn phòng Ủy ban nhân dân tỉnh Hậu Giang" in html and "cchc.xlsx" in html


def test_import_page_query_count_does_not_grow(roles, client, django_assert_max_num_queries):
    from lienthong.commendations.tests.conftest import extra_agencies

    client.force_login(roles.users["specialist.vp"])
    services.reform_scores_import(actor=roles.users["specialist.vp"], data=csv_bytes(HEADER, "000.00.01.H30,,2017,85,"))
    client.get(IMPORT_URL)
    with django_assert_max_num_queries(12) as small:
        assert client.get(IMPORT_URL + "?nam=2017").status_code == 200
    more = extra_agencies(roles, 6)
    services.reform_scores_import(actor=roles.users["specialist.vp"], data=csv_bytes(
        HEADER, *[f"{a.identifier_code},,2017,{70 + i},{i + 1}" for i, a in enumerate(more)]))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(IMPORT_URL + "?nam=2017")
    assert response.content.decode().count("Sở Thử nghiệm số") == 6


@pytest.mark.parametrize(("username", "status"), [
    ("specialist.stttt", 200), ("clerk.vp", 200),  # council, office
    ("leader.ubnd", 403), ("leader.huyen", 403), ("clerk.xa", 403),
])
def test_who_may_import(roles, client, username, status):
    client.force_login(roles.users[username])
    assert client.get(IMPORT_URL).status_code == status
    assert client.get(reverse("commendations:reform_template")).status_code == status
    upload = SimpleUploadedFile("cchc.csv", csv_bytes(HEADER, "000.00.35.H30,,2017,99,"), content_type="text/csv")
    response = client.post(IMPORT_URL, {"file": upload})
    assert response.status_code == (302 if status == 200 else 403)
    assert ReformIndexScore.objects.exists() == (status == 200)
    if status == 403:
        assert "Không có quyền" in response.content.decode()
        with pytest.raises(PermissionDenied):
            services.reform_scores_import(actor=roles.users[username],
                                          data=csv_bytes(HEADER, "000.00.35.H30,,2017,99,"))


def test_anonymous_is_sent_to_login(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_a_template_downloaded_with_the_english_interface_imports(roles):
    from django.utils import translation
    from openpyxl import load_workbook

    with translation.override("en"):
        wb = load_workbook(io.BytesIO(services.reform_template_xlsx(year=2017)))
        english_csv = services.reform_template_csv()
    header = [c.value for c in wb.worksheets[0][1]]
    assert header != ["Mã định danh", "Tên cơ quan", "Năm", "Chỉ số CCHC", "Xếp hạng"]
    wb.worksheets[0].append(["000.00.13.H30", None, 2017, 92.5, 1])
    buf = io.BytesIO()
    wb.save(buf)
    actor = roles.users["specialist.stttt"]
    assert services.reform_scores_import(actor=actor, data=buf.getvalue(), filename="t.xlsx").created == 1
    data = english_csv + b"\r\n000.00.01.H30,,2017,80,2"
    assert services.reform_scores_import(actor=actor, data=data, filename="t.csv").created == 1
    with translation.override("en"):  # the Vietnamese headers still work while the interface is English
        data = csv_bytes(HEADER, "000.00.01.H30,,2018,81,")
        assert services.reform_scores_import(actor=actor, data=data, filename="t.csv").created == 1
