"""/bao-cao/: the reports a person can build, by role (issue 18). Each entry is a link to the page that builds the
report; an entry is listed only when its page would let this person in (the same selectors the pages use), so
the list is a map of the reports, never a promise the page then refuses."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lienthong.accounts.selectors import active_positions
from lienthong.assessment import selectors as assessment_selectors
from lienthong.commendations import selectors as commendation_selectors
from lienthong.oversight import selectors as oversight_selectors
from lienthong.publicservices import selectors as publicservice_selectors

CAMPAIGNS_LISTED = 5  # the latest campaigns with results; older ones are on the ranking page


@dataclass
class Entry:
    title: str
    href: str
    text: str
    formats: str = ""


@dataclass
class Section:
    title: str
    entries: list[Entry]


def report_sections(user) -> list[Section]:
    """What ``user`` may build, in sections (documents, usage, ranking, public services). Constant queries."""
    has_position = user.is_system_admin or active_positions(user=user).exists()
    reads_all = assessment_selectors.reads_all(user=user)
    sections = []
    if has_position:
        sections.append(Section(_("Văn bản"), [
            Entry(_("Sổ đăng ký văn bản đi, văn bản đến"), reverse("documents:registers"),
                  _("In sổ đăng ký theo năm của cơ quan: số, ngày, trích yếu, nơi nhận, đơn vị xử lý."), "PDF, XLSX"),
        ]))
    if oversight_selectors.may_oversee(user):
        sections.append(Section(_("Tình hình sử dụng hệ thống"), [
            Entry(_("Tình hình sử dụng hệ thống của các cơ quan"), reverse("oversight:dashboard"),
                  _("Tỷ lệ gửi điện tử, ký số, đúng hạn, việc quá hạn, tài khoản không sử dụng theo tháng; "
                    "cơ quan dưới ngưỡng; công văn đôn đốc."), "PDF, XLSX"),
        ]))
    ranking = [Entry(_("Kết quả đánh giá, xếp hạng mức độ ứng dụng CNTT"), reverse("assessment:campaigns"),
                     _("Các đợt đánh giá, bản tự đánh giá của đơn vị và kết quả xếp hạng đã công bố."))]
    if reads_all:
        for c in (assessment_selectors.campaigns_visible(user=user).filter(results_computed_at__isnull=False)
                  .order_by("-year", "-pk")[:CAMPAIGNS_LISTED]):
            ranking.append(Entry(_("Báo cáo kết quả xếp hạng: %(c)s") % {"c": c.name},
                                 reverse("reports:campaign", args=[c.pk]),
                                 _("Biểu đồ theo nhóm, báo cáo toàn tỉnh, phiếu kết quả từng đơn vị."),
                                 "DOCX, PDF, XLSX"))
            if commendation_selectors.may_view_proposals(user=user):
                ranking.append(Entry(_("Đề xuất khen thưởng: %(c)s") % {"c": c.name},
                                     reverse("commendations:proposals", args=[c.pk]),
                                     _("Đơn vị đủ điều kiện đề nghị khen thưởng theo kết quả xếp hạng và "
                                       "chỉ số cải cách hành chính."), "XLSX"))
    if has_position or reads_all:
        sections.append(Section(_("Xếp hạng ứng dụng CNTT"), ranking))
    if publicservice_selectors.agencies_visible(user=user).exists():
        sections.append(Section(_("Thủ tục hành chính, dịch vụ công"), [
            Entry(_("Số liệu dịch vụ công trực tuyến"), reverse("publicservices:catalogue"),
                  _("Hồ sơ tiếp nhận, trực tuyến, giải quyết đúng hạn theo thủ tục và tháng."))]))
    return sections


@login_required
@require_GET
def reports_home(request):
    return render(request, "web/reports_home.html", {"sections": report_sections(request.user)})
