"""Content-addressed storage of originals: the bytes of a file are kept once, under their SHA-256.

Two uploads of the same file share one stored copy (``storage_name_for``); a writer that loses a race
with another keeps a single copy. Files are written inside the caller's transaction, before its rows
commit, so a transaction that rolls back hands the names it wrote to ``discard_written``, which removes
those no committed row refers to: a file and its row exist together or not at all. The rows that refer
to the bytes belong to the apps that keep them (``documents.StoredFile``); this module only knows names.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

log = logging.getLogger(__name__)


def storage_name_for(sha256: str) -> str:
    return f"originals/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_original(data: bytes, sha256: str, written: list[str]) -> str:
    """Write the bytes under their hash unless already there; remember newly written names in ``written``."""
    name = storage_name_for(sha256)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # a concurrent writer won the race; keep one copy
            default_storage.delete(saved)
        else:
            written.append(name)
    return name


def open_original(storage_name: str):
    return default_storage.open(storage_name, "rb")


def discard_written(written: list[str], still_referenced: Callable[[str], bool]) -> None:
    """After a rollback, delete files this call wrote unless a committed row now references them."""
    for name in written:
        sha = name.rsplit("/", 1)[-1]
        if not still_referenced(sha):
            try:
                default_storage.delete(name)
            except OSError:  # pragma: no cover - best effort clean-up
                log.warning("could not remove orphan original %s", name)
