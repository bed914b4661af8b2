"""Electronic copies (bản sao điện tử) an agency makes of a document it holds: sao y, trích sao, sao lục
(NĐ30 Art. 25–27; Phụ lục I ô 14; vanthu.md §7 rule 7).

A copy is a ``documents.Document`` of ``direction=copy``, numbered in the agency's copy register (one
series for every form, PL1 Part II §II.1c) with the ký hiệu ``<số>/<SY|TrS|SL>-<agency>``. ``DocumentCopy``
links it to the document it was made from and keeps what only a copy has: its form, the pages of a
trích sao, the person who signs copies and the agency signature applied to the copy's PDF.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CopyForm(models.TextChoices):
    SAO_Y = "SY", _("Sao y")
    TRICH_SAO = "TrS", _("Trích sao")
    SAO_LUC = "SL", _("Sao lục")


# The DocumentType rows (documents migration 0002) of each form.
TYPE_CODE = {CopyForm.SAO_Y: "ban-sao-y", CopyForm.TRICH_SAO: "ban-trich-sao", CopyForm.SAO_LUC: "ban-sao-luc"}


class DocumentCopy(models.Model):
    copy = models.OneToOneField("documents.Document", on_delete=models.PROTECT, related_name="copy_details",
                                verbose_name=_("bản sao"))
    original = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="copies",
                                 verbose_name=_("văn bản được sao"))
    form = models.CharField(_("hình thức sao"), max_length=3, choices=CopyForm.choices)
    pages = models.CharField(_("các trang trích sao"), max_length=100, blank=True)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("người ký bản sao"))
    signer_position = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=100)
    # Not a column: whether the reader sees the original, set by ``selectors.copy_source``.
    original_visible: bool
    credential = models.ForeignKey("signing.Credential", on_delete=models.PROTECT, null=True, related_name="+",
                                   verbose_name=_("chữ ký số cơ quan"))
    signed_at = models.DateTimeField(_("thời điểm ký số"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bản sao văn bản")
        verbose_name_plural = _("bản sao văn bản")

    def __str__(self) -> str:
        return f"{self.get_form_display()} {self.copy_id} ← {self.original_id}"
