"""The Provincial Office's usage dashboard: who may open it, the table grouped by level and group,
laggards highlighted against the thresholds it sets, drill-down with trend, chart and overdue items,
XLSX export, and the refresh button."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from django.utils.html import escape
from lxml import html as lxml_html

from lienthong.accounts.models import Role
from lienthong.accounts.services import user_create
from lienthong.agencies.models import AgencyGroup
from lienthong.oversight.forms import PERIOD_REVERSED
from lienthong.oversight.models import AgencyMonthStats
from lienthong.oversight.selectors import OVERSEERS_ONLY, may_oversee
from lienthong.oversight.tests.test_usage_stats import assign_lead, paper_incoming
from lienthong.oversight.views import REFRESH_QUEUED
from lienthong.testing.builders import PASSWORD, make_agency

pytestmark = pytest.mark.django_db
JAN, FEB, MAR = dt.date(2018, 1, 1), dt.date(2018, 2, 1), dt.date(2018, 3, 1)
PERIOD = "?month_from=2018-01&month_to=2018-03"
# The threshold fields sent empty: the person cleared them (without any, the page takes the saved thresholds).
NO_THRESHOLDS = "&min_active=&min_electronic=&min_signed=&max_overdue="


def stats(agency, month, **values):
    base = dict(staff_accounts=10, active_users=8, documents_issued=20, documents_received=30, issued_normal=20,
                sent_electronically=18, issued_e_doc=16, issued_legally_valid=16, completed_with_deadline=10,
                completed_on_time=9, handlings_completed=10, median_processing_days=3.0,
                last_activity_at=dt.datetime(month.year, month.month, 20, 9, tzinfo=dt.UTC))
    base.update(values)
    return AgencyMonthStats.objects.create(agency=agency, month=month, computed_at=timezone.now(), **base)


def login(client, user):
    client.force_login(user)
    return client


def tree(response):
    return lxml_html.fromstring(response.content.decode())


def test_only_the_office_the_council_and_administrators_may_see_it(office, client):
    u = office.users
    admin = user_create(username="sysadmin", password=PASSWORD, full_name="Quản trị", is_system_admin=True)
    assert client.get("/giam-sat/").status_code == 302  # to the login page

    for name in ("clerk.huyen", "leader.ubnd", "specialist.xa"):
        response = login(client, u[name]).get("/giam-sat/")
        assert response.status_code == 403
        assert escape(str(OVERSEERS_ONLY)) in response.content.decode()
        assert not tree(response).xpath("//nav//a[@href='/giam-sat/']")
        assert login(client, u[name]).get(f"/giam-sat/co-quan/{office.agencies['xa'].pk}/").status_code == 403
        assert client.get("/giam-sat/xuat.xlsx").status_code == 403
        assert client.post("/giam-sat/lam-moi/").status_code == 403

    for user in (u["clerk.vp"], u["specialist.vp"], u["leader.stttt"], admin):
        assert may_oversee(user)
        response = login(client, user).get("/giam-sat/")
        assert response.status_code == 200
        assert tree(response).xpath("//nav//a[@href='/giam-sat/']/text()") == ["Giám sát sử dụng"]

    # A position given up ends the access.
    u["clerk.vp"].positions.update(is_active=False)
    assert login(client, u["clerk.vp"]).get("/giam-sat/").status_code == 403


def test_table_grouped_by_level_then_group_with_laggards_highlighted(office, client):
    a = office.agencies
    page = tree(login(client, office.users["clerk.vp"]).get(
        f"/giam-sat/{PERIOD}&min_active=50&min_electronic=80&min_signed=50&max_overdue=5"))
    sections = [th.text_content().strip()
                for th in page.xpath("//table[contains(@class,'usage')]//tr[@class='section']/th")]
    assert sections == ["Cấp tỉnh · Sở, ban, ngành", "Cấp tỉnh · Không thuộc nhóm", "Cấp huyện · Không thuộc nhóm",
                        "Cấp xã · Không thuộc nhóm"]
    [huyen] = page.xpath(f"//tr[@data-agency='{a['huyen'].pk}']")
    cells = [td.text_content().strip() for td in huyen.xpath("td")]
    # staff, active (last month), unused, issued and received (summed over 3 months), sent electronically
    # 15/60, signed 12/60, median, on time 27/30, overdue (last month), late acknowledgements, last activity.
    assert cells == ["UBND huyện Vị Thủy", "10", "2", "8", "60", "90", "25%", "20%", "3,0", "90%", "7", "0",
                     "20/03/2018 16:00"]
    assert "lagging" in huyen.get("class")
    assert huyen.xpath("td")[0].get("title") == "Ủy ban nhân dân huyện Vị Thủy"
    assert "người dùng hoạt động" in huyen.get("title") and "việc quá hạn" in huyen.get("title")
    [xa] = page.xpath(f"//tr[@data-agency='{a['xa'].pk}']")
    assert "lagging" not in xa.get("class")
    assert "1 cơ quan dưới ngưỡng" in page.text_content()

    # Without thresholds nothing is highlighted; the level filter keeps only that level.
    page = tree(client.get(f"/giam-sat/{PERIOD}{NO_THRESHOLDS}&level=huyen"))
    assert [r.get("data-agency") for r in page.xpath("//tr[@data-agency]")] == [str(a["huyen"].pk)]
    assert not page.xpath("//tr[contains(@class,'lagging')]")
    page = tree(client.get(f"/giam-sat/{PERIOD}&group=so-nganh"))
    assert {r.get("data-agency") for r in page.xpath("//tr[@data-agency]")} == {str(a["vp"].pk), str(a["stttt"].pk)}


def test_bad_filters_are_explained_and_the_default_period_is_shown(office, client):
    login(client, office.users["clerk.vp"])
    response = client.get("/giam-sat/?month_from=2018-05&month_to=2018-03&min_active=150")
    assert response.status_code == 200
    text = tree(response).text_content()
    assert str(PERIOD_REVERSED) in text
    assert "Tỷ lệ người dùng hoạt động tối thiểu (%)" in text
    # Default: the last complete month (issue 18), shown mm/yyyy as the month input writes it.
    page = tree(client.get("/giam-sat/"))
    last = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    assert page.xpath("//input[@name='month_from']/@value") == [last.strftime("%m/%Y")]
    assert page.xpath("//input[@name='month_to']/@value") == [last.strftime("%m/%Y")]


def test_the_page_runs_the_same_queries_however_many_agencies(office, client, django_assert_max_num_queries):
    login(client, office.users["clerk.vp"])
    url = f"/giam-sat/{PERIOD}&min_active=50&max_overdue=5"
    client.get(url)
    with django_assert_max_num_queries(40) as before:
        assert client.get(url).status_code == 200
    group = AgencyGroup.objects.create(code="nganh-doc", name="Ngành dọc", order=5)
    level = office.agencies["xa"].level
    for i in range(12):
        agency = make_agency(f"Ủy ban nhân dân xã số {i}", "UBND", level, parent=office.agencies["huyen"],
                             group=group if i % 2 else None)
        for m in (JAN, FEB, MAR):
            stats(agency, m, active_users=i % 5)
    with django_assert_max_num_queries(len(before.captured_queries)):
        page = tree(client.get(url))
    assert len(page.xpath("//tr[@data-agency]")) == 17
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(f"/giam-sat/xuat.xlsx{PERIOD}&min_active=50").status_code == 200


def test_drill_down_shows_the_trend_the_chart_and_the_overdue_items(office, client):
    a = office.agencies
    incoming = paper_incoming(office, received_on=dt.date(2018, 3, 2), text="CV9")
    assign_lead(office, incoming, deadline=dt.date(2018, 3, 20))
    login(client, office.users["leader.stttt"])
    response = client.get(f"/giam-sat/co-quan/{a['huyen'].pk}/{PERIOD}")
    assert response.status_code == 200
    page = tree(response)
    rows = page.xpath("//table[contains(@class,'usage')][1]/tbody/tr")
    assert len(rows) == 12  # at least a year of months, ending with the period's last month
    assert rows[-1].xpath("td")[0].text_content() == "03/2018"
    assert [td.text_content().strip() for td in rows[-1].xpath("td")][1:5] == ["10", "2", "20", "30"]
    overdue = page.xpath("//table[contains(@class,'overdue')]/tbody/tr")
    assert len(overdue) == 1
    assert "302/SYT-VP" in overdue[0].text_content() and "Công văn CV9" in overdue[0].text_content()
    assert page.xpath("//img[@class='trend-chart']/@src") == [f"/giam-sat/co-quan/{a['huyen'].pk}/bieu-do.png{PERIOD}"]

    chart = client.get(f"/giam-sat/co-quan/{a['huyen'].pk}/bieu-do.png{PERIOD}")
    assert chart.status_code == 200 and chart["Content-Type"] == "image/png"
    from PIL import Image

    image = Image.open(io.BytesIO(chart.content))
    assert image.size == (900, 380)

    assert client.get("/giam-sat/co-quan/999999/").status_code == 404


def test_export_has_the_same_rows_and_marks_laggards(office, client):
    from openpyxl import load_workbook

    a = office.agencies
    login(client, office.users["clerk.vp"])
    response = client.get(f"/giam-sat/xuat.xlsx{PERIOD}&min_electronic=80")
    assert response.status_code == 200
    assert 'filename="giam-sat-2018-01-2018-03.xlsx"' in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "Tình hình sử dụng hệ thống, từ tháng 01/2018 đến tháng 03/2018"
    header = [c.value for c in ws[3]]
    assert header[:3] == ["Cấp", "Nhóm", "Cơ quan"] and header[-1] == "Dưới ngưỡng"
    rows = {r[2]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert len(rows) == 5
    huyen = rows[a["huyen"].name]
    assert huyen[8] == pytest.approx(0.25) and huyen[-1] == "gửi điện tử"
    assert rows[a["xa"].name][-1] is None


def test_refresh_button_recomputes_the_statistics(office, client):
    login(client, office.users["clerk.vp"])
    AgencyMonthStats.objects.all().delete()
    response = client.post("/giam-sat/lam-moi/")
    assert response.status_code == 302 and response["Location"] == "/giam-sat/"
    this = timezone.localdate().replace(day=1)
    # django-q runs synchronously in the tests: the job has run.
    assert AgencyMonthStats.objects.filter(month=this).count() == 5
    assert escape(str(REFRESH_QUEUED)) in client.get("/giam-sat/").content.decode()
    assert client.get("/giam-sat/lam-moi/").status_code == 405


def test_a_position_at_the_office_among_others_is_enough(office):
    person = user_create(username="two.hats", password=PASSWORD, full_name="Hai vị trí",
                         positions=[(office.agencies["xa"], Role.SPECIALIST, ""),
                                    (office.agencies["vp"], Role.SPECIALIST, "")])
    assert may_oversee(person)
    assert not may_oversee(office.users["leader.huyen"])


def test_a_table_already_seen_shows_new_figures_after_a_refresh_or_a_rename(office, client):
    """The rendered table is cached; new statistics or a renamed agency must show at once all the same."""
    a = office.users["clerk.vp"]
    login(client, a)
    huyen = office.agencies["huyen"]

    def huyen_row():
        page = tree(client.get("/giam-sat/" + PERIOD))
        [row] = page.xpath(f"//tr[.//a[contains(@href, '/co-quan/{huyen.pk}/')]]")
        return row.text_content()

    before = huyen_row()
    assert "21" not in before
    AgencyMonthStats.objects.filter(agency=huyen, month=MAR).update(overdue_open=21, computed_at=timezone.now())
    assert "21" in huyen_row()
    huyen.short_name = "Huyện Đổi Tên"
    huyen.save(update_fields=["short_name"])
    assert "Huyện Đổi Tên" in huyen_row()


def test_a_period_without_documents_points_to_the_last_month_that_has_some(office, client):
    login(client, office.users["clerk.vp"])
    page = client.get("/giam-sat/?month_from=2019-01&month_to=2019-03").content.decode()
    assert "Trong kỳ này chưa có văn bản nào. Tháng gần nhất có văn bản: 03/2018." in page
    assert "?month_from=2018-01&amp;month_to=2018-03" in page
    assert "Trong kỳ này chưa có văn bản" not in client.get("/giam-sat/" + PERIOD).content.decode()


def test_the_page_opens_with_the_offices_saved_thresholds_else_the_provinces(office, client, settings):
    """Issue 18: the đôn đốc action is not hidden behind typing thresholds. Nothing saved: the province's
    defaults; "Lưu làm ngưỡng mặc định" keeps the ones on screen for the whole Office; cleared fields: none."""
    settings.OVERSIGHT_DEFAULT_THRESHOLDS = {"sent_electronically_share": 0.8, "overdue_items": 5}
    a = office.agencies
    login(client, office.users["clerk.vp"])
    page = tree(client.get(f"/giam-sat/{PERIOD}"))
    assert page.xpath("//form[@method='get']//input[@name='min_electronic']/@value") == ["80"]
    assert page.xpath("//form[@method='get']//input[@name='max_overdue']/@value") == ["5"]
    assert not page.xpath("//form[@method='get']//input[@name='min_active']/@value")
    assert "Đang dùng các ngưỡng mặc định của tỉnh" in page.text_content()
    assert [r.get("data-agency") for r in page.xpath("//tr[contains(@class,'lagging')]")] == [str(a["huyen"].pk)]

    # Saved as the Vietnamese type them ("85,5"): everyone of the Office opens with them.
    response = client.post(f"/giam-sat/nguong/{PERIOD}", {"min_active": "85,5", "min_electronic": "",
                                                          "min_signed": "", "max_overdue": ""})
    assert response.status_code == 302 and response["Location"] == f"/giam-sat/{PERIOD}"
    other = user_create(username="chuyenvien2.vp", password=PASSWORD, full_name="Chuyên viên hai",
                        positions=[(a["vp"], Role.SPECIALIST, "Chuyên viên")])
    client.force_login(other)
    page = tree(client.get(f"/giam-sat/{PERIOD}"))
    assert page.xpath("//form[@method='get']//input[@name='min_active']/@value") == ["85,5"]
    assert page.xpath("//form[@method='get']//input[@name='min_electronic']/@value") == []
    assert "Đang dùng các ngưỡng VP UBND tỉnh đã lưu" in page.text_content()
    lagging = {r.get("data-agency") for r in page.xpath("//tr[contains(@class,'lagging')]")}
    assert str(a["huyen"].pk) in lagging and str(a["xa"].pk) in lagging  # 20 % and 80 % active, below 85,5 %

    # Cleared by hand: no threshold, nobody highlighted.
    page = tree(client.get(f"/giam-sat/{PERIOD}{NO_THRESHOLDS}"))
    assert not page.xpath("//tr[contains(@class,'lagging')]")

    # A threshold typed wrong is refused with the message and nothing is saved.
    client.post(f"/giam-sat/nguong/{PERIOD}", {"min_active": "85,5,1"})
    page = tree(client.get(f"/giam-sat/{PERIOD}"))
    assert page.xpath("//form[@method='get']//input[@name='min_active']/@value") == ["85,5"]
