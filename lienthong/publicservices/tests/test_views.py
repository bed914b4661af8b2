"""Pages: who sees which catalogue, who may change it, the import page's error table, a fixed query count."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from lienthong.accounts.services import user_create
from lienthong.publicservices import services
from lienthong.publicservices.models import Procedure, ProcedureMonth
from lienthong.testing.builders import PASSWORD

from .conftest import STTTT, csv_bytes, upload, xlsx_bytes


def _procedure(agency, code, level="toan_trinh", **extra):
    return Procedure.objects.create(agency=agency, code=code, name=f"Thủ tục {code}", online_level=level,
                                    level_as_of=dt.date(2023, 1, 1), **extra)


@pytest.fixture
def listed(dvc):
    a = dvc.agencies
    stttt = _procedure(a["stttt"], "1.004915")
    huyen = _procedure(a["huyen"], "2.000001", level="mot_phan")
    ProcedureMonth.objects.create(procedure=stttt, month=dt.date(2023, 1, 1), online_level="toan_trinh", total=9,
                                  online=4, settled=9, on_time=8)
    return dvc, stttt, huyen


def _client(client, user):
    client.force_login(user)
    return client


def test_an_agency_sees_only_its_own_catalogue(client, listed):
    p, stttt, huyen = listed
    c = _client(client, p.users["specialist.huyen"])
    page = c.get(reverse("publicservices:catalogue"), {"year": 2023})
    assert page.status_code == 200
    assert "2.000001" in page.content.decode() and "1.004915" not in page.content.decode()
    # another agency in the query string is not a choice: the form is invalid and the own catalogue is shown
    page = c.get(reverse("publicservices:catalogue"), {"agency": p.agencies["stttt"].pk})
    assert "1.004915" not in page.content.decode()
    assert c.get(reverse("publicservices:procedure", args=[stttt.pk])).status_code == 404
    assert c.get(reverse("publicservices:procedure", args=[huyen.pk])).status_code == 200


@pytest.mark.parametrize("username", ["clerk.vp", "specialist.stttt", "admin"])
def test_office_council_and_administrators_see_every_agency(client, listed, username):
    p, stttt, huyen = listed
    if username == "admin":
        user = user_create(username="admin", password=PASSWORD, full_name="Quản trị", positions=[])
        user.is_system_admin = True
        user.save(update_fields=["is_system_admin"])
    else:
        user = p.users[username]
    c = _client(client, user)
    summary = c.get(reverse("publicservices:catalogue"), {"year": 2023}).content.decode()
    for agency in ("UBND huyện Vị Thủy", "Sở TT&amp;TT", "VP UBND tỉnh"):
        assert agency in summary
    page = c.get(reverse("publicservices:catalogue"), {"agency": p.agencies["huyen"].pk, "year": 2023})
    assert "2.000001" in page.content.decode()
    assert c.get(reverse("publicservices:procedure", args=[huyen.pk])).status_code == 200


def test_people_without_an_agency_and_anonymous_visitors_are_kept_out(client, listed):
    p, stttt, _h = listed
    assert client.get(reverse("publicservices:catalogue")).status_code == 302
    nobody = user_create(username="nobody", password=PASSWORD, full_name="Không đơn vị", positions=[])
    c = _client(client, nobody)
    assert c.get(reverse("publicservices:catalogue")).status_code == 403
    assert c.get(reverse("publicservices:import")).status_code == 403
    assert c.get(reverse("publicservices:procedure_new")).status_code == 403
    assert c.get(reverse("publicservices:procedure", args=[stttt.pk])).status_code == 404


def test_the_council_reads_another_agency_but_may_not_change_it(client, listed):
    p, _s, huyen = listed
    c = _client(client, p.users["specialist.stttt"])
    page = c.get(reverse("publicservices:procedure", args=[huyen.pk]))
    assert page.status_code == 200 and "Lưu số liệu tháng" not in page.content.decode()
    answer = c.post(reverse("publicservices:month_save", args=[huyen.pk]),
                    {"month": "2023-01", "online_level": "mot_phan", "total": 3, "online": 1, "settled": 3,
                     "on_time": 3})
    assert answer.status_code == 403 and not huyen.months.exists()
    answer = c.post(reverse("publicservices:procedure", args=[huyen.pk]),
                    {"code": "X", "name": "Đổi tên", "online_level": "mot_phan", "active": "on"})
    assert answer.status_code == 403
    huyen.refresh_from_db()
    assert huyen.code == "2.000001"


def test_the_office_enters_a_procedure_and_a_months_counts_for_any_agency(client, listed):
    p, _s, huyen = listed
    c = _client(client, p.users["clerk.vp"])
    answer = c.post(reverse("publicservices:procedure_new"),
                    {"agency": p.agencies["xa"].pk, "code": "1.001193", "name": "Đăng ký khai sinh",
                     "field": "Hộ tịch", "online_level": "toan_trinh", "active": "on"})
    new = Procedure.objects.get(code="1.001193")
    assert answer.status_code == 302 and new.agency == p.agencies["xa"] and new.online_level == "toan_trinh"
    answer = c.post(reverse("publicservices:month_save", args=[new.pk]),
                    {"month": "2023-02", "online_level": "toan_trinh", "total": 12, "online": 13, "settled": 12,
                     "on_time": 11})
    assert answer.status_code == 422
    assert escape(services.ONLINE_OVER_TOTAL % {"a": 13, "b": 12}) in answer.content.decode()
    assert not new.months.exists()
    answer = c.post(reverse("publicservices:month_save", args=[new.pk]),
                    {"month": "2023-02", "online_level": "toan_trinh", "total": 12, "online": 7, "settled": 12,
                     "on_time": 11})
    assert answer.status_code == 302
    assert new.months.get().online == 7
    page = c.get(reverse("publicservices:procedure", args=[new.pk])).content.decode()
    assert "02/2023" in page


def test_the_import_page_lists_every_bad_row_with_its_column(client, listed):
    p, _s, _h = listed
    c = _client(client, p.users["clerk.stttt"])
    assert c.get(reverse("publicservices:import")).status_code == 200
    rows = [(STTTT, "9.1", "Thủ tục mới", "", "toàn trình", "01/2023", 5, 7, 5, 5),
            ("000.00.35.H30", "9.2", "Thủ tục mới", "", "một phần", "01/2023", 5, 1, 5, 5)]
    answer = c.post(reverse("publicservices:import"), {"file": upload(xlsx_bytes(rows), "so-lieu.xlsx")})
    body = answer.content.decode()
    assert answer.status_code == 422
    assert "Chưa nhập gì: tệp có lỗi" in body
    assert "<td class=\"num\">2</td><td>Tiếp nhận trực tuyến</td>" in body
    assert "<td class=\"num\">3</td><td>Mã định danh cơ quan</td>" in body
    assert not Procedure.objects.filter(code__startswith="9.").exists()
    good = csv_bytes([rows[0][:7] + (3,) + rows[0][8:]])
    answer = c.post(reverse("publicservices:import"), {"file": upload(good)})
    assert answer.status_code == 302 and Procedure.objects.filter(code="9.1").exists()


def test_the_template_is_served_as_xlsx_and_csv(client, listed):
    from openpyxl import load_workbook

    c = _client(client, listed[0].users["specialist.xa"])
    answer = c.get(reverse("publicservices:template"))
    assert answer.status_code == 200 and answer["Content-Disposition"].endswith('.xlsx"')
    wb = load_workbook(io.BytesIO(answer.content), read_only=True)
    assert [c.value for c in next(wb.worksheets[0].iter_rows(max_row=1))][:2] == ["Mã định danh cơ quan", "Mã TTHC"]
    assert len(wb.worksheets) == 2  # with the guide
    csv_answer = c.get(reverse("publicservices:template"), {"format": "csv"})
    assert csv_answer.content.startswith("\ufeffMã định danh cơ quan".encode())


def test_the_catalogue_costs_the_same_queries_for_few_or_many_rows(client, listed, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    p, _s, _h = listed
    c = _client(client, p.users["clerk.vp"])
    url = reverse("publicservices:catalogue")
    stttt = p.agencies["stttt"]
    c.get(url, {"agency": stttt.pk})  # warm-up (session, caches)
    baseline = {}
    for name, params in (("agency", {"agency": stttt.pk}), ("summary", {})):
        with CaptureQueriesContext(connection) as ctx:
            c.get(url, params)
        baseline[name] = len(ctx.captured_queries)
    assert baseline["agency"] <= 14 and baseline["summary"] <= 13  # the menu reads its entries once (web.navigation)
    for i in range(40):
        proc = _procedure(stttt, f"3.{i:04d}", level="mot_phan")
        ProcedureMonth.objects.create(procedure=proc, month=dt.date(2023, 2, 1), online_level="mot_phan", total=4,
                                      online=1, settled=4, on_time=4)
        _procedure(p.agencies["huyen"], f"4.{i:04d}")
    with django_assert_max_num_queries(baseline["agency"]):
        many = c.get(url, {"agency": stttt.pk, "year": 2023})
    with django_assert_max_num_queries(baseline["summary"]):
        summary = c.get(url, {"year": 2023})
    assert len(re.findall(r'href="/dich-vu-cong/thu-tuc/\d+/"', many.content.decode())) == 41
    assert "<td class=\"num\">41</td>" in summary.content.decode()  # Sở TT&TT's procedures in 2023
