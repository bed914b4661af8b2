"""Reaching a document from a page or the API, and what is written to the audit log when that happens.

Pages and endpoints (``documents.views``, ``documents.api``, ``lienthong.web``) share these instead of each
repeating them: a document or file the user may not see answers ``NotFound`` after the refusal is logged on
the platform chain, and what is taken out of the records (an original, metadata, a register book) is logged
under its own action. The views then speak HTTP only and need neither the ORM nor the audit app's models.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core.errors import NotFound
from lienthong.documents import selectors, services
from lienthong.documents.models import Document, DocumentFile, Register


def document_for(*, user, document_id: int) -> Document:
    """The document if ``user`` may see it; otherwise the attempt is logged and ``NotFound`` raised."""
    try:
        return selectors.document_get(user=user, document_id=document_id)
    except NotFound:
        services.document_record_denied(actor=user, document_id=document_id)
        raise


def document_file_for(*, user, document_id: int, file_id: int) -> DocumentFile:
    """The file if ``user`` may download it; otherwise the attempt is logged and ``NotFound`` raised
    (``Withdrawn``, a ``NotFound``, for a copy withdrawn after a recall)."""
    try:
        return selectors.document_file_get(user=user, document_id=document_id, file_id=file_id)
    except NotFound:
        services.document_record_denied(actor=user, document_id=document_id)
        raise


def document_file_downloaded(*, actor, document_file: DocumentFile) -> None:
    services.document_record_view(actor=actor, document=document_file.document, action=AuditAction.DOWNLOADED,
                                  detail=document_file.filename)


def document_metadata_downloaded(*, actor, document: Document, fmt: str) -> None:
    services.document_record_view(actor=actor, document=document, action=AuditAction.DOWNLOADED,
                                  detail=_("Siêu dữ liệu (%(f)s)") % {"f": fmt.upper()})


def register_metadata_downloaded(*, actor, register: Register, fmt: str) -> None:
    audit_log(actor=actor, action=AuditAction.DOWNLOADED, obj_type="register", obj_id=register.pk,
              agency_id=register.agency_id,
              summary=_("Siêu dữ liệu sổ %(r)s %(y)s (%(f)s)") % {"r": register.name, "y": register.year,
                                                                 "f": fmt.upper()},
              read_only=True)


def register_book_printed(*, actor, register: Register, summary: str) -> None:
    audit_log(actor=actor, action=AuditAction.PRINTED, obj_type="register", obj_id=register.pk,
              agency_id=register.agency_id, summary=summary)
