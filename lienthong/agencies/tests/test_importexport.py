import csv
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from lienthong.accounts.services import user_create
from lienthong.agencies import importexport
from lienthong.agencies.importexport import COLUMNS, ImportRejected, RowError
from lienthong.agencies.models import AdministrativeLevel, Agency
from lienthong.agencies.services import CODE_BAD_SHAPE
from lienthong.audit.models import AuditEntry
from lienthong.core import spreadsheets
from lienthong.core.errors import PermissionDenied
from lienthong.files.uploads import TABLE_EMPTY, TABLE_TOO_LARGE
from lienthong.testing.builders import PASSWORD, make_agency


@pytest.fixture
def admin(db):
    return user_create(username="quantri", password=PASSWORD, full_name="Quản trị hệ thống", is_system_admin=True)


def snapshot():
    return list(Agency.objects.order_by("pk").values_list(
        "pk", "identifier_code", "name", "short_name", "abbreviation", "level_id", "group_id", "parent_id",
        "place_name", "is_external", "is_active", "identifier_verified", "path", "name_folded"))


def csv_bytes(rows, header=COLUMNS, bom=True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8")


def xlsx_bytes(rows, header=COLUMNS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(code, name, abbreviation="PB", level="tinh", group="", parent="", place="Hậu Giang", external="0",
        active="1", verified="1", short_name=""):
    return [code, name, short_name, abbreviation, level, group, parent, place, external, active, verified]


def as_row_problem(message: str) -> str:
    """A directory-wide message as a row's problem: starting in lower case, as the import words it."""
    return message[:1].lower() + message[1:]


def rejected_rows(admin, data) -> list[tuple]:
    with pytest.raises(ImportRejected) as exc:
        importexport.agencies_import(actor=admin, data=data)
    return [(e.row, e.message) for e in exc.value.rows]


@pytest.fixture
def codeless(province):
    """Bodies without identifier codes: an external ministry, and a unit with a team under it."""
    lv = AdministrativeLevel.objects.get(code="tinh")
    make_agency("Bộ Nội vụ", "BNV", lv, external=True, place="Hà Nội")
    unit = make_agency("Phòng Hành chính - Tổ chức", "HCTC", lv, parent=province.agencies["vp"])
    make_agency("Tổ Văn thư - Lưu trữ", "VTLT", lv, parent=unit)
    make_agency("=Tên bắt đầu bằng dấu bằng", "XX", lv, parent=province.agencies["vp"], code="000.00.02.H30")


def test_csv_export_is_utf8_with_bom_in_tree_order(province, codeless):
    content = importexport.agencies_export_csv()

    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == list(COLUMNS)
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["Ủy ban nhân dân tỉnh Hậu Giang"] == [
        "000.00.00.H30", "Ủy ban nhân dân tỉnh Hậu Giang", "UBND tỉnh", "UBND", "tinh", "", "", "Hậu Giang", "0",
        "1", "1"]
    # Tree order: every agency comes after its parent (ids, and so the order of unrelated roots, depend on
    # what ran before on PostgreSQL, where sequences are not rolled back).
    position = {r[0]: i for i, r in enumerate(rows[1:]) if r[0]}
    for i, r in enumerate(rows[1:]):
        if r[6] and r[6] in position:
            assert position[r[6]] < i, r[1]
    assert by_name["Văn phòng Ủy ban nhân dân tỉnh Hậu Giang"][5:7] == ["so-nganh", "000.00.00.H30"]
    assert by_name["Bộ Nội vụ"][0] == "" and by_name["Bộ Nội vụ"][8] == "1"
    assert "'=Tên bắt đầu bằng dấu bằng" in by_name  # a spreadsheet must not run it as a formula
    names = [r[1] for r in rows[1:]]
    assert names.index("Ủy ban nhân dân huyện Vị Thủy") < names.index("Ủy ban nhân dân xã Vị Thắng")


@pytest.mark.parametrize("export", [importexport.agencies_export_csv, importexport.agencies_export_xlsx])
def test_export_then_import_changes_nothing(province, codeless, admin, export):
    before = snapshot()

    result = importexport.agencies_import(actor=admin, data=export())

    assert (result.created, result.updated, result.unchanged) == ([], [], len(before))
    assert snapshot() == before


def test_bad_rows_are_all_reported_and_nothing_is_imported(province, admin):
    before = snapshot()
    data = csv_bytes([
        row("000.00.40.H30", "Sở Nội vụ tỉnh Hậu Giang", "SNV", parent="000.00.00.H30"),
        row("000.00.4.H30", "Sở Tư pháp tỉnh Hậu Giang", "STP", parent="000.00.00.H30"),
        row("000.00.41.H30", "Sở Y tế tỉnh Hậu Giang", "SYT", parent="000.00.99.H30"),
    ])

    problems = rejected_rows(admin, data)

    assert problems == [
        (3, as_row_problem(CODE_BAD_SHAPE % {"c": "000.00.4.H30"})),
        (4, importexport.PARENT_UNKNOWN % {"c": "000.00.99.H30"}),
    ]
    assert snapshot() == before
    assert not Agency.objects.filter(name="Sở Nội vụ tỉnh Hậu Giang").exists()


def test_every_kind_of_row_error_has_its_own_message(province, admin):
    data = csv_bytes([
        row("000.00.40.H30", "Sở Nội vụ", "SNV", level="tinhh"),
        row("000.00.41.H30", "Sở Y tế", "SYT", group="khong-co"),
        row("000.00.42.H30", "", ""),
        row("000.00.43.H30", "Sở Tài chính", "STC", parent="000.00.44.H30"),
        row("000.00.44.H30", "Phòng Tổng hợp", "PTH"),
        row("000.00.44.H30", "Phòng Tổng hợp (lặp)", "PTH"),
        row("000.00.45.H30", "Sở Xây dựng", "SXD", active="có lẽ"),
        row("000.00.46.H30", "Sở Công Thương", "SCT", parent="000.00.46.H30"),
    ])

    problems = rejected_rows(admin, data)

    assert problems == [
        (2, importexport.LEVEL_UNKNOWN % {"c": "tinhh", "known": "huyen, tinh, xa"}),
        (3, importexport.GROUP_UNKNOWN % {"c": "khong-co"}),
        (4, str(importexport.NAME_REQUIRED)),
        (4, str(importexport.ABBREVIATION_REQUIRED)),
        (5, importexport.PARENT_DECLARED_LATER % {"c": "000.00.44.H30", "n": 6}),
        (7, importexport.CODE_REPEATED % {"c": "000.00.44.H30", "n": 6}),
        (8, importexport.FLAG_INVALID % {"c": "is_active", "v": "có lẽ"}),
        (9, str(importexport.OWN_PARENT)),
    ]
    assert str(RowError(2, "x")) == importexport.ROW_PREFIXED % {"row": 2, "message": "x"}


def test_xlsx_import_creates_and_updates_with_parents_from_earlier_rows(province, admin):
    data = xlsx_bytes([
        row("000.00.13.H30", "Sở Thông tin và Truyền thông tỉnh Hậu Giang", "STTTT", group="so-nganh",
            parent="000.00.00.H30", short_name="Sở TTTT"),
        row("000.00.50.H30", "Trung tâm Công nghệ thông tin và Truyền thông", "TTCNTT", parent="000.00.13.H30"),
        row("000.01.50.H30", "Phòng Hạ tầng số", "HTS", parent="000.00.50.H30", verified="0"),
        ["", "Tạp chí Cộng sản", "", "TCCS", "tinh", "", "", "Hà Nội", True, True, True],
    ])

    result = importexport.agencies_import(actor=admin, data=data)

    assert result.created == ["000.00.50.H30", "000.01.50.H30", "Tạp chí Cộng sản"]
    assert result.updated == ["000.00.13.H30"]
    stttt = Agency.objects.get(identifier_code="000.00.13.H30")
    centre = Agency.objects.get(identifier_code="000.00.50.H30")
    unit = Agency.objects.get(identifier_code="000.01.50.H30")
    assert stttt.pk == province.agencies["stttt"].pk and stttt.short_name == "Sở TTTT"
    assert unit.path == f"{stttt.path}{centre.pk}/{unit.pk}/" and not unit.identifier_verified
    assert unit.name_folded == "phong ha tang so"
    assert Agency.objects.get(name="Tạp chí Cộng sản").is_external
    entry = AuditEntry.objects.filter(action="imported").get()
    assert entry.actor == admin and entry.summary == "Nhập danh mục cơ quan: 3 mới, 1 cập nhật, 0 không đổi"


def test_moving_a_subtree_keeps_the_paths_right(province, admin):
    data = csv_bytes([
        row("000.00.35.H30", "Ủy ban nhân dân huyện Vị Thủy", "UBND", level="huyen", parent="000.00.01.H30",
            place="Vị Thủy"),
        row("000.22.35.H30", "Ủy ban nhân dân xã Vị Bình", "UBND", level="xa", parent="000.00.35.H30"),
        row("001.21.35.H30", "Ấp 1, xã Vị Thắng", "AP1", level="xa", parent="000.21.35.H30"),  # xã is not in the file
    ])

    importexport.agencies_import(actor=admin, data=data)

    vp, huyen, xa = (Agency.objects.get(pk=province.agencies[k].pk) for k in ("vp", "huyen", "xa"))
    new = Agency.objects.get(identifier_code="000.22.35.H30")
    hamlet = Agency.objects.get(identifier_code="001.21.35.H30")
    assert huyen.path == f"{vp.path}{huyen.pk}/"
    assert xa.path == f"{huyen.path}{xa.pk}/" and new.path == f"{huyen.path}{new.pk}/"
    assert hamlet.path == f"{xa.path}{hamlet.pk}/"


def test_only_system_administrators_import(province):
    before = snapshot()
    data = csv_bytes([row("000.00.40.H30", "Sở Nội vụ", "SNV")])

    with pytest.raises(PermissionDenied) as exc:
        importexport.agencies_import(actor=province.users["clerk.vp"], data=data)

    assert exc.value.message == str(importexport.ONLY_SYSTEM_ADMINS_IMPORT)
    assert snapshot() == before


def _xlsx_with(member: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([row("000.00.40.H30", "Sở Nội vụ", "SNV")])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, content if info.filename == member else source.read(info))
    return out.getvalue()


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
                  b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                  b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')


@pytest.mark.parametrize("data, message", [
    (b"", TABLE_EMPTY),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, spreadsheets.XLS_UNSUPPORTED),
    (b"%PDF-1.4\n\x00\x01binary", spreadsheets.NOT_A_TABLE),
    (b"identifier_code,name\n,\xd0\xe0 N\xe3ng\n",  # "Đà Nẵng" as Windows-1258, as old Excel saves CSV
     spreadsheets.CSV_NOT_UTF8),
    (b"PK\x03\x04 not really a zip", spreadsheets.BROKEN_WORKBOOK),
    (_xlsx_with("xl/worksheets/sheet1.xml", BILLION_LAUGHS), spreadsheets.FORBIDDEN_CONTENT),
    (csv_bytes([], header=("identifier_code", "name", "ten_la")),
     importexport.ROW_PREFIXED % {"row": 1, "message": importexport.MISSING_COLUMNS % {
         "c": "short_name, abbreviation, level, group, parent_identifier_code, place_name, is_external, "
              "is_active, identifier_verified"}}),
    (csv_bytes([]), importexport.NO_DATA_ROWS),
])
def test_hostile_or_broken_files_are_refused_with_a_vietnamese_message(province, admin, data, message):
    before = snapshot()

    with pytest.raises(ImportRejected) as exc:
        importexport.agencies_import(actor=admin, data=importexport.read_upload(io.BytesIO(data)))

    assert str(exc.value.rows[0]) == str(message)
    assert snapshot() == before


def test_upload_over_5_mb_is_refused_without_reading_it(db):
    class Upload(io.BytesIO):
        size = 5 * 1024 * 1024 + 1

    with pytest.raises(ImportRejected) as exc:
        importexport.read_upload(Upload(b"x"))
    assert str(exc.value.rows[0]) == TABLE_TOO_LARGE % {"n": 5}


def test_csv_with_semicolons_and_without_bom_is_read(province, admin):
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows([COLUMNS, row("000.00.40.H30", "Sở Nội vụ, tỉnh Hậu Giang", "SNV",
                                                            parent="000.00.00.H30")])

    result = importexport.agencies_import(actor=admin, data=out.getvalue().encode("utf-8"))

    assert result.created == ["000.00.40.H30"]
    assert Agency.objects.get(identifier_code="000.00.40.H30").name == "Sở Nội vụ, tỉnh Hậu Giang"


def test_xlsx_export_reopens_and_keeps_formula_like_names_as_text(province, codeless):
    sheet = load_workbook(io.BytesIO(importexport.agencies_export_xlsx())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))

    assert rows[0] == COLUMNS
    names = {r[1]: r for r in rows[1:]}
    assert names["Ủy ban nhân dân tỉnh Hậu Giang"] == (
        "000.00.00.H30", "Ủy ban nhân dân tỉnh Hậu Giang", "UBND tỉnh", "UBND", "tinh", None, None, "Hậu Giang",
        False, True, True)
    # a spreadsheet must not run it as a formula: the apostrophe keeps it text (and the import drops it)
    cell = next(c for c in sheet["B"] if c.value == "'=Tên bắt đầu bằng dấu bằng")
    assert cell.data_type == "s"


def test_limits_on_rows_and_unpacked_size(province, admin, monkeypatch):
    monkeypatch.setattr(importexport, "MAX_ROWS", 2)
    monkeypatch.setattr(importexport, "MAX_UNPACKED_BYTES", 4000)
    rows = [row(f"000.00.{n}.H30", f"Sở số {n}", "S") for n in range(40, 43)]

    assert rejected_rows(admin, csv_bytes(rows)) == [(None, spreadsheets.TOO_MANY_ROWS % {"n": 2})]
    assert rejected_rows(admin, xlsx_bytes(rows[:1])) == [(None, str(spreadsheets.UNPACKED_TOO_LARGE))]


def test_values_beyond_the_header_are_reported(province, admin):
    data = csv_bytes([row("000.00.40.H30", "Sở Nội vụ", "SNV") + ["thừa"]])

    assert rejected_rows(admin, data) == [(2, str(importexport.EXTRA_CELLS))]
