"""The disposal page and API, and the package download from a file's page and the API."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.test import Client

from lienthong.accounts.services import api_token_issue
from lienthong.documents.models import DocumentFile
from lienthong.records import disposal, services
from lienthong.records.tests.helpers import outgoing, world
from lienthong.records.tests.test_disposal import closed, decision

pytestmark = pytest.mark.django_db


def _api(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})


def expired_scene():
    """Files closed at the end of 2018 with 5 years' retention: expired on 1/1/2024, before today."""
    p, plan, entries = world()
    clerk = p.users["clerk.huyen"]
    owner = p.users["specialist.huyen.noivu"]
    docs = [outgoing(p, f"Thông báo hội nghị {i}") for i in range(2)]
    files = []
    for i, doc in enumerate(docs):
        f = services.case_file_open(actor=owner, title=f"Hồ sơ hội nghị {i}", number=f"3{i}.NV",
                                    retention_code="5-nam", start_date=dt.date(2018, 2, 1))
        services.documents_file(actor=owner, case_file_id=f.pk, document_ids=[doc.pk])
        files.append(services.case_file_close(actor=owner, case_file_id=f.pk, retention_confirmed=True,
                                              reason="Xong", end_date=dt.date(2018, 12, 1)))
    permanent = closed(p, entries[0], [docs[0]])
    disposal.proposals_refresh()
    return p, clerk, docs, files, permanent


def test_the_disposal_page_lists_proposals_and_destroys_the_chosen_files_on_a_decision(
        client, django_assert_max_num_queries):
    p, clerk, docs, files, permanent = expired_scene()
    qd = decision(p)
    client.force_login(clerk)
    with django_assert_max_num_queries(16):
        r = client.get("/ho-so/tieu-huy/")
    page = r.content.decode()
    assert r.status_code == 200 and "30.NV" in page and "31.NV" in page and permanent.number not in page
    r = client.post("/ho-so/tieu-huy/", {"case_file_ids": [files[0].pk]})
    assert r.status_code == 422 and str(disposal.DECISION_REQUIRED) in r.content.decode()
    assert DocumentFile.objects.filter(document=docs[1]).exists()
    r = client.post("/ho-so/tieu-huy/", {"case_file_ids": [files[1].pk], "decision_document_id": qd.pk})
    assert r.status_code == 302
    assert not DocumentFile.objects.filter(document=docs[1]).exists()
    page = client.get(f"/ho-so/{files[1].pk}/").content.decode()
    assert "Biên bản tiêu hủy" in page and qd.number_symbol in page
    client.force_login(p.users["specialist.huyen.noivu"])
    assert client.get("/ho-so/tieu-huy/").status_code == 403


def test_the_api_lists_proposals_and_refuses_a_permanent_file_or_no_decision_in_vietnamese():
    p, clerk, _docs, files, permanent = expired_scene()
    api = _api(clerk)
    listed = api.get("/api/dossiers/disposal-proposals").json()
    assert listed["count"] == 2 and {i["number"] for i in listed["items"]} == {"30.NV", "31.NV"}
    qd = decision(p)
    r = api.post("/api/dossiers/dispose", {"case_file_ids": [permanent.pk], "decision_document_id": qd.pk},
                 content_type="application/json")
    assert r.status_code == 422
    assert r.json()["errors"]["case_file_ids"] == [str(disposal.PERMANENT % {"n": permanent.number})]
    r = api.post("/api/dossiers/dispose", {"case_file_ids": [files[0].pk]}, content_type="application/json")
    assert r.status_code == 422 and r.json()["message"] == str(disposal.DECISION_REQUIRED)
    r = api.post("/api/dossiers/dispose", {"case_file_ids": [files[0].pk, files[1].pk],
                                           "decision_document_id": qd.pk}, content_type="application/json")
    # files[0]'s document is also in the permanent file: its original stays; files[1]'s goes.
    assert r.status_code == 200 and r.json()["originals_removed"] == 1
    assert api.get(f"/api/dossiers/{files[0].pk}").json()["state"] == "disposed"


def test_a_closed_files_package_downloads_from_its_page_and_the_api(client):
    p, clerk, _docs, files, _permanent = expired_scene()
    client.force_login(clerk)
    page = client.get(f"/ho-so/{files[0].pk}/").content.decode()
    assert f"/ho-so/{files[0].pk}/goi-ho-so.zip" in page
    r = client.get(f"/ho-so/{files[0].pk}/goi-ho-so.zip")
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert any(n.endswith("/manifest-sha256.txt") for n in names)
    r = _api(clerk).get(f"/api/dossiers/{files[0].pk}/package")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    opened = services.case_file_open(actor=clerk, title="Đang lập", number="99.VT", retention_code="5-nam",
                                     start_date=dt.date(2018, 1, 1))
    r = _api(clerk).get(f"/api/dossiers/{opened.pk}/package")
    assert r.status_code == 400 and "đã kết thúc" in r.json()["message"]
