"""The dashboard as a PDF: A4 landscape, the same agencies, filters and thresholds as the page, laggards
named in their own column; only for those who may see the dashboard; a constant number of queries."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from lienthong.oversight.models import AgencyMonthStats
from lienthong.oversight.tests.test_dashboard import FEB, JAN, MAR, NO_THRESHOLDS, PERIOD
from lienthong.testing.builders import make_agency

pytestmark = pytest.mark.django_db


def pdf_pages(data: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data)).pages


def test_pdf_export_follows_the_page_filters(office, client):
    a = office.agencies
    client.force_login(office.users["clerk.vp"])
    response = client.get(f"/giam-sat/xuat.pdf{PERIOD}&min_electronic=80&max_overdue=5")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="giam-sat-2018-01-2018-03.pdf"' in response["Content-Disposition"]
    pages = pdf_pages(response.content)
    box = pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    assert round(float(box.width) * 25.4 / 72) == 297 and round(float(box.height) * 25.4 / 72) == 210
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert "TÌNH HÌNH SỬ DỤNG HỆ THỐNG QUẢN LÝ VĂN BẢN VÀ ĐIỀU HÀNH" in text
    assert "Từ tháng 01/2018 đến tháng 03/2018" in text
    assert "1 cơ quan dưới ngưỡng (ngưỡng: tỷ lệ văn bản gửi điện tử ≥ 80%; số việc quá hạn ≤ 5)" in text
    for agency in ("ubnd", "vp", "stttt", "huyen", "xa"):
        assert a[agency].name in text
    # The district row: figures as on the page, then the indicators below the thresholds.
    assert "Ủy ban nhân dân huyện Vị Thủy 10 2 8 60 90 25% 20% 3,0 90% 7 0 20/03/2018 16:00" in text
    assert "Gửi điện tử, Việc quá hạn" in text

    # The level filter keeps only that level, and says so.
    pdf = client.get(f"/giam-sat/xuat.pdf{PERIOD}{NO_THRESHOLDS}&level=xa").content
    text = " ".join(pdf_pages(pdf)[0].extract_text().split())
    assert "Cấp: Cấp xã" in text and a["xa"].name in text and a["huyen"].name not in text
    assert "dưới ngưỡng" not in text.replace("Dưới ngưỡng", "")


def test_only_overseers_get_the_pdf(office, client):
    client.force_login(office.users["leader.huyen"])
    assert client.get(f"/giam-sat/xuat.pdf{PERIOD}").status_code == 403
    client.logout()
    assert client.get(f"/giam-sat/xuat.pdf{PERIOD}").status_code == 302


def test_the_pdf_runs_the_same_queries_however_many_agencies(office, client, django_assert_max_num_queries):
    client.force_login(office.users["clerk.vp"])
    url = f"/giam-sat/xuat.pdf{PERIOD}&min_active=50"
    with django_assert_max_num_queries(40) as before:
        assert client.get(url).status_code == 200
    level = office.agencies["xa"].level
    for i in range(10):
        agency = make_agency(f"Ủy ban nhân dân xã số {i}", "UBND", level, parent=office.agencies["huyen"])
        for m in (JAN, FEB, MAR):
            AgencyMonthStats.objects.create(agency=agency, month=m, computed_at=timezone.now(), staff_accounts=10,
                                            active_users=i)
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(url)
    assert "Ủy ban nhân dân xã số 9" in " ".join(p.extract_text() for p in pdf_pages(response.content))
