"""The JSON API under /api/: one NinjaAPI, bearer tokens, and the one place where errors become JSON.

Every error answer has the same shape, in Vietnamese (the project's source language)::

    {"code": "validation_error", "message": "<first message>", "errors": {"<field>": ["<message>", ...]}}

``errors`` is present for 422 only. Domain errors carry their own HTTP status (``DomainError.status``);
pydantic's English messages are replaced by Vietnamese ones keyed on the error type, keeping the
field path. Interactive documentation is at /api/docs, the schema at /api/openapi.json (which is why
the documents resource is ``/documents``, not ``/docs``).
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as RequestValidationError
from ninja.security import HttpBearer

from lienthong.accounts import services as account_services
from lienthong.accounts.http import client_ip, known_device
from lienthong.agencies.api import router as agencies_router
from lienthong.assessment.api import router as assessment_router
from lienthong.copies.api import router as copies_router
from lienthong.core.errors import DomainError, NotFound
from lienthong.delivery.api import router as delivery_router
from lienthong.documents.api import router as documents_router
from lienthong.drafting.api import router as drafting_router
from lienthong.drafting.api_signing import router as signing_router
from lienthong.exchange.api import router as exchange_router
from lienthong.feedback.api import router as feedback_router
from lienthong.files.uploads import PARSER_ERRORS, parser_error_answer
from lienthong.followup.api import router as followup_router
from lienthong.oversight.api import router as oversight_router
from lienthong.processing.api import router as processing_router
from lienthong.publicservices.api import router as publicservices_router
from lienthong.records.api import router as records_router
from lienthong.records.disposal_api import router as records_disposal_router
from lienthong.signing.api_verification import router as verification_router
from lienthong.web.api import router as web_router


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` with a token from POST /api/auth/token."""

    def authenticate(self, request, token: str):
        if not token:
            return None
        row = account_services.api_token_find(token=token.strip())
        if row is None:
            return None
        request.user = row.user  # code shared with the web views reads request.user
        request.api_token_id = row.pk  # DELETE /auth/token revokes this one
        return row.user


api = NinjaAPI(
    title="Liên Thông API",
    version="1",
    description=(
        "API quản lý văn bản liên thông. Lấy mã truy cập bằng POST /api/auth/token, rồi gửi tiêu đề "
        "Authorization: Bearer <mã>. Lỗi trả về dạng {code, message, errors} bằng tiếng Việt."
    ),
    urls_namespace="api",
    auth=BearerToken(),
)


# --- Authentication --------------------------------------------------------------------------------

class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_in_days: int


class ErrorOut(Schema):
    code: str
    message: str


@api.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 429: ErrorOut}, tags=["Xác thực"],
          url_name="auth_token", summary="Lấy mã truy cập (token)")
def auth_token(request, credentials: TokenIn):
    """Exchange a user name and password for a bearer token, valid for at most ``expires_in_days`` and
    ended earlier by a password change, a deactivation or DELETE /api/auth/token. Repeated failures
    make the next try wait (429 with Retry-After, at most a minute by default)."""
    ip = client_ip(request)
    user = account_services.user_authenticate(request=request, username=credentials.username,
                                              password=credentials.password, ip=ip,
                                              device=known_device(request, credentials.username))
    if user is None:
        return Status(401, {"code": "invalid_credentials", "message": _("Tên đăng nhập hoặc mật khẩu không đúng.")})
    token = account_services.api_token_issue(user=user, user_agent=request.META.get("HTTP_USER_AGENT", ""), ip=ip)
    return {"token": token, "expires_in_days": settings.API_TOKEN_TTL_DAYS}


@api.delete("/auth/token", response={204: None}, tags=["Xác thực"], url_name="auth_token_revoke",
            summary="Thu hồi mã truy cập đang dùng")
def auth_token_revoke(request):
    """Revoke the token this request is authenticated with; the caller's other tokens keep working."""
    account_services.api_token_revoke(user=request.auth, token_id=request.api_token_id)
    return Status(204, None)


api.add_router("", agencies_router)
api.add_router("", web_router)  # documents: list and search, detail, incoming
api.add_router("", documents_router)
api.add_router("", copies_router)
api.add_router("", records_disposal_router)  # before records_router: /dossiers/statistics, /dossiers/dispose
api.add_router("", records_router)
api.add_router("", drafting_router)
api.add_router("", delivery_router)
api.add_router("", processing_router)
api.add_router("", signing_router)
api.add_router("", verification_router)
api.add_router("", assessment_router)
api.add_router("", oversight_router)
api.add_router("", publicservices_router)
api.add_router("", feedback_router)
api.add_router("", followup_router)
api.add_router("", exchange_router)  # signed by partner systems (HMAC), not by bearer tokens


# --- Errors ------------------------------------------------------------------------------------------

def _error(request, status: int, code: str, message, *, errors: dict | None = None, headers: dict | None = None):
    body = {"code": code, "message": str(message)}
    if errors is not None:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    response = api.create_response(request, exc.as_dict(), status=exc.status)
    if isinstance(exc, account_services.LoginLocked):
        response["Retry-After"] = str(exc.retry_after)
    return response


# Vietnamese text for the pydantic error types a client can trigger; ``ctx`` values fill the blanks.
VALIDATION_MESSAGES = {
    "missing": gettext_lazy("Trường bắt buộc."),
    "string_type": gettext_lazy("Phải là chuỗi ký tự."),
    "string_too_short": gettext_lazy("Cần ít nhất %(min_length)s ký tự."),
    "string_too_long": gettext_lazy("Tối đa %(max_length)s ký tự."),
    "string_pattern_mismatch": gettext_lazy("Sai định dạng."),
    "int_type": gettext_lazy("Phải là số nguyên."),
    "int_parsing": gettext_lazy("Phải là số nguyên."),
    "int_from_float": gettext_lazy("Phải là số nguyên."),
    "int_parsing_size": gettext_lazy("Số quá lớn."),
    "float_type": gettext_lazy("Phải là số."),
    "float_parsing": gettext_lazy("Phải là số."),
    "decimal_parsing": gettext_lazy("Phải là số."),
    "bool_type": gettext_lazy("Phải là giá trị đúng/sai (true/false)."),
    "bool_parsing": gettext_lazy("Phải là giá trị đúng/sai (true/false)."),
    "date_type": gettext_lazy("Ngày không hợp lệ (định dạng YYYY-MM-DD, ví dụ 2018-03-05)."),
    "date_parsing": gettext_lazy("Ngày không hợp lệ (định dạng YYYY-MM-DD, ví dụ 2018-03-05)."),
    "date_from_datetime_parsing": gettext_lazy("Ngày không hợp lệ (định dạng YYYY-MM-DD, ví dụ 2018-03-05)."),
    "date_from_datetime_inexact": gettext_lazy("Ngày không hợp lệ: chỉ ghi ngày, không ghi giờ."),
    "datetime_type": gettext_lazy("Thời điểm không hợp lệ (định dạng ISO 8601)."),
    "datetime_parsing": gettext_lazy("Thời điểm không hợp lệ (định dạng ISO 8601)."),
    "datetime_from_date_parsing": gettext_lazy("Thời điểm không hợp lệ (định dạng ISO 8601)."),
    "greater_than": gettext_lazy("Phải lớn hơn %(gt)s."),
    "greater_than_equal": gettext_lazy("Phải lớn hơn hoặc bằng %(ge)s."),
    "less_than": gettext_lazy("Phải nhỏ hơn %(lt)s."),
    "less_than_equal": gettext_lazy("Phải nhỏ hơn hoặc bằng %(le)s."),
    "literal_error": gettext_lazy("Giá trị không hợp lệ; chọn một trong: %(expected)s."),
    "enum": gettext_lazy("Giá trị không hợp lệ; chọn một trong: %(expected)s."),
    "list_type": gettext_lazy("Phải là một danh sách."),
    "too_short": gettext_lazy("Cần ít nhất %(min_length)s phần tử."),
    "too_long": gettext_lazy("Tối đa %(max_length)s phần tử."),
    "dict_type": gettext_lazy("Phải là một đối tượng JSON."),
    "model_type": gettext_lazy("Phải là một đối tượng JSON."),
    "model_attributes_type": gettext_lazy("Phải là một đối tượng JSON."),
    "json_invalid": gettext_lazy("Dữ liệu JSON không hợp lệ."),
    "json_type": gettext_lazy("Dữ liệu JSON không hợp lệ."),
    "extra_forbidden": gettext_lazy("Trường không được chấp nhận."),
    "uuid_parsing": gettext_lazy("Mã UUID không hợp lệ."),
    "url_parsing": gettext_lazy("Địa chỉ URL không hợp lệ."),
}
# Where the value came from, to name a field that has no path of its own.
_SOURCE_NAMES = {"body": "body", "query": "query", "path": "path", "form": "form", "file": "files"}


def validation_message(error: dict) -> str:
    """One Vietnamese message for one pydantic error dict (``type``, ``loc``, ``ctx``)."""
    kind = error.get("type", "")
    ctx = dict(error.get("ctx") or {})
    if kind == "missing" and error.get("loc", ("",))[0] == "file":
        return _("Cần đính kèm ít nhất một tệp.")
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])
    template = VALIDATION_MESSAGES.get(kind)
    if template is None:
        return _("Giá trị không hợp lệ.")
    if "expected" in ctx:
        ctx["expected"] = str(ctx["expected"]).replace(" or ", ", ")
    try:
        return str(template) % ctx
    except (KeyError, TypeError, ValueError):
        return str(template).split("%", 1)[0].rstrip(" :;") + "."


def validation_field(loc) -> str:
    """"issued_on" from ("form", "issued_on"); "password" from ("body", "credentials", "password").

    Ninja puts the name of the view's body parameter after "body"; clients never see that name, so
    it is dropped when a field path follows it.
    """
    loc = tuple(loc or ())
    source, path = (loc[0], loc[1:]) if loc else ("", ())
    if source == "body" and len(path) > 1:
        path = path[1:]
    return ".".join(str(p) for p in path) or _SOURCE_NAMES.get(source, "non_field")


@api.exception_handler(RequestValidationError)
def on_request_validation_error(request, exc: RequestValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(validation_field(error.get("loc")), []).append(validation_message(error))
    first = next(iter(errors.values()))[0] if errors else _("Dữ liệu không hợp lệ.")
    return _error(request, 422, "validation_error", first, errors=errors)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return _error(request, 401, "not_authenticated",
                  _("Thiếu hoặc sai mã truy cập. Gửi tiêu đề Authorization: Bearer <mã> lấy từ /api/auth/token."),
                  headers={"WWW-Authenticate": 'Bearer realm="api"'})


@api.exception_handler(Throttled)
def on_throttled(request, exc: Throttled):
    headers = {"Retry-After": str(exc.wait)} if exc.wait else {}
    return _error(request, 429, "throttled", _("Quá nhiều yêu cầu. Vui lòng thử lại sau."), headers=headers)


# Ninja raises HttpError with English text (an unreadable body, for one); answer by status instead.
_HTTP_ERRORS = {
    400: ("bad_request", gettext_lazy("Không đọc được nội dung yêu cầu (JSON không hợp lệ).")),
    403: ("permission_denied", gettext_lazy("Bạn không có quyền thực hiện thao tác này.")),
    405: ("method_not_allowed", gettext_lazy("Phương thức không được hỗ trợ.")),
    413: ("too_large", gettext_lazy("Yêu cầu quá lớn.")),
}


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    code, message = _HTTP_ERRORS.get(exc.status_code, ("http_error", gettext_lazy("Yêu cầu không hợp lệ.")))
    return _error(request, exc.status_code, code, message)


JSON_BODY_EXPECTED = gettext_lazy("Thao tác này nhận nội dung JSON: gửi với tiêu đề Content-Type: application/json, "
                                  "không gửi dạng biểu mẫu (multipart/form-data).")


@api.exception_handler(RawPostDataException)
def on_form_where_json_is_expected(request, exc):
    """A multipart form sent to an operation that reads a JSON body: Django consumed the body reading the form
    (the NUL check looks into every form), so the body cannot be read again."""
    return _error(request, 415, "unsupported_media_type", JSON_BODY_EXPECTED)


def on_upload_parser_error(request, exc):
    """Django's multipart parser refused the body (too many files, a kilobyte file name, too big)."""
    status, code, message = parser_error_answer(exc)
    return _error(request, status, code, message)


for _parser_error in PARSER_ERRORS:
    api.add_exception_handler(_parser_error, on_upload_parser_error)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, NotFound().as_dict(), status=404)
