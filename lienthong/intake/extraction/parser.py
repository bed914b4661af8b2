"""Decree 30 Appendix VI fields from the text of one document.

The text is cut into *items*: a line, or a part of a line where a layout put two columns side by side (a tab or
three or more spaces), with the national motto, "(Đã ký)" marks and a position glued to a name cut out. Blank
lines stay as empty items. Each field is then read by its own rule, in the order of the Decree 30 layout
(``vanthu.md`` §2): the header (issuer lines and the "Số:" line), place and date, the type name and subject or
the "V/v" of a công văn, "Kính gửi", "Nơi nhận" and the signature block at the end.

The rules read the layout, never a list of known documents; nothing is guessed: a field without its marker is None.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from lienthong.intake.extraction.text import fold, is_caps, prepare, squash, vietnamese_share
from lienthong.intake.extraction.text import fold_aligned as _fold_aligned
from lienthong.intake.extraction.types import CONG_VAN, DECREE_30_TYPES, TypeName

FIELDS = ("issuer", "parent_issuer", "number", "symbol", "number_symbol", "place", "date", "doc_type", "subject",
          "urgency", "secrecy", "addressees", "recipients", "signer_authority", "signer_position", "signer_name")


@dataclass
class Extraction:
    values: dict[str, object] = field(default_factory=lambda: dict.fromkeys(FIELDS))
    confidence: dict[str, float] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0.0))
    legacy_encoding: str | None = None
    kind: str | None = None  # "typed", "cong_van", "qppl", "copy", "party", "old" (from the số/ký hiệu)

    def set(self, name: str, value: object, confidence: float) -> None:
        if value in (None, "", []):
            return
        self.values[name] = value
        self.confidence[name] = round(max(0.0, min(1.0, confidence)), 2)

    def as_dict(self) -> dict[str, object]:
        out = dict(self.values)
        out["confidence"] = dict(self.confidence)
        return out


# ---------------------------------------------------------------- items

_COLUMN_GAP_RE = re.compile(r"\t+| {3,}")
_MOTTO_RES = [re.compile(p) for p in (
    r"cong\s*hoa\s*xa\s*hoi\s*chu\s*nghia(?:\s*viet(?:\s*nam)?)?",  # a narrow column wraps it
    r"doc\s*lap\s*-?\s*tu\s*do\s*-?\s*hanh\s*phuc",
    r"dang\s*cong\s*san\s*viet\s*nam",
)]
_PLACEHOLDER_RE = re.compile(
    r"\((?:đã ký|ký|chữ ký|đã ký và đóng dấu|ký tên|ký, ghi rõ họ tên|ký, đóng dấu)[^)]{0,40}\)|\[đã ký\]"
    r"|^(?:đã ký|ký tên|chữ ký số|\(?dấu\)?)$", re.IGNORECASE)
_SEPARATOR_RE = re.compile(r"^[\s\-_=*~.·•–—]*$")


def _cut_motto(segment: str) -> list[str]:
    folded = _fold_aligned(segment)
    for motto in _MOTTO_RES:
        m = motto.search(folded)
        if m:
            before, after = segment[:m.start()], segment[m.end():]
            return [*_cut_motto(before), "\x00MOTTO", *_cut_motto(after)]
    return [segment] if segment.strip() else []


def _split_glued_name(segment: str) -> list[str]:
    """"PHÓ CHỦ NHIỆMVăn Trọng Lý" -> ["PHÓ CHỦ NHIỆM", "Văn Trọng Lý"]: capitals, then a capital that starts a
    capitalised name of two to five words. Only short segments are tried (a signature line, not a paragraph)."""
    if len(segment) > 90 or not any(c.islower() for c in segment):
        return [segment]
    for i in range(3, len(segment) - 2):
        if segment[i].isupper() and segment[i + 1].islower() and segment[i - 1].isupper():
            head, tail = segment[:i], segment[i:]
            if is_caps(head, 1.0) and _looks_like_name(tail) and not any(c.islower() for c in head):
                return [head, tail]
    return [segment]


def _items(text: str) -> list[str]:
    items: list[str] = []
    wrapped_motto = 0  # lines left in which the end of a wrapped motto ("NAM", "VIỆT NAM") may come
    for raw in text.split("\n"):
        wrapped_motto = max(0, wrapped_motto - 1)
        line = raw.rstrip()
        if not line.strip():
            items.append("")
            continue
        for part in _COLUMN_GAP_RE.split(line.strip()):
            part = _PLACEHOLDER_RE.sub("\n", part)
            for piece in part.split("\n"):
                for seg in _cut_motto(piece):
                    seg = squash(seg)
                    if wrapped_motto and fold(seg) in ("nam", "viet nam"):
                        items.append("\x00MOTTO")
                        wrapped_motto = 0
                    elif seg == "\x00MOTTO":
                        items.append(seg)
                        if not fold(piece).rstrip().endswith("nam"):
                            wrapped_motto = 3
                    elif seg and not _PLACEHOLDER_RE.fullmatch(seg):
                        items.extend(_split_glued_name(seg))
    return items


# ---------------------------------------------------------------- number and symbol

_NUMBER_PREFIX_RE = re.compile(r"^s[o0]\s*[:.]?\s*(?=\d)")
_NUMSYM_RE = re.compile(
    r"(?P<num>\d+(?: \d+)*) *(?P<sep>[/-]| (?=[A-ZĐ])) *"
    r"(?P<sym>(?:\d{4} */ *)?[A-ZĐ][A-Za-zĐđ0-9.]*(?: *[/-] *[A-ZĐ0-9][A-Za-zĐđ0-9.]*)*)")
_GROUP_RE = re.compile(r"[A-Za-zĐđ0-9.]+")
_STRICT_RES = [re.compile(p) for p in (
    r"^(?:0[1-9]|[1-9]\d+)/[A-ZĐ][A-Za-zĐđ0-9.]*(?:-[A-ZĐ][A-Za-zĐđ0-9.]*)+$",
    r"^\d+/\d{4}/[A-ZĐ][A-Za-zĐđ0-9.]*(?:-[A-ZĐ][A-Za-zĐđ0-9.]*)+$",
)]


@dataclass
class NumberSymbol:
    number: str
    separator: str
    symbol: str
    index: int
    span: tuple[int, int]

    @property
    def text(self) -> str:
        return f"{self.number}{self.separator}{self.symbol}"


def _find_number(items: Sequence[str], limit: int) -> NumberSymbol | None:
    for index, item in enumerate(items[:limit]):
        prefix = _NUMBER_PREFIX_RE.match(_fold_aligned(item))
        if not prefix:
            continue
        m = _NUMSYM_RE.match(item, prefix.end())
        if not m:
            continue
        sym = re.sub(r" +", "", m.group("sym"))
        end = m.end()
        if end < len(item) and item[end].isalpha():  # the place glued on: "...UBNDHậu Giang"
            glued = re.search(r"[A-ZĐ][a-z]*$", sym)
            if glued:
                sym, end = sym[:glued.start()], end - len(glued.group(0))
        sym = sym.rstrip(".-/")
        sep = m.group("sep") if m.group("sep") in "/-" else " "
        if sym:
            return NumberSymbol(m.group("num").replace(" ", ""), sep, sym, index, (prefix.start(), end))
    return None


def _classify(ns: NumberSymbol, abbreviations: dict[str, str]) -> tuple[str, str | None]:
    """The kind of số/ký hiệu and the type name its abbreviation names (if any)."""
    groups = _GROUP_RE.findall(ns.symbol)
    if not groups:
        return "old", None
    if ns.separator == "/" and re.fullmatch(r"\d{4}", groups[0]) and len(groups) > 1:
        return "qppl", _abbreviation_type(groups[1], abbreviations)
    first = _abbreviation_type(groups[0], abbreviations)
    if ns.separator == "-" and "/" in ns.symbol:
        return "party", first
    if ns.separator != "/" or len(groups) == 1:
        return "old", first
    if groups[0] in ("SY", "TrS", "SL"):
        return "copy", first
    return ("typed" if first else "cong_van"), first


def _abbreviation_type(group: str, abbreviations: dict[str, str]) -> str | None:
    if group in abbreviations:
        return abbreviations[group]
    upper = {k.upper(): v for k, v in abbreviations.items()}
    return upper.get(group.upper()) if group.upper() != group or group in upper else None


# ---------------------------------------------------------------- place and date

_DATE_RE = re.compile(
    r"ng[àa]y\s*(?P<d>\d(?:\s?\d)?)\s*(?:th[áa]ng\s*(?P<m>\d(?:\s?\d)?)\s*n[ăa]m\s*(?P<y>\d(?:\s?\d){3})"
    r"|[/.-]\s*(?P<m2>\d{1,2})\s*[/.-]\s*(?P<y2>\d{4}))", re.IGNORECASE)


def _date_in(item: str) -> tuple[datetime.date, int] | None:
    m = _DATE_RE.search(item)
    if not m:
        return None
    digits = [re.sub(r"\s", "", g or "") for g in (m.group("d"), m.group("m") or m.group("m2"),
                                                    m.group("y") or m.group("y2"))]
    try:
        return datetime.date(int(digits[2]), int(digits[1]), int(digits[0])), m.start()
    except ValueError:
        return None


def _place(before: str) -> str | None:
    place = squash(before).rstrip(" ,")
    if not place or not place[0].isupper() or len(place) > 40 or len(place.split()) > 6:
        return None
    *words, last = place.split()
    if any(ch.isdigit() for ch in "".join(words)) or not re.fullmatch(r"[^\W_]+|\d{1,2}", last):
        return None  # digits only as the last word ("Quận 3")
    return place


# ---------------------------------------------------------------- header (issuer)

_ORG_STARTS = tuple(fold(w) for w in (
    "UBND", "ỦY BAN", "UỶ BAN", "HĐND", "HỘI ĐỒNG", "SỞ", "BỘ", "CỤC", "TỔNG CỤC", "VỤ", "VIỆN", "BAN", "VĂN PHÒNG",
    "PHÒNG", "TRUNG TÂM", "CHI CỤC", "TRƯỜNG", "BỆNH VIỆN", "CÔNG AN", "ĐẢNG BỘ", "ĐẢNG ỦY", "ĐẢNG UỶ", "TỈNH ỦY",
    "TỈNH UỶ", "THÀNH ỦY", "THÀNH UỶ", "HUYỆN ỦY", "HUYỆN UỶ", "QUẬN ỦY", "THỊ ỦY", "CHI BỘ", "MẶT TRẬN", "ĐOÀN",
    "HỘI", "LIÊN ĐOÀN", "LIÊN MINH", "CÔNG TY", "TỔNG CÔNG TY", "THANH TRA", "KHO BẠC", "NGÂN HÀNG", "TÒA ÁN",
    "TOÀ ÁN", "VIỆN KIỂM SÁT", "CHÍNH PHỦ", "THỦ TƯỚNG", "QUỐC HỘI", "CHỦ TỊCH NƯỚC", "BẢO HIỂM", "ĐÀI", "BÁO",
    "HỌC VIỆN", "ĐẠI HỌC", "TỔ", "ĐỘI", "TRẠM", "HẠT", "BỘ CHỈ HUY", "BỘ TƯ LỆNH", "QUÂN", "KIỂM TOÁN", "CỤC THUẾ",
    "CHI NHÁNH", "NHÀ", "KHU", "LỮ ĐOÀN", "TRUNG ĐOÀN", "BCH", "BQL", "HỘI LIÊN HIỆP",
))
_MARKS = {
    "khan": ("urgency", "Khẩn"), "thuong khan": ("urgency", "Thượng khẩn"), "hoa toc": ("urgency", "Hỏa tốc"),
    "hoa toc hen gio": ("urgency", "Hỏa tốc"), "mat": ("secrecy", "Mật"), "toi mat": ("secrecy", "Tối mật"),
    "tuyet mat": ("secrecy", "Tuyệt mật"),
}


def _mark(item: str) -> tuple[str, str] | None:
    if not is_caps(item, 1.0):
        return None
    return _MARKS.get(fold(item.strip("[]()|* ")))


def _is_org_start(line: str) -> bool:
    folded = fold(line)
    return any(folded == s or folded.startswith(s + " ") or folded.startswith(s + ".") for s in _ORG_STARTS)


def _header_orgs(lines: list[str]) -> list[str]:
    orgs: list[str] = []
    for line in lines:
        continues = orgs and (not _is_org_start(line) or orgs[-1].endswith(("VÀ", "-", ",")))
        if continues:
            orgs[-1] = f"{orgs[-1]} {line}"
        else:
            orgs.append(line)
    return orgs


# ---------------------------------------------------------------- type and subject

_FIRST_LINE_STOP_RE = re.compile(r"^(căn cứ|kính gửi)", re.IGNORECASE)
_SUBJECT_STOP_RE = re.compile(
    r"^(căn cứ|kính gửi|thực hiện|theo |xét |hôm nay|ngày \d|điều \d|phần |chương |i\.|1\.|a\)|sau khi)",
    re.IGNORECASE)
_VV_RE = re.compile(r"^(?:v\s*/\s*v|về việc)\s*[:.]?\s*", re.IGNORECASE)


def _type_line(items: Sequence[str], start: int, stop: int, names: list[tuple[str, str]]
               ) -> tuple[int, str, str] | None:
    """(index, type name, subject glued on the same line) of the first type-name line in ``items[start:stop]``."""
    for index in range(start, min(stop, len(items))):
        item = items[index]
        if not item or item.endswith(":") or not item[:2].isupper():
            continue
        folded = fold(item)
        for folded_name, name in names:
            if folded == folded_name and is_caps(item, 1.0):
                return index, name, ""
            if folded.startswith(folded_name + " "):
                head, rest = item[:len(folded_name)], item[len(folded_name):].strip()
                if is_caps(head, 1.0) and rest[:1].isupper() and not is_caps(rest, 0.6):
                    return index, name, rest
    return None


def _collect_lines(items: Sequence[str], start: int, first: str, limit: int = 5, *, beside: bool = False) -> str:
    """The subject lines from ``items[start]`` on; with ``beside``, the items of the right header column that a
    layout puts between them (motto, place and date, marks) are stepped over."""
    lines = [first] if first.strip() else []
    index = start
    while index < len(items) and not lines and not items[index]:
        index += 1  # blank lines between the type name and the subject
    while index < len(items) and len(lines) < limit:
        item = items[index]
        if beside and (item == "\x00MOTTO" or _date_in(item) or _mark(item)):
            index += 1
            continue
        stop_re = _SUBJECT_STOP_RE if lines else _FIRST_LINE_STOP_RE
        if (not item or item == "\x00MOTTO" or stop_re.match(item) or _SEPARATOR_RE.match(item)
                or (is_caps(item) and lines) or _date_in(item) or item.endswith(":")):
            break
        lines.append(item)
        index += 1
    return squash(" ".join(lines))


# ---------------------------------------------------------------- lists (Kính gửi, Nơi nhận)

_BULLET_RE = re.compile(r"^[-+•*–]\s*")


def _clean_item(item: str) -> str:
    item = _BULLET_RE.sub("", item).strip()
    item = re.sub(r"(?:\./\.|[;,.])+$", "", item).strip()
    return squash(item)


def _list_after(items: Sequence[str], index: int, rest: str, *, interleaved: bool) -> tuple[list[str], bool]:
    """The bullet items after ``items[index]`` (a "Kính gửi:" or "Nơi nhận:" item whose text after the colon
    is ``rest``); with ``interleaved`` the lines of a neighbouring column are stepped over."""
    out: list[str] = []
    ended = False  # after "- Lưu: ..." or an item ending with "."
    if rest:
        out.append(rest)
        ended = rest.rstrip().endswith(".") and not _BULLET_RE.match(rest) and not interleaved
    i = index + 1
    while i < len(items) and not ended and len(out) < 60:
        item = items[i]
        i += 1
        if not item or item == "\x00MOTTO":
            if not interleaved and out and out[-1].rstrip().endswith("."):
                break
            continue
        if _BULLET_RE.match(item) and len(item) > 1:
            out.append(item)
        elif out and item[:1].islower() and not re.search(r"[;.]$", out[-1]):
            out[-1] = f"{out[-1]} {item}"
        elif interleaved and (is_caps(item) or _looks_like_name(item) or _AUTHORITY_RE.match(item)):
            continue
        else:
            break
        if fold(_clean_item(out[-1])).startswith("luu"):
            ended = True
    return [c for c in (_clean_item(x) for x in out) if c], ended


# ---------------------------------------------------------------- signature

_AUTHORITY_RE = re.compile(r"^(?:(?:TM|KT|TL|TUQ|Q)\s*\.|T/M|K/T|T/L|TUQ)\s*(?=[A-ZĐÀ-Ỹ])")
_POSITION_WORDS = tuple(fold(w) for w in (
    "CHỦ TỊCH", "GIÁM ĐỐC", "BỘ TRƯỞNG", "THỨ TRƯỞNG", "TRƯỞNG", "PHÓ", "CHÁNH", "BÍ THƯ", "THỦ TRƯỞNG",
    "HIỆU TRƯỞNG", "CỤC TRƯỞNG", "VỤ TRƯỞNG", "CHỦ NHIỆM", "THỦ TƯỚNG", "ỦY VIÊN", "THƯ KÝ", "TỔNG", "CHỈ HUY",
    "KẾ TOÁN", "THANH TRA VIÊN", "VIỆN TRƯỞNG", "CHÁNH ÁN", "TỔ TRƯỞNG", "ĐỘI TRƯỞNG", "NGƯỜI", "QUYỀN",
    "TRƯỞNG BAN", "TRƯỞNG PHÒNG", "CHÁNH VĂN PHÒNG", "TƯ LỆNH", "CHÍNH ỦY", "CHỦ TỌA", "CHỦ TRÌ",
))


def _looks_like_name(value: str) -> bool:
    words = _strip_noise(value).split()
    if not 2 <= len(words) <= 6 or len(value) > 45:
        return False
    return all(w[:1].isupper() and w[1:].islower() and w.isalpha() for w in words)


def _strip_noise(value: str) -> str:
    """A name with a stray mark after it, as recognition leaves it ("Nguyễn Văn An.")."""
    return value.rstrip(".,;:'\"`’ ")


def _looks_like_caps_name(value: str) -> bool:
    words = _strip_noise(value).split()
    return (2 <= len(words) <= 5 and all(w.isalpha() and w.isupper() for w in words)
            and not any(p in fold(value) for p in _POSITION_WORDS) and not _is_org_start(value))


def _is_position(item: str) -> bool:
    if not is_caps(item, 0.95) or len(item) > 80 or _AUTHORITY_RE.match(item):
        return False
    folded = fold(item)
    return any(w in folded for w in _POSITION_WORDS)


def _signature(items: Sequence[str], start: int) -> tuple[list[str], str | None, str | None, int | None]:
    """(authority lines, position, name, index of the position) of the last signature block after ``start``."""
    authority_indexes = [i for i in range(start, len(items)) if _AUTHORITY_RE.match(items[i])]
    authority: list[str] = []
    position_index = None
    if authority_indexes:
        last = authority_indexes[-1]
        first = last
        for i in reversed(authority_indexes[:-1]):
            between = [x for x in items[i + 1:first] if x and not _BULLET_RE.match(x) and not x[:1].islower()]
            if between:
                break
            first = i
        authority = [squash(items[i]) for i in range(first, last + 1) if _AUTHORITY_RE.match(items[i])]
        for i in range(last + 1, len(items)):
            if _is_position(items[i]) or (is_caps(items[i], 0.95) and not _looks_like_caps_name(items[i])):
                position_index = i
                break
    else:
        candidates = [i for i in range(start, len(items)) if _is_position(items[i])]
        position_index = candidates[-1] if candidates else None
    if position_index is None:
        return authority, None, None, None
    position = squash(items[position_index])
    name = None
    for item in items[position_index + 1:position_index + 25]:
        if not item or _BULLET_RE.match(item) or item[:1].islower() or item == "\x00MOTTO":
            continue
        if _looks_like_name(item):
            name = _strip_noise(item)
            break
        if _AUTHORITY_RE.match(item):
            break
        if is_caps(item, 1.0) and name is None and len(item.split()) <= 4:
            if _looks_like_caps_name(item) and not _name_follows(items, items.index(item, position_index + 1)):
                name = _strip_noise(item)
                break
            position = f"{position} {item}"  # a position wrapped onto a second line
            continue
        break
    return authority, position, name, position_index


def _name_follows(items: Sequence[str], index: int) -> bool:
    return any(_looks_like_name(item) for item in items[index + 1:index + 8])


# ---------------------------------------------------------------- the whole document


def extract(text: str, types: Sequence[TypeName] | None = None) -> Extraction:
    """The fields of a document's text (any encoding of Vietnamese; see ``legacy``)."""
    text, encoding = prepare(text)
    result = Extraction(legacy_encoding=encoding)
    items = _items(text)
    has_motto = "\x00MOTTO" in items
    if not has_motto and vietnamese_share(text) < 0.03:
        return result  # not a Vietnamese document: no field is guessed
    catalogue = list(types or DECREE_30_TYPES)
    names = sorted(((fold(t.name), t.name) for t in catalogue), key=lambda x: -len(x[0]))
    abbreviations = {t.abbreviation: t.name for t in catalogue if t.abbreviation}
    head_limit = min(len(items), 60)

    ns = _find_number(items, head_limit)
    if ns:
        result.kind, symbol_type = _classify(ns, abbreviations)
        strict = any(r.match(ns.text) for r in _STRICT_RES)
        confidence = 0.95 if strict else 0.8
        result.set("number", ns.number, confidence)
        result.set("symbol", ns.symbol, confidence)
        result.set("number_symbol", ns.text, confidence)
    else:
        symbol_type = None

    # Type name and subject: the first type-name line after the header.
    type_start = ns.index + 1 if ns else 0
    found_type = _type_line(items, type_start, head_limit, names)
    body_start = found_type[0] if found_type else (ns.index + 1 if ns else 0)

    # Place and date: on the "Số:" line or in the header, before the type name.
    date_stop = found_type[0] if found_type else min(head_limit, (ns.index + 8) if ns else 25)
    for index in range(0, date_stop):
        item = items[index]
        found = _date_in(item)
        if not found:
            continue
        date, at = found
        before = item[:at]
        if ns and index == ns.index:
            before = item[ns.span[1]:at]
        place = _place(before) if "," in before or before.strip() else None
        result.set("date", date.isoformat(), 0.95 if place else 0.7)
        result.set("place", place, 0.9)
        break

    # Issuer and parent: the capital lines above the "Số:" line (or the first lines of a document without one).
    header_stop = ns.index if ns else min(found_type[0] if found_type else 6, 6)
    header = []
    for item in items[:header_stop]:
        if (item and item != "\x00MOTTO" and not _SEPARATOR_RE.match(item) and not _mark(item)
                and is_caps(item) and not _date_in(item) and len(item) <= 90):
            header.append(item.strip(" *"))
    orgs = _header_orgs(header)
    if orgs and (ns or _is_org_start(orgs[-1])):
        keyword = _is_org_start(orgs[-1])
        result.set("issuer", orgs[-1], 0.9 if keyword else 0.6)
        if len(orgs) > 1:
            result.set("parent_issuer", orgs[-2], 0.85 if _is_org_start(orgs[-2]) else 0.55)

    # Urgency and secrecy marks in the header.
    for item in items[:max(body_start, header_stop) + 3]:
        mark = _mark(item)
        if mark and result.values[mark[0]] is None:
            result.set(mark[0], mark[1], 0.9)

    # Subject: the lines under the type name, or the "V/v" under the number of a công văn.
    vv_index = None
    if not found_type:
        for index in range(type_start if ns else 0, head_limit):
            if _VV_RE.match(items[index]) and not _SUBJECT_STOP_RE.match(items[index]):
                vv_index = index
                break
    if found_type:
        index, name, glued = found_type
        subject = _collect_lines(items, index + 1, glued)
        agrees = symbol_type is None or symbol_type == name
        result.set("doc_type", name, 0.97 if agrees else 0.85)
        result.set("subject", subject, 0.85)
    elif vv_index is not None:
        first = _VV_RE.sub("", items[vv_index])
        subject = _collect_lines(items, vv_index + 1, first, beside=True)
        result.set("subject", subject.strip(), 0.9)
        result.set("doc_type", CONG_VAN, 0.9 if result.kind in ("cong_van", "party", "old", None) else 0.8)
    elif symbol_type and result.kind != "cong_van":
        result.set("doc_type", symbol_type, 0.6)

    # Kính gửi.
    for index in range(body_start, len(items)):
        m = re.match(r"^kinh gui\s*:?\s*", _fold_aligned(items[index]))
        if m:
            addressees, _ = _list_after(items, index, items[index][m.end():].strip(), interleaved=False)
            result.set("addressees", addressees, 0.9)
            if result.values["doc_type"] is None and result.kind in ("cong_van", None):
                result.set("doc_type", CONG_VAN, 0.6)
            break

    # Nơi nhận and the signature block.
    receive_index = None
    for index in range(len(items) - 1, body_start - 1, -1):
        if re.match(r"^noi nhan\s*:?", _fold_aligned(items[index])):
            receive_index = index
            break
    signature_from = body_start
    if receive_index is not None:
        items = [*items[:receive_index], *_footer(items, receive_index)]
        m = re.match(r"^noi nhan\s*:?\s*", _fold_aligned(items[receive_index]))
        rest = items[receive_index][m.end():].strip() if m else ""
        before_authority = rest
        am = re.search(r"(?:^|\s)(?:(?:TM|KT|TL|TUQ|Q)\.|T/M|K/T|T/L)\s*[A-ZĐ]", rest)
        if am:  # "Nơi nhận: KT. CHỦ TỊCH" (two columns on one line)
            before_authority = rest[:am.start()].strip()
        recipients, ended = _list_after(items, receive_index, before_authority, interleaved=True)
        result.set("recipients", recipients, 0.9 if ended else 0.75)
        signature_from = max(body_start, receive_index - 8)
    authority, position, name, _ = _signature(list(_footer(items, signature_from)) if receive_index is None
                                              else items[signature_from:], 0)
    if position:
        confidence = 0.9 if authority else 0.75
        result.set("signer_authority", "; ".join(authority), confidence)
        result.set("signer_position", position, confidence)
        result.set("signer_name", name, confidence)
    return result


def _footer(items: Sequence[str], start: int):
    """The items from ``start`` with "Nơi nhận: KT. X" and "- item; POSITION" cut in two."""
    for item in items[start:]:
        m = re.match(r"^(?P<head>.*?[;.:])\s+(?P<tail>(?:(?:TM|KT|TL|TUQ|Q)\.|T/M|K/T|T/L)\s*[A-ZĐ].*)$", item)
        if m and (fold(item).startswith("noi nhan") or _BULLET_RE.match(item)):
            yield m.group("head")
            yield m.group("tail")
            continue
        m = re.match(r"^(?P<head>[-+•].*?[;.])\s+(?P<tail>[^;]+)$", item)
        if m and (is_caps(m.group("tail"), 1.0) or _looks_like_name(m.group("tail"))):
            yield m.group("head")
            yield m.group("tail")
            continue
        yield item
