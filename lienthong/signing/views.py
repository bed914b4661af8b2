"""Pages of digital signatures: "Chữ ký số của tôi", the agencies' signatures (văn thư, system
administrators) and the trust store (system administrators). Thin: the services decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from lienthong.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from lienthong.core.forms import add_domain_errors
from lienthong.core.views import forbidden
from lienthong.signing import credentials, selectors
from lienthong.signing import forms as signing_forms
from lienthong.signing.models import Credential

# Confirmations users see (the tests use these constants rather than copies of the text).
PKCS12_SAVED = gettext_lazy("Đã lưu tệp khóa. Khi ký, anh/chị nhập mã PIN của tệp khóa.")
TRUSTED_ADDED = gettext_lazy("Đã thêm chứng thư tin cậy: %(s)s")
MARKED_AS_TEST_CA = gettext_lazy("Đã đánh dấu CA thử nghiệm (chữ ký không có giá trị pháp lý): %(s)s")


def _credential_forms(request, *, agency: bool):
    action = request.POST.get("action") if request.method == "POST" else None
    data = lambda name: (request.POST, request.FILES) if action == name else (None, None)  # noqa: E731
    return action, {
        "pkcs12": signing_forms.Pkcs12Form(*data("pkcs12"), prefix="p12"),
        "certificate": signing_forms.CertificateForm(*data("certificate"), prefix="cert", agency=agency),
        "image": signing_forms.ImageForm(*data("image"), prefix="img"),
    }


def _handle(request, action, forms, *, owner_user=None, owner_agency=None, current=None):
    """Run the submitted form's service; True when it succeeded."""
    form = forms.get(action)
    if action == "deactivate":
        if current is None:
            raise NotFound()
        credentials.credential_deactivate(actor=request.user, credential_id=current.pk)
        messages.success(request, _("Đã ngừng dùng chữ ký số."))
        return True
    if form is None or not form.is_valid():
        return False
    cd = form.cleaned_data
    try:
        image = signing_forms.read_upload(form, "image")
        if action == "pkcs12":
            credentials.credential_import_pkcs12(
                actor=request.user, owner_user=owner_user, owner_agency=owner_agency,
                p12=signing_forms.read_upload(form, "pkcs12"), pin=cd["pin"], image_png=image,
                image_width_mm=cd.get("image_width_mm"))
            messages.success(request, str(PKCS12_SAVED))
        elif action == "certificate":
            credentials.credential_register_certificate(
                actor=request.user, owner_user=owner_user, owner_agency=owner_agency,
                certificate=signing_forms.read_upload(form, "certificate"),
                custody_mode=cd.get("custody") or "remote", pkcs11_token=cd.get("pkcs11_token") or "",
                pkcs11_key=cd.get("pkcs11_key") or "", image_png=image, image_width_mm=cd.get("image_width_mm"))
            messages.success(request, _("Đã khai báo chứng thư số."))
        elif action == "image":
            if current is None:
                raise NotFound()
            credentials.credential_set_image(actor=request.user, credential_id=current.pk, image_png=image,
                                             image_width_mm=cd.get("image_width_mm"))
            messages.success(request, _("Đã thay ảnh."))
    except ValidationFailed as exc:
        add_domain_errors(form, exc)
        return False
    return True


def _context(credential):
    return {"credential": credential, "expires_in": selectors.expires_soon(credential)}


@login_required
@require_http_methods(["GET", "POST"])
def personal(request):
    current = selectors.credential_for_user(request.user)
    action, forms = _credential_forms(request, agency=False)
    if action:
        try:
            if _handle(request, action, forms, owner_user=request.user, current=current):
                return redirect("signing:personal")
        except PermissionDenied as exc:
            return forbidden(request, exc.message)
    history = selectors.credentials_of_user(request.user).exclude(pk=getattr(current, "pk", None))[:20]
    return render(request, "signing/personal.html", {
        **_context(current), "forms": forms, "action": action, "history": history,
        "manages_agency": selectors.managed_agencies(user=request.user).exists(),
    }, status=422 if action else 200)


@login_required
@require_http_methods(["GET", "POST"])
def agency(request):
    agencies = list(selectors.managed_agencies(user=request.user))
    if not agencies:
        return forbidden(request, str(credentials.AGENCY_MANAGERS_ONLY))
    chosen_id = request.GET.get("co_quan") or (str(agencies[0].pk) if len(agencies) == 1 else None)
    chosen = next((a for a in agencies if str(a.pk) == chosen_id), None)
    context = {"agencies": agencies, "chosen": chosen}
    status = 200
    if chosen is not None:
        current = selectors.credential_for_agency(chosen)
        action, forms = _credential_forms(request, agency=True)
        if action:
            try:
                if _handle(request, action, forms, owner_agency=chosen, current=current):
                    return redirect(f"{request.path}?co_quan={chosen.pk}")
            except PermissionDenied as exc:
                return forbidden(request, exc.message)
            status = 422
        context.update(_context(current), forms=forms, action=action)
    elif request.method == "POST":
        raise Http404
    return render(request, "signing/agency.html", context, status=status)


@login_required
def credential_image(request, credential_id: int):
    credential = Credential.objects.filter(pk=credential_id).only("user_id", "agency_id", "image").first()
    if credential is None or not credential.image or not selectors.credential_may_view_image(
            user=request.user, credential=credential):
        raise Http404
    response = HttpResponse(bytes(credential.image), content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def trust_store(request):
    if not request.user.is_system_admin:
        return forbidden(request, _("Chỉ quản trị hệ thống được quản lý danh sách chứng thư tin cậy."))
    action = request.POST.get("action") if request.method == "POST" else None
    cert_form = signing_forms.TrustedCertificateForm(
        *((request.POST, request.FILES) if action == "certificate" else (None, None)), prefix="ca")
    crl_form = signing_forms.RevocationListForm(
        *((request.POST, request.FILES) if action == "crl" else (None, None)), prefix="crl")
    if action in ("certificate", "crl"):
        form = cert_form if action == "certificate" else crl_form
        if form.is_valid():
            try:
                if action == "certificate":
                    trusted = credentials.trusted_certificate_add(
                        actor=request.user, data=signing_forms.read_upload(form, "certificate"),
                        is_test=form.cleaned_data["is_test"])
                    messages.success(request, TRUSTED_ADDED % {"s": trusted.subject})
                else:
                    credentials.revocation_list_add(actor=request.user, data=signing_forms.read_upload(form, "crl"))
                    messages.success(request, _("Đã tải lên CRL."))
                return redirect("signing:trust_store")
            except ValidationFailed as exc:
                add_domain_errors(form, exc)
    return render(request, "signing/trust_store.html", {
        "trusted": selectors.trusted_certificates(), "crls": selectors.revocation_lists(),
        "cert_form": cert_form, "crl_form": crl_form,
    }, status=422 if action else 200)


@login_required
@require_POST
def trust_toggle(request, trusted_id: int):
    """Stop or resume trusting a CA (``active``), or mark it as a test CA or not (``is_test``)."""
    marking = "is_test" in request.POST
    try:
        if marking:
            trusted = credentials.trusted_certificate_set_test(
                actor=request.user, trusted_id=trusted_id, is_test=request.POST.get("is_test") == "1")
        else:
            trusted = credentials.trusted_certificate_set_active(
                actor=request.user, trusted_id=trusted_id, active=request.POST.get("active") == "1")
    except PermissionDenied as exc:
        return forbidden(request, exc.message)
    except DomainError as exc:
        raise Http404 from exc
    if marking:
        message = (MARKED_AS_TEST_CA if trusted.is_test
                   else _("Đã bỏ đánh dấu CA thử nghiệm: %(s)s"))
    else:
        message = _("Đã dùng lại: %(s)s") if trusted.active else _("Đã ngừng tin cậy: %(s)s")
    messages.success(request, message % {"s": trusted.subject})
    return redirect("signing:trust_store")


urlpatterns = [
    path("ca-nhan/", personal, name="personal"),
    path("co-quan/", agency, name="agency"),
    path("anh/<int:credential_id>/", credential_image, name="credential_image"),
    path("tin-cay/", trust_store, name="trust_store"),
    path("tin-cay/<int:trusted_id>/trang-thai/", trust_toggle, name="trust_toggle"),
]
