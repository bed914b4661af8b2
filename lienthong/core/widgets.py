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
