"""Metadata of documents and registers with the field names of NĐ30 Phụ lục VI (vanthu.md §4.3, §7 rule 12).

One document, or every document of a register the reader may see, as JSON or XML (built with lxml).
Element names are those of Phụ lục VI Part II (OrganId, CodeNumber, CodeNotation, …) and of edXML where
Phụ lục VI takes them from it (To, ToPlaces, TraceHeaderList). Values are given whole: where the system
keeps a longer value than Phụ lục VI's length (docs/conformance.md), nothing is cut.

The hồ sơ fields (FileCatalog, FileNotation, DocOrdinal) are reserved: they are written empty until the
records (hồ sơ) issue files documents.

Who an outgoing document was sent to (``To``) is known to the delivery app, which sits above this one: it
registers the function that reads it (``recipients_provider_register``, in its ``AppConfig.ready``), so this
module never imports it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from django.utils import translation

from lienthong.audit.models import AuditAction, AuditEntry
from lienthong.documents.models import (
    Direction,
    Document,
    DocumentGrant,
    DocumentStatus,
    Register,
    Secrecy,
    Urgency,
)

FORMATS = ("json", "xml")
# edXML OtherInfo/Priority codes (edxml.md §1; vanthu.md §6): Phụ lục VI field 14 "Priority", one digit.
PRIORITY = {Urgency.NORMAL: 0, Urgency.URGENT: 1, Urgency.VERY_URGENT: 2, Urgency.FLASH: 3}
# Phụ lục VI's one digit cannot also hold the secrecy level; it goes in an element of its own.
SECURITY_LEVEL = {Secrecy.NORMAL: 0, Secrecy.CONFIDENTIAL: 1, Secrecy.SECRET: 2, Secrecy.TOP_SECRET: 3}
# Reserved for the records issue (Phụ lục VI Part II §I fields 1.2, 1.3, 2).
RESERVED_FILE_FIELDS = ("FileCatalog", "FileNotation", "DocOrdinal")
# Audit actions that are reading, not handling: left out of TraceHeaderList.
_NOT_HANDLING = {AuditAction.VIEWED, AuditAction.DOWNLOADED, AuditAction.PRINTED, AuditAction.DENIED}

#: ``provider(document_ids=[...])`` → document id → its recipient agencies (``identifier_code``, ``name``), in order.
RecipientsProvider = Callable[..., Mapping[int, Sequence]]
_recipients_provider: dict[str, RecipientsProvider] = {}


def recipients_provider_register(provider: RecipientsProvider) -> None:
    """Set the function that tells who each outgoing document went to (one call for many documents)."""
    _recipients_provider["to"] = provider


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _fill(docs: list[Document]) -> None:
    """Recipients, assignees and handling history of ``docs`` in a few queries, never one per document."""
    ids = [d.pk for d in docs]
    provider = _recipients_provider.get("to")
    to = provider(document_ids=ids) if provider is not None else {}
    places = defaultdict(list)
    for grant in (DocumentGrant.objects.filter(document_id__in=ids).select_related("unit", "user")
                  .order_by("document_id", "id")):
        places[grant.document_id].append(grant.unit.name if grant.unit_id else str(grant.user))
    trace = defaultdict(list)
    incoming = [str(d.pk) for d in docs if d.direction == Direction.INCOMING]
    if incoming:
        entries = (AuditEntry.objects.filter(object_type="document", object_id__in=incoming)
                   .exclude(action__in=_NOT_HANDLING).order_by("at", "id")
                   .values_list("object_id", "at", "actor_name", "summary"))
        for object_id, at, actor_name, summary in entries:
            trace[int(object_id)].append({"Timestamp": at.isoformat(timespec="seconds"), "FullName": actor_name,
                                          "Content": summary})
    for d in docs:
        d._meta_to, d._meta_places, d._meta_trace = list(to.get(d.pk, ())), places[d.pk], trace[d.pk]


def _record(doc: Document) -> dict:
    """One document's fields, in Phụ lục VI order (Part II §I outgoing, §II incoming)."""
    with translation.override("vi"):
        language = str(doc.get_language_display())
    out = {
        "DocumentId": doc.identifier or None,
        "OrganId": doc.agency.identifier_code,
        **{name: None for name in RESERVED_FILE_FIELDS},
        "TypeName": doc.document_type.name,
        "CodeNumber": doc.code_number or None,
        "CodeNotation": doc.code_notation or None,
        "IssuedDate": _date(doc.issued_on),
        "OrganName": doc.issuer_name,
        "Subject": doc.subject,
        "Language": language,
        "PageAmount": doc.page_count,
        "Description": doc.notes or None,
    }
    signer = {"Position": doc.signer_position or None, "FullName": doc.signer_name or None}
    if doc.direction == Direction.INCOMING:
        out.update({
            "ArrivalDate": _date(doc.received_on),
            "ArrivalNumber": doc.register_number,
            "SignerInfo": signer,
            "Priority": PRIORITY.get(doc.urgency, 0),
            "SecurityLevel": SECURITY_LEVEL.get(doc.secrecy, 0),
            "ToPlaces": "; ".join(getattr(doc, "_meta_places", [])) or None,
            "TraceHeaderList": getattr(doc, "_meta_trace", []),
            "DueDate": _date(doc.due_date),
        })
    else:
        out.update({
            "SignerInfo": signer,
            "To": [{"OrganId": a.identifier_code, "OrganName": a.name} for a in getattr(doc, "_meta_to", [])],
            "Priority": PRIORITY.get(doc.urgency, 0),
            "SecurityLevel": SECURITY_LEVEL.get(doc.secrecy, 0),
            "IssuedAmount": doc.issued_amount,
            "DueDate": _date(doc.due_date),
        })
    return out


def has_metadata(document: Document) -> bool:
    """False for a copy withdrawn after a recall: its metadata is gone with it (NĐ30 Art. 18.4b)."""
    return document.status != DocumentStatus.WITHDRAWN


def document_metadata(*, document: Document) -> dict:
    _fill([document])
    return _record(document)


def register_metadata(*, user, register: Register, year: int | None = None) -> dict:
    """Every document of ``register`` that ``user`` may see (``documents_visible_to``), in number order."""
    from lienthong.documents.selectors import documents_visible_to

    # A copy withdrawn after a recall has no metadata to give (NĐ30 Art. 18.4b; Phụ lục VI §III.8).
    documents = documents_visible_to(user=user).filter(register=register).exclude(status=DocumentStatus.WITHDRAWN)
    if year is not None:
        documents = documents.filter(year=year)
    docs = list(documents.select_related("agency", "document_type").order_by("register_number"))
    _fill(docs)
    return {
        "OrganId": register.agency.identifier_code, "OrganName": register.agency.name,
        "Register": register.name, "Year": register.year, "Direction": register.direction,
        "Documents": [_record(d) for d in docs],
    }


# --- Serialisation ----------------------------------------------------------------------------------

def to_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


# Characters XML 1.0 cannot carry (control characters a pasted text may hold): left out of the XML only.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_value(parent, name: str, value) -> None:
    from lxml import etree

    if isinstance(value, list):
        if name == "To":  # repeated blocks, as in edXML
            for item in value:
                _xml_value(parent, "To", item)
            return
        holder = etree.SubElement(parent, name)
        child = "TraceHeader" if name == "TraceHeaderList" else "Document"
        for item in value:
            _xml_value(holder, child, item)
        return
    element = etree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _xml_value(element, key, item)
    elif value is not None:
        element.text = _NOT_XML.sub("", str(value))


def to_xml(data: dict, *, root: str) -> bytes:
    from lxml import etree

    element = etree.Element(root)
    for key, value in data.items():
        _xml_value(element, key, value)
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def render(data: dict, *, fmt: str, root: str) -> tuple[bytes, str]:
    """(bytes, content type) of ``data`` as JSON or XML."""
    if fmt == "xml":
        return to_xml(data, root=root), "application/xml; charset=utf-8"
    return to_json(data), "application/json; charset=utf-8"
