"""What happens to a registered document afterwards: cancelled, recalled or withdrawn, marked legally valid,
shown to more people, related to another document; and the audit entries of who looked at it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core import events
from lienthong.core.errors import ValidationFailed
from lienthong.core.limits import REASON_MAX_LENGTH, check_max_length
from lienthong.core.text import nfc
from lienthong.documents.models import Document, DocumentGrant, DocumentRelation, DocumentStatus
from lienthong.documents.services.inputs import check_clerk


def document_cancel(*, actor, document: Document, reason: str) -> Document:
    """Cancel a numbered record. The number stays used; the record and its history are kept."""
    check_clerk(actor, document.agency)
    reason = nfc(reason)
    if not reason:
        raise ValidationFailed({"reason": [_("Cần nêu lý do hủy.")]})
    check_max_length(field="reason", value=reason, limit=REASON_MAX_LENGTH)
    if document.status == DocumentStatus.CANCELLED:
        raise ValidationFailed({"reason": [_("Văn bản đã bị hủy trước đó.")]})
    with transaction.atomic():
        events.emit(events.DOCUMENT_CHANGING, document_id=document.pk)  # a document in transit stays as it is
        document.status = DocumentStatus.CANCELLED
        document.cancel_reason = reason
        document.cancelled_at = timezone.now()
        document.save(update_fields=["status", "cancel_reason", "cancelled_at", "updated_at"])
        audit_log(actor=actor, action=AuditAction.CANCELLED, obj_type="document", obj_id=document.pk,
                  agency_id=document.agency_id, summary=_("Hủy văn bản: %(r)s") % {"r": reason})
    return document


def document_record_view(*, actor, document: Document, action: str = AuditAction.VIEWED, detail: str = "") -> None:
    """A document opened or one of its files downloaded: an audit entry of a read (``audit_log(read_only=True)``)."""
    audit_log(actor=actor, action=action, obj_type="document", obj_id=document.pk, agency_id=document.agency_id,
              summary=detail, read_only=True)


def document_record_denied(*, actor, document_id) -> None:
    """A request for a document the actor may not see: logged on the platform chain."""
    audit_log(actor=actor, action=AuditAction.DENIED, obj_type="document", obj_id=document_id,
              summary=_("Yêu cầu truy cập văn bản không được phép"))



def document_grant(*, document_id: int, user_ids=(), unit_ids=()) -> None:
    """Let these people / units of the holding agency see one document (assignments, named readers)."""
    rows = [DocumentGrant(document_id=document_id, user_id=u) for u in set(user_ids)]
    rows += [DocumentGrant(document_id=document_id, unit_id=u) for u in set(unit_ids)]
    DocumentGrant.objects.bulk_create(rows, ignore_conflicts=True)


def document_relate(*, source: Document, target: Document, kind: str) -> None:
    DocumentRelation.objects.get_or_create(source=source, target=target, kind=kind)


def document_set_status(*, actor, document: Document, status: str, summary: str) -> None:
    """Freeze (recalled) or withdraw a document; a withdrawn copy leaves the search index."""
    Document.objects.filter(pk=document.pk).update(status=status, updated_at=timezone.now())
    document.status = status
    events.emit(events.DOCUMENT_CHANGED, document_id=document.pk)  # a withdrawn copy leaves the search index
    audit_log(actor=actor, action=AuditAction.RECALLED, obj_type="document", obj_id=document.pk,
              agency_id=document.agency_id, summary=summary)


def document_set_legally_valid(*, valid_ids=(), invalid_ids=()) -> None:
    """Record which documents are legally valid electronic documents (QĐ 28/2018); the signing app
    decides, from the verification of their files and how they travelled."""
    changed = []
    if valid_ids:
        now_valid = Document.objects.filter(pk__in=list(valid_ids), legally_valid=False)
        changed += list(now_valid.values_list("pk", flat=True))
        now_valid.filter(pk__in=changed).update(legally_valid=True)
    if invalid_ids:
        not_valid = Document.objects.filter(pk__in=list(invalid_ids), legally_valid=True)
        ids = list(not_valid.values_list("pk", flat=True))
        not_valid.filter(pk__in=ids).update(legally_valid=False)
        changed += ids
    if changed:  # the usage statistics follow (oversight)
        events.emit_on_commit(events.DOCUMENTS_VALIDITY_CHANGED, document_ids=changed)
