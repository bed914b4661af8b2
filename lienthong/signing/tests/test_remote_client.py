"""The command-line client against a running server (``live_server``): the chairman prepares and
finishes his signature with his local .p12, the văn thư numbers the document and applies the district's
signature the same way; the issued file validates in the app and in Poppler's ``pdfsig``. A tampered
signature value and an expired session come back as the server's Vietnamese refusal."""

from __future__ import annotations

import datetime as dt
import io
import subprocess

import pytest
from django.utils import timezone

from lienthong import files as file_store
from lienthong.drafting import services as drafting
from lienthong.drafting.models import Draft, DraftFile, DraftState
from lienthong.signing import client
from lienthong.signing.models import RemoteSigningSession
from lienthong.signing.pades.remote import SIGNATURE_MISMATCH
from lienthong.signing.pades.sessions import SESSION_EXPIRED
from lienthong.signing.tests.flow_setup import (
    AGENCY_PIN,
    PERSONAL_PIN,
    add_credential,
    draft_at_signing,
    trust_demo_ca,
    trust_material,
)
from lienthong.signing.verification import verify_pdf
from lienthong.testing.builders import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def world(province, tmp_path):
    p = province
    trust_demo_ca()
    _c, leader_key = add_credential(user=p.users["leader.huyen"], custody_mode="remote")
    _c, agency_key = add_credential(agency=p.agencies["huyen"], custody_mode="remote")
    p.leader_p12 = leader_key.pkcs12(PERSONAL_PIN)
    p.agency_p12 = agency_key.pkcs12(AGENCY_PIN)
    p.leader_p12_path = tmp_path / "chu-tich.p12"
    p.leader_p12_path.write_bytes(p.leader_p12)
    return p


def test_leader_and_clerk_sign_through_the_client_and_the_issued_file_validates(world, live_server, monkeypatch,
                                                                                  tmp_path, capsys):
    p = world
    draft = draft_at_signing(p)
    monkeypatch.setenv("LIENTHONG_PASSWORD", PASSWORD)
    monkeypatch.setenv("LIENTHONG_PIN", PERSONAL_PIN)
    code = client.main(["--url", live_server.url, "--username", "leader.huyen", "--draft", str(draft.pk),
                        "--step", "sign", "--p12", str(p.leader_p12_path)])
    assert code == 0, capsys.readouterr().err
    draft.refresh_from_db()
    assert draft.state == DraftState.TO_NUMBER
    assert client.FINISHED.format(id=draft.pk, state=DraftState.TO_NUMBER.label) in capsys.readouterr().out

    drafting.draft_number(actor=p.users["clerk.huyen"], draft=draft)
    result = client.run(url=live_server.url, username="clerk.huyen", password=PASSWORD, draft=draft.pk, step="seal",
                        p12=p.agency_p12, pin=AGENCY_PIN, issue=True, out=io.StringIO())
    assert result["state"] == "issued"
    row = DraftFile.objects.select_related("stored_file").get(draft=draft, role="sealed", filename="du-thao.pdf")
    with file_store.open_original(row.stored_file.storage_name) as fh:
        data = fh.read()
    report = verify_pdf(data, **trust_material())
    assert report.status == "valid" and report.signature_count == 2
    assert report.personal_valid and report.agency_valid
    path = tmp_path / "da-ban-hanh.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
    assert out.count("Signature Validation: Signature is Valid.") == 2, out
    assert "Ủy ban nhân dân huyện Vị Thủy" in out


def _prepare(url, username, draft_id, step="sign"):
    token = client._call(url, "/api/auth/token", {"username": username, "password": PASSWORD})["token"]
    return token, client._call(url, "/api/signing/remote/prepare", {"draft_id": draft_id, "step": step}, token)


def test_a_tampered_signature_and_an_expired_session_are_refused_by_the_server(world, live_server):
    p = world
    draft = draft_at_signing(p)
    key, _cert = client.load_key(p.leader_p12, PERSONAL_PIN)
    token, prepared = _prepare(live_server.url, "leader.huyen", draft.pk)
    import base64

    value = client.sign_attributes(key, base64.b64decode(prepared["files"][0]["signed_attributes_b64"]))
    tampered = base64.b64encode(value[:-1] + bytes([value[-1] ^ 0xFF])).decode()
    finish = f"/api/signing/remote/{prepared['session']}/finish"
    with pytest.raises(client.ClientError) as exc:
        client._call(live_server.url, finish, {"signatures_b64": [tampered]}, token)
    assert str(exc.value) == f"422: {SIGNATURE_MISMATCH}"
    assert Draft.objects.get(pk=draft.pk).state == DraftState.SIGNING

    RemoteSigningSession.objects.filter(pk=prepared["session"]).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(client.ClientError) as exc:
        client._call(live_server.url, finish, {"signatures_b64": [base64.b64encode(value).decode()]}, token)
    assert str(exc.value) == f"422: {SESSION_EXPIRED}"
    assert Draft.objects.get(pk=draft.pk).state == DraftState.SIGNING

    # Another user's token does not see the session at all.
    token2 = client._call(live_server.url, "/api/auth/token",
                          {"username": "clerk.huyen", "password": PASSWORD})["token"]
    with pytest.raises(client.ClientError) as exc:
        client._call(live_server.url, finish, {"signatures_b64": [base64.b64encode(value).decode()]}, token2)
    assert str(exc.value).startswith("404")


def test_the_client_refuses_a_p12_that_is_not_the_registered_certificate(world, live_server):
    p = world
    draft = draft_at_signing(p)
    with pytest.raises(client.ClientError) as exc:
        client.run(url=live_server.url, username="leader.huyen", password=PASSWORD, draft=draft.pk, step="sign",
                   p12=p.agency_p12, pin=AGENCY_PIN, out=io.StringIO())
    assert str(exc.value) == client.NOT_THE_REGISTERED_CERTIFICATE
    with pytest.raises(client.ClientError) as exc:
        client.run(url=live_server.url, username="leader.huyen", password=PASSWORD, draft=draft.pk, step="sign",
                   p12=p.leader_p12, pin="999999", out=io.StringIO())
    assert str(exc.value) == client.BAD_PIN_OR_FILE  # refused by the client itself, before the server
    assert Draft.objects.get(pk=draft.pk).state == DraftState.SIGNING


def test_the_client_module_does_not_import_django():
    code = ("import sys; import lienthong.signing.client; "
            "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))")
    out = subprocess.run([".venv/bin/python", "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
