"""The ranking through the JSON API: who sees which campaign, self-assessment and results; saving and
submitting a self-assessment; bad values (422 in Vietnamese) and a submission after the deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from lienthong.api import VALIDATION_MESSAGES
from lienthong.assessment import engine, services
from lienthong.assessment.api import RESULTS_NOT_PUBLISHED
from lienthong.assessment.models import Campaign, CampaignState, SelfAssessment
from lienthong.assessment.services import self_assessments
from lienthong.assessment.tests.test_workflow import GOOD, PUBLISHED_ON, WEAK
from lienthong.drafting.tests.test_api import NOT_FOUND, as_user

CAMPAIGNS = "/api/assessment/campaigns"


def post_json(client, path, data=None):
    import json

    return client.post(path, json.dumps(data or {}), content_type="application/json")


def put_json(client, path, data):
    import json

    return client.put(path, json.dumps(data), content_type="application/json")


def _sa(campaign, agency) -> SelfAssessment:
    return SelfAssessment.objects.get(campaign_unit__campaign=campaign, campaign_unit__agency=agency)


@pytest.fixture
def open_campaign(ranking):
    p, council, version, campaign = ranking
    campaign = services.campaign_publish(actor=council, campaign=campaign, today=dt.date.today())
    return p, council, campaign


def test_campaign_list_and_detail_are_scoped(ranking):
    p, council, version, draft = ranking
    u = p.users
    assert [c["id"] for c in as_user(council).get(CAMPAIGNS).json()] == [draft.pk]
    assert as_user(u["leader.huyen"]).get(CAMPAIGNS).json() == []  # a draft is not shown to the units
    services.campaign_publish(actor=council, campaign=draft, today=PUBLISHED_ON)

    listed = as_user(u["leader.huyen"]).get(CAMPAIGNS).json()
    assert [(c["id"], c["state"], c["criteria_set"], c["deadline"]) for c in listed] == [
        (draft.pk, "self_assessment", "mic-2017-default", Campaign.objects.get().deadline.isoformat())]
    assert as_user(u["clerk.xa"]).get(CAMPAIGNS).json() == []  # not a unit of the campaign
    assert as_user(u["clerk.xa"]).get(f"{CAMPAIGNS}/{draft.pk}").json() == NOT_FOUND

    detail = as_user(u["leader.huyen"]).get(f"{CAMPAIGNS}/{draft.pk}").json()
    assert [x["agency_id"] for x in detail["units"]] == [p.agencies["huyen"].pk]  # only its own unit
    assert {g["code"] for g in detail["groups"]} == {"so_nganh", "ubnd_huyen", "nganh_doc"}
    office = as_user(u["clerk.vp"]).get(f"{CAMPAIGNS}/{draft.pk}").json()
    assert len(office["units"]) == 3 and all(x["self_assessment_state"] == "draft" for x in office["units"])


def test_a_unit_sees_and_writes_only_its_own_self_assessment(open_campaign):
    p, council, campaign = open_campaign
    u, a = p.users, p.agencies
    vp_sa, huyen_sa = _sa(campaign, a["vp"]), _sa(campaign, a["huyen"])
    huyen = as_user(u["specialist.huyen"])
    got = huyen.get(f"/api/assessment/self-assessments/{huyen_sa.pk}").json()
    assert (got["agency_id"], got["state"], got["editable"]) == (a["huyen"].pk, "draft", True)
    assert [v["criterion_code"] for v in got["values"]][:3] == ["A1", "A2", "A3"]
    assert "G1" in {v["criterion_code"] for v in got["values"]}  # the district's commune criteria
    assert next(v for v in got["values"] if v["criterion_code"] == "A1")["rule"] == "ratio"

    # another unit's self-assessment is invisible (404), both to read and to write
    assert huyen.get(f"/api/assessment/self-assessments/{vp_sa.pk}").json() == NOT_FOUND
    response = put_json(huyen, f"/api/assessment/self-assessments/{vp_sa.pk}/values", {"values": {"A1": 1}})
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert post_json(huyen, f"/api/assessment/self-assessments/{vp_sa.pk}/submit").status_code == 404
    assert as_user(u["clerk.xa"]).get(f"/api/assessment/self-assessments/{huyen_sa.pk}").status_code == 404
    # the council (and the office) read every one, but cannot fill it in for the unit
    assert as_user(council).get(f"/api/assessment/self-assessments/{huyen_sa.pk}").json()["editable"] is False
    for reader in (council, u["clerk.vp"]):
        response = put_json(as_user(reader), f"/api/assessment/self-assessments/{huyen_sa.pk}/values",
                            {"values": {"A1": 1}})
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert post_json(as_user(council), f"/api/assessment/self-assessments/{huyen_sa.pk}/submit").status_code == 403
    assert _sa(campaign, a["huyen"]).values.get(criterion_code="A1").value is None
    assert _sa(campaign, a["huyen"]).state == "draft"


def test_save_and_submit_through_the_api(open_campaign):
    p, council, campaign = open_campaign
    sa = _sa(campaign, p.agencies["vp"])
    clerk = as_user(p.users["clerk.vp"])
    response = put_json(clerk, f"/api/assessment/self-assessments/{sa.pk}/values",
                        {"values": GOOD, "comments": {"A1": "Theo danh sách tài sản 31/12/2017"}})
    assert response.status_code == 200, response.content
    values = {v["criterion_code"]: v for v in response.json()["values"]}
    assert (values["A1"]["value"], values["A1"]["comment"]) == (1, "Theo danh sách tài sản 31/12/2017")
    assert (values["A5"]["value"], values["E1"]["value"]) == ("dat_chuan", True)
    # the văn thư sends on the leader's behalf (issue 11: the leader's act, never a specialist's)
    response = post_json(clerk, f"/api/assessment/self-assessments/{sa.pk}/submit",
                         {"on_behalf_of_id": p.users["leader.vp"].pk})
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["editable"]) == ("submitted", False)
    assert response.json()["submitted_for"] == {"id": p.users["leader.vp"].pk, "name": "Lãnh đạo vp"}
    again = post_json(clerk, f"/api/assessment/self-assessments/{sa.pk}/submit",
                      {"on_behalf_of_id": p.users["leader.vp"].pk})
    assert (again.status_code, again.json()["message"]) == (400, str(self_assessments.ALREADY_SUBMITTED))
    late = put_json(clerk, f"/api/assessment/self-assessments/{sa.pk}/values", {"values": {"A1": 0.5}})
    assert late.status_code == 400 and late.json()["code"] == "wrong_state"


def test_a_ratio_outside_0_1_is_a_422_in_vietnamese_and_nothing_is_saved(open_campaign):
    p, council, campaign = open_campaign
    sa = _sa(campaign, p.agencies["vp"])
    response = put_json(as_user(p.users["clerk.vp"]), f"/api/assessment/self-assessments/{sa.pk}/values",
                        {"values": {"A1": 0.5, "A2": 1.4, "B5": -1, "ZZ": 1}})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"]["A2"] == [engine.RATIO_OUTSIDE % {"v": "1,4"}]
    assert set(body["errors"]) == {"A2", "B5", "ZZ"}
    assert body["errors"]["ZZ"] == [str(self_assessments.NOT_IN_SET)]
    assert sa.values.get(criterion_code="A1").value is None
    malformed = put_json(as_user(p.users["clerk.vp"]), f"/api/assessment/self-assessments/{sa.pk}/values",
                         {"values": ["A1", 1]})
    assert malformed.status_code == 422
    assert malformed.json()["errors"]["values"] == [VALIDATION_MESSAGES["dict_type"]]


def test_submitting_after_the_deadline_is_refused(open_campaign):
    p, council, campaign = open_campaign
    Campaign.objects.filter(pk=campaign.pk).update(deadline=dt.date.today() - dt.timedelta(days=1))
    sa = _sa(campaign, p.agencies["vp"])
    # the leader sends in own name: no body at all is fine
    response = as_user(p.users["leader.vp"]).post(f"/api/assessment/self-assessments/{sa.pk}/submit", b"",
                                                  content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "deadline_passed"
    deadline = Campaign.objects.get(pk=campaign.pk).deadline
    assert response.json()["message"] == self_assessments.PAST_DEADLINE % {"d": f"{deadline:%d/%m/%Y}"}
    assert SelfAssessment.objects.get(pk=sa.pk).state == "draft"


def test_results_only_when_visible(ranking):
    p, council, version, campaign = ranking
    u, a = p.users, p.agencies
    campaign = services.campaign_publish(actor=council, campaign=campaign, today=PUBLISHED_ON)
    for key, values in (("vp", GOOD), ("stttt", WEAK)):
        services.self_assessment_save(actor=u[f"clerk.{key}"], self_assessment=_sa(campaign, a[key]), values=values)
    for to in (CampaignState.REVIEW, CampaignState.COUNCIL):
        services.campaign_advance(actor=council, campaign=campaign, to=to)
    services.campaign_compute_results(actor=council, campaign=campaign)
    path = f"{CAMPAIGNS}/{campaign.pk}/results"

    def agencies_seen(username):
        response = as_user(u[username]).get(path)
        return response.status_code, sorted(i["agency_id"] for i in response.json().get("items", []))

    every = sorted(a[k].pk for k in ("vp", "stttt", "huyen"))
    assert agencies_seen("specialist.stttt") == (200, every)  # council, as soon as computed
    assert agencies_seen("leader.ubnd") == (200, every)       # approver
    forbidden = as_user(u["leader.huyen"]).get(path)
    assert forbidden.status_code == 403
    assert forbidden.json()["message"] == str(RESULTS_NOT_PUBLISHED)
    assert as_user(u["clerk.xa"]).get(path).json() == NOT_FOUND

    services.campaign_approve(actor=u["leader.ubnd"], campaign=campaign, decision="Quyết định số 321/QĐ-UBND")
    assert agencies_seen("leader.huyen") == (200, [a["huyen"].pk])  # its own, once approved
    services.campaign_publish_results(actor=council, campaign=campaign)
    status, seen = agencies_seen("leader.huyen")
    assert (status, seen) == (200, every)
    items = {i["agency_id"]: i for i in as_user(u["leader.huyen"]).get(path).json()["items"]}
    vp = items[a["vp"].pk]
    assert (vp["rank"], vp["group"]) == (1, "so_nganh") and vp["class_label"] and "A" in vp["categories"]
    assert vp["no_data"] is False and all(isinstance(i["no_data"], bool) for i in items.values())
    assert as_user(u["leader.huyen"]).get(path).json()["precision"] == 2
    assert as_user(u["leader.huyen"]).get(f"{CAMPAIGNS}/{campaign.pk}").json()["decision"] == \
        "Quyết định số 321/QĐ-UBND"


def test_the_endpoints_need_a_token(ranking):
    from django.test import Client

    response = Client().get(CAMPAIGNS)
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_campaign_list_query_count_does_not_grow(ranking, django_assert_max_num_queries):
    p, council, version, campaign = ranking
    client = as_user(council)
    client.get(CAMPAIGNS)
    with django_assert_max_num_queries(8) as one:
        assert len(client.get(CAMPAIGNS).json()) == 1
    for year in (2018, 2019, 2020):
        services.campaign_create(actor=council, year=year, criteria_set=version,
                                 units=[services.UnitInput(p.agencies["vp"].pk, "so_nganh")])
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get(CAMPAIGNS).json()) == 4
    detail = f"{CAMPAIGNS}/{campaign.pk}"
    client.get(detail)
    with django_assert_max_num_queries(12) as few:
        client.get(detail)
    services.campaign_publish(actor=council, campaign=campaign, today=PUBLISHED_ON)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(detail).json()["units"]) == 3
