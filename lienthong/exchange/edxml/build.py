"""Writing edXML packages (QCVN 102:2016), strictly and deterministically: the same values give the same bytes.

Layout (``../shared/domain/edxml.md`` §1.1–§1.4, §2): root ``edXML`` with the edXML namespace as default, the
``edXML:`` prefix declared on the envelope, elements in the order of the standard's tables, dates ``yyyy/MM/dd``
and timestamps ``yyyy/MM/dd HH:mm:ss`` (Vietnam time); each attachment zipped alone (one entry
``<ContentId><ext>``, fixed 1980-01-01 entry time) and base64-encoded on one line, with a manifest ``Reference`` and
an ``AttachmentEncoded/Attachment`` sharing a ``cid:`` id; status fields in ``MessageHeader`` as every real status
package has them. Values are validated first (required fields, lengths, ranges); the first problem raises
``EdxmlError`` naming the element path. No XSD of QCVN 102 was available (docs/decisions.md)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import re
import uuid
import zipfile
import zlib
from pathlib import PurePosixPath

from . import messages as m
from .model import (
    STATUS_CODES,
    Attachment,
    DocumentPackage,
    EdxmlError,
    Organ,
    ResponseFor,
    Staff,
    StatusPackage,
    Trace,
)

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
VIETNAM = dt.timezone(dt.timedelta(hours=7))
ZIP_PROBE = 64 * 1024  # bytes compressed first to see whether deflating the file is worth it

_HEAD = "edXML/edXMLEnvelope/edXMLHeader/MessageHeader"
_TRACES = "edXML/edXMLEnvelope/edXMLHeader/TraceHeaderList"
# Characters XML 1.0 cannot carry (control characters other than tab, LF, CR; surrogates; U+FFFE/U+FFFF).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DIGITS = re.compile(r"[0-9]{1,11}")


def _error(template: str, path: str, **params: object) -> EdxmlError:
    err = EdxmlError(template.format(**params), path)
    err.template, err.params = template, dict(params)
    return err


def format_date(value: dt.date) -> str:
    return f"{value.year:04d}/{value.month:02d}/{value.day:02d}"


def format_timestamp(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(VIETNAM)
    return f"{format_date(value)} {value.hour:02d}:{value.minute:02d}:{value.second:02d}"


def document_id(organ_id: str, date: dt.date, code_number: str, code_notation: str) -> str:
    """``OrganId,yyyy/MM/dd,số/ký hiệu`` (edxml.md §1.2), e.g. ``000.00.00.G22,2015/09/30,7816/VPCP-TTĐT``."""
    return f"{organ_id.strip()},{format_date(date)},{code_number.strip()}/{code_notation.strip()}"


_DOCUMENT_ID = re.compile(r"[^,\s][^,]*,(\d{4})/(\d{2})/(\d{2}),[^,/]+/.+")


# --- writing ---------------------------------------------------------------------------------------------------

class _Writer:
    """Appends escaped XML to a list; ``path`` tracks the element path for error messages."""

    def __init__(self) -> None:
        self.out: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>\n']
        self.stack: list[str] = []
        self.path: list[str] = []

    def open(self, name: str, attrs: str = "", prefix: str = "edXML:") -> None:
        self.out.append(f"{'  ' * len(self.stack)}<{prefix}{name}{attrs}>\n")
        self.stack.append(prefix + name)

    def close(self) -> None:
        tag = self.stack.pop()
        self.out.append(f"{'  ' * len(self.stack)}</{tag}>\n")

    def leaf(self, name: str, value: str | int | None, path: str, *, prefix: str = "edXML:") -> None:
        """``<name>value</name>``; nothing for None or an empty string (an empty element means absent)."""
        if value is None or value == "":
            return
        text = _escape(str(value), f"{path}/{name}")
        self.out.append(f"{'  ' * len(self.stack)}<{prefix}{name}>{text}</{prefix}{name}>\n")

    def bytes(self) -> bytes:
        return "".join(self.out).encode("utf-8")


def _escape(value: str, path: str) -> str:
    if _INVALID_XML.search(value):
        raise _error(m.INVALID_CHARACTER, path)
    value = value.strip()
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    return value


# --- validation ------------------------------------------------------------------------------------------------

def _required(value: str | None, path: str) -> None:
    if value is None or not str(value).strip():
        raise _error(m.EMPTY_VALUE, path)


def _length(value: str, limit: int, path: str) -> None:
    if len(value.strip()) > limit:
        raise _error(m.TOO_LONG, path, length=len(value.strip()), limit=limit)


def _range(value: int | None, allowed: range | tuple[int, ...], path: str, *, required: bool = False) -> None:
    if value is None:
        if required:
            raise _error(m.EMPTY_VALUE, path)
        return
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        shown = (f"{allowed.start}–{allowed.stop - 1}" if isinstance(allowed, range)
                 else ", ".join(map(str, allowed)))
        raise _error(m.OUT_OF_RANGE, path, value=value, allowed=shown)


def _check_organ(organ: Organ, path: str) -> None:
    _required(organ.organ_id, f"{path}/OrganId")
    _length(organ.organ_id, 50, f"{path}/OrganId")
    _required(organ.name, f"{path}/OrganName")
    for value, limit, name in ((organ.name, 200, "OrganName"), (organ.organization_in_charge, 500,
                               "OrganizationInCharge"), (organ.address, 500, "OrganAdd"), (organ.email, 100, "Email"),
                               (organ.telephone, 20, "Telephone"), (organ.fax, 20, "Fax"),
                               (organ.website, 100, "Website")):
        _length(value, limit, f"{path}/{name}")


def _check_document_id(value: str, path: str) -> None:
    match = _DOCUMENT_ID.fullmatch(value.strip())
    valid = False
    if match:
        try:
            dt.date(int(match[1]), int(match[2]), int(match[3]))
            valid = True
        except ValueError:
            valid = False
    if not valid:
        raise _error(m.BAD_DOCUMENT_ID, path, value=value[:100])


def _check_traces(traces: list[Trace]) -> None:
    if not traces:
        raise _error(m.NO_TRACE, f"{_TRACES}/TraceHeader")
    for i, trace in enumerate(traces, 1):
        path = f"{_TRACES}/TraceHeader[{i}]"
        _required(trace.organ_id, f"{path}/OrganId")
        if trace.timestamp is None:
            raise _error(m.EMPTY_VALUE, f"{path}/Timestamp")


def validate_document(pkg: DocumentPackage) -> list[str]:
    """Raise ``EdxmlError`` for the first value the standard does not allow (edxml.md §1.2–§1.4); returns the
    attachments' content ids (without ``cid:``)."""
    _check_organ(pkg.sender, f"{_HEAD}/From")
    if not pkg.recipients:
        raise _error(m.NO_RECIPIENT, f"{_HEAD}/To")
    seen: set[str] = set()
    for i, organ in enumerate(pkg.recipients, 1):
        path = f"{_HEAD}/To[{i}]"
        _check_organ(organ, path)
        if organ.organ_id.strip() in seen:
            raise _error(m.DUPLICATE_RECIPIENT, f"{path}/OrganId", organ_id=organ.organ_id)
        seen.add(organ.organ_id.strip())
    _required(pkg.document_id, f"{_HEAD}/DocumentId")
    _check_document_id(pkg.document_id, f"{_HEAD}/DocumentId")
    _required(pkg.code_number, f"{_HEAD}/Code/CodeNumber")
    if not _DIGITS.fullmatch(pkg.code_number.strip()):
        raise _error(m.NOT_DIGITS, f"{_HEAD}/Code/CodeNumber", value=pkg.code_number[:50])
    _required(pkg.code_notation, f"{_HEAD}/Code/CodeNotation")
    _length(pkg.code_notation, 30, f"{_HEAD}/Code/CodeNotation")
    _length(pkg.place, 50, f"{_HEAD}/PromulgationInfo/Place")
    if pkg.promulgation_date is None:
        raise _error(m.EMPTY_VALUE, f"{_HEAD}/PromulgationInfo/PromulgationDate")
    _range(pkg.type, (1, 2), f"{_HEAD}/DocumentType/Type", required=True)
    _range(pkg.type_detail, range(0, 1000), f"{_HEAD}/DocumentType/TypeDetail")
    _required(pkg.type_name, f"{_HEAD}/DocumentType/TypeName")
    _length(pkg.type_name, 100, f"{_HEAD}/DocumentType/TypeName")
    _required(pkg.subject, f"{_HEAD}/Subject")
    _length(pkg.subject, 500, f"{_HEAD}/Subject")
    _length(pkg.content, 500, f"{_HEAD}/Content")
    for name, value in (("Competence", pkg.signer_competence), ("Position", pkg.signer_position),
                        ("FullName", pkg.signer_name)):
        _length(value, 200, f"{_HEAD}/SignerInfo/{name}")
    for i, place in enumerate(pkg.to_places, 1):
        _required(place, f"{_HEAD}/ToPlaces/Place[{i}]")
        _length(place, 150, f"{_HEAD}/ToPlaces/Place[{i}]")
    _range(pkg.priority, range(0, 5), f"{_HEAD}/OtherInfo/Priority", required=True)
    _length(pkg.sphere_of_promulgation, 100, f"{_HEAD}/OtherInfo/SphereOfPromulgation")
    _length(pkg.typer_notation, 10, f"{_HEAD}/OtherInfo/TyperNotation")
    _range(pkg.promulgation_amount, range(0, 65536), f"{_HEAD}/OtherInfo/PromulgationAmount")
    _range(pkg.page_amount, range(0, 65536), f"{_HEAD}/OtherInfo/PageAmount")
    for i, appendix in enumerate(pkg.appendixes, 1):
        _required(appendix, f"{_HEAD}/OtherInfo/Appendixes/Appendix[{i}]")
    for i, response in enumerate(pkg.response_for, 1):
        _required(response.document_id, f"{_HEAD}/ResponseFor[{i}]/DocumentId")
    _range(pkg.steering_type, range(0, 4), f"{_HEAD}/SteeringType")
    business = f"{_TRACES}/Bussiness"
    _range(pkg.business_doc_type, range(0, 4), f"{business}/BussinessDocType", required=True)
    if pkg.business_document_id:
        _check_document_id(pkg.business_document_id, f"{business}/DocumentId")
    _range(pkg.paper, (0, 1), f"{business}/Paper")
    for i, change in enumerate(pkg.receiver_changes, 1):
        path = f"{business}/BussinessDocumentInfo/ReceiverList/Receiver[{i}]"
        _required(change.organ_id, f"{path}/OrganId")
        _range(change.receiver_type, (0, 1), f"{path}/ReceiverType", required=True)
    for i, replacement in enumerate(pkg.replacements, 1):
        _check_document_id(replacement.document_id, f"{business}/ReplacementInfoList/ReplacementInfo[{i}]/DocumentId")
    _check_traces(pkg.traces)
    ids: list[str] = []
    for i, attachment in enumerate(pkg.attachments, 1):
        path = f"edXML/AttachmentEncoded/Attachment[{i}]"
        _required(attachment.name, f"{path}/AttachmentName")
        _length(attachment.name, 500, f"{path}/AttachmentName")
        _required(attachment.content_type, f"{path}/ContentType")
        _length(attachment.content_type, 255, f"{path}/ContentType")
        content_id = _content_id(attachment, i)
        if content_id in ids:
            raise _error(m.DUPLICATE_CONTENT_ID, f"{path}/ContentId", content_id=content_id)
        ids.append(content_id)
        if not isinstance(attachment.data, (bytes, bytearray, memoryview)):
            raise _error(m.EMPTY_VALUE, f"{path}/ContentTransferEncoded")
    return ids


def validate_status(pkg: StatusPackage) -> None:
    _check_organ(pkg.sender, f"{_HEAD}/From")
    _required(pkg.response_for.document_id, f"{_HEAD}/ResponseFor/DocumentId")
    _required(pkg.response_for.organ_id, f"{_HEAD}/ResponseFor/OrganId")
    _required(pkg.response_for.code, f"{_HEAD}/ResponseFor/Code")
    if pkg.response_for.promulgation_date is None:
        raise _error(m.EMPTY_VALUE, f"{_HEAD}/ResponseFor/PromulgationDate")
    if pkg.status_code not in STATUS_CODES:
        raise _error(m.UNKNOWN_STATUS_CODE, f"{_HEAD}/StatusCode", value=pkg.status_code,
                     allowed=", ".join(STATUS_CODES))
    if pkg.timestamp is None:
        raise _error(m.EMPTY_VALUE, f"{_HEAD}/Timestamp")
    if pkg.traces:
        _check_traces(pkg.traces)


# --- building --------------------------------------------------------------------------------------------------

def _content_id(attachment: Attachment, index: int) -> str:
    """The attachment's id without ``cid:``; when none is given, a UUID derived from its position and bytes (the
    same input always gives the same id)."""
    given = attachment.content_id.strip()
    if given:
        return given[4:] if given[:4].lower() == "cid:" else given
    digest = hashlib.sha256(index.to_bytes(4, "big") + bytes(attachment.data)).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def zip_attachment(data: bytes, entry_name: str) -> bytes:
    """One-entry zip with fixed metadata, as the reference SDKs wrap each file. Files that do not compress (the
    first 64 KiB shrink by less than a tenth: PDFs of scans, JPEGs, already-zipped office files) are stored, the
    others deflated (level 6); the choice depends on the bytes only, so the output stays deterministic."""
    info = zipfile.ZipInfo(entry_name, date_time=(1980, 1, 1, 0, 0, 0))
    probe = data[:ZIP_PROBE]
    compressible = len(probe) > 0 and len(zlib.compress(probe, 1)) < 0.9 * len(probe)
    info.compress_type = zipfile.ZIP_DEFLATED if compressible else zipfile.ZIP_STORED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(info, data, compresslevel=6 if compressible else None)
    return buffer.getvalue()


def _organ(w: _Writer, tag: str, organ: Organ, path: str) -> None:
    w.open(tag)
    w.leaf("OrganId", organ.organ_id, path)
    w.leaf("OrganizationInCharge", organ.organization_in_charge, path)
    w.leaf("OrganName", organ.name, path)
    w.leaf("OrganAdd", organ.address, path)
    w.leaf("Email", organ.email, path)
    w.leaf("Telephone", organ.telephone, path)
    w.leaf("Fax", organ.fax, path)
    w.leaf("Website", organ.website, path)
    w.close()


def _response_for(w: _Writer, response: ResponseFor, path: str) -> None:
    w.open("ResponseFor")
    w.leaf("OrganId", response.organ_id, path)
    w.leaf("Code", response.code, path)
    w.leaf("PromulgationDate", format_date(response.promulgation_date) if response.promulgation_date else "", path)
    w.leaf("DocumentId", response.document_id, path)
    w.close()


def _staff(w: _Writer, staff: Staff, path: str) -> None:
    if not (staff.department or staff.staff or staff.mobile or staff.email):
        return
    w.open("StaffInfo")
    w.leaf("Department", staff.department, path)
    w.leaf("Staff", staff.staff, path)
    w.leaf("Mobile", staff.mobile, path)
    w.leaf("Email", staff.email, path)
    w.close()


def _traces(w: _Writer, traces: list[Trace]) -> None:
    for trace in traces:
        w.open("TraceHeader")
        w.leaf("OrganId", trace.organ_id, _TRACES)
        w.leaf("Timestamp", format_timestamp(trace.timestamp) if trace.timestamp else "", _TRACES)
        w.close()


def _envelope_start(w: _Writer) -> None:
    w.open("edXML", f' xmlns="{NAMESPACE}"', prefix="")
    w.open("edXMLEnvelope", f' xmlns:edXML="{NAMESPACE}"')
    w.open("edXMLHeader")


def build_document(pkg: DocumentPackage) -> bytes:
    """The package's bytes (UTF-8, LF). Raises ``EdxmlError`` when a value is missing or not allowed."""
    ids = validate_document(pkg)
    w = _Writer()
    _envelope_start(w)
    h = _HEAD
    w.open("MessageHeader")
    _organ(w, "From", pkg.sender, f"{h}/From")
    for organ in pkg.recipients:
        _organ(w, "To", organ, f"{h}/To")
    w.leaf("DocumentId", pkg.document_id, h)
    w.open("Code")
    w.leaf("CodeNumber", pkg.code_number, h)
    w.leaf("CodeNotation", pkg.code_notation, h)
    w.close()
    w.open("PromulgationInfo")
    w.leaf("Place", pkg.place, h)
    w.leaf("PromulgationDate", format_date(pkg.promulgation_date), h)  # type: ignore[arg-type]  # validated
    w.close()
    w.open("DocumentType")
    w.leaf("Type", pkg.type, h)
    w.leaf("TypeDetail", pkg.type_detail, h)
    w.leaf("TypeName", pkg.type_name, h)
    w.close()
    w.leaf("Subject", pkg.subject, h)
    w.leaf("Content", pkg.content, h)
    if pkg.signer_competence or pkg.signer_position or pkg.signer_name:
        w.open("SignerInfo")
        w.leaf("Competence", pkg.signer_competence, h)
        w.leaf("Position", pkg.signer_position, h)
        w.leaf("FullName", pkg.signer_name, h)
        w.close()
    w.leaf("DueDate", format_date(pkg.due_date) if pkg.due_date else "", h)
    if pkg.to_places:
        w.open("ToPlaces")
        for place in pkg.to_places:
            w.leaf("Place", place, h)
        w.close()
    w.open("OtherInfo")
    w.leaf("Priority", pkg.priority, h)
    w.leaf("SphereOfPromulgation", pkg.sphere_of_promulgation, h)
    w.leaf("TyperNotation", pkg.typer_notation, h)
    w.leaf("PromulgationAmount", pkg.promulgation_amount, h)
    w.leaf("PageAmount", pkg.page_amount, h)
    if pkg.appendixes:
        w.open("Appendixes")
        for appendix in pkg.appendixes:
            w.leaf("Appendix", appendix, h)
        w.close()
    w.close()
    for response in pkg.response_for:
        _response_for(w, response, f"{h}/ResponseFor")
    w.leaf("SteeringType", pkg.steering_type, h)
    w.close()  # MessageHeader
    w.open("TraceHeaderList")
    _traces(w, pkg.traces)
    b = f"{_TRACES}/Bussiness"
    w.open("Bussiness")
    w.leaf("BussinessDocType", pkg.business_doc_type, b)
    w.leaf("BussinessDocReason", pkg.business_reason, b)
    w.leaf("DocumentId", pkg.business_document_id, b)
    w.leaf("Paper", pkg.paper, b)
    _staff(w, pkg.staff, f"{b}/StaffInfo")
    if pkg.document_info_changed is not None or pkg.receivers_changed is not None or pkg.receiver_changes:
        w.open("BussinessDocumentInfo")
        w.leaf("DocumentInfo", pkg.document_info_changed, b)
        w.leaf("DocumentReceiver", pkg.receivers_changed, b)
        if pkg.receiver_changes:
            w.open("ReceiverList")
            for change in pkg.receiver_changes:
                w.open("Receiver")
                w.leaf("OrganId", change.organ_id, b)
                w.leaf("ReceiverType", change.receiver_type, b)
                w.close()
            w.close()
        w.close()
    if pkg.replacements:
        w.open("ReplacementInfoList")
        for replacement in pkg.replacements:
            w.open("ReplacementInfo")
            w.leaf("DocumentId", replacement.document_id, b)
            w.open("OrganIdList")
            for organ_id in replacement.organ_ids:
                w.leaf("OrganId", organ_id, b)
            w.close()
            w.close()
        w.close()
    w.close()  # Bussiness
    w.close()  # TraceHeaderList
    w.close()  # edXMLHeader
    w.open("edXMLBody")
    w.open("edXMLManifest", ' version="1.0"')
    for attachment, content_id in zip(pkg.attachments, ids, strict=True):
        w.open("Reference")
        w.leaf("ContentId", f"cid:{content_id}", "edXML/edXMLEnvelope/edXMLBody/edXMLManifest/Reference")
        w.leaf("ContentType", attachment.content_type, "edXML/edXMLEnvelope/edXMLBody/edXMLManifest/Reference")
        w.leaf("Description", attachment.description, "edXML/edXMLEnvelope/edXMLBody/edXMLManifest/Reference")
        w.leaf("AttachmentName", attachment.name, "edXML/edXMLEnvelope/edXMLBody/edXMLManifest/Reference")
        w.close()
    w.close()
    w.close()  # edXMLBody
    w.close()  # edXMLEnvelope
    if pkg.attachments:
        w.open("AttachmentEncoded", prefix="")
        for attachment, content_id in zip(pkg.attachments, ids, strict=True):
            path = "edXML/AttachmentEncoded/Attachment"
            w.open("Attachment", prefix="")
            w.leaf("ContentId", f"cid:{content_id}", path, prefix="")
            w.leaf("AttachmentName", attachment.name, path, prefix="")
            w.leaf("Description", attachment.description, path, prefix="")
            w.leaf("ContentType", attachment.content_type, path, prefix="")
            suffix = PurePosixPath(attachment.name.replace("\\", "/")).suffix
            entry = content_id + (suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,10}", suffix) else "")
            encoded = base64.b64encode(zip_attachment(bytes(attachment.data), entry)).decode("ascii")
            w.out.append(f'{"  " * len(w.stack)}<edXML:ContentTransferEncoded xmlns:edXML="{NAMESPACE}">'
                         f"{encoded}</edXML:ContentTransferEncoded>\n")
            w.close()
        w.close()
    w.close()  # edXML
    return w.bytes()


def build_status(pkg: StatusPackage) -> bytes:
    """The status package's bytes; the fields sit in ``MessageHeader`` (as in every real status package)."""
    validate_status(pkg)
    w = _Writer()
    _envelope_start(w)
    h = _HEAD
    w.open("MessageHeader")
    _organ(w, "From", pkg.sender, f"{h}/From")
    _response_for(w, pkg.response_for, f"{h}/ResponseFor")
    _staff(w, pkg.staff, f"{h}/StaffInfo")
    w.leaf("StatusCode", pkg.status_code, h)
    w.leaf("Description", pkg.description, h)
    w.leaf("Timestamp", format_timestamp(pkg.timestamp), h)  # type: ignore[arg-type]  # validated
    w.close()
    if pkg.traces:
        w.open("TraceHeaderList")
        _traces(w, pkg.traces)
        w.close()
    w.close()  # edXMLHeader
    w.close()  # edXMLEnvelope
    w.close()  # edXML
    return w.bytes()
