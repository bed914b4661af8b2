"""Pages of the task follow-up: the queue (tasks my agency leads, results my agency must confirm, tasks it gave),
a task's page with the actions the reader may take, recording tasks from a document (with suggestions read from
its text), the statistics dashboard with drill-down, XLSX and PDF. Thin: reads through ``selectors``, writes
through ``services``; an invisible task answers 404 like a missing one, and is logged."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lienthong.audit.selectors import audit_entries_for
from lienthong.core import exports
from lienthong.core.errors import DomainError, NotFound
from lienthong.core.forms import add_domain_errors
from lienthong.core.http import file_response
from lienthong.documents import selectors as document_selectors
from lienthong.files.responses import original_response

from . import selectors, services
from .forms import (
    DeadlineForm,
    DecisionForm,
    ExtensionForm,
    HandOnForm,
    PeriodForm,
    QueueFilterForm,
    ReasonForm,
    ResultForm,
    TaskForm,
    TextForm,
)
from .models import TaskState

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CLASS_LABELS = {
    selectors.ON_TIME: _("Hoàn thành đúng hạn"), selectors.LATE: _("Hoàn thành quá hạn"),
    selectors.WITHIN: _("Chưa hoàn thành, còn hạn"), selectors.OVERDUE: _("Chưa hoàn thành, quá hạn"),
    selectors.ROUTINE: _("Thường xuyên"),
}


def _task_or_404(request, task_id: int):
    try:
        return selectors.task_get(user=request.user, task_id=task_id)
    except NotFound:
        services.task_record_denied(actor=request.user, task_id=task_id)
        raise Http404(_("Không tìm thấy nhiệm vụ hoặc bạn không có quyền xem.")) from None


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


TABS = {
    "duoc-giao": (_("Nhiệm vụ được giao"), selectors.queue),
    "cho-xac-nhan": (_("Kết quả chờ xác nhận"), selectors.awaiting_confirmation),
}


@login_required
@require_GET
def task_queue(request):
    tab = request.GET.get("tab", "duoc-giao")
    if tab not in TABS:
        tab = "duoc-giao"
    qs = TABS[tab][1](user=request.user)
    form = QueueFilterForm(request.GET or None, states=TaskState.choices)
    if form.is_bound and form.is_valid():
        if form.cleaned_data["overdue"]:
            qs = qs.filter(deadline__lt=timezone.localdate())
        if form.cleaned_data["state"]:
            qs = qs.filter(state=form.cleaned_data["state"])
    return render(request, "followup/queue.html", {
        "tabs": [(key, label) for key, (label, _fn) in TABS.items()], "tab": tab, "title": TABS[tab][0],
        "page": _page(request, qs), "form": form, "today": timezone.localdate(),
        "counts": selectors.menu_counts(user=request.user)})


@login_required
@require_GET
def task_index(request):
    """Every task the reader sees (the giver's Office: the tasks it gave and tracks), with the API's filters."""
    form = QueueFilterForm(request.GET or None, states=TaskState.choices)
    cd = form.cleaned_data if form.is_bound and form.is_valid() else {}
    qs = selectors.task_list(user=request.user, state=cd.get("state") or None, overdue=True if cd.get("overdue")
                             else None)
    return render(request, "followup/queue.html", {
        "tabs": [(key, label) for key, (label, _fn) in TABS.items()], "tab": "tat-ca",
        "title": _("Tất cả nhiệm vụ theo dõi"), "page": _page(request, qs), "form": form,
        "today": timezone.localdate(), "counts": selectors.menu_counts(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def task_record_view(request, document_id: int):
    try:
        doc = document_selectors.document_get(user=request.user, document_id=document_id)
    except NotFound:
        services.document_record_denied(actor=request.user, document_id=document_id)
        raise Http404(_("Không tìm thấy văn bản hoặc bạn không có quyền xem.")) from None
    if not selectors.may_record(user=request.user, agency_id=doc.agency_id):
        messages.error(request, str(services.NOT_RECORDER))
        return redirect("documents:detail", doc.pk)
    agencies = selectors.agency_choices()
    found = services.task_suggestions(actor=request.user, document_id=doc.pk)
    initial: dict = {}
    chosen = request.GET.get("goi-y")
    if chosen and chosen.isdigit() and int(chosen) < len(found):
        s = found[int(chosen)]
        initial.update(content=s.content, passage=s.passage, lead_agency=s.lead_agency_id,
                       coordinators=s.coordinator_ids, deadline=s.deadline, routine=s.routine)
    form = TaskForm(request.POST or None, initial=initial, agencies=agencies, units=selectors.lead_unit_choices())
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            task = services.task_record(actor=request.user, document_id=doc.pk, data=services.TaskInput(
                content=cd["content"], lead_agency_id=cd["lead_agency"], lead_unit_id=cd["lead_unit"],
                coordinator_ids=cd["coordinators"],
                deadline=cd["deadline"], given_by=cd["given_by"], passage=cd["passage"]))
        except DomainError as exc:
            add_domain_errors(form, exc, aliases={"lead_agency": "lead_agency", "coordinators": "coordinators"})
        else:
            messages.success(request, _("Đã ghi nhận nhiệm vụ giao %(a)s.") % {"a": task.lead_agency.name})
            return redirect(reverse("followup:record", args=[doc.pk]))
    names = dict(agencies)
    return render(request, "followup/record.html", {
        "doc": doc, "form": form, "suggestions": [(i, s, names.get(s.lead_agency_id)) for i, s in enumerate(found)],
        "tasks": selectors.tasks_of_document(user=request.user, document_id=doc.pk),
    }, status=422 if request.method == "POST" else 200)


def _action_forms(request, task, perms, bound=None):
    """The forms of the actions the reader may take now (``bound``: the one just posted, with its errors)."""
    forms: dict = {}
    open_ = task.state == TaskState.OPEN
    if perms.may_hand_on and task.state != TaskState.DONE and not task.lead_agency.is_external:
        forms["giao-tiep"] = HandOnForm(units=selectors.unit_choices(agency_id=task.lead_agency_id),
                                        people=selectors.person_choices(agency_id=task.lead_agency_id))
    if perms.acts_for_lead and open_:
        forms["tien-do"] = TextForm(prefix="p")
        forms["ket-qua"] = ResultForm(prefix="r", documents=selectors.issued_document_choices(
            user=request.user, agency_id=task.lead_agency_id))
        if task.deadline and selectors.pending_extension(task=task) is None:
            forms["xin-gia-han"] = ExtensionForm(prefix="e")
    if perms.is_giver:
        if task.state == TaskState.REPORTED:
            forms["xac-nhan"] = None
            forms["tra-lai"] = ReasonForm(prefix="b")
        if selectors.pending_extension(task=task) is not None:
            forms["quyet-dinh-gia-han"] = DecisionForm(prefix="d")
        if task.state != TaskState.DONE:
            forms["doi-han"] = DeadlineForm(prefix="h")
    if bound is not None:
        forms[bound[0]] = bound[1]
    return forms


@login_required
@require_GET
def task_detail(request, task_id: int):
    task = _task_or_404(request, task_id)
    return _render_detail(request, task)


def _render_detail(request, task, bound=None, status=200):
    perms = selectors.task_permissions(user=request.user, task=task)
    return render(request, "followup/detail.html", {
        "task": task, "perms": perms, "history": selectors.task_history(task=task),
        "pending": selectors.pending_extension(task=task), "forms": _action_forms(request, task, perms, bound),
        "log": audit_entries_for(obj_type="task", obj_id=task.pk, with_reads=False),
        "overdue": task.deadline and task.state != TaskState.DONE and task.deadline < timezone.localdate(),
    }, status=status)


def _bind(action: str, request, task):
    if action == "giao-tiep":
        return HandOnForm(request.POST, units=selectors.unit_choices(agency_id=task.lead_agency_id),
                          people=selectors.person_choices(agency_id=task.lead_agency_id))
    if action == "tien-do":
        return TextForm(request.POST, prefix="p")
    if action == "ket-qua":
        return ResultForm(request.POST, request.FILES, prefix="r", documents=selectors.issued_document_choices(
            user=request.user, agency_id=task.lead_agency_id))
    if action == "xin-gia-han":
        return ExtensionForm(request.POST, prefix="e")
    if action == "tra-lai":
        return ReasonForm(request.POST, prefix="b")
    if action == "quyet-dinh-gia-han":
        return DecisionForm(request.POST, prefix="d")
    if action == "doi-han":
        return DeadlineForm(request.POST, prefix="h")
    return None


def _run(action: str, request, task, cd):
    u = request.user
    if action == "giao-tiep":
        services.task_hand_on(actor=u, task_id=task.pk, unit_id=cd["unit"], user_id=cd["user"], note=cd["note"])
        return _("Đã giao tiếp nhiệm vụ.")
    if action == "tien-do":
        services.task_report_progress(actor=u, task_id=task.pk, text=cd["text"])
        return _("Đã báo cáo tiến độ.")
    if action == "ket-qua":
        services.task_report_result(actor=u, task_id=task.pk, text=cd["text"], upload=cd.get("file"),
                                    linked_document_id=cd.get("linked_document"))
        return _("Đã báo cáo kết quả; chờ cơ quan giao xác nhận.")
    if action == "xin-gia-han":
        services.task_extension_request(actor=u, task_id=task.pk, new_deadline=cd["new_deadline"],
                                        reason=cd["reason"])
        return _("Đã gửi đề nghị gia hạn.")
    if action == "xac-nhan":
        services.task_confirm(actor=u, task_id=task.pk)
        return _("Đã xác nhận hoàn thành nhiệm vụ.")
    if action == "tra-lai":
        services.task_send_back(actor=u, task_id=task.pk, reason=cd["reason"])
        return _("Đã trả lại kết quả.")
    if action == "quyet-dinh-gia-han":
        services.task_extension_decide(actor=u, task_id=task.pk, grant=cd["grant"], note=cd["note"],
                                       new_deadline=cd["new_deadline"])
        return _("Đã quyết định về đề nghị gia hạn.")
    services.task_change_deadline(actor=u, task_id=task.pk, new_deadline=cd["new_deadline"], reason=cd["reason"])
    return _("Đã đổi hạn nhiệm vụ.")


ACTIONS = ("giao-tiep", "tien-do", "ket-qua", "xin-gia-han", "xac-nhan", "tra-lai", "quyet-dinh-gia-han", "doi-han")


@login_required
@require_POST
def task_action(request, task_id: int, action: str):
    task = _task_or_404(request, task_id)
    if action not in ACTIONS:
        raise Http404()
    form = _bind(action, request, task)
    if form is not None and not form.is_valid():
        return _render_detail(request, task, bound=(action, form), status=422)
    try:
        done = _run(action, request, task, form.cleaned_data if form is not None else {})
    except DomainError as exc:
        if form is None:
            messages.error(request, str(exc.message))
            return _render_detail(request, task, status=exc.status)
        add_domain_errors(form, exc, aliases={"new_deadline": "new_deadline", "file": "file"})
        return _render_detail(request, task, bound=(action, form), status=exc.status)
    messages.success(request, done)
    return redirect("followup:detail", task.pk)


@login_required
@require_GET
def report_file(request, task_id: int, report_id: int):
    try:
        report = selectors.report_file(user=request.user, task_id=task_id, report_id=report_id)
    except NotFound:
        services.task_record_denied(actor=request.user, task_id=task_id)
        raise Http404() from None
    services.task_record_report_file_download(actor=request.user, report=report)
    return original_response(stored_file=report.stored_file, filename=report.filename)


@login_required
@require_POST
def chase(request):
    ids = [int(x) for x in request.POST.getlist("task") if x.isdigit()]
    try:
        draft = services.task_chase_draft(actor=request.user, task_ids=ids)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(request.POST.get("next") or reverse("followup:index"))
    messages.success(request, _("Đã tạo dự thảo công văn đôn đốc; hoàn thiện và trình ký theo quy trình."))
    return redirect("drafting:detail", draft.pk)


# --- Statistics ---------------------------------------------------------------------------------------------

def _period(request) -> tuple[PeriodForm, dt.date, dt.date]:
    today = timezone.localdate()
    form = PeriodForm(request.GET or None)
    cd = form.cleaned_data if form.is_bound and form.is_valid() else {}
    year = today.year if cd.get("start") or cd.get("end") else selectors.latest_year(user=request.user) or today.year
    start = cd.get("start") or dt.date(year, 1, 1)
    end = max(start, cd.get("end") or dt.date(year, 12, 31))
    if not form.is_bound:
        form = PeriodForm(initial={"start": start, "end": end})
    return form, start, end


@login_required
@require_GET
def dashboard(request):
    form, start, end = _period(request)
    rows = selectors.statistics_visible(user=request.user, start=start, end=end)
    return render(request, "followup/dashboard.html", {
        "form": form, "rows": rows, "total": selectors.totals(rows), "start": start, "end": end,
        "classes": [(c, CLASS_LABELS[c]) for c in (*selectors.CLASSES, selectors.ROUTINE)],
        "period_query": f"start={start:%d/%m/%Y}&end={end:%d/%m/%Y}",
        "drill": reverse("followup:drill_down") + f"?start={start:%d/%m/%Y}&end={end:%d/%m/%Y}"})


@login_required
@require_GET
def drill_down(request):
    _form, start, end = _period(request)
    cls = request.GET.get("loai", "")
    agency = request.GET.get("co-quan", "")
    try:
        qs = selectors.drill_down(user=request.user, start=start, end=end, cls=cls,
                                  agency_id=int(agency) if agency.isdigit() else None)
    except NotFound:
        raise Http404() from None
    return render(request, "followup/queue.html", {
        "tabs": [(key, label) for key, (label, _fn) in TABS.items()], "tab": "thong-ke",
        "title": _("%(c)s · giao từ %(a)s đến %(b)s") % {"c": CLASS_LABELS[cls], "a": f"{start:%d/%m/%Y}",
                                                          "b": f"{end:%d/%m/%Y}"},
        "page": _page(request, qs), "form": None, "today": timezone.localdate(),
        "counts": selectors.menu_counts(user=request.user)})


@login_required
@require_GET
def dashboard_xlsx(request):
    from openpyxl import Workbook

    _form, start, end = _period(request)
    rows = selectors.statistics_visible(user=request.user, start=start, end=end)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Thống kê nhiệm vụ")
    exports.append_row(ws, [_("Nhiệm vụ giao từ %(a)s đến %(b)s") % {"a": f"{start:%d/%m/%Y}", "b": f"{end:%d/%m/%Y}"}])
    exports.append_row(ws, [_("Cơ quan chủ trì"), *(CLASS_LABELS[c] for c in selectors.CLASSES),
                            CLASS_LABELS[selectors.ROUTINE], _("Tổng số"), _("Tỷ lệ đúng hạn (%)")])
    for r in [*rows, selectors.totals(rows)]:
        share = r.on_time_share
        exports.append_row(ws, [r.agency_name or _("Tổng cộng"), r.on_time, r.late, r.within, r.overdue, r.routine,
                                r.total, round(share * 100, 1) if share is not None else ""])
    return file_response(exports.workbook_bytes(wb), filename=f"thong-ke-nhiem-vu-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
                         content_type=XLSX_TYPE)


@login_required
@require_GET
def dashboard_pdf(request):
    from .printing import statistics_pdf

    _form, start, end = _period(request)
    rows = selectors.statistics_visible(user=request.user, start=start, end=end)
    pdf = statistics_pdf(rows=rows, total=selectors.totals(rows), start=start, end=end)
    return file_response(pdf, filename=f"thong-ke-nhiem-vu-{start:%Y%m%d}-{end:%Y%m%d}.pdf",
                         content_type="application/pdf")
