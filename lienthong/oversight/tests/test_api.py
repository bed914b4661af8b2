"""GET /api/usage-statistics and /api/usage-statistics/{agency_id}/trend: the dashboard's figures for
integrations, for the same people (the Office, Sở TT&TT, administrators), with the page's filters and
thresholds; everyone else gets a Vietnamese 403, an unknown agency a Vietnamese 404, bad parameters a 422."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from lienthong.accounts.services import api_token_issue, user_create
from lienthong.oversight.api import NO_SUCH_AGENCY
from lienthong.oversight.forms import MAX_MONTHS, PERIOD_REVERSED, PERIOD_TOO_LONG
from lienthong.oversight.models import AgencyMonthStats
from lienthong.oversight.selectors import OVERSEERS_ONLY
from lienthong.oversight.tests.test_dashboard import FEB, JAN, MAR
from lienthong.testing.builders import PASSWORD, make_agency

pytestmark = pytest.mark.django_db
PERIOD = "month_from=2018-01&month_to=2018-03"


def call(user, path):
    response = Client().get(f"/api{path}", HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=user)}")
    return response.status_code, json.loads(response.content)


def test_overview_with_filters_and_thresholds(office):
    a = office.agencies
    status, body = call(office.users["clerk.vp"], f"/usage-statistics?{PERIOD}&min_electronic=80&max_overdue=5")
    assert status == 200
    assert (body["month_from"], body["month_to"], body["count"], body["lagging_count"]) == (
        "2018-01-01", "2018-03-01", 5, 1)
    assert body["thresholds"] == {"sent_electronically_share": 0.8, "overdue_items": 5}
    items = {i["agency_id"]: i for i in body["items"]}
    huyen = items[a["huyen"].pk]
    assert huyen["agency_name"] == "Ủy ban nhân dân huyện Vị Thủy" and huyen["level"] == "huyen"
    assert (huyen["staff_accounts"], huyen["active_users"], huyen["unused_accounts"], huyen["documents_issued"],
            huyen["overdue_items"]) == (10, 2, 8, 60, 7)
    assert huyen["sent_electronically_share"] == pytest.approx(0.25)
    assert huyen["on_time_share"] == pytest.approx(0.9)
    assert huyen["below_thresholds"] == ["overdue_items", "sent_electronically_share"]
    assert huyen["last_activity_at"].startswith("2018-03-20T")
    assert items[a["xa"].pk]["below_thresholds"] == []
    assert items[a["ubnd"].pk]["documents_issued"] == 0 and items[a["ubnd"].pk]["on_time_share"] is None

    status, body = call(office.users["leader.stttt"], f"/usage-statistics?{PERIOD}&group=so-nganh")
    assert status == 200 and {i["agency_id"] for i in body["items"]} == {a["vp"].pk, a["stttt"].pk}
    assert body["thresholds"] == {} and body["lagging_count"] == 0
    status, body = call(office.users["clerk.vp"], f"/usage-statistics?{PERIOD}&level=xa")
    assert [i["agency_id"] for i in body["items"]] == [a["xa"].pk]


def test_trend_month_by_month(office):
    a = office.agencies
    status, body = call(office.users["clerk.vp"], f"/usage-statistics/{a['huyen'].pk}/trend?{PERIOD}")
    assert status == 200
    assert body["agency_name"] == "Ủy ban nhân dân huyện Vị Thủy"
    assert [m["month"] for m in body["months"]] == ["2018-01-01", "2018-02-01", "2018-03-01"]
    assert [m["documents_issued"] for m in body["months"]] == [20, 20, 20]
    assert body["months"][-1]["overdue_items"] == 7
    # Without a start: the twelve months ending with the last one; months without figures are zeros.
    status, body = call(office.users["clerk.vp"], f"/usage-statistics/{a['huyen'].pk}/trend?month_to=2018-03")
    assert status == 200 and len(body["months"]) == 12 and body["months"][0]["month"] == "2017-04-01"
    assert body["months"][0]["documents_issued"] == 0 and body["months"][0]["sent_electronically_share"] is None


def test_only_overseers_and_clear_errors(office):
    u, a = office.users, office.agencies
    for name in ("clerk.huyen", "leader.ubnd", "specialist.xa"):
        for path in (f"/usage-statistics?{PERIOD}", f"/usage-statistics/{a['huyen'].pk}/trend"):
            status, body = call(u[name], path)
            assert status == 403 and body["code"] == "permission_denied"
            assert body["message"] == str(OVERSEERS_ONLY)
    admin = user_create(username="sysadmin", password=PASSWORD, full_name="Quản trị", is_system_admin=True)
    assert call(admin, f"/usage-statistics?{PERIOD}")[0] == 200
    assert Client().get("/api/usage-statistics").status_code == 401

    status, body = call(u["clerk.vp"], "/usage-statistics/999999/trend")
    assert (status, body) == (404, {"code": "not_found", "message": str(NO_SUCH_AGENCY)})
    outside = make_agency("Bộ Nội vụ", "BNV", a["ubnd"].level, external=True)
    assert call(u["clerk.vp"], f"/usage-statistics/{outside.pk}/trend")[0] == 404

    status, body = call(u["clerk.vp"], "/usage-statistics?month_from=2018-05&month_to=2018-03")
    assert status == 422 and body["errors"] == {"period": [str(PERIOD_REVERSED)]}
    status, body = call(u["clerk.vp"], f"/usage-statistics?{PERIOD}&min_active=150&level=tinh-x")
    assert status == 422 and set(body["errors"]) == {"min_active", "level"}
    status, body = call(u["clerk.vp"], f"/usage-statistics/{a['huyen'].pk}/trend?month_from=2015-01&month_to=2018-03")
    assert status == 422 and body["errors"] == {"period": [PERIOD_TOO_LONG % {"n": MAX_MONTHS}]}


def test_overview_runs_the_same_queries_however_many_agencies(office, django_assert_max_num_queries):
    user = office.users["clerk.vp"]
    token = api_token_issue(user=user)
    url = f"/api/usage-statistics?{PERIOD}&min_active=50"

    def get():
        return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token}")

    get()
    with django_assert_max_num_queries(30) as before:
        assert get().status_code == 200
    for i in range(10):
        agency = make_agency(f"Ủy ban nhân dân xã số {i}", "UBND", office.agencies["xa"].level,
                             parent=office.agencies["huyen"])
        for m in (JAN, FEB, MAR):
            AgencyMonthStats.objects.create(agency=agency, month=m, computed_at=timezone.now(), staff_accounts=10,
                                            active_users=i)
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = get()
    assert json.loads(response.content)["count"] == 15
