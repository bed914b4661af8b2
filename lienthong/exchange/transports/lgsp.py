"""A provincial integration platform (LGSP, "Nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh") as a ``Transport``.

Shaped after the one LGSP whose API could be read (Lạng Sơn, ``../shared/domain/edxml.md`` §4.4):
``POST /v1/auth/login`` for a bearer token, ``POST /v1/sendEdoc`` (multipart, field ``edocFile``),
``GET /v1/syncReceivedEdocList``, ``GET /v1/getEdoc``, ``POST /v1/updateStatus`` (JSON), ``GET /v1/getAgenciesList``;
every call also carries ``X-SystemId`` and ``X-SecretKey``. Answers carry an error code from the table below.

Other provinces' LGSPs differ (paths, login body, field names): this client reads the answer's fields in the
spellings seen, and the login body and paths are constructor options, but connecting to another province means
reading that province's API document first (docs/operations.md)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import threading
import time
import urllib.parse
import uuid

from django.utils.translation import gettext_lazy as _

from .base import DirectoryEntry, Received, TransportError
from .vdxp import (
    BAD_ANSWER,
    BAD_DATA,
    MB,
    VIETNAM,
    HttpAnswer,
    check_message_type,
    directory_entries,
    first,
    http_call,
    json_answer,
    msg,
    organ_ids,
    parse_time,
    partner_options,
)

LGSP_NAME = _("Nền tảng tích hợp cấp tỉnh (LGSP)")
REFUSED = _("LGSP từ chối %(operation)s (mã %(code)s): %(meaning)s %(detail)s")
NO_TOKEN = _("LGSP không cấp mã truy cập (đăng nhập không trả về token).")
STILL_UNAUTHORIZED = _("LGSP vẫn từ chối mã truy cập sau khi đăng nhập lại (HTTP 401).")

# The platform's error codes (edxml.md §4.4): code → (Vietnamese meaning, temporary?).
ERROR_CODES = {
    "10": (_("Tệp gói tin không hợp lệ."), False),
    "15": (_("Sai mã hệ thống (SystemId) hoặc khóa bí mật (SecretKey)."), False),
    "18": (_("Đơn vị nhận không tồn tại trên nền tảng."), False),
    "19": (_("Đơn vị gửi chưa được đăng ký trên nền tảng."), False),
    "20": (_("Nền tảng đang gặp lỗi; sẽ thử lại sau."), True),
    "21": (_("Nền tảng gặp lỗi khi xử lý tệp; sẽ thử lại sau."), True),
    "22": (_("Gói tin edXML không đúng chuẩn QCVN 102."), False),
    "23": (_("Đơn vị nhận đang bị khóa trên nền tảng."), False),
}
UNKNOWN_CODE = _("Lỗi không có trong bảng mã của nền tảng.")

TOKEN_MARGIN = 30  # seconds before the token's expiry at which a new one is fetched
DEFAULT_TOKEN_LIFETIME = 300


class LgspTransport:
    """Client of one provincial LGSP for one connected system. Plain values only (the gateway builds it from a
    partner row)."""

    name = "lgsp"

    def __init__(self, *, base_url: str, system_id: str, secret_key: str, timeout: float = 30.0,
                 max_response_bytes: int = 64 * MB, api_prefix: str = "/v1", login_body: dict | None = None,
                 lookback_days: int = 30, clock=time.monotonic):
        self.base_url = base_url.rstrip("/")
        self.system_id = system_id
        self.secret_key = secret_key
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
        self.api_prefix = "/" + api_prefix.strip("/") if api_prefix.strip("/") else ""
        # What the login call sends; Lạng Sơn's takes the system's credentials (other LGSPs ask for a user).
        self.login_body = login_body if login_body is not None else {"systemId": system_id, "secretKey": secret_key}
        self.lookback_days = lookback_days  # how far back the received list is asked for (it needs a date range)
        self.clock = clock
        self._token = ""
        self._token_expires = 0.0
        self._lock = threading.Lock()

    @classmethod
    def from_partner(cls, partner) -> LgspTransport:
        """From a partner row: ``base_url``, ``system_id``, ``secret`` (and ``partner_options``)."""
        return cls(base_url=partner.base_url, system_id=partner.system_id, secret_key=partner.secret,
                   **partner_options(partner, cls))

    # The Transport protocol ---------------------------------------------------------------------------------

    def send(self, *, package: bytes, message_type: str, from_organ_id: str, to_organ_ids: list[str]) -> str:
        fields = {"messageType": check_message_type(message_type), "from": from_organ_id}
        if to_organ_ids:
            fields["to"] = json.dumps(list(to_organ_ids), separators=(",", ":"))
        body, content_type = _multipart(fields, "edocFile", "package.edxml", package)
        data = self._json("sendEdoc", "POST", "/sendEdoc", body=body, content_type=content_type)
        doc_id = str(first(data, "docId", "DocId", "id") or first(_inner(data), "docId", "DocId", "id")).strip()
        if not doc_id:
            raise TransportError(msg(BAD_ANSWER, name=LGSP_NAME, operation="sendEdoc"), temporary=True)
        return doc_id

    def list_received(self, *, message_type: str, since: dt.date | None = None) -> list[Received]:
        today = dt.datetime.now(VIETNAM).date()
        query = {"messageType": check_message_type(message_type),
                 "fromDate": (since or today - dt.timedelta(days=self.lookback_days)).strftime("%Y/%m/%d"),
                 "toDate": (today + dt.timedelta(days=1)).strftime("%Y/%m/%d")}
        data = self._json("syncReceivedEdocList", "GET", "/syncReceivedEdocList?" + urllib.parse.urlencode(query))
        items = data.get("data")
        if isinstance(items, dict):
            items = first(items, "items", "content", "data", default=[])
        received = []
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            doc_id = str(first(item, "docId", "DocId", "id")).strip()
            if not doc_id:
                continue
            received.append(Received(
                remote_id=doc_id,
                message_type=str(first(item, "messageType", "messagetype", default=message_type)).lower(),
                from_organ_id=str(first(item, "from", "fromCode", "fromOrganId")).strip(),
                to_organ_ids=organ_ids(first(item, "to", "toCode", "toOrganIds", default=[])),
                created_at=parse_time(first(item, "createdTime", "created_time", "createdAt", default=None)),
            ))
        return received

    def fetch(self, remote_id: str) -> bytes:
        answer = self._call("getEdoc", "GET", "/getEdoc?" + urllib.parse.urlencode({"docId": remote_id}))
        if "json" not in answer.headers.get("Content-Type", "").lower():
            head = answer.body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
            if not head.startswith(b"<") or head.startswith((b"<!doctype html", b"<html")):
                # Not a package: an error page of a proxy, or nothing. Try again later.
                raise TransportError(msg(BAD_ANSWER, name=LGSP_NAME, operation="getEdoc"), temporary=True)
            return answer.body  # the file itself
        data = self._check(json_answer(answer, name=LGSP_NAME, operation="getEdoc"), "getEdoc")
        encoded = first(data, "data", "content", "file")
        if isinstance(encoded, dict):
            encoded = first(encoded, "content", "data", "file")
        if not isinstance(encoded, str) or not encoded:
            raise TransportError(msg(BAD_ANSWER, name=LGSP_NAME, operation="getEdoc"), temporary=True)
        try:
            return base64.b64decode("".join(encoded.split()), validate=True)
        except (binascii.Error, ValueError):
            raise TransportError(msg(BAD_DATA, doc_id=remote_id, name=LGSP_NAME), temporary=False) from None

    def acknowledge(self, remote_id: str, *, ok: bool, reason: str = "") -> None:
        body = {"docId": remote_id, "status": "done" if ok else "fail"}
        self._json("updateStatus", "POST", "/updateStatus", body=json.dumps(body).encode(),
                   content_type="application/json")

    def agencies(self) -> list[DirectoryEntry]:
        data = self._json("getAgenciesList", "GET", "/getAgenciesList")
        items = data.get("data")
        if isinstance(items, dict):
            items = first(items, "items", "content", "agencies", default=[])
        return directory_entries(items)

    # Plumbing ----------------------------------------------------------------------------------------------

    def _json(self, operation, method, path, *, body=None, content_type="") -> dict:
        answer = self._call(operation, method, path, body=body, content_type=content_type)
        return self._check(json_answer(answer, name=LGSP_NAME, operation=operation), operation)

    def _call(self, operation, method, path, *, body=None, content_type="") -> HttpAnswer:
        for attempt in (1, 2):
            headers = {"X-SystemId": self.system_id, "X-SecretKey": self.secret_key,
                       "Authorization": "Bearer " + self._bearer(), "Accept": "application/json"}
            if content_type:
                headers["Content-Type"] = content_type
            answer = http_call(name=LGSP_NAME, operation=operation, url=self.base_url + self.api_prefix + path,
                               method=method, headers=headers, body=body, timeout=self.timeout,
                               max_bytes=self.max_response_bytes, ok_statuses=(401,))
            if answer.status != 401:
                return answer
            with self._lock:  # the token expired early or was revoked: log in again, once
                self._token = ""
            if attempt == 2:
                break
        raise TransportError(msg(STILL_UNAUTHORIZED), temporary=False)

    def _bearer(self) -> str:
        with self._lock:
            if self._token and self.clock() < self._token_expires - TOKEN_MARGIN:
                return self._token
            answer = http_call(name=LGSP_NAME, operation="auth/login", method="POST",
                               url=self.base_url + self.api_prefix + "/auth/login",
                               headers={"X-SystemId": self.system_id, "X-SecretKey": self.secret_key,
                                        "Content-Type": "application/json", "Accept": "application/json"},
                               body=json.dumps(self.login_body).encode(), timeout=self.timeout,
                               max_bytes=1 * MB)
            data = self._check(json_answer(answer, name=LGSP_NAME, operation="auth/login"), "auth/login")
            inner = _inner(data)
            token = str(first(data, "accessToken", "access_token", "token")
                        or first(inner, "accessToken", "access_token", "token")).strip()
            if not token:
                raise TransportError(msg(NO_TOKEN), temporary=False)
            lifetime = first(data, "expiresIn", "expires_in") or first(inner, "expiresIn", "expires_in")
            try:
                seconds = float(lifetime) if lifetime else DEFAULT_TOKEN_LIFETIME
            except (TypeError, ValueError):
                seconds = DEFAULT_TOKEN_LIFETIME
            self._token, self._token_expires = token, self.clock() + seconds
            return token

    @staticmethod
    def _check(data: dict, operation: str) -> dict:
        code = str(first(data, "errorCode", "ErrorCode", "code", default="0")).strip()
        if code in ("0", "200", ""):
            return data
        meaning, temporary = ERROR_CODES.get(code, (UNKNOWN_CODE, False))
        detail = str(first(data, "message", "errorDesc", "ErrorDesc", "errorMessage"))[:300]
        raise TransportError(msg(REFUSED, operation=operation, code=code, meaning=meaning, detail=detail).strip(),
                             temporary=temporary)


def _inner(data: dict) -> dict:
    inner = data.get("data")
    return inner if isinstance(inner, dict) else {}


def _multipart(fields: dict[str, str], file_field: str, file_name: str, content: bytes) -> tuple[bytes, str]:
    boundary = "----lienthong" + uuid.uuid4().hex
    parts = []
    for key, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{file_name}"\r\n'
                 "Content-Type: application/xml\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
