"""Signing a draft's step with a USB token (the private key never leaves the token).

For one signing step of a draft:

1. ``draft_remote_prepare(actor, draft, step)`` checks that it is the actor's turn (the same check as
   ``services.draft_sign`` / ``draft_seal``), lays out every file to sign exactly as a server signature
   would (``signing.pades.prepare_*``: image, number and date fields, reserved space for the CMS) and keeps
   the prepared files in a remote-signing session (``signing.pades.sessions``).
2. The client signs the SHA-256 of each file's signed attributes with the token's key.
3. ``draft_remote_finish(actor, session_id, signatures)`` has the session checked and every signature value
   embedded, then takes the step through the drafting flow with the "remote" method, in one transaction:
   any refusal leaves the draft as it was and the session usable again until it expires.

The signing app keeps the generic session; the draft-specific steps live here, above it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from lienthong.core.errors import NotFound, ValidationFailed
from lienthong.drafting import services as drafting
from lienthong.drafting.models import Draft
from lienthong.signing import credentials, methods, pades
from lienthong.signing.models import RemoteSigningSession
from lienthong.signing.pades import sessions

PURPOSES = {"sign": "draft_sign", "seal": "draft_seal"}
STEPS = {v: k for k, v in PURPOSES.items()}


def draft_remote_prepare(*, actor, draft, step: str) -> RemoteSigningSession:
    """Prepare the files of ``step`` ("sign" | "seal") of ``draft`` for ``actor``'s token."""
    if step not in PURPOSES:
        raise ValidationFailed({"step": [
            _("Bước ký không hợp lệ (sign: người có thẩm quyền ký; seal: ký số cơ quan).")]})
    drafting.draft_check_turn(actor=actor, draft=draft, step=step)
    credential = methods.require_credential(
        methods.credential_for_step(actor=actor, agency=draft.agency, step=step), step)
    if credential.custody not in ("remote", "pkcs12"):
        raise ValidationFailed({"method": [
            _("Khóa của chứng thư số này nằm trên máy chủ (HSM): hãy chọn “Ký số (mã PIN)”.")]})
    main, attachments = drafting.draft_files_to_sign(draft=draft, step=step)
    if not main:
        raise ValidationFailed({"files": [_("Dự thảo chưa có tệp để ký.")]})
    data = methods.pdf_of(main[0])
    cert = bytes(credential.certificate)
    chain = credentials.trust_store_chain(cert)
    image = bytes(credential.image or b"")
    width = float(credential.image_width_mm)
    prepared: list[tuple[str, str, pades.Prepared]] = []
    if step == "sign":
        name, position = methods.signer_details(draft, actor)
        prepared.append((main[0].name, "signed", pades.prepare_personal(
            data, certificate_der=cert, chain_der=chain, image_png=image, image_width_mm=width,
            signer_name=name, signer_position=position)))
    else:
        methods.require_personal_signature(data, draft)
        document = draft.document
        prepared.append((main[0].name, "sealed", pades.prepare_agency(
            data, certificate_der=cert, chain_der=chain, seal_png=image, seal_width_mm=width,
            number_symbol=document.number_symbol, issued_on=document.issued_on)))
        for f in attachments:
            if getattr(f.kind, "kind", "") != "pdf":
                continue  # a non-PDF attachment stays as it is (noted in the history)
            pades.check_pdf(f.data)
            prepared.append((f.name, "sealed", pades.prepare_attachment(
                f.data, certificate_der=cert, chain_der=chain, number_symbol=document.number_symbol)))
    return sessions.session_create(actor=actor, credential=credential, purpose=PURPOSES[step], target_id=draft.pk,
                                   files=prepared)


def _session_draft(session: RemoteSigningSession) -> Draft:
    """The draft the session was prepared for, refused when it changed since."""
    draft = Draft.objects.select_related("agency", "signer", "document").filter(pk=session.target_id).first()
    if draft is None:
        raise NotFound(_("Không tìm thấy dự thảo của phiên ký."))
    if draft.updated_at > session.created_at:
        raise ValidationFailed({"session": [_("Dự thảo đã thay đổi sau khi chuẩn bị ký, hãy chuẩn bị lại.")]})
    return draft


def draft_remote_finish(*, actor, session_id, signatures: list[bytes], issue: bool = False) -> Draft:
    """Embed the token's signature values and take the step; returns the draft."""
    def complete(session: RemoteSigningSession, draft: Draft, finished: list) -> None:
        options = {"session": session, "finished": finished}
        if STEPS[session.purpose] == "sign":
            drafting.draft_sign(actor=actor, draft=draft, method="remote", options=options)
        else:
            if session.credential.agency_id != draft.agency_id:
                raise ValidationFailed({"session": [_("Chứng thư số không phải của cơ quan ban hành.")]})
            drafting.draft_seal(actor=actor, draft=draft, method="remote", options=options, issue=issue)

    return sessions.session_finish(actor=actor, session_id=session_id, signatures=signatures, target=_session_draft,
                                   complete=complete)
