"""The permission matrix's part for records (issue 16): file plans and case files.

- the district's 2018 plan, approved and waiting to be published; the commune's 2018 plan, a draft;
- a case file opened by the Nội vụ specialist outside the plan, holding the district's incoming report
  (assigned to Nội vụ) and its ordinary outgoing document.

Who sees a plan: the agency's people. Who sees a case file: its owner, the people of its unit, the agency's
leaders and văn thư; the documents in it only as far as each of them sees the documents themselves.
Only the agency's văn thư edits its plan; only its leaders approve it; văn thư or leaders publish it.
Only the owner files, takes out and closes.
"""

from __future__ import annotations

import datetime as dt


def build(p, ids: dict) -> None:
    from lienthong.records import services

    u, a = p.users, p.agencies
    huyen = services.plan_create(actor=u["clerk.huyen"], agency_id=a["huyen"].pk, year=2018)
    heading = services.heading_add(actor=u["clerk.huyen"], plan_id=huyen.pk, title="Tổ chức", abbreviation="TC")
    services.entry_add(actor=u["clerk.huyen"], plan_id=huyen.pk, heading_id=heading.pk, title="Hồ sơ tổ chức",
                       retention_code="vinh-vien")
    services.plan_approve(actor=u["leader.huyen"], plan_id=huyen.pk, decision_reference="Quyết định số 1/QĐ-UBND")
    xa = services.plan_create(actor=u["clerk.xa"], agency_id=a["xa"].pk, year=2018)
    heading_xa = services.heading_add(actor=u["clerk.xa"], plan_id=xa.pk, title="Văn hóa", abbreviation="VH")
    entry_xa = services.entry_add(actor=u["clerk.xa"], plan_id=xa.pk, heading_id=heading_xa.pk,
                                  title="Hồ sơ lễ hội", retention_code="10-nam")
    owner = u["specialist.huyen.noivu"]
    case_file = services.case_file_open(actor=owner, title="Hồ sơ báo cáo liên thông", number="05.NV",
                                        retention_code="10-nam", start_date=dt.date(2018, 1, 2))
    services.documents_file(actor=owner, case_file_id=case_file.pk, document_ids=[ids["incoming_huyen"]])
    ids.update(plan_huyen=huyen.pk, plan_xa=xa.pk, heading_xa=heading_xa.pk, entry_xa=entry_xa.pk,
               file_noivu=case_file.pk)
    build_disposal(p, ids)


def build_disposal(p, ids: dict) -> None:
    """A 5-year file of the district's Nội vụ closed in 2018 (its retention ended on 1/1/2024), proposed
    for disposal, and the district's registered decision to destroy it (issue 16 §4)."""
    from lienthong.documents.services import document_register_outgoing
    from lienthong.records import disposal, services
    from lienthong.testing.builders import doc_input, pdf_upload

    u, a = p.users, p.agencies
    owner = u["specialist.huyen.noivu"]
    old = services.case_file_open(actor=owner, title="Hồ sơ hội nghị năm 2018", number="09.NV",
                                  retention_code="5-nam", start_date=dt.date(2018, 3, 1))
    services.case_file_close(actor=owner, case_file_id=old.pk, retention_confirmed=True, reason="Hồ sơ giấy",
                             end_date=dt.date(2018, 6, 30))
    disposal.proposals_refresh()
    decision = document_register_outgoing(actor=u["clerk.huyen"], agency=a["huyen"], data=doc_input(
        "quyet-dinh", "Quyết định hủy tài liệu hết giá trị", issued_on=dt.date.today(),
        files=[pdf_upload("qd-huy.pdf", "QD huy")]))
    ids.update(file_expired=old.pk, decision_huyen=decision.pk)


def snapshot_queries(rows, count) -> list[tuple[str, str]]:
    from lienthong.records.models import (
        CaseFile,
        CaseFileDocument,
        DisposalProposal,
        DisposalRecord,
        FilePlan,
        PlanEntry,
        PlanHeading,
        RecordsSettings,
    )

    return [
        ("file plans", rows(FilePlan, "id", "state")), ("plan headings", count(PlanHeading)),
        ("plan entries", count(PlanEntry)), ("case files", rows(CaseFile, "id", "state", "retention")),
        ("filed documents", count(CaseFileDocument)), ("records settings", rows(RecordsSettings, "id", "numbering")),
        ("disposal proposals", count(DisposalProposal)), ("disposal records", count(DisposalRecord)),
    ]


def _sets(people, HUYEN, XA):
    owner = people("specialist.huyen.noivu")
    sees_file = people("specialist.huyen.noivu", "leader.huyen.noivu", "leader.huyen", "clerk.huyen")
    return owner, sees_file


def _keepers(people):
    """Who keeps an agency's records (leaders of the whole agency, văn thư): disposal and statistics."""
    keepers = people("clerk.xa", "clerk.huyen", "clerk.vp", "leader.xa", "leader.huyen", "leader.ubnd")
    return keepers, people("clerk.huyen", "leader.huyen")


def web_cases(w, add, *, people, LOGGED_IN, HUYEN, XA) -> None:
    d = w.ids
    owner, sees_file = _sets(people, HUYEN, XA)
    f = {"case_file_id": d["file_noivu"]}
    add("records:files", ok=LOGGED_IN)
    add("records:files", "all", query="?tab=all", ok=LOGGED_IN)
    add("records:file_open", ok=LOGGED_IN)
    add("records:file_open", "empty form", "POST", data={}, ok=LOGGED_IN, ok_status=422, changes="no")
    add("records:file", "file_noivu", kwargs=f, ok=sees_file)
    add("records:file_index", "file_noivu", kwargs=f, ok=sees_file)
    add("records:file_documents", "file_noivu", "POST", kwargs=f, data={"document_ids": [d["out_huyen"]]},
        ok=owner, ok_status=302, refused=sees_file)
    add("records:document_file", "out_huyen into file_noivu", "POST", kwargs={"document_id": d["out_huyen"]},
        data={"case_file_id": d["file_noivu"]}, ok=owner, ok_status=302, refused=sees_file)
    add("records:file_unfile", "file_noivu", "POST", kwargs=f | {"document_id": d["incoming_huyen"]},
        ok=owner, ok_status=302, refused=sees_file)
    add("records:file_close", "file_noivu", "POST", kwargs=f,
        data={"retention_code": "10-nam", "retention_confirmed": "on", "reason": "Việc đã xong"},
        ok=owner, ok_status=302, refused=sees_file)
    keepers, huyen_keepers = _keepers(people)
    expired = {"case_file_id": d["file_expired"]}
    # A closed file is also the archive's (specialist.huyen's second position, matrix_handover): it exports it.
    add("records:file_package", "file_expired (closed)", kwargs=expired, ok=sees_file | people("specialist.huyen"))
    add("records:file_package", "file_noivu (open: back to the file)", kwargs=f, ok=sees_file, ok_status=302)
    add("records:file_pdf", "file_expired (closed)", kwargs=expired, ok=sees_file | people("specialist.huyen"))
    add("records:file_pdf", "file_noivu (open: back to the file)", kwargs=f, ok=sees_file, ok_status=302)
    add("records:statistics", ok=keepers, refused=LOGGED_IN - keepers)
    add("records:statistics_export", ok=keepers, refused=LOGGED_IN - keepers)
    add("records:disposal", ok=keepers, refused=LOGGED_IN - keepers)
    add("records:disposal", "dispose file_expired", "POST",
        data={"case_file_ids": [d["file_expired"]], "decision_document_id": d["decision_huyen"]},
        ok=huyen_keepers, ok_status=302, refused=LOGGED_IN - keepers,
        special=tuple((k, 422) for k in sorted(keepers - huyen_keepers)))
    add("records:plans", ok=LOGGED_IN)
    add("records:plans", "empty form", "POST", data={}, ok=LOGGED_IN, ok_status=422, changes="no")
    add("records:numbering", "the commune", "POST", kwargs={"agency_id": w.agencies["xa"]},
        data={"numbering": "heading"}, ok=people("clerk.xa"), ok_status=302, refused=LOGGED_IN)
    add("records:plan", "plan_huyen", kwargs={"plan_id": d["plan_huyen"]}, ok=HUYEN)
    add("records:plan", "plan_xa", kwargs={"plan_id": d["plan_xa"]}, ok=XA)
    add("records:plan_export", "plan_huyen", kwargs={"plan_id": d["plan_huyen"]}, ok=HUYEN)
    xa = {"plan_id": d["plan_xa"]}
    add("records:plan_heading_add", "plan_xa", "POST", kwargs=xa, data={"title": "Đề mục mới", "abbreviation": "MM"},
        ok=people("clerk.xa"), ok_status=302, refused=XA)
    add("records:plan_entry_add", "plan_xa", "POST", kwargs=xa,
        data={"heading_id": d["heading_xa"], "title": "Hồ sơ mới", "retention_code": "5-nam"},
        ok=people("clerk.xa"), ok_status=302, refused=XA)
    add("records:plan_entry_delete", "entry_xa", "POST", kwargs={"entry_id": d["entry_xa"]},
        ok=people("clerk.xa"), ok_status=302, refused=XA)
    add("records:plan_approve", "plan_xa", "POST", kwargs=xa, data={"decision_reference": "Quyết định số 2"},
        ok=people("leader.xa"), ok_status=302, refused=XA)
    add("records:plan_import", "plan_xa", kwargs=xa, ok=people("clerk.xa"), refused=XA)
    add("records:plan_import", "plan_xa, no file", "POST", kwargs=xa, data={}, ok=people("clerk.xa"),
        ok_status=422, changes="no", refused=XA)
    add("records:plan_publish", "plan_huyen", "POST", kwargs={"plan_id": d["plan_huyen"]},
        ok=people("clerk.huyen", "leader.huyen"), ok_status=302, refused=HUYEN)


def api_cases(w, add, *, people, LOGGED_IN, HUYEN, XA) -> None:
    d = w.ids
    owner, sees_file = _sets(people, HUYEN, XA)
    base = f"/api/dossiers/{d['file_noivu']}"
    add("GET /api/dossiers", "list", url="/api/dossiers?mine=false", ok=LOGGED_IN)
    add("GET /api/dossiers/{case_file_id}", "file_noivu", url=base, ok=sees_file)
    add("POST /api/dossiers", "outside the plan", data={"title": "Hồ sơ mới", "number": "77.NV",
                                                        "retention_code": "5-nam", "start_date": "2018-03-01"},
        ok=LOGGED_IN - people("sysadmin"), ok_status=201, refused=people("sysadmin"))
    add("POST /api/dossiers/{case_file_id}/documents", "file_noivu", url=f"{base}/documents",
        data={"document_ids": [d["out_huyen"]]}, ok=owner, refused=sees_file)
    add("POST /api/dossiers/{case_file_id}/close", "file_noivu", url=f"{base}/close",
        data={"retention_confirmed": True, "reason": "Việc đã xong"}, ok=owner, refused=sees_file)
    keepers, huyen_keepers = _keepers(people)
    add("GET /api/dossiers/{case_file_id}/package", "file_expired (closed)",
        url=f"/api/dossiers/{d['file_expired']}/package", ok=sees_file | people("specialist.huyen"))
    add("GET /api/dossiers/{case_file_id}/package", "file_noivu (open)", url=f"{base}/package",
        refused=sees_file, refused_status=400)
    add("GET /api/dossiers/statistics", "keepers", url="/api/dossiers/statistics?year=2018", ok=keepers,
        refused=LOGGED_IN - keepers)
    add("GET /api/dossiers/disposal-proposals", "list", url="/api/dossiers/disposal-proposals", ok=LOGGED_IN)
    add("POST /api/dossiers/dispose", "file_expired",
        data={"case_file_ids": [d["file_expired"]], "decision_document_id": d["decision_huyen"]},
        ok=huyen_keepers, refused=LOGGED_IN - keepers,
        special=tuple((k, 422) for k in sorted(keepers - huyen_keepers)))
    add("GET /api/file-plans", "list", url="/api/file-plans", ok=LOGGED_IN)
    add("GET /api/file-plans/{plan_id}", "plan_huyen", url=f"/api/file-plans/{d['plan_huyen']}", ok=HUYEN)
    add("GET /api/file-plans/{plan_id}", "plan_xa", url=f"/api/file-plans/{d['plan_xa']}", ok=XA)
