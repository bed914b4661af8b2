"""Heading numerals of a file plan (PL5 §I: main headings in Roman numerals, sub-headings in Arabic ones)."""

from __future__ import annotations

import re

_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
ROMAN_PATTERN = re.compile(r"^(?=[MDCLXVI])M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")


def roman(n: int) -> str:
    """1 → "I", 14 → "XIV" (1 ≤ n < 4000)."""
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def from_roman(text: str) -> int | None:
    """"XIV" → 14; None when ``text`` is not a Roman numeral."""
    text = text.strip().upper()
    if not text or not ROMAN_PATTERN.match(text):
        return None
    values = dict((letters, value) for value, letters in _ROMAN if len(letters) == 1)
    total = 0
    for i, ch in enumerate(text):
        v = values[ch]
        total += -v if i + 1 < len(text) and values[text[i + 1]] > v else v
    return total


def file_number(seq: int, abbreviation: str) -> str:
    """The number of a planned file: running number on two digits and the main heading's abbreviation
    ("01.TCCB"); without an abbreviation, the number alone."""
    return f"{seq:02d}.{abbreviation}" if abbreviation else f"{seq:02d}"
