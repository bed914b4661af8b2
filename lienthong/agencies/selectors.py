"""Reads on the agency directory."""

from __future__ import annotations

import re

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


def agency_picker(*, q: str, limit: int | None = 20) -> list[Agency]:
    """Active agencies answering to ``q`` as a clerk types it, best first: the identifier code's beginning
    ("000.00.11"), the abbreviation ("stc", "SKHĐT"), the full or short name without diacritics or case
    ("so tai chinh", "so kh&dt"), or every word as the beginning of a word of the name ("uy ban tinh").

    One query over the active directory (a few hundred rows): the short name and the abbreviation have no
    folded column to search in SQL, so they are folded here.
    """
    query = " ".join(nfc(q or "").split())
    folded = fold(query)
    if not folded:  # nothing typed: the whole directory, as the form lists it
        return list(Agency.objects.filter(is_active=True).order_by("name"))
    words = folded.split()
    squeezed = folded.replace(" ", "")
    ranked = []
    agencies = Agency.objects.filter(is_active=True).only(
        "pk", "name", "short_name", "abbreviation", "identifier_code", "name_folded", "path")
    for agency in agencies:
        names = (agency.name_folded or fold(agency.name), fold(agency.short_name))
        if agency.identifier_code and agency.identifier_code.lower().startswith(query.lower()):
            rank = 0
        elif agency.abbreviation and fold(agency.abbreviation).replace(" ", "") == squeezed:
            rank = 0
        elif any(n.startswith(folded) for n in names):
            rank = 1
        elif any(folded in n for n in names):
            rank = 2
        elif all(any(t.startswith(w) for t in " ".join(names).split()) for w in words):
            rank = 3
        else:
            continue
        ranked.append((rank, agency.path, agency))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [agency for _rank, _path, agency in ranked[:limit]]
_NAME_ABBREVIATIONS = (("ubnd", "uy ban nhan dan"), ("hdnd", "hoi dong nhan dan"), ("tp.", "thanh pho"),
                       ("tp ", "thanh pho "))


def _expanded(value: str) -> str:
    folded = fold(nfc(value))
    for short, full in _NAME_ABBREVIATIONS:
        folded = folded.replace(short, full)
    return " ".join(folded.split())


_PLACE_RE = re.compile(r"\b(?:tinh|thanh pho|huyen|quan|thi xa|thi tran|xa|phuong)\b.*$")


def agency_matching_name(*, name: str, parent_name: str | None = None) -> Agency | None:
    """The directory's agency named ``name`` as a document header writes it ("SỞ TÀI CHÍNH" under "UBND TỈNH
    HẬU GIANG"), compared without diacritics or case, UBND/HĐND spelt out. Tried in turn: the name alone, the
    name with the place of the parent line ("Sở Tài chính tỉnh Hậu Giang"), the name with the whole parent line
    ("Văn phòng Ủy ban nhân dân tỉnh Hậu Giang"). Several agencies of one name: the one under ``parent_name``.
    None when no single agency fits (the caller proposes a new external agency)."""
    wanted = _expanded(name)
    if not wanted:
        return None
    parent = _expanded(parent_name or "")
    tries = [wanted]
    if parent:
        place = _PLACE_RE.search(parent)
        if place:
            tries.append(f"{wanted} {place.group(0)}")
        tries.append(f"{wanted} {parent}")
    for attempt in tries:
        candidates = list(Agency.objects.select_related("parent").filter(name_folded=attempt, is_active=True)[:50])
        if len(candidates) == 1:
            return candidates[0]
        if candidates and parent:
            by_parent = [a for a in candidates if a.parent and _expanded(a.parent.name) == parent]
            if len(by_parent) == 1:
                return by_parent[0]
    return None
