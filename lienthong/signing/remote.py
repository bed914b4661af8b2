"""Remote (USB token) signing: the server prepares, the client's token signs, the server finishes.

This is how Vietnamese USB tokens and the government signing plugin work: the private key never
leaves the token. For one signing step of a draft:

1. ``session_prepare(actor, draft, step)`` checks that it is the actor's turn (the same check as
   ``drafting.services.draft_sign`` / ``draft_seal``), lays out every file to sign exactly as a server
   signature would (``signing.pades.prepare_*``: image, number and date fields, reserved space for the
   CMS) and keeps the prepared files and their DER signed attributes in a ``RemoteSigningSession``
   that expires after ``settings.SIGNING_REMOTE_TTL_SECONDS``.
2. The client signs the SHA-256 of each file's signed attributes with the token's key.
3. ``session_finish(actor, session_id, signatures)`` checks the session (owner, expiry, count), checks
   every signature value against the certificate and embeds it (``signing.pades.finish_remote``), then
   takes the step through the drafting flow with the "remote" method, in one transaction: any refusal
   leaves the draft as it was and the session usable again until it expires.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError as BadValue
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.core.errors import NotFound, ValidationFailed
from lienthong.signing.models import RemoteSessionState, RemoteSigningFile, RemoteSigningSession

PURPOSES = {"sign": "draft_sign", "seal": "draft_seal"}
STEPS = {v: k for k, v in PURPOSES.items()}


def _chain(cert_der: bytes) -> list[bytes]:
    """Intermediates from the trust store that issued the certificate, embedded with the signature."""
    from lienthong.signing import custody

    finder = getattr(custody, "_trust_store_chain", None)
    return list(finder(cert_der)) if finder else []


def session_prepare(*, actor, draft, step: str) -> RemoteSigningSession:
    """Prepare the files of ``step`` ("sign" | "seal") of ``draft`` for ``actor``'s token."""
    from lienthong.drafting import services as drafting
    from lienthong.signing import methods, pades

    if step not in PURPOSES:
        raise ValidationFailed({"step": [_("Bước ký không hợp lệ (sign: người có thẩm quyền ký; seal: ký số cơ quan).")]})
    drafting.draft_check_turn(actor=actor, draft=draft, step=step)
    credential = methods._require_credential(
        methods.credential_for_step(actor=actor, agency=draft.agency, step=step), step)
    if credential.custody not in ("remote", "pkcs12"):
        raise ValidationFailed({"method": [_("Khóa của chứng thư số này nằm trên máy chủ (HSM): hãy chọn “Ký số (mã PIN)”.")]})
    main, attachments = drafting.draft_files_to_sign(draft=draft, step=step)
    if not main:
        raise ValidationFailed({"files": [_("Dự thảo chưa có tệp để ký.")]})
    data = methods._pdf_of(main[0])
    cert = bytes(credential.certificate)
    chain = _chain(cert)
    image = bytes(credential.image or b"")
    width = float(credential.image_width_mm)
    prepared: list[tuple[str, str, object]] = []
    if step == "sign":
        name, position = methods.signer_details(draft, actor)
        prepared.append((main[0].name, "signed", pades.prepare_personal(
            data, certificate_der=cert, chain_der=chain, image_png=image, image_width_mm=width,
            signer_name=name, signer_position=position)))
    else:
        methods._require_personal_signature(data, draft)
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
    now = timezone.now()
    with transaction.atomic():
        session = RemoteSigningSession.objects.create(
            actor=actor, credential=credential, purpose=PURPOSES[step], target_id=draft.pk,
            expires_at=now + dt.timedelta(seconds=settings.SIGNING_REMOTE_TTL_SECONDS))
        RemoteSigningFile.objects.bulk_create(
            RemoteSigningFile(session=session, order=i, filename=name, role=role, prepared=p.prepared_pdf,
                              document_digest=p.document_digest, reserved_start=p.reserved_start,
                              reserved_end=p.reserved_end, signed_attributes=p.signed_attributes)
            for i, (name, role, p) in enumerate(prepared))
    return session


def session_get(*, actor, session_id) -> RemoteSigningSession:
    """The actor's own session; anyone else's answers like one that does not exist."""
    try:
        session = RemoteSigningSession.objects.select_related("credential").get(pk=session_id, actor=actor)
    except (RemoteSigningSession.DoesNotExist, ValueError, BadValue):
        raise NotFound(_("Không tìm thấy phiên ký.")) from None
    return session


def _check_open(session: RemoteSigningSession, now) -> None:
    if session.state == RemoteSessionState.COMPLETED:
        raise ValidationFailed({"session": [_("Phiên ký này đã hoàn tất.")]})
    if session.state == RemoteSessionState.FAILED:
        raise ValidationFailed({"session": [_("Phiên ký đã bị hủy, hãy chuẩn bị lại.")]})
    if session.expires_at <= now:
        raise ValidationFailed({"session": [_("Phiên ký đã hết hạn, hãy chuẩn bị lại.")]})


def session_finish(*, actor, session_id, signatures: list[bytes], issue: bool = False):
    """Embed the token's signature values and take the step; returns the draft."""
    from lienthong.drafting import services as drafting
    from lienthong.drafting.models import Draft
    from lienthong.signing import methods, pades

    session = session_get(actor=actor, session_id=session_id)
    now = timezone.now()
    _check_open(session, now)
    files = list(session.files.all())
    if len(signatures) != len(files):
        raise ValidationFailed({"signatures": [_("Cần %(n)s chữ ký (mỗi tệp một chữ ký), nhận được %(m)s.") % {
            "n": len(files), "m": len(signatures)}]})
    draft = Draft.objects.select_related("agency", "signer", "document").filter(pk=session.target_id).first()
    if draft is None:
        raise NotFound(_("Không tìm thấy dự thảo của phiên ký."))
    if draft.updated_at > session.created_at:
        raise ValidationFailed({"session": [_("Dự thảo đã thay đổi sau khi chuẩn bị ký, hãy chuẩn bị lại.")]})
    cert = bytes(session.credential.certificate)
    chain = _chain(cert)
    finished = []
    stamper = pades.timestamper()  # B-T when a timestamp authority is configured
    for f, value in zip(files, signatures, strict=True):
        signed = pades.finish_remote(
            prepared_pdf=bytes(f.prepared), document_digest=bytes(f.document_digest),
            reserved_start=f.reserved_start, reserved_end=f.reserved_end,
            signed_attributes=bytes(f.signed_attributes), signature_value=bytes(value), certificate_der=cert,
            chain_der=chain, timestamper=stamper)
        finished.append(methods.signed_file(f.filename, signed))
    options = {"session": session, "finished": finished}
    with transaction.atomic():
        # Claim the session first: of two finishes at once, one wins; a refusal below undoes the claim.
        claimed = RemoteSigningSession.objects.filter(pk=session.pk, state=RemoteSessionState.PREPARED).update(
            state=RemoteSessionState.COMPLETED, completed_at=now)
        if not claimed:
            raise ValidationFailed({"session": [_("Phiên ký này đã hoàn tất.")]})
        if STEPS[session.purpose] == "sign":
            drafting.draft_sign(actor=actor, draft=draft, method="remote", options=options)
        else:
            if session.credential.agency_id != draft.agency_id:
                raise ValidationFailed({"session": [_("Chứng thư số không phải của cơ quan ban hành.")]})
            drafting.draft_seal(actor=actor, draft=draft, method="remote", options=options, issue=issue)
    session.state, session.completed_at = RemoteSessionState.COMPLETED, now
    return draft
