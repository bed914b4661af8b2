"""Reads the combined pages need about people and agencies, kept out of the views (no ORM in a view).

Who may see or do what is still decided by the apps' own selectors; these only shape their answers for
the home page and the registration form and endpoint.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from lienthong.accounts import selectors as account_selectors
from lienthong.accounts.models import Position, Role, User
from lienthong.agencies.models import Agency
from lienthong.assessment.models import AssessmentAuthority


def positions_with_agencies(*, user: User) -> list[Position]:
    """The user's active positions with their agencies (the home page's table and roles)."""
    return list(account_selectors.active_positions(user=user).select_related("agency"))


# What the registration page and endpoint say to someone with no ``clerk_agencies``.
NOT_A_CLERK = gettext_lazy("Chỉ văn thư mới được đăng ký văn bản vào sổ.")


def clerk_agencies(*, user: User, limit: int | None = None) -> list[Agency]:
    """The agencies where ``user`` is văn thư (the agencies they may register in), at most ``limit``."""
    qs = Agency.objects.filter(pk__in=account_selectors.agency_ids_for(user=user, roles=[Role.CLERK]))
    return list(qs[:limit] if limit is not None else qs)


def agency_or_none(*, agency_id: int) -> Agency | None:
    return Agency.objects.filter(pk=agency_id).first()


def leader_positions(*, agencies) -> list[Position]:
    """The leaders of these agencies, for the signer picker of an outgoing paper registration."""
    return [p for agency in agencies for p in account_selectors.agency_people(
        agency_id=agency.pk, roles=[Role.LEADER]).select_related("agency")]




def authority_kinds_by_agency(*, agency_ids) -> dict[int, set[str]]:
    """The parts in the ranking (``assessment.AuthorityKind``: council, approver, office) each of ``agency_ids``
    plays, for the menu, the home page and the guide link. One query (none without agencies)."""
    ids = sorted(set(agency_ids))
    out: dict[int, set[str]] = {}
    if ids:
        for agency_id, kind in AssessmentAuthority.objects.filter(agency_id__in=ids).values_list("agency_id", "kind"):
            out.setdefault(agency_id, set()).add(kind)
    return out
