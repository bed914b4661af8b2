"""The daily reminder job: overdue and due-soon assignments, and a digest to the leaders who assigned them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.notifications.services import NotificationSpec, notify_many
from lienthong.processing.selectors import reminder_rows
from lienthong.processing.services.common import doc_url_maker
from lienthong.workcalendar import selectors as calendar


def send_deadline_reminders(*, today: dt.date | None = None) -> dict[str, int]:
    """Remind the people on every open assignment that is overdue or due within
    ``settings.REMINDER_DUE_SOON_WORKING_DAYS`` working days, and give each assigning leader one
    daily digest. Safe to run more than once a day: notifications are keyed by day."""
    today = today or timezone.localdate()
    cutoff = calendar.add_working_days(today, settings.REMINDER_DUE_SOON_WORKING_DAYS)
    rows, unit_leaders = reminder_rows(cutoff=cutoff)
    specs: list[NotificationSpec] = []
    per_leader: dict[int, list[int]] = {}
    overdue = 0
    # Tens of thousands of rows: translate, reverse and format once per job, not once per row.
    late_title, soon_title = _("Quá hạn: %(s)s (hạn %(d)s)"), _("Sắp đến hạn: %(s)s (hạn %(d)s)")
    doc_url = doc_url_maker()
    day = f"{today:%Y%m%d}"
    shown: dict[dt.date, str] = {}
    for a in rows:
        deadline = a["deadline"]
        late = deadline < today
        overdue += late
        kind = "reminder_overdue" if late else "reminder_due_soon"
        if deadline not in shown:
            shown[deadline] = deadline.strftime("%d/%m/%Y")
        title = (late_title if late else soon_title) % {"s": a["document__number_symbol"], "d": shown[deadline]}
        url = doc_url(a["document_id"])
        if a["user_id"]:
            recipients = [a["user_id"]]
        else:  # assigned to a unit: its leaders
            recipients = unit_leaders.get(a["unit_id"], []) if a["unit_id"] is not None else []
        for user_id in recipients:
            specs.append(NotificationSpec(user_id=user_id, kind=kind, title=title, body=a["subject"], url=url,
                                          dedupe_key=f"rem:{a['id']}:{day}"))
        if late:
            per_leader.setdefault(a["assigned_by_id"], []).append(a["id"])
    for leader_id, ids in per_leader.items():
        specs.append(NotificationSpec(
            user_id=leader_id, kind="reminder_overdue",
            title=_("%(n)s phần việc anh/chị đã giao đang quá hạn") % {"n": len(ids)},
            body="", url=reverse("processing:queue", args=["overdue"]), dedupe_key=f"rem-leader:{today:%Y%m%d}"))
    created = notify_many(specs, mail_in_background=True)  # the digests go out from their own task
    return {"open_due": len(rows), "overdue": overdue, "notifications": created}
