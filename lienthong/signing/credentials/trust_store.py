"""The trust store: the root and intermediate CA certificates signatures are validated against, whether each
is a test CA (QĐ 28/2018: its signatures have no legal value), and the revocation lists (CRLs) they publish.
System administrators change it; a change of the test mark re-verifies the files it touches.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.documents.models import DocumentFile
from lienthong.signing.credentials.certificates import (
    certificate_fields,
    crl_url,
    is_ca,
    load_x509,
    name_attribute,
    self_signed,
)
from lienthong.signing.models import FileVerification, RevocationList, TrustedCertificate, TrustKind
from lienthong.signing.verification.legal_validity import document_validity_refresh
from lienthong.signing.verification.services import files_verify_later

# Messages users see, and the audit line of a test-CA mark (the tests use these constants rather than copies).
NOT_A_CA = gettext_lazy("Đây không phải chứng thư của tổ chức cấp chứng thư số (CA): "
                        "chỉ thêm được chứng thư gốc hoặc trung gian.")
ALREADY_TRUSTED = gettext_lazy("Chứng thư “%(s)s” đã có trong danh sách tin cậy.")
CRL_NOT_FROM_TRUSTED_CA = gettext_lazy("CRL không do một tổ chức cấp chứng thư trong danh sách tin cậy ký.")
CRL_ALREADY_UPLOADED = gettext_lazy("CRL này đã được tải lên.")
TEST_CA_MARK_AUDIT = gettext_lazy("Đánh dấu CA thử nghiệm: %(s)s")


def trust_store_chain(cert_der: bytes) -> list[bytes]:
    """The intermediates from the trust store that issued ``cert_der`` (to embed with a PKCS#11 signature)."""
    cert = load_x509(cert_der)
    chain, seen = [], set()
    candidates = [bytes(d) for d in TrustedCertificate.objects.filter(
        active=True, kind=TrustKind.INTERMEDIATE).values_list("der", flat=True)]
    issuer = cert.issuer
    for _round in range(4):
        match = next((d for d in candidates if d not in seen and load_x509(d).subject == issuer), None)
        if match is None:
            break
        seen.add(match)
        chain.append(match)
        issuer = load_x509(match).issuer
    return chain


def _require_system_admin(actor) -> None:
    if not getattr(actor, "is_system_admin", False):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được quản lý danh sách chứng thư tin cậy."))


def trusted_certificate_add(*, actor, data: bytes, is_test: bool = False) -> TrustedCertificate:
    """Add a root or intermediate CA certificate (PEM or DER) to the trust store (system administrators)."""
    if actor is not None:
        _require_system_admin(actor)
    cert = load_x509(data)
    if not is_ca(cert):
        raise ValidationFailed({"certificate": [str(NOT_A_CA)]})
    fields = certificate_fields(cert)
    existing = TrustedCertificate.objects.filter(fingerprint=fields["fingerprint"]).first()
    if existing is not None:
        raise ValidationFailed({"certificate": [ALREADY_TRUSTED % {"s": existing.subject}]})
    with transaction.atomic():
        trusted = TrustedCertificate.objects.create(
            kind=TrustKind.ROOT if self_signed(cert) else TrustKind.INTERMEDIATE,
            subject=fields["subject"], issuer=fields["issuer"], serial=fields["serial"],
            not_before=fields["not_before"], not_after=fields["not_after"], fingerprint=fields["fingerprint"],
            der=fields["certificate"], crl_url=crl_url(cert), is_test=is_test, added_by=actor)
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
            subject = load_x509(bytes(cert.der)).subject
        except ValidationFailed:
            continue
        names |= {name_attribute(subject, oid)[:300] for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME)}
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
                  summary=(TEST_CA_MARK_AUDIT if trusted.is_test else
                           _("Bỏ đánh dấu CA thử nghiệm: %(s)s")) % {"s": trusted.subject[:300]},
                  details={"files_to_verify": len(file_ids)})
        transaction.on_commit(lambda: files_verify_later(file_ids))
    return trusted


def revocation_list_add(*, actor, data: bytes) -> RevocationList:
    """Store a CRL (PEM or DER) whose signature verifies with an active trusted CA certificate."""
    from cryptography.hazmat.primitives import serialization

    if actor is not None:
        _require_system_admin(actor)
    crl = load_x509(data, kind="crl")
    issuer = None
    for trusted in TrustedCertificate.objects.filter(active=True).only("der", "fingerprint", "subject"):
        cert = load_x509(bytes(trusted.der))
        if cert.subject == crl.issuer and crl.is_signature_valid(cert.public_key()):
            issuer = trusted
            break
    if issuer is None:
        raise ValidationFailed({"crl": [str(CRL_NOT_FROM_TRUSTED_CA)]})
    this_update = crl.last_update_utc
    if RevocationList.objects.filter(issuer_fingerprint=issuer.fingerprint, this_update=this_update).exists():
        raise ValidationFailed({"crl": [str(CRL_ALREADY_UPLOADED)]})
    with transaction.atomic():
        row = RevocationList.objects.create(
            issuer=issuer.subject, issuer_fingerprint=issuer.fingerprint, this_update=this_update,
            next_update=crl.next_update_utc, der=crl.public_bytes(serialization.Encoding.DER))
        if actor is not None:
            audit_log(actor=actor, action=AuditAction.CREATED, obj_type="signing.revocation_list", obj_id=row.pk,
                      summary=_("Tải lên CRL của %(s)s") % {"s": issuer.subject[:300]})
    return row
