"""Reads on notifications. A person only ever sees their own."""

from __future__ import annotations

from django.db.models import QuerySet

from lienthong.accounts.models import User
from lienthong.core.errors import NotFound
from lienthong.notifications.models import Notification


def notifications_for(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """``user``'s notifications, newest first."""
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_get(*, user: User, notification_id: int) -> Notification:
    """One of ``user``'s notifications; another person's raises the same NotFound as a missing one."""
    try:
        return Notification.objects.get(pk=notification_id, user=user)
    except Notification.DoesNotExist:
        raise NotFound() from None
