"""Verifying the PDFs the system stores: every PDF that enters it (upload, delivery, registration, a draft's
versions) is verified once after its transaction commits (``core.events.FILE_STORED``, queued as a django-q
task); the result is kept with the stored file (``FileVerification`` and its ``SignatureCheck`` rows) and
computed again on demand or when the trust store changes. ``Document.legally_valid`` follows from it
(``legal_validity``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong import files as file_store
from lienthong.core.errors import NotFound
from lienthong.core.jobs import enqueue
from lienthong.documents.models import DocumentFile, StoredFile
from lienthong.signing import selectors as signing_selectors
from lienthong.signing.models import FileVerification, SignatureCheck, VerificationStatus
from lienthong.signing.verification.access import stored_file_visible
from lienthong.signing.verification.legal_validity import document_validity_refresh
from lienthong.signing.verification.signatures import Report, verify_pdf


def file_verify(*, stored_file_id: int) -> FileVerification:
    """Verify one stored file against the current trust store and replace its stored result."""
    stored = StoredFile.objects.filter(pk=stored_file_id).first()
    if stored is None:
        raise NotFound()
    try:
        with file_store.open_original(stored.storage_name) as fh:
            data = fh.read(settings.SIGNING_MAX_PDF_BYTES + 1)
    except OSError:
        data = None
    if data is None:
        report = Report(status=VerificationStatus.ERROR, message=_("Không đọc được tệp gốc trong kho lưu trữ."))
    else:
        report = verify_pdf(data, **signing_selectors.trust_material().as_kwargs())
    with transaction.atomic():
        # One verification at a time per file: the same content uploaded twice at once is one stored file,
        # verified by both uploads; without the lock both insert its row and one fails (primary key).
        list(StoredFile.objects.select_for_update().filter(pk=stored_file_id).values_list("pk", flat=True))
        FileVerification.objects.filter(stored_file_id=stored_file_id).delete()
        verification = FileVerification.objects.create(
            stored_file_id=stored_file_id, status=report.status, signature_count=len(report.signatures),
            personal_valid=report.personal_valid, agency_valid=report.agency_valid,
            modified_after_signing=report.modified_after_signing, test_authority=report.test_authority,
            message=report.message[:2000], verified_at=timezone.now())
        SignatureCheck.objects.bulk_create([SignatureCheck(
            verification=verification, position=s.position, field_name=s.field_name[:200], kind=s.kind,
            signer_name=s.signer_name[:300], organisation=s.organisation[:300], issuer=s.issuer[:300],
            serial=s.serial[:80], fingerprint=s.fingerprint[:64], signing_time=s.signing_time,
            timestamped=s.timestamped, intact=s.intact, trusted=s.trusted, valid_at_signing=s.valid_at_signing,
            revocation=s.revocation[:10], modification=s.modification[:20], coverage=s.coverage[:30],
            valid=s.valid, test_authority=s.test_authority, ca_fingerprints=s.ca_fingerprints,
            summary=s.summary[:500]) for s in report.signatures])
        document_ids = list(DocumentFile.objects.filter(stored_file_id=stored_file_id)
                            .values_list("document_id", flat=True).distinct())
        if document_ids:
            document_validity_refresh(document_ids=document_ids)
    return verification


def files_verify(*, stored_file_ids, force: bool = False) -> None:
    """Verify the PDFs among ``stored_file_ids`` that have no result yet (all of them with ``force``),
    then bring the legal validity of the documents using them up to date (a file already verified
    may just have been attached to a new incoming document)."""
    ids = list(dict.fromkeys(int(i) for i in stored_file_ids))
    pdfs = StoredFile.objects.filter(pk__in=ids, kind="pdf")
    if not force:
        pdfs = pdfs.filter(verification__isnull=True)
    for stored_file_id in pdfs.values_list("pk", flat=True):
        file_verify(stored_file_id=stored_file_id)
    document_ids = list(DocumentFile.objects.filter(stored_file_id__in=ids).values_list("document_id", flat=True)
                        .distinct())
    if document_ids:
        document_validity_refresh(document_ids=document_ids)


def files_verify_later(stored_file_ids) -> None:
    """Queue ``files_verify`` (a django-q task; runs at once when the queue is synchronous)."""
    ids = [int(i) for i in stored_file_ids]
    if ids:
        enqueue("lienthong.signing.tasks.verify_files", ids)


def file_reverify(*, actor, stored_file_id: int) -> FileVerification:
    """Re-verify on demand (after the trust store or a CRL changed) — for anyone who can see a document
    or a delivery using the file; ``NotFound`` otherwise."""
    if not stored_file_visible(user=actor, stored_file_id=stored_file_id):
        raise NotFound()
    return file_verify(stored_file_id=stored_file_id)


def on_file_stored(*, stored_file_ids) -> None:
    """``events.FILE_STORED``: queue the verification of the stored PDFs."""
    files_verify_later(stored_file_ids)
