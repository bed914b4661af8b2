"""Helpers shared by the ranking's writes: who may act (the council, the unit's people, its signatory),
locking a campaign or a self-assessment, the state check, the audit entry and the notices to the units.
Private to ``assessment.services``."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts.models import Role
from lienthong.accounts.selectors import agency_ids_for, people_of
from lienthong.audit.services import audit_log
from lienthong.core.errors import DomainError, PermissionDenied, ValidationFailed
from lienthong.notifications.services import NotificationSpec, notify_many

from .. import selectors
from ..models import Campaign, CampaignState, CampaignUnit, SelfAssessment, SelfAssessmentState

S = CampaignState
SA = SelfAssessmentState
_EDITABLE_CAMPAIGN = (S.PUBLISHED, S.SELF_ASSESSMENT)

# Messages users see (the tests use these constants rather than copies of the text).
COUNCIL_ONLY = gettext_lazy("Chỉ Sở Thông tin và Truyền thông (thường trực hội đồng) được thực hiện thao tác này.")
ON_BEHALF_LEADER_REQUIRED = gettext_lazy("Văn thư nộp thay lãnh đạo: cần chọn lãnh đạo đơn vị.")
ON_BEHALF_NOT_A_LEADER = gettext_lazy("Người được nộp thay phải là lãnh đạo của đơn vị.")
WRONG_CAMPAIGN_STEP = gettext_lazy("Đợt đánh giá đang ở bước '%(s)s', không thực hiện được thao tác này.")
NOT_EDITABLE = gettext_lazy("Bản tự đánh giá không còn sửa được (đã gửi hoặc đã hết bước tự đánh giá).")


# --------------------------------------------------------------------------- permission helpers


def _council_only() -> PermissionDenied:
    return PermissionDenied(str(COUNCIL_ONLY))


def _require_council(actor) -> None:
    if not selectors.is_council(user=actor):
        raise _council_only()


def _council_agency_id(actor) -> int:
    """The council agency where ``actor`` holds a position; refused as by ``_require_council`` when there is
    none (a position ended since that check)."""
    agency_id = agency_ids_for(user=actor).filter(
        agency_id__in=selectors.authority_agency_ids(kind="council")).values_list("agency_id", flat=True).first()
    if agency_id is None:
        raise _council_only()
    return agency_id


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
    if role == Role.LEADER:
        return None
    if not on_behalf_of:
        raise ValidationFailed({"on_behalf_of": [str(ON_BEHALF_LEADER_REQUIRED)]})
    leader_id = getattr(on_behalf_of, "pk", on_behalf_of)
    position = selectors.unit_leaders(agency_id=cu.agency_id).filter(user_id=leader_id).first()
    if position is None:
        raise ValidationFailed({"on_behalf_of": [str(ON_BEHALF_NOT_A_LEADER)]})
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



def _notify_units(items: list[tuple[int, str, str, str, str]], *, kind: str = "status") -> None:
    """Tell the leaders and văn thư of units what the Department did: ``items`` are (agency id, title, body,
    url, dedupe key). One query for the people, one bulk insert (mails after commit)."""
    if not items:
        return
    people: dict[int, list[int]] = {}
    for agency_id, user_id in people_of(agency_ids={i[0] for i in items}, roles=[Role.LEADER, Role.CLERK]
                                        ).values_list("agency_id", "user_id"):
        people.setdefault(agency_id, []).append(user_id)
    notify_many([NotificationSpec(user_id=uid, kind=kind, title=title[:300], body=body, url=url, dedupe_key=key)
                 for agency_id, title, body, url, key in items for uid in people.get(agency_id, [])])


def _self_assessment_url(sa_id: int) -> str:

    return reverse("assessment:self_assessment", args=[sa_id])



def _lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().select_related("criteria_set").get(pk=campaign.pk)


def _require_state(campaign: Campaign, *states) -> None:
    if campaign.state not in states:
        raise DomainError(WRONG_CAMPAIGN_STEP % {"s": campaign.get_state_display()}, code="wrong_state")



def _plain_value(v):
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, (list, tuple)):
        return [_plain_value(x) for x in v]
    return v


def _lock_sa(sa: SelfAssessment) -> SelfAssessment:
    return SelfAssessment.objects.select_for_update().select_related(
        "campaign_unit__campaign__criteria_set").get(pk=sa.pk)
