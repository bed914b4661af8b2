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


_NAME_ABBREVIATIONS = (("ubnd", "uy ban nhan dan"), ("hdnd", "hoi dong nhan dan"), ("tp.", "thanh pho"),
                       ("tp ", "thanh pho "))


def _expanded(value: str) -> str:
    folded = fold(nfc(value))
    for short, full in _NAME_ABBREVIATIONS:
        folded = folded.replace(short, full)
    return " ".join(folded.split())


def agency_matching_name(*, name: str, parent_name: str | None = None) -> Agency | None:
    """The directory's agency named ``name`` as a document header writes it ("SỞ TÀI CHÍNH", "UBND HUYỆN VỊ THỦY"),
    without diacritics or case and with UBND/HĐND spelt out. Several with that name: the one whose parent is
    ``parent_name``, else the one whose name or place the parent line contains; None when not exactly one."""
    wanted = _expanded(name)
    if not wanted:
        return None
    candidates = list(Agency.objects.select_related("parent").filter(name_folded=wanted, is_active=True)[:50])
    if not candidates:
        candidates = [a for a in Agency.objects.select_related("parent").filter(
            name_folded__startswith=wanted.split(" ")[0], is_active=True)[:500] if _expanded(a.name) == wanted]
    if len(candidates) <= 1 or not parent_name:
        return candidates[0] if len(candidates) == 1 else None
    parent = _expanded(parent_name)
    by_parent = [a for a in candidates if a.parent and _expanded(a.parent.name) == parent]
    if len(by_parent) == 1:
        return by_parent[0]
    by_place = [a for a in candidates if a.place_name and fold(a.place_name) in parent]
    return by_place[0] if len(by_place) == 1 else None
