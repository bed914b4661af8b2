"""Signing a Decree 30 document: the leader's signature, the number and date, the agency's signature, and what
a verifier (pyHanko, Poppler) sees afterwards."""

from __future__ import annotations

import io
import re
import subprocess

import pytest

from lienthong.core.errors import ValidationFailed
from lienthong.signing import pades
from lienthong.signing.pades import layout
from lienthong.signing.pades import signatures as pades_signatures
from lienthong.signing.tests.pdf_helpers import (
    ISSUED_ON,
    NUMBER,
    SIGNER_NAME,
    decree30_pdf,
    fully_signed,
    make_pki,
    make_tsa,
    page_text,
    personally_signed,
    seal_png,
    signature_png,
    signer_of,
    validate,
)


def test_leader_and_agency_signatures_both_validate():
    personal, agency = validate(fully_signed())

    assert personal.bottom_line and agency.bottom_line
    assert personal.intact and personal.valid and personal.trusted
    assert agency.intact and agency.valid and agency.trusted
    # the number and date filled in before the agency signed are form filling, which the leader's
    # signature allows; the agency signature covers the whole file
    assert personal.modification_level.name == "FORM_FILLING"
    assert agency.modification_level.name == "NONE"
    assert agency.coverage.name == "ENTIRE_FILE"
    assert personal.signing_cert.subject.native["common_name"] == SIGNER_NAME


def test_signed_pdf_is_pades_with_sha256():
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(fully_signed()))
    for sig in reader.embedded_signatures:
        assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
        assert sig.md_algorithm == "sha256"


def test_number_and_date_are_in_the_page_text_after_the_agency_signature():
    before = page_text(personally_signed())
    after = page_text(fully_signed())

    assert f"Số: {NUMBER}" not in before
    assert f"Số: {NUMBER}" in after
    assert "Quảng Ngãi, ngày 26 tháng 11 năm 2026" in after  # the printed place kept, the date filled in


def test_number_and_date_fields_exist_empty_in_the_leaders_revision():
    from pypdf import PdfReader

    fields = PdfReader(io.BytesIO(personally_signed())).get_fields()
    assert fields[pades.FIELD_NUMBER].get("/V", "") == ""
    assert fields[pades.FIELD_DATE].get("/V", "") == ""
    filled = PdfReader(io.BytesIO(fully_signed())).get_fields()
    assert filled[pades.FIELD_NUMBER]["/V"] == f"Số: {NUMBER}"
    assert filled[pades.FIELD_DATE]["/V"] == "Quảng Ngãi, ngày 26 tháng 11 năm 2026"


def test_poppler_pdfsig_finds_both_signatures_valid(tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(fully_signed())
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, timeout=60).stdout.decode()
    assert out.count("Signature Validation: Signature is Valid.") == 2, out
    assert SIGNER_NAME in out


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


def test_one_flipped_byte_in_the_leaders_revision_breaks_both_signatures():
    data = fully_signed()
    at = data.index(b"WeasyPrint")  # the producer string of the original, inside revision 1
    personal, agency = validate(_flip(data, at + 3))

    assert not personal.intact and not personal.bottom_line
    assert not agency.intact and not agency.bottom_line


def test_one_flipped_byte_in_the_agency_revision_breaks_only_the_agency_signature():
    data = fully_signed()
    first_revision_end = len(personally_signed())
    at = data.index(b"/M (D", first_revision_end) + 11  # a digit of the agency signature's signing time
    assert data[at:at + 1].isdigit()
    personal, agency = validate(_flip(data, at))

    assert personal.intact  # its byte range ends before revision 2
    assert not agency.intact and not agency.bottom_line


def test_drawing_on_the_page_after_signing_is_reported_as_a_modification():
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(fully_signed()))
    stream = writer.add_object(generic.StreamObject(stream_data=b"q 1 0 0 rg 100 400 200 40 re f Q"))
    writer.add_stream_to_page(0, stream)
    out = io.BytesIO()
    writer.write(out)

    personal, agency = validate(out.getvalue())
    assert personal.intact and agency.intact
    assert personal.modification_level.name == "OTHER" and not personal.bottom_line
    assert agency.modification_level.name == "OTHER" and not agency.bottom_line


def test_agency_signature_refused_on_an_unsigned_pdf():
    with pytest.raises(ValidationFailed) as exc:
        pades.sign_agency(decree30_pdf(), signer=signer_of(make_pki().agency), seal_png=seal_png(), seal_width_mm=36,
                          number_symbol=NUMBER, issued_on=ISSUED_ON)
    assert exc.value.errors == {"files": [str(pades_signatures.NO_PERSONAL_SIGNATURE)]}


def test_attachment_signature_top_right_with_number_and_vietnam_time():
    import datetime as dt

    from pypdf import PdfReader

    signed = pades.sign_attachment(decree30_pdf(), signer=signer_of(make_pki().agency), number_symbol=NUMBER,
                                   signed_at=dt.datetime(2026, 11, 26, 3, 15, 3, tzinfo=dt.UTC))
    (status,) = validate(signed)
    assert status.bottom_line

    text = page_text(signed)
    assert NUMBER in text
    assert "2026-11-26T10:15:03+07:00" in text  # 03:15 UTC is 10:15 in Viet Nam

    page = PdfReader(io.BytesIO(signed)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    widget = next(a.get_object() for a in page["/Annots"] if a.get_object().get("/FT") == "/Sig")
    x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
    assert x0 > width / 2 and y0 > height * 0.9  # top right of page 1


def test_check_pdf_refuses_what_cannot_be_signed(settings):
    from pypdf import PdfReader, PdfWriter

    with pytest.raises(ValidationFailed, match=re.escape(str(layout.NOT_A_PDF))):
        pades.check_pdf(b"PK\x03\x04 this is a zip")
    data = decree30_pdf()
    with pytest.raises(ValidationFailed, match=re.escape(str(layout.CORRUPT_PDF))):
        pades.check_pdf(data[:200] + b"\x00garbage" * 50)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt("mat-khau")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ValidationFailed, match=re.escape(str(layout.ENCRYPTED_PDF))):
        pades.check_pdf(out.getvalue())
    settings.SIGNING_MAX_PDF_BYTES = 1000
    with pytest.raises(ValidationFailed, match=re.escape(layout.PDF_TOO_LARGE % {"mb": 0})):  # 1000 bytes: "0 MB"
        pades.check_pdf(data)
    settings.SIGNING_MAX_PDF_BYTES = 50 * 1024 * 1024
    pades.check_pdf(data)


def test_signing_refuses_a_corrupt_pdf_with_a_field_error():
    with pytest.raises(ValidationFailed) as exc:
        pades.sign_personal(b"%PDF-1.7\n%garbage\n", signer=signer_of(make_pki().person), image_png=b"",
                            image_width_mm=40, signer_name=SIGNER_NAME)
    assert "files" in exc.value.errors


def test_timestamper_only_when_configured(settings):
    settings.SIGNING_TSA_URL = ""
    assert pades.timestamper() is None
    settings.SIGNING_TSA_URL = "http://tsa.example.gov.vn/tsa"
    assert pades.timestamper().url == "http://tsa.example.gov.vn/tsa"


def test_timestamped_signature_is_pades_b_t():
    from pyhanko.sign.timestamps import DummyTimeStamper

    p = make_pki()
    tsa_signer = signer_of(make_tsa(p.ca))
    stamper = DummyTimeStamper(tsa_cert=tsa_signer.signing_cert, tsa_key=tsa_signer.signing_key,
                               certs_to_embed=tsa_signer.cert_registry)
    signed = pades.sign_personal(decree30_pdf(), signer=signer_of(p.person), image_png=signature_png(),
                                 image_width_mm=40, signer_name=SIGNER_NAME, timestamper=stamper)
    (status,) = validate(signed)
    assert status.bottom_line
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.intact and status.timestamp_validity.trusted


def test_a_pdf_not_laid_out_per_decree_30_still_gets_both_signatures():
    from pypdf import PdfReader

    from lienthong.testing.builders import tiny_pdf

    p = make_pki()
    personal = pades.sign_personal(tiny_pdf(), signer=signer_of(p.person), image_png=signature_png(), image_width_mm=40,
                                   signer_name=SIGNER_NAME)
    both = pades.sign_agency(personal, signer=signer_of(p.agency), seal_png=seal_png(), seal_width_mm=36,
                             number_symbol=NUMBER, issued_on=ISSUED_ON)
    assert all(status.bottom_line for status in validate(both))
    fields = {f["/T"]: f for f in (ref.get_object() for ref in PdfReader(io.BytesIO(both)).trailer["/Root"]
                                   ["/AcroForm"]["/Fields"])}
    assert fields[pades.FIELD_NUMBER]["/V"] == f"Số: {NUMBER}"
    assert fields[pades.FIELD_NUMBER]["/LT_Cover"].value is False  # guessed place: drawn without a white cover
    assert "Thong bao ket luan" in page_text(both)  # nothing printed was painted over
