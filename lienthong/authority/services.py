"""Writes on signing authority: TL./TUQ. grants, acting appointments, and the daily notice of grants that
have ended (NĐ30 Art. 13; vanthu.md §2.2, §7 rule 6)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts import selectors as account_selectors
from lienthong.accounts.models import Role
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.authority import selectors
from lienthong.authority.models import ActingAppointment, GrantKind, Rank, SigningGrant
from lienthong.core.errors import ValidationFailed
from lienthong.core.text import nfc
from lienthong.notifications import services as notification_services
from lienthong.notifications.models import Kind as NotificationKind

# The refusal of a passed-on TUQ. grant, as users see it (the tests use this constant rather than a copy).
NO_SUBDELEGATION = gettext_lazy("Người được ủy quyền (TUQ.) không được ủy quyền lại cho người khác (NĐ 30, Điều 13).")


def _period(valid_from, valid_until, errors: dict, *, required: bool) -> None:
    if valid_from is None:
        errors.setdefault("valid_from", []).append(_("Cần ngày bắt đầu hiệu lực."))
    if valid_until is None and required:
        errors.setdefault("valid_until", []).append(_("Văn bản giao thẩm quyền ký phải có thời hạn."))
    if valid_from and valid_until and valid_until < valid_from:
        errors.setdefault("valid_until", []).append(_("Ngày hết hiệu lực phải sau ngày bắt đầu."))


def grant_create(*, actor, kind: str, agency, grantor, grantee, decision, valid_from: dt.date,
                 valid_until: dt.date, grantor_title: str = "", grantee_title: str = "", document_types=(),
                 fields: str = "") -> SigningGrant:
    """Record a written TL. or TUQ. grant. TUQ.: only the agency's head authorises, and a TUQ. grantee
    cannot authorise further; TL.: the head, or a TL. signer passing it to their own deputy."""
    checked = grant_check(kind=kind, agency=agency, grantor=grantor, grantee=grantee, decision=decision,
                          valid_from=valid_from, valid_until=valid_until, grantor_title=grantor_title,
                          grantee_title=grantee_title, document_types=document_types, fields=fields)
    with transaction.atomic():
        grant = SigningGrant.objects.create(
            kind=kind, agency=agency, grantor=grantor, grantee=grantee, decision=decision, valid_from=valid_from,
            valid_until=valid_until, created_by=actor, **checked)
        grant.document_types.set(list(document_types))
        audit_log(actor=actor, action=AuditAction.CREATED, obj_type="signing_grant", obj_id=grant.pk,
                  agency_id=agency.pk, summary=_("Giao ký %(k)s cho %(u)s đến hết ngày %(d)s") % {
                      "k": kind, "u": grantee, "d": valid_until.strftime("%d/%m/%Y")})
    return grant


def grant_check(*, kind: str, agency, grantor, grantee, decision, valid_from, valid_until, grantor_title: str = "",
                grantee_title: str = "", document_types=(), fields: str = "") -> dict:
    """The rules of a grant (also for the admin form): raise ValidationFailed, or return the cleaned
    ``grantor_title``, ``grantee_title``, ``fields`` and ``parent``."""
    errors: dict[str, list] = {}
    grantor_title, grantee_title, fields = nfc(grantor_title).strip(), nfc(grantee_title).strip(), nfc(fields).strip()
    if kind not in GrantKind.values:
        errors.setdefault("kind", []).append(_("Hình thức giao ký phải là TL. hoặc TUQ."))
    _period(valid_from, valid_until, errors, required=True)
    if grantor is None or grantee is None or agency is None:
        raise ValidationFailed({"grantee": [_("Cần cơ quan, người giao và người được giao.")]})
    if grantor.pk == grantee.pk:
        errors.setdefault("grantee", []).append(_("Người được giao phải khác người giao."))
    if decision is None or decision.agency_id != agency.pk:
        errors.setdefault("decision", []).append(
            _("Văn bản giao thẩm quyền phải là văn bản của cơ quan ủy quyền, đã có trong hệ thống."))
    if not list(document_types) and not fields:
        errors.setdefault("document_types", []).append(_("Cần ghi rõ phạm vi: loại văn bản hoặc lĩnh vực được ký."))
    parent = None
    on = valid_from or timezone.localdate()
    position = selectors.leader_position(user_id=grantor.pk, agency_id=agency.pk)
    is_head = position is not None and selectors.position_rank(position) == Rank.HEAD
    if kind == GrantKind.TUQ and not is_head:
        if selectors.grants_held(user_id=grantor.pk, agency_id=agency.pk, kind=GrantKind.TUQ, on_date=on).exists() \
                or SigningGrant.objects.filter(grantee_id=grantor.pk, kind=GrantKind.TUQ).exists():
            errors.setdefault("grantor", []).append(str(NO_SUBDELEGATION))
        else:
            errors.setdefault("grantor", []).append(_("Chỉ người đứng đầu cơ quan được ủy quyền ký (TUQ.)."))
    if kind == GrantKind.TL and not is_head:
        parent = selectors.grants_held(user_id=grantor.pk, agency_id=agency.pk, kind=GrantKind.TL, on_date=on).first()
        if parent is None:
            errors.setdefault("grantor", []).append(
                _("Chỉ người đứng đầu cơ quan, hoặc người ký thừa lệnh giao lại cho cấp phó của mình, "
                  "được giao ký TL."))
        elif valid_until and valid_until > parent.valid_until:
            errors.setdefault("valid_until", []).append(_("Thời hạn giao lại không được vượt thời hạn được giao."))
    if not grantor_title and position is not None:
        grantor_title = position.title if is_head else (parent.grantor_title if parent else "")
    if not grantor_title:
        errors.setdefault("grantor_title", []).append(_("Cần chức danh của người giao."))
    if not grantee_title:
        held = selectors.leader_position(user_id=grantee.pk, agency_id=agency.pk)
        grantee_title = held.title if held else ""
    if not grantee_title:
        errors.setdefault("grantee_title", []).append(_("Cần chức danh của người được giao."))
    if errors:
        raise ValidationFailed(errors)
    return {"grantor_title": grantor_title, "grantee_title": grantee_title, "fields": fields, "parent": parent}


def acting_appoint(*, actor, agency, user, head_title: str, valid_from: dt.date, valid_until: dt.date | None = None,
                   decision=None) -> ActingAppointment:
    """Record that ``user`` is acting head (quyền cấp trưởng) of ``agency`` in the period: signs "Q."."""
    errors: dict[str, list] = {}
    head_title = nfc(head_title).strip()
    if not head_title:
        errors.setdefault("head_title", []).append(_("Cần chức danh cấp trưởng, ví dụ Giám đốc."))
    _period(valid_from, valid_until, errors, required=False)
    if decision is not None and decision.agency_id != agency.pk:
        errors.setdefault("decision", []).append(_("Quyết định giao quyền phải là văn bản của cơ quan."))
    if errors:
        raise ValidationFailed(errors)
    acting = ActingAppointment.objects.create(agency=agency, user=user, head_title=head_title, decision=decision,
                                              valid_from=valid_from, valid_until=valid_until)
    audit_log(actor=actor, action=AuditAction.CREATED, obj_type="acting_appointment", obj_id=acting.pk,
              agency_id=agency.pk, summary=_("Giao quyền %(t)s cho %(u)s") % {"t": head_title, "u": user})
    return acting


def grant_revoke(*, actor, grant: SigningGrant) -> SigningGrant:
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="signing_grant", obj_id=grant.pk,
                  agency_id=grant.agency_id, summary=_("Thu hồi văn bản giao ký %(k)s") % {"k": grant.kind})
    return grant


def grants_announce_end(*, today: dt.date | None = None) -> int:
    """Daily job: every grant whose period has ended (or that was revoked) is announced once to its
    grantee and the agency's văn thư; signatures under it are refused from then on. Returns how many."""
    today = today or timezone.localdate()
    ended = SigningGrant.objects.filter(end_notified_at__isnull=True, valid_until__lt=today) | \
        SigningGrant.objects.filter(end_notified_at__isnull=True, revoked_at__isnull=False)
    count = 0
    for grant in ended.select_related("agency", "grantee").order_by("id"):
        clerks = list(account_selectors.agency_people(agency_id=grant.agency_id, roles=[Role.CLERK])
                      .values_list("user_id", flat=True))
        title = _("Hết hiệu lực giao ký %(k)s %(t)s của %(u)s (đến hết ngày %(d)s)") % {
            "k": grant.kind, "t": grant.grantor_title, "u": grant.grantee, "d": grant.valid_until.strftime("%d/%m/%Y")}
        with transaction.atomic():
            if not SigningGrant.objects.filter(pk=grant.pk, end_notified_at__isnull=True).update(
                    end_notified_at=timezone.now()):
                continue
            notification_services.notify(
                user_ids=[grant.grantee_id, *clerks], kind=NotificationKind.STATUS, title=title,
                body=_("Từ nay không ký được văn bản theo hình thức này cho đến khi có văn bản giao mới."),
                dedupe_key=f"grant-end:{grant.pk}")
        count += 1
    return count
