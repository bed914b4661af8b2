"""The same-day acknowledgement of a delivered document (status 03 to the sender, NĐ30 Art. 21.2;
vanthu.md §4.2 TIẾP_NHẬN): a reminder to the recipient's văn thư before the end of the working day, telling
how many are already past the day they were due.

A delivery is acknowledged on time when its "received" event (03, by the văn thư or by registering it
straight away) falls on the day it arrived, or, for a document that arrived outside working hours on a
day off, on the first working day after (the work calendar decides).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts.models import Position, Role
from lienthong.delivery.models import Delivery, DeliveryState, EventKind
from lienthong.notifications.services import NotificationSpec, notify_many
from lienthong.workcalendar.selectors import WorkCalendar

# The reminder's sentence on documents past their day (the tests use this constant rather than a copy).
LATE = gettext_lazy("%(n)s văn bản đã quá ngày phải xác nhận.")


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def acknowledgement_due(arrived_on: dt.date, calendar=None) -> dt.date:
    """The last day the acknowledgement is on time: the arrival day if it is a working day, else the
    next working day."""
    return (calendar or WorkCalendar()).add_working_days(arrived_on, 0)


def unacknowledged_by_agency(*, agency_ids=None) -> dict[int, list[dict]]:
    """Recipient agency id → its deliveries still waiting for the acknowledgement (state "arrived"),
    each {"id", "document_id", "number_symbol", "arrived_at"}."""
    qs = (Delivery.objects.filter(state=DeliveryState.ARRIVED)
          .annotate(arrived_at=Min("events__at", filter=Q(events__kind=EventKind.ARRIVED)))
          .values("id", "recipient_agency_id", "document_id", "document__number_symbol", "arrived_at", "sent_at")
          .order_by("recipient_agency_id", "id"))
    if agency_ids is not None:
        qs = qs.filter(recipient_agency_id__in=list(agency_ids))
    out: dict[int, list[dict]] = {}
    for row in qs:
        out.setdefault(row["recipient_agency_id"], []).append({
            "id": row["id"], "document_id": row["document_id"], "number_symbol": row["document__number_symbol"],
            "arrived_at": row["arrived_at"] or row["sent_at"]})
    return out


def acknowledgement_reminders_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The daily job (schedule of migration documents 0011, mid-afternoon Vietnam time): on a working
    day, tell the văn thư of every agency with documents not yet acknowledged that the sender must be
    told today (NĐ30 Art. 21.2). One notification per văn thư and agency a day (safe to run twice)."""
    now = now or timezone.now()
    today = _local_day(now)
    calendar = WorkCalendar()
    if not calendar.is_working_day(today):
        return {"agencies": 0, "notifications": 0}
    waiting = unacknowledged_by_agency()
    if not waiting:
        return {"agencies": 0, "notifications": 0}
    clerks: dict[int, list[int]] = {}
    for agency_id, user_id in (Position.objects.filter(
            agency_id__in=list(waiting), role=Role.CLERK, is_active=True, user__is_active=True)
            .values_list("agency_id", "user_id").distinct()):
        clerks.setdefault(agency_id, []).append(user_id)
    url = reverse("delivery:inbox")
    specs = []
    for agency_id, rows in waiting.items():
        late = sum(1 for r in rows if acknowledgement_due(_local_day(r["arrived_at"]), calendar) < today)
        title = _("Còn %(n)s văn bản đến chưa xác nhận đã nhận: cần báo cho nơi gửi trong ngày") % {"n": len(rows)}
        numbers = ", ".join(r["number_symbol"] for r in rows[:10]) + ("…" if len(rows) > 10 else "")
        body = _("Theo Điều 21 Nghị định 30/2020/NĐ-CP, văn thư thông báo ngay trong ngày cho nơi gửi rằng đã nhận "
                 "văn bản. Văn bản chờ xác nhận: %(list)s.") % {"list": numbers}
        if late:
            body += " " + LATE % {"n": late}
        for user_id in clerks.get(agency_id, []):
            specs.append(NotificationSpec(user_id=user_id, kind="incoming", title=title, body=body, url=url,
                                          dedupe_key=f"ack-remind:{agency_id}:{today:%Y%m%d}"))
    return {"agencies": len(waiting), "notifications": notify_many(specs)}

