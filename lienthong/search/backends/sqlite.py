"""SQLite backend: an FTS5 table over ``search_searchentry`` (external content).

The FTS5 table (created by migration 0002, which holds the DDL) uses ``unicode61 remove_diacritics 0``: the text it receives is
already folded (or exact lower-case) and tokenised by ``text.py``, so the tokenizer only splits on
blanks and must not fold a second time (it would not fold đ anyway).

With external content, FTS5 does not store the text again; removing a row from the index needs the
values it was indexed with, which are still in ``search_searchentry`` at that moment. So every
change is: tell FTS5 to forget the old rows, replace the rows, index the new rows; three statements
per batch, in the caller's transaction.

Ranking is FTS5's bm25 with per-column weights over a query that matches on the folded columns and,
for a query typed with diacritics, ORs in the same phrases on the exact columns: the OR never changes
which documents match (an exact match is also a folded match) but adds to the score of those that
match exactly.

The permission filter is pushed into the full-text query as ``scope : (a1 OR a2)``: the index only
yields documents of the user's agencies. The result is still checked, row by row in rank order,
against ``documents_visible_to`` (secret documents, roles); FTS5 returns rows already ordered by
rank, so SQLite stops as soon as ``limit`` visible rows are found.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from lienthong.search.backends.base import TABLE, TEXT_COLUMNS, SearchBackend, correlated_visibility, entry_rows
from lienthong.search.models import SearchEntry
from lienthong.search.text import EntryText, ParsedQuery

FTS = "search_fts"
COLUMNS = ("scope",) + TEXT_COLUMNS
_COLS = ", ".join(COLUMNS)
FOLDED = "{number subject meta body}"
EXACT = "{subject_x meta_x body_x}"
# bm25 weight per column, in COLUMNS order: scope never scores.
WEIGHTS = {"scope": 0.0, "number": 10.0, "subject": 5.0, "meta": 2.0, "body": 1.0,
           "subject_x": 5.0, "meta_x": 2.0, "body_x": 1.0}
RANK_FUNCTION = "bm25({})".format(", ".join(str(WEIGHTS[c]) for c in COLUMNS))


def _phrase(tokens: Sequence[str], prefix: bool) -> str:
    # Tokens are runs of letters and digits (text.TOKEN_RE): nothing in them needs escaping.
    return '"' + " ".join(tokens) + '"' + (" *" if prefix else "")


def match_expression(*, parsed: ParsedQuery, agency_ids: Sequence[int], direction: str | None,
                     year: int | None) -> str:
    parts = ["scope : (" + " OR ".join(f"a{int(a)}" for a in agency_ids) + ")"]
    if direction:
        parts.append(f"scope : d{direction}")
    if year:
        parts.append(f"scope : y{int(year)}")
    for p in parsed.phrases:
        folded = f"{FOLDED} : {_phrase(p.folded, p.prefix)}"
        if parsed.accented:
            folded = f"({folded} OR {EXACT} : {_phrase(p.exact, p.prefix)})"
        parts.append(folded)
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
                f"INSERT INTO {FTS}({FTS}, rowid, {_COLS}) SELECT 'delete', document_id, {_COLS} "
                f"FROM {TABLE} WHERE document_id IN ({marks})", ids)
            cursor.execute(f"DELETE FROM {TABLE} WHERE document_id IN ({marks})", ids)
            if entries:
                SearchEntry.objects.bulk_create(entry_rows(entries))
                cursor.execute(
                    f"INSERT INTO {FTS}(rowid, {_COLS}) SELECT document_id, {_COLS} "
                    f"FROM {TABLE} WHERE document_id IN ({marks})", ids)

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")
            cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('delete-all')")

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('optimize')")
            cursor.execute(f"ANALYZE {TABLE}")

    def ranked_sql(self, *, parsed, agency_ids, visible, direction, year, limit):
        visible_sql, visible_params = "", ()
        if visible is not None:
            visible_sql, visible_params = correlated_visibility(visible, f"{FTS}.rowid")
            visible_sql = f" AND EXISTS ({visible_sql})"
        sql = (
            f"SELECT {FTS}.rowid, -{FTS}.rank FROM {FTS} "
            f"WHERE {FTS} MATCH %s AND {FTS}.rank MATCH %s{visible_sql} "
            f"ORDER BY {FTS}.rank LIMIT %s"
        )
        match = match_expression(parsed=parsed, agency_ids=agency_ids, direction=direction, year=year)
        return sql, (match, RANK_FUNCTION, *visible_params, int(limit))

    def explain(self, **kwargs) -> str:
        sql, params = self.ranked_sql(**kwargs)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
