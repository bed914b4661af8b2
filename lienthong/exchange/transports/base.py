"""What every transport offers the gateway (``exchange.services``): send a package, list what arrived, fetch one,
acknowledge it, and the partner's agency list. A transport knows nothing of documents or deliveries: it moves bytes.

Errors: ``TransportError``; ``temporary=True`` (network down, 5xx, timeout) means "retry later with back-off",
``temporary=False`` (refused: 4xx, bad credentials, the partner says the package is invalid) means "do not retry
the same bytes; record the reason"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

EDOC, STATUS = "edoc", "status"


class TransportError(Exception):
    def __init__(self, message: str, *, temporary: bool):
        super().__init__(message)
        self.message = message
        self.temporary = temporary


@dataclass(frozen=True)
class Received:
    """A package waiting at the partner for this system to fetch it."""

    remote_id: str
    message_type: str  # EDOC or STATUS
    from_organ_id: str = ""
    to_organ_ids: tuple[str, ...] = ()
    created_at: dt.datetime | None = None


@dataclass(frozen=True)
class DirectoryEntry:
    """One agency of the partner's (or the platform's) list."""

    organ_id: str
    name: str
    parent_organ_id: str = ""
    email: str = ""


class Transport(Protocol):
    name: str  # "instance", "vdxp", "lgsp", "folder"

    def send(self, *, package: bytes, message_type: str, from_organ_id: str,
             to_organ_ids: list[str]) -> str:
        """Hand the package over; returns the partner's id for it. Raises TransportError."""

    def list_received(self, *, message_type: str) -> list[Received]:
        """Packages of ``message_type`` waiting to be fetched (not yet acknowledged)."""

    def fetch(self, remote_id: str) -> bytes:
        """The package's bytes."""

    def acknowledge(self, remote_id: str, *, ok: bool, reason: str = "") -> None:
        """Transport receipt: the package was taken (``ok``) or could not be taken (``reason``); after it the
        package is no longer listed."""

    def agencies(self) -> list[DirectoryEntry]:
        """The partner's agency list (for the directory)."""
