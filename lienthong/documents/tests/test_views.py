"""The original of a document's file through the web page: the bytes as they were uploaded, and a refusal
(404, logged) for a document the user may not see. The pages that combine apps (list, document page,
registration forms) are tested in ``lienthong/web/tests``."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lienthong.audit.models import AuditEntry
from lienthong.documents import services
from lienthong.documents.models import DocumentFile
from lienthong.testing.builders import doc_input, pdf_upload, tiny_pdf

TODAY = dt.date(2018, 3, 20)


def out(province, agency="vp", **kw):
    return services.document_register_outgoing(actor=province.users[f"clerk.{agency}"],
                                               agency=province.agencies[agency], data=doc_input(**kw), today=TODAY)


def test_files_of_a_hidden_document_are_refused_and_logged(client, province):
    """A specialist may not fetch the file of a secret document even with its exact address."""
    secret = out(province, secrecy="confidential", subject="Báo cáo mật", files=[pdf_upload("mat.pdf")])
    df = DocumentFile.objects.get(document=secret)
    client.force_login(province.users["specialist.vp"])
    response = client.get(reverse("documents:file", args=[secret.pk, df.pk]))
    assert response.status_code == 404
    entry = AuditEntry.objects.filter(action="denied", object_type="document").latest("id")
    assert (entry.actor, entry.object_id, entry.chain) == (province.users["specialist.vp"], str(secret.pk), "platform")


def test_download_returns_the_original_bytes(clerk_client, province):
    original = tiny_pdf("Ban goc khong doi mot byte")
    upload = SimpleUploadedFile("Thông báo kết luận.pdf", original, content_type="application/octet-stream")
    doc = out(province, files=[upload])
    df = DocumentFile.objects.get(document=doc)

    response = clerk_client.get(reverse("documents:file", args=[doc.pk, df.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == original
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Th%C3%B4ng%20b%C3%A1o%20k%E1%BA%BFt%20lu%E1%BA%ADn.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"

    inline = clerk_client.get(reverse("documents:file", args=[doc.pk, df.pk]) + "?inline=1")
    assert inline["Content-Disposition"].startswith("inline;")
    assert b"".join(inline.streaming_content) == original
