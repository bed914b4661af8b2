"""Small iteration helpers shared by the printouts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator


def chunks(iterable: Iterable, size: int) -> Iterator[list]:
    """Lists of up to ``size`` items; one empty list when there are none (an empty book still has a cover)."""
    chunk: list = []
    sent = False
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk, sent = [], True
    if chunk or not sent:
        yield chunk
