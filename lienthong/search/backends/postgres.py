"""PostgreSQL backend: generated ``tsvector`` columns on ``search_searchentry`` (created by migrations
0002 and 0003, which hold the DDL).

* ``tsv_fold``: the folded columns under the ``vn`` configuration (simple + unaccent), weighted
  number A, subject B, issuer/signer C, attachments D; GIN-indexed. It decides what matches.
* ``tsv_exact``: the exact lower-case columns under ``simple``; not indexed, only ranked, and only
  when the query was typed with diacritics.
* a trigram index on ``number_norm`` ("32/TB-VP.UBND") for substring look-ups of a symbol
  (``number_norm LIKE '%TB-VP%'``). The ranked search itself does not need it: a symbol-shaped piece
  of the query ("32/TB", "tb-vp.ubnd") is a phrase with a prefix last token, answered by the GIN
  index exactly as FTS5 answers it on SQLite, so both databases return the same documents.

Lexemes carry their agency
--------------------------
Every lexeme is ``a<agency id>z<token>`` ("a12zquyet"); a query for a user of agencies 12 and 40
asks for ``'a12zquyet' | 'a40zquyet'``. The permission filter is thereby inside the GIN index: a GIN
lookup returns only the agency's rows, instead of every row with the word (half a million for
"tỉnh" in a million documents) to be intersected with an agency index afterwards. The digits of the
agency id end at the "z", so two agencies' lexemes can never be equal, not even by prefix.

Text arrives tokenised and folded by ``text.py``; the default parser only splits on blanks (each
prefixed token is one "numword"), so the "01/QĐ-UBND" file-token problem of raw text cannot occur.

The rows found are ranked with ``ts_rank``, then checked in rank order against
``documents_visible_to`` in the same statement, until ``limit`` rows pass.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from lienthong.core.bulkinsert import insert_rows
from lienthong.search.backends.base import TABLE, SearchBackend, correlated_visibility, entry_rows
from lienthong.search.models import SearchEntry
from lienthong.search.text import EntryText, ParsedQuery

# ts_rank weights for labels {D, C, B, A} = attachments, issuer/signer, subject, number.
RANK_WEIGHTS = "'{0.1, 0.2, 0.5, 1.0}'::float4[]"
NUMBER_ONLY = "'{0, 0, 0, 1.0}'::float4[]"


def _tsquery_phrases(tokens: Sequence[str], prefix: bool, agency_ids: Sequence[int], weights: str = "") -> str:
    # Tokens are runs of letters and digits (text.TOKEN_RE): quoting them is enough. ``weights`` ("A",
    # "ABC") restricts the terms to those labels: the number, the short fields.
    alternatives = []
    for agency_id in agency_ids:
        terms = [f"'a{int(agency_id)}z{t}'" + (f":{weights}" if weights else "") for t in tokens]
        if prefix:
            terms[-1] = terms[-1].replace(":", ":*", 1) if weights else terms[-1] + ":*"
        alternatives.append("(" + " <-> ".join(terms) + ")")
    return "(" + " | ".join(alternatives) + ")"


def fold_tsquery(parsed: ParsedQuery, agency_ids: Sequence[int], weights: str = "") -> str:
    return " & ".join(_tsquery_phrases(p.folded, p.prefix, agency_ids, weights) for p in parsed.phrases)


# Labels of the short fields in ``tsv_fold`` (number A, subject B, issuer/type/signer C): ``Tier.short_only``.
SHORT_WEIGHTS = "ABC"


def exact_tsquery(parsed: ParsedQuery, agency_ids: Sequence[int]) -> str:
    return " | ".join(_tsquery_phrases(p.exact, p.prefix, agency_ids) for p in parsed.phrases)


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def replace(self, *, document_ids, entries: Sequence[EntryText]) -> None:
        ids = list(document_ids)
        if not ids:
            return
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE document_id = ANY(%s)", [ids])
        if entries:
            insert_rows(SearchEntry, entry_rows(entries))

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")

    def _where(self, *, parsed, agency_ids, direction, year, tier) -> tuple[list[str], list]:
        where_q = fold_tsquery(parsed, agency_ids, SHORT_WEIGHTS if tier is not None and tier.short_only else "")
        exact_where = []
        if tier is not None:
            if tier.phrase:
                where_q += " & " + _tsquery_phrases(tier.phrase, False, agency_ids)
            if tier.any_pair:
                pairs = [_tsquery_phrases(pair, False, agency_ids) for pair in tier.any_pair]
                where_q += " & (" + " | ".join(pairs) + ")"
            exact_where = [_tsquery_phrases(tokens, False, agency_ids) for tokens in tier.exact]
        where = ["s.tsv_fold @@ to_tsquery('vn', %s)"]
        params: list = [where_q]
        if exact_where:
            # tsv_exact has no index: it is checked on the rows the folded GIN lookup found.
            where.append("s.tsv_exact @@ to_tsquery('simple', %s)")
            params.append(" & ".join(exact_where))
        if direction:
            where.append("s.direction = %s")
            params.append(direction)
        if year:
            where.append("s.year = %s")
            params.append(int(year))
        return where, params

    def ranked_sql(self, *, parsed, agency_ids, visible, direction, year, limit, tier=None):
        fold_q = fold_tsquery(parsed, agency_ids)
        rank = f"ts_rank({RANK_WEIGHTS}, s.tsv_fold, to_tsquery('vn', %s))"
        params: list = [fold_q]
        if parsed.accented:
            rank += f" + ts_rank({RANK_WEIGHTS}, s.tsv_exact, to_tsquery('simple', %s))"
            params.append(exact_tsquery(parsed, agency_ids))
        symbols = [p for p in parsed.phrases if p.prefix]
        if symbols:
            # A số/ký hiệu-shaped piece scores once more on the number (weight A) alone: the document
            # carrying "32/TB-VP.UBND" then ranks above documents that cite it in subject and text.
            rank += f" + ts_rank({NUMBER_ONLY}, s.tsv_fold, to_tsquery('vn', %s))"
            params.append(" | ".join(_tsquery_phrases(p.folded, True, agency_ids) for p in symbols))
        where, where_params = self._where(parsed=parsed, agency_ids=agency_ids, direction=direction, year=year,
                                          tier=tier)
        params += where_params
        # The inner query ranks every match of the user's agencies (OFFSET 0 keeps it a separate,
        # sorted step); the outer one walks that order and stops after ``limit`` visible rows. The
        # permission subquery also carries OFFSET 0, which stops PostgreSQL from turning it into a
        # join: planned as a join it was estimated badly and read the whole documents table.
        sql = (
            f"SELECT s.document_id, {rank} AS rank FROM {TABLE} s WHERE {' AND '.join(where)} "
            "ORDER BY rank DESC, s.document_id DESC OFFSET 0"
        )
        if visible is not None:
            visible_sql, visible_params = correlated_visibility(visible, "r.document_id")
            sql = f"SELECT r.document_id, r.rank FROM ({sql}) r WHERE EXISTS ({visible_sql} OFFSET 0)"
            params += visible_params
        params.append(int(limit))
        return f"{sql} LIMIT %s", tuple(params)

    def ids_sql(self, *, parsed, agency_ids, visible, direction, year, tier=None, limit=None):
        where, params = self._where(parsed=parsed, agency_ids=agency_ids, direction=direction, year=year, tier=tier)
        if visible is not None:
            visible_sql, visible_params = correlated_visibility(visible, "s.document_id")
            where.append(f"EXISTS ({visible_sql} OFFSET 0)")
            params += visible_params
        sql = f"SELECT s.document_id FROM {TABLE} s WHERE {' AND '.join(where)}"
        if limit is not None:
            sql += " LIMIT %s"
            params.append(int(limit))
        return sql, tuple(params)

    def numbers_sql(self, *, tokens, agency_ids, visible, limit):
        visible_sql, visible_params = correlated_visibility(visible, "s.document_id")
        sql = (f"SELECT s.document_id FROM {TABLE} s WHERE s.tsv_fold @@ to_tsquery('vn', %s) "
               f"AND EXISTS ({visible_sql} OFFSET 0) LIMIT %s")
        return sql, (_tsquery_phrases(tokens, True, agency_ids, "A"), *visible_params, int(limit))

    def explain(self, **kwargs) -> str:
        sql, params = self.ranked_sql(**kwargs)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())
