"""The demo's tasks (issue 20): the seed notice's tasks in their states, and a dashboard with something in it."""

import datetime as dt

import pytest

from lienthong.followup import selectors
from lienthong.followup.models import Task, TaskDeadlineChange

pytestmark = pytest.mark.django_db


def test_the_seed_notices_tasks_are_followed():
    seed = Task.objects.filter(source_document__number_symbol="32/TB-VP.UBND").select_related("lead_agency")
    states = {t.lead_agency.short_name: t.state for t in seed if t.deadline is not None}
    assert states == {"VP UBND tỉnh": "done", "Nhà thầu phần mềm": "done", "Sở TT&TT": "reported"}
    contractor = next(t for t in seed if t.lead_agency.is_external)
    assert TaskDeadlineChange.objects.get(task=contractor).new_deadline == dt.date(2018, 7, 31)
    assert contractor.completed_on > contractor.deadline is not None  # completed late, after its extension
    assert sum(1 for t in seed if t.deadline is None) == 4  # the districts' routine task


def test_the_2018_dashboard_has_every_class():
    rows = selectors.statistics(start=dt.date(2018, 1, 1), end=dt.date(2018, 12, 31))
    total = selectors.totals(rows)
    assert len(rows) >= 10
    assert all(getattr(total, c) > 0 for c in ("on_time", "late", "within", "overdue", "routine")), total
