"""Date inputs that read and write dd/mm/yyyy whatever the browser's language (issue 18).

``<input type="date">`` shows the browser's own format: "12/07/2026" for 7 December in a browser set to English,
next to the dd/mm dates everywhere else. ``DayInput`` is a text input holding dd/mm/yyyy (the forms also accept
yyyy-mm-dd, ``lienthong/formats``); the small calendar of ``static/js/datepicker.js`` (Vietnamese month names,
Monday first) opens on it. Without the script it is still a plain text box with the format as placeholder."""

from __future__ import annotations

from django import forms

DAY_FORMAT = "%d/%m/%Y"


class DayInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off",
                          "maxlength": "10", "size": "10", "data-datepicker": "day", **(attrs or {})},
                         format=DAY_FORMAT)


class NumberText(forms.TextInput):
    """A number typed and shown the Vietnamese way ("85,5", "1.234,5"), whatever the browser's language:
    ``<input type="number">`` refuses a comma in some browsers and shows "85.5" back. Paired with
    ``core.forms.VietnameseDecimalField``."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", "size": "8", **(attrs or {})})

    def format_value(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, str):
            return value  # what the person typed, shown back as typed (with the error next to it)
        from lienthong.core.numbers import vietnamese_number

        return vietnamese_number(value)
