"""Writes on notifications: creating them (in-app row plus e-mail) and marking them read.

Other apps call ``notify`` (one event, many people, e.g. "đôn đốc" sent by hand or a document
arriving) or ``notify_many`` (many different events, e.g. the daily reminder job). Both are built
for thousands of recipients: rows are written in batches by one ``INSERT … ON CONFLICT DO NOTHING
RETURNING`` each (the unique index on (person, dedupe key) skips what already exists and the statement
says what it created), the e-mail addresses are read in one query per chunk, and all mail goes out over
one connection.

E-mail is sent only after the caller's transaction commits (``transaction.on_commit``): a rolled
back action mails nobody, and a mail server that is down is logged and never undoes the action nor
the in-app notification, which stays the record the person sees.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.db.models import CharField
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from lienthong.accounts.models import User
from lienthong.core.bulkinsert import insert_values
from lienthong.core.jobs import enqueue
from lienthong.notifications import selectors
from lienthong.notifications.models import Kind, Notification

log = logging.getLogger(__name__)

SUBJECT_PREFIX = "[Liên Thông] "
# The heading (and subject) of a digest mail: ``DIGEST_HEADING % {"count": n}`` picks the plural form.
DIGEST_HEADING = ngettext_lazy("Bạn có %(count)d thông báo mới", "Bạn có %(count)d thông báo mới", "count")
BATCH_SIZE = 5000
# Rows looked up per query when checking dedupe keys / reading e-mail addresses: two parameters per
# row stays far below SQLite's and PostgreSQL's parameter limits.
LOOKUP_CHUNK = 2000


def _max_length(field_name: str) -> int:
    column = Notification._meta.get_field(field_name)
    assert isinstance(column, CharField) and column.max_length is not None  # bounded text columns only
    return column.max_length


_TITLE_MAX = _max_length("title")
_URL_MAX = _max_length("url")
_KEY_MAX = _max_length("dedupe_key")


@dataclass(frozen=True)
class NotificationSpec:
    """One notification to create: who, what, and the key that makes it happen once per person."""

    user_id: int
    kind: str
    title: str
    body: str = ""
    url: str = ""
    dedupe_key: str = ""


def notify(
    *,
    user_ids: Iterable[int],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str = "",
    email: bool = True,
) -> int:
    """Notify each of ``user_ids`` of one event; return how many notifications were created.

    A person who already has a notification with ``dedupe_key`` is skipped (no row, no mail). Each
    newly notified person with an e-mail address gets one mail after commit.
    """
    specs = [NotificationSpec(user_id=uid, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key)
             for uid in dict.fromkeys(user_ids)]
    return notify_many(specs, email=email)


def notify_many(items: list[NotificationSpec], email: bool = True, *, mail_in_background: bool = False) -> int:
    """Create many (different) notifications; return how many were created.

    Items whose (person, dedupe key) already exists, in the database or earlier in ``items``, are
    skipped. After commit every person with an e-mail address gets ONE mail: the notification itself
    when there is one, a digest listing every title when there are several. ``mail_in_background``: the
    mails are handed to a background task after commit instead of being sent by the caller (a daily job
    with a thousand digests: building them with Python's ``email`` package was a quarter of the reminder
    job, and a slow mail server then never holds the job).
    """
    specs = _without_repeats([_clean(spec) for spec in items])
    if not specs:
        return 0
    created = _insert(specs)
    if email:
        messages = _digest_messages(created)
        if messages:
            transaction.on_commit(lambda: _queue_mails(messages) if mail_in_background else _send(messages))
    return len(created)


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of ``user``'s notifications read; another person's is NotFound, like a missing one."""
    notification = selectors.notification_get(user=user, notification_id=notification_id)
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notification_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of ``user`` read; return how many changed."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


# --- internals ------------------------------------------------------------------------------------

def _clean(spec: NotificationSpec) -> NotificationSpec:
    """Programming errors fail loudly; a long title (a document's trích yếu) is shortened, not refused."""
    if spec.kind not in Kind.values:
        raise ValueError(f"unknown notification kind {spec.kind!r}")
    if len(spec.url) > _URL_MAX:
        raise ValueError(f"notification url longer than {_URL_MAX} characters")
    if len(spec.dedupe_key) > _KEY_MAX:
        raise ValueError(f"dedupe_key longer than {_KEY_MAX} characters")
    title = " ".join(spec.title.split())
    if len(title) > _TITLE_MAX:
        title = Truncator(title).chars(_TITLE_MAX)
    if title == spec.title:
        return spec
    return NotificationSpec(user_id=spec.user_id, kind=spec.kind, title=title, body=spec.body, url=spec.url,
                            dedupe_key=spec.dedupe_key)


def _without_repeats(specs: list[NotificationSpec]) -> list[NotificationSpec]:
    """Drop a spec whose (person, key) came earlier in ``specs``; specs without a key all stay."""
    seen: set[tuple[int, str]] = set()
    kept = []
    for spec in specs:
        if spec.dedupe_key:
            pair = (spec.user_id, spec.dedupe_key)
            if pair in seen:
                continue
            seen.add(pair)
        kept.append(spec)
    return kept


def _insert(specs: list[NotificationSpec]) -> list[NotificationSpec]:
    """Insert the rows, skipping every (person, key) already stored, and return the specs actually created.

    One ``INSERT … ON CONFLICT DO NOTHING RETURNING`` per ``BATCH_SIZE`` rows (``core.bulkinsert.insert_values``:
    from arrays on PostgreSQL, multi-row VALUES on SQLite 3.35+). The unique index on (person, key) decides
    what exists, so there is no lookup before the insert (whose cost grew with the notification history),
    and a concurrent run that stored the same (person, key) meanwhile is skipped too; the values go in as
    prepared tuples rather than through the ORM's per-field preparation (85–90 % of the former
    ``bulk_create`` time for the daily reminder job, docs/benchmarks.md)."""
    columns = [("user_id", "integer"), ("kind", "text"), ("title", "text"), ("body", "text"), ("url", "text"),
               ("dedupe_key", "text"), ("created_at", "timestamp with time zone")]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    returned = insert_values(Notification._meta.db_table, columns,
                             [(s.user_id, s.kind, s.title, s.body, s.url, s.dedupe_key, now) for s in specs],
                             suffix="ON CONFLICT DO NOTHING", returning="user_id, dedupe_key", batch_size=BATCH_SIZE)
    stored = {(user_id, key) for user_id, key in returned if key}
    unkeyed = sum(1 for _user_id, key in returned if not key)
    created = [s for s in specs if not s.dedupe_key or (s.user_id, s.dedupe_key) in stored]
    assert unkeyed == sum(not s.dedupe_key for s in specs)  # rows without a key never conflict
    return created


def _email_addresses(user_ids: set[int]) -> dict[int, str]:
    ids = sorted(user_ids)
    addresses: dict[int, str] = {}
    for start in range(0, len(ids), LOOKUP_CHUNK):
        addresses.update(
            User.objects.filter(pk__in=ids[start:start + LOOKUP_CHUNK], is_active=True).exclude(email="")
            .values_list("pk", "email")
        )
    return addresses


def _link(url: str) -> str:
    """The notification's address as a person can open it from a mail client.

    URLs are stored as paths; ``SITE_URL`` (e.g. "https://vanban.tinh.gov.vn"), when set, makes them
    absolute. Without it the path alone is printed, still useful to a person who knows the site.
    """
    if not url or "://" in url:
        return url
    return getattr(settings, "SITE_URL", "").rstrip("/") + url


def _digest_messages(specs: list[NotificationSpec]) -> list[tuple[str, str, str]]:
    """(subject, text, address) per person with an e-mail address: one mail per person, never more."""
    per_user: dict[int, list[NotificationSpec]] = defaultdict(list)
    for spec in specs:
        per_user[spec.user_id].append(spec)
    addresses = _email_addresses(set(per_user))
    messages = []
    for user_id, address in addresses.items():
        own = per_user[user_id]
        if len(own) == 1:
            spec = own[0]
            text = "\n\n".join(part for part in (spec.body.strip(), _link(spec.url)) if part)
            messages.append((SUBJECT_PREFIX + spec.title, text or spec.title, address))
            continue
        heading = DIGEST_HEADING % {"count": len(own)}
        lines = [heading + ":", ""]
        for spec in own:
            lines.append(f"- {spec.title}")
            if spec.url:
                lines.append(f"  {_link(spec.url)}")
        lines += ["", _("Xem tất cả: %(link)s") % {"link": _link(reverse("notifications:list"))}]
        messages.append((SUBJECT_PREFIX + heading, "\n".join(lines), address))
    return messages


def mails_send(*, messages: list[tuple[str, str, str]]) -> None:
    """Background step: send prepared (subject, text, address) messages (``notify_many(mail_in_background=True)``)."""
    _send(messages)


def _queue_mails(messages: list[tuple[str, str, str]]) -> None:
    enqueue("lienthong.notifications.tasks.send_mails", messages)


def _send(messages: list[tuple[str, str, str]]) -> None:
    """Send every message over one connection of the default mailer; failures are logged only."""
    try:
        emails = [mail.EmailMessage(subject=subject, body=text, to=[address]) for subject, text, address in messages]
        with mail.mailers.default as connection:
            connection.send_messages(emails)
    except Exception:
        log.exception("Sending %d notification e-mails failed", len(messages))
