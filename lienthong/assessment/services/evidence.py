"""Writes of the evidence files of a criterion value: attach (stored with the documents app's file
storage, files and rows together or not at all) and take back while the unit may still edit."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.audit.models import AuditAction
from lienthong.core.errors import DomainError, ValidationFailed
from lienthong.documents import services as document_services

from ..models import CriterionValue, Evidence, ReviewStatus
from .common import _EDITABLE_CAMPAIGN, NOT_EDITABLE, SA, _log, _require_unit_member

# An upload with no file (the tests use this constant rather than a copy of the text).
NO_FILE = gettext_lazy("Chưa chọn tệp.")

# --------------------------------------------------------------------------- evidence


def evidence_add(*, actor, criterion_value: CriterionValue, uploads) -> list[Evidence]:
    """Attach evidence files to one criterion; file types the documents app refuses give its errors.
    Files and rows are stored together or not at all."""
    cv = CriterionValue.objects.select_related("self_assessment__campaign_unit__campaign").get(pk=criterion_value.pk)
    sa = cv.self_assessment
    _require_unit_member(actor, sa.campaign_unit)
    _require_evidence_editable(cv)
    if not uploads:
        raise ValidationFailed({"files": [str(NO_FILE)]})
    read = document_services.files_read(uploads, field_name="files")
    written: list[str] = []
    try:
        with transaction.atomic():
            stored = document_services.files_store(read, written=written)
            rows = Evidence.objects.bulk_create(
                Evidence(criterion_value=cv, stored_file=s, filename=f.name[:255], uploaded_by=actor)
                for f, s in zip(read, stored, strict=True))
            _log(actor, AuditAction.CREATED, "self_assessment", sa.pk, sa.campaign_unit.agency_id,
                 _("Thêm %(n)s tài liệu kiểm chứng cho tiêu chí %(c)s") % {"n": len(rows), "c": cv.criterion_code})
        return rows
    except BaseException:
        document_services.files_discard(written)
        raise


def _require_evidence_editable(cv: CriterionValue) -> None:
    """Evidence changes while the unit may edit its self-assessment, or the value was sent back to it."""
    sa = cv.self_assessment
    editable = sa.state == SA.REOPENED or (
        sa.state == SA.DRAFT and sa.campaign_unit.campaign.state in _EDITABLE_CAMPAIGN) or (
        cv.review_status == ReviewStatus.SENT_BACK)
    if not editable:
        raise DomainError(str(NOT_EDITABLE), code="wrong_state")


def evidence_remove(*, actor, evidence: Evidence) -> None:
    """The unit takes back an evidence file it attached by mistake, while it may still edit. The stored file
    stays (content-addressed, it may serve other records); the audit log names the file."""
    with transaction.atomic():
        ev = Evidence.objects.select_for_update().select_related(
            "criterion_value__self_assessment__campaign_unit__campaign").get(pk=evidence.pk)
        cv = ev.criterion_value
        sa = cv.self_assessment
        _require_unit_member(actor, sa.campaign_unit)
        _require_evidence_editable(cv)
        ev.delete()
        _log(actor, AuditAction.CHANGED, "self_assessment", sa.pk, sa.campaign_unit.agency_id,
             _("Bỏ tài liệu kiểm chứng %(f)s của tiêu chí %(c)s") % {"f": ev.filename, "c": cv.criterion_code},
             {"criterion": cv.criterion_code, "filename": ev.filename, "stored_file": ev.stored_file_id})
