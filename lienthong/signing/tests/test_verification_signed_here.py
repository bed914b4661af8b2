"""``verify_pdf`` on documents signed by Liên Thông itself (``pades.sign_personal`` then ``pades.sign_agency``, the
number and date filled in the agency's revision), and the fast hex-string reader it uses while verifying."""

from __future__ import annotations

import io

import pytest

from lienthong.signing import verification
from lienthong.signing.tests.pdf_helpers import fully_signed, make_pki, personally_signed
from lienthong.signing.verification import verify_pdf


def _trust() -> dict:
    p = make_pki()
    return {"trust_roots": [p.root.der], "intermediates": [p.ca.der], "crls": []}


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


def test_both_signatures_of_a_document_signed_here_are_valid():
    report = verify_pdf(fully_signed(), **_trust())
    assert report.status == "valid" and report.personal_valid and report.agency_valid
    personal, agency = report.signatures
    assert personal.modification == "form_filling"  # number, date and the agency's signature field
    assert agency.coverage == "entire_file" and agency.modification == "none"


def test_flipped_byte_in_the_leaders_revision_breaks_both_signatures():
    data = fully_signed()
    report = verify_pdf(_flip(data, data.index(b"WeasyPrint") + 3), **_trust())
    assert report.status == "invalid"
    assert [s.intact for s in report.signatures] == [False, False]


def test_flipped_byte_in_the_agency_revision_breaks_only_the_agency_signature():
    data = fully_signed()
    at = data.index(b"/M (D", len(personally_signed())) + 11
    report = verify_pdf(_flip(data, at), **_trust())
    assert report.status == "invalid"
    assert [s.intact for s in report.signatures] == [True, False]


def test_damaged_signature_value_is_reported_not_raised():
    data = fully_signed()
    contents = data.index(b"/Contents <", len(personally_signed())) + len(b"/Contents <") + 40
    for replacement in (b"0", b"g"):  # another hex digit / not a hex digit
        bad = data[:contents] + replacement + data[contents + 1:]
        report = verify_pdf(bad, **_trust())
        assert report.status in ("invalid", "error")
        assert not report.agency_valid


def test_drawing_after_signing_is_a_modification_of_both_signatures():
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(fully_signed()))
    stream = writer.add_object(generic.StreamObject(stream_data=b"q 1 0 0 rg 100 400 200 40 re f Q"))
    writer.add_stream_to_page(0, stream)
    out = io.BytesIO()
    writer.write(out)

    report = verify_pdf(out.getvalue(), **_trust())
    assert report.status == "invalid" and report.modified_after_signing
    assert [s.modification for s in report.signatures] == ["other", "other"]
    assert all(s.intact for s in report.signatures)


@pytest.mark.parametrize("raw", [
    b"<48656C6C6F>", b"<48 65\n6C\t6c\r6F>", b"<486>", b"<>", b"< >", b"<4865 % a comment\n6C>",
    b"<48656C6C6F> trailing", b"<" + b"AB" * 40000 + b">",
])
def test_fast_hex_reader_reads_what_pyhanko_reads(raw):
    from pyhanko.pdf_utils import generic

    original = generic.read_hex_string_from_stream
    expected_stream, stream = io.BytesIO(raw), io.BytesIO(raw)
    expected = original(expected_stream)
    with verification.signatures._fast_hex_strings():
        got = generic.read_hex_string_from_stream(stream)
    assert got == expected and type(got) is type(expected)
    assert stream.tell() == expected_stream.tell()


@pytest.mark.parametrize("raw", [b"<48G5>", b"<4865"])
def test_fast_hex_reader_refuses_broken_strings(raw):
    from pyhanko.pdf_utils.misc import PdfStreamError

    with pytest.raises(PdfStreamError):
        verification.signatures._read_hex_string(io.BytesIO(raw))


def test_pyhankos_reader_is_restored_after_verifying():
    from pyhanko.pdf_utils import generic

    original = generic.read_hex_string_from_stream
    verify_pdf(fully_signed(), **_trust())
    assert generic.read_hex_string_from_stream is original


def test_filled_fields_list_the_widths_of_the_glyphs_they_show_only():
    from lienthong.signing.pades.fonts import field_font
    from lienthong.signing.tests.test_pdf_layout import _cid_widths

    widths = _cid_widths(fully_signed(), "LTStampSerif")  # regular (number) and italic (date) together
    font = field_font()
    shown = {font.cmap[ord(ch)] for ch in "Số: 125/TB-UBND"}
    assert shown <= set(widths)
    assert len(widths) < 80  # not the ~500 glyphs of the whole font
