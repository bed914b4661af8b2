"""The ranking's automatic indicators that come from the monthly usage statistics (docs/indicators.md).

Registered with the assessment app in ``OversightConfig.ready()`` (``assessment.indicator_source``), so the
ranking reads these figures without importing this app: counts are summed over the months of the period,
ratios taken from the sums; staff, active users and overdue items as of the period's last month.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lienthong.agencies.models import Agency
from lienthong.assessment.indicator_source import number, ratio

from .selectors import UsageRow, usage_overview

USAGE_KEYS = frozenset({"e_doc_share", "e_case_share", "on_time_share", "overdue_items", "median_processing_days",
                        "active_user_share", "unused_accounts", "filed_share"})
COMMUNE_KEYS = frozenset({"commune_coverage"})
KEYS = USAGE_KEYS | COMMUNE_KEYS


def usage_indicator_values(*, agency_ids: list[int], keys: set[str], start: dt.date,
                           end: dt.date) -> dict[int, dict[str, Decimal | None]]:
    """The usage keys of ``agency_ids`` over ``[start, end]``: three queries (``usage_overview``), one more
    for ``commune_coverage`` (the share of an agency's communes that issued or received a document).
    External agencies are not measured: they are left out."""
    communes: dict[int, list[int]] = {}
    if keys & COMMUNE_KEYS:
        for pk, parent_id in Agency.objects.filter(
                parent_id__in=agency_ids, level__code="xa", is_external=False).values_list("pk", "parent_id"):
            communes.setdefault(parent_id, []).append(pk)
    wanted = set(agency_ids) | {c for cs in communes.values() for c in cs}
    rows = {r.agency_id: r for r in usage_overview(month_from=start, month_to=end, agency_ids=wanted)}
    out: dict[int, dict[str, Decimal | None]] = {}
    for agency_id in agency_ids:
        row = rows.get(agency_id)
        if row is None:  # an external agency: nothing measured
            continue
        values = out[agency_id] = {}
        for key in keys & USAGE_KEYS:
            if key in ("overdue_items", "unused_accounts"):
                values[key] = Decimal(row.indicator(key))
            elif key == "median_processing_days":
                values[key] = number(row.median_processing_days)
            else:
                values[key] = _usage_ratio(row, key)
        if keys & COMMUNE_KEYS:
            children = communes.get(agency_id, [])
            using = sum(1 for c in children if c in rows
                        and rows[c].documents_issued + rows[c].documents_received > 0)
            values["commune_coverage"] = ratio(using, len(children))
    return out


def _usage_ratio(row: UsageRow, key: str) -> Decimal | None:
    """The ratio from its whole-number parts (never through a float)."""
    t = row.totals
    num, den = {
        "e_doc_share": (t.get("issued_e_doc", 0), t.get("issued_normal", 0)),
        "e_case_share": (t.get("received_assigned", 0), t.get("documents_received", 0)),
        "on_time_share": (t.get("completed_on_time", 0), t.get("completed_with_deadline", 0)),
        "active_user_share": (row.active_users, row.staff_accounts),
        "filed_share": (t.get("documents_filed", 0), t.get("documents_issued", 0) + t.get("documents_received", 0)),
    }[key]
    return ratio(num, den)
