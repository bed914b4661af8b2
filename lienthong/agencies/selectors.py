"""Reads on the agency directory."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lienthong.agencies.models import Agency
from lienthong.core.text import fold, nfc


def agency_directory(*, q: str | None = None, level_code: str | None = None, level=None, group=None,
                     external: bool | None = None) -> QuerySet[Agency]:
    """The directory in tree order, narrowed by the given filters.

    ``q`` matches the name without diacritics ("vi thuy" finds "Vị Thủy") or the start of the
    identifier code ("000.00.13").
    """
    qs = Agency.objects.select_related("level", "group")
    query = " ".join(nfc(q or "").split())
    if query:
        qs = qs.filter(Q(name_folded__contains=fold(query)) | Q(identifier_code__startswith=query))
    if level_code:
        qs = qs.filter(level__code=level_code)
    if level is not None:
        qs = qs.filter(level=level)
    if group is not None:
        qs = qs.filter(group=group)
    if external is not None:
        qs = qs.filter(is_external=external)
    return qs.order_by("path")
