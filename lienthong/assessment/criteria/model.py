"""The data of a criteria set: unit groups, classification bands, categories and criteria (frozen
dataclasses), the rule types and policies they may name, and the error that lists every problem found."""

from __future__ import annotations

from dataclasses import dataclass

from lienthong.core.errors import DomainError

RULE_TYPES = {
    "ratio": "tỷ lệ × điểm tối đa",
    "ratio_to_best": "tỷ lệ so với đơn vị cao nhất trong nhóm × điểm tối đa",
    "target_ratio": "tỷ lệ so với chỉ tiêu (tối đa 1) × điểm tối đa",
    "steps": "bậc thang (ngưỡng → điểm)",
    "boolean": "có / không",
    "count_capped": "đếm số lượng × điểm mỗi mục, có mức trần",
    "best_of": "lấy phương án cao nhất",
    "manual": "hội đồng chấm trực tiếp",
    "minmax": "chuẩn hóa min–max trong nhóm (phân tích)",
    "zscore_minmax": "chuẩn hóa z-score rồi min–max trong nhóm (phân tích)",
}
VALUE_KINDS = ("ratio", "number")
MISSING_POLICIES = ("zero", "exclude", "error")
# Rules that compare a unit with the other ranked units of its group, and what they give when nobody differs
# (every value equal, a unit alone, or no ranked unit with a value): ``absolute`` (the default) reads the
# value on its own, against ``reference`` when the criterion states one (value / reference, capped), else
# 0 for 0 (or less) and the maximum for more; ``full`` gives everyone the maximum; ``zero`` gives 0.
RELATIVE_RULES = ("ratio_to_best", "minmax", "zscore_minmax")
NO_SPREAD_RULES = ("absolute", "full", "zero")
NOT_APPLICABLE_POLICIES = ("rescale", "zero")
EPS = 1e-9
DEFAULT_PRECISION = 2
MAX_PRECISION = 6


class CriteriaSetError(DomainError):
    code = "criteria_set_invalid"
    status = 422

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    max_points: float
    enabled: bool = True


@dataclass(frozen=True)
class Band:
    label: str
    min: float  # share of the maximum, 0–1
    min_points: tuple[tuple[str, float], ...] = ()  # per group, published point cut-offs override ``min``

    def threshold(self, group: str, group_max: float) -> float:
        """Cut-off in points on the group's scale."""
        for g, p in self.min_points:
            if g == group:
                return p
        return self.min * group_max


@dataclass(frozen=True)
class Step:
    points: float
    min: float | None = None  # numeric threshold: value >= min
    when: str | None = None  # or a choice code
    label: str = ""


@dataclass(frozen=True)
class Option:
    code: str
    points: float
    name: str = ""


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    rule: str
    max: float
    source: str = "self_report"  # self_report | indicator:<key> | import:<key>
    evidence: str = ""
    applies_to: tuple[str, ...] | None = None  # None: the category's groups
    target: float | None = None
    value_kind: str | None = None  # target_ratio: "ratio" (default) or "number"
    per_item: float | None = None
    steps: tuple[Step, ...] = ()
    options: tuple[Option, ...] = ()
    note: str = ""
    proposal: bool = False
    no_spread: str | None = None  # relative rules: None = "absolute" (see NO_SPREAD_RULES)
    reference: float | None = None  # relative rules: the value read as full marks when nobody differs

    @property
    def relative(self) -> bool:
        return self.rule in RELATIVE_RULES

    @property
    def no_spread_rule(self) -> str:
        return self.no_spread or "absolute"

    @property
    def indicator_key(self) -> str | None:
        return self.source.split(":", 1)[1] if self.source.startswith("indicator:") else None

    @property
    def steps_are_choices(self) -> bool:
        return bool(self.steps) and self.steps[0].when is not None


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    points: float
    criteria: tuple[Criterion, ...]
    applies_to: tuple[str, ...] | None = None  # None: every group
    proposal: bool = False


@dataclass(frozen=True)
class CriteriaSet:
    code: str
    name: str
    version: int
    groups: tuple[Group, ...]
    categories: tuple[Category, ...]
    bands: tuple[Band, ...] = ()
    year: int | None = None
    proposal: bool = False
    derived_from: tuple[str, ...] = ()
    missing_value_policy: str = "zero"
    not_applicable_policy: str = "rescale"
    notes: str = ""
    precision: int = 2  # decimals of the printed total; ranks and classes use the total rounded to them

    def group(self, code: str) -> Group:
        for g in self.groups:
            if g.code == code:
                return g
        raise KeyError(code)

    def criteria(self):
        """(category, criterion) pairs in order."""
        for cat in self.categories:
            for crit in cat.criteria:
                yield cat, crit

    def applies(self, category: Category, criterion: Criterion, group: str) -> bool:
        groups = criterion.applies_to or category.applies_to
        return groups is None or group in groups

    def group_maximum(self, group: str) -> float:
        return sum(c.max for cat, c in self.criteria() if self.applies(cat, c, group))



def round_shown(x: float, digits: int) -> float:
    """``x`` as printed with ``digits`` decimals, half up (85.495 → 85.50), float noise removed first."""
    from decimal import ROUND_HALF_UP, Decimal

    return float(Decimal(repr(round(x, 9))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def format_number(x: float) -> str:
    """A number as messages print it: no trailing zeros, decimal comma (``2,5``)."""
    return f"{x:g}".replace(".", ",")
