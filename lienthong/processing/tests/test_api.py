"""The whole flow through the JSON API only: a commune reports to the district, the district receives,
registers, submits, assigns and delegates, a department answers through its own outgoing flow, and
the commune reads every status code back. Plus the processing errors and the OpenAPI document."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from lienthong.api import VALIDATION_MESSAGES
from lienthong.delivery.models import Delivery
from lienthong.drafting.tests.test_api import NOT_FOUND, as_user, issue_via_api, ok, post_json
from lienthong.notifications.models import Notification
from lienthong.processing.api import NO_HANDLING
from lienthong.processing.models import Assignment, AssignmentState, Handling, HandlingState
from lienthong.processing.services import assignments
from lienthong.testing.builders import PASSWORD


def token_client(username: str) -> Client:
    """A client holding a token obtained the way an app does: POST /api/auth/token."""
    response = Client().post("/api/auth/token", json.dumps({"username": username, "password": PASSWORD}),
                             content_type="application/json")
    assert response.status_code == 200, response.content
    return Client(headers={"Authorization": f"Bearer {response.json()['token']}"})


def registered_report(p, *, submit: bool = True) -> int:
    """The commune's report issued, received and registered at the district (and submitted to its
    chairman) through the API; returns the incoming document's id."""
    report = issue_via_api(p)
    clerk = as_user(p.users["clerk.huyen"])
    delivery = Delivery.objects.get(document_id=report["document_id"])
    incoming = ok(post_json(clerk, f"/api/deliveries/{delivery.pk}/register"), 201)["incoming_document_id"]
    if submit:
        ok(post_json(clerk, f"/api/documents/{incoming}/handling/submit", {"leader_id": p.users["leader.huyen"].pk}))
    return incoming


def test_commune_to_district_and_back_through_the_api_only(province):
    p, u = province, province.users
    names = ["specialist.xa", "leader.xa", "clerk.xa", "clerk.huyen", "leader.huyen", "leader.huyen.noivu",
             "specialist.huyen.noivu"]
    c = {name: token_client(name) for name in names}
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()

    # The commune: a specialist drafts, the chairman comments, approves and signs, the clerk issues.
    draft = ok(c["specialist.xa"].post("/api/drafts", {
        "document_type": "bao-cao", "subject": "Báo cáo tình hình thiệt hại do mưa bão",
        "signer_id": u["leader.xa"].pk, "signer_position": "Chủ tịch", "recipient_ids": [p.agencies["huyen"].pk],
        "extra_recipients": "Lưu: VT", "files": [_pdf("du-thao.pdf")]}), 201)
    d = f"/api/drafts/{draft['id']}"
    ok(post_json(c["specialist.xa"], f"{d}/submit"))
    ok(post_json(c["clerk.xa"], f"{d}/check-format"))
    ok(post_json(c["leader.xa"], f"{d}/comments", {"text": "Bổ sung số hộ bị ảnh hưởng"}), 201)
    ok(post_json(c["leader.xa"], f"{d}/approve"))
    ok(c["leader.xa"].post(f"{d}/sign", {"method": "paper", "files": [_pdf("da-ky.pdf")]}))
    numbered = ok(post_json(c["clerk.xa"], f"{d}/number"))
    ok(c["clerk.xa"].post(f"{d}/seal", {"method": "paper"}))
    issued = ok(c["clerk.xa"].post(f"{d}/issue"))
    report_id = numbered["document_id"]
    assert (issued["state"], issued["number_symbol"]) == ("issued", "01/BC-UBND")

    # The district clerk: at once in the queue; receive, register, submit to the chairman.
    inbox = ok(c["clerk.huyen"].get("/api/deliveries"))
    [item] = inbox["items"]
    assert item["document"]["id"] == report_id
    ok(post_json(c["clerk.huyen"], f"/api/deliveries/{item['id']}/receive"))
    incoming = ok(post_json(c["clerk.huyen"], f"/api/deliveries/{item['id']}/register"), 201)["incoming_document_id"]
    to_submit = ok(c["clerk.huyen"].get("/api/handlings", {"queue": "to_submit"}))
    assert [i["document"]["id"] for i in to_submit["items"]] == [incoming]
    handling = ok(post_json(c["clerk.huyen"], f"/api/documents/{incoming}/handling/submit",
                            {"leader_id": u["leader.huyen"].pk, "note": "Kính trình Chủ tịch"}))
    assert (handling["state"], handling["submitted_to"]["id"]) == ("submitted", u["leader.huyen"].pk)

    # The chairman assigns a lead and a supporting department.
    to_assign = ok(c["leader.huyen"].get("/api/handlings", {"queue": "to_assign"}))
    assert ([i["kind"] for i in to_assign["items"]], to_assign["counts"]["to_assign"]) == (["handling"], 1)
    handling = ok(post_json(c["leader.huyen"], f"/api/documents/{incoming}/handling/assign", {"assignments": [
        {"role": "lead", "unit_id": p.units["noivu"].pk, "deadline": due, "instruction": "Tổng hợp, đề xuất"},
        {"role": "support", "unit_id": p.units["taichinh"].pk}]}))
    assert [(a["role"], a["unit"]["name"], a["state"]) for a in handling["assignments"]] == [
        ("lead", "Phòng Nội vụ", "pending"), ("support", "Phòng Tài chính - Kế hoạch", "pending")]

    # The head of department hands the unit's part to a specialist.
    [unit_part] = ok(c["leader.huyen.noivu"].get("/api/handlings", {"queue": "to_assign"}))["items"]
    assert (unit_part["kind"], unit_part["role"], unit_part["deadline"]) == ("assignment", "lead", due)
    handling = ok(post_json(c["leader.huyen.noivu"], f"/api/assignments/{unit_part['assignment_id']}/delegate", {
        "assignments": [{"role": "lead", "user_id": u["specialist.huyen.noivu"].pk, "instruction": "Soạn trả lời"}]}))
    assert handling["assignments"][0]["children"][0]["user"]["id"] == u["specialist.huyen.noivu"].pk

    # The specialist works on it and answers through the district's own outgoing flow.
    [mine] = ok(c["specialist.huyen.noivu"].get("/api/handlings", {"queue": "to_process"}))["items"]
    note = ok(post_json(c["specialist.huyen.noivu"], f"/api/assignments/{mine['assignment_id']}/notes",
                        {"text": "Đang tổng hợp số liệu", "progress": 50}), 201)
    assert (note["progress"], note["author"]["id"]) == (50, u["specialist.huyen.noivu"].pk)
    reply = issue_via_api(p, sender="huyen", recipients=("xa",), subject="Trả lời báo cáo thiệt hại",
                          drafter="specialist.huyen.noivu", reviewer="leader.huyen.noivu",
                          related_document_id=incoming, relation_kind="replies_to")
    handling = ok(post_json(c["specialist.huyen.noivu"], f"/api/assignments/{mine['assignment_id']}/complete",
                            {"result": "Đã trả lời", "reply_document_id": reply["document_id"]}))
    assert handling["state"] == "done"
    assert handling["reply_document"] == {"id": reply["document_id"], "number_symbol": "01/BC-UBND"}
    assert handling["assignments"][0]["state"] == "done"

    # The commune reads every status back, with times and who acted (the district, never its people: issue 11),
    # and the reply has arrived.
    tracking = ok(c["clerk.xa"].get(f"/api/documents/{report_id}/deliveries"))
    [huyen] = tracking["recipients"]
    assert huyen["state"] == "done"
    assert [e["code"] for e in huyen["events"]] == ["", "01", "03", "03", "04", "05", "06"]
    assert [e["actor_name"] for e in huyen["events"]] == ["Văn thư xa", ""] + ["Ủy ban nhân dân huyện Vị Thủy"] * 5
    assert [e["description"] for e in huyen["events"]][4:6] == [
        "Chủ trì: Phòng Nội vụ; Phối hợp: Phòng Tài chính - Kế hoạch", "Phòng Nội vụ đang xử lý"]
    assert huyen["events"][-1]["description"] == "Đã xử lý xong; văn bản trả lời số 01/BC-UBND"
    assert ok(c["clerk.xa"].get("/api/sent"))["items"][0]["by_state"] == {"done": 1}
    assert [i["document"]["subject"] for i in ok(c["clerk.xa"].get("/api/deliveries"))["items"]] == [
        "Trả lời báo cáo thiệt hại"]


def _pdf(name):
    from lienthong.testing.builders import pdf_upload

    return pdf_upload(name, "Bao cao thiet hai")


# --- The handling as data -------------------------------------------------------------------------------

def test_handling_shows_the_tree_with_deadline_status_and_notes(province):
    p, u = province, province.users
    incoming = registered_report(p)
    today = timezone.localdate()
    ok(post_json(as_user(u["leader.huyen"]), f"/api/documents/{incoming}/handling/assign", {"assignments": [
        {"role": "lead", "user_id": u["specialist.huyen"].pk, "deadline": today.isoformat()},
        {"role": "info", "user_id": u["specialist.huyen.taichinh"].pk}]}))
    Assignment.objects.filter(role="lead").update(deadline=today - dt.timedelta(days=1))  # now overdue

    body = ok(as_user(u["leader.huyen"]).get(f"/api/documents/{incoming}/handling"))
    overdue = ok(as_user(u["leader.huyen"]).get("/api/handlings", {"queue": "overdue"}))
    info = ok(as_user(u["specialist.huyen.taichinh"]).get("/api/handlings", {"queue": "info"}))

    assert (body["state"], body["is_urgent"], body["submitted_to"]["name"]) == ("assigned", False, "Lãnh đạo huyen")
    assert [(a["role"], a["user"]["name"], a["deadline_status"], a["children"]) for a in body["assignments"]] == [
        ("lead", "Chuyên viên huyen", "overdue", []), ("info", "Chuyên viên Phòng Tài chính - Kế hoạch", "", [])]
    assert body["assignments"][1]["deadline"] is None
    assert [i["deadline_status"] for i in overdue["items"]] == ["overdue"]
    assert overdue["counts"]["overdue"] == 1
    assert ([i["role"] for i in info["items"]], info["counts"]["info"]) == (["info"], 1)


@pytest.mark.parametrize("username, sees", [
    ("clerk.huyen", True), ("leader.huyen", True),
    ("specialist.huyen", False),  # not assigned
    ("leader.huyen.noivu", False),
    ("clerk.xa", False),  # the sender sees its own record, not the district's
    ("leader.ubnd", False),
])
def test_handling_is_visible_only_to_who_sees_the_incoming_document(province, username, sees):
    incoming = registered_report(province)

    response = as_user(province.users[username]).get(f"/api/documents/{incoming}/handling")

    assert response.status_code == (200 if sees else 404)
    if not sees:
        assert response.json() == NOT_FOUND


def test_an_outgoing_document_has_no_handling(province):
    report = issue_via_api(province)

    response = as_user(province.users["clerk.xa"]).get(f"/api/documents/{report['document_id']}/handling")

    assert response.status_code == 404
    assert response.json()["message"] == str(NO_HANDLING)


# --- Errors -------------------------------------------------------------------------------------------

def test_assigning_before_submission_is_a_400(province):
    p, u = province, province.users
    incoming = registered_report(p, submit=False)

    response = post_json(as_user(u["leader.huyen"]), f"/api/documents/{incoming}/handling/assign", {"assignments": [
        {"role": "lead", "user_id": u["specialist.huyen"].pk}]})

    assert response.status_code == 400
    assert response.json() == {"code": "invalid_state", "field": "state",
                               "message": str(assignments.NOT_SUBMITTED)}
    assert not Assignment.objects.exists()


def test_bad_assignments_are_a_422_naming_each_line_and_store_nothing(province):
    p, u = province, province.users
    incoming = registered_report(p)
    received_on = Handling.objects.get(document_id=incoming).received_on

    response = post_json(as_user(u["leader.huyen"]), f"/api/documents/{incoming}/handling/assign", {"assignments": [
        {"role": "lead", "user_id": u["specialist.xa"].pk},
        {"role": "support", "unit_id": p.units["noivu"].pk,
         "deadline": (received_on - dt.timedelta(days=1)).isoformat()},
        {"role": "support", "unit_id": p.units["noivu"].pk, "user_id": u["specialist.huyen"].pk}]})
    bad_role = post_json(as_user(u["leader.huyen"]), f"/api/documents/{incoming}/handling/assign", {"assignments": [
        {"role": "boss", "user_id": u["specialist.huyen"].pk}]})

    assert response.status_code == 422
    line = assignments.LINE
    assert response.json()["errors"] == {"assignments": [
        line % {"i": 1} + str(assignments.LINE_PERSON_NOT_IN_AGENCY),
        line % {"i": 2} + assignments.LINE_BEFORE_RECEIVED % {"d": f"{received_on:%d/%m/%Y}"},
        line % {"i": 3} + str(assignments.LINE_UNIT_OR_PERSON)]}
    assert bad_role.status_code == 422
    assert bad_role.json()["errors"] == {"assignments.0.role": [
        VALIDATION_MESSAGES["enum"] % {"expected": "'lead', 'support', 'info'"}]}
    assert not Assignment.objects.exists()
    assert Handling.objects.get(document_id=incoming).state == HandlingState.SUBMITTED


def test_submit_by_someone_other_than_the_clerk_is_a_403(province):
    p, u = province, province.users
    incoming = registered_report(p, submit=False)

    response = post_json(as_user(u["leader.huyen"]), f"/api/documents/{incoming}/handling/submit",
                         {"leader_id": u["leader.huyen"].pk})
    not_a_leader = post_json(as_user(u["clerk.huyen"]), f"/api/documents/{incoming}/handling/submit",
                             {"leader_id": u["specialist.huyen"].pk})

    assert response.status_code == 403
    assert not_a_leader.json()["errors"] == {"leader": [str(assignments.NOT_A_LEADER)]}
    assert Handling.objects.get(document_id=incoming).state == HandlingState.REGISTERED


def test_a_reply_link_to_another_agencys_document_is_refused(province):
    p, u = province, province.users
    incoming = registered_report(p)
    [lead] = ok(post_json(as_user(u["leader.huyen"]), f"/api/documents/{incoming}/handling/assign", {
        "assignments": [{"role": "lead", "user_id": u["specialist.huyen"].pk}]}))["assignments"]
    commune_report = Delivery.objects.get().document_id  # the commune's own record: not the district's

    response = post_json(as_user(u["specialist.huyen"]), f"/api/assignments/{lead['id']}/complete",
                         {"reply_document_id": commune_report})

    assert response.status_code == 422
    assert response.json()["errors"] == {"reply_document": [str(assignments.REPLY_NOT_VISIBLE)]}
    assert Assignment.objects.get(pk=lead["id"]).state == AssignmentState.PENDING
    assert Handling.objects.get(document_id=incoming).state == HandlingState.ASSIGNED


def test_someone_elses_assignment_is_404_or_403(province):
    p, u = province, province.users
    incoming = registered_report(p)
    [lead] = ok(post_json(as_user(u["leader.huyen"]), f"/api/documents/{incoming}/handling/assign", {
        "assignments": [{"role": "lead", "user_id": u["specialist.huyen"].pk}]}))["assignments"]
    path = f"/api/assignments/{lead['id']}"

    outsider = post_json(as_user(u["specialist.stttt"]), f"{path}/notes", {"text": "Xong"})
    unassigned = post_json(as_user(u["specialist.huyen.noivu"]), f"{path}/complete")
    clerk = post_json(as_user(u["clerk.huyen"]), f"{path}/notes", {"text": "Xong"})  # sees it, not hers to work

    assert (outsider.status_code, outsider.json()) == (404, NOT_FOUND)
    assert unassigned.status_code == 404
    assert clerk.status_code == 403
    assert Assignment.objects.get(pk=lead["id"]).state == AssignmentState.PENDING


def test_chase_notifies_the_assignee(province):
    p, u = province, province.users
    incoming = registered_report(p)
    [lead] = ok(post_json(as_user(u["leader.huyen"]), f"/api/documents/{incoming}/handling/assign", {
        "assignments": [{"role": "lead", "unit_id": p.units["noivu"].pk}]}))["assignments"]

    body = ok(post_json(as_user(u["leader.huyen"]), f"/api/assignments/{lead['id']}/chase",
                        {"message": "Đề nghị báo cáo trước thứ Sáu"}))
    refused = post_json(as_user(u["specialist.huyen.taichinh"]), f"/api/assignments/{lead['id']}/chase")

    assert body == {"notified": 1}
    assert Notification.objects.filter(user=u["leader.huyen.noivu"], kind="chase").count() == 1
    assert refused.status_code == 404  # not assigned: does not even see the document


def test_queue_query_counts_do_not_grow(province, django_assert_max_num_queries):
    p, u = province, province.users
    client = as_user(u["specialist.huyen"])

    def assign_one():
        incoming = registered_report(p)
        ok(post_json(as_user(u["leader.huyen"]), f"/api/documents/{incoming}/handling/assign", {
            "assignments": [{"role": "lead", "user_id": u["specialist.huyen"].pk}]}))

    assign_one()
    client.get("/api/handlings")  # warm-up: first use of a token
    # Queue page plus five counts; each selector reads the holiday year for its due-soon cut-off.
    with django_assert_max_num_queries(17) as small:
        client.get("/api/handlings")
    small = len(small)
    assign_one()
    assign_one()

    with django_assert_max_num_queries(small):
        assert client.get("/api/handlings").json()["count"] == 3


# --- OpenAPI --------------------------------------------------------------------------------------------

FLOW_OPERATIONS = {
    ("get", "/api/drafts"), ("post", "/api/drafts"), ("get", "/api/drafts/{draft_id}"),
    ("put", "/api/drafts/{draft_id}"), ("get", "/api/drafts/{draft_id}/files/{file_id}"),
    ("post", "/api/drafts/{draft_id}/files"), ("post", "/api/drafts/{draft_id}/comments"),
    *{("post", f"/api/drafts/{{draft_id}}/{step}") for step in (
        "submit", "check-content", "check-format", "approve", "return", "sign", "number", "seal", "issue", "abandon")},
    ("get", "/api/deliveries"), ("get", "/api/deliveries/{delivery_id}"),
    ("get", "/api/deliveries/{delivery_id}/files/{file_id}"),
    *{("post", f"/api/deliveries/{{delivery_id}}/{step}") for step in (
        "receive", "return", "register", "recall-answer")},
    ("get", "/api/documents/{document_id}/deliveries"), ("post", "/api/documents/{document_id}/recall"),
    ("get", "/api/sent"), ("get", "/api/recipient-lists"), ("post", "/api/recipient-lists"),
    ("get", "/api/handlings"), ("get", "/api/documents/{document_id}/handling"),
    ("post", "/api/documents/{document_id}/handling/submit"), ("post", "/api/documents/{document_id}/handling/assign"),
    *{("post", f"/api/assignments/{{assignment_id}}/{step}") for step in ("delegate", "notes", "complete", "chase")},
}


def test_openapi_lists_every_flow_endpoint_with_a_vietnamese_summary_and_tag(client, db):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    operations = {(method, path): op for path, item in schema["paths"].items() for method, op in item.items()}
    assert FLOW_OPERATIONS <= set(operations)
    for key in FLOW_OPERATIONS:
        op = operations[key]
        assert op["summary"] and not op["summary"].isascii(), key  # Vietnamese text has diacritics
        assert op.get("description") and not op["description"].isascii(), key
        assert op["tags"] and op["tags"][0] in {
            "Dự thảo văn bản đi", "Văn bản đến qua liên thông", "Theo dõi văn bản đã gửi", "Danh sách nơi nhận",
            "Xử lý văn bản đến"}, key
        assert op["security"] == [{"BearerToken": []}], key
    for multipart in [("post", "/api/drafts"), ("post", "/api/drafts/{draft_id}/sign"),
                      ("post", "/api/drafts/{draft_id}/seal"), ("post", "/api/drafts/{draft_id}/files")]:
        assert "multipart/form-data" in operations[multipart]["requestBody"]["content"], multipart
    assert "AssignmentNode" in schema["components"]["schemas"]


def test_every_flow_endpoint_needs_a_token(client, db):
    for method, path in sorted(FLOW_OPERATIONS):
        url = path.format(draft_id=1, file_id=1, delivery_id=1, document_id=1, assignment_id=1)
        response = getattr(client, method)(url)
        assert (method, path, response.status_code, response.json()["code"]) == (
            method, path, 401, "not_authenticated")
