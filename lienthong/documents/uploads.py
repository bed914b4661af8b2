"""Uploads that Django's request parser itself refuses, answered in Vietnamese.

Django reads a multipart body lazily and raises while reading it: ``TooManyFilesSent`` past
``DATA_UPLOAD_MAX_NUMBER_FILES``, ``RequestDataTooBig`` past ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (form
fields, not files) and ``MultiPartParserError`` for a part whose headers exceed 1 kB, which in
practice is a file name of several hundred characters. For a web form the CSRF check is the first to
read the body, so the error never reaches the view; ``UploadErrorsMiddleware`` (listed just before
``CsrfViewMiddleware``) reads it first and answers with the 400 page and a message that says what to
do. Routed API views read the body themselves; ``lienthong.api`` answers there with the same words,
as JSON. The app's own, lower limits (``UPLOAD_MAX_FILES``, ``files.MAX_FILENAME_CHARS``) are checked
with the other upload checks and shown next to the field.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http.multipartparser import MultiPartParserError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from lienthong.documents import files as file_store

PARSER_ERRORS = (TooManyFilesSent, RequestDataTooBig, MultiPartParserError)


def parser_error_answer(exc: Exception) -> tuple[int, str, str]:
    """(HTTP status, code, Vietnamese message) for an exception of ``PARSER_ERRORS``."""
    if isinstance(exc, TooManyFilesSent):
        return 400, "upload_too_many_files", _(
            "Quá nhiều tệp trong một lần gửi: tối đa %(limit)s tệp; hãy chia thành nhiều lần gửi."
        ) % {"limit": file_store.upload_max_files()}
    if isinstance(exc, RequestDataTooBig):
        return 413, "upload_too_large", _(
            "Dữ liệu gửi lên quá lớn: phần nội dung ngoài tệp đính kèm vượt %(limit)s."
        ) % {"limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}
    if "header size" in str(exc):
        return 400, "upload_name_too_long", _(
            "Tên tệp quá dài: hãy đổi tên tệp ngắn hơn (tối đa %(limit)s ký tự) rồi gửi lại."
        ) % {"limit": file_store.MAX_FILENAME_CHARS}
    return 400, "upload_unreadable", _("Dữ liệu tải lên bị lỗi, không đọc được; hãy gửi lại.")


class UploadErrorsMiddleware:
    """Reads a multipart POST before the CSRF check does, to answer parser refusals in Vietnamese."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or not request.content_type.startswith("multipart/"):
            return None
        if getattr(view_func, "csrf_exempt", False):  # API views read the body themselves (lienthong.api)
            return None
        try:
            request.POST  # noqa: B018 - parsing is the point
        except PARSER_ERRORS as exc:
            from lienthong.core.error_views import error_response

            return error_response(request, *parser_error_answer(exc))
        return None
