"""The notifications page, the mark-read actions (plain and htmx) and the badge in the top bar."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lienthong.notifications.models import Kind, Notification
from lienthong.notifications.services import NotificationSpec, notify, notify_many
from lienthong.notifications.views import MARKED_ALL_READ

LIST = reverse("notifications:list")


@pytest.fixture
def leader(province):
    return province.users["leader.vp"]


@pytest.fixture
def leader_client(client, leader):
    client.force_login(leader)
    return client


def badge(page: str) -> str | None:
    match = re.search(r'<span id="notif-badge" class="notif-badge"( hidden)?[^>]*>(\d+)</span>', page)
    assert match, "the top bar has the notifications badge"
    return None if match.group(1) else match.group(2)


def _make(user, count, start=0):
    notify_many([NotificationSpec(user.pk, Kind.INCOMING, f"Văn bản đến số {i}", url=f"/van-ban/{i}/")
                 for i in range(start, start + count)], email=False)


def test_list_requires_login(client, province):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_list_shows_own_notifications_newest_first_in_vietnamese(leader_client, leader, province):
    _make(leader, 2)
    notify(user_ids=[province.users["specialist.vp"].pk], kind=Kind.CHASE, title="Của người khác", email=False)
    page = leader_client.get(LIST).content.decode()
    assert "<h1>Thông báo</h1>" in page
    assert page.index("Văn bản đến số 1") < page.index("Văn bản đến số 0")
    assert "Của người khác" not in page
    assert "Đánh dấu tất cả là đã đọc" in page and "Đánh dấu đã đọc" in page


def test_empty_list_says_so(leader_client):
    assert "Chưa có thông báo nào." in leader_client.get(LIST).content.decode()


def test_list_is_paginated_by_30(leader_client, leader):
    _make(leader, 31)
    first = leader_client.get(LIST).content.decode()
    assert first.count('class="notif unread"') == 30
    assert "Trang 1/2 · 31 thông báo" in first
    second = leader_client.get(LIST, {"page": 2}).content.decode()
    assert second.count('class="notif unread"') == 1 and "Văn bản đến số 0<" in second


def test_unread_filter(leader_client, leader):
    _make(leader, 2)
    Notification.objects.filter(title="Văn bản đến số 0").update(read_at="2018-03-20T08:00:00+07:00")
    page = leader_client.get(LIST, {"chua-doc": "1"}).content.decode()
    assert "Văn bản đến số 1" in page and "Văn bản đến số 0" not in page


def test_list_query_count_does_not_grow_with_notifications(leader_client, leader, django_assert_max_num_queries):
    _make(leader, 3)
    leader_client.get(LIST)  # warm-up
    with django_assert_max_num_queries(8) as small:
        assert leader_client.get(LIST).status_code == 200
    _make(leader, 40, start=3)
    with django_assert_max_num_queries(8) as large:
        assert leader_client.get(LIST).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_badge_shows_the_unread_count(leader_client, leader):
    home = reverse("documents:home")
    assert badge(leader_client.get(home).content.decode()) is None
    _make(leader, 3)
    page = leader_client.get(home).content.decode()
    assert badge(page) == "3"
    assert 'aria-label="3 thông báo chưa đọc"' in page
    Notification.objects.filter(user=leader).update(read_at="2018-03-20T08:00:00+07:00")
    assert badge(leader_client.get(home).content.decode()) is None


def test_mark_read_plain_post_redirects_back(leader_client, leader):
    _make(leader, 2)
    n = Notification.objects.filter(user=leader).first()
    response = leader_client.post(reverse("notifications:read", args=[n.pk]), {"next": LIST + "?page=1"})
    assert response.status_code == 302 and response["Location"] == LIST + "?page=1"
    n.refresh_from_db()
    assert n.read_at is not None
    assert badge(leader_client.get(LIST).content.decode()) == "1"


def test_mark_read_ignores_an_outside_next(leader_client, leader):
    _make(leader, 1)
    n = Notification.objects.get(user=leader)
    response = leader_client.post(reverse("notifications:read", args=[n.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == LIST


def test_mark_read_with_htmx_returns_the_row_and_the_new_badge(leader_client, leader):
    _make(leader, 2)
    n = Notification.objects.filter(user=leader).first()
    response = leader_client.post(reverse("notifications:read", args=[n.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.startswith(f'<li class="notif" id="notif-{n.pk}">')
    assert "Đã đọc" in fragment and "<html" not in fragment
    assert '<span id="notif-badge" class="notif-badge" hx-swap-oob="true"' in fragment
    assert re.search(r'hx-swap-oob="true"[^>]*>1</span>', fragment)


def test_cannot_mark_another_persons_notification(leader_client, province):
    notify(user_ids=[province.users["specialist.vp"].pk], kind=Kind.CHASE, title="Đôn đốc", email=False)
    theirs = Notification.objects.get()
    assert leader_client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert leader_client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_is_post_only(leader_client, leader):
    _make(leader, 1)
    n = Notification.objects.get(user=leader)
    assert leader_client.get(reverse("notifications:read", args=[n.pk])).status_code == 405
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read(leader_client, leader, province):
    _make(leader, 3)
    notify(user_ids=[province.users["specialist.vp"].pk], kind=Kind.CHASE, title="Đôn đốc", email=False)
    response = leader_client.post(reverse("notifications:read_all"), follow=True)
    page = response.content.decode()
    assert MARKED_ALL_READ % {"count": 3} in page
    assert badge(page) is None
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_opening_a_notification_marks_it_read_and_follows_its_link(leader_client, leader):
    _make(leader, 1)
    n = Notification.objects.get(user=leader)
    response = leader_client.get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/van-ban/0/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_opening_never_redirects_off_site(leader_client, leader):
    notify(user_ids=[leader.pk], kind=Kind.STATUS, title="Lạ", url="https://evil.example/x", email=False)
    n = Notification.objects.get(user=leader)
    assert leader_client.get(reverse("notifications:open", args=[n.pk]))["Location"] == LIST
