"""What every search backend provides. Writes go through the ORM where they can; only the
vendor-specific index upkeep and the ranked full-text query are raw SQL."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from lienthong.search.models import SearchEntry
from lienthong.search.ranking import Tier
from lienthong.search.text import EntryText, ParsedQuery

TABLE = SearchEntry._meta.db_table
# Text columns in index form, in the order the SQLite FTS5 table declares them.
TEXT_COLUMNS = ("number", "subject", "meta", "body", "subject_x", "meta_x", "body_x")


def entry_rows(entries: Sequence[EntryText]) -> list[SearchEntry]:
    """Model rows for ``entries``, grouped by agency: rows of one agency then sit together on disk,
    and a search (always within the user's agencies) reads fewer pages."""
    entries = sorted(entries, key=lambda e: (e.agency_id, e.document_id))
    return [
        SearchEntry(
            document_id=e.document_id, agency_id=e.agency_id, direction=e.direction, year=e.year,
            number_norm=e.number_norm, number=e.number, subject=e.subject, subject_x=e.subject_x, meta=e.meta,
            meta_x=e.meta_x, body=e.body, body_x=e.body_x,
        )
        for e in entries
    ]


def correlated_visibility(visible: QuerySet, outer_id_sql: str) -> tuple[str, tuple]:
    """SQL for "the document ``outer_id_sql`` is in ``visible``", for use in ``EXISTS (…)``.

    ``visible`` is ``documents_visible_to(user)`` (plus the optional filters): the permission rule is
    compiled by the ORM from that one definition and only correlated to the search row here.
    """
    sql, params = visible.filter(pk=RawSQL(outer_id_sql, ())).order_by().values("pk").query.sql_with_params()
    return sql, tuple(params)


class SearchBackend:
    vendor = ""

    def replace(self, *, document_ids: Sequence[int], entries: Sequence[EntryText]) -> None:
        """Make the index hold exactly ``entries`` for ``document_ids`` (ids without an entry are removed)."""
        raise NotImplementedError

    def clear(self) -> None:
        """Empty the index (inside the caller's transaction)."""
        raise NotImplementedError

    def optimize(self) -> None:
        """Housekeeping after a bulk load (merge segments, refresh planner statistics)."""

    def ranked_sql(self, *, parsed: ParsedQuery, agency_ids: Sequence[int], visible: QuerySet | None,
                   direction: str | None, year: int | None, limit: int,
                   tier: Tier | None = None) -> tuple[str, tuple]:
        """The one query that returns ``(document_id, rank)`` rows, best first, restricted to
        ``agency_ids`` and checked against ``visible``. ``visible=None`` leaves out the permission
        check and is only for measuring the bare full-text cost (``selectors.raw_match``). ``tier``
        adds the conditions of one pass of ``ranking`` (phrase, exact forms, pairs)."""
        raise NotImplementedError

    def ids_sql(self, *, parsed: ParsedQuery, agency_ids: Sequence[int], visible: QuerySet | None,
                direction: str | None, year: int | None, tier: Tier | None = None,
                limit: int | None = None) -> tuple[str, tuple]:
        """SQL for the ids of every document ``ranked_sql`` would find, unordered and unranked (for counts,
        facets and the date order), at most ``limit``. ``visible=None``: the caller checks permissions
        outside (``Document`` rows filtered by ``documents_visible_to``)."""
        raise NotImplementedError

    def numbers_sql(self, *, tokens: Sequence[str], agency_ids: Sequence[int], visible: QuerySet,
                    limit: int) -> tuple[str, tuple]:
        """SQL for the ids of up to ``limit`` documents in ``visible`` whose số/ký hiệu begins with the folded
        ``tokens`` (the last one as a prefix): the number completion."""
        raise NotImplementedError

    def ranked(self, **kwargs) -> list[tuple[int, float]]:
        sql, params = self.ranked_sql(**kwargs)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(int(doc_id), float(rank)) for doc_id, rank in cursor.fetchall()]

    def explain(self, **kwargs) -> str:
        """The database's plan for ``ranked_sql`` (used by tests to prove the search is index-backed)."""
        raise NotImplementedError
