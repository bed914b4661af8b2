"""How a query's matches are ordered (issue 17): tiers of matches from the index, then fields, in Python.

Vietnamese writes a word as several syllables ("chữ ký số", "tài chính"), and the index holds syllables.
A search therefore runs as up to four passes over the index, each a stricter match than the next, and a
document keeps the first (best) tier that found it:

0. *exact phrase*, for a query typed with diacritics: the query's syllables stand together and the ones
   typed with diacritics match with their diacritics ("chữ ký số", not "chủ ký sổ"); when only some
   syllables carry diacritics ("chu ký số") those must match exactly and the phrase is matched folded;
1. *phrase*: the syllables stand together, diacritics ignored;
2. *near*: at least one pair of consecutive query syllables stands together (four syllables or more:
   "kiểm tra văn thư lưu trữ" finds "kiểm tra công tác văn thư, lưu trữ"). Not for three: in "chữ ký số"
   a pair ("ký số") is as often part of another word ("định kỳ số liệu") as of the one meant;
3. *scattered*: every syllable somewhere. Run only when the passes above found nothing: a long text holds
   most syllables somewhere, and those matches buried the real ones.

A single syllable has tiers 0 (exact form) and 3. Symbol-shaped pieces ("32/TB") are required by every
pass and score on the number. A type name in the query ("quyết định …") is taken out of the phrase and
becomes *type intent*; an agency name ("sở tài chính …") becomes *agency intent*.

Within a tier, ``score`` orders documents by where the query stands: số/ký hiệu, then subject, then issuer
and type name, then signer (the body counts through the tier only), plus the intents and the exact-form
bonus; the database's own rank (bm25 on SQLite, ts_rank on PostgreSQL) only breaks ties. Tiers and scores
are computed from the same stored text on both databases, so both order the same way.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lienthong.core.text import exact_lower, fold
from lienthong.search.text import ParsedQuery, exact_tokens, fold_tokens

EXACT_PHRASE, PHRASE, NEAR, SCATTERED = 0, 1, 2, 3
# Weights of where the query's syllables stand (score), in the order issue 17 asks for.
NUMBER_WEIGHT = 8.0
SUBJECT_WEIGHT = 4.0
ISSUER_WEIGHT = 3.0
TYPE_WEIGHT = 3.0
SIGNER_WEIGHT = 2.0
TYPE_INTENT = 3.0
AGENCY_INTENT = 3.0
EXACT_BONUS = 1.0


@dataclass(frozen=True)
class Tier:
    """One pass over the index. Every piece of the query must match (folded) as before; on top of that:"""

    level: int
    phrase: tuple[str, ...] = ()  # folded syllables that must stand together
    exact: tuple[tuple[str, ...], ...] = ()  # exact-form phrases (or single syllables) that must occur
    any_pair: tuple[tuple[str, str], ...] = ()  # at least one of these pairs must stand together (folded)
    # Every piece of the query must stand in the short fields (number, subject, issuer, type, signer): the
    # scattered pass of three syllables or more, whose matches over a long text are noise.
    short_only: bool = False


@dataclass(frozen=True)
class Plan:
    tiers: tuple[Tier, ...]
    match: ParsedQuery  # what every pass requires: the query without the words of its intents
    words: tuple[str, ...]  # folded syllables of the query, symbol pieces left out
    exact_words: tuple[str, ...]  # the same as typed (lower case), for the exact-form bonus
    topic: tuple[str, ...]  # ``words`` without the type name of a type intent
    type_intent: tuple[str, ...]  # folded type name named by the query, or ()
    symbols: tuple[str, ...]  # normalised symbol pieces ("32/TB" -> "32/TB")

    def result_tier(self, *, found_better: bool) -> Tier:
        """The pass whose matches are the whole result (counted, grouped in facets, sorted by date): the
        loosest pass before the scattered one when those passes found something (``found_better``), else
        the scattered pass. The passes are nested (each finds a superset of the one before), so this is
        the union of the passes the ranking keeps."""
        if len(self.topic) < 2 or not found_better or len(self.tiers) < 2:
            return self.tiers[-1]
        return self.tiers[-2]


def find(haystack: Sequence[str], needle: Sequence[str]) -> int:
    """Index of ``needle`` as a contiguous run in ``haystack``, or -1."""
    n = len(needle)
    if not n:
        return -1
    for i in range(len(haystack) - n + 1):
        if tuple(haystack[i:i + n]) == tuple(needle):
            return i
    return -1


def plan(parsed: ParsedQuery, type_names: Iterable[str] = (), agency_heads: Iterable[tuple[str, ...]] = ()) -> Plan:
    """The passes for ``parsed``. ``type_names``: the document types' names; ``agency_heads``: the first
    three folded syllables of every agency's name ("so", "tai", "chinh")."""
    words: list[str] = []
    exact_words: list[str] = []
    symbols = []
    for p in parsed.phrases:
        if p.prefix:
            symbols.append(" ".join(p.folded))
        else:
            words += p.folded
            exact_words += p.exact
    removed: set[int] = set()
    # Type intent: the query begins with a type name ("quyết định …", "tờ trình …").
    type_intent: tuple[str, ...] = ()
    for name in sorted((_short_tokens(n) for n in type_names), key=len, reverse=True):
        if name and tuple(words[:len(name)]) == name:
            type_intent = name
            removed.update(range(len(name)))
            break
    # Agency intent: the query holds the beginning of an agency's name ("… sở tài chính …").
    heads = set(agency_heads)
    for at in range(len(words) - 2):
        if tuple(words[at:at + 3]) in heads and not removed.intersection(range(at, at + 3)):
            removed.update(range(at, at + 3))
            break
    keep = [i for i in range(len(words)) if i not in removed] or list(range(len(words)))
    topic = [words[i] for i in keep]
    topic_exact = [exact_words[i] for i in keep]
    match = _without_words(parsed, set(range(len(words))) - set(keep))
    accented = [e for f, e in zip(topic, topic_exact, strict=True) if e != f]
    tiers = []
    if accented:
        if len(topic) >= 2 and len(accented) == len(topic):
            tiers.append(Tier(EXACT_PHRASE, phrase=tuple(topic), exact=(tuple(topic_exact),)))
        else:
            tiers.append(Tier(EXACT_PHRASE, phrase=tuple(topic) if len(topic) >= 2 else (),
                              exact=tuple((e,) for e in accented)))
    if len(topic) >= 2:
        tiers.append(Tier(PHRASE, phrase=tuple(topic)))
    if len(topic) >= 4:
        tiers.append(Tier(NEAR, any_pair=tuple(zip(topic, topic[1:], strict=False))))
    tiers.append(Tier(SCATTERED, short_only=len(topic) >= 3))
    return Plan(tiers=tuple(tiers), match=match, words=tuple(words), exact_words=tuple(exact_words),
                topic=tuple(topic), type_intent=type_intent,
                symbols=tuple(re.sub(r"\s+", "", s).upper() for s in symbols))


def _without_words(parsed: ParsedQuery, positions: set[int]) -> ParsedQuery:
    """``parsed`` without the pieces whose words are all at ``positions`` (counted over the word pieces)."""
    if not positions:
        return parsed
    kept, at = [], 0
    for p in parsed.phrases:
        if p.prefix:
            kept.append(p)
            continue
        if not positions.issuperset(range(at, at + len(p.folded))):
            kept.append(p)
        at += len(p.folded)
    return ParsedQuery(phrases=tuple(kept), accented=parsed.accented) if kept else parsed


def _coverage(words: Sequence[str], field: Sequence[str]) -> float:
    """How much of ``words`` stands in ``field``: pairs of consecutive words found together count
    twice as much as single words found anywhere in it."""
    if not words or not field:
        return 0.0
    present = set(field)
    singles = sum(1 for w in words if w in present)
    pairs_in_field = set(zip(field, field[1:], strict=False))
    pairs = list(zip(words, words[1:], strict=False))
    together = sum(1 for pair in pairs if pair in pairs_in_field)
    return (together + 0.5 * singles) / (len(pairs) + 0.5 * len(words))


def contains(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    return find(haystack, needle) >= 0


@functools.lru_cache(maxsize=4096)
def _short_tokens(value: str) -> tuple[str, ...]:
    """Folded tokens of a short field; issuers, types and signers repeat from hit to hit."""
    return tuple(fold_tokens(value))


@functools.lru_cache(maxsize=4096)
def _short_exact(value: str) -> frozenset[str]:
    return frozenset(exact_tokens(value))


def score(the_plan: Plan, *, number_symbol: str, subject: str, issuer_name: str, type_name: str,
          signer_name: str) -> float:
    """Where the query stands in a document's fields (higher is better); see the module docstring."""
    value = 0.0
    if the_plan.symbols:
        number = re.sub(r"[^0-9A-Z]+", "", fold(number_symbol).upper())
        for symbol in the_plan.symbols:
            piece = re.sub(r"[^0-9A-Z]+", "", symbol)
            if number.startswith(piece):
                value += NUMBER_WEIGHT
            elif piece in number:
                value += NUMBER_WEIGHT / 2
    topic = the_plan.topic
    if topic:
        value += SUBJECT_WEIGHT * _coverage(topic, fold_tokens(subject))
        issuer = _short_tokens(issuer_name)
        value += ISSUER_WEIGHT * _coverage(topic, issuer)
        value += TYPE_WEIGHT * _coverage(topic, _short_tokens(type_name))
        value += SIGNER_WEIGHT * _coverage(topic, _short_tokens(signer_name))
        # Agency intent: the query holds the first three syllables of the issuer's name ("sở tài chính",
        # "ủy ban nhân"): "sở tài" alone would not tell Tài chính from Tài nguyên.
        if len(issuer) >= 3 and find(topic, issuer[:3]) >= 0:
            value += AGENCY_INTENT
    if the_plan.type_intent and tuple(_short_tokens(type_name)) == the_plan.type_intent:
        value += TYPE_INTENT
    accented = [e for f, e in zip(the_plan.words, the_plan.exact_words, strict=True) if e != f]
    if accented:
        exact = set(exact_tokens(subject)) | _short_exact(issuer_name) | _short_exact(signer_name)
        value += EXACT_BONUS * sum(1 for e in accented if exact_lower(e) in exact) / len(accented)
    return value
