"""Signed PDFs for the verification tests, made with bare pyHanko calls (independent of ``signing.pades``).

A small PKI (root → "CA chuyên dùng" intermediate → a person and an agency) and helpers that sign a PDF
as a new incremental revision, flip a byte, or append an unrelated incremental update.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives import serialization

from lienthong.signing import pki
from lienthong.testing.builders import tiny_pdf

PERSON_NAME = "Nguyễn Văn An"
AGENCY_NAME = "Ủy ban nhân dân tỉnh Quảng Ngãi"


@dataclass
class TestPki:
    root: pki.Issued
    ca: pki.Issued
    person: pki.Issued
    agency: pki.Issued


@cache
def test_pki() -> TestPki:
    root = pki.make_root(reuse_key=True)
    ca = pki.make_intermediate(root, "CA chuyên dùng (thử nghiệm)", reuse_key=True)
    person = pki.make_end_entity(ca, PERSON_NAME, organisation=AGENCY_NAME, uid="CCCD:001085000123",
                                 reuse_key=True)
    agency = pki.make_end_entity(ca, AGENCY_NAME, organisation=AGENCY_NAME, reuse_key=True)
    return TestPki(root=root, ca=ca, person=person, agency=agency)


def trust(p: TestPki | None = None) -> dict:
    """Arguments of ``verify_pdf`` that trust the test root."""
    p = p or test_pki()
    return {"trust_roots": [p.root.der], "intermediates": [p.ca.der], "crls": []}


def signer_of(issued: pki.Issued):
    from asn1crypto import keys
    from asn1crypto import x509 as ax
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key_der = issued.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption())
    chain = [ax.Certificate.load(c.der) for c in issued.chain]
    return signers.SimpleSigner(signing_cert=ax.Certificate.load(issued.der),
                                signing_key=keys.PrivateKeyInfo.load(key_der),
                                cert_registry=SimpleCertificateStore.from_certs(chain))


def sign(data: bytes, issued: pki.Issued, *, field_name: str = "ChuKy1") -> bytes:
    """Add an invisible PAdES signature of ``issued`` as a new incremental revision."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name=field_name))
    meta = signers.PdfSignatureMetadata(field_name=field_name, subfilter=fields.SigSeedSubFilter.PADES,
                                        md_algorithm="sha256")
    out = io.BytesIO()
    signers.PdfSigner(meta, signer=signer_of(issued)).sign_pdf(writer, output=out)
    return out.getvalue()


def two_signatures(p: TestPki | None = None, *, text: str = "Quyet dinh") -> bytes:
    p = p or test_pki()
    once = sign(tiny_pdf(text), p.person, field_name="ChuKyCaNhan")
    return sign(once, p.agency, field_name="ChuKyCoQuan")


def flip_byte(data: bytes, offset: int) -> bytes:
    b = bytearray(data)
    b[offset] = ord("X") if b[offset] != ord("X") else ord("Y")
    return bytes(b)


def append_drawing(data: bytes) -> bytes:
    """An incremental update after the signatures that draws over page 1 (a change a signature forbids)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 30 Tf 100 400 Td (DA SUA) Tj ET")
    ref = writer.add_object(stream)
    contents = page.raw_get("/Contents")
    page["/Contents"] = generic.ArrayObject([contents, ref])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
