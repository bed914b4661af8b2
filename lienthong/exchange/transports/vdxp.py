"""The national document exchange axis (VDXP, "Trục liên thông văn bản quốc gia") as a ``Transport``.

Shaped after the REST protocol of the operator's Java SDK (``../shared/domain/edxml.md`` §4.2): every call is a
request to ``<base_url>/<operation>`` whose parameters travel as ``XroadVnpt-<name>`` headers, authenticated by
``XroadVnpt-sign-header`` (a JSON object of those headers, the exact string sent) and ``XroadVnpt-hash-header``
(lowercase hex HMAC-SHA256 of that string with the system's secret key). Answers are JSON with ``status``
(``OK``/``FAIL``), ``ErrorCode`` (``"0"`` = success) and ``ErrorDesc``.

Three details are unverified against the live platform (edxml.md §8) and are therefore constructor options:
``hash_file_zero_padding`` (the SDK writes the file's SHA-256 as hex without zero-padding each byte),
``send_to_header`` (whether to send the recipients as ``XroadVnpt-to``) and ``agencies_path``.

Also the plain HTTP helper (``http_call``) the LGSP client shares: urllib with a timeout on every call, no
redirect followed (a redirect is refused), a cap on the size of every answer."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .base import EDOC, STATUS, DirectoryEntry, Received, TransportError

# Messages of TransportError (Vietnamese; the gateway shows them in the package's attempts).
UNREACHABLE = _("Không kết nối được tới %(name)s (%(url)s): %(error)s.")
TIMED_OUT = _("%(name)s không trả lời trong %(seconds)s giây (%(url)s).")
SERVER_ERROR = _("%(name)s đang gặp lỗi (HTTP %(code)s) khi gọi %(operation)s; sẽ thử lại sau.")
REFUSED_HTTP = _("%(name)s từ chối yêu cầu %(operation)s (HTTP %(code)s): %(detail)s")
BAD_CREDENTIALS = _("%(name)s từ chối mã hệ thống hoặc khóa bí mật (HTTP %(code)s): %(detail)s")
REDIRECTED = _("%(name)s chuyển hướng yêu cầu sang địa chỉ khác (%(location)s); hệ thống không đi theo. "
               "Hãy kiểm tra lại địa chỉ kết nối.")
TOO_LARGE = _("Phản hồi của %(name)s vượt quá giới hạn %(limit)s byte.")
BAD_ANSWER = _("%(name)s trả lời không đúng định dạng khi gọi %(operation)s.")
REFUSED = _("%(name)s từ chối %(operation)s (mã lỗi %(code)s): %(detail)s")
BAD_DATA = _("Gói tin %(doc_id)s tải về từ %(name)s không giải mã được (base64).")
BAD_HEADER = _("Giá trị tham số gửi tới %(name)s có ký tự không gửi được trong tiêu đề HTTP: %(error)s.")
BAD_MESSAGE_TYPE = _("Loại gói tin không hợp lệ: %(value)s (chỉ nhận edoc hoặc status).")

VDXP_NAME = _("Trục liên thông văn bản quốc gia")

USER_AGENT = "JAVASDKAgent/1.0.0 XRoad/VPCP"
PROTOCOL_VERSION = "3.0.201608"
HEADER_PREFIX = "XroadVnpt-"
VIETNAM = dt.timezone(dt.timedelta(hours=7))
MB = 1024 * 1024


def msg(message, **values) -> str:
    """A message constant with its values, as the text an error carries."""
    return str(message) % values if values else str(message)


# --- HTTP ---------------------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: PLR0913 (urllib's signature)
        return None  # the 3xx then reaches http_call as an HTTPError, which refuses it


_OPENER = urllib.request.build_opener(_NoRedirect())


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    headers: dict[str, str]
    body: bytes


def http_call(*, name, operation: str, url: str, method: str = "POST", headers: dict[str, str] | None = None,
              body: bytes | None = None, timeout: float = 30.0, max_bytes: int = 64 * MB,
              ok_statuses: tuple[int, ...] = ()) -> HttpAnswer:
    """One HTTP request. Network failures, timeouts and 5xx/408/429 raise a temporary ``TransportError``;
    other 4xx (and any redirect) a permanent one, except statuses in ``ok_statuses``, which are returned for the
    caller to judge (e.g. 401 for a token refresh)."""
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise TransportError(msg(UNREACHABLE, name=name, url=url, error="scheme"), temporary=False)
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)  # noqa: S310 (checked)
    try:
        return _open(request, name=name, operation=operation, url=url, timeout=timeout, max_bytes=max_bytes,
                     ok_statuses=ok_statuses)
    except _Passed as passed:
        return passed.answer


def _open(request, *, name, operation, url, timeout, max_bytes, ok_statuses) -> HttpAnswer:
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return HttpAnswer(response.status, dict(response.headers.items()),
                              _read_limited(response, max_bytes, name))
    except urllib.error.HTTPError as error:
        raise _http_error(error, name=name, operation=operation, ok_statuses=ok_statuses) from None
    except TimeoutError:
        raise TransportError(msg(TIMED_OUT, name=name, seconds=timeout, url=url), temporary=True) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise TransportError(msg(TIMED_OUT, name=name, seconds=timeout, url=url), temporary=True) from None
        raise TransportError(msg(UNREACHABLE, name=name, url=url, error=error.reason), temporary=True) from None
    except UnicodeEncodeError as error:  # a header value outside Latin-1 (e.g. a Vietnamese agency name)
        raise TransportError(msg(BAD_HEADER, name=name, error=error.object[error.start:error.end]),
                             temporary=False) from None
    except (http.client.HTTPException, ConnectionError, OSError) as error:
        raise TransportError(msg(UNREACHABLE, name=name, url=url, error=error), temporary=True) from None


class _Passed(Exception):
    def __init__(self, answer: HttpAnswer):
        self.answer = answer


def _http_error(error: urllib.error.HTTPError, *, name, operation: str, ok_statuses) -> Exception:
    try:
        detail = _read_limited(error, 4096, name, truncate=True).decode("utf-8", "replace").strip()
    except (OSError, AttributeError, http.client.HTTPException):
        detail = ""
    finally:
        error.close()
    if error.code in ok_statuses:
        return _Passed(HttpAnswer(error.code, dict(error.headers.items()), detail.encode()))
    if 300 <= error.code < 400:
        return TransportError(msg(REDIRECTED, name=name, location=error.headers.get("Location", "")),
                              temporary=False)
    if error.code >= 500 or error.code in (408, 429):
        return TransportError(msg(SERVER_ERROR, name=name, code=error.code, operation=operation), temporary=True)
    if error.code in (401, 403):
        return TransportError(msg(BAD_CREDENTIALS, name=name, code=error.code, detail=detail[:300]),
                              temporary=False)
    return TransportError(msg(REFUSED_HTTP, name=name, operation=operation, code=error.code, detail=detail[:300]),
                          temporary=False)


def _read_limited(response, limit: int, name, *, truncate: bool = False) -> bytes:
    data = response.read(limit + 1)
    if len(data) > limit:
        if truncate:
            return data[:limit]
        raise TransportError(msg(TOO_LARGE, name=name, limit=limit), temporary=False)
    return data


def json_answer(answer: HttpAnswer, *, name, operation: str) -> dict:
    try:
        data = json.loads(answer.body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        data = None
    if not isinstance(data, dict):
        # A proxy's error page or a half-answer: the platform may be fine a moment later.
        raise TransportError(msg(BAD_ANSWER, name=name, operation=operation), temporary=True)
    return data


def partner_options(partner, transport_class) -> dict:
    """The constructor options a partner row may carry beside its URL and credentials: its ``options`` mapping,
    if the model has one (keys the class does not take are ignored), and the ``EXCHANGE_TRANSPORT_TIMEOUT``
    setting (seconds)."""
    import inspect

    from django.conf import settings

    accepted = inspect.signature(transport_class).parameters
    options = {key: value for key, value in (getattr(partner, "options", None) or {}).items()
               if key in accepted and key not in ("base_url", "system_id", "secret_key")}
    options.setdefault("timeout", float(getattr(settings, "EXCHANGE_TRANSPORT_TIMEOUT", 30)))
    return options


def check_message_type(message_type: str) -> str:
    if message_type not in (EDOC, STATUS):
        raise TransportError(msg(BAD_MESSAGE_TYPE, value=message_type), temporary=False)
    return message_type


def parse_time(value) -> dt.datetime | None:
    """A platform timestamp as sent in lists: ``dd/MM/yyyy HH:mm:ss``, ``yyyy/MM/dd HH:mm:ss``, ISO 8601 or epoch
    milliseconds; None when it is none of these."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    for pattern in ("%d/%m/%Y %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%d/%m/%Y", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(text, pattern).replace(tzinfo=VIETNAM)
        except ValueError:
            continue
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=VIETNAM)


def organ_ids(value) -> tuple[str, ...]:
    """Recipients as lists give them: a JSON array, a JSON array in a string, or a ``,``/``;`` separated string."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                value = text.strip("[]")
        if isinstance(value, str):
            return tuple(part.strip().strip('"') for part in value.replace(";", ",").split(",") if part.strip())
    if isinstance(value, (list, tuple)):
        out = []
        for item in value:
            if isinstance(item, dict):
                item = item.get("code") or item.get("organId") or item.get("OrganId") or ""
            if str(item).strip():
                out.append(str(item).strip())
        return tuple(out)
    return ()


def first(record: dict, *keys, default=""):
    for key in keys:
        if key in record and record[key] not in (None, ""):
            return record[key]
    return default


def directory_entries(items) -> list[DirectoryEntry]:
    """An agency list in any of the field spellings seen (``code``/``pcode``/``name``/``mail`` as the registration
    call names them, or camel-case variants); entries without a code are skipped."""
    entries = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        code = str(first(item, "code", "Code", "AgencyCode", "agencyCode", "organId", "OrganId", "id")).strip()
        if not code:
            continue
        entries.append(DirectoryEntry(
            organ_id=code,
            name=str(first(item, "name", "Name", "AgencyName", "agencyName", "organName")).strip(),
            parent_organ_id=str(first(item, "pcode", "parentCode", "ParentCode", "parentId", "pid")).strip(),
            email=str(first(item, "mail", "email", "Email", "Mail")).strip(),
        ))
    return entries


# --- VDXP ---------------------------------------------------------------------------------------------------


def sdk_file_hash(data: bytes, *, zero_padding: bool = False) -> str:
    """SHA-256 of the package as hex. The operator's SDK builds the hex by appending ``Integer.toHexString`` of
    each byte, i.e. **without** zero-padding (a byte 0x0a becomes ``a``); ``zero_padding=True`` gives the usual
    64-character form, for a platform that expects it (unverified which one the live platform checks, [U])."""
    digest = hashlib.sha256(data).digest()
    return digest.hex() if zero_padding else "".join(format(byte, "x") for byte in digest)


def sdk_timestamp(moment: dt.datetime, tz: dt.tzinfo = VIETNAM) -> str:
    """``ddMMyyyy'T'HHmmss+SSSS`` as the SDK's date pattern prints it: ``+`` is a literal, ``SSSS`` the
    milliseconds on four digits."""
    local = moment.astimezone(tz)
    return local.strftime("%d%m%YT%H%M%S") + "+" + f"{local.microsecond // 1000:04d}"


def parse_sdk_timestamp(text: str, tz: dt.tzinfo = VIETNAM) -> dt.datetime | None:
    try:
        head, millis = text.split("+", 1)
        moment = dt.datetime.strptime(head, "%d%m%YT%H%M%S").replace(tzinfo=tz)
        return moment + dt.timedelta(milliseconds=int(millis))
    except ValueError:
        return None


def sign_headers(params: dict[str, str], secret_key: str) -> dict[str, str]:
    """The request headers for ``params`` (logical name → value): one ``XroadVnpt-<name>`` per parameter, the list
    of names, the JSON of the parameter headers, and its HMAC-SHA256 with the secret key."""
    prefixed = {HEADER_PREFIX + name: value for name, value in params.items()}
    sign_header = json.dumps(prefixed, separators=(",", ":"))
    headers = dict(prefixed)
    headers[HEADER_PREFIX + "sign-header-key"] = ";".join(params)
    headers[HEADER_PREFIX + "sign-header"] = sign_header
    headers[HEADER_PREFIX + "hash-header"] = hmac.new(secret_key.encode("utf-8"), sign_header.encode("utf-8"),
                                                      hashlib.sha256).hexdigest()
    return headers


@dataclass(frozen=True)
class SentRecord:
    """One recipient's line of ``getSentEdocList``: the platform's own delivery state of a package we sent."""

    sender_doc_id: str
    receiver_doc_id: str
    from_organ_id: str
    to_organ_id: str
    send_status: str
    send_status_desc: str
    receive_status: str
    receive_status_desc: str
    sent_at: dt.datetime | None
    received_at: dt.datetime | None
    notation: str = ""
    title: str = ""


class VdxpTransport:
    """Client of the national axis for one connected system (``system_id`` + ``secret_key`` issued by the
    operator). Plain values only, so the gateway can build it from a partner row."""

    name = "vdxp"

    def __init__(self, *, base_url: str, system_id: str, secret_key: str, timeout: float = 30.0,
                 connect_timeout: float | None = None, max_response_bytes: int = 64 * MB,
                 hash_file_zero_padding: bool = False, send_to_header: bool = True,
                 agencies_path: str = "/getAgenciesList", clock=None, tz: dt.tzinfo = VIETNAM):
        self.base_url = base_url.rstrip("/")
        self.system_id = system_id
        self.secret_key = secret_key
        # urllib has one timeout for connecting and for each read; the smaller of the two is what a caller
        # wanting a quick "down" answer sets.
        self.timeout = min(timeout, connect_timeout) if connect_timeout else timeout
        self.max_response_bytes = max_response_bytes
        self.hash_file_zero_padding = hash_file_zero_padding
        self.send_to_header = send_to_header
        self.agencies_path = agencies_path if agencies_path.startswith("/") else "/" + agencies_path
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.tz = tz

    @classmethod
    def from_partner(cls, partner) -> VdxpTransport:
        """From a partner row: ``base_url``, ``system_id``, ``secret`` (and ``partner_options``)."""
        return cls(base_url=partner.base_url, system_id=partner.system_id, secret_key=partner.secret,
                   **partner_options(partner, cls))

    # The Transport protocol ---------------------------------------------------------------------------------

    def send(self, *, package: bytes, message_type: str, from_organ_id: str, to_organ_ids: list[str]) -> str:
        params = {"from": from_organ_id, "servicetype": "eDoc", "messagetype": check_message_type(message_type),
                  "hash-file": sdk_file_hash(package, zero_padding=self.hash_file_zero_padding)}
        if self.send_to_header and to_organ_ids:
            params["to"] = json.dumps(list(to_organ_ids), separators=(",", ":"))
        data = self._call("sendEdoc", params, body=package, content_type="application/octet-stream")
        doc_id = str(first(data, "DocId", "docId", "docid")).strip()
        if not doc_id:
            raise TransportError(msg(BAD_ANSWER, name=VDXP_NAME, operation="sendEdoc"), temporary=True)
        return doc_id

    def list_received(self, *, message_type: str) -> list[Received]:
        data = self._call("getReceivedEdocList",
                          {"servicetype": "eDoc", "messagetype": check_message_type(message_type)})
        received = []
        for item in data.get("data") or []:
            if not isinstance(item, dict):
                continue
            doc_id = str(first(item, "docId", "DocId", "docid")).strip()
            if not doc_id:
                continue
            received.append(Received(
                remote_id=doc_id,
                message_type=str(first(item, "messageType", "messagetype", default=message_type)).lower(),
                from_organ_id=str(first(item, "from", "fromCode")).strip(),
                to_organ_ids=organ_ids(first(item, "to", "toCode", default=[])),
                created_at=parse_time(first(item, "created_time", "createdTime", default=None)),
            ))
        return received

    def fetch(self, remote_id: str) -> bytes:
        data = self._call("getEdoc", {"docId": remote_id})
        encoded = data.get("data")
        if not isinstance(encoded, str):
            raise TransportError(msg(BAD_ANSWER, name=VDXP_NAME, operation="getEdoc"), temporary=True)
        try:
            return base64.b64decode("".join(encoded.split()), validate=True)
        except (binascii.Error, ValueError):
            raise TransportError(msg(BAD_DATA, doc_id=remote_id, name=VDXP_NAME), temporary=False) from None

    def acknowledge(self, remote_id: str, *, ok: bool, reason: str = "") -> None:
        # The platform's call carries no reason: the business answer (status 02 with the reason) travels as a
        # status package of its own.
        self._call("updateStatus", {"docId": remote_id, "status": "done" if ok else "fail"})

    def agencies(self) -> list[DirectoryEntry]:
        data = self._call(self.agencies_path.lstrip("/"), {})
        items = data.get("data")
        if isinstance(items, dict):  # some answers wrap the list once more
            items = first(items, "agencies", "items", "data", default=[])
        return directory_entries(items)

    # Beyond the protocol -------------------------------------------------------------------------------------

    def sent(self, *, message_type: str = EDOC) -> list[SentRecord]:
        """``getSentEdocList``: the platform's delivery state per recipient of what this system sent."""
        data = self._call("getSentEdocList",
                          {"servicetype": "eDoc", "messagetype": check_message_type(message_type)})
        records = []
        for item in data.get("data") or []:
            if not isinstance(item, dict):
                continue
            records.append(SentRecord(
                sender_doc_id=str(first(item, "senderDocId")), receiver_doc_id=str(first(item, "receiverDocId")),
                from_organ_id=str(first(item, "fromCode")), to_organ_id=str(first(item, "toCode")),
                send_status=str(first(item, "sendStatus")), send_status_desc=str(first(item, "sendStatusDesc")),
                receive_status=str(first(item, "receiveStatus")),
                receive_status_desc=str(first(item, "receiveStatusDesc")),
                sent_at=parse_time(first(item, "sentTime", default=None)),
                received_at=parse_time(first(item, "receivedTime", default=None)),
                notation=str(first(item, "notation")), title=str(first(item, "title")),
            ))
        return records

    def register_agency(self, *, code: str, parent_code: str, name: str, mail: str = "",
                        path: str = "/registerAgency") -> None:
        """Register an agency this system serves (the operator may do it instead; path unverified [U])."""
        self._call(path.lstrip("/"), {"code": code, "pcode": parent_code, "name": name, "mail": mail})

    # Plumbing ----------------------------------------------------------------------------------------------

    def _call(self, operation: str, params: dict[str, str], *, body: bytes | None = None,
              content_type: str = "application/json") -> dict:
        all_params = {"systemid": self.system_id, "timestamp": sdk_timestamp(self.clock(), self.tz),
                      "Content-Type": content_type, **params}
        headers = sign_headers(all_params, self.secret_key)
        headers.update({"Content-Type": content_type, "User-Agent": USER_AGENT,
                        HEADER_PREFIX + "version": PROTOCOL_VERSION})
        answer = http_call(name=VDXP_NAME, operation=operation, url=f"{self.base_url}/{operation}",
                           headers=headers, body=body if body is not None else b"", timeout=self.timeout,
                           max_bytes=self.max_response_bytes)
        data = json_answer(answer, name=VDXP_NAME, operation=operation)
        status = str(data.get("status", "")).upper()
        code = str(data.get("ErrorCode", data.get("errorCode", "0"))).strip()
        if status == "FAIL" or code not in ("0", ""):
            detail = str(first(data, "ErrorDesc", "errorDesc", "message", default=status or code))
            raise TransportError(msg(REFUSED, name=VDXP_NAME, operation=operation, code=code or status,
                                     detail=detail[:500]), temporary=False)
        return data
