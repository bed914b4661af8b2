"""A province whose Provincial Office holds a three-page notice and an agency credential (PKCS#12)."""

from __future__ import annotations

import io
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile

from lienthong.documents.services import document_register_outgoing
from lienthong.signing import pki
from lienthong.testing.builders import doc_input, make_province, tiny_pdf

PIN = "246810"


def three_pages() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for n in (1, 2, 3):
        writer.add_page(PdfReader(io.BytesIO(tiny_pdf(f"Trang so {n} cua van ban goc"))).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@cache
def ca_root():
    return pki.make_root(reuse_key=True)


def agency_credential(p, key="vp", *, actor=None):
    from lienthong.signing import credentials

    agency = p.agencies[key]
    issued = pki.make_end_entity(ca_root(), agency.name, organisation=agency.name, reuse_key=True)
    return credentials.credential_import_pkcs12(actor=actor or p.users[f"clerk.{key}"], owner_agency=agency,
                                                p12=issued.pkcs12(PIN), pin=PIN)


def setup(*, credential=True):
    p = make_province()
    upload = SimpleUploadedFile("thong-bao.pdf", three_pages(), content_type="application/pdf")
    doc = document_register_outgoing(actor=p.users["clerk.vp"], agency=p.agencies["vp"], data=doc_input(
        "thong-bao", "Thông báo lịch họp giao ban", files=[upload]))
    if credential:
        agency_credential(p)
    return p, doc
