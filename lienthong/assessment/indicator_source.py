"""The platform's own figures for the automatic indicators of a ranking year (``source: indicator:<key>``).

The glue between the usage statistics and the ranking: definitions are those of ``docs/indicators.md``.
Document counts and signature shares come straight from the records (``signing.selectors.signature_statistics``,
exact for the period); assignments, handlings and accounts from the monthly usage statistics
(``oversight.selectors.usage_overview``, counts summed over the months, ratios from the sums). The period of
ranking year ``Y`` is the default campaign window, 01/11/``Y-1`` to 31/10/``Y``.

Online-public-service keys (``dvc_*``) come from the one-stop system's catalogue and dossier counts kept
by ``lienthong.publicservices`` (imported or entered by hand), over the months of the same window
(``publicservices.selectors.service_figures``, one query). ``commune_online_dossier_share`` is not
computed here yet: it gives ``None`` (the criterion's missing-value policy applies).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

RATIO_PLACES = Decimal("0.000001")

# Keys answered from signature_statistics (exact counts for the period).
SIGNATURE_KEYS = frozenset({"documents_issued", "documents_received", "digital_sign_valid_share",
                            "received_signed_valid_share"})
# Keys answered from the monthly usage statistics.
USAGE_KEYS = frozenset({"e_doc_share", "e_case_share", "on_time_share", "overdue_items", "median_processing_days",
                        "active_user_share", "unused_accounts"})
COMMUNE_KEYS = frozenset({"commune_coverage"})
# Keys answered from the online-public-service catalogue and monthly dossier counts (publicservices).
DVC_KEYS = frozenset({"dvc_level3_share", "dvc_level4_share", "dvc_service_usage_share", "dvc_online_dossier_share",
                      "dvc_on_time_dossier_share"})
COMPUTED_KEYS = SIGNATURE_KEYS | USAGE_KEYS | COMMUNE_KEYS | DVC_KEYS


def period(year: int) -> tuple[dt.date, dt.date]:
    """The default campaign window of ranking year ``year`` (both ends inclusive)."""
    return dt.date(year - 1, 11, 1), dt.date(year, 10, 31)


def _ratio(num: int, den: int) -> Decimal | None:
    if not den:
        return None
    return (Decimal(num) / Decimal(den)).quantize(RATIO_PLACES)


def _number(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value))


def indicator_values(*, agency_ids: Iterable[int], keys: Iterable[str],
                     year: int) -> dict[int, dict[str, Decimal | None]]:
    """``{agency_id: {key: value}}`` for every requested agency and key; ``None`` when the value is missing
    (a ratio with nothing to count) or not computed by the platform. At most seven queries whatever the
    number of agencies and keys."""
    agency_ids = sorted({int(a) for a in agency_ids})
    keys = set(keys)
    out: dict[int, dict[str, Decimal | None]] = {a: dict.fromkeys(keys) for a in agency_ids}
    if not agency_ids or not keys & COMPUTED_KEYS:
        return out
    start, end = period(year)

    if keys & SIGNATURE_KEYS:
        from lienthong.signing.selectors import signature_statistics

        for s in signature_statistics(agency_ids=agency_ids, start=start, end=end):
            values = {"documents_issued": Decimal(s.issued), "documents_received": Decimal(s.received),
                      "digital_sign_valid_share": _ratio(s.issued_legally_valid, s.issued),
                      "received_signed_valid_share": _ratio(s.received_signed_valid, s.received)}
            out[s.agency_id].update({k: v for k, v in values.items() if k in keys})

    if keys & (USAGE_KEYS | COMMUNE_KEYS):
        from lienthong.agencies.models import Agency
        from lienthong.oversight.selectors import usage_overview

        communes: dict[int, list[int]] = {}
        if keys & COMMUNE_KEYS:
            for pk, parent_id in Agency.objects.filter(
                    parent_id__in=agency_ids, level__code="xa", is_external=False).values_list("pk", "parent_id"):
                communes.setdefault(parent_id, []).append(pk)
        wanted = set(agency_ids) | {c for cs in communes.values() for c in cs}
        rows = {r.agency_id: r for r in usage_overview(month_from=start, month_to=end, agency_ids=wanted)}
        for agency_id in agency_ids:
            row = rows.get(agency_id)
            if row is None:  # an external agency: nothing measured
                continue
            for key in keys & USAGE_KEYS:
                if key in ("overdue_items", "unused_accounts"):
                    out[agency_id][key] = Decimal(row.indicator(key))
                elif key == "median_processing_days":
                    out[agency_id][key] = _number(row.median_processing_days)
                else:
                    out[agency_id][key] = _usage_ratio(row, key)
            if keys & COMMUNE_KEYS:
                children = communes.get(agency_id, [])
                using = sum(1 for c in children if c in rows
                            and rows[c].documents_issued + rows[c].documents_received > 0)
                out[agency_id]["commune_coverage"] = _ratio(using, len(children))

    if keys & DVC_KEYS:
        from lienthong.publicservices.selectors import service_figures

        for agency_id, figures in service_figures(agency_ids=agency_ids, month_from=start.replace(day=1),
                                                  month_to=end.replace(day=1)).items():
            out[agency_id].update({k: figures.ratio(k) for k in keys & DVC_KEYS})
    return out


def _usage_ratio(row, key: str) -> Decimal | None:
    """The ratio from its whole-number parts (never through a float)."""
    t = row.totals
    num, den = {
        "e_doc_share": (t.get("issued_e_doc", 0), t.get("issued_normal", 0)),
        "e_case_share": (t.get("received_assigned", 0), t.get("documents_received", 0)),
        "on_time_share": (t.get("completed_on_time", 0), t.get("completed_with_deadline", 0)),
        "active_user_share": (row.active_users, row.staff_accounts),
    }[key]
    return _ratio(num, den)


def indicator_value(*, agency_id: int, key: str, year: int) -> Decimal | None:
    """One agency's value of one indicator for ranking year ``year`` (see ``indicator_values``)."""
    return indicator_values(agency_ids=[agency_id], keys=[key], year=year)[int(agency_id)][key]
