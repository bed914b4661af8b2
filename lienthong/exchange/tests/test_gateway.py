"""The exchange gateway: a document issued to an external agency travels to another instance and its statuses
come back; received packages are deduplicated, refused with a 02, or wait for their sender; statuses only move
forward; the signed own API refuses what is not signed right."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from lienthong.accounts.models import Role
from lienthong.accounts.services import user_create
from lienthong.agencies.models import Agency
from lienthong.core.errors import ValidationFailed
from lienthong.delivery import services as delivery_services
from lienthong.delivery.models import Delivery, DeliveryState
from lienthong.documents import services as document_services
from lienthong.documents.models import Document
from lienthong.exchange import auth, codec, directory, services
from lienthong.exchange.edxml import model as edxml
from lienthong.exchange.models import (
    InboundPackage,
    InboundState,
    OutboundPackage,
    OutboundState,
    Partner,
    PartnerKind,
    UsedNonce,
)
from lienthong.exchange.transports.base import DirectoryEntry, TransportError
from lienthong.exchange.transports.instance import InstanceTransport
from lienthong.testing.builders import doc_input, make_agency, pdf_upload, tiny_pdf

MINISTRY = "000.00.00.G14"
SECRET = "khoa-bi-mat-dung-chung-0123456789"


@pytest.fixture
def ministry(province):
    return make_agency("Bộ Thông tin và Truyền thông", "BTTTT", province.agencies["ubnd"].level, code=MINISTRY,
                       external=True)


@pytest.fixture
def partners(province):
    """Two partner rows: the ministry's system (serving the ministry), this province's (serving Sở TT&TT)."""
    bo = Partner.objects.create(name="Hệ thống của Bộ", kind=PartnerKind.INSTANCE, base_url="http://b.test",
                                system_id="bo-tttt", secret=SECRET, organ_ids=MINISTRY)
    tinh = Partner.objects.create(name="Hệ thống tỉnh Hậu Giang", kind=PartnerKind.INSTANCE,
                                  base_url="http://a.test", system_id="hau-giang", secret=SECRET,
                                  organ_ids=province.agencies["stttt"].identifier_code)
    return {"bo": bo, "tinh": tinh}


def issue(province, recipient, *, subject="Báo cáo chuyển đổi số năm 2026") -> Document:
    clerk = province.users["clerk.stttt"]
    document = document_services.document_register_outgoing(
        actor=clerk, agency=province.agencies["stttt"], data=doc_input(
            "bao-cao", subject, issued_on=timezone.localdate(), files=[pdf_upload("bao-cao.pdf", "Da ky so")],
            signer_position="Giám đốc", signer_name="Nguyễn Văn A"))
    delivery_services.delivery_send(actor=clerk, document=document, recipient_ids=[recipient.pk])
    return document


# --- Two instances in one test process ------------------------------------------------------------------------
# One database holds both sides' rows; what makes a side is which agencies are "of this instance" and the
# system id it signs with. The adapter runs each request to a partner's URL in the side that URL is.

class Sides:
    def __init__(self, province, ministry):
        self.internal = {"a": province.agencies["stttt"].pk, "b": ministry.pk}
        self.ids = {"a": "hau-giang", "b": "bo-tttt"}
        self.current = ""
        self.client = Client()
        self._settings = None

    @contextlib.contextmanager
    def side(self, name: str):
        before = self.current
        self._enter(name)
        try:
            yield
        finally:
            if before:
                self._enter(before)

    def _enter(self, name: str):
        other = "b" if name == "a" else "a"
        Agency.objects.filter(pk=self.internal[name]).update(is_external=False)
        Agency.objects.filter(pk=self.internal[other]).update(is_external=True)
        if self._settings is not None:
            self._settings.disable()
        self._settings = override_settings(EXCHANGE_SYSTEM_ID=self.ids[name])
        self._settings.enable()
        self.current = name

    def close(self):
        if self._settings is not None:
            self._settings.disable()

    def http(self, method, url, headers, body, timeout):
        name = "b" if url.startswith("http://b.test") else "a"
        path = url.split(".test", 1)[1]
        with self.side(name):
            response = self.client.generic(method, path, data=body, content_type=headers["Content-Type"],
                                           headers={k: v for k, v in headers.items() if k != "Content-Type"})
        return response.status_code, response.content


@pytest.fixture
def sides(province, ministry, partners):
    s = Sides(province, ministry)
    for partner in partners.values():
        services.transport_override(partner, InstanceTransport.from_partner(partner, http=s.http))
    yield s
    for partner in partners.values():
        services.transport_override(partner, None)
    s.close()


def test_document_to_an_external_agency_arrives_at_the_other_instance_and_its_statuses_come_back(
        province, ministry, partners, sides):
    ministry_clerk = user_create(username="clerk.bo", password="x", full_name="Văn thư Bộ",
                                 positions=[(ministry, Role.CLERK, "")])
    with sides.side("a"):
        document = issue(province, ministry)
        sent = Delivery.objects.get(document=document)
        assert sent.state == DeliveryState.WAITING_EXCHANGE
        services.push(partner_ids=[partners["bo"].pk])
        package = OutboundPackage.objects.get(delivery_id=sent.pk)
        assert (package.state, package.attempts, package.to_organ_ids, package.last_error) == (
            OutboundState.SENT, 1, MINISTRY, "")
        with pytest.raises(ValidationFailed) as locked:  # in transit: the document stays as it was sent
            document_services.document_cancel(actor=province.users["clerk.stttt"], document=document, reason="Sai")
        assert locked.value.errors == {"document": [str(services.IN_TRANSIT)]}

    with sides.side("b"):  # the ministry's inbox: the document, its sender, its signed PDF
        arrived = Delivery.objects.exclude(pk=sent.pk).get(recipient_agency=ministry)
        assert arrived.state == DeliveryState.ARRIVED
        copy = arrived.document
        assert (copy.number_symbol, copy.subject, copy.agency_id) == (
            document.number_symbol, document.subject, province.agencies["stttt"].pk)
        assert copy.identifier == document.identifier
        assert [f.filename for f in copy.files.all()] == ["bao-cao.pdf"]
        services.push(partner_ids=[partners["tinh"].pk])  # 01 back

    sent.refresh_from_db()
    assert sent.state == DeliveryState.ARRIVED
    package.refresh_from_db()
    assert package.state == OutboundState.ACKNOWLEDGED

    with sides.side("b"):
        delivery_services.delivery_receive(actor=ministry_clerk, delivery_id=arrived.pk)
        services.push(partner_ids=[partners["tinh"].pk])  # 03 back

    sent.refresh_from_db()
    assert sent.state == DeliveryState.RECEIVED
    assert [e.code for e in sent.events.all()] == ["", "01", "03"]
    assert sent.events.last().party(ministry.name) == ministry.name
    with sides.side("a"):  # acknowledged: no longer locked
        document_services.document_cancel(actor=province.users["clerk.stttt"], document=document, reason="Sai")


def test_recall_by_the_sender_reaches_the_external_recipient_and_its_agreement_comes_back(
        province, ministry, partners, sides):
    ministry_clerk = user_create(username="clerk.bo", password="x", full_name="Văn thư Bộ",
                                 positions=[(ministry, Role.CLERK, "")])
    with sides.side("a"):
        document = issue(province, ministry)
        services.push(partner_ids=[partners["bo"].pk])
    with sides.side("b"):
        services.push(partner_ids=[partners["tinh"].pk])
    with sides.side("a"):
        delivery_services.delivery_recall(actor=province.users["clerk.stttt"], document=document,
                                          reason="Sai số liệu")
        services.push(partner_ids=[partners["bo"].pk])  # 13 out
    with sides.side("b"):
        arrived = Delivery.objects.exclude(document=document).get(recipient_agency=ministry)
        assert arrived.recall_state == "requested"
        delivery_services.delivery_recall_answer(actor=ministry_clerk, delivery_id=arrived.pk, agree=True)
        services.push(partner_ids=[partners["tinh"].pk])  # 15 back
    sent = Delivery.objects.get(document=document)
    assert (sent.state, sent.recall_state) == (DeliveryState.WITHDRAWN, "accepted")
    assert [e.code for e in sent.events.all()][-2:] == ["13", "15"]


# --- Receiving -------------------------------------------------------------------------------------------------

def edoc(to=("000.00.35.H30",), *, sender=MINISTRY, number="12", attachments=None, **extra) -> bytes:
    return codec.build_document(edxml.DocumentPackage(
        sender=edxml.Organ(organ_id=sender, name="Bộ Thông tin và Truyền thông"),
        recipients=[edxml.Organ(organ_id=c, name=f"Cơ quan {c}") for c in to],
        document_id=f"{sender},2026/12/01,{number}/BTTTT-VP",
        code_number=number, code_notation="BTTTT-VP", subject="Về việc chuyển đổi số", type_name="Công văn",
        type=2, type_detail=18, priority=0, promulgation_date=dt.date(2026, 12, 1),
        traces=[edxml.Trace(organ_id=sender, timestamp=timezone.now())],
        business_doc_type=extra.pop("business_doc_type", edxml.NEW),
        attachments=attachments if attachments is not None else [
            edxml.Attachment(name="cong-van.pdf", data=tiny_pdf("Cong van"), content_type="application/pdf")],
        **extra))


def test_received_package_lands_in_the_inbox_and_answers_01(province, ministry, partners, monkeypatch,
                                                            django_capture_on_commit_callbacks):
    from lienthong.signing.verification import services as verification

    verified = []
    monkeypatch.setattr(verification, "files_verify_later", verified.extend)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.receive(partner=partners["bo"], data=edoc())

    assert (outcome.ok, outcome.state) == (True, InboundState.APPLIED)
    delivery = Delivery.objects.get(recipient_agency=province.agencies["huyen"])
    assert (delivery.state, delivery.sender_agency_id) == (DeliveryState.ARRIVED, ministry.pk)
    # its PDF goes through the signing app's verification, as an internal delivery's
    assert verified == [f.stored_file_id for f in delivery.document.files.all()]
    # the district's văn thư finds it in the inbox like an internal delivery
    from lienthong.drafting.tests.test_api import as_user

    inbox = as_user(province.users["clerk.huyen"]).get("/api/deliveries").json()
    assert [(i["sender_agency"]["name"], i["document"]["number_symbol"]) for i in inbox["items"]] == [
        ("Bộ Thông tin và Truyền thông", "12/BTTTT-VP")]
    services.statuses_collect()
    answer = OutboundPackage.objects.get(message_type="status")
    status = codec.parse_package(bytes(answer.package))
    assert (answer.partner, status.status_code, status.response_for.document_id) == (
        partners["bo"], "01", f"{MINISTRY},2026/12/01,12/BTTTT-VP")
    assert status.sender.organ_id == "000.00.35.H30"


def test_the_same_package_twice_is_acknowledged_and_ignored(province, ministry, partners):
    package = edoc()  # the same bytes twice (a transport that delivers again); built once: it carries a timestamp
    first = services.receive(partner=partners["bo"], data=package)
    again = services.receive(partner=partners["bo"], data=package)

    assert (again.ok, again.duplicate, again.inbound_id) == (True, True, first.inbound_id)
    assert Delivery.objects.filter(recipient_agency=province.agencies["huyen"]).count() == 1
    assert InboundPackage.objects.count() == 1


def test_unknown_sender_waits_then_applies_once_confirmed(province, partners):
    stranger = "000.00.00.G99"
    axis = Partner.objects.create(name="Trục liên thông quốc gia", kind=PartnerKind.VDXP, system_id="vdxp",
                                  organ_ids="*")
    outcome = services.receive(partner=axis, data=edoc(sender=stranger))

    assert (outcome.ok, outcome.state) == (True, InboundState.WAITING)
    pending = Agency.objects.get(identifier_code=stranger)
    assert (pending.is_external, pending.is_active, pending.identifier_verified) == (True, False, False)
    assert not Delivery.objects.filter(recipient_agency=province.agencies["huyen"]).exists()

    applied = services.sender_confirm(actor=province.users["clerk.vp"], agency_id=pending.pk)

    assert applied == 1
    assert InboundPackage.objects.get(pk=outcome.inbound_id).state == InboundState.APPLIED
    assert Delivery.objects.get(recipient_agency=province.agencies["huyen"]).sender_agency_id == pending.pk


XXE = (b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       b"<edXML>&x;</edXML>")
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
          b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><edXML>&c;</edXML>')


@pytest.mark.parametrize("data, reason", [
    (b"<edXML><broken", None),
    (XXE, None),
    (LAUGHS, None),
    (None, services.NOT_SERVED % {"codes": "000.00.99.H99"}),
    ("exe", None),
])
def test_refused_package_is_answered_with_02_and_nothing_of_it_is_stored(province, ministry, partners, data, reason):
    if data is None:
        data = edoc(to=("000.00.99.H99",))
    elif data == "exe":
        data = edoc(attachments=[edxml.Attachment(name="virus.pdf", data=b"MZ\x90\x00" + b"\x00" * 200)])
    documents_before = Document.objects.count()

    outcome = services.receive(partner=partners["bo"], data=data)

    assert outcome.ok is False and outcome.reason
    if reason is not None:
        assert outcome.reason == str(reason)
    refusal = InboundPackage.objects.get()
    assert (refusal.state, refusal.package, refusal.reason) == (InboundState.REFUSED, None, outcome.reason)
    assert Document.objects.count() == documents_before
    assert not Delivery.objects.exists()
    answers = list(OutboundPackage.objects.filter(message_type="status"))
    if data in (b"<edXML><broken", XXE, LAUGHS):
        assert answers == []  # nothing readable to answer
    else:
        status = codec.parse_package(bytes(answers[0].package))
        assert (status.status_code, status.description) == ("02", outcome.reason)


def test_a_partner_cannot_send_for_an_agency_it_does_not_serve(province, ministry, partners):
    outcome = services.receive(partner=partners["tinh"], data=edoc())

    assert (outcome.ok, outcome.reason) == (False, str(services.NOT_PARTNERS_ORGAN % {"code": MINISTRY}))
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("kind", [edxml.REVOKE, edxml.UPDATE, edxml.REPLACE])
def test_revoke_update_replace_are_recorded_against_the_earlier_delivery(province, ministry, partners, kind):
    first = services.receive(partner=partners["bo"], data=edoc())
    earlier_id = f"{MINISTRY},2026/12/01,12/BTTTT-VP"

    later = services.receive(partner=partners["bo"], data=edoc(
        number="13", business_doc_type=kind, business_document_id=earlier_id, business_reason="Sai số liệu"))

    row = InboundPackage.objects.get(pk=later.inbound_id)
    assert (later.ok, row.state, row.related_id, row.reason) == (True, InboundState.APPLIED, first.inbound_id,
                                                                 "Sai số liệu")
    delivery = Delivery.objects.get(recipient_agency=province.agencies["huyen"])  # no second delivery
    assert delivery.recall_state == ("requested" if kind == edxml.REVOKE else "")
    unknown = services.receive(partner=partners["bo"], data=edoc(
        number="14", business_doc_type=kind, business_document_id=f"{MINISTRY},2026/01/01,1/X"))
    assert unknown.ok is False


def test_pull_takes_each_package_and_acknowledges_it_or_says_why_not(province, ministry, partners):
    waiting = _Waiting({"1": edoc(), "2": edoc(), "3": edoc(to=("000.00.99.H99",))})
    services.transport_override(partners["bo"], waiting)
    try:
        result = services.pull(partner_ids=[partners["bo"].pk])
    finally:
        services.transport_override(partners["bo"], None)

    assert (result.received, result.duplicates, result.refused) == (1, 1, 1)
    assert waiting.acks == [("1", True, ""), ("2", True, ""),
                            ("3", False, str(services.NOT_SERVED % {"codes": "000.00.99.H99"}))]
    assert OutboundPackage.objects.filter(message_type="status", status_code="01").count() == 1


def test_status_for_an_unknown_document_is_refused(province, partners):
    status = codec.build_status(edxml.StatusPackage(
        sender=edxml.Organ(organ_id=MINISTRY, name="Bộ Thông tin và Truyền thông"), status_code="03",
        timestamp=timezone.now(), response_for=services.response_for("000.00.13.H30,2026/01/01,99/BC")))

    outcome = services.receive(partner=partners["bo"], data=status)

    assert outcome.ok is False
    assert outcome.reason == str(services.UNKNOWN_DOCUMENT % {"id": "000.00.13.H30,2026/01/01,99/BC"})


def test_statuses_only_move_forward_but_every_one_is_recorded(province, ministry, partners):
    services.transport_override(partners["bo"], _Accepting())
    try:
        document = issue(province, ministry)
        services.push()
    finally:
        services.transport_override(partners["bo"], None)
    delivery = Delivery.objects.get(document=document)

    def status(code, at):
        return services.receive(partner=partners["bo"], data=codec.build_status(edxml.StatusPackage(
            sender=edxml.Organ(organ_id=MINISTRY, name="Bộ Thông tin và Truyền thông"), status_code=code,
            description=f"Trạng thái {code}",
            timestamp=at, response_for=services.response_for(document.identifier))))

    now = timezone.now()
    assert status("06", now).ok
    assert status("03", now + dt.timedelta(minutes=1)).ok

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DONE
    assert [e.code for e in delivery.events.all()] == ["", "06", "03"]


# --- Sending: retries ------------------------------------------------------------------------------------------

class _Accepting:
    def __init__(self):
        self.sent = []

    def send(self, *, package, message_type, from_organ_id, to_organ_ids):
        self.sent.append((message_type, to_organ_ids))
        return f"r{len(self.sent)}"

    def list_received(self, *, message_type):
        return []


class _Failing:
    def __init__(self, temporary):
        self.temporary = temporary

    def send(self, **kwargs):
        raise TransportError("Mất kết nối", temporary=self.temporary)


def test_backoff_doubles_with_jitter_up_to_the_ceiling():
    with override_settings(EXCHANGE_RETRY_BASE_SECONDS=60, EXCHANGE_RETRY_MAX_SECONDS=3600):
        low = [services.backoff_delay(n, rand=lambda: 0.0).total_seconds() for n in (1, 2, 3, 10)]
        high = [services.backoff_delay(n, rand=lambda: 1.0).total_seconds() for n in (1, 2, 3, 10)]
    assert low == [48, 96, 192, 2880]
    assert high == [72, 144, 288, 4320]


@pytest.mark.parametrize("temporary", [True, False])
def test_a_failed_send_is_retried_later_or_given_up(province, ministry, partners, temporary):
    services.transport_override(partners["bo"], _Failing(temporary))
    try:
        document = issue(province, ministry)
        result = services.push()
    finally:
        services.transport_override(partners["bo"], None)
    package = OutboundPackage.objects.get(message_type="edoc")
    assert (package.attempts, package.last_error) == (1, "Mất kết nối")
    if temporary:
        assert (result.retried, package.state) == (1, OutboundState.PENDING)
        assert package.next_attempt_at > timezone.now() + dt.timedelta(seconds=40)
        assert services.push().retried == 0  # not due yet
    else:
        assert (result.failed, package.state, package.next_attempt_at) == (1, OutboundState.FAILED, None)
    assert Delivery.objects.get(document=document).outbox.last_error == "Mất kết nối"


def test_administrator_cancels_then_the_document_may_change(province, ministry, partners):
    document = issue(province, ministry)
    services.outbox_collect()
    package = OutboundPackage.objects.get()
    services.package_cancel(actor=province.users["clerk.vp"], package_id=package.pk)
    document_services.document_cancel(actor=province.users["clerk.stttt"], document=document, reason="Sai")
    assert OutboundPackage.objects.get().state == OutboundState.CANCELLED
    with pytest.raises(ValidationFailed):
        services.package_retry(actor=province.users["clerk.vp"], package_id=package.pk)


def test_status_command_prints_counts_per_state_and_partner(province, ministry, partners, capsys):
    issue(province, ministry)
    services.outbox_collect()
    call_command("exchange", "status")
    out = capsys.readouterr().out
    assert "Gửi đi: pending=1" in out
    assert "Hệ thống của Bộ: pending=1" in out


# --- The signed API --------------------------------------------------------------------------------------------

def signed_post(client, payload, *, system="bo-tttt", secret=SECRET, now=None, nonce=None, tamper=False):
    path = "/api/exchange/packages?message_type=edoc&to=000.00.35.H30"
    body = payload
    headers = auth.signed_headers(system_id=system, secret=secret, method="POST", path=path, body=body, now=now,
                                  nonce=nonce)
    if tamper:
        body = body + b" "
    return client.generic("POST", path, data=body, content_type="application/xml", headers=headers)


def test_api_good_request_takes_the_package(client, province, ministry, partners):
    response = signed_post(client, edoc())
    assert response.status_code == 200, response.content
    assert response.json()["state"] == InboundState.APPLIED
    assert Delivery.objects.filter(recipient_agency=province.agencies["huyen"]).exists()


@pytest.mark.parametrize("case, status, message", [
    ("wrong_hmac", 401, auth.BAD_SIGNATURE),
    ("tampered", 401, auth.BAD_SIGNATURE),
    ("unknown", 401, auth.UNKNOWN_SYSTEM),
    ("skew", 401, auth.CLOCK_SKEW % {"s": 300}),
    ("inactive", 403, auth.PARTNER_INACTIVE),
])
def test_api_refuses_what_is_not_signed_right(client, province, ministry, partners, case, status, message):
    kwargs = {"wrong_hmac": {"secret": "khong-dung"}, "tampered": {"tamper": True}, "unknown": {"system": "la"},
              "skew": {"now": timezone.now() - dt.timedelta(seconds=301)}, "inactive": {}}[case]
    if case == "inactive":
        Partner.objects.filter(pk=partners["bo"].pk).update(is_active=False)
    response = signed_post(client, edoc(), **kwargs)
    assert response.status_code == status
    assert response.json()["message"] == str(message)
    assert not InboundPackage.objects.exists()


def test_api_refuses_a_replayed_request(client, province, ministry, partners):
    first = signed_post(client, edoc(), nonce="n-1")
    replay = signed_post(client, edoc(), nonce="n-1")
    assert first.status_code == 200
    assert (replay.status_code, replay.json()["message"]) == (401, str(auth.REPLAYED))
    assert UsedNonce.objects.count() == 1


def test_api_refuses_a_package_over_the_limit(client, province, ministry, partners):
    with override_settings(EXCHANGE_MAX_PACKAGE_BYTES=1000):
        response = signed_post(client, edoc())
    assert (response.status_code, response.json()["message"]) == (413, str(services.PACKAGE_TOO_LARGE % {"n": 0}))
    assert not InboundPackage.objects.exists()


def test_api_refuses_a_package_for_an_agency_this_instance_does_not_serve(client, province, ministry, partners):
    response = signed_post(client, edoc(to=("000.00.99.H99",)))
    assert response.status_code == 422
    assert response.json() == {"code": "package_refused",
                               "message": str(services.NOT_SERVED % {"codes": "000.00.99.H99"})}


# --- Hub mode and the directory --------------------------------------------------------------------------------

def test_hub_routes_by_organ_id_and_the_member_fetches_and_acknowledges(client, province, ministry, partners):
    member = Partner.objects.create(name="Hệ thống Cần Thơ", kind=PartnerKind.INSTANCE, base_url="",
                                    system_id="can-tho", secret=SECRET, organ_ids="000.00.00.H92")
    with override_settings(EXCHANGE_HUB=True):
        response = signed_post(client, edoc(to=("000.00.00.H92",)))
    assert (response.status_code, response.json()["state"]) == (200, InboundState.ROUTED)

    transport = InstanceTransport(base_url="http://hub.test", system_id="can-tho", secret=SECRET,
                                  http=lambda m, url, h, b, t: _django(client, m, url, h, b))
    waiting = transport.list_received(message_type="edoc")
    assert [w.to_organ_ids for w in waiting] == [("000.00.00.H92",)]
    data = transport.fetch(waiting[0].remote_id)
    assert codec.parse_package(data).recipients[0].organ_id == "000.00.00.H92"
    transport.acknowledge(waiting[0].remote_id, ok=True)
    assert transport.list_received(message_type="edoc") == []
    assert OutboundPackage.objects.get(partner=member).state == OutboundState.SENT


def test_hub_forwards_a_members_status_to_the_member_that_sent_the_document(client, province, partners):
    Partner.objects.create(name="Hệ thống Cần Thơ", kind=PartnerKind.INSTANCE, base_url="", system_id="can-tho",
                           secret=SECRET, organ_ids="000.00.00.H92")
    status = codec.build_status(edxml.StatusPackage(
        sender=edxml.Organ(organ_id=MINISTRY, name="Bộ Thông tin và Truyền thông"), status_code="03",
        timestamp=timezone.now(), response_for=services.response_for("000.00.00.H92,2026/12/01,5/UBND-VP")))

    with override_settings(EXCHANGE_HUB=True):
        outcome = services.receive(partner=partners["bo"], data=status)

    assert (outcome.ok, outcome.state) == (True, InboundState.ROUTED)
    forwarded = OutboundPackage.objects.get()
    assert (forwarded.partner.system_id, forwarded.status_code, bytes(forwarded.package)) == ("can-tho", "03", status)


def test_member_caches_the_hub_directory_and_imports_a_file(client, province, partners):
    hub = InstanceTransport(base_url="http://hub.test", system_id="bo-tttt", secret=SECRET,
                            http=lambda m, url, h, b, t: _django(client, m, url, h, b))
    entries = hub.agencies()
    assert {"000.00.35.H30", "000.00.13.H30"} <= {e.organ_id for e in entries}
    services.transport_override(partners["tinh"], _Directory([
        DirectoryEntry(organ_id="000.00.00.H92", name="Ủy ban nhân dân thành phố Cần Thơ"),
        DirectoryEntry(organ_id="000.00.13.H30", name="Tên khác"), DirectoryEntry(organ_id="sai mã", name="X")]))
    try:
        counts = directory.directory_fetch(partner=partners["tinh"])
    finally:
        services.transport_override(partners["tinh"], None)
    assert counts == {"created": 1, "updated": 1, "skipped": 1}
    assert Agency.objects.get(identifier_code="000.00.00.H92").is_external
    assert Agency.objects.get(identifier_code="000.00.13.H30").name == province.agencies["stttt"].name  # ours

    counts = directory.directory_import(data="identifier_code,name\n000.00.00.G15,Bộ Nội vụ\n".encode())
    assert counts == {"created": 1, "updated": 0, "skipped": 0}
    with pytest.raises(ValidationFailed):
        directory.directory_import(data=b"identifier_code,name\n000.00.4.H30,Sai\n")


class _Waiting:
    def __init__(self, packages):
        self.packages, self.acks = packages, []

    def list_received(self, *, message_type):
        from lienthong.exchange.transports.base import Received

        return [Received(remote_id=k, message_type=message_type) for k in self.packages
                if message_type == "edoc" and k not in [a[0] for a in self.acks]]

    def fetch(self, remote_id):
        return self.packages[remote_id]

    def acknowledge(self, remote_id, *, ok, reason=""):
        self.acks.append((remote_id, ok, reason))


class _Directory:
    def __init__(self, entries):
        self.entries = entries

    def agencies(self):
        return self.entries


def _django(client, method, url, headers, body):
    path = url.split(".test", 1)[1]
    response = client.generic(method, path, data=body, content_type=headers["Content-Type"],
                              headers={k: v for k, v in headers.items() if k != "Content-Type"})
    return response.status_code, response.content


def test_signature_covers_the_body():
    a = auth.signature(SECRET, method="POST", path="/p", timestamp="1", nonce="n", body=b"x")
    b = auth.signature(SECRET, method="POST", path="/p", timestamp="1", nonce="n", body=b"y")
    assert a != b and len(a) == len(hashlib.sha256().hexdigest())


# --- Administration --------------------------------------------------------------------------------------------

def test_administrator_sees_packages_in_transit_and_retries_one(client, province, ministry, partners):
    admin_user = user_create(username="admin", password="x", full_name="Quản trị", is_system_admin=True)
    client.force_login(admin_user)
    services.transport_override(partners["bo"], _Failing(False))
    try:
        issue(province, ministry)
        services.push()
    finally:
        services.transport_override(partners["bo"], None)
    package = OutboundPackage.objects.get()

    page = client.get("/quan-tri/exchange/outboundpackage/")
    retried = client.post("/quan-tri/exchange/outboundpackage/", {"action": "retry", "_selected_action": [package.pk]})

    assert page.status_code == 200 and "Mất kết nối" in page.content.decode()
    assert retried.status_code == 302
    package.refresh_from_db()
    assert (package.state, package.attempts) == (OutboundState.PENDING, 1)


# --- XML package signatures per partner -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def our_identity():
    from .test_xml_signature import make_identity

    return make_identity("Sở Thông tin và Truyền thông tỉnh Hậu Giang")


def test_packages_to_a_partner_requiring_signatures_are_signed(province, ministry, partners, our_identity, tmp_path):
    from lienthong.exchange.edxml import signature

    key_pem, cert_pem, subject = our_identity
    (tmp_path / "key.pem").write_bytes(key_pem)
    (tmp_path / "cert.pem").write_bytes(cert_pem)
    Partner.objects.filter(pk=partners["bo"].pk).update(sign_packages=True)
    issue(province, ministry)
    with override_settings(EXCHANGE_SIGNING_KEY_FILE=str(tmp_path / "key.pem"),
                           EXCHANGE_SIGNING_CERT_FILE=str(tmp_path / "cert.pem")):
        services.outbox_collect()

    check = signature.verify_package(bytes(OutboundPackage.objects.get().package), certificate_pem=cert_pem)
    assert (check.state, check.signer) == (signature.VALID, subject)


def test_without_a_signing_key_the_package_fails_with_the_reason(province, ministry, partners):
    Partner.objects.filter(pk=partners["bo"].pk).update(sign_packages=True)
    issue(province, ministry)
    services.outbox_collect()
    package = OutboundPackage.objects.get()
    assert (package.state, package.last_error) == (OutboundState.FAILED, str(services.NO_SIGNING_KEY))


def test_a_partner_requiring_signatures_must_sign_with_its_certificate(province, ministry, partners, our_identity):
    from lienthong.exchange.edxml import signature

    from .test_xml_signature import make_identity

    key_pem, cert_pem, _subject = our_identity
    Partner.objects.filter(pk=partners["bo"].pk).update(sign_packages=True, certificate=cert_pem.decode())
    partner = Partner.objects.get(pk=partners["bo"].pk)
    other_key, other_cert, _other = make_identity("Kẻ mạo danh")

    unsigned = services.receive(partner=partner, data=edoc(number="1"))
    forged = services.receive(partner=partner, data=signature.sign_package(edoc(number="2"), key_pem=other_key,
                                                                          cert_pem=other_cert))
    good = services.receive(partner=partner, data=signature.sign_package(edoc(number="3"), key_pem=key_pem,
                                                                        cert_pem=cert_pem))

    assert (unsigned.ok, unsigned.reason) == (False, str(services.SIGNATURE_REQUIRED))
    assert (forged.ok, forged.reason) == (False, str(signature.WRONG_CERTIFICATE))
    assert (good.ok, good.state) == (True, InboundState.APPLIED)
    assert Delivery.objects.filter(recipient_agency=province.agencies["huyen"]).count() == 1


def test_a_document_that_cannot_be_packaged_fails_in_the_outbox_with_the_reason(province, ministry, partners):
    document = issue(province, ministry)
    Agency.objects.filter(pk=province.agencies["stttt"].pk).update(identifier_code=None)  # no OrganId to send from

    assert services.outbox_collect() == 0
    assert services.outbox_collect() == 0  # not tried again at every run

    outbox = Delivery.objects.get(document=document).outbox
    assert outbox.state == "failed"
    assert outbox.last_error.startswith(str(services.CANNOT_BUILD % {"reason": ""}))
    assert not OutboundPackage.objects.exists()


def test_of_two_pushers_reading_the_same_due_row_only_one_sends_it(province, ministry, partners):
    accepting = _Accepting()
    services.transport_override(partners["bo"], accepting)
    try:
        issue(province, ministry)
        services.outbox_collect()
        now = timezone.now()
        [first] = services.selectors.due_packages(now=now)
        [second] = services.selectors.due_packages(now=now)  # read before the first claims it
        result = services.PushResult()
        services._send_one(first, result, now=now)
        services._send_one(second, result, now=now)
    finally:
        services.transport_override(partners["bo"], None)
    assert (result.sent, len(accepting.sent)) == (1, 1)


def test_each_step_of_the_recipient_goes_back_once_with_its_code(province, ministry, partners):
    services.receive(partner=partners["bo"], data=edoc())
    delivery = Delivery.objects.get(recipient_agency=province.agencies["huyen"])
    clerk = province.users["clerk.huyen"]

    delivery_services.delivery_receive(actor=clerk, delivery_id=delivery.pk)
    delivery_services.delivery_return(actor=clerk, delivery_id=delivery.pk, reason="Không đúng thẩm quyền")
    services.statuses_collect()
    services.statuses_collect()  # a second run queues nothing more

    sent_back = [codec.parse_package(bytes(p.package)) for p in
                 OutboundPackage.objects.filter(message_type="status").order_by("pk")]
    assert [(s.status_code, s.description) for s in sent_back][1:] == [
        ("03", str(delivery_services.EventKind.RECEIVED.label)), ("02", "Không đúng thẩm quyền")]
    assert sent_back[0].status_code == "01"
    assert {s.sender.organ_id for s in sent_back} == {"000.00.35.H30"}


def test_administrator_confirms_an_unknown_sender_from_the_waiting_package(client, province, partners):
    axis = Partner.objects.create(name="Trục", kind=PartnerKind.VDXP, system_id="vdxp", organ_ids="*")
    waiting = services.receive(partner=axis, data=edoc(sender="000.00.00.G99"))
    client.force_login(user_create(username="admin", password="x", full_name="Quản trị", is_system_admin=True))

    response = client.post("/quan-tri/exchange/inboundpackage/", {"action": "confirm_sender",
                                                                  "_selected_action": [waiting.inbound_id]})

    assert response.status_code == 302
    assert InboundPackage.objects.get(pk=waiting.inbound_id).state == InboundState.APPLIED
    assert Agency.objects.get(identifier_code="000.00.00.G99").is_active


def test_push_and_pull_commands_print_their_counts(province, ministry, partners, capsys):
    services.transport_override(partners["bo"], _Accepting())
    services.transport_override(partners["tinh"], _Waiting({}))
    try:
        issue(province, ministry)
        call_command("exchange", "push", "--partner", "bo-tttt")
        call_command("exchange", "pull")
    finally:
        services.transport_override(partners["bo"], None)
        services.transport_override(partners["tinh"], None)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "cancelled=0, failed=0, retried=0, sent=1"
    assert out[1] == "duplicates=0, errors=0, received=0, refused=0"


class _AnsweredWhileSending:
    """The recipient takes the package and its 01 comes back before the send returns (or before the send's
    failure is recorded: the answer was lost on the way back)."""

    def __init__(self, partner, *, fail: bool):
        self.partner, self.fail = partner, fail

    def send(self, *, package, message_type, from_organ_id, to_organ_ids):
        sent = codec.parse_package(package)
        status = codec.build_status(edxml.StatusPackage(
            sender=edxml.Organ(organ_id=MINISTRY, name="Bộ Thông tin và Truyền thông"), status_code="01",
            timestamp=timezone.now(), response_for=services.response_for(sent.document_id)))
        assert services.receive(partner=self.partner, data=status).ok
        if self.fail:
            raise TransportError("Mất kết nối khi chờ trả lời", temporary=True)
        return "r1"


@pytest.mark.parametrize("fail", [False, True])
def test_a_package_acknowledged_while_it_was_being_sent_stays_acknowledged(province, ministry, partners, fail):
    services.transport_override(partners["bo"], _AnsweredWhileSending(partners["bo"], fail=fail))
    try:
        document = issue(province, ministry)
        services.push()
        again = services.push()
    finally:
        services.transport_override(partners["bo"], None)

    package = OutboundPackage.objects.get(message_type="edoc")
    assert package.state == OutboundState.ACKNOWLEDGED  # not sent again, not left "in transit"
    assert again.sent == 0
    assert Delivery.objects.get(document=document).state == DeliveryState.ARRIVED
    # the recipient has it: the document is no longer locked
    document_services.document_cancel(actor=province.users["clerk.stttt"], document=document, reason="Sai")
