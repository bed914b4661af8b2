"""verify_pdf over signed PDFs built with bare pyHanko: valid, untrusted, expired, revoked, tampered,
modified after signing, hostile input."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest

from lienthong.signing import pki
from lienthong.signing.tests import signed_pdfs as sp
from lienthong.signing.verification import signatures, verify_pdf
from lienthong.testing.builders import tiny_pdf


@pytest.fixture(scope="module")
def p():
    return sp.test_pki()


@pytest.fixture(scope="module")
def signed(p):
    return sp.two_signatures(p)


def test_two_signatures_by_person_and_agency_are_valid(p, signed):
    report = verify_pdf(signed, **sp.trust(p))
    assert report.status == "valid"
    assert report.personal_valid and report.agency_valid and not report.modified_after_signing
    first, second = report.signatures
    assert (first.kind, first.signer_name, first.organisation) == ("personal", sp.PERSON_NAME, sp.AGENCY_NAME)
    assert (second.kind, second.signer_name) == ("agency", sp.AGENCY_NAME)
    assert first.issuer == "CA chuyên dùng (thử nghiệm)"
    assert first.intact and first.trusted and first.valid_at_signing and first.valid
    assert first.modification == "form_filling" and second.modification == "none"
    assert second.coverage == "entire_file"
    assert first.signing_time.utcoffset() == dt.timedelta(hours=7)
    assert first.fingerprint == p.person.fingerprint
    assert report.message == signatures.ALL_VALID % {"n": 2}


def test_registered_fingerprints_decide_the_kind(p, signed):
    report = verify_pdf(signed, **sp.trust(p), known_personal_fingerprints={p.agency.fingerprint},
                        known_agency_fingerprints={p.person.fingerprint})
    assert [s.kind for s in report.signatures] == ["agency", "personal"]


def test_chain_to_a_root_not_in_the_trust_store_is_untrusted(p, signed):
    other_root = pki.make_root("Một CA khác", reuse_key=True)
    report = verify_pdf(signed, trust_roots=[other_root.der], intermediates=[], crls=[])
    assert report.status == "untrusted"
    assert all(s.intact and not s.trusted and not s.valid for s in report.signatures)
    assert not report.personal_valid and not report.agency_valid
    assert str(signatures.UNTRUSTED) in report.message


def test_certificate_expired_at_signing_time_is_invalid(p):
    old = pki.make_end_entity(p.ca, "Trần Thị Bình", uid="CCCD:002", reuse_key=True,
                              not_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=400), days=30)
    report = verify_pdf(sp.sign(tiny_pdf(), old), **sp.trust(p))
    assert report.status == "invalid"
    sig = report.signatures[0]
    assert sig.intact and not sig.valid_at_signing and not sig.valid
    assert str(signatures.NOT_VALID_AT_SIGNING) in report.message


def test_certificate_revoked_before_signing_is_invalid(p):
    person = pki.make_end_entity(p.ca, "Lê Văn Cường", uid="CCCD:003", reuse_key=True)
    data = sp.sign(tiny_pdf(), person)
    crl = pki.make_crl(p.ca, [(person.certificate.serial_number,
                               dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))])
    report = verify_pdf(data, **{**sp.trust(p), "crls": [crl]})
    assert report.status == "invalid"
    assert report.signatures[0].revocation == "revoked"
    assert str(signatures.REVOKED) in report.message
    # A CRL of the issuer that does not list it: good.
    clean = verify_pdf(data, **{**sp.trust(p), "crls": [pki.make_crl(p.ca, [])]})
    assert clean.status == "valid" and clean.signatures[0].revocation == "good"


def test_one_flipped_byte_in_the_first_revision_breaks_both_signatures(p, signed):
    tampered = sp.flip_byte(signed, signed.index(b"Quyet dinh"))
    report = verify_pdf(tampered, **sp.trust(p))
    assert report.status == "invalid"
    assert [s.intact for s in report.signatures] == [False, False]
    assert str(signatures.TAMPERED) in report.message


def test_one_flipped_byte_in_the_second_revision_breaks_only_the_agency_signature(p, signed):
    # a digit of the signing date (/M) in the agency signature's dictionary, written in revision 2
    offset = signed.rindex(b"/M (D") + 12
    assert offset > signed.index(b"%%EOF")
    report = verify_pdf(sp.flip_byte(signed, offset), **sp.trust(p))
    assert report.status == "invalid"
    assert [s.intact for s in report.signatures] == [True, False]


def test_incremental_update_after_signing_is_reported(p, signed):
    report = verify_pdf(sp.append_drawing(signed), **sp.trust(p))
    assert report.status == "invalid" and report.modified_after_signing
    assert all(s.modification == "other" for s in report.signatures)
    assert str(signatures.MODIFIED_AFTER_SIGNING) in report.message


def test_unsigned_pdf_is_reported_unsigned():
    report = verify_pdf(tiny_pdf(), trust_roots=[], intermediates=[], crls=[])
    assert report.status == "unsigned" and report.signatures == []


@pytest.mark.parametrize("data", [
    b"", b"hello world", os.urandom(4096), b"\x89PNG\r\n\x1a\n" + os.urandom(100),
])
def test_not_a_pdf(data):
    report = verify_pdf(data, trust_roots=[], intermediates=[], crls=[])
    assert report.status == "not_pdf" and report.message


def test_broken_pdfs_are_errors_not_exceptions(p, signed):
    for data in [signed[: len(signed) // 2], b"%PDF-1.7\n/ByteRange [0 1 2 3]\n" + os.urandom(2000),
                 signed.replace(b"/ByteRange", b"/ByteRangX", 1) + b"/ByteRange"]:
        report = verify_pdf(data, **sp.trust(p))
        assert report.status in ("error", "invalid", "unsigned"), report
        assert report.message


def test_encrypted_pdf_is_an_error(p):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(tiny_pdf())))
    writer.encrypt("mat-khau")
    out = io.BytesIO()
    writer.write(out)
    report = verify_pdf(out.getvalue(), **sp.trust(p))
    assert report.status == "error" and report.message == str(signatures.ENCRYPTED)


def test_too_large_file_is_an_error(settings, p):
    settings.SIGNING_MAX_PDF_BYTES = 100
    report = verify_pdf(tiny_pdf(), **sp.trust(p))
    assert report.status == "error" and report.message == str(signatures.TOO_LARGE)
