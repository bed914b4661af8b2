"""The demo province's ranking campaigns, run through the real workflow services.

- **2017, completed**: the default MIC-2017 set published by Sở TT&TT on 15/01/2018 to every ranked body of
  the demo (sở, ban, ngành; Cục Thống kê in its own group, with the reason; the UBND cấp huyện), each unit's
  self-assessment saved and submitted, the review (one value sent back and confirmed by the unit), one council
  adjustment with its reason, results computed, approved by the UBND tỉnh and published — the results the
  demo's seed notice 32/TB-VP.UBND of 05/03/2018 speaks of.
- **2018, open**: the same set published a few working days before today, so that its deadline is ahead:
  some units have submitted, some are still drafting, some have not started (what the reminders are for).

Values are invented but plausible and deterministic (a generator seeded by the agency and the year); every
value carries the comment "Số liệu minh họa (demo)" and the campaign names say "(dữ liệu minh họa)".
Idempotent: a campaign already stored under its name is left alone. The demo loader calls
``ensure_demo_campaigns`` after the criteria sets and authorities are in place.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.models import User
from lienthong.agencies.models import Agency
from lienthong.assessment import services
from lienthong.assessment.models import (
    Adjustment,
    Approval,
    Campaign,
    CampaignState,
    CriteriaSetVersion,
    CriterionValue,
    Result,
    SelfAssessment,
)
from lienthong.assessment.services import UnitInput
from lienthong.demo.agencies import agency_specs, specs_by_key
from lienthong.notifications.models import Notification
from lienthong.workcalendar.selectors import add_working_days

DEMO_COMMENT = "Số liệu minh họa (demo)"
CRITERIA_SET_CODE = "mic-2017-default"
NAMES = {
    2017: "Đánh giá, xếp hạng mức độ ứng dụng CNTT năm 2017 (dữ liệu minh họa)",
    2018: "Đánh giá, xếp hạng mức độ ứng dụng CNTT năm 2018 (dữ liệu minh họa)",
}
COUNCIL_USERNAME = "chuyenvien.stttt"
APPROVER_USERNAME = "lanhdao.ubndtinh"
# Demo kinds (demo.agencies) → group of the criteria set.
GROUP_OF_KIND = {"office": "so_nganh", "department": "so_nganh", "vertical": "nganh_doc", "district": "ubnd_huyen"}
SEPARATE_REASON = ("Cơ quan ngành dọc do Tổng cục Thống kê quản lý, không thuộc UBND tỉnh: xếp hạng trong nhóm "
                   "riêng để tham khảo, không so sánh với các sở, ban, ngành.")
# Units without administrative procedures of their own: the online-public-service category does not apply.
NO_PROCEDURES = {"dptth": ("D1", "D2", "D3", "D4")}
# How far along each unit is (0–1), before the generator's noise; the rest fall between.
STANDING = {"stttt": 1.0, "vp": 0.98, "skhdt": 0.88, "stc": 0.86, "vithanh": 0.85, "ngabay": 0.8,
            "bdt": 0.45, "dptth": 0.5, "longmy": 0.5, "bqlckcn": 0.55}

STORY_2017 = {"published": dt.date(2018, 1, 15), "submitted": dt.date(2018, 2, 2), "reviewed": dt.date(2018, 2, 9),
              "council": dt.date(2018, 2, 27), "approved": dt.date(2018, 3, 2),
              "published_results": dt.date(2018, 3, 5)}
DECISION_2017 = "Quyết định số 245/QĐ-UBND ngày 02/3/2018 của UBND tỉnh (minh họa)"
SEND_BACK = ("syt", "A1", "Đề nghị gửi kèm danh sách máy tính theo từng phòng; tỷ lệ kê khai cao hơn số liệu "
                          "kiểm kê tài sản cuối năm.", 0.86, "Đã bổ sung danh sách máy tính (kiểm kê 31/12/2017).")
ADJUSTMENT = ("sxd", "E2", 2, "Sở Xây dựng có Quy chế bảo đảm an toàn thông tin ban hành ngày 28/12/2017, "
                              "chưa có hồ sơ cấp độ; hội đồng thống nhất chấm 2 điểm tại phiên họp 27/02/2018.")
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=VN)


def demo_values(cs, *, key: str, group: str, year: int, not_applicable=()) -> dict[str, object]:
    """Plausible values of one unit for one year: a standing per unit, a little better each year."""
    rng = random.Random(f"demo-ranking:{year}:{key}")
    base = STANDING.get(key, random.Random(f"demo-standing:{key}").uniform(0.6, 0.85))
    q = min(1.0, base + (year - 2017) * 0.04)
    out: dict[str, object] = {}
    for cat, crit in cs.criteria():
        if not cs.applies(cat, crit, group) or crit.code in not_applicable:
            continue
        noise = rng.uniform(-0.12, 0.08)
        level = max(0.0, min(1.0, q + noise))
        rule = crit.rule
        if rule == "ratio":
            v = round(level, 2)
        elif rule == "target_ratio":
            target = crit.target or 1
            v = round(min(1.0, target * level * (0.6 if year == 2017 else 0.9) * rng.uniform(0.7, 1.2)), 3)
        elif rule == "ratio_to_best":
            v = int(150 + level * 1850)  # kbps per person
        elif rule == "boolean":
            v = rng.random() < q + 0.1
        elif rule == "count_capped":
            v = int(round(level * (crit.max / (crit.per_item or 1)) + rng.uniform(-0.6, 1.4)))
            v = max(0, v)
        elif rule == "steps" and crit.steps_are_choices:
            choices = [s.when for s in sorted(crit.steps, key=lambda s: -s.points)]  # best first
            v = choices[0] if level > 0.85 else choices[1] if level > 0.55 else choices[-1]
        elif rule == "steps":
            v = 2 if level > 0.75 else 1 if level > 0.45 else 0
        else:  # rules the shipped set does not use
            continue
        out[crit.code] = v
    return out


def _units(version):
    """(spec key, agency, UnitInput) of the demo's ranked bodies, directory order."""
    specs = [s for s in agency_specs() if s.kind in GROUP_OF_KIND]
    agencies = Agency.objects.in_bulk([s.code for s in specs], field_name="identifier_code")
    out = []
    for s in specs:
        agency = agencies.get(s.code)
        if agency is None:
            continue
        group = GROUP_OF_KIND[s.kind]
        out.append((s.key, agency, UnitInput(agency.pk, group,
                                             separate_reason=SEPARATE_REASON if group == "nganh_doc" else "",
                                             not_applicable=NO_PROCEDURES.get(s.key, ()))))
    return out


def ensure_demo_campaigns(*, log: Callable[[str], None] | None = None) -> list[str]:
    """Create the demo's 2017 (completed) and 2018 (open) campaigns if missing. Returns the names created."""
    log = log or (lambda _msg: None)
    users = User.objects.in_bulk([COUNCIL_USERNAME, APPROVER_USERNAME], field_name="username")
    version = CriteriaSetVersion.objects.filter(code=CRITERIA_SET_CODE).order_by("-version").first()
    if len(users) < 2 or version is None:
        log(_("Không có tài khoản Sở TT&TT / UBND tỉnh của dữ liệu mẫu hoặc bộ tiêu chí mặc định: "
              "bỏ qua đợt đánh giá mẫu."))
        return []
    council, approver = users[COUNCIL_USERNAME], users[APPROVER_USERNAME]
    created = []
    with transaction.atomic():
        if not Campaign.objects.filter(year=2017, name=NAMES[2017]).exists():
            _completed_2017(council=council, approver=approver, version=version)
            created.append(NAMES[2017])
        if not Campaign.objects.filter(year=2018, name=NAMES[2018]).exists():
            _open_2018(council=council, version=version)
            created.append(NAMES[2018])
    for name in created:
        log(_("Đợt đánh giá mẫu: %(name)s.") % {"name": name})
    return created


def _members(keys) -> dict[str, tuple]:
    """(specialist, leader) of each demo agency key, by the demo's user names."""
    specs = specs_by_key()
    names = {k: (f"chuyenvien.{specs[k].slug}", f"lanhdao.{specs[k].slug}") for k in keys}
    users = User.objects.in_bulk([n for pair in names.values() for n in pair], field_name="username")
    return {k: (users.get(s), users.get(lead)) for k, (s, lead) in names.items()}


def _create(*, council, version, year: int):
    units = _units(version)
    campaign = services.campaign_create(actor=council, year=year, criteria_set=version, name=NAMES[year],
                                        units=[u for _k, _a, u in units], self_assessment_days=15)
    return campaign, units


def _sa_by_key(campaign, units):
    by_agency = {sa.campaign_unit.agency_id: sa for sa in
                 SelfAssessment.objects.filter(campaign_unit__campaign=campaign).select_related("campaign_unit")}
    return {key: by_agency[agency.pk] for key, agency, _u in units}


def _completed_2017(*, council, approver, version) -> None:
    story = STORY_2017
    campaign, units = _create(council=council, version=version, year=2017)
    campaign = services.campaign_publish(actor=council, campaign=campaign, today=story["published"])
    # The story's 2017 ranking was scored on the units' own figures: the shared system began in 2018, and the
    # 2017 records it holds were registered afterwards, so they say nothing of 2017's electronic exchange or
    # signatures. No measured value is put beside the units' values (publication filled them from those records).
    services.criterion_values_autofill(campaign=campaign, indicator=lambda agency, key, year: None)
    cs = campaign.criteria_set.criteria_set()
    sas = _sa_by_key(campaign, units)
    members = _members(sas)
    for key, _agency, u in units:
        specialist, leader = members[key]
        values = demo_values(cs, key=key, group=u.group_code, year=2017, not_applicable=u.not_applicable)
        services.self_assessment_save(actor=specialist, self_assessment=sas[key], values=values,
                                      comments=dict.fromkeys(values, DEMO_COMMENT))
        services.self_assessment_submit(actor=leader, self_assessment=sas[key], today=story["submitted"])

    services.campaign_advance(actor=council, campaign=campaign, to=CampaignState.REVIEW)
    key, code, note, corrected, reply = SEND_BACK
    cv = sas[key].values.get(criterion_code=code)
    services.review_send_back(actor=council, criterion_value=cv, note=note)
    # confirming a value sent back is the leader's, as sending (issue 11)
    services.criterion_confirm(actor=members[key][1], criterion_value=cv, value=corrected,
                               comment=f"{reply} {DEMO_COMMENT}")
    for sa in sas.values():
        services.self_assessment_confirm(actor=council, self_assessment=sa)

    services.campaign_advance(actor=council, campaign=campaign, to=CampaignState.COUNCIL)
    key, code, points, reason = ADJUSTMENT
    services.council_adjust(actor=council, campaign_unit=sas[key].campaign_unit, criterion_code=code,
                            new_points=points, reason=reason)
    services.campaign_compute_results(actor=council, campaign=campaign)
    services.campaign_approve(actor=approver, campaign=campaign, decision=DECISION_2017,
                              note="Phê duyệt kết quả theo đề nghị của Sở Thông tin và Truyền thông (minh họa).")
    services.campaign_publish_results(actor=council, campaign=campaign)

    # The story's dates on the workflow timestamps (the services stamp "now"); the audit trail keeps its own.
    mine = SelfAssessment.objects.filter(campaign_unit__campaign=campaign)
    mine.update(submitted_at=_at(story["submitted"], 15), confirmed_at=_at(story["reviewed"], 10))
    CriterionValue.objects.filter(self_assessment__in=mine, reviewed_at__isnull=False).update(
        reviewed_at=_at(story["reviewed"], 10))
    CriterionValue.objects.filter(self_assessment__in=mine, confirmed_at__isnull=False).update(
        confirmed_at=_at(story["reviewed"] - dt.timedelta(days=2), 14))
    Adjustment.objects.filter(campaign_unit__campaign=campaign).update(at=_at(story["council"], 10))
    # The notices the 2017 workflow sent the units belong to 2018: read long ago, not news in today's inbox.
    sa_ids = list(mine.values_list("pk", flat=True))
    Notification.objects.filter(Q(dedupe_key__startswith=f"assess-open:{campaign.pk}:")
                                | Q(dedupe_key__in=[f"assess-sentback:{pk}:{timezone.localdate().isoformat()}"
                                                    for pk in sa_ids]),
                                read_at__isnull=True).update(read_at=_at(story["reviewed"], 17))
    Result.objects.filter(campaign_unit__campaign=campaign).update(computed_at=_at(story["council"], 16))
    Approval.objects.filter(campaign=campaign).update(approved_at=_at(story["approved"], 10))
    Campaign.objects.filter(pk=campaign.pk).update(results_computed_at=_at(story["council"], 16),
                                                   results_published_at=_at(story["published_results"], 8))


def _open_2018(*, council, version) -> None:
    today = timezone.localdate()
    campaign, units = _create(council=council, version=version, year=2018)
    campaign = services.campaign_publish(actor=council, campaign=campaign, today=add_working_days(today, -5))
    # campaign_publish has put the platform's own figures beside the units' values
    cs = campaign.criteria_set.criteria_set()
    sas = _sa_by_key(campaign, units)
    members = _members(sas)
    for i, (key, _agency, u) in enumerate(units):
        stage = i % 3  # 0: submitted, 1: drafting (about two thirds filled in), 2: not started
        if stage == 2:
            continue
        specialist, leader = members[key]
        values = demo_values(cs, key=key, group=u.group_code, year=2018, not_applicable=u.not_applicable)
        if stage == 1:
            values = {c: v for n, (c, v) in enumerate(values.items()) if n % 3 != 2}
        services.self_assessment_save(actor=specialist, self_assessment=sas[key], values=values,
                                      comments=dict.fromkeys(values, DEMO_COMMENT))
        if stage == 0:
            services.self_assessment_submit(actor=leader, self_assessment=sas[key], today=today)
