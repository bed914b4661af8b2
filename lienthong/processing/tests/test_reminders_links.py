"""The reminder job builds its links and titles once per run (it handles tens of thousands of rows):
each reminder still points at its own document and shows its own deadline."""

import datetime as dt

import pytest
from django.urls import reverse

from lienthong.notifications.models import Notification
from lienthong.processing import services as processing
from lienthong.processing.tests.test_reminders import assigned  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_each_reminder_links_to_its_document(province, assigned):  # noqa: F811
    u = province.users
    result = processing.send_deadline_reminders(today=dt.date(2018, 3, 19))
    assert result == {"open_due": 2, "overdue": 1, "notifications": 3}
    page = reverse("documents:detail", args=[assigned.pk])
    head = Notification.objects.get(user=u["leader.huyen.noivu"])
    support = Notification.objects.get(user=u["specialist.huyen.taichinh"])
    assert head.url == support.url == page
    assert head.title.endswith("(hạn 16/03/2018)") and support.title.endswith("(hạn 21/03/2018)")
    assert Notification.objects.get(user=u["leader.huyen"]).url == reverse("processing:queue", args=["overdue"])
