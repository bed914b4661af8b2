"""Certificates for tests and for the demo province: a test CA, people's and agencies' certificates,
CRLs and PKCS#12 files, made with ``cryptography``.

Nothing here is used to sign real documents. Every CA this module makes carries the marker
``TEST_MARK`` in its name (OU) so that a certificate from the demo can never be mistaken for one from the government CA.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TEST_MARK = "THỬ NGHIỆM – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"

_KEY_POOL: list = []
_POOL_SIZE = 6
_pool_turn = 0


def new_key(*, reuse: bool = False, key_size: int = 2048):
    """An RSA key. ``reuse`` takes one from a small pool in turn (tests: key generation dominates their
    time; a test certificate's identity is its name and serial, so sharing keys between them is fine)."""
    global _pool_turn
    if not reuse:
        return rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    if len(_KEY_POOL) < _POOL_SIZE:
        _KEY_POOL.append(rsa.generate_private_key(public_exponent=65537, key_size=2048))
        return _KEY_POOL[-1]
    _pool_turn = (_pool_turn + 1) % _POOL_SIZE
    return _KEY_POOL[_pool_turn]


@dataclass
class Issued:
    """A private key and its certificate (and the chain up to, not including, the root)."""

    key: object
    certificate: x509.Certificate
    chain: tuple = ()

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.der).hexdigest()

    def key_pem(self) -> bytes:
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())

    def pkcs12(self, pin: str, *, name: str = "lienthong") -> bytes:
        """A PKCS#12 file with the key, the certificate and the intermediates, protected by ``pin``."""
        return pkcs12.serialize_key_and_certificates(
            name.encode(), self.key, self.certificate, [c.certificate for c in self.chain] or None,
            serialization.BestAvailableEncryption(pin.encode()))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _name(*, common_name: str, organisation: str = "", unit: str = "", locality: str = "",
          uid: str = "", email: str = "") -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if locality:
        attrs.append(x509.NameAttribute(NameOID.LOCALITY_NAME, locality))
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    if unit:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    if uid:
        attrs.append(x509.NameAttribute(NameOID.USER_ID, uid))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    if email:
        attrs.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    return x509.Name(attrs)


def _builder(subject: x509.Name, issuer: Issued | None, key, not_before, not_after, serial: int | None):
    builder = (x509.CertificateBuilder()
               .subject_name(subject)
               .issuer_name(issuer.certificate.subject if issuer else subject)
               .public_key(key.public_key())
               .serial_number(serial or x509.random_serial_number())
               .not_valid_before(not_before)
               .not_valid_after(not_after)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
    return builder


def make_root(common_name: str = "Liên Thông Root CA (thử nghiệm)", *, organisation: str = "Liên Thông",
              not_before: dt.datetime | None = None, days: int = 3650, reuse_key: bool = False) -> Issued:
    key = new_key(reuse=reuse_key)
    not_before = not_before or _now() - dt.timedelta(days=1)
    cert = (_builder(_name(common_name=common_name, organisation=organisation, unit=TEST_MARK), None, key, not_before,
                     not_before + dt.timedelta(days=days), None)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    return Issued(key=key, certificate=cert)


def make_intermediate(issuer: Issued, common_name: str, *, organisation: str = "Liên Thông",
                      not_before: dt.datetime | None = None, days: int = 1825, crl_url: str = "",
                      reuse_key: bool = False) -> Issued:
    key = new_key(reuse=reuse_key)
    not_before = not_before or _now() - dt.timedelta(days=1)
    builder = (_builder(_name(common_name=common_name, organisation=organisation, unit=TEST_MARK), issuer, key,
                        not_before,
                        not_before + dt.timedelta(days=days), None)
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                            key_encipherment=False, data_encipherment=False, key_agreement=False,
                                            key_cert_sign=True, crl_sign=True, encipher_only=False,
                                            decipher_only=False), critical=True))
    builder = _with_crl(builder, crl_url)
    cert = builder.sign(issuer.key, hashes.SHA256())
    return Issued(key=key, certificate=cert, chain=(issuer,) if issuer.chain else ())


def _with_crl(builder, crl_url: str):
    if not crl_url:
        return builder
    return builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
        full_name=[x509.UniformResourceIdentifier(crl_url)], relative_name=None, reasons=None,
        crl_issuer=None)]), critical=False)


def make_end_entity(issuer: Issued, common_name: str, *, organisation: str = "", unit: str = "",
                    locality: str = "", uid: str = "", email: str = "", not_before: dt.datetime | None = None,
                    days: int = 730, digital_signature: bool = True, serial: int | None = None,
                    crl_url: str = "", reuse_key: bool = False) -> Issued:
    """A signing certificate: a person's (``uid`` such as ``CCCD:0010…``) or an agency's (``common_name`` is
    the agency's name). ``digital_signature=False`` makes one without the digitalSignature and
    nonRepudiation key usages (for tests of refusals)."""
    key = new_key(reuse=reuse_key)
    not_before = not_before or _now() - dt.timedelta(days=1)
    subject = _name(common_name=common_name, organisation=organisation, unit=unit, locality=locality, uid=uid,
                    email=email)
    builder = (_builder(subject, issuer, key, not_before, not_before + dt.timedelta(days=days), serial)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=digital_signature, content_commitment=digital_signature,
                                            key_encipherment=not digital_signature, data_encipherment=False,
                                            key_agreement=False, key_cert_sign=False, crl_sign=False,
                                            encipher_only=False, decipher_only=False), critical=True))
    if digital_signature:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                                        critical=False)
    builder = _with_crl(builder, crl_url)
    cert = builder.sign(issuer.key, hashes.SHA256())
    chain = ((issuer,) + tuple(issuer.chain)) if issuer.certificate.issuer != issuer.certificate.subject else ()
    return Issued(key=key, certificate=cert, chain=chain)


def make_crl(issuer: Issued, revoked: list[tuple[int, dt.datetime]] = (), *, this_update: dt.datetime | None = None,
             days: int = 7) -> bytes:
    """A DER CRL signed by ``issuer`` listing ``(serial, revocation time)`` pairs."""
    this_update = this_update or _now() - dt.timedelta(minutes=5)
    builder = (x509.CertificateRevocationListBuilder()
               .issuer_name(issuer.certificate.subject)
               .last_update(this_update)
               .next_update(this_update + dt.timedelta(days=days))
               .add_extension(x509.CRLNumber(1), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
                              critical=False))
    for serial, when in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build())
    return builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
