"""Recommendations for weak categories, from both shipped criteria sets (pure function, no database)."""

from __future__ import annotations

from lienthong.assessment.criteria import load_shipped
from lienthong.assessment.recommendations import THEMES, recommendations


def _result(categories: dict, criteria: dict) -> dict:
    return {"categories": {k: {"points": v * 10, "max": 10, "index": v} for k, v in categories.items()},
            "criteria": criteria}


def test_weak_human_resources_asks_for_a_dedicated_it_officer():
    cs = load_shipped("mic-2017-default")
    result = _result({"A": 0.9, "F": 0.3, "B": 0.95},
                     {"F1": {"points": 0, "max": 3, "status": "scored"},
                      "F2": {"points": 2, "max": 2, "status": "scored"},
                      "F3": {"points": 0.3, "max": 3, "status": "scored"},
                      "F4": {"points": 2, "max": 2, "status": "scored"}})
    recs = recommendations(result, cs)
    assert [r.category_code for r in recs] == ["F", "F"]  # A and B are not weak
    staffing = recs[0]
    assert "Bố trí cán bộ chuyên trách CNTT" in staffing.text and staffing.criteria == ("F1",)
    assert recs[1].theme == "training" and recs[1].criteria == ("F3",)
    assert recs[0].category_name == "Nhân lực cho ứng dụng CNTT" and recs[0].category_index == 0.3


def test_weakest_category_first_and_signatures_named():
    cs = load_shipped("mic-2017-default")
    result = _result({"B": 0.5, "D": 0.2},
                     {"B2": {"points": 1, "max": 8, "status": "scored"},
                      "B1": {"points": 9, "max": 10, "status": "scored"},
                      "D4": {"points": 0, "max": 10, "status": "missing"}})
    recs = recommendations(result, cs)
    assert [r.category_code for r in recs] == ["D", "B"]
    assert recs[0].theme == "online_dossiers" and "nộp hồ sơ trực tuyến" in recs[0].text
    assert recs[1].theme == "signatures" and "ký số" in recs[1].text


def test_threshold_is_configurable_and_not_applicable_criteria_are_ignored():
    cs = load_shipped("mic-2017-default")
    result = _result({"E": 0.75}, {"E2": {"points": 0, "max": 0, "status": "not_applicable"},
                                   "E1": {"points": 2, "max": 2, "status": "scored"}})
    assert recommendations(result, cs) == []  # 75 % is not below 70 %
    recs = recommendations(result, cs, threshold=0.8)
    assert [(r.category_code, r.theme, r.criteria) for r in recs] == [("E", "security", ())]  # the category's theme


def test_dti_set_district_security_and_exchange():
    cs = load_shipped("dti-haugiang-2022")
    result = {"categories": {"H5": {"points": 10, "max": 40, "index": 0.25},
                             "H6": {"points": 40, "max": 95, "index": 0.42}},
              "criteria": {"H5.1": {"points": 0, "max": 12, "status": "scored"},
                           "H5.4": {"points": 3, "max": 10, "status": "scored"},
                           "H6.1": {"points": 3, "max": 15, "status": "scored"},
                           "H6.2": {"points": 2, "max": 15, "status": "scored"},
                           "H6.4": {"points": 15, "max": 15, "status": "scored"}}}
    recs = recommendations(result, cs)
    assert [(r.category_code, r.theme) for r in recs] == [("H5", "security"), ("H5", "antivirus"), ("H6", "exchange"),
                                                          ("H6", "signatures")]
    assert recs[0].criteria == ("H5.1",) and recs[1].criteria == ("H5.4",)


def test_every_criterion_of_both_shipped_sets_has_a_theme():
    for name in ("mic-2017-default", "dti-haugiang-2022"):
        cs = load_shipped(name)
        for cat, crit in cs.criteria():
            from lienthong.assessment.recommendations import theme_for

            assert theme_for(crit.code, crit.name) in THEMES, (name, crit.code)
            assert theme_for(cat.code, cat.name, category=True) in THEMES, (name, cat.code)


def test_result_object_with_attributes_works_too():
    cs = load_shipped("mic-2017-default")

    class R:
        categories = {"C": {"points": 2, "max": 10, "index": 0.2}}
        criteria = {"C1": {"points": 0, "max": 6, "status": "scored"}}

    [rec] = recommendations(R(), cs)
    assert rec.theme == "portal" and "trang thông tin điện tử" in rec.text


def test_weak_groups_are_listed_in_criteria_set_order():
    """Issue 18: "F, D" read as a mistake; the groups are named as the criteria set orders them, while the
    recommendations themselves stay weakest first."""
    from lienthong.reports.data import Row

    cs = load_shipped("mic-2017-default")
    result = _result({"D": 0.5, "F": 0.2},
                     {"D4": {"points": 0, "max": 10, "status": "scored"},
                      "F1": {"points": 0, "max": 3, "status": "scored"}})
    recs = recommendations(result, cs)
    assert recs[0].category_code == "F"  # weakest first
    row = Row(agency_id=1, name="UBND xã A", short_name="Xã A", group="xa", rank=1, points=50, max_points=100,
              total=50, index=0.5, class_label="Trung bình", categories=result["categories"], criteria={},
              previous_index=None, previous_rank=None, change_index=None, change_rank=None, recommendations=recs)
    assert ", ".join(row.weak_categories) == "D, F"
