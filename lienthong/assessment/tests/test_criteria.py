"""Criteria sets as data: the shipped sets, YAML round trip, and errors that name the line and field."""

import pytest

from lienthong.assessment.criteria import (
    RULE_TYPES,
    CriteriaSetError,
    dump_criteria_set,
    load_criteria_set,
    load_shipped,
)
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
    assert "Dòng 16, trường 'points': tổng điểm tối đa các tiêu chí (9) khác điểm của nhóm tiêu chí 'A' (10)." in errors
    assert ("Dòng 8, trường 'max_points': tổng điểm các nhóm tiêu chí (9) khác điểm tối đa của nhóm đơn vị "
            "'so' (10).") in errors


def test_group_maximum_not_matching_categories():
    errors = errors_of(BASE.replace("max_points: 10", "max_points: 12"))
    assert errors == ["Dòng 8, trường 'max_points': tổng điểm các nhóm tiêu chí (10) khác điểm tối đa của nhóm "
                      "đơn vị 'so' (12)."]


def test_unknown_rule_type():
    (error,) = errors_of(BASE.replace("rule: ratio\n", "rule: ti_le\n"))
    assert error.startswith("Dòng 20, trường 'rule': loại quy tắc chấm 'ti_le' không được hỗ trợ")


def test_unknown_indicator_key():
    (error,) = errors_of(BASE.replace("indicator:e_doc_share", "indicator:e_mail_share"))
    assert error == "Dòng 22, trường 'source': mã chỉ số tự động 'e_mail_share' không tồn tại."


def test_indicator_keys_can_be_passed_in():
    with pytest.raises(CriteriaSetError):
        load_criteria_set(BASE, indicators={})


def test_unknown_source_kind():
    (error,) = errors_of(BASE.replace("indicator:e_doc_share", "excel"))
    assert error.startswith("Dòng 22, trường 'source': nguồn dữ liệu 'excel' không hợp lệ")


def test_ratio_outside_zero_one():
    (error,) = errors_of(BASE.replace("min: 0.8", "min: 1.2"))
    assert error == "Dòng 11, trường 'min': ngưỡng 1,2 nằm ngoài khoảng 0–1."
    text = BASE.replace("rule: ratio\n", "rule: target_ratio\n          target: 1.5\n")
    (error,) = errors_of(text)
    assert error == "Dòng 21, trường 'target': chỉ tiêu tỷ lệ 1,5 nằm ngoài khoảng 0–1."


def test_negative_count():
    (error,) = errors_of(BASE.replace("per_item: 1", "per_item: -1"))
    assert error == "Dòng 26, trường 'per_item': điểm mỗi mục -1 không được âm."
    steps = BASE.replace("rule: count_capped\n          per_item: 1\n",
                         "rule: steps\n          steps: [{min: -1, points: 4}]\n")
    (error,) = errors_of(steps)
    assert error == "Dòng 26, trường 'min': ngưỡng -1 không được âm."


def test_duplicate_codes():
    (error,) = errors_of(BASE.replace("code: A2", "code: A1"))
    assert error == "Dòng 23, trường 'code': mã tiêu chí 'A1' trùng với mã ở dòng 18."


def test_unknown_group_and_unknown_field():
    text = BASE.replace("      points: 10\n", "      points: 10\n      applies_to: [huyen]\n      diem: 3\n")
    errors = errors_of(text)
    assert "Dòng 17, trường 'applies_to': mã nhóm đơn vị 'huyen' không có trong bộ tiêu chí." in errors
    assert "Dòng 18, trường 'diem': trường không được hỗ trợ trong categories." in errors


def test_all_errors_are_reported_at_once():
    text = (BASE.replace("rule: ratio\n", "rule: ti_le\n").replace("per_item: 1", "per_item: -1")
            .replace("code: A2", "code: A1").replace("min: 0.8", "min: 1.2"))
    errors = errors_of(text)
    assert [e.split(",")[0] for e in errors] == ["Dòng 11", "Dòng 20", "Dòng 23", "Dòng 26"]
    assert all(e.startswith("Dòng ") for e in errors)


def test_rule_parameters_are_required_and_checked():
    errors = errors_of(BASE.replace("          per_item: 1\n", ""))
    assert errors == ["Dòng 25, trường 'per_item': quy tắc 'count_capped' cần số điểm mỗi mục (per_item)."]
    (error,) = errors_of(BASE.replace("rule: ratio\n", "rule: ratio\n          per_item: 2\n"))
    assert error == "Dòng 21, trường 'per_item': trường này không dùng với quy tắc 'ratio'."
    steps = BASE.replace("rule: count_capped\n          per_item: 1\n",
                         "rule: steps\n          steps: [{min: 2, points: 9}]\n")
    (error,) = errors_of(steps)
    assert error == "Dòng 26, trường 'points': điểm của bậc 9 vượt quá 4."


def test_broken_yaml_names_the_line():
    (error,) = errors_of(BASE.replace("  name: Bộ thử\n", "  name: [Bộ thử\n"))
    assert error.startswith("Dòng ")
    assert "tệp YAML không đọc được" in error


def test_yaml_tags_are_not_constructed():
    (error,) = errors_of("criteria_set: !!python/object/apply:os.system ['true']\n")
    assert error.startswith("Dòng 1")


def test_python_tags_inside_values_are_refused():
    errors = errors_of(BASE.replace("  name: Bộ thử\n", "  name: !!python/object/apply:os.system ['true']\n"))
    assert errors[-1].startswith("Dòng 3, trường '(tệp)': giá trị không đọc được")
