"""/bao-cao/ (issue 18, 8): the reports a person can build, by role, each a link to a page they may open."""

from __future__ import annotations

import lxml.html
import pytest
from django.urls import reverse

from lienthong.assessment.models import AssessmentAuthority, AuthorityKind

pytestmark = pytest.mark.django_db


def links(client, user) -> set[str]:
    client.force_login(user)
    response = client.get("/bao-cao/")
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content.decode())
    return {a.get("href").split("?")[0] for a in doc.xpath("//ul[@class='report-list']//a")}


def test_reports_page_lists_what_each_role_may_build_and_each_link_opens(province, client):
    a, u = province.agencies, province.users
    AssessmentAuthority.objects.create(agency=a["vp"], kind=AuthorityKind.OFFICE)
    AssessmentAuthority.objects.create(agency=a["stttt"], kind=AuthorityKind.COUNCIL)
    overseer = links(client, u["clerk.vp"])
    assert {reverse("oversight:dashboard"), reverse("documents:registers"), reverse("assessment:campaigns"),
            reverse("publicservices:catalogue")} <= overseer
    clerk = links(client, u["clerk.xa"])
    assert reverse("documents:registers") in clerk and reverse("assessment:campaigns") in clerk
    assert reverse("oversight:dashboard") not in clerk  # a commune does not oversee the province
    for href in overseer:
        client.force_login(u["clerk.vp"])
        assert client.get(href).status_code == 200, href
    for href in clerk:
        client.force_login(u["clerk.xa"])
        assert client.get(href).status_code == 200, href


def test_reports_page_needs_a_login(client):
    response = client.get("/bao-cao/")
    assert response.status_code == 302 and "/tai-khoan/" in response["Location"]


def test_reports_page_runs_a_constant_number_of_queries(province, client, django_assert_max_num_queries):
    client.force_login(province.users["clerk.vp"])
    with django_assert_max_num_queries(16):
        assert client.get("/bao-cao/").status_code == 200
