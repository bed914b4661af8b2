"""The ledger of a bulk load: which row of the source system became which document.

One ``ImportedDocument`` per imported row, written in the same transaction as the document, keyed by the
row's stable source key (the source system's id when the table has one, else register, year and number).
An interrupted import run again skips every key already in the ledger, so nothing is imported twice.
"""

from __future__ import annotations

from django.db import models


class ImportedDocument(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    source_key = models.CharField(max_length=200)
    document = models.OneToOneField("documents.Document", on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "source_key"], name="imported_unique_source_key")]

    def __str__(self) -> str:
        return self.source_key
