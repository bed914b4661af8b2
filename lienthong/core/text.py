"""Vietnamese text helpers shared by every app.

``nfc`` is applied to all text at the boundary (forms, API, imports). ``fold`` produces the
diacritic-free, lower-case form used for search and matching: NFD, drop combining marks, map đ/Đ
(a base letter, not d plus a mark) to d, lower-case.
"""

from __future__ import annotations

import re
import unicodedata

# U+00D0 (Icelandic Eth) shows up in OCR'd and TCVN3-converted data in place of U+0110 (Đ).
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})
_FOLD_LETTERS = str.maketrans({"đ": "d", "Đ": "d"})
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_LATIN_MARKS_RE = re.compile("[\u0300-\u036f]+")  # the combining diacritical marks (all of category Mn)


def nfc(value: str | None) -> str:
    """Return ``value`` in NFC with look-alike letters mapped and surrounding blanks removed."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", value.translate(_LOOKALIKES)).strip()


def fold(value: str | None) -> str:
    """Diacritic-free lower-case form: "Quyết định" -> "quyet dinh". The one accent-stripping function of
    the project (matching names and numbers, the search index and its queries).

    Indexing a million documents spends most of its time here, so text whose folded form is plain ASCII
    (all Vietnamese text) takes a path of C-speed string operations only; anything else (other scripts,
    marks outside the Latin combining block) goes through the general definition, and the two agree."""
    if not value:
        return ""
    if value.isascii():
        return value.lower()
    decomposed = unicodedata.normalize("NFD", value)
    for ch in "đĐ\u00d0\u00f0":  # đ/Đ and their look-alikes are base letters, not d plus a mark
        decomposed = decomposed.replace(ch, "d")
    stripped = _LATIN_MARKS_RE.sub("", decomposed)
    if stripped.isascii():
        return stripped.lower()
    decomposed = unicodedata.normalize("NFD", value.translate(_LOOKALIKES))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.translate(_FOLD_LETTERS).lower()


def fold_words(value: str | None) -> str:
    """``fold`` with runs of blanks read as one space and no blanks around: names compared as typed
    anywhere ("  Uỷ ban  nhân dân " -> "uy ban nhan dan")."""
    return " ".join(fold(value).split())


def has_diacritics(value: str) -> bool:
    return fold(value) != value.lower()


def words(value: str) -> list[str]:
    """Split into word tokens the way the search index does (letters and digits)."""
    return [w for w in _WORD_RE.findall(value) if w != "_"]


def exact_lower(value: str | None) -> str:
    """Lower-case NFC form that keeps diacritics ("Số" -> "số"); plain ASCII takes a shortcut."""
    if not value:
        return ""
    if value.isascii():
        return value.lower()
    return unicodedata.normalize("NFC", value.translate(_LOOKALIKES)).lower()


def slug_ascii(value: str) -> str:
    """ASCII slug without separators, for user names: "Vị Tân" -> "vitan"."""
    return re.sub(r"[^a-z0-9]", "", fold(value))


def distinct_parts(parts) -> list[str]:
    """The non-empty ``parts`` of a label, leaving out any part another part already says: a person's title
    "Trưởng phòng Phòng Tài chính - Kế hoạch" already names the unit "Phòng Tài chính - Kế hoạch"."""
    kept = [p for p in (x.strip() for x in parts if x) if p]
    out: list[str] = []
    for i, part in enumerate(kept):
        low = part.casefold()
        if any(low in other.casefold() and (low != other.casefold() or j < i) for j, other in enumerate(kept)
               if j != i):
            continue
        out.append(part)
    return out
