"""The values of an edXML package (QCVN 102:2016, ``../shared/domain/edxml.md`` §1–§2), as plain dataclasses.

``build.build_document`` / ``build.build_status`` turn them into package bytes; ``parse.parse_package`` turns
package bytes back into them. Text is kept as sent, less the whitespace around it (an empty element counts as
absent: ""); dates the package could not give as a valid calendar date are None, with the raw text kept beside them
where it matters (``DocumentPackage.document_id`` and every ``…document_id`` are always the raw string). A
``TraceHeader`` whose ``OrganId`` is the literal ``null`` reads as "". Timestamps are naive datetimes in Vietnam
time (UTC+7), as packages carry them; the builder converts an aware datetime to UTC+7."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# BussinessDocType (edxml.md §1.3)
NEW, REVOKE, UPDATE, REPLACE = 0, 1, 2, 3
# OtherInfo/Priority
PRIORITY_NORMAL, PRIORITY_URGENT, PRIORITY_VERY_URGENT, PRIORITY_FLASH, PRIORITY_FLASH_TIMED = 0, 1, 2, 3, 4
# StatusCode values (edxml.md §2.2)
STATUS_CODES = ("01", "02", "03", "04", "05", "06", "13", "15", "16")


@dataclass
class Organ:
    """A ``From`` or ``To`` block: an agency (or enterprise) by its identifier code."""

    organ_id: str
    name: str = ""
    organization_in_charge: str = ""
    address: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass
class ResponseFor:
    """The document a package answers (a reply document, or the document a status is about)."""

    organ_id: str = ""
    code: str = ""  # "số/ký hiệu" as sent
    promulgation_date: dt.date | None = None
    document_id: str = ""


@dataclass
class Staff:
    """``StaffInfo``: the văn thư who handled the package."""

    department: str = ""
    staff: str = ""
    mobile: str = ""
    email: str = ""


@dataclass
class Trace:
    """One ``TraceHeader``: a system the package passed through."""

    organ_id: str = ""
    timestamp: dt.datetime | None = None


@dataclass
class ReceiverChange:
    """``ReceiverList/Receiver`` of an update package: 0 = removed, 1 = added."""

    organ_id: str
    receiver_type: int


@dataclass
class Replacement:
    """``ReplacementInfo``: the document replaced, at which recipients."""

    document_id: str
    organ_ids: list[str] = field(default_factory=list)


@dataclass
class Attachment:
    """One attached file, decoded: ``data`` is the file's own bytes (unzipped when the package zipped it)."""

    name: str
    data: bytes
    content_type: str = "application/octet-stream"
    description: str = ""
    content_id: str = ""  # without the "cid:" prefix
    error: str = ""  # only from ``parse_package(recover=True)``: why ``data`` could not be decoded (then empty)


@dataclass
class DocumentPackage:
    """An ``edoc`` package: a document (new, or revoking / updating / replacing an earlier one)."""

    sender: Organ
    recipients: list[Organ]
    document_id: str
    code_number: str
    code_notation: str
    subject: str
    type_name: str
    promulgation_date: dt.date | None = None
    place: str = ""
    type: int | None = None
    type_detail: int | None = None
    content: str = ""
    signer_competence: str = ""
    signer_position: str = ""
    signer_name: str = ""
    due_date: dt.date | None = None
    to_places: list[str] = field(default_factory=list)
    priority: int | None = None
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: int | None = None
    page_amount: int | None = None
    appendixes: list[str] = field(default_factory=list)
    steering_type: int | None = None
    response_for: list[ResponseFor] = field(default_factory=list)
    business_doc_type: int | None = None  # None when the package has no Bussiness element
    business_reason: str = ""
    business_document_id: str = ""
    staff: Staff = field(default_factory=Staff)
    receiver_changes: list[ReceiverChange] = field(default_factory=list)
    replacements: list[Replacement] = field(default_factory=list)
    traces: list[Trace] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    nonstandard_attachment_names: list[str] = field(default_factory=list)
    has_signature: bool = False  # an XMLDSig Signature element is present (checked by ``signature``)
    paper: int | None = None  # Bussiness/Paper: 0 = no paper copy follows
    document_info_changed: int | None = None  # update: BussinessDocumentInfo/DocumentInfo (1 = content changed)
    receivers_changed: int | None = None  # update: BussinessDocumentInfo/DocumentReceiver (1 = recipients changed)
    recovered: bool = False  # read by ``parse_package(recover=True)`` from a package that is not well-formed
    problems: list[str] = field(default_factory=list)  # what made it so (only with ``recover=True``)

    message_type = "edoc"


@dataclass
class StatusPackage:
    """A ``status`` package: what a recipient did with a document (01 arrived … 06 done, 13/15/16 recall)."""

    sender: Organ
    response_for: ResponseFor
    status_code: str
    timestamp: dt.datetime | None = None
    description: str = ""
    staff: Staff = field(default_factory=Staff)
    traces: list[Trace] = field(default_factory=list)

    message_type = "status"


Package = DocumentPackage | StatusPackage


class EdxmlError(ValueError):
    """A package that cannot be read or is refused: ``path`` names the element (``edXML/edXMLEnvelope/…``),
    ``message`` says what is wrong, in Vietnamese (it is sent back as the reason of a status 02)."""

    def __init__(self, message: str, path: str = ""):
        super().__init__(f"{path}: {message}" if path else message)
        self.message = message
        self.path = path
        self.template = message  # the unformatted msgid (``messages``), for translation on the Django side
        self.params: dict[str, object] = {}
