"""``manage.py load_criteria_sets``: the two shipped criteria sets and the province's ranking authorities.

Idempotent: a set whose stored text already has the same checksum is left alone (no new audit entry), a
frozen one is never touched, and the authority rows are matched by agency and part. The demo loader calls
``ensure_criteria_sets`` at the end of its run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lienthong.accounts.models import User
from lienthong.agencies.models import Agency
from lienthong.assessment import services
from lienthong.assessment.criteria import load_criteria_set
from lienthong.assessment.models import AssessmentAuthority, CriteriaSetVersion
from lienthong.core.errors import DomainError

SETS_DIR = Path(__file__).resolve().parents[2] / "criteria_sets"
# What the command tells the administrator (the tests use these constants rather than copies of the text).
CODES_INCOMPLETE = "Cần đủ ba mã: --council, --approver, --office."
NO_SYSTEM_ADMIN = "Không có tài khoản quản trị hệ thống đang hoạt động"  # then who was asked for, or what to do
NOTHING_CHANGED = "Bộ tiêu chí và vai trò đánh giá đã đầy đủ, không có gì thay đổi."


def shipped_sets() -> list[Path]:
    return sorted(SETS_DIR.glob("*.yaml"))


# Identifier codes of the council (Sở TT&TT), approver (UBND tỉnh) and office (Văn phòng UBND tỉnh) of the demo
# province (Hậu Giang), written here as data: the demo builder sits above this app and calls it, not the reverse
# (test_load_criteria_sets checks that they are still the demo directory's codes).
DEFAULT_CODES = {"council": "000.00.13.H30", "approver": "000.00.00.H30", "office": "000.00.01.H30"}


def default_codes() -> dict[str, str]:
    """Identifier codes of the council, approver and office of the demo province (Hậu Giang)."""
    return dict(DEFAULT_CODES)


# Abbreviations tried when no agency has the demo identifier code (another province's directory).
FALLBACK_ABBREVIATIONS = {"council": "STTTT", "office": "VP.UBND"}


@dataclass
class Loaded:
    sets_created: list[str] = field(default_factory=list)
    sets_updated: list[str] = field(default_factory=list)
    sets_unchanged: list[str] = field(default_factory=list)
    sets_frozen: list[str] = field(default_factory=list)
    authorities_created: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.sets_created or self.sets_updated or self.authorities_created)


def _find_agency(code: str, *, kind: str, explicit: bool):
    agencies = Agency.objects.filter(is_external=False)
    agency = agencies.filter(identifier_code=code).first()
    if agency is None and not explicit:
        if kind == "approver":  # the root agency of the province tier
            agency = agencies.filter(parent__isnull=True, level__code="tinh").order_by("pk").first()
        elif kind in FALLBACK_ABBREVIATIONS:
            agency = agencies.filter(abbreviation__iexact=FALLBACK_ABBREVIATIONS[kind],
                                     level__code="tinh").order_by("pk").first()
    return agency


def ensure_criteria_sets(*, actor, codes: dict[str, str] | None = None, explicit: bool = False,
                         log: Callable[[str], None] | None = None) -> Loaded:
    """Store the shipped sets through ``assessment.services`` and declare the authority rows."""
    log = log or (lambda _msg: None)
    out = Loaded()
    with transaction.atomic():
        for path in shipped_sets():
            text = path.read_text(encoding="utf-8")
            cs = load_criteria_set(text)
            label = f"{cs.code} v{cs.version}"
            row = CriteriaSetVersion.objects.filter(code=cs.code, version=cs.version).first()
            if row is not None and row.checksum == services.criteria_set_checksum(cs):
                out.sets_unchanged.append(label)
                continue
            if row is not None and row.frozen:
                out.sets_frozen.append(label)
                out.notes.append(f"{label}: đã khóa (đợt đánh giá đang dùng), giữ nguyên bản đã lưu.")
                continue
            services.criteria_set_import(yaml_text=text, actor=actor)
            (out.sets_updated if row is not None else out.sets_created).append(label)
        for kind, code in (codes or default_codes()).items():
            agency = _find_agency(code, kind=kind, explicit=explicit)
            if agency is None:
                if explicit:
                    raise CommandError(f"Không có cơ quan mã định danh {code} (--{kind}).")
                out.notes.append(f"Không tìm thấy cơ quan cho vai trò {kind} (mã {code}); bỏ qua.")
                continue
            _row, created = AssessmentAuthority.objects.get_or_create(agency=agency, kind=kind)
            if created:
                out.authorities_created.append(f"{kind}: {agency.name}")
    for note in out.notes:
        log(note)
    return out


class Command(BaseCommand):
    help = ("Nạp hai bộ tiêu chí đánh giá, xếp hạng kèm theo phần mềm và khai báo Sở TT&TT (thường trực hội đồng), "
            "UBND tỉnh (phê duyệt), Văn phòng UBND tỉnh (theo dõi). Chạy lại nhiều lần vẫn an toàn.")

    def add_arguments(self, parser):
        parser.add_argument("--council", help="Mã định danh của Sở Thông tin và Truyền thông.")
        parser.add_argument("--approver", help="Mã định danh của UBND tỉnh.")
        parser.add_argument("--office", help="Mã định danh của Văn phòng UBND tỉnh.")
        parser.add_argument("--actor", help="Tên đăng nhập của quản trị hệ thống ghi vào nhật ký "
                                            "(mặc định: quản trị hệ thống đầu tiên).")

    def handle(self, *args, council, approver, office, actor, **options):
        given = {"council": council, "approver": approver, "office": office}
        explicit = any(given.values())
        if explicit and not all(given.values()):
            raise CommandError(CODES_INCOMPLETE)
        users = User.objects.filter(is_active=True, is_system_admin=True)
        user = (users.filter(username=actor) if actor else users.order_by("pk")).first()
        if user is None:
            raise CommandError(NO_SYSTEM_ADMIN + (f" tên {actor}." if actor else "; hãy tạo trước (createsuperuser)."))
        try:
            loaded = ensure_criteria_sets(actor=user, codes=given if explicit else None, explicit=explicit,
                                          log=self.stdout.write)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if not loaded.changed_anything:
            self.stdout.write(NOTHING_CHANGED)
            return
        created = ", ".join(loaded.sets_created) or "0"
        updated = ", ".join(loaded.sets_updated) or "0"
        authorities = "; ".join(loaded.authorities_created) or "0"
        self.stdout.write(self.style.SUCCESS(
            f"Bộ tiêu chí mới: {created}; cập nhật: {updated}; vai trò mới: {authorities}."))
