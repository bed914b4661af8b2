"""Numbers the Vietnamese way: a comma before the decimals, a dot between thousands ("1.234,5"; issue 18).

``parse_number`` reads what a person types, also the English way when it cannot be mistaken ("85.5" is 85,5;
"1.234" is one thousand two hundred and thirty-four, as a Vietnamese reader means it); ``vietnamese_number``
writes a value back the way the forms, tables and printed letters show it."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3})+\.\d+$")


def parse_number(text: str) -> Decimal | None:
    """``Decimal`` of ``text``, or ``None`` when it is not a number. Spaces (also non-breaking) are ignored.
    With both separators the last one is the decimal separator; a lone comma is the decimal separator; a lone
    dot is a thousands separator only in the form 1.234 or 1.234.567, otherwise a decimal point."""
    raw = re.sub(r"[\s\u00a0\u202f]", "", text or "")
    if not raw:
        return None
    if "," in raw and "." in raw:
        if raw.rfind(",") > raw.rfind("."):
            raw = raw.replace(".", "").replace(",", ".")  # 1.234,5
        elif _THOUSANDS_COMMA.match(raw):
            raw = raw.replace(",", "")  # 1,234.5
        else:
            return None
    elif "," in raw:
        if raw.count(",") > 1:
            return None
        raw = raw.replace(",", ".")
    elif _THOUSANDS_DOT.match(raw):
        raw = raw.replace(".", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", raw):
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def vietnamese_number(value, places: int | None = None) -> str:
    """"1.234,5": dot thousands, comma decimals; trailing zeros of the decimals dropped unless ``places`` is
    given (then exactly that many)."""
    number = Decimal(str(value))
    if places is not None:
        text = f"{number:,.{places}f}"
    else:
        text = f"{number:,f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
