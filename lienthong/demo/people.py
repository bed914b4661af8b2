"""Demo accounts: who works where, with realistic (invented) Vietnamese names.

Every agency of the province (externals excluded) gets a clerk ``vanthu.<slug>``, a leader
``lanhdao.<slug>`` and a specialist ``chuyenvien.<slug>``. Names are drawn from a generator seeded by
the user name, so a person keeps their name whatever else changes in the data. The only real names
are those printed in the seed notice (Nguyễn Hoàng Thoại, its signer).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from lienthong.demo.agencies import HEAD_TITLES, AgencySpec, agency_specs

# Departments (phòng) of the agencies that assign work to units, each with a head and a specialist
# (truongphong.<code>.<slug>, chuyenvien.<code>.<slug>).
DISTRICT_UNITS = [("tckh", "Phòng Tài chính - Kế hoạch", "TCKH"), ("nv", "Phòng Nội vụ", "NV"),
                  ("tnmt", "Phòng Tài nguyên và Môi trường", "TNMT")]
UNITS_BY_KEY = {
    "stttt": [("cntt", "Phòng Công nghệ thông tin", "CNTT"), ("bcvt", "Phòng Bưu chính - Viễn thông", "BCVT")],
    "vp": [("kt", "Phòng Kinh tế", "KT"), ("vx", "Phòng Văn xã", "VX")],
}


def units_of(spec: AgencySpec) -> list[tuple[str, str, str]]:
    """(code, name, abbreviation) of the departments of one demo agency."""
    if spec.kind == "district":
        return DISTRICT_UNITS
    return UNITS_BY_KEY.get(spec.key, [])

PASSWORD = "demo1234"
ADMIN_USERNAME = "quantri"
OPERATOR_USERNAME = "vanhanh"  # the contractor's support desk (Nhà thầu / vận hành): answers problem reports

ROLE_PREFIX = {"clerk": "vanthu", "leader": "lanhdao", "specialist": "chuyenvien"}
_FEMALE_SHARE = {"clerk": 0.85, "leader": 0.2, "specialist": 0.5}

_SURNAMES = ["Nguyễn"] * 8 + ["Trần"] * 4 + ["Lê"] * 4 + ["Phạm"] * 2 + ["Huỳnh"] * 2 + ["Võ"] * 2 + [
    "Phan", "Trương", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Châu", "Lâm", "Đoàn", "Mai", "Tô",
    "Thái", "Lương", "Cao", "Quách", "Trịnh", "La"]
_MIDDLE_MALE = ["Văn"] * 5 + ["Hoàng", "Minh", "Thanh", "Quốc", "Hữu", "Đức", "Công", "Ngọc", "Trung", "Tấn", "Chí"]
_MIDDLE_FEMALE = ["Thị"] * 5 + ["Ngọc", "Thanh", "Kim", "Thu", "Mỹ", "Bích", "Hồng", "Diễm", "Kiều"]
_GIVEN_MALE = ["Hùng", "Dũng", "Tuấn", "Phong", "Thắng", "Tâm", "Lợi", "Phúc", "Hải", "Nam", "Khoa", "Trung",
               "Hiếu", "Nghĩa", "Tài", "Vũ", "Toàn", "Quang", "Thành", "Bình", "Sơn", "Hậu", "Tín", "Nhân",
               "Trí", "Đạt", "Cường", "Kiệt", "Hưng", "Lộc", "Thuận", "Khải", "Duy", "Tuyên", "Triều", "Em"]
_GIVEN_FEMALE = ["Lan", "Hồng", "Hương", "Thảo", "Trang", "Ngân", "Vy", "Nhung", "Yến", "Phương", "Thủy",
                 "Hạnh", "Diễm", "Mai", "Linh", "Huyền", "Trinh", "Quyên", "Loan", "Tuyết", "Nhi", "Thư",
                 "Xuân", "Duyên", "Oanh", "Châu", "Ngọc", "Hằng", "Tiên", "Cúc"]


def person_name(seed: str, *, female: bool) -> str:
    rng = random.Random(f"demo-name:{seed}")
    surname = rng.choice(_SURNAMES)
    middle = rng.choice(_MIDDLE_FEMALE if female else _MIDDLE_MALE)
    given = rng.choice(_GIVEN_FEMALE if female else _GIVEN_MALE)
    return f"{surname} {middle} {given}"


def head_titles(spec: AgencySpec) -> tuple[str, str]:
    """(head title, deputy title) of an agency."""
    if spec.kind in ("province", "district", "commune"):
        return "Chủ tịch", "Phó Chủ tịch"
    if spec.kind in ("office", "district_office"):
        return "Chánh Văn phòng", "Phó Chánh Văn phòng"
    if spec.kind == "vertical":
        return "Cục trưởng", "Phó Cục trưởng"
    return HEAD_TITLES.get(spec.key, ("Giám đốc", "Phó Giám đốc"))


@dataclass
class Account:
    username: str
    full_name: str
    positions: list[tuple[str, str, str]] = field(default_factory=list)  # (agency key, role, title)
    is_system_admin: bool = False
    unit: str = ""  # code of the department (UNITS) the first position belongs to
    is_operator: bool = False  # the contractor's staff answering problem reports: no position


    @property
    def role(self) -> str:
        return self.positions[0][1] if self.positions else "admin"


# Fixed people of the story: the seed notice's signer, and the VP clerk who also works at Sở TT&TT.
SIGNER_THOAI = "Nguyễn Hoàng Thoại"
EXTRA_ACCOUNTS = [
    Account("lanhdao2.vpubnd", SIGNER_THOAI, [("vp", "leader", "Phó Chánh Văn phòng")]),
]
# The Office's archive (Lưu trữ cơ quan), who receives the files handed over (nộp lưu).
ARCHIVIST_USERNAME = "luutru.vpubnd"
ARCHIVE_ACCOUNTS = [Account(ARCHIVIST_USERNAME, person_name(ARCHIVIST_USERNAME, female=True),
                            [("vp", "archivist", "Lưu trữ viên")])]
SECOND_POSITIONS = {"vanthu.vpubnd": ("stttt", "specialist", "Chuyên viên (kiêm nhiệm)")}


def accounts() -> list[Account]:
    """Every demo account in a stable order: agencies in directory order, clerk, leader, specialist."""
    rows: list[Account] = []
    used: set[str] = set()
    for spec in agency_specs():
        if spec.is_external:
            continue
        head, _deputy = head_titles(spec)
        for role, title in (("clerk", "Văn thư"), ("leader", head), ("specialist", "Chuyên viên")):
            username = f"{ROLE_PREFIX[role]}.{spec.slug}"
            female = random.Random(f"demo-gender:{username}").random() < _FEMALE_SHARE[role]
            name = person_name(username, female=female)
            salt = 0
            while name in used:  # keep names unique in the demo so a search by name finds one person
                salt += 1
                name = person_name(f"{username}:{salt}", female=female)
            used.add(name)
            account = Account(username, name, [(spec.key, role, title)])
            if username in SECOND_POSITIONS:
                account.positions.append(SECOND_POSITIONS[username])
            rows.append(account)
            if spec.key == "vp" and role == "leader":
                rows.extend(EXTRA_ACCOUNTS)
            if spec.key == "vp" and role == "specialist":
                rows.extend(ARCHIVE_ACCOUNTS)
        for code, unit_name, _abbr in units_of(spec):
            for role, prefix, title in (("leader", "truongphong", "Trưởng phòng"),
                                        ("specialist", "chuyenvien", "Chuyên viên")):
                username = f"{prefix}.{code}.{spec.slug}"
                female = random.Random(f"demo-gender:{username}").random() < _FEMALE_SHARE[role]
                name = person_name(username, female=female)
                salt = 0
                while name in used:
                    salt += 1
                    name = person_name(f"{username}:{salt}", female=female)
                used.add(name)
                rows.append(Account(username, name, [(spec.key, role, f"{title} {unit_name}")], unit=code))
    rows.append(Account(ADMIN_USERNAME, "Quản trị hệ thống", [], is_system_admin=True))
    rows.append(Account(OPERATOR_USERNAME, "Tổ hỗ trợ vận hành (nhà thầu)", [], is_operator=True))
    return rows


def deputy_name(spec: AgencySpec, n: int = 0) -> str:
    """A deputy head of ``spec`` who signs KT. (not a demo account)."""
    if spec.key == "vp" and n == 0:
        return SIGNER_THOAI
    return person_name(f"deputy:{spec.key}:{n}", female=n % 3 == 2)
