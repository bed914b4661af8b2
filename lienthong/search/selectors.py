"""Full-text search over the documents a user may see.

A search is a bounded number of queries whatever the number of hits: the user's positions (read once and
handed to ``documents_visible_to``), one to four ranked full-text passes (``ranking``: exact phrase,
phrase, pairs, scattered; each permission-checked inside it, twice when the query names a type), the
documents of the hits, and, only when some hit shown matched outside its subject, the attachment text for
the snippets.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

from django.db.models import Max
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from lienthong.accounts import selectors as account_selectors
from lienthong.agencies import selectors as agency_selectors
from lienthong.core.errors import ValidationFailed
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

MAX_LIMIT = 100
# Candidates read per pass beyond the hits asked for, for the field score to reorder (bench/relevance.py
# gives the same figures with 10 as with 40; each one costs a row read and a score).
CANDIDATES_BEYOND_PAGE = 10


@dataclass
class SearchHit:
    document: Document  # with document_type and agency loaded
    rank: float  # higher is better
    snippet: str  # safe HTML: escaped original text, matched words in <mark>
    exact: bool = False  # found by the exact-diacritics pass (a query typed with diacritics)


def search_documents(*, user, query: str, limit: int = 20, direction=None, year=None,
                     snippets: tuple[int, int] | None = None) -> list[SearchHit]:
    """Documents visible to ``user`` that contain every word of ``query``, best first (see ``ranking``).

    ``snippets=(start, end)``: highlighted snippets only for the hits ``[start:end]`` (the page shown);
    the others carry their subject, unhighlighted, and cost no attachment read.

    Words match without regard to diacritics or case ("quyet dinh" finds "Quyết định"); a query
    typed with diacritics ranks exact matches first. A piece like "32/TB" or "tb-vp.ubnd" matches
    as a phrase whose last word may be a prefix, which is how số/ký hiệu are found. Raises
    ``ValidationFailed`` for a query with no letter or digit, or a bad filter.
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
    if errors:
        raise ValidationFailed(errors)
    limit = max(1, min(int(limit), MAX_LIMIT))
    if not user.is_authenticated:
        return []

    held = account_selectors.position_agencies(user=user)
    agency_ids = sorted(held.all_ids)
    if not agency_ids:
        return []
    # A copy withdrawn after a recall is out of the index; excluded here too, should the index lag behind.
    visible = documents_visible_to(user=user, held=held).exclude(status=DocumentStatus.WITHDRAWN)
    if direction:
        visible = visible.filter(direction=direction)
    if year:
        visible = visible.filter(year=year)
    the_plan = ranking.plan(parsed, [name for _pk, name in _types()], _agency_heads())
    backend = get_backend()
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
            rows = backend.ranked(parsed=the_plan.match, agency_ids=agency_ids, visible=scope,
                                  direction=direction or None, year=year or None, limit=candidates, tier=tier)
            for doc_id, rank in rows:
                tiers.setdefault(doc_id, (tier.level, rank))
        if len(tiers) >= limit:
            break  # later tiers rank below every document already found
    if not tiers:
        return []
    # Fetched through the permission queryset again: a hit is only ever shown if the rule allows it.
    documents = visible.select_related("document_type", "agency").in_bulk(list(tiers))

    def short_fields(doc: Document) -> tuple[str, str, str, str, str]:
        return (doc.number_symbol, doc.subject, doc.issuer_name,
                doc.document_type.name if doc.document_type_id else "", doc.signer_name)

    def order(doc: Document) -> tuple:
        level, rank = tiers[doc.pk]
        number_symbol, subject, issuer_name, type_name, signer_name = short_fields(doc)
        value = ranking.score(the_plan, number_symbol=number_symbol, subject=subject, issuer_name=issuer_name,
                              signer_name=signer_name, type_name=type_name)
        return (level, -round(value, 6), -rank, -doc.pk)

    def kept(doc: Document) -> bool:
        # Three syllables or more found only scattered: kept when they all stand in the short fields
        # (subject, number, issuer, type, signer); scattered over a long text they are noise.
        if tiers[doc.pk][0] != ranking.SCATTERED or len(the_plan.topic) < 3:
            return True
        return set(fold_tokens(" ".join(short_fields(doc)))).issuperset(the_plan.topic)

    ordered = sorted(filter(kept, documents.values()), key=order)[:limit]
    highlighter = Highlighter(parsed)
    found: list[tuple[Document, float, str | None]] = []  # the snippet from the subject, if it matches there
    need_body: list[int] = []
    phrase = the_plan.topic if len(the_plan.topic) >= 2 else ()
    first, last = snippets if snippets is not None else (0, len(ordered))
    for n, doc in enumerate(ordered):
        if not first <= n < last:
            found.append((doc, tiers[doc.pk][1], plain(doc.subject)))
            continue
        # Found by its phrase but the subject has the words only apart: the snippet shows the phrase in
        # the text, not "Chủ tịch … tại" in the subject.
        apart = (phrase and tiers[doc.pk][0] <= ranking.NEAR
                 and not ranking.contains(fold_tokens(doc.subject), phrase))
        snippet = None if apart else highlighter.excerpt(doc.subject)
        if snippet is None:
            need_body.append(doc.pk)
        found.append((doc, tiers[doc.pk][1], snippet))
    bodies = _attachment_text(need_body) if need_body else {}
    return [SearchHit(document=doc, rank=rank, snippet=snippet if snippet is not None
                      else highlighter.excerpt(bodies.get(doc.pk, "")) or plain(doc.subject),
                      exact=tiers[doc.pk][0] == ranking.EXACT_PHRASE)
            for doc, rank, snippet in found]


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


def raw_match(*, query: str, agency_ids: list[int], limit: int = 20) -> list[tuple[int, float]]:
    """The bare ranked full-text query for ``agency_ids``: ``(document_id, rank)``, best first.

    NOT a permission check (no roles, no secrecy): benchmarks use it as the floor that
    ``search_documents`` is compared with. Never show its results to a user.
    """
    try:
        parsed = parse_query(query)
    except QueryError as exc:
        raise ValidationFailed({"q": [exc.args[0]]}) from exc
    return get_backend().ranked(parsed=parsed, agency_ids=agency_ids, visible=None, direction=None, year=None,
                                limit=max(1, min(int(limit), MAX_LIMIT)))
