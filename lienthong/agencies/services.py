"""Writes on the agency directory."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from lienthong.agencies.models import Agency
from lienthong.core.errors import ValidationFailed
from lienthong.core.text import fold, nfc

# QCVN 102:2016 form, read right to left: cấp 4 (3 digits) . cấp 3 . cấp 2 . cấp 1 (letter + 2 digits).
QCVN102_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")


def identifier_code_is_valid(code: str) -> bool:
    """The QCVN 102:2016 form, or the optional extra pattern a province configures for QĐ 20/2020 codes
    (unverified: see docs/decisions.md)."""
    if QCVN102_CODE.match(code):
        return True
    extra = getattr(settings, "AGENCY_CODE_EXTRA_PATTERN", "")
    return bool(extra) and len(code) <= 35 and re.fullmatch(extra, code) is not None


def agency_validate(agency: Agency) -> dict[str, list]:
    errors: dict[str, list] = {}
    for name in ("name", "short_name", "abbreviation", "place_name"):
        setattr(agency, name, nfc(getattr(agency, name)))
    agency.identifier_code = nfc(agency.identifier_code or "") or None
    if not agency.name:
        errors.setdefault("name", []).append(_("Tên cơ quan không được để trống."))
    if not agency.short_name:
        agency.short_name = agency.name
    if not agency.abbreviation:
        errors.setdefault("abbreviation", []).append(_("Chữ viết tắt không được để trống."))
    if agency.identifier_code:
        if not identifier_code_is_valid(agency.identifier_code):
            errors.setdefault("identifier_code", []).append(
                _("Mã định danh “%(c)s” sai định dạng (đúng dạng: 000.00.00.H30).") % {"c": agency.identifier_code})
        elif Agency.objects.filter(identifier_code=agency.identifier_code).exclude(pk=agency.pk).exists():
            errors.setdefault("identifier_code", []).append(
                _("Mã định danh “%(c)s” đã được dùng cho cơ quan khác.") % {"c": agency.identifier_code})
    if agency.parent_id and agency.pk and agency.parent_id == agency.pk:
        errors.setdefault("parent", []).append(_("Cơ quan không thể là cấp trên của chính nó."))
    elif agency.parent_id and agency.pk and f"/{agency.pk}/" in (agency.parent.path or ""):
        errors.setdefault("parent", []).append(_("Cơ quan cấp trên không được là đơn vị trực thuộc của nó."))
    return errors


@transaction.atomic
def agency_save(*, agency: Agency) -> Agency:
    """Validate and save one agency, keeping the materialised paths of it and its subtree right."""
    errors = agency_validate(agency)
    if errors:
        raise ValidationFailed(errors)
    old_path = agency.path
    agency.name_folded = fold(agency.name)
    agency.save()
    parent_path = agency.parent.path if agency.parent_id else "/"
    new_path = f"{parent_path}{agency.pk}/"
    if new_path != agency.path:
        Agency.objects.filter(pk=agency.pk).update(path=new_path)
        agency.path = new_path
        if old_path:
            Agency.objects.filter(path__startswith=old_path).exclude(pk=agency.pk).update(
                path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=CharField()))
    return agency
