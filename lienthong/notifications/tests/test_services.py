"""Creating notifications: one per person and event, e-mailed once after commit, never breaking the caller."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.db import transaction

from lienthong.accounts.models import User
from lienthong.core.errors import NotFound
from lienthong.notifications import selectors, services
from lienthong.notifications.models import Kind, Notification
from lienthong.notifications.services import NotificationSpec, notify, notify_many


@pytest.fixture
def people(province):
    """Two people with an e-mail address and one without."""
    users = province.users
    User.objects.filter(pk=users["leader.vp"].pk).update(email="lanhdao@vp.gov.vn")
    User.objects.filter(pk=users["specialist.vp"].pk).update(email="chuyenvien@vp.gov.vn")
    return users["leader.vp"], users["specialist.vp"], users["clerk.vp"]


def test_chase_reaches_each_person_in_app_and_by_mail(people, django_capture_on_commit_callbacks):
    leader, specialist, clerk = people
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(user_ids=[leader.pk, specialist.pk], kind=Kind.CHASE, title="Đôn đốc xử lý văn bản 12/UBND",
                         body="Đề nghị hoàn thành trước 17 giờ.", url="/van-ban/12/")
    assert created == 2
    assert selectors.unread_count(user=leader) == 1 and selectors.unread_count(user=specialist) == 1
    assert selectors.unread_count(user=clerk) == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["chuyenvien@vp.gov.vn", "lanhdao@vp.gov.vn"]
    message = mail.outbox[0]
    assert message.subject == services.SUBJECT_PREFIX + "Đôn đốc xử lý văn bản 12/UBND"
    assert message.body == "Đề nghị hoàn thành trước 17 giờ.\n\n/van-ban/12/"


def test_same_dedupe_key_twice_gives_one_notification_and_one_mail(people, django_capture_on_commit_callbacks):
    leader, *_ = people
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notify(user_ids=[leader.pk, leader.pk], kind=Kind.REMINDER_DUE_SOON, title="Sắp đến hạn: văn bản 5",
                   dedupe_key="due:5:2018-03-20")
    assert Notification.objects.filter(user=leader).count() == 1
    assert len(mail.outbox) == 1


def test_second_run_only_notifies_people_not_yet_notified(people, django_capture_on_commit_callbacks):
    leader, specialist, _clerk = people
    with django_capture_on_commit_callbacks(execute=True):
        notify(user_ids=[leader.pk], kind=Kind.INCOMING, title="Văn bản đến", dedupe_key="in:7")
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(user_ids=[leader.pk, specialist.pk], kind=Kind.INCOMING, title="Văn bản đến",
                         dedupe_key="in:7")
    assert created == 1
    assert [m.to for m in mail.outbox] == [["lanhdao@vp.gov.vn"], ["chuyenvien@vp.gov.vn"]]


def test_notifications_without_key_are_never_merged(people):
    leader, *_ = people
    notify(user_ids=[leader.pk], kind=Kind.STATUS, title="Đã nhận", email=False)
    notify(user_ids=[leader.pk], kind=Kind.STATUS, title="Đã nhận", email=False)
    assert Notification.objects.filter(user=leader).count() == 2


def test_person_without_address_gets_the_notification_but_no_mail(people, django_capture_on_commit_callbacks):
    *_, clerk = people
    assert clerk.email == ""
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(user_ids=[clerk.pk], kind=Kind.ASSIGNMENT, title="Giao xử lý văn bản 3")
    assert created == 1
    assert selectors.unread_count(user=clerk) == 1
    assert mail.outbox == []


def test_email_false_sends_nothing(people, django_capture_on_commit_callbacks):
    leader, *_ = people
    with django_capture_on_commit_callbacks(execute=True):
        notify(user_ids=[leader.pk], kind=Kind.STATUS, title="Đã nhận", email=False)
    assert mail.outbox == []


def test_daily_reminders_become_one_digest_mail_per_person(people, django_capture_on_commit_callbacks):
    leader, specialist, clerk = people
    items = [
        NotificationSpec(leader.pk, Kind.REMINDER_DUE_SOON, "Sắp đến hạn: văn bản 1", url="/van-ban/1/",
                         dedupe_key="due:1"),
        NotificationSpec(leader.pk, Kind.REMINDER_OVERDUE, "Quá hạn: văn bản 2", url="/van-ban/2/",
                         dedupe_key="over:2"),
        NotificationSpec(leader.pk, Kind.REMINDER_OVERDUE, "Quá hạn: văn bản 3", dedupe_key="over:3"),
        NotificationSpec(specialist.pk, Kind.REMINDER_DUE_SOON, "Sắp đến hạn: văn bản 4", body="Hạn 20/03/2018.",
                         dedupe_key="due:4"),
        NotificationSpec(clerk.pk, Kind.REMINDER_DUE_SOON, "Sắp đến hạn: văn bản 5", dedupe_key="due:5"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_many(items) == 5
    by_address = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 2 and set(by_address) == {"lanhdao@vp.gov.vn", "chuyenvien@vp.gov.vn"}
    digest = by_address["lanhdao@vp.gov.vn"]
    heading = services.DIGEST_HEADING % {"count": 3}
    assert digest.subject == services.SUBJECT_PREFIX + heading
    assert digest.body.splitlines()[:7] == [
        f"{heading}:", "",
        "- Sắp đến hạn: văn bản 1", "  /van-ban/1/",
        "- Quá hạn: văn bản 2", "  /van-ban/2/",
        "- Quá hạn: văn bản 3",
    ]
    assert "/thong-bao/" in digest.body.splitlines()[-1]
    single = by_address["chuyenvien@vp.gov.vn"]
    assert single.subject == services.SUBJECT_PREFIX + "Sắp đến hạn: văn bản 4"
    assert single.body == "Hạn 20/03/2018."

    # The job running again the same day creates and mails nothing.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_many(items) == 0
    assert mail.outbox == []
    assert Notification.objects.count() == 5


def test_site_url_makes_mailed_links_absolute(people, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://vanban.example.gov.vn/"
    leader, *_ = people
    with django_capture_on_commit_callbacks(execute=True):
        notify(user_ids=[leader.pk], kind=Kind.DRAFT, title="Dự thảo cần cho ý kiến", url="/du-thao/4/")
    assert mail.outbox[0].body == "https://vanban.example.gov.vn/du-thao/4/"


def test_nothing_is_mailed_when_the_callers_transaction_rolls_back(people, django_capture_on_commit_callbacks):
    leader, *_ = people
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(user_ids=[leader.pk], kind=Kind.RECALL, title="Thu hồi văn bản 9")
            raise RuntimeError("the caller's action failed")
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_mail_server_failure_is_logged_and_keeps_the_notification(people, monkeypatch, caplog,
                                                                  django_capture_on_commit_callbacks):
    leader, *_ = people

    class Broken:
        def __getattr__(self, name):
            raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(mail, "mailers", Broken())
    with caplog.at_level(logging.ERROR, logger="lienthong.notifications"):
        with django_capture_on_commit_callbacks(execute=True):
            assert notify(user_ids=[leader.pk], kind=Kind.CHASE, title="Đôn đốc") == 1
    assert selectors.unread_count(user=leader) == 1
    assert "Sending 1 notification e-mails failed" in caplog.text


def test_long_title_is_shortened_not_refused(people):
    leader, *_ = people
    notify(user_ids=[leader.pk], kind=Kind.INCOMING, title="Về việc " + "x" * 400, email=False)
    title = Notification.objects.get(user=leader).title
    assert len(title) == 300 and title.startswith("Về việc xxx") and title.endswith("…")


def test_unknown_kind_is_a_programming_error(people):
    leader, *_ = people
    with pytest.raises(ValueError):
        notify(user_ids=[leader.pk], kind="gossip", title="?")
    assert not Notification.objects.exists()


def test_thousands_of_people_take_a_handful_of_queries_and_one_connection(
        db, monkeypatch, django_assert_max_num_queries, django_capture_on_commit_callbacks):
    User.objects.bulk_create([User(username=f"u{i}", email=f"u{i}@xa.gov.vn") for i in range(2500)])
    ids = list(User.objects.values_list("pk", flat=True))
    opened = []
    real_mailers = mail.mailers

    class CountingMailers:
        @property
        def default(self):
            opened.append(1)
            return real_mailers.default

    monkeypatch.setattr(mail, "mailers", CountingMailers())
    with django_capture_on_commit_callbacks(execute=True):
        # 2 dedupe lookups + 3 insert batches + 2 e-mail lookups (+ savepoints the ORM may add).
        with django_assert_max_num_queries(12):
            assert notify(user_ids=ids, kind=Kind.INCOMING, title="Văn bản đến: 15/UBND", dedupe_key="in:15") == 2500
    assert len(mail.outbox) == 2500
    assert opened == [1]
    assert Notification.objects.count() == 2500


def test_mark_read_touches_only_ones_own_notification(people):
    leader, specialist, _clerk = people
    notify(user_ids=[leader.pk, specialist.pk], kind=Kind.CHASE, title="Đôn đốc", email=False)
    others = Notification.objects.get(user=specialist)
    with pytest.raises(NotFound):
        services.notification_mark_read(user=leader, notification_id=others.pk)
    others.refresh_from_db()
    assert others.read_at is None

    own = Notification.objects.get(user=leader)
    marked = services.notification_mark_read(user=leader, notification_id=own.pk)
    assert marked.read_at is not None
    first_read = marked.read_at
    # Marking again keeps the first reading time.
    assert services.notification_mark_read(user=leader, notification_id=own.pk).read_at == first_read
    assert selectors.unread_count(user=leader) == 0 and selectors.unread_count(user=specialist) == 1


def test_mark_all_read_leaves_other_people_alone(people):
    leader, specialist, _clerk = people
    for i in range(3):
        notify(user_ids=[leader.pk, specialist.pk], kind=Kind.STATUS, title=f"Trạng thái {i}", email=False)
    assert services.notification_mark_all_read(user=leader) == 3
    assert services.notification_mark_all_read(user=leader) == 0
    assert selectors.unread_count(user=leader) == 0 and selectors.unread_count(user=specialist) == 3
    assert selectors.notifications_for(user=leader, unread_only=True).count() == 0
    assert selectors.notifications_for(user=leader).count() == 3
