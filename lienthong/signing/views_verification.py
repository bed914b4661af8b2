"""Re-verification of a file's signatures on demand (web). Thin: the service checks who may."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lienthong.core.errors import NotFound
from lienthong.signing import verification as signature_verification
from lienthong.signing.models import VerificationStatus, verification_label

# The confirmation users see (the tests use this constant rather than a copy of the text).
REVERIFIED = gettext_lazy("Đã kiểm tra lại chữ ký số: %(s)s.")


@login_required
@require_POST
def file_reverify(request, stored_file_id: int):
    try:
        verification = signature_verification.file_reverify(actor=request.user, stored_file_id=stored_file_id)
    except NotFound:
        raise Http404(_("Không tìm thấy tệp hoặc bạn không có quyền xem.")) from None
    label = verification_label(verification.status, verification.test_authority)
    legal = verification.status == VerificationStatus.VALID and not verification.test_authority
    (messages.success if legal else messages.warning)(
        request, REVERIFIED % {"s": label})
    target = request.POST.get("next") or request.headers.get("referer") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    return redirect(target)


urlpatterns = [
    path("kiem-tra/<int:stored_file_id>/", file_reverify, name="file_reverify"),
]
