"""Late acknowledgements in the usage oversight: a delivered document must be acknowledged to its sender
(status 03) the day it arrives (the next working day when it arrives on a day off)."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from lienthong.delivery.models import DeliveryEvent, EventKind
from lienthong.delivery.services import delivery_receive
from lienthong.delivery.tests.test_acknowledgements import MONDAY, arrived
from lienthong.oversight import selectors
from lienthong.oversight.models import AgencyMonthStats
from lienthong.oversight.services import usage_stats_refresh

pytestmark = pytest.mark.django_db
MAR = dt.date(2018, 3, 1)
TUESDAY = MONDAY + dt.timedelta(days=1)


def acknowledged(province, delivery, when):
    delivery_receive(actor=province.users["clerk.huyen"], delivery_id=delivery.pk)
    DeliveryEvent.objects.filter(delivery=delivery, kind=EventKind.RECEIVED).update(at=when)


def late_count(province, today):
    usage_stats_refresh(months=[MAR], today=today)
    return AgencyMonthStats.objects.get(agency=province.agencies["huyen"], month=MAR).late_acknowledgements


def test_acknowledgement_after_the_day_of_arrival_is_counted_late(province):
    """vanthu.md §7 rule 5; NĐ30 Art. 21.2 (the văn thư tells the sender the same day that the document
    was received: QCVN 102 status 03); Phụ lục VI §III.1 (tracking): the oversight counts the deliveries
    whose acknowledgement came after the working day they arrived on, or never came once that day is past."""
    weekend = arrived(province, when=MONDAY - dt.timedelta(days=2))  # Saturday: due the next working day
    acknowledged(province, weekend, MONDAY.replace(hour=10))
    same_day = arrived(province)
    acknowledged(province, same_day, MONDAY.replace(hour=16, minute=30))
    next_day = arrived(province)
    acknowledged(province, next_day, TUESDAY.replace(hour=8))
    arrived(province)  # never acknowledged

    # On Monday the unacknowledged one is still in time: only the next-day acknowledgement is late.
    assert late_count(province, MONDAY.date()) == 1
    # Once Monday has passed, the one never acknowledged is late too.
    assert late_count(province, TUESDAY.date()) == 2

    [row] = selectors.usage_overview(month_from=MAR, month_to=MAR, agency_ids=[province.agencies["huyen"].pk])
    assert row.late_acknowledgements == 2
    [point] = selectors.usage_trend(agency_id=province.agencies["huyen"].pk, months=[MAR])
    assert point.row.late_acknowledgements == 2
    # The sender is not charged with the recipient's delay.
    assert AgencyMonthStats.objects.get(agency=province.agencies["xa"], month=MAR).late_acknowledgements == 0


def test_late_acknowledgements_on_the_dashboard_drill_down_exports_and_api(office, client):
    """vanthu.md §7 rule 5; NĐ30 Art. 21.2: the overseer sees the late acknowledgements of each agency on the
    dashboard, the agency's page, the XLSX and the API."""
    from openpyxl import load_workbook

    from lienthong.oversight.tests.test_api import call
    from lienthong.oversight.tests.test_dashboard import FEB, JAN, PERIOD, login, tree

    huyen = office.agencies["huyen"]
    AgencyMonthStats.objects.filter(agency=huyen, month=JAN).update(late_acknowledgements=4)
    AgencyMonthStats.objects.filter(agency=huyen, month=FEB).update(late_acknowledgements=3)
    login(client, office.users["clerk.vp"])

    page = tree(client.get(f"/giam-sat/{PERIOD}"))
    headers = [th.text_content().strip() for th in page.xpath("//table[contains(@class, 'usage')]/thead//th")]
    column = headers.index("Xác nhận đã nhận trễ hạn")
    row = page.xpath(f'//tr[@data-agency="{huyen.pk}"]')[0]
    assert row.xpath("./td")[column].text_content().strip() == "7"

    detail = tree(client.get(f"/giam-sat/co-quan/{huyen.pk}/{PERIOD}"))
    headers = [th.text_content().strip() for th in detail.xpath("(//table[contains(@class, 'usage')])[1]/thead//th")]
    column = headers.index("Xác nhận đã nhận trễ hạn")
    cells = [tr.xpath("./td")[column].text_content().strip()
             for tr in detail.xpath("(//table[contains(@class, 'usage')])[1]/tbody/tr")]
    assert "4" in cells and "3" in cells

    ws = load_workbook(io.BytesIO(client.get(f"/giam-sat/xuat.xlsx{PERIOD}").content)).active
    header = [c.value for c in ws[3]]
    rows = {r[2]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert rows[huyen.name][header.index("Xác nhận đã nhận trễ hạn")] == 7

    status, body = call(office.users["clerk.vp"], f"/usage-statistics{PERIOD}")
    assert status == 200
    assert {i["agency_id"]: i["late_acknowledgements"] for i in body["items"]}[huyen.pk] == 7
