"""A campaign with approved results on the test province (through the real services), for the
commendation tests. Reuses the ranking fixture and value sets of the assessment workflow tests."""

from __future__ import annotations

import pytest

from lienthong.agencies.models import AgencyGroup
from lienthong.assessment import services as assessment_services
from lienthong.assessment.models import CampaignState, SelfAssessment
from lienthong.assessment.tests.conftest import ranking  # noqa: F401 (the fixture, for the tests of this package)
from lienthong.assessment.tests.test_workflow import GOOD, PUBLISHED_ON, WEAK
from lienthong.testing.builders import make_agency

# Every criterion of the "so_nganh" group at its maximum: class "Xuất sắc".
BEST = {**GOOD, "A2": 1, "B1": 1, "B2": 1, "B3": 1, "D1": 1, "D2": 1, "F3": 1}


def approve(p, council, campaign, *, publish_results=False):
    for to in (CampaignState.REVIEW, CampaignState.COUNCIL):
        assessment_services.campaign_advance(actor=council, campaign=campaign, to=to)
    assessment_services.campaign_compute_results(actor=council, campaign=campaign)
    assessment_services.campaign_approve(actor=p.users["leader.ubnd"], campaign=campaign,
                                         decision="Quyết định số 321/QĐ-UBND ngày 20/3/2018")
    if publish_results:
        assessment_services.campaign_publish_results(actor=council, campaign=campaign)
    campaign.refresh_from_db()
    return campaign


def fill(p, campaign, values_by_agency: dict):
    for key, values in values_by_agency.items():
        sa = SelfAssessment.objects.get(campaign_unit__campaign=campaign, campaign_unit__agency=p.agencies[key])
        assessment_services.self_assessment_save(actor=p.users[f"specialist.{key}"], self_assessment=sa, values=values)


@pytest.fixture
def published(ranking):  # noqa: F811
    """The 2017 campaign (vp, stttt: sở/ngành; huyện: UBND huyện) open for self-assessment, values filled."""
    p, council, version, campaign = ranking
    campaign = assessment_services.campaign_publish(actor=council, campaign=campaign, today=PUBLISHED_ON)
    fill(p, campaign, {"vp": BEST, "stttt": WEAK, "huyen": {**GOOD, "G1": 1, "G2": 0.2, "G3": 1}})
    return p, council, version, campaign


@pytest.fixture
def approved(published):
    p, council, version, campaign = published
    return p, council, version, approve(p, council, campaign)


def extra_agencies(p, n: int, *, start: int = 0):
    """``n`` more provincial departments in the so-nganh group."""
    group = AgencyGroup.objects.get(code="so-nganh")
    level = p.agencies["vp"].level
    return [make_agency(f"Sở Thử nghiệm số {i}", f"S{i}", level, parent=p.agencies["ubnd"],
                        code=f"000.00.{60 + i:02d}.H30", group=group) for i in range(start, start + n)]
