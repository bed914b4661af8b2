"""Issue 12, finding 2: an outgoing document signed on paper takes a number only with its signer, its
signing date and the scan of the signed page (vanthu.md §7 rule 4; NĐ30 Art. 13, 15.2, 18.1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from lienthong.accounts.models import Position, Role
from lienthong.accounts.services import user_create
from lienthong.audit.models import AuditEntry
from lienthong.authority import services as authority_services
from lienthong.authority.models import SigningGrant
from lienthong.authority.selectors import GRANT_NOT_IN_FORCE, KT_DEPUTY_ONLY, NO_GRANT
from lienthong.core.errors import ValidationFailed
from lienthong.documents import services
from lienthong.documents.models import Document, Register, StoredFile
from lienthong.documents.services.registration import (
    ISSUED_BEFORE_SIGNED,
    LATE_ISSUE_REASON_REQUIRED,
    NOT_A_SCAN,
    SCAN_REQUIRED,
    SIGNED_ON_REQUIRED,
    SIGNER_NOT_A_LEADER,
    SIGNER_REQUIRED,
)
from lienthong.testing.builders import PASSWORD, doc_input, doc_type, pdf_upload
from lienthong.web.tests.test_document_pages import detail_url, errors_next_to, outgoing_post

URL = reverse("documents:register_outgoing")
TODAY = dt.date(2018, 3, 20)


def nothing_numbered() -> bool:
    return (not Document.objects.exists() and not StoredFile.objects.exists()
            and not Register.objects.filter(last_number__gt=0).exists())


def test_the_form_refuses_a_number_without_signer_signing_date_or_scan(clerk_client, province):
    """vanthu.md §7 rule 4; NĐ30 Art. 15.2: the finding's "04/TB-VP.UBND" had no signer, no signature
    and no file. Such a submission takes no number and stores nothing."""
    data = outgoing_post(province)
    for name in ("signer", "signed_on", "files"):
        data.pop(name)

    response = clerk_client.post(URL, data)

    assert response.status_code == 422
    assert errors_next_to(response, "signer") == [str(SIGNER_REQUIRED)]
    assert errors_next_to(response, "signed_on") == [str(SIGNED_ON_REQUIRED)]
    assert nothing_numbered()


def test_a_scan_is_required_even_with_a_signer(clerk_client, province):
    """vanthu.md §7 rule 4; NĐ30 Art. 13, 15.2: the scan of the signed page comes before the number."""
    data = outgoing_post(province)
    data.pop("files")

    response = clerk_client.post(URL, data)

    assert response.status_code == 422
    assert errors_next_to(response, "files") == [str(SCAN_REQUIRED)]
    assert nothing_numbered()


def test_the_record_names_the_signer_the_signing_date_and_who_attached_the_scan(clerk_client, province):
    """vanthu.md §7 rule 4; NĐ30 Art. 13, 15.2: the văn thư may attach the scan, the record says who signed
    and who attached it; the detail page shows both."""
    today = timezone.localdate()
    response = clerk_client.post(URL, outgoing_post(province))

    doc = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(doc)
    leader, clerk = province.users["leader.vp"], province.users["clerk.vp"]
    assert (doc.signer, doc.signed_on, doc.scan_attached_by, doc.is_paper) == (leader, today, clerk, True)
    assert doc.signer_name == leader.full_name and doc.late_issue_reason == ""
    entry = AuditEntry.objects.filter(object_type="document", object_id=str(doc.pk), action="numbered").get()
    assert entry.details["signer_id"] == leader.pk and entry.details["scan_attached_by"] == clerk.pk
    page = clerk_client.get(detail_url(doc)).content.decode()
    assert "Ngày ký" in page and today.strftime("%d/%m/%Y") in page
    assert f"Bản scan do {clerk.full_name} đính kèm" in page


def test_signed_on_another_day_warns_and_requires_a_reason(clerk_client, province):
    """vanthu.md §4.1; NĐ30 Art. 18.1: issued the day it is signed, at the latest the next working day;
    otherwise the form warns and the reason is stored."""
    today = timezone.localdate()
    signed = today - dt.timedelta(days=3)

    refused = clerk_client.post(URL, outgoing_post(province, signed_on=signed.isoformat()))

    assert refused.status_code == 422
    assert errors_next_to(refused, "late_issue_reason") == [
        LATE_ISSUE_REASON_REQUIRED % {"signed": f"{signed:%d/%m/%Y}", "issued": f"{today:%d/%m/%Y}"}]
    assert nothing_numbered()

    accepted = clerk_client.post(URL, outgoing_post(province, signed_on=signed.isoformat(),
                                                    late_issue_reason="Lãnh đạo đi công tác, ký trước"))

    doc = Document.objects.get()
    assert accepted.status_code == 302
    assert (doc.signed_on, doc.issued_on, doc.late_issue_reason) == (signed, today, "Lãnh đạo đi công tác, ký trước")
    page = clerk_client.get(detail_url(doc)).content.decode()
    assert "Lãnh đạo đi công tác, ký trước" in page


def test_a_number_cannot_come_before_the_signature(clerk_client, province):
    """vanthu.md §7 rule 4; NĐ30 Art. 15.2: the number and date are given after the competent person signs."""
    today = timezone.localdate()
    response = clerk_client.post(URL, outgoing_post(province, issued_on=(today - dt.timedelta(days=1)).isoformat()))

    assert response.status_code == 422
    assert errors_next_to(response, "issued_on") == [str(ISSUED_BEFORE_SIGNED)]
    assert nothing_numbered()


def test_the_scan_must_be_a_pdf_or_an_image(clerk_client, province):
    """vanthu.md §7 rule 4: a DOCX is a draft, not the scan of a signed page."""
    from lienthong.files.tests.hostile import docx as make_docx

    docx = SimpleUploadedFile("du-thao.docx", make_docx(),
                              content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response = clerk_client.post(URL, outgoing_post(province, files=docx))

    assert response.status_code == 422
    assert errors_next_to(response, "files") == [NOT_A_SCAN % {"name": "du-thao.docx"}]
    assert nothing_numbered()


@pytest.mark.parametrize("who", ["specialist.vp", "leader.stttt", "clerk.vp"])
def test_the_signer_is_a_leader_of_the_issuing_agency(province, who):
    """vanthu.md §2.2 and §7 rule 4; NĐ30 Art. 13: the competent person of the agency signs."""
    with pytest.raises(ValidationFailed) as exc:
        services.document_register_outgoing_paper(
            actor=province.users["clerk.vp"], agency=province.agencies["vp"],
            data=doc_input(issued_on=TODAY, files=[pdf_upload()]), signer_id=province.users[who].pk,
            signed_on=TODAY, today=TODAY)

    assert exc.value.errors["signer"] == [str(SIGNER_NOT_A_LEADER)]
    assert nothing_numbered()


def test_the_signer_picker_offers_the_agencys_leaders(clerk_client, province):
    form = clerk_client.get(URL).context["form"]
    offered = {value for value, _label in form.fields["signer"].choices if value}
    assert offered == {province.users["leader.vp"].pk}


# --- The signer's authority prefix rests on the record (issue 12, finding 1) -----------------------------

@pytest.fixture
def huyen(client, province):
    """The district (a collegial UBND) seen by its văn thư: "Chủ tịch" leader.huyen, a "Phó Chủ tịch"
    pho.huyen, and the head of its Phòng Nội vụ (a unit head)."""
    Position.objects.filter(user=province.users["leader.huyen"]).update(title="Chủ tịch")
    province.users["pho.huyen"] = user_create(
        username="pho.huyen", password=PASSWORD, full_name="Nguyễn Văn A",
        positions=[(province.agencies["huyen"], Role.LEADER, "Phó Chủ tịch")])
    client.force_login(province.users["clerk.huyen"])
    return province


def huyen_post(p, *, signer: str, authority: str, position: str = ""):
    return outgoing_post(p, agency=p.agencies["huyen"].pk, document_type=doc_type("bao-cao").pk,
                         subject="Báo cáo kết quả chuyển đổi số quý IV", signer=p.users[signer].pk,
                         signer_authority=authority, signer_position=position)


def tuq_grant(p, *, valid_until: dt.date):
    today = timezone.localdate()
    decision = services.document_register_outgoing(
        actor=p.users["clerk.huyen"], agency=p.agencies["huyen"], today=today,
        data=doc_input("quyet-dinh", "Quyết định ủy quyền ký văn bản", issued_on=today))
    return authority_services.grant_create(
        actor=p.users["clerk.huyen"], kind="TUQ.", agency=p.agencies["huyen"], grantor=p.users["leader.huyen"],
        grantee=p.users["leader.huyen.noivu"], decision=decision, valid_from=today - dt.timedelta(days=10),
        valid_until=valid_until, grantee_title="Trưởng phòng Nội vụ", document_types=[doc_type("bao-cao")])


def outgoing_numbered() -> int:
    return Document.objects.filter(subject="Báo cáo kết quả chuyển đổi số quý IV").count()


def test_a_unit_head_without_a_grant_cannot_register_a_tuq_signature(client, huyen):
    """vanthu.md §7 rule 6; NĐ30 Art. 13.3: TUQ. rests on a written grant. The paper path used to take
    the prefix as typed; now the signature is refused on the field and no number is taken."""
    response = client.post(URL, huyen_post(huyen, signer="leader.huyen.noivu", authority="TUQ.",
                                           position="Trưởng phòng Nội vụ"))

    assert response.status_code == 422
    huyen_agency = huyen.agencies["huyen"]
    assert errors_next_to(response, "signer_authority") == [
        NO_GRANT % {"k": "TUQ.", "a": huyen_agency.short_name or huyen_agency.name}]
    assert nothing_numbered()


def test_an_expired_tuq_grant_is_refused(client, huyen):
    """vanthu.md §7 rule 6; NĐ30 Art. 13.3: the grant must be in force on the signing date."""
    grant = tuq_grant(huyen, valid_until=timezone.localdate() + dt.timedelta(days=30))
    SigningGrant.objects.filter(pk=grant.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    numbered_before = Document.objects.count()

    response = client.post(URL, huyen_post(huyen, signer="leader.huyen.noivu", authority="TUQ.",
                                           position="Trưởng phòng Nội vụ"))

    assert response.status_code == 422
    today = timezone.localdate()
    assert errors_next_to(response, "signer_authority") == [GRANT_NOT_IN_FORCE % {
        "k": "TUQ.", "d": f"{today - dt.timedelta(days=1):%d/%m/%Y}", "on": f"{today:%d/%m/%Y}"}]
    assert Document.objects.count() == numbered_before and outgoing_numbered() == 0


def test_a_tuq_grant_in_force_is_accepted(client, huyen):
    """vanthu.md §7 rule 6; NĐ30 Art. 13.3: the same signature with a grant in force takes its number."""
    tuq_grant(huyen, valid_until=timezone.localdate() + dt.timedelta(days=30))

    response = client.post(URL, huyen_post(huyen, signer="leader.huyen.noivu", authority="TUQ.",
                                           position="Trưởng phòng Nội vụ"))

    assert response.status_code == 302 and outgoing_numbered() == 1


def test_the_chairman_signs_tm_for_the_collective(client, huyen):
    """vanthu.md §7 rule 6; NĐ30 Art. 13.1: the head of a collegial body signs TM. the collective."""
    response = client.post(URL, huyen_post(huyen, signer="leader.huyen", authority="TM.", position="Chủ tịch"))

    doc = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(doc)
    assert (doc.signer, doc.signer_authority) == (huyen.users["leader.huyen"], "TM.")


def test_a_deputy_signs_kt(client, huyen):
    """vanthu.md §7 rule 6; NĐ30 Art. 13.1: a deputy signs KT. (ký thay) the head."""
    response = client.post(URL, huyen_post(huyen, signer="pho.huyen", authority="KT.", position="Phó Chủ tịch"))

    doc = Document.objects.get()
    assert response.status_code == 302
    assert (doc.signer, doc.signer_authority) == (huyen.users["pho.huyen"], "KT.")


def test_the_chairman_cannot_sign_kt_on_paper(client, huyen):
    """vanthu.md §7 rule 6; NĐ30 Art. 13.1: KT. is a deputy's; the head signing KT. is refused."""
    response = client.post(URL, huyen_post(huyen, signer="leader.huyen", authority="KT.", position="Chủ tịch"))

    assert response.status_code == 422
    assert errors_next_to(response, "signer_authority") == [str(KT_DEPUTY_ONLY)]
    assert nothing_numbered()
