"""The search index: one ``SearchEntry`` per document, in index form (see ``text.py``).

The row is the same on both databases; what makes it searchable is vendor-specific and created by
migrations 0002 and 0003:

* SQLite: a contentless FTS5 table ``search_fts`` fed from these columns, every token prefixed with
  the document's agency ("a12_quyet"); the text is stored once, here. The SQLite backend keeps it in
  step in the same statements that write the rows.
* PostgreSQL: two generated ``tsvector`` columns on this table (``tsv_fold`` with a GIN index,
  ``tsv_exact`` for ranking only) and a trigram index on ``number_norm``.

The entry is derived data: ``manage.py reindex_search`` rebuilds it from the documents.
"""

from __future__ import annotations

from django.db import models


class SearchEntry(models.Model):
    document = models.OneToOneField("documents.Document", primary_key=True, on_delete=models.CASCADE,
                                    related_name="+")
    # Copied from the document: every indexed token carries the agency (see the backends), which is
    # how the permission filter runs inside the full-text index.
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+", db_index=False)
    direction = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    # "32/TB-VP.UBND": folded, upper case, no blanks (trigram-indexed on PostgreSQL).
    number_norm = models.CharField(max_length=80, blank=True)
    # Folded tokens ("32 tb vp ubnd", "quyet dinh") and exact lower-case tokens ("quyết định").
    number = models.TextField(blank=True)
    subject = models.TextField(blank=True)
    subject_x = models.TextField(blank=True)
    meta = models.TextField(blank=True)  # issuer, signer position and name
    meta_x = models.TextField(blank=True)
    body = models.TextField(blank=True)  # attachment text
    body_x = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"search entry of document {self.document_id}"
