"""The demo province `make run` loads, as loaded (once for the package, see ``conftest``): the directory,
the people, the seed notice and its copies, the documents in motion in every queue, a recall."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from lienthong.accounts.models import Position, Role, User
from lienthong.agencies.models import AdministrativeLevel, Agency, AgencyGroup
from lienthong.demo.builder import load_demo
from lienthong.demo.documents import SEED_SUBJECT, next_working_day
from lienthong.demo.flow import RECALL_SUBJECT
from lienthong.demo.tests.test_data import REQUIRED_LOGINS, _row_counts
from lienthong.documents.models import Direction, Document
from lienthong.testing.builders import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.slow_once]

def test_load_demo_builds_the_province_once_and_the_second_run_changes_nothing(client, demo_province):
    # 344 agency accounts plus a head and a specialist in each of 28 departments, the archivist and the operator;
    # 120 agencies of the province and outside it, and the contractor.
    assert "121 cơ quan, 402 tài khoản" in demo_province.output
    counts = _row_counts()

    # Levels and ranking groups are rows.
    assert set(AdministrativeLevel.objects.values_list("name", flat=True)) >= {"Cấp tỉnh", "Cấp huyện", "Cấp xã"}
    assert set(AgencyGroup.objects.values_list("name", flat=True)) >= {
        "Sở, ban, ngành tỉnh", "UBND cấp huyện", "UBND cấp xã", "Ngành dọc", "Cơ quan ngoài tỉnh"}
    ubnd = Agency.objects.get(identifier_code="000.00.00.H30")
    vithang = Agency.objects.get(name="Ủy ban nhân dân xã Vị Thắng")
    assert vithang.parent.parent == ubnd and vithang.level.code == "xa" and vithang.place_name == "Vị Thắng"
    assert Agency.objects.filter(level__code="xa").count() == 76
    assert Agency.objects.get(identifier_code="000.00.00.G22").is_external
    assert not Agency.objects.filter(identifier_code__endswith="H30", identifier_verified=True).exists()

    # People: three roles in every province agency, the administrator, one person with two positions.
    own = Agency.objects.filter(is_external=False)
    for role in (Role.CLERK, Role.LEADER, Role.SPECIALIST):
        assert Position.objects.filter(role=role, agency__in=own).values("agency").distinct().count() == own.count()
    assert not Position.objects.filter(agency__is_external=True).exists()
    admin = User.objects.get(username="quantri")
    assert admin.is_superuser and admin.is_system_admin
    assert set(User.objects.get(username="vanthu.vpubnd").positions.values_list("agency__abbreviation", "role")) == {
        ("VP.UBND", "clerk"), ("STTTT", "specialist")}
    assert Position.objects.get(user__username="lanhdao.vpubnd").title == "Chánh Văn phòng"
    thoai = Position.objects.get(user__username="lanhdao2.vpubnd")
    assert (thoai.user.full_name, thoai.title) == ("Nguyễn Hoàng Thoại", "Phó Chánh Văn phòng")
    for username in REQUIRED_LOGINS:
        assert client.login(username=username, password=PASSWORD), username

    # The seed notice, numbered 32 by the Office's one 2018 series, with its text searchable in the PDF.
    seed = Document.objects.get(direction=Direction.OUTGOING, number_symbol="32/TB-VP.UBND")
    assert seed.agency.abbreviation == "VP.UBND" and seed.issued_on == dt.date(2018, 3, 5)
    assert (seed.register_number, seed.subject) == (32, SEED_SUBJECT)
    assert (seed.signer_authority, seed.signer_position, seed.signer_name) == (
        "KT.", "Phó Chánh Văn phòng", "Nguyễn Hoàng Thoại")
    assert "Sở, ban, ngành tỉnh" in seed.recipients_text
    text = seed.files.get().extracted_text
    assert "Thống nhất triển khai một phần mềm dùng chung cho toàn tỉnh" in " ".join(text.split())
    vp_series = list(Document.objects.filter(agency=seed.agency, direction=Direction.OUTGOING, year=2018)
                     .order_by("register_number").values_list("register_number", "issued_on"))
    assert [n for n, _d in vp_series[:32]] == list(range(1, 33))
    assert [d for _n, d in vp_series] == sorted(d for _n, d in vp_series)

    copies = Document.objects.filter(direction=Direction.INCOMING, number_symbol="32/TB-VP.UBND")
    expected = Agency.objects.filter(group__code__in=["so-nganh", "ubnd-huyen"]).exclude(pk=seed.agency_id)
    assert set(copies.values_list("agency_id", flat=True)) == {ubnd.pk, *expected.values_list("pk", flat=True)}
    assert all(c.issuer_agency_id == seed.agency_id for c in copies)
    assert {c.received_on for c in copies} <= {dt.date(2018, 3, 5), dt.date(2018, 3, 6), dt.date(2018, 3, 7)}

    # The Office's electronic SAO Y of the notice: its own number in its copy register, the agency signature.
    sao_y = Document.objects.get(direction=Direction.COPY, copy_details__original=seed)
    assert sao_y.number_symbol == "01/SY-VP.UBND" and sao_y.register.direction == Direction.COPY
    assert sao_y.copy_details.form == "SY" and sao_y.copy_details.credential.agency_id == seed.agency_id

    # Internal mail arrives with the same number, 0–2 working days later, in the recipient's own register.
    out = Document.objects.filter(direction=Direction.OUTGOING)
    incoming = Document.objects.filter(direction=Direction.INCOMING, issuer_agency__is_external=False)
    assert incoming.count() >= out.count()
    for doc in incoming.select_related("issuer_agency")[:50]:
        source = out.get(agency=doc.issuer_agency, number_symbol=doc.number_symbol, year=doc.issued_on.year)
        assert source.issued_on <= doc.received_on <= next_working_day(source.issued_on, 2)
    assert Document.objects.filter(direction=Direction.INCOMING, issuer_agency__is_external=True).count() == 14

    # Running again is quick and stores nothing new.
    second = load_demo(scale=0, fast_pdfs=True)
    assert not second.created_anything and second.documents_skipped
    assert _row_counts() == counts
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "không có gì thay đổi" in out.getvalue()
    assert _row_counts() == counts


def test_demo_has_documents_in_motion_in_every_queue():
    """After loading, each role of the story finds something to do on its home page."""
    from lienthong.delivery import selectors as delivery_selectors
    from lienthong.drafting import selectors as draft_selectors
    from lienthong.processing import selectors as processing_selectors

    user = User.objects.get
    assert delivery_selectors.inbox_counts(user=user(username="vanthu.vithuy"))["to_receive"] == 1
    assert processing_selectors.queue_counts(user=user(username="chuyenvien.nv.vithuy"))["to_process"] == 1
    overdue = processing_selectors.to_process(user=user(username="chuyenvien.nv.vithuy")).get()
    assert overdue.deadline_status == "overdue"
    assert processing_selectors.queue_counts(user=user(username="lanhdao.vithuy"))["overdue"] == 2  # lead and support
    assert draft_selectors.to_approve(user=user(username="lanhdao.stttt")).count() == 1
    assert draft_selectors.my_drafts(user=user(username="chuyenvien.vithang")).get().state == "drafting"
    report = Document.objects.get(direction=Direction.OUTGOING, subject__startswith="Báo cáo kết quả sử dụng")
    codes = [e.code for d in delivery_selectors.deliveries_of(document=report) for e in d.events.all()]
    assert codes == ["", "01", "03", "03", "04", "05"]
    # The reminder goes out to the VP's list of districts and waits for the exchange to the Government Office.
    notice = Document.objects.get(direction=Direction.OUTGOING, subject__contains="đôn đốc triển khai liên thông")
    states = [d.state for d in delivery_selectors.deliveries_of(document=notice)]
    assert states.count("waiting") == 1 and "registered" in states and "received" in states


def test_demo_shows_a_recall_that_withdraws_the_recipients_copy():
    """vanthu.md §7 rule 9 (demo); NĐ30 Art. 18.4; Phụ lục VI §III.8: a recalled (13) and agreed (15) document
    leaves the recipient's lists while its record stays."""
    from lienthong.delivery.models import Delivery
    from lienthong.documents import selectors as document_selectors
    from lienthong.documents.models import DocumentStatus

    letter = Document.objects.get(direction=Direction.OUTGOING, subject=RECALL_SUBJECT)
    assert letter.status == DocumentStatus.RECALLED and letter.agency.abbreviation == "STTTT"
    delivery = Delivery.objects.get(document=letter)
    assert delivery.state == "withdrawn" and delivery.recall_state == "accepted"
    copy = Document.objects.get(direction=Direction.INCOMING, subject=RECALL_SUBJECT)
    assert copy.status == DocumentStatus.WITHDRAWN and copy.agency == delivery.recipient_agency
    clerk = User.objects.get(username="vanthu.snv")
    assert not document_selectors.document_list(user=clerk).filter(pk=copy.pk).exists()
    assert document_selectors.document_list(user=clerk).exists()
