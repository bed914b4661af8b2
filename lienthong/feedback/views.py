"""Pages of the feedback app: the "Báo lỗi / góp ý" form (opened from every page's button, as a dialog or a page of
its own, and from the server error page), the reporter's own reports ("Góp ý của tôi") and the operator's queue.

Thin: the services decide; a refusal of the operator's actions is 403, a report that is not the reader's 404."""

from __future__ import annotations

from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from lienthong.accounts import selectors as account_selectors
from lienthong.core.errors import DomainError, NotFound, ValidationFailed
from lienthong.core.forms import add_domain_errors
from lienthong.feedback import selectors, services
from lienthong.feedback.models import Kind, Severity, Source, State
from lienthong.files import original_response

SENT = gettext_lazy("Đã gửi báo lỗi / góp ý #%(n)s. Bạn theo dõi trả lời trong “Góp ý của tôi”.")
PAGE_SIZE = 50


class ReportForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Nội dung"), max_length=services.TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 4}), required=False)
    # Hidden and filled by the page: cut to their columns by the service rather than refused unseen.
    page_url = forms.CharField(required=False, widget=forms.HiddenInput)
    request_id = forms.CharField(required=False, widget=forms.HiddenInput)
    screenshot = forms.FileField(required=False)


def _back(request, url: str) -> str:
    return url if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}) else \
        reverse("feedback:mine")


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request):
    """GET: the form on a page of its own (without JavaScript, or from the server error page with the text and
    request id filled in). POST (from the dialog of every page or from this page): the report, then back to the
    page the person was on."""
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            chosen = request.session.get(account_selectors.CURRENT_POSITION_SESSION_KEY)
            try:
                report, note = services.report_create(
                    user=request.user, text=data["text"], page_url=data["page_url"],
                    user_agent=request.headers.get("User-Agent", ""), request_id=data["request_id"],
                    screenshot=data["screenshot"], source=Source.ERROR_PAGE if data["request_id"] else Source.PAGE,
                    position=account_selectors.current_position(user=request.user, position_id=chosen))
            except ValidationFailed as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, SENT % {"n": report.pk})
                if note:
                    messages.warning(request, note)
                return redirect(_back(request, data["page_url"]))
    else:
        form = ReportForm(initial={"text": request.GET.get("text", ""), "page_url": request.GET.get("trang", ""),
                                   "request_id": request.GET.get("ma-loi", "")})
    return render(request, "feedback/new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_GET
def mine(request):
    reports = selectors.reports_of(user=request.user)[:PAGE_SIZE]
    return render(request, "feedback/mine.html", {"reports": reports})


class ReplyForm(forms.Form):
    answer = forms.CharField(label=gettext_lazy("Bổ sung"), max_length=services.TEXT_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}))


@login_required
@require_http_methods(["GET", "POST"])
def mine_detail(request, report_id: int):
    try:
        report = selectors.report_for_reporter(user=request.user, report_id=report_id)
    except NotFound:
        raise Http404() from None
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_reply(user=request.user, report_id=report.pk, text=form.cleaned_data["answer"])
        except ValidationFailed as exc:
            add_domain_errors(form, exc)
        else:
            return redirect("feedback:mine_detail", report.pk)
    return render(request, "feedback/mine_detail.html", {
        "report": report, "thread": selectors.report_messages(report=report), "form": form})


@login_required
@require_GET
def screenshot(request, report_id: int):
    """The screenshot, to its reporter and to the operators."""
    try:
        report = (selectors.report_for_operator(user=request.user, report_id=report_id)
                  if selectors.is_operator(request.user)
                  else selectors.report_for_reporter(user=request.user, report_id=report_id))
    except NotFound:
        raise Http404() from None
    if not report.screenshot_name:
        raise Http404()
    stored = SimpleNamespace(storage_name=report.screenshot_name, content_type=report.screenshot_type,
                             has_active_content=False)
    return original_response(stored_file=stored, filename=f"anh-chup-{report.pk}.{report.screenshot_type[6:]}",
                             inline=True)


# --- The operator ---------------------------------------------------------------------------------------

def operator_required(view):
    @login_required
    def wrapper(request, *args, **kwargs):
        if not selectors.is_operator(request.user):
            return render(request, "forbidden.html", {"message": str(services.OPERATOR_ONLY)}, status=403)
        return view(request, *args, **kwargs)
    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@operator_required
@require_GET
def queue(request):
    g = request.GET
    kind = g.get("kind")
    try:
        agency_id = int(g.get("agency") or 0)
    except ValueError:
        agency_id = 0
    reports = selectors.operator_queue(
        user=request.user, state=g.get("state", "") if g.get("state") in State.values else "",
        severity=g.get("severity", "") if g.get("severity") in Severity.values else "",
        kind=kind if kind in Kind.values and "kind" in g else None, agency_id=agency_id,
        open_only="state" not in g)[:PAGE_SIZE]
    return render(request, "feedback/queue.html", {
        "reports": reports, "states": State.choices, "severities": Severity.choices, "kinds": Kind.choices,
        "agencies": selectors.reporter_agencies(), "f": g})


class TriageForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("classify", "answer", "fixed", "close")])
    kind = forms.ChoiceField(label=gettext_lazy("Phân loại"), required=False,
                             choices=[c for c in Kind.choices if c[0]])
    severity = forms.ChoiceField(label=gettext_lazy("Mức độ"), required=False, choices=Severity.choices)
    answer = forms.CharField(label=gettext_lazy("Trả lời người báo"), required=False, max_length=services.TEXT_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}))
    release = forms.CharField(label=gettext_lazy("Phiên bản đã sửa"), required=False, max_length=services.RELEASE_MAX)


@operator_required
@require_http_methods(["GET", "POST"])
def operator_detail(request, report_id: int):
    try:
        report = selectors.report_for_operator(user=request.user, report_id=report_id)
    except NotFound:
        raise Http404() from None
    form = TriageForm(request.POST or None, initial={"kind": report.kind or Kind.DEFECT, "severity": report.severity})
    if request.method == "POST" and form.is_valid():
        d, actor, rid = form.cleaned_data, request.user, report.pk
        try:
            if d["action"] == "classify":
                services.report_classify(actor=actor, report_id=rid, kind=d["kind"] or None,
                                         severity=d["severity"] or None)
            elif d["action"] == "answer":
                services.report_answer(actor=actor, report_id=rid, text=d["answer"])
            elif d["action"] == "fixed":
                services.report_mark_fixed(actor=actor, report_id=rid, release=d["release"], note=d["answer"])
            else:
                services.report_close(actor=actor, report_id=rid, note=d["answer"])
        except DomainError as exc:
            add_domain_errors(form, exc, aliases={"note": "answer"})
        else:
            messages.success(request, _("Đã ghi nhận."))
            return redirect("feedback:operator_detail", rid)
    return render(request, "feedback/operator_detail.html", {
        "report": report, "thread": selectors.report_messages(report=report), "form": form},
        status=400 if form.errors else 200)


urlpatterns = [
    path("gui/", report_new, name="new"),
    path("cua-toi/", mine, name="mine"),
    path("cua-toi/<int:report_id>/", mine_detail, name="mine_detail"),
    path("<int:report_id>/anh-chup/", screenshot, name="screenshot"),
    path("van-hanh/", queue, name="queue"),
    path("van-hanh/<int:report_id>/", operator_detail, name="operator_detail"),
]
