"""The error answers of the whole site (``handler400/403/404/500`` in ``lienthong/urls.py`` and the CSRF
failure view): Vietnamese pages in the site's layout, or JSON ``{code, message}`` under /api/, never Django's
debug pages. The API's own exception handlers (``lienthong/api.py``) answer the errors raised inside routed
API views; these cover the rest (an unknown /api/ address, an uncaught exception, a refused host).

A 500 carries a short reference (page, JSON and the ``X-Request-Reference`` header): the request id
(``core.request_id``), which is also in the ``X-Request-ID`` header, on every log line of the request, in the
log line of the error (``RequestReferenceFilter``) and on the error record the administrator sees
(``monitoring``), so a user's report can be matched with the traceback. When the cause is the database being
out of reach (restarting, a network cut: ``database_unreachable``), the answer is 503 with Retry-After instead,
telling the user to check before sending a form again (a registration may have been committed before the
session could be saved)."""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext_lazy

from lienthong.core import request_id as request_ids
from lienthong.core.errors import NOT_PERMITTED

API_PREFIX = "/api/"

BAD_REQUEST = gettext_lazy("Yêu cầu không hợp lệ.")
ADDRESS_NOT_FOUND = gettext_lazy("Không tìm thấy địa chỉ này.")
SERVER_ERROR = gettext_lazy("Đã xảy ra lỗi ở máy chủ. Vui lòng thử lại sau hoặc báo cho quản trị hệ thống "
                            "kèm mã tham chiếu.")
DATABASE_UNAVAILABLE = gettext_lazy("Hệ thống tạm thời không kết nối được cơ sở dữ liệu. Vui lòng thử lại sau ít "
                                    "phút; nếu vừa gửi biểu mẫu, hãy kiểm tra xem dữ liệu đã được lưu chưa trước "
                                    "khi gửi lại.")
RETRY_AFTER_SECONDS = 30
CSRF_FAILED = gettext_lazy("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang rồi gửi lại.")


def is_api(request) -> bool:
    return (getattr(request, "path_info", "") or "").startswith(API_PREFIX)


def json_error(status: int, code: str, message, **extra) -> JsonResponse:
    return JsonResponse({"code": code, "message": str(message), **extra}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def plain_page(template: str, status: int, context: dict | None = None) -> HttpResponse:
    """A page rendered without the request: no context processor runs, so no database or session access."""
    return HttpResponse(loader.get_template(template).render(context or {}), status=status)


def bad_request_response(request, message=None) -> HttpResponse:
    """The 400 answer, with the reason when there is one worth telling."""
    if is_api(request):
        return json_error(400, "bad_request", message or BAD_REQUEST)
    return plain_page("400.html", 400, {"message": message})


def bad_request(request, exception=None):
    if database_unreachable(exception):  # the session could not be saved: SessionInterrupted from a DatabaseError
        return database_unavailable(request)
    return bad_request_response(request)


def database_unreachable(exception) -> bool:
    """The exception is, or was raised while handling, a failure to reach the database (OperationalError,
    InterfaceError: a restart, a network cut, a connection killed by the server)."""
    seen = set()
    while exception is not None and id(exception) not in seen:
        if isinstance(exception, OperationalError | InterfaceError):
            return True
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return False


def database_unavailable(request) -> HttpResponse:
    """503 with Retry-After: the page (or JSON) says to try again shortly, and to check a form before resending."""
    reference = (getattr(request, "error_reference", None) or getattr(request, "request_id", None)
                 or request_ids.current() or request_ids.new_id())
    request.error_reference = reference
    if is_api(request):
        response = json_error(503, "database_unavailable", DATABASE_UNAVAILABLE, reference=reference)
    else:
        response = plain_page("503.html", 503, {"message": DATABASE_UNAVAILABLE, "reference": reference})
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["X-Request-Reference"] = reference
    return response


def permission_denied(request, exception=None):
    message = str(NOT_PERMITTED)
    if is_api(request):
        return json_error(403, "permission_denied", message)
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request, exception=None):
    if is_api(request):
        return json_error(404, "not_found", ADDRESS_NOT_FOUND)
    return render(request, "404.html", status=404)


def server_error(request):
    if database_unreachable(sys.exc_info()[1]):  # Django calls this handler while handling the exception
        return database_unavailable(request)
    reference = getattr(request, "request_id", None) or request_ids.current() or request_ids.new_id()
    request.error_reference = reference  # read by RequestReferenceFilter when Django logs the error
    if is_api(request):
        response = json_error(500, "server_error", SERVER_ERROR, reference=reference)
    else:
        response = plain_page("500.html", 500, {"reference": reference, "path": getattr(request, "path", "")})
    response["X-Request-Reference"] = reference
    return response


def csrf_failure(request, reason=""):
    message = str(CSRF_FAILED)
    if is_api(request):
        return json_error(403, "csrf_failed", message)
    return render(request, "403.html", {"message": message}, status=403)


class RequestReferenceFilter(logging.Filter):
    """Adds the reference shown to the user to the log line of a server error (``django.request``)."""

    def filter(self, record):
        reference = getattr(getattr(record, "request", None), "error_reference", None)
        if reference and not getattr(record, "_reference_added", False):
            record.msg = f"{record.msg} [reference {reference}]"
            record._reference_added = True
        return True


def error_response(request, status: int, code: str, message) -> HttpResponse:
    """Any 4xx with its reason: JSON under /api/, else the 400 page's frame with the message."""
    if is_api(request):
        return json_error(status, code, message)
    return plain_page("400.html", status, {"message": message})
