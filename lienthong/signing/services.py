"""Writes of the signing app.

Sections (each owned by one part of the digital-signature work; append, do not rewrite another's):
- credentials and trust store — importing a PKCS#12 file, registering a token's certificate, images,
  deactivation, the trust store (roots, intermediates, CRLs) and the expiry-warning job;
- verification — (below the credentials section).
"""

from __future__ import annotations

# ==================================================================================================
# Credentials and trust store
# ==================================================================================================
import datetime as dt
import unicodedata
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.signing import custody
from lienthong.signing import selectors as signing_selectors
from lienthong.signing.pades.images import check_png_with_alpha
from lienthong.signing.models import (
    Credential,
    CredentialKind,
    Custody,
    RevocationList,
    TrustedCertificate,
    TrustKind,
)

IMAGE_WIDTH_RANGE_MM = (Decimal("10"), Decimal("60"))
DEFAULT_WIDTH_MM = {CredentialKind.PERSONAL: Decimal("35"), CredentialKind.AGENCY: Decimal("36")}


def _require_credential_manager(actor, *, owner_user=None, owner_agency=None) -> None:
    """A person manages only their own personal credential; an agency's credential is managed by its
    văn thư (who keeps the seal, NĐ30 Art. 32–33) and by system administrators."""
    if (owner_user is None) == (owner_agency is None):
        raise ValidationFailed({"owner": [_("Chữ ký số phải thuộc về đúng một người hoặc một cơ quan.")]})
    if owner_user is not None:
        if owner_user.pk != actor.pk:
            raise PermissionDenied(_("Anh/chị chỉ quản lý được chữ ký số của chính mình."))
    elif not signing_selectors.user_can_manage_agency_credentials(user=actor, agency_id=owner_agency.pk):
        raise PermissionDenied(_("Chỉ văn thư của cơ quan hoặc quản trị hệ thống được quản lý chữ ký số "
                                 "của cơ quan."))


def _require_system_admin(actor) -> None:
    if not getattr(actor, "is_system_admin", False):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được quản lý danh sách chứng thư tin cậy."))


def _plain(text: str) -> str:
    """Casefolded, without Vietnamese diacritics and extra spaces (certificates are often unaccented)."""
    text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


def _name_attr(name, oid) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _check_owner(cert, *, owner_user=None, owner_agency=None) -> None:
    """The certificate must name its owner: the person (CN) or the agency (CN or O)."""
    from cryptography.x509.oid import NameOID

    cn = _plain(_name_attr(cert.subject, NameOID.COMMON_NAME))
    org = _plain(_name_attr(cert.subject, NameOID.ORGANIZATION_NAME))
    if owner_user is not None:
        expected = _plain(owner_user.full_name or "")
        if expected and cn != expected:
            raise ValidationFailed({"certificate": [
                _("Chứng thư số cấp cho “%(cn)s”, không phải cho %(name)s.")
                % {"cn": _name_attr(cert.subject, NameOID.COMMON_NAME), "name": owner_user.full_name}]})
    else:
        names = {_plain(owner_agency.name), _plain(owner_agency.short_name or owner_agency.name)}
        # X.509 names stop at 64 characters: a long agency name may be cut or replaced by its short name
        if not ({cn, org} & names or any(len(v) >= 60 and _plain(owner_agency.name).startswith(v) for v in (cn, org))):
            raise ValidationFailed({"certificate": [
                _("Chứng thư số cấp cho “%(cn)s”, không phải cho cơ quan %(name)s.")
                % {"cn": _name_attr(cert.subject, NameOID.COMMON_NAME), "name": owner_agency.name}]})


def _width(value, kind) -> Decimal:
    if value in (None, ""):
        return DEFAULT_WIDTH_MM[kind]
    try:
        width = Decimal(str(value))
    except InvalidOperation:
        width = Decimal("-1")
    lo, hi = IMAGE_WIDTH_RANGE_MM
    if not lo <= width <= hi:
        raise ValidationFailed({"image_width_mm": [_("Chiều rộng ảnh phải từ %(lo)s đến %(hi)s mm.")
                                                   % {"lo": lo, "hi": hi}]})
    return width


def _cert_fields(cert) -> dict:
    from cryptography.hazmat.primitives import serialization

    der = cert.public_bytes(serialization.Encoding.DER)
    return dict(certificate=der, subject=cert.subject.rfc4514_string()[:500],
                issuer=cert.issuer.rfc4514_string()[:500], serial=format(cert.serial_number, "X")[:80],
                fingerprint=custody.fingerprint(der), not_before=cert.not_valid_before_utc,
                not_after=cert.not_valid_after_utc)


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
            image_width_mm=image_width_mm, created_by=actor, **_cert_fields(cert))
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
    custody.certificate_check_usable(cert.public_bytes(serialization.Encoding.DER))
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
            raise ValidationFailed({"custody": [_("Khóa trên HSM (PKCS#11) chỉ dùng cho chữ ký số của cơ quan.")]})
        pkcs11_token, pkcs11_key = pkcs11_token.strip(), pkcs11_key.strip()
        if not pkcs11_token:
            raise ValidationFailed({"pkcs11_token": [_("Hãy nhập nhãn token PKCS#11.")]})
    else:
        pkcs11_token = pkcs11_key = ""
    cert = custody.load_certificate(certificate)
    custody.certificate_check_usable(certificate)
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


def _is_ca(cert) -> bool:
    from cryptography import x509

    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _crl_url(cert) -> str:
    from cryptography import x509

    try:
        points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except x509.ExtensionNotFound:
        return ""
    for point in points:
        for name in point.full_name or ():
            if isinstance(name, x509.UniformResourceIdentifier):
                return name.value[:500]
    return ""


def _self_signed(cert) -> bool:
    if cert.subject != cert.issuer:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (ValueError, TypeError, Exception):  # noqa: BLE001 — InvalidSignature and friends
        return False
    return True


def trusted_certificate_add(*, actor, data: bytes, is_test: bool = False) -> TrustedCertificate:
    """Add a root or intermediate CA certificate (PEM or DER) to the trust store (system administrators)."""
    if actor is not None:
        _require_system_admin(actor)
    cert = custody.load_certificate(data)
    if not _is_ca(cert):
        raise ValidationFailed({"certificate": [_("Đây không phải chứng thư của tổ chức cấp chứng thư số (CA): "
                                                  "chỉ thêm được chứng thư gốc hoặc trung gian.")]})
    fields = _cert_fields(cert)
    existing = TrustedCertificate.objects.filter(fingerprint=fields["fingerprint"]).first()
    if existing is not None:
        raise ValidationFailed({"certificate": [_("Chứng thư “%(s)s” đã có trong danh sách tin cậy.")
                                                % {"s": existing.subject}]})
    with transaction.atomic():
        trusted = TrustedCertificate.objects.create(
            kind=TrustKind.ROOT if _self_signed(cert) else TrustKind.INTERMEDIATE,
            subject=fields["subject"], issuer=fields["issuer"], serial=fields["serial"],
            not_before=fields["not_before"], not_after=fields["not_after"], fingerprint=fields["fingerprint"],
            der=fields["certificate"], crl_url=_crl_url(cert), is_test=is_test, added_by=actor)
        if actor is not None:
            audit_log(actor=actor, action=AuditAction.CREATED, obj_type="signing.trusted_certificate",
                      obj_id=trusted.pk, summary=_("Thêm chứng thư tin cậy: %(s)s") % {"s": trusted.subject[:300]})
    return trusted


def trusted_certificate_set_active(*, actor, trusted_id: int, active: bool) -> TrustedCertificate:
    _require_system_admin(actor)
    trusted = TrustedCertificate.objects.filter(pk=trusted_id).first()
    if trusted is None:
        raise NotFound()
    with transaction.atomic():
        trusted.active = active
        trusted.save(update_fields=["active"])
        audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="signing.trusted_certificate",
                  obj_id=trusted.pk, summary=(_("Dùng lại chứng thư tin cậy: %(s)s") if active else
                                              _("Ngừng tin cậy chứng thư: %(s)s")) % {"s": trusted.subject[:300]})
    return trusted


def trusted_certificate_set_test(*, actor, trusted_id: int, is_test: bool) -> TrustedCertificate:
    """Mark (or unmark) a trusted CA as a test CA (QĐ 28/2018: its signatures have no legal value). The
    stored results that may change — files with a valid signature whose validation path passes through
    this CA, and files already marked as from a test authority — are dropped and queued for
    verification again; until the job has run their documents say "Đang kiểm tra chữ ký số" and are not
    legally valid."""
    from cryptography.x509.oid import NameOID
    from django.db.models import Q

    from lienthong.documents.models import DocumentFile

    _require_system_admin(actor)
    trusted = TrustedCertificate.objects.filter(pk=trusted_id).first()
    if trusted is None:
        raise NotFound()
    if trusted.is_test == bool(is_test):
        return trusted
    issuers = [trusted] + list(TrustedCertificate.objects.filter(issuer=trusted.subject).exclude(pk=trusted.pk))
    names = set()
    for cert in issuers:
        try:
            subject = custody.load_certificate(bytes(cert.der)).subject
        except ValidationFailed:
            continue
        names |= {_name_attr(subject, oid)[:300] for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME)}
    names.discard("")
    # Results stored before the path was kept (no ca_fingerprints) are matched by the issuer's name.
    on_path = Q(signatures__valid=True, signatures__ca_fingerprints__contains=trusted.fingerprint)
    by_name = Q(signatures__valid=True, signatures__ca_fingerprints="", signatures__issuer__in=sorted(names))
    affected = Q(test_authority=True) | on_path | by_name
    with transaction.atomic():
        trusted.is_test = bool(is_test)
        trusted.save(update_fields=["is_test"])
        file_ids = sorted(set(FileVerification.objects.filter(affected).values_list("stored_file_id", flat=True)))
        FileVerification.objects.filter(stored_file_id__in=file_ids).delete()
        document_ids = set(DocumentFile.objects.filter(stored_file_id__in=file_ids)
                           .values_list("document_id", flat=True))
        if document_ids:
            document_validity_refresh(document_ids=document_ids)
        audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="signing.trusted_certificate", obj_id=trusted.pk,
                  summary=(_("Đánh dấu CA thử nghiệm: %(s)s") if trusted.is_test else
                           _("Bỏ đánh dấu CA thử nghiệm: %(s)s")) % {"s": trusted.subject[:300]},
                  details={"files_to_verify": len(file_ids)})
        transaction.on_commit(lambda: files_verify_later(file_ids))
    return trusted


def _load_crl(data: bytes):
    from cryptography import x509

    data = bytes(data)
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except ValueError as exc:
        raise ValidationFailed({"crl": [_("Tệp không phải danh sách chứng thư bị thu hồi (CRL).")]}) from exc


def revocation_list_add(*, actor, data: bytes) -> RevocationList:
    """Store a CRL (PEM or DER) whose signature verifies with an active trusted CA certificate."""
    from cryptography.hazmat.primitives import serialization

    if actor is not None:
        _require_system_admin(actor)
    crl = _load_crl(data)
    issuer = None
    for trusted in TrustedCertificate.objects.filter(active=True).only("der", "fingerprint", "subject"):
        cert = custody.load_certificate(bytes(trusted.der))
        if cert.subject == crl.issuer and crl.is_signature_valid(cert.public_key()):
            issuer = trusted
            break
    if issuer is None:
        raise ValidationFailed({"crl": [_("CRL không do một tổ chức cấp chứng thư trong danh sách tin cậy ký.")]})
    this_update = crl.last_update_utc
    if RevocationList.objects.filter(issuer_fingerprint=issuer.fingerprint, this_update=this_update).exists():
        raise ValidationFailed({"crl": [_("CRL này đã được tải lên.")]})
    with transaction.atomic():
        row = RevocationList.objects.create(
            issuer=issuer.subject, issuer_fingerprint=issuer.fingerprint, this_update=this_update,
            next_update=crl.next_update_utc, der=crl.public_bytes(serialization.Encoding.DER))
        if actor is not None:
            audit_log(actor=actor, action=AuditAction.CREATED, obj_type="signing.revocation_list", obj_id=row.pk,
                      summary=_("Tải lên CRL của %(s)s") % {"s": issuer.subject[:300]})
    return row


def credential_expiry_warnings(*, today: dt.date | None = None) -> int:
    """Warn, once per credential, the owners of active certificates that expire within
    ``settings.SIGNING_CERT_EXPIRY_WARNING_DAYS`` days: the person, or the văn thư of the agency.
    Run daily by django-q (``tasks.send_credential_expiry_warnings``); returns the notifications created."""
    from lienthong.accounts.models import Role
    from lienthong.accounts.selectors import people_of
    from lienthong.notifications.services import NotificationSpec, notify_many

    today = today or timezone.localdate()
    horizon = dt.datetime.combine(today + dt.timedelta(days=settings.SIGNING_CERT_EXPIRY_WARNING_DAYS),
                                  dt.time.max, tzinfo=timezone.get_current_timezone())
    due = list(Credential.objects.filter(active=True, expiry_warned_at__isnull=True, not_after__lte=horizon)
               .select_related("agency").only("id", "kind", "user_id", "agency__name", "agency_id", "not_after"))
    if not due:
        return 0
    from django.urls import reverse

    specs = []
    for credential in due:
        expires = timezone.localtime(credential.not_after).strftime("%d/%m/%Y")
        if credential.kind == CredentialKind.PERSONAL:
            recipients = [credential.user_id]
            title = _("Chứng thư số của anh/chị hết hạn ngày %(d)s") % {"d": expires}
            url = reverse("signing:personal")
        else:
            recipients = list(people_of(agency_ids=[credential.agency_id], roles=[Role.CLERK]))
            title = _("Chứng thư số của cơ quan %(a)s hết hạn ngày %(d)s") % {"a": credential.agency.name,
                                                                            "d": expires}
            url = reverse("signing:agency")
        body = _("Hãy đề nghị tổ chức cung cấp dịch vụ chứng thực chữ ký số gia hạn hoặc cấp chứng thư mới.")
        specs += [NotificationSpec(user_id=uid, kind="status", title=title, body=body, url=url,
                                   dedupe_key=f"cert-expiry:{credential.pk}") for uid in recipients]
    with transaction.atomic():
        created = notify_many(specs)
        Credential.objects.filter(pk__in=[c.pk for c in due]).update(expiry_warned_at=timezone.now())
    return created


# ==================================================================================================
# Verification (helper B appends below)
# ==================================================================================================
# Every PDF that enters the system (upload, delivery, registration, a draft's versions) is verified
# once after its transaction commits (``core.events.FILE_STORED``); the result is kept with the
# stored file and re-computed on demand. ``Document.legally_valid`` follows from it.

from lienthong.signing.models import FileVerification, SignatureCheck, VerificationStatus  # noqa: E402


def file_verify(*, stored_file_id: int) -> FileVerification:
    """Verify one stored file against the current trust store and replace its stored result."""
    from lienthong import files as file_store
    from lienthong.documents.models import DocumentFile, StoredFile
    from lienthong.signing.verification import verify_pdf

    stored = StoredFile.objects.filter(pk=stored_file_id).first()
    if stored is None:
        raise NotFound()
    try:
        with file_store.open_original(stored.storage_name) as fh:
            data = fh.read(settings.SIGNING_MAX_PDF_BYTES + 1)
    except OSError:
        data = None
    if data is None:
        from lienthong.signing.verification import Report

        report = Report(status=VerificationStatus.ERROR, message=_("Không đọc được tệp gốc trong kho lưu trữ."))
    else:
        report = verify_pdf(data, **signing_selectors.trust_material().as_kwargs())
    with transaction.atomic():
        FileVerification.objects.filter(stored_file_id=stored_file_id).delete()
        verification = FileVerification.objects.create(
            stored_file_id=stored_file_id, status=report.status, signature_count=len(report.signatures),
            personal_valid=report.personal_valid, agency_valid=report.agency_valid,
            modified_after_signing=report.modified_after_signing, test_authority=report.test_authority,
            message=report.message[:2000], verified_at=timezone.now())
        SignatureCheck.objects.bulk_create([SignatureCheck(
            verification=verification, position=s.position, field_name=s.field_name[:200], kind=s.kind,
            signer_name=s.signer_name[:300], organisation=s.organisation[:300], issuer=s.issuer[:300],
            serial=s.serial[:80], fingerprint=s.fingerprint[:64], signing_time=s.signing_time,
            timestamped=s.timestamped, intact=s.intact, trusted=s.trusted, valid_at_signing=s.valid_at_signing,
            revocation=s.revocation[:10], modification=s.modification[:20], coverage=s.coverage[:30],
            valid=s.valid, test_authority=s.test_authority, ca_fingerprints=s.ca_fingerprints,
            summary=s.summary[:500]) for s in report.signatures])
        document_ids = list(DocumentFile.objects.filter(stored_file_id=stored_file_id)
                            .values_list("document_id", flat=True).distinct())
        if document_ids:
            document_validity_refresh(document_ids=document_ids)
    return verification


def files_verify(*, stored_file_ids, force: bool = False) -> None:
    """Verify the PDFs among ``stored_file_ids`` that have no result yet (all of them with ``force``),
    then bring the legal validity of the documents using them up to date (a file already verified
    may just have been attached to a new incoming document)."""
    from lienthong.documents.models import DocumentFile, StoredFile

    ids = list(dict.fromkeys(int(i) for i in stored_file_ids))
    pdfs = StoredFile.objects.filter(pk__in=ids, kind="pdf")
    if not force:
        pdfs = pdfs.filter(verification__isnull=True)
    for stored_file_id in pdfs.values_list("pk", flat=True):
        file_verify(stored_file_id=stored_file_id)
    document_ids = list(DocumentFile.objects.filter(stored_file_id__in=ids).values_list("document_id", flat=True)
                        .distinct())
    if document_ids:
        document_validity_refresh(document_ids=document_ids)


def files_verify_later(stored_file_ids) -> None:
    """Queue ``files_verify`` (a django-q task; runs at once when the queue is synchronous)."""
    from django_q.tasks import async_task

    ids = [int(i) for i in stored_file_ids]
    if ids:
        async_task("lienthong.signing.tasks.verify_files", ids)


def document_validity_refresh(*, document_ids) -> None:
    """QĐ 28/2018: a document is a legally valid electronic document when one of its files carries a
    valid signature of the competent person and a valid signature of the agency, neither from a test CA
    (``TrustedCertificate.is_test``: a test authority's signatures have no legal value), and it went through
    the system (an outgoing document delivered to a recipient; an incoming one registered from a
    delivery). Sets ``Document.legally_valid`` accordingly (three queries)."""
    from lienthong.delivery import selectors as delivery_selectors
    from lienthong.documents import services as document_services

    ids = {int(i) for i in document_ids}
    if not ids:
        return
    valid = signing_selectors.documents_signed_by_both(document_ids=ids) & \
        delivery_selectors.documents_delivered(document_ids=ids)
    document_services.document_set_legally_valid(valid_ids=valid, invalid_ids=ids - valid)


def file_reverify(*, actor, stored_file_id: int) -> FileVerification:
    """Re-verify on demand (after the trust store or a CRL changed) — for anyone who can see a document
    or a delivery using the file; ``NotFound`` otherwise."""
    if not signing_selectors.stored_file_visible(user=actor, stored_file_id=stored_file_id):
        raise NotFound()
    return file_verify(stored_file_id=stored_file_id)


def on_file_stored(*, stored_file_ids) -> None:
    """``events.FILE_STORED``: queue the verification of the stored PDFs."""
    files_verify_later(stored_file_ids)


def on_documents_delivered(*, document_ids) -> None:
    """``events.DOCUMENTS_DELIVERED``: the documents went through the system; bring their validity up to date."""
    document_validity_refresh(document_ids=document_ids)
