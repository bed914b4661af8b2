"""Digital signatures: who can sign with what key, which roots the province trusts, what every PDF's
signatures were found to be, and remote-signing sessions waiting for a token's answer.

Tables:
- ``TrustedCertificate``: the trust store (national root, government CA, test CA of the demo).
- ``Credential``: a signing identity — a person's or an agency's certificate, its key custody mode and
  the image its visible signature shows (blue handwritten signature, red seal).
- ``FileVerification`` / ``SignatureCheck``: the result of verifying one stored file, one row per
  signature, kept with the file (``documents.StoredFile``) and shown wherever the file is shown.
- ``RemoteSigningSession``: a prepared PDF whose signature value a client's token has to produce.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TrustKind(models.TextChoices):
    ROOT = "root", _("Chứng thư gốc (root)")
    INTERMEDIATE = "intermediate", _("Chứng thư trung gian")


class TrustedCertificate(models.Model):
    """A root or intermediate CA certificate an administrator has told the system to trust."""

    kind = models.CharField(_("loại"), max_length=12, choices=TrustKind.choices)
    subject = models.CharField(_("chủ thể"), max_length=500)
    issuer = models.CharField(_("tổ chức cấp"), max_length=500)
    serial = models.CharField(_("số hiệu"), max_length=80)
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True)
    der = models.BinaryField(_("chứng thư (DER)"))
    crl_url = models.CharField(_("địa chỉ CRL"), max_length=500, blank=True)
    is_test = models.BooleanField(_("CA thử nghiệm"), default=False,
                                  help_text=_("Chứng thư thử nghiệm, không có giá trị pháp lý."))
    active = models.BooleanField(_("đang dùng"), default=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người thêm"), on_delete=models.PROTECT,
                                 null=True, blank=True,
                                 related_name="+")
    added_at = models.DateTimeField(_("thêm lúc"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "subject"]
        verbose_name = _("chứng thư tin cậy")
        verbose_name_plural = _("chứng thư tin cậy")

    def __str__(self) -> str:
        return self.subject


class RevocationList(models.Model):
    """A CRL the administrator uploaded (or the refresh job fetched) for an issuing CA; used offline."""

    issuer = models.CharField(_("tổ chức cấp"), max_length=500)
    issuer_fingerprint = models.CharField(_("dấu vân tay của tổ chức cấp"), max_length=64, db_index=True)
    this_update = models.DateTimeField(_("ngày phát hành danh sách"))
    next_update = models.DateTimeField(_("ngày cập nhật kế tiếp"), null=True, blank=True)
    der = models.BinaryField(_("danh sách (DER)"))
    added_at = models.DateTimeField(_("thêm lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("danh sách chứng thư bị thu hồi (CRL)")
        verbose_name_plural = _("danh sách chứng thư bị thu hồi (CRL)")
        ordering = ["-this_update"]


class CredentialKind(models.TextChoices):
    PERSONAL = "personal", _("Chữ ký số cá nhân")
    AGENCY = "agency", _("Chữ ký số cơ quan")


class Custody(models.TextChoices):
    PKCS12 = "pkcs12", _("Khóa lưu trên máy chủ (PKCS#12, mở bằng mã PIN)")
    REMOTE = "remote", _("USB token / ký từ xa")
    PKCS11 = "pkcs11", _("HSM / token qua PKCS#11")


class Credential(models.Model):
    """A certificate a person or an agency signs with, and where its private key is kept.

    Exactly one of ``user`` (personal signature) or ``agency`` (agency signature) is set. For server-held
    keys ``pkcs12`` is the PKCS#12 file protected by the owner's signing PIN and encrypted again with the
    server's key (``signing.credentials.custody``); the PIN is never stored. For PKCS#11 the key stays on the token:
    only its labels are kept here.
    """

    kind = models.CharField(_("loại"), max_length=10, choices=CredentialKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.PROTECT,
                             null=True, blank=True,
                             related_name="signing_credentials")
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, null=True,
                               blank=True,
                               related_name="signing_credentials")
    custody = models.CharField(_("cách giữ khóa"), max_length=8, choices=Custody.choices)
    certificate = models.BinaryField(_("chứng thư (DER)"))
    subject = models.CharField(_("chủ thể"), max_length=500)
    issuer = models.CharField(_("tổ chức cấp"), max_length=500)
    serial = models.CharField(_("số hiệu"), max_length=80)
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, db_index=True)
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    pkcs12 = models.BinaryField(_("tệp khóa (mã hóa)"), null=True, blank=True, editable=False)
    pkcs11_token = models.CharField(_("nhãn token PKCS#11"), max_length=100, blank=True)
    pkcs11_key = models.CharField(_("nhãn khóa PKCS#11"), max_length=100, blank=True)
    image = models.BinaryField(_("ảnh chữ ký / con dấu (PNG)"), null=True, blank=True, editable=False)
    image_width_mm = models.DecimalField(_("chiều rộng ảnh (mm)"), max_digits=5, decimal_places=1, default=35)
    active = models.BooleanField(_("đang dùng"), default=True)
    expiry_warned_at = models.DateTimeField(_("đã cảnh báo hết hạn lúc"), null=True, blank=True, editable=False)
    # Wrong signing PINs in a row, and until when the key is locked after too many (like a token's PIN counter).
    pin_failures = models.PositiveSmallIntegerField(_("số lần nhập sai PIN"), default=0, editable=False)
    pin_locked_until = models.DateTimeField(_("khóa PIN đến"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), on_delete=models.PROTECT,
                                   null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["-active", "-not_after"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="personal", user__isnull=False, agency__isnull=True)
                           | Q(kind="agency", agency__isnull=False, user__isnull=True)),
                name="signing_credential_one_owner"),
        ]
        indexes = [models.Index(fields=["user", "active"]), models.Index(fields=["agency", "active"])]
        verbose_name = _("chữ ký số")
        verbose_name_plural = _("chữ ký số")

    def __str__(self) -> str:
        return self.subject


class VerificationStatus(models.TextChoices):
    UNSIGNED = "unsigned", _("Không có chữ ký số")
    VALID = "valid", _("Chữ ký số hợp lệ")
    UNTRUSTED = "untrusted", _("Chữ ký nguyên vẹn nhưng chứng thư không được tin cậy")
    INVALID = "invalid", _("Chữ ký số không hợp lệ")
    NOT_PDF = "not_pdf", _("Không phải tệp PDF")
    ERROR = "error", _("Không đọc được tệp")


TEST_AUTHORITY_LABEL = _("Hợp lệ (CA thử nghiệm — không có giá trị pháp lý)")


def verification_label(status: str, test_authority: bool = False) -> str:
    """The label of a verification result; a valid one from a test CA says it has no legal value."""
    if status == VerificationStatus.VALID and test_authority:
        return str(TEST_AUTHORITY_LABEL)
    return str(VerificationStatus(status).label)


class FileVerification(models.Model):
    """What verifying one stored file found. Files are immutable, so the result stays true until the
    trust store or revocation data change; ``verify`` on demand refreshes it."""

    stored_file = models.OneToOneField("documents.StoredFile", on_delete=models.CASCADE, primary_key=True,
                                       related_name="verification")
    status = models.CharField(_("kết quả"), max_length=10, choices=VerificationStatus.choices)
    signature_count = models.PositiveSmallIntegerField(default=0)
    personal_valid = models.BooleanField(_("có chữ ký hợp lệ của người có thẩm quyền"), default=False)
    agency_valid = models.BooleanField(_("có chữ ký hợp lệ của cơ quan"), default=False)
    modified_after_signing = models.BooleanField(_("bị sửa sau khi ký"), default=False)
    # QĐ 28/2018: a valid signature whose chain passes through a CA the trust store marks as a test CA
    # gives the file no legal value (shown "valid, from a test authority").
    test_authority = models.BooleanField(_("có chữ ký từ CA thử nghiệm"), default=False)
    message = models.TextField(_("ghi chú"), blank=True)
    verified_at = models.DateTimeField(_("thời điểm kiểm tra"))

    class Meta:
        indexes = [models.Index(fields=["status"])]


class SignatureCheck(models.Model):
    """One signature of a verified file, in signing order."""

    verification = models.ForeignKey(FileVerification, on_delete=models.CASCADE, related_name="signatures")
    position = models.PositiveSmallIntegerField()
    field_name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=10, choices=CredentialKind.choices, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=300, blank=True)
    organisation = models.CharField(_("cơ quan"), max_length=300, blank=True)
    issuer = models.CharField(_("tổ chức cấp chứng thư"), max_length=300, blank=True)
    serial = models.CharField(max_length=80, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    signing_time = models.DateTimeField(_("thời điểm ký"), null=True, blank=True)
    timestamped = models.BooleanField(_("có dấu thời gian"), default=False)
    intact = models.BooleanField(_("nguyên vẹn"), default=False)
    trusted = models.BooleanField(_("chuỗi tin cậy"), default=False)
    valid_at_signing = models.BooleanField(_("chứng thư còn hiệu lực khi ký"), default=False)
    revocation = models.CharField(_("thu hồi"), max_length=10, blank=True)  # good / revoked / unknown
    modification = models.CharField(_("thay đổi sau khi ký"), max_length=20, blank=True)
    coverage = models.CharField(max_length=30, blank=True)
    valid = models.BooleanField(_("hợp lệ"), default=False)
    test_authority = models.BooleanField(_("chứng thư do CA thử nghiệm cấp"), default=False)
    # SHA-256 fingerprints of the CA certificates of the validation path (root first), space-separated:
    # which stored results a change of the trust store's test-CA marking concerns.
    ca_fingerprints = models.TextField(blank=True)
    summary = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["verification_id", "position"]


class RemoteSessionState(models.TextChoices):
    PREPARED = "prepared", _("Chờ ký trên token")
    COMPLETED = "completed", _("Đã ký")
    FAILED = "failed", _("Lỗi")


class RemoteSigningSession(models.Model):
    """A PDF prepared for a signature whose value comes from the client's token (USB token / plugin).

    The server keeps the prepared file (with the reserved signature space) and the signed attributes,
    so any web process can finish it; it expires after ``settings.SIGNING_REMOTE_TTL_SECONDS``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=20)  # "draft_sign" / "draft_seal"
    target_id = models.PositiveBigIntegerField()  # the draft's id
    state = models.CharField(max_length=10, choices=RemoteSessionState.choices, default=RemoteSessionState.PREPARED)
    digest_algorithm = models.CharField(max_length=10, default="sha256")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["actor", "state"])]


class RemoteSigningFile(models.Model):
    """One file of a remote session: the prepared PDF with its reserved signature space, the byte-range
    digest and the DER signed attributes whose SHA-256 the token signs."""

    session = models.ForeignKey(RemoteSigningSession, on_delete=models.CASCADE, related_name="files")
    order = models.PositiveSmallIntegerField(default=0)
    filename = models.CharField(max_length=255)
    role = models.CharField(max_length=12, blank=True)  # the draft file role the result takes
    prepared = models.BinaryField()
    document_digest = models.BinaryField()
    reserved_start = models.PositiveBigIntegerField()
    reserved_end = models.PositiveBigIntegerField()
    signed_attributes = models.BinaryField()

    class Meta:
        ordering = ["session_id", "order"]
