"""The "Sao văn bản" page of a document (the văn thư of the holding agency only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lienthong.accounts import selectors as account_selectors
from lienthong.copies import selectors, services
from lienthong.copies.forms import CopyCreateForm
from lienthong.core.errors import NotFound, ValidationFailed
from lienthong.core.forms import add_domain_errors
from lienthong.documents import selectors as document_selectors


@login_required
def copy_create(request, document_id: int):
    try:
        doc = document_selectors.document_get(user=request.user, document_id=document_id)
    except NotFound:
        raise Http404(_("Không tìm thấy văn bản.")) from None
    if not account_selectors.user_can_register_in(user=request.user, agency_id=doc.agency_id):
        messages.error(request, _("Chỉ văn thư của cơ quan giữ văn bản mới được sao văn bản."))
        return redirect("documents:detail", document_id=doc.pk)
    signers = selectors.signer_choices(agency_id=doc.agency_id)
    status = 200
    if request.method == "POST":
        form = CopyCreateForm(request.POST, signers=signers)
        if form.is_valid():
            cd = form.cleaned_data
            try:
                copy = services.copy_create(actor=request.user, original_id=doc.pk, form=cd["form"],
                                            pages=cd["pages"], signer_id=cd["signer_id"],
                                            recipients_text=cd["recipients_text"], pin=cd["pin"])
            except ValidationFailed as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Đã tạo bản sao số %(s)s.") % {"s": copy.copy.number_symbol})
                return redirect("documents:detail", document_id=copy.copy_id)
        status = 422
    else:
        form = CopyCreateForm(signers=signers)
    return render(request, "copies/create.html", {"doc": doc, "form": form}, status=status)
