"""The demo province's administrative-reform (CCHC) index of 2017, imported the way a council clerk would:
a CSV through ``reform_scores_import``. Invented but plausible (a generator seeded by the agency), close to
each unit's 2017 IT ranking so that the commendation proposals have something to propose. Idempotent."""

from __future__ import annotations

import random
from collections.abc import Callable

from django.utils.translation import gettext as _

from lienthong.accounts.models import User
from lienthong.assessment.models import Result
from lienthong.commendations import services
from lienthong.commendations.models import ReformIndexScore

YEAR = 2017
FILENAME = "chi-so-cchc-2017-minh-hoa.csv"


def ensure_demo_reform_scores(*, log: Callable[[str], None] | None = None) -> int:
    """Import the 2017 index for every unit ranked in the demo's 2017 campaign; returns the rows imported."""
    if ReformIndexScore.objects.filter(year=YEAR).exists():
        return 0
    results = Result.objects.filter(campaign_unit__campaign__year=YEAR, campaign_unit__excluded=False).values_list(
        "campaign_unit__agency__identifier_code", "index")
    if not results:
        return 0
    lines = ["Mã định danh,Năm,Chỉ số CCHC"]
    for code, index in sorted(results):
        rng = random.Random(f"cchc-{code}-{YEAR}")
        value = max(55.0, min(97.0, 100 * (index or 0.6) + rng.uniform(-4, 9)))
        lines.append(f"{code},{YEAR},{value:.2f}")
    actor = User.objects.get(username="chuyenvien.stttt")
    result = services.reform_scores_import(actor=actor, data="\n".join(lines).encode("utf-8"), filename=FILENAME)
    if log:
        log(_("Chỉ số cải cách hành chính năm %(y)s (minh họa): %(n)s đơn vị.") % {"y": YEAR, "n": result.created})
    return result.created
