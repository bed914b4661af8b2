"""Remote (USB token) signing sessions: the server prepares, the client's token signs, the server finishes.

This is how Vietnamese USB tokens and the government signing plugin work: the private key never leaves
the token. The app whose object is being signed (a draft's signing step, ``drafting.remote_signing``) lays
its files out with ``pades.prepare_*`` and keeps them here with ``session_create``; the client signs the
SHA-256 of each file's signed attributes with the token's key; ``session_finish`` checks the session
(owner, expiry, count), lets the caller check its object, checks every signature value against the
certificate and embeds it (``pades.finish_remote``), then hands the signed files to the caller's
``complete`` inside one transaction that also claims the session: any refusal leaves the object as it was
and the session usable again until it expires (``settings.SIGNING_REMOTE_TTL_SECONDS``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError as BadValue
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.core.errors import NotFound, ValidationFailed
from lienthong.signing.credentials import trust_store_chain
from lienthong.signing.methods import signed_file
from lienthong.signing.models import RemoteSessionState, RemoteSigningFile, RemoteSigningSession
from lienthong.signing.pades.remote import Prepared, finish_remote
from lienthong.signing.pades.signatures import timestamper

# The refusal users see (the tests use this constant rather than a copy of the text).
SESSION_EXPIRED = gettext_lazy("Phiên ký đã hết hạn, hãy chuẩn bị lại.")


def session_create(*, actor, credential, purpose: str, target_id: int,
                   files: list[tuple[str, str, Prepared]]) -> RemoteSigningSession:
    """Keep the prepared ``files`` (filename, role the signed file takes, ``Prepared``) of ``purpose`` on the
    object ``target_id`` for ``actor``'s token, until ``settings.SIGNING_REMOTE_TTL_SECONDS`` from now."""
    now = timezone.now()
    with transaction.atomic():
        session = RemoteSigningSession.objects.create(
            actor=actor, credential=credential, purpose=purpose, target_id=target_id,
            expires_at=now + dt.timedelta(seconds=settings.SIGNING_REMOTE_TTL_SECONDS))
        RemoteSigningFile.objects.bulk_create(
            RemoteSigningFile(session=session, order=i, filename=name, role=role, prepared=p.prepared_pdf,
                              document_digest=p.document_digest, reserved_start=p.reserved_start,
                              reserved_end=p.reserved_end, signed_attributes=p.signed_attributes)
            for i, (name, role, p) in enumerate(files))
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
        raise ValidationFailed({"session": [str(SESSION_EXPIRED)]})


def session_finish[Target](*, actor, session_id, signatures: list[bytes],
                   target: Callable[[RemoteSigningSession], Target],
                   complete: Callable[[RemoteSigningSession, Target, list], None]) -> Target:
    """Embed the token's signature values and complete the caller's step; returns the caller's object.

    ``target(session)`` finds the object the session was prepared for and refuses (raises) when it can no
    longer be signed; ``complete(session, obj, finished)`` takes the step with the signed files (``ReadFile``
    objects, in the session's order), inside the transaction that claims the session."""
    session = session_get(actor=actor, session_id=session_id)
    now = timezone.now()
    _check_open(session, now)
    files = list(session.files.all())
    if len(signatures) != len(files):
        raise ValidationFailed({"signatures": [_("Cần %(n)s chữ ký (mỗi tệp một chữ ký), nhận được %(m)s.") % {
            "n": len(files), "m": len(signatures)}]})
    obj = target(session)
    cert = bytes(session.credential.certificate)
    chain = trust_store_chain(cert)
    finished = []
    stamper = timestamper()  # B-T when a timestamp authority is configured
    for f, value in zip(files, signatures, strict=True):
        signed = finish_remote(
            prepared_pdf=bytes(f.prepared), document_digest=bytes(f.document_digest),
            reserved_start=f.reserved_start, reserved_end=f.reserved_end,
            signed_attributes=bytes(f.signed_attributes), signature_value=bytes(value), certificate_der=cert,
            chain_der=chain, timestamper=stamper)
        finished.append(signed_file(f.filename, signed))
    with transaction.atomic():
        # Claim the session first: of two finishes at once, one wins; a refusal below undoes the claim.
        claimed = RemoteSigningSession.objects.filter(pk=session.pk, state=RemoteSessionState.PREPARED).update(
            state=RemoteSessionState.COMPLETED, completed_at=now)
        if not claimed:
            raise ValidationFailed({"session": [_("Phiên ký này đã hoàn tất.")]})
        complete(session, obj, finished)
    session.state, session.completed_at = RemoteSessionState.COMPLETED, now
    return obj
