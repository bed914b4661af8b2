"""A yes/no criterion reads "Yes" / "No" in English, never "None" (the plain "Không" means "None")."""

from __future__ import annotations

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import translation

from lienthong.assessment.views import campaigns, self_assessments
from lienthong.core.tests.test_i18n import compiled_messages  # noqa: F401  (fixture: the .mo files exist)

BOOLEAN = SimpleNamespace(code="C1", rule="boolean", value_kind="", steps=[], options=[], steps_are_choices=False)


def test_yes_no_values_in_both_languages(compiled_messages):  # noqa: F811
    with translation.override("en"):
        assert [self_assessments._display(BOOLEAN, v) for v in (True, False)] == ["Yes", "No"]
        assert [campaigns._show_value(BOOLEAN, v) for v in (True, False)] == ["Yes", "No"]
        html = render_to_string("assessment/self_value_input.html", {"i": {"kind": "boolean", "crit": BOOLEAN}})
        assert ">Yes</option>" in html and ">No</option>" in html
    with translation.override("vi"):
        assert [self_assessments._display(BOOLEAN, v) for v in (True, False)] == ["Có", "Không"]
        assert [campaigns._show_value(BOOLEAN, v) for v in (True, False)] == ["Có", "Không"]


def test_scoring_errors_follow_the_language(compiled_messages):  # noqa: F811
    import pytest

    from lienthong.assessment.engine import ScoringInputError, weighted_index

    # Spelled out, not built from the message constants: what is checked is each language's wording.
    for language, expected in (("vi", "Chỉ số 'a': giá trị 1,5 nằm ngoài khoảng 0–1."),
                               ("en", "Indicator 'a': value 1,5 is outside the range 0–1.")):
        with translation.override(language), pytest.raises(ScoringInputError) as exc:
            weighted_index({"a": 1.5}, {"a": 1.0})
        assert exc.value.errors == [expected]


def test_criteria_set_errors_follow_the_language(compiled_messages):  # noqa: F811
    from lienthong.assessment.tests.test_criteria import BASE, errors_of

    bad = BASE.replace("min: 0.8", "min: 1.2")
    # Spelled out, not built from the message constants: what is checked is each language's wording.
    with translation.override("en"):
        assert errors_of(bad) == ["Line 11, field 'min': threshold 1,2 is outside the range 0–1."]
    with translation.override("vi"):
        assert errors_of(bad) == ["Dòng 11, trường 'min': ngưỡng 1,2 nằm ngoài khoảng 0–1."]
