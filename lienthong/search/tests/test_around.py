"""Around the search box (issue 17, part 6–7): the count, facets, the date order, number completion and
the issuing-agency picker of the registration form."""

import datetime as dt

import pytest
from django.urls import reverse

from lienthong.agencies.selectors import agency_picker
from lienthong.documents.models import DocumentType
from lienthong.search import selectors
from lienthong.search.tests.helpers import ids, incoming, outgoing
from lienthong.testing.builders import make_agency

pytestmark = pytest.mark.django_db


def facet(result, name):
    return {v.label: v.count for v in result.facets[name]}


@pytest.fixture
def epidemic(province):
    """Documents about "phòng chống dịch" in the Office (three outgoing, one of them confidential, and one
    incoming from Sở TT&TT) and in Sở TT&TT (two the Office's people must never count)."""
    vp = {
        "tb_old": outgoing(province, "Thông báo phòng chống dịch bệnh đợt 1", issued_on=dt.date(2018, 1, 5)),
        "tb_new": outgoing(province, "Thông báo phòng chống dịch bệnh đợt 2", issued_on=dt.date(2018, 3, 9)),
        "cv_secret": outgoing(province, "Công văn phòng chống dịch (mật)", type_code="cong-van",
                              issued_on=dt.date(2018, 2, 1), secrecy="confidential"),
        "in_stttt": incoming(province, "Kế hoạch phòng chống dịch của Sở", "15/KH-STTTT", agency="vp",
                             issuer="stttt", type_code="ke-hoach", issued_on=dt.date(2017, 12, 20)),
    }
    outgoing(province, "Thông báo phòng chống dịch QQSTTTTA", agency="stttt")
    outgoing(province, "Báo cáo phòng chống dịch QQSTTTTB", agency="stttt", type_code="bao-cao")
    return vp


def test_facets_count_only_what_the_user_may_see(province, epidemic):
    clerk = selectors.search(user=province.users["clerk.vp"], query="phòng chống dịch", facets=True, count=True)
    assert clerk.count == 4 and not clerk.count_more
    assert facet(clerk, "document_type") == {"Thông báo": 2, "Công văn": 1, "Kế hoạch": 1}
    assert facet(clerk, "year") == {"2018": 4}  # the year of the register (issued in 2017, received in 2018)
    assert facet(clerk, "direction") == {"Văn bản đi": 3, "Văn bản đến": 1}
    assert facet(clerk, "issuer") == {"VP UBND tỉnh": 3, "Sở TT&TT": 1}

    # A specialist of the Office sees its outgoing documents that are not secret, nothing else: the
    # confidential one and the incoming one (not assigned to them) are not counted anywhere.
    specialist = selectors.search(user=province.users["specialist.vp"], query="phòng chống dịch", facets=True,
                                  count=True)
    assert specialist.count == 2
    assert facet(specialist, "document_type") == {"Thông báo": 2}
    assert facet(specialist, "direction") == {"Văn bản đi": 2}
    assert facet(specialist, "issuer") == {"VP UBND tỉnh": 2}


def test_a_facet_value_filters_the_results(province, epidemic):
    clerk = province.users["clerk.vp"]
    notice = DocumentType.objects.get(code="thong-bao")
    found = selectors.search(user=clerk, query="phòng chống dịch", document_type=notice.pk, count=True, facets=True)
    assert set(ids(found.hits)) == {epidemic["tb_old"].pk, epidemic["tb_new"].pk}
    assert found.count == 2 and facet(found, "document_type") == {"Thông báo": 2}

    from_stttt = selectors.search(user=clerk, query="phong chong dich", issuer=province.agencies["stttt"].pk)
    assert ids(from_stttt.hits) == [epidemic["in_stttt"].pk]


def test_sort_by_date_puts_the_newest_first(province, epidemic):
    found = selectors.search(user=province.users["clerk.vp"], query="phong chong dich", sort=selectors.DATE)
    assert ids(found.hits) == [epidemic[k].pk for k in ("tb_new", "cv_secret", "tb_old", "in_stttt")]


def test_the_count_says_more_than_beyond_the_threshold(province, epidemic, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_EXACT_UP_TO", 3)
    found = selectors.search(user=province.users["clerk.vp"], query="phòng chống dịch", count=True, limit=1)
    assert (found.count, found.count_more) == (3, True)
    assert len(found.hits) == 1


def test_the_count_is_of_the_phrase_matches_when_there_are_some(province):
    outgoing(province, "Kế hoạch chữ ký số chuyên dùng")
    outgoing(province, "Báo cáo số liệu chữ viết tay và ký nhận")  # every syllable, apart
    found = selectors.search(user=province.users["clerk.vp"], query="chữ ký số", count=True)
    assert found.count == len(found.hits) == 1


def test_results_page_shows_count_facets_and_sorts(clerk_client, province, epidemic):
    from lienthong.web.views import SEARCH_COUNT

    html = clerk_client.get(reverse("documents:list"), {"q": "phòng chống dịch"}).content.decode()
    assert str(SEARCH_COUNT % {"n": 4}) in html
    assert 'class="facets"' in html and "Kế hoạch" in html and "Sở TT&amp;TT" in html
    assert "QQSTTTT" not in html  # Sở TT&TT's own documents

    notice = DocumentType.objects.get(code="thong-bao")
    html = clerk_client.get(reverse("documents:list"), {"q": "phòng chống dịch", "document_type": notice.pk,
                                                        "sort": "date"}).content.decode()
    assert str(SEARCH_COUNT % {"n": 2}) in html
    assert html.index("đợt 2") < html.index("đợt 1")
    assert "Công văn phòng chống dịch" not in html


def test_results_page_reads_a_constant_number_of_queries(clerk_client, province, django_assert_max_num_queries):
    def page():
        return clerk_client.get(reverse("documents:list"), {"q": "phòng chống dịch"})

    outgoing(province, "Thông báo phòng chống dịch đợt 0")
    page()  # caches warmed (document types, agency names)
    with django_assert_max_num_queries(18) as few:
        page()
    for n in range(12):
        outgoing(province, f"Thông báo phòng chống dịch đợt {n + 1}", type_code=("thong-bao", "cong-van")[n % 2])
        incoming(province, f"Kế hoạch phòng chống dịch số {n}", f"{n + 10}/KH-STTTT", agency="vp", issuer="stttt")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert page().status_code == 200


def test_number_completion_offers_only_numbers_the_user_may_see(client, province):
    incoming(province, "Thông báo kết luận", "32/TB-VP.UBND", agency="stttt", issuer="vp")
    incoming(province, "Thông báo khác", "32/TB-SNV", agency="stttt", issuer="vp")
    incoming(province, "Thông báo của huyện", "32/TB-UBND", agency="huyen", issuer="vp")
    incoming(province, "Thông báo 132", "132/TB-VP.UBND", agency="stttt", issuer="vp")

    assert selectors.number_completions(user=province.users["clerk.stttt"], prefix="32/tb") == [
        "32/TB-SNV", "32/TB-VP.UBND"]
    assert selectors.number_completions(user=province.users["clerk.huyen"], prefix="32/TB") == ["32/TB-UBND"]
    assert selectors.number_completions(user=province.users["specialist.stttt"], prefix="32/TB") == []
    assert selectors.number_completions(user=province.users["clerk.stttt"], prefix="kế hoạch") == []

    client.force_login(province.users["clerk.huyen"])
    html = client.get(reverse("documents:number_completions"), {"q": "32/T"}).content.decode()
    assert '<option value="32/TB-UBND">' in html and "VP.UBND" not in html and "SNV" not in html


def test_agency_picker_finds_without_diacritics_by_short_name_and_by_code(province):
    finance = make_agency("Sở Tài chính tỉnh Hậu Giang", "STC", province.agencies["ubnd"].level,
                          parent=province.agencies["ubnd"], code="000.00.11.H30", short_name="Sở Tài chính")
    resources = make_agency("Sở Tài nguyên và Môi trường tỉnh Hậu Giang", "STNMT", province.agencies["ubnd"].level,
                            parent=province.agencies["ubnd"], code="000.00.12.H30", short_name="Sở TN&MT")

    assert agency_picker(q="so tai chinh") == [finance]
    assert agency_picker(q="SỞ TÀI")[:2] == [finance, resources]
    assert agency_picker(q="000.00.11") == [finance]
    assert agency_picker(q="stc")[0] == finance
    assert agency_picker(q="so tn&mt") == [resources]
    assert agency_picker(q="so tt&tt") == [province.agencies["stttt"]]
    assert agency_picker(q="vi thuy") == [province.agencies["huyen"]]
    assert agency_picker(q="khong co dau") == []


def test_registration_form_narrows_the_issuer_select_as_the_clerk_types(clerk_client, province):
    form = clerk_client.get(reverse("documents:register_incoming")).content.decode()
    assert 'name="issuer_agency_q"' in form and reverse("documents:agency_picker") in form

    html = clerk_client.get(reverse("documents:agency_picker"), {"issuer_agency_q": "so thong tin"}).content.decode()
    assert f'<option value="{province.agencies["stttt"].pk}" selected>' in html
    assert "Vị Thủy" not in html
