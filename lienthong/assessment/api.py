"""JSON endpoints of the IT-application ranking. Thin: parse, call a selector or service, shape the answer.

What the caller may not see answers 404 like what does not exist (``campaigns_visible``,
``self_assessment_get``). A unit's people see their own self-assessment; the results of a campaign only
once approved (their own) or published (everyone's), while the council, office and approver see them
as soon as they are computed. Writes go through ``services``: a bad value is a 422 whose ``errors`` are
keyed by criterion code, a step the state does not allow (submitting after the deadline) is a 400.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema

from lienthong.core.errors import PermissionDenied
from lienthong.core.limits import COMMENT_MAX_LENGTH
from lienthong.core.schema_types import Id
from lienthong.documents.schemas import OptionalInt

from . import selectors, services
from .models import Campaign, CampaignState, CampaignUnit, SelfAssessment

router = Router(tags=["Đánh giá, xếp hạng"])
# The 403 of results not yet approved and published (the tests use this constant rather than a copy).
RESULTS_NOT_PUBLISHED = gettext_lazy("Kết quả đánh giá của đợt này chưa được phê duyệt và công bố.")


# --- Shapes ----------------------------------------------------------------------------------------

class CampaignOut(Schema):
    id: int
    year: int
    name: str
    state: str
    state_label: str
    criteria_set: str = Field(description="Mã bộ tiêu chí")
    criteria_set_version: int
    published_on: dt.date | None = Field(description="Ngày công bố bộ tiêu chí")
    deadline: dt.date | None = Field(description="Hạn tự đánh giá")
    results_computed_at: dt.datetime | None
    results_published_at: dt.datetime | None

    @classmethod
    def of(cls, c: Campaign) -> CampaignOut:
        return cls(id=c.pk, year=c.year, name=c.name, state=c.state, state_label=str(c.get_state_display()),
                   criteria_set=c.criteria_set.code, criteria_set_version=c.criteria_set.version,
                   published_on=c.published_on, deadline=c.deadline, results_computed_at=c.results_computed_at,
                   results_published_at=c.results_published_at)


class GroupOut(Schema):
    code: str
    name: str
    max_points: float


class UnitOut(Schema):
    agency_id: int
    agency_name: str
    group: str
    separate_reason: str
    excluded: bool
    excluded_reason: str
    self_assessment_id: int | None
    self_assessment_state: str | None
    submitted_at: dt.datetime | None

    @classmethod
    def of(cls, cu: CampaignUnit) -> UnitOut:
        sa = getattr(cu, "self_assessment", None)
        return cls(agency_id=cu.agency_id, agency_name=cu.agency.name, group=cu.group_code,
                   separate_reason=cu.separate_reason, excluded=cu.excluded, excluded_reason=cu.excluded_reason,
                   self_assessment_id=sa.pk if sa else None, self_assessment_state=sa.state if sa else None,
                   submitted_at=sa.submitted_at if sa else None)


class CampaignDetail(CampaignOut):
    groups: list[GroupOut]
    units: list[UnitOut] = Field(description="Đơn vị người gọi được xem (cơ quan thường trực, phê duyệt, theo "
                                             "dõi: tất cả; đơn vị: của mình, và tất cả sau khi công bố kết quả)")
    decision: str | None = Field(description="Quyết định phê duyệt kết quả")


class ResultOut(Schema):
    agency_id: int
    agency_name: str
    group: str
    excluded: bool
    no_data: bool = Field(description="Đơn vị không gửi số liệu nào: 0 điểm, xếp cuối nhóm")
    rank: int | None
    points: float
    max_points: float
    total: float = Field(description="Tổng điểm trên thang của nhóm, làm tròn như khi in (xếp hạng, xếp loại theo "
                                     "số này)")
    index: float | None = Field(description="Chỉ số 0–1")
    class_label: str
    categories: dict[str, Any]
    previous_rank: int | None
    change_index: float | None
    change_total: float | None
    change_rank: int | None


class ResultsOut(Schema):
    campaign_id: int
    state: str
    precision: int = Field(description="Số chữ số thập phân của tổng điểm (theo bộ tiêu chí)")
    items: list[ResultOut]


class ValueOut(Schema):
    criterion_code: str
    criterion_name: str
    category_code: str
    rule: str
    max: float
    value: Any
    comment: str
    auto_value: Any = Field(description="Giá trị hệ thống đo được (nếu có); khi chấm điểm, giá trị này được dùng")
    review_status: str
    review_note: str


class PersonRef(Schema):
    id: int
    name: str

    @classmethod
    def of(cls, user) -> PersonRef | None:
        return cls(id=user.pk, name=str(user)) if user is not None else None


class SelfAssessmentOut(Schema):
    id: int
    campaign_id: int
    campaign_name: str
    agency_id: int
    agency_name: str
    group: str
    state: str
    state_label: str
    deadline: dt.date | None
    submitted_at: dt.datetime | None
    submitted_by: PersonRef | None = Field(description="Người nộp (lãnh đạo đơn vị, hoặc văn thư nộp thay)")
    submitted_for: PersonRef | None = Field(description="Lãnh đạo đơn vị được văn thư nộp thay; null khi lãnh "
                                                        "đạo tự nộp")
    editable: bool = Field(description="Người gọi có thể sửa bản tự đánh giá này (mọi cán bộ của đơn vị)")
    can_submit: bool = Field(description="Người gọi được nộp bản tự đánh giá này: lãnh đạo đơn vị, hoặc văn thư "
                                         "thay mặt một lãnh đạo (chọn on_behalf_of_id khi nộp)")
    values: list[ValueOut]


class ValuesIn(Schema):
    values: dict[str, Any] = Field(default_factory=dict, description=(
        "Mã tiêu chí → giá trị: tỷ lệ 0–1, số, true/false, mã lựa chọn hoặc danh sách mã; null để xóa"))
    comments: dict[str, Annotated[str, Field(max_length=COMMENT_MAX_LENGTH)]] = Field(
        default_factory=dict, description="Mã tiêu chí → giải trình")


class SubmitIn(Schema):
    on_behalf_of_id: OptionalInt = Field(None, description=(
        "Văn thư nộp thay: mã người dùng của một lãnh đạo đơn vị (bắt buộc với văn thư; lãnh đạo tự nộp "
        "thì bỏ trống)"))


# --- Campaigns -------------------------------------------------------------------------------------

def _campaign(user, campaign_id: int) -> Campaign:
    return selectors.campaign_get(user=user, pk=campaign_id)


@router.get("/assessment/campaigns", response=list[CampaignOut], url_name="assessment_campaigns",
            summary="Các đợt đánh giá, xếp hạng người gọi được xem")
def campaigns(request):
    """Sở TT&TT, UBND tỉnh, Văn phòng UBND tỉnh: mọi đợt; đơn vị: các đợt đã công bố có đơn vị mình."""
    return [CampaignOut.of(c) for c in selectors.campaigns_visible(user=request.auth)]


@router.get("/assessment/campaigns/{int:campaign_id}", response=CampaignDetail, url_name="assessment_campaign",
            summary="Một đợt đánh giá: nhóm, đơn vị, trạng thái tự đánh giá")
def campaign(request, campaign_id: Id):
    user = request.auth
    c = _campaign(user, campaign_id)
    units = selectors.campaign_units_readable(user=user, campaign=c)
    approval = getattr(c, "approval", None) if c.state in (CampaignState.APPROVED,
                                                           CampaignState.PUBLISHED_RESULTS) else None
    cs = c.criteria_set.criteria_set()
    return CampaignDetail(
        **CampaignOut.of(c).model_dump(),
        groups=[GroupOut(code=g.code, name=g.name, max_points=g.max_points) for g in cs.groups],
        units=[UnitOut.of(cu) for cu in units], decision=approval.decision if approval else None)


@router.get("/assessment/campaigns/{int:campaign_id}/results", response=ResultsOut,
            url_name="assessment_campaign_results", summary="Kết quả xếp hạng của một đợt")
def campaign_results(request, campaign_id: Id):
    """Theo nhóm, thứ hạng (đồng hạng 1-2-2-4), điểm, chỉ số, xếp loại, thay đổi so với năm trước. Đơn vị
    chỉ xem được sau khi kết quả được phê duyệt (của mình) hoặc công bố (tất cả); trước đó trả 403."""
    user = request.auth
    c = _campaign(user, campaign_id)
    if not selectors.reads_all(user=user) and c.state not in (CampaignState.APPROVED, CampaignState.PUBLISHED_RESULTS):
        raise PermissionDenied(str(RESULTS_NOT_PUBLISHED))
    items = []
    for r in selectors.results_visible(user=user, campaign=c):
        cu = r.campaign_unit
        items.append(ResultOut(
            agency_id=cu.agency_id, agency_name=cu.agency.name, group=cu.group_code, excluded=cu.excluded,
            no_data=r.no_data, rank=r.rank, points=r.points, max_points=r.max_points, total=r.total, index=r.index,
            class_label=r.class_label, categories=r.categories, previous_rank=r.previous_rank,
            change_index=r.change_index, change_total=r.change_total, change_rank=r.change_rank))
    return ResultsOut(campaign_id=c.pk, state=c.state, precision=c.criteria_set.criteria_set().precision, items=items)


# --- Self-assessments ------------------------------------------------------------------------------

def _editable(user, sa: SelfAssessment) -> bool:
    return (selectors.self_assessment_editable(self_assessment=sa)
            and selectors.is_unit_member(user=user, self_assessment=sa))


def _self_assessment_out(user, sa_id: int) -> SelfAssessmentOut:
    sa = selectors.self_assessment_get(user=user, pk=sa_id)
    cu, c = sa.campaign_unit, sa.campaign_unit.campaign
    cs = c.criteria_set.criteria_set()
    order = {crit.code: (i, cat.code, crit) for i, (cat, crit) in enumerate(cs.criteria())}
    values = []
    for v in sorted(selectors.criterion_values(self_assessment=sa),
                    key=lambda v: order.get(v.criterion_code, (len(order),))[0]):
        _i, cat_code, crit = order.get(v.criterion_code, (0, "", None))
        values.append(ValueOut(
            criterion_code=v.criterion_code, criterion_name=crit.name if crit else "", category_code=cat_code,
            rule=crit.rule if crit else "", max=crit.max if crit else 0, value=v.value, comment=v.comment,
            auto_value=v.auto_value, review_status=v.review_status, review_note=v.review_note))
    editable = _editable(user, sa)
    return SelfAssessmentOut(
        id=sa.pk, campaign_id=c.pk, campaign_name=c.name, agency_id=cu.agency_id, agency_name=cu.agency.name,
        group=cu.group_code, state=sa.state, state_label=str(sa.get_state_display()), deadline=c.deadline,
        submitted_at=sa.submitted_at, submitted_by=PersonRef.of(sa.submitted_by),
        submitted_for=PersonRef.of(sa.submitted_for), editable=editable,
        can_submit=editable and selectors.signatory_role(user=user, agency_id=cu.agency_id) is not None,
        values=values)


@router.get("/assessment/self-assessments/{int:sa_id}", response=SelfAssessmentOut,
            url_name="assessment_self_assessment", summary="Một bản tự đánh giá")
def self_assessment(request, sa_id: Id):
    """Giá trị từng tiêu chí (tự khai, hệ thống đo được), giải trình, ý kiến thẩm định. Đơn vị chỉ xem bản
    của mình (của đơn vị khác sau khi công bố kết quả)."""
    return _self_assessment_out(request.auth, sa_id)


@router.put("/assessment/self-assessments/{int:sa_id}/values", response=SelfAssessmentOut,
            url_name="assessment_self_assessment_values", summary="Lưu giá trị tự đánh giá (có thể lưu từng phần)")
def self_assessment_values(request, sa_id: Id, data: ValuesIn):
    """Chỉ cán bộ của đơn vị, khi bản tự đánh giá còn sửa được. Giá trị sai (ví dụ tỷ lệ ngoài 0–1) trả 422,
    lỗi theo mã tiêu chí; không giá trị nào được lưu khi có lỗi."""
    user = request.auth
    sa = selectors.self_assessment_get(user=user, pk=sa_id)
    services.self_assessment_save(actor=user, self_assessment=sa, values=data.values, comments=data.comments)
    return _self_assessment_out(user, sa_id)


@router.post("/assessment/self-assessments/{int:sa_id}/submit", response=SelfAssessmentOut,
             url_name="assessment_self_assessment_submit", summary="Gửi bản tự đánh giá cho Sở TT&TT")
def self_assessment_submit(request, sa_id: Id, data: SubmitIn | None = None):
    """Trong hạn tự đánh giá; sau hạn chỉ khi Sở TT&TT đã mở lại (400 ``deadline_passed``). Chỉ lãnh đạo đơn
    vị, hoặc văn thư thay mặt một lãnh đạo (``on_behalf_of_id``, 422 khi thiếu hoặc không phải lãnh đạo đơn
    vị); chuyên viên chỉ nhập số liệu (403)."""
    user = request.auth
    sa = selectors.self_assessment_get(user=user, pk=sa_id)
    services.self_assessment_submit(actor=user, self_assessment=sa,
                                    on_behalf_of=data.on_behalf_of_id if data is not None else None)
    return _self_assessment_out(user, sa_id)
