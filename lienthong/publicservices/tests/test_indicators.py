"""The dvc_* indicators from the catalogue and the monthly counts, across the level change of 15/8/2022."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lienthong.assessment.indicator_source import indicator_values
from lienthong.publicservices.models import Procedure, ProcedureMonth
from lienthong.publicservices.selectors import service_figures

KEYS = ["dvc_level3_share", "dvc_level4_share", "dvc_service_usage_share", "dvc_online_dossier_share",
        "dvc_on_time_dossier_share"]


def _procedure(agency, code, level, as_of, *, active=True):
    return Procedure.objects.create(agency=agency, code=code, name=f"Thủ tục {code}", online_level=level,
                                    level_as_of=as_of, active=active)


def _month(procedure, month, level, total, online, settled=None, on_time=None):
    settled = total if settled is None else settled
    ProcedureMonth.objects.create(procedure=procedure, month=month, online_level=level, total=total, online=online,
                                  settled=settled, on_time=settled if on_time is None else on_time)


@pytest.fixture
def catalogue(dvc):
    """Sở TT&TT, ranking years 2022 (11/2021–10/2022, straddling 15/8/2022) and 2023 (11/2022–10/2023):

    A: level 3 in 11/2021 and 07/2022, toàn trình from 09/2022; online dossiers all along.
    B: level 2 (no online service) in 03/2022, một phần from 09/2022; one online dossier in 01/2023 only.
    C: level 4 in 05/2022, never an online dossier that year; toàn trình in 2023 with one.
    D: listed by hand in 03/2023 (toàn trình, no counts): in the 2023 catalogue, not in 2022's.
    E: no longer applied (inactive), no months: in neither catalogue.
    """
    s = dvc.agencies["stttt"]
    a = _procedure(s, "A", "toan_trinh", dt.date(2022, 9, 1))
    _month(a, dt.date(2021, 11, 1), "3", 10, 2, settled=10, on_time=9)
    _month(a, dt.date(2022, 7, 1), "3", 20, 10, settled=18, on_time=18)
    _month(a, dt.date(2022, 9, 1), "toan_trinh", 30, 27)
    _month(a, dt.date(2023, 2, 1), "toan_trinh", 10, 10)
    b = _procedure(s, "B", "mot_phan", dt.date(2022, 9, 1))
    _month(b, dt.date(2022, 3, 1), "2", 40, 0, settled=40, on_time=30)
    _month(b, dt.date(2022, 9, 1), "mot_phan", 8, 0)
    _month(b, dt.date(2023, 1, 1), "mot_phan", 8, 1)
    c = _procedure(s, "C", "toan_trinh", dt.date(2023, 1, 1))
    _month(c, dt.date(2022, 5, 1), "4", 5, 0)
    _month(c, dt.date(2023, 1, 1), "toan_trinh", 5, 1)
    _procedure(s, "D", "toan_trinh", dt.date(2023, 3, 10))
    _procedure(s, "E", "3", dt.date(2018, 1, 1), active=False)
    return dvc


def test_each_ranking_year_reads_the_levels_and_counts_of_its_own_months(catalogue):
    s = catalogue.agencies["stttt"]
    got = indicator_values(agency_ids=[s.pk], keys=KEYS, year=2022)[s.pk]
    # 2022: each procedure at the level of its last month in the window: A toàn trình (09/2022), B một phần
    # (09/2022), C level 4 (05/2022, the old regime, read as toàn trình); D is not listed yet
    assert got["dvc_level4_share"] == Decimal("0.666667")       # A, C of {A, B, C}
    assert got["dvc_level3_share"] == Decimal("0.333333")       # B
    assert got["dvc_service_usage_share"] == Decimal("0.333333")  # only A had online dossiers
    # dossiers of the months with an online service, whatever the regime: A's level-3 and toàn trình months,
    # B's một phần month, C's level-4 month; B's level-2 month (40 dossiers) is not in the base
    assert got["dvc_online_dossier_share"] == Decimal("0.534247")   # (2 + 10 + 27 + 0 + 0) / (10 + 20 + 30 + 8 + 5)
    # (9 + 18 + 30 + 30 + 8 + 5) / (10 + 18 + 30 + 40 + 8 + 5)
    assert got["dvc_on_time_dossier_share"] == Decimal("0.900901")

    got = indicator_values(agency_ids=[s.pk], keys=KEYS, year=2023)[s.pk]
    # 2023: A, C, D toàn trình; B một phần; every online service but D has an online dossier
    assert got["dvc_level4_share"] == Decimal("0.75") and got["dvc_level3_share"] == Decimal("0.25")
    assert got["dvc_service_usage_share"] == Decimal("0.75")
    assert got["dvc_online_dossier_share"] == Decimal("0.521739")  # (10 + 1 + 1) / (10 + 8 + 5)
    assert got["dvc_on_time_dossier_share"] == 1


def test_a_year_before_the_change_reads_the_old_levels(dvc):
    s = dvc.agencies["stttt"]
    p = _procedure(s, "A", "toan_trinh", dt.date(2022, 9, 1))
    _month(p, dt.date(2018, 3, 1), "2", 4, 0)
    _month(p, dt.date(2018, 9, 1), "3", 6, 3)
    _month(p, dt.date(2022, 9, 1), "toan_trinh", 9, 9)
    got = indicator_values(agency_ids=[s.pk], keys=KEYS, year=2018)[s.pk]
    assert got["dvc_level3_share"] == 1 and got["dvc_level4_share"] == 0  # level 3 in 09/2018, not today's level
    assert got["dvc_online_dossier_share"] == Decimal("0.5")  # 3 / 6: the level-2 month is not in the base


def test_the_nq17_variant_counts_every_procedures_dossiers(catalogue, settings):
    s = catalogue.agencies["stttt"]
    settings.DVC_ONLINE_DOSSIER_BASE = "all"
    got = indicator_values(agency_ids=[s.pk], keys=["dvc_online_dossier_share"], year=2022)[s.pk]
    assert got["dvc_online_dossier_share"] == Decimal("0.345133")  # 39 / (73 + B's 40 level-2 dossiers)


def test_nothing_to_count_is_missing_not_zero(catalogue):
    h = catalogue.agencies["huyen"]
    assert indicator_values(agency_ids=[h.pk], keys=KEYS, year=2022)[h.pk] == dict.fromkeys(KEYS)
    s = catalogue.agencies["stttt"]
    assert indicator_values(agency_ids=[s.pk], keys=KEYS, year=2019)[s.pk] == dict.fromkeys(KEYS)


def test_the_figures_cost_one_query_for_any_number_of_agencies(catalogue, django_assert_num_queries):
    every = [a.pk for a in catalogue.agencies.values()]
    with django_assert_num_queries(1):
        figures = service_figures(agency_ids=every, month_from=dt.date(2022, 11, 1), month_to=dt.date(2023, 10, 1))
    assert figures[catalogue.agencies["stttt"].pk].procedures == 4
    assert figures[catalogue.agencies["vp"].pk].procedures == 0
