"""What a backup folder holds, and the small helpers that read and hash its parts.

A backup folder::

    header.json          time, database vendor, app version, applied migrations, row counts per table,
                         and the SHA-256 and size of the dump and of the manifest
    database.dump        pg_dump --format=custom (PostgreSQL)  |  database.sqlite3 (SQLite online backup)
    manifest.jsonl       one JSON object a line per stored object: name, sha256, size, source
    files/<name>         a copy of each stored object, under its storage name (local storage only)
    audit-checkpoints/   a copy of the audit checkpoint folder

The manifest is JSON Lines so that a million entries are written and read one at a time, never held
in memory as one document.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

HEADER = "header.json"
MANIFEST = "manifest.jsonl"
FILES = "files"
CHECKPOINTS = "audit-checkpoints"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FORMAT = 1
CHUNK = 1024 * 1024


@dataclass
class Entry:
    """One stored object in the manifest. ``problem`` ("missing" or "changed") when, at backup time, the
    store did not hold the bytes the row records; ``copied_sha256``/``copied_size`` then describe the copy."""

    name: str
    sha256: str
    size: int
    source: str
    problem: str | None = None
    copied_sha256: str | None = None
    copied_size: int | None = None

    def to_line(self) -> str:
        data = {k: v for k, v in asdict(self).items() if v is not None}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"

    @classmethod
    def from_line(cls, line: str) -> Entry:
        data = json.loads(line)
        return cls(name=data["name"], sha256=data["sha256"], size=int(data["size"]), source=data["source"],
                   problem=data.get("problem"), copied_sha256=data.get("copied_sha256"),
                   copied_size=data.get("copied_size"))

    @property
    def expected_copy_sha256(self) -> str:
        return self.copied_sha256 or self.sha256


def read_manifest(path: Path) -> Iterator[Entry]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield Entry.from_line(line)


def file_digest(path: Path | str) -> tuple[str, int]:
    """(SHA-256 hex, size) of a file, read in 1 MiB chunks with plain system calls (a million small files:
    pathlib and buffered file objects would cost more than the hashing)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        h = hashlib.sha256()
        size = 0
        while chunk := os.read(fd, CHUNK):
            h.update(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    return h.hexdigest(), size


def copy_with_digest(source: str, target: str, mode: int = 0o666) -> tuple[str, int]:
    """Copy a file, hashing what was read; returns (SHA-256 hex, size) of the copy."""
    fd_in = os.open(source, os.O_RDONLY)
    try:
        fd_out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        try:
            h = hashlib.sha256()
            size = 0
            while chunk := os.read(fd_in, CHUNK):
                h.update(chunk)
                size += len(chunk)
                view = memoryview(chunk)
                while view:
                    view = view[os.write(fd_out, view):]
        finally:
            os.close(fd_out)
    finally:
        os.close(fd_in)
    return h.hexdigest(), size


class Folders:
    """Creates each parent folder once (a million files share a few thousand folders)."""

    def __init__(self, mode: int = 0o777):
        self.made: set[str] = set()
        self.mode = mode

    def parent_of(self, path: str) -> str:
        parent = os.path.dirname(path)
        if parent not in self.made:
            os.makedirs(parent, mode=self.mode, exist_ok=True)
            self.made.add(parent)
        return path


def stream_digest(stream) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        h.update(chunk)
        size += len(chunk)
    return h.hexdigest(), size


def is_safe(name: str) -> bool:
    """Whether a storage name stays inside its folder (relative, no ``..``, ``.`` or empty parts)."""
    wrapped = f"/{name}/"
    return bool(name) and not name.startswith("/") and "\\" not in name and "\0" not in name and not any(
        part in wrapped for part in ("/../", "/./", "//"))


def parallel(fn, items: Iterable, jobs: int, window: int = 16384, chunk: int = 256) -> Iterator:
    """``fn(item)`` for each item on ``jobs`` threads, in order, with at most ``window`` items in flight, so a
    million items never sit in memory at once. Items go to the threads ``chunk`` at a time: one future per
    small file would cost more than reading it. File reads, writes and hashlib (over 2 KiB) release the GIL."""
    iterator = iter(items)

    def run(part: list) -> list:
        return [fn(item) for item in part]

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        while True:
            batch = [item for _, item in zip(range(window), iterator, strict=False)]
            if not batch:
                return
            for done in pool.map(run, [batch[i:i + chunk] for i in range(0, len(batch), chunk)]):
                yield from done


def read_header(folder: Path) -> dict:
    with (folder / HEADER).open(encoding="utf-8") as f:
        header = json.load(f)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError("unknown backup format")
    return header
