"""Text preparation: NFC, legacy encodings, look-alike letters, blanks; and a diacritic fold for matching."""

from __future__ import annotations

import re
import unicodedata

from lienthong.intake.extraction import legacy

_LOOKALIKES = str.maketrans({"\u00d0": "Đ", "\u00f0": "đ", "\u00a0": " ", "\u2007": " ", "\u202f": " ",
                             "\u200b": "", "\ufeff": "", "\u2013": "-", "\u2014": "-", "\u2010": "-",
                             "\u2011": "-", "\u2212": "-", "\r": ""})
_SPACES_RE = re.compile(r"[ \t\f\v]+")


def prepare(text: str) -> tuple[str, str | None]:
    """Unicode NFC text with legacy encodings converted, and the legacy encoding found (or None)."""
    encoding = legacy.detect(text)
    if encoding:
        text = legacy.to_unicode(text, encoding)
    text = unicodedata.normalize("NFC", text.translate(_LOOKALIKES))
    return text, encoding


def _fold_char(ch: str) -> str:
    if ch.isspace():
        return " "
    decomposed = unicodedata.normalize("NFD", ch.replace("đ", "d").replace("Đ", "D"))
    base = "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()
    return base[:1] or " "


class _FoldTable(dict[int, str]):
    """``str.translate`` table filled on first use: each character to its fold, exactly one character long."""

    def __missing__(self, code: int) -> str:
        value = _fold_char(chr(code))
        self[code] = value
        return value


_FOLD_TABLE = _FoldTable()


def fold_aligned(value: str) -> str:
    """Per-character fold that keeps the indexes of ``value`` (NFC): one character in, one character out."""
    return value.translate(_FOLD_TABLE)


def fold(value: str) -> str:
    """Lower case without diacritics, đ -> d, blanks collapsed: for comparing names."""
    return " ".join(value.translate(_FOLD_TABLE).split())


def squash(value: str) -> str:
    """Runs of blanks as one space, trimmed."""
    return _SPACES_RE.sub(" ", value).strip()


def is_caps(value: str, ratio: float = 0.85) -> bool:
    letters = [c for c in value if c.isalpha()]
    return len(letters) >= 2 and sum(1 for c in letters if c.isupper()) >= ratio * len(letters)


def vietnamese_share(text: str) -> float:
    """Share of the letters that only Vietnamese uses (ă â đ ê ô ơ ư and the toned vowels)."""
    letters = [c for c in text[:20000] if c.isalpha()]
    if not letters:
        return 0.0
    marked = sum(1 for c in letters if not c.isascii())
    return marked / len(letters)
