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
