"""Writes of the criteria sets: import from YAML and edit, refused once a campaign uses the version."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.audit.models import AuditAction
from lienthong.core.errors import DomainError, ValidationFailed

from ..criteria import CriteriaSetError, dump_criteria_set, load_criteria_set
from ..models import CriteriaSetVersion
from .common import _log, _require_council_or_system_admin

# Messages users see (the tests use these constants rather than copies of the text).
FROZEN = gettext_lazy("Bộ tiêu chí '%(code)s' phiên bản %(v)s đã được dùng trong đợt đánh giá nên đã khóa, "
                      "không sửa được; hãy nhập thành phiên bản mới.")
CODE_OR_VERSION_CHANGED = gettext_lazy("Không được đổi mã hoặc phiên bản khi sửa; hãy nhập thành phiên bản mới.")


def criteria_set_checksum(cs) -> str:
    """The SHA-256 of the set's canonical YAML (what the loader compares to skip an unchanged set)."""
    return hashlib.sha256(dump_criteria_set(cs).encode("utf-8")).hexdigest()


def criteria_set_import(*, yaml_text: str, actor) -> CriteriaSetVersion:
    """Store a criteria set from YAML. The same code and version replaces the stored text unless a
    campaign uses it (frozen): then publish a new version. Validation errors (line and field) are
    passed through as ``ValidationFailed({"yaml_text": [...]})``."""
    _require_council_or_system_admin(actor)
    try:
        cs = load_criteria_set(yaml_text)
    except CriteriaSetError as exc:
        raise ValidationFailed({"yaml_text": exc.errors}) from exc
    with transaction.atomic():
        row = CriteriaSetVersion.objects.select_for_update().filter(code=cs.code, version=cs.version).first()
        if row is not None and row.frozen:
            raise DomainError(FROZEN % {"code": cs.code, "v": cs.version}, code="criteria_set_frozen")
        created = row is None
        row = row or CriteriaSetVersion(code=cs.code, version=cs.version)
        row.name, row.year, row.yaml_text, row.checksum, row.imported_by = (
            cs.name[:300], cs.year, yaml_text, criteria_set_checksum(cs), actor)
        row.save()
        row._parsed = cs
        _log(actor, AuditAction.IMPORTED if created else AuditAction.CHANGED, "criteria_set", row.pk, None,
             _("Nhập bộ tiêu chí %(code)s v%(v)s") % {"code": cs.code, "v": cs.version},
             {"checksum": row.checksum})
    return row


def criteria_set_update(*, version: CriteriaSetVersion, yaml_text: str, actor) -> CriteriaSetVersion:
    """Edit a stored version (the admin editor). Refused once frozen; code and version must stay."""
    _require_council_or_system_admin(actor)
    if CriteriaSetVersion.objects.filter(pk=version.pk, frozen_at__isnull=False).exists():
        raise DomainError(FROZEN % {"code": version.code, "v": version.version}, code="criteria_set_frozen")
    try:
        cs = load_criteria_set(yaml_text)
    except CriteriaSetError as exc:
        raise ValidationFailed({"yaml_text": exc.errors}) from exc
    if (cs.code, cs.version) != (version.code, version.version):
        raise ValidationFailed({"yaml_text": [str(CODE_OR_VERSION_CHANGED)]})
    return criteria_set_import(yaml_text=yaml_text, actor=actor)
