"""Signals other apps listen to, sent after the transaction that caused them commits.

- ``file_stored(stored_file_ids=[...])``: original files were stored (the signing app verifies PDFs).
- ``documents_delivered(document_ids=[...])``: documents went out through the system (the signing app
  re-computes their legal validity).
"""

from django.dispatch import Signal

file_stored = Signal()
documents_delivered = Signal()
