"""What the parts of processing's services share: the address of an incoming document's page."""

from __future__ import annotations

from django.urls import reverse


def doc_url(document_id: int) -> str:
    return reverse("documents:detail", args=[document_id])


def doc_url_maker():
    """``doc_url`` for many documents with one ``reverse()``: the addresses differ only by the id."""
    probe = 987654321
    head, tail = doc_url(probe).split(str(probe), 1)
    return lambda document_id: f"{head}{document_id}{tail}"
