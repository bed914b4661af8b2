"""Digital signatures in the outgoing flow with keys kept on the server ("Ký số (mã PIN)"): the chairman
signs the approved draft with his PIN, the văn thư numbers it and applies the district's signature; the
issued file carries both signatures, the number and the date. Every refusal says why in Vietnamese and
leaves the draft, its files and the stored originals exactly as they were."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lienthong.core.errors import PermissionDenied, ValidationFailed
from lienthong.documents.models import DocumentFile, StoredFile
from lienthong.drafting import services as drafting
from lienthong.drafting.models import DraftFile, DraftState
from lienthong.signing import methods
from lienthong.signing.credentials import certificates, custody
from lienthong.signing.tests.flow_setup import (
    AGENCY_PIN,
    PERSONAL_PIN,
    add_credential,
    draft_at_signing,
    expired,
    trust_material,
)
from lienthong.signing.verification import verify_pdf
from lienthong.testing.builders import pdf_upload

pytestmark = pytest.mark.django_db


def read(draft, role):
    row = DraftFile.objects.filter(draft=draft, role=role).select_related("stored_file").order_by("-id").first()
    from lienthong import files as file_store

    with file_store.open_original(row.stored_file.storage_name) as fh:
        return fh.read()


def snapshot(draft):
    draft.refresh_from_db()
    return (draft.state, DraftFile.objects.filter(draft=draft).count(), StoredFile.objects.count(),
            DocumentFile.objects.count())


@pytest.fixture
def signed_up(province):
    p = province
    add_credential(user=p.users["leader.huyen"])
    add_credential(agency=p.agencies["huyen"], pin=AGENCY_PIN)
    return p


def sign(p, draft, pin=PERSONAL_PIN, actor="leader.huyen"):
    return drafting.draft_sign(actor=p.users[actor], draft=draft, method="pades", options={"pin": pin})


def seal(p, draft, pin=AGENCY_PIN, **kw):
    return drafting.draft_seal(actor=p.users["clerk.huyen"], draft=draft, method="pades", options={"pin": pin}, **kw)


def test_leader_signs_clerk_numbers_and_seals_and_both_signatures_validate(signed_up):
    p = signed_up
    draft = draft_at_signing(p)
    sign(p, draft)
    assert draft.state == DraftState.TO_NUMBER
    personal = verify_pdf(read(draft, "signed"), **trust_material())
    assert personal.signature_count == 1 and personal.personal_valid and not personal.agency_valid

    document = drafting.draft_number(actor=p.users["clerk.huyen"], draft=draft)
    seal(p, draft, issue=True)
    assert draft.state == DraftState.ISSUED

    sealed = DraftFile.objects.filter(draft=draft, role="sealed").order_by("id")
    assert [f.filename for f in sealed] == ["du-thao.pdf", "phu-luc.pdf"]
    from lienthong import files as file_store

    with file_store.open_original(sealed[0].stored_file.storage_name) as fh:
        main = fh.read()
    with file_store.open_original(sealed[1].stored_file.storage_name) as fh:
        attachment = fh.read()
    report = verify_pdf(main, **trust_material())
    assert report.status == "valid", report
    assert report.signature_count == 2 and report.personal_valid and report.agency_valid
    assert not report.modified_after_signing
    attachment_report = verify_pdf(attachment, **trust_material())
    assert attachment_report.signature_count == 1 and attachment_report.status == "valid"
    # The number and date were filled in before the agency signature: the issued file shows them.
    from pypdf import PdfReader

    fields = PdfReader(io.BytesIO(main)).get_fields() or {}
    values = " ".join(str(f.get("/V", "")) for f in fields.values())
    assert document.number_symbol in values
    # The signed files replaced the leader-only version: recipients get exactly the agency-signed originals.
    doc_hashes = list(DocumentFile.objects.filter(document=document).order_by("order")
                      .values_list("stored_file__sha256", flat=True))
    assert doc_hashes == [f.stored_file.sha256 for f in sealed]
    history = " ".join(draft.steps.values_list("note", flat=True))
    assert methods.SIGNED_DIGITALLY % {"s": p.users["leader.huyen"].full_name} in history
    assert methods.AGENCY_SIGNED % {"a": p.agencies["huyen"].name} in history


def test_after_the_agency_signature_the_file_is_frozen(signed_up):
    p = signed_up
    draft = draft_at_signing(p)
    sign(p, draft)
    drafting.draft_number(actor=p.users["clerk.huyen"], draft=draft)
    seal(p, draft)
    before = snapshot(draft)
    sealed_sha = DraftFile.objects.get(draft=draft, role="sealed", filename="du-thao.pdf").stored_file.sha256
    for role in ("draft", "attachment"):
        with pytest.raises(ValidationFailed):
            drafting.draft_add_files(actor=p.users["clerk.huyen"], draft=draft, uploads=[pdf_upload()], role=role)
    with pytest.raises(ValidationFailed):
        seal(p, draft)
    with pytest.raises(ValidationFailed):
        sign(p, draft)
    with pytest.raises(ValidationFailed):
        drafting.draft_seal(actor=p.users["clerk.huyen"], draft=draft, uploads=[pdf_upload("thay-the.pdf")])
    drafting.draft_issue(actor=p.users["clerk.huyen"], draft=draft)
    with pytest.raises(ValidationFailed):
        drafting.draft_add_files(actor=p.users["clerk.huyen"], draft=draft, uploads=[pdf_upload()])
    after = snapshot(draft)
    assert after[1:] == before[1:]
    assert DraftFile.objects.get(draft=draft, role="sealed", filename="du-thao.pdf").stored_file.sha256 == sealed_sha


def test_wrong_pin_is_refused_and_nothing_is_stored(signed_up):
    p = signed_up
    draft = draft_at_signing(p)
    before = snapshot(draft)
    with pytest.raises(ValidationFailed) as exc:
        sign(p, draft, pin="000000")
    assert exc.value.errors == {"pin": [str(custody.WRONG_PIN)]}
    with pytest.raises(ValidationFailed) as exc:
        sign(p, draft, pin="")
    assert "pin" in exc.value.errors
    assert snapshot(draft) == before


def test_five_wrong_pins_lock_the_key_for_a_while_like_a_token(signed_up, settings):
    from django.utils import timezone

    from lienthong.signing.models import Credential

    settings.SIGNING_PIN_MAX_FAILURES, settings.SIGNING_PIN_LOCK_SECONDS = 5, 900
    p = signed_up
    draft = draft_at_signing(p)
    for _attempt in range(5):
        with pytest.raises(ValidationFailed) as exc:
            sign(p, draft, pin="000000")
        assert exc.value.errors == {"pin": [str(custody.WRONG_PIN)]}
    with pytest.raises(ValidationFailed) as exc:  # even the right PIN waits for the lock to end
        sign(p, draft)
    assert exc.value.errors["pin"] == [custody.PIN_LOCKED % {"m": 15}]
    assert draft.state == DraftState.SIGNING

    credential = Credential.objects.get(user=p.users["leader.huyen"])
    Credential.objects.filter(pk=credential.pk).update(pin_locked_until=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(ValidationFailed):  # one wrong PIN after the lock is counted again from zero
        sign(p, draft, pin="000000")
    sign(p, draft)
    assert draft.state == DraftState.TO_NUMBER
    credential.refresh_from_db()
    assert credential.pin_failures == 0 and credential.pin_locked_until is None


def test_no_credential_is_refused_with_a_clear_message(province):
    p = province
    draft = draft_at_signing(p)
    before = snapshot(draft)
    with pytest.raises(ValidationFailed) as exc:
        sign(p, draft)
    assert exc.value.errors["method"] == [str(methods.NO_PERSONAL_CREDENTIAL)]
    assert snapshot(draft) == before


def _vn_date(moment: dt.datetime) -> str:
    return moment.astimezone(certificates.VN_TZ).strftime("%d/%m/%Y")


@pytest.mark.parametrize("cert_kw, refusal", [
    (expired(), lambda credential: certificates.EXPIRED % {"date": _vn_date(credential.not_after)}),
    ({"not_before": dt.datetime(2099, 1, 1, tzinfo=dt.UTC)},
     lambda credential: certificates.NOT_YET_VALID % {"date": _vn_date(credential.not_before)}),
    ({"digital_signature": False}, lambda credential: str(certificates.NO_SIGNING_USAGE)),
], ids=["expired", "not yet valid", "no signing usage"])
def test_unusable_certificate_is_refused(province, cert_kw, refusal):
    p = province
    credential, _issued = add_credential(user=p.users["leader.huyen"], **cert_kw)
    draft = draft_at_signing(p)
    before = snapshot(draft)
    with pytest.raises(ValidationFailed) as exc:
        sign(p, draft)
    assert exc.value.message == refusal(credential)
    assert snapshot(draft) == before


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    from lienthong.testing.builders import tiny_pdf

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(tiny_pdf("Mat"))))
    writer.encrypt(user_password="", owner_password="chu-so-huu")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_draft_that_is_not_a_pdf_or_is_encrypted_cannot_be_signed_digitally(signed_up):
    p = signed_up
    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(png, "PNG")
    for name, data in (("du-thao.png", png.getvalue()), ("du-thao.pdf", _encrypted_pdf())):
        draft = draft_at_signing(p, main=data, name=name, attachments=False)
        before = snapshot(draft)
        with pytest.raises(ValidationFailed) as exc:
            sign(p, draft)
        assert "files" in exc.value.errors, exc.value.errors
        assert snapshot(draft) == before


def test_agency_signature_needs_the_competent_persons_digital_signature(signed_up):
    p = signed_up
    draft = draft_at_signing(p)
    drafting.draft_sign(actor=p.users["leader.huyen"], draft=draft, uploads=[pdf_upload("quet.pdf", "Da ky giay")])
    drafting.draft_number(actor=p.users["clerk.huyen"], draft=draft)
    before = snapshot(draft)
    with pytest.raises(ValidationFailed) as exc:
        seal(p, draft)
    assert exc.value.message == str(methods.NO_COMPETENT_SIGNATURE)
    assert snapshot(draft) == before


def test_signature_of_someone_else_is_not_the_competent_persons(signed_up):
    """A PDF digitally signed by another leader (say the vice-chairman's file re-used) does not count."""
    p = signed_up
    draft = draft_at_signing(p)
    other, _issued = add_credential(user=p.users["leader.xa"])
    from lienthong.signing import credentials, pades

    with credentials.open_signer(other, pin=PERSONAL_PIN) as signer:
        data = pades.sign_personal(read(draft, "draft"), signer=signer, image_png=bytes(other.image), image_width_mm=30,
                                   signer_name="Lãnh đạo xa")
    drafting.draft_sign(actor=p.users["clerk.huyen"], draft=draft,
                        uploads=[SimpleUploadedFile("quet.pdf", data, content_type="application/pdf")])
    drafting.draft_number(actor=p.users["clerk.huyen"], draft=draft)
    with pytest.raises(ValidationFailed) as exc:
        seal(p, draft)
    assert exc.value.message == str(methods.NO_COMPETENT_SIGNATURE)


@pytest.mark.parametrize("actor", ["clerk.huyen", "leader.xa", "specialist.huyen.noivu"])
def test_only_the_drafts_signer_signs_digitally(signed_up, actor):
    p = signed_up
    add_credential(user=p.users[actor])
    draft = draft_at_signing(p)
    before = snapshot(draft)
    with pytest.raises(PermissionDenied):
        sign(p, draft, actor=actor)
    assert snapshot(draft) == before


def test_agency_signature_needs_the_agencys_credential(province):
    p = province
    add_credential(user=p.users["leader.huyen"])
    draft = draft_at_signing(p)
    sign(p, draft)
    drafting.draft_number(actor=p.users["clerk.huyen"], draft=draft)
    before = snapshot(draft)
    with pytest.raises(ValidationFailed) as exc:
        seal(p, draft)
    assert exc.value.message == str(methods.NO_AGENCY_CREDENTIAL)
    assert snapshot(draft) == before
    add_credential(agency=p.agencies["huyen"], pin=AGENCY_PIN)
    with pytest.raises(ValidationFailed) as exc:
        seal(p, draft, pin="111111")
    assert exc.value.errors == {"pin": [str(custody.WRONG_PIN)]}
    assert snapshot(draft) == before


def test_methods_offered_follow_the_credentials(province):
    p = province
    leader, clerk, agency = p.users["leader.huyen"], p.users["clerk.huyen"], p.agencies["huyen"]
    assert list(methods.offered_methods(actor=leader, agency=agency, step="sign")) == ["paper"]
    add_credential(user=leader)
    assert list(methods.offered_methods(actor=leader, agency=agency, step="sign")) == ["paper", "pades"]
    assert list(methods.offered_methods(actor=clerk, agency=agency, step="seal")) == ["paper"]
    add_credential(agency=agency, custody_mode="remote")
    assert list(methods.offered_methods(actor=clerk, agency=agency, step="seal")) == ["paper", "remote"]
