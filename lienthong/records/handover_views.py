"""Pages of the handover to the agency archive: submitting closed files (nộp lưu), a handover with its list
and record, the archive's lists and decisions, the usage register, keeping a file past its deadline, and an
official's files passed to a successor."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienthong.core.errors import ValidationFailed
from lienthong.core.forms import add_domain_errors
from lienthong.core.http import XLSX_TYPE, file_response
from lienthong.core.views import domain_errors_as_pages
from lienthong.records import handover, selectors
from lienthong.records import handover_selectors as reads
from lienthong.records.handover_forms import (
    DecideForm,
    DueForm,
    KeepForm,
    PassOnForm,
    UsageDecideForm,
    UsageRecordForm,
    UsageRequestForm,
)
from lienthong.records.views import _back, _int

PAGE_SIZE = 50


def _errors_as_messages(request, exc: ValidationFailed) -> None:
    for texts in exc.errors.values():
        for text in texts:
            messages.error(request, text)


def _file_url(case_file_id: int) -> str:
    return reverse("records:file", kwargs={"case_file_id": case_file_id})


@domain_errors_as_pages
def handovers(request):
    """My closed files to hand over, and the handovers I see."""
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        ids = [i for i in (_int(v) for v in request.POST.getlist("case_file_ids")) if i]
        try:
            row = handover.handover_submit(actor=request.user, case_file_ids=ids,
                                           note=request.POST.get("note", "")[:500])
        except ValidationFailed as exc:
            problems = [m for texts in exc.errors.values() for m in texts]
            status = 422
        else:
            messages.success(request, _("Đã nộp lưu %(k)s hồ sơ (lần nộp lưu số %(n)s/%(y)s).") % {
                "k": len(ids), "n": row.number, "y": row.year})
            return redirect("records:handover", handover_id=row.pk)
    page = Paginator(reads.handover_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "records/handover/list.html", {
        "candidates": list(reads.candidates(user=request.user)[:500]), "page": page, "problems": problems,
    }, status=status)


@domain_errors_as_pages
def handover_page(request, handover_id: int):
    row = reads.handover_get(user=request.user, handover_id=handover_id)
    items = reads.handover_items(handover=row)
    archivist = row.agency_id in reads.archive_agency_ids(user=request.user)
    return render(request, "records/handover/detail.html", {
        "handover": row, "rows": [(i, reads.plan_check(i.case_file)) for i in items], "is_archivist": archivist,
    })


@domain_errors_as_pages
@require_POST
def handover_decide(request, case_file_id: int):
    row = selectors.case_file_get(user=request.user, case_file_id=case_file_id)
    form = DecideForm(request.POST)
    back = _back(request, reverse("records:archive"))
    if not form.is_valid():
        messages.error(request, _("Cần chọn nhận hoặc trả lại hồ sơ."))
        return redirect(back)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        handover.handover_decide(actor=request.user, case_file_id=row.pk, accept=accept,
                                 reason=form.cleaned_data["reason"])
    except ValidationFailed as exc:
        _errors_as_messages(request, exc)
    else:
        messages.success(request, (_("Đã nhận hồ sơ %(n)s vào Lưu trữ cơ quan.") if accept
                                   else _("Đã trả lại hồ sơ %(n)s.")) % {"n": row.number})
    return redirect(back)


@domain_errors_as_pages
def handover_list_xlsx(request, handover_id: int):
    row = reads.handover_get(user=request.user, handover_id=handover_id)
    return file_response(handover.handover_list_workbook(handover=row),
                         filename=f"muc-luc-nop-luu-{row.year}-{row.number}.xlsx", content_type=XLSX_TYPE)


@domain_errors_as_pages
def handover_record_pdf(request, handover_id: int):
    row = reads.handover_get(user=request.user, handover_id=handover_id)
    return file_response(handover.handover_record_pdf(handover=row),
                         filename=f"bien-ban-giao-nhan-{row.year}-{row.number}.pdf", content_type="application/pdf",
                         inline=True)


@domain_errors_as_pages
def archive(request):
    """The archive's lists: to check, in custody (everyone's catalogue), kept past the deadline, usage."""
    tab = request.GET.get("tab") if request.GET.get("tab") in reads.ARCHIVE_TABS else "pending"
    is_archivist = bool(reads.archive_agency_ids(user=request.user))
    if not is_archivist and tab in ("pending", "kept"):
        tab = "custody"
    if tab == "usage":
        rows = reads.usage_register(user=request.user)
    elif tab == "custody" and not is_archivist:
        rows = reads.custody_catalogue(user=request.user)
    else:
        rows = reads.archive_files(user=request.user, tab=tab)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "records/handover/archive.html", {
        "tab": tab, "page": page, "is_archivist": is_archivist, "decide_form": UsageDecideForm(),
    })


@domain_errors_as_pages
@require_POST
def file_due(request, case_file_id: int):
    row = selectors.case_file_get(user=request.user, case_file_id=case_file_id)
    form = DueForm(request.POST, rules=reads.rules())
    if not form.is_valid():
        messages.error(request, _("Quy định thời hạn nộp lưu không hợp lệ."))
    else:
        try:
            handover.file_due_set(actor=request.user, case_file_id=row.pk, rule_code=form.cleaned_data["rule_code"],
                                  final_accounts_date=form.cleaned_data["final_accounts_date"])
        except ValidationFailed as exc:
            _errors_as_messages(request, exc)
        else:
            messages.success(request, _("Đã lưu hạn nộp lưu của hồ sơ."))
    return redirect(_file_url(row.pk))


@domain_errors_as_pages
@require_POST
def file_keep(request, case_file_id: int):
    row = selectors.case_file_get(user=request.user, case_file_id=case_file_id)
    form = KeepForm(request.POST)
    if not form.is_valid():
        for texts in form.errors.values():
            for text in texts:
                messages.error(request, text)
    else:
        cd = form.cleaned_data
        try:
            handover.keep_approve(actor=request.user, case_file_id=row.pk, until=cd["until"], reason=cd["reason"],
                                  decision_reference=cd["decision_reference"])
        except ValidationFailed as exc:
            _errors_as_messages(request, exc)
        else:
            messages.success(request, _("Đã ghi ý kiến đồng ý giữ lại hồ sơ và gửi Lưu trữ cơ quan."))
    return redirect(_file_url(row.pk))


@domain_errors_as_pages
@require_POST
def usage_request(request, case_file_id: int):
    row = selectors.case_file_get(user=request.user, case_file_id=case_file_id)
    form = UsageRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần ghi mục đích sử dụng."))
    else:
        try:
            handover.usage_request(actor=request.user, case_file_id=row.pk, purpose=form.cleaned_data["purpose"])
        except ValidationFailed as exc:
            _errors_as_messages(request, exc)
        else:
            messages.success(request, _("Đã gửi đề nghị sử dụng hồ sơ tới Lưu trữ cơ quan."))
    return redirect(_file_url(row.pk))


@domain_errors_as_pages
@require_POST
def usage_decide(request, request_id: int):
    form = UsageDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần chọn đồng ý hoặc không đồng ý."))
    else:
        cd = form.cleaned_data
        try:
            handover.usage_decide(actor=request.user, request_id=request_id, approve=cd["decision"] == "approve",
                                  note=cd["note"], access_until=cd["access_until"])
        except ValidationFailed as exc:
            _errors_as_messages(request, exc)
        else:
            messages.success(request, _("Đã ghi ý kiến vào sổ sử dụng bản lưu."))
    return redirect(reverse("records:archive") + "?tab=usage")


@domain_errors_as_pages
@require_POST
def usage_record(request, request_id: int):
    form = UsageRecordForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        handover.usage_record(actor=request.user, request_id=request_id, note=note)
    except ValidationFailed as exc:
        _errors_as_messages(request, exc)
    else:
        messages.success(request, _("Đã ghi sổ sử dụng bản lưu."))
    return redirect(reverse("records:archive") + "?tab=usage")


@domain_errors_as_pages
def pass_on(request):
    """An official's files passed to a successor of the same agency."""
    agencies, people, givers = reads.pass_on_choices(user=request.user)
    form = PassOnForm(request.POST if request.method == "POST" else None, agencies=agencies, people=people,
                      initial={"from_user_id": request.user.pk})
    form.fields["from_user_id"].choices = givers
    status = 200
    if request.method == "POST":
        if form.is_valid():
            cd = form.cleaned_data
            try:
                count = handover.files_pass_on(actor=request.user, from_user_id=cd["from_user_id"],
                                               successor_id=cd["successor_id"], agency_id=cd["agency_id"],
                                               reason=cd["reason"])
            except ValidationFailed as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Đã bàn giao %(k)s hồ sơ.") % {"k": count})
                return redirect("records:files")
        status = 422
    return render(request, "records/handover/pass_on.html", {"form": form}, status=status)
