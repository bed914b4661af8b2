"""Reading edXML packages (QCVN 102:2016): tolerant of every quirk real producers show
(``../shared/interop/edxml/README.md``), strict about safety (``limits``).

Tolerance rules (docs/decisions.md, "edXML library"): elements are matched by local name whatever their
namespace or prefix, in any order; status fields are read from ``MessageHeader`` or ``Status``; ``cid:`` is
optional; an attachment is base64-decoded and, when the bytes are a one-entry zip, unzipped, whatever
``ContentType`` says; dates are read as ``yyyy/MM/dd``, ``dd/MM/yyyy`` or ``yyyy-MM-dd`` and an impossible date
becomes None instead of an error; an empty element counts as absent. A package that is not namespace-well-formed
is refused, unless ``recover=True`` asks for what can still be read (used to address a status 02 to its sender).
"""

from __future__ import annotations

import binascii
import datetime as dt
import functools
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from lxml import etree

from . import messages as m
from .limits import DEFAULT_LIMITS, Limits, MiB, prolog_problem, xml_parser
from .model import (
    Attachment,
    DocumentPackage,
    EdxmlError,
    Organ,
    ReceiverChange,
    Replacement,
    ResponseFor,
    Staff,
    StatusPackage,
    Trace,
)

type Element = etree._Element

_DATE_FORMATS = ("%Y/%m/%d", "%d/%m/%Y", "%Y-%m-%d")
_TIMESTAMP_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M:%S",
                      "%Y/%m/%d %H:%M")


def error(template: str, el: Element | None = None, *, path: str = "", **params: Any) -> EdxmlError:
    err = EdxmlError(template.format(**params), path or (element_path(el) if el is not None else ""))
    err.template, err.params = template, params
    return err


# --- element helpers -------------------------------------------------------------------------------------------

def local(el: Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2].rpartition(":")[2]


def element_path(el: Element) -> str:
    """``edXML/edXMLEnvelope/…/To[2]/OrganId``: local names, with a 1-based index where siblings repeat."""
    parts = []
    node: Element | None = el
    while node is not None:
        name = local(node)
        parent = node.getparent()
        if parent is not None:
            same = [c for c in parent if local(c) == name]
            if len(same) > 1:
                name = f"{name}[{same.index(node) + 1}]"
        parts.append(name)
        node = parent
    return "/".join(reversed(parts))


def kids(el: Element | None, name: str) -> list[Element]:
    if el is None:
        return []
    return [c for c in el if local(c) == name]


def kid(el: Element | None, name: str) -> Element | None:
    if el is None:
        return None
    for c in el:
        if local(c) == name:
            return c
    return None


def text(el: Element | None, name: str | None = None) -> str:
    node = kid(el, name) if name else el
    if node is None or node.text is None:
        return ""
    return node.text.strip()


def required_text(el: Element, name: str) -> str:
    node = kid(el, name)
    if node is None:
        raise error(m.MISSING, path=f"{element_path(el)}/{name}")
    value = text(node)
    if not value:
        raise error(m.EMPTY_VALUE, node)
    return value


def integer(el: Element | None, name: str) -> int | None:
    node = kid(el, name)
    value = text(node)
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise error(m.NOT_INTEGER, node, value=value[:50]) from None


def parse_date(value: str) -> dt.date | None:
    """A date in any of the forms producers write; None for empty or impossible dates (2014/02/30)."""
    value = value.strip()
    if not value:
        return None
    value = value.split(" ")[0].split("T")[0]  # "2023/03/14 00:00:00"
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def parse_timestamp(value: str) -> dt.datetime | None:
    value = value.strip()
    if not value:
        return None
    for fmt in _TIMESTAMP_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
    date = parse_date(value)
    return dt.datetime.combine(date, dt.time()) if date else None


def split_document_id(document_id: str) -> tuple[str, dt.date | None, str]:
    """``OrganId,yyyy/MM/dd,số/ký hiệu`` → (issuer, date or None, code); ("", None, "") for other forms (UUIDs)."""
    parts = document_id.split(",", 2)
    if len(parts) != 3:
        return "", None, ""
    return parts[0].strip(), parse_date(parts[1]), parts[2].strip()


# --- reading the bytes -----------------------------------------------------------------------------------------

def _check_bytes(data: bytes, limits: Limits) -> None:
    if not data or data.isspace():
        raise error(m.EMPTY)
    if len(data) > limits.max_package_bytes:
        raise error(m.TOO_LARGE, size=len(data), limit=limits.max_package_bytes)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]:
        raise error(m.NOT_UTF8, encoding="UTF-16/32")
    problem = prolog_problem(data)
    if problem == "doctype":
        raise error(m.DOCTYPE_REFUSED)
    if problem:
        raise error(m.NOT_UTF8, encoding=problem)


def _syntax_error(data: bytes, exc: etree.XMLSyntaxError, parser: etree.XMLParser, limits: Limits) -> EdxmlError:
    entries = list(parser.error_log)  # this parse's errors only (``exc.error_log`` is the thread's)
    first = entries[0] if entries else None
    line = first.line if first else (exc.lineno or 0)
    column = first.column if first else 0
    detail = first.message if first else str(exc)
    if "Text node too long" in detail:
        err = error(m.TEXT_TOO_LONG, line=line)
    elif "Excessive depth" in detail:
        err = error(m.TOO_DEEP, limit=limits.max_depth)
    elif first is not None and first.domain_name == "NAMESPACE":
        err = error(m.XML_NAMESPACE, line=line, detail=detail)
    else:
        err = error(m.XML_SYNTAX, line=line, column=column, detail=detail)
    err.path = _path_near_line(data, line)
    err.args = (f"{err.path}: {err.message}" if err.path else err.message,)
    return err


def _path_near_line(data: bytes, line: int) -> str:
    """The path of the last element that starts at or before ``line`` (read by a recovering parse)."""
    try:
        root = etree.fromstring(data, xml_parser(recover=True))
    except Exception:  # noqa: BLE001 - best effort, for the message only
        return ""
    if root is None:
        return ""
    best = None
    for el in root.iter():
        if isinstance(el.tag, str) and el.sourceline is not None and el.sourceline <= line:
            best = el
    return element_path(best) if best is not None else ""


def _load_xml(data: bytes, limits: Limits, recover: bool) -> tuple[Element, list[str]]:
    problems: list[str] = []
    parser = xml_parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        err = _syntax_error(data, exc, parser, limits)
        if not recover or err.template != m.XML_NAMESPACE:
            raise err from None
        problems.append(str(err))
        root = etree.fromstring(data, xml_parser(recover=True))
        if root is None:
            raise err from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise error(m.DOCTYPE_REFUSED)
    if root.xpath("boolean(/" + "/".join(["*"] * (limits.max_depth + 1)) + ")"):
        raise error(m.TOO_DEEP, limit=limits.max_depth)
    if int(root.xpath("count(//*)")) > limits.max_elements:
        raise error(m.TOO_MANY_ELEMENTS, limit=limits.max_elements)
    if local(root) != "edXML":
        raise error(m.NOT_EDXML, root=local(root) or str(root.tag)[:50])
    return root, problems


def _parts(root: Element) -> tuple[Element, Element]:
    envelope = kid(root, "edXMLEnvelope")
    if envelope is None:
        raise error(m.MISSING, path="edXML/edXMLEnvelope")
    header = kid(envelope, "edXMLHeader")
    if header is None:
        raise error(m.MISSING, path=f"{element_path(envelope)}/edXMLHeader")
    return envelope, header


def _status_element(header: Element) -> Element | None:
    status = kid(header, "Status")
    if status is not None:
        return status
    message_header = kid(header, "MessageHeader")
    if message_header is not None and kid(message_header, "StatusCode") is not None:
        return message_header
    return None


def _is_json(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def detect_message_type(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> str:
    """"edoc" or "status" (raises EdxmlError when the bytes are not a readable package)."""
    _check_bytes(data, limits)
    if _is_json(data):
        return "status"
    root, _ = _load_xml(data, limits, recover=True)
    _, header = _parts(root)
    return "status" if _status_element(header) is not None else "edoc"


def parse_package(data: bytes, *, limits: Limits = DEFAULT_LIMITS,
                  recover: bool = False) -> DocumentPackage | StatusPackage:
    """The values of an edXML package (or of the JSON rendering of a status package that the ``edxml-convert``
    API returns). Raises ``EdxmlError`` (Vietnamese message, element path) for anything unreadable or refused.

    ``recover=True`` reads what it can of a package that is not namespace-well-formed and keeps attachments that
    cannot be decoded with their ``error`` set; the reasons are in ``problems``. Never store such a package: it is
    for answering the sender (status 02) with its reasons."""
    _check_bytes(data, limits)
    if _is_json(data):
        return _parse_json_status(data)
    root, problems = _load_xml(data, limits, recover)
    envelope, header = _parts(root)
    status = _status_element(header)
    if status is not None:
        return _parse_status(header, status)
    return _parse_document(root, envelope, header, limits, recover, problems)


# --- status ----------------------------------------------------------------------------------------------------

def _organ(el: Element) -> Organ:
    return Organ(
        organ_id=text(el, "OrganId"), name=text(el, "OrganName"),
        organization_in_charge=text(el, "OrganizationInCharge"), address=text(el, "OrganAdd"),
        email=text(el, "Email"), telephone=text(el, "Telephone"), fax=text(el, "Fax"), website=text(el, "Website"),
    )


def _required_organ(parent: Element, name: str) -> Organ:
    el = kid(parent, name)
    if el is None:
        raise error(m.MISSING, path=f"{element_path(parent)}/{name}")
    required_text(el, "OrganId")
    return _organ(el)


def _staff(el: Element | None) -> Staff:
    return Staff(department=text(el, "Department"), staff=text(el, "Staff"), mobile=text(el, "Mobile"),
                 email=text(el, "Email"))


def _response_for(el: Element) -> ResponseFor:
    return ResponseFor(organ_id=text(el, "OrganId"), code=text(el, "Code"),
                       promulgation_date=parse_date(text(el, "PromulgationDate")),
                       document_id=text(el, "DocumentId"))


def _traces(header: Element) -> list[Trace]:
    traces = []
    for el in kids(kid(header, "TraceHeaderList"), "TraceHeader"):
        organ_id = text(el, "OrganId")
        traces.append(Trace(organ_id="" if organ_id == "null" else organ_id,
                            timestamp=parse_timestamp(text(el, "Timestamp"))))
    return traces


def _parse_status(header: Element, status: Element) -> StatusPackage:
    sender = _required_organ(status, "From")
    response_el = kid(status, "ResponseFor")
    if response_el is None:
        raise error(m.MISSING, path=f"{element_path(status)}/ResponseFor")
    required_text(response_el, "DocumentId")
    return StatusPackage(
        sender=sender, response_for=_response_for(response_el), status_code=required_text(status, "StatusCode"),
        timestamp=parse_timestamp(text(status, "Timestamp")), description=text(status, "Description"),
        staff=_staff(kid(status, "StaffInfo")), traces=_traces(header),
    )


def _parse_json_status(data: bytes) -> StatusPackage:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError) as exc:
        raise error(m.JSON_INVALID, detail=str(exc)[:200]) from None

    def obj(value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise error(m.MISSING, path=path)
        return {str(k).lower(): v for k, v in value.items()}

    def s(d: dict[str, Any], key: str) -> str:
        value = d.get(key)
        return str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""

    status = obj(obj(obj(obj(doc, "").get("data"), "data").get("header"), "data/header").get("status"),
                 "data/header/status")
    sender = obj(status.get("from"), "data/header/status/from")
    response = obj(status.get("responsefor"), "data/header/status/responsefor")
    staff = obj(status.get("staffinfo") or {}, "data/header/status/staffInfo")
    for d, key, path in ((sender, "organid", "from/organid"), (response, "documentid", "responsefor/documentid"),
                         (status, "statuscode", "statuscode")):
        if not s(d, key):
            raise error(m.MISSING, path=f"data/header/status/{path}")
    return StatusPackage(
        sender=Organ(organ_id=s(sender, "organid"), name=s(sender, "organname"),
                     organization_in_charge=s(sender, "organizationincharge"), address=s(sender, "organadd"),
                     email=s(sender, "email"), telephone=s(sender, "telephone"), fax=s(sender, "fax"),
                     website=s(sender, "website")),
        response_for=ResponseFor(organ_id=s(response, "organid"), code=s(response, "code"),
                                 promulgation_date=parse_date(s(response, "promulgationdate")),
                                 document_id=s(response, "documentid")),
        status_code=s(status, "statuscode"), timestamp=parse_timestamp(s(status, "timestamp")),
        description=s(status, "description"),
        staff=Staff(department=s(staff, "department"), staff=s(staff, "staff"), mobile=s(staff, "mobile"),
                    email=s(staff, "email")),
    )


# --- document --------------------------------------------------------------------------------------------------

def _parse_document(root: Element, envelope: Element, header: Element, limits: Limits, recover: bool,
                    problems: list[str]) -> DocumentPackage:
    mh = kid(header, "MessageHeader")
    if mh is None:
        raise error(m.MISSING, path=f"{element_path(header)}/MessageHeader")
    sender = _required_organ(mh, "From")
    to_elements = kids(mh, "To")
    if not to_elements:
        raise error(m.NO_RECIPIENT, path=f"{element_path(mh)}/To")
    recipients = []
    for to in to_elements:
        required_text(to, "OrganId")
        recipients.append(_organ(to))
    code = kid(mh, "Code")
    promulgation = kid(mh, "PromulgationInfo")
    doc_type = kid(mh, "DocumentType")
    signer = kid(mh, "SignerInfo")
    other = kid(mh, "OtherInfo")
    trace_list = kid(header, "TraceHeaderList")
    business = kid(trace_list, "Bussiness")
    business_info = kid(business, "BussinessDocumentInfo")
    response_for = [_response_for(el) for el in kids(mh, "ResponseFor")]
    package = DocumentPackage(
        sender=sender, recipients=recipients, document_id=required_text(mh, "DocumentId"),
        code_number=text(code, "CodeNumber"), code_notation=text(code, "CodeNotation"),
        subject=required_text(mh, "Subject"), type_name=text(doc_type, "TypeName"),
        promulgation_date=parse_date(text(promulgation, "PromulgationDate")), place=text(promulgation, "Place"),
        type=integer(doc_type, "Type"), type_detail=integer(doc_type, "TypeDetail"), content=text(mh, "Content"),
        signer_competence=text(signer, "Competence"), signer_position=text(signer, "Position"),
        signer_name=text(signer, "FullName"), due_date=parse_date(text(mh, "DueDate")),
        to_places=[text(p) for p in kids(kid(mh, "ToPlaces"), "Place") if text(p)],
        priority=integer(other, "Priority"), sphere_of_promulgation=text(other, "SphereOfPromulgation"),
        typer_notation=text(other, "TyperNotation"), promulgation_amount=integer(other, "PromulgationAmount"),
        page_amount=integer(other, "PageAmount"),
        appendixes=[text(a) for a in kids(kid(other, "Appendixes"), "Appendix") if text(a)],
        steering_type=integer(mh, "SteeringType"),
        response_for=[r for r in response_for if r.organ_id or r.code or r.document_id],
        business_doc_type=integer(business, "BussinessDocType"),
        business_reason=text(business, "BussinessDocReason"), business_document_id=text(business, "DocumentId"),
        staff=_staff(kid(business, "StaffInfo")),
        receiver_changes=[
            ReceiverChange(organ_id=text(r, "OrganId"), receiver_type=integer(r, "ReceiverType") or 0)
            for r in kids(kid(business_info, "ReceiverList"), "Receiver")
        ],
        replacements=[
            Replacement(document_id=text(r, "DocumentId"),
                        organ_ids=[text(o) for o in kids(kid(r, "OrganIdList"), "OrganId") if text(o)])
            for r in kids(kid(business, "ReplacementInfoList"), "ReplacementInfo")
        ],
        traces=_traces(header), has_signature=kid(header, "Signature") is not None,
        paper=integer(business, "Paper"), document_info_changed=integer(business_info, "DocumentInfo"),
        receivers_changed=integer(business_info, "DocumentReceiver"), recovered=bool(problems),
        problems=problems,
    )
    package.attachments = _attachments(root, envelope, limits, recover, problems)
    package.nonstandard_attachment_names = [
        text(a, "AttachmentName")
        for block in kids(envelope, "edXMLAttachments") + kids(root, "edXMLAttachments")
        for a in kids(block, "Attachment") if text(a, "AttachmentName")
    ]
    return package


def _cid(value: str) -> str:
    value = value.strip()
    return value[4:].strip() if value[:4].lower() == "cid:" else value


def _attachments(root: Element, envelope: Element, limits: Limits, recover: bool,
                 problems: list[str]) -> list[Attachment]:
    manifest = kid(kid(envelope, "edXMLBody"), "edXMLManifest")
    references = {_cid(text(r, "ContentId")): r for r in kids(manifest, "Reference")}
    elements = [a for block in kids(root, "AttachmentEncoded") + kids(envelope, "AttachmentEncoded")
                for a in kids(block, "Attachment")]
    if len(elements) > limits.max_attachments or len(references) > limits.max_attachments:
        raise error(m.TOO_MANY_ATTACHMENTS, count=max(len(elements), len(references)),
                    limit=limits.max_attachments, path=element_path(elements[0].getparent()) if elements else "")
    budget = [limits.max_total_attachment_bytes]
    result = []
    seen = set()
    for el in elements:
        content_id = _cid(text(el, "ContentId"))
        seen.add(content_id)
        ref = references.get(content_id)
        name = text(el, "AttachmentName") or text(ref, "AttachmentName")
        payload = kid(el, "ContentTransferEncoded")
        attachment = Attachment(
            name=name, data=b"", content_type=text(ref, "ContentType") or text(el, "ContentType")
            or "application/octet-stream",
            description=text(el, "Description") or text(ref, "Description"), content_id=content_id,
        )
        try:
            if payload is None:
                raise error(m.MISSING, path=f"{element_path(el)}/ContentTransferEncoded")
            where = functools.partial(element_path, payload)
            attachment.data = decode_payload(payload.text or "", limits, budget, where)
        except EdxmlError as exc:
            if not recover:
                raise
            attachment.error = str(exc)
            problems.append(str(exc))
        result.append(attachment)
    for content_id, ref in references.items():
        if content_id not in seen:
            missing = error(m.ATTACHMENT_NOT_FOUND, ref, content_id=content_id)
            if not recover:
                raise missing
            problems.append(str(missing))
    return result


def _b64(encoded: str) -> bytes:
    if len(encoded) % 4:  # strict mode still accepts excess padding ("QUJD=")
        raise ValueError("length")
    return binascii.a2b_base64(encoded.encode("ascii"), strict_mode=True)


def decode_payload(encoded: str, limits: Limits, budget: list[int], where: Callable[[], str]) -> bytes:
    """base64 → bytes; a one-entry zip is unzipped (the reference SDKs wrap every file so), within the limits.
    ``budget`` holds the bytes still allowed for the whole package and is decreased."""
    try:
        raw = _b64(encoded)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        try:  # Java MIME encoders wrap lines: drop the whitespace and try again (rare, so not done first)
            raw = _b64("".join(encoded.split()))
        except (binascii.Error, ValueError, UnicodeEncodeError):
            raise error(m.BAD_BASE64, path=where()) from None
    if raw.startswith(b"PK\x03\x04"):
        raw = _unwrap_zip(raw, limits, budget, where)
    if len(raw) > limits.max_attachment_bytes:
        raise error(m.ATTACHMENT_TOO_LARGE, path=where(), limit=limits.max_attachment_bytes)
    budget[0] -= len(raw)
    if budget[0] < 0:
        raise error(m.ATTACHMENTS_TOO_LARGE, path=where(), limit=limits.max_total_attachment_bytes)
    return raw


def _unwrap_zip(raw: bytes, limits: Limits, budget: list[int], where: Callable[[], str]) -> bytes:
    """The single entry of a wrapper zip; a zip with several entries is a file of its own (docx, xlsx, zip) and
    is returned as it is. Only one level is ever unzipped."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise error(m.ZIP_DAMAGED, path=where(), detail=str(exc)[:200]) from None
    if len(infos) > limits.max_zip_entries:
        raise error(m.ZIP_TOO_MANY_ENTRIES, path=where(), count=len(infos), limit=limits.max_zip_entries)
    if len(infos) != 1 or infos[0].is_dir():
        return raw
    info = infos[0]
    if info.flag_bits & 0x1:
        raise error(m.ZIP_ENCRYPTED, path=where())
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise error(m.ZIP_METHOD, path=where(), method=info.compress_type)
    allowed = min(limits.max_attachment_bytes, budget[0])
    _check_size(info.file_size, info.compress_size, allowed, limits, where)
    out = bytearray()
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(MiB):
                out += chunk
                _check_size(len(out), info.compress_size, allowed, limits, where)
    except EdxmlError:
        raise
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
        raise error(m.ZIP_DAMAGED, path=where(), detail=str(exc)[:200]) from None
    return bytes(out)


def _check_size(size: int, compressed: int, allowed: int, limits: Limits, where: Callable[[], str]) -> None:
    if size > allowed:
        if allowed < limits.max_attachment_bytes:
            raise error(m.ATTACHMENTS_TOO_LARGE, path=where(), limit=limits.max_total_attachment_bytes)
        raise error(m.ATTACHMENT_TOO_LARGE, path=where(), limit=limits.max_attachment_bytes)
    if size > MiB and size > limits.max_zip_ratio * max(compressed, 1):
        raise error(m.ZIP_RATIO, path=where(), ratio=size // max(compressed, 1), limit=limits.max_zip_ratio)
