"""An import outside any transaction writes each batch on a thread of its own while the next batch is read
(PostgreSQL; on SQLite the same import runs one batch after the other): every row lands once, in its batch's
transaction, the counts add up, and a batch that fails stops the import with the batches before it committed
and nothing of it stored, so a second run resumes after them."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from lienthong.audit.services import audit_verify
from lienthong.documents.models import Document, DocumentFile
from lienthong.imports import services
from lienthong.imports.models import ImportedDocument
from lienthong.imports.tests.test_import_documents import DAY, imported, run, write_csv, write_folder

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _rows(n: int, *, files: bool = False):
    return [[f"C-{i}", "", str(i), f"{i}/CV-X", DAY, DAY, f"Công văn số {i} về chuyển đổi số", "Công văn",
             "UBND huyện Vị Thủy", f"tep/cv-{i}.pdf" if files else ""] for i in range(1, n + 1)]


def test_many_batches_each_row_once_with_its_files_ledger_and_audit(province, tmp_path):
    folder = write_folder(tmp_path / "src", {f"tep/cv-{i}.pdf": f"Cong van so {i}" for i in range(1, 12)})
    threads: set[str] = set()
    report = run(province, write_csv(tmp_path / "t.csv", _rows(11, files=True)), folder, batch_size=3,
                 on_batch=lambda n: threads.add(threading.current_thread().name))

    assert (report.imported, report.skipped, report.files, report.rejected) == (11, 0, 11, [])
    assert [d.register_number for d in imported(province)] == list(range(1, 12))
    assert ImportedDocument.objects.count() == 11 == DocumentFile.objects.count()
    assert audit_verify()[1] == []
    # PostgreSQL writes on the writer thread; SQLite (one writer) in the caller's thread.
    assert threads == ({"import-writer"} if connection.vendor == "postgresql" else {threading.current_thread().name})


def test_a_failing_batch_stops_the_import_and_a_second_run_resumes(province, tmp_path, monkeypatch):
    table = write_csv(tmp_path / "t.csv", _rows(9))
    real = services.search_services.index_documents
    calls = []

    def failing_second_batch(**kw):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the disk filled up")
        return real(**kw)

    monkeypatch.setattr(services.search_services, "index_documents", failing_second_batch)
    with pytest.raises(RuntimeError, match="disk filled up"):
        run(province, table, batch_size=3)
    assert [d.register_number for d in imported(province)] == [1, 2, 3]  # the first batch, whole
    monkeypatch.setattr(services.search_services, "index_documents", real)

    resumed = run(province, table, batch_size=3)

    assert (resumed.imported, resumed.skipped) == (6, 3)
    assert [d.register_number for d in imported(province)] == list(range(1, 10))
    assert Document.objects.filter(agency=province.agencies["stttt"]).count() == 9 == ImportedDocument.objects.count()
    assert audit_verify()[1] == []

