"""Server-held keys: PKCS#12 encrypted at rest, unlocked by the PIN for each signature; certificate checks."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.serialization import Encoding

from lienthong.core.errors import DomainError, ValidationFailed
from lienthong.signing import credentials, pki
from lienthong.signing.credentials import certificates, custody
from lienthong.signing.models import Credential
from lienthong.testing.builders import tiny_pdf


@pytest.fixture(scope="module")
def chain():
    root = pki.make_root(reuse_key=True)
    ca = pki.make_intermediate(root, "CA chuyên dùng (thử nghiệm)", reuse_key=True)
    person = pki.make_end_entity(ca, "Nguyễn Văn An", organisation="UBND tỉnh", uid="CCCD:001", reuse_key=True)
    return root, ca, person


def _credential(person, pin="123456"):
    return Credential(kind="personal", custody="pkcs12", certificate=person.der,
                      pkcs12=credentials.protect_pkcs12(person.pkcs12(pin), pin))


def test_signer_from_stored_pkcs12_signs_a_pdf_that_validates(chain):
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    root, _ca, person = chain
    credential = _credential(person)
    with credentials.open_signer(credential, pin="123456") as signer:
        out = io.BytesIO()
        signers.PdfSigner(signers.PdfSignatureMetadata(field_name="NguoiKy"), signer=signer).sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(tiny_pdf())), output=out)
    [embedded] = PdfFileReader(io.BytesIO(out.getvalue())).embedded_signatures
    status = validate_pdf_signature(embedded, ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(root.der)], allow_fetching=False))
    assert status.intact and status.valid and status.trusted  # the intermediate travelled in the PKCS#12


def test_the_stored_blob_is_encrypted_and_the_pin_is_not_stored(chain, settings):
    _root, _ca, person = chain
    p12 = person.pkcs12("123456")
    blob = credentials.protect_pkcs12(p12, "123456")
    assert p12 not in blob and b"123456" not in blob
    key, cert, _extra = credentials.open_pkcs12(blob, "123456")
    assert credentials.fingerprint(cert.public_bytes(Encoding.DER)) == person.fingerprint
    # an explicit server key replaces the one derived from SECRET_KEY; blobs of the old key no longer open
    settings.SIGNING_KEY_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(DomainError, match=re.escape(str(custody.KEY_UNREADABLE))):
        credentials.open_pkcs12(blob, "123456")
    assert credentials.open_pkcs12(credentials.protect_pkcs12(p12, "123456"), "123456")[1] == cert


def test_wrong_pin_and_wrong_file_get_clear_errors(chain):
    _root, _ca, person = chain
    credential = _credential(person)
    with pytest.raises(ValidationFailed) as wrong:
        credentials.signer_for(credential, pin="654321")
    assert wrong.value.errors == {"pin": [str(custody.WRONG_PIN)]}
    with pytest.raises(ValidationFailed) as empty:
        credentials.signer_for(credential, pin="")
    assert "pin" in empty.value.errors
    with pytest.raises(ValidationFailed) as wrong_protect:
        credentials.protect_pkcs12(person.pkcs12("123456"), "000000")
    assert wrong_protect.value.errors == {"pin": [str(custody.WRONG_PIN)]}
    with pytest.raises(ValidationFailed) as not_p12:
        credentials.protect_pkcs12(b"%PDF-1.7 not a key file", "123456")
    assert not_p12.value.errors == {"pkcs12": [str(custody.NOT_PKCS12)]}


def test_remote_credentials_cannot_sign_on_the_server(chain):
    _root, _ca, person = chain
    credential = Credential(kind="personal", custody="remote", certificate=person.der)
    with pytest.raises(DomainError, match=re.escape(str(custody.ON_USB_TOKEN))):
        credentials.signer_for(credential, pin="123456")
    with pytest.raises(DomainError, match=re.escape(str(custody.ON_USB_TOKEN))), \
            credentials.open_signer(credential, pin="123456"):
        pass


def test_pkcs11_without_a_configured_module_is_a_clear_error(chain, settings):
    settings.SIGNING_PKCS11_MODULE = ""
    credential = Credential(kind="agency", custody="pkcs11", certificate=chain[2].der, pkcs11_token="t")
    with pytest.raises(DomainError, match=re.escape(str(custody.PKCS11_NOT_CONFIGURED))):
        credentials.signer_for(credential, pin=None)


def test_certificate_check_usable(chain):
    _root, ca, person = chain
    credentials.certificate_check_usable(person.der)
    credentials.certificate_check_usable(person.pem)
    old = pki.make_end_entity(ca, "Cũ", reuse_key=True, not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), days=30)
    with pytest.raises(ValidationFailed) as expired:
        credentials.certificate_check_usable(old.der)
    assert expired.value.errors == {"certificate": [certificates.EXPIRED % {"date": "31/01/2020"}]}
    future = pki.make_end_entity(ca, "Mới", reuse_key=True, not_before=dt.datetime(2099, 1, 1, 5, tzinfo=dt.UTC))
    with pytest.raises(ValidationFailed) as not_yet:
        credentials.certificate_check_usable(future.der)
    assert not_yet.value.errors["certificate"] == [certificates.NOT_YET_VALID % {"date": "01/01/2099"}]
    encipher = pki.make_end_entity(ca, "Mã hóa", reuse_key=True, digital_signature=False)
    with pytest.raises(ValidationFailed, match=re.escape(str(certificates.NO_SIGNING_USAGE))):
        credentials.certificate_check_usable(encipher.der)
    with pytest.raises(ValidationFailed, match=re.escape(str(certificates.NOT_A_CERTIFICATE))):
        credentials.certificate_check_usable(b"hello")
    # ``at`` checks usability at another moment (e.g. when a remote signature was prepared)
    credentials.certificate_check_usable(old.der, at=dt.datetime(2020, 1, 15, tzinfo=dt.UTC))
