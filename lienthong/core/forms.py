"""Form helpers shared by every app: showing a service's refusal on a form; numbers typed the Vietnamese way."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.core.errors import DomainError, ValidationFailed


def add_domain_errors(form: forms.BaseForm, exc: DomainError, *, aliases: dict[str, str] | None = None) -> None:
    """Put ``exc`` on ``form``: each message of a ``ValidationFailed`` next to the field it names (``aliases``
    maps a service's field name to the form's), or above the form when the form has no such field; any other
    domain error (state, permission, duplicate) above the form."""
    if not isinstance(exc, ValidationFailed):
        form.add_error(None, str(exc.message))
        return
    for name, messages in exc.errors.items():
        name = (aliases or {}).get(name, name)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


NOT_A_NUMBER = _("Nhập một số, ví dụ 85 hoặc 85,5 (dấu phẩy trước phần thập phân).")


class VietnameseDecimalField(forms.DecimalField):
    """A decimal typed the Vietnamese way ("85,5", "1.234,5"; also "85.5") in a text box that shows it back with
    a comma (``core.widgets.NumberText``), whatever the page's language or the browser's."""

    default_error_messages = {"invalid": NOT_A_NUMBER}

    def __init__(self, **kwargs):
        from lienthong.core.widgets import NumberText

        kwargs.setdefault("widget", NumberText)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {}  # no min/max/step attributes: they belong to a number input, not a text box

    def to_python(self, value):
        from lienthong.core.numbers import parse_number

        if value in self.empty_values:
            return None
        number = parse_number(str(value))
        if number is None or not number.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number
