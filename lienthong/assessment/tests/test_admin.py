"""The admin editor of criteria sets and the read-only admin of campaigns, for system administrators."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from lienthong.accounts.services import user_create
from lienthong.assessment import services
from lienthong.assessment.admin import FROZEN_READ_ONLY, VERSION_EXISTS
from lienthong.assessment.criteria.loading import AT
from lienthong.assessment.models import (
    Adjustment,
    AssessmentAuthority,
    AuthorityKind,
    CampaignState,
    CriteriaSetVersion,
)
from lienthong.assessment.services.criteria_sets import CODE_OR_VERSION_CHANGED
from lienthong.assessment.tests.test_workflow import MIC
from lienthong.audit.models import AuditEntry
from lienthong.testing.builders import PASSWORD


@pytest.fixture
def admin_client(client, db):
    client.force_login(user_create(username="quantri", password=PASSWORD, full_name="Quản trị hệ thống",
                                   is_system_admin=True))
    return client


def _add_url():
    return reverse("admin:assessment_criteriasetversion_add")


def _change_url(pk):
    return reverse("admin:assessment_criteriasetversion_change", args=[pk])


def test_only_system_administrators_reach_the_ranking_admin(client, province):
    client.force_login(province.users["leader.stttt"])
    response = client.get(reverse("admin:assessment_criteriasetversion_changelist"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_criteria_set_is_imported_from_yaml_and_errors_name_line_and_field(admin_client, province):
    bad = MIC.replace("rule: ratio_to_best", "rule: ratio_best", 1)
    response = admin_client.post(_add_url(), {"yaml_text": bad})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["yaml_text"]
    assert any(m.startswith(AT % {"line": 41, "field": "rule", "msg": ""}) for m in errors)
    assert not CriteriaSetVersion.objects.exists()

    response = admin_client.post(_add_url(), {"yaml_text": MIC})
    assert response.status_code == 302
    row = CriteriaSetVersion.objects.get()
    assert (row.code, row.version, row.yaml_text) == ("mic-2017-default", 1, MIC)
    assert AuditEntry.objects.filter(object_type="criteria_set", object_id=str(row.pk)).exists()

    # the same code and version again is refused (edit that one, or raise the version)
    response = admin_client.post(_add_url(), {"yaml_text": MIC})
    assert response.context["adminform"].form.errors["yaml_text"] == [
        VERSION_EXISTS % {"code": "mic-2017-default", "v": 1}]


def test_an_unfrozen_version_is_edited_and_keeps_its_code_and_version(admin_client, province):
    row = services.criteria_set_import(yaml_text=MIC, actor=user_create(
        username="qt2", password=PASSWORD, full_name="QT", is_system_admin=True))
    page = admin_client.get(_change_url(row.pk))
    assert page.status_code == 200 and b"<textarea" in page.content
    edited = MIC.replace('name: "Bộ tiêu chí đánh giá', 'name: "Bộ tiêu chí (sửa) đánh giá', 1)
    response = admin_client.post(_change_url(row.pk), {"yaml_text": edited})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.name.startswith("Bộ tiêu chí (sửa)") and row.yaml_text == edited
    response = admin_client.post(_change_url(row.pk), {"yaml_text": edited.replace("  version: 1", "  version: 2", 1)})
    assert response.context["adminform"].form.errors["yaml_text"] == [str(CODE_OR_VERSION_CHANGED)]
    assert CriteriaSetVersion.objects.count() == 1


def test_a_frozen_version_is_read_only_with_a_clear_message(admin_client, ranking):
    p, council, version, campaign = ranking
    page = admin_client.get(_change_url(version.pk), follow=True)
    assert page.status_code == 200
    assert b"<textarea" not in page.content
    assert escape(str(FROZEN_READ_ONLY)) in page.content.decode()
    edited = MIC.replace('name: "Bộ tiêu chí đánh giá', 'name: "Bộ tiêu chí (sửa) đánh giá', 1)
    assert admin_client.post(_change_url(version.pk), {"yaml_text": edited}).status_code == 403
    assert CriteriaSetVersion.objects.get(pk=version.pk).yaml_text == MIC


def test_authorities_are_declared_and_campaign_data_is_read_only(admin_client, ranking):
    p, council, version, campaign = ranking
    AssessmentAuthority.objects.filter(kind=AuthorityKind.OFFICE).delete()
    response = admin_client.post(reverse("admin:assessment_assessmentauthority_add"),
                                 {"agency": p.agencies["vp"].pk, "kind": AuthorityKind.OFFICE})
    assert response.status_code == 302
    assert AssessmentAuthority.objects.filter(agency=p.agencies["vp"], kind=AuthorityKind.OFFICE).exists()

    services.campaign_publish(actor=council, campaign=campaign)
    campaign.refresh_from_db()
    campaign.state = CampaignState.COUNCIL
    campaign.save(update_fields=["state"])
    unit = campaign.units.get(agency=p.agencies["vp"])
    services.council_adjust(actor=council, campaign_unit=unit, criterion_code="A1", new_points=1, reason="Sai số liệu")
    for model in ("campaign", "campaignunit", "adjustment", "result"):
        assert admin_client.get(reverse(f"admin:assessment_{model}_add")).status_code == 403
        assert admin_client.get(reverse(f"admin:assessment_{model}_changelist")).status_code == 200
    adj = Adjustment.objects.get()
    page = admin_client.get(reverse("admin:assessment_adjustment_change", args=[adj.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert admin_client.post(reverse("admin:assessment_adjustment_change", args=[adj.pk]),
                             {"reason": "", "new_points": 5}).status_code == 403
    assert admin_client.post(reverse("admin:assessment_adjustment_delete", args=[adj.pk]),
                             {"post": "yes"}).status_code == 403
    assert Adjustment.objects.get().reason == "Sai số liệu"
