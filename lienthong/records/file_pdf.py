"""A closed case file as one PDF to read in one go (issue 16): first its index (mục lục văn bản), then the
PDF originals of its documents in the file's order, each with a bookmark.

A signed PDF cannot be merged without breaking its signatures (they cover the original bytes), so its pages
are copied for reading AND the signed original is embedded unchanged as a file attachment (the index says
so). Originals that are not PDF (DOCX, images…) are attached as files and listed. The same rules as the
export package (``package_export.package_content``): a frozen file only, whole, audit-logged.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core.errors import ValidationFailed
from lienthong.records import package_export
from lienthong.records.models import CaseFile

TOO_LARGE = gettext_lazy("Hồ sơ quá lớn để ghép thành một tệp PDF (%(size)s MB, tối đa %(limit)s MB): "
                         "hãy tải gói hồ sơ (ZIP).")


@dataclass
class IndexRow:
    ordinal: int
    metadata: dict[str, str]
    pages: int = 0
    signed: list[str] = field(default_factory=list)  # signed PDFs attached unchanged
    attached: list[str] = field(default_factory=list)  # originals that are not PDF
    unreadable: list[str] = field(default_factory=list)

    @property
    def issued(self) -> str:
        """dd/mm/yyyy of the ISO date in the metadata."""
        y, _s, rest = self.metadata.get("IssuedDate", "").partition("-")
        m, _s, d = rest.partition("-")
        return f"{d}/{m}/{y}" if d else ""


def _is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-")


def _signed(reader) -> bool:
    """Whether the PDF carries at least one filled signature field."""
    fields = reader.get_fields() or {}
    return any(f.get("/FT") == "/Sig" and f.get("/V") is not None for f in fields.values())


def _attachment_name(ordinal: int, name: str) -> str:
    return f"{ordinal:03d}-{name}"


def case_file_pdf(*, user, case_file: CaseFile) -> bytes:
    """The whole file as one PDF, audit-logged. Refuses (ValidationFailed) like the package, and above
    ``CASE_FILE_PDF_MAX_MB`` of originals."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    content = package_export.package_content(user=user, case_file=case_file)
    total = sum(len(f.data) for d in content.documents for f in d.files)
    limit = settings.CASE_FILE_PDF_MAX_MB
    if total > limit * 1024 * 1024:
        raise ValidationFailed({"size": [str(TOO_LARGE) % {"size": f"{total / 1048576:.0f}", "limit": limit}]})
    rows: list[IndexRow] = []
    readers: list[tuple[IndexRow, list]] = []
    attachments: list[tuple[str, bytes]] = []
    for doc in content.documents:
        row = IndexRow(ordinal=doc.ordinal, metadata=doc.metadata)
        pdfs = []
        for f in doc.files:
            name = _attachment_name(doc.ordinal, f.name)
            if not _is_pdf(f.data):
                row.attached.append(f.name)
                attachments.append((name, f.data))
                continue
            try:
                reader = PdfReader(io.BytesIO(f.data))
                pages, signed = len(reader.pages), _signed(reader)
            except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
                # a damaged original: attached byte for byte, it never breaks the whole file
                row.unreadable.append(f.name)
                attachments.append((name, f.data))
                continue
            row.pages += pages
            pdfs.append(reader)
            if signed:
                row.signed.append(f.name)
                attachments.append((name, f.data))
        rows.append(row)
        readers.append((row, pdfs))
    writer = PdfWriter()
    index = PdfReader(io.BytesIO(_index_pdf(case_file=case_file, rows=rows)))
    index_pages = len(index.pages)
    writer.append(index, import_outline=False)
    writer.add_outline_item(title=_("Mục lục văn bản"), page_number=0)
    for row, pdfs in readers:
        start = len(writer.pages)
        for reader in pdfs:
            for page in reader.pages:
                writer.add_page(page)
        if len(writer.pages) > start:
            md = row.metadata
            title = f"{row.ordinal}. {md.get('CodeNumber', '')}/{md.get('CodeNotation', '')} {md.get('Subject', '')}"
            writer.add_outline_item(title=title.strip()[:200], page_number=start)
    for name, data in attachments:
        writer.add_attachment(name, data)
    writer.add_metadata({"/Title": f"{package_export.file_code(case_file)} {case_file.title}"})
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    audit_log(actor=user, action=AuditAction.DOWNLOADED,
              obj_type="case_file", obj_id=case_file.pk, agency_id=case_file.agency_id,
              summary=_("Tải hồ sơ %(n)s thành một tệp PDF (%(k)s văn bản, %(p)s trang)")
              % {"n": case_file.number, "k": len(rows), "p": index_pages + sum(r.pages for r in rows)})
    return data


def _index_pdf(*, case_file: CaseFile, rows: list[IndexRow]) -> bytes:
    import weasyprint
    from django.template.loader import render_to_string

    html = render_to_string("records/file_pdf_index.html", {
        "file": case_file, "code": package_export.file_code(case_file), "rows": rows,
        "page_total": sum(r.pages for r in rows)})
    return weasyprint.HTML(string=html).write_pdf()
