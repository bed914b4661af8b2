"""Signing with a USB token: the server prepares each file, the token signs the signed attributes, the
server checks and embeds the value and takes the step. The key here is a local PKCS#12 signing exactly
as the command-line client does (``signing.client.sign_attributes``). A signature value that does not
match, a session that expired, someone else's session: refused in Vietnamese, the draft unchanged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lienthong import files as file_store
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.documents.models import StoredFile
from lienthong.drafting import remote_signing
from lienthong.drafting import services as drafting
from lienthong.drafting.models import DraftFile, DraftState
from lienthong.signing.client import sign_attributes
from lienthong.signing.methods import NO_COMPETENT_SIGNATURE
from lienthong.signing.models import RemoteSessionState, RemoteSigningSession
from lienthong.signing.pades.remote import SIGNATURE_MISMATCH
from lienthong.signing.pades.sessions import SESSION_EXPIRED
from lienthong.signing.tests.flow_setup import add_credential, draft_at_signing, trust_material
from lienthong.signing.verification import verify_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def tokens(province):
    """The chairman's and the district's certificates registered for token signing; the keys stay here."""
    p = province
    _c, p.leader_key = add_credential(user=p.users["leader.huyen"], custody_mode="remote")
    _c, p.agency_key = add_credential(agency=p.agencies["huyen"], custody_mode="remote")
    return p


def token_sign(session, issued):
    return [sign_attributes(issued.key, bytes(f.signed_attributes)) for f in session.files.all()]


def state_of(draft):
    draft.refresh_from_db()
    return draft.state, DraftFile.objects.filter(draft=draft).count(), StoredFile.objects.count()


def sealed_main(draft) -> bytes:
    row = (DraftFile.objects.filter(draft=draft, role="sealed", filename="du-thao.pdf")
           .select_related("stored_file").get())
    with file_store.open_original(row.stored_file.storage_name) as fh:
        return fh.read()


def test_sign_and_seal_with_the_token_round_trip(tokens):
    p = tokens
    leader, clerk = p.users["leader.huyen"], p.users["clerk.huyen"]
    draft = draft_at_signing(p)
    session = remote_signing.draft_remote_prepare(actor=leader, draft=draft, step="sign")
    assert session.files.count() == 1 and session.expires_at > timezone.now()
    remote_signing.draft_remote_finish(actor=leader, session_id=session.pk,
                                       signatures=token_sign(session, p.leader_key))
    draft.refresh_from_db()
    assert draft.state == DraftState.TO_NUMBER
    session.refresh_from_db()
    assert session.state == RemoteSessionState.COMPLETED

    drafting.draft_number(actor=clerk, draft=draft)
    session = remote_signing.draft_remote_prepare(actor=clerk, draft=draft, step="seal")
    assert [f.filename for f in session.files.all()] == ["du-thao.pdf", "phu-luc.pdf"]
    remote_signing.draft_remote_finish(actor=clerk, session_id=session.pk, signatures=token_sign(session, p.agency_key),
                                       issue=True)
    draft.refresh_from_db()
    assert draft.state == DraftState.ISSUED
    report = verify_pdf(sealed_main(draft), **trust_material())
    assert report.status == "valid" and report.personal_valid and report.agency_valid
    assert "USB token" in " ".join(draft.steps.values_list("note", flat=True))


def test_a_signature_that_does_not_match_is_refused_and_the_session_stays_usable(tokens):
    p = tokens
    leader = p.users["leader.huyen"]
    draft = draft_at_signing(p)
    session = remote_signing.draft_remote_prepare(actor=leader, draft=draft, step="sign")
    before = state_of(draft)
    good = token_sign(session, p.leader_key)
    tampered = [bytes([good[0][0] ^ 1]) + good[0][1:]]
    with pytest.raises(ValidationFailed) as exc:
        remote_signing.draft_remote_finish(actor=leader, session_id=session.pk, signatures=tampered)
    assert exc.value.message == str(SIGNATURE_MISMATCH)
    # Signed with another key (the agency's token instead of the chairman's): refused too.
    with pytest.raises(ValidationFailed):
        remote_signing.draft_remote_finish(actor=leader, session_id=session.pk,
                                           signatures=token_sign(session, p.agency_key))
    with pytest.raises(ValidationFailed) as exc:
        remote_signing.draft_remote_finish(actor=leader, session_id=session.pk, signatures=good + good)
    assert "Cần 1 chữ ký" in exc.value.message
    assert state_of(draft) == before
    session.refresh_from_db()
    assert session.state == RemoteSessionState.PREPARED
    remote_signing.draft_remote_finish(actor=leader, session_id=session.pk, signatures=good)
    assert state_of(draft)[0] == DraftState.TO_NUMBER
    with pytest.raises(ValidationFailed) as exc:  # a finished session cannot sign twice
        remote_signing.draft_remote_finish(actor=leader, session_id=session.pk, signatures=good)
    assert exc.value.message == "Phiên ký này đã hoàn tất."  # signing keeps this message without a constant


def test_an_expired_session_is_refused(tokens):
    p = tokens
    leader = p.users["leader.huyen"]
    draft = draft_at_signing(p)
    session = remote_signing.draft_remote_prepare(actor=leader, draft=draft, step="sign")
    RemoteSigningSession.objects.filter(pk=session.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    before = state_of(draft)
    with pytest.raises(ValidationFailed) as exc:
        remote_signing.draft_remote_finish(actor=leader, session_id=session.pk,
                                           signatures=token_sign(session, p.leader_key))
    assert exc.value.message == str(SESSION_EXPIRED)
    assert state_of(draft) == before


def test_a_draft_changed_after_preparation_must_be_prepared_again(tokens):
    p = tokens
    leader = p.users["leader.huyen"]
    draft = draft_at_signing(p)
    session = remote_signing.draft_remote_prepare(actor=leader, draft=draft, step="sign")
    from lienthong.testing.builders import pdf_upload

    drafting.draft_add_files(actor=leader, draft=draft, uploads=[pdf_upload("du-thao-v2.pdf", "Ban moi")])
    with pytest.raises(ValidationFailed) as exc:
        remote_signing.draft_remote_finish(actor=leader, session_id=session.pk,
                                           signatures=token_sign(session, p.leader_key))
    assert "hãy chuẩn bị lại" in exc.value.message
    assert state_of(draft)[0] == DraftState.SIGNING


def test_only_the_person_whose_turn_it_is_prepares_and_only_they_finish(tokens):
    p = tokens
    draft = draft_at_signing(p)
    for who, step in (("clerk.huyen", "sign"), ("leader.xa", "sign"), ("leader.huyen", "seal")):
        with pytest.raises((PermissionDenied, ValidationFailed)):
            remote_signing.draft_remote_prepare(actor=p.users[who], draft=draft, step=step)
    assert not RemoteSigningSession.objects.exists()
    session = remote_signing.draft_remote_prepare(actor=p.users["leader.huyen"], draft=draft, step="sign")
    with pytest.raises(NotFound):
        remote_signing.draft_remote_finish(actor=p.users["clerk.huyen"], session_id=session.pk,
                                           signatures=token_sign(session, p.leader_key))
    assert state_of(draft)[0] == DraftState.SIGNING


def test_the_agency_step_needs_the_competent_persons_digital_signature(tokens):
    from lienthong.testing.builders import pdf_upload

    p = tokens
    draft = draft_at_signing(p)
    drafting.draft_sign(actor=p.users["clerk.huyen"], draft=draft, uploads=[pdf_upload("quet.pdf", "Giay")])
    drafting.draft_number(actor=p.users["clerk.huyen"], draft=draft)
    with pytest.raises(ValidationFailed) as exc:
        remote_signing.draft_remote_prepare(actor=p.users["clerk.huyen"], draft=draft, step="seal")
    assert exc.value.message == str(NO_COMPETENT_SIGNATURE)
    assert not RemoteSigningSession.objects.exists()


def test_the_remote_method_cannot_be_chosen_without_a_session(tokens):
    p = tokens
    draft = draft_at_signing(p)
    with pytest.raises(ValidationFailed) as exc:
        drafting.draft_sign(actor=p.users["leader.huyen"], draft=draft, method="remote")
    assert "USB token" in exc.value.message
    assert state_of(draft)[0] == DraftState.SIGNING
