"""The draft pages as their users meet them: a district report drafted by a department specialist,
checked by the department head, format-checked by the văn thư, approved and signed by the chairman,
numbered, sealed and issued, all through the web pages; who sees which buttons; the errors shown
next to the forms; lists whose query count does not grow with the data."""

from __future__ import annotations

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lienthong.audit.models import AuditEntry
from lienthong.delivery.models import Delivery, DeliveryState
from lienthong.delivery.selectors import CHOSEN_TWICE
from lienthong.delivery.services import recipient_list_save
from lienthong.documents.models import StoredFile
from lienthong.drafting import forms, services, views
from lienthong.drafting.models import Draft, DraftComment, DraftFile, DraftState
from lienthong.files import checks
from lienthong.testing.builders import doc_type, pdf_upload, tiny_pdf

pytestmark = pytest.mark.django_db
CREATE = reverse("drafting:create")
LIST = reverse("drafting:list")


def detail_url(draft) -> str:
    return reverse("drafting:detail", args=[draft.pk])


def act_url(draft, action: str) -> str:
    return reverse("drafting:act", args=[draft.pk, action])


def html(response):
    return lxml.html.fromstring(response.content.decode())


def text_of(response) -> str:
    return " ".join(html(response).text_content().split())


def action_buttons(response) -> set[str]:
    """The steps offered on the draft page: the action part of every form posting to the draft."""
    actions = html(response).xpath("//form[contains(@action, '/thao-tac/')]/@action")
    return {a.rstrip("/").rsplit("/", 1)[-1] for a in actions}


def errors_in_form(response, action: str) -> list[str]:
    form = html(response).xpath(f"//form[contains(@action, '/thao-tac/{action}/')]")
    assert len(form) == 1, f"no form for {action}"
    return [" ".join(e.text_content().split()) for e in form[0].xpath(
        ".//p[contains(@class,'error')] | .//div[@class='form-errors']/p")]


def scan(name="scan.pdf", text="Da ky"):
    return SimpleUploadedFile(name, tiny_pdf(text), content_type="application/pdf")


def create_post(p, **overrides):
    u, a = p.users, p.agencies
    data = {
        "agency": a["huyen"].pk, "document_type": doc_type("bao-cao").pk,
        "subject": "Báo cáo kết quả cải cách hành chính quý I", "urgency": "normal", "secrecy": "normal",
        "unit": p.units["noivu"].pk, "unit_abbreviation": "NV", "reviewer": u["leader.huyen.noivu"].pk,
        "signer": u["leader.huyen"].pk, "signer_authority": "", "signer_position": "Chủ tịch",
        "recipients": [a["ubnd"].pk, a["xa"].pk], "extra_recipients": "Lưu: VT, NV",
        "relation_kind": "", "related_document": "",
        "file": scan("du-thao.pdf", "Du thao bao cao"), "attachments": [scan("phu-luc.pdf", "Phu luc")],
    }
    data.update(overrides)
    return data


def make_draft(p, *, reviewer=True, author="specialist.huyen.noivu", **kw) -> Draft:
    u = p.users
    data = services.DraftInput(
        document_type=doc_type("bao-cao"), subject=kw.pop("subject", "Báo cáo tình hình thực hiện nhiệm vụ"),
        signer_id=u["leader.huyen"].pk, reviewer_id=u["leader.huyen.noivu"].pk if reviewer else None,
        recipient_ids=[p.agencies["xa"].pk], files=[pdf_upload("du-thao.pdf", "Du thao")], **kw)
    return services.draft_create(actor=u[author], agency=p.agencies["huyen"], data=data)


def login(client, p, username):
    client.force_login(p.users[username])
    return client


# --- The whole flow through the pages -------------------------------------------------------------

def test_outgoing_flow_through_the_pages_ends_with_delivery(client, province):
    p = province
    login(client, p, "specialist.huyen.noivu")
    form_page = client.get(CREATE)
    assert form_page.status_code == 200
    # The form starts from the drafter's department and its head as the content reviewer.
    page = html(form_page)
    assert page.xpath("//select[@name='unit']/option[@selected]/@value") == [str(p.units["noivu"].pk)]
    assert page.xpath("//select[@name='reviewer']/option[@selected]/@value") == [str(p.users["leader.huyen.noivu"].pk)]

    response = client.post(CREATE, create_post(p))
    draft = Draft.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(draft)
    assert draft.state == DraftState.DRAFTING
    assert [r.agency_id for r in draft.recipients.all()] == [p.agencies["ubnd"].pk, p.agencies["xa"].pk]
    assert draft.recipients_text == ("Nơi nhận:\n- Ủy ban nhân dân tỉnh Hậu Giang;\n"
                                     "- Ủy ban nhân dân xã Vị Thắng;\n- Lưu: VT, NV.")
    page = client.get(detail_url(draft))
    assert str(views.SAVED) in text_of(page)
    assert action_buttons(page) == {"submit", "upload", "abandon", "comment"}
    assert "Lưu: VT, NV." in text_of(page)

    assert client.post(act_url(draft, "submit"), {"submit-note": "Kính trình"}).status_code == 302
    draft.refresh_from_db()
    assert draft.state == DraftState.CONTENT_REVIEW

    login(client, p, "leader.huyen.noivu")
    page = client.get(detail_url(draft))
    assert action_buttons(page) == {"content_ok", "upload", "return", "comment"}
    client.post(act_url(draft, "content_ok"), {"content_ok-note": ""})

    login(client, p, "clerk.huyen")
    assert action_buttons(client.get(detail_url(draft))) == {"format_ok", "upload", "return", "comment"}
    client.post(act_url(draft, "format_ok"), {})

    login(client, p, "leader.huyen")
    page = client.get(detail_url(draft))
    assert action_buttons(page) == {"approve_sign", "approve", "upload", "return", "comment"}
    client.post(act_url(draft, "approve"), {"approve-urgency": "urgent", "approve-note": "Đồng ý"})
    draft.refresh_from_db()
    assert (draft.state, draft.urgency) == (DraftState.SIGNING, "urgent")

    # Signed on paper: the văn thư attaches the scan for the chairman.
    login(client, p, "clerk.huyen")
    assert action_buttons(client.get(detail_url(draft))) == {"sign", "comment"}
    client.post(act_url(draft, "sign"), {"sign-method": "paper", "sign-files": scan("da-ky.pdf")})
    draft.refresh_from_db()
    assert draft.state == DraftState.TO_NUMBER

    response = client.post(act_url(draft, "number"), {"number-register": ""}, follow=True)
    draft.refresh_from_db()
    assert draft.state == DraftState.TO_SEAL
    assert draft.document.number_symbol == "01/BC-UBND"
    assert views.NUMBERED % {"s": "01/BC-UBND"} in text_of(response)

    # The draft is urgent: "issue at once" is ticked already.
    page = html(client.get(detail_url(draft)))
    assert page.xpath("//input[@name='seal-issue']/@checked") == ["checked"]
    response = client.post(act_url(draft, "seal"), {"seal-method": "paper", "seal-issue": "on",
                                                    "seal-files": scan("dong-dau.pdf", "Dong dau")}, follow=True)
    draft.refresh_from_db()
    assert draft.state == DraftState.ISSUED
    assert str(views.SEALED_AND_ISSUED) in text_of(response)
    deliveries = Delivery.objects.filter(document=draft.document).order_by("id")
    assert [(d.recipient_agency_id, d.state, d.is_urgent) for d in deliveries] == [
        (p.agencies["ubnd"].pk, DeliveryState.ARRIVED, True), (p.agencies["xa"].pk, DeliveryState.ARRIVED, True)]
    # The issued draft's page shows no step any more, the whole history, and the tracking panel.
    assert action_buttons(response) == set()
    history = text_of(response)
    for label in ("Trình", "Đồng ý nội dung", "Đạt thể thức", "Duyệt", "Ký", "Cấp số", "Đóng dấu", "Phát hành"):
        assert label in history
    assert "Tình hình gửi và xử lý tại nơi nhận" in history
    # The sealed scan is the original of the document.
    assert [f.role for f in DraftFile.objects.filter(draft=draft).order_by("id")] == [
        "draft", "attachment", "signed", "sealed"]


def test_save_and_submit_in_one_go(client, province):
    login(client, province, "specialist.huyen.noivu")
    client.post(CREATE, create_post(province, save_submit="1"))
    assert Draft.objects.get().state == DraftState.CONTENT_REVIEW


# --- Who sees what, who may act -------------------------------------------------------------------

def test_a_draft_is_invisible_to_other_specialists_of_the_agency(client, province):
    draft = make_draft(province)
    for username in ("specialist.huyen", "specialist.huyen.taichinh", "leader.huyen.taichinh", "clerk.xa"):
        login(client, province, username)
        assert client.get(detail_url(draft)).status_code == 404, username
        assert client.post(act_url(draft, "submit"), {}).status_code == 404, username
        assert client.post(act_url(draft, "comment"), {"comment-text": "xin chào"}).status_code == 404
        f = draft.files.first()
        assert client.get(reverse("drafting:file", args=[draft.pk, f.pk])).status_code == 404
        assert draft.pk not in [d.pk for d in client.get(LIST + "?tab=queue").context["page"]]
    draft.refresh_from_db()
    assert draft.state == DraftState.DRAFTING and not DraftComment.objects.exists()


def test_who_may_act_sees_the_buttons_and_others_are_refused(client, province):
    draft = make_draft(province)
    services.draft_submit(actor=province.users["specialist.huyen.noivu"], draft=draft)

    # The văn thư sees the draft (it will check its format later) but it is the department head's turn.
    login(client, province, "clerk.huyen")
    assert action_buttons(client.get(detail_url(draft))) == {"comment"}
    response = client.post(act_url(draft, "content_ok"), {})
    assert response.status_code == 403
    assert services.NOT_YOUR_STEP % {"s": DraftState.CONTENT_REVIEW.label} in text_of(response)
    # The signer sees it too, and may not approve before the content check.
    login(client, province, "leader.huyen")
    assert action_buttons(client.get(detail_url(draft))) == {"comment"}
    response = client.post(act_url(draft, "approve"), {"approve-urgency": "normal"})
    assert response.status_code == 422
    assert services.WRONG_STEP % {"a": "duyệt", "s": DraftState.CONTENT_REVIEW.label} in text_of(response)
    # The drafter may not take it back to edit it.
    login(client, province, "specialist.huyen.noivu")
    assert client.get(reverse("drafting:edit", args=[draft.pk])).status_code == 403
    assert client.post(act_url(draft, "abandon"), {"abandon-reason": "Thôi"}).status_code == 422
    draft.refresh_from_db()
    assert draft.state == DraftState.CONTENT_REVIEW and draft.steps.count() == 1


def test_files_are_served_only_to_people_who_see_the_draft_and_logged(client, province):
    draft = make_draft(province)
    f = draft.files.get()
    login(client, province, "leader.huyen.noivu")
    response = client.get(reverse("drafting:file", args=[draft.pk, f.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment")
    entry = AuditEntry.objects.filter(object_type="draft", action="downloaded").get()
    assert (entry.actor, entry.object_id) == (province.users["leader.huyen.noivu"], str(draft.pk))
    other = make_draft(province, author="specialist.huyen.taichinh", reviewer=False)
    assert client.get(reverse("drafting:file", args=[other.pk, other.files.get().pk])).status_code == 404
    assert client.get(reverse("drafting:file", args=[draft.pk, other.files.get().pk])).status_code == 404


# --- Errors next to the forms, nothing stored -----------------------------------------------------

def test_same_agency_twice_in_recipients_is_refused_and_nothing_is_stored(client, province):
    login(client, province, "specialist.huyen.noivu")
    xa = province.agencies["xa"].pk
    response = client.post(CREATE, create_post(province, recipients=[xa, xa]))
    assert response.status_code == 200
    errors = [e.text_content() for e in html(response).xpath("//fieldset[@id='picker-recipients']//p[@class='error']")]
    assert errors == [CHOSEN_TWICE % {"n": "Ủy ban nhân dân xã Vị Thắng"}]
    # The choice is shown again so that the user can fix it.
    assert html(response).xpath("//ul[@id='chosen-recipients']//input/@value") == [str(xa), str(xa)]
    assert not Draft.objects.exists() and not StoredFile.objects.exists()


def test_a_saved_list_that_repeats_a_chosen_agency_is_refused(client, province):
    a = province.agencies
    rl = recipient_list_save(actor=province.users["clerk.huyen"], agency_id=a["huyen"].pk,
                             name="Các xã, thị trấn", member_ids=[a["xa"].pk])
    login(client, province, "specialist.huyen.noivu")
    response = client.post(CREATE, create_post(province, recipients=[a["xa"].pk], recipient_lists=[rl.pk]))
    assert CHOSEN_TWICE % {"n": "Ủy ban nhân dân xã Vị Thắng"} in text_of(response)
    assert not Draft.objects.exists()
    client.post(CREATE, create_post(province, recipients=[a["ubnd"].pk], recipient_lists=[rl.pk]))
    assert Draft.objects.get().recipients_text.splitlines()[1:3] == [
        "- Các xã, thị trấn;", "- Ủy ban nhân dân tỉnh Hậu Giang;"]


@pytest.mark.parametrize("overrides, field_name, message", [
    ({"file": ""}, "file", forms.DRAFT_FILE_REQUIRED),
    ({"subject": "  "}, "subject", forms.SUBJECT_REQUIRED),
    ({"signer": ""}, "signer", forms.SIGNER_REQUIRED),
    ({"related_document": "", "relation_kind": "amends"}, "related_document", services.RELATION_INCOMPLETE),
    ({"file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\x00" * 64, content_type="application/pdf")},
     "file", checks.EXECUTABLE % {"name": "virus.pdf"}),
], ids=["missing-file", "blank-subject", "no-signer", "relation-without-document", "executable"])
def test_bad_draft_input_is_shown_next_to_the_field(client, province, overrides, field_name, message):
    login(client, province, "specialist.huyen.noivu")
    response = client.post(CREATE, create_post(province, **overrides))
    assert response.status_code == 200
    blocks = html(response).xpath(
        f"//div[contains(concat(' ', @class, ' '), ' field ')][.//*[@name='{field_name}']]")
    assert [p.text_content() for p in blocks[0].xpath(".//p[contains(@class,'error')]")] == [str(message)]
    assert not Draft.objects.exists() and not StoredFile.objects.exists()


def test_bad_step_input_is_shown_next_to_its_form(client, province):
    draft = make_draft(province, reviewer=False)
    services.draft_submit(actor=province.users["specialist.huyen.noivu"], draft=draft)
    login(client, province, "clerk.huyen")
    response = client.post(act_url(draft, "return"), {"return-reason": "   "})
    assert response.status_code == 422
    assert errors_in_form(response, "return") == [str(services.RETURN_REASON_REQUIRED)]
    services.draft_check_format(actor=province.users["clerk.huyen"], draft=draft)
    services.draft_approve(actor=province.users["leader.huyen"], draft=draft)
    response = client.post(act_url(draft, "sign"), {"sign-method": "paper"})
    assert response.status_code == 422
    assert errors_in_form(response, "sign") == ["Cần đính kèm bản quét văn bản đã ký (PDF hoặc ảnh)."]
    draft.refresh_from_db()
    assert draft.state == DraftState.SIGNING and not draft.files.filter(role="signed").exists()


def test_return_with_reason_goes_back_to_the_drafter(client, province):
    draft = make_draft(province)
    services.draft_submit(actor=province.users["specialist.huyen.noivu"], draft=draft)
    login(client, province, "leader.huyen.noivu")
    response = client.post(act_url(draft, "return"), {"return-reason": "Bổ sung số liệu quý I"}, follow=True)
    assert str(views.RETURNED) in text_of(response)
    draft.refresh_from_db()
    assert draft.state == DraftState.DRAFTING
    login(client, province, "specialist.huyen.noivu")
    page = client.get(detail_url(draft))
    assert "Bổ sung số liệu quý I" in text_of(page)
    assert "submit" in action_buttons(page)


# --- Versions, comments, edit, abandon ------------------------------------------------------------

def test_new_version_and_comments(client, province):
    draft = make_draft(province)
    login(client, province, "specialist.huyen.noivu")
    client.post(act_url(draft, "upload"), {"upload-role": "draft", "upload-note": "Sửa theo góp ý",
                                           "upload-files": scan("du-thao-v2.pdf", "Ban 2")})
    client.post(act_url(draft, "comment"), {"comment-text": "Em đã sửa mục II."})
    page = client.get(detail_url(draft))
    versions = [" ".join(li.text_content().split()) for li in html(page).xpath("//ul[@class='file-versions'][1]/li")]
    assert versions[0].startswith("v2 du-thao-v2.pdf") and "mới nhất" in versions[0] and "Sửa theo góp ý" in versions[0]
    assert versions[1].startswith("v1 du-thao.pdf")
    comments = html(page).xpath("//ol[@class='comments']/li")
    assert len(comments) == 1 and "Em đã sửa mục II." in comments[0].text_content()
    assert "về phiên bản 2" in comments[0].text_content()
    response = client.post(act_url(draft, "comment"), {"comment-text": ""})
    assert response.status_code == 422 and str(services.COMMENT_EMPTY) in text_of(response)


def test_edit_the_draft_while_drafting(client, province):
    draft = make_draft(province)
    login(client, province, "specialist.huyen.noivu")
    url = reverse("drafting:edit", args=[draft.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert html(page).xpath("//ul[@id='chosen-recipients']//input/@value") == [str(province.agencies["xa"].pk)]
    data = create_post(province, subject="Báo cáo đã sửa", recipients=[province.agencies["stttt"].pk])
    del data["file"], data["attachments"]
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.subject == "Báo cáo đã sửa"
    assert [r.agency_id for r in draft.recipients.all()] == [province.agencies["stttt"].pk]


def test_abandon_needs_a_reason(client, province):
    draft = make_draft(province)
    login(client, province, "specialist.huyen.noivu")
    assert errors_in_form(client.post(act_url(draft, "abandon"), {"abandon-reason": ""}), "abandon") == [
        str(services.ABANDON_REASON_REQUIRED)]
    client.post(act_url(draft, "abandon"), {"abandon-reason": "Không cần ban hành nữa"})
    draft.refresh_from_db()
    assert draft.state == DraftState.ABANDONED
    page = client.get(detail_url(draft))
    assert action_buttons(page) == set() and "Dự thảo đã bị hủy" in text_of(page)


def test_reply_to_an_incoming_document_is_preselected(client, province):
    from lienthong.documents.services import document_register_incoming
    from lienthong.testing.builders import doc_input

    incoming = document_register_incoming(
        actor=province.users["clerk.huyen"], agency=province.agencies["huyen"], data=doc_input("cong-van"),
        number_symbol="12/UBND-VP", issuer_agency=province.agencies["ubnd"])
    login(client, province, "clerk.huyen")
    page = html(client.get(CREATE + f"?lien-quan={incoming.pk}"))
    assert page.xpath("//select[@name='related_document']/option[@selected]/@value") == [str(incoming.pk)]
    assert page.xpath("//select[@name='relation_kind']/option[@selected]/@value") == ["replies_to"]
    # Issue 18: the recipient is the sender of the document being answered.
    assert page.xpath("//input[@name='recipients'][@checked]/@value") == [str(province.agencies["ubnd"].pk)]


# --- Lists ------------------------------------------------------------------------------------------

def test_queue_and_my_drafts_tabs(client, province):
    mine = make_draft(province)
    waiting = make_draft(province, author="specialist.huyen.taichinh", reviewer=False, subject="Tờ trình kinh phí")
    services.draft_submit(actor=province.users["specialist.huyen.taichinh"], draft=waiting)
    login(client, province, "clerk.huyen")
    assert [d.pk for d in client.get(LIST).context["page"]] == [waiting.pk]
    login(client, province, "specialist.huyen.noivu")
    response = client.get(LIST)
    assert [d.pk for d in response.context["page"]] == [mine.pk]
    services.draft_submit(actor=province.users["specialist.huyen.noivu"], draft=mine)
    assert [d.pk for d in client.get(LIST).context["page"]] == []
    assert [d.pk for d in client.get(LIST + "?tab=mine").context["page"]] == [mine.pk]
    login(client, province, "leader.huyen.noivu")
    assert [d.pk for d in client.get(LIST).context["page"]] == [mine.pk]


@pytest.mark.parametrize("username, tab", [("clerk.huyen", "queue"), ("specialist.huyen.noivu", "mine"),
                                           ("leader.huyen.noivu", "queue")])
def test_list_query_count_does_not_grow(client, province, django_assert_max_num_queries, username, tab):
    def add(n):
        for i in range(n):
            d = make_draft(province, subject=f"Báo cáo số {i}", reviewer=username != "clerk.huyen")
            services.draft_submit(actor=province.users["specialist.huyen.noivu"], draft=d)

    login(client, province, username)
    url = LIST + f"?tab={tab}"
    add(2)
    client.get(url)  # warm-up (session, content types)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(url).context["page"]) == 2
    add(8)
    with django_assert_max_num_queries(len(small)):
        assert len(client.get(url).context["page"]) == 10
    assert len(small) <= 10


# --- Views of a draft are logged --------------------------------------------------------------------

def test_every_opening_of_a_draft_page_is_logged(client, province):
    """vanthu.md §7 rule 11 ("a complete audit trail of drafts, comments, approvals, views and prints");
    NĐ30 Phụ lục VI (vanthu.md §4.3: access and view history): each opening of a draft page is one VIEWED
    entry naming who opened which draft; a refused opening logs no view."""
    from lienthong.audit.models import AuditAction

    draft = make_draft(province)
    reviewer = province.users["leader.huyen.noivu"]
    login(client, province, "leader.huyen.noivu")
    assert client.get(detail_url(draft)).status_code == 200
    assert client.get(detail_url(draft)).status_code == 200
    views = AuditEntry.objects.filter(action=AuditAction.VIEWED, object_type="draft", object_id=str(draft.pk))
    assert [v.actor_id for v in views] == [reviewer.pk, reviewer.pk]

    login(client, province, "clerk.xa")  # another agency: the draft is not theirs to see
    assert client.get(detail_url(draft)).status_code == 404
    assert views.count() == 2
