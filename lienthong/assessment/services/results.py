"""Writes of the council and the results: adjust a unit's points (reason required, audit-logged),
compute the results (with last year's change), approval by the provincial leaders, publication."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.audit.models import AuditAction
from lienthong.core.errors import DomainError, PermissionDenied, ValidationFailed
from lienthong.core.limits import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, check_max_length, too_long_message

from .. import selectors
from ..engine import _check_value
from ..models import Adjustment, Approval, Campaign, CampaignUnit, Result, ValueCorrection
from .common import S, _lock, _log, _require_council, _require_state

# Messages users see (the tests use these constants rather than copies of the text).
ADJUST_REASON_REQUIRED = gettext_lazy("Phải nêu lý do điều chỉnh điểm.")
ADJUST_POINTS_RANGE = gettext_lazy("Điểm điều chỉnh phải từ 0 đến %(m)s.")
NOT_COMPUTED = gettext_lazy("Chưa tính kết quả đánh giá.")
CORRECT_REASON_REQUIRED = gettext_lazy("Phải nêu lý do sửa số liệu.")
CRITERION_NOT_FOR_UNIT = gettext_lazy("Tiêu chí không áp dụng cho đơn vị này.")
VALUE_CORRECTED = gettext_lazy("Hội đồng sửa số liệu tiêu chí %(c)s: %(o)s → %(n)s. Lý do: %(r)s")

# --------------------------------------------------------------------------- council and results


def council_adjust(*, actor, campaign_unit: CampaignUnit, criterion_code: str, new_points, reason: str) -> Adjustment:
    """The council changes the points of one criterion of one unit. Reason required; audit-logged."""
    _require_council(actor)
    reason, errors = _reason_checked(reason, ADJUST_REASON_REQUIRED)
    with transaction.atomic():
        c = _lock(campaign_unit.campaign)
        _require_state(c, S.COUNCIL)
        cu = CampaignUnit.objects.get(pk=campaign_unit.pk)
        inputs = selectors.scoring_inputs(c)
        pair = _criterion_of_unit(inputs.cs, cu, criterion_code, errors)
        try:
            new = float(new_points)
        except (TypeError, ValueError):
            new = None
        if pair is not None and (new is None or not 0 <= new <= pair[1].max):
            errors["new_points"] = [ADJUST_POINTS_RANGE % {"m": f"{pair[1].max:g}"}]
        if errors:
            raise ValidationFailed(errors)
        assert new is not None  # no number (or no criterion to bound it) is an error above
        current = inputs.score().by_code[str(cu.agency_id)]
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


def council_correct_value(*, actor, campaign_unit: CampaignUnit, criterion_code: str, new_value,
                          reason: str) -> ValueCorrection:
    """The council corrects the value of one criterion of one unit (an inflated or wrong figure). The results
    are computed from the corrected value, so a benchmark it set for the group (the best value, the range)
    is corrected for every unit. Reason required; audit-logged; the value is checked like a unit's own."""
    _require_council(actor)
    reason, errors = _reason_checked(reason, CORRECT_REASON_REQUIRED)
    with transaction.atomic():
        c = _lock(campaign_unit.campaign)
        _require_state(c, S.COUNCIL)
        cu = CampaignUnit.objects.get(pk=campaign_unit.pk)
        inputs = selectors.scoring_inputs(c)
        pair = _criterion_of_unit(inputs.cs, cu, criterion_code, errors)
        if ("criterion_code" not in errors and pair is not None and new_value is not None
                and (problem := _check_value(pair[1], new_value))):
            errors["new_value"] = [problem]
        if errors:
            raise ValidationFailed(errors)
        unit_code = str(cu.agency_id)
        corrected = inputs.corrections.get(unit_code) or {}
        old = corrected[criterion_code] if criterion_code in corrected else (
            inputs.values.get(unit_code) or {}).get(criterion_code)
        corr = ValueCorrection.objects.create(campaign_unit=cu, criterion_code=criterion_code, old_value=old,
                                              new_value=new_value, reason=reason, by=actor)
        _log(actor, AuditAction.CHANGED, "campaign_unit", cu.pk, cu.agency_id,
             VALUE_CORRECTED % {"c": criterion_code, "o": _plain(old), "n": _plain(new_value), "r": reason},
             {"campaign": c.pk, "criterion": criterion_code, "old_value": old, "new_value": new_value,
              "reason": reason})
        _log(actor, AuditAction.CHANGED, "campaign", c.pk, c.council_agency_id,
             _("Sửa số liệu %(a)s, tiêu chí %(c)s") % {"a": cu.agency_id, "c": criterion_code},
             {"value_correction": corr.pk})
    return corr


def _reason_checked(reason, required_message) -> tuple[str, dict[str, list]]:
    """The council's reason, stripped, and the errors it gives (missing or too long)."""
    reason = (reason or "").strip()
    errors: dict[str, list] = {}
    if not reason:
        errors["reason"] = [str(required_message)]
    elif problem := too_long_message(reason, REASON_MAX_LENGTH):
        errors["reason"] = [problem]
    return reason, errors


def _criterion_of_unit(cs, cu: CampaignUnit, criterion_code: str, errors: dict[str, list]):
    """(category, criterion) of ``criterion_code`` (None when the set has no such criterion), with an error in
    ``errors`` when it does not apply to the unit."""
    pair = next(((cat, k) for cat, k in cs.criteria() if k.code == criterion_code), None)
    if pair is None or not cs.applies(pair[0], pair[1], cu.group_code) or criterion_code in cu.not_applicable:
        errors["criterion_code"] = [str(CRITERION_NOT_FOR_UNIT)]
    return pair


def _plain(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def campaign_compute_results(*, actor, campaign: Campaign) -> list[Result]:
    """Score every unit (measured values win over self-reported ones; adjustments override points) and
    store the results, with the change from last year's results of the same criteria-set code."""
    _require_council(actor)
    with transaction.atomic():
        c = _lock(campaign)
        _require_state(c, S.COUNCIL)
        inputs = selectors.scoring_inputs(c)
        cus = inputs.cus
        scored = inputs.score(previous=selectors.previous_results(campaign=c))
        now = timezone.now()
        Result.objects.filter(campaign_unit__campaign=c).delete()
        rows = []
        for cu in cus:
            r = scored.by_code[str(cu.agency_id)]
            rows.append(Result(
                campaign_unit=cu, points=r.points, max_points=r.max_points, total=r.shown_total, index=r.index,
                class_label=r.class_label or "", rank=r.rank, no_data=r.no_data,
                categories={k: {"points": v.points, "max": v.max, "index": v.index} for k, v in r.categories.items()},
                criteria={k: {"points": v.points, "max": v.max, "status": v.status,
                              **({"corrected": True} if v.corrected else {}),
                              **({"overridden": True} if v.overridden else {})} for k, v in r.criteria.items()},
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
            raise DomainError(str(NOT_COMPUTED), code="not_computed")
        if (Adjustment.objects.filter(campaign_unit__campaign=c, at__gt=c.results_computed_at).exists()
                or ValueCorrection.objects.filter(campaign_unit__campaign=c, at__gt=c.results_computed_at).exists()):
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
