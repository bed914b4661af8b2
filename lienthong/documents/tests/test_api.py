"""The original of a document's file through the JSON API (``lienthong.documents.api``): the bytes as uploaded,
as an attachment, and logged. Lists, search, detail and registration are tested in ``lienthong/web/tests``."""

import datetime as dt

from django.test import Client

from lienthong.accounts.services import api_token_issue
from lienthong.audit.models import AuditEntry
from lienthong.documents import services
from lienthong.documents.models import DocumentFile
from lienthong.testing.builders import doc_input, pdf_upload, tiny_pdf

TODAY = dt.date(2018, 3, 20)


def as_user(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})


def test_file_download_returns_the_original_bytes_as_attachment_and_is_logged(province):
    doc = services.document_register_incoming(
        actor=province.users["clerk.stttt"], agency=province.agencies["stttt"],
        data=doc_input("quyet-dinh", "Quyết định phê duyệt kế hoạch kết nối LGSP", issued_on=dt.date(2018, 3, 1),
                       files=[pdf_upload("qd-15.pdf", "Ke hoach ket noi")]),
        number_symbol="15/QĐ-UBND", issuer_agency=province.agencies["ubnd"], today=TODAY)

    df = DocumentFile.objects.get(document=doc)

    response = as_user(province.users["leader.stttt"]).get(f"/api/documents/{doc.pk}/files/{df.pk}")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == tiny_pdf("Ke hoach ket noi")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="qd-15.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEntry.objects.filter(action="downloaded", object_id=str(doc.pk), summary="qd-15.pdf").count() == 1
