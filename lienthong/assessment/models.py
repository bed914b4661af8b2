"""Storage of the yearly IT-application ranking: criteria-set versions, campaigns and their steps.

The scoring itself is the pure ``engine``; the criteria set a campaign uses is the YAML text of a
``CriteriaSetVersion``, frozen from the moment a campaign uses it. Writes go through ``services``,
reads through ``selectors``.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuthorityKind(models.TextChoices):
    COUNCIL = "council", _("Sở Thông tin và Truyền thông (thường trực hội đồng đánh giá)")
    APPROVER = "approver", _("Cơ quan phê duyệt kết quả (UBND tỉnh)")
    OFFICE = "office", _("Văn phòng UBND tỉnh (theo dõi, đôn đốc)")


class AssessmentAuthority(models.Model):
    """Which agency plays which part in the ranking: data, not code (see ``selectors``).

    ``council``: runs campaigns, imports criteria sets, reviews, reopens, adjusts, computes and publishes
    (the Department of Information and Communications, standing body of the ranking council).
    ``approver``: its leaders approve the results (the Provincial People's Committee).
    ``office``: reads every campaign and self-assessment to oversee (the Provincial Office).
    A province declares these rows once (admin or demo data); no agency code is hard-wired.
    """

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="assessment_authorities",
                               verbose_name=_("cơ quan"))
    kind = models.CharField(_("vai trò"), max_length=20, choices=AuthorityKind.choices)

    class Meta:
        verbose_name = _("vai trò trong đánh giá, xếp hạng")
        verbose_name_plural = _("vai trò trong đánh giá, xếp hạng")
        constraints = [models.UniqueConstraint(fields=["agency", "kind"], name="assessment_authority_unique")]


class CriteriaSetVersion(models.Model):
    code = models.SlugField(_("mã bộ tiêu chí"), max_length=80)
    version = models.PositiveIntegerField(_("phiên bản"))
    name = models.CharField(_("tên"), max_length=300)
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    yaml_text = models.TextField(_("nội dung YAML"))
    checksum = models.CharField(_("mã kiểm tra (SHA-256 của nội dung đã chuẩn hóa)"), max_length=64)
    frozen_at = models.DateTimeField(_("khóa lúc"), null=True, blank=True,
                                     help_text=_("Khóa khi có đợt đánh giá dùng bộ tiêu chí; không sửa được nữa."))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), on_delete=models.PROTECT,
                                    null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("phiên bản bộ tiêu chí")
        verbose_name_plural = _("phiên bản bộ tiêu chí")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="criteria_set_version_unique")]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None

    def criteria_set(self):
        """The parsed ``criteria.CriteriaSet`` (immutable; cached per text, so every service call and page
        of a campaign parses its frozen set once per process)."""
        cached = getattr(self, "_parsed", None)
        if cached is None:
            cached = self._parsed = _parsed_criteria_set(self.yaml_text)
        return cached


@functools.lru_cache(maxsize=32)
def _parsed_criteria_set(text: str):
    from .criteria import load_criteria_set

    return load_criteria_set(text)


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    PUBLISHED = "published", _("Đã công bố bộ tiêu chí")
    SELF_ASSESSMENT = "self_assessment", _("Đơn vị tự đánh giá")
    REVIEW = "review", _("Thẩm định")
    COUNCIL = "council", _("Hội đồng xem xét")
    APPROVED = "approved", _("Đã phê duyệt")
    PUBLISHED_RESULTS = "published_results", _("Đã công bố kết quả")


class Campaign(models.Model):
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    name = models.CharField(_("tên đợt"), max_length=300)
    criteria_set = models.ForeignKey(CriteriaSetVersion, on_delete=models.PROTECT, related_name="campaigns",
                                     verbose_name=_("bộ tiêu chí"))
    council_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("cơ quan thường trực"))
    state = models.CharField(_("trạng thái"), max_length=20, choices=CampaignState.choices,
                             default=CampaignState.DRAFT)
    self_assessment_days = models.PositiveSmallIntegerField(_("số ngày làm việc tự đánh giá"), default=15)
    published_on = models.DateField(_("ngày công bố"), null=True, blank=True)
    deadline = models.DateField(_("hạn tự đánh giá"), null=True, blank=True)
    results_computed_at = models.DateTimeField(_("tính kết quả lúc"), null=True, blank=True)
    results_published_at = models.DateTimeField(_("công bố kết quả lúc"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("đợt đánh giá")
        verbose_name_plural = _("đợt đánh giá")
        ordering = ["-year", "-pk"]

    def __str__(self) -> str:
        return self.name


class CampaignUnit(models.Model):
    campaign = models.ForeignKey(Campaign, verbose_name=_("đợt đánh giá"), on_delete=models.CASCADE,
                                 related_name="units")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("cơ quan"))
    group_code = models.CharField(_("nhóm đơn vị"), max_length=80)
    separate_reason = models.CharField(
        _("lý do xếp hạng riêng"), max_length=500, blank=True,
        help_text=_("Cơ quan ngành dọc (như Cục Thống kê) được xếp hạng trong nhóm riêng; báo cáo nêu lý do."))
    excluded = models.BooleanField(_("không xếp hạng"), default=False)
    excluded_reason = models.CharField(_("lý do không xếp hạng"), max_length=500, blank=True)
    not_applicable = models.JSONField(_("tiêu chí không áp dụng"), default=list, blank=True)

    class Meta:
        verbose_name = _("đơn vị được đánh giá")
        verbose_name_plural = _("đơn vị được đánh giá")
        constraints = [models.UniqueConstraint(fields=["campaign", "agency"], name="campaign_unit_unique")]

    @property
    def separate_group(self) -> bool:
        return bool(self.separate_reason)


class SelfAssessmentState(models.TextChoices):
    DRAFT = "draft", _("Đang tự đánh giá")
    SUBMITTED = "submitted", _("Đã gửi")
    SENT_BACK = "sent_back", _("Đề nghị xác nhận lại")
    CONFIRMED = "confirmed", _("Đã thẩm định")
    REOPENED = "reopened", _("Được mở lại")


class SelfAssessment(models.Model):
    campaign_unit = models.OneToOneField(CampaignUnit, on_delete=models.CASCADE, related_name="self_assessment")
    state = models.CharField(_("trạng thái"), max_length=20, choices=SelfAssessmentState.choices,
                             default=SelfAssessmentState.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    submitted_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("nộp thay lãnh đạo"),
        help_text=_("Khi văn thư nộp thay: lãnh đạo đơn vị được nộp thay. Để trống khi lãnh đạo tự nộp."))
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    reopen_reason = models.CharField(_("lý do mở lại"), max_length=1000, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bản tự đánh giá")
        verbose_name_plural = _("bản tự đánh giá")


class ReviewStatus(models.TextChoices):
    PENDING = "", _("Chưa thẩm định")
    OK = "ok", _("Đạt")
    SENT_BACK = "sent_back", _("Đề nghị xác nhận lại")
    CONFIRMED = "confirmed", _("Đơn vị đã xác nhận")


class CriterionValue(models.Model):
    self_assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="values")
    criterion_code = models.CharField(_("mã tiêu chí"), max_length=80)
    value = models.JSONField(_("giá trị tự đánh giá"), null=True, blank=True)
    comment = models.TextField(_("giải trình"), blank=True)
    auto_value = models.JSONField(_("giá trị tự động từ hệ thống"), null=True, blank=True)
    auto_at = models.DateTimeField(null=True, blank=True)
    review_status = models.CharField(_("thẩm định"), max_length=20, choices=ReviewStatus.choices, blank=True,
                                     default=ReviewStatus.PENDING)
    review_note = models.TextField(_("ý kiến thẩm định"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    confirmed_for = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("xác nhận thay lãnh đạo"))
    confirmed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("giá trị tiêu chí")
        verbose_name_plural = _("giá trị tiêu chí")
        constraints = [models.UniqueConstraint(fields=["self_assessment", "criterion_code"],
                                               name="criterion_value_unique")]


class Evidence(models.Model):
    criterion_value = models.ForeignKey(CriterionValue, on_delete=models.CASCADE, related_name="evidence")
    stored_file = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("tên tệp"), max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")


class Adjustment(models.Model):
    """A council change of one criterion's points. Never silent: reason, who, when, and an audit entry."""

    campaign_unit = models.ForeignKey(CampaignUnit, verbose_name=_("đơn vị được đánh giá"), on_delete=models.CASCADE,
                                      related_name="adjustments")
    criterion_code = models.CharField(_("mã tiêu chí"), max_length=80)
    old_points = models.FloatField(_("điểm trước"))
    new_points = models.FloatField(_("điểm sau"))
    reason = models.TextField(_("lý do"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người điều chỉnh"), on_delete=models.PROTECT,
                           related_name="+")
    at = models.DateTimeField(_("điều chỉnh lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("điều chỉnh điểm")
        verbose_name_plural = _("điều chỉnh điểm")
        ordering = ["at", "pk"]


class ValueCorrection(models.Model):
    """A council correction of one criterion's value (an inflated or wrong figure found at review). The
    results are recomputed from the corrected value, so any benchmark it set for the other units of the group
    (the best value, the range) is corrected too. Never silent: reason, who, when, and an audit entry."""

    campaign_unit = models.ForeignKey(CampaignUnit, verbose_name=_("đơn vị được đánh giá"), on_delete=models.CASCADE,
                                      related_name="value_corrections")
    criterion_code = models.CharField(_("mã tiêu chí"), max_length=80)
    old_value = models.JSONField(_("giá trị trước"), null=True, blank=True)
    new_value = models.JSONField(_("giá trị sau"), null=True, blank=True)
    reason = models.TextField(_("lý do"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người sửa"), on_delete=models.PROTECT,
                           related_name="+")
    at = models.DateTimeField(_("sửa lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("sửa số liệu")
        verbose_name_plural = _("sửa số liệu")
        ordering = ["at", "pk"]


class Result(models.Model):
    campaign_unit = models.OneToOneField(CampaignUnit, verbose_name=_("đơn vị được đánh giá"),
                                         on_delete=models.CASCADE, related_name="result")
    points = models.FloatField(_("điểm đạt"))
    max_points = models.FloatField(_("điểm tối đa áp dụng"))
    total = models.FloatField(_("tổng điểm (thang của nhóm)"))
    index = models.FloatField(_("chỉ số"), null=True, blank=True)
    class_label = models.CharField(_("xếp loại"), max_length=60, blank=True)
    rank = models.PositiveIntegerField(_("xếp hạng"), null=True, blank=True)
    no_data = models.BooleanField(_("không có số liệu"), default=False, db_default=False,
                                  help_text=_("Đơn vị không gửi số liệu nào: 0 điểm, xếp cuối nhóm."))
    categories = models.JSONField(_("điểm theo nhóm tiêu chí"), default=dict)
    criteria = models.JSONField(_("điểm theo tiêu chí"), default=dict)
    previous_index = models.FloatField(_("chỉ số kỳ trước"), null=True, blank=True)
    previous_rank = models.PositiveIntegerField(_("thứ hạng kỳ trước"), null=True, blank=True)
    change_index = models.FloatField(_("thay đổi chỉ số"), null=True, blank=True)
    change_total = models.FloatField(_("thay đổi tổng điểm"), null=True, blank=True)
    change_rank = models.IntegerField(_("thay đổi thứ hạng"), null=True, blank=True)
    computed_at = models.DateTimeField(_("tính lúc"))

    class Meta:
        verbose_name = _("kết quả")
        verbose_name_plural = _("kết quả")


class Approval(models.Model):
    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="approval")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(_("quyết định phê duyệt"), max_length=300, blank=True,
                                help_text=_("Ví dụ: Quyết định số 123/QĐ-UBND ngày 15/3/2018"))
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("phê duyệt kết quả")
        verbose_name_plural = _("phê duyệt kết quả")
