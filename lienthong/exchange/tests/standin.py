"""A local stand-in for the national axis (VDXP, under ``/vdxp``) and a provincial LGSP (under ``/lgsp``), on a
loopback port, for the transports' tests and for an operator's trial run (docs/operations.md).

It checks what a strict platform would: the VDXP headers (every signed header present and equal to the value in
``XroadVnpt-sign-header``, the HMAC-SHA256 of that exact string with the system's secret, a timestamp within the
clock window, the ``hash-file`` of the body), the LGSP credentials and bearer token (issued by its login, expiring).
Packages are kept in memory per receiving system id: a package sent by one system is listed for the systems whose
agencies it is addressed to, until they acknowledge it.

Faults for tests: ``fail_next(503)`` answers the next requests with that HTTP status, ``delay`` holds every answer
for that many seconds, ``expire_tokens()`` makes every LGSP token stale.

Run by hand: ``python -m lienthong.exchange.tests.standin --port 8765 --system sysA:secretA:000.00.01.H01
--system sysB:secretB:000.00.02.H01``."""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import email
import email.policy
import hashlib
import hmac
import itertools
import json
import secrets
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from lxml import etree

from lienthong.exchange.transports.vdxp import HEADER_PREFIX, parse_sdk_timestamp, sdk_file_hash

MAX_BODY = 50 * 1024 * 1024
EDXML_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"


@dataclass
class System:
    system_id: str
    secret_key: str
    organ_ids: list[str]


@dataclass
class Stored:
    doc_id: str
    message_type: str
    sender_system: str
    receiver_system: str
    from_organ_id: str
    to_organ_ids: list[str]
    data: bytes
    created: dt.datetime
    status: str = "initial"  # then "done" or "fail" (the receiver's acknowledgement)
    updated: dt.datetime | None = None


@dataclass
class Standin:
    """The server's state; ``start()`` serves it on 127.0.0.1 and returns the base URL."""

    systems: dict[str, System] = field(default_factory=dict)
    clock_window: dt.timedelta = dt.timedelta(minutes=10)
    token_lifetime: int = 300
    hash_file_zero_padding: bool = False
    delay: float = 0.0
    agencies_list: list[dict] = field(default_factory=list)
    lgsp_raw_files: bool = False  # the LGSP's getEdoc answers the file itself instead of JSON with base64

    def __post_init__(self):
        self.stored: list[Stored] = []
        self.tokens: dict[str, tuple[str, float]] = {}  # token → (system id, expires at, monotonic)
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request, for tests
        self._failures: list[tuple[int, dict | None, bool]] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # Set-up --------------------------------------------------------------------------------------------------

    def add_system(self, system_id: str, secret_key: str, organ_ids: list[str]) -> None:
        self.systems[system_id] = System(system_id, secret_key, list(organ_ids))

    def fail_next(self, status: int, count: int = 1, body: dict | None = None, *, logins: bool = True) -> None:
        """Answer the next ``count`` requests with HTTP ``status`` (and ``body``, JSON) instead of serving them;
        with ``logins=False`` the LGSP logins are served normally meanwhile."""
        self._failures.extend([(status, body, logins)] * count)

    def expire_tokens(self) -> None:
        with self._lock:
            self.tokens = {token: (system, 0.0) for token, (system, _) in self.tokens.items()}

    def start(self, port: int = 0) -> str:
        standin = self

        class Handler(_Handler):
            state = standin

        self._server = _Server(("127.0.0.1", port), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self.url

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # Shared logic --------------------------------------------------------------------------------------------

    def system_of_organ(self, organ_id: str) -> System | None:
        return next((s for s in self.systems.values() if organ_id in s.organ_ids), None)

    def store(self, sender: System, message_type: str, from_organ_id: str, to_organ_ids: list[str],
              data: bytes) -> tuple[str, str]:
        """Route a package; returns (error kind or "", first doc id)."""
        if from_organ_id not in sender.organ_ids:
            return "sender", ""
        if not to_organ_ids:
            to_organ_ids = recipients_in(data)
        receivers = {}
        for organ_id in to_organ_ids:
            system = self.system_of_organ(organ_id)
            if system is None:
                return "recipient", ""
            receivers.setdefault(system.system_id, []).append(organ_id)
        if not receivers:
            return "recipient", ""
        now = dt.datetime.now(dt.UTC)
        first_id = ""
        with self._lock:
            for system_id, organs in receivers.items():
                doc_id = f"{next(self._ids):06d}-{secrets.token_hex(4)}"
                first_id = first_id or doc_id
                self.stored.append(Stored(doc_id, message_type, sender.system_id, system_id, from_organ_id,
                                          organs, data, now))
        return "", first_id

    def waiting(self, system_id: str, message_type: str) -> list[Stored]:
        return [s for s in self.stored
                if s.receiver_system == system_id and s.message_type == message_type and s.status == "initial"]

    def find(self, system_id: str, doc_id: str) -> Stored | None:
        return next((s for s in self.stored if s.receiver_system == system_id and s.doc_id == doc_id), None)

    def agencies(self) -> list[dict]:
        if self.agencies_list:
            return self.agencies_list
        return [{"code": organ, "pcode": "", "name": f"Đơn vị {organ}", "mail": ""}
                for system in self.systems.values() for organ in system.organ_ids]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that gave up (the timeout tests)
            super().handle_error(request, client_address)


def recipients_in(data: bytes) -> list[str]:
    """The ``To/OrganId``s of an edXML package (by local name; no DTD, no entities, no network)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return []
    return [organ.text.strip() for to in root.iter("{*}To") for organ in to.iter("{*}OrganId")
            if organ.text and organ.text.strip()]


def is_edxml(data: bytes) -> bool:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return False
    return etree.QName(root).localname == "edXML"


class _Handler(BaseHTTPRequestHandler):
    state: Standin
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass

    def do_GET(self):  # noqa: N802 (http.server's name)
        self._dispatch("GET")

    def do_POST(self):  # noqa: N802
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        state = self.state
        path = urllib.parse.urlsplit(self.path).path
        state.requests.append((method, path))
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._reply(413, {"status": "FAIL", "ErrorCode": "413", "ErrorDesc": "too large"})
            return
        body = self.rfile.read(length) if length else b""
        if state.delay:
            time.sleep(state.delay)
        with state._lock:
            failure = None
            if state._failures and (state._failures[0][2] or not path.endswith("/auth/login")):
                failure = state._failures.pop(0)
        if failure:
            status, data, _ = failure
            extra = {"Location": "http://elsewhere.invalid/"} if 300 <= status < 400 else {}
            self._reply(status, data if data is not None else {"status": "FAIL", "ErrorDesc": "injected"}, extra=extra)
            return
        if path.startswith("/vdxp/"):
            self._vdxp(path.removeprefix("/vdxp/"), body)
        elif path.startswith("/lgsp/v1/"):
            self._lgsp(method, path.removeprefix("/lgsp/v1/"), body)
        else:
            self._reply(404, {"error": "not found"})

    def _reply(self, status: int, data: dict | None = None, *, raw: bytes | None = None,
               content_type: str = "application/json", extra: dict[str, str] | None = None) -> None:
        payload = raw if raw is not None else json.dumps(data, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    # VDXP -------------------------------------------------------------------------------------------------

    def _vdxp_fail(self, code: str, desc: str) -> None:
        self._reply(200, {"status": "FAIL", "ErrorCode": code, "ErrorDesc": desc})

    def _vdxp_params(self) -> tuple[System | None, dict[str, str], str]:
        """The authenticated system and its parameters, or (None, {}, reason)."""
        state = self.state
        keys = self.headers.get(HEADER_PREFIX + "sign-header-key", "")
        sign_header = self.headers.get(HEADER_PREFIX + "sign-header", "")
        given_hash = self.headers.get(HEADER_PREFIX + "hash-header", "")
        if not (keys and sign_header and given_hash):
            return None, {}, "missing signature headers"
        try:
            signed = json.loads(sign_header)
        except ValueError:
            return None, {}, "sign-header is not JSON"
        names = keys.split(";")
        if not isinstance(signed, dict) or set(signed) != {HEADER_PREFIX + name for name in names}:
            return None, {}, "sign-header does not list the signed headers"
        params = {}
        for name in names:
            value = self.headers.get(HEADER_PREFIX + name)
            if value is None or signed[HEADER_PREFIX + name] != value:
                return None, {}, f"header {name} differs from the signed value"
            params[name] = value
        system = state.systems.get(params.get("systemid", ""))
        if system is None:
            return None, {}, "unknown systemid"
        expected = hmac.new(system.secret_key.encode(), sign_header.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, given_hash):
            return None, {}, "hash-header does not match"
        moment = parse_sdk_timestamp(params.get("timestamp", ""))
        if moment is None or abs(dt.datetime.now(dt.UTC) - moment) > state.clock_window:
            return None, {}, "timestamp outside the clock window"
        return system, params, ""

    def _vdxp(self, operation: str, body: bytes) -> None:
        state = self.state
        system, params, reason = self._vdxp_params()
        if system is None:
            self._vdxp_fail("-1", "authentication failed: " + reason)
            return
        ok = {"status": "OK", "ErrorCode": "0", "ErrorDesc": ""}
        if operation == "sendEdoc":
            if params.get("hash-file") != sdk_file_hash(body, zero_padding=state.hash_file_zero_padding):
                self._vdxp_fail("-2", "hash-file does not match the file")
                return
            if params.get("messagetype") not in ("edoc", "status") or not is_edxml(body):
                self._vdxp_fail("22", "not an edXML package")
                return
            to = json.loads(params["to"]) if params.get("to") else []
            error, doc_id = state.store(system, params["messagetype"], params.get("from", ""), to, body)
            if error:
                self._vdxp_fail("19" if error == "sender" else "18", f"{error} not registered")
                return
            self._reply(200, {**ok, "DocId": doc_id})
        elif operation == "getReceivedEdocList":
            items = [{"docId": s.doc_id, "serviceType": "eDoc", "messageType": s.message_type,
                      "from": s.from_organ_id, "to": json.dumps(s.to_organ_ids), "status": s.status,
                      "status_desc": "", "created_time": s.created.astimezone(_VN).strftime("%d/%m/%Y %H:%M:%S"),
                      "updated_time": ""}
                     for s in state.waiting(system.system_id, params.get("messagetype", "edoc"))]
            self._reply(200, {**ok, "data": items})
        elif operation == "getEdoc":
            stored = state.find(system.system_id, params.get("docId", ""))
            if stored is None:
                self._vdxp_fail("-3", "no such document")
                return
            self._reply(200, {**ok, "data": base64.b64encode(stored.data).decode()})
        elif operation == "updateStatus":
            stored = state.find(system.system_id, params.get("docId", params.get("docid", "")))
            if stored is None or params.get("status") not in ("done", "fail", "processing"):
                self._vdxp_fail("-3", "no such document or status")
                return
            stored.status = params["status"] if params["status"] != "processing" else stored.status
            stored.updated = dt.datetime.now(dt.UTC)
            self._reply(200, ok)
        elif operation == "getSentEdocList":
            items = [{"senderDocId": s.doc_id, "receiverDocId": s.doc_id, "fromCode": s.from_organ_id,
                      "toCode": organ, "sendStatus": "done", "sendStatusDesc": "",
                      "receiveStatus": s.status, "receiveStatusDesc": "",
                      "sentTime": s.created.astimezone(_VN).strftime("%d/%m/%Y %H:%M:%S"), "receivedTime": ""}
                     for s in state.stored if s.sender_system == system.system_id
                     and s.message_type == params.get("messagetype", "edoc") for organ in s.to_organ_ids]
            self._reply(200, {**ok, "data": items})
        elif operation == "getAgenciesList":
            self._reply(200, {**ok, "data": state.agencies()})
        else:
            self._reply(404, {"status": "FAIL", "ErrorCode": "404", "ErrorDesc": "unknown operation"})

    # LGSP -------------------------------------------------------------------------------------------------

    def _lgsp_system(self) -> System | None:
        system = self.state.systems.get(self.headers.get("X-SystemId", ""))
        given = self.headers.get("X-SecretKey", "")
        if system is None or not hmac.compare_digest(system.secret_key.encode(), given.encode()):
            return None
        return system

    def _lgsp(self, method: str, operation: str, body: bytes) -> None:
        state = self.state
        system = self._lgsp_system()
        if system is None:
            self._reply(200, {"errorCode": 15, "message": "SystemId or SecretKey is wrong"})
            return
        if operation == "auth/login" and method == "POST":
            try:
                credentials = json.loads(body or b"{}")
            except ValueError:
                credentials = {}
            if credentials.get("systemId") != system.system_id or credentials.get("secretKey") != system.secret_key:
                self._reply(200, {"errorCode": 15, "message": "bad login"})
                return
            token = secrets.token_urlsafe(24)
            with state._lock:
                state.tokens[token] = (system.system_id, time.monotonic() + state.token_lifetime)
            self._reply(200, {"errorCode": 0, "data": {"accessToken": token, "expiresIn": state.token_lifetime}})
            return
        token = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        holder = state.tokens.get(token)
        if holder is None or holder[0] != system.system_id or holder[1] < time.monotonic():
            self._reply(401, {"errorCode": 401, "message": "token invalid or expired"})
            return
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
        if operation == "sendEdoc" and method == "POST":
            fields, data = _multipart_fields(self.headers.get("Content-Type", ""), body)
            if not data:
                self._reply(200, {"errorCode": 10, "message": "no edocFile"})
                return
            if fields.get("messageType") not in ("edoc", "status") or not is_edxml(data):
                self._reply(200, {"errorCode": 22, "message": "edXML not conforming"})
                return
            to = json.loads(fields["to"]) if fields.get("to") else []
            error, doc_id = state.store(system, fields["messageType"], fields.get("from", ""), to, data)
            if error:
                self._reply(200, {"errorCode": 19 if error == "sender" else 18, "message": error})
                return
            self._reply(200, {"errorCode": 0, "data": {"docId": doc_id}})
        elif operation == "syncReceivedEdocList" and method == "GET":
            try:
                start = dt.datetime.strptime(query["fromDate"], "%Y/%m/%d").date()
                end = dt.datetime.strptime(query["toDate"], "%Y/%m/%d").date()
            except (KeyError, ValueError):
                self._reply(400, {"errorCode": 400, "message": "fromDate/toDate yyyy/MM/dd required"})
                return
            items = [{"docId": s.doc_id, "messageType": s.message_type, "from": s.from_organ_id,
                      "to": s.to_organ_ids, "createdTime": s.created.isoformat()}
                     for s in state.waiting(system.system_id, query.get("messageType", "edoc"))
                     if start <= s.created.astimezone(_VN).date() <= end]
            self._reply(200, {"errorCode": 0, "data": items})
        elif operation == "getEdoc" and method == "GET":
            stored = state.find(system.system_id, query.get("docId", ""))
            if stored is None:
                self._reply(404, {"errorCode": 404, "message": "no such document"})
                return
            if state.lgsp_raw_files:
                self._reply(200, raw=stored.data, content_type="application/xml")
            else:
                self._reply(200, {"errorCode": 0, "data": {"content": base64.b64encode(stored.data).decode()}})
        elif operation == "updateStatus" and method == "POST":
            try:
                update = json.loads(body)
            except ValueError:
                update = {}
            stored = state.find(system.system_id, str(update.get("docId", "")))
            if stored is None or update.get("status") not in ("done", "fail"):
                self._reply(200, {"errorCode": 10, "message": "no such document or status"})
                return
            stored.status, stored.updated = update["status"], dt.datetime.now(dt.UTC)
            self._reply(200, {"errorCode": 0})
        elif operation == "getAgenciesList" and method == "GET":
            self._reply(200, {"errorCode": 0, "data": state.agencies()})
        else:
            self._reply(404, {"errorCode": 404, "message": "unknown operation"})


_VN = dt.timezone(dt.timedelta(hours=7))


def _multipart_fields(content_type: str, body: bytes) -> tuple[dict[str, str], bytes]:
    message = email.message_from_bytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body,
                                       policy=email.policy.HTTP)
    fields, data = {}, b""
    if not message.is_multipart():
        return fields, data
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name == "edocFile":
            data = part.get_payload(decode=True) or b""
        elif name:
            fields[name] = part.get_content().strip() if part.get_content_type().startswith("text") else ""
    return fields, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--system", action="append", default=[], metavar="ID:SECRET:ORGAN[,ORGAN…]")
    args = parser.parse_args()
    standin = Standin()
    for spec in args.system:
        system_id, secret, organs = spec.split(":", 2)
        standin.add_system(system_id, secret, organs.split(","))
    url = standin.start(args.port)
    print(f"VDXP stand-in at {url}/vdxp, LGSP stand-in at {url}/lgsp (Ctrl-C stops)")  # noqa: T201
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        standin.stop()


if __name__ == "__main__":
    main()


# Helpers for the transports' tests ---------------------------------------------------------------------------

SYSTEM_A, SECRET_A, ORGAN_A = "sys.a", "secret-a-0123456789", "000.00.01.H01"
SYSTEM_B, SECRET_B, ORGAN_B = "sys.b", "secret-b-9876543210", "000.00.02.H01"


def two_systems() -> Standin:
    """A started stand-in with two systems, A serving ``ORGAN_A`` and B serving ``ORGAN_B``."""
    standin = Standin()
    standin.add_system(SYSTEM_A, SECRET_A, [ORGAN_A])
    standin.add_system(SYSTEM_B, SECRET_B, [ORGAN_B])
    standin.start()
    return standin


def small_package(*, to: tuple[str, ...] = (ORGAN_B,), subject: str = "Về việc thử liên thông") -> bytes:
    """A small edXML package from ``ORGAN_A`` (enough for a platform to route it)."""
    tos = "".join(f"<edXML:To><edXML:OrganId>{organ}</edXML:OrganId></edXML:To>" for organ in to)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<edXML xmlns="{EDXML_NS}">'
            f'<edXML:edXMLEnvelope xmlns:edXML="{EDXML_NS}"><edXML:edXMLHeader><edXML:MessageHeader>'
            f"<edXML:From><edXML:OrganId>{ORGAN_A}</edXML:OrganId></edXML:From>{tos}"
            f"<edXML:Subject>{subject}</edXML:Subject></edXML:MessageHeader></edXML:edXMLHeader>"
            "<edXML:edXMLBody/></edXML:edXMLEnvelope></edXML>").encode()


def closed_port_url() -> str:
    """The URL of a loopback port nothing listens on."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
