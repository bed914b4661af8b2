"""Scoring engine: pure functions from a criteria set and collected values to points, index, class and rank.

``score(cs, units, values)`` returns, for every unit: the points of each criterion, each category's points,
the total, the index (points / the maximum that applies to the unit), the class, the rank within its group
(competition ranking, ties 1-2-2-4) and, given last year's results, the change. Rank and class are
read on ``shown_total``, the total rounded half up to the set's ``precision`` (2 decimals by default): what
is printed is what is ranked, so two totals printed alike are tied and 89.995 printed "90,00" is in the
class that starts at 90.

What counts toward a unit's maximum
    * criteria whose ``applies_to`` (or their category's) leaves out the unit's group never count;
    * criteria the unit is exempted from (``Unit.not_applicable``, e.g. a unit without administrative
      procedures) follow the set's ``not_applicable_policy``: ``rescale`` (default) drops them from the
      maximum, so the index is points / remaining maximum and ``total`` = index × the group's maximum;
      ``zero`` scores them 0 out of their maximum;
    * a missing value (no key, or ``None``) follows ``missing_value_policy`` (the set's, or the argument):
      ``zero`` (default) scores 0 out of the criterion's maximum, because a unit that does not report
      should not gain from it; ``exclude`` treats it like not applicable (rescale), and is refused when the
      set has self-reported criteria (one value reported out of many would score 100 %); ``error`` refuses;
    * a unit with no value at all (nothing reported, measured or adjusted) scores 0 out of its whole maximum
      under any policy, is marked ``no_data`` and ranked last in its group, after every unit that reported.

Relative rules (``ratio_to_best``, ``minmax``, ``zscore_minmax``) compare a unit with the other units of
its own group that are ranked (not ``excluded``) and have a value for the criterion. An excluded unit is
scored against that benchmark for information (its points capped to 0 – max) and gets no class. When
nobody differs (no ranked value, one, or all equal; for ratio_to_best a best of 0) the criterion's
``no_spread`` rule applies: ``absolute`` (default) reads the value against the criterion's ``reference``,
else 0 for 0 and the maximum for more; ``full`` or ``zero`` as named. ``zscore_minmax`` standardises
(population σ) and then min–max normalises, as the UN EGDI does per component; on a single criterion this
equals ``minmax``, the difference only shows when z-scores are averaged across criteria for analysis.

Values per rule: ``ratio`` a share 0–1; ``target_ratio`` a share 0–1 (or a number ≥ 0 when
``value_kind: number``); ``ratio_to_best`` a number ≥ 0; ``steps`` a number ≥ 0 (thresholds) or a choice
code; ``boolean`` true/false; ``count_capped`` a whole number ≥ 0; ``best_of`` an option code or a list of
them (the best one counts); ``manual`` the points themselves (0 – max); ``minmax`` / ``zscore_minmax``
any number.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.core.errors import DomainError

from .criteria import EPS, MISSING_POLICIES, CriteriaSet, Criterion, format_number, round_shown

SCORED, MISSING, NOT_APPLICABLE = "scored", "missing", "not_applicable"

# Messages users see (the tests use these constants rather than copies of the text). A value's problem
# (RATIO_OUTSIDE…) is reported AT_CRITERION of a unit.
AT_CRITERION = gettext_lazy("Đơn vị '%(u)s', tiêu chí '%(c)s': %(problem)s")
RATIO_OUTSIDE = gettext_lazy("tỷ lệ %(v)s nằm ngoài khoảng 0–1.")
VALUE_NEGATIVE = gettext_lazy("giá trị %(v)s không được âm.")
COUNT_NEGATIVE = gettext_lazy("số đếm %(v)s không được âm.")
CHOICE_NOT_IN_STEPS = gettext_lazy("lựa chọn %(v)s không có trong các bậc (%(steps)s).")
NOT_YES_NO = gettext_lazy("cần có/không (true/false), nhận được %(v)s.")
UNIT_GROUP_UNKNOWN = gettext_lazy("Đơn vị '%(u)s': nhóm đơn vị '%(g)s' không có trong bộ tiêu chí.")
CRITERION_UNKNOWN = gettext_lazy("Đơn vị '%(u)s', tiêu chí '%(c)s': tiêu chí không có trong bộ tiêu chí.")
VALUE_MISSING = gettext_lazy("Đơn vị '%(u)s', tiêu chí '%(c)s': thiếu giá trị.")
OVERRIDE_OUTSIDE = gettext_lazy("Đơn vị '%(u)s', tiêu chí '%(c)s': điểm điều chỉnh %(v)s nằm ngoài khoảng "
                                "0–%(max)s.")
EXCLUDE_SELF_REPORTED = gettext_lazy("Chính sách 'exclude' (bỏ tiêu chí thiếu số liệu khỏi điểm tối đa) chỉ dùng được "
                                     "cho tiêu chí đo tự động hoặc nhập từ hệ thống khác; tiêu chí đơn vị tự báo cáo "
                                     "thiếu số liệu phải được 0 điểm: %(codes)s.")
TARGET_NOT_POSITIVE = gettext_lazy("Tiêu chí '%(c)s': chỉ tiêu (target) phải lớn hơn 0.")
PER_ITEM_MISSING = gettext_lazy("Tiêu chí '%(c)s': thiếu số điểm mỗi mục (per_item).")
REFERENCE_NOT_POSITIVE = gettext_lazy("Tiêu chí '%(c)s': giá trị tham chiếu phải lớn hơn 0.")
GROUP_MAX_NOT_POSITIVE = gettext_lazy("Nhóm đơn vị '%(g)s': điểm tối đa phải lớn hơn 0.")
NOT_APPLICABLE_UNKNOWN = gettext_lazy("Đơn vị '%(u)s': tiêu chí không áp dụng '%(c)s' không có trong bộ tiêu chí.")
UNIT_UNKNOWN = gettext_lazy("Có số liệu cho đơn vị '%(u)s' nhưng đơn vị này không có trong danh sách đánh giá.")
WEIGHTS_SUM_ZERO = gettext_lazy("Tổng trọng số (mẫu số) phải lớn hơn 0.")
INDICATOR_NOT_WEIGHTED = gettext_lazy("Chỉ số '%(k)s': không có trong danh sách trọng số.")
INDICATOR_OUTSIDE = gettext_lazy("Chỉ số '%(k)s': giá trị %(v)s nằm ngoài khoảng 0–1.")


class ScoringInputError(DomainError):
    """Input the engine refuses, every problem listed (a 400 on the page or the API)."""

    code = "scoring_input_invalid"
    status = 400

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True)
class Unit:
    code: str
    group: str
    not_applicable: frozenset[str] = frozenset()  # criterion codes the unit is exempted from
    excluded: bool = False  # scored for information, not ranked


@dataclass(frozen=True)
class Previous:
    """Last year's figures of a unit (a ``UnitResult`` of last year works as well)."""

    index: float | None
    rank: int | None = None
    total: float | None = None


@dataclass(frozen=True)
class CriterionScore:
    code: str
    points: float
    max: float  # 0 when the criterion does not count toward the unit's maximum
    status: str  # scored | missing | not_applicable
    corrected: bool = False  # the council corrected the value (scored from the corrected value)
    overridden: bool = False  # the council set the points (the value, and any benchmark it set, unchanged)


@dataclass(frozen=True)
class CategoryScore:
    code: str
    points: float
    max: float
    index: float | None  # points / max; None when nothing in the category counts for the unit


@dataclass(frozen=True)
class UnitResult:
    code: str
    group: str
    criteria: dict[str, CriterionScore]
    categories: dict[str, CategoryScore]
    points: float  # sum of criterion points
    max_points: float  # maximum that applies to this unit (after exemptions)
    group_max: float  # the group's maximum in the criteria set
    total: float  # points on the group's scale: index × group_max
    shown_total: float  # the total as printed (the set's ``precision``, half up): ranked and classified
    index: float | None
    class_label: str | None
    rank: int | None
    excluded: bool = False
    no_data: bool = False  # nothing reported or measured for any criterion that applies: ranked last, marked
    previous_index: float | None = None
    previous_rank: int | None = None
    change_index: float | None = None
    change_total: float | None = None
    change_rank: int | None = None  # positive = moved up


@dataclass(frozen=True)
class ScoringResult:
    units: tuple[UnitResult, ...]
    by_code: dict[str, UnitResult] = field(repr=False)

    def group(self, code: str) -> list[UnitResult]:
        """The units of a group, best first (excluded units last)."""
        rows = [u for u in self.units if u.group == code]
        return sorted(rows, key=lambda u: (u.rank is None, u.rank or 0, u.code))


# --------------------------------------------------------------------------- values


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _check_value(crit: Criterion, v) -> str | None:
    """The problem with a value for this criterion, or None."""
    rule = crit.rule
    if rule == "ratio" or rule == "target_ratio" and crit.value_kind != "number":
        if not _is_num(v):
            return _("cần một tỷ lệ (số từ 0 đến 1), nhận được %(v)s.") % {"v": repr(v)}
        if not 0 <= v <= 1:
            return RATIO_OUTSIDE % {"v": format_number(v)}
    elif rule in ("target_ratio", "ratio_to_best") or rule == "steps" and not crit.steps_are_choices:
        if not _is_num(v):
            return _("cần một số, nhận được %(v)s.") % {"v": repr(v)}
        if v < 0:
            return VALUE_NEGATIVE % {"v": format_number(v)}
    elif rule == "count_capped":
        if not _is_num(v) or float(v) != int(v):
            return _("cần một số đếm (số nguyên), nhận được %(v)s.") % {"v": repr(v)}
        if v < 0:
            return COUNT_NEGATIVE % {"v": format_number(v)}
    elif rule == "steps":
        if v not in {s.when for s in crit.steps}:
            return CHOICE_NOT_IN_STEPS % {
                "v": repr(v), "steps": ", ".join(s.when for s in crit.steps)}
    elif rule == "boolean":
        if v not in (True, False, 0, 1):
            return NOT_YES_NO % {"v": repr(v)}
    elif rule == "best_of":
        codes = [v] if isinstance(v, str) else v
        known = {o.code for o in crit.options}
        if not isinstance(codes, (list, tuple, set, frozenset)) or not all(c in known for c in codes):
            return _("phương án %(v)s không có trong danh sách (%(options)s).") % {
                "v": repr(v), "options": ", ".join(sorted(known))}
    elif rule == "manual":
        if not _is_num(v):
            return _("cần số điểm, nhận được %(v)s.") % {"v": repr(v)}
        if not 0 <= v <= crit.max + EPS:
            return _("điểm %(v)s nằm ngoài khoảng 0–%(max)s.") % {"v": format_number(v), "max": format_number(crit.max)}
    elif rule in ("minmax", "zscore_minmax"):
        if not _is_num(v):
            return _("cần một số, nhận được %(v)s.") % {"v": repr(v)}
    return None


def no_spread_points(crit: Criterion, v) -> float:
    """Points of a relative criterion when nobody in the group differs (see ``criteria.NO_SPREAD_RULES``)."""
    rule = crit.no_spread_rule
    if rule == "full":
        return crit.max
    if rule == "zero":
        return 0.0
    if crit.reference is not None:
        return min(1.0, max(0.0, v) / crit.reference) * crit.max
    return crit.max if v > 0 else 0.0


def criterion_points(crit: Criterion, v, stats: tuple[float, ...] | None = None) -> float:
    """Points of one checked value. ``stats`` for relative rules, over the ranked units of the unit's group:
    (best,) for ratio_to_best, (lo, hi) for minmax, (lo_z, hi_z, mean, sd) for zscore_minmax; ``None`` when
    nobody differs (the criterion's no-spread rule applies)."""
    rule, mx = crit.rule, crit.max
    if crit.relative and stats is None:
        return no_spread_points(crit, v)
    if rule == "ratio":
        return v * mx
    if rule == "target_ratio":
        return min(1.0, v / crit.target) * mx
    if rule == "ratio_to_best":
        return v / stats[0] * mx
    if rule == "steps":
        if crit.steps_are_choices:
            return next(s.points for s in crit.steps if s.when == v)
        reached = [s.points for s in crit.steps if v >= s.min - EPS]
        return max(reached) if reached else 0.0
    if rule == "boolean":
        return mx if v else 0.0
    if rule == "count_capped":
        return min(mx, v * crit.per_item)
    if rule == "best_of":
        codes = {v} if isinstance(v, str) else set(v)
        return max((o.points for o in crit.options if o.code in codes), default=0.0)
    if rule == "manual":
        return float(v)
    if rule == "minmax":
        lo, hi = stats
        return (v - lo) / (hi - lo) * mx
    if rule == "zscore_minmax":
        zlo, zhi, mean, sd = stats
        return ((v - mean) / sd - zlo) / (zhi - zlo) * mx
    raise ValueError(rule)


def _group_stats(crit: Criterion, vals: list[float]) -> tuple[float, ...] | None:
    """The benchmark of a relative rule over the ranked units' values; ``None`` when nobody differs
    (no value, one value, all equal) or, for ratio_to_best, when the best is 0."""
    if len(vals) < 2 or max(vals) - min(vals) <= EPS * max(1.0, abs(max(vals))):
        return None
    if crit.rule == "ratio_to_best":
        return (max(vals),) if max(vals) > 0 else None
    lo, hi = min(vals), max(vals)
    if crit.rule == "minmax":
        return (lo, hi)
    mean = sum(vals) / len(vals)
    sd = math.sqrt(sum((x - mean) ** 2 for x in vals) / len(vals))
    return ((lo - mean) / sd, (hi - mean) / sd, mean, sd)


# --------------------------------------------------------------------------- scoring


def class_for(cs: CriteriaSet, group: str, total: float | None) -> str | None:
    """The class of a total on the group's scale (first band whose cut-off it reaches), read at the set's
    printed precision: 89.995 printed "90,00" reaches a cut-off of 90."""
    if total is None or not cs.bands:
        return None
    total = round_shown(total, cs.precision)
    gmax = cs.group(group).max_points
    for band in cs.bands:
        if total >= band.threshold(group, gmax) - EPS:
            return band.label
    return None


def competition_ranks(keys: Mapping[str, float]) -> dict[str, int]:
    """Standard competition ranking, highest first: 0.9, 0.8, 0.8, 0.7 → 1, 2, 2, 4."""
    ordered = sorted(keys.items(), key=lambda kv: -kv[1])
    ranks: dict[str, int] = {}
    prev = None
    for pos, (code, k) in enumerate(ordered, start=1):
        if prev is None or k != prev[1]:
            prev = (pos, k)
        ranks[code] = prev[0]
    return ranks


def criteria_set_problems(cs: CriteriaSet) -> list[str]:
    """What in a criteria set (built in code, or loaded) the engine cannot score with: a target, reference or
    group maximum of 0, a count without points per item."""
    errors = [GROUP_MAX_NOT_POSITIVE % {"g": g.code} for g in cs.groups
              if not _is_num(g.max_points) or g.max_points <= 0]
    for _cat, crit in cs.criteria():
        if crit.rule == "target_ratio" and (not _is_num(crit.target) or crit.target <= 0):
            errors.append(TARGET_NOT_POSITIVE % {"c": crit.code})
        if crit.rule == "count_capped" and not _is_num(crit.per_item):
            errors.append(PER_ITEM_MISSING % {"c": crit.code})
        if crit.reference is not None and (not _is_num(crit.reference) or crit.reference <= 0):
            errors.append(REFERENCE_NOT_POSITIVE % {"c": crit.code})
    return errors


def score(cs: CriteriaSet, units: Iterable[Unit], values: Mapping[str, Mapping[str, object]], *,
          previous: Mapping[str, object] | None = None, missing_value_policy: str | None = None,
          overrides: Mapping[str, Mapping[str, float]] | None = None,
          corrections: Mapping[str, Mapping[str, object]] | None = None) -> ScoringResult:
    """Score every unit. Raises ``ScoringInputError`` listing every bad value (nothing is scored then).

    ``overrides`` (unit code → criterion code → points, 0 – the criterion's maximum) replaces the points
    the rule gives: the council's recorded adjustments. An overridden criterion counts as scored even
    without a value; it does not change the group statistics of relative rules (``overridden`` says so).

    ``corrections`` (unit code → criterion code → value) are the council's corrections of values: they replace
    the unit's value before anything is computed, so a corrected value also corrects the benchmark (best,
    range) it set for the other units of its group. Checked like values; ``corrected`` marks them.
    """
    overrides = overrides or {}
    corrections = corrections or {}
    if corrections:
        values = {code: {**(values.get(code) or {}), **(corrections.get(code) or {})}
                  for code in [*values, *(k for k in corrections if k not in values)]}
    units = list(units)
    policy = missing_value_policy or cs.missing_value_policy
    if policy not in MISSING_POLICIES:
        raise ScoringInputError([_("Chính sách giá trị thiếu '%(p)s' không hợp lệ.") % {"p": policy}])
    rescale = cs.not_applicable_policy == "rescale"
    errors: list[str] = []
    if policy == "exclude":
        self_reported = [c.code for _cat, c in cs.criteria() if c.source == "self_report"]
        if self_reported:
            errors.append(EXCLUDE_SELF_REPORTED % {"codes": ", ".join(self_reported)})
    group_codes = {g.code for g in cs.groups}
    seen = set()
    for u in units:
        if u.group not in group_codes:
            errors.append(UNIT_GROUP_UNKNOWN % {
                "u": u.code, "g": u.group})
        if u.code in seen:
            errors.append(_("Đơn vị '%(u)s' bị lặp.") % {"u": u.code})
        seen.add(u.code)

    errors += criteria_set_problems(cs)
    pairs = list(cs.criteria())
    by_code = {crit.code: (cat, crit) for cat, crit in pairs}
    for u in units:
        for ccode in sorted(u.not_applicable - by_code.keys()):
            errors.append(NOT_APPLICABLE_UNKNOWN % {"u": u.code, "c": ccode})
    for ucode in [*values, *(k for k in overrides if k not in values)]:
        if ucode not in seen:
            errors.append(UNIT_UNKNOWN % {"u": ucode})
    applicable = {g: [(cat, crit) for cat, crit in pairs if cs.applies(cat, crit, g)] for g in group_codes}

    # check every value first, so bad input scores nothing
    for u in units:
        uvals = values.get(u.code) or {}
        for ccode, v in uvals.items():
            if ccode not in by_code:
                errors.append(CRITERION_UNKNOWN % {
                    "u": u.code, "c": ccode})
                continue
            if v is None:
                continue
            problem = _check_value(by_code[ccode][1], v)
            if problem:
                errors.append(AT_CRITERION % {
                    "u": u.code, "c": ccode, "problem": problem})
        if policy == "error" and u.group in applicable:
            for _cat, crit in applicable[u.group]:
                if crit.code not in u.not_applicable and uvals.get(crit.code) is None:
                    errors.append(VALUE_MISSING % {
                        "u": u.code, "c": crit.code})
    for ucode, ov in overrides.items():
        for ccode, pts in ov.items():
            if ccode not in by_code:
                errors.append(CRITERION_UNKNOWN % {
                    "u": ucode, "c": ccode})
            elif not _is_num(pts) or not 0 <= pts <= by_code[ccode][1].max + EPS:
                errors.append(OVERRIDE_OUTSIDE % {"u": ucode, "c": ccode, "v": repr(pts),
                                                  "max": format_number(by_code[ccode][1].max)})
    if errors:
        raise ScoringInputError(errors)

    # group statistics for the relative rules
    stats: dict[tuple[str, str], tuple[float, ...] | None] = {}
    members: dict[str, list[tuple[Unit, Mapping]]] = {g: [] for g in group_codes}
    for u in units:
        members[u.group].append((u, values.get(u.code) or {}))
    for _cat, crit in pairs:
        if crit.rule not in ("ratio_to_best", "minmax", "zscore_minmax"):
            continue
        code = crit.code
        for g, rows in members.items():
            vals = [uv[code] for u, uv in rows
                    if not u.excluded and uv.get(code) is not None and code not in u.not_applicable]
            stats[(g, code)] = _group_stats(crit, vals)

    results: list[dict] = []
    for u in units:
        uvals = values.get(u.code) or {}
        uover = overrides.get(u.code) or {}
        ucorr = corrections.get(u.code) or {}
        counted = [crit.code for _cat, crit in applicable[u.group] if crit.code not in u.not_applicable]
        # nothing reported, measured or set by the council for any criterion that counts: ranked last, marked,
        # and scored 0 out of all of them whatever the missing-value policy (``exclude`` would leave nothing)
        no_data = bool(counted) and all(uvals.get(c) is None and c not in uover for c in counted)
        missing_max_counts = policy != "exclude" or no_data
        crit_scores: dict[str, CriterionScore] = {}
        cat_pts: dict[str, float] = {}
        cat_max: dict[str, float] = {}
        for cat, crit in applicable[u.group]:
            v = uvals.get(crit.code)
            if crit.code in u.not_applicable:
                cs_ = CriterionScore(crit.code, 0.0, 0.0 if rescale else crit.max, NOT_APPLICABLE)
            elif crit.code in uover:
                cs_ = CriterionScore(crit.code, float(uover[crit.code]), crit.max, SCORED,
                                     corrected=crit.code in ucorr, overridden=True)
            elif v is None:
                cs_ = CriterionScore(crit.code, 0.0, crit.max if missing_max_counts else 0.0, MISSING)
            else:
                pts = criterion_points(crit, v, stats.get((u.group, crit.code)))
                if u.excluded:  # scored against the ranked units' benchmark, which it may pass
                    pts = min(max(pts, 0.0), crit.max)
                cs_ = CriterionScore(crit.code, pts, crit.max, SCORED, corrected=crit.code in ucorr)
            crit_scores[crit.code] = cs_
            cat_pts[cat.code] = cat_pts.get(cat.code, 0.0) + cs_.points
            cat_max[cat.code] = cat_max.get(cat.code, 0.0) + cs_.max
        categories = {c: CategoryScore(c, cat_pts[c], cat_max[c], cat_pts[c] / cat_max[c] if cat_max[c] else None)
                      for c in cat_pts}
        points = sum(cat_pts.values())
        max_points = sum(cat_max.values())
        gmax = cs.group(u.group).max_points
        index = points / max_points if max_points > 0 else None
        total = index * gmax if index is not None else 0.0
        results.append(dict(code=u.code, group=u.group, criteria=crit_scores, categories=categories, points=points,
                            max_points=max_points, group_max=gmax, total=total, index=index,
                            shown_total=round_shown(total, cs.precision),
                            class_label=None if u.excluded else class_for(
                                cs, u.group, total if index is not None else None),
                            rank=None, excluded=u.excluded, no_data=no_data))

    # competition ranking within each group, on the printed total (ties and classes share one tolerance)
    rows = {r["code"]: r for r in results}
    for g in group_codes:
        ranked = [r for r in results if r["group"] == g and not r["excluded"] and r["index"] is not None]
        keys = {r["code"]: r["shown_total"] for r in ranked if not r["no_data"]}
        for code, rank in competition_ranks(keys).items():
            rows[code]["rank"] = rank
        for r in ranked:  # units that sent nothing: tied last, after every unit that did
            if r["no_data"]:
                r["rank"] = len(keys) + 1

    previous = previous or {}
    out = []
    for r in results:
        p = previous.get(r["code"])
        if p is not None:
            pi, pr, pt = getattr(p, "index", None), getattr(p, "rank", None), getattr(p, "total", None)
            r.update(previous_index=pi, previous_rank=pr,
                     change_index=r["index"] - pi if pi is not None and r["index"] is not None else None,
                     change_total=r["shown_total"] - pt if pt is not None else None,
                     change_rank=pr - r["rank"] if pr is not None and r["rank"] is not None else None)
        out.append(UnitResult(**r))
    return ScoringResult(units=tuple(out), by_code={u.code: u for u in out})


# --------------------------------------------------------------------------- DTI

# QĐ 922/QĐ-BTTTT 2022, provincial DTI: main-indicator weights, out of 1000 (ranking.md §4.2).
DTI_PROVINCE_2022_WEIGHTS: dict[str, float] = {
    "nhan_thuc_so": 100, "the_che_so": 100, "ha_tang_so": 100, "nhan_luc_so": 100, "an_toan_thong_tin_mang": 100,
    "do_thi_thong_minh": 0,  # reported, not scored
    "hoat_dong_chinh_quyen_so": 200, "hoat_dong_kinh_te_so": 150, "hoat_dong_xa_hoi_so": 150,
}


def weighted_index(values: Mapping[str, float], weights: Mapping[str, float], *, total: float | None = None) -> float:
    """DTI-style index: Σ wᵢ·valueᵢ / total (total defaults to Σ wᵢ); each value is a main indicator's
    points / max (0–1). Indicators with weight 0 may be left out."""
    errors = []
    for k, w in weights.items():
        if k not in values and w:
            errors.append(_("Chỉ số '%(k)s': thiếu giá trị.") % {"k": k})
    for k, v in values.items():
        if k not in weights:
            errors.append(INDICATOR_NOT_WEIGHTED % {"k": k})
        elif not _is_num(v) or not 0 <= v <= 1:
            errors.append(INDICATOR_OUTSIDE % {
                "k": k, "v": format_number(v) if _is_num(v) else repr(v)})
    if errors:
        raise ScoringInputError(errors)
    denominator = total if total is not None else sum(weights.values())
    if not _is_num(denominator) or denominator <= 0:
        raise ScoringInputError([str(WEIGHTS_SUM_ZERO)])
    return sum(w * values.get(k, 0.0) for k, w in weights.items()) / denominator


def dti_province_2022(values: Mapping[str, float]) -> float:
    """Provincial DTI 2022 (QĐ 922/QĐ-BTTTT): Σ wᵢ·valueᵢ / 1000."""
    return weighted_index(values, DTI_PROVINCE_2022_WEIGHTS, total=1000)


__all__ = ["CriterionScore", "CategoryScore", "DTI_PROVINCE_2022_WEIGHTS", "Previous",
           "ScoringInputError", "ScoringResult", "Unit", "UnitResult", "class_for", "competition_ranks",
           "criterion_points", "dti_province_2022", "score", "weighted_index"]
