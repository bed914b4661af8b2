"""Token signing: the server prepares the PDF and the signed attributes, the token signs them elsewhere, the
server embeds the value after checking it. Nothing is kept between the two calls but ``Prepared``."""

from __future__ import annotations

import dataclasses
import re

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from lienthong.core.errors import ValidationFailed
from lienthong.signing import pades
from lienthong.signing.pades.remote import SIGNATURE_MISMATCH
from lienthong.signing.tests.pdf_helpers import (
    ISSUED_ON,
    NUMBER,
    SIGNER_NAME,
    SIGNER_POSITION,
    decree30_pdf,
    make_pki,
    page_text,
    seal_png,
    signature_png,
    validate,
)

MISMATCH = re.escape(str(SIGNATURE_MISMATCH))


def _token_sign(issued, prepared: pades.Prepared) -> bytes:
    """What the USB token does: RSA PKCS#1 v1.5 over the DER signed attributes with SHA-256."""
    return issued.key.sign(prepared.signed_attributes, padding.PKCS1v15(), hashes.SHA256())


def _finish(prepared: pades.Prepared, issued, value: bytes) -> bytes:
    fields = dataclasses.asdict(prepared)
    fields.pop("to_sign_digest")
    return pades.finish_remote(**fields, signature_value=value, certificate_der=issued.der,
                               chain_der=[c.der for c in issued.chain])


def _prepare_personal():
    p = make_pki()
    return pades.prepare_personal(decree30_pdf(), certificate_der=p.person.der, chain_der=[p.ca.der],
                                  image_png=signature_png(), image_width_mm=40, signer_name=SIGNER_NAME,
                                  signer_position=SIGNER_POSITION)


def test_remote_personal_then_remote_agency_signature_validate():
    import hashlib

    p = make_pki()
    prepared = _prepare_personal()
    assert prepared.to_sign_digest == hashlib.sha256(prepared.signed_attributes).digest()
    personal = _finish(prepared, p.person, _token_sign(p.person, prepared))

    prepared_agency = pades.prepare_agency(personal, certificate_der=p.agency.der, chain_der=[p.ca.der],
                                           seal_png=seal_png(), seal_width_mm=36, number_symbol=NUMBER,
                                           issued_on=ISSUED_ON)
    both = _finish(prepared_agency, p.agency, _token_sign(p.agency, prepared_agency))

    first, second = validate(both)
    assert first.bottom_line and second.bottom_line
    assert first.modification_level.name == "FORM_FILLING"
    assert first.signing_cert.subject.native["common_name"] == SIGNER_NAME
    assert f"Số: {NUMBER}" in page_text(both)


def test_remote_attachment_signature_validates():
    p = make_pki()
    prepared = pades.prepare_attachment(decree30_pdf(), certificate_der=p.agency.der, chain_der=[p.ca.der],
                                        number_symbol=NUMBER)
    (status,) = validate(_finish(prepared, p.agency, _token_sign(p.agency, prepared)))
    assert status.bottom_line


def test_a_signature_value_from_another_key_is_refused():
    p = make_pki()
    prepared = _prepare_personal()
    with pytest.raises(ValidationFailed, match=MISMATCH):
        _finish(prepared, p.person, _token_sign(p.other, prepared))


def test_a_signature_over_other_data_or_a_changed_prepared_pdf_is_refused():
    p = make_pki()
    prepared = _prepare_personal()
    other = _prepare_personal()  # another preparation: other signing time, other attributes
    with pytest.raises(ValidationFailed, match=MISMATCH):
        _finish(prepared, p.person, _token_sign(p.person, other))

    value = _token_sign(p.person, prepared)
    at = prepared.prepared_pdf.index(b"/Type /Catalog") if b"/Type /Catalog" in prepared.prepared_pdf else 100
    changed = prepared.prepared_pdf[:at] + b"X" + prepared.prepared_pdf[at + 1:]
    with pytest.raises(ValidationFailed, match=MISMATCH):
        _finish(dataclasses.replace(prepared, prepared_pdf=changed), p.person, value)
    with pytest.raises(ValidationFailed, match=MISMATCH):
        _finish(dataclasses.replace(prepared, signed_attributes=b"\x31\x00"), p.person, value)


def _ec_person():
    """A person's certificate with an ECDSA P-256 key (some tokens carry EC keys)."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from lienthong.signing import pki

    ca = make_pki().ca
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SIGNER_NAME)]))
            .issuer_name(ca.certificate.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(ca.key, hashes.SHA256()))
    return pki.Issued(key=key, certificate=cert, chain=(ca,))


def test_remote_signature_with_an_ecdsa_token_key():
    from cryptography.hazmat.primitives.asymmetric import ec

    person = _ec_person()
    prepared = pades.prepare_personal(decree30_pdf(), certificate_der=person.der, chain_der=[make_pki().ca.der],
                                      image_png=signature_png(), image_width_mm=40, signer_name=SIGNER_NAME)
    value = person.key.sign(prepared.signed_attributes, ec.ECDSA(hashes.SHA256()))
    (status,) = validate(_finish(prepared, person, value))
    assert status.bottom_line
    with pytest.raises(ValidationFailed, match=MISMATCH):
        _finish(prepared, person, _token_sign(make_pki().person, prepared))


def test_remote_signature_gets_a_timestamp_when_finished_with_a_timestamper():
    from pyhanko.sign.timestamps import DummyTimeStamper

    from lienthong.signing.tests.pdf_helpers import make_tsa, signer_of

    p = make_pki()
    tsa = signer_of(make_tsa(p.ca))
    prepared = _prepare_personal()
    fields = dataclasses.asdict(prepared)
    fields.pop("to_sign_digest")
    stamper = DummyTimeStamper(tsa_cert=tsa.signing_cert, tsa_key=tsa.signing_key, certs_to_embed=tsa.cert_registry)
    signed = pades.finish_remote(**fields, signature_value=_token_sign(p.person, prepared),
                                 certificate_der=p.person.der, chain_der=[p.ca.der], timestamper=stamper)
    (status,) = validate(signed)
    assert status.bottom_line and status.timestamp_validity is not None and status.timestamp_validity.intact
