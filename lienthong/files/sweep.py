"""Objects in the file store that no row refers to, and rows whose object is missing (``sweep_orphans``).

The rows side comes from ``files.inventory.stored_objects`` (every app that keeps files registers a
source) and is read FIRST, into one set of names; the store is listed AFTER, streamed (the S3 paginator,
1 000 keys a page, or a walk of the local folder), and each name it yields is taken out of the set. A
listed name not in the set is an orphan; what is left in the set at the end are rows without objects. So
the sweep holds the set of referred names once, never the store's listing, which keeps a store of a
million objects within a few hundred megabytes.

Files are written before their rows commit (``files.storage``), so an object of a transaction still in
flight looks like an orphan: only orphans older than the grace period are ever deleted, and rows are
never touched.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.core.files.storage import storages
from django.utils import timezone

from lienthong.files.inventory import stored_objects
from lienthong.files.storage import is_object_store, object_key, store_guard

S3_DELETE_BATCH = 1000  # DeleteObjects takes at most 1 000 keys


@dataclass(frozen=True)
class ListedObject:
    name: str
    size: int
    modified: dt.datetime


@dataclass
class SweepResult:
    referenced: int = 0  # distinct names the rows refer to
    listed: int = 0  # objects in the store
    orphans: int = 0  # objects no row refers to
    orphans_recent: int = 0  # of those, younger than the grace period (left alone)
    deleted: int = 0
    missing: list[str] = field(default_factory=list)  # names rows refer to that the store does not hold


def now() -> dt.datetime:
    return timezone.now()


def referenced_names() -> set[str]:
    return {obj.name for _label, obj in stored_objects()}


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt.UTC)


def list_store(storage=None) -> Iterator[ListedObject]:
    """Every object in the store, streamed, with names as the rows record them (without the S3 prefix)."""
    storage = storage or storages["default"]
    if is_object_store(storage):
        yield from _list_bucket(storage)
    elif hasattr(storage, "location") and hasattr(storage, "path"):
        yield from _walk_folder(storage.location)
    else:  # any other Django storage: its own listdir, folder by folder
        yield from _walk_listdir(storage, "")


def _list_bucket(storage) -> Iterator[ListedObject]:
    prefix = object_key(storage, "")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    client = storage.connection.meta.client
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=storage.bucket_name, Prefix=prefix)
    with store_guard():
        for page in pages:
            for entry in page.get("Contents", ()):
                key = entry["Key"]
                if key.endswith("/"):  # a "folder" marker some tools create
                    continue
                yield ListedObject(key[len(prefix):], entry["Size"], _aware(entry["LastModified"]))


def _walk_folder(root: str) -> Iterator[ListedObject]:
    if not os.path.isdir(root):
        return
    stack = [""]
    while stack:
        relative = stack.pop()
        with os.scandir(os.path.join(root, relative)) as entries:
            for entry in entries:
                name = f"{relative}/{entry.name}" if relative else entry.name
                if entry.is_dir(follow_symlinks=False):
                    stack.append(name)
                elif entry.is_file(follow_symlinks=False):
                    stat = entry.stat(follow_symlinks=False)
                    yield ListedObject(name, stat.st_size, dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC))


def _walk_listdir(storage, folder: str) -> Iterator[ListedObject]:
    folders, files = storage.listdir(folder)
    for name in files:
        full = f"{folder}/{name}" if folder else name
        yield ListedObject(full, storage.size(full), _aware(storage.get_modified_time(full)))
    for sub in folders:
        yield from _walk_listdir(storage, f"{folder}/{sub}" if folder else sub)


def _delete(storage, names: list[str]) -> int:
    if not names:
        return 0
    with store_guard():
        if is_object_store(storage):
            answer = storage.connection.meta.client.delete_objects(Bucket=storage.bucket_name, Delete={
                "Objects": [{"Key": object_key(storage, name)} for name in names], "Quiet": True})
            return len(names) - len(answer.get("Errors", ()))
        for name in names:
            storage.delete(name)
    return len(names)


def sweep_orphans(*, delete: bool = False, older_than: dt.timedelta = dt.timedelta(minutes=60),
                  on_orphan: Callable[[ListedObject, bool], None] | None = None, storage=None) -> SweepResult:
    """Compare the rows' names with the store. ``on_orphan(obj, old_enough)`` is called for each orphan;
    with ``delete`` those older than ``older_than`` are removed (in batches). Rows are never changed."""
    storage = storage or storages["default"]
    result = SweepResult()
    expected = referenced_names()  # rows first: an object written after this is younger than the grace
    result.referenced = len(expected)
    cutoff = now() - older_than
    batch: list[str] = []
    for obj in list_store(storage):
        result.listed += 1
        if obj.name in expected:
            expected.discard(obj.name)
            continue
        old_enough = obj.modified < cutoff
        result.orphans += 1
        result.orphans_recent += not old_enough
        if on_orphan:
            on_orphan(obj, old_enough)
        if delete and old_enough:
            batch.append(obj.name)
            if len(batch) >= S3_DELETE_BATCH:
                result.deleted += _delete(storage, batch)
                batch = []
    result.deleted += _delete(storage, batch)
    result.missing = sorted(expected)
    return result
