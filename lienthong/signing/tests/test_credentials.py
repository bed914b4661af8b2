"""Credentials and the trust store: importing a key file, registering a token's certificate, images,
permissions, the pages, and the expiry warnings."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from PIL import Image

from lienthong.core.errors import PermissionDenied, ValidationFailed
from lienthong.notifications.models import Notification
from lienthong.signing import credentials, pki, selectors, views
from lienthong.signing.credentials import certificates, custody, trust_store
from lienthong.signing.credentials import services as credential_services
from lienthong.signing.models import Credential, RevocationList, TrustedCertificate
from lienthong.signing.pades import images

PIN = "123456"


@pytest.fixture(scope="module")
def ca():
    root = pki.make_root(reuse_key=True)
    return root, pki.make_intermediate(root, "CA chuyên dùng (thử nghiệm)", reuse_key=True)


@pytest.fixture(scope="module")
def signature_png():
    return images.signature_image("Lãnh đạo xa")


def _person(ca, name="Lãnh đạo xa", **kw):
    return pki.make_end_entity(ca[1], name, organisation="UBND xã Vị Thắng", reuse_key=True, **kw)


def _agency(ca, name="Ủy ban nhân dân xã Vị Thắng", **kw):
    return pki.make_end_entity(ca[1], name, organisation=name, reuse_key=True, **kw)


def _vn_date(moment: dt.datetime) -> str:
    """A certificate date as the refusals print it."""
    return moment.astimezone(certificates.VN_TZ).strftime("%d/%m/%Y")


def _matches(message) -> str:
    """``pytest.raises(match=…)`` for exactly this message."""
    return re.escape(str(message))


def _png(mode="RGBA", size=(200, 80), transparent=True) -> bytes:
    image = Image.new(mode, size, (0, 0, 255, 0 if transparent else 255) if mode == "RGBA" else (0, 0, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_import_pkcs12_stores_an_encrypted_key_that_signs_with_the_pin(province, ca, signature_png):
    leader = province.users["leader.xa"]
    issued = _person(ca)
    credential = credentials.credential_import_pkcs12(actor=leader, owner_user=leader, p12=issued.pkcs12(PIN), pin=PIN,
                                                      image_png=signature_png)
    credential.refresh_from_db()
    assert credential.kind == "personal" and credential.custody == "pkcs12" and credential.active
    assert credential.fingerprint == issued.fingerprint and "Lãnh đạo xa" in credential.subject
    assert bytes(credential.image) == signature_png
    assert issued.pkcs12(PIN) not in bytes(credential.pkcs12)
    assert selectors.credential_for_user(leader) == credential
    with credentials.open_signer(credential, pin=PIN) as signer:
        assert signer.signing_cert.sha256.hex() == issued.fingerprint
    # a new import replaces the old credential and keeps its image when none is given
    newer = credentials.credential_import_pkcs12(actor=leader, owner_user=leader, p12=_person(ca).pkcs12("999999"),
                                                 pin="999999")
    credential.refresh_from_db()
    assert not credential.active and selectors.credential_for_user(leader) == newer
    assert bytes(newer.image) == signature_png


@pytest.mark.parametrize("case", ["wrong pin", "not p12", "expired", "not yet valid", "no signing usage",
                                  "someone else", "image not png", "image opaque", "image too big", "width"])
def test_bad_imports_are_refused_with_a_clear_message_and_store_nothing(province, ca, signature_png, case):
    leader = province.users["leader.xa"]
    past = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    kwargs = dict(actor=leader, owner_user=leader, p12=_person(ca).pkcs12(PIN), pin=PIN, image_png=signature_png)
    expired = _person(ca, not_before=past, days=30)
    not_yet = _person(ca, not_before=timezone.now() + dt.timedelta(days=3))
    lo, hi = credentials.IMAGE_WIDTH_RANGE_MM
    expected = {
        "wrong pin": ({"pin": "000000"}, "pin", custody.WRONG_PIN),
        "not p12": ({"p12": b"PK\x03\x04 a zip"}, "pkcs12", custody.NOT_PKCS12),
        "expired": ({"p12": expired.pkcs12(PIN)}, "certificate",
                    certificates.EXPIRED % {"date": _vn_date(expired.certificate.not_valid_after_utc)}),
        "not yet valid": ({"p12": not_yet.pkcs12(PIN)}, "certificate",
                          certificates.NOT_YET_VALID % {"date": _vn_date(not_yet.certificate.not_valid_before_utc)}),
        "no signing usage": ({"p12": _person(ca, digital_signature=False).pkcs12(PIN)}, "certificate",
                             certificates.NO_SIGNING_USAGE),
        "someone else": ({"p12": _person(ca, "Nguyễn Văn Khác").pkcs12(PIN)}, "certificate",
                         credential_services.NOT_THE_PERSON % {"cn": "Nguyễn Văn Khác", "name": leader.full_name}),
        "image not png": ({"image_png": b"\xff\xd8\xff\xe0 jpeg"}, "image", images.NOT_PNG),
        "image opaque": ({"image_png": _png("RGB")}, "image", images.NO_ALPHA),
        "image too big": ({"image_png": b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024)}, "image", images.TOO_LARGE),
        "width": ({"image_width_mm": 200}, "image_width_mm",
                  credential_services.WIDTH_OUT_OF_RANGE % {"lo": lo, "hi": hi}),
    }[case]
    changes, field, message = expected
    with pytest.raises(ValidationFailed) as refused:
        credentials.credential_import_pkcs12(**{**kwargs, **changes})
    assert refused.value.errors[field] == [str(message)]
    assert not Credential.objects.exists()


def test_png_check_accepts_palette_transparency_and_refuses_fully_opaque_alpha():
    images.check_png_with_alpha(_png())
    opaque_alpha = _png(transparent=False)
    with pytest.raises(ValidationFailed, match=_matches(images.NO_TRANSPARENT_PIXEL)):
        images.check_png_with_alpha(opaque_alpha)
    with pytest.raises(ValidationFailed,
                       match=_matches(images.SIZE_OUT_OF_RANGE % {"lo": images.MIN_SIDE, "hi": images.MAX_SIDE})):
        images.check_png_with_alpha(_png(size=(10, 10)))
    with pytest.raises(ValidationFailed, match=_matches(images.UNREADABLE)):
        images.check_png_with_alpha(b"\x89PNG\r\n\x1a\n broken")
    palette = Image.new("P", (100, 50), 0)
    palette.info["transparency"] = 0
    out = io.BytesIO()
    palette.save(out, format="PNG", transparency=0)
    images.check_png_with_alpha(out.getvalue())


def test_demo_images_are_transparent_pngs_of_real_size():
    seal = images.seal_image("Ủy ban nhân dân tỉnh Hậu Giang")
    images.check_png_with_alpha(seal)
    images.check_png_with_alpha(images.signature_image("Nguyễn Văn Thành"))
    with Image.open(io.BytesIO(seal)) as image:
        assert image.size[0] == round(36 / 25.4 * 300)  # 36 mm at 300 dpi
        red, green, blue, _alpha = image.getpixel((image.size[0] // 2, image.size[1] // 2))  # the star
        assert red > 180 and green < 80 and blue < 80


def test_only_owners_and_agency_clerks_manage_credentials(province, ca, signature_png):
    u, a = province.users, province.agencies
    with pytest.raises(PermissionDenied, match=_matches(credential_services.ONLY_YOUR_OWN)):
        credentials.credential_import_pkcs12(actor=u["clerk.xa"], owner_user=u["leader.xa"],
                                             p12=_person(ca).pkcs12(PIN), pin=PIN)
    for actor in ("leader.xa", "specialist.xa", "clerk.huyen"):
        with pytest.raises(PermissionDenied, match=_matches(credentials.AGENCY_MANAGERS_ONLY)):
            credentials.credential_import_pkcs12(actor=u[actor], owner_agency=a["xa"], p12=_agency(ca).pkcs12(PIN),
                                                 pin=PIN)
    seal = credentials.credential_import_pkcs12(actor=u["clerk.xa"], owner_agency=a["xa"], p12=_agency(ca).pkcs12(PIN),
                                                pin=PIN, image_png=images.seal_image(a["xa"].name))
    assert seal.kind == "agency" and selectors.credential_for_agency(a["xa"]) == seal
    with pytest.raises(PermissionDenied):
        credentials.credential_deactivate(actor=u["leader.xa"], credential_id=seal.pk)
    credentials.credential_deactivate(actor=u["clerk.xa"], credential_id=seal.pk)
    assert selectors.credential_for_agency(a["xa"]) is None
    # an agency certificate must name the agency
    other = credential_services.NOT_THE_AGENCY % {"cn": "Ủy ban nhân dân xã Khác", "name": a["xa"].name}
    with pytest.raises(ValidationFailed, match=_matches(other)):
        credentials.credential_import_pkcs12(actor=u["clerk.xa"], owner_agency=a["xa"],
                                             p12=_agency(ca, "Ủy ban nhân dân xã Khác").pkcs12(PIN), pin=PIN)


def test_register_token_and_hsm_certificates(province, ca, signature_png):
    u, a = province.users, province.agencies
    token = credentials.credential_register_certificate(actor=u["leader.xa"], owner_user=u["leader.xa"],
                                                        certificate=_person(ca).pem, custody_mode="remote",
                                                        image_png=signature_png)
    assert token.custody == "remote" and token.pkcs12 is None
    with pytest.raises(ValidationFailed, match=_matches(credential_services.PKCS11_AGENCIES_ONLY)):
        credentials.credential_register_certificate(actor=u["leader.xa"], owner_user=u["leader.xa"],
                                                    certificate=_person(ca).der, custody_mode="pkcs11")
    with pytest.raises(ValidationFailed, match=_matches(credential_services.PKCS11_TOKEN_REQUIRED)):
        credentials.credential_register_certificate(actor=u["clerk.xa"], owner_agency=a["xa"],
                                                    certificate=_agency(ca).der, custody_mode="pkcs11")
    hsm = credentials.credential_register_certificate(actor=u["clerk.xa"], owner_agency=a["xa"],
                                                      certificate=_agency(ca).der, custody_mode="pkcs11",
                                                      pkcs11_token="ubnd-xa", pkcs11_key="seal")
    assert (hsm.custody, hsm.pkcs11_token, hsm.pkcs11_key) == ("pkcs11", "ubnd-xa", "seal")


def test_trust_store_takes_ca_certificates_once_and_crls_signed_by_them(province, ca):
    admin = province.users["clerk.ubnd"]
    admin.is_system_admin = True
    admin.save()
    root, intermediate = ca
    with pytest.raises(PermissionDenied):
        credentials.trusted_certificate_add(actor=province.users["clerk.xa"], data=root.der)
    added = credentials.trusted_certificate_add(actor=admin, data=root.pem, is_test=True)
    assert added.kind == "root" and added.is_test
    assert credentials.trusted_certificate_add(actor=admin, data=intermediate.der).kind == "intermediate"
    with pytest.raises(ValidationFailed, match=_matches(trust_store.ALREADY_TRUSTED % {"s": added.subject})):
        credentials.trusted_certificate_add(actor=admin, data=root.der)
    with pytest.raises(ValidationFailed, match=_matches(trust_store.NOT_A_CA)):
        credentials.trusted_certificate_add(actor=admin, data=_person(ca).der)
    with pytest.raises(ValidationFailed, match=_matches(certificates.NOT_A_CERTIFICATE)):
        credentials.trusted_certificate_add(actor=admin, data=b"nonsense")
    assert TrustedCertificate.objects.count() == 2

    crl = pki.make_crl(intermediate, [(12345, timezone.now())])
    row = credentials.revocation_list_add(actor=admin, data=crl)
    assert row.issuer_fingerprint == intermediate.fingerprint
    with pytest.raises(ValidationFailed, match=_matches(trust_store.CRL_ALREADY_UPLOADED)):
        credentials.revocation_list_add(actor=admin, data=crl)
    stranger = pki.make_root("CA lạ", reuse_key=False)
    with pytest.raises(ValidationFailed, match=_matches(trust_store.CRL_NOT_FROM_TRUSTED_CA)):
        credentials.revocation_list_add(actor=admin, data=pki.make_crl(stranger))
    with pytest.raises(ValidationFailed, match=_matches(certificates.NOT_A_CRL)):
        credentials.revocation_list_add(actor=admin, data=b"nonsense")
    assert RevocationList.objects.count() == 1


def test_expiry_warnings_reach_the_owner_and_the_agency_clerks_once(province, ca, signature_png):
    u, a = province.users, province.agencies
    soon = timezone.now() - dt.timedelta(days=700)  # 730-day certificates: 30 days left
    credentials.credential_import_pkcs12(actor=u["leader.xa"], owner_user=u["leader.xa"],
                                         p12=_person(ca, not_before=soon).pkcs12(PIN), pin=PIN)
    credentials.credential_import_pkcs12(actor=u["clerk.huyen"], owner_agency=a["huyen"],
                                         p12=_agency(ca, a["huyen"].name, not_before=soon).pkcs12(PIN), pin=PIN)
    credentials.credential_import_pkcs12(actor=u["leader.huyen"], owner_user=u["leader.huyen"],
                                         p12=_person(ca, "Lãnh đạo huyen").pkcs12(PIN), pin=PIN)  # far from expiry
    assert credentials.credential_expiry_warnings() == 2
    warned = Notification.objects.order_by("user__username").values_list("user__username", "title", "url")
    assert [w[0] for w in warned] == ["clerk.huyen", "leader.xa"]
    expires = {c.pk: timezone.localtime(c.not_after).strftime("%d/%m/%Y") for c in Credential.objects.all()}
    agency_credential, personal_credential = selectors.credential_for_agency(a["huyen"]), \
        selectors.credential_for_user(u["leader.xa"])
    assert warned[0][1] == credential_services.EXPIRY_AGENCY % {"a": a["huyen"].name,
                                                                 "d": expires[agency_credential.pk]}
    assert warned[1][1] == credential_services.EXPIRY_PERSONAL % {"d": expires[personal_credential.pk]}
    assert warned[1][2] == "/ky-so/ca-nhan/"
    assert credentials.credential_expiry_warnings() == 0  # once


def test_expiry_schedule_exists(db):
    from django_q.models import Schedule

    assert Schedule.objects.filter(func="lienthong.signing.tasks.send_credential_expiry_warnings",
                                   schedule_type="D").exists()


# --- pages -----------------------------------------------------------------------------------------

def test_personal_page_imports_a_key_file_and_shows_errors(client, province, ca, signature_png):
    leader = province.users["leader.xa"]
    client.force_login(leader)
    page = client.get(reverse("signing:personal"))
    assert "Chưa có chữ ký số" in page.content.decode()
    issued = _person(ca, not_before=timezone.now() - dt.timedelta(days=710))
    upload = dict(action="pkcs12", **{"p12-pkcs12": SimpleUploadedFile("a.p12", issued.pkcs12(PIN)),
                                      "p12-pin": "000000"})
    wrong = client.post(reverse("signing:personal"), upload)
    assert wrong.status_code == 422 and escape(str(custody.WRONG_PIN)) in wrong.content.decode()
    upload.update({"p12-pkcs12": SimpleUploadedFile("a.p12", issued.pkcs12(PIN)), "p12-pin": PIN,
                   "p12-image": SimpleUploadedFile("ky.png", signature_png)})
    done = client.post(reverse("signing:personal"), upload, follow=True)
    text = done.content.decode()
    assert escape(str(views.PKCS12_SAVED)) in text and "Lãnh đạo xa" in text
    assert "Chứng thư số hết hạn sau" in text  # the ≤ 30 days banner
    credential = selectors.credential_for_user(leader)
    assert client.get(reverse("signing:credential_image", args=[credential.pk]))["Content-Type"] == "image/png"
    home = client.get(reverse("documents:home")).content.decode()
    assert "Chứng thư số hết hạn sau" in home and reverse("signing:personal") in home
    client.force_login(province.users["clerk.xa"])
    assert client.get(reverse("signing:credential_image", args=[credential.pk])).status_code == 404


def test_agency_page_for_the_clerk_and_trust_store_for_the_administrator(client, province, ca):
    u, a = province.users, province.agencies
    client.force_login(u["specialist.xa"])
    assert client.get(reverse("signing:agency")).status_code == 403
    assert client.get(reverse("signing:trust_store")).status_code == 403
    client.force_login(u["clerk.xa"])
    page = client.get(reverse("signing:agency"))
    assert page.status_code == 200 and a["xa"].name in page.content.decode()
    done = client.post(reverse("signing:agency") + f"?co_quan={a['xa'].pk}", {
        "action": "pkcs12", "p12-pkcs12": SimpleUploadedFile("cq.p12", _agency(ca).pkcs12(PIN)), "p12-pin": PIN,
        "p12-image": SimpleUploadedFile("dau.png", images.seal_image(a["xa"].name)), "p12-image_width_mm": "36"},
        follow=True)
    assert escape(str(views.PKCS12_SAVED)) in done.content.decode()
    assert selectors.credential_for_agency(a["xa"]).image_width_mm == 36

    admin = u["clerk.ubnd"]
    admin.is_system_admin = True
    admin.save()
    client.force_login(admin)
    root = ca[0]
    added = client.post(reverse("signing:trust_store"), {
        "action": "certificate", "ca-certificate": SimpleUploadedFile("root.pem", root.pem), "ca-is_test": "on"},
        follow=True)
    trusted = TrustedCertificate.objects.get()
    assert escape(views.TRUSTED_ADDED % {"s": trusted.subject}) in added.content.decode()
    again = client.post(reverse("signing:trust_store"), {
        "action": "certificate", "ca-certificate": SimpleUploadedFile("root.cer", root.der)})
    assert again.status_code == 422
    assert escape(trust_store.ALREADY_TRUSTED % {"s": trusted.subject}) in again.content.decode()
    client.post(reverse("signing:trust_toggle", args=[trusted.pk]), {"active": "0"})
    trusted.refresh_from_db()
    assert not trusted.active


def test_agency_list_page_has_constant_queries(client, province, django_assert_max_num_queries, ca):
    admin = province.users["clerk.ubnd"]
    admin.is_system_admin = True
    admin.save()
    client.force_login(admin)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("signing:agency")).status_code == 200
