"""Writing many documents at once, for a bulk load (``imports``: a province migrating from another system).

The interactive services number one document per transaction; a migration brings documents that already
carry their numbers, by the hundred thousand. ``documents_bulk_create`` writes a batch of complete rows with
a fixed number of statements: the registers' counters are raised past the highest number of the batch (which
locks those registers, as an interactive allocation would, so a clerk registering at the same moment
continues after the imported numbers), the documents are inserted with multi-row inserts
(``core.bulkinsert.insert_rows``), the originals are written content-addressed and their rows inserted in
bulk. It runs inside the caller's transaction and neither indexes nor audits: the caller writes the search
entries and the audit entries of the batch in bulk too (``search.services.index_documents``,
``audit.services.audit_log_many``). Text extraction of the originals is queued as one background job per
batch after commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest

from lienthong import files as file_store
from lienthong.core import events
from lienthong.core.bulkinsert import insert_rows
from lienthong.core.jobs import enqueue
from lienthong.documents.models import Document, DocumentFile, ExtractionStatus, Register, StoredFile
from lienthong.documents.services.originals import ReadFile


@dataclass
class BulkDocument:
    """One document of a batch: the complete, unsaved row (its register and number included) and its files."""

    document: Document
    files: list[ReadFile] = field(default_factory=list)


def registers_raise_counters(highest: dict[int, int]) -> None:
    """Move each register's counter (``last_number``) up to at least the given number; never down.
    Locks the registers until the caller's transaction ends."""
    for register_id in sorted(highest):  # always in the same order: two importers never deadlock
        Register.objects.filter(pk=register_id).update(last_number=Greatest(F("last_number"), highest[register_id]))


def documents_bulk_create(*, actor, items: list[BulkDocument], written: list[str]) -> list[Document]:
    """Insert a batch of complete documents and their originals; returns the documents with their ids.

    Must run inside a transaction; the names of originals written are appended to ``written`` so the caller
    can hand them to ``files_discard`` if the transaction rolls back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("documents_bulk_create must run inside transaction.atomic()")
    if not items:
        return []
    highest: dict[int, int] = {}
    for item in items:
        doc = item.document
        highest[doc.register_id] = max(highest.get(doc.register_id, 0), doc.register_number)
    registers_raise_counters(highest)
    documents = [item.document for item in items]
    insert_rows(Document, documents)
    all_files = [f for item in items for f in item.files]
    if not all_files:
        return documents
    stored = files_store_many(all_files, written=written)
    rows = []
    for doc, item in zip(documents, items, strict=True):
        for order, f in enumerate(item.files):
            rows.append(DocumentFile(document=doc, stored_file=stored[f.sha256], filename=f.name, order=order,
                                     uploaded_by=actor, extracted_text=f.text, page_count=f.page_count,
                                     extraction_status=f.status))
    insert_rows(DocumentFile, rows)
    pending = [df.pk for df in rows if df.extraction_status == ExtractionStatus.PENDING]
    if pending:
        transaction.on_commit(lambda: _queue_batch_extraction(pending))
    return documents


def files_store_many(read: list[ReadFile], *, written: list[str]) -> dict[str, StoredFile]:
    """``files_store`` for many originals: bytes written under their SHA-256 (once each), the missing
    ``StoredFile`` rows inserted in one statement per thousand. Returns the rows by SHA-256."""
    by_sha = {f.sha256: f for f in read}
    stored = {row.sha256: row for row in StoredFile.objects.filter(sha256__in=list(by_sha))}
    new_rows = []
    names = file_store.write_originals([(f.data, sha) for sha, f in by_sha.items()], written)
    for (sha, f), name in zip(by_sha.items(), names, strict=True):
        if sha not in stored:
            new_rows.append(StoredFile(sha256=sha, size=len(f.data), content_type=f.kind.content_type,
                                       kind=f.kind.kind, storage_name=name, has_active_content=f.active_content))
    if new_rows:
        # A concurrent writer may have stored the same bytes meanwhile: its row is kept, then read back.
        StoredFile.objects.bulk_create(new_rows, batch_size=1000, ignore_conflicts=True)
        stored.update({row.sha256: row for row in StoredFile.objects.filter(sha256__in=[r.sha256 for r in new_rows])})
        pdf_ids = [stored[r.sha256].pk for r in new_rows if r.kind == "pdf"]
        if pdf_ids:
            events.emit_on_commit(events.FILE_STORED, stored_file_ids=pdf_ids)
    return stored


def _queue_batch_extraction(file_ids: list[int]) -> None:
    enqueue("lienthong.documents.tasks.extract_files_text", file_ids)
