"""Everything the reports show about one campaign, read once in a fixed number of queries.

``campaign_report(campaign)`` gives plain data (no ORM objects reach the renderers besides the campaign
and agencies): groups in criteria-set order with their ranked rows, the units ranked separately and why,
the excluded units and why, class counts, and the weak areas with recommendations. The DOCX, PDF, XLSX and
the charts all render this one structure, so they always agree.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.assessment.models import Approval, Campaign, CampaignUnit, Result
from lienthong.assessment.recommendations import THEMES, Recommendation, recommendations, theme_for

GROUP_WEAK_SHARE = 0.3  # a category is a group-level weak area when this share of the group's units is weak in it


def weak_threshold() -> float:
    return float(getattr(settings, "REPORTS_WEAK_CATEGORY_INDEX", 0.7))


@dataclass
class Row:
    agency_id: int
    name: str
    short_name: str
    group: str
    rank: int | None
    points: float
    max_points: float
    total: float
    index: float | None
    class_label: str
    categories: dict  # code → {points, max, index}
    criteria: dict
    previous_index: float | None
    previous_rank: int | None
    change_index: float | None
    change_rank: int | None
    excluded: bool = False
    excluded_reason: str = ""
    separate_reason: str = ""
    recommendations: list[Recommendation] = field(default_factory=list)

    @property
    def index_text(self) -> str:
        return pct(self.index)

    @property
    def weak_categories(self) -> list[str]:
        """The codes of the weak categories in criteria-set order ("D, F"); the recommendations stay weakest first."""
        seen: list[str] = []
        for r in sorted(self.recommendations, key=lambda rec: rec.category_order):
            if r.category_code not in seen:
                seen.append(r.category_code)
        return seen


@dataclass
class GroupCategory:
    code: str
    name: str
    max: float


@dataclass
class GroupWeakArea:
    code: str
    name: str
    weak_units: int
    units: int
    mean_index: float | None
    text: str


@dataclass
class GroupReport:
    code: str
    name: str
    max_points: float
    categories: list[GroupCategory]
    rows: list[Row]  # ranked units, best first
    classes: list[tuple[str, int]]  # (label, count) in band order
    mean_index: float | None
    weak_areas: list[GroupWeakArea]
    separate_reasons: list[str]


@dataclass
class CampaignReport:
    campaign: Campaign
    criteria_set: object
    year: int
    title: str
    council_name: str
    council_parent_name: str
    place: str
    approval: Approval | None
    groups: list[GroupReport]
    excluded: list[Row]
    separate: list[Row]
    unit_count: int
    ranked_count: int
    with_previous: bool
    threshold: float
    today: dt.date

    @property
    def rows(self) -> list[Row]:
        return [r for g in self.groups for r in g.rows]


def _row(result: Result, cu: CampaignUnit, cs, threshold: float) -> Row:
    agency = cu.agency
    row = Row(
        agency_id=agency.pk, name=agency.name, short_name=agency.short_name or agency.name, group=cu.group_code,
        rank=result.rank, points=result.points, max_points=result.max_points, total=result.total,
        index=result.index, class_label=result.class_label, categories=result.categories or {},
        criteria=result.criteria or {}, previous_index=result.previous_index, previous_rank=result.previous_rank,
        change_index=result.change_index, change_rank=result.change_rank, excluded=cu.excluded,
        excluded_reason=cu.excluded_reason, separate_reason=cu.separate_reason)
    if not cu.excluded:
        row.recommendations = recommendations(result, cs, threshold=threshold)
    return row


def unit_row(*, result: Result, unit: CampaignUnit) -> Row:
    """One unit's row (result sheet), with its recommendations."""
    cs = unit.campaign.criteria_set.criteria_set()
    return _row(result, unit, cs, weak_threshold())


def group_size(*, campaign: Campaign, group_code: str) -> int:
    return Result.objects.filter(campaign_unit__campaign=campaign, campaign_unit__group_code=group_code,
                                 rank__isnull=False).count()


def campaign_report(campaign: Campaign, *, today: dt.date | None = None) -> CampaignReport:
    cs = campaign.criteria_set.criteria_set()
    threshold = weak_threshold()
    results = list(Result.objects.filter(campaign_unit__campaign=campaign).select_related(
        "campaign_unit__agency"))
    approval = Approval.objects.filter(campaign=campaign).first()
    council = campaign.council_agency
    parent = council.parent if council.parent_id else None
    rows_by_group: dict[str, list[Row]] = {}
    excluded: list[Row] = []
    for result in results:
        row = _row(result, result.campaign_unit, cs, threshold)
        if row.excluded:
            excluded.append(row)
        else:
            rows_by_group.setdefault(row.group, []).append(row)
    groups: list[GroupReport] = []
    for g in cs.groups:
        rows = rows_by_group.pop(g.code, [])
        if not rows:
            continue
        groups.append(_group(cs, g.code, g.name, g.max_points, rows, threshold))
    for code, rows in rows_by_group.items():  # a group the set no longer names: still shown
        groups.append(_group(cs, code, code, max(r.max_points for r in rows), rows, threshold))
    excluded.sort(key=lambda r: r.name)
    separate = [r for g in groups for r in g.rows if r.separate_reason]
    ranked = sum(len(g.rows) for g in groups)
    return CampaignReport(
        campaign=campaign, criteria_set=cs, year=campaign.year, title=campaign.name,
        council_name=council.name, council_parent_name=parent.name if parent else "",
        place=council.place_name or "", approval=approval, groups=groups, excluded=excluded, separate=separate,
        unit_count=len(results), ranked_count=ranked,
        with_previous=any(r.previous_index is not None for g in groups for r in g.rows), threshold=threshold,
        today=today or timezone.localdate())


def _group(cs, code, name, max_points, rows: list[Row], threshold: float) -> GroupReport:
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.name))
    cats = []
    for cat in cs.categories:
        maxes = [r.categories[cat.code]["max"] for r in rows if cat.code in r.categories]
        if maxes:
            cats.append(GroupCategory(code=cat.code, name=cat.name, max=max(maxes)))
    counts = Counter(r.class_label for r in rows)
    labels = [b.label for b in cs.bands] or sorted(counts)
    classes = [(label, counts.get(label, 0)) for label in labels]
    indexes = [r.index for r in rows if r.index is not None]
    weak_areas = []
    cat_by_code = {c.code: c for c in cs.categories}
    for gc in cats:
        vals = [r.categories[gc.code].get("index") for r in rows if gc.code in r.categories]
        vals = [v for v in vals if v is not None]
        weak = sum(1 for v in vals if v < threshold - 1e-9)
        if vals and weak / len(vals) >= GROUP_WEAK_SHARE - 1e-9 and weak:
            texts = []
            for r in rows:
                for rec in r.recommendations:
                    if rec.category_code == gc.code and rec.text not in texts:
                        texts.append(rec.text)
            if not texts:
                texts = [str(THEMES[theme_for(gc.code, cat_by_code[gc.code].name, category=True) or "planning"])]
            weak_areas.append(GroupWeakArea(code=gc.code, name=gc.name, weak_units=weak, units=len(vals),
                                            mean_index=sum(vals) / len(vals), text=" ".join(texts)))
    reasons = sorted({r.separate_reason for r in rows if r.separate_reason})
    return GroupReport(code=code, name=name, max_points=max_points, categories=cats, rows=rows, classes=classes,
                       mean_index=sum(indexes) / len(indexes) if indexes else None, weak_areas=weak_areas,
                       separate_reasons=reasons)


def pct(value: float | None, digits: int = 1) -> str:
    """0.8123 → "81,2 %" (Vietnamese decimal comma); None → "—"."""
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}".replace(".", ",") + " %"


def fixed(value: float | None, digits: int = 2) -> str:
    """12.5 → "12,50" (points in tables keep their decimals so columns line up)."""
    return "—" if value is None else f"{value:.{digits}f}".replace(".", ",")


def num(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    return text.replace(".", ",")


def change_text(row: Row) -> str:
    """"+3,2 điểm %" / "−1,0 điểm %" (index change in percentage points); "—" without last year."""
    if row.change_index is None:
        return "—"
    value = row.change_index * 100
    sign = "+" if value > 0.05 else ("−" if value < -0.05 else "±")
    return _("%(s)s%(v)s điểm %%") % {"s": sign, "v": f"{abs(value):.1f}".replace(".", ",")}


def rank_change_text(row: Row) -> str:
    if row.change_rank is None:
        return ""
    if row.change_rank > 0:
        return _("tăng %(n)s bậc") % {"n": row.change_rank}
    if row.change_rank < 0:
        return _("giảm %(n)s bậc") % {"n": -row.change_rank}
    return _("giữ nguyên")
