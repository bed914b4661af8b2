"""Writes of a ranking campaign up to the review: create (the criteria set is frozen), publish to the
units (a self-assessment each, deadline in working days, the measured values filled), refresh the measured
values, advance to review and council."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.audit.models import AuditAction
from lienthong.core.errors import DomainError, ValidationFailed
from lienthong.workcalendar.selectors import add_working_days

from ..models import Campaign, CampaignUnit, CriteriaSetVersion, CriterionValue, SelfAssessment
from .common import (
    S,
    _council_agency_id,
    _lock,
    _log,
    _notify_units,
    _require_council,
    _require_state,
    _self_assessment_url,
)
from .self_assessments import criterion_values_autofill

# Messages users see (the forms and the tests use these constants rather than copies of the text).
EXCLUDED_NEEDS_REASON = gettext_lazy("Đơn vị không xếp hạng phải có lý do.")
PUBLISHED_TITLE = gettext_lazy("Đề nghị tự đánh giá mức độ ứng dụng CNTT, hạn %(d)s")  # the units' notice

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
            errors.append(str(EXCLUDED_NEEDS_REASON))
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
    council_agency_id = _council_agency_id(actor)
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
                        PUBLISHED_TITLE % {"d": deadline},
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
    allowed: dict[str, str] = {S.REVIEW: S.SELF_ASSESSMENT, S.COUNCIL: S.REVIEW}
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
