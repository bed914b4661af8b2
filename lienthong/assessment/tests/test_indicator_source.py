"""The platform's figures for the automatic indicators of a ranking year, and the autofill that uses them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from lienthong.assessment import services
from lienthong.assessment.indicator_source import indicator_value, indicator_values, period
from lienthong.assessment.indicators import INDICATORS
from lienthong.assessment.models import CriterionValue
from lienthong.assessment.tests.test_workflow import _published
from lienthong.documents.models import Document
from lienthong.documents.services import document_register_incoming, document_register_outgoing
from lienthong.oversight.models import AgencyMonthStats
from lienthong.testing.builders import doc_input


def _stats(agency, month, **values):
    return AgencyMonthStats.objects.create(agency=agency, month=month, computed_at=timezone.now(), **values)


@pytest.fixture
def figures(province):
    """Sở TT&TT's year 2017 (window 01/11/2016–31/10/2017), one figure outside it, and a commune that works."""
    a, u = province.agencies, province.users
    clerk = u["clerk.stttt"]
    issued = [document_register_outgoing(actor=clerk, agency=a["stttt"], data=doc_input(issued_on=d), today=d)
              for d in (dt.date(2016, 12, 5), dt.date(2017, 3, 6), dt.date(2017, 10, 30), dt.date(2017, 11, 2))]
    Document.objects.filter(pk__in=[issued[0].pk, issued[1].pk, issued[3].pk]).update(legally_valid=True)
    for i, d in enumerate((dt.date(2017, 1, 9), dt.date(2017, 6, 1))):
        document_register_incoming(actor=clerk, agency=a["stttt"], data=doc_input(issued_on=d),
                                   number_symbol=f"{i + 1:02d}/UBND-VP", issuer_agency=a["ubnd"], received_on=d,
                                   today=d)
    _stats(a["stttt"], dt.date(2017, 1, 1), issued_normal=4, issued_e_doc=3, documents_received=2,
           received_assigned=1, completed_with_deadline=10, completed_on_time=8, staff_accounts=12, active_users=3,
           handlings_completed=5, median_processing_days=3.0)
    _stats(a["stttt"], dt.date(2017, 10, 1), issued_normal=1, issued_e_doc=1, completed_with_deadline=5,
           completed_on_time=3, staff_accounts=10, active_users=7, overdue_open=2)
    _stats(a["stttt"], dt.date(2017, 11, 1), issued_normal=50, staff_accounts=99, active_users=0, overdue_open=40)
    _stats(a["xa"], dt.date(2017, 5, 1), documents_issued=1)
    return province


def test_figures_of_the_ranking_year_follow_the_shared_definitions(figures):
    a = figures.agencies
    assert period(2017) == (dt.date(2016, 11, 1), dt.date(2017, 10, 31))
    got = indicator_values(agency_ids=[a["stttt"].pk, a["huyen"].pk], keys=INDICATORS, year=2017)
    s = got[a["stttt"].pk]
    # straight from the records (the November 2017 document belongs to the 2018 ranking)
    assert s["documents_issued"] == 3 and s["documents_received"] == 2
    assert s["digital_sign_valid_share"] == Decimal("0.666667")
    # from the monthly statistics: counts summed over the months, ratios from the sums
    assert s["e_doc_share"] == Decimal("0.8")           # (3 + 1) / (4 + 1)
    assert s["on_time_share"] == Decimal("0.733333")    # 11 / 15
    assert s["e_case_share"] == Decimal("0.5")          # 1 / 2 (documents received of the statistics)
    # staff, active users and overdue items as of the period's last month (October 2017)
    assert s["active_user_share"] == Decimal("0.7") and s["unused_accounts"] == 3 and s["overdue_items"] == 2
    assert s["median_processing_days"] == 3
    # no communes below a department: missing, not 0; online public services are not the platform's
    assert s["commune_coverage"] is None and s["dvc_level4_share"] is None
    assert got[a["huyen"].pk]["commune_coverage"] == 1  # its one commune issued a document
    assert got[a["huyen"].pk]["e_doc_share"] is None    # nothing issued: missing, not 0
    assert indicator_value(agency_id=a["stttt"].pk, key="e_doc_share", year=2017) == Decimal("0.8")
    assert indicator_value(agency_id=a["stttt"].pk, key="e_doc_share", year=2016) is None


def test_the_batch_costs_the_same_few_queries_for_one_or_every_agency(figures, django_assert_max_num_queries):
    from lienthong.agencies.models import Agency

    every = list(Agency.objects.values_list("pk", flat=True))
    # six for the platform's figures, one for the online public services (publicservices.service_figures), one
    # for the tasks given in documents (followup.indicators)
    with django_assert_max_num_queries(8):
        one = indicator_values(agency_ids=every[:1], keys=INDICATORS, year=2017)
    with django_assert_max_num_queries(8):
        got = indicator_values(agency_ids=every, keys=INDICATORS, year=2017)
    assert set(got) == set(every) and len(one) == 1
    with django_assert_max_num_queries(0):
        assert indicator_values(agency_ids=every, keys=["commune_online_dossier_share"], year=2017)[every[0]] == {
            "commune_online_dossier_share": None}


def test_autofill_uses_the_platforms_figures_by_default(ranking):
    p, council, version, campaign = ranking
    a = p.agencies
    campaign = _published(ranking)
    _stats(a["stttt"], dt.date(2017, 3, 1), issued_normal=10, issued_e_doc=9, documents_received=4,
           received_assigned=3)
    _stats(a["xa"], dt.date(2017, 3, 1), documents_received=2)
    filled = services.criterion_values_autofill(campaign=campaign)
    assert filled > 0

    def auto(agency, code):
        return CriterionValue.objects.get(self_assessment__campaign_unit__agency=agency,
                                          self_assessment__campaign_unit__campaign=campaign, criterion_code=code)

    assert auto(a["stttt"], "B1").auto_value == 0.9 and auto(a["stttt"], "B3").auto_value == 0.75
    assert auto(a["vp"], "B1").auto_value is None and auto(a["vp"], "B1").auto_at is not None
    assert auto(a["huyen"], "G1").auto_value == 1
