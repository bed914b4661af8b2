"""The exchange gateway's rows: the partner systems, the packages going out (one per external recipient, or per
status sent back) and the packages coming in (deduplicated, refused or waiting), and the nonces of signed
requests already seen (replays are refused).

A partner's ``secret`` is the shared HMAC key of the own-API transport (and the password of VDXP/LGSP
accounts): it is stored as entered because the gateway must sign with it. Protect it like a password: the
database and its backups hold it; only system administrators see the partner rows (docs/operations.md).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PartnerKind(models.TextChoices):
    INSTANCE = "instance", _("Hệ thống Liên Thông khác (API trao đổi)")
    VDXP = "vdxp", _("Trục liên thông văn bản quốc gia (VDXP)")
    LGSP = "lgsp", _("Nền tảng tích hợp, chia sẻ dữ liệu (LGSP)")
    FOLDER = "folder", _("Thư mục trao đổi (không nối mạng)")


class Partner(models.Model):
    """A system this instance exchanges packages with; ``organ_ids`` are the agencies it serves (one
    identifier code a line; ``*`` = every agency this instance does not serve itself, a hub or the axis)."""

    name = models.CharField(_("tên hệ thống"), max_length=200)
    kind = models.CharField(_("loại kết nối"), max_length=10, choices=PartnerKind.choices)
    base_url = models.CharField(_("địa chỉ"), max_length=500, blank=True,
                                help_text=_("Để trống nếu hệ thống này tự đến lấy gói tin (thành viên của hub)."))
    system_id = models.CharField(_("mã hệ thống"), max_length=100, unique=True,
                                 help_text=_("Mã hệ thống đối tác dùng khi ký yêu cầu."))
    secret = models.CharField(_("khóa bí mật dùng chung (HMAC)"), max_length=200, blank=True,
                              help_text=_("Giữ kín như mật khẩu."))
    organ_ids = models.TextField(_("mã định danh các cơ quan phục vụ"), blank=True,
                                 help_text=_("Mỗi dòng một mã; * là mọi cơ quan không thuộc hệ thống này."))
    sign_packages = models.BooleanField(_("ký số gói tin XML"), default=False,
                                        help_text=_("Gói tin gửi đối tác này được ký số; gói tin nhận phải có chữ ký."))
    certificate = models.TextField(_("chứng thư số của đối tác (PEM)"), blank=True,
                                   help_text=_("Có thì chữ ký gói tin nhận về phải được ký bằng chứng thư này."))
    options = models.JSONField(_("tùy chọn kết nối"), default=dict, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("hệ thống đối tác")
        verbose_name_plural = _("hệ thống đối tác")

    def __str__(self) -> str:
        return self.name

    def served_organ_ids(self) -> list[str]:
        return [line.strip() for line in self.organ_ids.splitlines() if line.strip()]


class MessageType(models.TextChoices):
    EDOC = "edoc", _("Văn bản")
    STATUS = "status", _("Trạng thái")


class OutboundState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã chuyển cho đối tác")
    ACKNOWLEDGED = "acknowledged", _("Nơi nhận đã báo nhận")
    FAILED = "failed", _("Gửi lỗi")
    CANCELLED = "cancelled", _("Đã hủy")


class OutboundPackage(models.Model):
    """One package on its way to a partner: a document for one external recipient (``delivery``), a status
    answering a package (``delivery_event``, or a refusal), or a package a hub forwards (``routed_from``)."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="outbound", verbose_name=_("đối tác"))
    message_type = models.CharField(_("loại gói tin"), max_length=6, choices=MessageType.choices)
    delivery_id = models.BigIntegerField(_("lượt gửi"), null=True, blank=True, db_index=True)
    delivery_event_id = models.BigIntegerField(_("mã sự kiện gửi nhận"), null=True, blank=True, unique=True)
    routed_from = models.ForeignKey("InboundPackage", verbose_name=_("chuyển tiếp từ gói"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    from_organ_id = models.CharField(_("nơi gửi"), max_length=64)
    to_organ_ids = models.CharField(_("nơi nhận"), max_length=500)
    edxml_document_id = models.CharField(_("mã văn bản (DocumentId)"), max_length=300, blank=True, db_index=True)
    status_code = models.CharField(_("mã trạng thái"), max_length=2, blank=True)
    package = models.BinaryField(_("gói tin"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    state = models.CharField(_("trạng thái"), max_length=12, choices=OutboundState.choices,
                             default=OutboundState.PENDING)
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("lần gửi tới"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    remote_id = models.CharField(_("mã phía đối tác"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("gói tin gửi đi")
        verbose_name_plural = _("gói tin gửi đi")
        indexes = [
            # push: the due rows
            models.Index(fields=["state", "next_attempt_at"], name="exchange_out_due"),
            # a partner that fetches from us (hub member): what waits for it
            models.Index(fields=["partner", "state", "id"], name="exchange_out_partner"),
        ]


class InboundState(models.TextChoices):
    RECEIVED = "received", _("Đã nhận, chưa xử lý")
    APPLIED = "applied", _("Đã chuyển vào hệ thống")
    ROUTED = "routed", _("Đã chuyển tiếp (hub)")
    REFUSED = "refused", _("Bị từ chối")
    WAITING = "waiting", _("Chờ xác nhận nơi gửi")


class InboundPackage(models.Model):
    """A package that arrived. Deduplicated by sender, DocumentId and SHA-256 of the bytes: the same package
    again is acknowledged and ignored. A refused package keeps only this record (no bytes); a package of an
    unknown sender keeps its bytes, waiting for an administrator to confirm the sender."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="inbound",
                                verbose_name=_("đối tác"))
    message_type = models.CharField(_("loại gói tin"), max_length=6, choices=MessageType.choices, blank=True)
    remote_id = models.CharField(_("mã phía đối tác"), max_length=200, blank=True)
    from_organ_id = models.CharField(_("nơi gửi"), max_length=64, blank=True)
    to_organ_ids = models.CharField(_("nơi nhận"), max_length=500, blank=True)
    edxml_document_id = models.CharField(_("mã văn bản (DocumentId)"), max_length=300, blank=True)
    status_code = models.CharField(_("mã trạng thái"), max_length=2, blank=True)
    business_doc_type = models.PositiveSmallIntegerField(_("loại văn bản nghiệp vụ (edXML)"), null=True, blank=True)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    package = models.BinaryField(_("gói tin"), null=True, blank=True)
    state = models.CharField(_("trạng thái"), max_length=10, choices=InboundState.choices)
    reason = models.TextField(_("lý do"), blank=True)
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("văn bản của nơi gửi"))
    related = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("gói tin trước (cập nhật, thay thế, thu hồi)"))
    received_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("gói tin nhận về")
        verbose_name_plural = _("gói tin nhận về")
        constraints = [
            models.UniqueConstraint(fields=["from_organ_id", "edxml_document_id", "sha256"],
                                    condition=~Q(state="refused"), name="exchange_in_unique"),
        ]
        indexes = [
            models.Index(fields=["state", "from_organ_id"], name="exchange_in_waiting"),
            models.Index(fields=["from_organ_id", "edxml_document_id"], name="exchange_in_document"),
        ]


class UsedNonce(models.Model):
    """A nonce of a signed request already accepted: the same nonce again inside the window is a replay."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=100)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partner", "nonce"], name="exchange_nonce_unique")]
