"""The permission matrix's part for problem reports (issue 20 part B).

The district's specialist sent a report (with a screenshot). Its reporter reads it and adds to it; nobody else of
the matrix's people sees it (404). The operator's queue and triage (the contractor's staff, no position) answer 403
to every one of them: the operator's own path is in ``feedback/tests``. The Provincial Office's monthly report and
its công văn to the contractor are the overseers' (as the usage dashboard)."""

from __future__ import annotations


def build(p, ids: dict) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lienthong.feedback import services
    from lienthong.feedback.tests.test_services import png_bytes

    report, _note = services.report_create(
        user=p.users["specialist.huyen"], text="Nút in sổ không chạy", page_url="/so-van-ban/",
        screenshot=SimpleUploadedFile("s.png", png_bytes(), "image/png"))
    ids["report_huyen"] = report.pk


def snapshot_queries(rows, count) -> list[tuple[str, str]]:
    from lienthong.feedback.models import ProblemReport, ReportMessage

    return [("problem reports", rows(ProblemReport, "id", "state", "kind", "severity")),
            ("report messages", count(ReportMessage))]


def web_cases(w, add, *, people, LOGGED_IN, overseers) -> None:
    d = w.ids
    reporter = people("specialist.huyen")
    r = {"report_id": d["report_huyen"]}
    add("feedback:new", ok=LOGGED_IN)
    add("feedback:new", "a report", "POST", data={"text": "Trang chậm", "page_url": "/"}, ok=LOGGED_IN,
        ok_status=302)
    add("feedback:new", "empty text", "POST", data={"text": ""}, ok=LOGGED_IN, ok_status=400, changes="no")
    add("feedback:mine", ok=LOGGED_IN)
    add("feedback:mine_detail", "report_huyen", kwargs=r, ok=reporter)
    add("feedback:mine_detail", "report_huyen: add to it", "POST", kwargs=r, data={"answer": "Vẫn lỗi"}, ok=reporter,
        ok_status=302)
    add("feedback:screenshot", "report_huyen", kwargs=r, ok=reporter)
    add("feedback:queue", refused=LOGGED_IN)
    add("feedback:operator_detail", "report_huyen", kwargs=r, refused=LOGGED_IN)
    add("feedback:operator_detail", "report_huyen: answer", "POST", kwargs=r,
        data={"action": "answer", "answer": "Đã nhận"}, refused=LOGGED_IN)
    add("oversight:feedback_report", ok=overseers, refused=LOGGED_IN - overseers)
    add("oversight:feedback_letter", "no contractor chosen", "POST", data={}, ok=overseers, ok_status=302,
        changes="no", refused=LOGGED_IN - overseers)


def api_cases(w, add, *, people, LOGGED_IN) -> None:
    d = w.ids
    reporter = people("specialist.huyen")
    base = f"/api/problem-reports/{d['report_huyen']}"
    add("POST /api/problem-reports", "a report", data={"text": "Lỗi", "page_url": "/"}, json=False, ok=LOGGED_IN,
        ok_status=201)
    add("GET /api/problem-reports/mine", "list", ok=LOGGED_IN)
    add("GET /api/problem-reports", "operator queue", refused=LOGGED_IN)
    add("GET /api/problem-reports/{report_id}", "report_huyen", url=base, ok=reporter)
    add("POST /api/problem-reports/{report_id}/triage", "report_huyen", url=f"{base}/triage",
        data={"action": "answer", "text": "Đã nhận"}, refused=LOGGED_IN)
