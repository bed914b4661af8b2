"""Commendation proposals: approved ranking results × CCHC index under the documented rule; who may see
them; the XLSX export; a constant number of queries."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from lienthong.assessment import services as assessment_services
from lienthong.assessment.models import CampaignState
from lienthong.commendations import rules as rules_module
from lienthong.commendations import selectors
from lienthong.commendations.models import ReformIndexScore
from lienthong.commendations.rules import (
    CLASS_TOO_LOW,
    NO_REFORM_INDEX,
    NOT_RANKED,
    RANK_TOO_LOW,
    REFORM_BELOW,
    RULE_BY_CLASS,
    CommendationRules,
    evaluate,
)
from lienthong.commendations.tests.conftest import BEST, approve, extra_agencies, fill
from lienthong.core.tests.test_i18n import compiled_messages  # noqa: F401  (fixture: the .mo files exist)


def cchc(p, year=2017, **values):
    for key, value in values.items():
        ReformIndexScore.objects.create(year=year, agency=p.agencies[key], value=Decimal(str(value)),
                                        imported_by=p.users["specialist.stttt"], imported_at=timezone.now())


def url(campaign, **query):
    from urllib.parse import urlencode

    return reverse("commendations:proposals", args=[campaign.pk]) + (f"?{urlencode(query)}" if query else "")


def rows_by_agency(data):
    return {row.agency.pk: row for g in data.groups for row in g.rows}


def test_top_class_and_cchc_index_above_the_threshold_are_proposed(approved):
    p, council, version, campaign = approved
    cchc(p, vp=85.5, stttt=95)  # huyện has no index for 2017
    data = selectors.proposals(user=council, campaign=campaign, rules=CommendationRules())
    rows = rows_by_agency(data)
    vp, st, hu = rows[p.agencies["vp"].pk], rows[p.agencies["stttt"].pk], rows[p.agencies["huyen"].pk]
    assert vp.result.class_label == "Xuất sắc" and vp.verdict.proposed and vp.verdict.reasons == []
    # combined = 0.5 × IT index (0–100) + 0.5 × CCHC
    assert vp.verdict.combined == (Decimal(str(vp.result.index)) * 50 + Decimal("42.75")).quantize(Decimal("0.01"))
    assert not st.verdict.proposed and st.verdict.reasons == [CLASS_TOO_LOW % {"c": "Khá", "need": "Xuất sắc"}]
    assert not hu.verdict.proposed and hu.verdict.reasons == [CLASS_TOO_LOW % {"c": "Tốt", "need": "Xuất sắc"},
                                                             NO_REFORM_INDEX % {"y": 2017}]
    assert [g.code for g in data.groups] == ["so_nganh", "ubnd_huyen"]
    assert [r.agency.pk for r in data.groups[0].proposed] == [p.agencies["vp"].pk]
    assert data.rule_lines[0] == RULE_BY_CLASS % {"c": "Xuất sắc"}

    # a threshold above the unit's index withdraws the proposal; the top-1-per-group rule adds huyện's rank
    strict = selectors.proposals(user=council, campaign=campaign, rules=CommendationRules(min_reform_index=Decimal(90)))
    assert rows_by_agency(strict)[p.agencies["vp"].pk].verdict.reasons == [REFORM_BELOW % {"v": "85,5", "m": "90"}]
    cchc(p, huyen=81)
    top1 = selectors.proposals(user=council, campaign=campaign, rules=CommendationRules(ranking_rule="top_n", top_n=1))
    assert {r.agency.pk for g in top1.groups for r in g.proposed} == {p.agencies["vp"].pk, p.agencies["huyen"].pk}


def test_the_rule_in_isolation():
    kw = dict(top_labels=["Xuất sắc", "Tốt"], class_label="Tốt", index=0.85, reform_year=2017)
    rules = CommendationRules(class_levels=2, it_weight=Decimal("0.6"))
    ok = evaluate(rules=rules, excluded=False, rank=3, reform=Decimal("80"), **kw)
    assert ok.proposed and ok.combined == Decimal("83.00")  # 0.6 × 85 + 0.4 × 80
    assert evaluate(rules=rules, excluded=True, rank=None, reform=Decimal("99"), **kw).reasons == [str(NOT_RANKED)]
    assert evaluate(rules=CommendationRules(ranking_rule="top_n", top_n=2), excluded=False, rank=3,
                    reform=Decimal("79.99"), **kw).reasons == [
        RANK_TOO_LOW % {"r": 3, "n": 2}, REFORM_BELOW % {"v": "79,99", "m": "80"}]


def test_defaults_come_from_settings(settings):
    settings.COMMENDATION_RULES = {"min_reform_index": 75, "class_levels": 2, "unknown": 1}
    rules = rules_module.default_rules()
    assert (rules.min_reform_index, rules.class_levels, rules.ranking_rule) == (Decimal(75), 2, "class")


def test_nothing_is_proposed_before_approval(published, client):
    p, council, version, campaign = published
    cchc(p, vp=99)
    client.force_login(council)
    response = client.get(url(campaign))
    assert response.status_code == 200
    html = response.content.decode()
    assert "chưa được phê duyệt" in html and "Xuất sắc" not in html.split("Quy tắc xét đề xuất")[1].split("</ol>")[1]


def test_the_page_shows_rule_proposals_and_reasons(approved, client):
    p, council, version, campaign = approved
    cchc(p, vp=85.5, stttt=95)
    client.force_login(p.users["leader.ubnd"])
    response = client.get(url(campaign))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thông báo số 32/TB-VP.UBND" in html and "1 đơn vị được đề xuất" in html
    assert escape(NO_REFORM_INDEX % {"y": 2017}) in html
    assert escape(CLASS_TOO_LOW % {"c": "Khá", "need": "Xuất sắc"}) in html
    assert reverse("commendations:proposals_xlsx", args=[campaign.pk]) in html
    assert reverse("commendations:reform_import") not in html  # the approver does not import
    # rules changed on the page for one reading; a bad value is shown, the defaults apply meanwhile
    html = client.get(url(campaign, ranking_rule="top_n", top_n=2, min_reform_index=80, it_weight="0.5",
                          class_levels=1)).content.decode()
    assert "2 đơn vị được đề xuất" in html
    response = client.get(url(campaign, min_reform_index=120))
    assert response.status_code == 200 and "1 đơn vị được đề xuất" in response.content.decode()
    assert 'class="field has-error"><label for="id_min_reform_index">' in response.content.decode()


def test_the_xlsx_export_lists_the_proposals_and_every_unit(approved, client):
    from openpyxl import load_workbook

    p, council, version, campaign = approved
    cchc(p, vp=85.5, stttt=95)
    client.force_login(p.users["clerk.vp"])
    response = client.get(reverse("commendations:proposals_xlsx", args=[campaign.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="de-xuat-khen-thuong-2017-{campaign.pk}.xlsx"'
    wb = load_workbook(io.BytesIO(response.content))
    first = [[c for c in row if c is not None] for row in wb.worksheets[0].iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(first) if row and row[0] == "Nhóm")
    assert first[header_at + 1][:3] == ["Sở, ban, ngành tỉnh", 1, "Văn phòng Ủy ban nhân dân tỉnh Hậu Giang"]
    assert len([r for r in first[header_at + 1:] if r]) == 1
    every = list(wb["Toàn bộ đơn vị"].iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[9]) for r in every] == [
        ("Văn phòng Ủy ban nhân dân tỉnh Hậu Giang", "Có"), ("Sở Thông tin và Truyền thông tỉnh Hậu Giang", "Không"),
        ("Ủy ban nhân dân huyện Vị Thủy", "Không")]
    assert every[2][10] == " ".join([CLASS_TOO_LOW % {"c": "Tốt", "need": "Xuất sắc"}, NO_REFORM_INDEX % {"y": 2017}])


@pytest.mark.parametrize(("username", "status"), [
    ("specialist.stttt", 200), ("clerk.stttt", 200),   # council
    ("clerk.vp", 200), ("leader.vp", 200),             # office
    ("leader.ubnd", 200), ("clerk.ubnd", 200),         # approver
    ("leader.huyen", 403), ("specialist.huyen.noivu", 403), ("clerk.xa", 403),  # units, outsiders
])
def test_who_sees_the_proposals(approved, client, username, status):
    p, council, version, campaign = approved
    client.force_login(p.users[username])
    for name in ("commendations:proposals", "commendations:proposals_xlsx"):
        response = client.get(reverse(name, args=[campaign.pk]))
        assert response.status_code == status
        if status == 403:
            assert "Không có quyền" in response.content.decode()
    missing = client.get(reverse("commendations:proposals", args=[campaign.pk + 999]))
    assert missing.status_code == (404 if status == 200 else 403)


def test_anonymous_goes_to_login(approved, client):
    campaign = approved[3]
    response = client.get(url(campaign))
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def _campaign_with(ranking, n_extra: int):
    p, council, version, _campaign = ranking
    more = extra_agencies(p, n_extra, start=0 if n_extra == 1 else 1)
    units = [assessment_services.UnitInput(p.agencies["vp"].pk, "so_nganh")] + [
        assessment_services.UnitInput(a.pk, "so_nganh") for a in more]
    c = assessment_services.campaign_create(actor=council, year=2017, criteria_set=version, units=units,
                                            name=f"Đợt {n_extra}")
    c = assessment_services.campaign_publish(actor=council, campaign=c, today=timezone.localdate())
    fill(p, c, {"vp": BEST})
    for i, a in enumerate(more):
        ReformIndexScore.objects.update_or_create(year=2017, agency=a, defaults={
            "value": Decimal(80 + i), "imported_by": council, "imported_at": timezone.now()})
    return approve(p, council, c)


def test_proposals_page_query_count_does_not_grow(ranking, client, django_assert_max_num_queries):
    council = ranking[1]
    small, large = _campaign_with(ranking, 1), _campaign_with(ranking, 8)
    assert large.state == CampaignState.APPROVED
    client.force_login(council)
    client.get(url(small))
    with django_assert_max_num_queries(14) as few:
        client.get(url(small))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url(large))
    assert response.content.decode().count("Sở Thử nghiệm số") == 8


def test_an_agency_name_that_looks_like_a_formula_stays_text_in_the_export(approved, client):
    from openpyxl import load_workbook

    from lienthong.agencies.models import Agency

    p, council, version, campaign = approved
    Agency.objects.filter(pk=p.agencies["stttt"].pk).update(name='=HYPERLINK("http://x.invalid","Sở")')
    client.force_login(council)
    response = client.get(reverse("commendations:proposals_xlsx", args=[campaign.pk]))
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        sheets = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in sheets
    names = [r[2] for r in load_workbook(io.BytesIO(response.content))["Toàn bộ đơn vị"].iter_rows(
        min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://x.invalid","Sở")' in names  # the apostrophe keeps it text in every reader


def test_the_xlsx_export_in_english_says_yes_and_no(compiled_messages, approved, client, settings):  # noqa: F811
    from openpyxl import load_workbook

    p, council, version, campaign = approved
    cchc(p, vp=85.5, stttt=95)
    client.force_login(p.users["clerk.vp"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("commendations:proposals_xlsx", args=[campaign.pk]))
    wb = load_workbook(io.BytesIO(response.content))
    every = list(wb.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert [r[9] for r in every] == ["Yes", "No", "No"]
