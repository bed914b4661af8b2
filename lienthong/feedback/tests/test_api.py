"""The problem reports' API: a report with a screenshot that is not an image (kept without it), the reporter's
own list, the operator's queue and triage, refusals to everyone else."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lienthong.accounts.services import api_token_issue, user_create
from lienthong.testing.builders import PASSWORD

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})


def test_report_triage_and_answer_through_the_api(province, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    reporter = api(province.users["clerk.xa"])
    operator = api(user_create(username="vanhanh", password=PASSWORD, full_name="Vận hành", is_operator=True))
    created = reporter.post("/api/problem-reports", {
        "text": "Không tải được tệp", "page_url": "/van-ban/3/",
        "screenshot": SimpleUploadedFile("a.png", b"MZ not an image", "image/png")})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["has_screenshot"] is False and "không phải ảnh" in body["note"]
    assert body["reporter_agency"] == province.agencies["xa"].name and body["source"] == "api"
    rid = body["id"]
    assert [r["id"] for r in reporter.get("/api/problem-reports/mine").json()] == [rid]
    assert reporter.get("/api/problem-reports").status_code == 403
    assert reporter.post(f"/api/problem-reports/{rid}/triage", {"action": "close"},
                         content_type="application/json").status_code == 403
    assert api(province.users["clerk.huyen"]).get(f"/api/problem-reports/{rid}").status_code == 404

    assert [r["id"] for r in operator.get("/api/problem-reports?state=new").json()] == [rid]
    step = operator.post(f"/api/problem-reports/{rid}/triage",
                         {"action": "classify", "kind": "defect", "severity": "critical"},
                         content_type="application/json")
    assert step.status_code == 200 and step.json()["severity"] == "critical"
    fixed = operator.post(f"/api/problem-reports/{rid}/triage", {"action": "fixed", "release": "2.4.1",
                                                                 "text": "Đã sửa đường dẫn tải"},
                          content_type="application/json").json()
    assert fixed["state"] == "fixed" and fixed["fixed_in"] == "2.4.1" and fixed["first_response_at"]
    mine = reporter.get(f"/api/problem-reports/{rid}").json()
    assert mine["fixed_in"] == "2.4.1" and [m["text"] for m in mine["messages"]] == ["Đã sửa đường dẫn tải"]
    empty = operator.post(f"/api/problem-reports/{rid}/triage", {"action": "fixed", "release": " "},
                          content_type="application/json")
    assert empty.status_code in (400, 422) and "phiên bản" in empty.json()["message"] + str(empty.json())
