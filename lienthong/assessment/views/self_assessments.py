"""The unit's self-assessment form and the Department's review page, under /xep-hang/tu-danh-gia/.

Thin: reads through ``selectors`` (a self-assessment the user may not see is a 404), writes through
``services`` (their Vietnamese errors are shown beside the criterion or as a message). The input of each
criterion follows its rule type (``_input_kind``): ratios are typed as percentages, choices as lists.
"""

from __future__ import annotations

import math

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lienthong.assessment import selectors, services
from lienthong.assessment.criteria import no_spread_text
from lienthong.assessment.models import CampaignState, ReviewStatus, SelfAssessmentState
from lienthong.assessment.services.self_assessments import SEND_BACK_NOTE_REQUIRED
from lienthong.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from lienthong.core.limits import COMMENT_MAX_LENGTH, too_long_message
from lienthong.core.views import domain_errors_as_pages, forbidden
from lienthong.files import original_response
from lienthong.workcalendar.selectors import working_days_between

SA = SelfAssessmentState

# Messages users see (the tests use these constants rather than copies of the text). A typed value refused:
NOT_A_NUMBER = gettext_lazy("Phải nhập một số (ví dụ 85 hoặc 85,5).")
PERCENT_RANGE = gettext_lazy("Tỷ lệ phải từ 0 đến 100 %.")
NOT_AN_INTEGER = gettext_lazy("Phải nhập một số nguyên.")
COUNT_NEGATIVE = gettext_lazy("Số lượng không được âm.")
FIGURE_NEGATIVE = gettext_lazy("Số liệu không được âm.")
CHOICE_UNKNOWN = gettext_lazy("Lựa chọn không có trong danh sách.")
YES_OR_NO = gettext_lazy("Chọn Có hoặc Không.")
# The pages' answers:
NOT_SAVED = gettext_lazy("Chưa lưu: có số liệu không hợp lệ, xem các tiêu chí được đánh dấu.")
NOT_SENT = gettext_lazy("Chưa gửi: %(m)s")
SUBMITTED = gettext_lazy("Đã gửi bản tự đánh giá đến Sở Thông tin và Truyền thông.")
SAVED = gettext_lazy("Đã lưu bản tự đánh giá.")
EVIDENCE_REMOVED = gettext_lazy("Đã bỏ tài liệu kiểm chứng %(f)s.")
NOTHING_SENT_BACK = gettext_lazy("Chưa chọn tiêu chí nào để đề nghị đơn vị xác nhận lại.")
REVIEW_COUNCIL_ONLY = gettext_lazy("Chỉ Sở Thông tin và Truyền thông (thường trực hội đồng) được thẩm định "
                                   "bản tự đánh giá.")
REVIEW_DONE = gettext_lazy("Đã hoàn thành thẩm định bản tự đánh giá của %(u)s.")


def _sa_or_404(request, sa_id):
    try:
        return selectors.self_assessment_get(user=request.user, pk=sa_id)
    except NotFound:
        raise Http404 from None


# --------------------------------------------------------------------------- values by rule type


def _input_kind(crit) -> str:
    """How a person types the value: percent | number | integer | choice | boolean | multi."""
    rule = crit.rule
    if rule == "ratio" or rule == "target_ratio" and crit.value_kind != "number":
        return "percent"
    if rule == "count_capped":
        return "integer"
    if rule == "boolean":
        return "boolean"
    if rule == "steps" and crit.steps_are_choices:
        return "choice"
    if rule == "best_of":
        return "multi"
    return "number"


def _num(v) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return number_format(round(v, 2) if isinstance(v, float) else v)


def _pct(v) -> float | int:
    p = round(float(v) * 100, 2)
    return int(p) if p.is_integer() else p


def _hint(crit) -> str:
    """The rule in words, with its parameters (shown under the criterion's name)."""
    mx = _num(crit.max)
    rule = crit.rule
    if rule == "ratio":
        return _("Tỷ lệ (%%) × %(m)s điểm.") % {"m": mx}
    if rule == "target_ratio":
        if crit.value_kind == "number":
            return _("Số liệu so với chỉ tiêu %(t)s (tối đa 1) × %(m)s điểm.") % {"t": _num(crit.target), "m": mx}
        return _("Tỷ lệ (%%) so với chỉ tiêu %(t)s %% (tối đa 1) × %(m)s điểm.") % {"t": _num(_pct(crit.target)),
                                                                                   "m": mx}
    if rule == "ratio_to_best":
        return _("Số liệu so với đơn vị cao nhất trong nhóm × %(m)s điểm.") % {"m": mx} + " " + _(
            "Khi không có chênh lệch: %(r)s.") % {"r": no_spread_text(crit)}
    if rule == "count_capped":
        return _("Số lượng × %(p)s điểm mỗi mục, tối đa %(m)s điểm.") % {"p": _num(crit.per_item), "m": mx}
    if rule == "boolean":
        return _("Có: %(m)s điểm; không: 0 điểm.") % {"m": mx}
    if rule == "steps":
        if crit.steps_are_choices:
            parts = [f"{s.label or s.when}: {_num(s.points)}" for s in crit.steps]
        else:
            parts = [f"≥ {_num(s.min)}: {_num(s.points)}" for s in crit.steps]
        return _("Bậc thang (điểm): %(s)s.") % {"s": "; ".join(parts)}
    if rule == "best_of":
        return _("Chọn các phương án đơn vị đạt; tính phương án cao nhất (tối đa %(m)s điểm).") % {"m": mx}
    if rule == "manual":
        return _("Điểm đề xuất từ 0 đến %(m)s; hội đồng chấm trực tiếp.") % {"m": mx}
    return _("Số liệu; chuẩn hóa trong nhóm × %(m)s điểm.") % {"m": mx} + " " + _(
        "Khi không có chênh lệch: %(r)s.") % {"r": no_spread_text(crit)}


def _display(crit, v) -> str:
    """A stored value as a person reads it (ratios as %, choices by their label)."""
    if v is None or v == [] or v == "":
        return "—"
    kind = _input_kind(crit)
    try:
        if kind == "percent":
            return f"{_num(_pct(v))} %"
        if kind == "boolean":
            return pgettext("yes/no", "Có") if v else pgettext("yes/no", "Không")
        if kind == "choice":
            return next((s.label or s.when for s in crit.steps if s.when == v), str(v))
        if kind == "multi":
            codes = [v] if isinstance(v, str) else list(v)
            return "; ".join(o.name or o.code for o in crit.options if o.code in codes) or "—"
        return _num(v)
    except (TypeError, ValueError):
        return str(v)


def _initial(crit, v):
    """The stored value as the input's initial text / selection."""
    kind = _input_kind(crit)
    if v is None:
        return [] if kind == "multi" else ""
    if kind == "percent":
        try:
            return _local_number(_pct(v))
        except (TypeError, ValueError):
            return str(v)
    if kind == "boolean":
        return "1" if v else "0"
    if kind == "multi":
        return [v] if isinstance(v, str) else list(v)
    if kind == "number" and isinstance(v, float) and v.is_integer():
        return str(int(v))
    if kind == "number" and isinstance(v, float):
        return _local_number(v)
    return str(v)


def _local_number(x) -> str:
    """A number as typed back in the form: decimals with the language's separator (Vietnamese "85,5"), no
    thousands separator (the parser takes both separators, ``_parse``)."""
    text = str(x)
    if isinstance(x, float) and "e" not in text:
        text = f"{x:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))


def _parse(crit, data, name: str):
    """(value, error) from the posted field ``name``; value ``None`` means empty (cleared)."""
    kind = _input_kind(crit)
    if kind == "multi":
        chosen = [c for c in data.getlist(name) if c]
        known = {o.code for o in crit.options}
        if any(c not in known for c in chosen):
            return None, _("Phương án không có trong danh sách.")
        return (chosen or None), None
    raw = (data.get(name) or "").strip()
    if raw == "":
        return None, None
    if kind == "boolean":
        if raw not in ("1", "0"):
            return None, str(YES_OR_NO)
        return raw == "1", None
    if kind == "choice":
        if raw not in {s.when for s in crit.steps}:
            return None, str(CHOICE_UNKNOWN)
        return raw, None
    try:
        number = float(raw.replace(" ", "").replace(",", "."))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        return None, str(NOT_A_NUMBER)
    if kind == "percent":
        if not 0 <= number <= 100:
            return None, str(PERCENT_RANGE)
        return round(number / 100, 6), None
    if kind == "integer":
        if not number.is_integer():
            return None, str(NOT_AN_INTEGER)
        if number < 0:
            return None, str(COUNT_NEGATIVE)
        return int(number), None
    if number < 0 and crit.rule not in ("minmax", "zscore_minmax"):
        return None, str(FIGURE_NEGATIVE)
    return (int(number) if number.is_integer() else number), None


# --------------------------------------------------------------------------- the sheet


def _sheet(sa, *, posted=None, errors=None):
    """Categories → criteria rows for the templates, from one read of the values (with evidence)."""
    cs = sa.campaign_unit.campaign.criteria_set.criteria_set()
    rows = {cv.criterion_code: cv for cv in selectors.self_assessment_values(self_assessment=sa)}
    errors = errors or {}
    out, filled, total = [], 0, 0
    for cat in cs.categories:
        items = []
        for crit in cat.criteria:
            cv = rows.get(crit.code)
            if cv is None:
                continue
            total += 1
            filled += cv.value is not None
            kind = _input_kind(crit)
            if posted is not None:
                initial = posted.getlist(f"v-{crit.code}") if kind == "multi" else posted.get(f"v-{crit.code}", "")
                comment = posted.get(f"c-{crit.code}", cv.comment)
            else:
                initial, comment = _initial(crit, cv.value), cv.comment
            items.append({
                "crit": crit, "cv": cv, "kind": kind, "hint": _hint(crit), "initial": initial, "comment": comment,
                "shown": _display(crit, cv.value),
                "auto": None if cv.auto_value is None else _display(crit, cv.auto_value),
                "errors": errors.get(crit.code, []),
                "choices": [(s.when, s.label or s.when) for s in crit.steps] if kind == "choice" else [],
                "options": [(o.code, o.name or o.code, _num(o.points)) for o in crit.options],
                "sent_back": cv.review_status == ReviewStatus.SENT_BACK,
            })
        if items:
            out.append({"cat": cat, "items": items})
    return out, filled, total


def _days_left(campaign):
    if not campaign.deadline:
        return None
    return working_days_between(timezone.localdate(), campaign.deadline)


def _render_form(request, sa, *, posted=None, errors=None, on_behalf_error="", status=200):
    campaign = sa.campaign_unit.campaign
    member = selectors.is_unit_member(user=request.user, self_assessment=sa)
    editable = member and selectors.self_assessment_editable(self_assessment=sa)
    categories, filled, total = _sheet(sa, posted=posted, errors=errors)
    days_left = _days_left(campaign)
    late = days_left is not None and days_left < 0
    confirming = member and sa.state == SA.SENT_BACK
    # Sending (and confirming values sent back) is the leader's, or the văn thư's on a leader's behalf.
    role = (selectors.signatory_role(user=request.user, agency_id=sa.campaign_unit.agency_id)
            if editable or confirming else None)
    leaders = (list(selectors.unit_leaders(agency_id=sa.campaign_unit.agency_id))
               if role == selectors.SIGNATORY_CLERK else [])
    chosen = (posted.get("on_behalf_of", "") if posted is not None
              else str(leaders[0].user_id) if len(leaders) == 1 else "")
    return render(request, "assessment/self_assessment.html", {
        "sa": sa, "campaign": campaign, "unit": sa.campaign_unit, "categories": categories,
        "filled": filled, "total": total, "member": member, "editable": editable,
        "submit_open": editable and (sa.state == SA.REOPENED or not late),
        "can_submit": bool(role) and editable and (sa.state == SA.REOPENED or not late),
        "signatory": bool(role), "signatory_is_clerk": role == selectors.SIGNATORY_CLERK, "leaders": leaders,
        "on_behalf_chosen": chosen,
        "on_behalf_error": on_behalf_error, "late": late, "days_left": days_left,
        "is_council": selectors.is_council(user=request.user),
        "errors": errors or {}, "confirming": confirming,
        "evidence_open": member and (editable or sa.state == SA.SENT_BACK),
    }, status=status)


def _on_behalf_of(data) -> int | None:
    """The leader a văn thư chose to act for (the services check who it is)."""
    raw = (data.get("on_behalf_of") or "").strip()
    return int(raw) if raw.isdigit() and len(raw) <= 12 else None


def _read_values(sa, data):
    """(values, comments, errors) of the posted form, for the criteria of this self-assessment."""
    cs = sa.campaign_unit.campaign.criteria_set.criteria_set()
    codes = selectors.criterion_codes(self_assessment=sa)
    values, comments, errors = {}, {}, {}
    for _cat, crit in cs.criteria():
        if crit.code not in codes:
            continue
        name = f"v-{crit.code}"
        if name in data or _input_kind(crit) == "multi" and f"has-{crit.code}" in data:
            v, problem = _parse(crit, data, name)
            if problem:
                errors[crit.code] = [problem]
            else:
                values[crit.code] = v
        if f"c-{crit.code}" in data:
            comments[crit.code] = data.get(f"c-{crit.code}", "")  # the service refuses an over-long one
    return values, comments, errors


@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def self_assessment(request, sa_id):
    sa = _sa_or_404(request, sa_id)
    if request.method == "GET":
        return _render_form(request, sa)
    action = request.POST.get("action", "save")
    values, comments, errors = _read_values(sa, request.POST)
    if errors:
        messages.error(request, str(NOT_SAVED))
        return _render_form(request, sa, posted=request.POST, errors=errors, status=422)
    try:
        if action == "submit":  # a refused submission keeps nothing of the same click
            services.self_assessment_save_and_submit(actor=request.user, self_assessment=sa, values=values,
                                                     comments=comments, on_behalf_of=_on_behalf_of(request.POST))
        else:
            services.self_assessment_save(actor=request.user, self_assessment=sa, values=values, comments=comments)
    except ValidationFailed as exc:
        if "on_behalf_of" in exc.errors:
            problem = " ".join(str(m) for m in exc.errors["on_behalf_of"])
            messages.error(request, NOT_SENT % {"m": problem})
            return _render_form(request, sa, posted=request.POST, on_behalf_error=problem, status=422)
        messages.error(request, str(NOT_SAVED))
        return _render_form(request, sa, posted=request.POST, errors=exc.errors, status=422)
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        selectors.self_assessment_reload(self_assessment=sa)
        return _render_form(request, sa, posted=request.POST, status=422)
    if action == "submit":
        messages.success(request, str(SUBMITTED))
    else:
        messages.success(request, str(SAVED))
    return redirect("assessment:self_assessment", sa_id=sa.pk)


def _value_or_404(sa, value_id):
    cv = selectors.criterion_value_of(self_assessment=sa, pk=value_id)
    if cv is None:
        raise Http404
    return cv


def _back_to(sa, cv):
    return redirect(reverse("assessment:self_assessment", args=[sa.pk]) + f"#tc-{cv.criterion_code}")


@domain_errors_as_pages
@require_POST
def evidence_upload(request, sa_id, value_id):
    sa = _sa_or_404(request, sa_id)
    cv = _value_or_404(sa, value_id)
    try:
        rows = services.evidence_add(actor=request.user, criterion_value=cv, uploads=request.FILES.getlist("files"))
    except ValidationFailed as exc:
        for msg in exc.errors.get("files") or [exc.message]:
            messages.error(request, _("Tiêu chí %(c)s: %(m)s") % {"c": cv.criterion_code, "m": msg})
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã thêm %(n)s tài liệu kiểm chứng cho tiêu chí %(c)s.")
                         % {"n": len(rows), "c": cv.criterion_code})
    return _back_to(sa, cv)


@domain_errors_as_pages
@require_GET
def evidence_download(request, evidence_id):
    ev = selectors.evidence_get(user=request.user, pk=evidence_id)
    return original_response(stored_file=ev.stored_file, filename=ev.filename)


@domain_errors_as_pages
@require_POST
def evidence_delete(request, evidence_id):
    ev = selectors.evidence_get(user=request.user, pk=evidence_id)
    cv, sa = ev.criterion_value, ev.criterion_value.self_assessment
    try:
        services.evidence_remove(actor=request.user, evidence=ev)
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, EVIDENCE_REMOVED % {"f": ev.filename})
    return _back_to(sa, cv)


@domain_errors_as_pages
@require_POST
def confirm_value(request, sa_id, value_id):
    sa = _sa_or_404(request, sa_id)
    cv = _value_or_404(sa, value_id)
    crit = next((c for _cat, c in sa.campaign_unit.campaign.criteria_set.criteria_set().criteria()
                 if c.code == cv.criterion_code), None)
    if crit is None:
        raise Http404
    kwargs = {}
    name = f"v-{crit.code}"
    if name in request.POST or f"has-{crit.code}" in request.POST:
        v, problem = _parse(crit, request.POST, name)
        if problem:
            messages.error(request, _("Tiêu chí %(c)s: %(m)s") % {"c": crit.code, "m": problem})
            return _back_to(sa, cv)
        if v is not None:
            kwargs["value"] = v
    if f"c-{crit.code}" in request.POST:
        kwargs["comment"] = request.POST.get(f"c-{crit.code}", "")
    try:
        services.criterion_confirm(actor=request.user, criterion_value=cv, on_behalf_of=_on_behalf_of(request.POST),
                                   **kwargs)
    except PermissionDenied:
        raise
    except ValidationFailed as exc:
        msgs = [m for ms in exc.errors.values() for m in ms]
        messages.error(request, _("Tiêu chí %(c)s: %(m)s") % {"c": crit.code, "m": " ".join(msgs)})
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã xác nhận tiêu chí %(c)s.") % {"c": crit.code})
    return _back_to(sa, cv)


# --------------------------------------------------------------------------- review (the Department)


def _render_review(request, sa, *, posted=None, errors=None, reopen_error="", status=200):
    campaign = sa.campaign_unit.campaign
    categories, filled, total = _sheet(sa)
    for cat in categories:
        for item in cat["items"]:
            code = item["crit"].code
            item["decision"] = (posted.get(f"d-{code}", "ok") if posted is not None
                                else "back" if item["sent_back"] else "ok")
            item["note"] = posted.get(f"n-{code}", "") if posted is not None else ""
            item["review_errors"] = (errors or {}).get(code, [])
    reviewing = campaign.state == CampaignState.REVIEW and sa.state in (SA.SUBMITTED, SA.SENT_BACK)
    reopenable = (campaign.state in (CampaignState.PUBLISHED, CampaignState.SELF_ASSESSMENT, CampaignState.REVIEW)
                  and sa.state not in (SA.CONFIRMED, SA.REOPENED))
    return render(request, "assessment/review.html", {
        "sa": sa, "campaign": campaign, "unit": sa.campaign_unit, "categories": categories, "filled": filled,
        "total": total, "reviewing": reviewing, "reopenable": reopenable, "days_left": _days_left(campaign),
        "reopen_error": reopen_error, "reason": posted.get("reason", "") if posted is not None else "",
        "sent_back_count": sum(1 for c in categories for i in c["items"] if i["sent_back"]),
    }, status=status)


def _review_send_back(request, sa):
    chosen = [k[2:] for k, v in request.POST.items() if k.startswith("d-") and v == "back"]
    rows = selectors.criterion_values_by_code(self_assessment=sa, codes=chosen)
    # already sent back and not touched: nothing to send again
    todo = {code: (request.POST.get(f"n-{code}") or "").strip() for code in rows
            if rows[code].review_status != ReviewStatus.SENT_BACK or (request.POST.get(f"n-{code}") or "").strip()}
    if not todo:
        messages.error(request, str(NOTHING_SENT_BACK))
        return _render_review(request, sa, posted=request.POST, status=422)
    errors = {code: [str(SEND_BACK_NOTE_REQUIRED)] for code, note in todo.items() if not note}
    errors.update({code: [problem] for code, note in todo.items()
                   if (problem := too_long_message(note, COMMENT_MAX_LENGTH))})
    if errors:
        messages.error(request, _("Chưa gửi: mỗi tiêu chí đề nghị xác nhận lại phải có nội dung."))
        return _render_review(request, sa, posted=request.POST, errors=errors, status=422)
    services.review_send_back_many(actor=request.user, items=[(rows[code], note) for code, note in todo.items()])
    messages.success(request, _("Đã đề nghị đơn vị xác nhận lại %(n)s tiêu chí.") % {"n": len(todo)})
    return None


def _new_send_backs(request, sa) -> bool:
    """Did the reviewer choose "send back" for a value not already sent back?"""
    chosen = [k[2:] for k, v in request.POST.items() if k.startswith("d-") and v == "back"]
    return bool(chosen) and selectors.any_not_sent_back(self_assessment=sa, codes=chosen)


@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def review(request, sa_id):
    sa = _sa_or_404(request, sa_id)
    if not selectors.is_council(user=request.user):
        return forbidden(request, str(REVIEW_COUNCIL_ONLY))
    if request.method == "GET":
        return _render_review(request, sa)
    action = request.POST.get("action")
    try:
        if action == "send_back":
            failed = _review_send_back(request, sa)
            if failed is not None:
                return failed
        elif action == "confirm":
            if _new_send_backs(request, sa):
                messages.error(request, _("Có tiêu chí đang chọn \"Đề nghị xác nhận lại\": hãy gửi đề nghị trước, "
                                          "hoặc chọn \"Đạt\" rồi hoàn thành thẩm định."))
                return _render_review(request, sa, posted=request.POST, status=422)
            services.self_assessment_confirm(actor=request.user, self_assessment=sa)
            messages.success(request, REVIEW_DONE % {"u": sa.campaign_unit.agency.name})
        elif action == "reopen":
            try:
                services.self_assessment_reopen(actor=request.user, self_assessment=sa,
                                                reason=request.POST.get("reason", ""))
            except ValidationFailed as exc:
                return _render_review(request, sa, posted=request.POST, reopen_error=exc.message, status=422)
            messages.success(request, _("Đã mở lại bản tự đánh giá; đơn vị có thể sửa và gửi lại."))
        else:
            messages.error(request, _("Thao tác không hợp lệ."))
            return _render_review(request, sa, posted=request.POST, status=422)
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        selectors.self_assessment_reload(self_assessment=sa)
        return _render_review(request, sa, posted=request.POST, status=422)
    return redirect("assessment:review", sa_id=sa.pk)


urlpatterns = [
    path("tu-danh-gia/<int:sa_id>/", self_assessment, name="self_assessment"),
    path("tu-danh-gia/<int:sa_id>/tieu-chi/<int:value_id>/minh-chung/", evidence_upload, name="evidence_upload"),
    path("minh-chung/<int:evidence_id>/", evidence_download, name="evidence_download"),
    path("minh-chung/<int:evidence_id>/xoa/", evidence_delete, name="evidence_delete"),
    path("tu-danh-gia/<int:sa_id>/tham-dinh/", review, name="review"),
    path("tu-danh-gia/<int:sa_id>/tieu-chi/<int:value_id>/xac-nhan/", confirm_value, name="confirm_value"),
]
