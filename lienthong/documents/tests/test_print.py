"""Printing a document's PDF: a new, stamped copy; the original download stays the byte-exact legal object.

vanthu.md §7 rule 11 ("a complete audit trail of ... views and prints, with prints watermarked"); NĐ30
Phụ lục VI (vanthu.md §4.3, "Search and use": download or print, with a mark on printed output; log of
access and use).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zoneinfo

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject

from lienthong.audit.models import AuditAction, AuditEntry
from lienthong.documents import services
from lienthong.documents.models import DocumentFile, StoredFile
from lienthong.documents.printing import ONLY_PDF_PRINTABLE
from lienthong.testing.builders import doc_input, tiny_pdf

TODAY = dt.date(2018, 3, 20)
PRINTED_AT = dt.datetime(2018, 3, 21, 14, 5, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))


def mixed_pdf() -> bytes:
    """Three pages as scanners and word processors make them: Letter, the same page turned (/Rotate 90),
    and A3 whose boxes do not start at the origin."""
    source = PdfReader(io.BytesIO(tiny_pdf("Trang mot")))
    writer = PdfWriter()
    writer.add_page(source.pages[0])
    turned = writer.add_page(source.pages[0])
    turned.rotation = 90
    a3 = writer.add_blank_page(842, 1191)
    a3.mediabox = RectangleObject((100, 100, 942, 1291))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(data: bytes, name: str = "thong-bao.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def register_out(province, data: bytes, name: str = "thong-bao.pdf", **kw):
    return services.document_register_outgoing(
        actor=province.users["clerk.vp"], agency=province.agencies["vp"],
        data=doc_input(files=[upload(data, name, kw.pop("content_type", "application/pdf"))], **kw), today=TODAY)


def print_url(doc, df=None) -> str:
    df = df or doc.files.get()
    return reverse("documents:print", args=[doc.pk, df.pk])


def file_url(doc) -> str:
    return reverse("documents:file", args=[doc.pk, doc.files.get().pk])


@pytest.fixture
def at_fixed_time(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: PRINTED_AT.astimezone(dt.UTC))


def test_every_printed_page_carries_who_printed_when_and_the_document_number(client, province, at_fixed_time):
    """vanthu.md §7 rule 11; NĐ30 Phụ lục VI: a printed copy is marked on every page with the person who
    printed it (and their agency), the time, and the document's số, ký hiệu."""
    doc = register_out(province, mixed_pdf())
    user = province.users["specialist.vp"]
    client.force_login(user)
    response = client.get(print_url(doc))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "ban-in.pdf" in response["Content-Disposition"]
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) == 3
    # The mark printed on the copy, asserted as it reads on paper.
    expected = (f"In bởi {user.full_name} ({province.agencies['vp'].name}) lúc 14:05 21/03/2018 — "
                f"Văn bản số {doc.number_symbol}")
    for page in pages:
        assert page.extract_text().count(expected) == 1  # once per page, even where pages share content
    assert "Trang mot" in pages[0].extract_text()  # the original's content is still there
    assert pages[1].rotation == 90  # the page is shown as the original shows it


def test_incoming_document_stamp_names_its_number_and_arrival_number(client, province, at_fixed_time):
    """vanthu.md §7 rule 11: the stamp identifies the document; for an incoming one also by its số đến."""
    doc = services.document_register_incoming(
        actor=province.users["clerk.vp"], agency=province.agencies["vp"],
        data=doc_input("cong-van", "Công văn đến", issued_on=dt.date(2018, 3, 1), files=[upload(tiny_pdf())]),
        number_symbol="15/UBND-KT", issuer_agency=province.agencies["ubnd"], today=TODAY)
    client.force_login(province.users["clerk.vp"])
    text = PdfReader(io.BytesIO(client.get(print_url(doc)).content)).pages[0].extract_text()
    assert f"Văn bản số 15/UBND-KT (số đến {doc.register_number})" in text


def test_download_stays_the_byte_exact_original_and_the_print_is_a_new_file(client, province):
    """vanthu.md §7 rule 11 and §4.3 (integrity: no changes): the download is the stored original, the same
    SHA-256 before and after a print; the printed copy differs and is never stored as an original."""
    original = mixed_pdf()
    doc = register_out(province, original)
    stored = doc.files.get().stored_file
    client.force_login(province.users["clerk.vp"])
    stored_files = StoredFile.objects.count()

    printed = client.get(print_url(doc)).content
    downloaded = b"".join(client.get(file_url(doc)).streaming_content)

    assert downloaded == original
    assert hashlib.sha256(downloaded).hexdigest() == stored.sha256
    assert hashlib.sha256(printed).hexdigest() != stored.sha256
    assert printed != original
    assert StoredFile.objects.count() == stored_files
    assert DocumentFile.objects.filter(document=doc).count() == 1
    assert "In bởi" not in "".join(p.extract_text() for p in PdfReader(io.BytesIO(downloaded)).pages)


def test_every_print_is_logged_with_who_and_which_file(client, province):
    """vanthu.md §7 rule 11: a complete audit trail of prints; each print is one PRINTED entry naming the file."""
    doc = register_out(province, tiny_pdf())
    df = doc.files.get()
    user = province.users["leader.vp"]
    client.force_login(user)
    client.get(print_url(doc))
    client.get(print_url(doc))
    entries = list(AuditEntry.objects.filter(action=AuditAction.PRINTED, object_type="document",
                                             object_id=str(doc.pk)))
    assert len(entries) == 2
    for entry in entries:
        assert entry.actor_id == user.pk
        assert df.filename in entry.summary
        assert entry.details["file_id"] == df.pk
        assert entry.details["original_sha256"] == df.stored_file.sha256
    # The document's history on its page shows the prints.
    page = lxml.html.fromstring(client.get(reverse("documents:detail", args=[doc.pk])).content.decode())
    history = " ".join(page.xpath("//table//td/text()"))
    assert history.count("In tệp thong-bao.pdf") == 2


@pytest.mark.parametrize("username", ["clerk.stttt", "specialist.vp"])
def test_print_is_refused_to_whoever_may_not_download_the_file(client, province, username):
    """vanthu.md §4.3 (access rights per document): the print follows the download's visibility; a refused
    request prints nothing and is logged as denied."""
    doc = register_out(province, tiny_pdf(), secrecy="confidential", subject="Báo cáo mật")
    client.force_login(province.users[username])
    assert client.get(file_url(doc)).status_code == 404
    response = client.get(print_url(doc))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.PRINTED).exists()
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, object_id=str(doc.pk)).count() == 2


def test_a_file_that_is_not_a_pdf_is_not_printed_and_the_page_says_so(client, province):
    """The stamped print covers PDF files; an image is downloaded to print, and the page says so."""
    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(image, format="PNG")
    doc = register_out(province, image.getvalue(), name="anh.png", content_type="image/png")
    client.force_login(province.users["clerk.vp"])
    detail = reverse("documents:detail", args=[doc.pk])
    page = client.get(detail).content.decode()
    assert "chỉ in được tệp PDF" in page  # the page's own note beside the file
    assert print_url(doc) not in page
    response = client.get(print_url(doc), follow=True)
    assert response.redirect_chain == [(detail, 302)]
    assert str(ONLY_PDF_PRINTABLE) in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.PRINTED).exists()


def test_the_document_page_offers_a_print_for_each_pdf_file(client, province):
    doc = register_out(province, tiny_pdf())
    client.force_login(province.users["clerk.vp"])
    page = lxml.html.fromstring(client.get(reverse("documents:detail", args=[doc.pk])).content.decode())
    links = page.xpath("//ul[@class='files']//a[text()='In']/@href")
    assert links == [print_url(doc)]
