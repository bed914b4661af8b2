"""Full-text search over the documents a user may see.

A search is a bounded number of queries whatever the number of hits: the user's positions (read once and
handed to ``documents_visible_to``), one to four ranked full-text passes (``ranking``: exact phrase,
phrase, pairs, scattered; each permission-checked inside it, twice when the query names a type), the
documents of the hits, and, only when some hit shown matched outside its subject, the attachment text for
the snippets.
"""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Max
from django.db.models.expressions import RawSQL
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from lienthong.accounts import selectors as account_selectors
from lienthong.agencies import selectors as agency_selectors
from lienthong.core.errors import ValidationFailed
from lienthong.core.text import fold
from lienthong.documents.models import Direction, Document, DocumentFile, DocumentStatus, DocumentType
from lienthong.documents.selectors import documents_visible_to
from lienthong.search import ranking
from lienthong.search.backends import get_backend
from lienthong.search.text import (
    BODY_MAX_CHARS,
    Highlighter,
    QueryError,
    fold_tokens,
    parse_query,
    plain,
    strip_template,
)

MAX_LIMIT = 200
# Candidates read per pass beyond the hits asked for, for the field score to reorder (bench/relevance.py
# gives the same figures with 10 as with 40; each one costs a row read and a score).
CANDIDATES_BEYOND_PAGE = 10


# Orders of the results.
RELEVANCE, DATE = "relevance", "date"
SORTS = (RELEVANCE, DATE)
# Matches are counted exactly up to this many; beyond, the count says "more than" (and facets count the
# newest this many).
COUNT_EXACT_UP_TO = 1000
FACET_VALUES = 12  # values shown per facet, most frequent first
COMPLETION_CANDIDATES = 50  # documents read for number completion


@dataclass
class SearchHit:
    document: Document  # with document_type and agency loaded
    rank: float  # higher is better
    snippet: str  # safe HTML: escaped original text, matched words in <mark>
    exact: bool = False  # found by the exact-diacritics pass (a query typed with diacritics)
    level: int = ranking.SCATTERED  # the pass that found it (``ranking``)


@dataclass(frozen=True)
class FacetValue:
    value: int | str  # what the filter takes: a type or agency id, a year, a direction
    label: str
    count: int


@dataclass
class SearchResult:
    hits: list[SearchHit]
    count: int | None = None  # matching documents, at most COUNT_EXACT_UP_TO (``count_more`` beyond)
    count_more: bool = False
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)


def search_documents(*, user, query: str, limit: int = 20, direction=None, year=None,
                     snippets: tuple[int, int] | None = None, document_type=None, issuer=None,
                     sort: str = RELEVANCE) -> list[SearchHit]:
    """Documents visible to ``user`` that contain every word of ``query``, best first (see ``ranking``).

    ``snippets=(start, end)``: highlighted snippets only for the hits ``[start:end]`` (the page shown);
    the others carry their subject, unhighlighted, and cost no attachment read.

    Words match without regard to diacritics or case ("quyet dinh" finds "Quyết định"); a query
    typed with diacritics ranks exact matches first. A piece like "32/TB" or "tb-vp.ubnd" matches
    as a phrase whose last word may be a prefix, which is how số/ký hiệu are found. Raises
    ``ValidationFailed`` for a query with no letter or digit, or a bad filter.
    """
    return search(user=user, query=query, limit=limit, direction=direction, year=year, snippets=snippets,
                  document_type=document_type, issuer=issuer, sort=sort).hits


def search(*, user, query: str, limit: int = 20, direction=None, year=None, document_type=None, issuer=None,
           sort: str = RELEVANCE, snippets: tuple[int, int] | None = None, count: bool = False,
           facets: bool = False) -> SearchResult:
    """``search_documents`` with, on request, the number of matching documents (``count``: exact up to
    ``COUNT_EXACT_UP_TO``, "more than" beyond) and ``facets``: how many of them fall in each document type,
    year, direction and issuing agency, counted in SQL over the documents the user may see.

    ``sort="date"`` orders the matches by date of issue, newest first, instead of by relevance. The
    matches counted, grouped and sorted by date are those of ``ranking.Plan.result_tier``.
    """
    try:
        parsed = parse_query(query)
    except QueryError as exc:
        raise ValidationFailed({"q": [exc.args[0]]}) from exc
    errors = {}
    if direction and direction not in Direction.values:
        errors["direction"] = [_("Loại văn bản (đi/đến) không hợp lệ.")]
    if year not in (None, ""):
        try:
            year = int(year)
        except (TypeError, ValueError):
            year = 0
        if not 1900 <= year <= 9999:
            errors["year"] = [_("Năm không hợp lệ.")]
    if sort not in SORTS:
        errors["sort"] = [_("Cách sắp xếp không hợp lệ.")]
    if errors:
        raise ValidationFailed(errors)
    limit = max(1, min(int(limit), MAX_LIMIT))
    if not user.is_authenticated:
        return SearchResult(hits=[])

    held = account_selectors.position_agencies(user=user)
    agency_ids = sorted(held.all_ids)
    if not agency_ids:
        return SearchResult(hits=[])
    # A copy withdrawn after a recall is out of the index; excluded here too, should the index lag behind.
    visible = documents_visible_to(user=user, held=held).exclude(status=DocumentStatus.WITHDRAWN)
    if direction:
        visible = visible.filter(direction=direction)
    if year:
        visible = visible.filter(year=year)
    if document_type:
        visible = visible.filter(document_type_id=document_type)
    if issuer:
        visible = visible.filter(issuer_agency_id=issuer)
    the_plan = ranking.plan(parsed, [name for _pk, name in _types()], _agency_heads())
    backend = get_backend()
    where: dict[str, Any] = {"parsed": the_plan.match, "agency_ids": agency_ids, "direction": direction or None,
             "year": year or None}
    if sort == DATE:
        hits, result_tier = _by_date(backend, the_plan, where, visible, limit)
    else:
        hits, result_tier = _by_relevance(backend, the_plan, where, visible, limit)
    _add_snippets(hits, the_plan, parsed, snippets)
    result = SearchResult(hits=hits)
    if count or facets:
        ids_sql, ids_params = backend.ids_sql(**where, visible=None, tier=result_tier)
        matching = visible.filter(pk__in=RawSQL(ids_sql, ids_params))
        if count:
            result.count = matching.order_by().values("pk")[:COUNT_EXACT_UP_TO + 1].count()
            result.count_more = result.count > COUNT_EXACT_UP_TO
            result.count = min(result.count, COUNT_EXACT_UP_TO)
        if facets:
            result.facets = _facets(matching)
    return result


def _by_relevance(backend, the_plan, where, visible, limit) -> tuple[list[SearchHit], ranking.Tier]:
    # Candidates per pass: more than a page, so that the field score can reorder within a tier.
    candidates = min(limit + CANDIDATES_BEYOND_PAGE, 2 * MAX_LIMIT)
    tiers: dict[int, tuple[int, float]] = {}  # document id -> (tier level, database rank)
    scopes = [visible]
    if the_plan.type_intent:
        # A query naming a type: that type's documents are candidates first, whatever their text rank.
        type_ids = [pk for pk, name in _types() if tuple(fold_tokens(name)) == the_plan.type_intent]
        scopes.insert(0, visible.filter(document_type_id__in=type_ids))
    for tier in the_plan.tiers:
        if tier.level == ranking.SCATTERED and tiers and len(the_plan.topic) >= 2:
            break  # scattered syllables only when nothing better was found
        for scope in scopes:
            rows = backend.ranked(**where, visible=scope, limit=candidates, tier=tier)
            for doc_id, rank in rows:
                tiers.setdefault(doc_id, (tier.level, rank))
        if len(tiers) >= limit:
            break  # later tiers rank below every document already found
    result_tier = the_plan.result_tier(found_better=any(level < ranking.SCATTERED for level, _r in tiers.values()))
    if not tiers:
        return [], result_tier
    # Fetched through the permission queryset again: a hit is only ever shown if the rule allows it.
    documents = visible.select_related("document_type", "agency").in_bulk(list(tiers))

    def order(doc: Document) -> tuple:
        level, rank = tiers[doc.pk]
        number_symbol, subject, issuer_name, type_name, signer_name = _short_fields(doc)
        value = ranking.score(the_plan, number_symbol=number_symbol, subject=subject, issuer_name=issuer_name,
                              signer_name=signer_name, type_name=type_name)
        return (level, -round(value, 6), -rank, -doc.pk)

    def kept(doc: Document) -> bool:
        # Three syllables or more found only scattered: kept when they all stand in the short fields
        # (subject, number, issuer, type, signer); scattered over a long text they are noise.
        if tiers[doc.pk][0] != ranking.SCATTERED or len(the_plan.topic) < 3:
            return True
        return set(fold_tokens(" ".join(_short_fields(doc)))).issuperset(the_plan.topic)

    ordered = sorted(filter(kept, documents.values()), key=order)[:limit]
    return [SearchHit(document=doc, rank=tiers[doc.pk][1], snippet="", exact=tiers[doc.pk][0] == ranking.EXACT_PHRASE,
                      level=tiers[doc.pk][0]) for doc in ordered], result_tier


def _by_date(backend, the_plan, where, visible, limit) -> tuple[list[SearchHit], ranking.Tier]:
    """The matches newest first: one query to learn whether the passes before the scattered one find
    anything (``Plan.result_tier``), one for the page."""
    found_better = False
    if len(the_plan.topic) >= 2 and len(the_plan.tiers) >= 2:
        sql, params = backend.ids_sql(**where, visible=visible, tier=the_plan.tiers[-2], limit=1)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found_better = cursor.fetchone() is not None
    tier = the_plan.result_tier(found_better=found_better)
    sql, params = backend.ids_sql(**where, visible=None, tier=tier)
    rows = list(visible.filter(pk__in=RawSQL(sql, params)).select_related("document_type", "agency")
                .order_by("-issued_on", "-pk")[:limit])
    return [SearchHit(document=doc, rank=0.0, snippet="", level=tier.level) for doc in rows], tier


def _short_fields(doc: Document) -> tuple[str, str, str, str, str]:
    return (doc.number_symbol, doc.subject, doc.issuer_name,
            doc.document_type.name if doc.document_type_id else "", doc.signer_name)


def _add_snippets(hits: list[SearchHit], the_plan, parsed, snippets) -> None:
    """Highlighted snippets for the hits ``snippets`` names (all when ``None``); the others get their
    subject, unhighlighted. The attachment text is read (one query) only for hits that match outside
    their subject."""
    highlighter = Highlighter(parsed)
    need_body: list[SearchHit] = []
    phrase = the_plan.topic if len(the_plan.topic) >= 2 else ()
    first, last = snippets if snippets is not None else (0, len(hits))
    for n, hit in enumerate(hits):
        doc = hit.document
        if not first <= n < last:
            hit.snippet = plain(doc.subject)
            continue
        # Found by its phrase but the subject has the words only apart: the snippet shows the phrase in
        # the text, not "Chủ tịch … tại" in the subject.
        apart = (phrase and hit.level <= ranking.NEAR
                 and not ranking.contains(fold_tokens(doc.subject), phrase))
        snippet = None if apart else highlighter.excerpt(doc.subject)
        if snippet is None:
            need_body.append(hit)
        else:
            hit.snippet = snippet
    bodies = _attachment_text([h.document.pk for h in need_body]) if need_body else {}
    for hit in need_body:
        hit.snippet = highlighter.excerpt(bodies.get(hit.document.pk, "")) or plain(hit.document.subject)


def _facets(matching) -> dict[str, list[FacetValue]]:
    """Per document type, year, direction and issuing agency, how many of ``matching`` (at most the
    ``COUNT_EXACT_UP_TO`` newest) fall in it: four grouped queries, most frequent first."""
    capped = matching.order_by("-issued_on", "-pk").values("pk")[:COUNT_EXACT_UP_TO]
    base = Document.objects.filter(pk__in=capped).order_by()
    direction_labels = dict(Direction.choices)
    types = (base.exclude(document_type=None).values("document_type_id", "document_type__name")
             .annotate(n=Count("pk")).order_by("-n", "document_type__name")[:FACET_VALUES])
    years = base.values("year").annotate(n=Count("pk")).order_by("-year")[:FACET_VALUES]
    directions = base.values("direction").annotate(n=Count("pk")).order_by("direction")
    issuers = (base.exclude(issuer_agency=None).values("issuer_agency_id", "issuer_agency__short_name")
               .annotate(n=Count("pk")).order_by("-n", "issuer_agency__short_name")[:FACET_VALUES])
    return {
        "document_type": [FacetValue(r["document_type_id"], r["document_type__name"], r["n"]) for r in types],
        "year": [FacetValue(r["year"], str(r["year"]), r["n"]) for r in years],
        "direction": [FacetValue(r["direction"], str(direction_labels.get(r["direction"], r["direction"])), r["n"])
                      for r in directions],
        "issuer": [FacetValue(r["issuer_agency_id"], r["issuer_agency__short_name"], r["n"]) for r in issuers],
    }


def number_completions(*, user, prefix: str, limit: int = 10) -> list[str]:
    """Số/ký hiệu of documents ``user`` may see that begin with ``prefix`` ("32/TB" -> "32/TB-VP.UBND"),
    those starting with it first; without diacritics or case. Empty unless ``prefix`` begins with a digit.
    Three queries: the positions, the index look-up (permission-checked inside it), the numbers."""
    tokens = fold_tokens(prefix)
    if not tokens or not tokens[0][:1].isdigit() or len(prefix) > 80 or not user.is_authenticated:
        return []
    held = account_selectors.position_agencies(user=user)
    if not held.all_ids:
        return []
    visible = documents_visible_to(user=user, held=held).exclude(status=DocumentStatus.WITHDRAWN)
    sql, params = get_backend().numbers_sql(tokens=tokens, agency_ids=sorted(held.all_ids), visible=visible,
                                            limit=COMPLETION_CANDIDATES)
    numbers = set(Document.objects.filter(pk__in=RawSQL(sql, params)).values_list("number_symbol", flat=True))
    typed = re.sub(r"[^0-9A-Z]+", "", fold(prefix).upper())

    def order(number: str) -> tuple:
        flat = re.sub(r"[^0-9A-Z]+", "", fold(number).upper())
        return (not flat.startswith(typed), len(number), number)

    return sorted((n for n in numbers if n), key=order)[:limit]


@functools.lru_cache(maxsize=1)
def _types() -> tuple[tuple[int, str], ...]:
    """``(id, name)`` of the document types (a query naming one has type intent); the catalogue is data
    of the documents app's migrations and changes only with a release."""
    return tuple(DocumentType.objects.order_by("pk").values_list("pk", "name"))


_AGENCY_HEADS_SECONDS = 300
_agency_heads_cache: tuple[float, object, frozenset[tuple[str, ...]]] = (0.0, None, frozenset())


def _agency_heads() -> frozenset[tuple[str, ...]]:
    """The first three syllables (folded) of every agency's name in the directory: a query holding one
    ("sở tài chính …") has agency intent. Read again when an agency is added (one indexed MAX per search)
    or after five minutes (a renamed agency)."""
    global _agency_heads_cache
    now = time.monotonic()
    directory = agency_selectors.agency_directory()
    newest = directory.aggregate(newest=Max("pk"))["newest"]
    if now - _agency_heads_cache[0] > _AGENCY_HEADS_SECONDS or newest != _agency_heads_cache[1]:
        names = directory.values_list("name", flat=True)
        heads = frozenset(tuple(t) for t in (fold_tokens(n)[:3] for n in names) if len(t) == 3)
        _agency_heads_cache = (now, newest, heads)
    return _agency_heads_cache[2]


def _attachment_text(document_ids: list[int]) -> dict[int, str]:
    """The indexed part of each document's attachment text (one query)."""
    parts: dict[int, list[str]] = {}
    rows = (DocumentFile.objects.filter(document_id__in=document_ids).exclude(extracted_text="")
            .order_by("document_id", "order", "pk")
            .annotate(head=Substr("extracted_text", 1, BODY_MAX_CHARS)).values_list("document_id", "head"))
    for document_id, head in rows:
        parts.setdefault(document_id, []).append(head)
    return {k: strip_template("\n".join(v)[:BODY_MAX_CHARS]) for k, v in parts.items()}


def raw_match(*, query: str, agency_ids: list[int], limit: int = 20, ranked: bool = True) -> list[tuple[int, float]]:
    """The bare full-text query for ``agency_ids``: ``(document_id, rank)``, best first; with
    ``ranked=False`` the first ``limit`` matches in index order, rank 0 (no ranking at all).

    NOT a permission check (no roles, no secrecy): benchmarks use it as the floor that
    ``search_documents`` is compared with. Never show its results to a user.
    """
    try:
        parsed = parse_query(query)
    except QueryError as exc:
        raise ValidationFailed({"q": [exc.args[0]]}) from exc
    limit = max(1, min(int(limit), MAX_LIMIT))
    backend = get_backend()
    if not ranked:
        sql, params = backend.ids_sql(parsed=parsed, agency_ids=agency_ids, visible=None, direction=None, year=None,
                                      limit=limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(int(row[0]), 0.0) for row in cursor.fetchall()]
    return backend.ranked(parsed=parsed, agency_ids=agency_ids, visible=None, direction=None, year=None, limit=limit)
