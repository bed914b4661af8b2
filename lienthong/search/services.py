"""Search index upkeep (interface; the backends live in this app)."""

from __future__ import annotations


def index_document(*, document_id: int) -> None:
    """(Re)index one document. Called inside the transaction that changed it."""
    return None
