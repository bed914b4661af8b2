"""Originals attached to documents: uploads checked and read, stored with their rows, their text extracted.

Every upload goes through ``files.read_upload`` (size, name, content parsed by type) before a transaction
starts; small files have their text extracted at once, large ones by a background job after commit.
The bytes are written content-addressed inside the caller's transaction and removed again when it rolls
back, so a file and its row exist together or not at all. Drafts, deliveries, copies and assessment
evidence store their files through ``files_read`` / ``files_store`` / ``files_discard`` too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from lienthong import files as file_store
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core import events
from lienthong.core.errors import ValidationFailed
from lienthong.core.jobs import enqueue
from lienthong.core.text import nfc
from lienthong.documents.models import Document, DocumentFile, ExtractionStatus, StoredFile
from lienthong.documents.services.inputs import check_clerk

log = logging.getLogger("lienthong.documents.services")


@dataclass
class ReadFile:
    """An upload that passed the checks, with its text already extracted when the file is small.

    Extraction happens before the registration's transaction starts, so the register's lock is never
    held while a PDF is parsed.
    """

    name: str
    data: bytes
    kind: file_store.Sniffed
    sha256: str
    text: str = ""
    page_count: int | None = None
    status: str = ExtractionStatus.NONE
    active_content: bool = False  # a PDF kept under the "flag" policy: stored marked, never shown inline


def read_files(uploads, errors: dict) -> list[ReadFile]:
    """Every upload through ``files.read_upload`` (size, name, content parsed by type); a refused file
    adds its message to ``errors["files"]`` and nothing of it is kept."""
    uploads = list(uploads or [])
    try:
        file_store.check_file_count(sum(not isinstance(u, ReadFile) for u in uploads))
    except ValidationFailed as exc:
        errors.setdefault("files", []).extend(exc.errors["files"])
        return []
    read = []
    for upload in uploads:
        if isinstance(upload, ReadFile):  # already checked (a draft's signed original, a delivered file)
            read.append(upload)
            continue
        try:
            checked = file_store.read_upload(upload)
        except ValidationFailed as exc:
            for msgs in exc.errors.values():
                errors.setdefault("files", []).extend(msgs)
            continue
        data, kind = checked.data, checked.kind
        item = ReadFile(name=nfc(getattr(upload, "name", "") or "tep")[:255], data=data, kind=kind,
                        sha256=file_store.sha256_of(data), active_content=checked.active_content)
        if kind.kind in ("pdf", "docx"):
            if len(data) <= settings.TEXT_EXTRACTION_INLINE_MAX_BYTES:
                item.text, item.page_count, item.status = _extract(data, kind.kind, item.name)
            else:
                item.status = ExtractionStatus.PENDING
        read.append(item)
    return read


def _extract(data: bytes, kind: str, name: str) -> tuple[str, int | None, str]:
    try:
        text, pages = file_store.extract_text(data, kind)
    except Exception:  # unreadable content is kept as an original; only its text is missing
        log.warning("text extraction failed for %s", name, exc_info=True)
        return "", None, ExtractionStatus.FAILED
    return nfc(text.replace("\x00", "")), pages, ExtractionStatus.DONE


def first_page_count(read: list[ReadFile]) -> int | None:
    return next((f.page_count for f in read if f.page_count is not None), None)


def store_with_files(build: Callable[[], Document], read_files: list[ReadFile], *, actor,
                     first_order: int = 0) -> Document:
    """Run ``build()`` (which creates the document row) and store the files, all in one transaction."""
    written: list[str] = []
    try:
        with transaction.atomic():
            doc = build()
            pending = _attach(doc, read_files, actor=actor, written=written, first_order=first_order)
            events.emit(events.DOCUMENT_CHANGED, document_id=doc.pk)  # the search entry, in this transaction
            if pending:
                transaction.on_commit(lambda: _queue_extraction(pending))
        return doc
    except BaseException:
        files_discard(written)
        raise


def _attach(doc: Document, read_files: list[ReadFile], *, actor, written: list[str], first_order: int) -> list[int]:
    """Store originals and their rows. Returns the ids of files whose text is still to be extracted."""
    pending = []
    stored_rows = files_store(read_files, written=written)
    for order, (f, stored) in enumerate(zip(read_files, stored_rows, strict=True), start=first_order):
        df = DocumentFile.objects.create(
            document=doc, stored_file=stored, filename=f.name, order=order, uploaded_by=actor,
            extracted_text=f.text, page_count=f.page_count, extraction_status=f.status,
        )
        if f.status == ExtractionStatus.PENDING:
            pending.append(df.pk)
    return pending


def _extract_into(df: DocumentFile, data: bytes, kind: str) -> None:
    df.extracted_text, df.page_count, df.extraction_status = _extract(data, kind, df.filename)


def _queue_extraction(file_ids: list[int]) -> None:
    for file_id in file_ids:
        enqueue("lienthong.documents.tasks.extract_file_text", file_id)


def document_file_extract(*, file_id: int) -> None:
    """Background step: extract the text of one original and refresh the document's search entry."""
    df = DocumentFile.objects.select_related("stored_file").get(pk=file_id)
    if df.extraction_status != ExtractionStatus.PENDING:
        return
    with file_store.open_original(df.stored_file.storage_name) as fh:
        data = fh.read()
    _extract_into(df, data, df.stored_file.kind)
    with transaction.atomic():
        DocumentFile.objects.filter(pk=df.pk).update(
            extracted_text=df.extracted_text, page_count=df.page_count, extraction_status=df.extraction_status
        )
        events.emit(events.DOCUMENT_CHANGED, document_id=df.document_id)


def _read_required(uploads) -> list[ReadFile]:
    """Checked uploads, at least one; ``ValidationFailed`` under "files" otherwise."""
    errors: dict[str, list] = {}
    read = read_files(uploads, errors)
    if not read and not errors:
        errors["files"] = [_("Chưa chọn tệp.")]
    if errors:
        raise ValidationFailed(errors)
    return read


def document_attach_files(*, actor, document: Document, uploads) -> list[DocumentFile]:
    check_clerk(actor, document.agency)
    read = _read_required(uploads)
    before = set(DocumentFile.objects.filter(document=document).values_list("pk", flat=True))
    first_order = len(before)

    def build() -> Document:
        events.emit(events.DOCUMENT_CHANGING, document_id=document.pk)  # a document in transit stays as it is
        audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="document", obj_id=document.pk,
                  agency_id=document.agency_id, summary=_("Đính kèm %(n)s tệp") % {"n": len(read)},
                  details={"files": [f.name for f in read]})
        return document

    store_with_files(build, read, actor=actor, first_order=first_order)
    return list(DocumentFile.objects.filter(document=document).exclude(pk__in=before))


def document_replace_originals(*, actor, document: Document, uploads) -> list[DocumentFile]:
    """The sealed original (agency-signed PDF or sealed scan) and its signed attachments replace the files
    the document was numbered with. Only for the issuing step, before the document leaves the agency: the
    caller (drafting) checks that; the replaced versions stay in the draft's history."""
    check_clerk(actor, document.agency)
    read = _read_required(uploads)

    def build() -> Document:
        events.emit(events.DOCUMENT_CHANGING, document_id=document.pk)  # a document in transit stays as it is
        DocumentFile.objects.filter(document=document).delete()
        audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="document", obj_id=document.pk,
                  agency_id=document.agency_id, summary=_("Bản gốc đã đóng dấu / ký số của cơ quan"),
                  details={"files": [f.name for f in read]})
        return document

    store_with_files(build, read, actor=actor)
    return list(DocumentFile.objects.filter(document=document))


# --- Files shared with the other apps (drafts, deliveries) -------------------------------------------

def files_read(uploads, *, field_name: str = "files") -> list[ReadFile]:
    """Check uploads (type sniffing, size, executables) and extract their text; ``ValidationFailed``
    names every bad file under ``field_name``."""
    errors: dict[str, list] = {}
    read = read_files(uploads, errors)
    if errors:
        raise ValidationFailed({field_name: errors["files"]})
    return read


def stored_file_read(*, stored_file: StoredFile, filename: str, text: str | None = None,
                     page_count: int | None = None) -> ReadFile:
    """An original already in storage, as a ``ReadFile`` ready to attach to another record. Text
    already extracted elsewhere is passed in instead of being extracted again."""
    with file_store.open_original(stored_file.storage_name) as fh:
        data = fh.read()
    kind = file_store.sniff(data)
    # Every original was sniffed and accepted before it was stored, and its bytes are content-addressed.
    assert kind is not None, f"stored original {stored_file.sha256} is no longer an accepted type"
    item = ReadFile(name=filename, data=data, kind=kind, sha256=stored_file.sha256,
                    active_content=stored_file.has_active_content)
    if text is not None:
        item.text, item.page_count, item.status = text, page_count, ExtractionStatus.DONE
    elif kind.kind in ("pdf", "docx"):
        item.text, item.page_count, item.status = _extract(data, kind.kind, filename)
    return item


def files_store(read: list[ReadFile], *, written: list[str]) -> list[StoredFile]:
    """Write originals (content-addressed) and their ``StoredFile`` rows. Call inside the caller's
    transaction and hand ``written`` to ``files_discard`` if it fails."""
    stored = []
    for f in read:
        storage_name = file_store.write_original(f.data, f.sha256, written)
        row, _created = StoredFile.objects.get_or_create(
            sha256=f.sha256, defaults=dict(size=len(f.data), content_type=f.kind.content_type, kind=f.kind.kind,
                                           storage_name=storage_name, has_active_content=f.active_content),
        )
        stored.append(row)
    pdf_ids = [row.pk for row in stored if row.kind == "pdf"]
    if pdf_ids:
        events.emit_on_commit(events.FILE_STORED, stored_file_ids=pdf_ids)
    return stored


def files_discard(written: list[str]) -> None:
    """Remove originals written by a transaction that rolled back (unless another row uses them)."""
    file_store.discard_written(written, lambda sha: StoredFile.objects.filter(sha256=sha).exists())


def document_originals_remove(*, actor, document_ids: list[int], summary: str) -> dict[int, list[dict]]:
    """Remove the originals of documents destroyed on a disposal decision (records): their ``DocumentFile``
    rows go at once; a ``StoredFile`` row goes only when nothing else (another document, a draft, a
    delivery…) still refers to it, and its bytes are deleted from the store after the transaction commits,
    so a rollback leaves every original in place. The documents' metadata stay. Call inside the caller's
    transaction. Returns, per document, what was removed (file name, SHA-256, size)."""
    from django.db.models import ProtectedError, RestrictedError

    rows = list(DocumentFile.objects.filter(document_id__in=document_ids).select_related("stored_file", "document")
                .order_by("document_id", "order", "id"))
    removed: dict[int, list[dict]] = {}
    for df in rows:
        removed.setdefault(df.document_id, []).append(
            {"filename": df.filename, "sha256": df.stored_file.sha256, "size": df.stored_file.size})
    agency_of = {df.document_id: df.document.agency_id for df in rows}
    for document_id in removed:
        events.emit(events.DOCUMENT_CHANGING, document_id=document_id)
    DocumentFile.objects.filter(pk__in=[df.pk for df in rows]).delete()
    names = []
    for stored in {df.stored_file_id: df.stored_file for df in rows}.values():
        try:
            with transaction.atomic():
                stored.delete()
        except (ProtectedError, RestrictedError):
            continue  # still the original of something else: it stays
        names.append(stored.storage_name)
    for document_id, files in removed.items():
        audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="document", obj_id=document_id,
                  agency_id=agency_of[document_id], summary=summary,
                  details={"removed": [f["sha256"] for f in files]})
        events.emit(events.DOCUMENT_CHANGED, document_id=document_id)
    if names:
        transaction.on_commit(lambda: _delete_stored(names))
    return removed


def _delete_stored(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        if StoredFile.objects.filter(storage_name=name).exists():  # stored again since: keep it
            continue
        try:
            default_storage.delete(name)
        except Exception:  # noqa: BLE001 - the orphan sweep removes what is left
            log.warning("could not delete disposed original %s", name, exc_info=True)
