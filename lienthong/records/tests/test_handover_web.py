"""The handover through the API and the pages: hand over, accept, return; the archive's lists at a constant
number of queries; the handover list (XLSX) and record (PDF); refusals in Vietnamese."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from lienthong.accounts.services import api_token_issue
from lienthong.records import handover, services
from lienthong.records import handover_selectors as reads
from lienthong.records.models import CaseFile, Handover
from lienthong.records.tests.helpers import cells, outgoing, world
from lienthong.records.tests.test_handover import archivist_of, closed_file
from lienthong.testing.builders import PASSWORD

pytestmark = pytest.mark.django_db


def _api(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})


def _web(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_api_hands_over_accepts_and_returns_with_vietnamese_refusals():
    p, _plan, entries = world()
    archivist = archivist_of(p)
    owner = p.users["specialist.huyen.noivu"]
    f, doc = closed_file(p, entries[0])
    g, _d = closed_file(p, entries[1], subject="Tuyển dụng")
    opened = services.case_file_open(actor=owner, plan_entry_id=entries[2].pk)
    api, archive = _api(owner), _api(archivist)
    # Accepting a file not handed over.
    r = archive.post(f"/api/dossiers/{f.pk}/accept")
    assert r.status_code == 400 and r.json()["message"] == str(handover.NOT_HANDED_OVER % {"number": "01.TCCB"})
    r = api.post("/api/dossiers/handovers", {"case_file_ids": [f.pk, opened.pk]}, content_type="application/json")
    assert r.status_code == 422
    assert r.json()["errors"]["case_file_ids"] == [str(handover.NOT_CLOSED % {"number": opened.number})]
    assert not Handover.objects.exists()
    r = api.post("/api/dossiers/handovers", {"case_file_ids": [f.pk, g.pk]}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["number"] == 1 and r.json()["case_file_ids"] == [f.pk, g.pk]
    # Filing into a handed-over file.
    r = api.post(f"/api/dossiers/{f.pk}/documents", {"document_ids": [doc.pk]}, content_type="application/json")
    assert r.status_code == 400 and r.json()["message"] == str(reads.FILE_HANDED_OVER % {"number": "01.TCCB"})
    # Only the archive accepts; a return needs a reason.
    assert api.post(f"/api/dossiers/{f.pk}/accept").status_code == 403
    assert archive.post(f"/api/dossiers/{g.pk}/return", {"reason": ""},
                        content_type="application/json").status_code == 422
    r = archive.post(f"/api/dossiers/{f.pk}/accept")
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    r = archive.post(f"/api/dossiers/{g.pk}/return", {"reason": "Thiếu văn bản"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "closed"
    # In custody: the owner sees the file's metadata, not its documents, until a request is approved.
    body = api.get(f"/api/dossiers/{f.pk}").json()
    assert body["state"] == "accepted" and body["documents"] == []
    assert [d["document_id"] for d in archive.get(f"/api/dossiers/{f.pk}").json()["documents"]] == [doc.pk]
    r = api.post(f"/api/dossiers/{f.pk}/documents", {"document_ids": [doc.pk]}, content_type="application/json")
    assert r.status_code == 400 and r.json()["message"] == str(reads.FILE_IN_CUSTODY % {"number": "01.TCCB"})
    assert archive.get("/api/dossiers?state=accepted").json()["count"] == 1


def test_pages_of_the_flow_and_the_printouts():
    p, _plan, entries = world()
    archivist = archivist_of(p)
    owner = p.users["specialist.huyen.noivu"]
    f, doc = closed_file(p, entries[0], subject="Thông báo QQCUSTODY")
    web = _web(owner)
    page = web.get(reverse("records:handovers"))
    assert page.status_code == 200 and "01.TCCB" in page.content.decode()
    r = web.post(reverse("records:handovers"), {"case_file_ids": []})
    assert r.status_code == 422 and str(handover.FILES_REQUIRED) in r.content.decode()
    r = web.post(reverse("records:handovers"), {"case_file_ids": [f.pk], "note": "Nộp lưu"})
    h = Handover.objects.get()
    assert r.status_code == 302 and r.url == reverse("records:handover", kwargs={"handover_id": h.pk})
    text = web.get(r.url).content.decode()
    assert "Mục lục hồ sơ, tài liệu nộp lưu" in text and "Nhận vào lưu trữ" not in text
    clerk = _web(archivist)
    text = clerk.get(r.url).content.decode()
    assert "Nhận vào lưu trữ" in text and "Khớp danh mục hồ sơ" in text
    r = clerk.post(reverse("records:handover_decide", kwargs={"case_file_id": f.pk}), {"decision": "accept"})
    assert r.status_code == 302 and CaseFile.objects.get(pk=f.pk).state == "accepted"
    rows = cells(clerk.get(reverse("records:handover_list", kwargs={"handover_id": h.pk})).content)
    assert ["STT", "Số, ký hiệu hồ sơ", "Tiêu đề hồ sơ", "Thời gian tài liệu", "Thời hạn bảo quản",
            "Số tờ/Số trang", "Ghi chú"] in rows
    line = next(r for r in rows if r[1] == "01.TCCB")
    assert (line[0], line[4], line[6]) == (1, "Vĩnh viễn", "Đã nhận")
    context = handover.handover_record_context(handover=h)
    assert (len(context["accepted"]), context["doc_total"], context["receivers"]) == (1, 1, [str(archivist)])
    pdf = clerk.get(reverse("records:handover_record", kwargs={"handover_id": h.pk}))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # The file page in custody: read-only, a request form for the owner, the documents hidden until approved.
    text = web.get(reverse("records:file", kwargs={"case_file_id": f.pk})).content.decode()
    assert "chỉ được đọc" in text and "Đề nghị sử dụng hồ sơ" in text and doc.subject not in text
    assert "Kết thúc hồ sơ</button>" not in text
    assert web.get(reverse("records:file_index", kwargs={"case_file_id": f.pk})).status_code == 403
    r = web.post(reverse("records:usage_request", kwargs={"case_file_id": f.pk}), {"purpose": "Tra cứu"})
    assert r.status_code == 302
    text = clerk.get(reverse("records:archive") + "?tab=usage").content.decode()
    assert "Tra cứu" in text and "Đồng ý" in text
    request_id = f.usage_requests.get().pk
    clerk.post(reverse("records:usage_decide", kwargs={"request_id": request_id}), {"decision": "approve"})
    assert doc.subject in web.get(reverse("records:file", kwargs={"case_file_id": f.pk})).content.decode()
    clerk.post(reverse("records:usage_record", kwargs={"request_id": request_id}), {"note": "Đã trả"})
    assert f.usage_requests.get().state == "used"


def test_keep_and_pass_on_pages_refuse_in_vietnamese():
    p, _plan, entries = world()
    f, _doc = closed_file(p, entries[0], end=dt.date(2018, 6, 30))
    leader = _web(p.users["leader.huyen"])
    text = leader.get(reverse("records:file", kwargs={"case_file_id": f.pk})).content.decode()
    assert "Đồng ý giữ lại hồ sơ quá hạn nộp lưu" in text
    r = leader.post(reverse("records:file_keep", kwargs={"case_file_id": f.pk}),
                    {"until": "2022-01-01", "reason": "Còn dùng"}, follow=True)
    assert str(handover.KEEP_TOO_LONG % {"m": 24, "d": "30/06/2021"}) in r.content.decode()
    assert CaseFile.objects.get(pk=f.pk).kept_until is None
    r = leader.post(reverse("records:file_keep", kwargs={"case_file_id": f.pk}),
                    {"until": "2020-06-30", "reason": "Còn dùng"})
    assert r.status_code == 302 and CaseFile.objects.get(pk=f.pk).kept_until == dt.date(2020, 6, 30)
    owner = p.users["specialist.huyen.noivu"]
    web = _web(owner)
    r = web.post(reverse("records:file_due", kwargs={"case_file_id": f.pk}), {"rule_code": "xdcb"}, follow=True)
    assert str(handover.ACCOUNTS_DATE_REQUIRED) in r.content.decode()
    assert web.get(reverse("records:pass_on")).status_code == 200
    huyen = p.agencies["huyen"].pk
    r = web.post(reverse("records:pass_on"), {"agency_id": huyen, "from_user_id": owner.pk,
                                              "successor_id": owner.pk, "reason": "Chuyển công tác"})
    assert r.status_code == 422 and str(handover.SUCCESSOR_SAME) in r.content.decode()
    successor = p.users["specialist.huyen.taichinh"]
    r = web.post(reverse("records:pass_on"), {"agency_id": huyen, "from_user_id": owner.pk,
                                              "successor_id": successor.pk, "reason": "Chuyển công tác"})
    assert r.status_code == 302 and CaseFile.objects.get(pk=f.pk).owner == successor


def test_the_archives_lists_at_a_constant_number_of_queries(django_assert_max_num_queries):
    p, _plan, entries = world()
    archivist = archivist_of(p)
    owner = p.users["specialist.huyen.noivu"]
    web = _web(archivist)

    def grow(n):
        for i in range(n):
            row = services.case_file_open(actor=owner, title=f"Hồ sơ {i}", number=f"{i + 1:02d}.X{n}",
                                          retention_code="10-nam", start_date=dt.date(2018, 1, 2))
            services.documents_file(actor=owner, case_file_id=row.pk, document_ids=[outgoing(p, f"Văn bản {i}").pk])
            services.case_file_close(actor=owner, case_file_id=row.pk, retention_confirmed=True, reason="Xong")
            handover.handover_submit(actor=owner, case_file_ids=[row.pk])
            if i % 2:
                handover.handover_decide(actor=archivist, case_file_id=row.pk, accept=True)
                handover.usage_request(actor=p.users["specialist.huyen.taichinh"], case_file_id=row.pk,
                                       purpose="Tra cứu")

    counts = {}
    web.get(reverse("records:archive"))  # the session's first request writes its bookkeeping
    for n in (2, 8):
        grow(n)
        for tab in ("pending", "custody", "usage"):
            with django_assert_max_num_queries(40) as captured:
                assert web.get(reverse("records:archive") + f"?tab={tab}").status_code == 200
            counts.setdefault(tab, []).append(len(captured))
        with django_assert_max_num_queries(40) as captured:
            assert web.get(reverse("records:handovers")).status_code == 200
        counts.setdefault("handovers", []).append(len(captured))
    assert all(a == b for a, b in counts.values()), counts


def test_the_handover_list_never_turns_a_title_into_a_formula():
    p, _plan, _entries = world()
    owner = p.users["specialist.huyen.noivu"]
    title = '=HYPERLINK("http://x.invalid","bấm vào")'
    row = services.case_file_open(actor=owner, title=title, number="77.NV", retention_code="10-nam",
                                  start_date=dt.date(2018, 1, 2))
    services.documents_file(actor=owner, case_file_id=row.pk, document_ids=[outgoing(p, "Văn bản").pk])
    services.case_file_close(actor=owner, case_file_id=row.pk, retention_confirmed=True, reason="Xong")
    h = handover.handover_submit(actor=owner, case_file_ids=[row.pk])
    values = [v for r in cells(handover.handover_list_workbook(handover=h)) for v in r if isinstance(v, str)]
    assert not any(v.lstrip().startswith(("=", "+", "-", "@")) for v in values)
    assert any("HYPERLINK" in v for v in values)  # still there, as text
