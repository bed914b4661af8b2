"""Key custody: where a signing key lives and how a signature gets made with it.

Three custody modes (``models.Custody``):

- ``pkcs12`` — the key is kept on the server in the owner's PKCS#12 file. The file stays protected by
  the owner's signing PIN (never stored) and is encrypted again at rest with the server's Fernet key
  (``settings.SIGNING_KEY_ENCRYPTION_KEY``, or one derived from ``SECRET_KEY`` with HKDF-SHA256). It is
  unlocked by the PIN for every signature.
- ``pkcs11`` — the key stays on an HSM or token reachable from the server (the agency seal kept by the
  văn thư, NĐ30 Art. 32–33); only the token and key labels are stored. The module and the user PIN of
  the token come from ``settings.SIGNING_PKCS11_MODULE`` / ``SIGNING_PKCS11_PIN``.
- ``remote`` — the key is on the user's USB token; the server never signs with it (see ``signing.pades.remote``).

How to sign (the contract the signing methods use)::

    with credentials.open_signer(credential, pin=pin) as signer:   # a pyHanko ``Signer``
        signed = pades.sign_personal(data, signer=signer, ...)

``open_signer`` works for every server-side custody mode and closes the PKCS#11 session when the block
ends. ``signer_for(credential, pin=...)`` returns a signer without a block; for PKCS#12 nothing needs
closing; for PKCS#11 the session is closed when the signer is garbage-collected — prefer ``open_signer``.

Certificates are read by ``certificates``; pyHanko and python-pkcs11 are imported inside the functions.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import weakref

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.core.errors import DomainError, ValidationFailed
from lienthong.signing.credentials.certificates import asn1_certificate
from lienthong.signing.credentials.trust_store import trust_store_chain
from lienthong.signing.models import Credential, Custody

# Messages users see (the tests use these constants rather than copies of the text).
WRONG_PIN = gettext_lazy("Mã PIN không đúng.")
NOT_PKCS12 = gettext_lazy("Tệp không phải tệp khóa PKCS#12 (.p12, .pfx).")
KEY_UNREADABLE = gettext_lazy("Không giải mã được tệp khóa đã lưu: khóa mã hóa của máy chủ đã thay đổi.")
PIN_LOCKED = gettext_lazy("Đã nhập sai mã PIN quá nhiều lần; chữ ký số bị khóa, thử lại sau %(m)s phút.")
PKCS11_NOT_CONFIGURED = gettext_lazy("Máy chủ chưa được cấu hình thư viện PKCS#11 (LIENTHONG_PKCS11_MODULE).")
TOKEN_UNAVAILABLE = gettext_lazy("Không mở được token PKCS#11 “%(label)s”.")
ON_USB_TOKEN = gettext_lazy("Chữ ký số này nằm trên USB token của người dùng: hãy ký bằng USB token.")


def _wrong_pin() -> ValidationFailed:
    return ValidationFailed({"pin": [str(WRONG_PIN)]})


# --- encryption at rest ---------------------------------------------------------------------------

def at_rest_cipher():
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = settings.SIGNING_KEY_ENCRYPTION_KEY
    if key:
        return Fernet(key.encode() if isinstance(key, str) else key)
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"lienthong-signing",
                   info=b"pkcs12-at-rest").derive(settings.SECRET_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def load_pkcs12(p12: bytes, pin: str):
    """``(key, certificate, [intermediates])`` (``cryptography`` objects) from a PKCS#12 file opened with
    ``pin``; ValidationFailed on the ``pin`` field when the PIN does not open it, on ``pkcs12`` when the
    file is not a PKCS#12 file with a key and a certificate."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    if not pin:
        raise ValidationFailed({"pin": [_("Hãy nhập mã PIN.")]})
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(p12, pin.encode())
    except ValueError as exc:
        if not _looks_like_pkcs12(p12):
            raise ValidationFailed({"pkcs12": [str(NOT_PKCS12)]}) from exc
        raise _wrong_pin() from exc
    if key is None or cert is None:
        raise ValidationFailed({"pkcs12": [_("Tệp PKCS#12 không chứa khóa bí mật và chứng thư.")]})
    return key, cert, list(extra or [])


def _looks_like_pkcs12(data: bytes) -> bool:
    from asn1crypto.pkcs12 import Pfx

    try:
        return Pfx.load(bytes(data), strict=True)["auth_safe"]["content_type"].native in ("data", "signed_data")
    except Exception:  # noqa: BLE001 — any parse failure means "not a PKCS#12 file"
        return False


def protect_pkcs12(p12: bytes, pin: str) -> bytes:
    """The blob stored in ``Credential.pkcs12``: the PKCS#12 file (still protected by its PIN), encrypted
    with the server key. Checks first that ``pin`` opens it."""
    load_pkcs12(p12, pin)
    return at_rest_cipher().encrypt(p12)


def open_pkcs12(blob: bytes, pin: str):
    """Decrypt a stored blob and open it with ``pin``: ``(key, certificate, [intermediates])``."""
    from cryptography.fernet import InvalidToken

    try:
        p12 = at_rest_cipher().decrypt(bytes(blob))
    except InvalidToken as exc:
        raise DomainError(str(KEY_UNREADABLE)) from exc
    return load_pkcs12(p12, pin)


# --- signers --------------------------------------------------------------------------------------

def _pkcs12_signer(credential, pin: str | None):
    from asn1crypto import keys as asn1_keys
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    if not credential.pkcs12:
        raise DomainError(_("Chữ ký số này không có tệp khóa lưu trên máy chủ."))
    key, cert, extra = _open_counting_failures(credential, pin or "")
    key_info = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return SimpleSigner(signing_cert=asn1_certificate(cert), signing_key=key_info,
                        cert_registry=SimpleCertificateStore.from_certs([asn1_certificate(c) for c in extra]))


def _open_counting_failures(credential, pin: str):
    """Open the stored key with ``pin``, counting wrong PINs like a token does: after
    ``SIGNING_PIN_MAX_FAILURES`` in a row the key is locked for ``SIGNING_PIN_LOCK_SECONDS``. The signing
    methods open the key before the flow's transaction starts, so a refused step does not roll the count back."""

    if credential.pk is None:  # not stored (yet): nothing to count on
        return open_pkcs12(credential.pkcs12, pin)
    now = timezone.now()
    locked_until = Credential.objects.filter(pk=credential.pk).values_list("pin_locked_until", flat=True).first()
    if locked_until and locked_until > now:
        minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
        raise ValidationFailed({"pin": [PIN_LOCKED % {"m": minutes}]})
    try:
        opened = open_pkcs12(credential.pkcs12, pin)
    except ValidationFailed as exc:
        if "pin" in exc.errors and pin:
            Credential.objects.filter(pk=credential.pk).update(pin_failures=F("pin_failures") + 1)
            Credential.objects.filter(pk=credential.pk, pin_failures__gte=settings.SIGNING_PIN_MAX_FAILURES).update(
                pin_failures=0, pin_locked_until=now + dt.timedelta(seconds=settings.SIGNING_PIN_LOCK_SECONDS))
        raise
    Credential.objects.filter(pk=credential.pk).exclude(pin_failures=0, pin_locked_until=None).update(
        pin_failures=0, pin_locked_until=None)
    return opened


def _pkcs11_session(credential, pin: str | None):
    import pkcs11 as p11
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import open_pkcs11_session

    module = settings.SIGNING_PKCS11_MODULE
    if not module:
        raise DomainError(str(PKCS11_NOT_CONFIGURED))
    user_pin = settings.SIGNING_PKCS11_PIN or pin
    try:
        return open_pkcs11_session(module, token_criteria=TokenCriteria(label=credential.pkcs11_token),
                                   user_pin=user_pin)
    except p11.exceptions.PinIncorrect as exc:
        raise _wrong_pin() from exc
    except p11.exceptions.PKCS11Error as exc:
        raise DomainError(TOKEN_UNAVAILABLE % {"label": credential.pkcs11_token}) from exc
    except Exception as exc:  # pyHanko's PKCS11Error "no token with label …"
        raise DomainError(TOKEN_UNAVAILABLE % {"label": credential.pkcs11_token}) from exc


def _pkcs11_signer(credential, session, chain_der):
    from pyhanko.sign.pkcs11 import PKCS11Signer

    if chain_der is None:
        chain_der = trust_store_chain(bytes(credential.certificate))
    return PKCS11Signer(session, key_label=credential.pkcs11_key or None,
                        signing_cert=asn1_certificate(bytes(credential.certificate)),
                        ca_chain=[asn1_certificate(d) for d in chain_der])


def _refuse_remote():
    raise DomainError(str(ON_USB_TOKEN))


@contextlib.contextmanager
def open_signer(credential, *, pin: str | None, chain_der: list[bytes] | None = None):
    """Context manager yielding a pyHanko ``Signer`` for ``credential`` (usable by ``PdfSigner`` and by
    ``signing.pades``'s functions). PKCS#12: the stored file unlocked by ``pin`` (wrong PIN →
    ``ValidationFailed({"pin": ["Mã PIN không đúng."]})``). PKCS#11: a session on the credential's token,
    closed when the block exits; ``chain_der`` (intermediates to embed) defaults to the trust store's.
    Remote credentials cannot sign on the server (DomainError)."""

    if credential.custody == Custody.PKCS12:
        yield _pkcs12_signer(credential, pin)
    elif credential.custody == Custody.PKCS11:
        session = _pkcs11_session(credential, pin)
        try:
            yield _pkcs11_signer(credential, session, chain_der)
        finally:
            session.close()
    else:
        _refuse_remote()


def signer_for(credential, *, pin: str | None, chain_der: list[bytes] | None = None):
    """A pyHanko ``Signer`` for ``credential`` without a ``with`` block. PKCS#12 needs no cleanup; for
    PKCS#11 the token session is closed when the signer is garbage-collected (prefer ``open_signer``)."""

    if credential.custody == Custody.PKCS12:
        return _pkcs12_signer(credential, pin)
    if credential.custody == Custody.PKCS11:
        session = _pkcs11_session(credential, pin)
        signer = _pkcs11_signer(credential, session, chain_der)
        weakref.finalize(signer, session.close)
        return signer
    _refuse_remote()
