"""The search box of the documents page, end to end through the view that calls the selector."""

import pytest
from django.urls import reverse

from lienthong.search.tests.helpers import outgoing
from lienthong.search.text import QUERY_WITHOUT_WORDS

pytestmark = pytest.mark.django_db


def test_search_box_shows_ranked_hits_with_marked_words(clerk_client, province):
    outgoing(province, "Kế hoạch <thí điểm> chữ ký số")
    outgoing(province, "Giấy mời họp giao ban")

    response = clerk_client.get(reverse("documents:list"), {"q": "chu ky so"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Kế hoạch &lt;thí điểm&gt; <mark>chữ</mark> <mark>ký</mark> <mark>số</mark>" in html
    assert "Giấy mời họp giao ban" not in html


def test_search_box_explains_a_query_without_words(clerk_client, province):
    response = clerk_client.get(reverse("documents:list"), {"q": "?!"})

    assert response.status_code == 200
    assert str(QUERY_WITHOUT_WORDS) in response.content.decode()


def test_search_box_says_how_many_and_when_nothing_matched_with_its_diacritics(clerk_client, province):
    from lienthong.web.views import SEARCH_COUNT, SEARCH_NOT_EXACT

    outgoing(province, "Kế hoạch sử dụng chủ ký sổ")
    outgoing(province, "Báo cáo chữ ký số chuyên dùng")

    html = clerk_client.get(reverse("documents:list"), {"q": "chữ ký số"}).content.decode()
    assert str(SEARCH_COUNT % {"n": 2}) in html
    assert "khớp đúng dấu" not in html

    html = clerk_client.get(reverse("documents:list"), {"q": "chử ký số"}).content.decode()
    assert str(SEARCH_COUNT % {"n": 2}) in html
    from django.utils.html import escape

    assert escape(str(SEARCH_NOT_EXACT % {"q": "chử ký số", "folded": "chu ky so"})) in html
