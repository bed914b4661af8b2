"""The exchange's directory of external agencies: a partner's agency list (a hub's, the platform's) kept as
external agencies, or a CSV/XLSX file of identifier codes and names. Agencies of this instance are never changed
by it (``agencies.services.external_agency_upsert``)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lienthong.agencies import services as agency_services
from lienthong.core import spreadsheets
from lienthong.core.errors import ValidationFailed
from lienthong.exchange.models import Partner
from lienthong.exchange.services import transport_for
from lienthong.exchange.transports.base import DirectoryEntry

DIRECTORY_NO_CODE_COLUMN = _("Tệp danh mục cần cột “identifier_code” (mã định danh) và “name” (tên cơ quan).")
DIRECTORY_BAD_CODE = _("Dòng %(row)s: %(reason)s")


def directory_merge(entries: list[DirectoryEntry]) -> dict[str, int]:
    """Add or rename the external agencies of a partner's agency list (the hub's, the platform's, a file)."""
    counts = {"created": 0, "updated": 0, "skipped": 0}
    for entry in entries:
        if not entry.organ_id or not agency_services.identifier_code_is_valid(entry.organ_id):
            counts["skipped"] += 1
            continue
        agency, created = agency_services.external_agency_upsert(identifier_code=entry.organ_id, name=entry.name)
        counts["created" if created else "updated"] += 1
    return counts


def directory_fetch(*, partner: Partner) -> dict[str, int]:
    """Fetch a partner's agency list and keep it as external agencies (the member's cache of the hub's
    directory). The agencies this instance serves itself are left as they are."""
    return directory_merge(transport_for(partner).agencies())


def directory_import(*, data: bytes) -> dict[str, int]:
    """External agencies from a CSV or XLSX file with the columns ``identifier_code`` and ``name``. Every bad
    row refuses the whole file (``ValidationFailed`` naming the rows)."""
    header: list[str] | None = None
    entries: list[DirectoryEntry] = []
    errors: list[str] = []
    for number, cells in spreadsheets.iter_rows(data, max_rows=20000, max_columns=20,
                                                max_unpacked_bytes=50 * 1024 * 1024, max_members=200,
                                                what="exchange directory"):
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [spreadsheets.header_key(c, keep_underscore=True) for c in cells]
            if "identifier_code" not in header or "name" not in header:
                raise ValidationFailed({"file": [str(DIRECTORY_NO_CODE_COLUMN)]})
            continue
        row = dict(zip(header, (c.strip() for c in cells), strict=False))
        code = row.get("identifier_code", "")
        if not agency_services.identifier_code_is_valid(code):
            errors.append(str(DIRECTORY_BAD_CODE % {"row": number,
                                                    "reason": agency_services.identifier_code_error(code)}))
            continue
        entries.append(DirectoryEntry(organ_id=code, name=row.get("name", "") or code))
    if header is None:
        raise ValidationFailed({"file": [str(DIRECTORY_NO_CODE_COLUMN)]})
    if errors:
        raise ValidationFailed({"file": errors})
    with transaction.atomic():
        return directory_merge(entries)
