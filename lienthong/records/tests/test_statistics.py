"""Records statistics (issue 16 §5): files per official and unit, filed versus unfiled documents, files overdue
for handover; the page, its workbook, the API, and the filing share fed to oversight and the ranking."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from lienthong.accounts.services import api_token_issue
from lienthong.oversight import indicators as oversight_indicators
from lienthong.oversight.services import usage_stats_refresh
from lienthong.records import services
from lienthong.records import statistics as records_statistics
from lienthong.records.tests.helpers import cells, outgoing, world

pytestmark = pytest.mark.django_db


def _api(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})


def scene():
    """Three outgoing documents of March 2018; two filed by Nội vụ (one file closed in June 2018), none by
    Tài chính's open file."""
    p, _plan, entries = world()
    noivu, taichinh = p.users["specialist.huyen.noivu"], p.users["specialist.huyen.taichinh"]
    docs = [outgoing(p, f"Thông báo số {i}") for i in range(3)]
    closed = services.case_file_open(actor=noivu, plan_entry_id=entries[1].pk)  # 70 năm
    services.documents_file(actor=noivu, case_file_id=closed.pk, document_ids=[docs[0].pk, docs[1].pk])
    services.case_file_close(actor=noivu, case_file_id=closed.pk, retention_confirmed=True, reason="Xong",
                             end_date=dt.date(2018, 6, 30))
    services.case_file_open(actor=taichinh, plan_entry_id=entries[2].pk)
    return p, docs, closed


def test_statistics_count_files_per_official_and_unit_filed_documents_and_files_overdue_for_handover():
    p, _docs, closed = scene()
    stats = records_statistics.statistics(user=p.users["clerk.huyen"], year=2018, today=dt.date(2019, 7, 1))
    by_name = {r.name: (r.count("open"), r.count("closed"), r.total) for r in stats.officials}
    assert by_name == {p.users["specialist.huyen.noivu"].full_name: (0, 1, 1),
                       p.users["specialist.huyen.taichinh"].full_name: (1, 0, 1)}
    assert {r.name: r.total for r in stats.units} == {p.units["noivu"].name: 1, p.units["taichinh"].name: 1}
    assert (stats.filing.documents, stats.filing.filed, stats.filing.unfiled) == (3, 2, 1)
    assert [f.pk for f in stats.overdue] == [closed.pk] and stats.overdue_count == 1
    early = records_statistics.statistics(user=p.users["clerk.huyen"], year=2018, today=dt.date(2019, 6, 1))
    assert early.overdue_count == 0  # due one year after the work ended
    rows = cells(records_statistics.statistics_workbook(stats))
    assert rows[0][0] == "Người lập hồ sơ" and rows[0][-1] == "Tổng số"


def test_only_leaders_and_clerks_see_the_statistics_page_workbook_and_api(client, django_assert_max_num_queries):
    p, _docs, _closed = scene()
    client.force_login(p.users["specialist.huyen.noivu"])
    assert client.get("/ho-so/thong-ke/").status_code == 403
    client.force_login(p.users["leader.huyen"])
    with django_assert_max_num_queries(14):
        r = client.get("/ho-so/thong-ke/?nam=2018")
    assert r.status_code == 200
    assert "Văn bản đã lập hồ sơ" in r.content.decode() and "Hồ sơ quá hạn nộp lưu" in r.content.decode()
    r = client.get("/ho-so/thong-ke.xlsx?nam=2018")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    body = _api(p.users["clerk.huyen"]).get("/api/dossiers/statistics?year=2018").json()
    assert body["filing"] == {"documents": 3, "filed": 2, "unfiled": 1, "share": pytest.approx(2 / 3)}
    assert sum(r["total"] for r in body["units"]) == 2
    assert _api(p.users["clerk.huyen"]).get("/api/dossiers/statistics?year=-1").status_code == 422
    r = _api(p.users["specialist.huyen"]).get("/api/dossiers/statistics")
    assert r.status_code == 403 and r.json()["message"] == str(records_statistics.NOT_KEEPER)


def test_the_share_of_documents_filed_feeds_the_usage_statistics_and_the_ranking_indicator():
    p, _docs, _closed = scene()
    usage_stats_refresh(months=[dt.date(2018, 3, 1)], today=dt.date(2018, 4, 2))
    huyen = p.agencies["huyen"].pk
    values = oversight_indicators.usage_indicator_values(agency_ids=[huyen], keys={"filed_share"},
                                                         start=dt.date(2018, 1, 1), end=dt.date(2018, 12, 31))
    assert float(values[huyen]["filed_share"]) == pytest.approx(2 / 3, abs=1e-3)
    from lienthong.assessment.indicators import INDICATORS

    assert INDICATORS["filed_share"].kind == "ratio"
