"""Writes of a unit's self-assessment and of its review: save values and comments, fill the measured
values, send (the unit's leader, or its văn thư on a leader's behalf), reopen; the Department sends values
back, the unit confirms them, the Department closes the review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.audit.models import AuditAction
from lienthong.core.errors import DomainError, ValidationFailed
from lienthong.core.limits import COMMENT_MAX_LENGTH, NOTE_MAX_LENGTH, check_max_length, too_long_message

from .. import indicator_source
from ..engine import _check_value
from ..models import Campaign, CriterionValue, ReviewStatus, SelfAssessment
from .common import (
    _EDITABLE_CAMPAIGN,
    NOT_EDITABLE,
    SA,
    S,
    _leader_on_behalf,
    _lock_sa,
    _log,
    _notify_units,
    _on_behalf_text,
    _plain_value,
    _require_council,
    _require_signatory,
    _require_state,
    _require_unit_member,
    _self_assessment_url,
)

# Messages users see (the tests use these constants rather than copies of the text).
NOT_IN_SET = gettext_lazy("Tiêu chí không áp dụng cho đơn vị hoặc không có trong bộ tiêu chí.")
PAST_DEADLINE = gettext_lazy("Đã quá hạn tự đánh giá (hạn %(d)s). Chỉ gửi được khi Sở Thông tin và Truyền thông "
                             "mở lại bản tự đánh giá.")
ALREADY_SUBMITTED = gettext_lazy("Bản tự đánh giá đã được gửi.")
REOPEN_REASON_REQUIRED = gettext_lazy("Phải nêu lý do mở lại bản tự đánh giá.")
REOPENED_TITLE = gettext_lazy("Bản tự đánh giá xếp hạng CNTT được mở lại")
SEND_BACK_NOTE_REQUIRED = gettext_lazy("Phải ghi nội dung đề nghị đơn vị xác nhận lại.")
SENT_BACK_TITLE = gettext_lazy("Sở Thông tin và Truyền thông đề nghị xác nhận lại số liệu tự đánh giá")
CONFIRMATIONS_PENDING = gettext_lazy("Còn tiêu chí chờ đơn vị xác nhận, hoặc bản tự đánh giá chưa được gửi.")


def self_assessment_save(*, actor, self_assessment: SelfAssessment, values: Mapping[str, object] | None = None,
                         comments: Mapping[str, str] | None = None) -> SelfAssessment:
    """Save values (number / Decimal / bool / choice code / list of codes; ``None`` clears) and comments."""
    values, comments = values or {}, comments or {}
    with transaction.atomic():
        sa = _lock_sa(self_assessment)
        cu = sa.campaign_unit
        _require_unit_member(actor, cu)
        if sa.state not in (SA.DRAFT, SA.REOPENED) or (
                sa.state == SA.DRAFT and cu.campaign.state not in _EDITABLE_CAMPAIGN):
            raise DomainError(str(NOT_EDITABLE), code="wrong_state")
        cs = cu.campaign.criteria_set.criteria_set()
        crits = {c.code: c for _cat, c in cs.criteria()}
        rows = {r.criterion_code: r for r in sa.values.all()}
        errors: dict[str, list] = {}
        for code in set(values) | set(comments):
            if code not in rows:
                errors.setdefault(code, []).append(str(NOT_IN_SET))
        for code, v in values.items():
            if code in rows and v is not None:
                problem = _check_value(crits[code], _plain_value(v))
                if problem:
                    errors.setdefault(code, []).append(problem)
        for code, text in comments.items():
            if problem := too_long_message((text or "").strip(), COMMENT_MAX_LENGTH):
                errors.setdefault(code, []).append(problem)
        if errors:
            raise ValidationFailed(errors)
        changed = []
        for code in set(values) | set(comments):
            row = rows[code]
            if code in values:
                row.value = _plain_value(values[code])
            if code in comments:
                row.comment = (comments[code] or "").strip()
            changed.append(row)
        if changed:
            CriterionValue.objects.bulk_update(changed, ["value", "comment"])
        SelfAssessment.objects.filter(pk=sa.pk).update(updated_at=timezone.now())
    return sa


def self_assessment_save_and_submit(*, actor, self_assessment: SelfAssessment,
                                    values: Mapping[str, object] | None = None,
                                    comments: Mapping[str, str] | None = None, on_behalf_of=None,
                                    today: dt.date | None = None) -> SelfAssessment:
    """Save values and comments (``self_assessment_save``) and send (``self_assessment_submit``) in one
    transaction: a refused sending keeps nothing of the same click."""
    with transaction.atomic():
        self_assessment_save(actor=actor, self_assessment=self_assessment, values=values, comments=comments)
        return self_assessment_submit(actor=actor, self_assessment=self_assessment, on_behalf_of=on_behalf_of,
                                      today=today)


def criterion_values_autofill(*, campaign: Campaign,
                              indicator: Callable[[object, str, int], object] | None = None) -> int:
    """Fill the automatic value of every criterion whose source is ``indicator:<key>``.

    ``indicator(agency, key, year)`` returns the measured value (or ``None``); by default the platform's
    own figures (``indicator_source.indicator_values``, one batch for every unit). The self-reported
    value is kept beside it; at scoring the measured value wins. Returns the number of values filled."""
    cs = campaign.criteria_set.criteria_set()
    keys = {c.code: c.indicator_key for _cat, c in cs.criteria() if c.indicator_key}
    now = timezone.now()
    rows = list(CriterionValue.objects.filter(self_assessment__campaign_unit__campaign=campaign,
                                              criterion_code__in=list(keys))
                .select_related("self_assessment__campaign_unit__agency"))
    if indicator is None:
        table = indicator_source.indicator_values(
            agency_ids={r.self_assessment.campaign_unit.agency_id for r in rows}, keys=set(keys.values()),
            year=campaign.year)

        def indicator(agency, key, year):
            return table.get(agency.pk, {}).get(key)
    for r in rows:
        v = indicator(r.self_assessment.campaign_unit.agency, keys[r.criterion_code], campaign.year)
        r.auto_value, r.auto_at = _plain_value(v), now
    with transaction.atomic():
        CriterionValue.objects.bulk_update(rows, ["auto_value", "auto_at"])
    return len(rows)


def self_assessment_submit(*, actor, self_assessment: SelfAssessment, on_behalf_of=None,
                           today: dt.date | None = None) -> SelfAssessment:
    """Send the self-assessment to the Department. After the deadline only if the Department reopened it.

    Only the unit's leader sends it, or its văn thư on behalf of one of its leaders (``on_behalf_of``: the
    leader's user or id, required of a văn thư, ignored for a leader who sends in own name); both are recorded
    on the self-assessment and in the audit trail."""
    today = today or timezone.localdate()
    with transaction.atomic():
        sa = _lock_sa(self_assessment)
        cu = sa.campaign_unit
        c = cu.campaign
        role = _require_signatory(actor, cu)
        if sa.state == SA.DRAFT:
            _require_state(c, *_EDITABLE_CAMPAIGN)
            if c.deadline and today > c.deadline:
                raise DomainError(PAST_DEADLINE % {"d": c.deadline.strftime("%d/%m/%Y")}, code="deadline_passed")
        elif sa.state != SA.REOPENED:
            raise DomainError(str(ALREADY_SUBMITTED), code="wrong_state")
        leader = _leader_on_behalf(role, cu, on_behalf_of)
        late = bool(c.deadline and today > c.deadline)
        sa.state, sa.submitted_at, sa.submitted_by, sa.submitted_for = SA.SUBMITTED, timezone.now(), actor, leader
        sa.save(update_fields=["state", "submitted_at", "submitted_by", "submitted_for", "updated_at"])
        _log(actor, AuditAction.SENT, "self_assessment", sa.pk, cu.agency_id,
             _("Gửi bản tự đánh giá %(c)s") % {"c": c.name} + _on_behalf_text(actor, leader)
             + (_(" (sau hạn, đã được mở lại)") if late else ""),
             {"late": late, "on_behalf_of": leader.pk if leader else None})
    return sa


def self_assessment_reopen(*, actor, self_assessment: SelfAssessment, reason: str) -> SelfAssessment:
    """The Department reopens a self-assessment (e.g. after the deadline); the unit may edit and submit again."""
    _require_council(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [str(REOPEN_REASON_REQUIRED)]})
    check_max_length(field="reason", value=reason, limit=NOTE_MAX_LENGTH)
    with transaction.atomic():
        sa = _lock_sa(self_assessment)
        _require_state(sa.campaign_unit.campaign, S.PUBLISHED, S.SELF_ASSESSMENT, S.REVIEW)
        if sa.state == SA.CONFIRMED:
            raise DomainError(_("Bản tự đánh giá đã được thẩm định xong, không mở lại được."), code="wrong_state")
        sa.state, sa.reopened_at, sa.reopened_by, sa.reopen_reason = SA.REOPENED, timezone.now(), actor, reason
        sa.save(update_fields=["state", "reopened_at", "reopened_by", "reopen_reason", "updated_at"])
        _log(actor, AuditAction.RETURNED, "self_assessment", sa.pk, sa.campaign_unit.agency_id,
             _("Mở lại bản tự đánh giá: %(r)s") % {"r": reason}, {"reason": reason})
        _notify_units([(sa.campaign_unit.agency_id, str(REOPENED_TITLE),
                        _("Sở Thông tin và Truyền thông mở lại bản tự đánh giá để đơn vị sửa và gửi lại. Lý do: %(r)s")
                        % {"r": reason}, _self_assessment_url(sa.pk),
                        f"assess-reopen:{sa.pk}:{sa.reopened_at.isoformat()}")])
    return sa


# --------------------------------------------------------------------------- review


def _lock_value(cv: CriterionValue) -> CriterionValue:
    return CriterionValue.objects.select_for_update().select_related(
        "self_assessment__campaign_unit__campaign__criteria_set").get(pk=cv.pk)


def review_send_back(*, actor, criterion_value: CriterionValue, note: str) -> CriterionValue:
    """The Department asks the unit to confirm (or correct) one value, with a note."""
    _require_council(actor)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed({"note": [str(SEND_BACK_NOTE_REQUIRED)]})
    check_max_length(field="note", value=note, limit=COMMENT_MAX_LENGTH)
    with transaction.atomic():
        cv = _lock_value(criterion_value)
        sa = cv.self_assessment
        _require_state(sa.campaign_unit.campaign, S.REVIEW)
        if sa.state not in (SA.SUBMITTED, SA.SENT_BACK):
            raise DomainError(_("Chỉ thẩm định bản tự đánh giá đã gửi."), code="wrong_state")
        cv.review_status, cv.review_note = ReviewStatus.SENT_BACK, note
        cv.reviewed_by, cv.reviewed_at = actor, timezone.now()
        cv.save(update_fields=["review_status", "review_note", "reviewed_by", "reviewed_at", "updated_at"])
        SelfAssessment.objects.filter(pk=sa.pk).update(state=SA.SENT_BACK, updated_at=timezone.now())
        _log(actor, AuditAction.RETURNED, "self_assessment", sa.pk, sa.campaign_unit.agency_id,
             _("Đề nghị xác nhận lại tiêu chí %(c)s: %(n)s") % {"c": cv.criterion_code, "n": note},
             {"criterion": cv.criterion_code, "note": note})
        # One notice a day per self-assessment, however many values the review sends back at once.
        _notify_units([(sa.campaign_unit.agency_id, str(SENT_BACK_TITLE),
                        _("Đợt \"%(c)s\": có tiêu chí cần đơn vị xác nhận hoặc sửa lại (ví dụ %(k)s: %(n)s).")
                        % {"c": sa.campaign_unit.campaign.name, "k": cv.criterion_code, "n": note},
                        _self_assessment_url(sa.pk), f"assess-sentback:{sa.pk}:{timezone.localdate().isoformat()}")])
    return cv


def review_send_back_many(*, actor, items: Iterable[tuple[CriterionValue, str]]) -> list[CriterionValue]:
    """Send several values back at once (``review_send_back`` for each ``(value, note)``), all or none."""
    with transaction.atomic():
        return [review_send_back(actor=actor, criterion_value=cv, note=note) for cv, note in items]


_UNSET = object()


def criterion_confirm(*, actor, criterion_value: CriterionValue, value=_UNSET, comment: str | None = None,
                      on_behalf_of=None) -> CriterionValue:
    """The unit confirms (optionally corrects) a value sent back; when none is left, the self-assessment
    goes back to the Department as submitted. As sending it: the unit's leader, or its văn thư on behalf of
    one of its leaders (``on_behalf_of``)."""
    with transaction.atomic():
        cv = _lock_value(criterion_value)
        sa = cv.self_assessment
        role = _require_signatory(actor, sa.campaign_unit)
        if cv.review_status != ReviewStatus.SENT_BACK:
            raise DomainError(_("Tiêu chí này không được đề nghị xác nhận lại."), code="wrong_state")
        leader = _leader_on_behalf(role, sa.campaign_unit, on_behalf_of)
        old = cv.value
        if value is not _UNSET:
            v = _plain_value(value)
            if v is not None:
                crit = next(c for _cat, c in sa.campaign_unit.campaign.criteria_set.criteria_set().criteria()
                            if c.code == cv.criterion_code)
                problem = _check_value(crit, v)
                if problem:
                    raise ValidationFailed({cv.criterion_code: [problem]})
            cv.value = v
        if comment is not None:
            check_max_length(field=cv.criterion_code, value=comment.strip(), limit=COMMENT_MAX_LENGTH)
            cv.comment = comment.strip()
        cv.review_status, cv.confirmed_by, cv.confirmed_for = ReviewStatus.CONFIRMED, actor, leader
        cv.confirmed_at = timezone.now()
        cv.save(update_fields=["value", "comment", "review_status", "confirmed_by", "confirmed_for", "confirmed_at",
                               "updated_at"])
        if not sa.values.filter(review_status=ReviewStatus.SENT_BACK).exists():
            SelfAssessment.objects.filter(pk=sa.pk).update(state=SA.SUBMITTED, updated_at=timezone.now())
        _log(actor, AuditAction.CHANGED, "self_assessment", sa.pk, sa.campaign_unit.agency_id,
             _("Đơn vị xác nhận tiêu chí %(c)s") % {"c": cv.criterion_code} + _on_behalf_text(actor, leader),
             {"criterion": cv.criterion_code, "old": old, "new": cv.value,
              "on_behalf_of": leader.pk if leader else None})
    return cv


def self_assessment_confirm(*, actor, self_assessment: SelfAssessment) -> SelfAssessment:
    """The Department closes the review of one unit: every value not sent back is marked OK."""
    _require_council(actor)
    with transaction.atomic():
        sa = _lock_sa(self_assessment)
        _require_state(sa.campaign_unit.campaign, S.REVIEW)
        if sa.state != SA.SUBMITTED:
            raise DomainError(str(CONFIRMATIONS_PENDING), code="wrong_state")
        sa.values.filter(review_status=ReviewStatus.PENDING).update(
            review_status=ReviewStatus.OK, reviewed_by=actor, reviewed_at=timezone.now())
        sa.state, sa.confirmed_at, sa.confirmed_by = SA.CONFIRMED, timezone.now(), actor
        sa.save(update_fields=["state", "confirmed_at", "confirmed_by", "updated_at"])
        _log(actor, AuditAction.COMPLETED, "self_assessment", sa.pk, sa.campaign_unit.agency_id,
             _("Hoàn thành thẩm định bản tự đánh giá"))
    return sa
