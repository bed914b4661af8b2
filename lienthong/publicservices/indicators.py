"""The ranking's online-public-service indicators (``dvc_*``, docs/indicators.md) from the catalogue and
the monthly dossier counts kept by this app (imported or entered by hand).

Registered with the assessment app in ``PublicServicesConfig.ready()`` (``assessment.indicator_source``),
so the ranking reads these figures without importing this app.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .selectors import service_figures

KEYS = frozenset({"dvc_level3_share", "dvc_level4_share", "dvc_service_usage_share", "dvc_online_dossier_share",
                  "dvc_on_time_dossier_share"})


def service_indicator_values(*, agency_ids: list[int], keys: set[str], start: dt.date,
                             end: dt.date) -> dict[int, dict[str, Decimal | None]]:
    """The ``dvc_*`` keys of ``agency_ids`` over the months of ``[start, end]`` (``service_figures``: one query)."""
    figures = service_figures(agency_ids=agency_ids, month_from=start.replace(day=1), month_to=end.replace(day=1))
    return {agency_id: {k: f.ratio(k) for k in keys & KEYS} for agency_id, f in figures.items()}
