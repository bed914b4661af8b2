"""Builders for tests: a small three-level province made through the real services, documents' inputs
and files, and a cheap password hasher (``FastArgon2PasswordHasher``, named by the test settings)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.files.uploadedfile import SimpleUploadedFile

from lienthong.accounts.models import Role
from lienthong.accounts.services import user_create
from lienthong.agencies.models import AdministrativeLevel, Agency, AgencyGroup, Unit
from lienthong.agencies.services import agency_save
from lienthong.demo.pdf import tiny_pdf
from lienthong.documents.models import DocumentType
from lienthong.documents.services import DocumentInput

PASSWORD = "demo1234"

__all__ = ["PASSWORD", "FastArgon2PasswordHasher", "Province", "doc_input", "doc_type", "make_agency",
           "make_levels", "make_province", "pdf_upload", "tiny_pdf"]


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with minimal cost, for tests only (same algorithm name and encoding)."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1


def make_levels(three_level: bool = True) -> dict[str, AdministrativeLevel]:
    rows = [("tinh", "Cấp tỉnh", 1), ("huyen", "Cấp huyện", 2), ("xa", "Cấp xã", 3)]
    if not three_level:
        rows = [("tinh", "Cấp tỉnh", 1), ("xa", "Cấp xã", 2)]
    return {code: AdministrativeLevel.objects.get_or_create(code=code, defaults={"name": name, "rank": rank})[0]
            for code, name, rank in rows}


def make_agency(name, abbreviation, level, *, parent=None, code=None, group=None, short_name=None,
                place="Hậu Giang", external=False) -> Agency:
    return agency_save(agency=Agency(name=name, short_name=short_name or name, abbreviation=abbreviation,
                                     level=level, parent=parent, identifier_code=code, group=group,
                                     place_name=place, is_external=external))


@dataclass
class Province:
    agencies: dict[str, Agency] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)


def make_province() -> Province:
    """UBND tỉnh, its Office, Sở TT&TT, one district and one commune, each with a clerk, leader and
    specialist; the district also has two departments (units) with a head and a specialist each."""
    lv = make_levels()
    so_nganh = AgencyGroup.objects.get_or_create(code="so-nganh", defaults={"name": "Sở, ban, ngành"})[0]
    p = Province()
    a = p.agencies
    a["ubnd"] = make_agency("Ủy ban nhân dân tỉnh Hậu Giang", "UBND", lv["tinh"], code="000.00.00.H30",
                            short_name="UBND tỉnh")
    a["vp"] = make_agency("Văn phòng Ủy ban nhân dân tỉnh Hậu Giang", "VP.UBND", lv["tinh"], parent=a["ubnd"],
                          code="000.00.01.H30", short_name="VP UBND tỉnh", group=so_nganh)
    a["stttt"] = make_agency("Sở Thông tin và Truyền thông tỉnh Hậu Giang", "STTTT", lv["tinh"], parent=a["ubnd"],
                             code="000.00.13.H30", short_name="Sở TT&TT", group=so_nganh)
    a["huyen"] = make_agency("Ủy ban nhân dân huyện Vị Thủy", "UBND", lv["huyen"], parent=a["ubnd"],
                             code="000.00.35.H30", short_name="UBND huyện Vị Thủy", place="Vị Thủy")
    a["xa"] = make_agency("Ủy ban nhân dân xã Vị Thắng", "UBND", lv["xa"], parent=a["huyen"],
                          code="000.21.35.H30", short_name="UBND xã Vị Thắng", place="Vị Thắng")
    for key, agency in a.items():
        for role in (Role.CLERK, Role.LEADER, Role.SPECIALIST):
            username = f"{role.value}.{key}"
            p.users[username] = user_create(username=username, password=PASSWORD, full_name=f"{role.label} {key}",
                                            positions=[(agency, role, "")])
    # Two departments of the district, each with a head and a specialist: "leader.huyen.noivu"…
    for code, name, abbr in (("noivu", "Phòng Nội vụ", "NV"), ("taichinh", "Phòng Tài chính - Kế hoạch", "TCKH")):
        unit = Unit.objects.create(agency=a["huyen"], name=name, abbreviation=abbr)
        p.units[code] = unit
        for role, title in ((Role.LEADER, "Trưởng phòng"), (Role.SPECIALIST, "Chuyên viên")):
            username = f"{role.value}.huyen.{code}"
            p.users[username] = user_create(username=username, password=PASSWORD, full_name=f"{title} {name}",
                                            email=f"{username}@example.gov.vn",
                                            positions=[(a["huyen"], role, title, unit)])
    return p


def doc_type(code: str) -> DocumentType:
    return DocumentType.objects.get(code=code)


def pdf_upload(name: str = "van-ban.pdf", text: str = "Thong bao ket luan") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf(text), content_type="application/pdf")


def doc_input(type_code: str = "thong-bao", subject: str = "Thông báo kết luận cuộc họp", *,
              issued_on: dt.date | None = None, files=None, **extra) -> DocumentInput:
    return DocumentInput(document_type=doc_type(type_code), subject=subject,
                         issued_on=issued_on or dt.date(2018, 3, 5), files=files or [], **extra)
