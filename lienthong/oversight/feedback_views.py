"""The Provincial Office's monthly report on problem reports (lienthong.feedback): figures by severity and agency,
SLA met or missed, open defects by age; and "Gửi nhà thầu": the same as a draft công văn to the contractor."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from lienthong.core.errors import DomainError, ValidationFailed
from lienthong.feedback import selectors as feedback_selectors
from lienthong.oversight import selectors
from lienthong.oversight.services import feedback_letter_draft_create
from lienthong.oversight.views import overseer_required

LETTER_DRAFTED = gettext_lazy("Đã tạo dự thảo công văn gửi nhà thầu; trình ký theo quy trình phát hành.")


def _month(value: str | None) -> dt.date:
    today = timezone.localdate()
    try:
        return dt.datetime.strptime(value or "", "%Y-%m").date().replace(day=1)
    except ValueError:
        return today.replace(day=1)


class LetterForm(forms.Form):
    contractor = forms.TypedChoiceField(label=gettext_lazy("Nhà thầu"), coerce=int)
    signer = forms.TypedChoiceField(label=gettext_lazy("Người ký"), coerce=int)

    def __init__(self, *args, contractors=(), signers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contractor"].choices = [(a.pk, a.name) for a in contractors]
        self.fields["signer"].choices = [(p.user_id, f"{p.user} – {p.title}" if p.title else str(p.user))
                                         for p in signers]


def _letter_form(request, data=None):
    issuer = selectors.reminder_issuer(user=request.user)
    signers = list(selectors.reminder_signers(agency_id=issuer.pk)) if issuer is not None else []
    return issuer, LetterForm(data, contractors=selectors.external_agencies(), signers=signers)


@overseer_required
@require_GET
def feedback_report(request):
    month = _month(request.GET.get("thang"))
    issuer, form = _letter_form(request)
    first = timezone.localdate().replace(day=1)
    months = [first]
    for _i in range(23):
        months.append((months[-1] - dt.timedelta(days=1)).replace(day=1))
    return render(request, "oversight/feedback_report.html", {
        "month": month, "month_value": month.strftime("%Y-%m"), "months": months,
        "r": feedback_selectors.month_report(month=month),
        "form": form, "may_send": issuer is not None and bool(form.fields["signer"].choices)})


@overseer_required
@require_POST
def feedback_letter(request):
    month = _month(request.GET.get("thang"))
    back = reverse("oversight:feedback_report") + f"?thang={month:%Y-%m}"
    _issuer, form = _letter_form(request, request.POST)
    if not form.is_valid():
        for name, msgs in form.errors.items():
            for m in msgs:
                messages.error(request, f"{form.fields[name].label}: {m}" if name in form.fields else m)
        return redirect(back)
    try:
        draft = feedback_letter_draft_create(actor=request.user, month=month,
                                             contractor_id=form.cleaned_data["contractor"],
                                             signer_id=form.cleaned_data["signer"])
    except ValidationFailed as exc:
        for message in dict.fromkeys(m for msgs in exc.errors.values() for m in msgs):
            messages.error(request, message)
        return redirect(back)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    messages.success(request, LETTER_DRAFTED)
    return redirect("drafting:detail", draft.pk)


urlpatterns = [
    path("bao-loi/", feedback_report, name="feedback_report"),
    path("bao-loi/cong-van/", feedback_letter, name="feedback_letter"),
]
