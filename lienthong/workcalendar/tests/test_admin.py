"""The administrator edits the calendar in the Django admin; errors come back on the form in Vietnamese."""

import datetime as dt

import pytest
from django.urls import reverse

from lienthong.accounts.services import user_create
from lienthong.audit.models import AuditEntry
from lienthong.core.choices import Urgency
from lienthong.testing.builders import PASSWORD
from lienthong.workcalendar import services
from lienthong.workcalendar.models import DeadlinePolicy, Holiday

pytestmark = pytest.mark.django_db
HOLIDAY_ADD = reverse("admin:workcalendar_holiday_add")
POLICY_ADD = reverse("admin:workcalendar_deadlinepolicy_add")


@pytest.fixture
def admin_client(client):
    client.force_login(user_create(username="quantri", password=PASSWORD, full_name="Quản trị",
                                   is_system_admin=True))
    return client


def test_holiday_list_shows_tet(admin_client):
    response = admin_client.get(reverse("admin:workcalendar_holiday_changelist") + "?q=Mậu+Tuất")
    assert response.status_code == 200
    assert "Tết Nguyên đán Mậu Tuất" in response.content.decode()


def test_add_lam_bu_day_through_the_admin_is_audited(admin_client):
    response = admin_client.post(HOLIDAY_ADD, {"date": "2018-03-10", "name": "Làm bù", "kind": "working_day"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Holiday.objects.get(date=dt.date(2018, 3, 10)).kind == "working_day"
    assert AuditEntry.objects.filter(object_type="holiday").count() == 1


def test_admin_form_shows_service_errors(admin_client):
    response = admin_client.post(HOLIDAY_ADD, {"date": "2018-03-07", "name": "Làm bù", "kind": "working_day"})
    assert response.status_code == 200
    assert str(services.MSG_WORKING_DAY_WEEKDAY) in response.content.decode()
    assert not Holiday.objects.filter(date=dt.date(2018, 3, 7)).exists()


def test_change_province_default_through_the_admin(admin_client):
    policy = DeadlinePolicy.objects.get(agency=None, urgency=Urgency.NORMAL)
    url = reverse("admin:workcalendar_deadlinepolicy_change", args=[policy.pk])
    response = admin_client.post(url, {"working_days": "7"})
    assert response.status_code == 302
    assert DeadlinePolicy.objects.get(pk=policy.pk).working_days == 7
    response = admin_client.post(url, {"working_days": "1000"})
    assert response.status_code == 200
    assert DeadlinePolicy.objects.get(pk=policy.pk).working_days == 7


def test_staff_without_system_admin_cannot_change(client):
    user = user_create(username="nv", password=PASSWORD, full_name="Nhân viên")
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.post(HOLIDAY_ADD, {"date": "2018-03-10", "name": "Làm bù", "kind": "working_day"})
    assert response.status_code == 403
    assert not Holiday.objects.filter(date=dt.date(2018, 3, 10)).exists()
