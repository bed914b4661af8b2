"""Content-addressed storage of originals: the bytes of a file are kept once, under their SHA-256.

Two uploads of the same file share one stored copy (``storage_name_for``); a writer that loses a race
with another keeps a single copy. Files are written inside the caller's transaction, before its rows
commit, so a transaction that rolls back hands the names it wrote to ``discard_written``, which removes
those no committed row refers to: a file and its row exist together or not at all. The rows that refer
to the bytes belong to the apps that keep them (``documents.StoredFile``); this module only knows names.

The store is Django's default storage: the local folder, or an S3-compatible object store through
django-storages (settings ``LIENTHONG_S3_*``). Writes hand the storage a file object over the bytes
already read (no second copy; boto3 uploads large files in parts); reads stream the object's body
(``open_original``), never a presigned URL, so every download passes the app's permission check. When the
store cannot be reached or refuses, the caller gets ``StorageUnavailable`` (503, a Vietnamese message),
raised inside the transaction so that nothing of the registration, its number included, is kept.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import posixpath
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.files.base import File
from django.core.files.storage import default_storage, storages
from django.utils.translation import gettext_lazy

from lienthong.core.errors import DomainError

log = logging.getLogger(__name__)

STORE_UNAVAILABLE = gettext_lazy(
    "Kho lưu trữ tệp tạm thời không truy cập được nên chưa lưu được tệp; chưa có gì được ghi nhận (kể cả "
    "số văn bản). Vui lòng thử lại sau ít phút hoặc báo cho quản trị hệ thống.")
STORE_UNAVAILABLE_READ = gettext_lazy(
    "Kho lưu trữ tệp tạm thời không truy cập được nên chưa mở được tệp. Vui lòng thử lại sau ít phút.")


class StorageUnavailable(DomainError):
    """The file store could not be reached or refused the operation (network, credentials, disk)."""

    code = "storage_unavailable"
    status = 503

    def __init__(self, message=None):
        super().__init__(message or STORE_UNAVAILABLE)


def store_errors() -> tuple[type[BaseException], ...]:
    """The exceptions that mean "the store failed": OSError (local folder, sockets) and, when the S3 client
    is installed, botocore's errors (``ClientError`` for a refusal, ``BotoCoreError`` for the rest)."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover - botocore is in the production lock
        return (OSError,)
    return (OSError, BotoCoreError, ClientError)


@contextmanager
def store_guard(message=None) -> Iterator[None]:
    """Turn a failure of the store into ``StorageUnavailable``; a missing file stays ``FileNotFoundError``."""
    try:
        yield
    except FileNotFoundError:
        raise
    except store_errors() as exc:
        log.warning("file store unavailable: %s", exc, exc_info=True)
        raise StorageUnavailable(message) from exc


def storage_name_for(sha256: str) -> str:
    return f"originals/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_original(data, sha256: str, written: list[str]) -> str:
    """Write the bytes (``bytes`` or a binary file object at its start) under their hash unless already
    there; remember newly written names in ``written``. ``StorageUnavailable`` when the store fails."""
    name = storage_name_for(sha256)
    # io.BytesIO over bytes shares their buffer (no copy); the storage reads it in chunks (S3: in parts).
    content = File(io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data, name=name)
    with store_guard():
        if default_storage.exists(name):
            return name
        saved = default_storage.save(name, content)
        if saved != name:  # a concurrent writer won the race on a store that renames; keep one copy
            default_storage.delete(saved)
        else:
            written.append(name)
    return name


# Threads writing the originals of one bulk batch: the writes wait on the disk or the network (an S3 PUT
# takes milliseconds), not on Python, so they overlap; django-storages keeps one S3 connection per thread.
WRITERS = 8


def write_originals(items: list[tuple[bytes, str]], written: list[str]) -> list[str]:
    """``write_original`` for many (bytes, SHA-256) pairs at once, on ``WRITERS`` threads; the names, in order.
    On a failure every write already started is finished before the error is raised, so ``written`` names
    everything that was stored (the caller removes them)."""
    if len(items) < 4:
        return [write_original(data, sha, written) for data, sha in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="store") as pool:
        return list(pool.map(lambda item: write_original(item[0], item[1], written), items))


class StoredObjectReader(io.RawIOBase):
    """A read-only, non-seekable file over an S3 object's streamed body; ``size`` is its length."""

    def __init__(self, body, *, size: int | None, name: str):
        super().__init__()
        self._body = body
        self.size = size
        self.name = name

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        with store_guard(STORE_UNAVAILABLE_READ):
            return self._body.read(None if size is None or size < 0 else size)

    def readall(self) -> bytes:
        return self.read()

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


def is_object_store(storage) -> bool:
    """Whether ``storage`` is the S3-compatible store (django-storages' ``S3Storage``)."""
    return hasattr(storage, "bucket_name") and hasattr(storage, "connection")


def object_key(storage, name: str) -> str:
    """The S3 key of a stored name: the configured prefix (``location``) and the name."""
    return posixpath.join(storage.location, name) if storage.location else name


def open_original(storage_name: str):
    """The stored bytes as a binary file object (use it in a ``with``). From S3 the object's body is
    streamed as it is read; ``FileNotFoundError`` when the object is missing, ``StorageUnavailable`` when
    the store fails."""
    storage = storages["default"]
    with store_guard(STORE_UNAVAILABLE_READ):
        if not is_object_store(storage):
            return storage.open(storage_name, "rb")
        from botocore.exceptions import ClientError

        key = object_key(storage, storage_name)
        params = {k: v for k, v in storage.get_object_parameters(storage_name).items()
                  if k.startswith("SSECustomer")}
        try:
            answer = storage.connection.meta.client.get_object(Bucket=storage.bucket_name, Key=key, **params)
        except ClientError as exc:
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                raise FileNotFoundError(f"stored object missing: {storage_name}") from exc
            raise
        return StoredObjectReader(answer["Body"], size=answer.get("ContentLength"), name=storage_name)


def check_store() -> str:
    """Whether the file store answers (for a readiness check): the bucket is reachable with these credentials,
    or the local folder exists and is writable. Returns what was checked; ``StorageUnavailable`` otherwise."""
    storage = storages["default"]
    with store_guard():
        if is_object_store(storage):
            storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
            return f"s3://{storage.bucket_name}/{storage.location}"
        location = getattr(storage, "location", "")
        os.makedirs(location, exist_ok=True)  # as the first save would; a fresh install is ready
        if not os.access(location, os.W_OK):
            raise PermissionError(f"{location} is not writable")
        return location


def discard_written(written: list[str], still_referenced: Callable[[str], bool]) -> None:
    """After a rollback, delete files this call wrote unless a committed row now references them."""
    for name in written:
        sha = name.rsplit("/", 1)[-1]
        if not still_referenced(sha):
            try:
                default_storage.delete(name)
            except Exception:  # noqa: BLE001 - best effort: the orphan sweep removes what is left
                log.warning("could not remove orphan original %s", name, exc_info=True)
