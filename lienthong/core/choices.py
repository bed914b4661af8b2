"""Choices shared by apps on different layers, kept at the bottom so that a lower app may use them.

The urgency of a document (độ khẩn, Decree 30 Appendix VI) decides handling deadlines in the working
calendar as well as the documents' own fields; the kind of a document type decides which types an agency
must be authorised for in the agency directory. Both belong to no single app above the foundations, so they
live here; ``documents.models`` uses them for its fields. Migrations hold the values as literals, so a move
of these classes never needs a migration.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Thường")
    URGENT = "urgent", _("Khẩn")
    VERY_URGENT = "very_urgent", _("Thượng khẩn")
    FLASH = "flash", _("Hỏa tốc")


class TypeKind(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("Văn bản hành chính (NĐ 30/2020)")
    LEGAL = "legal", _("Văn bản quy phạm pháp luật")
    LEGACY = "legacy", _("Loại văn bản cũ")
    COPY = "copy", _("Bản sao")
