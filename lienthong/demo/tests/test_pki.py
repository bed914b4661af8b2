"""``manage.py make_demo_pki`` on a small province: a marked test CA, a credential for every leader and
every agency (PIN 123456), images, a CRL; a second run changes nothing."""

from __future__ import annotations

import io

from django.core.management import call_command

from lienthong.accounts.models import Position, Role
from lienthong.demo.pki import DEMO_PIN, ensure_demo_pki
from lienthong.signing import credentials, pki
from lienthong.signing.models import Credential, RevocationList, TrustedCertificate
from lienthong.testing.builders import tiny_pdf


def test_demo_pki_gives_every_leader_and_agency_a_usable_credential(province, tmp_path):
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    first = ensure_demo_pki(directory=tmp_path, reuse_key=True)
    leaders = set(Position.objects.filter(role=Role.LEADER).values_list("user_id", flat=True))
    assert first.personal_created == len(leaders) == 7  # five agencies' leaders and two unit heads
    assert first.agency_created == len(province.agencies) and first.trusted_created == 2 and first.crl_created
    assert set(Credential.objects.filter(kind="personal", active=True).values_list("user_id", flat=True)) == leaders

    trusted = list(TrustedCertificate.objects.order_by("kind"))
    assert [t.kind for t in trusted] == ["intermediate", "root"] and all(t.is_test for t in trusted)
    assert all(pki.TEST_MARK in t.subject for t in trusted)
    assert "CA chuyên dùng (thử nghiệm)" in trusted[0].subject
    assert RevocationList.objects.get().issuer_fingerprint == trusted[0].fingerprint

    seal = Credential.objects.get(agency=province.agencies["stttt"])
    assert "Sở Thông tin và Truyền thông tỉnh Hậu Giang" in seal.subject and seal.image_width_mm == 36
    credentials.certificate_check_usable(bytes(seal.certificate))
    leader = Credential.objects.get(user=province.users["leader.huyen.noivu"])
    assert "Trưởng phòng Phòng Nội vụ" in leader.subject and bytes(leader.image).startswith(b"\x89PNG")

    with credentials.open_signer(leader, pin=DEMO_PIN) as signer:
        out = io.BytesIO()
        signers.PdfSigner(signers.PdfSignatureMetadata(field_name="NguoiKy"), signer=signer).sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(tiny_pdf())), output=out)
    [embedded] = PdfFileReader(io.BytesIO(out.getvalue())).embedded_signatures
    root = next(t for t in trusted if t.kind == "root")
    status = validate_pdf_signature(embedded, ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(bytes(root.der))], allow_fetching=False))
    assert status.intact and status.valid and status.trusted

    again = ensure_demo_pki(directory=tmp_path, reuse_key=True)
    assert (again.personal_created, again.agency_created, again.trusted_created, again.crl_created) == (0, 0, 0, False)
    assert Credential.objects.count() == first.personal_created + first.agency_created


def test_make_demo_pki_command_and_demo_logins_print_the_pin(province, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("make_demo_pki", stdout=out)
    assert "mã PIN 123456" in out.getvalue()
    out = io.StringIO()
    call_command("make_demo_pki", stdout=out)
    assert "không có gì thay đổi" in out.getvalue()
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "Mã PIN ký số" in out.getvalue() and "123456" in out.getvalue()
