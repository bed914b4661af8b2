"""Deliveries through the JSON API: the recipient's queues and steps, the sender's tracking view with
QCVN 102 codes, recalls, sent documents and saved recipient lists."""

import pytest

from lienthong.delivery import services
from lienthong.delivery.models import Delivery, DeliveryState, RecallState, RecipientList
from lienthong.delivery.selectors import CHOSEN_TWICE
from lienthong.documents.models import Document, DocumentStatus
from lienthong.documents.services.registration import RECEIVED_IN_FUTURE
from lienthong.drafting.tests.test_api import NOT_FOUND, as_user, issue_via_api, ok, post_json
from lienthong.testing.builders import tiny_pdf


@pytest.fixture
def report(province):
    """The commune's report, issued to the district through the API."""
    return issue_via_api(province)


def delivery_of(report, province, key="huyen") -> Delivery:
    return Delivery.objects.get(document_id=report["document_id"], recipient_agency=province.agencies[key])


# --- Recipient side -----------------------------------------------------------------------------------

def test_district_clerk_sees_the_report_at_once_with_counts(province, report):
    client = as_user(province.users["clerk.huyen"])

    body = ok(client.get("/api/deliveries"))

    assert (body["count"], body["counts"]) == (1, {"to_receive": 1, "to_register": 0, "recall": 0})
    item = body["items"][0]
    assert {k: item[k] for k in ("state", "state_label", "recall_state", "is_urgent")} == {
        "state": "arrived", "state_label": "Đã đến", "recall_state": "", "is_urgent": False}
    assert item["sender_agency"] == {"id": province.agencies["xa"].pk, "name": "Ủy ban nhân dân xã Vị Thắng"}
    assert {k: item["document"][k] for k in ("id", "number_symbol", "document_type_code", "issuer_name")} == {
        "id": report["document_id"], "number_symbol": "01/BC-UBND", "document_type_code": "bao-cao",
        "issuer_name": "Ủy ban nhân dân xã Vị Thắng"}
    assert ok(client.get("/api/deliveries", {"queue": "to_register"}))["items"] == []


def test_detail_has_the_senders_metadata_and_files_downloadable_before_registration(province, report):
    client = as_user(province.users["clerk.huyen"])
    delivery = delivery_of(report, province)

    body = ok(client.get(f"/api/deliveries/{delivery.pk}"))
    file_url = body["document"]["files"][0]["download_url"]
    download = client.get(file_url)

    assert body["document"]["signer_position"] == "Chủ tịch"
    assert body["document"]["recipients_text"].startswith("Nơi nhận:")
    assert [e["code"] for e in body["events"]] == ["", "01"]
    assert body["incoming_document_id"] is None
    assert file_url == f"/api/deliveries/{delivery.pk}/files/{body['document']['files'][0]['id']}"
    assert b"".join(download.streaming_content) == tiny_pdf("Da ky")
    assert download["Content-Disposition"].startswith('attachment; filename="da-ky.pdf"')


def test_receive_then_register_returns_the_new_incoming_document(province, report):
    client = as_user(province.users["clerk.huyen"])
    delivery = delivery_of(report, province)

    received = ok(post_json(client, f"/api/deliveries/{delivery.pk}/receive"))
    again = post_json(client, f"/api/deliveries/{delivery.pk}/receive")
    registered = ok(post_json(client, f"/api/deliveries/{delivery.pk}/register",
                              {"notes": "Chuyển lãnh đạo", "due_date": ""}), 201)

    assert received["state"] == "received"
    assert again.status_code == 400
    assert again.json() == {"code": "invalid_state", "field": "state",
                            "message": services.TAKEN % {"s": DeliveryState.RECEIVED.label}}
    incoming = Document.objects.get(pk=registered["incoming_document_id"])
    assert registered == {"delivery_id": delivery.pk, "incoming_document_id": incoming.pk, "register_number": 1,
                          "number_symbol": "01/BC-UBND", "received_on": incoming.received_on.isoformat()}
    assert (incoming.agency_id, incoming.direction, incoming.notes) == (province.agencies["huyen"].pk, "in",
                                                                        "Chuyển lãnh đạo")
    assert ok(client.get(f"/api/deliveries/{delivery.pk}"))["incoming_document_id"] == incoming.pk
    assert ok(client.get(f"/api/documents/{incoming.pk}"))["number_symbol"] == "01/BC-UBND"


def test_return_needs_a_reason_and_the_sender_sees_code_02(province, report):
    client = as_user(province.users["clerk.huyen"])
    delivery = delivery_of(report, province)

    missing = post_json(client, f"/api/deliveries/{delivery.pk}/return", {"reason": ""})
    returned = ok(post_json(client, f"/api/deliveries/{delivery.pk}/return", {"reason": "Gửi nhầm nơi nhận"}))

    assert missing.status_code == 422
    assert missing.json()["errors"] == {"reason": [str(services.RETURN_REASON_REQUIRED)]}
    assert (returned["state"], returned["reason"]) == ("returned", "Gửi nhầm nơi nhận")
    tracking = ok(as_user(province.users["clerk.xa"]).get(f"/api/documents/{report['document_id']}/deliveries"))
    last = tracking["recipients"][0]["events"][-1]
    # the sender reads the reason, and the recipient agency rather than its clerk's name (issue 11)
    assert (last["code"], last["actor_name"], last["description"]) == (
        "02", "Ủy ban nhân dân huyện Vị Thủy", "Gửi nhầm nơi nhận")
    assert post_json(client, f"/api/deliveries/{delivery.pk}/register").status_code == 400


def test_register_date_in_the_future_is_a_422_and_leaves_the_delivery_as_it_was(province, report):
    client = as_user(province.users["clerk.huyen"])
    delivery = delivery_of(report, province)

    response = post_json(client, f"/api/deliveries/{delivery.pk}/register", {"received_on": "2999-01-01"})

    assert response.status_code == 422
    assert response.json()["errors"] == {"received_on": [str(RECEIVED_IN_FUTURE)]}
    delivery.refresh_from_db()
    assert (delivery.state, delivery.incoming_document_id) == (DeliveryState.ARRIVED, None)
    assert not Document.objects.filter(direction="in").exists()


@pytest.mark.parametrize("username", ["clerk.stttt", "leader.huyen", "specialist.huyen", "clerk.xa"])
def test_another_agencys_delivery_is_404_and_untouched(province, report, username):
    client = as_user(province.users[username])
    delivery = delivery_of(report, province)

    detail = client.get(f"/api/deliveries/{delivery.pk}")
    file_id = Document.objects.get(pk=report["document_id"]).files.get().pk
    download = client.get(f"/api/deliveries/{delivery.pk}/files/{file_id}")
    receive = post_json(client, f"/api/deliveries/{delivery.pk}/receive")
    register = post_json(client, f"/api/deliveries/{delivery.pk}/register")
    listed = client.get("/api/deliveries").json()

    assert [r.status_code for r in (detail, download, receive, register)] == [404, 404, 404, 404]
    assert detail.json() == receive.json() == NOT_FOUND
    assert listed["items"] == [] and listed["counts"]["to_receive"] == 0
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.ARRIVED


# --- Sender side ----------------------------------------------------------------------------------------

def test_sender_tracking_lists_every_recipient_with_codes_times_and_who(province):
    report = issue_via_api(province, recipients=("huyen", "stttt"))
    ok(post_json(as_user(province.users["clerk.huyen"]),
                 f"/api/deliveries/{delivery_of(report, province).pk}/receive"))

    body = ok(as_user(province.users["specialist.xa"]).get(f"/api/documents/{report['document_id']}/deliveries"))

    assert (body["number_symbol"], body["status"], body["summary"]) == (
        "01/BC-UBND", "active", {"received": 1, "arrived": 1})
    huyen, so = body["recipients"]
    assert (huyen["agency_name"], huyen["state"], huyen["state_label"]) == (
        "Ủy ban nhân dân huyện Vị Thủy", "received", "Đã tiếp nhận")
    assert [(e["code"], e["kind"], e["actor_name"]) for e in huyen["events"]] == [
        ("", "sent", "Văn thư xa"), ("01", "arrived", ""), ("03", "received", "Ủy ban nhân dân huyện Vị Thủy")]
    assert [e["code"] for e in so["events"]] == ["", "01"]
    assert all(e["at"] for e in huyen["events"])


@pytest.mark.parametrize("username", ["clerk.huyen", "leader.huyen", "clerk.stttt"])
def test_tracking_of_another_agencys_document_is_404(province, report, username):
    response = as_user(province.users[username]).get(f"/api/documents/{report['document_id']}/deliveries")
    recall = post_json(as_user(province.users[username]), f"/api/documents/{report['document_id']}/recall",
                       {"reason": "Thử"})

    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert recall.status_code == 404
    assert Document.objects.get(pk=report["document_id"]).status == DocumentStatus.ACTIVE


def test_sent_list_counts_recipients_per_state(province):
    first = issue_via_api(province, recipients=("huyen", "stttt"))
    second = issue_via_api(province, subject="Báo cáo tuần")
    ok(post_json(as_user(province.users["clerk.huyen"]), f"/api/deliveries/{delivery_of(first, province).pk}/receive"))

    body = ok(as_user(province.users["clerk.xa"]).get("/api/sent"))

    assert body["count"] == 2
    assert [(i["id"], i["recipients"], i["by_state"]) for i in body["items"]] == [
        (second["document_id"], 1, {"arrived": 1}),
        (first["document_id"], 2, {"arrived": 1, "received": 1}),
    ]
    assert ok(as_user(province.users["clerk.huyen"]).get("/api/sent"))["count"] == 0


def test_list_query_counts_do_not_grow(province, django_assert_max_num_queries):
    issue_via_api(province)
    clerk_huyen, clerk_xa = as_user(province.users["clerk.huyen"]), as_user(province.users["clerk.xa"])
    clerk_huyen.get("/api/deliveries"), clerk_xa.get("/api/sent")  # warm-up: first use of a token
    with django_assert_max_num_queries(10) as inbox:
        clerk_huyen.get("/api/deliveries")
    with django_assert_max_num_queries(10) as sent:
        clerk_xa.get("/api/sent")
    inbox, sent = len(inbox), len(sent)
    for n in range(3):
        issue_via_api(province, subject=f"Báo cáo bổ sung {n}")

    with django_assert_max_num_queries(inbox):
        assert clerk_huyen.get("/api/deliveries").json()["count"] == 4
    with django_assert_max_num_queries(sent):
        assert clerk_xa.get("/api/sent").json()["count"] == 4


# --- Recall ----------------------------------------------------------------------------------------------

def test_recall_through_the_api(province):
    u = province.users
    report = issue_via_api(province, recipients=("huyen", "stttt"))
    huyen, so = as_user(u["clerk.huyen"]), as_user(u["clerk.stttt"])
    d_huyen, d_so = delivery_of(report, province), delivery_of(report, province, "stttt")
    incoming_id = ok(post_json(huyen, f"/api/deliveries/{d_huyen.pk}/register"), 201)["incoming_document_id"]
    assert incoming_id in {d["id"] for d in huyen.get("/api/documents").json()["items"]}

    no_reason = post_json(as_user(u["clerk.xa"]), f"/api/documents/{report['document_id']}/recall")
    asked = ok(post_json(as_user(u["clerk.xa"]), f"/api/documents/{report['document_id']}/recall",
                         {"reason": "Sai số liệu"}))

    assert no_reason.status_code == 422
    assert no_reason.json()["errors"] == {"reason": [str(services.RECALL_REASON_REQUIRED)]}
    assert asked["status"] == "recalled"
    assert [r["recall_state"] for r in asked["recipients"]] == ["requested", "requested"]
    queue = ok(huyen.get("/api/deliveries", {"queue": "recall"}))
    assert ([i["id"] for i in queue["items"]], queue["counts"]["recall"]) == ([d_huyen.pk], 1)
    assert queue["items"][0]["reason"] == "Sai số liệu"

    agreed = ok(post_json(huyen, f"/api/deliveries/{d_huyen.pk}/recall-answer", {"agree": True}))
    refused_without_reason = post_json(so, f"/api/deliveries/{d_so.pk}/recall-answer", {"agree": False})
    refused = ok(post_json(so, f"/api/deliveries/{d_so.pk}/recall-answer",
                           {"agree": False, "reason": "Đã xử lý xong"}))
    answered_twice = post_json(so, f"/api/deliveries/{d_so.pk}/recall-answer", {"agree": True})

    assert (agreed["state"], agreed["recall_state"]) == ("withdrawn", "accepted")
    assert refused_without_reason.json()["errors"] == {"reason": [str(services.REFUSAL_REASON_REQUIRED)]}
    assert refused["recall_state"] == "refused"
    assert answered_twice.status_code == 400 and answered_twice.json()["code"] == "invalid_state"
    assert incoming_id not in {d["id"] for d in huyen.get("/api/documents").json()["items"]}
    assert Document.objects.get(pk=incoming_id).status == DocumentStatus.WITHDRAWN
    tracking = ok(as_user(u["clerk.xa"]).get(f"/api/documents/{report['document_id']}/deliveries"))
    assert [(r["agency_name"], r["recall_state"], [e["code"] for e in r["events"]][-2:])
            for r in tracking["recipients"]] == [
        ("Ủy ban nhân dân huyện Vị Thủy", "accepted", ["13", "15"]),
        ("Sở Thông tin và Truyền thông tỉnh Hậu Giang", "refused", ["13", "16"]),
    ]
    assert tracking["recipients"][1]["events"][-1]["description"] == "Đã xử lý xong"


def test_recall_of_a_document_never_issued_is_refused(province):
    from lienthong.documents.services import document_register_outgoing
    from lienthong.testing.builders import doc_input

    doc = document_register_outgoing(actor=province.users["clerk.xa"], agency=province.agencies["xa"],
                                     data=doc_input())

    response = post_json(as_user(province.users["clerk.xa"]), f"/api/documents/{doc.pk}/recall", {"reason": "Nhầm"})

    assert response.status_code == 422
    assert response.json()["errors"] == {"document": [str(services.RECALL_NOT_IN_FORCE)]}
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.ACTIVE


def test_a_specialist_who_sees_the_document_may_not_recall_it(province, report):
    response = post_json(as_user(province.users["specialist.xa"]), f"/api/documents/{report['document_id']}/recall",
                         {"reason": "Sai"})

    assert response.status_code == 403
    assert not Delivery.objects.exclude(recall_state=RecallState.NONE).exists()


# --- Saved recipient lists -----------------------------------------------------------------------------

def test_recipient_lists_save_and_list(province):
    p = province
    client = as_user(p.users["clerk.ubnd"])

    created = ok(post_json(client, "/api/recipient-lists", {
        "name": "Các sở, ngành", "member_ids": [p.agencies["vp"].pk, p.agencies["stttt"].pk]}), 201)
    listed = ok(client.get("/api/recipient-lists"))

    assert created == {"id": created["id"], "name": "Các sở, ngành", "agency_id": p.agencies["ubnd"].pk, "size": 2,
                       "member_ids": sorted([p.agencies["vp"].pk, p.agencies["stttt"].pk])}
    assert listed == [created]
    assert ok(as_user(p.users["clerk.xa"]).get("/api/recipient-lists")) == []


def test_recipient_list_with_the_same_agency_twice_is_a_422(province):
    p = province
    client = as_user(p.users["clerk.ubnd"])

    response = post_json(client, "/api/recipient-lists", {
        "name": "Các huyện", "member_ids": [p.agencies["huyen"].pk, p.agencies["huyen"].pk]})
    shared = post_json(client, "/api/recipient-lists", {
        "name": "Dùng chung", "member_ids": [p.agencies["huyen"].pk], "shared": True})

    assert response.status_code == 422
    assert response.json()["errors"] == {"members": [str(services.LIST_MEMBER_TWICE)]}
    assert shared.status_code == 403
    assert not RecipientList.objects.exists()


def test_a_draft_sent_to_a_saved_list_and_the_same_agency_again_is_refused(province):
    p = province
    rl = ok(post_json(as_user(p.users["clerk.xa"]), "/api/recipient-lists",
                      {"name": "Huyện", "member_ids": [p.agencies["huyen"].pk]}), 201)
    from lienthong.drafting.tests.test_api import draft_form

    response = as_user(p.users["specialist.xa"]).post("/api/drafts", draft_form(p, recipient_list_ids=[rl["id"]]))

    assert response.status_code == 422
    assert response.json()["errors"]["recipients"] == [CHOSEN_TWICE % {"n": "Ủy ban nhân dân huyện Vị Thủy"}]
