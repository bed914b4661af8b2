"""GET endpoints: scoped like the pages, 404 for a procedure the caller may not read."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from lienthong.accounts.services import api_token_issue
from lienthong.core.errors import NOT_FOUND_OR_HIDDEN
from lienthong.publicservices.models import Procedure, ProcedureMonth

NOT_FOUND = {"code": "not_found", "message": NOT_FOUND_OR_HIDDEN}


def as_user(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})


def _setup(p):
    a = p.agencies
    s = Procedure.objects.create(agency=a["stttt"], code="1.1", name="In", online_level="3",
                                 level_as_of=dt.date(2018, 1, 1))
    h = Procedure.objects.create(agency=a["huyen"], code="2.2", name="Hộ kinh doanh", online_level="4",
                                 level_as_of=dt.date(2018, 1, 1))
    ProcedureMonth.objects.create(procedure=s, month=dt.date(2018, 3, 1), online_level="3", total=10, online=4,
                                  settled=9, on_time=9)
    ProcedureMonth.objects.create(procedure=h, month=dt.date(2018, 3, 1), online_level="4", total=5, online=5,
                                  settled=5, on_time=4)
    return s, h


def test_procedures_and_months_are_scoped_to_the_callers_agency(dvc):
    s, h = _setup(dvc)
    huyen = as_user(dvc.users["clerk.huyen"])
    body = huyen.get("/api/public-services/procedures", {"year": 2018}).json()
    assert [(i["code"], i["period_total"], i["period_online"]) for i in body["items"]] == [("2.2", 5, 5)]
    assert body["count"] == 1 and body["year"] == 2018
    assert huyen.get(f"/api/public-services/procedures/{s.pk}/months").json() == NOT_FOUND
    months = huyen.get(f"/api/public-services/procedures/{h.pk}/months").json()
    assert months == [{"month": "2018-03-01", "online_level": "4", "total": 5, "online": 5, "settled": 5,
                       "on_time": 4}]
    office = as_user(dvc.users["clerk.vp"])
    assert office.get("/api/public-services/procedures").json()["count"] == 2
    assert Client().get("/api/public-services/procedures").status_code == 401


def test_indicators_per_agency_for_a_ranking_year(dvc):
    _setup(dvc)
    council = as_user(dvc.users["specialist.stttt"])
    body = council.get("/api/public-services/indicators", {"year": 2018,
                                                          "agency_id": dvc.agencies["stttt"].pk}).json()
    assert body["period_start"] == "2017-11-01" and body["period_end"] == "2018-10-31"
    [item] = body["items"]
    assert item["indicators"] == {"dvc_level3_share": 1.0, "dvc_level4_share": 0.0, "dvc_service_usage_share": 1.0,
                                  "dvc_online_dossier_share": 0.4, "dvc_on_time_dossier_share": 1.0}
    commune = as_user(dvc.users["clerk.xa"])
    assert commune.get("/api/public-services/indicators", {"agency_id": dvc.agencies["stttt"].pk}).status_code == 404
    assert [i["agency_id"] for i in commune.get("/api/public-services/indicators").json()["items"]] == [
        dvc.agencies["xa"].pk]
