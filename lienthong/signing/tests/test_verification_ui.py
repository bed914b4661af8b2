"""Verification of the PDFs entering the system, as the people who meet them see it: stored with the
file when it is registered or delivered, shown before receiving, flagged in the inbox, returned with
the verification result as the reason, re-verified on demand (web and API), and the legal validity of
documents that carry both signatures and went through the system."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from lienthong.delivery import services as delivery_services
from lienthong.delivery.models import Delivery, DeliveryState
from lienthong.delivery.views.inbox import SIGNATURE_RETURN_REASON
from lienthong.documents.models import Document, DocumentFile
from lienthong.drafting import services as drafting
from lienthong.processing import services as processing
from lienthong.signing.models import FileVerification, TrustedCertificate, VerificationStatus
from lienthong.signing.tests import signed_pdfs as sp
from lienthong.signing.verification import signatures
from lienthong.signing.views_verification import REVERIFIED
from lienthong.testing.builders import doc_input, doc_type, pdf_upload

pytestmark = pytest.mark.django_db
TODAY = dt.date(2018, 3, 12)
# The badge of a legally valid document and the inbox's flag are template wording (signing/_legal_validity.html,
# signing/_signature_flag.html), not a message of the Python code: the tests keep them as literals.
LEGAL_BADGE = "Văn bản điện tử có giá trị pháp lý"
FAILING_FLAG = "Chữ ký số không hợp lệ"


@pytest.fixture(scope="module")
def p_pki():
    return sp.test_pki()


@pytest.fixture(scope="module")
def signed(p_pki):
    return sp.two_signatures(p_pki, text="Bao cao da ky so")


def trust_root(issued, *, is_test: bool = False) -> TrustedCertificate:
    """Trust ``issued`` as a root; not a test CA unless ``is_test`` (test CAs give no legal value)."""
    c = issued.certificate
    return TrustedCertificate.objects.create(
        kind="root", subject=c.subject.rfc4514_string(), issuer=c.issuer.rfc4514_string(), serial=str(c.serial_number),
        not_before=c.not_valid_before_utc, not_after=c.not_valid_after_utc, fingerprint=issued.fingerprint,
        der=issued.der, is_test=is_test)


def upload(data: bytes, name: str = "da-ky.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def issue(p, signed_pdf: bytes, *, sender="xa", recipients=("huyen",), subject="Báo cáo có chữ ký số"):
    """The commune's report, its signed PDF attached at the signing step, numbered, sealed, issued and
    delivered."""
    u = p.users
    data = drafting.DraftInput(document_type=doc_type("bao-cao"), subject=subject, signer_id=u[f"leader.{sender}"].pk,
                               signer_position="Chủ tịch", recipient_ids=[p.agencies[r].pk for r in recipients],
                               files=[pdf_upload("du-thao.pdf", "Du thao bao cao")])
    draft = drafting.draft_create(actor=u[f"specialist.{sender}"], agency=p.agencies[sender], data=data)
    drafting.draft_submit(actor=u[f"specialist.{sender}"], draft=draft)
    drafting.draft_check_format(actor=u[f"clerk.{sender}"], draft=draft)
    drafting.draft_approve(actor=u[f"leader.{sender}"], draft=draft)
    drafting.draft_sign(actor=u[f"clerk.{sender}"], draft=draft, uploads=[upload(signed_pdf)])
    doc = drafting.draft_number(actor=u[f"clerk.{sender}"], draft=draft, today=TODAY)
    drafting.draft_seal(actor=u[f"clerk.{sender}"], draft=draft)
    drafting.draft_issue(actor=u[f"clerk.{sender}"], draft=draft)
    doc.refresh_from_db()
    return doc


def verification_of_document(doc) -> FileVerification:
    return FileVerification.objects.get(stored_file__uses__document=doc)


def page(response):
    return lxml.html.fromstring(response.content.decode())


def text(el) -> str:
    return " ".join(el.text_content().split())


def test_registering_a_signed_pdf_by_hand_stores_its_verification(province, p_pki, signed,
                                                                  django_capture_on_commit_callbacks):
    trust_root(p_pki.root)
    with django_capture_on_commit_callbacks(execute=True):
        doc = processing.incoming_register_paper(
            actor=province.users["clerk.huyen"], agency=province.agencies["huyen"], number_symbol="05/BC-UBND",
            issuer_name="UBND xã", data=doc_input("bao-cao", "Báo cáo có chữ ký", issued_on=TODAY,
                                                  files=[upload(signed)]))
    v = verification_of_document(doc)
    assert v.status == "valid" and v.personal_valid and v.agency_valid and v.signature_count == 2
    assert [(s.kind, s.signer_name) for s in v.signatures.all()] == [
        ("personal", sp.PERSON_NAME), ("agency", sp.AGENCY_NAME)]
    doc.refresh_from_db()
    assert not doc.legally_valid  # signed and valid, but it did not come through the system


def api_document(client, doc) -> dict:
    from lienthong.accounts.services import api_token_issue

    token = api_token_issue(user=doc.created_by)
    return client.get(f"/api/documents/{doc.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()


def test_issued_and_delivered_with_both_signatures_is_legally_valid_and_so_is_the_registered_copy(
        client, province, p_pki, signed, django_capture_on_commit_callbacks):
    trust_root(p_pki.root)
    with django_capture_on_commit_callbacks(execute=True):
        doc = issue(province, signed)
    doc.refresh_from_db()
    assert doc.legally_valid
    client.force_login(doc.created_by)
    assert LEGAL_BADGE in client.get(f"/van-ban/{doc.pk}/").content.decode()
    assert api_document(client, doc)["legally_valid"] is True
    delivery = Delivery.objects.get(document=doc)
    with django_capture_on_commit_callbacks(execute=True):
        incoming = delivery_services.delivery_register(actor=province.users["clerk.huyen"],
                                                       delivery_id=delivery.pk, today=TODAY)
    incoming.refresh_from_db()
    assert incoming.legally_valid


def test_only_the_personal_signature_is_not_legally_valid(client, province, p_pki,
                                                          django_capture_on_commit_callbacks):
    trust_root(p_pki.root)
    from lienthong.testing.builders import tiny_pdf

    personal_only = sp.sign(tiny_pdf("Chi ca nhan ky"), p_pki.person)
    with django_capture_on_commit_callbacks(execute=True):
        doc = issue(province, personal_only)
    v = verification_of_document(doc)
    assert v.status == "valid" and v.personal_valid and not v.agency_valid
    doc.refresh_from_db()
    assert not doc.legally_valid
    client.force_login(doc.created_by)
    assert LEGAL_BADGE not in client.get(f"/van-ban/{doc.pk}/").content.decode()
    assert api_document(client, doc)["legally_valid"] is False


def test_the_inbox_flags_a_tampered_delivery_and_the_clerk_returns_it_with_the_result(
        client, province, p_pki, signed, django_capture_on_commit_callbacks):
    trust_root(p_pki.root)
    tampered = sp.flip_byte(signed, signed.index(b"Bao cao da ky so"))
    with django_capture_on_commit_callbacks(execute=True):
        bad = issue(province, tampered, subject="Báo cáo bị sửa")
        good = issue(province, sp.two_signatures(p_pki, text="Bao cao khac"), subject="Báo cáo nguyên vẹn")
    client.force_login(province.users["clerk.huyen"])

    inbox = page(client.get(reverse("delivery:inbox")))
    rows = {text(r.xpath(".//td[@class='subject']")[0])
            for r in inbox.xpath("//table[contains(@class,'inbox')]/tbody/tr")}
    assert rows == {f"Báo cáo bị sửa {FAILING_FLAG}", "Báo cáo nguyên vẹn"}

    delivery = Delivery.objects.get(document=bad)
    detail = page(client.get(reverse("delivery:inbox_detail", args=[delivery.pk])))
    panel = detail.xpath("//div[contains(@class,'verification-panel')]")[0]
    assert str(VerificationStatus.INVALID.label) in text(panel)
    first = panel.xpath(".//div[contains(@class,'signature')]")[0]
    assert "Chữ ký số cá nhân" in text(first.xpath("h4")[0])
    assert [text(dd) for dd in first.xpath(".//dd")[:5]] == [
        sp.PERSON_NAME, sp.AGENCY_NAME, text(first.xpath(".//dd")[2]), "CA chuyên dùng (thử nghiệm)", "Không"]
    reason = detail.xpath("//form[contains(@action,'tra-lai') or contains(@action,'return')]//textarea[@name='reason']")
    prefilled = reason[0].text_content().strip()
    personal = signatures.SIGNER_PROBLEMS % {"who": sp.PERSON_NAME, "p": signatures.TAMPERED}
    assert prefilled.startswith(SIGNATURE_RETURN_REASON % {"d": personal})

    response = client.post(reverse("delivery:inbox_return", args=[delivery.pk]), {"reason": prefilled})
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.RETURNED and delivery.reason == prefilled

    # The intact one: panel says valid, nothing pre-filled.
    ok = page(client.get(reverse("delivery:inbox_detail", args=[Delivery.objects.get(document=good).pk])))
    assert str(VerificationStatus.VALID.label) in text(ok.xpath("//div[contains(@class,'verification-panel')]")[0])
    assert not ok.xpath("//textarea[@name='reason']")[0].text_content().strip()


def test_the_document_page_shows_the_panel(client, province, p_pki, signed, django_capture_on_commit_callbacks):
    trust_root(p_pki.root)
    with django_capture_on_commit_callbacks(execute=True):
        doc = issue(province, signed)
    client.force_login(province.users["clerk.xa"])
    panel = page(client.get(reverse("documents:detail", args=[doc.pk]))).xpath(
        "//div[contains(@class,'verification-panel')]")
    assert len(panel) == 1
    assert [text(dd) for dd in panel[0].xpath(".//dd[@class='signer']")] == [sp.PERSON_NAME, sp.AGENCY_NAME]


def test_reverify_after_adding_the_root_turns_untrusted_into_valid(client, province, p_pki, signed,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = issue(province, signed)
    v = verification_of_document(doc)
    assert v.status == "untrusted"
    doc.refresh_from_db()
    assert not doc.legally_valid
    client.force_login(doc.created_by)
    assert LEGAL_BADGE not in client.get(f"/van-ban/{doc.pk}/").content.decode()
    assert api_document(client, doc)["legally_valid"] is False

    trust_root(p_pki.root)
    client.force_login(province.users["clerk.xa"])
    url = reverse("signing:file_reverify", args=[v.stored_file_id])
    back = reverse("documents:detail", args=[doc.pk])
    response = client.post(url, {"next": back}, follow=True)
    assert response.redirect_chain[-1][0] == back
    assert escape(REVERIFIED % {"s": VerificationStatus.VALID.label}) in response.content.decode()
    assert verification_of_document(doc).status == "valid"
    doc.refresh_from_db()
    assert doc.legally_valid


def test_reverify_through_the_api(client, province, p_pki, signed, django_capture_on_commit_callbacks):
    from lienthong.accounts.services import api_token_issue

    with django_capture_on_commit_callbacks(execute=True):
        doc = issue(province, signed)
    stored_id = DocumentFile.objects.filter(document=doc).values_list("stored_file_id", flat=True)[0]
    token = api_token_issue(user=province.users["clerk.xa"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    detail = client.get(f"/api/documents/{doc.pk}", **auth).json()
    [f] = detail["files"]
    assert f["stored_file_id"] == stored_id and f["verification"]["status"] == "untrusted"

    trust_root(p_pki.root)
    body = client.post(f"/api/files/{stored_id}/verify", **auth).json()
    assert body["status"] == "valid" and body["personal_valid"] and body["agency_valid"]
    assert [s["signer_name"] for s in body["signatures"]] == [sp.PERSON_NAME, sp.AGENCY_NAME]
    assert body["signatures"][0]["signing_time"].endswith("+07:00")


def test_reverify_is_refused_to_another_agency(client, province, p_pki, signed, django_capture_on_commit_callbacks):
    from lienthong.accounts.services import api_token_issue

    with django_capture_on_commit_callbacks(execute=True):
        doc = issue(province, signed)
    v = verification_of_document(doc)
    before = v.verified_at
    client.force_login(province.users["clerk.vp"])
    assert client.post(reverse("signing:file_reverify", args=[v.stored_file_id])).status_code == 404
    token = api_token_issue(user=province.users["clerk.vp"])
    assert client.post(f"/api/files/{v.stored_file_id}/verify",
                       HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 404
    assert verification_of_document(doc).verified_at == before
    assert not Document.objects.filter(pk=doc.pk, legally_valid=True).exists()


def test_the_draft_page_shows_the_panel_of_the_signed_file(client, province, p_pki, signed,
                                                           django_capture_on_commit_callbacks):
    trust_root(p_pki.root)
    with django_capture_on_commit_callbacks(execute=True):
        doc = issue(province, signed)
    from lienthong.drafting.models import Draft

    draft = Draft.objects.get(document=doc)
    client.force_login(province.users["clerk.xa"])
    html = page(client.get(reverse("drafting:detail", args=[draft.pk])))
    signers = [text(dd) for dd in html.xpath("//div[contains(@class,'verification-panel')]//dd[@class='signer']")]
    assert signers[:2] == [sp.PERSON_NAME, sp.AGENCY_NAME]
