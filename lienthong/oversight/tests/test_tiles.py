"""The dashboard at a glance (issue 18, 7): KPI tiles for the province and each group, laggards first, and the
province's trend as a chart drawn on the server."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from lienthong.oversight.models import AgencyMonthStats
from lienthong.oversight.tests.test_dashboard import PERIOD

pytestmark = pytest.mark.django_db


def tiles(response) -> list[dict]:
    tree = lxml_html.fromstring(response.content.decode())
    out = []
    for tile in tree.xpath("//section[contains(@class,'kpi-tiles')]//article"):
        values = {dt.get("data-kpi"): " ".join(dd.text_content().split())
                  for dt, dd in zip(tile.xpath(".//dt"), tile.xpath(".//dd"), strict=True)}
        out.append({"title": " ".join(tile.xpath(".//h3")[0].text_content().split()), **values,
                    "laggards": " ".join("".join(tile.xpath(".//p[@class='laggards']//text()")).split())})
    return out


def test_tiles_for_the_province_and_each_group_with_the_weakest_first(office, client):
    a = office.agencies
    # March: the commune sends nothing electronically and signs nothing; the district has 7 overdue items.
    AgencyMonthStats.objects.filter(agency=a["xa"]).update(sent_electronically=0, issued_legally_valid=0,
                                                           active_users=2)
    client.force_login(office.users["clerk.vp"])
    page = client.get("/giam-sat/" + PERIOD)
    found = tiles(page)
    province = found[0]
    assert province["title"].startswith("Toàn tỉnh")
    assert {"sent", "signed", "on_time", "overdue", "unused"} <= set(province)
    assert province["overdue"] == "7"  # the district's, as of the last month of the period
    groups = [t["title"] for t in found[1:]]
    assert groups and "Không thuộc nhóm" in " ".join(groups)
    # the weakest agency is named first in the province's tile
    assert province["laggards"].split(":", 1)[1].strip().startswith("UBND xã Vị Thắng")
    tree = lxml_html.fromstring(page.content.decode())
    svg = tree.xpath("//figure[contains(@class,'kpi-trend')]//svg")
    assert svg and svg[0].xpath(".//polyline") and "03/2018" in svg[0].text_content()
