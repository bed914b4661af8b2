"""Drafts of outgoing documents and their way to issue (NĐ30 Art. 10–19; vanthu.md §4.1).

A ``Draft`` belongs to the agency that will issue it. It moves through ``DraftState`` by the
services only; every move is a ``DraftStep`` (who, when, from, to, why). Once numbered it points
at the outgoing ``documents.Document`` that the register holds; once issued it is frozen.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lienthong.core.choices import Urgency
from lienthong.documents.models import RelationKind, Secrecy, SignerAuthority


class DraftState(models.TextChoices):
    DRAFTING = "drafting", _("Đang soạn thảo")
    CONTENT_REVIEW = "content_review", _("Chờ kiểm tra nội dung")
    FORMAT_CHECK = "format_check", _("Chờ kiểm tra thể thức")
    APPROVAL = "approval", _("Chờ duyệt")
    SIGNING = "signing", _("Chờ ký")
    TO_NUMBER = "to_number", _("Chờ cấp số")
    TO_SEAL = "to_seal", _("Chờ đóng dấu / ký số cơ quan")
    TO_ISSUE = "to_issue", _("Chờ phát hành")
    ISSUED = "issued", _("Đã phát hành")
    ABANDONED = "abandoned", _("Đã hủy dự thảo")


class Draft(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="drafts",
                               verbose_name=_("cơ quan ban hành"))
    unit = models.ForeignKey("agencies.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("đơn vị soạn thảo"))
    document_type = models.ForeignKey("documents.DocumentType", on_delete=models.PROTECT,
                                      verbose_name=_("loại văn bản"))
    subject = models.TextField(_("trích yếu"), max_length=1000)
    urgency = models.CharField(_("độ khẩn"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    secrecy = models.CharField(_("độ mật"), max_length=12, choices=Secrecy.choices, default=Secrecy.NORMAL)
    unit_abbreviation = models.CharField(_("viết tắt đơn vị (công văn)"), max_length=20, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("lãnh đạo đơn vị kiểm tra nội dung"))
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("người ký"))
    signer_authority = models.CharField(_("thẩm quyền ký"), max_length=5, choices=SignerAuthority.choices,
                                        blank=True, default="")
    signer_position = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    extra_recipients = models.TextField(
        _("nơi nhận khác"), blank=True,
        help_text=_("Mỗi dòng một nơi nhận không gửi qua hệ thống, ví dụ: Lưu: VT, VX."))
    recipients_text = models.TextField(_("nơi nhận"), blank=True, editable=False)
    related_document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("văn bản liên quan"))
    relation_kind = models.CharField(_("quan hệ"), max_length=12, choices=RelationKind.choices, blank=True)
    state = models.CharField(_("trạng thái"), max_length=16, choices=DraftState.choices, default=DraftState.DRAFTING)
    document = models.OneToOneField("documents.Document", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="draft", verbose_name=_("văn bản đã cấp số"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("người soạn thảo"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    state_changed_at = models.DateTimeField(_("đổi trạng thái lúc"), auto_now_add=True)
    issued_at = models.DateTimeField(_("phát hành lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("dự thảo")
        verbose_name_plural = _("dự thảo")
        indexes = [
            models.Index(fields=["agency", "state", "-state_changed_at"], name="draft_agency_state"),
            models.Index(fields=["signer", "state"], name="draft_signer_state"),
            models.Index(fields=["reviewer", "state"], name="draft_reviewer_state"),
            models.Index(fields=["created_by", "-updated_at"], name="draft_author"),
        ]

    def __str__(self) -> str:
        return self.subject[:80]


class FileRole(models.TextChoices):
    DRAFT = "draft", _("Bản dự thảo")
    ATTACHMENT = "attachment", _("Phụ lục, tài liệu kèm theo")
    SIGNED = "signed", _("Bản đã ký")
    SEALED = "sealed", _("Bản đã đóng dấu / ký số cơ quan")


class DraftFile(models.Model):
    """A version of the draft's main file, an attachment, or the signed / sealed original."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="files")
    stored_file = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=12, choices=FileRole.choices, default=FileRole.DRAFT)
    version = models.PositiveSmallIntegerField(default=1)
    filename = models.CharField(_("tên tệp"), max_length=255)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["draft_id", "role", "-version", "id"]


class DraftComment(models.Model):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("ý kiến"), max_length=4000)
    version = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class DraftStep(models.Model):
    """One transition of a draft: the workflow's own history, shown on the draft page."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=16, choices=DraftState.choices)
    to_state = models.CharField(max_length=16, choices=DraftState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True, max_length=4000)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["actor", "draft"])]


class DraftRecipient(models.Model):
    """An agency of the directory that will receive the issued document."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="recipients")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["draft_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["draft", "agency"], name="draft_recipient_unique")]
