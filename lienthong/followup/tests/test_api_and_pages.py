"""The API's task operations and the pages: a seed-notice task followed through /api/tasks, Vietnamese errors, lists
and the dashboard at a constant number of queries, the XLSX and the suggestions on the record page."""

import datetime as dt
import io

import pytest
from django.test import Client

from lienthong.accounts.services import api_token_issue
from lienthong.followup.models import Task
from lienthong.followup.tests.conftest import record


def api(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})


def test_a_task_through_the_api(seed):
    p, u = seed, seed.users
    office, sttt = api(u["specialist.vp"]), api(u["leader.stttt"])
    r = office.post("/api/tasks", {"source_document_id": p.notice.pk, "content": "Báo cáo kết quả từng đơn vị",
                                   "lead_agency_id": p.agencies["stttt"].pk, "deadline": "2018-03-30"},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    task_id = r.json()["id"]
    assert sttt.get(f"/api/tasks?agency={p.agencies['stttt'].pk}&state=open").json()["count"] == 1
    assert sttt.get(f"/api/tasks?source_document={p.notice.pk}&overdue=true").json()["count"] == 1  # past 2018
    assert sttt.post(f"/api/tasks/{task_id}/progress", {"text": "Đang tổng hợp"},
                     content_type="application/json").status_code == 201
    r = sttt.post(f"/api/tasks/{task_id}/extension", {"new_deadline": "2018-04-15", "reason": "Chờ Cục Thống kê"},
                  content_type="application/json")
    assert r.status_code == 201 and r.json()["state"] == "pending"
    r = office.post(f"/api/tasks/{task_id}/extension/decision", {"grant": True}, content_type="application/json")
    assert r.json()["state"] == "granted"
    assert sttt.post(f"/api/tasks/{task_id}/result", {"text": "Đã báo cáo"},
                     content_type="application/json").json()["state"] == "reported"
    assert office.post(f"/api/tasks/{task_id}/send-back", {"reason": "Thiếu kiến nghị nhân lực"},
                       content_type="application/json").json()["state"] == "open"
    sttt.post(f"/api/tasks/{task_id}/result", {"text": "Bổ sung kiến nghị"}, content_type="application/json")
    r = office.post(f"/api/tasks/{task_id}/confirm")
    assert r.json()["state"] == "done" and r.json()["deadline"] == "2018-04-15"
    # Confirmed today, long after its deadline: completed late; as of the end of 2018 it was still overdue.
    stats = office.get("/api/tasks/statistics?start=2018-01-01&end=2100-12-31").json()
    assert (stats["total"]["on_time"], stats["total"]["late"]) == (0, 1)
    stats = office.get("/api/tasks/statistics?start=2018-01-01&end=2018-12-31").json()
    assert (stats["total"]["late"], stats["total"]["overdue"]) == (0, 1)


def test_api_errors_are_vietnamese_and_hidden_tasks_are_404(seed):
    p, u = seed, seed.users
    r = api(u["specialist.vp"]).post("/api/tasks", {"source_document_id": p.notice.pk, "content": "Không có chủ trì"},
                                     content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"]["lead_agency"] == ["Chọn cơ quan chủ trì thực hiện nhiệm vụ."]
    task = record(p)
    assert api(u["clerk.xa"]).get(f"/api/tasks/{task.pk}").status_code == 404
    r = api(u["leader.stttt"]).post(f"/api/tasks/{task.pk}/confirm")
    assert r.status_code == 403 and "Chỉ cơ quan giao nhiệm vụ" in r.json()["message"]
    assert Task.objects.get().state == "open"


def test_pages_at_a_constant_number_of_queries(seed, client, django_assert_max_num_queries):
    p, u = seed, seed.users
    for i in range(3):
        record(p, content=f"Nhiệm vụ {i}", deadline=dt.date(2018, 3, 20))
    client.force_login(u["clerk.stttt"])
    client.get("/nhiem-vu/")  # warm the session and the menu's first reads

    def pages():
        for url in ("/nhiem-vu/", "/nhiem-vu/theo-doi/?overdue=on", "/nhiem-vu/thong-ke/?start=01/01/2018",
                    "/nhiem-vu/thong-ke/danh-sach/?start=01/01/2018&loai=overdue"):
            assert client.get(url).status_code == 200, url

    with django_assert_max_num_queries(60) as few:
        pages()
    for i in range(20):
        record(p, content=f"Thêm {i}", lead="huyen" if i % 2 else "stttt", deadline=dt.date(2018, 3, 20))
    with django_assert_max_num_queries(len(few.captured_queries)):
        pages()


def test_dashboard_xlsx_and_record_page_with_suggestions(seed, client):
    from openpyxl import load_workbook

    p, u = seed, seed.users
    record(p, deadline=dt.date(2018, 3, 20))
    client.force_login(u["specialist.vp"])
    book = load_workbook(io.BytesIO(client.get("/nhiem-vu/thong-ke.xlsx?start=01/01/2018&end=31/12/2018").content))
    cells = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert cells[2][:5] == ["Sở Thông tin và Truyền thông tỉnh Hậu Giang", 0, 0, 0, 1]
    page = client.get(f"/nhiem-vu/van-ban/{p.notice.pk}/ghi-nhan/?goi-y=0").content.decode()
    assert "Giao Văn phòng UBND tỉnh rà soát" in page and "Dùng gợi ý" in page
    detail = client.get(f"/van-ban/{p.notice.pk}/").content.decode()
    assert "Báo cáo kết quả xếp hạng từng đơn vị" in detail and "Ghi nhận nhiệm vụ" in detail


@pytest.mark.parametrize("route", ["/nhiem-vu/thong-ke.pdf?start=01/01/2018"])
def test_statistics_pdf(seed, client, route):
    record(seed, deadline=dt.date(2018, 3, 20))
    client.force_login(seed.users["clerk.vp"])
    r = client.get(route)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


def test_the_menu_counts_open_tasks_and_results_to_confirm(seed):
    from lienthong.followup import services
    from lienthong.web.navigation import work_counts

    p, u = seed, seed.users
    first, second = record(p), record(p)
    services.task_report_result(actor=u["clerk.stttt"], task_id=first.pk, text="Xong")
    wanted = {"tasks_open", "tasks_to_confirm"}
    # The reported one waits for the Office now, not for Sở TT&TT: only the other is counted.
    assert work_counts(user=u["leader.stttt"], wanted=wanted) == {"tasks_open": 1, "tasks_to_confirm": 0}
    assert work_counts(user=u["specialist.vp"], wanted=wanted) == {"tasks_open": 0, "tasks_to_confirm": 1}
    assert second


def test_recording_on_the_page_with_a_lead_unit(seed, client):
    p = seed
    client.force_login(p.users["clerk.vp"])
    url = f"/nhiem-vu/van-ban/{p.notice.pk}/ghi-nhan/"
    data = {"content": "Rà soát phần mềm ở huyện", "lead_agency": p.agencies["huyen"].pk,
            "lead_unit": p.units["noivu"].pk, "deadline": "30/04/2018"}
    assert client.post(url, data).status_code == 302
    task = Task.objects.get()
    assert task.lead_unit_id == p.units["noivu"].pk and task.deadline == dt.date(2018, 4, 30)
    # A unit of another agency, and a deadline before the notice: Vietnamese errors, nothing more stored.
    bad = client.post(url, data | {"lead_agency": p.agencies["stttt"].pk, "deadline": "01/03/2018"})
    assert bad.status_code == 422
    text = bad.content.decode()
    assert "Đơn vị chủ trì phải thuộc cơ quan chủ trì." in text and "không được trước ngày của văn bản giao" in text
    assert Task.objects.count() == 1
