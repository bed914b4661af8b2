"""Legacy Vietnamese 8-bit encodings: TCVN3 (ABC, TCVN 5712:1993 VN3) and VNI (VNI-Windows).

Text typed with the .VnTime or VNI-Times fonts reaches us as Latin-1/Windows-1252 characters: a DOCX keeps the
font's byte values as code points, a plain-text file decodes them as Latin-1. ``detect`` tells which encoding a
text is in (or none), ``to_unicode`` converts it. The tables are written from the published encoding definitions;
``encode`` (the reverse) exists so that tests can produce legacy text from Unicode strings they write themselves.

TCVN3 has no upper-case letters with tone marks: the .VnTimeH font draws the lower-case codes as capitals, so a
line typed in capitals comes back with its toned letters in lower case ("ñY BAN" -> "ủY BAN"); ``to_unicode``
upper-cases a line whose ASCII letters are all capitals.
"""

from __future__ import annotations

import re

# TCVN3 single bytes (0xA1-0xFE) -> Unicode. Upper-case toned letters do not exist in TCVN3.
TCVN3 = {
    "\xa1": "Ă", "\xa2": "Â", "\xa3": "Ê", "\xa4": "Ô", "\xa5": "Ơ", "\xa6": "Ư", "\xa7": "Đ",
    "\xa8": "ă", "\xa9": "â", "\xaa": "ê", "\xab": "ô", "\xac": "ơ", "\xad": "ư", "\xae": "đ",
    "\xb5": "à", "\xb6": "ả", "\xb7": "ã", "\xb8": "á", "\xb9": "ạ",
    "\xbb": "ằ", "\xbc": "ẳ", "\xbd": "ẵ", "\xbe": "ắ", "\xc6": "ặ",
    "\xc7": "ầ", "\xc8": "ẩ", "\xc9": "ẫ", "\xca": "ấ", "\xcb": "ậ",
    "\xcc": "è", "\xce": "ẻ", "\xcf": "ẽ", "\xd0": "é", "\xd1": "ẹ",
    "\xd2": "ề", "\xd3": "ể", "\xd4": "ễ", "\xd5": "ế", "\xd6": "ệ",
    "\xd7": "ì", "\xd8": "ỉ", "\xdc": "ĩ", "\xdd": "í", "\xde": "ị",
    "\xdf": "ò", "\xe1": "ỏ", "\xe2": "õ", "\xe3": "ó", "\xe4": "ọ",
    "\xe5": "ồ", "\xe6": "ổ", "\xe7": "ỗ", "\xe8": "ố", "\xe9": "ộ",
    "\xea": "ờ", "\xeb": "ở", "\xec": "ỡ", "\xed": "ớ", "\xee": "ợ",
    "\xef": "ù", "\xf1": "ủ", "\xf2": "ũ", "\xf3": "ú", "\xf4": "ụ",
    "\xf5": "ừ", "\xf6": "ử", "\xf7": "ữ", "\xf8": "ứ", "\xf9": "ự",
    "\xfa": "ỳ", "\xfb": "ỷ", "\xfc": "ỹ", "\xfd": "ý", "\xfe": "ỵ",
}

# VNI-Windows: a base letter followed by a mark character (one code point after Latin-1 decoding).
_VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}  # sắc huyền hỏi ngã nặng
_VNI_CIRCUMFLEX_TONES = {"á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_VNI_BREVE_TONES = {"é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}


def _vni_table() -> dict[str, str]:
    import unicodedata

    table: dict[str, str] = {}

    def add(code: str, base: str, *marks: str) -> None:
        for c, b in ((code, base), (code.upper(), base.upper())):
            table[c] = unicodedata.normalize("NFC", b + "".join(marks))

    for vowel in "aeouy":
        for mark, tone in _VNI_TONES.items():
            add(vowel + mark, vowel, tone)
    for vowel in "aeo":
        add(vowel + "â", vowel, "\u0302")
        for mark, tone in _VNI_CIRCUMFLEX_TONES.items():
            add(vowel + mark, vowel, "\u0302", tone)
    add("aê", "a", "\u0306")
    for mark, tone in _VNI_BREVE_TONES.items():
        add("a" + mark, "a", "\u0306", tone)
    # ơ (ô) and ư (ö) are single codes, followed by the ordinary tone marks.
    for code, base in (("ô", "ơ"), ("ö", "ư")):
        add(code, base)
        for mark, tone in _VNI_TONES.items():
            add(code + mark, base, tone)
    # i and the dotted y have single codes.
    for code, letter in (("í", "í"), ("ì", "ì"), ("æ", "ỉ"), ("ó", "ĩ"), ("ò", "ị"), ("î", "ỵ")):
        table[code] = letter
        table[code.upper()] = letter.upper()
    table["ñ"] = "đ"
    table["Ñ"] = "Đ"
    return table


VNI = _vni_table()
_VNI_RE = re.compile("|".join(sorted((re.escape(k) for k in VNI), key=len, reverse=True)))
_TCVN3_RE = re.compile("[" + "".join(TCVN3) + "]")

_WORD_RE = re.compile(r"[^\W\d_]+")
_VI_LATIN1 = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
_VI_LETTER_RE = re.compile("[\u0102\u0103\u0110\u0111\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")
_ODD_RE = re.compile("[\u00a1-\u00ff]")


def _score(text: str) -> int:
    """Vietnamese-only letters minus Latin-1 characters that Vietnamese text does not use."""
    odd = sum(1 for ch in _ODD_RE.findall(text) if ch not in _VI_LATIN1)
    return len(_VI_LETTER_RE.findall(text)) - 2 * odd


def detect(text: str) -> str | None:
    """"tcvn3", "vni" or None (already Unicode, or not Vietnamese): the encoding whose conversion gives the most
    Vietnamese letters and the fewest stray Latin-1 signs, if clearly better than the text as it is."""
    sample = text[:20000]
    odd = _ODD_RE.findall(sample)
    if not odd or len(_VI_LETTER_RE.findall(sample)) >= max(3, len(odd) // 4):
        return None  # no legacy signs, or real Unicode Vietnamese letters
    base = _score(sample)
    scores = {name: _score(to_unicode(sample, name)) for name in ("tcvn3", "vni")}
    best = max(scores, key=lambda name: scores[name])
    if scores[best] - base >= 8 and _syllable_share(to_unicode(sample, best)) >= 0.8:
        return best
    return None


_SYLLABLE_RE = re.compile(r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?")


def _syllable_share(text: str) -> float:
    """Share of the words with a Vietnamese letter that are Vietnamese syllables (French "café" read as TCVN3
    gives "cafộ", which is not)."""
    import unicodedata

    words = [w for w in _WORD_RE.findall(text) if _VI_LETTER_RE.search(w)]
    if not words:
        return 0.0
    good = 0
    for word in words:
        base = unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
        base = "".join(ch for ch in base if not unicodedata.combining(ch))
        good += bool(_SYLLABLE_RE.fullmatch(base))
    return good / len(words)


def _recapitalise(text: str) -> str:
    """Upper-case the words typed in capitals: all their ASCII letters are capitals, and either there are two
    or more of them ("TỉNH" -> "TỈNH") or the words around are capitals too ("ủY BAN" -> "ỦY BAN")."""
    words = list(_WORD_RE.finditer(text))
    caps = [_strong_caps(m.group(0)) for m in words]
    pieces = []
    last = 0
    for index, match in enumerate(words):
        word = match.group(0)
        ascii_letters = [c for c in word if c.isascii() and c.isalpha()]
        upper = bool(ascii_letters) and all(c.isupper() for c in ascii_letters) and not word.isupper()
        if upper and len(ascii_letters) < 2:
            before = caps[index - 1] if index and _adjacent(text, words[index - 1], match) else None
            after = caps[index + 1] if index + 1 < len(words) and _adjacent(text, match, words[index + 1]) else None
            upper = (before is not False) and (after is not False) and (before or after) is True
        pieces.append(text[last:match.start()])
        pieces.append(word.upper() if upper else word)
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces)


def _strong_caps(word: str) -> bool:
    ascii_letters = [c for c in word if c.isascii()]
    return word.isupper() or (len(ascii_letters) >= 2 and all(c.isupper() for c in ascii_letters))


def _adjacent(text: str, first: re.Match[str], second: re.Match[str]) -> bool:
    return text[first.end():second.start()].strip(" \t") == ""  # next to each other, blanks between


def to_unicode(text: str, encoding: str) -> str:
    """Convert text in ``encoding`` ("tcvn3" or "vni") to Unicode NFC."""
    if encoding == "tcvn3":
        return _recapitalise(_TCVN3_RE.sub(lambda m: TCVN3[m.group(0)], text))
    if encoding == "vni":
        return _VNI_RE.sub(lambda m: VNI[m.group(0)], text)
    raise ValueError(encoding)


def encode(text: str, encoding: str) -> str:
    """Unicode -> legacy characters (as Latin-1 code points), for tests. TCVN3 has no toned capitals: they are
    written with the lower-case codes, as the .VnTimeH font expects."""
    import unicodedata

    text = unicodedata.normalize("NFC", text)
    if encoding == "tcvn3":
        reverse = {v: k for k, v in TCVN3.items()}
        out = []
        for ch in text:
            if ch in reverse:
                out.append(reverse[ch])
            elif ch.lower() in reverse and ch.lower() not in "ăâêôơưđ":
                out.append(reverse[ch.lower()])
            else:
                out.append(ch)
        return "".join(out)
    if encoding == "vni":
        reverse = {v: k for k, v in VNI.items()}
        return "".join(reverse.get(ch, ch) for ch in text)
    raise ValueError(encoding)
