"""Every object the system keeps in its file store, listed by the apps whose rows refer to them.

The files app has no rows of its own: ``documents.StoredFile`` refers to originals (with their SHA-256
and size), ``reports.ReportBuild`` to built reports, and so on. Each such app registers, in its
``AppConfig.ready``, a source that yields one ``StoredObject`` per stored name its rows refer to
(``register_source``). The backup manifest, ``verify_files`` and the orphan sweep read the whole list
through ``stored_objects`` without knowing the apps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class StoredObject:
    """A name in the file store that a row refers to; ``sha256``/``size`` when the row records them."""

    name: str
    sha256: str | None = None
    size: int | None = None


Source = Callable[[], Iterable[StoredObject]]

_sources: dict[str, Source] = {}


def register_source(label: str, source: Source) -> None:
    """Register (or replace) the source called ``label``, e.g. ``"documents.originals"``."""
    _sources[label] = source


def source_labels() -> list[str]:
    return sorted(_sources)


def stored_objects() -> Iterator[tuple[str, StoredObject]]:
    """(label, object) for every stored name any registered source refers to, source by source."""
    for label in sorted(_sources):
        for obj in _sources[label]():
            yield label, obj
