"""The số, ký hiệu of a document: its grammar, read into parts (shared/domain/vanthu.md §3).

``parse`` normalises what a văn thư typed (NFC, the look-alike "Ð" read as "Đ", blanks around "/" and
"-" removed) and reads it as one of the forms below, or raises ``NotationError`` with a reason and a
Vietnamese message. The parts are returned separately so that a later change can store them; today the
registration keeps the normalised text and the number / notation split it always had.

Forms, tried in this order (the order of the tests in §3.2, with the forms found in incoming mail that
§1 and §3 describe placed before the catch-all công văn):

* ``copy``      ``01/SY-UBND``: bản sao (SY, TrS, SL) and the copying agency [PL1 §II.1c]
* ``current``   ``15/QĐ-UBND``, ``32/TB-VP.UBND``: a type of NĐ 30/2020 and the issuer [PL1 §II.3b]
* ``legacy``    ``10/QYĐ-SNV``, ``03/GN-UBND``, ``45/CV-UBND``: a type written the old way (TT 01/2011
  abbreviations, mixed-case abbreviations upper-cased, the unlawful but common "CV")
* ``qppl``      ``30/2020/NĐ-CP``, ``203/2025/QH15``: <số>/<năm>/<loại>-<cơ quan>, or <số>/<năm>/<cơ quan>
  for a law or a resolution of the National Assembly
* ``cong_van``  ``125/UBND-VP``: the issuing agency, then the drafting unit or field [PL1 §II.3b]
* ``party``     ``120-TB/TU``: documents of the Party, <số>-<loại>/<cơ quan>

A typed document and a công văn have the same shape (``X/AB-CD``); the first group decides: a type
abbreviation of NĐ30 makes it a typed document. §3.2 warns that an agency abbreviation may collide with
a type (TC, PC, KH, BC, CT); telling them apart needs the register of agency abbreviations, which a
later change can add, so the parser reports the typed reading.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

# One abbreviation group: a capital (Đ included) then letters and digits. Incoming documents may carry
# a dot inside an agency abbreviation ("VP.UBND", §3.1): accepted when parsing, never generated.
_GROUP = r"[A-ZĐ][A-Za-zĐđ0-9]*"
GROUP = rf"{_GROUP}(?:\.{_GROUP})*"
_GROUPS = rf"{GROUP}(?:-{GROUP})*"
# 01…09 with their leading zero, then 10, 11, … (at most seven digits).
_NUM = r"0[1-9]|[1-9][0-9]{1,6}"

# NĐ 30/2020 Phụ lục III: the 29 types (công văn and thư công have none) and the three kinds of copy.
TYPES = ("NQ", "QĐ", "CT", "QC", "QyĐ", "TC", "TB", "HD", "CTr", "KH", "PA", "ĐA", "DA", "BC", "BB", "TTr",
         "HĐ", "CĐ", "BGN", "BTT", "GUQ", "GM", "GGT", "GNP", "PG", "PC", "PB")
COPY_TYPES = ("SY", "TrS", "SL")
# Written the old way, with what NĐ30 calls them ("" for a công văn, which has no abbreviation).
LEGACY_TYPES = {
    "QYĐ": "QyĐ", "CTR": "CTr", "TTR": "TTr", "TRS": "TrS",  # mixed-case abbreviations upper-cased
    "GN": "BGN", "TTh": "BTT", "UQ": "GUQ", "NP": "GNP",  # TT 01/2011 abbreviations
    "CV": "",  # "45/CV-UBND": not lawful (a công văn has no abbreviation) but common in incoming mail
}


def _alternatives(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_COPY_RE = re.compile(rf"(?P<so>{_NUM})/(?P<loai>{_alternatives(COPY_TYPES)})-(?P<cq>{_GROUPS})")
_TYPED_RE = re.compile(rf"(?P<so>{_NUM})/(?P<loai>{_alternatives(TYPES)})-(?P<cq>{_GROUPS})")
_LEGACY_RE = re.compile(rf"(?P<so>{_NUM})/(?P<loai>{_alternatives(LEGACY_TYPES)})-(?P<cq>{_GROUPS})")
_QPPL_RE = re.compile(rf"(?P<so>[0-9]{{1,7}})/(?P<nam>[0-9]{{4}})/(?:(?P<loai>{GROUP})-)?(?P<cq>{_GROUPS})")
_CONG_VAN_RE = re.compile(rf"(?P<so>{_NUM})/(?P<cq>{GROUP})-(?P<dv>{_GROUPS})")
_PARTY_RE = re.compile(rf"(?P<so>{_NUM})-(?P<loai>{GROUP})/(?P<cq>{_GROUPS})")
# The same shapes with any number, to tell "5/QĐ-UBND" (no leading zero) from a shapeless value.
_ANY_NUMBER_RE = re.compile(r"(?P<so>[0-9]+)(?P<rest>[/-].*)")

# Look-alikes read as the letter they imitate (OCR, TCVN3 conversions) and dashes of word processors.
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111", "\u2010": "-", "\u2011": "-",
                             "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"})
_AROUND_SEPARATORS = re.compile(r" *([/-]) *")
EXAMPLES = "15/QĐ-UBND, 125/UBND-VP, 30/2020/NĐ-CP"

# What ``NotationError.message`` says, by reason: ``%(s)s`` is the text as typed.
SHAPE_INVALID = _("Số, ký hiệu “%(s)s” không đúng dạng (ví dụ: %(e)s).")
CONTROL_CHARACTERS = _("Số, ký hiệu không được chứa ký tự xuống dòng, tab hay ký tự điều khiển.")
NOTATION_REQUIRED = _("Cần nhập số, ký hiệu của văn bản.")
YEAR_OUT_OF_RANGE = _("Năm %(y)s trong số, ký hiệu “%(s)s” không hợp lệ (phải từ %(min)s đến %(max)s).")
NUMBER_ZERO = _("Số, ký hiệu “%(s)s”: số phải từ 01 trở lên.")
LEADING_ZERO_MISSING = _("Số, ký hiệu “%(s)s”: số nhỏ hơn 10 phải có số 0 đứng trước (%(f)s).")


class NotationForm(StrEnum):
    CURRENT = "current"
    CONG_VAN = "cong_van"
    QPPL = "qppl"
    COPY = "copy"
    LEGACY = "legacy"
    PARTY = "party"


@dataclass(frozen=True)
class Notation:
    text: str  # normalised, as stored: "15/QĐ-UBND"
    number: str  # "15", as written (leading zero kept)
    symbol: str  # the ký hiệu without number and year: "QĐ-UBND", "NĐ-CP", "TB/TU"
    form: NotationForm
    type_abbreviation: str = ""  # as written: "QĐ", "QYĐ"; "" for a công văn
    issuer: str = ""  # agency (or state title) that issued it: "UBND", "CP", "QH15"
    unit: str = ""  # công văn: drafting unit or field, "VP"
    year: int | None = None  # QPPL only

    @property
    def code_notation(self) -> str:
        """What follows the number and its separator, as the record's ``code_notation`` holds it."""
        return self.text[len(self.number) + 1:]


class NotationError(ValueError):
    """``reason``: empty, control, shape, leading_zero, zero or year; ``message``: Vietnamese, for the field."""

    def __init__(self, reason: str, message, text: str = ""):
        super().__init__(str(message))
        self.reason = reason
        self.message = message
        self.text = text


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp")


def normalize(raw: str | None) -> str:
    """NFC, look-alikes mapped, invisible formatting characters (zero-width space, BOM, soft hyphen)
    dropped, any blank read as a space, blanks around "/" and "-" and at both ends removed. Control
    characters are left for ``parse`` to refuse."""
    value = unicodedata.normalize("NFC", (raw or "").translate(_LOOKALIKES))
    value = "".join(" " if unicodedata.category(ch) == "Zs" else ch for ch in value
                    if unicodedata.category(ch) != "Cf")
    return _AROUND_SEPARATORS.sub(r"\1", value.strip(" "))


def _shape_error(text: str) -> NotationError:
    return NotationError("shape", SHAPE_INVALID % {"s": text, "e": EXAMPLES}, text)


def parse(raw: str | None, *, earliest_year: int | None = None, latest_year: int | None = None) -> Notation:
    """Read a số, ký hiệu. ``earliest_year`` / ``latest_year`` bound the year of a QPPL number."""
    if any(_is_control(ch) for ch in raw or ""):
        raise NotationError("control", CONTROL_CHARACTERS)
    text = normalize(raw)
    if not text:
        raise NotationError("empty", NOTATION_REQUIRED)
    notation = _match(text)
    if notation is None:
        raise _near_miss(text) or _shape_error(text)
    if notation.year is not None and (
            (earliest_year is not None and notation.year < earliest_year)
            or (latest_year is not None and notation.year > latest_year)):
        raise NotationError("year", YEAR_OUT_OF_RANGE % {
            "y": notation.year, "s": text, "min": earliest_year or "…", "max": latest_year or "…"}, text)
    return notation


def _match(text: str) -> Notation | None:
    if m := _COPY_RE.fullmatch(text):
        return Notation(text=text, number=m["so"], symbol=text[len(m["so"]) + 1:], form=NotationForm.COPY,
                        type_abbreviation=m["loai"], issuer=m["cq"])
    if m := _TYPED_RE.fullmatch(text):
        return Notation(text=text, number=m["so"], symbol=text[len(m["so"]) + 1:], form=NotationForm.CURRENT,
                        type_abbreviation=m["loai"], issuer=m["cq"])
    if m := _LEGACY_RE.fullmatch(text):
        return Notation(text=text, number=m["so"], symbol=text[len(m["so"]) + 1:], form=NotationForm.LEGACY,
                        type_abbreviation=m["loai"], issuer=m["cq"])
    if (m := _QPPL_RE.fullmatch(text)) and int(m["so"]) > 0:
        symbol = f"{m['loai']}-{m['cq']}" if m["loai"] else m["cq"]
        return Notation(text=text, number=m["so"], symbol=symbol, form=NotationForm.QPPL,
                        type_abbreviation=m["loai"] or "", issuer=m["cq"], year=int(m["nam"]))
    if m := _CONG_VAN_RE.fullmatch(text):
        return Notation(text=text, number=m["so"], symbol=text[len(m["so"]) + 1:], form=NotationForm.CONG_VAN,
                        issuer=m["cq"], unit=m["dv"])
    if m := _PARTY_RE.fullmatch(text):
        return Notation(text=text, number=m["so"], symbol=text[len(m["so"]) + 1:], form=NotationForm.PARTY,
                        type_abbreviation=m["loai"], issuer=m["cq"])
    return None


def _near_miss(text: str) -> NotationError | None:
    """A lawful shape whose only fault is the number: a zero, or a number below 10 written without its
    leading zero (§3.2 refuses "5/QĐ-UBND"). The message shows the corrected form."""
    m = _ANY_NUMBER_RE.fullmatch(text)
    if m is None:
        return None
    number = int(m["so"])
    if number == 0 and _match(f"01{m['rest']}") is not None:
        return NotationError("zero", NUMBER_ZERO % {"s": text}, text)
    if 0 < number < 10 and len(m["so"]) == 1 and (fixed := _match(f"0{number}{m['rest']}")) is not None:
        return NotationError("leading_zero", LEADING_ZERO_MISSING % {"s": text, "f": fixed.text}, text)
    return None


ABBREVIATION_RE = re.compile(rf"{_GROUPS}")


def is_abbreviation(value: str) -> bool:
    """An abbreviation that may stand in a ký hiệu: groups joined by "-" ("VX", "KGVX", "VP.UBND")."""
    return ABBREVIATION_RE.fullmatch(value) is not None


def stored_parts(text: str | None) -> dict:
    """The parts a record keeps (``Document.notation_number``, ``notation_year``, ``notation_symbol``):
    read from the stored số, ký hiệu; all ``None`` when it does not follow the grammar."""
    try:
        notation = parse(text)
    except NotationError:
        notation = None
    if notation is None or len(notation.number) > 11 or len(notation.symbol) > 60:  # the columns' lengths
        return {"notation_number": None, "notation_year": None, "notation_symbol": None}
    return {"notation_number": notation.number, "notation_year": notation.year, "notation_symbol": notation.symbol}


def warnings_for(text: str | None) -> list[str]:
    """Non-blocking remarks on an incoming số, ký hiệu (vanthu.md §7 rules 1–2): a type abbreviation
    that is not in the type catalogue, compared case- and diacritic-sensitively ("QYĐ" is not "QyĐ").
    The document is registered all the same: the sender's number is kept as written."""
    from lienthong.documents.models import DocumentType

    try:
        notation = parse(text)
    except NotationError:
        return []
    abbreviation = notation.type_abbreviation
    if not abbreviation:
        return []
    known = set(DocumentType.objects.filter(is_active=True).exclude(abbreviation="")
                .values_list("abbreviation", flat=True))
    if abbreviation in known:
        return []
    lawful = LEGACY_TYPES.get(abbreviation)
    if lawful == "":
        return [str(_("Chữ viết tắt “%(a)s” trong số, ký hiệu “%(s)s” không có trong danh mục loại văn bản: "
                      "công văn không có chữ viết tắt (NĐ 30/2020). Văn bản vẫn được vào sổ; cần kiểm tra lại.")
                    % {"a": abbreviation, "s": notation.text})]
    if lawful:
        return [str(_("Chữ viết tắt “%(a)s” trong số, ký hiệu “%(s)s” không có trong danh mục loại văn bản "
                      "(NĐ 30/2020 viết “%(n)s”). Văn bản vẫn được vào sổ; cần kiểm tra lại.")
                    % {"a": abbreviation, "s": notation.text, "n": lawful})]
    return [str(_("Chữ viết tắt “%(a)s” trong số, ký hiệu “%(s)s” không có trong danh mục loại văn bản. "
                  "Văn bản vẫn được vào sổ; cần kiểm tra lại.") % {"a": abbreviation, "s": notation.text})]
