"""Reads about people and their positions. Permission answers are querysets, never Python loops."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from lienthong.accounts.models import (
    ApiToken,
    LoginFailure,
    LoginThrottle,
    Position,
    Role,
    User,
    UserSession,
    password_stamp,
)
from lienthong.core import request_memo

# Roles that may register and number documents.
REGISTERING_ROLES = (Role.CLERK,)


def active_positions(*, user: User) -> QuerySet[Position]:
    """The positions that give ``user`` rights. None for an operator (the contractor's staff, ``is_operator``):
    every document, draft and file right is derived from these, so an operator has none by construction."""
    if getattr(user, "is_operator", False):
        return Position.objects.none()
    return Position.objects.filter(user=user, is_active=True, agency__is_active=True)


def agency_ids_for(*, user: User, roles=None) -> QuerySet:
    """Subquery of the agencies where ``user`` holds an active position (optionally with one of ``roles``)."""
    qs = active_positions(user=user)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return qs.values("agency_id")


@dataclass(frozen=True)
class HeldAgencies:
    """What one read of a user's positions tells the permission rules.

    ``full_ids``: agencies where the user sees everything the agency holds (its văn thư, and its
    leaders who are not heads of a unit). ``unit_ids``: the units the user belongs to.
    """

    all_ids: frozenset[int]
    full_ids: frozenset[int]
    unit_ids: frozenset[int] = frozenset()
    clerk_ids: frozenset[int] = frozenset()
    leader_ids: frozenset[int] = frozenset()


def _is_full_access(role: str, unit_id: int | None) -> bool:
    return role == Role.CLERK or (role == Role.LEADER and unit_id is None)


def position_agencies(*, user: User) -> HeldAgencies:
    """The agencies (and units) where ``user`` holds an active position, by what the positions allow.

    Read once per request (``core.request_memo``): a document page asks it from the view, the permission filter,
    the panels and the navigation."""
    if user.pk is None:
        return HeldAgencies(all_ids=frozenset(), full_ids=frozenset())
    return request_memo.remember(("position_agencies", user.pk), lambda: _read_position_agencies(user))


def _read_position_agencies(user: User) -> HeldAgencies:
    # From the same read as the menu's and the home page's (``held_positions``): one read of positions a request.
    rows = [(p.agency_id, p.role, p.unit_id) for p in held_positions(user=user)]
    return HeldAgencies(
        all_ids=frozenset(a for a, _r, _u in rows),
        full_ids=frozenset(a for a, r, u in rows if _is_full_access(r, u)),
        unit_ids=frozenset(u for _a, _r, u in rows if u is not None),
        clerk_ids=frozenset(a for a, r, _u in rows if r == Role.CLERK),
        leader_ids=frozenset(a for a, r, u in rows if r == Role.LEADER and u is None),
    )


def full_access_agency_ids(*, user: User) -> QuerySet:
    """Subquery of the agencies whose every document ``user`` sees (same rule as ``position_agencies``)."""
    return active_positions(user=user).filter(
        Q(role=Role.CLERK) | Q(role=Role.LEADER, unit__isnull=True)).values("agency_id")


def unit_leader_user_ids(*, unit_ids) -> QuerySet:
    """Subquery of the people who lead one of ``unit_ids`` (a leader position inside the unit)."""
    return Position.objects.filter(unit_id__in=unit_ids, role=Role.LEADER, is_active=True).values("user_id")


def agency_people(*, agency_id: int, roles=None) -> QuerySet[Position]:
    """Active positions of an agency, with their people and units, for pickers (leaders, assignees)."""
    qs = Position.objects.filter(agency_id=agency_id, is_active=True, user__is_active=True)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return qs.select_related("user", "unit").order_by("unit__order", "role", "user__full_name")


def user_can_register_in(*, user: User, agency_id: int) -> bool:
    """Whether ``user`` is a văn thư of the agency (from ``position_agencies``, read once per request)."""
    return agency_id in position_agencies(user=user).clerk_ids


def people_of(*, agency_ids, roles) -> QuerySet:
    """Distinct ids of the active people holding one of ``roles`` in these agencies (agency-wide
    positions only for leaders: unit heads are not "the leaders of the agency")."""
    qs = Position.objects.filter(agency_id__in=list(agency_ids), role__in=list(roles), is_active=True,
                                 user__is_active=True)
    if Role.LEADER in roles:
        qs = qs.exclude(role=Role.LEADER, unit__isnull=False)
    return qs.values_list("user_id", flat=True).distinct()


# --- Login throttling, tokens and web sessions --------------------------------------------------------

@dataclass(frozen=True)
class Lockout:
    """One row of the lock-out page: a throttle's state and the seconds still to wait."""

    pk: int
    scope: str
    scope_label: str
    key: str
    username: str
    failures: int
    last_failure_at: dt.datetime | None
    wait_seconds: int  # 0 when only the count remains


def current_lockouts() -> list[Lockout]:
    """Back-offs running now or in a series still within the failure window, newest first, each with
    ``wait_seconds`` still to go (0 when only the count remains)."""
    now = timezone.now()
    rows = (LoginThrottle.objects.filter(
        Q(blocked_until__gt=now)
        | Q(locked_since__isnull=False,
            last_failure_at__gte=now - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)))
        .order_by("-last_failure_at"))
    return [Lockout(pk=row.pk, scope=row.scope, scope_label=row.get_scope_display(), key=row.key,
                    username=row.username, failures=row.failures, last_failure_at=row.last_failure_at,
                    wait_seconds=max(0, math.ceil((row.blocked_until - now).total_seconds()))
                    if row.blocked_until else 0)
            for row in rows]


def live_api_tokens(*, user: User) -> QuerySet:
    """``user``'s tokens that still open the API (not expired, issued under the current password)."""
    return ApiToken.objects.filter(user=user, expires_at__gt=timezone.now(),
                                   password_stamp=password_stamp(user)).order_by("-created_at")


@dataclass(frozen=True)
class WebSession:
    """One row of the sessions page: a tracked web session, when it was last used, and whether it is the
    one asking."""

    pk: int
    user_agent: str
    ip_address: str | None
    created_at: dt.datetime
    last_seen_at: dt.datetime | None
    is_current: bool


def live_web_sessions(*, user: User, current_key: str | None) -> list[WebSession]:
    """``user``'s web sessions still in the session store and made under the current password, each
    with ``is_current`` (the one asking)."""
    rows = UserSession.objects.filter(user=user, password_stamp=password_stamp(user)).order_by("-created_at")
    seen: list[tuple[UserSession, dt.datetime | None]]
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        # The session row's expiry moves forward at each refresh (accounts.middleware), so it tells when the
        # session was last used without a write of its own on every refresh.
        expiry = Session.objects.filter(session_key=OuterRef("session_key")).values("expire_date")[:1]
        seen = [(row, row.session_expiry - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE))
                for row in rows.annotate(session_expiry=Subquery(expiry)).filter(session_expiry__gt=timezone.now())]
    else:
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        seen = [(row, row.last_seen_at) for row in rows if store.exists(row.session_key)]
    return [WebSession(pk=row.pk, user_agent=row.user_agent, ip_address=row.ip_address, created_at=row.created_at,
                       last_seen_at=last_seen_at, is_current=bool(current_key) and row.session_key == current_key)
            for row, last_seen_at in seen]


def login_failures_since(since: dt.datetime) -> int:
    """Failed logins (wrong passwords) since ``since``, every account and address: for /metrics."""
    return LoginFailure.objects.filter(at__gte=since).count()


# --- The position a person works in now (issue 18) ----------------------------------------------------------
# A person with several positions chooses the one they work in now with the switcher in the header; the
# session keeps its id under this key. It chooses the menu and the home page only: what the person may see
# and do stays that of all their active positions (the permission querysets above).
CURRENT_POSITION_SESSION_KEY = "lienthong_position_id"


def held_positions(*, user: User) -> list[Position]:
    """The user's active positions with their agencies and units, in a fixed order; one query per request."""
    if user.pk is None:
        return []
    return request_memo.remember(("held_positions", user.pk), lambda: list(
        active_positions(user=user).select_related("agency", "unit").order_by("agency__name", "role", "pk")))


def current_position(*, user: User, position_id) -> Position | None:
    """The held position chosen in the switcher (``position_id`` from the session), or None for "all my
    positions" (nothing chosen, or a position no longer held)."""
    return next((p for p in held_positions(user=user) if p.pk == position_id), None)
