"""The copy API and the "Sao văn bản" page (vanthu.md §7 rule 7; NĐ30 Art. 25–27)."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from lienthong.accounts.services import api_token_issue
from lienthong.copies.models import DocumentCopy
from lienthong.copies.services import NO_AGENCY_CREDENTIAL
from lienthong.copies.tests.helpers import PIN, setup
from lienthong.signing.credentials import WRONG_PIN

pytestmark = pytest.mark.django_db


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user)}"}


def test_api_makes_a_copy_and_reads_it_back(client, _media_root):
    p, doc = setup()
    body = {"form": "TrS", "pages": "2", "signer_id": p.users["leader.vp"].pk, "recipients_text": "- Lưu: VT.",
            "pin": PIN}
    answer = client.post(f"/api/documents/{doc.pk}/copies", body, content_type="application/json",
                         **_auth(p.users["clerk.vp"]))
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert data["number_symbol"] == "01/TrS-VP.UBND" and data["original_id"] == doc.pk and data["pages"] == "2"
    read = client.get(f"/api/copies/{data['id']}", **_auth(p.users["specialist.vp"]))
    assert read.status_code == 200 and read.json()["form_name"] == "Trích sao"
    assert client.get(f"/api/copies/{data['id']}", **_auth(p.users["clerk.huyen"])).status_code == 404
    refused = client.post(f"/api/documents/{doc.pk}/copies", body, content_type="application/json",
                          **_auth(p.users["leader.vp"]))
    assert refused.status_code == 403 and DocumentCopy.objects.count() == 1


def test_api_without_agency_credential_answers_a_clear_vietnamese_error(client, _media_root):
    p, doc = setup(credential=False)
    answer = client.post(f"/api/documents/{doc.pk}/copies", {"form": "SY", "signer_id": p.users["leader.vp"].pk,
                                                             "recipients_text": "- Lưu: VT."},
                         content_type="application/json", **_auth(p.users["clerk.vp"]))
    assert answer.status_code == 422 and answer.json()["message"] == str(NO_AGENCY_CREDENTIAL)


def test_the_copy_page_makes_a_sao_y(client, _media_root):
    p, doc = setup()
    client.force_login(p.users["clerk.vp"])
    page = client.get(f"/van-ban/{doc.pk}/sao/")
    assert page.status_code == 200 and "Hình thức sao" in page.content.decode()
    bad = client.post(f"/van-ban/{doc.pk}/sao/", {"form": "SY", "signer_id": p.users["leader.vp"].pk,
                                                  "recipients_text": "- Lưu: VT.", "pin": "sai"})
    assert bad.status_code == 422 and escape(str(WRONG_PIN)) in bad.content.decode()
    done = client.post(f"/van-ban/{doc.pk}/sao/", {"form": "SY", "signer_id": p.users["leader.vp"].pk,
                                                   "recipients_text": "- Lưu: VT.", "pin": PIN})
    copy = DocumentCopy.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/van-ban/{copy.copy_id}/"
    client.force_login(p.users["specialist.vp"])
    assert client.get(f"/van-ban/{doc.pk}/sao/").status_code == 302


def test_a_copy_made_from_the_english_interface_is_still_vietnamese(client, _media_root):
    """The copy is an official document (NĐ30 Phụ lục I ô 14): its certification page and signer title are
    Vietnamese whatever language the clerk reads the interface in."""
    import io

    from pypdf import PdfReader

    from lienthong.core.tests.test_i18n import choose_language
    from lienthong.files import open_original

    p, doc = setup()
    p.users["leader.vp"].positions.update(title="")  # the title falls back to the word for "leader"
    client.force_login(p.users["clerk.vp"])
    choose_language(client, "en", f"/van-ban/{doc.pk}/sao/")
    done = client.post(f"/van-ban/{doc.pk}/sao/", {"form": "SY", "signer_id": p.users["leader.vp"].pk,
                                                   "recipients_text": "- Lưu: VT.", "pin": PIN})
    assert done.status_code == 302
    copy = DocumentCopy.objects.select_related("copy").get()
    stored = copy.copy.files.get().stored_file
    with open_original(stored.storage_name) as fh:
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(fh.read())).pages)
    assert "SAO Y" in text and "LÃNH ĐẠO" in text
    assert "True copy" not in text and "LEADER" not in text
