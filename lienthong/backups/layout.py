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
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

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


def file_digest(path: Path) -> tuple[str, int]:
    """(SHA-256 hex, size) of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def stream_digest(stream) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        h.update(chunk)
        size += len(chunk)
    return h.hexdigest(), size


def safe_relative(name: str) -> PurePosixPath | None:
    """The storage name as a relative path, or None when it could leave its folder (absolute, ``..``)."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or any(part in ("..", "") for part in path.parts) or "\\" in name:
        return None
    return path


def parallel(fn, items: Iterable, jobs: int, window: int = 4096) -> Iterator:
    """``fn(item)`` for each item on ``jobs`` threads, in order, with at most ``window`` items in flight,
    so a million items never sit in memory at once (hashlib and file reads release the GIL)."""
    iterator = iter(items)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        while True:
            batch = [item for _, item in zip(range(window), iterator, strict=False)]
            if not batch:
                return
            yield from pool.map(fn, batch)


def read_header(folder: Path) -> dict:
    with (folder / HEADER).open(encoding="utf-8") as f:
        header = json.load(f)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError("unknown backup format")
    return header
