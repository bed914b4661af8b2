"""One request reads the viewer's positions once, however many pieces of the page ask; a change of positions
inside the request is seen at once; outside a request nothing is remembered."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lienthong.accounts.models import Position, Role
from lienthong.accounts.selectors import position_agencies, user_can_register_in
from lienthong.core import request_memo

pytestmark = pytest.mark.django_db


def _position_reads(captured) -> int:
    return sum('FROM "accounts_position"' in q["sql"] for q in captured.captured_queries)


def test_inside_a_request_the_positions_are_read_once(province):
    clerk, vp = province.users["clerk.vp"], province.agencies["vp"]
    with request_memo.scope(), CaptureQueriesContext(connection) as captured:
        assert vp.pk in position_agencies(user=clerk).clerk_ids
        assert user_can_register_in(user=clerk, agency_id=vp.pk)
        assert position_agencies(user=clerk).all_ids == {vp.pk}
    assert _position_reads(captured) == 1


def test_outside_a_request_every_question_reads_the_database(province):
    clerk, vp = province.users["clerk.vp"], province.agencies["vp"]
    with CaptureQueriesContext(connection) as captured:
        position_agencies(user=clerk)
        user_can_register_in(user=clerk, agency_id=vp.pk)
    assert _position_reads(captured) == 2


def test_a_position_given_during_the_request_is_seen_at_once(province):
    clerk, stttt = province.users["clerk.vp"], province.agencies["stttt"]
    with request_memo.scope():
        assert not user_can_register_in(user=clerk, agency_id=stttt.pk)
        position = Position.objects.create(user=clerk, agency=stttt, role=Role.CLERK, title="Văn thư kiêm nhiệm")
        assert user_can_register_in(user=clerk, agency_id=stttt.pk)
        position.is_active = False
        position.save()
        assert not user_can_register_in(user=clerk, agency_id=stttt.pk)


def test_an_agency_closed_during_the_request_is_seen_at_once(province):
    clerk, vp = province.users["clerk.vp"], province.agencies["vp"]
    with request_memo.scope():
        assert user_can_register_in(user=clerk, agency_id=vp.pk)
        vp.is_active = False
        vp.save()
        assert not user_can_register_in(user=clerk, agency_id=vp.pk)


def test_each_request_starts_with_an_empty_memo(clerk_client, province):
    clerk, stttt = province.users["clerk.vp"], province.agencies["stttt"]
    assert clerk_client.get("/").status_code == 200
    # Given between two requests, bypassing the signals: the next request still sees it.
    Position.objects.bulk_create([Position(user=clerk, agency=stttt, role=Role.CLERK, title="Văn thư")])
    response = clerk_client.get("/van-ban/dang-ky-den/")
    assert response.status_code == 200
    assert stttt.name in response.content.decode()
