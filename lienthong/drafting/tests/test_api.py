"""Drafts through the JSON API: the queues, the draft page as data, every step of the outgoing flow,
and the errors a client gets for a step out of turn or out of order."""

import json

import pytest
from django.test import Client

from lienthong.accounts.services import api_token_issue
from lienthong.api import VALIDATION_MESSAGES
from lienthong.audit.models import AuditEntry
from lienthong.core.errors import NOT_FOUND_OR_HIDDEN
from lienthong.delivery.models import Delivery
from lienthong.delivery.selectors import CHOSEN_TWICE
from lienthong.documents.services.inputs import SUBJECT_REQUIRED
from lienthong.drafting.models import Draft, DraftFile, DraftState
from lienthong.drafting.services import (
    COMMENTS_CLOSED,
    NOT_YOUR_STEP,
    RETURN_REASON_REQUIRED,
    SIGNER_NOT_LEADER,
    WRONG_STEP,
)
from lienthong.testing.builders import pdf_upload, tiny_pdf

NOT_FOUND = {"code": "not_found", "message": NOT_FOUND_OR_HIDDEN}


def as_user(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})


def post_json(client, path, data=None):
    return client.post(path, json.dumps(data or {}), content_type="application/json")


def draft_form(p, *, sender="xa", recipients=("huyen",), subject="Báo cáo tình hình thiệt hại do mưa bão", **extra):
    form = {"document_type": "bao-cao", "subject": subject, "signer_id": p.users[f"leader.{sender}"].pk,
            "signer_position": "Chủ tịch", "recipient_ids": [p.agencies[r].pk for r in recipients],
            "extra_recipients": "Lưu: VT", "files": [pdf_upload("du-thao.pdf", "Bao cao thiet hai")]}
    form.update(extra)
    return {k: v for k, v in form.items() if v is not None}


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def issue_via_api(p, *, sender="xa", recipients=("huyen",), subject="Báo cáo tình hình thiệt hại do mưa bão",
                  drafter=None, reviewer=None, **extra) -> dict:
    """Draft → (content check) → format check → approval → paper signature → number → seal → issue,
    every step through the API by the person whose turn it is. Returns the issued draft's detail."""
    u = p.users
    drafter = as_user(u[drafter or f"specialist.{sender}"])
    clerk, leader = as_user(u[f"clerk.{sender}"]), as_user(u[f"leader.{sender}"])
    form = draft_form(p, sender=sender, recipients=recipients, subject=subject,
                      reviewer_id=u[reviewer].pk if reviewer else None, **extra)
    draft = ok(drafter.post("/api/drafts", form), 201)
    base = f"/api/drafts/{draft['id']}"
    ok(post_json(drafter, f"{base}/submit"))
    if reviewer and reviewer != f"leader.{sender}":  # the signer checks the content when approving
        ok(post_json(as_user(u[reviewer]), f"{base}/check-content", {"note": "Đạt"}))
    ok(post_json(clerk, f"{base}/check-format"))
    ok(post_json(leader, f"{base}/approve"))
    ok(leader.post(f"{base}/sign", {"method": "paper", "files": [pdf_upload("da-ky.pdf", "Da ky")]}))
    ok(post_json(clerk, f"{base}/number"))
    ok(clerk.post(f"{base}/seal", {"method": "paper"}))
    return ok(clerk.post(f"{base}/issue"))


# --- Creating and reading ---------------------------------------------------------------------------

def test_specialist_creates_a_draft_with_files_and_recipients(province):
    p = province
    client = as_user(p.users["specialist.xa"])

    response = client.post("/api/drafts", draft_form(p, attachments=[pdf_upload("phu-luc.pdf", "Phu luc")]))

    body = ok(response, 201)
    assert {k: body[k] for k in ("agency_id", "document_type_code", "subject", "state", "state_label",
                                 "allowed_actions", "recipients_text", "document_id")} == {
        "agency_id": p.agencies["xa"].pk, "document_type_code": "bao-cao",
        "subject": "Báo cáo tình hình thiệt hại do mưa bão", "state": "drafting", "state_label": "Đang soạn thảo",
        "allowed_actions": ["comment", "update", "add_files", "submit", "abandon"],
        "recipients_text": "Nơi nhận:\n- Ủy ban nhân dân huyện Vị Thủy;\n- Lưu: VT.", "document_id": None,
    }
    assert body["recipients"] == [{"agency_id": p.agencies["huyen"].pk, "name": "Ủy ban nhân dân huyện Vị Thủy"}]
    assert body["signer"] == {"id": p.users["leader.xa"].pk, "name": "Lãnh đạo xa"}
    assert [(f["role"], f["version"], f["filename"]) for f in body["files"]] == [
        ("attachment", 1, "phu-luc.pdf"), ("draft", 1, "du-thao.pdf")]
    draft_file = next(f for f in body["files"] if f["role"] == "draft")
    assert draft_file["download_url"] == f"/api/drafts/{body['id']}/files/{draft_file['id']}"


def test_file_download_returns_the_version_bytes_and_is_logged(province):
    p = province
    client = as_user(p.users["specialist.xa"])
    body = ok(client.post("/api/drafts", draft_form(p)), 201)
    url = body["files"][0]["download_url"]

    response = client.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == tiny_pdf("Bao cao thiet hai")
    assert response["Content-Disposition"].startswith('attachment; filename="du-thao.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEntry.objects.filter(action="downloaded", object_type="draft", object_id=str(body["id"])).count() == 1
    assert as_user(p.users["clerk.huyen"]).get(url).json() == NOT_FOUND


def test_same_agency_twice_among_recipients_is_a_422_and_stores_nothing(province, settings):
    p = province
    client = as_user(p.users["specialist.xa"])

    response = client.post("/api/drafts", draft_form(p, recipients=("huyen", "huyen")))

    twice = CHOSEN_TWICE % {"n": "Ủy ban nhân dân huyện Vị Thủy"}
    assert response.status_code == 422
    assert response.json() == {"code": "validation_error", "message": twice, "errors": {"recipients": [twice]}}
    assert not Draft.objects.exists() and not DraftFile.objects.exists()


def test_bad_fields_are_named_in_vietnamese(province):
    p = province
    client = as_user(p.users["specialist.xa"])

    response = client.post("/api/drafts", draft_form(p, document_type="khong-co", subject="",
                                                     signer_id=p.users["specialist.xa"].pk, urgency="gap"))

    assert response.status_code == 422
    assert response.json()["errors"] == {"urgency": [
        VALIDATION_MESSAGES["enum"] % {"expected": "'normal', 'urgent', 'very_urgent', 'flash'"}]}
    response = client.post("/api/drafts", draft_form(p, document_type="khong-co", subject="",
                                                     signer_id=p.users["specialist.xa"].pk))
    assert response.json()["errors"] == {
        "document_type": ["Loại văn bản không hợp lệ."],  # documents keeps this message without a constant
        "subject": [str(SUBJECT_REQUIRED)],
        "signer": [str(SIGNER_NOT_LEADER)]}


def test_update_changes_the_metadata_while_drafting(province):
    p = province
    client = as_user(p.users["specialist.xa"])
    draft = ok(client.post("/api/drafts", draft_form(p)), 201)

    body = ok(client.put(f"/api/drafts/{draft['id']}", json.dumps({
        "document_type": "to-trinh", "subject": "Tờ trình sửa", "signer_id": p.users["leader.xa"].pk,
        "recipient_ids": [p.agencies["huyen"].pk, p.agencies["stttt"].pk]}), content_type="application/json"))

    assert (body["document_type_code"], body["subject"]) == ("to-trinh", "Tờ trình sửa")
    assert [r["agency_id"] for r in body["recipients"]] == [p.agencies["huyen"].pk, p.agencies["stttt"].pk]


# --- The flow -----------------------------------------------------------------------------------------

def test_the_whole_outgoing_flow_through_the_api(province):
    p, u = province, province.users
    issued = issue_via_api(p, reviewer="leader.xa")

    assert issued["state"] == "issued"
    assert issued["number_symbol"] == "01/BC-UBND" and issued["document_id"]
    assert issued["allowed_actions"] == []
    # The commune chairman is the content reviewer and the signer: he checks the content when he approves
    # (issue 18), so the văn thư checks the format first; the history keeps his three steps.
    assert [(s["action"], s["to_state"], s["actor"]["name"]) for s in issued["steps"]] == [
        ("submit", "format_check", "Chuyên viên xa"), ("format_ok", "approval", "Văn thư xa"),
        ("content_ok", "approval", "Lãnh đạo xa"), ("approve", "signing", "Lãnh đạo xa"),
        ("sign", "to_number", "Lãnh đạo xa"), ("number", "to_seal", "Văn thư xa"),
        ("seal", "to_issue", "Văn thư xa"), ("issue", "issued", "Văn thư xa")]
    assert sorted(f["role"] for f in issued["files"]) == ["draft", "signed"]
    delivery = Delivery.objects.get(document_id=issued["document_id"])
    assert (delivery.recipient_agency_id, delivery.state) == (p.agencies["huyen"].pk, "arrived")
    assert as_user(u["clerk.huyen"]).get("/api/deliveries").json()["counts"]["to_receive"] == 1


def test_each_role_sees_its_own_actions_and_queues(province):
    p, u = province, province.users
    draft = ok(as_user(u["specialist.xa"]).post("/api/drafts", draft_form(p)), 201)
    ok(post_json(as_user(u["specialist.xa"]), f"/api/drafts/{draft['id']}/submit"))
    ok(post_json(as_user(u["clerk.xa"]), f"/api/drafts/{draft['id']}/check-format"))

    actions = {name: as_user(u[name]).get(f"/api/drafts/{draft['id']}").json()["allowed_actions"]
               for name in ("specialist.xa", "clerk.xa", "leader.xa")}

    assert actions == {"specialist.xa": ["comment"], "clerk.xa": ["comment"],
                       "leader.xa": ["comment", "add_files", "approve", "return"]}
    leader_queue = as_user(u["leader.xa"]).get("/api/drafts", {"queue": "to_approve"}).json()
    assert [d["id"] for d in leader_queue["items"]] == [draft["id"]]
    assert leader_queue["counts"] == {"mine": 0, "to_approve": 1, "to_issue": 0}
    assert as_user(u["specialist.xa"]).get("/api/drafts").json()["counts"] == {
        "mine": 1, "to_approve": 0, "to_issue": 0}
    ok(post_json(as_user(u["leader.xa"]), f"/api/drafts/{draft['id']}/approve", {"urgency": "urgent"}))
    assert as_user(u["clerk.xa"]).get(f"/api/drafts/{draft['id']}").json()["allowed_actions"] == ["comment", "sign"]


def test_return_comment_new_version_and_resubmit(province):
    p, u = province, province.users
    drafter, clerk = as_user(u["specialist.xa"]), as_user(u["clerk.xa"])
    draft = ok(drafter.post("/api/drafts", draft_form(p)), 201)
    base = f"/api/drafts/{draft['id']}"
    ok(post_json(drafter, f"{base}/submit"))

    missing_reason = post_json(clerk, f"{base}/return", {"reason": "  "})
    returned = ok(post_json(clerk, f"{base}/return", {"reason": "Sai thể thức phần nơi nhận"}))
    comment = post_json(as_user(u["leader.xa"]), f"{base}/comments", {"text": "Bổ sung số liệu xã"})
    new_version = drafter.post(f"{base}/files", {"role": "draft", "note": "Sửa theo góp ý",
                                                 "files": [pdf_upload("du-thao-2.pdf", "Ban sua")]})

    assert missing_reason.status_code == 422
    assert missing_reason.json()["errors"] == {"reason": [str(RETURN_REASON_REQUIRED)]}
    assert returned["state"] == "drafting"
    assert ok(comment, 201)["author"] == {"id": u["leader.xa"].pk, "name": "Lãnh đạo xa"}  # the signer sees it
    assert ok(new_version, 201)["files"][0]["version"] == 2
    ok(post_json(as_user(u["clerk.xa"]), f"{base}/comments", {"text": "Đã xem bản sửa"}), 201)
    detail = ok(drafter.get(base))
    assert [c["text"] for c in detail["comments"]] == [
        "Sai thể thức phần nơi nhận", "Bổ sung số liệu xã", "Đã xem bản sửa"]
    assert [c["version"] for c in detail["comments"]] == [None, 1, 2]
    assert ok(post_json(drafter, f"{base}/submit"))["state"] == "format_check"


def test_issuing_an_unapproved_draft_is_a_400_and_changes_nothing(province):
    p, u = province, province.users
    draft = ok(as_user(u["specialist.xa"]).post("/api/drafts", draft_form(p)), 201)

    response = as_user(u["clerk.xa"]).post(f"/api/drafts/{draft['id']}/issue")

    assert response.status_code == 400
    assert response.json() == {"code": "invalid_state", "field": "state",
                               "message": WRONG_STEP % {"a": "phát hành", "s": DraftState.DRAFTING.label}}
    assert Draft.objects.get().state == DraftState.DRAFTING
    assert not Delivery.objects.exists()


def test_a_step_that_is_someone_elses_turn_is_a_403(province):
    p, u = province, province.users
    draft = ok(as_user(u["specialist.xa"]).post("/api/drafts", draft_form(p)), 201)
    ok(post_json(as_user(u["specialist.xa"]), f"/api/drafts/{draft['id']}/submit"))

    response = post_json(as_user(u["specialist.xa"]), f"/api/drafts/{draft['id']}/check-format")

    assert response.status_code == 403
    assert response.json() == {"code": "permission_denied",
                               "message": NOT_YOUR_STEP % {"s": DraftState.FORMAT_CHECK.label}}
    assert Draft.objects.get().state == DraftState.FORMAT_CHECK


def test_signing_on_paper_needs_the_scan(province):
    p, u = province, province.users
    draft = ok(as_user(u["specialist.xa"]).post("/api/drafts", draft_form(p)), 201)
    base = f"/api/drafts/{draft['id']}"
    ok(post_json(as_user(u["specialist.xa"]), f"{base}/submit"))
    ok(post_json(as_user(u["clerk.xa"]), f"{base}/check-format"))
    ok(post_json(as_user(u["leader.xa"]), f"{base}/approve"))

    response = as_user(u["leader.xa"]).post(f"{base}/sign", {"method": "paper"})
    wrong_method = as_user(u["leader.xa"]).post(f"{base}/sign", {"method": "phep-thuat"})

    assert response.status_code == 422
    assert response.json()["errors"] == {"files": ["Cần đính kèm bản quét văn bản đã ký (PDF hoặc ảnh)."]}
    assert wrong_method.json()["errors"] == {"method": ["Cách ký không hợp lệ."]}
    assert Draft.objects.get().state == DraftState.SIGNING


def test_seal_with_issue_sends_at_once(province):
    p, u = province, province.users
    drafter, clerk, leader = as_user(u["specialist.xa"]), as_user(u["clerk.xa"]), as_user(u["leader.xa"])
    draft = ok(drafter.post("/api/drafts", draft_form(p, urgency="urgent")), 201)
    base = f"/api/drafts/{draft['id']}"
    ok(post_json(drafter, f"{base}/submit"))
    ok(post_json(clerk, f"{base}/check-format"))
    ok(post_json(leader, f"{base}/approve"))
    ok(clerk.post(f"{base}/sign", {"files": [pdf_upload("da-ky.pdf", "Da ky")]}))  # the văn thư attaches the scan
    ok(post_json(clerk, f"{base}/number"))

    body = ok(clerk.post(f"{base}/seal", {"issue": "true", "files": [pdf_upload("co-dau.pdf", "Co dau")]}))

    assert body["state"] == "issued"
    assert sorted(f["role"] for f in body["files"]) == ["draft", "sealed", "signed"]
    assert Delivery.objects.get(document_id=body["document_id"]).is_urgent


def test_abandon_needs_a_reason_and_closes_the_draft(province):
    p, u = province, province.users
    client = as_user(u["specialist.xa"])
    draft = ok(client.post("/api/drafts", draft_form(p)), 201)

    assert post_json(client, f"/api/drafts/{draft['id']}/abandon").status_code == 422
    body = ok(post_json(client, f"/api/drafts/{draft['id']}/abandon", {"reason": "Không cần gửi nữa"}))

    assert (body["state"], body["allowed_actions"]) == ("abandoned", [])
    late = post_json(client, f"/api/drafts/{draft['id']}/comments", {"text": "Còn ý kiến"})
    assert late.status_code == 422
    assert late.json()["errors"] == {"text": [str(COMMENTS_CLOSED)]}


# --- Who sees a draft ---------------------------------------------------------------------------------

@pytest.mark.parametrize("username, sees", [
    ("specialist.xa", True),  # drafter
    ("clerk.xa", True),  # the văn thư of the issuing agency
    ("leader.xa", True),  # the signer named on it
    ("clerk.huyen", False),
    ("leader.huyen", False),  # a parent agency's leader
    ("specialist.huyen", False),
])
def test_permission_matrix_for_a_submitted_draft(province, username, sees):
    p, u = province, province.users
    draft = ok(as_user(u["specialist.xa"]).post("/api/drafts", draft_form(p)), 201)
    ok(post_json(as_user(u["specialist.xa"]), f"/api/drafts/{draft['id']}/submit"))
    client = as_user(u[username])

    detail = client.get(f"/api/drafts/{draft['id']}")
    listed = {d["id"] for q in ("mine", "to_approve", "to_issue")
              for d in client.get("/api/drafts", {"queue": q}).json()["items"]}
    download = client.get(draft["files"][0]["download_url"])
    comment = post_json(client, f"/api/drafts/{draft['id']}/comments", {"text": "Ý kiến"})

    assert detail.status_code == (200 if sees else 404)
    assert download.status_code == (200 if sees else 404)
    assert comment.status_code == (201 if sees else 404)
    assert (draft["id"] in listed) == (username in ("specialist.xa", "clerk.xa"))
    if not sees:
        assert detail.json() == NOT_FOUND


def test_draft_list_query_count_does_not_grow(province, django_assert_max_num_queries):
    p, u = province, province.users
    client = as_user(u["specialist.xa"])
    ok(client.post("/api/drafts", draft_form(p)), 201)
    client.get("/api/drafts")  # warm-up: first use of a token records its use
    with django_assert_max_num_queries(12) as small:
        client.get("/api/drafts")
    small = len(small)
    for n in range(5):
        ok(client.post("/api/drafts", draft_form(p, subject=f"Báo cáo số {n}")), 201)

    with django_assert_max_num_queries(small):
        body = client.get("/api/drafts").json()

    assert body["count"] == 6
