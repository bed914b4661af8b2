"""The commendation rule: the IT-application ranking combined with the administrative-reform index.

The 2018 meeting notice (32/TB-VP.UBND) asks to hold the reform (CCHC) conference together with the
announcement of the IT ranking and to combine both fields when proposing commendations. No regulation
fixes how; this module is the project's documented, configurable proposal [P] (docs/commendations.md):

1. Ranking condition, one of
   - ``class`` (default): the unit's class is one of the ``class_levels`` best bands of the campaign's
     criteria set (1 = only the first band, "Xuất sắc" in the shipped sets);
   - ``top_n``: the unit's rank within its group is at most ``top_n`` (ties share a rank, 1-2-2-4).
   Excluded (not ranked) units never qualify.
2. Reform condition: the unit's CCHC index of the reform year (the campaign's year unless set) is at
   least ``min_reform_index`` (0–100). A unit without an index for that year does not qualify.
3. Combined score, to order the proposals and show the balance of both fields:
   ``it_weight × (IT index × 100) + (1 − it_weight) × CCHC index`` (both on 0–100), 2 decimals.

A unit is proposed when both conditions hold. Defaults come from ``settings.COMMENDATION_RULES`` (a
dict with any of the fields below) and may be changed on the proposals page for one reading.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

RANKING_RULES = ("class", "top_n")

# Why a unit is not proposed, and the rule's first line (the tests use these constants rather than copies).
NOT_RANKED = gettext_lazy("Không xếp hạng trong đợt này.")
RANK_TOO_LOW = gettext_lazy("Xếp thứ %(r)s trong nhóm (cần từ 1 đến %(n)s).")
CLASS_TOO_LOW = gettext_lazy("Xếp loại %(c)s (cần: %(need)s).")
NO_REFORM_INDEX = gettext_lazy("Chưa có chỉ số CCHC năm %(y)s.")
REFORM_BELOW = gettext_lazy("Chỉ số CCHC %(v)s thấp hơn ngưỡng %(m)s.")
RULE_BY_CLASS = gettext_lazy("Xếp hạng mức độ ứng dụng CNTT: xếp loại %(c)s (kết quả đã phê duyệt).")


@dataclass(frozen=True)
class CommendationRules:
    ranking_rule: str = "class"
    class_levels: int = 1
    top_n: int = 3
    min_reform_index: Decimal = Decimal("80")
    it_weight: Decimal = Decimal("0.5")
    reform_year: int | None = None


def default_rules() -> CommendationRules:
    """The defaults, with ``settings.COMMENDATION_RULES`` applied (read at call time, never at import)."""
    configured = dict(getattr(settings, "COMMENDATION_RULES", None) or {})
    rules = CommendationRules()
    for name in ("min_reform_index", "it_weight"):
        if name in configured:
            configured[name] = Decimal(str(configured[name]))
    known = {k: v for k, v in configured.items() if k in CommendationRules.__dataclass_fields__}
    return replace(rules, **known)


@dataclass
class Verdict:
    proposed: bool
    combined: Decimal | None
    reasons: list[str]  # why a unit is not proposed (empty when proposed)


def _fmt(value) -> str:
    text = f"{Decimal(value):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def evaluate(*, rules: CommendationRules, top_labels: list[str], excluded: bool, rank: int | None,
             class_label: str, index: float | None, reform: Decimal | None, reform_year: int) -> Verdict:
    """Apply the rule to one unit's result and CCHC index; pure, no database."""
    reasons = []
    if excluded or rank is None:
        reasons.append(str(NOT_RANKED))
    elif rules.ranking_rule == "top_n":
        if rank > rules.top_n:
            reasons.append(RANK_TOO_LOW % {"r": rank, "n": rules.top_n})
    elif class_label not in top_labels:
        reasons.append(CLASS_TOO_LOW % {"c": class_label or "—", "need": ", ".join(top_labels)})
    if reform is None:
        reasons.append(NO_REFORM_INDEX % {"y": reform_year})
    elif reform < rules.min_reform_index:
        reasons.append(REFORM_BELOW % {"v": _fmt(reform), "m": _fmt(rules.min_reform_index)})
    combined = None
    if index is not None and reform is not None:
        it = Decimal(str(index)) * 100
        combined = (rules.it_weight * it + (1 - rules.it_weight) * reform).quantize(Decimal("0.01"))
    return Verdict(proposed=not reasons, combined=combined, reasons=reasons)


def describe(rules: CommendationRules, *, top_labels: list[str], reform_year: int) -> list[str]:
    """The rule in plain Vietnamese, for the page and the export."""
    if rules.ranking_rule == "top_n":
        first = _("Xếp hạng mức độ ứng dụng CNTT: đứng thứ 1 đến %(n)s trong nhóm (kết quả đã phê duyệt).") % {
            "n": rules.top_n}
    else:
        first = RULE_BY_CLASS % {"c": _(" hoặc ").join(top_labels)}
    w = rules.it_weight
    return [
        first,
        _("Chỉ số cải cách hành chính năm %(y)s từ %(m)s điểm trở lên (thang 0–100).") % {
            "y": reform_year, "m": _fmt(rules.min_reform_index)},
        _("Điểm kết hợp = %(a)s × chỉ số CNTT (quy về 0–100) + %(b)s × chỉ số CCHC; dùng để sắp thứ tự đề xuất.")
        % {"a": _fmt(w), "b": _fmt(1 - w)},
    ]
