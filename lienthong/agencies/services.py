"""Writes on the agency directory."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.agencies.models import AdministrativeLevel, Agency
from lienthong.core.errors import ValidationFailed
from lienthong.core.text import fold, nfc

# QCVN 102:2016 form, read right to left: cấp 4 (3 digits) . cấp 3 . cấp 2 . cấp 1 (letter + 2 digits).
QCVN102_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
# The shape of that form whatever the widths: all-digit groups, then the level-1 code last. Such a code
# is a QCVN 102:2016 code and must have its exact widths ("000.00.4.H30" is a typing slip, not a new form).
QCVN102_SHAPE = re.compile(r"^\d+(\.\d+)*\.[A-Z]\d{2}$")
# QĐ 20/2020/QĐ-TTg, as QCVN 102:2016/SĐ1:2022 adopts it (vanthu.md §4.3, edxml.md §3.3): groups of
# digits 0–9 and capital letters A–Z separated by ".", at most ``AGENCY_CODE_MAX_LENGTH`` characters.
QD20_CODE = re.compile(r"^[0-9A-Z]+(\.[0-9A-Z]+)+$")

# Why a code is refused (``identifier_code_error``), formatted with the code as ``c``.
CODE_TOO_LONG = gettext_lazy("Mã định danh “%(c)s” dài %(n)s ký tự, quá %(max)s ký tự (QCVN 102:2016/SĐ1:2022).")
CODE_BAD_SHAPE = gettext_lazy("Mã định danh “%(c)s” sai định dạng (đúng dạng: 000.00.00.H30).")
CODE_BAD_SHAPE_OR_QD20 = gettext_lazy(
    "Mã định danh “%(c)s” sai định dạng (dạng 000.00.00.H30, hoặc dạng QĐ 20/2020: các nhóm chữ số "
    "và chữ in hoa A–Z ngăn bởi dấu chấm, tối đa %(max)s ký tự).")


def code_max_length() -> int:
    """The longest code accepted (setting ``AGENCY_CODE_MAX_LENGTH``). vanthu.md summarises SĐ1:2022 as 35
    characters, unverified against its text, while 36-character codes were reported in use (issue 12): the
    default is 36 and a province sets what its platform registers; the column holds 64."""
    return settings.AGENCY_CODE_MAX_LENGTH


def identifier_code_is_valid(code: str) -> bool:
    """Either form of the agency identifier (NĐ30 Phụ lục VI OrganId; vanthu.md §7 rule 12):

    - the QCVN 102:2016 form ``000.00.00.H30`` (13 characters), checked strictly;
    - the QĐ 20/2020 form of QCVN 102 SĐ1:2022 (groups of 0–9 and A–Z separated by ".", up to
      ``AGENCY_CODE_MAX_LENGTH`` characters), accepted unless ``AGENCY_CODE_QD20_FORM`` is off;
    - or the extra pattern a province configures (``AGENCY_CODE_EXTRA_PATTERN``), within the same length.
    """
    if QCVN102_CODE.match(code):
        return True
    if len(code) > code_max_length():
        return False
    extra = getattr(settings, "AGENCY_CODE_EXTRA_PATTERN", "")
    if extra and re.fullmatch(extra, code) is not None:
        return True
    if QCVN102_SHAPE.match(code):
        return False
    return bool(getattr(settings, "AGENCY_CODE_QD20_FORM", True)) and QD20_CODE.match(code) is not None


def identifier_code_error(code: str) -> str:
    """The Vietnamese message for a code ``identifier_code_is_valid`` refuses."""
    if len(code) > code_max_length():
        return CODE_TOO_LONG % {"c": code, "n": len(code), "max": code_max_length()}
    if QCVN102_SHAPE.match(code) or not getattr(settings, "AGENCY_CODE_QD20_FORM", True):
        return CODE_BAD_SHAPE % {"c": code}
    return CODE_BAD_SHAPE_OR_QD20 % {"c": code, "max": code_max_length()}


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
            errors.setdefault("identifier_code", []).append(identifier_code_error(agency.identifier_code))
        elif Agency.objects.filter(identifier_code=agency.identifier_code).exclude(pk=agency.pk).exists():
            errors.setdefault("identifier_code", []).append(
                _("Mã định danh “%(c)s” đã được dùng cho cơ quan khác.") % {"c": agency.identifier_code})
    if agency.parent_id and agency.pk and agency.parent_id == agency.pk:
        errors.setdefault("parent", []).append(_("Cơ quan không thể là cấp trên của chính nó."))
    elif agency.pk and agency.parent is not None and f"/{agency.pk}/" in (agency.parent.path or ""):
        errors.setdefault("parent", []).append(_("Cơ quan cấp trên không được là đơn vị trực thuộc của nó."))
    return errors


# The legal normative types a provincial People's Council (Nghị quyết) or People's Committee (Quyết
# định) issues, given to a new agency of that kind (editable afterwards in the admin). Keys: the folded
# start of the name; the agency must be of the highest administrative level and inside the system.
DEFAULT_ISSUABLE_TYPES = {"hoi dong nhan dan": ("qppl-nghi-quyet",), "uy ban nhan dan": ("qppl-quyet-dinh",)}


def default_issuable_type_codes(*, name: str, level_rank: int, is_external: bool) -> tuple[str, ...]:
    if is_external or level_rank != 1:
        return ()
    folded = fold(name)
    for prefix, codes in DEFAULT_ISSUABLE_TYPES.items():
        if folded.startswith(prefix):
            return codes
    return ()


def add_default_issuable_types(*, agency: Agency) -> None:
    """Give a new agency the QPPL types of ``DEFAULT_ISSUABLE_TYPES`` it issues by default. The types are
    the documents app's (``DocumentType``, above this one): reached through the relation's own model, so
    the agency directory does not import documents."""
    codes = default_issuable_type_codes(name=agency.name, level_rank=agency.level.rank, is_external=agency.is_external)
    if codes:
        agency.issuable_types.add(*agency.issuable_types.model.objects.filter(code__in=codes))


@transaction.atomic
def agency_save(*, agency: Agency) -> Agency:
    """Validate and save one agency, keeping the materialised paths of it and its subtree right. A new
    provincial People's Council or Committee may issue its QPPL type (``DEFAULT_ISSUABLE_TYPES``)."""
    errors = agency_validate(agency)
    if errors:
        raise ValidationFailed(errors)
    old_path = agency.path
    created = agency.pk is None
    agency.name_folded = fold(agency.name)
    agency.save()
    if created:
        add_default_issuable_types(agency=agency)
    parent_path = agency.parent.path if agency.parent is not None else "/"
    new_path = f"{parent_path}{agency.pk}/"
    if new_path != agency.path:
        Agency.objects.filter(pk=agency.pk).update(path=new_path)
        agency.path = new_path
        if old_path:
            Agency.objects.filter(path__startswith=old_path).exclude(pk=agency.pk).update(
                path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=CharField()))
    return agency


def external_agency_upsert(*, identifier_code: str, name: str, pending: bool = False) -> tuple[Agency, bool]:
    """An agency outside this instance by its identifier code (the exchange's directory: a partner's agency list,
    a file, or the sender of a received package). Created when missing (``pending``: inactive and unverified,
    for an administrator to confirm); an existing external agency gets the name given. An agency of this
    instance with that code is returned unchanged. Returns (agency, created)."""
    code = nfc(identifier_code)
    agency = Agency.objects.filter(identifier_code=code).first()
    name = nfc(name)[:255] or code
    if agency is not None:
        if agency.is_external and name != code and agency.name != name:
            agency.name = name
            agency_save(agency=agency)
        return agency, False
    level = AdministrativeLevel.objects.order_by("rank").first()
    if level is None:
        raise ValidationFailed({"level": [_("Chưa có cấp hành chính nào trong danh mục.")]})
    agency = Agency(name=name, short_name=name[:120], abbreviation=code[:40], level=level, identifier_code=code,
                    is_external=True, is_active=not pending, identifier_verified=not pending)
    return agency_save(agency=agency), True


def external_agency_confirm(*, agency_id: int) -> Agency:
    """An administrator confirms a pending external agency: active and its identifier code verified."""
    agency = Agency.objects.get(pk=agency_id, is_external=True)
    agency.is_active = True
    agency.identifier_verified = True
    return agency_save(agency=agency)
