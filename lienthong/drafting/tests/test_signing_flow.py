"""Digital signatures on the draft pages and through the API: the chairman sees "Ký số (mã PIN)" next to
paper when he has a certificate, signs with his PIN; the văn thư applies the district's signature; a
wrong PIN is shown next to the PIN field and changes nothing; a văn thư at the signing step is offered
paper only; the USB-token method shows the command to run."""

from __future__ import annotations

import json

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse

from lienthong.accounts.services import api_token_issue
from lienthong.drafting import services
from lienthong.drafting.models import DraftFile, DraftState
from lienthong.signing.credentials import WRONG_PIN
from lienthong.signing.tests.flow_setup import AGENCY_PIN, PERSONAL_PIN, add_credential, draft_at_signing

pytestmark = pytest.mark.django_db


def detail(client, draft):
    response = client.get(reverse("drafting:detail", args=[draft.pk]))
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def method_choices(page, action):
    return {i.get("value"): " ".join(i.getparent().text_content().split())
            for i in page.xpath(f"//form[contains(@class, 'action-{action}')]//input[@name='{action}-method']")}


def test_sign_and_seal_with_the_pin_through_the_pages(client, province):
    p = province
    add_credential(user=p.users["leader.huyen"])
    add_credential(agency=p.agencies["huyen"], pin=AGENCY_PIN)
    draft = draft_at_signing(p)
    client.force_login(p.users["leader.huyen"])
    page = detail(client, draft)
    assert set(method_choices(page, "sign")) == {"paper", "pades"}
    assert page.xpath("//form[contains(@class, 'action-sign')]//input[@type='password'][@name='sign-pin']")

    url = reverse("drafting:act", args=[draft.pk, "sign"])
    response = client.post(url, {"sign-method": "pades", "sign-pin": "000000"})
    assert response.status_code == 422
    errors = lxml.html.fromstring(response.content.decode()).xpath(
        "//form[contains(@class, 'action-sign')]//p[@class='error']")
    assert [e.text_content() for e in errors] == [str(WRONG_PIN)]
    draft.refresh_from_db()
    assert draft.state == DraftState.SIGNING and not DraftFile.objects.filter(draft=draft, role="signed").exists()

    response = client.post(url, {"sign-method": "pades", "sign-pin": PERSONAL_PIN})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == DraftState.TO_NUMBER

    client.force_login(p.users["clerk.huyen"])
    services.draft_number(actor=p.users["clerk.huyen"], draft=draft)
    page = detail(client, draft)
    assert set(method_choices(page, "seal")) == {"paper", "pades"}
    response = client.post(reverse("drafting:act", args=[draft.pk, "seal"]),
                           {"seal-method": "pades", "seal-pin": AGENCY_PIN, "seal-issue": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == DraftState.ISSUED
    assert DraftFile.objects.filter(draft=draft, role="sealed").count() == 2
    page = detail(client, draft)
    assert not page.xpath("//form[contains(@class, 'action-upload')]")  # frozen: no new version or attachment


def test_a_clerk_at_the_signing_step_is_offered_paper_only(client, province):
    p = province
    add_credential(user=p.users["leader.huyen"])
    add_credential(user=p.users["clerk.huyen"])
    draft = draft_at_signing(p)
    client.force_login(p.users["clerk.huyen"])
    page = detail(client, draft)
    assert not page.xpath("//form[contains(@class, 'action-sign')]//input[@name='sign-pin']")
    response = client.post(reverse("drafting:act", args=[draft.pk, "sign"]), {"sign-method": "pades",
                                                                               "sign-pin": PERSONAL_PIN})
    assert response.status_code == 422
    draft.refresh_from_db()
    assert draft.state == DraftState.SIGNING


def test_the_token_method_shows_the_command_to_run(client, province):
    p = province
    add_credential(user=p.users["leader.huyen"], custody_mode="remote")
    draft = draft_at_signing(p)
    client.force_login(p.users["leader.huyen"])
    page = detail(client, draft)
    choices = method_choices(page, "sign")
    assert set(choices) == {"paper", "remote"} and choices["remote"] == "Ký số bằng USB token"
    command = page.xpath(
        "//form[contains(@class, 'action-sign')]//*[contains(@class, 'remote-signing')]//code")[0].text_content()
    assert f"--draft {draft.pk} --step sign" in command and "--username leader.huyen" in command


def test_sign_and_seal_with_the_pin_through_the_api(province):
    p = province
    add_credential(user=p.users["leader.huyen"])
    add_credential(agency=p.agencies["huyen"], pin=AGENCY_PIN)
    draft = draft_at_signing(p)

    def call(username, path, data, **kw):
        token = api_token_issue(user=p.users[username])
        return Client().post(f"/api/drafts/{draft.pk}/{path}", data, HTTP_AUTHORIZATION=f"Bearer {token}", **kw)

    response = call("leader.huyen", "sign", {"method": "pades", "pin": "000000"})
    assert response.status_code == 422
    assert json.loads(response.content)["errors"] == {"pin": [str(WRONG_PIN)]}
    response = call("leader.huyen", "sign", {"method": "pades", "pin": PERSONAL_PIN})
    assert response.status_code == 200, response.content
    assert json.loads(response.content)["state"] == "to_number"
    assert call("clerk.huyen", "number", "{}", content_type="application/json").status_code == 200
    response = call("clerk.huyen", "seal", {"method": "pades", "pin": AGENCY_PIN, "issue": "true"})
    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    assert body["state"] == "issued"
    assert sorted(f["role"] for f in body["files"]).count("sealed") == 2
