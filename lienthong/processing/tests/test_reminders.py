"""The scheduled reminder job, run by django-q2's scheduler under a frozen clock."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from django_q.models import Schedule
from django_q.scheduler import scheduler

from lienthong.delivery import services as delivery_services
from lienthong.delivery.models import Delivery
from lienthong.notifications.models import Notification
from lienthong.processing import services as processing
from lienthong.processing.models import AssignmentRole
from lienthong.processing.tests.test_flow import TODAY, issue_report

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def freeze(monkeypatch, when: dt.datetime):
    monkeypatch.setattr(timezone, "now", lambda: when.astimezone(dt.UTC))


@pytest.fixture
def assigned(province):
    """A district document assigned on 12/3/2018: the Nội vụ department leads (deadline Friday 16/3),
    a specialist supports (deadline Wednesday 21/3), Tài chính is informed."""
    p, u = province, province.users
    _draft, report = issue_report(p)
    d = Delivery.objects.get(document=report)
    incoming = delivery_services.delivery_register(actor=u["clerk.huyen"], delivery_id=d.pk, today=TODAY)
    processing.handling_submit(actor=u["clerk.huyen"], handling_id=incoming.handling.pk, leader_id=u["leader.huyen"].pk)
    processing.handling_assign(actor=u["leader.huyen"], handling_id=incoming.handling.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, unit_id=p.units["noivu"].pk, deadline=dt.date(2018, 3, 16)),
        processing.AssignmentSpec(role=AssignmentRole.SUPPORT, user_id=u["specialist.huyen.taichinh"].pk,
                                  deadline=dt.date(2018, 3, 21)),
        processing.AssignmentSpec(role=AssignmentRole.INFO, unit_id=p.units["taichinh"].pk),
    ])
    return incoming


def run_schedule_at(monkeypatch, when: dt.datetime) -> None:
    freeze(monkeypatch, when)
    Schedule.objects.filter(func="lienthong.processing.tasks.send_deadline_reminders").update(
        next_run=when - dt.timedelta(minutes=1))
    scheduler()


def test_the_daily_job_is_scheduled():
    job = Schedule.objects.get(func="lienthong.processing.tasks.send_deadline_reminders")
    assert job.schedule_type == Schedule.DAILY and job.repeats < 0


def test_scheduled_job_reminds_assignees_and_their_leader(monkeypatch, province, assigned,
                                                          django_capture_on_commit_callbacks):
    u = province.users
    mail.outbox.clear()
    # Monday 19/3/2018 07:00: Nội vụ's part is overdue (16/3); the supporting part (21/3) is due within
    # two working days; the information row never is. (E-mail leaves after the job's commit.)
    with django_capture_on_commit_callbacks(execute=True):
        run_schedule_at(monkeypatch, dt.datetime(2018, 3, 19, 7, 0, tzinfo=VN))

    head = Notification.objects.get(user=u["leader.huyen.noivu"])
    assert head.kind == "reminder_overdue" and "16/03/2018" in head.title
    support = Notification.objects.get(user=u["specialist.huyen.taichinh"])
    assert support.kind == "reminder_due_soon" and "21/03/2018" in support.title
    leader = Notification.objects.get(user=u["leader.huyen"])
    assert leader.kind == "reminder_overdue" and leader.title.startswith("1 ")
    assert not Notification.objects.filter(user=u["leader.huyen.taichinh"]).exists()  # "để biết" only
    # E-mail through Django's mail backend to the people with an address.
    assert {m.to[0] for m in mail.outbox} >= {"leader.huyen.noivu@example.gov.vn",
                                             "specialist.huyen.taichinh@example.gov.vn"}

    # The job runs again the same day (a retry): nobody is reminded twice.
    count = Notification.objects.count()
    run_schedule_at(monkeypatch, dt.datetime(2018, 3, 19, 9, 0, tzinfo=VN))
    assert Notification.objects.count() == count


def test_nothing_before_the_due_soon_window_and_nothing_once_done(monkeypatch, province, assigned):
    run_schedule_at(monkeypatch, dt.datetime(2018, 3, 12, 7, 0, tzinfo=VN))  # deadlines are 4 and 7 working days away
    assert not Notification.objects.filter(kind__startswith="reminder").exists()


def test_chase_by_hand(province, assigned, django_capture_on_commit_callbacks):
    u = province.users
    part = assigned.handling.assignments.get(role=AssignmentRole.LEAD)
    with django_capture_on_commit_callbacks(execute=True):
        sent = processing.assignment_chase(actor=u["leader.huyen"], assignment_id=part.pk,
                                           message="Gấp, trình trước thứ Sáu")
    assert sent == 1
    note = Notification.objects.get(user=u["leader.huyen.noivu"], kind="chase")
    assert "Gấp, trình trước thứ Sáu" in note.body
