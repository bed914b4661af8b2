"""The fixture the oversight test modules share: the test province with its office and council declared and
three months of figures (January to March 2018).

It lives here (not in test_dashboard.py) so that pytest finds it for every module of the package without
each one importing the fixture and then shadowing the import with a test argument of the same name."""

from __future__ import annotations

import pytest

from lienthong.assessment.models import AssessmentAuthority, AuthorityKind
from lienthong.oversight.tests.test_dashboard import FEB, JAN, MAR, stats


@pytest.fixture
def office(province):
    """The Provincial Office plays the "office" part, Sở TT&TT the "council" part; some figures."""
    a = province.agencies
    AssessmentAuthority.objects.create(agency=a["vp"], kind=AuthorityKind.OFFICE)
    AssessmentAuthority.objects.create(agency=a["stttt"], kind=AuthorityKind.COUNCIL)
    for m in (JAN, FEB, MAR):
        stats(a["huyen"], m, active_users=2, sent_electronically=5, issued_legally_valid=4, overdue_open=7)
        stats(a["xa"], m)
        stats(a["stttt"], m)
    return province
