"""Criteria sets as data: the shipped sets, YAML round trip, and errors that name the line and field."""

import re

import pytest

from lienthong.assessment.criteria import (
    RULE_TYPES,
    CriteriaSetError,
    dump_criteria_set,
    load_criteria_set,
    load_shipped,
)
from lienthong.assessment.criteria import loading as m
from lienthong.assessment.indicators import INDICATORS

BASE = """\
criteria_set:
  code: thu
  name: Bộ thử
  version: 1
  groups:
    - code: so
      name: Sở
      max_points: 10
  classification:
    bands:
      - {label: Tốt, min: 0.8}
      - {label: Yếu, min: 0}
  categories:
    - code: A
      name: Hạ tầng
      points: 10
      criteria:
        - code: A1
          name: Văn bản điện tử
          rule: ratio
          max: 6
          source: indicator:e_doc_share
        - code: A2
          name: Phần mềm
          rule: count_capped
          per_item: 1
          max: 4
"""


def errors_of(text: str) -> list[str]:
    with pytest.raises(CriteriaSetError) as exc:
        load_criteria_set(text)
    return exc.value.errors


def at(line: int, field: str, message) -> str:
    """A problem as the loader reports it: the line, the field, then what is wrong."""
    return m.AT % {"line": line, "field": field, "msg": message}


def fits(template, text: str, **given) -> bool:
    """Whether ``text`` is the message ``template`` with the ``given`` values, whatever the others hold
    (the YAML parser's own wording of a problem)."""
    pattern = re.sub(r"%\\\((\w+)\\\)s",
                     lambda p: re.escape(str(given[p[1]])) if p[1] in given else ".*", re.escape(str(template)))
    return re.fullmatch(pattern, text, re.S) is not None


def test_the_base_example_is_valid():
    cs = load_criteria_set(BASE)
    assert cs.group_maximum("so") == 10
    assert [c.code for _, c in cs.criteria()] == ["A1", "A2"]


@pytest.mark.parametrize("name, groups", [
    ("mic-2017-default", {"so_nganh": 100, "ubnd_huyen": 110, "nganh_doc": 100}),
    ("dti-haugiang-2022", {"so_nganh": 245, "nganh_doc": 245, "ubnd_huyen": 360}),
])
def test_shipped_sets_load_and_round_trip(name, groups):
    cs = load_shipped(name)
    assert {g.code: g.max_points for g in cs.groups} == groups
    assert {g: cs.group_maximum(g) for g in groups} == groups
    assert cs.proposal is True
    text = dump_criteria_set(cs)
    assert load_criteria_set(text) == cs
    assert dump_criteria_set(load_criteria_set(text)) == text


def test_mic_default_has_six_mic_categories_and_commune_criteria_for_districts():
    cs = load_shipped("mic-2017-default")
    assert [c.code for c in cs.categories] == ["A", "B", "C", "D", "E", "F", "G"]
    g = cs.categories[-1]
    assert g.applies_to == ("ubnd_huyen",)
    assert [(b.label, b.min) for b in cs.bands] == [
        ("Xuất sắc", 0.9), ("Tốt", 0.8), ("Khá", 0.7), ("Trung bình", 0.5), ("Yếu", 0)]
    # every point value is flagged as the project's own proposal
    assert all(c.proposal for c in cs.categories)
    assert all(k.proposal for _, k in cs.criteria())


def test_dti_haugiang_follows_the_2022_structure():
    cs = load_shipped("dti-haugiang-2022")
    province = [c for c in cs.categories if "so_nganh" in c.applies_to]
    district = [c for c in cs.categories if "ubnd_huyen" in c.applies_to]
    assert (len(province), sum(len(c.criteria) for c in province)) == (5, 24)
    assert (len(district), sum(len(c.criteria) for c in district)) == (7, 33)
    assert [b.label for b in cs.bands] == ["Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"]
    assert dict(cs.bands[0].min_points) == {"so_nganh": 220, "nganh_doc": 220, "ubnd_huyen": 324}


def test_shipped_sets_use_only_known_rules_and_indicators():
    for name in ("mic-2017-default", "dti-haugiang-2022"):
        for _, crit in load_shipped(name).criteria():
            assert crit.rule in RULE_TYPES
            assert crit.indicator_key is None or crit.indicator_key in INDICATORS


def test_category_points_not_adding_up_name_line_and_field():
    errors = errors_of(BASE.replace("          max: 6\n", "          max: 5\n"))
    assert at(16, "points", m.CATEGORY_SUM % {"sum": "9", "c": "A", "points": "10"}) in errors
    assert at(8, "max_points", m.GROUP_SUM % {"total": "9", "g": "so", "max": "10"}) in errors


def test_group_maximum_not_matching_categories():
    errors = errors_of(BASE.replace("max_points: 10", "max_points: 12"))
    assert errors == [at(8, "max_points", m.GROUP_SUM % {"total": "10", "g": "so", "max": "12"})]


def test_unknown_rule_type():
    (error,) = errors_of(BASE.replace("rule: ratio\n", "rule: ti_le\n"))
    assert error == at(20, "rule", m.UNKNOWN_RULE % {"rule": "ti_le", "rules": ", ".join(RULE_TYPES)})


def test_unknown_indicator_key():
    (error,) = errors_of(BASE.replace("indicator:e_doc_share", "indicator:e_mail_share"))
    assert error == at(22, "source", m.UNKNOWN_INDICATOR % {"k": "e_mail_share"})


def test_indicator_keys_can_be_passed_in():
    with pytest.raises(CriteriaSetError):
        load_criteria_set(BASE, indicators={})


def test_unknown_source_kind():
    (error,) = errors_of(BASE.replace("indicator:e_doc_share", "excel"))
    assert error == at(22, "source", m.BAD_SOURCE % {"s": "excel"})


def test_ratio_outside_zero_one():
    (error,) = errors_of(BASE.replace("min: 0.8", "min: 1.2"))
    assert error == at(11, "min", m.OUTSIDE_ZERO_ONE % {"what": m.WHAT_THRESHOLD, "v": "1,2"})
    text = BASE.replace("rule: ratio\n", "rule: target_ratio\n          target: 1.5\n")
    (error,) = errors_of(text)
    assert error == at(21, "target", m.OUTSIDE_ZERO_ONE % {"what": m.WHAT_TARGET_RATIO, "v": "1,5"})


def test_negative_count():
    (error,) = errors_of(BASE.replace("per_item: 1", "per_item: -1"))
    assert error == at(26, "per_item", m.NEGATIVE % {"what": m.WHAT_PER_ITEM, "v": "-1"})
    steps = BASE.replace("rule: count_capped\n          per_item: 1\n",
                         "rule: steps\n          steps: [{min: -1, points: 4}]\n")
    (error,) = errors_of(steps)
    assert error == at(26, "min", m.NEGATIVE % {"what": m.WHAT_THRESHOLD, "v": "-1"})


def test_duplicate_codes():
    (error,) = errors_of(BASE.replace("code: A2", "code: A1"))
    assert error == at(23, "code", m.DUPLICATE_CODE % {"what": m.WHAT_CRITERION, "code": "A1", "line": 18})


def test_unknown_group_and_unknown_field():
    text = BASE.replace("      points: 10\n", "      points: 10\n      applies_to: [huyen]\n      diem: 3\n")
    errors = errors_of(text)
    assert at(17, "applies_to", m.UNKNOWN_CODE % {"what": m.WHAT_UNIT_GROUP, "x": "huyen"}) in errors
    assert at(18, "diem", m.FIELD_NOT_SUPPORTED % {"where": "categories"}) in errors


def test_all_errors_are_reported_at_once():
    text = (BASE.replace("rule: ratio\n", "rule: ti_le\n").replace("per_item: 1", "per_item: -1")
            .replace("code: A2", "code: A1").replace("min: 0.8", "min: 1.2"))
    errors = errors_of(text)
    places = [(11, "min"), (20, "rule"), (23, "code"), (26, "per_item")]
    assert all(e.startswith(at(line, field, "")) for e, (line, field) in zip(errors, places, strict=True))


def test_rule_parameters_are_required_and_checked():
    errors = errors_of(BASE.replace("          per_item: 1\n", ""))
    assert errors == [at(25, "per_item", m.PER_ITEM_REQUIRED)]
    (error,) = errors_of(BASE.replace("rule: ratio\n", "rule: ratio\n          per_item: 2\n"))
    assert error == at(21, "per_item", m.NOT_FOR_RULE % {"rule": "ratio"})
    steps = BASE.replace("rule: count_capped\n          per_item: 1\n",
                         "rule: steps\n          steps: [{min: 2, points: 9}]\n")
    (error,) = errors_of(steps)
    assert error == at(26, "points", m.ABOVE % {"what": m.WHAT_STEP_POINTS, "v": "9", "hi": "4"})


def test_broken_yaml_names_the_line():
    (error,) = errors_of(BASE.replace("  name: Bộ thử\n", "  name: [Bộ thử\n"))
    assert fits(m.YAML_UNREADABLE, error)


def test_yaml_tags_are_not_constructed():
    (error,) = errors_of("criteria_set: !!python/object/apply:os.system ['true']\n")
    assert error == at(1, "criteria_set", m.NOT_A_MAPPING)


def test_python_tags_inside_values_are_refused():
    errors = errors_of(BASE.replace("  name: Bộ thử\n", "  name: !!python/object/apply:os.system ['true']\n"))
    assert fits(m.VALUE_UNREADABLE, errors[-1], line=3)
