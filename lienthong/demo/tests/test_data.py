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
from lienthong.demo import agencies as agency_data
from lienthong.demo.documents import SEED_SUBJECT, plan_documents
from lienthong.demo.logins import readme_markdown
from lienthong.demo.people import accounts
from lienthong.documents.models import Document, DocumentFile
from lienthong.documents.services import document_register_outgoing
from lienthong.testing.builders import PASSWORD, doc_input

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


def test_no_agency_name_repeats_a_word_when_composed():
    """Issue 18: "Thanh tra tỉnh tỉnh Hậu Giang" — the place was appended to a name that already ends with it."""
    names = {s.name for s in agency_data.agency_specs()}
    assert "Thanh tra tỉnh Hậu Giang" in names
    doubled = [n for n in names if any(a == b for a, b in zip(n.split(), n.split()[1:], strict=False))]
    assert doubled == []
