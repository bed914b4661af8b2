"""Scoring engine: rule types, rescaling, missing values, ties, classes, year-on-year change, DTI."""

import pytest

from lienthong.assessment import engine
from lienthong.assessment.criteria import (
    Band,
    Category,
    CriteriaSet,
    Criterion,
    Group,
    Option,
    Step,
    dump_criteria_set,
    load_criteria_set,
    load_shipped,
)
from lienthong.assessment.engine import (
    MISSING,
    NOT_APPLICABLE,
    Previous,
    ScoringInputError,
    Unit,
    class_for,
    competition_ranks,
    dti_province_2022,
    score,
)

BANDS = (Band("Xuất sắc", 0.9), Band("Tốt", 0.8), Band("Khá", 0.7), Band("Trung bình", 0.5), Band("Yếu", 0))


def one_criterion_set(crit: Criterion, groups=("so",)) -> CriteriaSet:
    return CriteriaSet(code="t", name="t", version=1, bands=BANDS,
                       groups=tuple(Group(g, g, crit.max) for g in groups),
                       categories=(Category("A", "A", crit.max, (crit,)),))


def points(crit: Criterion, values: dict) -> dict:
    """Points per unit for one criterion, all units in one group."""
    cs = one_criterion_set(crit)
    units = [Unit(code, "so") for code in values]
    result = score(cs, units, {code: {crit.code: v} for code, v in values.items()})
    return {u.code: round(u.criteria[crit.code].points, 6)
            for u in result.units}


def test_ratio_times_max():
    assert points(Criterion("K", "k", "ratio", 10), {"a": 0.75, "b": 0, "c": 1}) == {"a": 7.5, "b": 0, "c": 10}


def test_ratio_to_the_best_unit_of_the_group():
    crit = Criterion("K", "k", "ratio_to_best", 40)
    assert points(crit, {"a": 200, "b": 50, "c": 0}) == {"a": 40, "b": 10, "c": 0}
    assert points(crit, {"a": 0, "b": 0}) == {"a": 0, "b": 0}


def test_ratio_to_a_target_is_capped_at_the_maximum():
    crit = Criterion("K", "k", "target_ratio", 10, target=0.2, value_kind="ratio")
    assert points(crit, {"a": 0.1, "b": 0.2, "c": 0.9}) == {"a": 5, "b": 10, "c": 10}


def test_steps_by_threshold_and_by_choice():
    meetings = Criterion("K", "k", "steps", 20, steps=(Step(20, min=4), Step(15, min=3), Step(10, min=2),
                                                      Step(5, min=1)))
    assert points(meetings, {"a": 5, "b": 4, "c": 3, "d": 1, "e": 0}) == {"a": 20, "b": 20, "c": 15, "d": 5, "e": 0}
    room = Criterion("K", "k", "steps", 3, steps=(Step(3, when="dat_chuan"), Step(2, when="co"), Step(0, when="khong")))
    assert points(room, {"a": "dat_chuan", "b": "co", "c": "khong"}) == {"a": 3, "b": 2, "c": 0}


def test_yes_no():
    assert points(Criterion("K", "k", "boolean", 3), {"a": True, "b": False}) == {"a": 3, "b": 0}


def test_count_with_cap():
    crit = Criterion("K", "k", "count_capped", 5, per_item=1)
    assert points(crit, {"a": 0, "b": 3, "c": 12}) == {"a": 0, "b": 3, "c": 5}


def test_best_of_alternatives():
    crit = Criterion("K", "k", "best_of", 10, options=(Option("tap_trung", 10), Option("ca_nhan", 3)))
    assert points(crit, {"a": ["ca_nhan", "tap_trung"], "b": "ca_nhan", "c": []}) == {"a": 10, "b": 3, "c": 0}


def test_manual_points_are_taken_as_given():
    assert points(Criterion("K", "k", "manual", 10), {"a": 7.5}) == {"a": 7.5}


def test_minmax_and_zscore_normalisation_within_the_group():
    for rule in ("minmax", "zscore_minmax"):
        crit = Criterion("K", "k", rule, 10)
        assert points(crit, {"a": 2, "b": 4, "c": 10}) == {"a": 0, "b": 2.5, "c": 10}
        assert points(crit, {"a": 3, "b": 3}) == {"a": 10, "b": 10}


def test_relative_rules_compare_within_the_units_own_group():
    crit = Criterion("K", "k", "ratio_to_best", 10)
    cs = one_criterion_set(crit, groups=("so", "huyen"))
    result = score(cs, [Unit("a", "so"), Unit("b", "so"), Unit("c", "huyen")],
                   {"a": {"K": 50}, "b": {"K": 100}, "c": {"K": 20}})
    assert [result.by_code[c].criteria["K"].points for c in "abc"] == [5, 10, 10]


MIC_FULL = {  # full marks on every criterion of the default set
    "A1": 1, "A2": 1, "A3": 100, "A4": True, "A5": "dat_chuan", "B1": 1, "B2": 1, "B3": 1, "B4": 1, "B5": 3,
    "C1": 1, "C2": 4, "D1": 1, "D2": 1, "D3": 0.8, "D4": 0.2, "E1": True, "E2": "quy_che_va_cap_do", "E3": True,
    "E4": True, "F1": True, "F2": 1, "F3": 1, "F4": 2, "G1": 1, "G2": 0.2, "G3": 1,
}


def test_full_marks_on_the_default_set():
    cs = load_shipped("mic-2017-default")
    units = [Unit("stttt", "so_nganh"), Unit("chauthanh", "ubnd_huyen"), Unit("thongke", "nganh_doc")]
    result = score(cs, units, {u.code: MIC_FULL for u in units})
    assert [(u.total, u.index, u.class_label, u.rank) for u in result.units] == [
        (100, 1, "Xuất sắc", 1), (110, 1, "Xuất sắc", 1), (100, 1, "Xuất sắc", 1)]
    assert "G" not in result.by_code["stttt"].categories  # commune criteria only count for districts


def test_criteria_that_do_not_apply_are_dropped_and_the_rest_rescaled():
    cs = load_shipped("mic-2017-default")
    no_procedures = Unit("thongke", "nganh_doc", not_applicable=frozenset({"D1", "D2", "D3", "D4"}))
    values = {"thongke": {**MIC_FULL, "A1": 0.5}}  # loses 2 of the 75 points that remain
    r = score(cs, [no_procedures], values).by_code["thongke"]
    assert r.criteria["D1"].status == NOT_APPLICABLE
    assert (r.points, r.max_points, r.group_max) == (73, 75, 100)
    assert r.index == pytest.approx(73 / 75)
    assert r.total == pytest.approx(100 * 73 / 75)
    assert r.categories["D"].index is None


def test_without_rescaling_criteria_that_do_not_apply_score_zero():
    cs = load_shipped("mic-2017-default")
    from dataclasses import replace

    cs = replace(cs, not_applicable_policy="zero")
    unit = Unit("thongke", "nganh_doc", not_applicable=frozenset({"D1", "D2", "D3", "D4"}))
    r = score(cs, [unit], {"thongke": MIC_FULL}).by_code["thongke"]
    assert (r.points, r.max_points, r.index, r.class_label) == (75, 100, 0.75, "Khá")


def test_missing_values_score_zero_by_default():
    cs = load_shipped("mic-2017-default")
    values = {k: v for k, v in MIC_FULL.items() if k not in ("B1", "B2")}  # 18 points not reported
    r = score(cs, [Unit("stttt", "so_nganh")], {"stttt": values}).by_code["stttt"]
    assert r.criteria["B1"].status == MISSING
    assert (r.points, r.max_points, r.class_label) == (82, 100, "Tốt")
    assert r.categories["B"].points == 12


def test_missing_values_can_be_excluded_for_measured_criteria_or_refused():
    cs = load_shipped("mic-2017-default")
    values = {k: v for k, v in MIC_FULL.items() if k not in ("B1", "B2")}
    with pytest.raises(ScoringInputError) as exc:
        score(cs, [Unit("stttt", "so_nganh")], {"stttt": values}, missing_value_policy="error")
    assert exc.value.errors == [engine.VALUE_MISSING % {"u": "stttt", "c": "B1"},
                                engine.VALUE_MISSING % {"u": "stttt", "c": "B2"}]
    measured = CriteriaSet(code="t", name="t", version=1, bands=BANDS, groups=(Group("so", "so", 20),),
                           missing_value_policy="exclude", categories=(Category("A", "A", 20, (
                               Criterion("M1", "m", "ratio", 10, source="indicator:e_doc_share"),
                               Criterion("M2", "m", "ratio", 10, source="indicator:on_time_share"))),))
    r = score(measured, [Unit("a", "so")], {"a": {"M1": 0.5}}).by_code["a"]  # nothing to measure for M2
    assert (r.points, r.max_points, r.index, r.total) == (5, 10, 0.5, 10)


def test_a_unit_with_no_values_at_all_gets_zero_and_is_ranked_last():
    cs = load_shipped("mic-2017-default")
    result = score(cs, [Unit("a", "so_nganh"), Unit("b", "so_nganh")], {"a": MIC_FULL})
    assert [(u.code, u.total, u.rank, u.class_label) for u in result.group("so_nganh")] == [
        ("a", 100, 1, "Xuất sắc"), ("b", 0, 2, "Yếu")]


def test_bad_values_are_all_reported_and_nothing_is_scored():
    cs = load_shipped("mic-2017-default")
    values = {"a": {**MIC_FULL, "A1": 1.2, "B5": -1, "A5": "tot", "Z9": 1, "E1": "co"}}
    with pytest.raises(ScoringInputError) as exc:
        score(cs, [Unit("a", "so_nganh"), Unit("b", "xa")], values)
    def of_a(code, problem):
        return engine.AT_CRITERION % {"u": "a", "c": code, "problem": problem}

    assert exc.value.errors == [
        engine.UNIT_GROUP_UNKNOWN % {"u": "b", "g": "xa"},
        of_a("A1", engine.RATIO_OUTSIDE % {"v": "1,2"}),
        of_a("A5", engine.CHOICE_NOT_IN_STEPS % {"v": "'tot'", "steps": "dat_chuan, co, khong"}),
        of_a("B5", engine.COUNT_NEGATIVE % {"v": "-1"}),
        of_a("E1", engine.NOT_YES_NO % {"v": "'co'"}),
        engine.CRITERION_UNKNOWN % {"u": "a", "c": "Z9"},
    ]


def manual_set(max_points=100, groups=("so",), bands=BANDS) -> CriteriaSet:
    crit = Criterion("K", "Điểm", "manual", max_points)
    return CriteriaSet(code="t", name="t", version=1, bands=bands,
                       groups=tuple(Group(g, g, max_points) for g in groups),
                       categories=(Category("A", "A", max_points, (crit,)),))


def test_ties_share_a_rank_and_the_next_rank_is_skipped():
    cs = manual_set()
    totals = {"a": 90, "b": 80, "c": 80, "d": 70, "e": 70, "f": 70, "g": 10}
    result = score(cs, [Unit(c, "so") for c in totals], {c: {"K": t} for c, t in totals.items()})
    assert {u.code: u.rank for u in result.units} == {"a": 1, "b": 2, "c": 2, "d": 4, "e": 4, "f": 4, "g": 7}
    assert competition_ranks({"x": 0.9, "y": 0.8, "z": 0.8, "w": 0.7}) == {"x": 1, "y": 2, "z": 2, "w": 4}


def test_float_noise_does_not_break_a_tie():
    cs = CriteriaSet(code="t", name="t", version=1, groups=(Group("so", "so", 1.0),),
                     categories=(Category("A", "A", 1.0, (Criterion("K1", "k", "ratio", 0.5),
                                                          Criterion("K2", "k", "ratio", 0.5))),))
    values = {"a": {"K1": 0.1, "K2": 0.2}, "b": {"K1": 0.3, "K2": 0.0}}
    result = score(cs, [Unit("a", "so"), Unit("b", "so")], values)
    assert result.by_code["a"].points != result.by_code["b"].points  # 0.15000000000000002 vs 0.15
    assert [u.rank for u in result.units] == [1, 1]


def test_groups_are_ranked_separately_and_excluded_units_are_not_ranked():
    cs = manual_set(groups=("so", "nganh_doc"))
    units = [Unit("a", "so"), Unit("b", "so"), Unit("thongke", "nganh_doc"), Unit("congan", "so", excluded=True)]
    values = {"a": {"K": 60}, "b": {"K": 70}, "thongke": {"K": 50}, "congan": {"K": 99}}
    result = score(cs, units, values)
    assert {u.code: u.rank for u in result.units} == {"a": 2, "b": 1, "thongke": 1, "congan": None}
    assert result.by_code["congan"].class_label is None


@pytest.mark.parametrize("total, label", [
    (100, "Xuất sắc"), (90, "Xuất sắc"), (89.99, "Tốt"), (80, "Tốt"), (79.99, "Khá"), (70, "Khá"),
    (69.99, "Trung bình"), (50, "Trung bình"), (49.99, "Yếu"), (0, "Yếu"),
])
def test_classes_at_the_edges_of_the_default_set(total, label):
    result = score(manual_set(), [Unit("a", "so")], {"a": {"K": total}})
    assert result.by_code["a"].class_label == label
    assert class_for(load_shipped("mic-2017-default"), "ubnd_huyen", total * 1.1) == label


@pytest.mark.parametrize("group, total, label", [
    ("so_nganh", 245, "Xuất sắc"), ("so_nganh", 220, "Xuất sắc"), ("so_nganh", 219.5, "Tốt"),
    ("so_nganh", 196, "Tốt"), ("so_nganh", 195.9, "Khá"), ("so_nganh", 171, "Khá"), ("so_nganh", 170.9, "Trung bình"),
    ("so_nganh", 122, "Trung bình"), ("so_nganh", 121.9, "Yếu"), ("nganh_doc", 220, "Xuất sắc"),
    ("ubnd_huyen", 324, "Xuất sắc"), ("ubnd_huyen", 323.9, "Tốt"), ("ubnd_huyen", 288, "Tốt"),
    ("ubnd_huyen", 252, "Khá"), ("ubnd_huyen", 180, "Trung bình"), ("ubnd_huyen", 179.9, "Yếu"),
])
def test_dti_haugiang_classes_use_the_published_point_cut_offs(group, total, label):
    assert class_for(load_shipped("dti-haugiang-2022"), group, total) == label


def test_change_from_last_year():
    cs = manual_set()
    values = {"a": {"K": 80}, "b": {"K": 90}, "c": {"K": 40}}
    last = score(cs, [Unit(c, "so") for c in "ab"], {"a": {"K": 95}, "b": {"K": 60}})
    previous = {**last.by_code, "c": Previous(index=None)}
    result = score(cs, [Unit(c, "so") for c in "abc"], values, previous=previous)
    a, b, c = (result.by_code[x] for x in "abc")
    assert (a.previous_rank, a.rank, a.change_rank) == (1, 2, -1)
    assert (b.previous_rank, b.rank, b.change_rank) == (2, 1, 1)
    assert a.change_index == pytest.approx(-0.15) and a.change_total == pytest.approx(-15)
    assert b.change_index == pytest.approx(0.30)
    assert (c.previous_index, c.change_index, c.change_rank) == (None, None, None)


DA_NANG_2022 = {  # ranking.md §4.2, https://dti.gov.vn/xep-hang-2022
    "nhan_thuc_so": 1.0000, "the_che_so": 0.9000, "ha_tang_so": 0.8253, "nhan_luc_so": 0.8487,
    "an_toan_thong_tin_mang": 0.7578, "hoat_dong_chinh_quyen_so": 0.8575, "hoat_dong_kinh_te_so": 0.7836,
    "hoat_dong_xa_hoi_so": 0.5197,
}


def test_dti_formula_reproduces_da_nang_2022():
    assert round(dti_province_2022(DA_NANG_2022), 4) == 0.8002
    assert dti_province_2022(DA_NANG_2022) == pytest.approx(0.800175)


def test_dti_refuses_values_outside_zero_one_and_missing_indicators():
    with pytest.raises(ScoringInputError) as exc:
        dti_province_2022({**DA_NANG_2022, "the_che_so": 1.1, "ha_tang_so": None} | {"xa_hoi": 0.5})
    assert engine.INDICATOR_OUTSIDE % {"k": "the_che_so", "v": "1,1"} in exc.value.errors
    assert engine.INDICATOR_NOT_WEIGHTED % {"k": "xa_hoi"} in exc.value.errors


def test_the_engine_reproduces_da_nang_2022_from_a_dti_shaped_criteria_set():
    weights = {"nhan_thuc_so": 100, "the_che_so": 100, "ha_tang_so": 100, "nhan_luc_so": 100,
               "an_toan_thong_tin_mang": 100, "hoat_dong_chinh_quyen_so": 200, "hoat_dong_kinh_te_so": 150,
               "hoat_dong_xa_hoi_so": 150}
    lines = ["criteria_set:", "  code: dti-tinh-2022", "  name: DTI cấp tỉnh 2022", "  version: 1",
             "  groups: [{code: tinh, name: Tỉnh, max_points: 1000}]", "  categories:"]
    for key, w in weights.items():
        lines += [f"    - {{code: {key}, name: {key}, points: {w}, criteria: "
                  f"[{{code: {key}.v, name: {key}, rule: ratio, max: {w}}}]}}"]
    cs = load_criteria_set("\n".join(lines) + "\n")
    r = score(cs, [Unit("danang", "tinh")], {"danang": {f"{k}.v": v for k, v in DA_NANG_2022.items()}})
    r = r.by_code["danang"]
    assert round(r.total, 1) == 800.2
    assert round(r.index, 4) == 0.8002
    assert round(r.categories["hoat_dong_chinh_quyen_so"].index, 4) == 0.8575


def test_overrides_replace_points_and_are_checked():
    from lienthong.assessment.criteria import load_shipped
    from lienthong.assessment.engine import ScoringInputError, Unit, score

    cs = load_shipped("mic-2017-default")
    units = [Unit("a", "so_nganh"), Unit("b", "so_nganh")]
    values = {"a": {"A1": 0.5}, "b": {"A1": 1}}
    plain = score(cs, units, values)
    adjusted = score(cs, units, values, overrides={"a": {"A1": 4, "E1": 2}})
    assert plain.by_code["a"].criteria["A1"].points == 2
    assert adjusted.by_code["a"].criteria["A1"].points == 4
    assert adjusted.by_code["a"].criteria["E1"].status == "scored"
    assert adjusted.by_code["a"].rank == 1 and plain.by_code["a"].rank == 2
    with pytest.raises(ScoringInputError) as exc:
        score(cs, units, values, overrides={"a": {"A1": 9}})
    assert exc.value.errors == [engine.OVERRIDE_OUTSIDE % {"u": "a", "c": "A1", "v": "9", "max": "4"}]


# --------------------------------------------------------------------------- issue 18: a ranking the council can defend


def test_an_excluded_unit_sets_no_benchmark_and_gets_no_class():
    for rule in ("ratio_to_best", "minmax", "zscore_minmax"):
        crit = Criterion("K", "k", rule, 10)
        cs = one_criterion_set(crit)
        units = [Unit("a", "so"), Unit("b", "so"), Unit("congan", "so", excluded=True)]
        result = score(cs, units, {"a": {"K": 50}, "b": {"K": 40}, "congan": {"K": 100}})
        a, congan = result.by_code["a"], result.by_code["congan"]
        assert a.criteria["K"].points == 10, rule  # the best ranked unit sets the benchmark, not the excluded one
        assert (a.rank, a.class_label) == (1, "Xuất sắc"), rule
        assert (congan.rank, congan.class_label) == (None, None), rule


def test_no_spread_reads_the_value_absolutely_by_default():
    # every unit 0 on a 20-point min–max criterion: 0 each, not the full 20
    crit = Criterion("Z", "z", "minmax", 20)
    manual = Criterion("M", "m", "manual", 80)
    cs = CriteriaSet(code="t", name="t", version=1, bands=BANDS, groups=(Group("so", "so", 100),),
                     categories=(Category("A", "A", 100, (manual, crit)),))
    result = score(cs, [Unit("a", "so"), Unit("b", "so")], {"a": {"M": 50, "Z": 0}, "b": {"M": 40, "Z": 0}})
    assert [(u.total, u.class_label) for u in result.units] == [(50, "Trung bình"), (40, "Yếu")]
    for rule in ("minmax", "zscore_minmax", "ratio_to_best"):
        c = Criterion("K", "k", rule, 10)
        assert points(c, {"a": 0, "b": 0}) == {"a": 0, "b": 0}, rule
        # a unit alone in its group is read against the criterion's stated reference, not against itself
        assert points(Criterion("K", "k", rule, 10, reference=100), {"a": 30}) == {"a": 3}, rule
        assert points(Criterion("K", "k", rule, 10, reference=100), {"a": 30, "b": 30}) == {"a": 3, "b": 3}, rule


def test_the_no_spread_rule_is_chosen_per_criterion():
    for rule in ("minmax", "zscore_minmax", "ratio_to_best"):
        assert points(Criterion("K", "k", rule, 10, no_spread="full"), {"a": 0, "b": 0}) == {"a": 10, "b": 10}
        assert points(Criterion("K", "k", rule, 10, no_spread="zero"), {"a": 7}) == {"a": 0}
    text = "\n".join([
        "criteria_set:", "  code: t", "  name: t", "  version: 1", "  groups: [{code: so, name: Sở, max_points: 10}]",
        "  categories:", "    - {code: A, name: A, points: 10, criteria: [",
        "        {code: K, name: k, rule: minmax, max: 10, no_spread: full, reference: 5}]}", ""])
    cs = load_criteria_set(text)
    assert cs.categories[0].criteria[0].no_spread == "full"
    assert load_criteria_set(dump_criteria_set(cs)) == cs
    from lienthong.assessment.criteria import CriteriaSetError
    from lienthong.assessment.criteria import loading as m

    with pytest.raises(CriteriaSetError) as exc:
        load_criteria_set(text.replace("rule: minmax", "rule: ratio"))
    assert m.AT % {"line": 8, "field": "no_spread", "msg": m.NOT_FOR_RULE % {"rule": "ratio"}} in exc.value.errors


def test_the_printout_says_which_criteria_are_relative_and_what_no_spread_gives():
    from lienthong.assessment.criteria import relative_rules_text

    crit = Criterion("K", "Băng thông", "ratio_to_best", 2)
    cs = one_criterion_set(crit)
    lines = relative_rules_text(cs)
    assert len(lines) == 1 and "K" in lines[0] and "Băng thông" in lines[0]
    assert relative_rules_text(one_criterion_set(Criterion("K", "k", "ratio", 2))) == []


def test_inputs_the_engine_refuses_with_a_message():
    from lienthong.assessment.engine import weighted_index

    no_target = Criterion("T", "t", "target_ratio", 10, target=0, value_kind="ratio")
    with pytest.raises(ScoringInputError) as exc:
        score(one_criterion_set(no_target), [Unit("a", "so")], {"a": {"T": 0.5}})
    assert exc.value.errors == [engine.TARGET_NOT_POSITIVE % {"c": "T"}]
    assert exc.value.status == 400

    empty = CriteriaSet(code="t", name="t", version=1, groups=(Group("so", "so", 0),),
                        categories=(Category("A", "A", 0, (Criterion("K", "k", "manual", 0),)),))
    with pytest.raises(ScoringInputError) as exc:
        score(empty, [Unit("a", "so")], {"a": {"K": 0}})
    assert engine.GROUP_MAX_NOT_POSITIVE % {"g": "so"} in exc.value.errors

    cs = manual_set()
    with pytest.raises(ScoringInputError) as exc:
        score(cs, [Unit("a", "so", not_applicable=frozenset({"D9"}))], {"a": {"K": 5}, "ghost": {"K": 100}},
              overrides={"phantom": {"K": 1}})
    assert exc.value.errors == [engine.NOT_APPLICABLE_UNKNOWN % {"u": "a", "c": "D9"},
                                engine.UNIT_UNKNOWN % {"u": "ghost"}, engine.UNIT_UNKNOWN % {"u": "phantom"}]

    with pytest.raises(ScoringInputError) as exc:
        weighted_index({"x": 0.5}, {"x": 0})
    assert exc.value.errors == [str(engine.WEIGHTS_SUM_ZERO)]
    with pytest.raises(ScoringInputError) as exc:
        weighted_index({"x": 0.5}, {"x": 10}, total=0)
    assert exc.value.errors == [str(engine.WEIGHTS_SUM_ZERO)]


def test_the_loader_refuses_a_group_maximum_of_zero():
    from lienthong.assessment.criteria import CriteriaSetError
    from lienthong.assessment.criteria import loading as m

    text = "\n".join([
        "criteria_set:", "  code: t", "  name: t", "  version: 1", "  groups: [{code: so, name: Sở, max_points: 0}]",
        "  categories:",
        "    - {code: A, name: A, points: 0, criteria: [{code: K, name: k, rule: manual, max: 0}]}", ""])
    with pytest.raises(CriteriaSetError) as exc:
        load_criteria_set(text)
    assert m.AT % {"line": 5, "field": "max_points", "msg": m.GROUP_MAX_ZERO} in exc.value.errors


def test_rank_and_class_follow_the_printed_precision():
    cs = manual_set()
    assert cs.precision == 2
    totals = {"a": 85.504, "b": 85.496, "c": 89.995, "d": 89.994}
    result = score(cs, [Unit(c, "so") for c in totals], {c: {"K": t} for c, t in totals.items()})
    by = result.by_code
    assert (by["a"].shown_total, by["b"].shown_total, by["c"].shown_total) == (85.5, 85.5, 90.0)
    assert (by["a"].rank, by["b"].rank) == (3, 3)  # both printed "85,50": tied
    assert (by["c"].rank, by["c"].class_label) == (1, "Xuất sắc")  # printed "90,00"
    assert (by["d"].shown_total, by["d"].class_label) == (89.99, "Tốt")
    assert class_for(cs, "so", 89.995) == "Xuất sắc"

    from dataclasses import replace

    coarse = replace(cs, precision=0)  # a set that prints whole points
    result = score(coarse, [Unit(c, "so") for c in totals], {c: {"K": t} for c, t in totals.items()})
    assert {u.code: u.rank for u in result.units} == {"a": 3, "b": 4, "c": 1, "d": 1}  # 86, 85, 90, 90


def test_the_precision_is_read_from_the_criteria_set():
    text = "\n".join([
        "criteria_set:", "  code: t", "  name: t", "  version: 1", "  precision: 1",
        "  groups: [{code: so, name: Sở, max_points: 10}]",
        "  categories:", "    - {code: A, name: A, points: 10, criteria: [{code: K, name: k, rule: manual, max: 10}]}",
        ""])
    cs = load_criteria_set(text)
    assert cs.precision == 1 and load_criteria_set(dump_criteria_set(cs)) == cs
    assert "precision" not in dump_criteria_set(load_shipped("mic-2017-default"))  # the default, 2, is implied


def test_exclude_is_refused_for_self_reported_criteria():
    # one criterion reported out of many must not give 100 points, Xuất sắc and rank 1
    cs = load_shipped("mic-2017-default")
    with pytest.raises(ScoringInputError) as exc:
        score(cs, [Unit("a", "so_nganh"), Unit("b", "so_nganh")], {"a": {"A1": 1}, "b": MIC_FULL},
              missing_value_policy="exclude")
    self_reported = ", ".join(c.code for _cat, c in cs.criteria() if c.source == "self_report")
    assert exc.value.errors == [engine.EXCLUDE_SELF_REPORTED % {"codes": self_reported}]
    from lienthong.assessment.criteria import CriteriaSetError
    from lienthong.assessment.criteria import loading as m

    text = "\n".join([
        "criteria_set:", "  code: t", "  name: t", "  version: 1", "  missing_value_policy: exclude",
        "  groups: [{code: so, name: Sở, max_points: 10}]",
        "  categories:", "    - {code: A, name: A, points: 10, criteria: [{code: K, name: k, rule: ratio, max: 10}]}",
        ""])
    with pytest.raises(CriteriaSetError) as exc:
        load_criteria_set(text)
    assert exc.value.errors == [m.AT % {"line": 5, "field": "missing_value_policy",
                                        "msg": m.EXCLUDE_SELF_REPORTED % {"codes": "K"}}]


def test_a_unit_that_reports_nothing_is_ranked_last_and_marked():
    measured = CriteriaSet(code="t", name="t", version=1, bands=BANDS, groups=(Group("so", "so", 10),),
                           missing_value_policy="exclude", categories=(Category("A", "A", 10, (
                               Criterion("M1", "m", "ratio", 10, source="indicator:e_doc_share"),)),))
    result = score(measured, [Unit("a", "so"), Unit("b", "so"), Unit("silent", "so")],
                   {"a": {"M1": 0.5}, "b": {"M1": 0}, "silent": {}})
    assert [(u.code, u.rank, u.no_data) for u in result.group("so")] == [
        ("a", 1, False), ("b", 2, False), ("silent", 3, True)]
    assert result.by_code["silent"].class_label == "Yếu"
    cs = manual_set()  # the default policy: a unit that scored 0 ranks above one that sent nothing
    result = score(cs, [Unit("silent", "so"), Unit("zero", "so")], {"zero": {"K": 0}})
    assert [(u.code, u.rank, u.no_data) for u in result.group("so")] == [("zero", 1, False), ("silent", 2, True)]


def test_a_corrected_value_corrects_the_benchmark_it_set():
    crit = Criterion("K", "k", "ratio_to_best", 10)
    cs = one_criterion_set(crit)
    units = [Unit("inflated", "so"), Unit("b", "so"), Unit("c", "so")]
    values = {"inflated": {"K": 100}, "b": {"K": 50}, "c": {"K": 25}}
    corrected = score(cs, units, values, corrections={"inflated": {"K": 40}})
    assert {u.code: u.criteria["K"].points for u in corrected.units} == {"inflated": 8, "b": 10, "c": 5}
    assert corrected.by_code["inflated"].criteria["K"].corrected
    assert not corrected.by_code["b"].criteria["K"].corrected
    # a points-only override leaves the others scored against the false value, and says so
    overridden = score(cs, units, values, overrides={"inflated": {"K": 8}})
    assert {u.code: u.criteria["K"].points for u in overridden.units} == {"inflated": 8, "b": 5, "c": 2.5}
    assert overridden.by_code["inflated"].criteria["K"].overridden
    # corrections are checked like values
    with pytest.raises(ScoringInputError) as exc:
        score(cs, units, values, corrections={"inflated": {"K": -1}, "ghost": {"K": 1}})
    assert exc.value.errors == [engine.UNIT_UNKNOWN % {"u": "ghost"}, engine.AT_CRITERION % {
        "u": "inflated", "c": "K", "problem": engine.VALUE_NEGATIVE % {"v": "-1"}}]
