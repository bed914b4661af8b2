"""Writes of the ranking campaign workflow: plain functions, each atomic, Vietnamese errors.

publish → self-assessment (deadline in working days) → review (send back / unit confirms) → council
(adjustments with a reason, audit-logged) → compute results → approval → publication of results.
Permissions come from ``selectors`` (``AssessmentAuthority`` data). ``today`` parameters exist so
tests and jobs can fix the date; they default to the local date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts.selectors import agency_ids_for
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core.errors import DomainError, PermissionDenied, ValidationFailed
from lienthong.core.limits import (COMMENT_MAX_LENGTH, NOTE_MAX_LENGTH, REASON_MAX_LENGTH, check_max_length,
                                   too_long_message)
from lienthong.workcalendar.selectors import add_working_days

from . import indicator_source, selectors
from .criteria import CriteriaSetError, dump_criteria_set, load_criteria_set
from .engine import _check_value, score
from .models import (Adjustment, Approval, Campaign, CampaignState, CampaignUnit, CriteriaSetVersion, CriterionValue,
                     Evidence, Result, ReviewStatus, SelfAssessment, SelfAssessmentState)

S = CampaignState
SA = SelfAssessmentState
_EDITABLE_CAMPAIGN = (S.PUBLISHED, S.SELF_ASSESSMENT)


# --------------------------------------------------------------------------- permission helpers


def _require_council(actor) -> None:
    if not selectors.is_council(user=actor):
        raise PermissionDenied(_("Chỉ Sở Thông tin và Truyền thông (thường trực hội đồng) được thực hiện thao tác này."))


def _require_unit_member(actor, cu: CampaignUnit) -> None:
    if not agency_ids_for(user=actor).filter(agency_id=cu.agency_id).exists():
        raise PermissionDenied(_("Chỉ cán bộ của đơn vị được đánh giá được thực hiện thao tác này."))


SIGNATORY_HINT = gettext_lazy("Chỉ lãnh đạo đơn vị (hoặc văn thư thay mặt lãnh đạo) được nộp bản tự đánh giá.")


def _require_signatory(actor, cu: CampaignUnit) -> str:
    """Sending for the unit (and confirming values sent back) is its leader's, or its văn thư's on a leader's
    behalf; the staff only fill in. Returns the actor's role there (``Role.LEADER`` or ``Role.CLERK``)."""
    role = selectors.signatory_role(user=actor, agency_id=cu.agency_id)
    if role is None:
        _require_unit_member(actor, cu)
        raise PermissionDenied(str(SIGNATORY_HINT))
    return role


def _leader_on_behalf(role: str, cu: CampaignUnit, on_behalf_of):
    """The leader a văn thư acts for (``None`` when a leader acts in own name): one of the unit's leaders,
    chosen explicitly, never guessed."""
    from lienthong.accounts.models import Role

    if role == Role.LEADER:
        return None
    if not on_behalf_of:
        raise ValidationFailed({"on_behalf_of": [_("Văn thư nộp thay lãnh đạo: cần chọn lãnh đạo đơn vị.")]})
    leader_id = getattr(on_behalf_of, "pk", on_behalf_of)
    position = selectors.unit_leaders(agency_id=cu.agency_id).filter(user_id=leader_id).first()
    if position is None:
        raise ValidationFailed({"on_behalf_of": [_("Người được nộp thay phải là lãnh đạo của đơn vị.")]})
    return position.user


def _on_behalf_text(actor, leader) -> str:
    if leader is None:
        return ""
    return _(" (văn thư %(c)s nộp thay lãnh đạo %(l)s)") % {"c": actor, "l": leader}


def _require_council_or_system_admin(actor) -> None:
    """Criteria sets are data a system administrator may also maintain (the admin editor, the loader)."""
    if not (getattr(actor, "is_system_admin", False) and actor.is_active):
        _require_council(actor)


def _log(actor, action, obj_type, obj_id, agency_id, summary, details=None):
    audit_log(actor=actor, action=action, obj_type=obj_type, obj_id=obj_id, agency_id=agency_id,
              summary=summary[:500], details=details or {})


# --------------------------------------------------------------------------- criteria sets


def _notify_units(items: list[tuple[int, str, str, str, str]], *, kind: str = "status") -> None:
    """Tell the leaders and văn thư of units what the Department did: ``items`` are (agency id, title, body,
    url, dedupe key). One query for the people, one bulk insert (mails after commit)."""
    from lienthong.accounts.models import Role
    from lienthong.accounts.selectors import people_of
    from lienthong.notifications.services import NotificationSpec, notify_many

    if not items:
        return
    people: dict[int, list[int]] = {}
    for agency_id, user_id in people_of(agency_ids={i[0] for i in items}, roles=[Role.LEADER, Role.CLERK]
                                        ).values_list("agency_id", "user_id"):
        people.setdefault(agency_id, []).append(user_id)
    notify_many([NotificationSpec(user_id=uid, kind=kind, title=title[:300], body=body, url=url, dedupe_key=key)
                 for agency_id, title, body, url, key in items for uid in people.get(agency_id, [])])


def _self_assessment_url(sa_id: int) -> str:
    from django.urls import reverse

    return reverse("assessment:self_assessment", args=[sa_id])


def _checksum(cs) -> str:
    return hashlib.sha256(dump_criteria_set(cs).encode("utf-8")).hexdigest()


def criteria_set_import(*, yaml_text: str, actor) -> CriteriaSetVersion:
    """Store a criteria set from YAML. The same code and version replaces the stored text unless a
    campaign uses it (frozen): then publish a new version. Validation errors (line and field) are
    passed through as ``ValidationFailed({"yaml_text": [...]})``."""
    _require_council_or_system_admin(actor)
    try:
        cs = load_criteria_set(yaml_text)
    except CriteriaSetError as exc:
        raise ValidationFailed({"yaml_text": exc.errors}) from exc
    with transaction.atomic():
        row = CriteriaSetVersion.objects.select_for_update().filter(code=cs.code, version=cs.version).first()
        if row is not None and row.frozen:
            raise DomainError(_("Bộ tiêu chí '%(code)s' phiên bản %(v)s đã được dùng trong đợt đánh giá nên đã khóa, "
                                "không sửa được; hãy nhập thành phiên bản mới.") % {"code": cs.code, "v": cs.version},
                              code="criteria_set_frozen")
        created = row is None
        row = row or CriteriaSetVersion(code=cs.code, version=cs.version)
        row.name, row.year, row.yaml_text, row.checksum, row.imported_by = (
            cs.name[:300], cs.year, yaml_text, _checksum(cs), actor)
        row.save()
        row._parsed = cs
        _log(actor, AuditAction.IMPORTED if created else AuditAction.CHANGED, "criteria_set", row.pk, None,
             _("Nhập bộ tiêu chí %(code)s v%(v)s") % {"code": cs.code, "v": cs.version},
             {"checksum": row.checksum})
    return row


def criteria_set_update(*, version: CriteriaSetVersion, yaml_text: str, actor) -> CriteriaSetVersion:
    """Edit a stored version (the admin editor). Refused once frozen; code and version must stay."""
    _require_council_or_system_admin(actor)
    if CriteriaSetVersion.objects.filter(pk=version.pk, frozen_at__isnull=False).exists():
        raise DomainError(_("Bộ tiêu chí '%(code)s' phiên bản %(v)s đã được dùng trong đợt đánh giá nên đã khóa, "
                            "không sửa được; hãy nhập thành phiên bản mới.") % {"code": version.code, "v": version.version},
                          code="criteria_set_frozen")
    try:
        cs = load_criteria_set(yaml_text)
    except CriteriaSetError as exc:
        raise ValidationFailed({"yaml_text": exc.errors}) from exc
    if (cs.code, cs.version) != (version.code, version.version):
        raise ValidationFailed({"yaml_text": [_("Không được đổi mã hoặc phiên bản khi sửa; hãy nhập thành phiên bản mới.")]})
    return criteria_set_import(yaml_text=yaml_text, actor=actor)


# --------------------------------------------------------------------------- campaigns


@dataclass(frozen=True)
class UnitInput:
    agency_id: int
    group_code: str
    separate_reason: str = ""
    excluded: bool = False
    excluded_reason: str = ""
    not_applicable: tuple[str, ...] = ()


def _check_units(cs, units: list[UnitInput]) -> list[str]:
    errors = []
    groups = {g.code for g in cs.groups}
    codes = {c.code for _cat, c in cs.criteria()}
    seen = set()
    for u in units:
        if u.group_code not in groups:
            errors.append(_("Nhóm đơn vị '%(g)s' không có trong bộ tiêu chí.") % {"g": u.group_code})
        if u.agency_id in seen:
            errors.append(_("Một cơ quan được thêm hai lần."))
        seen.add(u.agency_id)
        if u.excluded and not u.excluded_reason.strip():
            errors.append(_("Đơn vị không xếp hạng phải có lý do."))
        for c in u.not_applicable:
            if c not in codes:
                errors.append(_("Tiêu chí '%(c)s' không có trong bộ tiêu chí.") % {"c": c})
    return errors


def campaign_create(*, actor, year: int, criteria_set: CriteriaSetVersion, units: Iterable[UnitInput],
                    name: str = "", self_assessment_days: int = 15) -> Campaign:
    """A draft campaign of the actor's council agency; the criteria set is frozen from now on."""
    _require_council(actor)
    units = list(units)
    cs = criteria_set.criteria_set()
    errors = _check_units(cs, units)
    if not 1 <= self_assessment_days <= 120:
        errors.append(_("Số ngày làm việc tự đánh giá phải từ 1 đến 120."))
    if errors:
        raise ValidationFailed({"units": errors})
    council_agency_id = agency_ids_for(user=actor).filter(
        agency_id__in=selectors.authority_agency_ids(kind="council")).values_list("agency_id", flat=True).first()
    with transaction.atomic():
        campaign = Campaign.objects.create(
            year=year, name=name or _("Đánh giá, xếp hạng mức độ ứng dụng CNTT năm %(y)s") % {"y": year},
            criteria_set=criteria_set, council_agency_id=council_agency_id, created_by=actor,
            self_assessment_days=self_assessment_days)
        CampaignUnit.objects.bulk_create(
            CampaignUnit(campaign=campaign, agency_id=u.agency_id, group_code=u.group_code,
                         separate_reason=u.separate_reason.strip(), excluded=u.excluded,
                         excluded_reason=u.excluded_reason.strip(), not_applicable=list(u.not_applicable))
            for u in units)
        CriteriaSetVersion.objects.filter(pk=criteria_set.pk, frozen_at__isnull=True).update(frozen_at=timezone.now())
        _log(actor, AuditAction.CREATED, "campaign", campaign.pk, council_agency_id,
             _("Tạo đợt đánh giá: %(n)s") % {"n": campaign.name},
             {"criteria_set": f"{criteria_set.code} v{criteria_set.version}", "units": len(units)})
    return campaign


def _lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().select_related("criteria_set").get(pk=campaign.pk)


def _require_state(campaign: Campaign, *states) -> None:
    if campaign.state not in states:
        raise DomainError(_("Đợt đánh giá đang ở bước '%(s)s', không thực hiện được thao tác này.")
                          % {"s": campaign.get_state_display()}, code="wrong_state")


def campaign_publish(*, actor, campaign: Campaign, today: dt.date | None = None) -> Campaign:
    """Publish the criteria to the units: one self-assessment per unit, deadline in working days."""
    _require_council(actor)
    today = today or timezone.localdate()
    with transaction.atomic():
        c = _lock(campaign)
        _require_state(c, S.DRAFT)
        if not c.units.exists():
            raise DomainError(_("Đợt đánh giá chưa có đơn vị nào."))
        c.state, c.published_on = S.SELF_ASSESSMENT, today
        c.deadline = add_working_days(today, c.self_assessment_days)
        c.save(update_fields=["state", "published_on", "deadline"])
        cs = c.criteria_set.criteria_set()
        SelfAssessment.objects.bulk_create(SelfAssessment(campaign_unit=cu) for cu in c.units.all())
        sas = list(SelfAssessment.objects.filter(campaign_unit__campaign=c).select_related("campaign_unit"))
        rows = []
        for sa in sas:
            group = sa.campaign_unit.group_code
            rows += [CriterionValue(self_assessment=sa, criterion_code=crit.code)
                     for cat, crit in cs.criteria() if cs.applies(cat, crit, group)]
        CriterionValue.objects.bulk_create(rows)
        criterion_values_autofill(campaign=c)  # the platform's own figures, shown beside the units' values
        _log(actor, AuditAction.TRANSITION, "campaign", c.pk, c.council_agency_id,
             _("Công bố đợt đánh giá, hạn tự đánh giá %(d)s") % {"d": c.deadline.strftime("%d/%m/%Y")})
        deadline = c.deadline.strftime("%d/%m/%Y")
        _notify_units([(sa.campaign_unit.agency_id,
                        _("Đề nghị tự đánh giá mức độ ứng dụng CNTT, hạn %(d)s") % {"d": deadline},
                        _("Sở Thông tin và Truyền thông đã công bố đợt \"%(c)s\". Đơn vị tự đánh giá, kèm tài liệu "
                          "kiểm chứng, và gửi trước ngày %(d)s.") % {"c": c.name, "d": deadline},
                        _self_assessment_url(sa.pk), f"assess-open:{c.pk}:{sa.campaign_unit.agency_id}")
                       for sa in sas if not sa.campaign_unit.excluded])
    return c


def campaign_refresh_measured(*, actor, campaign: Campaign) -> int:
    """The council fetches the platform's measured values again (e.g. after the public-service catalogue
    or the usage statistics were completed), up to the computation of results. Returns the values filled."""
    _require_council(actor)
    with transaction.atomic():
        c = _lock(campaign)
        _require_state(c, S.SELF_ASSESSMENT, S.REVIEW, S.COUNCIL)
        n = criterion_values_autofill(campaign=c)
        _log(actor, AuditAction.CHANGED, "campaign", c.pk, c.council_agency_id,
             _("Cập nhật số liệu hệ thống đo được cho %(n)s giá trị tiêu chí") % {"n": n}, {"values": n})
    return n


def campaign_advance(*, actor, campaign: Campaign, to: str) -> Campaign:
    """self_assessment → review → council."""
    _require_council(actor)
    allowed = {S.REVIEW: S.SELF_ASSESSMENT, S.COUNCIL: S.REVIEW}
    with transaction.atomic():
        c = _lock(campaign)
        if to not in allowed:
            raise DomainError(_("Bước chuyển không hợp lệ."))
        _require_state(c, allowed[to])
        c.state = to
        c.save(update_fields=["state"])
        _log(actor, AuditAction.TRANSITION, "campaign", c.pk, c.council_agency_id,
             _("Chuyển đợt đánh giá sang bước: %(s)s") % {"s": c.get_state_display()})
    return c


# --------------------------------------------------------------------------- self-assessment


def _plain_value(v):
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, (list, tuple)):
        return [_plain_value(x) for x in v]
    return v


def _lock_sa(sa: SelfAssessment) -> SelfAssessment:
    return SelfAssessment.objects.select_for_update().select_related(
        "campaign_unit__campaign__criteria_set").get(pk=sa.pk)


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
            raise DomainError(_("Bản tự đánh giá không còn sửa được (đã gửi hoặc đã hết bước tự đánh giá)."),
                              code="wrong_state")
        cs = cu.campaign.criteria_set.criteria_set()
        crits = {c.code: c for _cat, c in cs.criteria()}
        rows = {r.criterion_code: r for r in sa.values.all()}
        errors: dict[str, list] = {}
        for code in set(values) | set(comments):
            if code not in rows:
                errors.setdefault(code, []).append(_("Tiêu chí không áp dụng cho đơn vị hoặc không có trong bộ tiêu chí."))
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
                raise DomainError(_("Đã quá hạn tự đánh giá (hạn %(d)s). Chỉ gửi được khi Sở Thông tin và Truyền thông "
                                    "mở lại bản tự đánh giá.") % {"d": c.deadline.strftime("%d/%m/%Y")},
                                  code="deadline_passed")
        elif sa.state != SA.REOPENED:
            raise DomainError(_("Bản tự đánh giá đã được gửi."), code="wrong_state")
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
        raise ValidationFailed({"reason": [_("Phải nêu lý do mở lại bản tự đánh giá.")]})
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
        _notify_units([(sa.campaign_unit.agency_id, _("Bản tự đánh giá xếp hạng CNTT được mở lại"),
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
        raise ValidationFailed({"note": [_("Phải ghi nội dung đề nghị đơn vị xác nhận lại.")]})
    check_max_length(field="note", value=note, limit=COMMENT_MAX_LENGTH)
    with transaction.atomic():
        cv = _lock_value(criterion_value)
        sa = cv.self_assessment
        _require_state(sa.campaign_unit.campaign, S.REVIEW)
        if sa.state not in (SA.SUBMITTED, SA.SENT_BACK):
            raise DomainError(_("Chỉ thẩm định bản tự đánh giá đã gửi."), code="wrong_state")
        cv.review_status, cv.review_note, cv.reviewed_by, cv.reviewed_at = ReviewStatus.SENT_BACK, note, actor, timezone.now()
        cv.save(update_fields=["review_status", "review_note", "reviewed_by", "reviewed_at", "updated_at"])
        SelfAssessment.objects.filter(pk=sa.pk).update(state=SA.SENT_BACK, updated_at=timezone.now())
        _log(actor, AuditAction.RETURNED, "self_assessment", sa.pk, sa.campaign_unit.agency_id,
             _("Đề nghị xác nhận lại tiêu chí %(c)s: %(n)s") % {"c": cv.criterion_code, "n": note},
             {"criterion": cv.criterion_code, "note": note})
        # One notice a day per self-assessment, however many values the review sends back at once.
        _notify_units([(sa.campaign_unit.agency_id, _("Sở Thông tin và Truyền thông đề nghị xác nhận lại số liệu tự "
                                                      "đánh giá"),
                        _("Đợt \"%(c)s\": có tiêu chí cần đơn vị xác nhận hoặc sửa lại (ví dụ %(k)s: %(n)s).")
                        % {"c": sa.campaign_unit.campaign.name, "k": cv.criterion_code, "n": note},
                        _self_assessment_url(sa.pk), f"assess-sentback:{sa.pk}:{timezone.localdate().isoformat()}")])
    return cv


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
            raise DomainError(_("Còn tiêu chí chờ đơn vị xác nhận, hoặc bản tự đánh giá chưa được gửi."),
                              code="wrong_state")
        sa.values.filter(review_status=ReviewStatus.PENDING).update(
            review_status=ReviewStatus.OK, reviewed_by=actor, reviewed_at=timezone.now())
        sa.state, sa.confirmed_at, sa.confirmed_by = SA.CONFIRMED, timezone.now(), actor
        sa.save(update_fields=["state", "confirmed_at", "confirmed_by", "updated_at"])
        _log(actor, AuditAction.COMPLETED, "self_assessment", sa.pk, sa.campaign_unit.agency_id,
             _("Hoàn thành thẩm định bản tự đánh giá"))
    return sa


# --------------------------------------------------------------------------- council and results


def council_adjust(*, actor, campaign_unit: CampaignUnit, criterion_code: str, new_points, reason: str) -> Adjustment:
    """The council changes the points of one criterion of one unit. Reason required; audit-logged."""
    _require_council(actor)
    reason = (reason or "").strip()
    errors: dict[str, list] = {}
    if not reason:
        errors["reason"] = [_("Phải nêu lý do điều chỉnh điểm.")]
    elif problem := too_long_message(reason, REASON_MAX_LENGTH):
        errors["reason"] = [problem]
    with transaction.atomic():
        c = _lock(campaign_unit.campaign)
        _require_state(c, S.COUNCIL)
        cu = CampaignUnit.objects.get(pk=campaign_unit.pk)
        cs, _cus, units, values, overrides = selectors.scoring_inputs(c)
        pair = next(((cat, k) for cat, k in cs.criteria() if k.code == criterion_code), None)
        if pair is None or not cs.applies(pair[0], pair[1], cu.group_code) or criterion_code in cu.not_applicable:
            errors["criterion_code"] = [_("Tiêu chí không áp dụng cho đơn vị này.")]
        try:
            new = float(new_points)
        except (TypeError, ValueError):
            new = None
        if pair is not None and (new is None or not 0 <= new <= pair[1].max):
            errors["new_points"] = [_("Điểm điều chỉnh phải từ 0 đến %(m)s.") % {"m": f"{pair[1].max:g}"}]
        if errors:
            raise ValidationFailed(errors)
        current = score(cs, units, values, overrides=overrides).by_code[str(cu.agency_id)]
        old = current.criteria[criterion_code].points
        adj = Adjustment.objects.create(campaign_unit=cu, criterion_code=criterion_code, old_points=old,
                                        new_points=new, reason=reason, by=actor)
        _log(actor, AuditAction.CHANGED, "campaign_unit", cu.pk, cu.agency_id,
             _("Hội đồng điều chỉnh điểm tiêu chí %(c)s: %(o)s → %(n)s. Lý do: %(r)s")
             % {"c": criterion_code, "o": f"{old:g}", "n": f"{new:g}", "r": reason},
             {"campaign": c.pk, "criterion": criterion_code, "old": old, "new": new, "reason": reason})
        _log(actor, AuditAction.CHANGED, "campaign", c.pk, c.council_agency_id,
             _("Điều chỉnh điểm %(a)s, tiêu chí %(c)s") % {"a": cu.agency_id, "c": criterion_code},
             {"adjustment": adj.pk})
    return adj


def campaign_compute_results(*, actor, campaign: Campaign) -> list[Result]:
    """Score every unit (measured values win over self-reported ones; adjustments override points) and
    store the results, with the change from last year's results of the same criteria-set code."""
    _require_council(actor)
    with transaction.atomic():
        c = _lock(campaign)
        _require_state(c, S.COUNCIL)
        cs, cus, units, values, overrides = selectors.scoring_inputs(c)
        previous = selectors.previous_results(campaign=c)
        scored = score(cs, units, values, overrides=overrides, previous=previous)
        now = timezone.now()
        Result.objects.filter(campaign_unit__campaign=c).delete()
        rows = []
        for cu in cus:
            r = scored.by_code[str(cu.agency_id)]
            rows.append(Result(
                campaign_unit=cu, points=r.points, max_points=r.max_points, total=r.total, index=r.index,
                class_label=r.class_label or "", rank=r.rank,
                categories={k: {"points": v.points, "max": v.max, "index": v.index} for k, v in r.categories.items()},
                criteria={k: {"points": v.points, "max": v.max, "status": v.status} for k, v in r.criteria.items()},
                previous_index=r.previous_index, previous_rank=r.previous_rank, change_index=r.change_index,
                change_total=r.change_total, change_rank=r.change_rank, computed_at=now))
        rows = Result.objects.bulk_create(rows)
        c.results_computed_at = now
        c.save(update_fields=["results_computed_at"])
        _log(actor, AuditAction.COMPLETED, "campaign", c.pk, c.council_agency_id,
             _("Tính kết quả đánh giá cho %(n)s đơn vị") % {"n": len(rows)})
    return rows


def campaign_approve(*, actor, campaign: Campaign, decision: str = "", note: str = "") -> Approval:
    """A leader of the approving agency (UBND tỉnh) approves the computed results."""
    if not selectors.is_approver(user=actor):
        raise PermissionDenied(_("Chỉ lãnh đạo Ủy ban nhân dân tỉnh được phê duyệt kết quả."))
    check_max_length(field="note", value=(note or "").strip(), limit=NOTE_MAX_LENGTH)
    with transaction.atomic():
        c = _lock(campaign)
        _require_state(c, S.COUNCIL)
        if c.results_computed_at is None:
            raise DomainError(_("Chưa tính kết quả đánh giá."), code="not_computed")
        if Adjustment.objects.filter(campaign_unit__campaign=c, at__gt=c.results_computed_at).exists():
            raise DomainError(_("Có điều chỉnh điểm sau lần tính kết quả gần nhất; hãy tính lại trước khi phê duyệt."),
                              code="stale_results")
        approval = Approval.objects.create(campaign=c, approved_by=actor, decision=(decision or "").strip()[:300],
                                           note=(note or "").strip())
        c.state = S.APPROVED
        c.save(update_fields=["state"])
        _log(actor, AuditAction.COMPLETED, "campaign", c.pk, c.council_agency_id,
             _("Phê duyệt kết quả đánh giá %(n)s %(d)s") % {"n": c.name, "d": approval.decision})
    return approval


def campaign_publish_results(*, actor, campaign: Campaign) -> Campaign:
    _require_council(actor)
    with transaction.atomic():
        c = _lock(campaign)
        _require_state(c, S.APPROVED)
        c.state, c.results_published_at = S.PUBLISHED_RESULTS, timezone.now()
        c.save(update_fields=["state", "results_published_at"])
        _log(actor, AuditAction.TRANSITION, "campaign", c.pk, c.council_agency_id,
             _("Công bố kết quả đánh giá %(n)s") % {"n": c.name})
    return c


# --------------------------------------------------------------------------- evidence


def evidence_add(*, actor, criterion_value: CriterionValue, uploads) -> list[Evidence]:
    """Attach evidence files to one criterion; file types the documents app refuses give its errors.
    Files and rows are stored together or not at all."""
    from lienthong.documents import services as document_services

    cv = CriterionValue.objects.select_related("self_assessment__campaign_unit__campaign").get(pk=criterion_value.pk)
    sa = cv.self_assessment
    _require_unit_member(actor, sa.campaign_unit)
    _require_evidence_editable(cv)
    if not uploads:
        raise ValidationFailed({"files": [_("Chưa chọn tệp.")]})
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
        raise DomainError(_("Bản tự đánh giá không còn sửa được (đã gửi hoặc đã hết bước tự đánh giá)."),
                          code="wrong_state")


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

