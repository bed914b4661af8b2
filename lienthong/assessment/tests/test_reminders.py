"""Daily reminders of the self-assessment deadline: before, on the day, once overdue; never twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django_q.models import Schedule

from lienthong.accounts.models import Role
from lienthong.accounts.services import user_create
from lienthong.agencies.models import AdministrativeLevel
from lienthong.assessment import services
from lienthong.assessment.models import CampaignUnit, SelfAssessment
from lienthong.assessment.reminders import (
    DUE_SOON_TITLE,
    DUE_TODAY_TITLE,
    OVERDUE_TITLE,
    self_assessment_reminders,
)
from lienthong.assessment.tests.test_workflow import GOOD, _sa
from lienthong.notifications.models import Notification
from lienthong.testing.builders import make_agency
from lienthong.workcalendar.selectors import add_working_days

PUBLISHED_ON = dt.date(2018, 3, 1)  # Thursday; 15 working days → deadline Thursday 22/3/2018


@pytest.fixture
def published(ranking):
    p, council, version, campaign = ranking
    campaign = services.campaign_publish(actor=council, campaign=campaign, today=PUBLISHED_ON)
    # the Department's own unit has sent its self-assessment: never reminded
    stttt = _sa(campaign, p.agencies["stttt"])
    services.self_assessment_save(actor=p.users["clerk.stttt"], self_assessment=stttt, values=GOOD)
    services.self_assessment_submit(actor=p.users["clerk.stttt"], self_assessment=stttt, today=PUBLISHED_ON,
                                    on_behalf_of=p.users["leader.stttt"])
    return p, council, campaign


def _titles(user):
    """The deadline reminders a person got (the notice of publication is another kind)."""
    return list(Notification.objects.filter(user=user, kind__startswith="reminder_").order_by("pk")
                .values_list("title", flat=True))


def test_the_daily_job_is_scheduled(db):
    job = Schedule.objects.get(func="lienthong.assessment.tasks.send_self_assessment_reminders")
    assert job.schedule_type == Schedule.DAILY and job.repeats < 0


def test_reminders_before_on_the_day_and_once_overdue(published):
    p, council, campaign = published
    deadline = campaign.deadline
    u = p.users
    assert self_assessment_reminders(today=PUBLISHED_ON) == 0  # far from the deadline

    five_before = add_working_days(deadline, -5)
    created = self_assessment_reminders(today=five_before)
    # vp and huyện, their leader and văn thư each; not the specialists, not the unit that has sent
    assert created == 4
    d = f"{deadline:%d/%m/%Y}"
    assert _titles(u["leader.vp"]) == [DUE_SOON_TITLE % {"n": 5, "d": d}]
    assert _titles(u["clerk.huyen"]) == _titles(u["leader.vp"])
    assert not _titles(u["specialist.vp"]) and not _titles(u["leader.stttt"]) and not _titles(u["clerk.stttt"])
    note = Notification.objects.filter(user=u["leader.vp"], kind__startswith="reminder_").get()
    assert note.kind == "reminder_due_soon" and note.url.endswith(f"/tu-danh-gia/{_sa(campaign, p.agencies['vp']).pk}/")

    # idempotent: the same day again, and the following days of the same window, send nothing new
    assert self_assessment_reminders(today=five_before) == 0
    assert self_assessment_reminders(today=add_working_days(deadline, -3)) == 0

    # the unit of the district sends; only the Office is reminded from now on
    huyen = _sa(campaign, p.agencies["huyen"])
    services.self_assessment_save(actor=u["clerk.huyen"], self_assessment=huyen, values={"A1": 1})
    services.self_assessment_submit(actor=u["clerk.huyen"], self_assessment=huyen, today=five_before,
                                    on_behalf_of=u["leader.huyen"])

    assert self_assessment_reminders(today=add_working_days(deadline, -1)) == 2
    assert self_assessment_reminders(today=deadline) == 2
    assert self_assessment_reminders(today=deadline) == 0
    late = deadline + dt.timedelta(days=1)
    assert self_assessment_reminders(today=late) == 2
    for day in range(2, 20):  # overdue: once, however many days the job runs afterwards
        assert self_assessment_reminders(today=deadline + dt.timedelta(days=day)) == 0
    titles = _titles(u["clerk.vp"])
    assert titles[1:] == [DUE_SOON_TITLE % {"n": 1, "d": d}, DUE_TODAY_TITLE % {"d": d}, OVERDUE_TITLE % {"d": d}]
    assert Notification.objects.filter(user=u["clerk.vp"], kind="reminder_overdue").count() == 1
    assert len(_titles(u["clerk.huyen"])) == 1


def test_a_missed_day_sends_the_nearest_reminder_and_settings_change_the_days(published, settings):
    p, council, campaign = published
    settings.ASSESSMENT_REMINDER_DAYS = (10, 3)
    deadline = campaign.deadline
    assert self_assessment_reminders(today=add_working_days(deadline, -11)) == 0
    # the job did not run ten days before: eight days before it sends the "10 days" reminder, once
    assert self_assessment_reminders(today=add_working_days(deadline, -8)) == 4
    assert _titles(p.users["leader.vp"]) == [DUE_SOON_TITLE % {"n": 8, "d": f"{deadline:%d/%m/%Y}"}]
    assert self_assessment_reminders(today=add_working_days(deadline, -4)) == 0
    assert self_assessment_reminders(today=add_working_days(deadline, -2)) == 4


def test_no_reminders_once_the_campaign_has_moved_on(published):
    p, council, campaign = published
    services.campaign_advance(actor=council, campaign=campaign, to="review")
    assert self_assessment_reminders(today=campaign.deadline) == 0
    assert self_assessment_reminders(today=campaign.deadline + dt.timedelta(days=3)) == 0
    assert not Notification.objects.filter(kind__startswith="reminder_").exists()


def test_the_job_runs_the_same_queries_however_many_units(published, django_assert_max_num_queries):
    p, council, campaign = published
    day = add_working_days(campaign.deadline, -1)
    with django_assert_max_num_queries(12) as first:
        assert self_assessment_reminders(today=day) == 4
    Notification.objects.all().delete()
    level = AdministrativeLevel.objects.get(code="tinh")
    extra = [make_agency(f"Sở số {i}", f"S{i}", level, parent=p.agencies["ubnd"], code=f"000.00.{60 + i}.H30")
             for i in range(6)]
    for i, agency in enumerate(extra):
        user_create(username=f"leader.extra{i}", password="x-demo1234", full_name=f"Lãnh đạo {i}",
                    positions=[(agency, Role.LEADER, "")])
        cu = CampaignUnit.objects.create(campaign=campaign, agency=agency, group_code="so_nganh")
        SelfAssessment.objects.create(campaign_unit=cu)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert self_assessment_reminders(today=day) == 4 + 6
