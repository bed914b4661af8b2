"""Importing the one-stop system's export: good files land whole, a bad file lands nothing and names every
bad row with its column; hostile files are refused."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from lienthong.core import spreadsheets
from lienthong.core.errors import PermissionDenied, ValidationFailed
from lienthong.files import uploads
from lienthong.publicservices import importing, services
from lienthong.publicservices.models import OnlineLevel, Procedure, ProcedureMonth

from .conftest import HEADER, HUYEN, STTTT, TODAY, csv_bytes, upload, xlsx_bytes

GOOD = [
    (STTTT, "1.004915", "Cấp giấy phép hoạt động in", "Xuất bản", "Mức độ 3", "06/2022", 25, 10, 24, 23),
    (STTTT, "1.004915", "Cấp giấy phép hoạt động in", "Xuất bản", "toàn trình", "09/2022", 30, 27, 30, 30),
    (STTTT, "2.001212", "Cấp phép xuất bản tài liệu", "Xuất bản", "một phần", "09/2022", 12, 4, 11, 11),
    (STTTT, "2.000100", "Cấp giấy phép bưu chính", "Bưu chính", "không", "", "", "", "", ""),
]


def _import(actor, data, name="so-lieu.csv"):
    return services.procedures_import(actor=actor, upload=upload(data, name), today=TODAY)


def _rejected(actor, data, name="so-lieu.csv") -> list[tuple[int | None, str, str]]:
    with pytest.raises(importing.ImportRejected) as exc:
        _import(actor, data, name)
    return [(e.row, e.column, e.message) for e in exc.value.rows]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_good_export_creates_the_catalogue_and_its_months(dvc, fmt):
    data = csv_bytes(GOOD) if fmt == "csv" else xlsx_bytes(GOOD)
    result = _import(dvc.users["clerk.stttt"], data, f"so-lieu.{fmt}")
    assert (result.kind, result.rows, result.procedures_created, result.months_written) == (fmt, 4, 3, 3)
    printing = Procedure.objects.get(agency=dvc.agencies["stttt"], code="1.004915")
    # the latest month of the file gives the current level
    assert (printing.online_level, printing.level_as_of) == (OnlineLevel.FULL, dt.date(2022, 9, 1))
    months = {(m.month, m.online_level, m.total, m.online, m.settled, m.on_time) for m in printing.months.all()}
    assert months == {(dt.date(2022, 6, 1), "3", 25, 10, 24, 23), (dt.date(2022, 9, 1), "toan_trinh", 30, 27, 30, 30)}
    postal = Procedure.objects.get(code="2.000100")
    assert postal.online_level == OnlineLevel.NONE and postal.level_as_of == TODAY and not postal.months.exists()


def test_xlsx_months_typed_as_dates_and_csv_with_semicolons_are_read(dvc):
    rows = [(STTTT, "1.1", "Thủ tục A", "", 4, dt.datetime(2021, 5, 1), 3, 1, 3, 2)]
    assert _import(dvc.users["clerk.stttt"], xlsx_bytes(rows), "a.xlsx").months_written == 1
    assert ProcedureMonth.objects.get().month == dt.date(2021, 5, 1)
    plain = csv_bytes([(STTTT, "1.1", "Thủ tục A", "", "4", "2021-06", "1.234", "0", "0", "0")], bom=False,
                      delimiter=";")
    assert _import(dvc.users["clerk.stttt"], plain).months_written == 1
    assert ProcedureMonth.objects.get(month=dt.date(2021, 6, 1)).total == 1234


def test_importing_again_replaces_a_month_and_keeps_a_later_level(dvc):
    clerk = dvc.users["clerk.stttt"]
    _import(clerk, csv_bytes(GOOD[:2]))
    again = [(STTTT, "1.004915", "Cấp giấy phép hoạt động in (sửa)", "Xuất bản", "3", "06/2022", 26, 11, 26, 25)]
    result = _import(clerk, csv_bytes(again))
    assert (result.procedures_created, result.procedures_updated, result.months_written) == (0, 1, 1)
    printing = Procedure.objects.get(code="1.004915")
    assert printing.name == "Cấp giấy phép hoạt động in (sửa)"
    assert printing.online_level == OnlineLevel.FULL  # 09/2022 is later than the file's 06/2022
    assert printing.months.get(month=dt.date(2022, 6, 1)).total == 26
    assert printing.months.count() == 2


def test_a_bad_file_reports_every_bad_row_and_stores_nothing(dvc):
    rows = [
        GOOD[0],                                                                                    # 2 good
        ("000.99.99.H30", "1.1", "Thủ tục", "", "3", "01/2022", 1, 0, 1, 1),                        # 3 agency
        (STTTT, "1.2", "Thủ tục", "", "mức 5", "01/2022", 1, 0, 1, 1),                              # 4 level
        (STTTT, "1.3", "Thủ tục", "", "3", "01/2022", -4, 0, 0, 0),                                 # 5 negative
        (STTTT, "1.4", "Thủ tục", "", "4", "01/2022", 5, 9, 5, 5),                                  # 6 online > total
        (STTTT, "1.004915", "Cấp giấy phép hoạt động in", "", "3", "06/2022", 1, 1, 1, 1),          # 7 duplicate
        (STTTT, "1.5", "Thủ tục", "", "toàn trình", "03/2021", 1, 1, 1, 1),                         # 8 too early
        (STTTT, "1.6", "Thủ tục", "", "4", "10/2022", 1, 1, 1, 1),                                  # 9 too late
        (STTTT, "1.7", "Thủ tục", "", "2", "13/2021", "ba", 2, 1, 3),                               # 10 many
        (HUYEN, "1.8", "Thủ tục", "", "3", "01/2022", 1, 0, 1, 1),                                  # 11 not theirs
    ]
    problems = _rejected(dvc.users["clerk.stttt"], csv_bytes(rows))
    by_row: dict[int, list[tuple[str, str]]] = {}
    for row, column, message in problems:
        by_row.setdefault(row, []).append((column, message))
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert by_row[3] == [("Mã định danh cơ quan", importing.UNKNOWN_AGENCY % {"c": "000.99.99.H30"})]
    assert by_row[4] == [("Mức độ DVCTT", importing.LEVEL_INVALID % {"v": "mức 5"})]
    assert by_row[5] == [("Tổng số hồ sơ tiếp nhận", str(importing.COUNT_NEGATIVE))]
    assert by_row[6] == [("Tiếp nhận trực tuyến", importing.ONLINE_OVER_TOTAL % {"a": 9, "b": 5})]
    assert by_row[7] == [("Tháng", importing.SAME_PROCEDURE_AND_MONTH % {"c": "1.004915", "n": 2})]
    assert by_row[8] == [("Mức độ DVCTT", importing.LEVEL_NOT_YET % {
        "v": importing.level_label(OnlineLevel.FULL), "m": "03/2021"})]
    assert by_row[9] == [("Mức độ DVCTT", importing.LEVEL_NO_LONGER % {"v": "4"})]
    assert {c for c, _m in by_row[10]} == {"Tháng", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến",
                                           "Giải quyết đúng hạn"}  # level 2 takes no online dossier
    assert by_row[11] == [("Mã định danh cơ quan", importing.NOT_YOUR_AGENCY % {"a": "Ủy ban nhân dân huyện Vị Thủy"})]
    assert not Procedure.objects.exists() and not ProcedureMonth.objects.exists()


def test_missing_and_unknown_columns_are_named(dvc):
    header = [h for h in HEADER if h != "Tiếp nhận trực tuyến"] + ["Ghi chú"]
    problems = _rejected(dvc.users["clerk.stttt"], csv_bytes([], header=header) + b"x\r\n")
    assert (1, "Ghi chú", str(importing.UNKNOWN_COLUMN)) in problems
    assert (1, "Tiếp nhận trực tuyến", str(importing.MISSING_COLUMN)) in problems


@pytest.mark.parametrize("data, message", [
    (b"%PDF-1.4 not a table", spreadsheets.NOT_A_TABLE),
    (b"MZ\x90\x00executable", spreadsheets.NOT_A_TABLE),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", spreadsheets.XLS_UNSUPPORTED),
    ("Mã TTHC;Tháng\r\n1;2".encode("cp1252", "replace"), spreadsheets.CSV_NOT_UTF8),  # a legacy code page
    (b"", uploads.TABLE_EMPTY),
    (b"PK\x03\x04 broken zip", spreadsheets.BROKEN_WORKBOOK),
])
def test_files_that_are_not_tables_are_refused_by_their_content(dvc, data, message):
    assert _rejected(dvc.users["clerk.stttt"], data, "so-lieu.xlsx") == [(None, "", str(message))]


def test_a_workbook_with_an_entity_declaration_is_refused_before_parsing(dvc):
    good = xlsx_bytes(GOOD[:1])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + body
            dst.writestr(item, body)
    assert _rejected(dvc.users["clerk.stttt"], out.getvalue(), "a.xlsx") == [
        (None, "", str(spreadsheets.FORBIDDEN_CONTENT))]


def test_a_file_over_the_size_limit_is_refused_without_reading_it(dvc, monkeypatch):
    monkeypatch.setattr(importing, "MAX_BYTES", 100)
    assert _rejected(dvc.users["clerk.stttt"], csv_bytes(GOOD)) == [(None, "", uploads.TABLE_TOO_LARGE % {"n": 0})]


def test_the_template_imports_cleanly_in_both_formats(dvc):
    for fmt in ("xlsx", "csv"):
        result = _import(dvc.users["clerk.stttt"], services.import_template(fmt=fmt), f"mau.{fmt}")
        assert (result.rows, result.months_written) == (3, 3)


def test_hand_entry_checks_the_level_of_the_day_and_the_counts(dvc):
    clerk, stttt = dvc.users["clerk.stttt"], dvc.agencies["stttt"]
    with pytest.raises(ValidationFailed) as exc:
        services.procedure_save(actor=clerk, agency_id=stttt.pk, code="1.1", name="A", online_level="4", today=TODAY)
    assert exc.value.errors["online_level"] == [str(services.LEVELS_1_4_ENDED)]
    p = services.procedure_save(actor=clerk, agency_id=stttt.pk, code="1.1", name="A", online_level="4",
                                today=dt.date(2020, 1, 2))
    services.procedure_month_save(actor=clerk, procedure=p, month=dt.date(2020, 1, 1), online_level="4", total=5,
                                  online=2, settled=4, on_time=4, today=dt.date(2020, 1, 2))
    with pytest.raises(ValidationFailed) as exc:
        services.procedure_month_save(actor=clerk, procedure=p, month=dt.date(2023, 1, 1), online_level="2",
                                      total=5, online=6, settled=1, on_time=2, today=TODAY)
    assert set(exc.value.errors) == {"online_level", "online", "on_time"}
    services.procedure_month_save(actor=clerk, procedure=p, month=dt.date(2023, 1, 1), online_level="toan_trinh",
                                  total=5, online=5, settled=5, on_time=5, today=TODAY)
    p.refresh_from_db()
    assert (p.online_level, p.level_as_of) == ("toan_trinh", dt.date(2023, 1, 1))
    with pytest.raises(PermissionDenied):
        services.procedure_save(actor=dvc.users["clerk.huyen"], procedure=p, agency_id=p.agency_id, code="1.1",
                                name="B", online_level="toan_trinh", today=TODAY)
    assert Procedure.objects.get().name == "A"


def test_a_template_downloaded_with_the_english_interface_imports(dvc):
    from django.utils import translation

    clerk = dvc.users["clerk.stttt"]
    for fmt in ("xlsx", "csv"):
        with translation.override("en"):
            english = services.import_template(fmt=fmt)
        with translation.override("vi"):
            vietnamese = services.import_template(fmt=fmt)
        assert english != vietnamese  # the headers are really translated
        result = _import(clerk, english, f"template.{fmt}")
        assert (result.rows, result.months_written) == (3, 3)
        with translation.override("en"):  # the Vietnamese headers still work while the interface is English
            assert _import(clerk, vietnamese, f"mau.{fmt}").rows == 3
