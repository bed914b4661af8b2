"""PKCS#11 custody (the agency seal on an HSM / token) against a SoftHSM token made in a temp dir.

python-pkcs11 loads the module and calls C_Initialize once per process, and SoftHSM reads
``SOFTHSM2_CONF`` at that moment, so the signing runs in a child process whose environment points at
this test's token; the parent validates the signed PDF with pyHanko against the test root.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lienthong.signing import pki
from lienthong.signing.credentials.custody import TOKEN_UNAVAILABLE, WRONG_PIN
from lienthong.testing.builders import tiny_pdf

MODULE = "/usr/lib/softhsm/libsofthsm2.so"

CHILD = textwrap.dedent("""
    import os, sys
    import django
    django.setup()
    from lienthong.core.errors import ValidationFailed, DomainError
    from lienthong.signing import credentials
    from lienthong.signing.models import Credential
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    import io

    tmp = sys.argv[1]
    cert = open(os.path.join(tmp, "cert.der"), "rb").read()
    chain = [open(os.path.join(tmp, "ca.der"), "rb").read()]
    credential = Credential(kind="agency", custody="pkcs11", certificate=cert,
                            pkcs11_token="lt-test", pkcs11_key="seal")
    with credentials.open_signer(credential, pin=None, chain_der=chain) as signer:
        out = io.BytesIO()
        writer = IncrementalPdfFileWriter(io.BytesIO(open(os.path.join(tmp, "in.pdf"), "rb").read()))
        signers.PdfSigner(signers.PdfSignatureMetadata(field_name="CoQuan"), signer=signer).sign_pdf(
            writer, output=out)
    open(os.path.join(tmp, "out.pdf"), "wb").write(out.getvalue())
    # the văn thư's PIN when the server has none configured: a wrong one is a field error
    from django.conf import settings
    settings.SIGNING_PKCS11_PIN = ""
    try:
        with credentials.open_signer(credential, pin="0000", chain_der=chain):
            pass
    except ValidationFailed as exc:
        print("wrong pin:", exc.errors)
    # a token that does not exist: a clear error, not a traceback
    try:
        with credentials.open_signer(Credential(kind="agency", custody="pkcs11", certificate=cert,
                                                pkcs11_token="khong-co", pkcs11_key="seal"), pin=None):
            pass
    except DomainError as exc:
        print("missing:", exc.message)
""")


@pytest.fixture
def softhsm_token(tmp_path):
    """A SoftHSM token ``lt-test`` (user PIN 5678) in ``tmp_path`` holding an agency key labelled ``seal``."""
    tokens = tmp_path / "tokens"
    tokens.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "lt-test", "--so-pin", "1234",
                    "--pin", "5678"], env=env, check=True, capture_output=True)
    root = pki.make_root(reuse_key=True)
    ca = pki.make_intermediate(root, "CA chuyên dùng (thử nghiệm)", reuse_key=True)
    seal = pki.make_end_entity(ca, "UBND tỉnh Thử Nghiệm", organisation="UBND tỉnh Thử Nghiệm",
                               reuse_key=True)
    (tmp_path / "key.pem").write_bytes(seal.key_pem())
    subprocess.run(["softhsm2-util", "--import", str(tmp_path / "key.pem"), "--token", "lt-test", "--label",
                    "seal", "--id", "01", "--pin", "5678"], env=env, check=True, capture_output=True)
    (tmp_path / "key.pem").unlink()
    (tmp_path / "cert.der").write_bytes(seal.der)
    (tmp_path / "ca.der").write_bytes(ca.der)
    return env, root, seal


def test_agency_key_on_softhsm_signs_a_pdf_that_validates(softhsm_token, tmp_path):
    env, root, seal = softhsm_token
    (tmp_path / "in.pdf").write_bytes(tiny_pdf("Quyet dinh"))
    repo = Path(__file__).resolve().parents[3]
    child_env = {**env, "DJANGO_SETTINGS_MODULE": "lienthong.settings", "PYTHONPATH": str(repo),
                 "LIENTHONG_PKCS11_MODULE": MODULE, "LIENTHONG_PKCS11_PIN": "5678"}
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path)], env=child_env, cwd=repo,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"missing: {TOKEN_UNAVAILABLE % {'label': 'khong-co'}}" in done.stdout
    assert f"wrong pin: {({'pin': [str(WRONG_PIN)]})}" in done.stdout

    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO((tmp_path / "out.pdf").read_bytes()))
    [embedded] = reader.embedded_signatures
    status = validate_pdf_signature(embedded, ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(root.der)], allow_fetching=False, revocation_mode="soft-fail"))
    assert status.intact and status.valid and status.trusted
    assert status.signing_cert.sha256 == bytes.fromhex(seal.fingerprint)
