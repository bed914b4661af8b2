"""Months typed by people and clients (``YYYY-MM``, ``MM/YYYY``), in one place with one range.

Month arithmetic (next month, twelve months back) past year 9999 raises OverflowError, and a month in year
0 or 9999 is never what anyone meant: months outside ``MIN_YEAR``–``MAX_YEAR`` are refused with a Vietnamese
message, on the web forms and the API alike (the usage dashboard and trend, the public-service figures)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

MIN_YEAR = 2000
MAX_YEAR = 2100
# Formatted with the first and last month allowed, ``01/MIN_YEAR`` and ``12/MAX_YEAR``.
MONTH_OUT_OF_RANGE = _("Tháng phải trong khoảng từ %(first)s đến %(last)s.")


class MonthInput(forms.DateInput):
    """mm/yyyy in a text input, whatever the browser's language (``<input type="month">`` showed "October 2026"
    in English); the calendar of ``static/js/datepicker.js`` offers "Tháng 10/2026" (issue 18)."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"placeholder": "mm/yyyy", "inputmode": "numeric", "autocomplete": "off", "maxlength": "7",
                          "size": "8", "data-datepicker": "month", **(attrs or {})}, format="%m/%Y")


class MonthField(forms.DateField):
    """``YYYY-MM`` (an ``<input type="month">``), ``MM/YYYY`` or a date → the first day of that month, between
    January ``MIN_YEAR`` and December ``MAX_YEAR``."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%m/%Y", "%Y-%m-%d"]
    default_error_messages = {
        "invalid": _("Tháng không hợp lệ (định dạng YYYY-MM, ví dụ 2018-03)."),
        "out_of_range": MONTH_OUT_OF_RANGE,
    }

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range",
                                        params={"first": f"01/{MIN_YEAR}", "last": f"12/{MAX_YEAR}"})
        return value.replace(day=1)


def month_in_range(year: int, month: int) -> dt.date | None:
    """The first day of that month, or None when it is not a month of ``MIN_YEAR``–``MAX_YEAR``."""
    if 1 <= month <= 12 and MIN_YEAR <= year <= MAX_YEAR:
        return dt.date(year, month, 1)
    return None
