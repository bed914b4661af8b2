"""The project's small error vocabulary.

Services raise ``DomainError`` (or ``ValidationFailed`` for field errors) with a translatable
Vietnamese message. Views turn them into form errors, the API into JSON; nothing else catches them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The default messages of the errors below.
INVALID_DATA = _("Dữ liệu không hợp lệ.")
NOT_FOUND_OR_HIDDEN = _("Không tìm thấy hoặc bạn không có quyền truy cập.")
NOT_PERMITTED = _("Bạn không có quyền thực hiện thao tác này.")
WITHDRAWN = _("Văn bản đã bị thu hồi.")


class DomainError(Exception):
    code = "domain_error"
    status = 400

    def __init__(self, message, *, code: str | None = None, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.field = field

    def as_dict(self) -> dict:
        data = {"code": self.code, "message": str(self.message)}
        if self.field:
            data["field"] = self.field
        return data


class ValidationFailed(DomainError):
    """One or more fields are invalid: ``errors`` maps field name to a list of messages."""

    code = "validation_error"
    status = 422

    def __init__(self, errors: dict[str, list]):
        self.errors = {k: [str(m) for m in v] for k, v in errors.items()}
        first = next(iter(self.errors.values()))[0] if self.errors else INVALID_DATA
        super().__init__(first)

    def as_dict(self) -> dict:
        return {"code": self.code, "message": str(self.message), "errors": self.errors}


class NotFound(DomainError):
    """The object does not exist or the caller may not see it: the two are indistinguishable."""

    code = "not_found"
    status = 404

    def __init__(self, message=None):
        super().__init__(message or NOT_FOUND_OR_HIDDEN)


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403

    def __init__(self, message=None):
        super().__init__(message or NOT_PERMITTED)


class Withdrawn(NotFound):
    """A recipient's copy withdrawn after it agreed to a recall (NĐ30 Art. 18.4): its record stays for
    the agency's văn thư and leaders, its files are gone for everyone. A ``NotFound``, so that any
    path that only knows "not found" still refuses it; those that know it answer 410."""

    code = "withdrawn"
    status = 410

    def __init__(self, message=None):
        super().__init__(message or WITHDRAWN)
