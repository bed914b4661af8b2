"""SQLite backend: a contentless FTS5 table ``search_fts`` fed from ``search_searchentry``.

Tokens carry their agency
-------------------------
Every token is indexed as ``a<agency id>_<token>`` ("a12_quyet"), and a query for a user of agencies
12 and 40 asks for ``"a12_quyet" OR "a40_quyet"``. This is how the permission filter is pushed into
the full-text index: a posting list only ever holds one agency's documents.

It matters for speed, not only for filtering. FTS5's bm25 computes each phrase's document frequency
by walking that phrase's whole posting list; with plain tokens, a common word ("tỉnh", in half of a
million documents) costs 15-30 ms on every query before a single row is ranked, whatever the agency
filter. With agency tokens the walk is over the agency's own documents. Measured on 1,000,000
documents (busiest agency 27,000), a clerk's search went from p50 56 ms / p95 114 ms to 9 / 26 ms.

The tokenizer is ``unicode61 remove_diacritics 0 tokenchars '_'``: the text is already folded (or
exact lower-case) and tokenised by ``text.py``, whose tokens never contain "_", so the tokenizer only
splits on blanks and keeps the prefix attached.

Upkeep
------
The table is contentless (the text lives once, unprefixed, in ``search_searchentry``). Removing a
row from a contentless index needs the values it was indexed with; they are recomputed from the entry
row with the same SQL expression that indexed it. Every change is therefore three statements per
batch in the caller's transaction: forget the old rows, replace the entry rows, index the new ones.

Ranking
-------
bm25 with per-column weights over a query that matches on the folded columns and, for a query typed
with diacritics, ORs in the same phrases on the exact columns: the OR never changes which documents
match (an exact match is also a folded match) but adds to the score of those that match exactly.
A symbol-shaped piece ("32/TB") is ORed in once more on the number column alone, for the same reason.
Rows come out of FTS5 already ordered by rank; each is checked against ``documents_visible_to``
(roles, secrecy, and again the optional direction/year filters) and SQLite stops at ``limit`` rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from lienthong.core.bulkinsert import insert_rows
from lienthong.search.backends.base import TABLE, TEXT_COLUMNS, SearchBackend, correlated_visibility, entry_rows
from lienthong.search.models import SearchEntry
from lienthong.search.ranking import Tier
from lienthong.search.text import EntryText, ParsedQuery

FTS = "search_fts"
COLUMNS = ("scope",) + TEXT_COLUMNS
_COLS = ", ".join(COLUMNS)
FOLDED = "{number subject meta body}"
EXACT = "{subject_x meta_x body_x}"
# The short fields (number, subject, issuer, type, signer): a ``Tier.short_only`` pass.
SHORT_FOLDED = "{number subject meta}"
SHORT_EXACT = "{subject_x meta_x}"
# bm25 weight per column, in COLUMNS order: scope never scores.
WEIGHTS = {"scope": 0.0, "number": 10.0, "subject": 5.0, "meta": 2.0, "body": 1.0,
           "subject_x": 5.0, "meta_x": 2.0, "body_x": 1.0}
RANK_FUNCTION = "bm25({})".format(", ".join(str(WEIGHTS[c]) for c in COLUMNS))


def _prefixed(column: str) -> str:
    """SQL turning a column of blank-separated tokens into agency tokens: "ke hoach" -> "a12_ke a12_hoach"."""
    prefix = "'a' || agency_id || '_'"
    return f"CASE WHEN {column} = '' THEN '' ELSE {prefix} || replace({column}, ' ', ' ' || {prefix}) END"


# The ``scope`` column holds the filters as agency tokens too: "a12__out a12__y2018" (a double "_"
# never comes out of text). Filtering inside the index keeps a rare filter cheap: otherwise every
# match would be ranked and then checked row by row until ``limit`` rows pass.
_SCOPE = "'a' || agency_id || '__' || direction || ' a' || agency_id || '__y' || year"
_PREFIXED_COLS = ", ".join([_SCOPE] + [_prefixed(c) for c in TEXT_COLUMNS])


def _phrases(tokens: Sequence[str], prefix: bool, agency_ids: Sequence[int]) -> str:
    # Tokens are runs of letters and digits (text.TOKEN_RE): nothing in them needs escaping.
    star = " *" if prefix else ""
    alternatives = ['"' + " ".join(f"a{int(a)}_{t}" for t in tokens) + '"' + star for a in agency_ids]
    return alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"


def _scope(token: str, agency_ids: Sequence[int]) -> str:
    return "scope : (" + " OR ".join(f'"a{int(a)}__{token}"' for a in agency_ids) + ")"


def _tier_parts(tier: Tier | None, agency_ids: Sequence[int]) -> list[str]:
    if tier is None:
        return []
    parts = []
    if tier.phrase:
        parts.append(f"{FOLDED} : {_phrases(tier.phrase, False, agency_ids)}")
    for tokens in tier.exact:
        parts.append(f"{EXACT} : {_phrases(tokens, False, agency_ids)}")
    if tier.any_pair:
        pairs = [f"{FOLDED} : {_phrases(pair, False, agency_ids)}" for pair in tier.any_pair]
        parts.append("(" + " OR ".join(pairs) + ")")
    return parts


def match_expression(*, parsed: ParsedQuery, agency_ids: Sequence[int], direction: str | None = None,
                     year: int | None = None, tier: Tier | None = None) -> str:
    parts = _tier_parts(tier, agency_ids)
    if direction:
        parts.append(_scope(direction, agency_ids))
    if year:
        parts.append(_scope(f"y{int(year)}", agency_ids))
    short = tier is not None and tier.short_only
    folded, exact = (SHORT_FOLDED, SHORT_EXACT) if short else (FOLDED, EXACT)
    for p in parsed.phrases:
        alternatives = [f"{folded} : {_phrases(p.folded, p.prefix, agency_ids)}"]
        if p.prefix:
            # A số/ký hiệu-shaped piece scores once more on the number column alone: the document
            # carrying "32/TB-VP.UBND" then ranks above documents that cite it in subject and text.
            alternatives.append(f"number : {_phrases(p.folded, p.prefix, agency_ids)}")
        if parsed.accented:
            alternatives.append(f"{exact} : {_phrases(p.exact, p.prefix, agency_ids)}")
        parts.append(alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")")
    return " AND ".join(parts)


class SqliteBackend(SearchBackend):
    vendor = "sqlite"

    def replace(self, *, document_ids, entries: Sequence[EntryText]) -> None:
        ids = list(document_ids)
        if not ids:
            return
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {FTS}({FTS}, rowid, {_COLS}) SELECT 'delete', document_id, {_PREFIXED_COLS} "
                f"FROM {TABLE} WHERE document_id IN ({marks})", ids)
            cursor.execute(f"DELETE FROM {TABLE} WHERE document_id IN ({marks})", ids)
            if entries:
                insert_rows(SearchEntry, entry_rows(entries))
                cursor.execute(
                    f"INSERT INTO {FTS}(rowid, {_COLS}) SELECT document_id, {_PREFIXED_COLS} "
                    f"FROM {TABLE} WHERE document_id IN ({marks})", ids)

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")
            cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('delete-all')")

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('optimize')")
            cursor.execute(f"ANALYZE {TABLE}")

    def ranked_sql(self, *, parsed, agency_ids, visible, direction, year, limit, tier=None):
        visible_sql, visible_params = "", ()
        if visible is not None:
            visible_sql, visible_params = correlated_visibility(visible, f"{FTS}.rowid")
            visible_sql = f" AND EXISTS ({visible_sql})"
        sql = (
            f"SELECT {FTS}.rowid, -{FTS}.rank FROM {FTS} "
            f"WHERE {FTS} MATCH %s AND {FTS}.rank MATCH %s{visible_sql} "
            f"ORDER BY {FTS}.rank LIMIT %s"
        )
        match = match_expression(parsed=parsed, agency_ids=agency_ids, direction=direction, year=year, tier=tier)
        return sql, (match, RANK_FUNCTION, *visible_params, int(limit))

    def ids_sql(self, *, parsed, agency_ids, visible, direction, year, tier=None, limit=None):
        visible_sql, visible_params = "", ()
        if visible is not None:
            visible_sql, visible_params = correlated_visibility(visible, f"{FTS}.rowid")
            visible_sql = f" AND EXISTS ({visible_sql})"
        match = match_expression(parsed=parsed, agency_ids=agency_ids, direction=direction, year=year, tier=tier)
        sql = f"SELECT {FTS}.rowid FROM {FTS} WHERE {FTS} MATCH %s{visible_sql}"
        params = (match, *visible_params)
        if limit is not None:
            sql += " LIMIT %s"
            params += (int(limit),)
        return sql, params

    def numbers_sql(self, *, tokens, agency_ids, visible, limit):
        visible_sql, visible_params = correlated_visibility(visible, f"{FTS}.rowid")
        match = f"number : {_phrases(tokens, True, agency_ids)}"
        sql = f"SELECT {FTS}.rowid FROM {FTS} WHERE {FTS} MATCH %s AND EXISTS ({visible_sql}) LIMIT %s"
        return sql, (match, *visible_params, int(limit))

    def explain(self, **kwargs) -> str:
        sql, params = self.ranked_sql(**kwargs)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
