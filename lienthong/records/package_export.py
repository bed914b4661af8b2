"""A closed case file as an export package (``packages``): its metadata in the Appendix VI names, each
document's originals byte for byte, and the SHA-256 manifest.

Only a frozen file is exported (closed, handed over or accepted: its content no longer changes), and only
whole: someone who cannot see every document of the file gets a refusal, never a package that silently
leaves documents out. A disposed file has no originals any more and is refused too. The export is
audit-logged.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong import files as file_store
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core.errors import ValidationFailed
from lienthong.records import handover_selectors, packages, selectors
from lienthong.records.models import CaseFile, CaseFileState

NOT_FROZEN = gettext_lazy("Chỉ xuất gói hồ sơ đã kết thúc (hồ sơ đang lập còn thay đổi).")
DISPOSED = gettext_lazy("Hồ sơ đã tiêu hủy: không còn bản gốc để xuất gói.")
NOT_WHOLE = gettext_lazy("Bạn không được xem tất cả văn bản trong hồ sơ nên không xuất được gói hồ sơ đầy đủ.")

# Priority (PL6 field 14) is one digit; the values follow edXML's urgency scale (vanthu.md §6).
PRIORITY = {"normal": "0", "urgent": "1", "very_urgent": "2", "flash": "3"}


def file_code(case_file: CaseFile) -> str:
    """FileCode = OrganId + FileCatalog + FileNotation (PL6 Part II §III)."""
    return ".".join(p for p in (case_file.agency.identifier_code or "", str(case_file.year), case_file.number) if p)


def _date(d) -> str:
    return d.isoformat() if d else ""


def file_metadata(case_file: CaseFile) -> dict[str, str]:
    return {
        "FileCode": file_code(case_file),
        "OrganId": case_file.agency.identifier_code or "",
        "FileCatalog": str(case_file.year),
        "FileNotation": case_file.number,
        "Title": case_file.title,
        "Maintenance": case_file.retention.name,
        "Rights": case_file.rights,
        "Creator": str(case_file.owner),
        "Language": case_file.language,
        "StartDate": _date(case_file.start_date),
        "EndDate": _date(case_file.end_date),
        "DocTotal": str(case_file.doc_total),
        "PageTotal": str(case_file.page_total),
        "Description": case_file.description,
    }


def document_metadata(doc, *, organ_id: str, year: int, notation: str) -> dict[str, str]:
    out = {
        "OrganId": organ_id, "FileCatalog": str(year), "FileNotation": notation,
        "TypeName": doc.document_type.name, "CodeNumber": doc.code_number, "CodeNotation": doc.code_notation,
        "IssuedDate": _date(doc.issued_on), "OrganName": doc.issuer_name, "Subject": doc.subject,
        "Language": doc.get_language_display(), "PageAmount": str(doc.page_count or ""),
        "Description": doc.notes, "Priority": PRIORITY.get(doc.urgency, ""),
        "IssuedAmount": str(doc.issued_amount or ""), "DueDate": _date(doc.due_date),
    }
    if doc.direction == "in":
        out |= {"ArrivalDate": _date(doc.received_on), "ArrivalNumber": str(doc.register_number)}
    else:
        out |= {"ToPlaces": doc.recipients_text}
    return out


def package_content(*, user, case_file: CaseFile) -> packages.PackageContent:
    if case_file.state == CaseFileState.DISPOSED:
        raise ValidationFailed({"state": [str(DISPOSED)]})
    if case_file.state == CaseFileState.OPEN:
        raise ValidationFailed({"state": [str(NOT_FROZEN)]})
    if not handover_selectors.may_read_custody(user=user, case_file=case_file):
        raise ValidationFailed({"state": [str(handover_selectors.REQUEST_FIRST)]})
    items = selectors.package_items(user=user, case_file=case_file)
    if len(items) != selectors.item_count(case_file=case_file):
        raise ValidationFailed({"documents": [str(NOT_WHOLE)]})
    organ_id = case_file.agency.identifier_code or ""
    documents = []
    for item in items:
        doc = item.document
        originals = []
        for f in doc.files.all():
            with file_store.open_original(f.stored_file.storage_name) as fh:
                originals.append(packages.PackageFile(name=f.filename, data=fh.read()))
        documents.append(packages.PackageDocument(
            ordinal=item.ordinal, files=originals, signer=(doc.signer_position, doc.signer_name),
            metadata=document_metadata(doc, organ_id=organ_id, year=case_file.year, notation=case_file.number)))
    return packages.PackageContent(file_metadata=file_metadata(case_file), documents=documents)


def package_name(case_file: CaseFile) -> str:
    return packages.safe_name(f"ho-so-{file_code(case_file)}").replace(" ", "-")


def case_file_package(*, user, case_file: CaseFile) -> bytes:
    """The package of the file as a ZIP (its folder ``ho-so-<FileCode>``), audit-logged."""
    content = package_content(user=user, case_file=case_file)
    data = packages.build_zip(content, root=package_name(case_file))
    audit_log(actor=user, action=AuditAction.DOWNLOADED,
              obj_type="case_file", obj_id=case_file.pk, agency_id=case_file.agency_id,
              summary=_("Xuất gói hồ sơ %(n)s (%(k)s văn bản)") % {"n": case_file.number, "k": len(content.documents)})
    return data
