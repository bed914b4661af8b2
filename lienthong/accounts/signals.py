"""Bookkeeping on Django's own events: which web session belongs to whom, and the end of every session
and token of a person who is deactivated, by whatever path (admin, shell, a service)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from lienthong.accounts import services
from lienthong.accounts.http import client_ip
from lienthong.accounts.models import Position, User
from lienthong.core import request_memo


@receiver(user_logged_in, dispatch_uid="accounts.record_session")
def record_session(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None:
        return
    meta = getattr(request, "META", {})
    services.user_session_record(user=user, session_key=session.session_key,
                                 user_agent=meta.get("HTTP_USER_AGENT", ""),
                                 ip=client_ip(request) if "REMOTE_ADDR" in meta else None)


@receiver(user_logged_out, dispatch_uid="accounts.forget_session")
def forget_session(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        services.user_session_forget(session_key=session.session_key)


@receiver(post_save, sender=User, dispatch_uid="accounts.end_credentials_of_inactive")
def end_credentials_of_inactive(sender, instance: User, created: bool, **kwargs):
    if not created and not instance.is_active:
        services.user_credentials_end(user=instance)


@receiver(post_save, sender=Position, dispatch_uid="accounts.positions_changed")
@receiver(post_delete, sender=Position, dispatch_uid="accounts.positions_deleted")
@receiver(post_save, sender="agencies.Agency", dispatch_uid="accounts.agency_changed")
def forget_remembered_positions(sender, **kwargs):
    """A position (or an agency's being active) changed: this request reads the positions again."""
    request_memo.forget_all()
