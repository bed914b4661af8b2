"""Candidate tasks read from a document's text (pure Python, no Django): the specialist confirms each.

A sentence is a candidate when it opens with a directive ("Giao …", "Yêu cầu …", "Đề nghị …", "Chỉ đạo …") or when
its subject is an agency of the directory (matched on full and short names, NFC, case-insensitive, the usual
abbreviations "UBND", "HĐND", "TT&TT" read both ways). The lead agency is the first agency named after the opener;
agencies named after "phối hợp" are coordinators; a deadline written in the sentence is read ("trước ngày
dd/mm/yyyy", "chậm nhất ngày …", "trong tháng mm/yyyy", "trong quý II năm yyyy", "trước ngày 15 tháng 3 năm 2018");
"thường xuyên" marks a task without deadline.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

OPENERS = ("giao", "yêu cầu", "đề nghị", "chỉ đạo", "phân công")
# Spelled-out forms read as their abbreviation (both the text and the directory names go through this).
_ABBREVIATIONS = (
    ("ủy ban nhân dân", "ubnd"), ("uỷ ban nhân dân", "ubnd"), ("hội đồng nhân dân", "hđnd"),
    ("thông tin và truyền thông", "tt&tt"), ("thông tin - truyền thông", "tt&tt"), ("tt và tt", "tt&tt"),
    ("văn phòng ubnd", "vp ubnd"), ("vp.ubnd", "vp ubnd"), ("tài nguyên và môi trường", "tn&mt"),
    ("kế hoạch và đầu tư", "kh&đt"), ("lao động - thương binh và xã hội", "lđ-tb&xh"),
)
_MIN_NAME = 4  # shorter names ("Sở") would match everywhere


@dataclass(frozen=True)
class AgencyName:
    id: int
    names: tuple[str, ...]


@dataclass
class Suggestion:
    passage: str
    content: str
    opener: str  # "giao", "yêu cầu"…, or "" when the sentence's subject is an agency
    lead_agency_id: int | None = None
    coordinator_ids: list[int] = field(default_factory=list)
    deadline: dt.date | None = None
    routine: bool = False


def fold(text: str) -> str:
    """NFC, lower case, one space, the usual abbreviations: the form names and sentences are compared in."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = text.replace("uỷ", "ủy").replace("hoà", "hòa").replace("thuỷ", "thủy")
    text = re.sub(r"\s+", " ", text).strip()
    for long, short in _ABBREVIATIONS:
        text = text.replace(long, short)
    return text


_STARTS_BLOCK = re.compile(r"^(?:\d+[.)]|[a-zđ][.)]|[-–•+*]\s|[IVX]+\.)")


def paragraphs(text: str) -> list[str]:
    """Lines joined into paragraphs: text extracted from a PDF breaks every printed line, so a line break ends a
    paragraph only after ". ; : ! ?", before an empty line, a numbered or bulleted line, or a heading in capitals."""
    out: list[str] = []
    current = ""
    for raw in unicodedata.normalize("NFC", text).splitlines():
        line = re.sub(r"\s+", " ", raw).strip()
        if not line:
            if current:
                out.append(current)
            current = ""
            continue
        heading = sum(c.isupper() for c in line) * 2 >= sum(c.isalpha() for c in line)
        if current and (current.endswith((".", ";", ":", "!", "?", "./.")) or heading or _STARTS_BLOCK.match(line)
                        or _is_heading(current)):
            out.append(current)
            current = line
        else:
            current = f"{current} {line}" if current else line
    if current:
        out.append(current)
    return out


def _is_heading(text: str) -> bool:
    return sum(c.isupper() for c in text) * 2 >= sum(c.isalpha() for c in text)


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``: paragraphs, then ". " / "; " before a capital letter; headings dropped."""
    out: list[str] = []
    for line in paragraphs(text):
        line = re.sub(r"\s+", " ", line).strip(" -–•\t")
        if not line:
            continue
        start = 0
        for m in re.finditer(r"[.;!?](?:/\.)?\s+(?=\S)", line):
            nxt = line[m.end():m.end() + 1]
            if nxt.isupper() or nxt.isdigit():
                out.append(line[start:m.end()].strip())
                start = m.end()
        out.append(line[start:].strip())
    # Headings in capitals ("UBND TỈNH HẬU GIANG", "THÔNG BÁO") are not sentences.
    return [s for s in out if len(s) > 12 and sum(c.isupper() for c in s) * 2 < sum(c.isalpha() for c in s)]


_DMY = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}))?"
_DMY_WORDS = r"(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?"
_BEFORE = (r"(?:trước ngày|chậm nhất (?:là )?(?:ngày)?|hạn chót (?:là )?(?:ngày)?|hoàn thành (?:trong|trước) ngày"
           r"|đến ngày|trong ngày)")
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _day(d: str, m: str, y: str | None, year: int) -> dt.date | None:
    try:
        return dt.date(int(y) if y else year, int(m), int(d))
    except ValueError:
        return None


def read_deadline(sentence: str, *, year: int) -> dt.date | None:
    """The deadline written in ``sentence`` (``year`` when the date has none), or None."""
    s = fold(sentence)
    for pattern in (_BEFORE + r"\s*" + _DMY, _BEFORE + r"\s*" + _DMY_WORDS):
        m = re.search(pattern, s)
        if m:
            return _day(m.group(1), m.group(2), m.group(3), year)
    m = re.search(r"(?:trong|trước hết|hết|cuối) tháng\s*(\d{1,2})(?:\s*(?:/|năm)\s*(\d{4}))?", s)
    if m:
        month, y = int(m.group(1)), int(m.group(2) or year)
        if 1 <= month <= 12:
            return dt.date(y, month, calendar.monthrange(y, month)[1])
    m = re.search(r"(?:trong|trước hết|hết|cuối) quý\s*(iv|iii|ii|i|[1-4])\b(?:\s*(?:/|năm)\s*(\d{4}))?", s)
    if m:
        q, y = _QUARTERS[m.group(1)], int(m.group(2) or year)
        return dt.date(y, q * 3, calendar.monthrange(y, q * 3)[1])
    m = re.search(r"(?:trong|trước) năm (\d{4})", s)
    if m:
        return dt.date(int(m.group(1)), 12, 31)
    return None


def _prepare(agencies: Iterable[AgencyName]) -> list[tuple[str, int]]:
    names = {(fold(n), a.id) for a in agencies for n in a.names if n and len(fold(n)) >= _MIN_NAME}
    return sorted(names, key=lambda item: -len(item[0]))  # longest first: "Sở TT&TT" before "Sở"


def _matches(text: str, names: list[tuple[str, int]]) -> list[tuple[int, int]]:
    """(position, agency id) of each agency named in ``text`` (folded), longest name first at each place."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, int]] = []
    for name, agency_id in names:
        for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
            if any(a <= m.start() < b or a < m.end() <= b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), agency_id))
    return sorted(found)


def suggest(text: str, agencies: Iterable[AgencyName], *, year: int) -> list[Suggestion]:
    """Candidate tasks of ``text`` in reading order."""
    names = _prepare(agencies)
    out: list[Suggestion] = []
    for sentence in split_sentences(text):
        folded = fold(sentence)
        opener = next((o for o in OPENERS if folded.startswith(o + " ")), "")
        rest = folded[len(opener):].lstrip() if opener else folded
        found = _matches(rest, names)
        subject = bool(found) and found[0][0] == 0
        if not opener and not subject:
            continue
        lead = found[0][1] if found and (subject or found[0][0] < 40) else None
        cut = rest.find("phối hợp")
        coordinators = [a for pos, a in found if cut >= 0 and pos > cut and a != lead]
        content = sentence[len(opener):].lstrip(" :,") if opener else sentence
        content = content[:1].upper() + content[1:]
        out.append(Suggestion(
            passage=sentence, content=content.rstrip("./ "), opener=opener, lead_agency_id=lead,
            coordinator_ids=list(dict.fromkeys(coordinators)), deadline=read_deadline(sentence, year=year),
            routine="thường xuyên" in folded))
    return out
