"""The list of case files pages by keyset ("Trang sau" / "Trang trước" after or before a row), in list order,
with filters kept, a capped count, bad links answered with the first page, and a constant number of queries."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse

from lienthong.records import selectors, views
from lienthong.records.models import CaseFile, RetentionPeriod
from lienthong.records.selectors import FileCursor
from lienthong.records.tests.helpers import world

pytestmark = pytest.mark.django_db


def _files(p, specs):
    """Case files of the district committee kept by its văn thư: (year, number, state) each."""
    clerk = p.users["clerk.huyen"]
    retention = RetentionPeriod.objects.order_by("pk").first()
    return CaseFile.objects.bulk_create([
        CaseFile(agency=p.agencies["huyen"], year=y, number=n, title=f"Hồ sơ {y} {n} {i}", retention=retention,
                 owner=clerk, state=s, start_date=dt.date(y, 1, 1)) for i, (y, n, s) in enumerate(specs)])


SPECS = [(2016, "02.VP", "closed"), (2018, "01.VP", "open"), (2017, "01.VP", "closed"), (2018, "01.VP", "closed"),
         (2016, "01.VP", "open"), (2018, "03.VP", "closed"), (2017, "02.VP", "open"), (2018, "01.VP", "open"),
         (2016, "02.VP", "closed"), (2017, "10.VP", "closed"), (2018, "02.VP", "open")]


def _walk(clerk, size, **filters):
    pages = [selectors.case_file_page(user=clerk, size=size, **filters)]
    while pages[-1].next:
        pages.append(selectors.case_file_page(user=clerk, size=size, after=pages[-1].next, **filters))
    return pages


def test_pages_after_and_before_cover_the_list_in_its_order_across_years_and_equal_numbers():
    p, _plan, _entries = world()
    clerk = p.users["clerk.huyen"]
    _files(p, SPECS)
    expected = [f.pk for f in selectors.case_file_list(user=clerk)]
    assert len(expected) >= len(SPECS)
    pages = _walk(clerk, 3)
    assert [f.pk for page in pages for f in page.rows] == expected
    assert pages[0].previous is None and pages[-1].next is None
    assert all(len(page.rows) == 3 for page in pages[:-1])
    assert pages[0].total == len(expected) and not pages[0].total_capped
    # Back from the last page, page by page, to the first.
    back = [pages[-1]]
    while back[-1].previous:
        back.append(selectors.case_file_page(user=clerk, size=3, before=back[-1].previous))
    assert [[f.pk for f in page.rows] for page in back[1:]] == [[f.pk for f in page.rows] for page in pages[-2::-1]]
    # A page before that reaches the start of the list is the full first page.
    short = selectors.case_file_page(user=clerk, size=3, before=FileCursor.of(pages[0].rows[1]))
    assert [f.pk for f in short.rows] == [f.pk for f in pages[0].rows] and short.previous is None
    # After the last row: nothing left, so the first page again.
    past = selectors.case_file_page(user=clerk, size=3, after=FileCursor.of(pages[-1].rows[-1]))
    assert [f.pk for f in past.rows] == [f.pk for f in pages[0].rows]


def test_filters_hold_on_every_page_and_a_file_added_between_requests_is_neither_repeated_nor_skipped():
    p, _plan, _entries = world()
    clerk = p.users["clerk.huyen"]
    _files(p, SPECS)
    closed = [f.pk for f in selectors.case_file_list(user=clerk, state="closed")]
    assert [f.pk for page in _walk(clerk, 2, state="closed") for f in page.rows] == closed
    of_2018 = [f.pk for f in selectors.case_file_list(user=clerk, year=2018)]
    assert [f.pk for page in _walk(clerk, 2, year=2018) for f in page.rows] == of_2018

    before = [f.pk for f in selectors.case_file_list(user=clerk)]
    first = selectors.case_file_page(user=clerk, size=4)
    _files(p, [(2018, "00.VP", "open"), (2019, "01.VP", "open")])  # both sort before the first page's end
    rest = []
    page = first
    while page.next:
        page = selectors.case_file_page(user=clerk, size=4, after=page.next)
        rest += [f.pk for f in page.rows]
    assert [f.pk for f in first.rows] + rest == before


def test_cursor_text_round_trips_and_anything_else_reads_as_none():
    cursor = FileCursor(year=2018, number="01-VP/2018", id=42)
    assert FileCursor.decode(cursor.encode()) == cursor
    for bad in (None, "", "abc", "2018-x-01.VP", "2018-42", "0-42-01", "2018-42-" + "9" * 21, "-1-42-01",
                "2018-99999999999999999999-01"):
        assert FileCursor.decode(bad) is None, bad
    assert views._thousands(10_000) == "10.000"  # "Hơn 10.000 hồ sơ"


def test_the_page_links_keep_the_filters_and_bad_links_show_the_first_page(client, django_assert_max_num_queries,
                                                                         monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    p, _plan, _entries = world()
    _files(p, SPECS * 6)
    client.force_login(p.users["clerk.huyen"])
    url = reverse("records:files")
    client.get(url)  # warm the session and caches

    def get(query):
        with django_assert_max_num_queries(13):
            r = client.get(url + query)
        assert r.status_code == 200
        return r.content.decode()

    first = get("?tab=all&state=closed&nam=2018")
    assert "12 hồ sơ" in first
    next_link = unescape(re.search(r'href="(\?[^"]*)" rel="next"', first).group(1))
    assert "state=closed" in next_link and "nam=2018" in next_link and "sau=" in next_link
    second = get(next_link)
    assert 'rel="prev"' in second
    prev_link = unescape(re.search(r'href="(\?[^"]*)" rel="prev"', second).group(1))
    assert "truoc=" in prev_link and "state=closed" in prev_link
    for bad in ("?tab=all&sau=abc", "?tab=all&truoc=2018-1", "?tab=all&sau=2018-99999999999999999999-x"):
        body = get(bad)
        assert "Liên kết trang không còn đúng; đang hiện trang đầu của danh sách." in body
        assert 'rel="prev"' not in body
    assert "Liên kết trang không còn đúng" not in get(next_link)
    monkeypatch.setattr(selectors, "LIST_COUNT_CAP", 10)  # more files than the cap: not counted to the end
    assert "Hơn 10 hồ sơ" in get("?tab=all&state=closed&nam=2018")
