"""The demo province as data: Hậu Giang as it was organised in 2018.

Names are the real names of the bodies and of the 76 communes, wards and towns of 2018 (xã Phú An of
huyện Châu Thành still existed then). Identifier codes follow the QCVN 102:2016 shape with H30 for
Hậu Giang (single source, see shared domain notes, edxml §3) but the numbers below level 1 are
invented for the demo, so every H30 code is stored with ``identifier_verified=False``. Ministry codes
(G..) are the ones seen in real exchange data.

Nothing here touches the database; ``builder`` turns these rows into agencies through
``agencies.services.agency_save``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lienthong.core.text import slug_ascii

PROVINCE = "Hậu Giang"

# (code, name, rank): the three levels of 2018, plus central bodies that write to the province.
LEVELS = [
    ("trung-uong", "Cấp trung ương", 0),
    ("tinh", "Cấp tỉnh", 1),
    ("huyen", "Cấp huyện", 2),
    ("xa", "Cấp xã", 3),
]

# (code, name, order): the blocks the yearly IT ranking compares.
GROUPS = [
    ("so-nganh", "Sở, ban, ngành tỉnh", 1),
    ("ubnd-huyen", "UBND cấp huyện", 2),
    ("ubnd-xa", "UBND cấp xã", 3),
    ("nganh-doc", "Ngành dọc", 4),
    ("ngoai-tinh", "Cơ quan ngoài tỉnh", 5),
]


@dataclass(frozen=True)
class AgencySpec:
    """One agency of the demo directory.

    ``key`` is the stable handle the rest of the demo uses; ``slug`` is the user-name part
    (``vanthu.<slug>``); ``kind`` drives titles, signers and document subjects.
    """

    key: str
    name: str
    short_name: str
    abbreviation: str
    level: str
    code: str
    kind: str  # province, office, department, vertical, district, district_office, commune, external
    parent: str | None = None
    group: str | None = None
    place: str = PROVINCE
    slug: str = ""
    verified: bool = False
    header_parent: str = ""  # first line of the document header (cơ quan chủ quản), upper case
    header_name: str = ""  # the issuing body as printed in the header, upper case
    district: str | None = None  # key of the district a commune or district office belongs to

    @property
    def is_external(self) -> bool:
        return self.kind == "external"


def _h30(level3: int, level2: int) -> str:
    return f"000.{level3:02d}.{level2:02d}.H30"


# --- Provincial bodies -------------------------------------------------------------------------

# (key/slug, full name, short name, abbreviation, level-2 number, head title)
DEPARTMENTS = [
    ("snv", "Sở Nội vụ", "Sở Nội vụ", "SNV", 9),
    ("stp", "Sở Tư pháp", "Sở Tư pháp", "STP", 14),
    ("skhdt", "Sở Kế hoạch và Đầu tư", "Sở KH&ĐT", "SKHĐT", 5),
    ("stc", "Sở Tài chính", "Sở Tài chính", "STC", 11),
    ("sct", "Sở Công Thương", "Sở Công Thương", "SCT", 2),
    ("snnptnt", "Sở Nông nghiệp và Phát triển nông thôn", "Sở NN&PTNT", "SNNPTNT", 10),
    ("sgtvt", "Sở Giao thông vận tải", "Sở GTVT", "SGTVT", 4),
    ("sxd", "Sở Xây dựng", "Sở Xây dựng", "SXD", 16),
    ("stnmt", "Sở Tài nguyên và Môi trường", "Sở TN&MT", "STNMT", 12),
    ("stttt", "Sở Thông tin và Truyền thông", "Sở TT&TT", "STTTT", 13),
    ("sldtbxh", "Sở Lao động - Thương binh và Xã hội", "Sở LĐ-TB&XH", "SLĐTBXH", 7),
    ("svhttdl", "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTT&DL", "SVHTTDL", 15),
    ("skhcn", "Sở Khoa học và Công nghệ", "Sở KH&CN", "SKHCN", 6),
    ("sgddt", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT", "SGDĐT", 3),
    ("syt", "Sở Y tế", "Sở Y tế", "SYT", 17),
    ("thanhtra", "Thanh tra tỉnh", "Thanh tra tỉnh", "TTr", 18),
    ("bdt", "Ban Dân tộc", "Ban Dân tộc", "BDT", 19),
    ("bqlckcn", "Ban Quản lý các khu công nghiệp", "BQL các KCN", "BQLCKCN", 20),
    ("dptth", "Đài Phát thanh và Truyền hình Hậu Giang", "Đài PT-TH Hậu Giang", "ĐPTTH", 21),
]

# Head and deputy titles by department key (default: Giám đốc).
HEAD_TITLES = {
    "thanhtra": ("Chánh Thanh tra", "Phó Chánh Thanh tra"),
    "bdt": ("Trưởng ban", "Phó Trưởng ban"),
    "bqlckcn": ("Trưởng ban", "Phó Trưởng ban"),
}


def _full_department_name(key: str, name: str) -> str:
    """The department's full name: its name and the province ("Sở Y tế tỉnh Hậu Giang"), without saying
    "tỉnh" twice when the short name already ends with it ("Thanh tra tỉnh" → "Thanh tra tỉnh Hậu Giang")."""
    if key == "dptth" or name.endswith(PROVINCE):
        return name
    if name.endswith(" tỉnh"):
        return f"{name} {PROVINCE}"
    return f"{name} tỉnh {PROVINCE}"


# --- Districts and their communes (2018) -------------------------------------------------------

# (key/slug, kind word, name, level-2 number, [(commune kind, commune name), ...])
# Towns and wards are listed first: they take level-3 numbers from 20, communes follow.
DISTRICTS = [
    ("vithanh", "thành phố", "Vị Thanh", 30, [
        ("phường", "I"), ("phường", "III"), ("phường", "IV"), ("phường", "V"), ("phường", "VII"),
        ("xã", "Vị Tân"), ("xã", "Hỏa Lựu"), ("xã", "Hỏa Tiến"), ("xã", "Tân Tiến"),
    ]),
    ("ngabay", "thị xã", "Ngã Bảy", 31, [
        ("phường", "Ngã Bảy"), ("phường", "Lái Hiếu"), ("phường", "Hiệp Thành"), ("phường", "Hiệp Lợi"),
        ("xã", "Đại Thành"), ("xã", "Tân Thành"),
    ]),
    ("txlongmy", "thị xã", "Long Mỹ", 37, [
        ("phường", "Thuận An"), ("phường", "Trà Lồng"), ("phường", "Bình Thạnh"), ("phường", "Vĩnh Tường"),
        ("xã", "Long Bình"), ("xã", "Long Trị"), ("xã", "Long Trị A"), ("xã", "Long Phú"), ("xã", "Tân Phú"),
    ]),
    ("chauthanha", "huyện", "Châu Thành A", 32, [
        ("thị trấn", "Một Ngàn"), ("thị trấn", "Bảy Ngàn"), ("thị trấn", "Rạch Gòi"), ("thị trấn", "Cái Tắc"),
        ("xã", "Tân Hòa"), ("xã", "Trường Long Tây"), ("xã", "Trường Long A"), ("xã", "Nhơn Nghĩa A"),
        ("xã", "Thạnh Xuân"), ("xã", "Tân Phú Thạnh"),
    ]),
    ("chauthanh", "huyện", "Châu Thành", 33, [
        ("thị trấn", "Ngã Sáu"), ("thị trấn", "Mái Dầm"),
        ("xã", "Đông Thạnh"), ("xã", "Đông Phú"), ("xã", "Phú Hữu"), ("xã", "Phú Tân"), ("xã", "Phú An"),
        ("xã", "Đông Phước"), ("xã", "Đông Phước A"),
    ]),
    ("phunghiep", "huyện", "Phụng Hiệp", 34, [
        ("thị trấn", "Cây Dương"), ("thị trấn", "Kinh Cùng"), ("thị trấn", "Búng Tàu"),
        ("xã", "Tân Bình"), ("xã", "Bình Thành"), ("xã", "Thạnh Hòa"), ("xã", "Long Thạnh"), ("xã", "Phụng Hiệp"),
        ("xã", "Hòa Mỹ"), ("xã", "Hòa An"), ("xã", "Phương Bình"), ("xã", "Hiệp Hưng"), ("xã", "Tân Phước Hưng"),
        ("xã", "Phương Phú"), ("xã", "Tân Long"),
    ]),
    ("vithuy", "huyện", "Vị Thủy", 35, [
        ("thị trấn", "Nàng Mau"),
        ("xã", "Vị Thắng"), ("xã", "Vị Trung"), ("xã", "Vị Thủy"), ("xã", "Vĩnh Thuận Tây"), ("xã", "Vĩnh Trung"),
        ("xã", "Vĩnh Tường"), ("xã", "Vị Đông"), ("xã", "Vị Thanh"), ("xã", "Vị Bình"),
    ]),
    ("longmy", "huyện", "Long Mỹ", 36, [
        ("thị trấn", "Vĩnh Viễn"),
        ("xã", "Thuận Hưng"), ("xã", "Thuận Hòa"), ("xã", "Vĩnh Thuận Đông"), ("xã", "Vĩnh Viễn A"),
        ("xã", "Lương Tâm"), ("xã", "Lương Nghĩa"), ("xã", "Xà Phiên"),
    ]),
]

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}

_KIND_ABBR = {"thành phố": "TP", "thị xã": "TX", "huyện": "huyện"}


def _commune_base_slug(kind: str, name: str) -> str:
    """"Vị Tân" -> "vitan"; wards named by a Roman numeral -> "phuong1"."""
    if name in _ROMAN:
        return f"phuong{_ROMAN[name]}"
    return slug_ascii(name)


def _commune_place(kind: str, name: str) -> str:
    # Decree 30 PL1: units named by a number keep their full name as the place name.
    return f"Phường {name}" if name in _ROMAN else name


def commune_slugs() -> dict[tuple[str, str], str]:
    """Slug of every commune keyed by (district key, commune name).

    A commune takes the plain slug of its name. When two communes share it, or it equals a
    district's slug (xã Vị Thủy of huyện Vị Thủy), every commune with it gets "-<district slug>".
    """
    district_slugs = {d[0] for d in DISTRICTS} | {f"vp{d[0]}" for d in DISTRICTS}
    base: dict[tuple[str, str], str] = {}
    for dkey, _kind, _dname, _num, communes in DISTRICTS:
        for ckind, cname in communes:
            base[(dkey, cname)] = _commune_base_slug(ckind, cname)
    counts: dict[str, int] = {}
    for slug in base.values():
        counts[slug] = counts.get(slug, 0) + 1
    return {key: (f"{slug}-{key[0]}" if counts[slug] > 1 or slug in district_slugs else slug)
            for key, slug in base.items()}


def _province_specs() -> list[AgencySpec]:
    specs = [
        AgencySpec("ubnd", f"Ủy ban nhân dân tỉnh {PROVINCE}", "UBND tỉnh", "UBND", "tinh", _h30(0, 0),
                   "province", slug="ubndtinh", header_name="ỦY BAN NHÂN DÂN\nTỈNH HẬU GIANG"),
        AgencySpec("vp", f"Văn phòng Ủy ban nhân dân tỉnh {PROVINCE}", "VP UBND tỉnh", "VP.UBND", "tinh",
                   _h30(0, 1), "office", parent="ubnd", group="so-nganh", slug="vpubnd",
                   header_parent="UBND TỈNH HẬU GIANG", header_name="VĂN PHÒNG"),
    ]
    for key, name, short, abbr, num in DEPARTMENTS:
        full = _full_department_name(key, name)
        printed = "ĐÀI PHÁT THANH VÀ TRUYỀN HÌNH" if key == "dptth" else name.upper()
        specs.append(AgencySpec(key, full, short, abbr, "tinh", _h30(0, num), "department", parent="ubnd",
                                group="so-nganh", slug=key, header_parent="UBND TỈNH HẬU GIANG",
                                header_name=printed))
    specs.append(AgencySpec(
        "ctk", f"Cục Thống kê tỉnh {PROVINCE}", "Cục Thống kê", "CTK", "tinh", "000.93.20.G05", "vertical",
        group="nganh-doc", slug="ctk", header_parent="TỔNG CỤC THỐNG KÊ", header_name="CỤC THỐNG KÊ TỈNH HẬU GIANG"))
    return specs


def _district_specs() -> list[AgencySpec]:
    specs = []
    slugs = commune_slugs()
    for dkey, dkind, dname, num, communes in DISTRICTS:
        kind_upper = dkind.upper()
        specs.append(AgencySpec(
            dkey, f"Ủy ban nhân dân {dkind} {dname}", f"UBND {_KIND_ABBR[dkind]} {dname}", "UBND", "huyen",
            _h30(0, num), "district", parent="ubnd", group="ubnd-huyen", place=dname, slug=dkey,
            header_name=f"ỦY BAN NHÂN DÂN\n{kind_upper} {dname.upper()}", district=dkey))
        specs.append(AgencySpec(
            f"vp{dkey}", f"Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {dkind} {dname}",
            f"VP HĐND-UBND {_KIND_ABBR[dkind]} {dname}", "VP", "huyen", _h30(1, num), "district_office",
            parent=dkey, place=dname, slug=f"vp{dkey}",
            header_parent=f"UBND {kind_upper} {dname.upper()}", header_name="VĂN PHÒNG HĐND VÀ UBND",
            district=dkey))
        for i, (ckind, cname) in enumerate(communes):
            slug = slugs[(dkey, cname)]
            label = f"{ckind} {cname}"
            specs.append(AgencySpec(
                f"xa-{slug}", f"Ủy ban nhân dân {label}", f"UBND {label}", "UBND", "xa", _h30(20 + i, num),
                "commune", parent=dkey, group="ubnd-xa", place=_commune_place(ckind, cname), slug=slug,
                header_parent=f"UBND {kind_upper} {dname.upper()}",
                header_name=f"ỦY BAN NHÂN DÂN\n{label.upper()}", district=dkey))
    return specs


# Central bodies and the provincial Party committee: in the directory so that their documents can be
# registered as incoming with a known issuer, but outside the province's own accounts.
EXTERNALS = [
    AgencySpec("vpcp", "Văn phòng Chính phủ", "VPCP", "VPCP", "trung-uong", "000.00.00.G22", "external",
               group="ngoai-tinh", place="Hà Nội", verified=True),
    AgencySpec("btttt", "Bộ Thông tin và Truyền thông", "Bộ TT&TT", "BTTTT", "trung-uong", "000.00.00.G14",
               "external", group="ngoai-tinh", place="Hà Nội", verified=True),
    AgencySpec("bnv", "Bộ Nội vụ", "Bộ Nội vụ", "BNV", "trung-uong", "000.00.00.G09", "external",
               group="ngoai-tinh", place="Hà Nội", verified=True),
    AgencySpec("btc", "Bộ Tài chính", "Bộ Tài chính", "BTC", "trung-uong", "000.00.00.G12", "external",
               group="ngoai-tinh", place="Hà Nội", verified=True),
    AgencySpec("bkhdt", "Bộ Kế hoạch và Đầu tư", "Bộ KH&ĐT", "BKHĐT", "trung-uong", "000.00.00.G05", "external",
               group="ngoai-tinh", place="Hà Nội", verified=True),
    AgencySpec("tinhuy", f"Tỉnh ủy {PROVINCE}", "Tỉnh ủy", "TU", "tinh", "000.00.00.A30", "external",
               place=PROVINCE),
    # The contractor who builds and runs the shared software (problem reports, the Office's monthly công văn).
    # A company has no code of the state's directory: an illustrative one, marked as not verified.
    AgencySpec("nhathau", "Công ty Cổ phần Phần mềm Liên Thông Việt", "Nhà thầu phần mềm", "LTV", "tinh",
               "000.00.00.Z99", "external", place="Cần Thơ"),
]


def agency_specs() -> list[AgencySpec]:
    """Every agency of the demo, parents before children."""
    return _province_specs() + _district_specs() + EXTERNALS


def specs_by_key() -> dict[str, AgencySpec]:
    return {s.key: s for s in agency_specs()}


_CODE_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")


def check_specs(specs: list[AgencySpec]) -> None:
    """Fail early on a data slip: duplicate keys, slugs or codes, a bad code, an unknown parent."""
    keys, slugs, codes = set(), set(), set()
    for s in specs:
        assert s.key not in keys, s.key
        assert s.code not in codes and _CODE_RE.match(s.code), s.code
        assert s.parent is None or s.parent in keys, s.parent
        if not s.is_external:
            assert s.slug and s.slug not in slugs, s.slug
            slugs.add(s.slug)
        keys.add(s.key)
        codes.add(s.code)
