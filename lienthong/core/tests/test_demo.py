"""The demo province `make run` loads, its logins, and the two-level fixture of 2025."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lienthong.accounts.models import Position, Role, User
from lienthong.agencies.models import AdministrativeLevel, Agency, AgencyGroup
from lienthong.agencies.services import agency_save
from lienthong.core.demo import agencies as agency_data
from lienthong.core.demo import load_demo, readme_markdown
from lienthong.core.demo.documents import SEED_SUBJECT, next_working_day, plan_documents
from lienthong.core.demo.people import accounts
from lienthong.core.testing import PASSWORD, doc_input
from lienthong.documents.models import Direction, Document, DocumentFile
from lienthong.documents.services import document_register_outgoing

README = Path(__file__).resolve().parents[3] / "README.md"

REQUIRED_LOGINS = ["vanthu.ubndtinh", "vanthu.vpubnd", "lanhdao.vpubnd", "lanhdao2.vpubnd", "vanthu.stttt",
                   "vanthu.vithuy", "vanthu.vpvithuy", "vanthu.vitan", "vanthu.vithang", "chuyenvien.vithang",
                   "quantri"]


def _row_counts() -> dict[str, int]:
    return {"agencies": Agency.objects.count(), "users": User.objects.count(),
            "positions": Position.objects.count(), "documents": Document.objects.count(),
            "files": DocumentFile.objects.count(), "levels": AdministrativeLevel.objects.count(),
            "groups": AgencyGroup.objects.count()}


# --- The data, before anything is stored -------------------------------------------------------------

def test_directory_has_every_body_of_hau_giang_in_2018():
    specs = agency_data.agency_specs()
    agency_data.check_specs(specs)
    kinds = [s.kind for s in specs]
    assert kinds.count("district") == 8 and kinds.count("district_office") == 8
    assert kinds.count("commune") == 76
    assert kinds.count("department") == 19
    by_name = {s.name: s for s in specs}
    assert by_name["Văn phòng Ủy ban nhân dân tỉnh Hậu Giang"].abbreviation == "VP.UBND"
    assert by_name["Sở Thông tin và Truyền thông tỉnh Hậu Giang"].abbreviation == "STTTT"
    assert by_name["Cục Thống kê tỉnh Hậu Giang"].group == "nganh-doc"
    assert by_name["Ủy ban nhân dân xã Vị Thắng"].parent == "vithuy"
    assert by_name["Ủy ban nhân dân xã Phú An"].parent == "chauthanh"  # merged away only in 2020
    assert all(s.code.endswith("H30") and not s.verified for s in specs if s.kind != "external" and s.key != "ctk")
    assert {s.code for s in specs if s.is_external} >= {"000.00.00.G22", "000.00.00.G14", "000.00.00.G09"}


def test_commune_slugs_are_unique_and_collisions_take_the_district():
    slugs = agency_data.commune_slugs()
    assert len(set(slugs.values())) == len(slugs) == 76
    assert slugs[("vithanh", "Vị Tân")] == "vitan"
    assert slugs[("vithuy", "Vị Thắng")] == "vithang"
    assert slugs[("vithuy", "Vĩnh Tường")] == "vinhtuong-vithuy"
    assert slugs[("txlongmy", "Vĩnh Tường")] == "vinhtuong-txlongmy"
    assert slugs[("vithuy", "Vị Thủy")] == "vithuy-vithuy"  # the district itself is vanthu.vithuy
    assert slugs[("vithanh", "I")] == "phuong1"


def test_full_plan_has_a_few_hundred_documents_and_copies_for_internal_mail():
    outs, ins = plan_documents()
    total = len(outs) + sum(len(p.copies) for p in outs) + len(ins)
    assert 300 <= total <= 500
    assert {p.issued_on.year for p in outs} == {2017, 2018}
    vp_2018 = sorted((p for p in outs if p.agency == "vp" and p.issued_on.year == 2018),
                     key=lambda p: (p.issued_on, p.order))
    assert vp_2018[31].is_seed and vp_2018[31].subject == SEED_SUBJECT
    specs = agency_data.specs_by_key()
    assert all(not specs[k].is_external for p in outs for k, _d in p.copies)
    # A document addressed to a body of the province arrives there as incoming mail.
    province_names = tuple(f"- {s.short_name};" for s in specs.values() if not s.is_external) + (
        "- Các sở", "- UBND các", "- Thường trực UBND tỉnh;")
    for p in outs:
        if any(line.startswith(province_names) for line in p.recipients_text.splitlines()):
            assert p.copies, p.subject

def test_every_province_agency_has_clerk_leader_and_specialist():
    names = {a.username for a in accounts()}
    for spec in agency_data.agency_specs():
        if not spec.is_external:
            assert {f"vanthu.{spec.slug}", f"lanhdao.{spec.slug}", f"chuyenvien.{spec.slug}"} <= names
    assert set(REQUIRED_LOGINS) <= names


def test_readme_carries_the_generated_demo_logins():
    assert readme_markdown() in README.read_text(encoding="utf-8")


# --- Loading -----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_load_demo_builds_the_province_once_and_the_second_run_changes_nothing(client):
    out = io.StringIO()
    call_command("load_demo", "--scale", "0", "--fast-pdfs", stdout=out)
    # 344 agency accounts plus a head and a specialist in each of 28 departments.
    assert "120 cơ quan, 400 tài khoản" in out.getvalue()
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


@pytest.mark.django_db
def test_load_demo_refuses_to_number_around_real_documents_and_stores_nothing(province):
    # A real 2018 document in the Office's register: the demo could not give the seed notice number 32.
    document_register_outgoing(actor=province.users["clerk.vp"], agency=province.agencies["vp"],
                               data=doc_input(issued_on=dt.date(2018, 1, 3)), today=dt.date(2018, 1, 3))
    before = _row_counts()
    with pytest.raises(CommandError, match="không thể nạp văn bản mẫu"):
        call_command("load_demo", "--scale", "0", "--fast-pdfs", stdout=io.StringIO())
    assert _row_counts() == before


@pytest.mark.django_db
def test_demo_logins_lists_the_featured_accounts_first_and_the_slug_rule():
    out, err = io.StringIO(), io.StringIO()
    call_command("demo_logins", stdout=out, stderr=err)
    listing = out.getvalue()
    featured = ["vanthu.ubndtinh", "vanthu.vpubnd", "lanhdao2.vpubnd", "vanthu.stttt", "vanthu.vithuy",
                "vanthu.vithang", "quantri"]
    positions = [listing.index(f"\n{u} ") for u in featured]
    assert positions == sorted(positions)
    assert "Nguyễn Hoàng Thoại" in listing and "vinhtuong-vithuy" in listing
    assert "load_demo" in err.getvalue()  # nothing loaded yet: the command says how to load it


# --- The two-level province of 2025 ------------------------------------------------------------------

@pytest.mark.django_db
def test_two_level_fixture_puts_communes_directly_under_the_province_and_they_can_issue():
    call_command("loaddata", "two_level_province", verbosity=0)
    province = Agency.objects.get(name="Ủy ban nhân dân thành phố Cần Thơ")
    commune = Agency.objects.get(name="Ủy ban nhân dân xã Vị Thủy")
    assert commune.parent == province and commune.level.code == "xa-2025" and commune.depth == 1
    fixture_agencies = Agency.objects.filter(path__startswith=province.path)
    assert fixture_agencies.count() == 8
    assert set(fixture_agencies.values_list("level__code", flat=True)) == {"tinh-2025", "xa-2025"}
    assert AdministrativeLevel.objects.get(code="xa-2025").rank == 2

    # Paths and folded names are what the service would have stored.
    for agency in fixture_agencies:
        path, folded = agency.path, agency.name_folded
        agency_save(agency=agency)
        assert (agency.path, agency.name_folded) == (path, folded)

    from lienthong.accounts.services import user_create

    clerk = user_create(username="vanthu.xavithuy", password=PASSWORD, full_name="Lê Thị Hạnh",
                        positions=[(commune, Role.CLERK, "Văn thư")])
    doc = document_register_outgoing(actor=clerk, agency=commune, today=dt.date(2025, 7, 15),
                                     data=doc_input("quyet-dinh", "Về việc kiện toàn Tổ công tác chuyển đổi số",
                                                    issued_on=dt.date(2025, 7, 15)))
    assert (doc.number_symbol, doc.place) == ("01/QĐ-UBND", "Vị Thủy")


@pytest.mark.django_db
def test_demo_has_documents_in_motion_in_every_queue():
    """After loading, each role of the story finds something to do on its home page."""
    from lienthong.delivery import selectors as delivery_selectors
    from lienthong.drafting import selectors as draft_selectors
    from lienthong.processing import selectors as processing_selectors

    call_command("load_demo", "--scale", "0", "--fast-pdfs", stdout=io.StringIO())
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


@pytest.mark.django_db
def test_demo_shows_a_recall_that_withdraws_the_recipients_copy():
    """vanthu.md §7 rule 9 (demo); NĐ30 Art. 18.4; Phụ lục VI §III.8: a recalled (13) and agreed (15) document
    leaves the recipient's lists while its record stays."""
    from lienthong.core.demo.flow import RECALL_SUBJECT
    from lienthong.delivery.models import Delivery
    from lienthong.documents import selectors as document_selectors
    from lienthong.documents.models import DocumentStatus

    call_command("load_demo", "--scale", "0", "--fast-pdfs", stdout=io.StringIO())
    letter = Document.objects.get(direction=Direction.OUTGOING, subject=RECALL_SUBJECT)
    assert letter.status == DocumentStatus.RECALLED and letter.agency.abbreviation == "STTTT"
    delivery = Delivery.objects.get(document=letter)
    assert delivery.state == "withdrawn" and delivery.recall_state == "accepted"
    copy = Document.objects.get(direction=Direction.INCOMING, subject=RECALL_SUBJECT)
    assert copy.status == DocumentStatus.WITHDRAWN and copy.agency == delivery.recipient_agency
    clerk = User.objects.get(username="vanthu.snv")
    assert not document_selectors.document_list(user=clerk).filter(pk=copy.pk).exists()
    assert document_selectors.document_list(user=clerk).exists()
