"""Text preparation shared by both search backends: what goes into the index, how a query is read,
and how matched words are highlighted in the original text.

Both backends receive text that is already tokenised here and joined with single spaces, so SQLite's
``unicode61`` tokenizer and PostgreSQL's parser only ever split on those spaces; index and query
therefore agree token for token, whichever database runs.

Two forms of every text are indexed:

* the *folded* form (``fold``: no diacritics, đ→d, lower case), which decides what matches, so
  "quyet dinh" finds "Quyết định", and
* the *exact* form (``exact_lower``: NFC, lower case, diacritics kept), which only adds rank, so a
  query typed with diacritics puts "số" above "sở" while a query typed without them treats both alike.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from lienthong.core.text import exact_lower, fold

# Combining marks that can survive NFC (text typed or converted with decomposed diacritics).
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# A token is a run of letters and digits (plus any combining marks attached to them).
TOKEN_RE = re.compile(rf"[^\W_](?:[^\W_]|[{_MARKS}])*")
_TOKEN_CHAR = rf"(?:[^\W_]|[{_MARKS}])"

def fold_tokens(value: str | None) -> list[str]:
    return TOKEN_RE.findall(fold(value))


def exact_tokens(value: str | None) -> list[str]:
    return TOKEN_RE.findall(exact_lower(value))


def folded_text(*values: str | None) -> str:
    """Index form of one or more fields: folded tokens joined by single spaces."""
    return " ".join(t for v in values for t in fold_tokens(v))


def exact_text(*values: str | None) -> str:
    return " ".join(t for v in values for t in exact_tokens(v))


# --- Highlighting ---------------------------------------------------------------------------------
def _letter_variants() -> dict[str, str]:
    """For each folded letter, a regex class of every character that folds to it ("d" -> [dDđĐ…])."""
    variants: dict[str, set[str]] = {}
    for cp in range(0x20, 0x2000):
        ch = chr(cp)
        folded = fold(ch)
        if len(folded) == 1 and folded.isalnum():
            variants.setdefault(folded, {folded}).add(ch)
    return {k: "[" + "".join(re.escape(c) for c in sorted(v)) + "]" if len(v) > 1 else re.escape(k)
            for k, v in variants.items()}


_VARIANTS = _letter_variants()


def _token_pattern(token: str) -> str:
    return "".join(_VARIANTS.get(ch, re.escape(ch)) + f"[{_MARKS}]*" for ch in token)


# --- The Decree 30 layout every document shares --------------------------------------------------
# Parts of the layout (NĐ30 Phụ lục I) that every document carries: indexed, they made every query for
# "chủ", "số", "ký" or "nhận" match every document. ``strip_template`` removes them from the text that is
# indexed and shown in snippets; the extracted text and the document's fields keep them.
def _fold_pattern(words: str) -> str:
    """Regex for the folded ``words`` in original text: any case or diacritics, any blanks or
    punctuation between the words ("Độc lập - Tự do - Hạnh phúc", "CỘNG HOÀ XÃ HỘI…")."""
    return r"[\W_]*".join(_token_pattern(w) for w in words.split())


_STATE_TITLE = re.compile(_fold_pattern("cong hoa xa hoi chu nghia viet nam") + "|"
                          + _fold_pattern("doc lap tu do hanh phuc"), re.IGNORECASE)
# "Số: 12/QĐ-UBND" (up to the end of the line) and "Hậu Giang, ngày 05 tháng 3 năm 2024".
_NUMBER_LINE = re.compile(r"^[ \t]*số[ \t]*:[^\n]{0,80}", re.IGNORECASE | re.MULTILINE)
_DATE_LINE = re.compile(rf"^[ \t]*[^\W\d_][^\n,:\d]{{0,40}},\s*{_fold_pattern('ngay')}\s*\d{{1,2}}"
                        rf"\s*{_fold_pattern('thang')}\s*\d{{1,2}}\s*{_fold_pattern('nam')}\s*\d{{4}}",
                        re.IGNORECASE | re.MULTILINE)
# "Nơi nhận:" with the list below it (lines starting with "-", "+" or "•"), and "Lưu: VT, …".
_RECIPIENTS = re.compile(rf"^[ \t]*{_fold_pattern('noi nhan')}\s*:[^\n]*(?:\n[ \t]*[-+•*][^\n]*)*",
                         re.IGNORECASE | re.MULTILINE)
_FILED = re.compile(rf"(?<!{_TOKEN_CHAR}){_fold_pattern('luu')}\s*:\s*{_fold_pattern('vt')}[^\n]*", re.IGNORECASE)
_TEMPLATE_PARTS = (_RECIPIENTS, _FILED, _STATE_TITLE, _NUMBER_LINE, _DATE_LINE)


def strip_template(text: str) -> str:
    """``text`` without Quốc hiệu, Tiêu ngữ, the "Số: …" line, the place-and-date line, "Nơi nhận:"
    with its list and "Lưu: VT…" (each replaced by a line break, so words on either side stay apart)."""
    if not text:
        return ""
    for pattern in _TEMPLATE_PARTS:
        text = pattern.sub("\n", text)
    return text


# Longest attachment text indexed per document (characters). PostgreSQL limits a tsvector to 1 MB
# and positions to 16,383; the snippet code reads no further than this either.
BODY_MAX_CHARS = 100_000


@dataclass(frozen=True)
class EntryText:
    """Everything one document contributes to the index, already in index form."""

    document_id: int
    agency_id: int
    direction: str
    year: int
    number_norm: str
    number: str
    subject: str
    subject_x: str
    meta: str
    meta_x: str
    body: str
    body_x: str


def entry_text(*, document_id: int, agency_id: int, direction: str, year: int, number_symbol: str,
               subject: str, issuer_name: str, signer_position: str, signer_name: str,
               attachments: list[str], type_name: str = "") -> EntryText:
    body = strip_template("\n".join(t for t in attachments if t)[:BODY_MAX_CHARS])
    return EntryText(
        document_id=document_id, agency_id=agency_id, direction=direction, year=year,
        number_norm=re.sub(r"\s+", "", fold(number_symbol)).upper(),
        number=folded_text(number_symbol),
        subject=folded_text(subject), subject_x=exact_text(subject),
        meta=folded_text(issuer_name, type_name, signer_position, signer_name),
        meta_x=exact_text(issuer_name, type_name, signer_position, signer_name),
        body=folded_text(body), body_x=exact_text(body),
    )


# --- Queries --------------------------------------------------------------------------------------
MAX_QUERY_CHARS = 200
MAX_QUERY_PHRASES = 16
# Why a query cannot be searched (``QueryError``).
QUERY_TOO_LONG = gettext_lazy("Từ khóa tìm kiếm dài quá %(n)s ký tự.")
QUERY_WITHOUT_WORDS = gettext_lazy("Từ khóa tìm kiếm phải có ít nhất một chữ hoặc số.")
QUERY_TOO_MANY_WORDS = gettext_lazy("Từ khóa tìm kiếm có quá nhiều từ (tối đa %(n)s).")


@dataclass(frozen=True)
class Phrase:
    """One blank-separated piece of the query. "32/TB" is one phrase of two tokens; its last token
    matches as a prefix so that "32/TB-VP.UB" still finds "32/TB-VP.UBND"."""

    folded: tuple[str, ...]
    exact: tuple[str, ...]

    @property
    def prefix(self) -> bool:
        return len(self.folded) > 1


@dataclass(frozen=True)
class ParsedQuery:
    phrases: tuple[Phrase, ...]
    accented: bool  # typed with diacritics: exact forms add rank


class QueryError(ValueError):
    """The query cannot be searched; ``args[0]`` is the Vietnamese message for the user."""


def parse_query(query: str) -> ParsedQuery:
    text = unicodedata.normalize("NFC", query or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(QUERY_TOO_LONG % {"n": MAX_QUERY_CHARS})
    phrases: list[Phrase] = []
    for chunk in text.split():
        folded = tuple(fold_tokens(chunk))
        if not folded:
            continue
        exact = tuple(exact_tokens(chunk))
        phrase = Phrase(folded=folded, exact=exact if len(exact) == len(folded) else folded)
        if phrase not in phrases:
            phrases.append(phrase)
    if not phrases:
        raise QueryError(str(QUERY_WITHOUT_WORDS))
    if len(phrases) > MAX_QUERY_PHRASES:
        raise QueryError(QUERY_TOO_MANY_WORDS % {"n": MAX_QUERY_PHRASES})
    return ParsedQuery(phrases=tuple(phrases), accented=fold(text) != exact_lower(text))


class Highlighter:
    """Finds the query's words in original (accented, mixed-case) text and wraps them in <mark>.

    It matches the folded query tokens against the original characters through per-letter classes,
    so no offset mapping between folded and original text is needed.
    """

    def __init__(self, parsed: ParsedQuery):
        whole, prefixes = set(), set()
        for phrase in parsed.phrases:
            whole.update(phrase.folded[:-1] if phrase.prefix else phrase.folded)
            if phrase.prefix:
                prefixes.add(phrase.folded[-1])
        alternatives = [_token_pattern(t) + f"{_TOKEN_CHAR}*" for t in sorted(prefixes, key=len, reverse=True)]
        alternatives += [_token_pattern(t) for t in sorted(whole, key=len, reverse=True)]
        self.pattern = re.compile(rf"(?<!{_TOKEN_CHAR})(?:{'|'.join(alternatives)})(?!{_TOKEN_CHAR})", re.IGNORECASE)

    def search(self, text: str):
        return self.pattern.search(text)

    def mark(self, text: str) -> SafeString:
        out, pos = [], 0
        for m in self.pattern.finditer(text):
            out.append(escape(text[pos:m.start()]))
            out.append(f"<mark>{escape(m.group())}</mark>")
            pos = m.end()
        out.append(escape(text[pos:]))
        return mark_safe("".join(out))

    def _best_match(self, text: str, *, span: int, max_matches: int = 2000):
        """The first match that begins the densest stretch: the most different query words within
        ``span`` characters after it (so "dịch vụ công" is shown where the words stand together)."""
        matches = []
        for m in self.pattern.finditer(text):
            matches.append((m, fold(m.group())))
            if len(matches) >= max_matches:
                break
        best, best_score, counts, right = matches[0][0], 0, {}, 0
        for m, word in matches:
            while right < len(matches) and matches[right][0].start() <= m.start() + span:
                counts[matches[right][1]] = counts.get(matches[right][1], 0) + 1
                right += 1
            if len(counts) > best_score:
                best, best_score = m, len(counts)
            counts[word] -= 1
            if not counts[word]:
                del counts[word]
        return best

    def excerpt(self, text: str, *, before: int = 100, after: int = 200, whole_up_to: int = 320) -> SafeString | None:
        """The text around the first match, highlighted; None when nothing matches."""
        text = _display(text)
        m = self.search(text)
        if m is None:
            return None
        if len(text) <= whole_up_to:
            return self.mark(text)
        m = self._best_match(text, span=after)
        start, end = max(0, m.start() - before), min(len(text), m.end() + after)
        if start > 0:
            cut = text.find(" ", start, m.start())
            start = cut + 1 if cut != -1 else start
        if end < len(text):
            cut = text.rfind(" ", m.end(), end)
            end = cut if cut != -1 else end
        html = self.mark(text[start:end])
        return mark_safe(("… " if start > 0 else "") + html + (" …" if end < len(text) else ""))


_BLANKS = re.compile(r"\s+")


def _display(text: str) -> str:
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return _BLANKS.sub(" ", text).strip()


def plain(text: str, *, limit: int = 320) -> SafeString:
    """Escaped text with no highlight (the match was in the number, issuer or signer)."""
    text = _display(text)
    if len(text) > limit:
        cut = text.rfind(" ", 0, limit)
        text = text[: cut if cut > 0 else limit] + " …"
    return escape(text)
