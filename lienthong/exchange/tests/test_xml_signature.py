"""Package-level XML signatures: what we sign verifies, a changed byte does not, and the real packages' dummy or
missing Signature blocks get a verdict with a reason instead of a crash."""

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree

from lienthong.exchange.edxml import signature
from lienthong.exchange.edxml.signature import (
    INVALID,
    UNSIGNED,
    VALID,
    SigningFailed,
    sign_package,
    verify_package,
)

from . import edxml_samples
from .standin import small_package


def sample(name: str) -> bytes:
    """A real package of the interoperability samples (``edxml_samples``)."""
    return edxml_samples.sample(name)


def make_identity(common_name: str, *, days: int = 365, start: dt.datetime | None = None):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "UBND tỉnh Thử nghiệm"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start = start or dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=days))
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return key_pem, cert.public_bytes(serialization.Encoding.PEM), cert.subject.rfc4514_string()


@pytest.fixture(scope="module")
def identity():
    return make_identity("Văn phòng UBND tỉnh")


def test_a_signed_package_verifies_and_names_its_signer(identity):
    key_pem, cert_pem, subject = identity

    signed = sign_package(small_package(), key_pem=key_pem, cert_pem=cert_pem)

    root = etree.fromstring(signed)
    [sig] = root.iter(f"{{{signature.DSIG_NS}}}Signature")
    assert etree.QName(sig.getparent()).localname == "edXMLHeader"
    assert sig.find(f".//{{{signature.DSIG_NS}}}SignatureMethod").get("Algorithm").endswith("rsa-sha256")
    assert sig.find(f".//{{{signature.DSIG_NS}}}CanonicalizationMethod").get("Algorithm") == signature.EXC_C14N
    check = verify_package(signed)
    assert (check.state, check.signer, check.reason, check.trusted) == (VALID, subject, "", False)
    assert verify_package(signed, certificate_pem=cert_pem).trusted is True


def test_changing_one_byte_of_the_subject_invalidates_the_signature(identity):
    key_pem, cert_pem, subject = identity
    signed = sign_package(small_package(subject="Về việc thử liên thông"), key_pem=key_pem, cert_pem=cert_pem)
    tampered = signed.replace("thử liên thông".encode(), "thử liên thônh".encode())
    assert tampered != signed

    check = verify_package(tampered)

    assert (check.state, check.reason, check.signer) == (INVALID, signature.MISMATCH, subject)
    assert verify_package(tampered, certificate_pem=cert_pem).valid is False


def test_a_package_signed_with_another_certificate_than_the_partners_is_refused(identity):
    key_pem, cert_pem, _ = identity
    other_key, other_cert, _ = make_identity("Kẻ giả mạo")
    signed = sign_package(small_package(), key_pem=other_key, cert_pem=other_cert)

    check = verify_package(signed, certificate_pem=cert_pem)

    assert (check.state, check.reason) == (INVALID, signature.WRONG_CERTIFICATE)


def test_an_expired_certificate_is_reported(identity):
    key_pem, cert_pem, _ = make_identity("Hết hạn", days=30, start=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    signed = sign_package(small_package(), key_pem=key_pem, cert_pem=cert_pem)

    check = verify_package(signed)

    assert check.state == INVALID
    assert check.reason == signature.EXPIRED % {"date": "31/01/2020"}
    assert verify_package(signed, now=dt.datetime(2020, 1, 15, tzinfo=dt.UTC)).valid


def test_the_vdxp_test_samples_dummy_signature_is_invalid_with_its_reasons():
    check = verify_package(sample("vdxptest-852e179c-8eca-4502-ac38-0b97321f29c3.edxml"))

    assert check.state == INVALID
    assert check.not_xmldsig is True
    assert check.reason.startswith(signature.NOT_XMLDSIG)
    assert signature.EXPIRED.split("%")[0] in check.reason  # the VNPT-CA certificate ran out in 2018
    assert check.signer.startswith("UID=CMND:") and "CN=" in check.signer  # read from the certificate it carries


def test_other_samples_get_a_verdict_never_an_exception():
    verdicts = {name: verify_package(sample(name)).state for name in (
        "vpcptpl-edoc.edxml",  # malformed XML, XMLDSig-declared dummy signature
        "vnpt-edxml102-dc0bdef0-c7a3-4aaf-b717-777303442973.edxml",
        "bkav-edoc_new.edxml",
        "vpcp-sdk-status_inbox_01.edxml",
    )}
    assert set(verdicts.values()) <= {INVALID, UNSIGNED}
    assert verdicts["vpcptpl-edoc.edxml"] == INVALID


def test_a_package_without_signature_is_unsigned():
    check = verify_package(small_package())
    assert (check.state, check.reason, check.valid) == (UNSIGNED, "", False)


def test_hostile_or_broken_input_is_a_verdict(identity):
    key_pem, cert_pem, _ = identity
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><edXML>&a;</edXML>'
    assert verify_package(bomb).reason == signature.DTD_REFUSED
    assert verify_package(b"not xml").reason == signature.UNREADABLE
    with pytest.raises(SigningFailed) as no_header:
        sign_package(b"<edXML/>", key_pem=key_pem, cert_pem=cert_pem)
    assert no_header.value.message == signature.NO_HEADER
    with pytest.raises(SigningFailed):
        sign_package(small_package(), key_pem=b"not a key", cert_pem=cert_pem)


def test_a_signature_over_part_of_the_package_only_is_refused(identity):
    key_pem, cert_pem, _ = identity
    signed = sign_package(small_package(), key_pem=key_pem, cert_pem=cert_pem)
    partial = signed.replace(b'URI=""', b'URI="#header"', 1)

    assert verify_package(partial).reason == signature.NOT_WHOLE_PACKAGE


def test_signing_replaces_a_dummy_signature_block(identity):
    key_pem, cert_pem, subject = identity
    package = sample("vdxptest-852e179c-8eca-4502-ac38-0b97321f29c3.edxml")

    signed = sign_package(package, key_pem=key_pem, cert_pem=cert_pem)

    header = next(etree.fromstring(signed).iter("{*}edXMLHeader"))
    assert [etree.QName(e).namespace for e in header if etree.QName(e).localname == "Signature"] == [
        signature.DSIG_NS]
    assert verify_package(signed).signer == subject


def _resign_with_sha1(signed: bytes, key_pem: bytes) -> bytes:
    """What the reference SDKs produce: the same signature made with RSA-SHA1 and a SHA-1 digest (signxml no
    longer signs with SHA-1, so the values are computed here)."""
    import base64
    import copy
    import hashlib

    from cryptography.hazmat.primitives.asymmetric import padding

    ds = signature.DSIG_NS
    root = etree.fromstring(signed)
    sig = next(root.iter(f"{{{ds}}}Signature"))
    sig.find(f".//{{{ds}}}SignatureMethod").set("Algorithm", "http://www.w3.org/2000/09/xmldsig#rsa-sha1")
    sig.find(f".//{{{ds}}}DigestMethod").set("Algorithm", "http://www.w3.org/2000/09/xmldsig#sha1")
    unsigned = copy.deepcopy(root)
    dropped = next(unsigned.iter(f"{{{ds}}}Signature"))
    dropped.getparent().remove(dropped)  # the enveloped-signature transform
    digest = hashlib.sha1(etree.tostring(unsigned, method="c14n", exclusive=True)).digest()  # noqa: S324
    sig.find(f".//{{{ds}}}DigestValue").text = base64.b64encode(digest).decode()
    signed_info = etree.tostring(sig.find(f"{{{ds}}}SignedInfo"), method="c14n", exclusive=True)
    key = serialization.load_pem_private_key(key_pem, password=None)
    value = key.sign(signed_info, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303
    sig.find(f"{{{ds}}}SignatureValue").text = base64.b64encode(value).decode()
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_a_legacy_rsa_sha1_signature_is_accepted_unless_refused(identity):
    key_pem, cert_pem, subject = identity
    legacy = _resign_with_sha1(sign_package(small_package(), key_pem=key_pem, cert_pem=cert_pem), key_pem)

    assert verify_package(legacy).state == VALID
    assert verify_package(legacy).signer == subject
    assert verify_package(legacy, allow_sha1=False).reason == signature.ALGORITHM_REFUSED
    assert verify_package(legacy.replace("thử".encode(), "thữ".encode())).reason == signature.MISMATCH
