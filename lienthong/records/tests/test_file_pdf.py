"""A whole closed file as one PDF (issue 16): the index first, the documents in the file's order with
bookmarks, a signed original attached byte for byte (its signature still validates), other files attached."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lienthong.audit.models import AuditEntry
from lienthong.core.errors import ValidationFailed
from lienthong.documents.services import document_register_outgoing
from lienthong.records import file_pdf, services
from lienthong.records.tests.helpers import outgoing, world
from lienthong.signing.tests import pdf_helpers
from lienthong.testing.builders import PASSWORD, doc_input

pytestmark = pytest.mark.django_db


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"/>')
        zf.writestr("word/document.xml", '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://'
                    'schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Phụ lục</w:t>'
                    '</w:r></w:p></w:body></w:document>')
    return buf.getvalue()


@pytest.fixture
def closed():
    p, _plan, entries = world()
    signed = pdf_helpers.fully_signed()
    first = outgoing(p, "Thông báo tháng hai", issued_on=dt.date(2018, 2, 1))
    second = document_register_outgoing(
        actor=p.users["clerk.huyen"], agency=p.agencies["huyen"],
        data=doc_input("quyet-dinh", "Quyết định đã ký số", issued_on=dt.date(2018, 5, 2), files=[
            SimpleUploadedFile("qd-ky-so.pdf", signed, content_type="application/pdf"),
            SimpleUploadedFile("phu-luc.docx", docx_bytes())]))
    owner = p.users["specialist.huyen.noivu"]
    f = services.case_file_open(actor=owner, plan_entry_id=entries[0].pk)
    services.documents_file(actor=owner, case_file_id=f.pk, document_ids=[first.pk, second.pk])
    services.case_file_close(actor=owner, case_file_id=f.pk, retention_confirmed=True, reason="Đã xem")
    f.refresh_from_db()
    return p, f, signed


def test_the_file_reads_as_index_then_documents_with_the_signed_original_attached_unchanged(closed):
    from pypdf import PdfReader

    p, f, signed = closed
    data = file_pdf.case_file_pdf(user=p.users["clerk.huyen"], case_file=f)
    reader = PdfReader(io.BytesIO(data))
    index_text = reader.pages[0].extract_text()
    for text in ("MỤC LỤC VĂN BẢN", "Hồ sơ về công tác tổ chức", "01/02/2018", "02/05/2018", "Vĩnh viễn",
                 "bản có chữ ký số đính kèm nguyên vẹn", "phu-luc.docx"):
        assert text in index_text, text
    assert index_text.index("Thông báo tháng hai") < index_text.index("Quyết định đã ký số")
    outline = [(o.title, reader.get_destination_page_number(o)) for o in reader.outline]
    assert [t for t, _n in outline][0] == "Mục lục văn bản"
    [(_t, first_page), (second_title, second_page)] = outline[1:]
    assert "Quyết định đã ký số" in second_title
    signed_pages = len(PdfReader(io.BytesIO(signed)).pages)
    assert second_page == first_page + 1  # the first document has one page
    assert len(reader.pages) == first_page + 1 + signed_pages  # index pages + every document's pages
    attachments = reader.attachments
    assert sorted(attachments) == ["002-phu-luc.docx", "002-qd-ky-so.pdf"]
    extracted = attachments["002-qd-ky-so.pdf"][0]
    assert hashlib.sha256(extracted).hexdigest() == hashlib.sha256(signed).hexdigest()
    statuses = pdf_helpers.validate(extracted)
    assert statuses and all(s.intact and s.valid for s in statuses)
    assert AuditEntry.objects.filter(object_type="case_file", object_id=str(f.pk), summary__contains="PDF").exists()


def test_a_file_above_the_size_limit_is_refused_in_vietnamese(closed, settings):
    p, f, _signed = closed
    settings.CASE_FILE_PDF_MAX_MB = 0
    with pytest.raises(ValidationFailed, match="quá lớn"):
        file_pdf.case_file_pdf(user=p.users["clerk.huyen"], case_file=f)


def test_the_download_link_and_its_permission(closed, client):
    p, f, _signed = closed
    client.login(username="clerk.huyen", password=PASSWORD)
    page = client.get(reverse("records:file", args=[f.pk]))
    assert "Tải hồ sơ (PDF)" in page.content.decode()
    response = client.get(reverse("records:file_pdf", args=[f.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.login(username="clerk.xa", password=PASSWORD)
    assert client.get(reverse("records:file_pdf", args=[f.pk])).status_code == 404
