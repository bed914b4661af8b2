"""Air-gapped exchange through folders (a removable disk, or a share the two sides' operators move by hand).

Sending writes ``<outbox>/<id>.edxml`` and its sidecar ``<id>.json`` (``{"message_type", "from", "to"}``), each
atomically: written to a hidden temporary file, flushed to disk, then renamed, so the other side never picks up
half a package; the sidecar is in place before the package appears. Receiving reads ``<inbox>``: every regular
``*.edxml`` file (its sidecar, when present, gives the message type; without one a package with a ``StatusCode``
is a status). Acknowledging moves the package and its sidecar to ``<inbox>/done/`` or ``<inbox>/failed/`` (with
``<id>.reason.txt``), so it is no longer listed.

The folders are hostile ground: a symlink is never followed (neither a package nor a sidecar), ids are checked
against a strict pattern so no path leaves the folder, and packages over the size limit are refused. The
partner's agency list, if it ships one, is ``<inbox>/agencies.json`` (a list of ``{code, name, pcode, mail}``)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
import urllib.parse
import uuid
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from .base import EDOC, STATUS, DirectoryEntry, Received, TransportError
from .vdxp import check_message_type, directory_entries, msg

NOT_A_FOLDER = _("Thư mục trao đổi %(path)s không tồn tại hoặc không phải thư mục.")
SYMLINK_REFUSED = _("Thư mục trao đổi không được là liên kết tượng trưng (symlink): %(path)s.")
BAD_ID = _("Mã gói tin không hợp lệ: %(value)s.")
NOT_FOUND = _("Không có gói tin %(value)s trong thư mục nhận.")
NOT_A_FILE = _("Gói tin %(value)s không phải tệp thông thường (liên kết tượng trưng hoặc thư mục bị từ chối).")
TOO_LARGE = _("Gói tin %(value)s lớn %(size)s byte, vượt quá giới hạn %(limit)s byte.")
WRITE_FAILED = _("Không ghi được gói tin vào thư mục gửi %(path)s: %(error)s.")
READ_FAILED = _("Không đọc được thư mục nhận %(path)s: %(error)s.")
BAD_AGENCY_LIST = _("Tệp danh sách đơn vị agencies.json không đọc được: %(error)s.")

PACKAGE_SUFFIX, SIDECAR_SUFFIX, REASON_SUFFIX = ".edxml", ".json", ".reason.txt"
DONE, FAILED = "done", "failed"
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
SIDECAR_LIMIT = 64 * 1024
AGENCY_LIST_LIMIT = 16 * 1024 * 1024


class FolderTransport:
    """Packages through two folders: ``outbox`` (written here, carried away) and ``inbox`` (brought here)."""

    name = "folder"

    def __init__(self, *, outbox: str | os.PathLike, inbox: str | os.PathLike, max_bytes: int = 100 * 1024 * 1024):
        self.outbox = Path(outbox)
        self.inbox = Path(inbox)
        self.max_bytes = max_bytes

    @classmethod
    def from_partner(cls, partner) -> FolderTransport:
        """From a partner row whose ``base_url`` is the exchange folder (a path, or a ``file://`` URL): packages go
        to its ``outbox/`` and come from its ``inbox/`` (the other side's ``outbox/`` carried over)."""
        root = Path(urllib.parse.unquote(urllib.parse.urlsplit(partner.base_url).path)
                    if partner.base_url.startswith("file:") else partner.base_url)
        options = {key: value for key, value in (getattr(partner, "options", None) or {}).items()
                   if key == "max_bytes"}
        return cls(outbox=root / "outbox", inbox=root / "inbox", **options)

    # The Transport protocol ---------------------------------------------------------------------------------

    def send(self, *, package: bytes, message_type: str, from_organ_id: str, to_organ_ids: list[str]) -> str:
        check_message_type(message_type)
        remote_id = uuid.uuid4().hex
        if len(package) > self.max_bytes:
            raise TransportError(msg(TOO_LARGE, value=remote_id, size=len(package), limit=self.max_bytes),
                                 temporary=False)
        folder = self._folder(self.outbox, create=True)
        sidecar = json.dumps({"message_type": message_type, "from": from_organ_id, "to": list(to_organ_ids),
                              "created": dt.datetime.now(dt.UTC).isoformat()}, ensure_ascii=False).encode()
        try:
            _write_atomically(folder, remote_id + SIDECAR_SUFFIX, sidecar)
            _write_atomically(folder, remote_id + PACKAGE_SUFFIX, package)
        except OSError as error:
            (folder / (remote_id + SIDECAR_SUFFIX)).unlink(missing_ok=True)
            # A full or unplugged disk may be fixed by the operator: try again later.
            raise TransportError(msg(WRITE_FAILED, path=folder, error=error.strerror or error),
                                 temporary=True) from None
        return remote_id

    def list_received(self, *, message_type: str) -> list[Received]:
        check_message_type(message_type)
        folder = self._folder(self.inbox)
        received = []
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            raise TransportError(msg(READ_FAILED, path=folder, error=error.strerror or error),
                                 temporary=True) from None
        for entry in entries:
            if not entry.name.endswith(PACKAGE_SUFFIX) or not entry.is_file(follow_symlinks=False):
                continue
            remote_id = entry.name.removesuffix(PACKAGE_SUFFIX)
            if not ID_PATTERN.fullmatch(remote_id):
                continue
            meta = self._sidecar(folder, remote_id)
            kind = meta.get("message_type") if meta.get("message_type") in (EDOC, STATUS) else \
                self._sniff(folder / entry.name, entry)
            if kind != message_type:
                continue
            to = meta.get("to")
            received.append(Received(
                remote_id=remote_id, message_type=kind, from_organ_id=str(meta.get("from") or ""),
                to_organ_ids=tuple(str(organ) for organ in to) if isinstance(to, list) else (),
                created_at=dt.datetime.fromtimestamp(entry.stat(follow_symlinks=False).st_mtime, tz=dt.UTC),
            ))
        return received

    def fetch(self, remote_id: str) -> bytes:
        path = self._package(remote_id)
        try:
            with open(path, "rb", opener=_no_follow) as file:
                info = os.fstat(file.fileno())
                if not stat.S_ISREG(info.st_mode):
                    raise TransportError(msg(NOT_A_FILE, value=remote_id), temporary=False)
                if info.st_size > self.max_bytes:
                    raise TransportError(msg(TOO_LARGE, value=remote_id, size=info.st_size, limit=self.max_bytes),
                                         temporary=False)
                data = file.read(self.max_bytes + 1)
        except FileNotFoundError:
            raise TransportError(msg(NOT_FOUND, value=remote_id), temporary=False) from None
        except OSError as error:  # ELOOP: the name is a symlink
            raise TransportError(msg(NOT_A_FILE, value=remote_id), temporary=False) from error
        if len(data) > self.max_bytes:  # grew while read
            raise TransportError(msg(TOO_LARGE, value=remote_id, size=len(data), limit=self.max_bytes),
                                 temporary=False)
        return data

    def acknowledge(self, remote_id: str, *, ok: bool, reason: str = "") -> None:
        path = self._package(remote_id)
        if not path.is_file() or path.is_symlink():
            raise TransportError(msg(NOT_FOUND, value=remote_id), temporary=False)
        target = self._folder(self.inbox / (DONE if ok else FAILED), create=True)
        try:
            if not ok:
                _write_atomically(target, remote_id + REASON_SUFFIX, (reason or "").encode("utf-8"))
            sidecar = path.with_name(remote_id + SIDECAR_SUFFIX)
            if sidecar.is_file() and not sidecar.is_symlink():
                os.replace(sidecar, target / sidecar.name)
            os.replace(path, target / path.name)
            _fsync_folder(target)
            _fsync_folder(path.parent)
        except OSError as error:
            raise TransportError(msg(WRITE_FAILED, path=target, error=error.strerror or error),
                                 temporary=True) from None

    def agencies(self) -> list[DirectoryEntry]:
        path = self._folder(self.inbox) / "agencies.json"
        if not path.exists() or path.is_symlink():
            return []
        try:
            with open(path, "rb", opener=_no_follow) as file:
                data = json.loads(file.read(AGENCY_LIST_LIMIT + 1)[:AGENCY_LIST_LIMIT].decode("utf-8-sig"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise TransportError(msg(BAD_AGENCY_LIST, error=error), temporary=False) from None
        return directory_entries(data)

    # Plumbing ----------------------------------------------------------------------------------------------

    def _folder(self, path: Path, *, create: bool = False) -> Path:
        if path.is_symlink():
            raise TransportError(msg(SYMLINK_REFUSED, path=path), temporary=False)
        if create:
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise TransportError(msg(WRITE_FAILED, path=path, error=error.strerror or error),
                                     temporary=True) from None
        if not path.is_dir():
            # An unplugged disk: the folder may come back.
            raise TransportError(msg(NOT_A_FOLDER, path=path), temporary=True)
        return path

    def _package(self, remote_id: str) -> Path:
        if not isinstance(remote_id, str) or not ID_PATTERN.fullmatch(remote_id):
            raise TransportError(msg(BAD_ID, value=str(remote_id)[:200]), temporary=False)
        folder = self._folder(self.inbox)
        path = folder / (remote_id + PACKAGE_SUFFIX)
        if path.parent.resolve() != folder.resolve():
            raise TransportError(msg(BAD_ID, value=remote_id), temporary=False)
        return path

    def _sidecar(self, folder: Path, remote_id: str) -> dict:
        path = folder / (remote_id + SIDECAR_SUFFIX)
        try:
            with open(path, "rb", opener=_no_follow) as file:
                if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                    return {}
                data = json.loads(file.read(SIDECAR_LIMIT + 1)[:SIDECAR_LIMIT].decode("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return {}  # none, a symlink, or unreadable: the package alone decides
        return data if isinstance(data, dict) else {}

    def _sniff(self, path: Path, entry: os.DirEntry) -> str:
        try:
            with open(path, "rb", opener=_no_follow) as file:
                head = file.read(min(self.max_bytes, 256 * 1024))
        except OSError:
            return EDOC
        return STATUS if b"StatusCode>" in head else EDOC


def _no_follow(path, flags):
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0))


def _write_atomically(folder: Path, name: str, data: bytes) -> None:
    temporary = folder / f".{name}.{uuid.uuid4().hex}.tmp"
    try:
        with open(temporary, "xb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, folder / name)
    finally:
        temporary.unlink(missing_ok=True)
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems (network shares) do not sync folders
    finally:
        os.close(descriptor)
