import datetime as dt

from django import forms
from django.utils import translation


class DateForm(forms.Form):
    day = forms.DateField()


def test_dates_are_read_day_first_in_both_languages():
    for lang in ("vi", "en"):
        with translation.override(lang):
            form = DateForm({"day": "10/03/2018"})
            assert form.is_valid(), form.errors
            assert form.cleaned_data["day"] == dt.date(2018, 3, 10)
