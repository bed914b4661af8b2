"""The life of a task from the seed notice: recorded by the Office, handed on, reported, confirmed; extensions;
every refused input leaves nothing behind; who sees what."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lienthong.audit.models import AuditEntry
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.documents.models import StoredFile
from lienthong.followup import selectors, services
from lienthong.followup.models import Task, TaskDeadlineChange, TaskReport, TaskState
from lienthong.followup.tests.conftest import record
from lienthong.notifications.models import Notification
from lienthong.testing.builders import pdf_upload


def test_recorded_handed_on_reported_and_confirmed(seed):
    p, u = seed, seed.users
    task = record(p, lead="huyen", coordinator_ids=[p.agencies["stttt"].pk],
                  passage="Giao Văn phòng UBND tỉnh rà soát…")
    assert task.giver_agency_id == p.agencies["vp"].pk and task.given_on == dt.date(2018, 3, 5)
    # The lead agency's văn thư hears of it and finds it in its queue.
    assert Notification.objects.filter(user=u["clerk.huyen"], url__endswith=f"/nhiem-vu/{task.pk}/").exists()
    assert list(selectors.queue(user=u["clerk.huyen"])) == [task]
    # Handed on to the Phòng Nội vụ: its specialist now sees the task, the other department's does not.
    services.task_hand_on(actor=u["leader.huyen"], task_id=task.pk, unit_id=p.units["noivu"].pk)
    assert selectors.task_list(user=u["specialist.huyen.noivu"]).filter(pk=task.pk).exists()
    with pytest.raises(NotFound):
        selectors.task_get(user=u["specialist.huyen.taichinh"], task_id=task.pk)
    services.task_report_progress(actor=u["specialist.huyen.noivu"], task_id=task.pk, text="Đã rà soát 5/11 xã")
    services.task_report_result(actor=u["specialist.huyen.noivu"], task_id=task.pk, text="Hoàn thành rà soát",
                                upload=pdf_upload("ket-qua.pdf"), today=dt.date(2018, 4, 20))
    task.refresh_from_db()
    assert task.state == TaskState.REPORTED and task.reported_on == dt.date(2018, 4, 20)
    assert list(selectors.awaiting_confirmation(user=u["specialist.vp"])) == [task]
    services.task_confirm(actor=u["specialist.vp"], task_id=task.pk)
    task.refresh_from_db()
    assert (task.state, task.completed_on) == (TaskState.DONE, dt.date(2018, 4, 20))
    assert TaskReport.objects.get(task=task, kind="result").filename == "ket-qua.pdf"
    actions = list(AuditEntry.objects.filter(object_type="task", object_id=str(task.pk)).values_list(
        "action", flat=True))
    assert actions == ["created", "assigned", "progress", "progress", "completed"]
    # The coordinating agency reads it but reports nothing.
    assert selectors.task_get(user=u["specialist.stttt"], task_id=task.pk)


def test_send_back_then_extension_granted_keeps_the_deadline_change(seed):
    p, u = seed, seed.users
    task = record(p, lead="stttt", deadline=dt.date(2018, 3, 30))
    services.task_report_result(actor=u["clerk.stttt"], task_id=task.pk, text="Báo cáo chung")
    services.task_send_back(actor=u["clerk.vp"], task_id=task.pk, reason="Chưa có kết quả từng đơn vị")
    task.refresh_from_db()
    assert task.state == TaskState.OPEN
    services.task_extension_request(actor=u["leader.stttt"], task_id=task.pk, new_deadline=dt.date(2018, 4, 15),
                                    reason="Chờ số liệu của Cục Thống kê")
    services.task_extension_decide(actor=u["leader.vp"], task_id=task.pk, grant=True)
    task.refresh_from_db()
    assert task.deadline == dt.date(2018, 4, 15)
    change = TaskDeadlineChange.objects.get(task=task)
    assert (change.old_deadline, change.new_deadline, change.by, change.reason) == (
        dt.date(2018, 3, 30), dt.date(2018, 4, 15), u["leader.vp"], "Chờ số liệu của Cục Thống kê")
    # A second request is refused the old way: the deadline must move later, with a reason.
    services.task_extension_request(actor=u["leader.stttt"], task_id=task.pk, new_deadline=dt.date(2018, 4, 30),
                                    reason="Thêm thời gian")
    services.task_extension_decide(actor=u["leader.vp"], task_id=task.pk, grant=False, note="Không có lý do chính đáng")
    task.refresh_from_db()
    assert task.deadline == dt.date(2018, 4, 15) and TaskDeadlineChange.objects.filter(task=task).count() == 1


def test_external_lead_agency_is_tracked_by_hand_by_the_office(seed):
    p, u = seed, seed.users
    task = record(p, lead="nhathau", deadline=None, content="Khắc phục lỗi phần mềm, liên thông ba cấp")
    services.task_report_progress(actor=u["specialist.vp"], task_id=task.pk, text="Nhà thầu đã sửa 12 lỗi")
    report = TaskReport.objects.get(task=task)
    assert report.on_behalf


@pytest.mark.parametrize("case", ["no_lead", "before_source", "empty"])
def test_refused_records_store_nothing(seed, case):
    p = seed
    kwargs = {"no_lead": dict(lead=None), "before_source": dict(deadline=dt.date(2018, 3, 1)),
              "empty": dict(content="  ")}[case]
    with pytest.raises(ValidationFailed) as exc:
        record(p, **kwargs)
    expected = {"no_lead": str(services.NO_LEAD),
                "before_source": "không được trước ngày của văn bản giao (05/03/2018)",
                "empty": str(services.NO_CONTENT)}[case]
    assert expected in exc.value.message
    assert not Task.objects.exists() and not AuditEntry.objects.filter(object_type="task").exists()


def test_wrong_actors_and_late_extension_are_refused(seed):
    p, u = seed, seed.users
    task = record(p, lead="stttt")
    with pytest.raises(PermissionDenied, match="Chỉ cơ quan chủ trì"):  # the coordinator/giver is not the lead
        services.task_report_result(actor=u["specialist.vp"], task_id=task.pk, text="Xong")
    with pytest.raises(NotFound):  # an agency that neither gave nor leads it does not even see it
        services.task_report_result(actor=u["clerk.huyen"], task_id=task.pk, text="Xong")
    files_before = StoredFile.objects.count()
    bad = SimpleUploadedFile("ket-qua.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationFailed):
        services.task_report_result(actor=u["clerk.stttt"], task_id=task.pk, text="Xong", upload=bad)
    assert StoredFile.objects.count() == files_before and not TaskReport.objects.exists()
    services.task_report_result(actor=u["clerk.stttt"], task_id=task.pk, text="Xong")
    with pytest.raises(PermissionDenied, match="Chỉ cơ quan giao"):
        services.task_confirm(actor=u["leader.stttt"], task_id=task.pk)
    services.task_confirm(actor=u["clerk.vp"], task_id=task.pk)
    with pytest.raises(ValidationFailed, match="đã hoàn thành"):
        services.task_extension_request(actor=u["leader.stttt"], task_id=task.pk, new_deadline=dt.date(2018, 6, 1),
                                        reason="Xin thêm")


def test_visibility_is_sql_and_a_hidden_task_is_logged(seed, client):
    p, u = seed, seed.users
    task = record(p, lead="huyen")
    # Lead agency: văn thư and agency-wide leaders all; a department head only what was handed to the department.
    assert selectors.tasks_visible_to(user=u["leader.huyen"]).filter(pk=task.pk).exists()
    assert not selectors.tasks_visible_to(user=u["leader.huyen.noivu"]).filter(pk=task.pk).exists()
    assert not selectors.tasks_visible_to(user=u["clerk.xa"]).exists()
    # Overseers (the office part of the ranking) see every task.
    from lienthong.assessment.models import AssessmentAuthority, AuthorityKind

    AssessmentAuthority.objects.create(agency=p.agencies["stttt"], kind=AuthorityKind.COUNCIL)
    assert selectors.tasks_visible_to(user=u["specialist.stttt"]).filter(pk=task.pk).exists()
    client.force_login(u["clerk.xa"])
    assert client.get(f"/nhiem-vu/{task.pk}/").status_code == 404
    assert client.get("/nhiem-vu/999999/").status_code == 404
    assert AuditEntry.objects.filter(object_type="task", action="denied", actor=u["clerk.xa"]).count() == 2


def test_suggestions_come_from_the_documents_text(seed):
    found = services.task_suggestions(actor=seed.users["specialist.vp"], document_id=seed.notice.pk)
    leads = {s.opener: s.lead_agency_id for s in found}
    assert leads["giao"] == seed.agencies["vp"].pk and leads["yêu cầu"] == seed.agencies["nhathau"].pk


def test_chasing_drafts_a_letter_to_the_lead_agencies(seed):
    from lienthong.drafting.models import Draft

    p, u = seed, seed.users
    tasks = [record(p, lead="stttt"), record(p, lead="huyen")]
    with pytest.raises(PermissionDenied):
        services.task_chase_draft(actor=u["leader.stttt"], task_ids=[t.pk for t in tasks])
    assert not Draft.objects.exists()
    draft = services.task_chase_draft(actor=u["specialist.vp"], task_ids=[t.pk for t in tasks])
    assert draft.agency_id == p.agencies["vp"].pk and draft.state == "drafting"
    assert sorted(draft.recipients.values_list("agency_id", flat=True)) == sorted(
        [p.agencies["stttt"].pk, p.agencies["huyen"].pk])
    assert draft.subject == "V/v đôn đốc thực hiện nhiệm vụ được giao"
