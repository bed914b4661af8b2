"""The permission matrix's part for the task follow-up (issue 20 part A).

The district gives two tasks to the commune in its ordinary outgoing document (out_huyen): one open
(``task_xa``), one whose result the commune reported with a file (``task_reported``), and a third with an extension
request waiting (``task_ext``). Who sees a task: the giver's people (the whole district), the lead agency's văn thư
and leaders (clerk.xa, leader.xa: the commune's specialist only once handed the task), the overseers (the Văn
phòng plays the office part; the system administrator). The lead agency reports and asks; the giver confirms,
sends back, decides and chases.
"""

from __future__ import annotations

import datetime as dt

GIVER = frozenset({"clerk.huyen", "leader.huyen", "specialist.huyen", "leader.huyen.noivu", "specialist.huyen.noivu",
                   "specialist.huyen.taichinh"})
LEAD = frozenset({"clerk.xa", "leader.xa"})
SEES_TASK = GIVER | LEAD | frozenset({"clerk.vp", "sysadmin"})


def build(p, ids: dict) -> None:
    from lienthong.followup import services
    from lienthong.testing.builders import pdf_upload

    u, a = p.users, p.agencies
    later = dt.date.today() + dt.timedelta(days=60)

    def task(content):
        return services.task_record(actor=u["specialist.huyen"], document_id=ids["out_huyen"], data=services.TaskInput(
            content=content, lead_agency_id=a["xa"].pk, deadline=later, given_by="Chủ tịch UBND huyện"))

    ids["task_xa"] = task("QQTASKXA rà soát").pk
    reported = task("QQTASKREP báo cáo")
    services.task_report_result(actor=u["clerk.xa"], task_id=reported.pk, text="Đã xong", upload=pdf_upload("kq.pdf"))
    ids["task_reported"] = reported.pk
    ids["task_report"] = reported.reports.get().pk
    ext = task("QQTASKEXT gia hạn")
    services.task_extension_request(actor=u["leader.xa"], task_id=ext.pk, new_deadline=later + dt.timedelta(days=30),
                                    reason="Chờ số liệu")
    ids["task_ext"] = ext.pk


def snapshot_queries(rows, count) -> list[tuple[str, str]]:
    from lienthong.followup.models import Task, TaskDeadlineChange, TaskExtension, TaskHandOn, TaskReport

    return [("tasks", rows(Task, "id", "state", "deadline", "handed_user")), ("task reports", count(TaskReport)),
            ("task extensions", rows(TaskExtension, "id", "state")), ("task hand-ons", count(TaskHandOn)),
            ("task deadline changes", count(TaskDeadlineChange))]


def web_cases(w, add, *, people, LOGGED_IN, HUYEN, XA) -> None:
    d = w.ids
    for query in ("", "?tab=cho-xac-nhan"):
        add("followup:queue", query or "list", query=query, ok=LOGGED_IN)
    add("followup:index", ok=LOGGED_IN)
    add("followup:dashboard", ok=LOGGED_IN)
    add("followup:drill_down", "overdue", query="?loai=overdue", ok=LOGGED_IN)
    add("followup:dashboard_xlsx", ok=LOGGED_IN)
    add("followup:dashboard_pdf", ok=LOGGED_IN)
    doc = {"document_id": d["out_huyen"]}
    add("followup:record", "out_huyen", kwargs=doc, ok=GIVER)
    add("followup:record", "out_huyen, empty form", "POST", kwargs=doc, data={}, ok=GIVER, ok_status=422,
        changes="no")
    add("followup:record", "out_huyen → the commune", "POST", kwargs=doc,
        data={"content": "Nhiệm vụ mới", "lead_agency": w.agencies["xa"], "routine": "on"}, ok=GIVER, ok_status=302)
    t = {"task_id": d["task_xa"]}
    add("followup:detail", "task_xa", kwargs=t, ok=SEES_TASK)
    add("followup:action", "task_xa progress", "POST", kwargs=t | {"action": "tien-do"},
        data={"p-text": "Đang thực hiện"}, ok=LEAD, ok_status=302, refused=SEES_TASK - LEAD)
    add("followup:action", "task_xa hand on", "POST", kwargs=t | {"action": "giao-tiep"},
        data={"user": w.users["specialist.xa"].pk}, ok=LEAD, ok_status=302, refused=SEES_TASK - LEAD)
    add("followup:action", "task_xa deadline", "POST", kwargs=t | {"action": "doi-han"},
        data={"h-reason": "Điều chỉnh", "h-new_deadline": ""}, ok=GIVER, ok_status=302, refused=SEES_TASK - GIVER)
    r = {"task_id": d["task_reported"]}
    add("followup:action", "task_reported confirm", "POST", kwargs=r | {"action": "xac-nhan"}, ok=GIVER,
        ok_status=302, refused=SEES_TASK - GIVER)
    add("followup:action", "task_reported send back", "POST", kwargs=r | {"action": "tra-lai"},
        data={"b-reason": "Thiếu số liệu"}, ok=GIVER, ok_status=302, refused=SEES_TASK - GIVER)
    add("followup:report_file", "task_reported", kwargs=r | {"report_id": d["task_report"]}, ok=SEES_TASK)
    add("followup:chase", "task_xa", "POST", data={"task": [d["task_xa"]]}, ok=GIVER, ok_status=302,
        refused=LOGGED_IN - GIVER, refused_status=302)


def api_cases(w, add, *, people, LOGGED_IN, HUYEN, XA) -> None:
    d = w.ids
    add("GET /api/tasks", "list", url="/api/tasks?overdue=false", ok=LOGGED_IN)
    add("GET /api/tasks/statistics", "2018–2100", url="/api/tasks/statistics?start=2018-01-01&end=2100-12-31",
        ok=LOGGED_IN)
    add("POST /api/tasks", "out_huyen → the commune", data={"source_document_id": d["out_huyen"], "content": "Mới",
                                                            "lead_agency_id": w.agencies["xa"]},
        ok=GIVER, ok_status=201)
    base = f"/api/tasks/{d['task_xa']}"
    add("GET /api/tasks/{task_id}", "task_xa", url=base, ok=SEES_TASK)
    add("POST /api/tasks/{task_id}/progress", "task_xa", url=f"{base}/progress", data={"text": "Đang làm"},
        ok=LEAD, ok_status=201, refused=SEES_TASK - LEAD)
    add("POST /api/tasks/{task_id}/result", "task_xa", url=f"{base}/result", data={"text": "Xong"},
        ok=LEAD, refused=SEES_TASK - LEAD)
    add("POST /api/tasks/{task_id}/extension", "task_xa", url=f"{base}/extension",
        data={"new_deadline": "2100-01-01", "reason": "Chờ số liệu"}, ok=LEAD, ok_status=201,
        refused=SEES_TASK - LEAD)
    rep = f"/api/tasks/{d['task_reported']}"
    add("POST /api/tasks/{task_id}/confirm", "task_reported", url=f"{rep}/confirm", ok=GIVER,
        refused=SEES_TASK - GIVER)
    add("POST /api/tasks/{task_id}/send-back", "task_reported", url=f"{rep}/send-back", data={"reason": "Thiếu"},
        ok=GIVER, refused=SEES_TASK - GIVER)
    decision = f"/api/tasks/{d['task_ext']}/extension/decision"
    add("POST /api/tasks/{task_id}/extension/decision", "task_ext", url=decision, data={"grant": True}, ok=GIVER,
        refused=SEES_TASK - GIVER)
