"""The fixture every assessment test module starts from: a ranking campaign in draft on the test province.

It lives here (not in test_workflow.py) so that pytest finds it for every module of the package without
each one importing the fixture and then shadowing the import with a test argument of the same name. The
commendation tests import it from here for their own conftest."""

from __future__ import annotations

import pytest

from lienthong.assessment import services
from lienthong.assessment.models import AssessmentAuthority, AuthorityKind
from lienthong.assessment.tests.test_workflow import MIC


@pytest.fixture
def ranking(province):
    a = province.agencies
    AssessmentAuthority.objects.create(agency=a["stttt"], kind=AuthorityKind.COUNCIL)
    AssessmentAuthority.objects.create(agency=a["ubnd"], kind=AuthorityKind.APPROVER)
    AssessmentAuthority.objects.create(agency=a["vp"], kind=AuthorityKind.OFFICE)
    council = province.users["specialist.stttt"]
    version = services.criteria_set_import(yaml_text=MIC, actor=council)
    campaign = services.campaign_create(actor=council, year=2017, criteria_set=version, units=[
        services.UnitInput(a["vp"].pk, "so_nganh"),
        services.UnitInput(a["stttt"].pk, "so_nganh"),
        services.UnitInput(a["huyen"].pk, "ubnd_huyen"),
    ])
    return province, council, version, campaign
