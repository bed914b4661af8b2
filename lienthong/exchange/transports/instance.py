"""Transport (a): the own exchange API of another instance of this system (or of a hub), as its client.

Requests are signed with the partner's shared secret (``exchange.auth``) under this instance's system id
(``EXCHANGE_SYSTEM_ID``, read at each request when ``system_id`` is None).

Errors: a network failure, a timeout or a 5xx answer is temporary (retried with
back-off); any 4xx (refused package, bad signature, unknown system, inactive partner) is permanent, its
Vietnamese ``message`` kept as the reason.

``http`` is the function that performs a request, ``(method, url, headers, body, timeout) -> (status, body)``;
by default urllib. Tests pass an adapter to Django's test client.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings

from lienthong.exchange import auth
from lienthong.exchange.selectors import own_system_id
from lienthong.exchange.transports.base import DirectoryEntry, Received, TransportError

Http = Callable[[str, str, dict, bytes, float], tuple[int, bytes]]
PREFIX = "/api/exchange"


def urllib_http(method: str, url: str, headers: dict, body: bytes, timeout: float) -> tuple[int, bytes]:
    if urlsplit(url).scheme not in ("http", "https"):
        raise TransportError(f"{url}: chỉ dùng địa chỉ http hoặc https", temporary=False)
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, data=body if method != "GET" else None, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only, checked
            return response.status, response.read(50 * 1024 * 1024 + 1)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(64 * 1024)


class InstanceTransport:
    name = "instance"

    def __init__(self, *, base_url: str, system_id: str | None, secret: str, http: Http | None = None,
                 timeout: float | None = None):
        self.base_url = base_url.rstrip("/")
        self.system_id, self.secret = system_id, secret
        self.http = http or urllib_http
        self.timeout = timeout if timeout is not None else float(getattr(settings, "EXCHANGE_TRANSPORT_TIMEOUT", 30))

    @classmethod
    def from_partner(cls, partner, *, http: Http | None = None) -> InstanceTransport:
        return cls(base_url=partner.base_url, system_id=None, secret=partner.secret, http=http)

    def _call(self, method: str, path: str, *, query: dict | None = None, payload: dict | None = None,
              raw: bytes | None = None):
        full_path = PREFIX + path + (f"?{urlencode(query)}" if query else "")
        body = raw if raw is not None else json.dumps(payload).encode() if payload is not None else b""
        signed_path = urlsplit(self.base_url).path.rstrip("/") + full_path
        headers = {"Content-Type": "application/xml" if raw is not None else "application/json",
                   "Accept": "application/json",
                   **auth.signed_headers(system_id=self.system_id or own_system_id(), secret=self.secret, method=method,
                                         path=signed_path, body=body)}
        try:
            status, answer = self.http(method, self.base_url + full_path, headers, body, self.timeout)
        except (OSError, TimeoutError) as exc:  # refused, reset, DNS, timeout
            raise TransportError(f"{self.base_url}: {exc}", temporary=True) from exc
        if status >= 500 or status in (408, 429):
            raise TransportError(f"{self.base_url}: HTTP {status}", temporary=True)
        try:
            data = json.loads(answer or b"null")
        except ValueError:
            raise TransportError(f"{self.base_url}: HTTP {status}, câu trả lời không phải JSON",
                                 temporary=status >= 500) from None
        if status >= 400:
            message = data.get("message", "") if isinstance(data, dict) else ""
            raise TransportError(message or f"HTTP {status}", temporary=False)
        return data

    def send(self, *, package: bytes, message_type: str, from_organ_id: str, to_organ_ids: list[str]) -> str:
        data = self._call("POST", "/packages", query={"message_type": message_type, "to": ",".join(to_organ_ids)},
                          raw=package)
        return str(data.get("id") or "")

    def list_received(self, *, message_type: str) -> list[Received]:
        return [Received(remote_id=str(row["id"]), message_type=row["message_type"],
                         from_organ_id=row.get("from_organ_id", ""), to_organ_ids=tuple(row.get("to_organ_ids", ())))
                for row in self._call("GET", "/packages", query={"message_type": message_type})]

    def fetch(self, remote_id: str) -> bytes:
        data = self._call("GET", f"/packages/{remote_id}")
        try:
            return base64.b64decode(data["package"], validate=True)
        except (KeyError, TypeError, ValueError) as exc:
            raise TransportError(f"{self.base_url}: gói tin {remote_id} không đọc được", temporary=False) from exc

    def acknowledge(self, remote_id: str, *, ok: bool, reason: str = "") -> None:
        self._call("POST", f"/packages/{remote_id}/ack", payload={"ok": ok, "reason": reason[:2000]})

    def agencies(self) -> list[DirectoryEntry]:
        return [DirectoryEntry(organ_id=row["organ_id"], name=row["name"],
                               parent_organ_id=row.get("parent_organ_id", ""), email=row.get("email", ""))
                for row in self._call("GET", "/agencies")]
