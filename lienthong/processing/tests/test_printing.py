"""The printouts of incoming-document processing: the Phiếu giải quyết văn bản đến of one document and
the Sổ theo dõi giải quyết văn bản đến of an agency, read back from the PDF as a clerk would."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from lienthong.audit.models import AuditEntry
from lienthong.processing import services as processing
from lienthong.processing.models import AssignmentRole
from lienthong.processing.tests.test_flow import issue_report
from lienthong.processing.tests.test_views import as_user, registered, submitted

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def worked_through(p):
    """Assigned to two departments, handed on to a specialist who noted progress and replied."""
    u = p.users
    incoming = submitted(p, subject="Báo cáo tình hình thiệt hại do mưa bão tháng 3")
    h = incoming.handling
    lead, _support = processing.handling_assign(actor=u["leader.huyen"], handling_id=h.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, unit_id=p.units["noivu"].pk, deadline=dt.date(2018, 3, 20),
                                  instruction="Tổng hợp, đề xuất phương án hỗ trợ"),
        processing.AssignmentSpec(role=AssignmentRole.SUPPORT, unit_id=p.units["taichinh"].pk,
                                  deadline=dt.date(2018, 3, 22))])
    [mine] = processing.assignment_delegate(actor=u["leader.huyen.noivu"], assignment_id=lead.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=u["specialist.huyen.noivu"].pk,
                                  deadline=dt.date(2018, 3, 19), instruction="Dự thảo văn bản trả lời")])
    processing.assignment_note(actor=u["specialist.huyen.noivu"], assignment_id=mine.pk,
                               text="Đề xuất hỗ trợ 50 triệu đồng từ quỹ phòng chống thiên tai", progress=60)
    _d, reply = issue_report(p, sender="huyen", recipients=("xa",), subject="Trả lời báo cáo thiệt hại")
    processing.assignment_complete(actor=u["specialist.huyen.noivu"], assignment_id=mine.pk,
                                   result="Đã trình ký văn bản trả lời", reply_document_id=reply.pk)
    return incoming, reply


def test_the_phieu_carries_the_document_and_the_three_opinions(client, province):
    incoming, reply = worked_through(province)

    response = as_user(client, province, "clerk.huyen").get(reverse("processing:slip", args=[incoming.handling.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = flat(pdf_text(response.content))
    for expected in (
        "UBND TỈNH HẬU GIANG", "ỦY BAN NHÂN DÂN HUYỆN VỊ THỦY", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN",
        "Báo cáo số 01/BC-UBND ngày 12/03/2018 của Ủy ban nhân dân xã Vị Thắng",
        "Báo cáo tình hình thiệt hại do mưa bão tháng 3", "Số đến: 1",
        "1. Ý kiến của lãnh đạo cơ quan, tổ chức",
        "Giao Phòng Nội vụ chủ trì giải quyết; hạn giải quyết: 20/03/2018.",
        "Giao Phòng Tài chính - Kế hoạch phối hợp; hạn giải quyết: 22/03/2018.",
        "Tổng hợp, đề xuất phương án hỗ trợ", "Lãnh đạo huyen",
        "2. Ý kiến của lãnh đạo đơn vị",
        "Giao Chuyên viên Phòng Nội vụ chủ trì giải quyết; hạn giải quyết: 19/03/2018.",
        "Trưởng phòng Phòng Nội vụ",
        "3. Ý kiến đề xuất của người giải quyết",
        "Đề xuất hỗ trợ 50 triệu đồng từ quỹ phòng chống thiên tai",
        f"Đã trình ký văn bản trả lời. Văn bản trả lời số {reply.number_symbol}.",
    ):
        assert expected in text, expected
    # The department's part, closed by its lead person, does not repeat that person's reply.
    assert text.count(f"Văn bản trả lời số {reply.number_symbol}") == 1
    assert AuditEntry.objects.filter(action="printed", object_id=str(incoming.pk)).exists()


def test_a_phieu_before_any_instruction_leaves_lines_to_fill_by_hand(client, province):
    incoming = registered(province)
    response = as_user(client, province, "leader.huyen").get(reverse("processing:slip", args=[incoming.handling.pk]))
    text = flat(pdf_text(response.content))
    assert text.count("Ngày …… tháng …… năm ……") == 3
    assert "Giao " not in text


def test_the_phieu_is_for_people_who_see_the_document(client, province):
    incoming, _reply = worked_through(province)
    url = reverse("processing:slip", args=[incoming.handling.pk])
    assert as_user(client, province, "specialist.huyen.noivu").get(url).status_code == 200  # assigned: sees it
    for outsider in ("specialist.huyen", "clerk.xa", "leader.stttt"):
        assert as_user(client, province, outsider).get(url).status_code == 404, outsider
    assert as_user(client, province, "clerk.huyen").get(reverse("processing:slip", args=[999999])).status_code == 404


def test_the_tracking_book_has_the_seven_columns_and_one_row_per_document(client, province):
    incoming, reply = worked_through(province)
    registered(province, subject="Báo cáo sơ kết công tác cải cách hành chính", urgency="urgent")
    clerk = as_user(client, province, "clerk.huyen")

    response = clerk.get(reverse("processing:tracking_book") + "?from=2026-01-01&to=2026-12-31")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Không có văn bản đến nào trong thời gian này." in flat(pdf_text(response.content))

    response = clerk.get(reverse("processing:tracking_book") + "?from=2018-03-01&to=2018-03-31")
    text = flat(pdf_text(response.content))
    for expected in (
        "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN", "Văn bản đến từ ngày 01/03/2018 đến ngày 31/03/2018",
        "Số đến", "Tên loại, số, ký hiệu, ngày, tháng và tên cơ quan, tổ chức ban hành văn bản",
        "Đơn vị hoặc người nhận", "Thời hạn giải quyết", "Tiến độ giải quyết", "Số, ký hiệu văn bản trả lời",
        "Ghi chú",
        "Báo cáo số 01/BC-UBND ngày 12/03/2018 của Ủy ban nhân dân xã Vị Thắng",
        "Chủ trì: Phòng Nội vụ", "Phối hợp: Phòng Tài chính - Kế hoạch", "20/03/2018",
        "Hoàn thành ngày", reply.number_symbol, "Hoàn thành sau hạn",
        "Báo cáo số 02/BC-UBND", "Chờ trình lãnh đạo", "Khẩn",
    ):
        assert expected in text, expected
    assert text.index("V/v Báo cáo tình hình thiệt hại") < text.index("Báo cáo số 02/BC-UBND")  # số đến order


def test_the_tracking_book_is_for_the_agencys_clerks_and_leaders(client, province):
    url = reverse("processing:tracking_book")
    assert as_user(client, province, "leader.huyen").get(url).status_code == 200  # the period form
    for someone in ("specialist.huyen", "leader.huyen.noivu"):
        assert as_user(client, province, someone).get(url + "?from=2018-01-01&to=2018-12-31").status_code == 404


@pytest.mark.parametrize("query, message", [
    ("?from=2018-03-31&to=2018-03-01", "Đến ngày không được trước từ ngày."),
    ("?from=2017-01-01&to=2018-03-01", "Mỗi lần in tối đa một năm (366 ngày)."),
    ("?from=31/02/2018&to=2018-03-01", "Ngày không hợp lệ (dd/mm/yyyy)."),
    ("?from=&to=2018-03-01", "Cần nhập từ ngày."),
])
def test_a_bad_period_is_explained(client, province, query, message):
    response = as_user(client, province, "clerk.huyen").get(reverse("processing:tracking_book") + query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AuditEntry.objects.filter(action="printed").exists()
