"""Signing authority as data (NĐ30 Art. 13; vanthu.md §2.2 and §7 rule 6).

- TM. / KT.: from the signer's position in the agency: the head (cấp trưởng) signs TM. for a collegial body,
  a deputy (cấp phó) signs KT. A ``PositionRank`` row marks a position explicitly; without one the rank is
  inferred from the position's title (``selectors.position_rank``).
- Q.: from an ``ActingAppointment`` (quyền cấp trưởng) valid on the signing date.
- TL. / TUQ.: from a written ``SigningGrant``: the decision that grants it is a document in the system,
  with its scope (document types, fields), its period and its grantee. A TUQ grant cannot be passed on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Rank(models.TextChoices):
    HEAD = "head", _("Cấp trưởng (ký TM. hoặc ký trực tiếp)")
    DEPUTY = "deputy", _("Cấp phó (ký KT.)")
    NONE = "none", _("Không ký thay mặt, ký thay cơ quan")


class PositionRank(models.Model):
    """An explicit head / deputy marker on a position, overriding what its title suggests."""

    position = models.OneToOneField("accounts.Position", on_delete=models.CASCADE, related_name="signing_rank",
                                    verbose_name=_("vị trí công tác"))
    rank = models.CharField(_("cấp"), max_length=10, choices=Rank.choices)
    head_title = models.CharField(
        _("chức danh cấp trưởng"), max_length=120, blank=True,
        help_text=_("Với cấp phó: chức danh của người được ký thay, ví dụ Chủ tịch. Để trống: bỏ chữ “Phó”."))

    class Meta:
        verbose_name = _("cấp của vị trí (thẩm quyền ký)")
        verbose_name_plural = _("cấp của vị trí (thẩm quyền ký)")

    def __str__(self) -> str:
        return f"{self.position} – {self.get_rank_display()}"


class ActingAppointment(models.Model):
    """Quyền cấp trưởng: the person signs "Q. <head title>" within the period."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("cơ quan"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("người được giao quyền"))
    head_title = models.CharField(_("chức danh cấp trưởng"), max_length=120, help_text=_("Ví dụ: Giám đốc"))
    decision = models.ForeignKey("documents.Document", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("quyết định giao quyền"))
    valid_from = models.DateField(_("từ ngày"))
    valid_until = models.DateField(_("đến hết ngày"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("quyết định giao quyền cấp trưởng")
        verbose_name_plural = _("quyết định giao quyền cấp trưởng")
        indexes = [models.Index(fields=["user", "agency", "valid_from"], name="acting_user_agency")]

    def __str__(self) -> str:
        return f"Q. {self.head_title} – {self.user}"


class GrantKind(models.TextChoices):
    TL = "TL.", _("TL. (thừa lệnh)")
    TUQ = "TUQ.", _("TUQ. (thừa ủy quyền)")


class SigningGrant(models.Model):
    """A written TL. or TUQ. grant of the delegating agency's head, recorded with the decision granting it.

    Documents signed under it are issued in the name of ``agency`` (its thể thức, its seal or agency
    digital signature): the draft's issuing agency must be this agency.
    """

    kind = models.CharField(_("hình thức"), max_length=5, choices=GrantKind.choices)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("cơ quan ủy quyền (đóng dấu, ký số cơ quan)"))
    grantor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("người giao"))
    grantor_title = models.CharField(_("chức danh người giao"), max_length=120,
                                     help_text=_("In trên khối chữ ký, ví dụ: TUQ. CHỦ TỊCH"))
    grantee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("người được giao"))
    grantee_title = models.CharField(_("chức danh người được giao"), max_length=120,
                                     help_text=_("Ví dụ: Chánh Văn phòng, Giám đốc Sở Nội vụ"))
    decision = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("văn bản giao (ủy quyền, quy chế)"))
    document_types = models.ManyToManyField("documents.DocumentType", blank=True, related_name="+",
                                            verbose_name=_("loại văn bản được ký"))
    fields = models.CharField(_("lĩnh vực"), max_length=500, blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("giao lại từ"))
    valid_from = models.DateField(_("từ ngày"))
    valid_until = models.DateField(_("đến hết ngày"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    end_notified_at = models.DateTimeField(_("đã báo hết hạn lúc"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("văn bản giao thẩm quyền ký (TL., TUQ.)")
        verbose_name_plural = _("văn bản giao thẩm quyền ký (TL., TUQ.)")
        indexes = [
            models.Index(fields=["grantee", "agency", "kind"], name="grant_grantee"),
            models.Index(fields=["valid_until", "end_notified_at"], name="grant_end"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.grantor_title} → {self.grantee}"
