"""The agency directory: every body of the province at any depth, plus external bodies.

The hierarchy is data: levels (tỉnh / huyện / xã, or the two-level structure of 2025) and ranking
groups are rows, and an agency's place in the tree is its ``parent``. ``path`` is a materialised
path of primary keys ("/1/5/23/") kept by the services so that subtree queries are one indexed
``LIKE`` instead of a recursive walk.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class AdministrativeLevel(models.Model):
    code = models.SlugField(_("mã"), max_length=30, unique=True)
    name = models.CharField(_("tên cấp"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("thứ bậc"), help_text=_("1 là cấp cao nhất"))

    class Meta:
        ordering = ["rank"]
        verbose_name = _("cấp hành chính")
        verbose_name_plural = _("cấp hành chính")

    def __str__(self) -> str:
        return self.name


class AgencyGroup(models.Model):
    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên nhóm"), max_length=150)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("nhóm xếp hạng")
        verbose_name_plural = _("nhóm xếp hạng")

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    name = models.CharField(_("tên đầy đủ"), max_length=255)
    short_name = models.CharField(_("tên viết gọn"), max_length=120)
    abbreviation = models.CharField(
        _("chữ viết tắt trong ký hiệu"), max_length=40, help_text=_("Ví dụ: UBND, VP.UBND, STTTT")
    )
    level = models.ForeignKey(AdministrativeLevel, on_delete=models.PROTECT, verbose_name=_("cấp"))
    group = models.ForeignKey(
        AgencyGroup, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("nhóm xếp hạng")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("cơ quan cấp trên"),
    )
    identifier_code = models.CharField(
        _("mã định danh điện tử"), max_length=64, null=True, blank=True, unique=True,
        help_text=_("Dạng QCVN 102:2016, ví dụ 000.00.00.H30"),
    )
    identifier_verified = models.BooleanField(
        _("mã định danh đã xác minh"), default=True,
        help_text=_("Bỏ chọn với mã minh họa chưa đối chiếu với danh mục chính thức."),
    )
    place_name = models.CharField(_("địa danh ghi trên văn bản"), max_length=100, blank=True)
    is_external = models.BooleanField(_("cơ quan ngoài hệ thống"), default=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    # Legal normative (QPPL) and legacy types this agency may issue as outgoing documents (the 29 NĐ30
    # types need no authorisation). Default: Nghị quyết for the provincial People's Council, Quyết định
    # for the provincial People's Committee (``agencies.services.DEFAULT_ISSUABLE_TYPES``).
    issuable_types = models.ManyToManyField(
        "documents.DocumentType", blank=True, related_name="authorised_agencies",
        verbose_name=_("loại văn bản QPPL, loại cũ được ban hành"),
        help_text=_("Văn thư chỉ cấp số văn bản đi thuộc các loại này khi cơ quan có thẩm quyền ban hành."),
    )
    path = models.CharField(_("đường dẫn trong cây cơ quan"), max_length=255, db_index=True, editable=False, default="")
    name_folded = models.CharField(_("tên không dấu (để tìm)"), max_length=255, editable=False, default="",
                                   db_index=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        indexes = [models.Index(Lower("abbreviation"), name="agency_abbr_lower")]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)


class Unit(models.Model):
    """A department inside an agency (phòng, ban, bộ phận): the lead or supporting unit of an
    assignment, and the home of the people who hold positions in it. Units never send or receive
    documents on their own; the agency does."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units", verbose_name=_("cơ quan"))
    name = models.CharField(_("tên đơn vị"), max_length=200)
    abbreviation = models.CharField(
        _("chữ viết tắt"), max_length=20, blank=True, help_text=_("Dùng trong ký hiệu công văn, ví dụ: VX, KT")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        ordering = ["agency_id", "order", "name"]
        verbose_name = _("đơn vị trực thuộc")
        verbose_name_plural = _("đơn vị trực thuộc")
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="unit_unique_name")]

    def __str__(self) -> str:
        return self.name
