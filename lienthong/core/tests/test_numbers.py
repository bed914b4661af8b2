"""Numbers typed and shown the Vietnamese way (issue 18: "85,5" came back as "85.5")."""

from decimal import Decimal

import pytest
from django import forms

from lienthong.core.forms import NOT_A_NUMBER, VietnameseDecimalField
from lienthong.core.numbers import parse_number, vietnamese_number


@pytest.mark.parametrize(("typed", "value"), [
    ("85,5", "85.5"), ("85.5", "85.5"), ("85", "85"), ("1.234", "1234"), ("1.234.567", "1234567"),
    ("1.234,5", "1234.5"), ("1,234.5", "1234.5"), (" 1 234,5 ", "1234.5"), ("-3,25", "-3.25"), (",5", "0.5"),
])
def test_what_a_person_types_is_read_as_they_mean_it(typed, value):
    assert parse_number(typed) == Decimal(value)


@pytest.mark.parametrize("typed", ["", "abc", "1,2,3", "12.5.6", "1e5", "NaN", "Infinity", "85,5%", "1.23,4.5"])
def test_what_is_not_a_number_is_none(typed):
    assert parse_number(typed) is None


def test_numbers_are_written_with_dot_thousands_and_comma_decimals():
    assert vietnamese_number(1234.5) == "1.234,5"
    assert vietnamese_number(Decimal("85.50")) == "85,5"
    assert vietnamese_number(1234567) == "1.234.567"
    assert vietnamese_number(12, 2) == "12,00"


class _Form(forms.Form):
    share = VietnameseDecimalField(min_value=0, max_value=100, decimal_places=1)


def test_the_form_field_reads_a_comma_and_shows_it_back_with_a_comma():
    form = _Form({"share": "85,5"})
    assert form.is_valid() and form.cleaned_data["share"] == Decimal("85.5")
    rendered = str(_Form(initial={"share": Decimal("85.5")})["share"])
    assert 'value="85,5"' in rendered and 'type="text"' in rendered and 'inputmode="decimal"' in rendered
    form = _Form({"share": "tám lăm"})
    assert not form.is_valid() and form.errors["share"] == [str(NOT_A_NUMBER)]
    assert 'value="tám lăm"' in str(form["share"])  # what was typed stays, next to the message
    assert not _Form({"share": "1.234"}).is_valid()  # one thousand two hundred and thirty-four: over 100


@pytest.mark.parametrize(("language", "shown"), [("vi", "1.234.567 · 85,5"), ("en", "1,234,567 · 85.5")])
def test_counts_on_pages_are_grouped_by_thousands_the_way_of_the_language(language, shown):
    from django.template import engines
    from django.utils import translation

    template = engines["django"].from_string("{% load humanize %}{{ n|intcomma }} · {{ x|floatformat:'-1' }}")
    with translation.override(language):
        assert template.render({"n": 1234567, "x": 85.5}) == shown
