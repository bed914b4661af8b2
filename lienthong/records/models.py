"""Records (công tác lập hồ sơ, NĐ30 Art. 28–29, Phụ lục V and VI; vanthu.md §4.3, §5).

- ``RetentionPeriod``: the code list of retention periods (thời hạn bảo quản), data not code: each row names
  the regulation it comes from and whether that was checked.
- ``FilePlan`` (danh mục hồ sơ) of one agency for one year, drafted → approved (with the deciding
  document) → published; ``PlanHeading`` rows are its headings (Roman numerals) and sub-headings (Arabic);
  ``PlanEntry`` rows its planned files ("01.TCCB").
- ``CaseFile`` (hồ sơ): opened by an official from a plan entry or outside the plan, filled with documents
  through ``CaseFileDocument`` (a link: one document may sit in several files, never copied), closed and
  frozen. The handover to the agency archive (nộp lưu) is ``HandoverRule``, ``Handover``/``HandoverItem``,
  ``KeepApproval`` and ``UsageRequest`` (flows in ``records.handover``); disposal is a later step.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RetentionPeriod(models.Model):
    code = models.SlugField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("thời hạn bảo quản"), max_length=30)  # Maintenance, String 30 (PL6 §III)
    years = models.PositiveSmallIntegerField(_("số năm"), null=True, blank=True,
                                             help_text=_("Để trống với thời hạn vĩnh viễn."))
    source = models.CharField(_("căn cứ"), max_length=300, blank=True)
    verified = models.BooleanField(_("đã đối chiếu văn bản gốc"), default=False)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("thời hạn bảo quản")
        verbose_name_plural = _("thời hạn bảo quản")

    def __str__(self) -> str:
        return self.name

    @property
    def is_permanent(self) -> bool:
        return self.years is None


class PlanNumbering(models.TextChoices):
    THROUGH_PLAN = "plan", _("Đánh số liên tục trong toàn danh mục")
    WITHIN_HEADING = "heading", _("Đánh số trong từng đề mục lớn")


class RecordsSettings(models.Model):
    """An agency's choices for its records (how its file plan numbers files)."""

    agency = models.OneToOneField("agencies.Agency", verbose_name=_("cơ quan"), on_delete=models.CASCADE,
                                  related_name="+")
    numbering = models.CharField(_("cách đánh số hồ sơ"), max_length=8, choices=PlanNumbering.choices,
                                 default=PlanNumbering.THROUGH_PLAN)

    class Meta:
        verbose_name = _("thiết lập hồ sơ của cơ quan")
        verbose_name_plural = _("thiết lập hồ sơ của cơ quan")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    APPROVED = "approved", _("Đã phê duyệt")
    PUBLISHED = "published", _("Đã ban hành")


class FilePlan(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("cơ quan"))
    year = models.PositiveSmallIntegerField(_("năm"))
    state = models.CharField(_("trạng thái"), max_length=10, choices=PlanState.choices, default=PlanState.DRAFT)
    numbering = models.CharField(_("cách đánh số hồ sơ"), max_length=8, choices=PlanNumbering.choices,
                                 default=PlanNumbering.THROUGH_PLAN)
    decision_reference = models.CharField(_("quyết định ban hành"), max_length=255, blank=True)
    decision_document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name=_("văn bản quyết định"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "agency_id"]
        verbose_name = _("danh mục hồ sơ")
        verbose_name_plural = _("danh mục hồ sơ")
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="records_plan_agency_year")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}"


class PlanHeading(models.Model):
    """A main heading (``parent`` empty, Roman numeral, with the abbreviation its files' numbers end with)
    or a sub-heading of one (Arabic numeral)."""

    plan = models.ForeignKey(FilePlan, on_delete=models.CASCADE, related_name="headings")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    title = models.CharField(_("tên đề mục"), max_length=500)
    abbreviation = models.CharField(_("chữ viết tắt"), max_length=20, blank=True)

    class Meta:
        ordering = ["plan_id", "parent_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "parent", "order"], name="records_heading_order"),
            models.UniqueConstraint(fields=["plan", "order"], condition=Q(parent__isnull=True),
                                    name="records_main_heading_order"),
        ]


class PlanEntry(models.Model):
    plan = models.ForeignKey(FilePlan, on_delete=models.CASCADE, related_name="entries")
    heading = models.ForeignKey(PlanHeading, on_delete=models.CASCADE, related_name="entries",
                                verbose_name=_("đề mục"))
    order = models.PositiveIntegerField(_("thứ tự"))
    number = models.CharField(_("số và ký hiệu hồ sơ"), max_length=20)  # FileNotation, String 20 (PL6)
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=500)
    retention = models.ForeignKey(RetentionPeriod, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("thời hạn bảo quản"))
    responsible_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("người lập hồ sơ"))
    responsible_unit = models.ForeignKey("agencies.Unit", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("đơn vị lập hồ sơ"))
    responsible_name = models.CharField(_("người (đơn vị) lập hồ sơ"), max_length=200, blank=True)
    notes = models.CharField(_("ghi chú"), max_length=500, blank=True)
    # Not a column: who keeps it as the plan prints it, set by ``selectors.plan_content``.
    responsible_label: str

    class Meta:
        ordering = ["plan_id", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="records_entry_number")]


class CaseFileState(models.TextChoices):
    OPEN = "open", _("Đang lập")
    CLOSED = "closed", _("Đã kết thúc")
    # Handover flows in ``records.handover``; disposal is a later step.
    HANDED_OVER = "handed_over", _("Đã nộp lưu, chờ lưu trữ cơ quan nhận")
    ACCEPTED = "accepted", _("Lưu trữ cơ quan đã nhận")
    DISPOSED = "disposed", _("Đã tiêu hủy")


# States in which documents can no longer be filed or taken out.
FROZEN_STATES = (CaseFileState.CLOSED, CaseFileState.HANDED_OVER, CaseFileState.ACCEPTED, CaseFileState.DISPOSED)


class CaseFile(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("cơ quan"))
    plan_entry = models.ForeignKey(PlanEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="files",
                                   verbose_name=_("hồ sơ trong danh mục"))
    year = models.PositiveSmallIntegerField(_("năm hình thành hồ sơ"))  # FileCatalog
    number = models.CharField(_("số và ký hiệu hồ sơ"), max_length=20)  # FileNotation
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=500)
    retention = models.ForeignKey(RetentionPeriod, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("thời hạn bảo quản"))
    rights = models.CharField(_("chế độ sử dụng"), max_length=30, blank=True)
    language = models.CharField(_("ngôn ngữ"), max_length=30, default="Tiếng Việt")
    description = models.TextField(_("ghi chú"), max_length=500, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("người lập hồ sơ"))
    unit = models.ForeignKey("agencies.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("đơn vị"))
    state = models.CharField(_("trạng thái"), max_length=12, choices=CaseFileState.choices,
                             default=CaseFileState.OPEN)
    start_date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    doc_total = models.PositiveIntegerField(_("số lượng văn bản"), default=0)
    page_total = models.PositiveIntegerField(_("số lượng trang"), default=0)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(_("lý do kết thúc khi còn cảnh báo"), max_length=2000, blank=True)
    # Handover (nộp lưu): the rule and dates its deadline comes from (``records.handover``).
    handover_rule = models.ForeignKey("HandoverRule", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("quy định thời hạn nộp lưu"))
    final_accounts_date = models.DateField(_("ngày quyết toán công trình"), null=True, blank=True)
    handover_due = models.DateField(_("hạn nộp lưu"), null=True, blank=True)
    kept_until = models.DateField(_("được giữ lại đến ngày"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "number", "id"]
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        indexes = [
            models.Index(fields=["owner", "state", "-year"], name="records_file_owner"),
            models.Index(fields=["agency", "state", "-year"], name="records_file_agency"),
            models.Index(fields=["unit", "state", "-year"], name="records_file_unit"),
            models.Index(fields=["state", "handover_due"], name="records_file_due"),
            # The archive's list of an agency's files in its order (bench/records.py: 100 000 files).
            models.Index(fields=["agency", "-year", "number", "-id"], name="records_file_agency_order"),
            # The same list by state and a person's own files, each in the list's order (keyset pages read them
            # as index ranges: selectors.case_file_page).
            models.Index(fields=["agency", "state", "-year", "number", "-id"], name="records_file_state_order"),
            models.Index(fields=["owner", "-year", "number", "-id"], name="records_file_owner_order"),
        ]

    def __str__(self) -> str:
        return f"{self.number} – {self.title}"

    @property
    def is_frozen(self) -> bool:
        return self.state in FROZEN_STATES


class CaseFileDocument(models.Model):
    """A document in a file. ``ordinal`` (DocOrdinal, PL6) is the document's place in time order, kept
    up to date while the file is open and frozen with it."""

    case_file = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")
    ordinal = models.PositiveIntegerField(_("số thứ tự trong hồ sơ"), default=0)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_file_id", "ordinal", "id"]
        constraints = [models.UniqueConstraint(fields=["case_file", "document"], name="records_item_unique")]
        indexes = [models.Index(fields=["document"], name="records_item_document")]


# ----------------------------------------------------------------------------------------- handover (nộp lưu)
# NĐ30 Art. 30–31, PL5 §III and §V; vanthu.md §5. Flows in ``lienthong.records.handover``.

class DueBasis(models.TextChoices):
    END = "end", _("Ngày kết thúc công việc")
    FINAL_ACCOUNTS = "final_accounts", _("Ngày quyết toán công trình")


class HandoverRule(models.Model):
    """When a closed file is due for handover to the agency archive: ``months`` after the date named by
    ``counts_from``. Data, not code: the default rule (1 year after the work ended) and the construction
    rule (3 months after the final accounts) are rows that an administrator can correct."""

    code = models.SlugField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    months = models.PositiveSmallIntegerField(_("số tháng"))
    counts_from = models.CharField(_("tính từ"), max_length=16, choices=DueBasis.choices, default=DueBasis.END)
    remind_days = models.PositiveSmallIntegerField(_("nhắc trước (ngày)"), default=30)
    max_keep_months = models.PositiveSmallIntegerField(_("giữ lại tối đa (tháng)"), default=24)
    source = models.CharField(_("căn cứ"), max_length=300, blank=True)
    verified = models.BooleanField(_("đã đối chiếu văn bản gốc"), default=False)
    is_default = models.BooleanField(_("mặc định"), default=False)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("quy định thời hạn nộp lưu")
        verbose_name_plural = _("quy định thời hạn nộp lưu")

    def __str__(self) -> str:
        return self.name


class HandoverState(models.TextChoices):
    SUBMITTED = "submitted", _("Chờ lưu trữ cơ quan kiểm tra")
    DONE = "done", _("Đã kiểm tra xong")


class Handover(models.Model):
    """One submission of closed files to the agency archive (one Mục lục hồ sơ, tài liệu nộp lưu)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("cơ quan"))
    unit = models.ForeignKey("agencies.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("đơn vị nộp lưu"))
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số"))
    state = models.CharField(_("trạng thái"), max_length=10, choices=HandoverState.choices,
                             default=HandoverState.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("người nộp lưu"))
    submitted_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("lần nộp lưu")
        verbose_name_plural = _("lần nộp lưu")
        constraints = [models.UniqueConstraint(fields=["agency", "year", "number"], name="records_handover_number")]
        indexes = [models.Index(fields=["agency", "state", "-submitted_at"], name="records_handover_agency")]


class ItemDecision(models.TextChoices):
    PENDING = "pending", _("Chờ kiểm tra")
    ACCEPTED = "accepted", _("Đã nhận")
    RETURNED = "returned", _("Trả lại")


class HandoverItem(models.Model):
    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="items")
    case_file = models.ForeignKey(CaseFile, on_delete=models.PROTECT, related_name="handover_items")
    ordinal = models.PositiveIntegerField(_("số thứ tự"))
    decision = models.CharField(_("kết quả"), max_length=10, choices=ItemDecision.choices,
                                default=ItemDecision.PENDING)
    reason = models.CharField(_("lý do trả lại"), max_length=1000, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["handover_id", "ordinal"]
        constraints = [models.UniqueConstraint(fields=["handover", "case_file"], name="records_handover_item")]


class KeepApproval(models.Model):
    """The head's recorded approval to keep a closed file in the unit past its handover deadline (at most
    the rule's ``max_keep_months``), announced to the archive."""

    case_file = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="keep_approvals")
    until = models.DateField(_("giữ lại đến ngày"))
    reason = models.CharField(_("lý do"), max_length=1000)
    decision_reference = models.CharField(_("văn bản đồng ý"), max_length=255, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("người phê duyệt"))
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-approved_at", "-id"]
        verbose_name = _("phê duyệt giữ lại hồ sơ")
        verbose_name_plural = _("phê duyệt giữ lại hồ sơ")


class UsageState(models.TextChoices):
    REQUESTED = "requested", _("Chờ duyệt")
    APPROVED = "approved", _("Đã đồng ý")
    REFUSED = "refused", _("Không đồng ý")
    USED = "used", _("Đã sử dụng xong")


class UsageRequest(models.Model):
    """One line of the Sổ sử dụng bản lưu: a request to use a file in the archive's custody, its approval
    (or refusal) and the record of use."""

    case_file = models.ForeignKey(CaseFile, on_delete=models.PROTECT, related_name="usage_requests")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("người đề nghị"))
    purpose = models.CharField(_("mục đích sử dụng"), max_length=1000)
    requested_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(_("trạng thái"), max_length=10, choices=UsageState.choices,
                             default=UsageState.REQUESTED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("người duyệt"))
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("ý kiến"), max_length=1000, blank=True)
    access_until = models.DateField(_("được sử dụng đến ngày"), null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    use_note = models.CharField(_("ghi nhận sử dụng"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("lượt sử dụng bản lưu")
        verbose_name_plural = _("sổ sử dụng bản lưu")
        indexes = [models.Index(fields=["agency", "state", "-requested_at"], name="records_usage_agency"),
                   models.Index(fields=["requested_by", "state"], name="records_usage_user")]
class DisposalProposal(models.Model):
    """A closed file whose retention has ended, proposed for the review of the disposal council (Hội đồng
    xác định giá trị tài liệu). Made by the daily job (``disposal.proposals_refresh``); never for a
    permanent file. ``disposed`` when the file was destroyed on the head's decision."""

    case_file = models.OneToOneField(CaseFile, on_delete=models.CASCADE, related_name="disposal_proposal")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    expired_on = models.DateField(_("hết thời hạn bảo quản từ"))
    proposed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["expired_on", "id"]
        verbose_name = _("hồ sơ đề nghị xem xét tiêu hủy")
        verbose_name_plural = _("hồ sơ đề nghị xem xét tiêu hủy")
        indexes = [models.Index(fields=["agency", "expired_on"], name="records_proposal_agency")]


class DisposalRecord(models.Model):
    """The record of a destroyed file: the decision it was destroyed on (a registered document), who did it,
    when, and what was removed (per document: file names, SHA-256, sizes). The file's metadata and its
    documents' metadata stay; only the originals go."""

    case_file = models.OneToOneField(CaseFile, on_delete=models.PROTECT, related_name="disposal")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    decision_document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("quyết định tiêu hủy"))
    decision_reference = models.CharField(_("số, ký hiệu, ngày quyết định"), max_length=255)
    note = models.TextField(_("ghi chú"), max_length=2000, blank=True)
    removed = models.JSONField(_("bản gốc đã xóa"), default=list)
    kept = models.JSONField(_("bản gốc còn giữ vì thuộc hồ sơ khác"), default=list)
    disposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    disposed_at = models.DateTimeField()

    class Meta:
        ordering = ["-disposed_at", "-id"]
        verbose_name = _("biên bản tiêu hủy hồ sơ")
        verbose_name_plural = _("biên bản tiêu hủy hồ sơ")
