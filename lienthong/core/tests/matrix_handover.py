"""The permission matrix's part for the handover to the agency archive (issue 16 §3).

- ``specialist.huyen`` also works in the district's archive (a second position, role ``archivist``);
- the Nội vụ specialist owns three files outside the plan: one closed (not handed over), one handed over and
  waiting for the archive's check, one accepted into the archive's custody; the Tài chính specialist has asked
  to use the accepted one (a line of the Sổ sử dụng bản lưu, not yet decided).

Who sees a closed or handed-over file: its owner, the people of its unit, the agency's leaders and văn thư,
and its archive; a file in custody: also everyone of the agency (the catalogue). Only the owner hands over
and sets the handover rule; only the archive accepts, returns, decides on use and writes the register; only
the agency's leaders let a unit keep a file past its deadline.
"""

from __future__ import annotations

import datetime as dt


def build(p, ids: dict) -> None:
    from django.utils import timezone

    from lienthong.accounts.models import Position, Role
    from lienthong.records import handover, services

    u, a = p.users, p.agencies
    Position.objects.create(user=u["specialist.huyen"], agency=a["huyen"], role=Role.ARCHIVIST,
                            title="Lưu trữ viên")
    owner = u["specialist.huyen.noivu"]

    def closed(number):
        row = services.case_file_open(actor=owner, title=f"Hồ sơ nộp lưu {number}", number=number,
                                      retention_code="10-nam", start_date=dt.date(2018, 1, 2))
        services.case_file_close(actor=owner, case_file_id=row.pk, retention_confirmed=True, reason="Việc đã xong")
        return row

    file_closed, file_handed, file_accepted = closed("21.NV"), closed("22.NV"), closed("23.NV")
    h1 = handover.handover_submit(actor=owner, case_file_ids=[file_handed.pk])
    handover.handover_submit(actor=owner, case_file_ids=[file_accepted.pk])
    handover.handover_decide(actor=u["specialist.huyen"], case_file_id=file_accepted.pk, accept=True)
    usage = handover.usage_request(actor=u["specialist.huyen.taichinh"], case_file_id=file_accepted.pk,
                                   purpose="Tra cứu")
    ids.update(file_closed=file_closed.pk, file_handed=file_handed.pk, file_accepted=file_accepted.pk,
               handover_1=h1.pk, usage_request=usage.pk,
               keep_until=str(timezone.localdate() + dt.timedelta(days=365 + 200)))


def snapshot_queries(rows, count) -> list[tuple[str, str]]:
    from lienthong.records.models import CaseFile, Handover, HandoverItem, KeepApproval, UsageRequest

    return [
        ("case file custody", rows(CaseFile, "id", "owner", "handover_rule", "kept_until")),
        ("handovers", rows(Handover, "id", "state")), ("handover items", rows(HandoverItem, "id", "decision")),
        ("keep approvals", count(KeepApproval)), ("usage register", rows(UsageRequest, "id", "state")),
    ]


def _sets(people, HUYEN):
    owner = people("specialist.huyen.noivu")
    archive = people("specialist.huyen")
    sees_closed = owner | archive | people("leader.huyen.noivu", "leader.huyen", "clerk.huyen")
    return owner, archive, sees_closed


def web_cases(w, add, *, people, LOGGED_IN, HUYEN, XA) -> None:
    d = w.ids
    owner, archive, sees_closed = _sets(people, HUYEN)
    h = {"handover_id": d["handover_1"]}
    sees_handover = owner | archive | people("leader.huyen", "leader.huyen.noivu")
    add("records:handovers", ok=LOGGED_IN)
    add("records:handovers", "nothing chosen", "POST", data={}, ok=LOGGED_IN, ok_status=422, changes="no")
    add("records:handover", "handover_1", kwargs=h, ok=sees_handover)
    add("records:handover_list", "handover_1", kwargs=h, ok=sees_handover)
    add("records:handover_record", "handover_1", kwargs=h, ok=sees_handover)
    add("records:handover_decide", "file_handed", "POST", kwargs={"case_file_id": d["file_handed"]},
        data={"decision": "accept"}, ok=archive, ok_status=302, refused=sees_closed - archive)
    add("records:archive", ok=LOGGED_IN)
    add("records:archive", "usage", query="?tab=usage", ok=LOGGED_IN)
    add("records:file_due", "file_closed", "POST", kwargs={"case_file_id": d["file_closed"]},
        data={"rule_code": "chung"}, ok=owner, ok_status=302, refused=sees_closed - owner)
    add("records:file_keep", "file_closed", "POST", kwargs={"case_file_id": d["file_closed"]},
        data={"until": d["keep_until"], "reason": "Còn theo dõi"}, ok=people("leader.huyen"), ok_status=302,
        refused=sees_closed - people("leader.huyen"))
    add("records:usage_request", "file_accepted", "POST", kwargs={"case_file_id": d["file_accepted"]},
        data={"purpose": "Tra cứu"}, ok=HUYEN, ok_status=302)
    r = {"request_id": d["usage_request"]}
    add("records:usage_decide", "usage_request", "POST", kwargs=r, data={"decision": "approve"}, ok=archive,
        ok_status=302, refused=people("specialist.huyen.taichinh"))
    add("records:usage_record", "usage_request (not approved yet)", "POST", kwargs=r, data={}, ok=archive,
        ok_status=302, changes="no", refused=people("specialist.huyen.taichinh"))
    add("records:pass_on", ok=LOGGED_IN)
    add("records:pass_on", "empty form", "POST", data={}, ok=LOGGED_IN, ok_status=422, changes="no")


def api_cases(w, add, *, people, LOGGED_IN, HUYEN, XA) -> None:
    d = w.ids
    owner, archive, sees_closed = _sets(people, HUYEN)
    add("POST /api/dossiers/handovers", "file_closed", url="/api/dossiers/handovers",
        data={"case_file_ids": [d["file_closed"]]}, ok=owner, ok_status=201, refused=sees_closed - owner,
        refused_status=422)
    handed = f"/api/dossiers/{d['file_handed']}"
    add("POST /api/dossiers/{case_file_id}/accept", "file_handed", url=f"{handed}/accept", data={}, ok=archive,
        refused=sees_closed - archive)
    add("POST /api/dossiers/{case_file_id}/return", "file_handed", url=f"{handed}/return",
        data={"reason": "Thiếu văn bản"}, ok=archive, refused=sees_closed - archive)
