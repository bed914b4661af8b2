"""Campaign pages of the yearly IT-application ranking, under /xep-hang/: the list, a new campaign, the
campaign's own page (steps, units, the actions the user may take), the council's adjustments and the
results ranking.

Thin: reads come from ``selectors``, every POST calls one service; ``ValidationFailed`` comes back beside
the form, other ``DomainError`` messages as a message on the page, ``PermissionDenied`` as the shared
"no permission" page. Buttons follow the same rules as the services (``selectors.is_council`` /
``is_approver`` and the campaign's state), so nobody sees an action the service refuses.
"""

from __future__ import annotations

from collections import Counter
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lienthong.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from lienthong.core.views import forbidden

from .. import forms, selectors, services
from ..criteria import relative_rules_text
from ..models import CampaignState, SelfAssessmentState
from .self_assessments import _input_kind, _parse

S = CampaignState
# Shown to a unit that an open campaign leaves out (the tests use this constant rather than a copy of the text).
NOT_ASSESSED_IN_OPEN = gettext_lazy("%(a)s không thuộc diện đánh giá trong đợt đang mở “%(c)s”.")

# The campaign's steps in order, with who acts at each (the step indicator).
FLOW = [
    (S.DRAFT, gettext_lazy("Soạn đợt đánh giá"), gettext_lazy("Sở TT&TT")),
    (S.SELF_ASSESSMENT, gettext_lazy("Đơn vị tự đánh giá"), gettext_lazy("Các đơn vị")),
    (S.REVIEW, gettext_lazy("Thẩm định"), gettext_lazy("Sở TT&TT")),
    (S.COUNCIL, gettext_lazy("Hội đồng xem xét"), gettext_lazy("Hội đồng đánh giá")),
    (S.APPROVED, gettext_lazy("Phê duyệt kết quả"), gettext_lazy("UBND tỉnh")),
    (S.PUBLISHED_RESULTS, gettext_lazy("Công bố kết quả"), gettext_lazy("Sở TT&TT")),
]
_ORDER = {state: i for i, (state, _l, _w) in enumerate(FLOW)}
_ORDER[S.PUBLISHED] = _ORDER[S.DRAFT] + 0.5  # "criteria published": between the draft and the self-assessment

# Messages users see (the tests use these constants rather than copies of the text).
CREATE_COUNCIL_ONLY = gettext_lazy("Chỉ Sở Thông tin và Truyền thông (thường trực hội đồng) được tạo đợt đánh giá.")
NO_UNIT_CHOSEN = gettext_lazy("Chọn ít nhất một cơ quan được đánh giá.")
CREATED = gettext_lazy("Đã tạo đợt đánh giá “%(n)s” với %(k)s đơn vị.")
INVALID_ACTION = gettext_lazy("Thao tác không hợp lệ.")
# What each step of the campaign page answers once done.
ACTION_DONE = {
    "publish": gettext_lazy("Đã công bố đợt đánh giá; các đơn vị bắt đầu tự đánh giá."),
    "review": gettext_lazy("Đã chuyển sang bước thẩm định."),
    "council": gettext_lazy("Đã chuyển Hội đồng xem xét."),
    "compute": gettext_lazy("Đã tính kết quả đánh giá."),
    "refresh_measured": gettext_lazy("Đã cập nhật số liệu hệ thống đo được."),
    "approve": gettext_lazy("Đã phê duyệt kết quả đánh giá."),
    "publish_results": gettext_lazy("Đã công bố kết quả đánh giá."),
}
PRECISION_NOTE = gettext_lazy("Tổng điểm làm tròn đến %(d)s chữ số thập phân theo bộ tiêu chí; xếp hạng và xếp loại "
                              "theo tổng điểm đã làm tròn: hai đơn vị có cùng tổng điểm hiển thị thì đồng hạng.")
NO_DATA_LABEL = gettext_lazy("không gửi số liệu")
NO_DATA_NOTE = gettext_lazy("Đơn vị không gửi số liệu nào được 0 điểm và xếp cuối nhóm, sau mọi đơn vị có gửi số liệu.")
POINTS_OVERRIDE_NOTE = gettext_lazy(
    "Có tiêu chí được Hội đồng điều chỉnh điểm trực tiếp: việc điều chỉnh điểm chỉ thay đổi điểm của đơn vị đó, không "
    "thay đổi điểm của các đơn vị khác (kể cả khi tiêu chí so sánh với đơn vị cao nhất trong nhóm). Để sửa một số liệu "
    "sai, Hội đồng sửa số liệu để kết quả được tính lại cho mọi đơn vị.")
VALUE_CORRECTED_DONE = gettext_lazy("Đã sửa số liệu tiêu chí %(c)s; hãy tính lại kết quả để áp dụng cho mọi đơn vị.")
RESULTS_NOT_APPROVED = gettext_lazy("Kết quả đánh giá chưa được phê duyệt, công bố; đơn vị xem được kết quả của mình "
                                    "sau khi UBND tỉnh phê duyệt và bảng xếp hạng sau khi công bố.")


def _campaign_or_404(request, campaign_id: int):
    try:
        return selectors.campaign_get(user=request.user, pk=campaign_id)
    except NotFound:
        raise Http404(_("Không tìm thấy đợt đánh giá hoặc bạn không có quyền xem.")) from None


def _steps(campaign):
    # each state names the step under way, except "approved": the approval is done, publication comes next
    now = _ORDER[S.PUBLISHED_RESULTS] if campaign.state == S.APPROVED else _ORDER[campaign.state]
    return [{"label": label, "who": who, "n": i + 1,
             "status": "done" if i < now or campaign.state == S.PUBLISHED_RESULTS else
             ("current" if i == now else "todo")} for i, (_s, label, who) in enumerate(FLOW)]


# --- List ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def campaign_list(request):
    campaigns = list(selectors.campaign_list(user=request.user))
    mine: dict[int, list] = {}
    for sa in selectors.my_self_assessments(user=request.user, campaign_ids=[c.pk for c in campaigns]):
        sa.url = reverse("assessment:self_assessment", args=[sa.pk])
        mine.setdefault(sa.campaign_unit.campaign_id, []).append(sa)
    reads_all = selectors.reads_all(user=request.user)
    for c in campaigns:
        c.my_self_assessments = mine.get(c.pk, [])
        # the same rule as ``selectors.results_visible``, without a query per campaign
        c.results_link = c.state in (S.APPROVED, S.PUBLISHED_RESULTS) or (reads_all and c.results_computed_at)
    return render(request, "assessment/campaign_list.html", {
        "campaigns": campaigns, "is_council": selectors.is_council(user=request.user), "reads_all": reads_all,
        "left_out": [NOT_ASSESSED_IN_OPEN % {"a": names, "c": name}
                     for name, names in selectors.open_campaigns_leaving_out(
                         user=request.user, reads_every_campaign=bool(reads_all))],
    })


# --- New campaign -----------------------------------------------------------------------------------------


def _new_campaign_forms(request, versions):
    """The campaign form and one row per internal agency with a group. The criteria set decides the groups
    offered: it comes from the posted form, else ``?bo=<id>``, else the newest version."""
    data = request.POST if request.method == "POST" else None
    chosen_id = (data or request.GET).get("criteria_set") or request.GET.get("bo")
    version = selectors.criteria_set_version_or_newest(pk=chosen_id if str(chosen_id or "").isdigit() else None)
    form = forms.CampaignForm(data, versions=versions, initial={"criteria_set": version})
    rows, hidden = [], 0
    # Agencies whose group has no counterpart in the set (communes, for sets without a commune group) are
    # listed only on demand (``tat_ca=1``, kept in the posted form): a province has hundreds of them.
    show_all = (data or request.GET).get("tat_ca") == "1"
    if version is not None:
        cs = version.criteria_set()
        group_choices = [(g.code, g.name) for g in cs.groups if g.enabled]
        set_groups = {code for code, _n in group_choices}
        codes = {c.code for _cat, c in cs.criteria()}
        for a in selectors.agencies_with_group():
            default = forms.default_group(a.group.code, set_groups)
            if default or show_all:
                rows.append(forms.UnitRowForm(data, agency=a, group_choices=group_choices, criterion_codes=codes,
                                              default=default))
            else:
                hidden += 1
        order = {code: i for i, (code, _n) in enumerate(group_choices)}
        rows.sort(key=lambda r: order.get(r.default, len(order)))  # stable: directory order
    return form, version, rows, hidden, show_all


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    if not selectors.is_council(user=request.user):
        return forbidden(request, str(CREATE_COUNCIL_ONLY))
    versions = selectors.criteria_set_versions()
    form, version, rows, hidden, show_all = _new_campaign_forms(request, versions)
    unit_errors: list[str] = []
    if request.method == "POST" and form.is_valid() and all([r.is_valid() for r in rows]):
        units = [u for u in (r.unit_input() for r in rows) if u is not None]
        if not units:
            unit_errors.append(str(NO_UNIT_CHOSEN))
        else:
            d = form.cleaned_data
            try:
                campaign = services.campaign_create(
                    actor=request.user, year=d["year"], criteria_set=d["criteria_set"], units=units,
                    name=d["name"].strip(), self_assessment_days=d["self_assessment_days"])
            except ValidationFailed as exc:
                unit_errors += exc.errors.pop("units", [])
                for msgs in exc.errors.values():
                    unit_errors += msgs
            else:
                messages.success(request, CREATED % {"n": campaign.name, "k": len(units)})
                return redirect("assessment:campaign", campaign.pk)
    groups = version.criteria_set().groups if version is not None else ()
    return render(request, "assessment/campaign_new.html", {
        "form": form, "version": version, "rows": rows, "unit_errors": unit_errors, "groups": groups,
        "row_errors": any(r.errors for r in rows), "versions": versions, "hidden": hidden, "show_all": show_all,
    })


# --- One campaign -----------------------------------------------------------------------------------------


def _actions(campaign, *, council: bool, approver: bool) -> list[dict]:
    """The buttons this user may press now (the services check again)."""
    out = []
    if council and campaign.state == S.DRAFT:
        out.append({"action": "publish", "label": _("Công bố bộ tiêu chí, mở tự đánh giá"), "primary": True,
                    "confirm": _("Công bố đợt đánh giá? Các đơn vị sẽ bắt đầu tự đánh giá; "
                                 "hạn tính theo ngày làm việc.")})
    if council and campaign.state in (S.PUBLISHED, S.SELF_ASSESSMENT):
        out.append({"action": "review", "label": _("Kết thúc tự đánh giá, chuyển sang thẩm định"), "primary": True,
                    "confirm": _("Kết thúc bước tự đánh giá? Đơn vị chưa gửi chỉ gửi được khi được mở lại.")})
    if council and campaign.state == S.REVIEW:
        out.append({"action": "council", "label": _("Chuyển Hội đồng xem xét"), "primary": True,
                    "confirm": _("Kết thúc thẩm định và chuyển Hội đồng xem xét?")})
    if council and campaign.state in (S.SELF_ASSESSMENT, S.REVIEW, S.COUNCIL):
        out.append({"action": "refresh_measured", "primary": False,
                    "label": _("Cập nhật số liệu hệ thống đo được")})
    if council and campaign.state == S.COUNCIL:
        out.append({"action": "compute", "primary": not campaign.results_computed_at,
                    "label": _("Tính lại kết quả") if campaign.results_computed_at else _("Tính kết quả")})
    if council and campaign.state == S.APPROVED:
        out.append({"action": "publish_results", "label": _("Công bố kết quả"), "primary": True,
                    "confirm": _("Công bố kết quả? Mọi đơn vị sẽ xem được bảng xếp hạng.")})
    return out


@login_required
@require_GET
def campaign_detail(request, campaign_id):
    campaign = _campaign_or_404(request, campaign_id)
    user = request.user
    council, approver = selectors.is_council(user=user), selectors.is_approver(user=user)
    reads_all = selectors.reads_all(user=user)
    cs = campaign.criteria_set.criteria_set()
    group_names = {g.code: g.name for g in cs.groups}
    units = list(selectors.campaign_units_visible(user=user, campaign=campaign))
    states = Counter()
    for cu in units:
        sa = getattr(cu, "self_assessment", None) if campaign.state != S.DRAFT else None
        cu.sa = sa
        states[sa.state if sa else ""] += 1
        cu.group_name = group_names.get(cu.group_code, cu.group_code)
        cu.sa_url = reverse("assessment:self_assessment", args=[sa.pk]) if sa else None
        cu.review_url = (reverse("assessment:review", args=[sa.pk])
                         if sa and council and campaign.state == S.REVIEW else None)
        cu.adjust_url = (reverse("assessment:adjust", args=[campaign.pk, cu.pk])
                         if council and _ORDER[campaign.state] >= _ORDER[S.COUNCIL] else None)
    order = {g.code: i for i, g in enumerate(cs.groups)}  # the criteria set's order of groups
    units.sort(key=lambda cu: order.get(cu.group_code, len(order)))  # stable: names stay sorted within a group
    sections = [{"group": group_names.get(code, code), "units": list(items)}
                for code, items in groupby(units, key=lambda cu: cu.group_code)]
    approval = getattr(campaign, "approval", None) if campaign.state in (S.APPROVED, S.PUBLISHED_RESULTS) else None
    results_visible = selectors.any_result_visible(user=user, campaign=campaign)
    return render(request, "assessment/campaign_detail.html", {
        "campaign": campaign, "steps": _steps(campaign), "sections": sections, "unit_count": len(units),
        "submitted_count": sum(n for s, n in states.items() if s in (SelfAssessmentState.SUBMITTED,
                                                                     SelfAssessmentState.SENT_BACK,
                                                                     SelfAssessmentState.CONFIRMED)),
        "confirmed_count": states[SelfAssessmentState.CONFIRMED],
        "actions": _actions(campaign, council=council, approver=approver),
        "can_approve": approver and campaign.state == S.COUNCIL and campaign.results_computed_at is not None,
        "approve_form": forms.ApproveForm(), "approval": approval, "is_council": council, "reads_all": reads_all,
        "results_url": reverse("assessment:results", args=[campaign.pk]) if results_visible else None,
        "deadline_passed": bool(campaign.deadline and campaign.state == S.SELF_ASSESSMENT
                                and campaign.deadline < timezone.localdate()),
    })


@login_required
@require_POST
def campaign_action(request, campaign_id):
    campaign = _campaign_or_404(request, campaign_id)
    action = request.POST.get("action", "")
    user = request.user
    calls = {
        "publish": lambda: services.campaign_publish(actor=user, campaign=campaign),
        "review": lambda: services.campaign_advance(actor=user, campaign=campaign, to=S.REVIEW),
        "council": lambda: services.campaign_advance(actor=user, campaign=campaign, to=S.COUNCIL),
        "compute": lambda: services.campaign_compute_results(actor=user, campaign=campaign),
        "refresh_measured": lambda: services.campaign_refresh_measured(actor=user, campaign=campaign),
        "approve": lambda: services.campaign_approve(actor=user, campaign=campaign,
                                                     decision=request.POST.get("decision", ""),
                                                     note=request.POST.get("note", "")),
        "publish_results": lambda: services.campaign_publish_results(actor=user, campaign=campaign),
    }
    if action not in calls:
        messages.error(request, str(INVALID_ACTION))
        return redirect("assessment:campaign", campaign.pk)
    try:
        calls[action]()
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    except DomainError as exc:  # ValidationFailed included: the first message says what is wrong
        messages.error(request, str(exc))
    else:
        messages.success(request, str(ACTION_DONE[action]))
    return redirect("assessment:campaign", campaign.pk)


# --- Council adjustments ----------------------------------------------------------------------------------


def _show_value(crit, v) -> str:
    if v is None or v == "":
        return "—"
    if isinstance(v, bool):
        return pgettext("yes/no", "Có") if v else pgettext("yes/no", "Không")
    if isinstance(v, list):
        return ", ".join(_show_value(crit, x) for x in v)
    if isinstance(v, str):
        labels = {s.when: s.label for s in crit.steps if s.when} | {o.code: o.name for o in crit.options}
        return labels.get(v) or v
    if crit.rule in ("ratio", "target_ratio") and (crit.value_kind or "ratio") == "ratio" and 0 <= v <= 1:
        return f"{v * 100:.1f}".rstrip("0").rstrip(".") + " %"
    return f"{v:g}" if isinstance(v, float) else str(v)


@login_required
@require_http_methods(["GET", "POST"])
def adjust(request, campaign_id, unit_id):
    campaign = _campaign_or_404(request, campaign_id)
    if not selectors.is_council(user=request.user):
        return forbidden(request, _("Chỉ Hội đồng đánh giá (Sở Thông tin và Truyền thông) được điều chỉnh điểm."))
    cu = selectors.campaign_unit_visible(user=request.user, campaign=campaign, pk=unit_id)
    if cu is None or campaign.state == S.DRAFT:
        raise Http404(_("Không tìm thấy đơn vị trong đợt đánh giá."))
    cs = campaign.criteria_set.criteria_set()
    applicable = [(cat, c) for cat, c in cs.criteria()
                  if cs.applies(cat, c, cu.group_code) and c.code not in cu.not_applicable]
    editable = campaign.state == S.COUNCIL
    posted_value = request.method == "POST" and request.POST.get("form") == "value"
    form = forms.AdjustForm(request.POST if request.method == "POST" and not posted_value else None,
                            criteria=[c for _cat, c in applicable])
    value_form = forms.ValueCorrectionForm(request.POST if posted_value else None,
                                           criteria=[c for _cat, c in applicable])
    if posted_value:
        if not editable:
            messages.error(request, _("Chỉ điều chỉnh được điểm khi đợt đánh giá ở bước Hội đồng xem xét."))
            return redirect("assessment:adjust", campaign.pk, cu.pk)
        if value_form.is_valid() and _correct_value(request, cu, value_form, dict(applicable_by_code(applicable))):
            return redirect("assessment:adjust", campaign.pk, cu.pk)
    elif request.method == "POST":
        if not editable:
            messages.error(request, _("Chỉ điều chỉnh được điểm khi đợt đánh giá ở bước Hội đồng xem xét."))
            return redirect("assessment:adjust", campaign.pk, cu.pk)
        if form.is_valid():
            d = form.cleaned_data
            try:
                adj = services.council_adjust(actor=request.user, campaign_unit=cu, criterion_code=d["criterion_code"],
                                              new_points=d["new_points"], reason=d["reason"])
            except ValidationFailed as exc:
                for name, msgs in exc.errors.items():
                    for msg in msgs:
                        form.add_error(name if name in form.fields else None, msg)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Đã điều chỉnh điểm tiêu chí %(c)s: %(o)s → %(n)s.")
                                 % {"c": adj.criterion_code, "o": f"{adj.old_points:g}", "n": f"{adj.new_points:g}"})
                return redirect("assessment:adjust", campaign.pk, cu.pk)
    sa = getattr(cu, "self_assessment", None)
    values = {v.criterion_code: v for v in selectors.criterion_values(self_assessment=sa)} if sa else {}
    current, score_error = None, ""
    try:
        current = selectors.unit_current_scores(campaign=campaign, campaign_unit=cu)
    except DomainError as exc:
        score_error = str(exc)
    history = list(selectors.unit_adjustments(campaign_unit=cu))
    corrections = list(selectors.unit_value_corrections(campaign_unit=cu))
    adjusted = {a.criterion_code for a in history}
    categories = []
    for cat, items in groupby(applicable, key=lambda pair: pair[0]):
        rows = []
        for _c, crit in items:
            v = values.get(crit.code)
            pts = current.criteria.get(crit.code) if current else None
            rows.append({"crit": crit, "value": _show_value(crit, v.value if v else None),
                         "auto": _show_value(crit, v.auto_value) if v and v.auto_value is not None else "",
                         "points": pts.points if pts else None, "max": crit.max,
                         "adjusted": crit.code in adjusted})
        cat_score = current.categories.get(cat.code) if current else None
        categories.append({"cat": cat, "rows": rows, "score": cat_score})
    names = {c.code: c.name for _cat, c in cs.criteria()}
    crits = {c.code: c for _cat, c in cs.criteria()}
    for a in history:
        a.criterion_name = names.get(a.criterion_code, "")
    for v in corrections:
        v.criterion_name = names.get(v.criterion_code, "")
        crit = crits.get(v.criterion_code)
        v.old_shown = _show_value(crit, v.old_value) if crit else str(v.old_value)
        v.new_shown = _show_value(crit, v.new_value) if crit else str(v.new_value)
    return render(request, "assessment/campaign_adjust.html", {
        "campaign": campaign, "cu": cu, "group_name": next((g.name for g in cs.groups if g.code == cu.group_code),
                                                           cu.group_code),
        "categories": categories, "current": current, "score_error": score_error, "form": form,
        "editable": editable, "history": history, "value_form": value_form, "corrections": corrections,
    })


def applicable_by_code(applicable):
    return [(c.code, c) for _cat, c in applicable]


def _correct_value(request, cu, value_form, crits) -> bool:
    """Record the council's correction of a value from the posted form; errors go beside the form."""
    d = value_form.cleaned_data
    crit = crits[d["criterion_code"]]
    raw = d["new_value"]
    if _input_kind(crit) == "multi":
        value, problem = ([x.strip() for x in raw.split(",") if x.strip()] or None), None
    else:
        value, problem = _parse(crit, {"v": raw}, "v")
    if problem:
        value_form.add_error("new_value", problem)
        return False
    try:
        corr = services.council_correct_value(actor=request.user, campaign_unit=cu, criterion_code=crit.code,
                                              new_value=value, reason=d["reason"])
    except ValidationFailed as exc:
        for name, msgs in exc.errors.items():
            for msg in msgs:
                value_form.add_error(name if name in value_form.fields else None, msg)
        return False
    except DomainError as exc:
        value_form.add_error(None, str(exc))
        return False
    messages.success(request, VALUE_CORRECTED_DONE % {"c": corr.criterion_code})
    return True


# --- Results ------------------------------------------------------------------------------------------------


def _group_sections(campaign, results, cs):
    """Per group of the criteria set: the ranked rows (ties flagged), the categories that apply, the reason
    a group is ranked on its own; excluded units listed apart."""
    by_group: dict[str, list] = {}
    excluded = []
    for r in results:
        (excluded if r.campaign_unit.excluded else by_group.setdefault(r.campaign_unit.group_code, [])).append(r)
    sections = []
    for g in cs.groups:
        rows = by_group.get(g.code)
        if not rows:
            continue
        rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.campaign_unit.agency.name))
        ties = Counter(r.rank for r in rows)
        cats = [cat for cat in cs.categories if cat.applies_to is None or g.code in cat.applies_to]
        for r in rows:
            r.tied = r.rank is not None and ties[r.rank] > 1
            # a category with nothing that applies to the unit (every criterion not applicable) shows "—"
            r.cat_cells = [c if c and c.get("max") else None for c in (r.categories.get(cat.code) for cat in cats)]
            r.rank_steps = abs(r.change_rank or 0)
            r.sheet_url = reverse("reports:unit_sheet", args=[campaign.pk, r.campaign_unit.agency_id])
        reasons = sorted({r.campaign_unit.separate_reason for r in rows if r.campaign_unit.separate_reason})
        sections.append({"group": g, "categories": cats, "rows": rows, "separate_reasons": reasons})
    return sections, sorted(excluded, key=lambda r: r.campaign_unit.agency.name)


@login_required
@require_GET
def results(request, campaign_id):
    campaign = _campaign_or_404(request, campaign_id)
    user = request.user
    rows = list(selectors.results_visible(user=user, campaign=campaign))
    reads_all = selectors.reads_all(user=user)
    if not rows and not reads_all:
        return forbidden(request, str(RESULTS_NOT_APPROVED))
    cs = campaign.criteria_set.criteria_set()
    sections, excluded = _group_sections(campaign, rows, cs)
    approval = getattr(campaign, "approval", None) if campaign.state in (S.APPROVED, S.PUBLISHED_RESULTS) else None
    has_previous = any(r.previous_index is not None for r in rows)
    return render(request, "assessment/results.html", {
        "campaign": campaign, "sections": sections, "excluded": excluded, "approval": approval,
        "has_previous": has_previous, "bands": cs.bands, "reads_all": reads_all,
        "reports_url": reverse("reports:campaign", args=[campaign.pk]) if reads_all else None,
        "commendations_url": reverse("commendations:proposals", args=[campaign.pk]) if reads_all else None,
        "stale": bool(campaign.state == S.COUNCIL and rows), "precision": cs.precision,
        "precision_note": PRECISION_NOTE % {"d": cs.precision},
        "relative_rules": relative_rules_text(cs), "no_data_label": NO_DATA_LABEL, "no_data_note": NO_DATA_NOTE,
        "any_no_data": any(r.no_data for r in rows), "points_override_note": POINTS_OVERRIDE_NOTE,
        "has_overrides": any(c.get("overridden") for r in rows for c in r.criteria.values()),
    })


urlpatterns = [
    path("", campaign_list, name="campaigns"),
    path("tao-dot/", campaign_new, name="campaign_new"),
    path("<int:campaign_id>/", campaign_detail, name="campaign"),
    path("<int:campaign_id>/buoc/", campaign_action, name="campaign_action"),
    path("<int:campaign_id>/don-vi/<int:unit_id>/dieu-chinh/", adjust, name="adjust"),
    path("<int:campaign_id>/ket-qua/", results, name="results"),
]
