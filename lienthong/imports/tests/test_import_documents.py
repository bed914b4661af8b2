"""``manage.py import_documents``: a province migrating its registers from another system (issue 14, item 7)."""

from __future__ import annotations

import csv
import io
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from lienthong.audit.models import AuditEntry
from lienthong.demo.pdf import tiny_pdf
from lienthong.documents import services as document_services
from lienthong.documents.models import Document, DocumentFile, Register
from lienthong.imports import services, sources
from lienthong.imports.models import ImportedDocument
from lienthong.search.selectors import search_documents
from lienthong.testing.builders import doc_input

TODAY = timezone.localdate()
DAY = TODAY.strftime("%d/%m/%Y")
HEADER = ["Mã nguồn", "Sổ", "Số đến", "Số, ký hiệu", "Ngày ban hành", "Ngày đến", "Trích yếu", "Loại văn bản",
          "Cơ quan ban hành", "Tệp"]
ROWS = [
    ["A-1", "", "5", "12/QĐ-UBND", DAY, DAY, "Quyết định phê duyệt kế hoạch chuyển đổi số", "Quyết định",
     "Ủy ban nhân dân tỉnh Hậu Giang", "qd-12.pdf"],
    ["A-2", "", "6", "34/KH-STTTT", DAY, DAY, "Kế hoạch tuyên truyền cải cách hành chính", "Kế hoạch",
     "Sở Thông tin và Truyền thông tỉnh Hậu Giang", "scans/kh-34.pdf; scans/kh-34-phu-luc.pdf"],
    ["A-3", "", "40", "7/CV-HUYEN", DAY, DAY, "Về việc phòng chống cháy rừng tràm mùa khô", "Công văn",
     "UBND huyện Vị Thủy", ""],
]
FILES = {"qd-12.pdf": "Quyet dinh phe duyet", "scans/kh-34.pdf": "Ke hoach tuyen truyen",
         "scans/kh-34-phu-luc.pdf": "Phu luc danh sach xa dien hinh"}


def write_csv(path: Path, rows, header=HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_folder(root: Path, files=FILES) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(tiny_pdf(text))
    return root


def run(province, table: Path, files: Path | None = None, **kw) -> services.ImportReport:
    agency = province.agencies["stttt"]
    source = sources.FileSource.open(files) if files else None
    try:
        return services.documents_import(agency=agency, actor=province.users["clerk.stttt"],
                                         direction=kw.pop("direction", "in"), rows=sources.read_table(table),
                                         source=source, **kw)
    finally:
        if source:
            source.close()


def imported(province):
    return Document.objects.filter(agency=province.agencies["stttt"]).order_by("register_number")


def test_csv_with_a_folder_keeps_numbers_files_search_and_audit(province, tmp_path,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = run(province, write_csv(tmp_path / "so-den.csv", ROWS), write_folder(tmp_path / "tep"))

    assert (report.imported, report.skipped, report.rejected, report.files) == (3, 0, [], 3)
    docs = list(imported(province))
    assert [(d.register_number, d.number_symbol) for d in docs] == [
        (5, "12/QĐ-UBND"), (6, "34/KH-STTTT"), (40, "7/CV-HUYEN")]
    assert docs[0].issuer_agency == province.agencies["ubnd"]  # matched in the directory by name
    assert [f.filename for f in DocumentFile.objects.filter(document=docs[1]).order_by("order")] == [
        "kh-34.pdf", "kh-34-phu-luc.pdf"]
    clerk = province.users["clerk.stttt"]
    assert [h.document.pk for h in search_documents(user=clerk, query="chuyen doi so")] == [docs[0].pk]
    assert [h.document.pk for h in search_documents(user=clerk, query="34/KH")] == [docs[1].pk]
    # The attachments' text is extracted by the background job queued per batch (synchronous in tests).
    assert [h.document.pk for h in search_documents(user=clerk, query="xa dien hinh")] == [docs[1].pk]
    entries = AuditEntry.objects.filter(chain=f"agency:{province.agencies['stttt'].pk}", action="imported")
    assert sorted(int(e.object_id) for e in entries) == [d.pk for d in docs]
    out = StringIO()
    call_command("verify_audit", stdout=out, stderr=StringIO())
    assert "Audit log intact" in out.getvalue()


def test_the_next_interactive_number_continues_after_the_highest_imported(province, tmp_path):
    run(province, write_csv(tmp_path / "t.csv", [r[:-1] + [""] for r in ROWS]))

    doc = document_services.document_register_incoming(
        actor=province.users["clerk.stttt"], agency=province.agencies["stttt"],
        data=doc_input("cong-van", "Văn bản đến sau khi nhập", issued_on=TODAY), number_symbol="99/UBND-VP",
        issuer_agency=province.agencies["ubnd"])
    assert doc.register_number == 41
    assert Register.objects.get(pk=doc.register_id).last_number == 41


def test_running_the_same_import_again_skips_everything(province, tmp_path):
    table, folder = write_csv(tmp_path / "t.csv", ROWS), write_folder(tmp_path / "tep")
    run(province, table, folder)

    again = run(province, table, folder)

    assert (again.imported, again.skipped, again.rejected) == (0, 3, [])
    assert imported(province).count() == 3 == ImportedDocument.objects.count()
    assert DocumentFile.objects.count() == 3


def test_an_interrupted_import_resumes_without_duplicates(province, tmp_path, monkeypatch):
    rows = [[f"B-{i}", "", str(i), f"{i}/CV-X", DAY, DAY, f"Công văn số {i}", "Công văn", "UBND huyện", ""]
            for i in range(1, 6)]
    table = write_csv(tmp_path / "t.csv", rows)
    real = services.search_services.index_documents
    calls = []

    def failing_second_batch(**kw):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the machine went down")
        return real(**kw)

    monkeypatch.setattr(services.search_services, "index_documents", failing_second_batch)
    with pytest.raises(RuntimeError):
        run(province, table, batch_size=2)
    assert [d.register_number for d in imported(province)] == [1, 2]  # the first batch only, whole
    monkeypatch.setattr(services.search_services, "index_documents", real)

    resumed = run(province, table, batch_size=2)

    assert (resumed.imported, resumed.skipped) == (3, 2)
    assert [d.register_number for d in imported(province)] == [1, 2, 3, 4, 5]
    assert ImportedDocument.objects.count() == 5


def test_xlsx_with_header_variants_and_excel_dates(province, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "SO DEN", "So ky hieu", "Ngay ban hanh", "Ngày nhận", "Trích yếu nội dung", "Loại",
               "Nơi gửi", "Tệp đính kèm"])
    ws.append([1, 17, "20/TB-VP", TODAY, TODAY, "Thông báo lịch tiếp công dân", "TB", "Văn phòng UBND tỉnh",
               "qd-12.pdf"])
    wb.save(tmp_path / "so.xlsx")

    report = run(province, tmp_path / "so.xlsx", write_folder(tmp_path / "tep"))

    assert (report.imported, report.rejected) == (1, [])
    doc = imported(province).get()
    assert (doc.register_number, doc.issued_on, doc.document_type.code) == (17, TODAY, "thong-bao")
    assert doc.files.count() == 1


def test_a_zip_archive_of_files(province, tmp_path):
    archive = tmp_path / "xuat.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in FILES.items():
            zf.writestr(name, tiny_pdf(text))

    report = run(province, write_csv(tmp_path / "t.csv", ROWS), archive)

    assert (report.imported, report.files, report.rejected) == (3, 3, [])


def zip_with(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize(("members", "message"), [
    ({"../../etc/cron.d/x.pdf": b"%PDF-1.4"}, sources.ARCHIVE_UNSAFE_NAME % {"n": "../../etc/cron.d/x.pdf"}),
    ({"/abs.pdf": b"%PDF-1.4"}, sources.ARCHIVE_UNSAFE_NAME % {"n": "/abs.pdf"}),
    ({"bomb.pdf": b"\0" * (20 * 1024 * 1024)}, sources.ARCHIVE_BOMB % {"n": "bomb.pdf"}),
])
def test_hostile_archives_are_refused_whole(province, tmp_path, members, message):
    with pytest.raises(sources.SourceRefused) as exc:
        sources.FileSource.open(zip_with(tmp_path / "x.zip", members))
    assert exc.value.message == str(message)


def test_an_archive_too_large_when_unpacked_or_broken_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "ZIP_MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(sources.SourceRefused) as exc:
        sources.FileSource.open(zip_with(tmp_path / "x.zip", {"a.pdf": b"x" * 2000}))
    assert exc.value.message == str(sources.ARCHIVE_TOO_LARGE % {"n": 0})
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(sources.SourceRefused) as exc:
        sources.FileSource.open(tmp_path / "broken.zip")
    assert exc.value.message == str(sources.ARCHIVE_BROKEN)


def test_bad_rows_are_rejected_with_reasons_and_the_rest_imported(province, tmp_path):
    folder = write_folder(tmp_path / "tep")
    (tmp_path / "outside.pdf").write_bytes(tiny_pdf("bi mat"))
    (folder / "virus.pdf").write_bytes(b"MZ\x90\x00" + b"\0" * 100)
    good = ROWS[0]
    rows = [
        good,
        ["C-2", "", "7", "1/CV", DAY, DAY, "", "Công văn", "UBND huyện", ""],                  # no subject
        ["C-3", "", "8", "2/CV", "31/02/2020", DAY, "Trích yếu", "Công văn", "UBND huyện", ""],  # no such date
        ["C-4", "", "9", "3/CV", DAY, DAY, "Trích yếu", "Loại lạ", "UBND huyện", ""],            # unknown type
        ["C-5", "", "5", "4/CV", DAY, DAY, "Trích yếu", "Công văn", "UBND huyện", ""],           # number of row 2
        ["C-6", "", "10", "5/CV", DAY, DAY, "Trích yếu", "Công văn", "UBND huyện", "../outside.pdf"],
        ["C-7", "", "11", "6/CV", DAY, DAY, "Trích yếu", "Công văn", "UBND huyện", "khong-co.pdf"],
        ["C-8", "", "12", "7/CV", DAY, DAY, "Trích yếu", "Công văn", "UBND huyện", "virus.pdf"],
        ["C-9", "", "abc", "8/CV", DAY, DAY, "Trích yếu", "Công văn", "UBND huyện", ""],
    ]
    report = run(province, write_csv(tmp_path / "t.csv", rows), folder)

    assert report.imported == 1
    by_row = {e.row: e.message for e in report.rejected}
    assert by_row[3] == str(services.REQUIRED)
    assert by_row[4] == str(services.BAD_DATE % {"v": "31/02/2020"})
    assert by_row[5] == str(services.UNKNOWN_TYPE % {"v": "Loại lạ"})
    assert by_row[6].startswith("trùng số 5")
    assert by_row[7] == str(sources.FILE_UNSAFE_PATH % {"f": "../outside.pdf"})
    assert by_row[8] == str(sources.FILE_NOT_FOUND % {"f": "khong-co.pdf"})
    assert "virus.pdf" in by_row[9]
    assert by_row[10] == str(services.BAD_NUMBER % {"v": "abc"})
    assert str(report.rejected[0]).startswith("Dòng 3, cột “Trích yếu”")


def test_a_number_already_used_by_another_document_is_rejected(province, tmp_path):
    assert run(province, write_csv(tmp_path / "a.csv", [ROWS[0][:-1] + [""]])).imported == 1
    other = [["Z-1"] + ROWS[0][1:-1] + [""]]  # another source id, the same register number 5

    report = run(province, write_csv(tmp_path / "b.csv", other))

    assert report.imported == 0
    assert [e.message for e in report.rejected] == [str(services.NUMBER_TAKEN % {
        "n": 5, "r": "Sổ đăng ký văn bản đến", "y": TODAY.year})]


def test_all_or_nothing_stores_nothing_when_a_row_is_rejected(province, tmp_path):
    rows = [r[:-1] + [""] for r in ROWS] + [["X", "", "99", "1/CV", DAY, DAY, "", "Công văn", "UBND huyện", ""]]

    report = run(province, write_csv(tmp_path / "t.csv", rows), all_or_nothing=True, batch_size=2)

    assert report.imported == 0 and len(report.rejected) == 1
    assert not imported(province).exists() and not ImportedDocument.objects.exists()
    assert Register.objects.filter(agency=province.agencies["stttt"], last_number__gt=0).count() == 0


def test_outgoing_documents_keep_their_number_and_notation(province, tmp_path):
    rows = [["", "Sổ đăng ký văn bản đi", "15", "", DAY, "", "Báo cáo kết quả chuyển đổi số", "Báo cáo", "", ""]]
    header = HEADER[:3] + ["Ký hiệu"] + HEADER[4:]
    table = write_csv(tmp_path / "di.csv", [r[:3] + ["BC-STTTT"] + r[4:] for r in rows], header=header)

    report = run(province, table, direction="out")

    assert report.rejected == []
    doc = imported(province).get()
    assert (doc.direction, doc.register_number, doc.number_symbol, doc.issuer_agency) == (
        "out", 15, "15/BC-STTTT", province.agencies["stttt"])


def test_the_command_writes_the_rejected_rows_report(province, tmp_path):
    rows = ROWS[:1] + [["C-2", "", "7", "1/CV", DAY, DAY, "", "Công văn", "UBND huyện", ""]]
    table, folder = write_csv(tmp_path / "t.csv", rows), write_folder(tmp_path / "tep")
    out, err = StringIO(), StringIO()

    call_command("import_documents", str(table), "--agency", province.agencies["stttt"].identifier_code,
                 "--files", str(folder), "--report", str(tmp_path / "loi.csv"), stdout=out, stderr=err)

    assert "Đã nhập 1 văn bản (1 tệp), bỏ qua 0 văn bản đã nhập trước đó, 1 dòng bị từ chối." in out.getvalue()
    lines = list(csv.reader(io.StringIO((tmp_path / "loi.csv").read_text(encoding="utf-8-sig"))))
    assert lines == [["Dòng", "Cột", "Lý do"], ["3", "Trích yếu", str(services.REQUIRED)]]
    with pytest.raises(CommandError) as exc:
        call_command("import_documents", str(table), "--agency", "không-có", stdout=out, stderr=err)
    assert str(exc.value) == str(services.UNKNOWN_AGENCY % {"c": "không-có"})


def test_a_table_without_a_required_column_is_refused(province, tmp_path):
    table = write_csv(tmp_path / "t.csv", [["1"]], header=["Số đến"])
    with pytest.raises(sources.SourceRefused) as exc:
        run(province, table)
    assert str(sources.MISSING_COLUMN % {"c": "Ngày ban hành"}) in exc.value.message
