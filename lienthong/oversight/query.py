"""The dashboard's filters (period, level, group) and thresholds read from a query string, shared by the
page, its XLSX and PDF exports, the công văn đôn đốc action and the JSON API, so that all of them show
the same agencies for the same parameters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from lienthong.oversight import selectors
from lienthong.oversight.forms import ThresholdForm, UsageFilterForm, default_period


@dataclass
class UsageQuery:
    form: UsageFilterForm
    threshold_form: ThresholdForm
    month_from: dt.date
    month_to: dt.date
    level: str = ""
    group: str = ""
    agency_ids: list[int] | None = None  # None: every internal agency
    thresholds: dict[str, float] = field(default_factory=dict)
    level_names: dict[str, str] = field(default_factory=dict)
    group_names: dict[str, str] = field(default_factory=dict)
    saved_thresholds: bool = False  # the thresholds are the overseeing agency's saved ones (none were asked for)
    default_thresholds: bool = False  # … or the province's defaults (nothing saved yet)

    @property
    def period(self) -> dict:
        return {"month_from": self.month_from, "month_to": self.month_to}

    @property
    def is_valid(self) -> bool:
        return self.form.is_valid() and self.threshold_form.is_valid()

    def errors(self) -> dict[str, list[str]]:
        """Field → Vietnamese messages (``__all__`` for the period as a whole)."""
        out: dict[str, list[str]] = {}
        for form in (self.form, self.threshold_form):
            for name, messages in form.errors.items():
                key = "period" if name == "__all__" else name
                out.setdefault(key, []).extend(str(m) for m in messages)
        return out

    def rows(self):
        return selectors.usage_overview(**self.period, agency_ids=self.agency_ids)

    def lagging(self) -> dict[int, dict]:
        """Agency id → the indicators it fails ({key: (value, limit)}); empty without thresholds."""
        if not self.thresholds:
            return {}
        return {lg.row.agency_id: lg.failed for lg in selectors.laggards(
            thresholds=self.thresholds, **self.period, agency_ids=self.agency_ids)}


def usage_query(data, *, user=None) -> UsageQuery:
    """Read ``data`` (a QueryDict). Invalid filters fall back to the default period without level or
    group (the page shows the errors); invalid thresholds are ignored. Two queries (levels, groups)
    plus one when a level or group is chosen. With ``user`` (the pages, not the JSON API) and no threshold in
    ``data`` at all, the thresholds are those the user's overseeing agency saved, else the province's defaults
    (two more queries): the dashboard opens ready to chase the laggards (issue 18)."""
    levels = selectors.administrative_levels()
    groups = selectors.agency_groups()
    form = UsageFilterForm(data, levels=levels, groups=groups)
    saved = defaults = False
    if user is not None and not any(name in data for name in ThresholdForm.KEYS):
        thresholds, saved = selectors.saved_thresholds(user=user)
        defaults = not saved and bool(thresholds)
        data = data.copy()
        data.update(ThresholdForm.as_data(thresholds))
    threshold_form = ThresholdForm(data)
    if form.is_valid():
        cleaned = form.cleaned_data
    else:
        first, last = default_period()
        cleaned = {"month_from": first, "month_to": last, "level": "", "group": ""}
    agency_ids = None
    if cleaned.get("level") or cleaned.get("group"):
        agency_ids = selectors.internal_agency_ids(level=cleaned.get("level") or "", group=cleaned.get("group") or "")
    thresholds = threshold_form.thresholds() if threshold_form.is_valid() else {}
    return UsageQuery(form=form, threshold_form=threshold_form, month_from=cleaned["month_from"],
                      month_to=cleaned["month_to"], level=cleaned.get("level") or "", group=cleaned.get("group") or "",
                      agency_ids=agency_ids, thresholds=thresholds, level_names={lv.code: lv.name for lv in levels},
                      group_names={g.code: g.name for g in groups}, saved_thresholds=saved,
                      default_thresholds=defaults)
