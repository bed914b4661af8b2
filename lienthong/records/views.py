"""Pages of records: the file plan (list, edit, import/export, approve, publish), my files, a file's page."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lienthong.core.errors import PermissionDenied, ValidationFailed
from lienthong.core.forms import add_domain_errors
from lienthong.core.http import XLSX_TYPE, file_response
from lienthong.core.spreadsheets import ImportRejected, RowError, SpreadsheetError
from lienthong.core.views import domain_errors_as_pages
from lienthong.records import disposal, handover_selectors, package_export, selectors, services
from lienthong.records import file_pdf as file_pdf_export
from lienthong.records import spreadsheets as plan_tables
from lienthong.records.forms import (
    ApproveForm,
    CloseForm,
    EntryForm,
    HeadingForm,
    ImportForm,
    NumberingForm,
    OpenForm,
    PlanCreateForm,
)
from lienthong.records.models import CaseFileState, PlanState

PAGE_SIZE = 50

FILED = gettext_lazy("Đã đưa %(k)s văn bản vào hồ sơ %(n)s.")
ALREADY_FILED = gettext_lazy("Các văn bản đã chọn đã có trong hồ sơ.")
CLOSED = gettext_lazy("Đã kết thúc hồ sơ %(n)s.")


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 18 else None


def _thousands(n: int) -> str:
    """10000 as Vietnamese writes it, 10.000."""
    return f"{n:,}".replace(",", ".")


def _back(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# ----------------------------------------------------------------------------------------- plans

@domain_errors_as_pages
def plans(request):
    agencies = selectors.plan_manager_agencies(user=request.user)
    form = PlanCreateForm(request.POST if request.method == "POST" else None, agencies=agencies)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            cd = form.cleaned_data
            try:
                create = services.plan_copy if cd["copy_previous"] else services.plan_create
                plan = create(actor=request.user, agency_id=cd["agency_id"], year=cd["year"])
            except ValidationFailed as exc:
                add_domain_errors(form, exc)
            else:
                return redirect("records:plan", plan_id=plan.pk)
        status = 422
    rows = selectors.plan_list(user=request.user, year=_int(request.GET.get("nam")))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    numbering = [(agency_id, name, services.agency_numbering(agency_id)) for agency_id, name in agencies]
    return render(request, "records/plans.html", {
        "page": page, "form": form, "may_create": bool(agencies), "numbering": numbering,
        "numbering_choices": NumberingForm.base_fields["numbering"].choices}, status=status)


@domain_errors_as_pages
@require_POST
def numbering_set(request, agency_id: int):
    """An agency's choice of how its plan numbers files (copied onto each new plan)."""
    form = NumberingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cách đánh số không hợp lệ."))
    else:
        services.agency_numbering_set(actor=request.user, agency_id=agency_id,
                                      numbering=form.cleaned_data["numbering"])
        messages.success(request, _("Đã lưu cách đánh số hồ sơ của cơ quan."))
    return redirect("records:plans")


def _plan_page(request, plan, *, status=200, **forms):
    content = selectors.plan_content(plan=plan)
    manages = plan.agency_id in selectors.plan_manager_agency_ids(user=request.user)
    approves = plan.agency_id in selectors.plan_approver_agency_ids(user=request.user)
    mains = [(r.heading.pk, f"{r.numeral}. {r.heading.title}") for r in content.rows if r.level == 1]
    heads = [(r.heading.pk, f"{r.numeral}. {r.heading.title}") for r in content.rows]
    editable = manages and plan.state == PlanState.DRAFT
    return render(request, "records/plan.html", {
        "plan": plan, "content": content, "editable": editable,
        "may_approve": approves and plan.state == PlanState.DRAFT,
        "may_publish": (manages or approves) and plan.state == PlanState.APPROVED,
        "heading_form": forms.get("heading_form") or HeadingForm(parents=mains),
        "entry_form": forms.get("entry_form") or EntryForm(headings=heads),
        "approve_form": forms.get("approve_form") or ApproveForm(),
    }, status=status)


@domain_errors_as_pages
def plan(request, plan_id: int):
    return _plan_page(request, selectors.plan_get(user=request.user, plan_id=plan_id))


@domain_errors_as_pages
@require_POST
def plan_heading_add(request, plan_id: int):
    row = selectors.plan_get(user=request.user, plan_id=plan_id)
    content = selectors.plan_content(plan=row)
    form = HeadingForm(request.POST, parents=[(r.heading.pk, r.heading.title) for r in content.rows if r.level == 1])
    if form.is_valid():
        try:
            services.heading_add(actor=request.user, plan_id=row.pk, title=form.cleaned_data["title"],
                                 abbreviation=form.cleaned_data["abbreviation"],
                                 parent_id=form.cleaned_data["parent_id"])
        except ValidationFailed as exc:
            add_domain_errors(form, exc)
        else:
            return redirect("records:plan", plan_id=row.pk)
    return _plan_page(request, row, status=422, heading_form=form)


@domain_errors_as_pages
@require_POST
def plan_entry_add(request, plan_id: int):
    row = selectors.plan_get(user=request.user, plan_id=plan_id)
    content = selectors.plan_content(plan=row)
    form = EntryForm(request.POST, headings=[(r.heading.pk, r.heading.title) for r in content.rows])
    if form.is_valid():
        cd = form.cleaned_data
        try:
            services.entry_add(actor=request.user, plan_id=row.pk, heading_id=cd["heading_id"], title=cd["title"],
                               retention_code=cd["retention_code"], number=cd["number"],
                               responsible_name=cd["responsible_name"], notes=cd["notes"])
        except ValidationFailed as exc:
            add_domain_errors(form, exc, aliases={"retention": "retention_code", "heading": "heading_id"})
        else:
            return redirect("records:plan", plan_id=row.pk)
    return _plan_page(request, row, status=422, entry_form=form)


@domain_errors_as_pages
@require_POST
def plan_entry_delete(request, entry_id: int):
    entry = selectors.plan_entry_get(user=request.user, entry_id=entry_id)
    try:
        services.entry_delete(actor=request.user, entry_id=entry.pk)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    return redirect("records:plan", plan_id=entry.plan_id)


@domain_errors_as_pages
@require_POST
def plan_approve(request, plan_id: int):
    row = selectors.plan_get(user=request.user, plan_id=plan_id)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            services.plan_approve(actor=request.user, plan_id=row.pk,
                                  decision_reference=form.cleaned_data["decision_reference"],
                                  decision_document_id=form.cleaned_data["decision_document_id"])
        except ValidationFailed as exc:
            add_domain_errors(form, exc, aliases={"decision_document": "decision_document_id"})
        else:
            messages.success(request, _("Đã phê duyệt danh mục hồ sơ."))
            return redirect("records:plan", plan_id=row.pk)
    return _plan_page(request, row, status=422, approve_form=form)


@domain_errors_as_pages
@require_POST
def plan_publish(request, plan_id: int):
    row = selectors.plan_get(user=request.user, plan_id=plan_id)
    try:
        services.plan_publish(actor=request.user, plan_id=row.pk)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã ban hành danh mục hồ sơ."))
    return redirect("records:plan", plan_id=row.pk)


@domain_errors_as_pages
def plan_import(request, plan_id: int):
    row = selectors.plan_get(user=request.user, plan_id=plan_id)
    services.plan_for_edit(request.user, row.pk)  # refuses others and a plan past its draft
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    problems = None
    if request.method == "POST" and form.is_valid():
        try:
            data = plan_tables.read_upload(form.cleaned_data["file"])
            headings, entries = plan_tables.plan_import(actor=request.user, plan_id=row.pk, data=data)
        except SpreadsheetError as exc:
            problems = [RowError(None, "", str(exc.message))]
        except ImportRejected as exc:
            problems = exc.rows
        else:
            messages.success(request, plan_tables.IMPORTED % {"h": headings, "e": entries})
            return redirect("records:plan", plan_id=row.pk)
    return render(request, "records/plan_import.html", {
        "plan": row, "form": form, "problems": problems, "columns": [str(c) for c in plan_tables.COLUMNS],
    }, status=422 if problems or form.errors else 200)


@domain_errors_as_pages
def plan_export(request, plan_id: int):
    row = selectors.plan_get(user=request.user, plan_id=plan_id)
    return file_response(plan_tables.plan_workbook(plan=row), filename=f"danh-muc-ho-so-{row.year}.xlsx",
                         content_type=XLSX_TYPE)


# ----------------------------------------------------------------------------------------- files

@domain_errors_as_pages
def files(request):
    mine = request.GET.get("tab") != "all"
    state = request.GET.get("state") if request.GET.get("state") in CaseFileState.values else None
    year = _int(request.GET.get("nam"))
    year = year if year and 0 < year < 10_000 else None
    # Keyset pages: ?sau=<cursor> (the page after a row), ?truoc=<cursor> (the page before it); see
    # selectors.case_file_page. A cursor that cannot be read shows the first page with a note, never an error.
    raw_after, raw_before = request.GET.get("sau"), request.GET.get("truoc")
    after, before = selectors.FileCursor.decode(raw_after), selectors.FileCursor.decode(raw_before)
    bad_cursor = bool((raw_after and after is None) or (raw_before and before is None))
    page = selectors.case_file_page(user=request.user, size=PAGE_SIZE, after=after, before=before, year=year,
                                    state=state, mine=mine)
    query = {"tab": "mine" if mine else "all"} | ({"state": state} if state else {}) | ({"nam": year} if year else {})
    return render(request, "records/files.html", {
        "page": page, "mine": mine, "state": state or "", "year": year or "", "states": CaseFileState.choices,
        "bad_cursor": bad_cursor, "cap": _thousands(selectors.LIST_COUNT_CAP), "total": _thousands(page.total),
        "next_url": "?" + urlencode(query | {"sau": page.next.encode()}) if page.next else "",
        "previous_url": "?" + urlencode(query | {"truoc": page.previous.encode()}) if page.previous else "",
        "first_url": "?" + urlencode(query),
        "keeper": bool(disposal.keeper_agency_ids(user=request.user))})


@domain_errors_as_pages
def file_open(request):
    entries = [(e.pk, f"{e.plan.year} · {e.number} – {e.title}")
               for e in selectors.published_entries(user=request.user)[:500]]
    initial = {"plan_entry_id": _int(request.GET.get("entry"))}
    form = OpenForm(request.POST if request.method == "POST" else None, entries=entries, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            cd = form.cleaned_data
            try:
                row = services.case_file_open(actor=request.user, plan_entry_id=cd["plan_entry_id"],
                                              title=cd["title"], number=cd["number"],
                                              retention_code=cd["retention_code"], start_date=cd["start_date"],
                                              description=cd["description"])
            except ValidationFailed as exc:
                add_domain_errors(form, exc, aliases={"retention": "retention_code", "plan_entry": "plan_entry_id"})
            else:
                messages.success(request, _("Đã mở hồ sơ %(n)s.") % {"n": row.number})
                return redirect("records:file", case_file_id=row.pk)
        status = 422
    return render(request, "records/file_open.html", {"form": form}, status=status)


def _file_page(request, row, *, status=200, close_form=None):
    owner = row.owner_id == request.user.pk
    open_ = row.state == CaseFileState.OPEN
    custody = handover_selectors.file_context(user=request.user, case_file=row)  # nộp lưu, Lưu trữ cơ quan
    return render(request, "records/file.html", custody | {
        "file": row, "items": selectors.case_file_items(user=request.user, case_file=row) if custody["may_read"]
        else [],
        "may_edit": owner and open_,
        "candidates": selectors.filing_candidates(user=request.user, case_file=row) if owner and open_ else [],
        "warnings": services.close_check(case_file=row) if owner and open_ else [],
        "close_form": close_form or CloseForm(initial={"retention_code": row.retention.code}),
    }, status=status)


@domain_errors_as_pages
def file(request, case_file_id: int):
    return _file_page(request, selectors.case_file_get(user=request.user, case_file_id=case_file_id))


@domain_errors_as_pages
@require_POST
def file_documents(request, case_file_id: int):
    row = selectors.case_file_get(user=request.user, case_file_id=case_file_id)
    ids = [i for i in (_int(v) for v in request.POST.getlist("document_ids")) if i]
    try:
        filed = services.documents_file(actor=request.user, case_file_id=row.pk, document_ids=ids)
    except ValidationFailed as exc:
        for messages_ in exc.errors.values():
            for m in messages_:
                messages.error(request, m)
    else:
        if filed:
            messages.success(request, FILED % {"k": len(filed), "n": row.number})
        else:
            messages.info(request, ALREADY_FILED)
    return redirect(_back(request, reverse("records:file", kwargs={"case_file_id": row.pk})))


@domain_errors_as_pages
@require_POST
def document_file(request, document_id: int):
    """From a document's page: into the one of the user's open files chosen there."""
    back = _back(request, reverse("documents:detail", kwargs={"document_id": document_id}))
    case_file_id = _int(request.POST.get("case_file_id"))
    if case_file_id is None:
        messages.error(request, _("Cần chọn hồ sơ."))
        return redirect(back)
    row = selectors.case_file_get(user=request.user, case_file_id=case_file_id)
    try:
        filed = services.documents_file(actor=request.user, case_file_id=row.pk, document_ids=[document_id])
    except ValidationFailed as exc:
        for messages_ in exc.errors.values():
            for m in messages_:
                messages.error(request, m)
    else:
        messages.success(request, FILED % {"k": len(filed), "n": row.number} if filed else ALREADY_FILED)
    return redirect(back)


@domain_errors_as_pages
@require_POST
def file_unfile(request, case_file_id: int, document_id: int):
    row = selectors.case_file_get(user=request.user, case_file_id=case_file_id)
    try:
        services.document_unfile(actor=request.user, case_file_id=row.pk, document_id=document_id)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    return redirect("records:file", case_file_id=row.pk)


@domain_errors_as_pages
@require_POST
def file_close(request, case_file_id: int):
    row = selectors.case_file_get(user=request.user, case_file_id=case_file_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        cd = form.cleaned_data
        try:
            services.case_file_close(actor=request.user, case_file_id=row.pk,
                                     retention_confirmed=cd["retention_confirmed"], reason=cd["reason"],
                                     retention_code=cd["retention_code"])
        except ValidationFailed as exc:
            add_domain_errors(form, exc, aliases={"retention": "retention_code"})
        else:
            messages.success(request, CLOSED % {"n": row.number})
            return redirect("records:file", case_file_id=row.pk)
    return _file_page(request, row, status=422, close_form=form)


@domain_errors_as_pages
def file_index(request, case_file_id: int):
    row = selectors.case_file_get(user=request.user, case_file_id=case_file_id)
    if not handover_selectors.may_read_custody(user=request.user, case_file=row):
        raise PermissionDenied(handover_selectors.REQUEST_FIRST)
    return file_response(plan_tables.index_workbook(user=request.user, case_file=row),
                         filename=f"muc-luc-van-ban-{row.pk}.xlsx", content_type=XLSX_TYPE)


@domain_errors_as_pages
def file_package(request, case_file_id: int):
    row = selectors.case_file_get(user=request.user, case_file_id=case_file_id)
    try:
        data = package_export.case_file_package(user=request.user, case_file=row)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("records:file", case_file_id=row.pk)
    return file_response(data, filename=f"{package_export.package_name(row)}.zip", content_type="application/zip")


@domain_errors_as_pages
def file_pdf(request, case_file_id: int):
    """The whole file as one PDF: the index, then the documents (records.file_pdf)."""
    row = selectors.case_file_get(user=request.user, case_file_id=case_file_id)
    try:
        data = file_pdf_export.case_file_pdf(user=request.user, case_file=row)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("records:file", case_file_id=row.pk)
    return file_response(data, filename=f"{package_export.package_name(row)}.pdf", content_type="application/pdf")
