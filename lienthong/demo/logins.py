"""The demo logins as tables: printed by ``manage.py demo_logins`` and written into the README.

Built from the data modules, not the database, so the README section can be regenerated (and checked
by a test) without loading anything.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from lienthong.demo.agencies import AgencySpec, agency_specs
from lienthong.demo.people import ADMIN_USERNAME, OPERATOR_USERNAME, PASSWORD, Account, accounts
from lienthong.demo.pki import DEMO_PIN

# The agencies a visitor should try first: the province, its Office, the department of the seed
# notice's story, one district and one commune.
FEATURED = ["ubnd", "vp", "stttt", "vithuy", "xa-vithang"]

_ROLE_EN = {"clerk": "clerk (văn thư)", "leader": "leader (lãnh đạo)", "specialist": "specialist (chuyên viên)",
            "archivist": "archivist (lưu trữ)"}


def _role_vi(role: str) -> str:
    return {"clerk": _("Văn thư"), "leader": _("Lãnh đạo"), "specialist": _("Chuyên viên"),
            "archivist": _("Lưu trữ")}.get(role, role)


def featured_rows(*, english: bool = False) -> list[tuple[str, str, str, str]]:
    """(user name, full name, role, agency) for the featured agencies, then the administrator."""
    specs = {s.key: s for s in agency_specs()}
    by_agency: dict[str, list[Account]] = {}
    admin = operator = None
    for account in accounts():
        if account.username == ADMIN_USERNAME:
            admin = account
        if account.username == OPERATOR_USERNAME:
            operator = account
        for key, _role, _title in account.positions[:1]:
            by_agency.setdefault(key, []).append(account)
    rows = []
    for key in FEATURED:
        for account in by_agency.get(key, []):
            role = _describe(account, specs, english=english)
            rows.append((account.username, account.full_name, role, specs[key].short_name))
    if admin is not None:
        rows.append((admin.username, admin.full_name,
                     "system administrator" if english else _("Quản trị hệ thống"), "—"))
    if operator is not None:
        rows.append((operator.username, operator.full_name,
                     "operator (the contractor's support: problem reports, no documents)" if english
                     else _("Nhà thầu / vận hành"), "—"))
    return rows


def _describe(account: Account, specs: dict[str, AgencySpec], *, english: bool) -> str:
    parts = []
    for i, (key, role, title) in enumerate(account.positions):
        label = _ROLE_EN[role] if english else _role_vi(role)
        if role == "leader" and title:
            label = f"{label}, {title}"
        if i:
            label = (f"also {label} at {specs[key].short_name}" if english
                     else _("kiêm %(r)s tại %(a)s") % {"r": label.lower(), "a": specs[key].short_name})
        parts.append(label)
    return "; ".join(parts)


def clerk_rows() -> list[tuple[str, str, str, str]]:
    """(agency short name, level, parent agency, clerk user name) for every agency of the province."""
    level_names = {"tinh": "tỉnh", "huyen": "huyện", "xa": "xã"}
    specs = {s.key: s for s in agency_specs()}
    return [(s.short_name, level_names.get(s.level, s.level), specs[s.parent].short_name if s.parent else "—",
             f"vanthu.{s.slug}") for s in specs.values() if not s.is_external]


def _width(rows, headers) -> list[int]:
    return [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]


def text_table(rows, headers) -> str:
    widths = _width(rows, headers)
    lines = ["  ".join(str(v).ljust(w) for v, w in zip(headers, widths, strict=False)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=False)).rstrip() for r in rows]
    return "\n".join(lines)


def console_text() -> str:
    """What ``make run`` prints (Vietnamese, like the rest of the interface)."""
    headers = (_("Tên đăng nhập"), _("Họ và tên"), _("Vai trò"), _("Cơ quan"))
    return "\n".join([
        _("Tài khoản mẫu (mật khẩu chung: %(p)s)") % {"p": PASSWORD},
        _("Mã PIN ký số của lãnh đạo và của cơ quan (chứng thư thử nghiệm, không có giá trị pháp lý): %(p)s")
        % {"p": DEMO_PIN},
        "",
        text_table(featured_rows(), headers),
        "",
        _("Mỗi cơ quan trong tỉnh đều có ba tài khoản vanthu.<mã>, lanhdao.<mã> và chuyenvien.<mã>. "
          "<mã> là tên viết liền không dấu: sở, ban theo chữ viết tắt (snv, stp, stttt…), huyện theo tên "
          "(vithuy), văn phòng huyện thêm vp (vpvithuy), xã, phường, thị trấn theo tên (vitan, vithang, "
          "phuong1); tên trùng thì thêm mã huyện (vinhtuong-vithuy). Các phòng của UBND huyện, Sở TT&TT và "
          "VP UBND tỉnh có truongphong.<phòng>.<mã> và chuyenvien.<phòng>.<mã>. Danh sách đầy đủ: README.md."),
    ])


def readme_markdown() -> str:
    """The README's "Demo logins" section, generated from the demo data."""
    lines = [
        "## Demo logins",
        "",
        f"`make run` loads Hậu Giang province as organised in 2018 (`manage.py load_demo`) and prints these "
        f"logins (`manage.py demo_logins`). Every password is `{PASSWORD}`. This section is generated by "
        "`python manage.py demo_logins --markdown`; do not edit it by hand.",
        "",
        "| User name | Full name | Role | Agency |",
        "|---|---|---|---|",
    ]
    lines += [f"| `{u}` | {n} | {r} | {a} |" for u, n, r, a in featured_rows(english=True)]
    lines += [
        "",
        "Every agency of the province has three accounts: `vanthu.<slug>` (clerk), `lanhdao.<slug>` (leader) and "
        "`chuyenvien.<slug>` (specialist). The slug is the agency's name or abbreviation in lower-case ASCII "
        "without spaces (`lienthong.core.text.slug_ascii`): departments by abbreviation (`snv`, `stttt`), "
        "districts by name (`vithuy`), district offices with `vp` (`vpvithuy`), communes, wards and towns by "
        "name (`vitan`, `vithang`, wards named by numeral as `phuong1`). A commune whose slug is shared with "
        "another commune or with a district gets `-<district slug>` (`vinhtuong-vithuy`, `vithuy-vithuy`). "
        "Departments (phòng) of every district People's Committee (`tckh`, `nv`, `tnmt`), of Sở TT&TT (`cntt`, "
        "`bcvt`) and of VP UBND tỉnh (`kt`, `vx`) each have a head `truongphong.<unit>.<slug>` and a specialist "
        "`chuyenvien.<unit>.<slug>`. Names other than the seed notice's signer are invented.",
        "",
        "| Agency | Level | Under | Clerk |",
        "|---|---|---|---|",
    ]
    lines += [f"| {a} | {lv} | {p} | `{u}` |" for a, lv, p, u in clerk_rows()]
    return "\n".join(lines) + "\n"
