"""Records through the API and the pages: routes, refusals in Vietnamese, constant query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.text import capfirst

from lienthong.accounts.services import api_token_issue
from lienthong.records import services
from lienthong.records import spreadsheets as tables
from lienthong.records.models import CaseFileDocument, PlanEntry
from lienthong.records.tests.helpers import outgoing, secret_incoming_for, workbook, world

pytestmark = pytest.mark.django_db


def _api(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})


def test_api_opens_files_files_documents_and_closes_with_vietnamese_refusals():
    p, plan, entries = world()
    owner = p.users["specialist.huyen.noivu"]
    api = _api(owner)
    r = api.post("/api/dossiers", {"plan_entry_id": entries[0].pk}, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["number"], body["retention_code"], body["state"]) == ("01.TCCB", "vinh-vien", "open")
    assert body["file_code"] == "000.00.35.H30.2018.01.TCCB"
    fid = body["id"]
    r = api.post("/api/dossiers", {"title": "Ngoài danh mục", "number": "9.NV", "retention_code": "khong-co",
                                   "start_date": "2018-05-01"}, content_type="application/json")
    assert r.status_code == 422
    assert r.json()["errors"]["retention"] == [str(services.RETENTION_UNKNOWN % {"code": "khong-co"})]
    busy, _lead = secret_incoming_for(p, "specialist.huyen.noivu")
    doc = outgoing(p, "Thông báo đưa vào hồ sơ")
    r = api.post(f"/api/dossiers/{fid}/documents", {"document_ids": [doc.pk, busy.pk]},
                 content_type="application/json")
    assert r.status_code == 200 and r.json() == {"filed": [doc.pk, busy.pk], "doc_total": 2}
    r = api.post(f"/api/dossiers/{fid}/close", {"retention_confirmed": True}, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"]["reason"][0] == str(services.REASON_REQUIRED)
    r = api.post(f"/api/dossiers/{fid}/close", {"retention_confirmed": True, "reason": "Đã xong phần việc"},
                 content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "closed"
    assert [d["ordinal"] for d in r.json()["documents"]] == [1, 2]
    r = api.post(f"/api/dossiers/{fid}/documents", {"document_ids": [doc.pk]}, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["message"] == str(services.FILE_FROZEN % {"number": "01.TCCB"})
    # Lists and filters.
    assert api.get("/api/dossiers?mine=true&state=closed&year=2018").json()["count"] == 1
    assert api.get("/api/dossiers?state=open").json()["count"] == 0
    assert _api(p.users["specialist.huyen.taichinh"]).get(f"/api/dossiers/{fid}").status_code == 404
    head = _api(p.users["leader.huyen.noivu"]).get(f"/api/dossiers/{fid}").json()
    assert [d["document_id"] for d in head["documents"]] == [doc.pk]  # not the secret one
    assert _api(p.users["leader.huyen.noivu"]).get(f"/api/dossiers?unit={p.units['noivu'].pk}").json()["count"] == 1
    # The plan.
    r = api.get(f"/api/file-plans/{plan.pk}")
    assert r.status_code == 200
    assert (r.json()["total"], r.json()["permanent"], r.json()["fixed_term"]) == (3, 1, 2)
    assert [h["numeral"] for h in r.json()["headings"]] == ["I", "1", "II"]
    assert [x["year"] for x in api.get("/api/file-plans").json()] == [2018]
    assert _api(p.users["clerk.xa"]).get(f"/api/file-plans/{plan.pk}").status_code == 404


def test_document_page_offers_filing_into_my_open_file_and_lists_the_files_i_see(client):
    p, _plan, entries = world()
    owner = p.users["specialist.huyen.noivu"]
    f = services.case_file_open(actor=owner, plan_entry_id=entries[0].pk)
    doc = outgoing(p, "Thông báo từ trang văn bản")
    client.force_login(owner)
    page = client.get(reverse("documents:detail", args=[doc.pk])).content.decode()
    assert reverse("records:document_file", args=[doc.pk]) in page and "01.TCCB" in page
    r = client.post(reverse("records:document_file", args=[doc.pk]), {"case_file_id": f.pk})
    assert r.status_code == 302 and r["Location"] == reverse("documents:detail", args=[doc.pk])
    assert CaseFileDocument.objects.filter(case_file=f, document=doc).exists()
    page = client.get(reverse("documents:detail", args=[doc.pk])).content.decode()
    assert reverse("records:file", args=[f.pk]) in page


def test_the_file_page_files_in_bulk_closes_and_then_refuses_filing_with_the_message(client):
    p, _plan, entries = world()
    owner = p.users["specialist.huyen.noivu"]
    f = services.case_file_open(actor=owner, plan_entry_id=entries[0].pk)
    a, b = outgoing(p, "Thông báo một"), outgoing(p, "Thông báo hai")
    client.force_login(owner)
    page = client.get(reverse("records:file", args=[f.pk])).content.decode()
    assert "Thông báo một" in page and str(services.FILE_EMPTY) in page
    client.post(reverse("records:file_documents", args=[f.pk]), {"document_ids": [a.pk, b.pk]})
    assert CaseFileDocument.objects.filter(case_file=f).count() == 2
    r = client.post(reverse("records:file_close", args=[f.pk]), {"retention_code": "vinh-vien"})
    assert r.status_code == 422 and str(services.RETENTION_NOT_CONFIRMED) in r.content.decode()
    r = client.post(reverse("records:file_close", args=[f.pk]), {"retention_code": "vinh-vien",
                                                                 "retention_confirmed": "on"})
    assert r.status_code == 302
    c = outgoing(p, "Thông báo ba")
    r = client.post(reverse("records:file_documents", args=[f.pk]), {"document_ids": [c.pk]}, follow=True)
    assert str(services.FILE_FROZEN % {"number": "01.TCCB"}) in r.content.decode()
    assert CaseFileDocument.objects.filter(case_file=f).count() == 2
    r = client.get(reverse("records:file_index", args=[f.pk]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_plan_pages_edit_import_with_every_bad_row_shown_approve_and_publish(client):
    p, plan, _entries = world()
    clerk = p.users["clerk.huyen"]
    client.force_login(clerk)
    r = client.post(reverse("records:plans"), {"agency_id": p.agencies["huyen"].pk, "year": 2019,
                                               "copy_previous": "on"})
    assert r.status_code == 302
    plan_2019 = int(r["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert PlanEntry.objects.filter(plan_id=plan_2019).count() == 3
    bad = workbook([["Số và ký hiệu hồ sơ", "Tên đề mục và tiêu đề hồ sơ", "Thời hạn bảo quản"],
                    ["I", "TỔ CHỨC (TCCB)"], ["01.TCCB", "Một", "12 năm"], ["01.TCCB", "Hai", "10 năm"]])
    r = client.post(reverse("records:plan_import", args=[plan_2019]),
                    {"file": SimpleUploadedFile("dm.xlsx", bad)})
    text = r.content.decode()
    assert r.status_code == 422
    assert capfirst(str(tables.RETENTION_NOT_FOUND % {"v": "12 năm"})) in text
    assert capfirst(str(tables.NUMBER_DUPLICATE % {"n": "01.TCCB", "r": 3})) in text
    assert PlanEntry.objects.filter(plan_id=plan_2019).count() == 3
    r = client.post(reverse("records:plan_entry_add", args=[plan_2019]), {
        "heading_id": PlanEntry.objects.filter(plan_id=plan_2019).first().heading_id, "number": "01.TCCB",
        "title": "Trùng", "retention_code": "10-nam"})
    assert r.status_code == 422 and "01.TCCB" in r.content.decode()
    client.force_login(p.users["leader.huyen"])
    r = client.post(reverse("records:plan_approve", args=[plan_2019]), {"decision_reference": "QĐ số 2/QĐ-UBND"})
    assert r.status_code == 302
    r = client.post(reverse("records:plan_publish", args=[plan_2019]))
    assert r.status_code == 302
    r = client.get(reverse("records:plan", args=[plan_2019]))
    assert "Đã ban hành" in r.content.decode()
    r = client.get(reverse("records:plan_export", args=[plan.pk]))
    assert r.status_code == 200


def test_the_agency_numbering_is_set_on_the_plans_page_by_its_clerk_only(client):
    p, _plan, _entries = world()
    agency = p.agencies["huyen"].pk
    client.force_login(p.users["specialist.huyen"])
    assert client.post(reverse("records:numbering", args=[agency]), {"numbering": "heading"}).status_code == 403
    client.force_login(p.users["clerk.huyen"])
    assert "Đánh số trong từng đề mục lớn" in client.get(reverse("records:plans")).content.decode()
    assert client.post(reverse("records:numbering", args=[agency]), {"numbering": "heading"}).status_code == 302
    assert services.agency_numbering(agency) == "heading"
    plan = services.plan_create(actor=p.users["clerk.huyen"], agency_id=agency, year=2019)
    assert plan.numbering == "heading"


def test_list_pages_use_a_constant_number_of_queries(client, django_assert_max_num_queries):
    p, _plan, entries = world()
    owner = p.users["specialist.huyen.noivu"]
    client.force_login(owner)
    client.get(reverse("records:files"))  # warm the session and caches

    def files_page():
        with django_assert_max_num_queries(12):
            r = client.get(reverse("records:files"))
        assert r.status_code == 200
        return r

    services.case_file_open(actor=owner, plan_entry_id=entries[0].pk)
    files_page()
    for i in range(15):
        services.case_file_open(actor=owner, title=f"Hồ sơ {i}", number=f"{i}.NV", retention_code="5-nam",
                                start_date=dt.date(2018, 1, 1))
    assert files_page().content.decode().count("/ho-so/") >= 16
    with django_assert_max_num_queries(12):
        assert client.get(reverse("records:plans")).status_code == 200
    for year in range(2000, 2012):
        services.plan_create(actor=p.users["clerk.huyen"], agency_id=p.agencies["huyen"].pk, year=year)
    client.force_login(p.users["clerk.huyen"])
    client.get(reverse("records:plans"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("records:plans")).status_code == 200
