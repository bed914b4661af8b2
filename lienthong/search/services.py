"""Search index upkeep. The index is derived data: every function here can be re-run safely.

``index_document`` runs inside the transaction that created or changed the document, so the entry
commits or rolls back with it: the documents app announces the change (``events.DOCUMENT_CHANGED``,
emitted in the transaction) and ``on_document_changed`` follows it, without documents knowing search.
``index_documents`` does the same for many documents with a fixed number of statements per batch of
``BATCH_SIZE`` (two reads, then a delete and bulk insert, plus the FTS5 upkeep on SQLite), which is
what a bulk load of a million documents needs; ``reindex_all``
rebuilds everything (``manage.py reindex_search``). Cost measured at 1,000,000 documents: about 2 ms
(SQLite) / 3 ms (PostgreSQL) per ``index_document`` call.

What is indexed per document: trích yếu (subject), số/ký hiệu, issuer, type name, signer position and name,
and the extracted text of its attachments (the first ``text.BODY_MAX_CHARS`` characters) without the parts of
the Decree 30 layout every document shares (``text.strip_template``). Cancelled
documents stay indexed: they remain records of their agency. A recipient's copy withdrawn after a
recall leaves the index (NĐ30 PL6 §III.8).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from django.db import transaction
from django.db.models.functions import Substr

from lienthong.documents.models import Document, DocumentFile, DocumentStatus
from lienthong.search.backends import get_backend
from lienthong.search.text import BODY_MAX_CHARS, EntryText, entry_text

BATCH_SIZE = 1000
_DOCUMENT_FIELDS = ("pk", "agency_id", "direction", "year", "number_symbol", "subject", "issuer_name",
                    "signer_position", "signer_name", "document_type__name")


def index_document(*, document_id: int) -> None:
    """(Re)index one document. Called inside the transaction that changed it."""
    index_documents(document_ids=[document_id])


def on_document_changed(*, document_id: int) -> None:
    """``events.DOCUMENT_CHANGED`` (emitted by documents inside the transaction that changed the document)."""
    index_document(document_id=document_id)


def index_documents(*, document_ids: Iterable[int], batch_size: int = BATCH_SIZE) -> int:
    """(Re)index these documents, ``batch_size`` at a time, each batch in its own transaction
    (a savepoint when the caller already has one). Ids of documents that do not exist are removed
    from the index. Returns the number of documents indexed."""
    ids = sorted({int(i) for i in document_ids})
    backend = get_backend()
    indexed = 0
    for start in range(0, len(ids), batch_size):
        chunk = ids[start:start + batch_size]
        with transaction.atomic():
            rows = (Document.objects.filter(pk__in=chunk).exclude(status=DocumentStatus.WITHDRAWN)
                    .order_by("pk").values_list(*_DOCUMENT_FIELDS))
            entries = _entries(list(rows))
            backend.replace(document_ids=chunk, entries=entries)
        indexed += len(entries)
    return indexed


def reindex_all(*, batch_size: int = BATCH_SIZE) -> int:
    """Rebuild the whole index from the documents, in one transaction: readers keep seeing the old
    index until the new one is complete. Agency by agency, so that each agency's entries are stored
    together. Returns the number of documents indexed."""
    backend = get_backend()
    indexed = 0
    with transaction.atomic():
        backend.clear()
        agency_ids = Document.objects.order_by("agency_id").values_list("agency_id", flat=True).distinct()
        for agency_id in list(agency_ids):
            last_id = 0
            while True:
                rows = list(Document.objects.filter(agency_id=agency_id, pk__gt=last_id).order_by("pk")
                            .values_list(*_DOCUMENT_FIELDS)[:batch_size])
                if not rows:
                    break
                entries = _entries(rows)
                backend.replace(document_ids=[e.document_id for e in entries], entries=entries)
                indexed += len(entries)
                last_id = rows[-1][0]
    backend.optimize()
    return indexed


def reindex_in_batches(*, start_after: int = 0, batch_size: int = BATCH_SIZE,
                       progress: Callable[[int, int], None] | None = None) -> int:
    """Re-index every document whose id is above ``start_after``, in id order, ``batch_size`` at a time,
    each batch in its own transaction: no long transaction, searches see old and new entries side by side
    while it runs, and an interrupted run resumes from the last id reported to ``progress(last_id, done)``.
    Used after a change of what is indexed (``manage.py reindex_search --in-batches``). Returns the
    number of documents indexed."""
    last_id, done = int(start_after), 0
    while True:
        ids = list(Document.objects.filter(pk__gt=last_id).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            break
        done += index_documents(document_ids=ids, batch_size=batch_size)
        last_id = ids[-1]
        if progress is not None:
            progress(last_id, done)
    get_backend().optimize()
    return done


def _entries(rows: Sequence[tuple]) -> list[EntryText]:
    """Index form of documents given as ``_DOCUMENT_FIELDS`` tuples; one query for their attachments."""
    if not rows:
        return []
    attachments: dict[int, list[str]] = defaultdict(list)
    files = (DocumentFile.objects.filter(document_id__in=[r[0] for r in rows]).exclude(extracted_text="")
             .order_by("document_id", "order", "pk")
             .annotate(head=Substr("extracted_text", 1, BODY_MAX_CHARS)).values_list("document_id", "head"))
    for document_id, head in files:
        attachments[document_id].append(head)
    return [
        entry_text(document_id=pk, agency_id=agency_id, direction=direction, year=year, number_symbol=number_symbol,
                   subject=subject, issuer_name=issuer_name, signer_position=signer_position,
                   signer_name=signer_name, attachments=attachments.get(pk, []), type_name=type_name or "")
        for (pk, agency_id, direction, year, number_symbol, subject, issuer_name, signer_position, signer_name,
             type_name) in rows
    ]
