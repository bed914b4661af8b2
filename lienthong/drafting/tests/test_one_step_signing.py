"""Approving and signing as the signer meets it (issue 18): one "Duyệt và ký" step when the chairman is the
content reviewer, the approver and the signer, with each step kept in the history and the audit log; the
signing form starting on the digital signature when he holds a usable certificate; the văn thư not told of
the steps they took themselves; the "issue at once" box on the line of its label."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lienthong.accounts.models import Position, Role
from lienthong.audit.models import AuditEntry
from lienthong.drafting import services
from lienthong.drafting.models import DraftFile, DraftState, DraftStep
from lienthong.notifications.models import Notification
from lienthong.signing.credentials import WRONG_PIN
from lienthong.signing.models import RevocationList
from lienthong.signing.tests.flow_setup import PERSONAL_PIN, add_credential, demo_ca, draft_at_signing, expired
from lienthong.testing.builders import doc_type, tiny_pdf

pytestmark = pytest.mark.django_db


def _page(client, draft):
    response = client.get(reverse("drafting:detail", args=[draft.pk]))
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def _actions(page) -> set[str]:
    return {a.rstrip("/").rsplit("/", 1)[-1] for a in page.xpath("//form[contains(@action, '/thao-tac/')]/@action")}


def _checked_method(page, action: str) -> list[str]:
    return page.xpath(f"//form[contains(@class, 'action-{action}')]//input[@name='{action}-method'][@checked]/@value")


def chairman_reviews_and_signs(p):
    """A district report whose content reviewer, approver and signer are all the chairman, at the approval."""
    u = p.users
    data = services.DraftInput(
        document_type=doc_type("bao-cao"), subject="Báo cáo kết quả chuyển đổi số quý IV",
        signer_id=u["leader.huyen"].pk, reviewer_id=u["leader.huyen"].pk, signer_position="Chủ tịch",
        recipient_ids=[p.agencies["xa"].pk],
        files=[SimpleUploadedFile("du-thao.pdf", tiny_pdf("Du thao"), content_type="application/pdf")])
    draft = services.draft_create(actor=u["specialist.huyen.noivu"], agency=p.agencies["huyen"], data=data)
    services.draft_submit(actor=u["specialist.huyen.noivu"], draft=draft)
    assert draft.state == DraftState.FORMAT_CHECK  # the chairman checks the content when approving
    services.draft_check_format(actor=u["clerk.huyen"], draft=draft)
    return draft


def test_one_approve_and_sign_step_records_content_check_approval_and_signature(client, province):
    p = province
    add_credential(user=p.users["leader.huyen"])
    draft = chairman_reviews_and_signs(p)
    client.force_login(p.users["leader.huyen"])
    page = _page(client, draft)
    assert {"approve_sign", "approve"} <= _actions(page)
    assert _checked_method(page, "approve_sign") == ["pades"]
    url = reverse("drafting:act", args=[draft.pk, "approve_sign"])

    response = client.post(url, {"approve_sign-method": "pades", "approve_sign-pin": "000000",
                                 "approve_sign-urgency": "normal"})
    assert response.status_code == 422  # a wrong PIN: nothing approved, nothing signed
    assert str(WRONG_PIN) in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == DraftState.APPROVAL and not DraftStep.objects.filter(draft=draft, action="approve").exists()

    response = client.post(url, {"approve_sign-method": "pades", "approve_sign-pin": PERSONAL_PIN,
                                 "approve_sign-urgency": "urgent", "approve_sign-note": "Đồng ý"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.state, draft.urgency) == (DraftState.TO_NUMBER, "urgent")
    steps = list(DraftStep.objects.filter(draft=draft).values_list("action", "actor_id"))
    chairman = p.users["leader.huyen"].pk
    assert steps[-3:] == [("content_ok", chairman), ("approve", chairman), ("sign", chairman)]
    assert DraftFile.objects.filter(draft=draft, role="signed").count() == 1
    audit = list(AuditEntry.objects.filter(object_type="draft", object_id=str(draft.pk), actor_id=chairman,
                                           action="transition").values_list("summary", flat=True))
    assert len(audit) == 3
    history = " ".join(_page(client, draft).text_content().split())
    for label in ("Đồng ý nội dung", "Duyệt", "Ký"):
        assert label in history


def test_approve_and_sign_on_paper_needs_the_scan(client, province):
    p = province
    draft = chairman_reviews_and_signs(p)
    client.force_login(p.users["leader.huyen"])
    page = _page(client, draft)
    assert _checked_method(page, "approve_sign") == []  # paper only: a hidden field
    url = reverse("drafting:act", args=[draft.pk, "approve_sign"])
    assert client.post(url, {"approve_sign-method": "paper", "approve_sign-urgency": "normal"}).status_code == 422
    draft.refresh_from_db()
    assert draft.state == DraftState.APPROVAL
    scan = SimpleUploadedFile("da-ky.pdf", tiny_pdf("Da ky"), content_type="application/pdf")
    assert client.post(url, {"approve_sign-method": "paper", "approve_sign-urgency": "normal",
                             "approve_sign-files": scan}).status_code == 302
    draft.refresh_from_db()
    assert draft.state == DraftState.TO_NUMBER


def test_approving_alone_also_records_the_signers_content_check(province):
    p = province
    draft = chairman_reviews_and_signs(p)
    services.draft_approve(actor=p.users["leader.huyen"], draft=draft)
    assert list(DraftStep.objects.filter(draft=draft).values_list("action", flat=True)) == [
        "submit", "format_ok", "content_ok", "approve"]


def test_signing_starts_on_the_digital_signature_only_with_a_usable_certificate(client, province):
    p = province
    draft = draft_at_signing(p)
    client.force_login(p.users["leader.huyen"])
    credential, issued = add_credential(user=p.users["leader.huyen"])
    assert _checked_method(_page(client, draft), "sign") == ["pades"]

    # Revoked on a stored CRL of its CA: offered (to say why it fails) but not the default.
    from lienthong.signing import pki

    _root, ca = demo_ca()
    der = pki.make_crl(ca, [(issued.certificate.serial_number, dt.datetime.now(dt.UTC) - dt.timedelta(days=1))])
    revocation = RevocationList.objects.create(issuer=ca.certificate.subject.rfc4514_string(),
                                               issuer_fingerprint=ca.fingerprint,
                                               this_update=dt.datetime.now(dt.UTC), der=der)
    assert _checked_method(_page(client, draft), "sign") == ["paper"]
    revocation.delete()

    credential.delete()
    add_credential(user=p.users["leader.huyen"], **expired())
    assert _checked_method(_page(client, draft), "sign") == ["paper"]


def test_the_clerk_who_numbers_is_not_told_the_draft_waits_for_the_seal(province, django_capture_on_commit_callbacks):
    p = province
    from lienthong.accounts.services import user_create

    other = user_create(username="clerk2.huyen", password="x-Pass-12345", full_name="Văn thư hai",
                        positions=[(p.agencies["huyen"], Role.CLERK, "")])
    draft = draft_at_signing(p)
    scan = SimpleUploadedFile("da-ky.pdf", tiny_pdf("Da ky"), content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        services.draft_sign(actor=p.users["clerk.huyen"], draft=draft, method="paper", uploads=[scan])
    with django_capture_on_commit_callbacks(execute=True):
        services.draft_number(actor=p.users["clerk.huyen"], draft=draft)
    waiting_seal = Notification.objects.filter(kind="draft", title__icontains="đóng dấu")
    assert set(waiting_seal.values_list("user_id", flat=True)) == {other.pk}
    told_number = Notification.objects.filter(kind="draft", title__icontains="cấp số")
    assert set(told_number.values_list("user_id", flat=True)) == {other.pk}
    assert Position.objects.filter(user=other).exists()


def test_the_issue_at_once_box_sits_on_the_line_of_its_label(client, province):
    p = province
    draft = draft_at_signing(p)
    scan = SimpleUploadedFile("da-ky.pdf", tiny_pdf("Da ky"), content_type="application/pdf")
    services.draft_sign(actor=p.users["clerk.huyen"], draft=draft, method="paper", uploads=[scan])
    services.draft_number(actor=p.users["clerk.huyen"], draft=draft)
    client.force_login(p.users["clerk.huyen"])
    labels = _page(client, draft).xpath("//label[.//input[@name='seal-issue']]")
    assert [" ".join(label.text_content().split()) for label in labels] == ["Phát hành ngay sau khi đóng dấu"]


def test_the_draft_page_names_the_signer_in_the_decree_30_form(client, province):
    """Issue 18: "TM. Chủ tịch Phan Đức Sơn" → "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH / Phan Đức Sơn"."""
    p = province
    draft = chairman_reviews_and_signs(p)
    draft.signer_authority = "TM."
    draft.save(update_fields=["signer_authority"])
    client.force_login(p.users["leader.huyen"])
    signer = _page(client, draft).xpath("//dd[@class='signer']/text()")
    assert signer == [f"TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH / {p.users['leader.huyen'].full_name}"]
