"""The self-assessment form and the review page, as the unit and the Department use them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from lienthong.assessment import services
from lienthong.assessment.models import CampaignState, CriterionValue, Evidence, SelfAssessment
from lienthong.assessment.services import self_assessments
from lienthong.assessment.services.common import NOT_EDITABLE
from lienthong.assessment.services.evidence import NO_FILE
from lienthong.assessment.tests.test_workflow import GOOD, _sa
from lienthong.assessment.views import self_assessments as views
from lienthong.audit.models import AuditEntry
from lienthong.documents.models import StoredFile
from lienthong.testing.builders import pdf_upload


@pytest.fixture
def open_campaign(ranking):
    """The test province's campaign, published today: the deadline is ahead."""
    p, council, version, campaign = ranking
    campaign = services.campaign_publish(actor=council, campaign=campaign, today=timezone.localdate())
    return p, council, campaign


def _url(name, *args):
    return reverse(f"assessment:{name}", args=args)


def _values(sa) -> dict:
    return dict(CriterionValue.objects.filter(self_assessment=sa).values_list("criterion_code", "value"))


def _to_review(council, campaign, sa, user, leader):
    """``user`` (any of the unit's staff) fills it in, ``leader`` sends it (issue 11)."""
    services.self_assessment_save(actor=user, self_assessment=sa, values=GOOD)
    services.self_assessment_submit(actor=leader, self_assessment=sa)
    services.campaign_advance(actor=council, campaign=campaign, to=CampaignState.REVIEW)


# --------------------------------------------------------------------------- who sees what


def test_a_unit_sees_only_its_own_self_assessment(open_campaign, client):
    p, council, campaign = open_campaign
    vp_sa = _sa(campaign, p.agencies["vp"])
    client.force_login(p.users["specialist.vp"])
    page = client.get(_url("self_assessment", vp_sa.pk))
    assert page.status_code == 200
    assert "Văn phòng Ủy ban nhân dân tỉnh Hậu Giang" in page.content.decode()
    assert 'name="v-A1"' in page.content.decode()  # the unit may type
    assert _url("campaign", campaign.pk) in page.content.decode()  # back to the campaign

    for other in ("clerk.huyen", "leader.xa"):  # another unit of the campaign, an agency outside it
        client.force_login(p.users[other])
        assert client.get(_url("self_assessment", vp_sa.pk)).status_code == 404
        assert client.get(_url("review", vp_sa.pk)).status_code == 404
        assert client.post(_url("self_assessment", vp_sa.pk), {"v-A1": "50"}).status_code == 404
    assert _values(vp_sa)["A1"] is None

    client.logout()
    assert client.get(_url("self_assessment", vp_sa.pk)).status_code == 302


@pytest.mark.parametrize("username, form, review", [
    ("leader.huyen", 200, 403), ("clerk.huyen", 200, 403), ("specialist.huyen", 200, 403),
    ("specialist.huyen.noivu", 200, 403),  # a department of the unit: still the unit's people
    ("specialist.stttt", 200, 200),  # the Department (council)
    ("leader.ubnd", 200, 403),  # the approver reads everything
    ("clerk.vp", 200, 403),  # the Office reads everything (and is a unit itself)
    ("leader.xa", 404, 404),  # outside the campaign
])
def test_permission_matrix_of_the_pages(open_campaign, client, username, form, review):
    p, council, campaign = open_campaign
    sa = _sa(campaign, p.agencies["huyen"])
    client.force_login(p.users[username])
    assert client.get(_url("self_assessment", sa.pk)).status_code == form
    assert client.get(_url("review", sa.pk)).status_code == review
    if review != 200:  # nobody but the Department can reopen; nothing changes
        client.post(_url("review", sa.pk), {"action": "reopen", "reason": "Tự mở lại"})
        assert SelfAssessment.objects.get(pk=sa.pk).reopened_at is None


def test_the_department_reads_and_reviews_but_does_not_type(open_campaign, client):
    p, council, campaign = open_campaign
    huyen_sa = _sa(campaign, p.agencies["huyen"])
    client.force_login(council)
    page = client.get(_url("self_assessment", huyen_sa.pk)).content.decode()
    assert 'name="v-A1"' not in page and "chỉ xem" in page
    assert client.get(_url("review", huyen_sa.pk)).status_code == 200
    # a unit member cannot open the review page of its own self-assessment
    client.force_login(p.users["leader.huyen"])
    forbidden = client.get(_url("review", huyen_sa.pk))
    assert forbidden.status_code == 403 and escape(str(views.REVIEW_COUNCIL_ONLY)) in forbidden.content.decode()
    # nor can the Department type the unit's values
    client.force_login(council)
    assert client.post(_url("self_assessment", huyen_sa.pk), {"v-A1": "50"}).status_code == 403
    assert _values(huyen_sa)["A1"] is None


# --------------------------------------------------------------------------- the form


def test_save_partial_then_submit_through_the_form(open_campaign, client):
    p, council, campaign = open_campaign
    sa = _sa(campaign, p.agencies["vp"])
    client.force_login(p.users["specialist.vp"])
    response = client.post(_url("self_assessment", sa.pk), {
        "action": "save", "v-A1": "95,5", "v-A3": "2000", "v-A4": "1", "v-A5": "co", "v-B5": "2", "v-E1": "0",
        "c-A1": "Theo danh sách tài sản 31/12", "v-A2": ""})
    assert response.status_code == 302
    values = _values(sa)
    assert values["A1"] == pytest.approx(0.955) and values["A3"] == 2000 and values["A4"] is True
    assert (values["A5"], values["B5"], values["E1"], values["A2"]) == ("co", 2, False, None)
    assert CriterionValue.objects.get(self_assessment=sa, criterion_code="A1").comment == "Theo danh sách tài sản 31/12"

    page = client.get(_url("self_assessment", sa.pk)).content.decode()
    assert 'value="95,5"' in page and escape(str(views.SAVED)) in page
    assert "Đã nhập 6/" in page

    # the specialist fills it in; the leader sends it (issue 11)
    client.force_login(p.users["leader.vp"])
    response = client.post(_url("self_assessment", sa.pk), {"action": "submit", "v-A2": "90"}, follow=True)
    assert escape(str(views.SUBMITTED)) in response.content.decode()
    sa.refresh_from_db()
    assert sa.state == "submitted" and sa.submitted_by == p.users["leader.vp"]
    assert _values(sa)["A2"] == pytest.approx(0.9)
    # read-only from now on
    page = client.get(_url("self_assessment", sa.pk)).content.decode()
    assert 'name="v-A1"' not in page and "95,5 %" in page
    refused = client.post(_url("self_assessment", sa.pk), {"action": "save", "v-A1": "10"})
    assert refused.status_code == 422 and escape(str(NOT_EDITABLE)) in refused.content.decode()
    assert _values(sa)["A1"] == pytest.approx(0.955)


@pytest.mark.parametrize("field, value, message", [
    ("v-A1", "abc", views.NOT_A_NUMBER),
    ("v-A1", "150", views.PERCENT_RANGE),
    ("v-B5", "-1", views.COUNT_NEGATIVE),
    ("v-B5", "1,5", views.NOT_AN_INTEGER),
    ("v-A5", "tuyet_voi", views.CHOICE_UNKNOWN),
    ("v-A4", "yes", views.YES_OR_NO),
    ("v-A3", "-3", views.FIGURE_NEGATIVE),
])
def test_bad_input_is_refused_and_nothing_saved(open_campaign, client, field, value, message):
    p, council, campaign = open_campaign
    sa = _sa(campaign, p.agencies["vp"])
    client.force_login(p.users["clerk.vp"])
    response = client.post(_url("self_assessment", sa.pk), {"action": "save", "v-A2": "80", field: value,
                                                            "c-A2": "giải trình"})
    assert response.status_code == 422
    page = response.content.decode()
    assert escape(str(message)) in page and escape(str(views.NOT_SAVED)) in page
    assert 'value="80"' in page  # what was typed is shown again
    if field in ("v-A1", "v-A3"):
        assert f'value="{value}"' in page
    assert all(v is None for v in _values(sa).values())
    assert not CriterionValue.objects.filter(self_assessment=sa).exclude(comment="").exists()


def test_best_of_choices_are_checkboxes(ranking, client):
    p, council, version, campaign = ranking
    dti = (Path(__file__).parents[1] / "criteria_sets" / "dti-haugiang-2022.yaml").read_text(encoding="utf-8")
    v2 = services.criteria_set_import(yaml_text=dti, actor=council)
    cs = v2.criteria_set()
    group = cs.groups[0].code
    crit = next(c for cat, c in cs.criteria() if c.rule == "best_of" and cs.applies(cat, c, group))
    c2 = services.campaign_create(actor=council, year=2022, criteria_set=v2,
                                  units=[services.UnitInput(p.agencies["vp"].pk, group)])
    c2 = services.campaign_publish(actor=council, campaign=c2, today=timezone.localdate())
    sa = _sa(c2, p.agencies["vp"])
    client.force_login(p.users["clerk.vp"])
    page = client.get(_url("self_assessment", sa.pk)).content.decode()
    assert f'type="checkbox" name="v-{crit.code}"' in page
    codes = [o.code for o in crit.options[:2]]
    response = client.post(_url("self_assessment", sa.pk), {f"has-{crit.code}": "1", f"v-{crit.code}": codes})
    assert response.status_code == 302
    assert _values(sa)[crit.code] == codes
    client.post(_url("self_assessment", sa.pk), {f"has-{crit.code}": "1"})  # every box unticked clears it
    assert _values(sa)[crit.code] is None


def test_the_measured_value_is_shown_beside_the_reported_one(open_campaign, client):
    p, council, campaign = open_campaign
    services.criterion_values_autofill(campaign=campaign,
                                       indicator=lambda a, key, y: 0.95 if key == "e_doc_share" else None)
    sa = _sa(campaign, p.agencies["vp"])
    services.self_assessment_save(actor=p.users["clerk.vp"], self_assessment=sa, values={"B1": 0.8})
    client.force_login(p.users["clerk.vp"])
    page = client.get(_url("self_assessment", sa.pk)).content.decode()
    block = page[page.index('id="tc-B1"'):page.index('id="tc-B2"')]
    assert "Hệ thống đo được" in block and "95 %" in block and 'value="80"' in block
    assert "chưa có số liệu" in page[page.index('id="tc-B2"'):page.index('id="tc-B3"')]
    assert "Hệ thống đo được" not in page[page.index('id="tc-A1"'):page.index('id="tc-A2"')]


# --------------------------------------------------------------------------- evidence


def test_evidence_upload_refused_type_and_download(open_campaign, client):
    p, council, campaign = open_campaign
    sa = _sa(campaign, p.agencies["vp"])
    cv = sa.values.get(criterion_code="A1")
    client.force_login(p.users["specialist.vp"])
    exe = SimpleUploadedFile("danh-sach.exe", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/octet-stream")
    response = client.post(_url("evidence_upload", sa.pk, cv.pk), {"files": [pdf_upload(), exe]}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("#tc-A1")
    assert "Tiêu chí A1" in page and "danh-sach.exe" in page
    assert not Evidence.objects.exists() and not StoredFile.objects.exists()
    response = client.post(_url("evidence_upload", sa.pk, cv.pk), {}, follow=True)
    assert escape(str(NO_FILE)) in response.content.decode()

    client.post(_url("evidence_upload", sa.pk, cv.pk), {"files": [pdf_upload("danh-sach-may-tinh.pdf")]})
    ev = Evidence.objects.get()
    page = client.get(_url("self_assessment", sa.pk)).content.decode()
    assert "danh-sach-may-tinh.pdf" in page and _url("evidence_download", ev.pk) in page
    download = client.get(_url("evidence_download", ev.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]

    client.force_login(council)  # the Department may read it, but not add to it
    assert client.get(_url("evidence_download", ev.pk)).status_code == 200
    assert client.post(_url("evidence_upload", sa.pk, cv.pk), {"files": [pdf_upload()]}).status_code == 403
    client.force_login(p.users["clerk.huyen"])  # another unit: as if it did not exist
    assert client.get(_url("evidence_download", ev.pk)).status_code == 404
    assert client.post(_url("evidence_upload", sa.pk, cv.pk), {"files": [pdf_upload()]}).status_code == 404
    # a value of another self-assessment through this one's address
    other = _sa(campaign, p.agencies["huyen"]).values.first()
    client.force_login(p.users["specialist.vp"])
    assert client.post(_url("evidence_upload", sa.pk, other.pk), {"files": [pdf_upload()]}).status_code == 404
    assert Evidence.objects.count() == 1


def test_a_unit_takes_back_an_evidence_file_while_it_may_edit(open_campaign, client):
    p, council, campaign = open_campaign
    sa = _sa(campaign, p.agencies["vp"])
    cv = sa.values.get(criterion_code="A1")
    client.force_login(p.users["specialist.vp"])
    client.post(_url("evidence_upload", sa.pk, cv.pk), {"files": [pdf_upload("nham-tep.pdf")]})
    ev = Evidence.objects.get()
    page = client.get(_url("self_assessment", sa.pk)).content.decode()
    assert _url("evidence_delete", ev.pk) in page

    for outsider, status in ((council, 403), (p.users["clerk.huyen"], 404)):  # reads it / does not see it
        client.force_login(outsider)
        assert client.post(_url("evidence_delete", ev.pk)).status_code == status
    assert Evidence.objects.filter(pk=ev.pk).exists()

    client.force_login(p.users["specialist.vp"])
    response = client.post(_url("evidence_delete", ev.pk), follow=True)
    assert response.redirect_chain[-1][0].endswith("#tc-A1")
    assert escape(views.EVIDENCE_REMOVED % {"f": "nham-tep.pdf"}) in response.content.decode()
    assert not Evidence.objects.exists()
    assert AuditEntry.objects.filter(summary__contains="Bỏ tài liệu kiểm chứng nham-tep.pdf").exists()

    # once sent, the file list is frozen
    client.post(_url("evidence_upload", sa.pk, cv.pk), {"files": [pdf_upload("giu-lai.pdf")]})
    kept = Evidence.objects.get()
    services.self_assessment_save(actor=p.users["specialist.vp"], self_assessment=sa, values=GOOD)
    services.self_assessment_submit(actor=p.users["leader.vp"], self_assessment=sa)
    response = client.post(_url("evidence_delete", kept.pk), follow=True)
    assert escape(str(NOT_EDITABLE)) in response.content.decode()
    assert Evidence.objects.filter(pk=kept.pk).exists()
    assert _url("evidence_delete", kept.pk) not in client.get(_url("self_assessment", sa.pk)).content.decode()


# --------------------------------------------------------------------------- deadline and reopening


def test_after_the_deadline_only_a_reopening_lets_the_unit_submit(ranking, client):
    p, council, version, campaign = ranking
    campaign = services.campaign_publish(actor=council, campaign=campaign,
                                         today=timezone.localdate() - dt.timedelta(days=60))
    sa = _sa(campaign, p.agencies["vp"])
    client.force_login(p.users["leader.vp"])
    page = client.get(_url("self_assessment", sa.pk)).content.decode()
    assert "Đã quá hạn tự đánh giá" in page and 'value="submit"' not in page
    response = client.post(_url("self_assessment", sa.pk), {"action": "submit", "v-A1": "70"})
    refusal = self_assessments.PAST_DEADLINE % {"d": f"{campaign.deadline:%d/%m/%Y}"}
    assert response.status_code == 422 and escape(refusal) in response.content.decode()
    sa.refresh_from_db()
    assert sa.state == "draft" and _values(sa)["A1"] is None  # nothing of the refused click kept

    client.force_login(council)
    response = client.post(_url("review", sa.pk), {"action": "reopen", "reason": "  "})
    assert response.status_code == 422
    assert escape(str(self_assessments.REOPEN_REASON_REQUIRED)) in response.content.decode()
    assert SelfAssessment.objects.get(pk=sa.pk).state == "draft"
    client.post(_url("review", sa.pk), {"action": "reopen", "reason": "Công văn số 12/VP xin gia hạn 3 ngày"})
    sa.refresh_from_db()
    assert sa.state == "reopened" and sa.reopened_by == council
    assert AuditEntry.objects.filter(object_type="self_assessment", object_id=str(sa.pk),
                                     summary__contains="Công văn số 12/VP").exists()

    client.force_login(p.users["leader.vp"])
    page = client.get(_url("self_assessment", sa.pk)).content.decode()
    assert "Công văn số 12/VP xin gia hạn" in page and 'value="submit"' in page
    client.post(_url("self_assessment", sa.pk), {"action": "submit", "v-A1": "70"})
    sa.refresh_from_db()
    assert sa.state == "submitted" and _values(sa)["A1"] == pytest.approx(0.7)


# --------------------------------------------------------------------------- review and confirmation


def test_review_send_back_confirm_and_finish_through_the_pages(open_campaign, client):
    p, council, campaign = open_campaign
    sa = _sa(campaign, p.agencies["vp"])
    _to_review(council, campaign, sa, p.users["specialist.vp"], p.users["leader.vp"])
    client.force_login(council)
    page = client.get(_url("review", sa.pk)).content.decode()
    assert 'name="d-A1"' in page and "Hoàn thành thẩm định" in page

    # a send back without a note is refused, nothing sent back
    response = client.post(_url("review", sa.pk), {"action": "send_back", "d-A1": "back", "n-A1": "",
                                                   "d-A2": "back", "n-A2": "Gửi hợp đồng bản quyền"})
    assert response.status_code == 422
    assert escape(str(self_assessments.SEND_BACK_NOTE_REQUIRED)) in response.content.decode()
    assert not CriterionValue.objects.filter(self_assessment=sa, review_status="sent_back").exists()
    # nothing chosen
    response = client.post(_url("review", sa.pk), {"action": "send_back", "d-A1": "ok"})
    assert response.status_code == 422 and escape(str(views.NOTHING_SENT_BACK)) in response.content.decode()
    # finishing while a send back is chosen but not sent
    response = client.post(_url("review", sa.pk), {"action": "confirm", "d-A1": "back", "n-A1": "x"})
    assert response.status_code == 422
    assert SelfAssessment.objects.get(pk=sa.pk).state == "submitted"

    client.post(_url("review", sa.pk), {"action": "send_back", "d-A1": "back",
                                        "n-A1": "Đề nghị gửi danh sách máy tính kèm theo."})
    sa.refresh_from_db()
    assert sa.state == "sent_back"
    # cannot finish while the unit has not answered
    response = client.post(_url("review", sa.pk), {"action": "confirm", "d-A1": "back"})
    assert response.status_code == 422
    assert escape(str(self_assessments.CONFIRMATIONS_PENDING)) in response.content.decode()

    # the unit sees the note and its leader confirms with a corrected value (a specialist may not: issue 11)
    client.force_login(p.users["specialist.vp"])
    page = client.get(_url("self_assessment", sa.pk)).content.decode()
    assert "Đề nghị gửi danh sách máy tính kèm theo." in page and "Xác nhận số liệu" not in page
    assert client.post(_url("confirm_value", sa.pk, sa.values.get(criterion_code="A1").pk),
                       {"v-A1": "92"}).status_code == 403
    client.force_login(p.users["leader.vp"])
    page = client.get(_url("self_assessment", sa.pk)).content.decode()
    assert "Đề nghị gửi danh sách máy tính kèm theo." in page and "Xác nhận số liệu" in page
    cv = sa.values.get(criterion_code="A1")
    bad = client.post(_url("confirm_value", sa.pk, cv.pk), {"v-A1": "200"}, follow=True)
    assert escape(str(views.PERCENT_RANGE)) in bad.content.decode()
    cv.refresh_from_db()
    assert cv.review_status == "sent_back"
    client.force_login(p.users["clerk.huyen"])
    assert client.post(_url("confirm_value", sa.pk, cv.pk), {"v-A1": "90"}).status_code == 404
    client.force_login(p.users["leader.vp"])
    client.post(_url("confirm_value", sa.pk, cv.pk), {"v-A1": "92", "c-A1": "Đã bổ sung danh sách."})
    cv.refresh_from_db()
    sa.refresh_from_db()
    assert (cv.review_status, cv.value, cv.comment) == ("confirmed", pytest.approx(0.92), "Đã bổ sung danh sách.")
    assert sa.state == "submitted"

    client.force_login(council)
    response = client.post(_url("review", sa.pk), {"action": "confirm", "d-A1": "ok"}, follow=True)
    assert escape(views.REVIEW_DONE % {"u": p.agencies["vp"].name}) in response.content.decode()
    sa.refresh_from_db()
    assert sa.state == "confirmed"
    assert sa.values.get(criterion_code="A2").review_status == "ok"
    # once confirmed: no more review actions and no reopening
    page = client.get(_url("review", sa.pk)).content.decode()
    assert 'name="d-A1"' not in page and 'value="reopen"' not in page


# --------------------------------------------------------------------------- query counts


def test_pages_run_the_same_queries_however_much_evidence(open_campaign, client, django_assert_max_num_queries):
    p, council, campaign = open_campaign
    sa = _sa(campaign, p.agencies["vp"])
    user = p.users["specialist.vp"]
    services.evidence_add(actor=user, criterion_value=sa.values.get(criterion_code="A1"), uploads=[pdf_upload()])
    client.force_login(council)
    client.get(_url("review", sa.pk))
    client.force_login(user)
    client.get(_url("self_assessment", sa.pk))
    with django_assert_max_num_queries(40) as few:
        client.get(_url("self_assessment", sa.pk))
    for code in ("A2", "A3", "B1", "B2", "C1", "D1", "E1", "F1"):
        services.evidence_add(actor=user, criterion_value=sa.values.get(criterion_code=code),
                              uploads=[pdf_upload(f"{code}.pdf", code), pdf_upload(f"{code}-2.pdf", code + "b")])
    services.self_assessment_save(actor=user, self_assessment=sa, values=GOOD)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(_url("self_assessment", sa.pk))
    assert page.content.decode().count('class="sa-file"') == 17

    client.force_login(council)
    with django_assert_max_num_queries(40) as review_queries:
        client.get(_url("review", sa.pk))
    for code in ("A4", "A5"):
        services.evidence_add(actor=user, criterion_value=sa.values.get(criterion_code=code),
                              uploads=[pdf_upload(f"{code}.pdf", code)])
    with django_assert_max_num_queries(len(review_queries.captured_queries)):
        client.get(_url("review", sa.pk))


def test_a_decimal_typed_with_a_comma_comes_back_with_a_comma(open_campaign, client):
    """Issue 18, 5: "85,5" was stored as 85.5 % but shown again as "85.5"."""
    p, council, campaign = open_campaign
    vp_sa = _sa(campaign, p.agencies["vp"])
    client.force_login(p.users["specialist.vp"])
    client.post(_url("self_assessment", vp_sa.pk), {"v-A1": "85,5"})
    assert _values(vp_sa)["A1"] == pytest.approx(0.855)
    page = client.get(_url("self_assessment", vp_sa.pk)).content.decode()
    assert 'value="85,5"' in page and 'value="85.5"' not in page
