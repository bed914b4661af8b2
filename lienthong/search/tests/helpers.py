"""Documents for search tests, registered through the real services (so indexing runs as in production)."""

from __future__ import annotations

import datetime as dt

from lienthong.documents import services
from lienthong.documents.models import Document, DocumentFile
from lienthong.search import services as search_services
from lienthong.search.selectors import search_documents
from lienthong.testing.builders import doc_input, pdf_upload

TODAY = dt.date(2018, 3, 20)


def outgoing(province, subject, *, agency="vp", type_code="thong-bao", today=TODAY, **extra) -> Document:
    return services.document_register_outgoing(
        actor=province.users[f"clerk.{agency}"], agency=province.agencies[agency],
        data=doc_input(type_code, subject, **extra), today=today,
    )


def incoming(province, subject, number_symbol, *, agency="stttt", issuer="vp", type_code="thong-bao",
             **extra) -> Document:
    extra.setdefault("issued_on", dt.date(2018, 3, 5))
    return services.document_register_incoming(
        actor=province.users[f"clerk.{agency}"], agency=province.agencies[agency],
        data=doc_input(type_code, subject, **extra), number_symbol=number_symbol,
        issuer_agency=province.agencies[issuer], today=TODAY,
    )


def with_attachment_text(province, subject, text, **extra) -> Document:
    """An outgoing document whose attached PDF's extracted text is ``text`` (accented, as a real
    extraction would give), then re-indexed as the background extraction step does."""
    doc = outgoing(province, subject, files=[pdf_upload()], **extra)
    DocumentFile.objects.filter(document=doc).update(extracted_text=text)
    search_services.index_document(document_id=doc.pk)
    return doc


def search(province, username, query, **kwargs):
    return search_documents(user=province.users[username], query=query, **kwargs)


def ids(hits) -> list[int]:
    return [h.document.pk for h in hits]
