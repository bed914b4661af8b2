"""Writes on credentials: importing a PKCS#12 file, registering the certificate of a key the server does not
hold (a USB token, or an HSM through PKCS#11), the signature or seal image, deactivation, and the daily
warning of certificates about to expire. A person manages their own credential; an agency's is managed by its
văn thư and by system administrators.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts.models import Role
from lienthong.accounts.selectors import people_of
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.core.text import fold_words
from lienthong.notifications.services import NotificationSpec, notify_many
from lienthong.signing import selectors as signing_selectors
from lienthong.signing.credentials import custody
from lienthong.signing.credentials.certificates import (
    certificate_check_usable,
    certificate_fields,
    load_x509,
    name_attribute,
)
from lienthong.signing.models import Credential, CredentialKind, Custody
from lienthong.signing.pades.images import check_png_with_alpha

IMAGE_WIDTH_RANGE_MM = (Decimal("10"), Decimal("60"))
DEFAULT_WIDTH_MM = {CredentialKind.PERSONAL: Decimal("35"), CredentialKind.AGENCY: Decimal("36")}

# Messages users see (the pages and the tests use these constants rather than copies of the text).
ONLY_YOUR_OWN = gettext_lazy("Anh/chị chỉ quản lý được chữ ký số của chính mình.")
AGENCY_MANAGERS_ONLY = gettext_lazy("Chỉ văn thư của cơ quan hoặc quản trị hệ thống được quản lý chữ ký số "
                                    "của cơ quan.")
NOT_THE_PERSON = gettext_lazy("Chứng thư số cấp cho “%(cn)s”, không phải cho %(name)s.")
NOT_THE_AGENCY = gettext_lazy("Chứng thư số cấp cho “%(cn)s”, không phải cho cơ quan %(name)s.")
WIDTH_OUT_OF_RANGE = gettext_lazy("Chiều rộng ảnh phải từ %(lo)s đến %(hi)s mm.")
PKCS11_AGENCIES_ONLY = gettext_lazy("Khóa trên HSM (PKCS#11) chỉ dùng cho chữ ký số của cơ quan.")
PKCS11_TOKEN_REQUIRED = gettext_lazy("Hãy nhập nhãn token PKCS#11.")
EXPIRY_PERSONAL = gettext_lazy("Chứng thư số của anh/chị hết hạn ngày %(d)s")
EXPIRY_AGENCY = gettext_lazy("Chứng thư số của cơ quan %(a)s hết hạn ngày %(d)s")


def _require_credential_manager(actor, *, owner_user=None, owner_agency=None) -> None:
    """A person manages only their own personal credential; an agency's credential is managed by its
    văn thư (who keeps the seal, NĐ30 Art. 32–33) and by system administrators."""
    if (owner_user is None) == (owner_agency is None):
        raise ValidationFailed({"owner": [_("Chữ ký số phải thuộc về đúng một người hoặc một cơ quan.")]})
    if owner_user is not None:
        if owner_user.pk != actor.pk:
            raise PermissionDenied(str(ONLY_YOUR_OWN))
    elif not signing_selectors.user_can_manage_agency_credentials(user=actor, agency_id=owner_agency.pk):
        raise PermissionDenied(str(AGENCY_MANAGERS_ONLY))


def _check_owner(cert, *, owner_user=None, owner_agency=None) -> None:
    """The certificate must name its owner: the person (CN) or the agency (CN or O)."""
    from cryptography.x509.oid import NameOID

    cn = fold_words(name_attribute(cert.subject, NameOID.COMMON_NAME))
    org = fold_words(name_attribute(cert.subject, NameOID.ORGANIZATION_NAME))
    if owner_user is not None:
        expected = fold_words(owner_user.full_name or "")
        if expected and cn != expected:
            raise ValidationFailed({"certificate": [
                NOT_THE_PERSON % {"cn": name_attribute(cert.subject, NameOID.COMMON_NAME),
                                  "name": owner_user.full_name}]})
    else:
        full = fold_words(owner_agency.name)
        names = {full, fold_words(owner_agency.short_name or owner_agency.name)}
        # X.509 names stop at 64 characters: a long agency name may be cut or replaced by its short name
        if not ({cn, org} & names or any(len(v) >= 60 and full.startswith(v) for v in (cn, org))):
            raise ValidationFailed({"certificate": [
                NOT_THE_AGENCY % {"cn": name_attribute(cert.subject, NameOID.COMMON_NAME),
                                  "name": owner_agency.name}]})


def _width(value, kind) -> Decimal:
    if value in (None, ""):
        return DEFAULT_WIDTH_MM[kind]
    try:
        width = Decimal(str(value))
    except InvalidOperation:
        width = Decimal("-1")
    lo, hi = IMAGE_WIDTH_RANGE_MM
    if not lo <= width <= hi:
        raise ValidationFailed({"image_width_mm": [WIDTH_OUT_OF_RANGE % {"lo": lo, "hi": hi}]})
    return width


def _store_credential(*, actor, owner_user, owner_agency, custody_mode, cert, image_png, image_width_mm,
                      pkcs12_blob=None, pkcs11_token="", pkcs11_key="", audit=True) -> Credential:
    """Write the new credential and retire the owner's previous ones (one active credential each)."""
    kind = CredentialKind.PERSONAL if owner_user is not None else CredentialKind.AGENCY
    previous = Credential.objects.filter(user=owner_user, agency=owner_agency, active=True)
    if image_png is None:  # keep the image of the credential being replaced
        image_png = next((bytes(c.image) for c in previous.only("image") if c.image), None)
    with transaction.atomic():
        previous.update(active=False)
        credential = Credential.objects.create(
            kind=kind, user=owner_user, agency=owner_agency, custody=custody_mode, pkcs12=pkcs12_blob,
            pkcs11_token=pkcs11_token, pkcs11_key=pkcs11_key, image=image_png,
            image_width_mm=image_width_mm, created_by=actor, **certificate_fields(cert))
        if audit:
            audit_log(actor=actor, action=AuditAction.CREATED, obj_type="signing.credential", obj_id=credential.pk,
                      agency_id=owner_agency.pk if owner_agency else None,
                      summary=_("Khai báo chữ ký số: %(s)s") % {"s": credential.subject[:300]},
                      details={"custody": custody_mode, "fingerprint": credential.fingerprint})
    return credential


def credential_import_pkcs12(*, actor, p12: bytes, pin: str, owner_user=None, owner_agency=None,
                             image_png: bytes | None = None, image_width_mm=None, audit: bool = True) -> Credential:
    """Store a PKCS#12 file (key + certificate) for a person or an agency, protected by ``pin`` and
    encrypted at rest. The PIN must open it, the certificate must be usable for signing and name the
    owner, the key must belong to the certificate, the image (optional: the previous one is kept) must be
    a PNG with transparency. Nothing is stored when anything fails."""
    from cryptography.hazmat.primitives import serialization

    _require_credential_manager(actor, owner_user=owner_user, owner_agency=owner_agency)
    kind = CredentialKind.PERSONAL if owner_user is not None else CredentialKind.AGENCY
    key, cert, _extra = custody.load_pkcs12(p12, pin)
    certificate_check_usable(cert.public_bytes(serialization.Encoding.DER))
    public = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(*public) != cert.public_key().public_bytes(*public):
        raise ValidationFailed({"pkcs12": [_("Khóa bí mật trong tệp không khớp với chứng thư số.")]})
    _check_owner(cert, owner_user=owner_user, owner_agency=owner_agency)
    if image_png is not None:
        check_png_with_alpha(image_png)
    width = _width(image_width_mm, kind)
    return _store_credential(actor=actor, owner_user=owner_user, owner_agency=owner_agency,
                             custody_mode=Custody.PKCS12, cert=cert, image_png=image_png, image_width_mm=width,
                             pkcs12_blob=custody.protect_pkcs12(p12, pin), audit=audit)


def credential_register_certificate(*, actor, certificate: bytes, custody_mode: str, owner_user=None,
                                    owner_agency=None, pkcs11_token: str = "", pkcs11_key: str = "",
                                    image_png: bytes | None = None, image_width_mm=None) -> Credential:
    """Register the certificate of a key the server does not hold: a USB token (``remote``) or an
    HSM / token reachable through PKCS#11 (``pkcs11``: agencies only, with the token and key labels)."""
    _require_credential_manager(actor, owner_user=owner_user, owner_agency=owner_agency)
    kind = CredentialKind.PERSONAL if owner_user is not None else CredentialKind.AGENCY
    if custody_mode not in (Custody.REMOTE, Custody.PKCS11):
        raise ValidationFailed({"custody": [_("Cách giữ khóa không hợp lệ.")]})
    if custody_mode == Custody.PKCS11:
        if kind != CredentialKind.AGENCY:
            raise ValidationFailed({"custody": [str(PKCS11_AGENCIES_ONLY)]})
        pkcs11_token, pkcs11_key = pkcs11_token.strip(), pkcs11_key.strip()
        if not pkcs11_token:
            raise ValidationFailed({"pkcs11_token": [str(PKCS11_TOKEN_REQUIRED)]})
    else:
        pkcs11_token = pkcs11_key = ""
    cert = load_x509(certificate)
    certificate_check_usable(certificate)
    _check_owner(cert, owner_user=owner_user, owner_agency=owner_agency)
    if image_png is not None:
        check_png_with_alpha(image_png)
    width = _width(image_width_mm, kind)
    return _store_credential(actor=actor, owner_user=owner_user, owner_agency=owner_agency,
                             custody_mode=custody_mode, cert=cert, image_png=image_png, image_width_mm=width,
                             pkcs11_token=pkcs11_token, pkcs11_key=pkcs11_key)


def _managed_credential(actor, credential_id: int) -> Credential:
    credential = Credential.objects.select_related("user", "agency").filter(pk=credential_id).first()
    if credential is None:
        raise NotFound()
    _require_credential_manager(actor, owner_user=credential.user, owner_agency=credential.agency)
    return credential


def credential_set_image(*, actor, credential_id: int, image_png: bytes, image_width_mm=None) -> Credential:
    """Replace the signature / seal image of a credential."""
    credential = _managed_credential(actor, credential_id)
    check_png_with_alpha(image_png)
    credential.image = image_png
    credential.image_width_mm = _width(image_width_mm, credential.kind)
    with transaction.atomic():
        credential.save(update_fields=["image", "image_width_mm"])
        audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="signing.credential", obj_id=credential.pk,
                  agency_id=credential.agency_id, summary=_("Thay ảnh chữ ký / con dấu"))
    return credential


def credential_deactivate(*, actor, credential_id: int) -> Credential:
    """Stop using a credential (lost token, new certificate elsewhere). Signed documents stay valid."""
    credential = _managed_credential(actor, credential_id)
    with transaction.atomic():
        credential.active = False
        credential.save(update_fields=["active"])
        audit_log(actor=actor, action=AuditAction.CANCELLED, obj_type="signing.credential", obj_id=credential.pk,
                  agency_id=credential.agency_id,
                  summary=_("Ngừng dùng chữ ký số: %(s)s") % {"s": credential.subject[:300]})
    return credential


def credential_expiry_warnings(*, today: dt.date | None = None) -> int:
    """Warn, once per credential, the owners of active certificates that expire within
    ``settings.SIGNING_CERT_EXPIRY_WARNING_DAYS`` days: the person, or the văn thư of the agency.
    Run daily by django-q (``tasks.send_credential_expiry_warnings``); returns the notifications created."""
    today = today or timezone.localdate()
    horizon = dt.datetime.combine(today + dt.timedelta(days=settings.SIGNING_CERT_EXPIRY_WARNING_DAYS),
                                  dt.time.max, tzinfo=timezone.get_current_timezone())
    due = list(Credential.objects.filter(active=True, expiry_warned_at__isnull=True, not_after__lte=horizon)
               .select_related("agency").only("id", "kind", "user_id", "agency__name", "agency_id", "not_after"))
    if not due:
        return 0
    specs = []
    for credential in due:
        expires = timezone.localtime(credential.not_after).strftime("%d/%m/%Y")
        if credential.kind == CredentialKind.PERSONAL:
            assert credential.user_id is not None  # a personal credential has its owner (Credential's constraint)
            recipients = [credential.user_id]
            title = EXPIRY_PERSONAL % {"d": expires}
            url = reverse("signing:personal")
        else:
            assert credential.agency is not None  # an agency credential has its agency (Credential's constraint)
            recipients = list(people_of(agency_ids=[credential.agency_id], roles=[Role.CLERK]))
            title = EXPIRY_AGENCY % {"a": credential.agency.name, "d": expires}
            url = reverse("signing:agency")
        body = _("Hãy đề nghị tổ chức cung cấp dịch vụ chứng thực chữ ký số gia hạn hoặc cấp chứng thư mới.")
        specs += [NotificationSpec(user_id=uid, kind="status", title=title, body=body, url=url,
                                   dedupe_key=f"cert-expiry:{credential.pk}") for uid in recipients]
    with transaction.atomic():
        created = notify_many(specs)
        Credential.objects.filter(pk__in=[c.pk for c in due]).update(expiry_warned_at=timezone.now())
    return created
