"""The demo's problem reports: the contractor in the directory, the operator who sees no document, reports in
every state the queue shows and one the system opened from an error, seen twice."""

from __future__ import annotations

import pytest

from lienthong.accounts.models import User
from lienthong.agencies.models import Agency
from lienthong.documents.selectors import documents_visible_to
from lienthong.feedback import selectors
from lienthong.feedback.models import ProblemReport, Source, State

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_contractor_the_operator_and_reports_in_every_state():
    contractor = Agency.objects.get(name__startswith="Công ty")
    assert contractor.is_external and not contractor.identifier_verified
    operator = User.objects.get(username="vanhanh")
    assert operator.is_operator and not operator.positions.exists()
    assert not documents_visible_to(user=operator).exists()
    assert set(ProblemReport.objects.values_list("state", flat=True)) == set(State.values)
    automatic = ProblemReport.objects.get(source=Source.AUTOMATIC)
    assert automatic.occurrences == 2 and "processing/selectors.py:handling_for" in automatic.cause
    assert ProblemReport.objects.exclude(screenshot_name="").count() == 2
    assert selectors.operator_open_count(user=operator) >= 2
    assert selectors.dashboard_figures().open_defects >= 3
