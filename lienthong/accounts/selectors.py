"""Reads about people and their positions. Permission answers are querysets, never Python loops."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from lienthong.accounts.models import Position, Role, User

# Roles that see every document of their agency, secret ones included.
FULL_ACCESS_ROLES = (Role.CLERK, Role.LEADER)
# Roles that may register and number documents.
REGISTERING_ROLES = (Role.CLERK,)


def active_positions(*, user: User) -> QuerySet[Position]:
    return Position.objects.filter(user=user, is_active=True, agency__is_active=True)


def agency_ids_for(*, user: User, roles=None) -> QuerySet:
    """Subquery of the agencies where ``user`` holds an active position (optionally with one of ``roles``)."""
    qs = active_positions(user=user)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return qs.values("agency_id")


@dataclass(frozen=True)
class HeldAgencies:
    all_ids: frozenset[int]
    full_ids: frozenset[int]


def position_agencies(*, user: User) -> HeldAgencies:
    """The agencies where ``user`` holds an active position, and those where a role sees secret documents."""
    rows = list(active_positions(user=user).values_list("agency_id", "role"))
    return HeldAgencies(all_ids=frozenset(a for a, _r in rows),
                        full_ids=frozenset(a for a, r in rows if r in FULL_ACCESS_ROLES))


def user_can_register_in(*, user: User, agency_id: int) -> bool:
    return agency_ids_for(user=user, roles=REGISTERING_ROLES).filter(agency_id=agency_id).exists()
