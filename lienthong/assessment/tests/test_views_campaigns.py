"""The campaign pages of the ranking (/xep-hang/): who sees and does what, the workflow driven through the
pages, the council's adjustments (reason required) and the results ranking per group."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from lienthong.accounts.models import Role
from lienthong.accounts.services import user_create
from lienthong.agencies.models import AgencyGroup
from lienthong.assessment import forms, services
from lienthong.assessment.models import Adjustment, Campaign, CampaignState, CampaignUnit, Result, SelfAssessment
from lienthong.assessment.services.campaigns import EXCLUDED_NEEDS_REASON
from lienthong.assessment.services.common import WRONG_CAMPAIGN_STEP
from lienthong.assessment.services.results import ADJUST_POINTS_RANGE, ADJUST_REASON_REQUIRED, NOT_COMPUTED
from lienthong.assessment.tests.test_workflow import GOOD, PUBLISHED_ON, WEAK
from lienthong.assessment.views import campaigns as views
from lienthong.testing.builders import PASSWORD, make_agency

S = CampaignState


def _login(client, user):
    client.force_login(user)
    return client


def _sa(campaign, agency) -> SelfAssessment:
    return SelfAssessment.objects.get(campaign_unit__campaign=campaign, campaign_unit__agency=agency)


def _to_council(campaign, council):
    campaign = services.campaign_publish(actor=council, campaign=campaign, today=PUBLISHED_ON)
    for to in (S.REVIEW, S.COUNCIL):
        services.campaign_advance(actor=council, campaign=campaign, to=to)
    return Campaign.objects.get(pk=campaign.pk)


def _so_nganh(province, n: int, prefix="Sở thử nghiệm"):
    """``n`` more departments in the so-nganh group, each with one specialist (``tester.<i>``)."""
    group = AgencyGroup.objects.get(code="so-nganh")
    out = []
    for i in range(n):
        a = make_agency(f"{prefix} {i + 1} tỉnh Hậu Giang", f"ST{i}", province.agencies["ubnd"].level,
                        parent=province.agencies["ubnd"], group=group, short_name=f"{prefix} {i + 1}")
        user = user_create(username=f"tester.{a.pk}", password=PASSWORD, full_name=f"Chuyên viên {i}",
                           positions=[(a, Role.SPECIALIST, "")])
        out.append((a, user))
    return out


# --------------------------------------------------------------------------- list and navigation


def test_leaders_have_the_nav_link_and_everyone_sees_only_visible_campaigns(ranking, client):
    p, council, version, campaign = ranking
    u = p.users
    # The menu is of each role's own work (web.navigation): a leader's leads to the ranking, a văn thư's does
    # not, but the page opens for every user.
    assert 'href="/xep-hang/"' in _login(client, u["leader.xa"]).get("/").content.decode()
    page = _login(client, u["clerk.xa"]).get(reverse("assessment:campaigns"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Xếp hạng CNTT" in html
    assert "Chưa có đợt đánh giá nào." in html and "Tạo đợt đánh giá" not in html
    # a draft is the council's (and the overseers') business only
    assert campaign.name not in _login(client, u["leader.huyen"]).get(reverse("assessment:campaigns")).content.decode()
    html = _login(client, council).get(reverse("assessment:campaigns")).content.decode()
    assert campaign.name in html and reverse("assessment:campaign_new") in html
    services.campaign_publish(actor=council, campaign=campaign, today=PUBLISHED_ON)
    html = _login(client, u["leader.huyen"]).get(reverse("assessment:campaigns")).content.decode()
    assert campaign.name in html and "Ủy ban nhân dân huyện Vị Thủy" not in html  # short name of own unit
    assert "UBND huyện Vị Thủy" in html and "Đang tự đánh giá" in html and "0/3" not in html  # others' progress
    assert "0/3" in _login(client, p.users["clerk.vp"]).get(reverse("assessment:campaigns")).content.decode()
    _login(client, p.users["leader.huyen"])
    html = client.get(reverse("assessment:campaigns")).content.decode()
    sa = _sa(campaign, p.agencies["huyen"])
    assert reverse("assessment:self_assessment", args=[sa.pk]) in html  # straight to its own self-assessment


def test_campaign_list_in_a_constant_number_of_queries(ranking, client, django_assert_max_num_queries):
    p, council, version, campaign = ranking
    services.campaign_publish(actor=council, campaign=campaign, today=PUBLISHED_ON)
    _login(client, p.users["leader.vp"])
    with django_assert_max_num_queries(13):
        assert client.get(reverse("assessment:campaigns")).status_code == 200
    extra = _so_nganh(p, 4)
    for year in (2015, 2016):
        c = services.campaign_create(actor=council, year=year, criteria_set=version, units=[
            services.UnitInput(p.agencies["vp"].pk, "so_nganh"),
            *(services.UnitInput(a.pk, "so_nganh") for a, _u in extra)])
        services.campaign_publish(actor=council, campaign=c, today=PUBLISHED_ON)
    with django_assert_max_num_queries(13):
        page = client.get(reverse("assessment:campaigns"))
    assert page.content.decode().count('data-campaign="') == 3


# --------------------------------------------------------------------------- new campaign


def _new_form_data(client, version, **changes):
    """The form as the page offers it (defaults of every row), with ``changes`` applied."""
    page = client.get(reverse("assessment:campaign_new"), {"bo": version.pk})
    data = {"criteria_set": version.pk, "year": 2018, "name": "", "self_assessment_days": 15}
    for row in page.context["rows"]:
        for name, field in row.fields.items():
            value = row.initial.get(name, field.initial)
            if isinstance(value, bool):
                if value:
                    data[f"{row.prefix}-{name}"] = "on"
            elif value:
                data[f"{row.prefix}-{name}"] = value
    for k, v in changes.items():
        if v is None:
            data.pop(k, None)
        else:
            data[k] = v
    return data


def test_only_the_council_creates_a_campaign(ranking, client):
    p, council, version, campaign = ranking
    for who in ("leader.huyen", "leader.ubnd", "clerk.vp"):
        page = _login(client, p.users[who]).get(reverse("assessment:campaign_new"))
        assert page.status_code == 403 and escape(str(views.CREATE_COUNCIL_ONLY)) in page.content.decode()
        assert _login(client, p.users[who]).post(reverse("assessment:campaign_new"), {"year": 2018}).status_code == 403
    assert Campaign.objects.count() == 1


def test_new_campaign_maps_groups_excludes_with_reason_and_not_applicable(ranking, client):
    p, council, version, campaign = ranking
    a = p.agencies
    _login(client, council)
    page = client.get(reverse("assessment:campaign_new"))
    assert page.status_code == 200
    rows = {r.agency.pk: r for r in page.context["rows"]}
    # internal agencies with a group: the two departments; default group from the agency group
    assert set(rows) == {a["vp"].pk, a["stttt"].pk}
    assert rows[a["vp"].pk].initial["group"] == "so_nganh" and rows[a["vp"].pk].initial["include"]
    vp, st = f"u{a['vp'].pk}", f"u{a['stttt'].pk}"

    # bad input: excluded without a reason, an unknown criterion → Vietnamese errors, nothing stored
    data = _new_form_data(client, version, **{f"{st}-excluded": "on", f"{vp}-not_applicable": "C2, Z9"})
    page = client.post(reverse("assessment:campaign_new"), data)
    html = page.content.decode()
    assert page.status_code == 200
    assert escape(str(EXCLUDED_NEEDS_REASON)) in html and escape(forms.UNKNOWN_CRITERIA % {"c": "Z9"}) in html
    assert Campaign.objects.count() == 1
    # nothing chosen
    page = client.post(reverse("assessment:campaign_new"),
                       _new_form_data(client, version, **{f"{vp}-include": None, f"{st}-include": None}))
    assert escape(str(views.NO_UNIT_CHOSEN)) in page.content.decode() and Campaign.objects.count() == 1

    data = _new_form_data(client, version, **{
        f"{st}-excluded": "on", f"{st}-excluded_reason": "Cơ quan thường trực đánh giá",
        f"{vp}-not_applicable": "C2, D4", f"{vp}-group": "nganh_doc",
        f"{vp}-separate_reason": "Thử xếp hạng riêng", "name": "Đánh giá năm 2018 (thử)", "self_assessment_days": 10})
    page = client.post(reverse("assessment:campaign_new"), data)
    new = Campaign.objects.exclude(pk=campaign.pk).get()
    assert page.status_code == 302 and page["Location"] == reverse("assessment:campaign", args=[new.pk])
    assert (new.year, new.name, new.self_assessment_days, new.state) == (2018, "Đánh giá năm 2018 (thử)", 10, S.DRAFT)
    units = {cu.agency_id: cu for cu in new.units.all()}
    assert units[a["vp"].pk].group_code == "nganh_doc" and units[a["vp"].pk].separate_reason == "Thử xếp hạng riêng"
    assert units[a["vp"].pk].not_applicable == ["C2", "D4"]
    assert units[a["stttt"].pk].excluded and units[a["stttt"].pk].excluded_reason == "Cơ quan thường trực đánh giá"
    html = client.get(page["Location"]).content.decode()
    assert escape(views.CREATED % {"n": "Đánh giá năm 2018 (thử)", "k": 2}) in html
    assert "Cơ quan thường trực đánh giá" in html and "C2, D4" in html


# --------------------------------------------------------------------------- campaign page and actions


def test_campaign_page_permissions_and_buttons(ranking, client):
    p, council, version, campaign = ranking
    u = p.users
    url = reverse("assessment:campaign", args=[campaign.pk])
    assert _login(client, u["leader.huyen"]).get(url).status_code == 404  # a draft is not theirs yet
    assert _login(client, u["clerk.xa"]).get(url).status_code == 404
    html = _login(client, u["clerk.vp"]).get(url).content.decode()  # the Office oversees, acts on nothing
    assert "Công bố bộ tiêu chí" not in html and "Vị Thủy" in html
    html = _login(client, council).get(url).content.decode()
    assert 'value="publish"' in html and 'aria-current="step"' in html

    services.campaign_publish(actor=council, campaign=campaign, today=PUBLISHED_ON)
    html = _login(client, u["leader.huyen"]).get(url).content.decode()
    assert "Ủy ban nhân dân huyện Vị Thủy" in html and "Văn phòng Ủy ban" not in html  # only its own unit
    assert 'name="action"' not in html and "Đang tự đánh giá" in html
    campaign.refresh_from_db()
    assert campaign.deadline.strftime("%d/%m/%Y") in _login(client, council).get(url).content.decode()  # day-first


def test_campaign_page_in_a_constant_number_of_queries(ranking, client, django_assert_max_num_queries):
    p, council, version, campaign = ranking
    services.campaign_publish(actor=council, campaign=campaign, today=PUBLISHED_ON)
    url = reverse("assessment:campaign", args=[campaign.pk])
    _login(client, council)
    with django_assert_max_num_queries(17):
        assert client.get(url).status_code == 200
    extra = _so_nganh(p, 5)
    big = services.campaign_create(actor=council, year=2016, criteria_set=version,
                                   units=[services.UnitInput(a.pk, "so_nganh") for a, _u in extra]
                                   + [services.UnitInput(p.agencies["vp"].pk, "so_nganh")])
    services.campaign_publish(actor=council, campaign=big, today=PUBLISHED_ON)
    with django_assert_max_num_queries(17):
        page = client.get(reverse("assessment:campaign", args=[big.pk]))
    assert page.content.decode().count('data-unit="') == 6


def _act(client, campaign, action, **extra):
    return client.post(reverse("assessment:campaign_action", args=[campaign.pk]), {"action": action, **extra},
                       follow=True)


def test_the_workflow_through_the_pages(ranking, client):
    p, council, version, campaign = ranking
    u, a = p.users, p.agencies

    def state():
        return Campaign.objects.get(pk=campaign.pk).state

    # a unit cannot publish; the Office neither
    for who in ("leader.huyen", "clerk.vp"):
        _login(client, u[who])
        page = client.post(reverse("assessment:campaign_action", args=[campaign.pk]), {"action": "publish"})
        assert page.status_code in (403, 404) and state() == S.DRAFT
    _login(client, council)
    page = _act(client, campaign, "publish")
    assert escape(str(views.ACTION_DONE["publish"])) in page.content.decode() and state() == S.SELF_ASSESSMENT
    assert SelfAssessment.objects.filter(campaign_unit__campaign=campaign).count() == 3
    # an action of another step: the service's Vietnamese message, nothing changes
    page = _act(client, campaign, "compute")
    assert escape(WRONG_CAMPAIGN_STEP % {"s": S.SELF_ASSESSMENT.label}) in page.content.decode()
    assert state() == S.SELF_ASSESSMENT
    assert escape(str(views.INVALID_ACTION)) in _act(client, campaign, "delete").content.decode()

    services.self_assessment_save(actor=u["clerk.vp"], self_assessment=_sa(campaign, a["vp"]), values=GOOD)
    assert _act(client, campaign, "review").status_code == 200 and state() == S.REVIEW
    assert _act(client, campaign, "council").status_code == 200 and state() == S.COUNCIL
    html = client.get(reverse("assessment:campaign", args=[campaign.pk])).content.decode()
    assert 'value="compute"' in html and "Điều chỉnh điểm" in html
    # the approver cannot approve before the results are computed
    _login(client, u["leader.ubnd"])
    assert 'value="approve"' not in client.get(reverse("assessment:campaign", args=[campaign.pk])).content.decode()
    assert escape(str(NOT_COMPUTED)) in _act(client, campaign, "approve").content.decode()
    _login(client, council)
    assert escape(str(views.ACTION_DONE["compute"])) in _act(client, campaign, "compute").content.decode()
    # the council cannot approve its own results
    page = client.post(reverse("assessment:campaign_action", args=[campaign.pk]), {"action": "approve"})
    assert page.status_code == 403 and state() == S.COUNCIL
    _login(client, u["leader.ubnd"])
    html = client.get(reverse("assessment:campaign", args=[campaign.pk])).content.decode()
    assert 'value="approve"' in html and 'value="compute"' not in html
    page = _act(client, campaign, "approve", decision="Quyết định số 321/QĐ-UBND ngày 20/3/2018", note="")
    assert escape(str(views.ACTION_DONE["approve"])) in page.content.decode() and state() == S.APPROVED
    assert "Quyết định số 321/QĐ-UBND" in page.content.decode()
    assert [str(s["label"]) for s in page.context["steps"] if s["status"] == "current"] == ["Công bố kết quả"]
    _login(client, council)
    page = _act(client, campaign, "publish_results")
    assert escape(str(views.ACTION_DONE["publish_results"])) in page.content.decode()
    assert state() == S.PUBLISHED_RESULTS


# --------------------------------------------------------------------------- adjustments


def test_council_adjustment_needs_a_reason_and_is_kept_in_the_history(ranking, client):
    p, council, version, campaign = ranking
    a, u = p.agencies, p.users
    services.campaign_publish(actor=council, campaign=campaign, today=PUBLISHED_ON)
    services.self_assessment_save(actor=u["clerk.stttt"], self_assessment=_sa(campaign, a["stttt"]), values=WEAK)
    cu = campaign.units.get(agency=a["stttt"])
    url = reverse("assessment:adjust", args=[campaign.pk, cu.pk])
    # before the council step: read-only
    html = _login(client, council).get(url).content.decode()
    assert "Chỉ điều chỉnh được điểm khi đợt đánh giá ở bước Hội đồng xem xét." in html
    client.post(url, {"criterion_code": "E2", "new_points": "2", "reason": "x"})
    assert not Adjustment.objects.exists()
    for to in (S.REVIEW, S.COUNCIL):
        services.campaign_advance(actor=council, campaign=campaign, to=to)

    for who in ("leader.ubnd", "clerk.vp"):  # the approver and the Office read, only the council adjusts
        _login(client, u[who])
        assert client.get(url).status_code == 403
        assert client.post(url, {"criterion_code": "E2", "new_points": "2", "reason": "Tự sửa"}).status_code == 403
    assert _login(client, u["leader.huyen"]).get(url).status_code == 403  # a unit of the campaign
    assert _login(client, u["clerk.xa"]).get(url).status_code == 404  # not a campaign it may see
    _login(client, council)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "Chưa có điều chỉnh nào." in html
    assert 'data-criterion="E2"' in html and 'data-criterion="G1"' not in html  # districts only

    # no reason → the Vietnamese message beside the field, nothing stored
    page = client.post(url, {"criterion_code": "E2", "new_points": "2", "reason": "   "})
    assert page.status_code == 200 and escape(str(ADJUST_REASON_REQUIRED)) in page.content.decode()
    page = client.post(url, {"criterion_code": "E2", "new_points": "50", "reason": "Quá điểm"})
    assert escape(ADJUST_POINTS_RANGE % {"m": "4"}) in page.content.decode()
    page = client.post(url, {"criterion_code": "E2", "new_points": "hai", "reason": "Không phải số"})
    assert page.status_code == 200 and 'class="error"' in page.content.decode()
    assert not Adjustment.objects.exists()

    page = client.post(url, {"criterion_code": "E2", "new_points": "2",
                             "reason": "Có quy chế ATTT ban hành tháng 12/2017 (bổ sung tại phiên họp)."})
    assert page.status_code == 302
    adj = Adjustment.objects.get()
    assert (adj.criterion_code, adj.old_points, adj.new_points, adj.by) == ("E2", 0, 2, council)
    html = client.get(url).content.decode()
    assert "Có quy chế ATTT ban hành tháng 12/2017" in html and str(council) in html
    assert "0 → <strong>2</strong>" in html and timezone.localtime(adj.at).strftime("%d/%m/%Y") in html


# --------------------------------------------------------------------------- results


def _ranked_campaign(p, council, version, year=2017, values=None):
    """Four departments and the district: ranks 1, 2, 2, 4 in so_nganh (two equal WEAK units, one with
    nothing), a ngành dọc unit ranked on its own, one excluded unit."""
    a, u = p.agencies, p.users
    (t1, t1u), (t2, t2u), (nd, ndu) = _so_nganh(p, 3, prefix=f"Sở {year}")
    units = [services.UnitInput(a["vp"].pk, "so_nganh"), services.UnitInput(a["stttt"].pk, "so_nganh"),
             services.UnitInput(t1.pk, "so_nganh"), services.UnitInput(t2.pk, "so_nganh"),
             services.UnitInput(a["huyen"].pk, "ubnd_huyen"),
             services.UnitInput(nd.pk, "nganh_doc", separate_reason="Cục Thống kê: cơ quan ngành dọc, xếp hạng riêng"),
             services.UnitInput(a["xa"].pk, "ubnd_huyen", excluded=True,
                                excluded_reason="Đơn vị thí điểm, chỉ tham khảo")]
    c = services.campaign_create(actor=council, year=year, criteria_set=version, units=units)
    c = services.campaign_publish(actor=council, campaign=c, today=PUBLISHED_ON)
    values = values or {"vp": GOOD, "stttt": WEAK, "t1": WEAK}
    who = {"vp": (a["vp"], u["clerk.vp"]), "stttt": (a["stttt"], u["clerk.stttt"]), "t1": (t1, t1u),
           "huyen": (a["huyen"], u["clerk.huyen"])}
    for key, vals in values.items():
        agency, user = who[key]
        services.self_assessment_save(actor=user, self_assessment=_sa(c, agency), values=vals)
    for to in (S.REVIEW, S.COUNCIL):
        services.campaign_advance(actor=council, campaign=c, to=to)
    services.campaign_compute_results(actor=council, campaign=c)
    return Campaign.objects.get(pk=c.pk), {"t1": t1, "t2": t2, "nd": nd}


def test_results_page_ranks_per_group_with_ties_and_explains_groups(ranking, client):
    p, council, version, _draft = ranking
    a, u = p.agencies, p.users
    c, extra = _ranked_campaign(p, council, version)
    url = reverse("assessment:results", args=[c.pk])
    # before approval: the unit sees nothing, the council a provisional table
    page = _login(client, u["leader.huyen"]).get(url)
    assert page.status_code == 403 and escape(str(views.RESULTS_NOT_APPROVED)) in page.content.decode()
    assert _login(client, u["clerk.xa"]).get(url).status_code == 403
    page = _login(client, council).get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "Kết quả tạm tính" in html
    so = next(s for s in page.context["sections"] if s["group"].code == "so_nganh")
    ranks = [(r.campaign_unit.agency_id, r.rank, r.tied) for r in so["rows"]]
    assert [r for _a, r, _t in ranks] == [1, 2, 2, 4]
    assert ranks[0][0] == a["vp"].pk and {ranks[1][0], ranks[2][0]} == {a["stttt"].pk, extra["t1"].pk}
    assert [t for _a, _r, t in ranks] == [False, True, True, False] and html.count("đồng hạng") >= 2
    assert [cat.code for cat in so["categories"]] == ["A", "B", "C", "D", "E", "F"]
    huyen = next(s for s in page.context["sections"] if s["group"].code == "ubnd_huyen")
    assert "G" in [cat.code for cat in huyen["categories"]]
    assert "Cục Thống kê: cơ quan ngành dọc, xếp hạng riêng" in html and "Nhóm xếp hạng riêng" in html
    assert "Đơn vị không xếp hạng" in html and "Đơn vị thí điểm, chỉ tham khảo" in html
    assert [r.campaign_unit.agency_id for r in page.context["excluded"]] == [a["xa"].pk]
    assert "So với năm trước" not in html  # no earlier campaign
    for who in ("clerk.vp", "leader.ubnd"):  # the Office and the approver read the whole provisional table
        page = _login(client, u[who]).get(url)
        assert page.status_code == 200 and page.content.decode().count('data-agency="') == 7

    services.campaign_approve(actor=u["leader.ubnd"], campaign=c, decision="Quyết định số 12/QĐ-UBND")
    page = _login(client, u["leader.huyen"]).get(url)  # approved: the unit sees its own line only
    assert page.status_code == 200 and page.content.decode().count('data-agency="') == 1
    assert "Quyết định số 12/QĐ-UBND" in page.content.decode()
    services.campaign_publish_results(actor=council, campaign=c)
    page = _login(client, u["leader.huyen"]).get(url)
    assert page.content.decode().count('data-agency="') == 7  # the published ranking
    detail = client.get(reverse("assessment:campaign", args=[c.pk])).content.decode()
    assert url in detail  # link to the results from the campaign page


def test_results_show_the_change_from_last_year(ranking, client):
    p, council, version, _draft = ranking
    u = p.users
    last, _e = _ranked_campaign(p, council, version, year=2016, values={"vp": WEAK, "stttt": GOOD, "t1": WEAK})
    services.campaign_approve(actor=u["leader.ubnd"], campaign=last)
    c, _e = _ranked_campaign(p, council, version, year=2017)
    page = _login(client, council).get(reverse("assessment:results", args=[c.pk]))
    html = page.content.decode()
    assert "So với năm trước" in html
    so = next(s for s in page.context["sections"] if s["group"].code == "so_nganh")
    vp = next(r for r in so["rows"] if r.campaign_unit.agency_id == p.agencies["vp"].pk)
    assert vp.change_total > 0 and vp.previous_rank == 2 and vp.change_rank == 1
    assert f"+{vp.change_total:.2f}".replace(".", ",") in html or f"+{vp.change_total:.2f}" in html
    assert "↑ 1" in html and "năm trước hạng 2" in html


def test_results_page_in_a_constant_number_of_queries(ranking, client, django_assert_max_num_queries):
    p, council, version, _draft = ranking
    small, _e = _ranked_campaign(p, council, version, year=2016)
    _login(client, council)
    with django_assert_max_num_queries(13):
        assert client.get(reverse("assessment:results", args=[small.pk])).status_code == 200
    extra = _so_nganh(p, 6, prefix="Sở thêm")
    units = [services.UnitInput(x.pk, "so_nganh") for x, _u in extra] + [
        services.UnitInput(cu.agency_id, cu.group_code, separate_reason=cu.separate_reason, excluded=cu.excluded,
                           excluded_reason=cu.excluded_reason) for cu in CampaignUnit.objects.filter(campaign=small)]
    big = services.campaign_create(actor=council, year=2017, criteria_set=version, units=units)
    big = _to_council(big, council)
    services.campaign_compute_results(actor=council, campaign=big)
    with django_assert_max_num_queries(13):
        page = client.get(reverse("assessment:results", args=[big.pk]))
    assert page.content.decode().count('data-agency="') == 13


def test_adjust_page_of_a_unit_of_another_campaign_is_not_found(ranking, client):
    p, council, version, campaign = ranking
    other = services.campaign_create(actor=council, year=2016, criteria_set=version,
                                     units=[services.UnitInput(p.agencies["vp"].pk, "so_nganh")])
    other = _to_council(other, council)
    campaign = _to_council(campaign, council)
    cu = other.units.get()
    _login(client, council)
    assert client.get(reverse("assessment:adjust", args=[campaign.pk, cu.pk])).status_code == 404
    assert client.get(reverse("assessment:adjust", args=[other.pk, cu.pk])).status_code == 200


def test_agencies_of_a_group_the_set_lacks_are_listed_on_demand(ranking, client):
    p, council, version, campaign = ranking
    xa_group = AgencyGroup.objects.create(code="ubnd-xa", name="UBND cấp xã")
    communes = [make_agency(f"Ủy ban nhân dân xã Thử {i}", "UBND", p.agencies["xa"].level, parent=p.agencies["huyen"],
                            group=xa_group) for i in range(3)]
    _login(client, council)
    page = client.get(reverse("assessment:campaign_new"))
    assert {r.agency.pk for r in page.context["rows"]} == {p.agencies["vp"].pk, p.agencies["stttt"].pk}
    assert "3 cơ quan thuộc nhóm không có trong bộ tiêu chí" in page.content.decode()
    page = client.get(reverse("assessment:campaign_new"), {"bo": version.pk, "tat_ca": "1"})
    rows = {r.agency.pk: r for r in page.context["rows"]}
    assert len(rows) == 5
    assert rows[communes[0].pk].initial["group"] == "" and not rows[communes[0].pk].initial["include"]
    data = {"criteria_set": version.pk, "tat_ca": "1", "year": 2018, "self_assessment_days": 15,
            f"u{communes[0].pk}-include": "on"}
    page = client.post(reverse("assessment:campaign_new"), data)
    assert escape(str(forms.GROUP_REQUIRED)) in page.content.decode() and Campaign.objects.count() == 1
    data[f"u{communes[0].pk}-group"] = "ubnd_huyen"
    assert client.post(reverse("assessment:campaign_new"), data).status_code == 302
    new = Campaign.objects.exclude(pk=campaign.pk).get()
    assert [(cu.agency_id, cu.group_code) for cu in new.units.all()] == [(communes[0].pk, "ubnd_huyen")]


def test_measured_values_are_filled_at_publication_and_refreshed_by_the_council(ranking, client, monkeypatch):
    """The units find the platform's own figures beside their values from the first day; the council fetches
    them again (say, after the public-service catalogue was completed), a unit may not."""
    from lienthong.assessment import indicator_source
    from lienthong.assessment.models import CriterionValue

    p, council, version, campaign = ranking
    measured = {"e_doc_share": 0.62}
    monkeypatch.setattr(indicator_source, "indicator_values",
                        lambda *, agency_ids, keys, year: {a: dict(measured) for a in agency_ids})
    _login(client, council)
    _act(client, campaign, "publish")
    b1 = CriterionValue.objects.get(self_assessment__campaign_unit__campaign=campaign,
                                    self_assessment__campaign_unit__agency=p.agencies["vp"], criterion_code="B1")
    assert b1.auto_value == 0.62

    measured["e_doc_share"] = 0.71
    page = client.get(reverse("assessment:campaign", args=[campaign.pk])).content.decode()
    assert "Cập nhật số liệu hệ thống đo được" in page
    _login(client, p.users["leader.vp"])
    assert _act(client, campaign, "refresh_measured").status_code == 403
    b1.refresh_from_db()
    assert b1.auto_value == 0.62
    _login(client, council)
    _act(client, campaign, "refresh_measured")
    b1.refresh_from_db()
    assert b1.auto_value == 0.71
    page = client.get(reverse("assessment:self_assessment", args=[b1.self_assessment_id])).content.decode()
    assert "71" in page and "Hệ thống đo được" in page


def test_results_page_states_the_precision_it_ranks_at(ranking, client):
    p, council, version, _draft = ranking
    c, _e = _ranked_campaign(p, council, version)
    html = _login(client, council).get(reverse("assessment:results", args=[c.pk])).content.decode()
    assert escape(str(views.PRECISION_NOTE % {"d": 2})) in html
    for r in Result.objects.filter(campaign_unit__campaign=c):
        assert r.total == round(r.total, 2)  # stored as printed


def test_a_unit_that_sent_nothing_is_ranked_last_and_marked_on_the_results_page(ranking, client):
    p, council, version, _draft = ranking
    c, extra = _ranked_campaign(p, council, version)  # t2 sent nothing
    html = _login(client, council).get(reverse("assessment:results", args=[c.pk])).content.decode()
    silent = Result.objects.get(campaign_unit__agency=extra["t2"])
    assert (silent.no_data, silent.rank, silent.total) == (True, 4, 0)
    assert not Result.objects.get(campaign_unit__agency=p.agencies["stttt"]).no_data  # sent little, not nothing
    assert escape(str(views.NO_DATA_NOTE)) in html
    row = html.split(f'data-agency="{extra["t2"].pk}"')[1].split("</tr>")[0]
    assert escape(str(views.NO_DATA_LABEL)) in row


def test_a_council_correction_of_a_value_corrects_the_benchmark_for_every_unit(ranking, client):
    from lienthong.assessment.models import ValueCorrection
    from lienthong.assessment.services.results import CORRECT_REASON_REQUIRED

    p, council, version, _draft = ranking
    a = p.agencies
    c, _extra = _ranked_campaign(p, council, version)  # vp reported A3 = 2000 (the best), stttt 1000
    stttt = Result.objects.get(campaign_unit__campaign=c, campaign_unit__agency=a["stttt"])
    assert stttt.criteria["A3"]["points"] == 1  # 1000 / 2000 × 2
    vp = c.units.get(agency=a["vp"])
    url = reverse("assessment:adjust", args=[c.pk, vp.pk])
    _login(client, council)
    page = client.post(url, {"form": "value", "value-criterion_code": "A3", "value-new_value": "800",
                             "value-reason": " "})
    assert page.status_code == 200 and escape(str(CORRECT_REASON_REQUIRED)) in page.content.decode()
    assert not ValueCorrection.objects.exists()
    page = client.post(url, {"form": "value", "value-criterion_code": "A3", "value-new_value": "800",
                             "value-reason": "Băng thông thực tế 800 Mbps theo hợp đồng (thẩm định)."})
    assert page.status_code == 302
    corr = ValueCorrection.objects.get()
    assert (corr.old_value, corr.new_value, corr.by) == (2000, 800, council)
    services.campaign_compute_results(actor=council, campaign=c)
    stttt = Result.objects.get(campaign_unit__campaign=c, campaign_unit__agency=a["stttt"])
    assert stttt.criteria["A3"]["points"] == 2  # now the best: the false value no longer sets the benchmark
    assert Result.objects.get(campaign_unit=vp).criteria["A3"]["points"] == 1.6
    html = client.get(url).content.decode()
    assert "Băng thông thực tế 800 Mbps" in html
    results_url = reverse("assessment:results", args=[c.pk])
    assert escape(str(views.POINTS_OVERRIDE_NOTE)) not in client.get(results_url).content.decode()
    # a points-only override remains possible, and the results page says it does not change other units
    services.council_adjust(actor=council, campaign_unit=vp, criterion_code="E2", new_points=2, reason="Bổ sung")
    services.campaign_compute_results(actor=council, campaign=c)
    assert escape(str(views.POINTS_OVERRIDE_NOTE)) in client.get(results_url).content.decode()


def test_a_unit_left_out_of_the_open_campaign_is_told_so(ranking, client):
    """Issue 18: a commune clerk saw "Chưa có đợt đánh giá nào" while a campaign without communes was open."""
    p, council, version, campaign = ranking
    services.campaign_publish(actor=council, campaign=campaign, today=PUBLISHED_ON)
    html = _login(client, p.users["clerk.xa"]).get(reverse("assessment:campaigns")).content.decode()
    assert "Chưa có đợt đánh giá nào." not in html
    assert str(views.NOT_ASSESSED_IN_OPEN % {"a": p.agencies["xa"].short_name or p.agencies["xa"].name,
                                             "c": escape(campaign.name)}) in html
    # a unit of the campaign is not told so
    html = _login(client, p.users["leader.huyen"]).get(reverse("assessment:campaigns")).content.decode()
    assert "không thuộc diện đánh giá" not in html
