"""The same-day acknowledgement of a delivered document (status 03) and its daily reminder to the recipient's
văn thư: vanthu.md §4.2 TIẾP_NHẬN and §7 rule 5; NĐ30 Art. 21.2 (``delivery.acknowledgements``)."""

import datetime as dt

from django_q.models import Schedule

from lienthong.delivery.acknowledgements import LATE, acknowledgement_reminders_send
from lienthong.delivery.models import Delivery, DeliveryEvent
from lienthong.delivery.services import delivery_receive, delivery_send
from lienthong.documents import services as document_services
from lienthong.notifications.models import Notification
from lienthong.testing.builders import doc_input, pdf_upload
from lienthong.workcalendar.models import Holiday, HolidayKind

VN = dt.timezone(dt.timedelta(hours=7))
MONDAY = dt.datetime(2018, 3, 19, 9, 0, tzinfo=VN)


def arrived(province, when=MONDAY):
    """A report of the commune delivered to the district at ``when`` (not yet acknowledged)."""
    p = province
    doc = document_services.document_register_outgoing(
        actor=p.users["clerk.xa"], agency=p.agencies["xa"], today=when.date(),
        data=doc_input("bao-cao", "Báo cáo tình hình", issued_on=when.date(), files=[pdf_upload("bc.pdf")]))
    [d] = delivery_send(actor=p.users["clerk.xa"], document=doc, recipient_ids=[p.agencies["huyen"].pk])
    Delivery.objects.filter(pk=d.pk).update(sent_at=when, updated_at=when)
    DeliveryEvent.objects.filter(delivery=d).update(at=when)
    return d


def reminders_of(user):
    return list(Notification.objects.filter(user=user, dedupe_key__startswith="ack-remind:"))


def test_clerk_is_reminded_before_the_end_of_the_day(province):
    """vanthu.md §4.2 TIẾP_NHẬN (electronic) and §7 rule 5; NĐ30 Art. 21.2 (tell the sender the same day
    that the document was received); Phụ lục VI §III.1 (tracking and reminders)."""
    d = arrived(province)
    result = acknowledgement_reminders_send(now=MONDAY.replace(hour=15, minute=30))
    clerk = province.users["clerk.huyen"]
    [note] = reminders_of(clerk)
    assert d.document.number_symbol in note.body and "1" in note.title
    assert result["notifications"] >= 1
    # Run again the same day: no second notification.
    acknowledgement_reminders_send(now=MONDAY.replace(hour=16))
    assert len(reminders_of(clerk)) == 1
    assert reminders_of(province.users["clerk.stttt"]) == []


def test_no_reminder_once_acknowledged(province):
    """vanthu.md §4.2; NĐ30 Art. 21.2: an acknowledged document (03) needs no reminder."""
    d = arrived(province)
    delivery_receive(actor=province.users["clerk.huyen"], delivery_id=d.pk)
    acknowledgement_reminders_send(now=MONDAY.replace(hour=15, minute=30))
    assert reminders_of(province.users["clerk.huyen"]) == []


def test_no_reminder_on_a_day_off_of_the_work_calendar(province):
    """vanthu.md §4.2; NĐ30 Art. 21.2: the reminder follows the work calendar (weekends, holidays)."""
    arrived(province)
    acknowledgement_reminders_send(now=dt.datetime(2018, 3, 17, 15, 30, tzinfo=VN))  # Saturday
    Holiday.objects.create(date=MONDAY.date(), name="Nghỉ bù", kind=HolidayKind.DAY_OFF)
    acknowledgement_reminders_send(now=MONDAY.replace(hour=15, minute=30))
    assert reminders_of(province.users["clerk.huyen"]) == []
    # Arrived on a day off: due the next working day (Tuesday), late from Wednesday.
    acknowledgement_reminders_send(now=dt.datetime(2018, 3, 20, 15, 30, tzinfo=VN))
    [note] = reminders_of(province.users["clerk.huyen"])
    assert LATE % {"n": 1} not in note.body
    acknowledgement_reminders_send(now=dt.datetime(2018, 3, 21, 15, 30, tzinfo=VN))
    notes = reminders_of(province.users["clerk.huyen"])
    assert len(notes) == 2 and any(LATE % {"n": 1} in n.body for n in notes)


def test_the_acknowledgement_reminder_is_a_daily_schedule(db):
    """vanthu.md §4.2; NĐ30 Art. 21.2; Phụ lục VI §III.1 (reminders): a django-q daily job before the end
    of the working day."""
    job = Schedule.objects.get(func="lienthong.delivery.tasks.send_acknowledgement_reminders")
    assert job.schedule_type == Schedule.DAILY and job.repeats < 0
    assert job.next_run.astimezone(VN).time() == dt.time(15, 30)
