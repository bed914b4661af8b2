"""PostgreSQL backend: generated ``tsvector`` columns on ``search_searchentry`` (created by migration
0002, which holds the DDL).

* ``tsv_fold``: the folded columns under the ``vn`` configuration (simple + unaccent), weighted
  number A, subject B, issuer/signer C, attachments D; GIN-indexed. It decides what matches.
* ``tsv_exact``: the exact lower-case columns under ``simple``; not indexed, only ranked, and only
  when the query was typed with diacritics.
* a trigram index on ``number_norm`` ("32/TB-VP.UBND") for substring look-ups of a symbol
  (``number_norm LIKE '%TB-VP%'``). The ranked search itself does not need it: a symbol-shaped piece
  of the query ("32/TB", "tb-vp.ubnd") is a phrase with a prefix last token, answered by the GIN
  index exactly as FTS5 answers it on SQLite, so both databases return the same documents.

Text arrives tokenised and folded by ``text.py``; the ``vn`` configuration's unaccent step is then a
no-op kept as a safety net, and the default parser only splits on blanks, so the "01/QĐ-UBND" file-token
problem of raw text cannot occur.

The agency filter is a column condition (``agency_id = ANY(…)``, btree index ``search_entry_scope``)
combined with the GIN match; the rows are then checked against ``documents_visible_to`` in the same
statement (``EXISTS``), ranked with ``ts_rank`` and cut to ``limit``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from lienthong.search.backends.base import TABLE, SearchBackend, correlated_visibility, entry_rows
from lienthong.search.models import SearchEntry
from lienthong.search.text import EntryText, ParsedQuery

# ts_rank weights for labels {D, C, B, A} = attachments, issuer/signer, subject, number.
RANK_WEIGHTS = "'{0.1, 0.2, 0.5, 1.0}'::float4[]"

def _tsquery_phrase(tokens: Sequence[str], prefix: bool) -> str:
    # Tokens are runs of letters and digits (text.TOKEN_RE): quoting them is enough.
    terms = [f"'{t}'" for t in tokens]
    if prefix:
        terms[-1] += ":*"
    return "(" + " <-> ".join(terms) + ")"


def fold_tsquery(parsed: ParsedQuery) -> str:
    return " & ".join(_tsquery_phrase(p.folded, p.prefix) for p in parsed.phrases)


def exact_tsquery(parsed: ParsedQuery) -> str:
    return " | ".join(_tsquery_phrase(p.exact, p.prefix) for p in parsed.phrases)


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def replace(self, *, document_ids, entries: Sequence[EntryText]) -> None:
        ids = list(document_ids)
        if not ids:
            return
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE document_id = ANY(%s)", [ids])
        if entries:
            SearchEntry.objects.bulk_create(entry_rows(entries))

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")

    def ranked_sql(self, *, parsed, agency_ids, visible, direction, year, limit):
        fold_q = fold_tsquery(parsed)
        rank = f"ts_rank({RANK_WEIGHTS}, s.tsv_fold, to_tsquery('vn', %s))"
        params: list = [fold_q]
        if parsed.accented:
            rank += f" + ts_rank({RANK_WEIGHTS}, s.tsv_exact, to_tsquery('simple', %s))"
            params.append(exact_tsquery(parsed))
        where = ["s.agency_id = ANY(%s)", "s.tsv_fold @@ to_tsquery('vn', %s)"]
        params += [list(agency_ids), fold_q]
        if direction:
            where.append("s.direction = %s")
            params.append(direction)
        if year:
            where.append("s.year = %s")
            params.append(int(year))
        if visible is not None:
            visible_sql, visible_params = correlated_visibility(visible, "s.document_id")
            where.append(f"EXISTS ({visible_sql})")
            params += visible_params
        params.append(int(limit))
        sql = (
            f"SELECT s.document_id, {rank} AS rank FROM {TABLE} s WHERE {' AND '.join(where)} "
            "ORDER BY rank DESC, s.document_id DESC LIMIT %s"
        )
        return sql, tuple(params)

    def explain(self, **kwargs) -> str:
        sql, params = self.ranked_sql(**kwargs)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())
