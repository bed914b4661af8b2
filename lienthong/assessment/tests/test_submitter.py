"""Who may send a unit's self-assessment (issue 11, defect 10).

The unit's staff fill it in; sending it to the Department is an official act of the unit, as the signed
paper form was: its leader sends it, or its văn thư on a named leader's behalf (recorded as such in the
audit trail and on the self-assessment). The same holds for confirming a value the Department sent back,
since confirming the last one sends the self-assessment back to the Department.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from lienthong.assessment import services
from lienthong.assessment.models import CampaignState, ReviewStatus, SelfAssessment
from lienthong.assessment.services.common import ON_BEHALF_LEADER_REQUIRED, ON_BEHALF_NOT_A_LEADER, SIGNATORY_HINT
from lienthong.assessment.tests.test_workflow import GOOD, _sa
from lienthong.audit.models import AuditEntry
from lienthong.core.errors import PermissionDenied, ValidationFailed
from lienthong.drafting.tests.test_api import as_user

HINT = str(SIGNATORY_HINT)


@pytest.fixture
def open_campaign(ranking):
    p, council, version, campaign = ranking
    campaign = services.campaign_publish(actor=council, campaign=campaign, today=timezone.localdate())
    return p, council, campaign


def _filled(p, campaign, key="huyen"):
    sa = _sa(campaign, p.agencies[key])
    services.self_assessment_save(actor=p.users[f"specialist.{key}"], self_assessment=sa, values=GOOD)
    return sa


def _url(sa):
    return reverse("assessment:self_assessment", args=[sa.pk])


# --------------------------------------------------------------------------- the service


@pytest.mark.parametrize("username", ["specialist.huyen", "leader.huyen.noivu", "specialist.huyen.noivu"])
def test_staff_may_fill_in_but_not_send(open_campaign, username):
    """A specialist (or the head of one department: not a leader of the unit) saves values, never sends."""
    p, council, campaign = open_campaign
    sa = _filled(p, campaign)
    services.self_assessment_save(actor=p.users[username], self_assessment=sa, values={"A1": 0.5})
    with pytest.raises(PermissionDenied) as exc:
        services.self_assessment_submit(actor=p.users[username], self_assessment=sa)
    assert exc.value.message == HINT
    sa.refresh_from_db()
    assert (sa.state, sa.submitted_by, sa.submitted_at) == ("draft", None, None)
    assert not AuditEntry.objects.filter(object_type="self_assessment", action="sent").exists()


def test_the_leader_sends_in_own_name(open_campaign):
    p, council, campaign = open_campaign
    sa = _filled(p, campaign)
    services.self_assessment_submit(actor=p.users["leader.huyen"], self_assessment=sa)
    sa.refresh_from_db()
    assert (sa.state, sa.submitted_by, sa.submitted_for) == ("submitted", p.users["leader.huyen"], None)
    entry = AuditEntry.objects.get(object_type="self_assessment", action="sent")
    assert "nộp thay" not in entry.summary


def test_the_clerk_sends_on_a_named_leaders_behalf(open_campaign):
    p, council, campaign = open_campaign
    u = p.users
    sa = _filled(p, campaign)
    with pytest.raises(ValidationFailed) as exc:  # which leader: never guessed
        services.self_assessment_submit(actor=u["clerk.huyen"], self_assessment=sa)
    assert exc.value.errors == {"on_behalf_of": [str(ON_BEHALF_LEADER_REQUIRED)]}
    for not_a_leader in ("specialist.huyen", "leader.huyen.noivu", "leader.vp"):
        with pytest.raises(ValidationFailed) as exc:
            services.self_assessment_submit(actor=u["clerk.huyen"], self_assessment=sa,
                                            on_behalf_of=u[not_a_leader].pk)
        assert exc.value.errors == {"on_behalf_of": [str(ON_BEHALF_NOT_A_LEADER)]}
    assert SelfAssessment.objects.get(pk=sa.pk).state == "draft"

    services.self_assessment_submit(actor=u["clerk.huyen"], self_assessment=sa, on_behalf_of=u["leader.huyen"].pk)
    sa.refresh_from_db()
    assert (sa.state, sa.submitted_by, sa.submitted_for) == ("submitted", u["clerk.huyen"], u["leader.huyen"])
    entry = AuditEntry.objects.get(object_type="self_assessment", action="sent")
    assert "văn thư Văn thư huyen nộp thay lãnh đạo Lãnh đạo huyen" in entry.summary
    assert entry.details["on_behalf_of"] == u["leader.huyen"].pk


def _sent_back(p, council, campaign):
    sa = _filled(p, campaign)
    services.self_assessment_submit(actor=p.users["leader.huyen"], self_assessment=sa)
    services.campaign_advance(actor=council, campaign=campaign, to=CampaignState.REVIEW)
    cv = sa.values.get(criterion_code="A1")
    services.review_send_back(actor=council, criterion_value=cv, note="Đề nghị cung cấp danh sách máy tính")
    return sa, cv


def test_confirming_a_sent_back_value_is_the_leaders_too(open_campaign):
    """Confirming the last value sent back sends the self-assessment back to the Department."""
    p, council, campaign = open_campaign
    u = p.users
    sa, cv = _sent_back(p, council, campaign)
    with pytest.raises(PermissionDenied) as exc:
        services.criterion_confirm(actor=u["specialist.huyen"], criterion_value=cv, value=0.9)
    assert exc.value.message == HINT
    with pytest.raises(ValidationFailed):
        services.criterion_confirm(actor=u["clerk.huyen"], criterion_value=cv, value=0.9)
    cv.refresh_from_db()
    assert (cv.review_status, cv.value) == (ReviewStatus.SENT_BACK, 1)

    services.criterion_confirm(actor=u["clerk.huyen"], criterion_value=cv, value=0.9,
                               on_behalf_of=u["leader.huyen"].pk)
    cv.refresh_from_db()
    assert (cv.review_status, cv.confirmed_by, cv.confirmed_for) == (
        ReviewStatus.CONFIRMED, u["clerk.huyen"], u["leader.huyen"])
    assert SelfAssessment.objects.get(pk=sa.pk).state == "submitted"
    assert AuditEntry.objects.filter(summary__contains="nộp thay lãnh đạo Lãnh đạo huyen",
                                     summary__startswith="Đơn vị xác nhận tiêu chí A1").exists()


# --------------------------------------------------------------------------- the page


def test_the_page_hides_the_send_button_from_staff_and_explains_why(open_campaign, client):
    p, council, campaign = open_campaign
    sa = _filled(p, campaign)
    client.force_login(p.users["specialist.huyen"])
    page = client.get(_url(sa)).content.decode()
    assert 'name="v-A1"' in page  # still fills it in
    assert 'value="submit"' not in page and HINT in page
    response = client.post(_url(sa), {"action": "submit", "v-A1": "70"})
    assert response.status_code == 403 and HINT in response.content.decode()
    sa.refresh_from_db()
    assert sa.state == "draft" and sa.values.get(criterion_code="A1").value == 1  # nothing of the click kept

    client.force_login(p.users["leader.huyen"])
    page = client.get(_url(sa)).content.decode()
    assert 'value="submit"' in page and HINT not in page and 'name="on_behalf_of"' not in page


def test_the_clerk_picks_the_leader_on_the_page_and_the_page_says_so(open_campaign, client):
    p, council, campaign = open_campaign
    u = p.users
    sa = _filled(p, campaign)
    client.force_login(u["clerk.huyen"])
    page = client.get(_url(sa)).content.decode()
    assert 'value="submit"' in page and 'name="on_behalf_of"' in page
    assert f'value="{u["leader.huyen"].pk}"' in page and f'value="{u["leader.huyen.noivu"].pk}"' not in page

    response = client.post(_url(sa), {"action": "submit", "on_behalf_of": ""})
    assert response.status_code == 422
    assert str(ON_BEHALF_LEADER_REQUIRED) in response.content.decode()
    assert SelfAssessment.objects.get(pk=sa.pk).state == "draft"

    response = client.post(_url(sa), {"action": "submit", "on_behalf_of": str(u["leader.huyen"].pk)}, follow=True)
    assert response.status_code == 200
    sa.refresh_from_db()
    assert (sa.state, sa.submitted_for) == ("submitted", u["leader.huyen"])
    page = " ".join(response.content.decode().split())
    assert "văn thư Văn thư huyen nộp thay lãnh đạo Lãnh đạo huyen" in page


# --------------------------------------------------------------------------- the API


def _post(client, path, data=None):
    return client.post(path, json.dumps(data or {}), content_type="application/json")


def test_the_api_follows_the_same_rule(open_campaign):
    p, council, campaign = open_campaign
    u = p.users
    sa = _filled(p, campaign)
    path = f"/api/assessment/self-assessments/{sa.pk}/submit"
    got = as_user(u["specialist.huyen"]).get(f"/api/assessment/self-assessments/{sa.pk}").json()
    assert (got["editable"], got["can_submit"]) == (True, False)
    refused = _post(as_user(u["specialist.huyen"]), path)
    assert (refused.status_code, refused.json()["message"]) == (403, HINT)
    missing = _post(as_user(u["clerk.huyen"]), path)
    assert missing.status_code == 422 and "on_behalf_of" in missing.json()["errors"]
    assert SelfAssessment.objects.get(pk=sa.pk).state == "draft"

    done = _post(as_user(u["clerk.huyen"]), path, {"on_behalf_of_id": u["leader.huyen"].pk})
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["state"], body["submitted_by"]["id"], body["submitted_for"]["id"]) == (
        "submitted", u["clerk.huyen"].pk, u["leader.huyen"].pk)
