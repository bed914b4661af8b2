"""Daily reminders of the self-assessment deadline (django-q job ``tasks.send_self_assessment_reminders``).

A unit whose self-assessment is not sent yet (draft, or reopened by the Department) is reminded
``ASSESSMENT_REMINDER_DAYS`` working days before the deadline (default 5 and 1), on the day of the
deadline, and once when it is overdue. Each reminder goes to the unit's leaders and văn thư, and each
(unit, campaign, kind) is sent once only: the notification's dedupe key carries the three, so running the
job twice a day, or again after a crash, sends nothing new. A job that did not run on the exact day sends
the nearest reminder still due (e.g. "còn 3 ngày" instead of the missed "còn 5 ngày").
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts.models import Role
from lienthong.accounts.selectors import people_of
from lienthong.notifications.services import NotificationSpec, notify_many
from lienthong.workcalendar.selectors import WorkCalendar

from .selectors import reminder_candidates

DEFAULT_DAYS = (5, 1)
# The reminders' titles (the tests use these constants rather than copies of the text).
OVERDUE_TITLE = gettext_lazy("Quá hạn tự đánh giá xếp hạng CNTT (hạn %(d)s)")
DUE_TODAY_TITLE = gettext_lazy("Hôm nay là hạn tự đánh giá xếp hạng CNTT (%(d)s)")
DUE_SOON_TITLE = gettext_lazy("Còn %(n)s ngày làm việc đến hạn tự đánh giá xếp hạng CNTT (%(d)s)")


def _reminder_days() -> list[int]:
    days = getattr(settings, "ASSESSMENT_REMINDER_DAYS", DEFAULT_DAYS)
    return sorted({int(d) for d in days if int(d) > 0})


def _kind(left: int, days: list[int]) -> str | None:
    """Which reminder is due with ``left`` working days to the deadline (None: none yet)."""
    if left < 0:
        return "overdue"
    if left == 0:
        return "today"
    for d in days:  # ascending: the tightest window reached
        if left <= d:
            return f"before{d}"
    return None


def self_assessment_reminders(today: dt.date | None = None) -> int:
    """Notify the units whose self-assessment is due soon, due today or overdue; return the number of
    notifications created (0 when everything was already sent)."""
    today = today or timezone.localdate()
    days = _reminder_days()
    calendar = WorkCalendar()
    due = []
    for sa in reminder_candidates():
        campaign = sa.campaign_unit.campaign
        left = calendar.working_days_between(today, campaign.deadline)
        kind = _kind(left, days)
        if kind is not None:
            due.append((sa, kind, left))
    if not due:
        return 0
    people: dict[int, list[int]] = {}
    for agency_id, user_id in people_of(agency_ids={sa.campaign_unit.agency_id for sa, _k, _l in due},
                                        roles=[Role.LEADER, Role.CLERK]).values_list("agency_id", "user_id"):
        people.setdefault(agency_id, []).append(user_id)
    specs = []
    for sa, kind, left in due:
        cu, campaign = sa.campaign_unit, sa.campaign_unit.campaign
        deadline = campaign.deadline.strftime("%d/%m/%Y")
        if kind == "overdue":
            title = OVERDUE_TITLE % {"d": deadline}
            body = _("%(u)s chưa gửi bản tự đánh giá của đợt \"%(c)s\". Đề nghị hoàn thành và liên hệ Sở Thông tin "
                     "và Truyền thông để được mở lại bản tự đánh giá.") % {"u": cu.agency.name, "c": campaign.name}
        elif kind == "today":
            title = DUE_TODAY_TITLE % {"d": deadline}
            body = _("%(u)s chưa gửi bản tự đánh giá của đợt \"%(c)s\".") % {"u": cu.agency.name, "c": campaign.name}
        else:
            title = DUE_SOON_TITLE % {"n": left, "d": deadline}
            body = _("%(u)s chưa gửi bản tự đánh giá của đợt \"%(c)s\".") % {"u": cu.agency.name, "c": campaign.name}
        url = reverse("assessment:self_assessment", args=[sa.pk])
        notification_kind = "reminder_overdue" if kind == "overdue" else "reminder_due_soon"
        key = f"assess-sa:{campaign.pk}:{cu.agency_id}:{kind}"
        specs += [NotificationSpec(user_id=uid, kind=notification_kind, title=title, body=body, url=url,
                                   dedupe_key=key) for uid in people.get(cu.agency_id, [])]
    return notify_many(specs)
