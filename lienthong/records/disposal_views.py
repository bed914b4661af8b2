"""Pages of disposal: the files proposed for review, their disposal on a decision, the disposal records."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from lienthong.core.errors import PermissionDenied, ValidationFailed
from lienthong.core.forms import add_domain_errors
from lienthong.core.views import domain_errors_as_pages
from lienthong.records import disposal
from lienthong.records.forms import DisposeForm

PAGE_SIZE = 50
DISPOSED = gettext_lazy("Đã tiêu hủy %(k)s hồ sơ (%(f)s tệp bản gốc đã xóa); siêu dữ liệu và biên bản được giữ lại.")


@domain_errors_as_pages
def proposals(request):
    if not disposal.keeper_agency_ids(user=request.user):
        raise PermissionDenied(disposal.NOT_KEEPER)
    page = Paginator(disposal.proposal_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    decisions = [(d.pk, f"{d.number_symbol or '#' + str(d.pk)} · {d.issued_on:%d/%m/%Y} · {d.subject[:80]}")
                 for d in disposal.decision_choices(user=request.user)]
    files = [(r.case_file_id, r.case_file.number) for r in page]
    form = DisposeForm(request.POST if request.method == "POST" else None, files=files, decisions=decisions)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            cd = form.cleaned_data
            try:
                done = disposal.files_dispose(actor=request.user, case_file_ids=cd["case_file_ids"],
                                              decision_document_id=cd["decision_document_id"],
                                              decision_reference=cd["decision_reference"], note=cd["note"])
            except ValidationFailed as exc:
                add_domain_errors(form, exc, aliases={"decision_document": "decision_document_id"})
            else:
                messages.success(request, DISPOSED % {"k": len(done.records), "f": done.originals_removed})
                return redirect("records:disposal")
        status = 422
    records = disposal.record_list(user=request.user)[:PAGE_SIZE]
    return render(request, "records/disposal/proposals.html", {
        "page": page, "form": form, "records": records}, status=status)
