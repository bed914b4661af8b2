"""Vietnamese first: the UI language is the one the user chose with the switcher, else Vietnamese.

Django's LocaleMiddleware would follow the browser's Accept-Language header, so a clerk whose
computer runs an English Windows would get English pages. Here only the language cookie set by
/i18n/setlang/ counts.
"""

import json
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DataError
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy

from lienthong.core.error_views import bad_request_response, error_response
from lienthong.core.http import body_too_large_answer

NUL_REFUSED = gettext_lazy("Dữ liệu gửi lên có ký tự NUL (mã 0), không được chấp nhận.")
OUT_OF_RANGE = gettext_lazy("Có giá trị vượt quá giới hạn cho phép (số quá lớn, ngày tháng ngoài phạm vi "
                            "hoặc nội dung quá dài).")


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class RefuseNulBytesMiddleware:
    """Refuses (400, Vietnamese; JSON under /api/) any request with a NUL character in its address, query
    string, cookies, form fields, uploaded file names (Django already drops NUL there) or JSON body (raw
    or as the escape ``\\u0000``).

    No text the system keeps may contain NUL (PostgreSQL refuses it in text columns, so it surfaced as 500s);
    one check here is cheaper and safer than one per field. Listed after the CSRF check, so that the upload
    refusals of ``files.uploads`` keep their own words; the address, query string and cookies are looked
    at before the session is read (``__call__``), the body once the view is known (``process_view``). Other
    bodies (a PDF sent as the request body) are not looked into."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in request.META.get("QUERY_STRING", "") \
                or _any_nul(request.GET.lists()) or _any_nul(request.COOKIES.items()):
            return self.refuse(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in {"GET", "HEAD", "OPTIONS", "TRACE"}:
            return None
        content_type = request.content_type or ""
        if content_type in {"multipart/form-data", "application/x-www-form-urlencoded"}:
            try:
                form, files = request.POST, request.FILES
            except Exception as exc:  # noqa: BLE001 - the parser's own refusals; anything else is re-raised
                return _parser_refusal(request, exc)
            if _any_nul(form.lists()) or any("\x00" in key or "\x00" in (f.name or "")
                                             for key, items in files.lists() for f in items):
                return self.refuse(request)
        elif content_type == "application/json" or content_type.endswith("+json"):
            try:
                body = request.body
            except Exception as exc:  # noqa: BLE001 - re-raised unless Django refused the body
                return _parser_refusal(request, exc)
            if b"\x00" in body or (b"\\u0000" in body and _nul_in_json_text(body)):
                return self.refuse(request)
        return None

    @staticmethod
    def refuse(request):
        return bad_request_response(request, str(NUL_REFUSED))


def _parser_refusal(request, exc):
    """Django refused to read the body: a body over its limit gets the Vietnamese 413, anything else it
    refuses (too many fields, a broken body) the plain 400. A multipart body's own refusals (too many files,
    a kilobyte file name) never get here: ``files.uploads.UploadErrorsMiddleware``, listed before this
    one, has answered them already."""
    if isinstance(exc, RequestDataTooBig):
        return error_response(request, *body_too_large_answer())
    if isinstance(exc, (SuspiciousOperation, MultiPartParserError)):
        return bad_request_response(request)
    raise exc


def _nul_in_json_text(body: bytes) -> bool:
    try:
        return _nul_in_json(json.loads(body))
    except ValueError:
        return False  # not JSON: the view answers 400 for that


def _any_nul(pairs) -> bool:
    for key, values in pairs:
        if "\x00" in key:
            return True
        for value in values if isinstance(values, list) else [values]:
            if "\x00" in value:
                return True
    return False


def _nul_in_json(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any("\x00" in k or _nul_in_json(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_nul_in_json(v) for v in value)
    return False


class OutOfRangeInputMiddleware:
    """The last resort for a value the database cannot hold that no validation caught: a number past the
    64-bit range (SQLite raises OverflowError, PostgreSQL a DataError), a date past year 9999
    (OverflowError), a string too long for its column. It is the client's input, so a 400 with a
    Vietnamese message (JSON under /api/), not a 500; the traceback is still logged as a warning, since the
    field's own validation should have said it first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OverflowError, DataError)):
            return None
        logging.getLogger("lienthong.core").warning("Input out of range on %s %s", request.method, request.path,
                                                    exc_info=exception)
        return error_response(request, 400, "out_of_range", str(OUT_OF_RANGE))
