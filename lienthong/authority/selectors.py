"""Reads on signing authority: whose position is head or deputy, which grant or acting appointment
covers a signature, and the signature block built from it (NĐ30 Art. 13; vanthu.md §2.2, §7 rule 6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts.models import Position, Role
from lienthong.authority.models import ActingAppointment, GrantKind, PositionRank, Rank, SigningGrant
from lienthong.core.errors import ValidationFailed
from lienthong.core.text import nfc

# A deputy's title starts with one of these; the head's title is what follows ("Phó Chủ tịch" → "Chủ tịch").
DEPUTY_PREFIXES = ("Phó ",)
# Bodies that decide collectively: their head signs TM. (thay mặt) the collective (NĐ30 Art. 13.1).
COLLEGIAL_PREFIXES = ("Ủy ban nhân dân", "Uỷ ban nhân dân", "UBND", "Hội đồng nhân dân", "HĐND", "Hội đồng")

# Why a signature's prefix is refused, as users see it (the tests use these constants rather than copies);
# dates as dd/mm/yyyy, %(k)s the prefix (TL./TUQ.), %(a)s the agency's short name.
NOT_COLLEGIAL = gettext_lazy("Chỉ ký “TM.” (thay mặt) cho cơ quan làm việc theo chế độ tập thể (Ủy ban nhân dân, "
                             "Hội đồng nhân dân); %(a)s không phải tập thể lãnh đạo.")
TM_HEAD_ONLY = gettext_lazy("Chỉ người đứng đầu (Chủ tịch) được ký “TM.” thay mặt tập thể; người ký không giữ chức "
                            "vụ cấp trưởng của cơ quan.")
KT_DEPUTY_ONLY = gettext_lazy("Chỉ cấp phó được ký “KT.” (ký thay) người đứng đầu; người ký không giữ chức vụ cấp phó "
                              "của cơ quan.")
NO_ACTING = gettext_lazy("Người ký không có quyết định giao quyền cấp trưởng (“Q.”) còn hiệu lực vào ngày %(d)s.")
NO_GRANT = gettext_lazy("Người ký không được giao ký “%(k)s” bằng văn bản của %(a)s: không có văn bản giao thẩm "
                        "quyền trong hệ thống.")
GRANT_NOT_IN_FORCE = gettext_lazy("Văn bản giao ký “%(k)s” đã hết hiệu lực (đến hết ngày %(d)s) hoặc chưa có hiệu "
                                  "lực vào ngày %(on)s.")
OUT_OF_SCOPE = gettext_lazy("Loại văn bản này nằm ngoài phạm vi văn bản giao ký “%(k)s”.")


@dataclass
class Basis:
    """What a signature rests on: the signer's position, and the grant or acting appointment if any."""

    authority: str
    position: Position | None = None
    rank: str = Rank.NONE
    grant: SigningGrant | None = None
    acting: ActingAppointment | None = None


def _strip_deputy(title: str) -> str:
    for prefix in DEPUTY_PREFIXES:
        if title.startswith(prefix):
            rest = title[len(prefix):].strip()
            return rest[:1].upper() + rest[1:]
    return title


def position_rank(position: Position) -> str:
    """Head, deputy or neither: the explicit marker, else inferred from the title. An agency-wide leader
    (no unit) whose title does not start with "Phó" is the head; "Phó …" is a deputy; unit heads are neither."""
    explicit = PositionRank.objects.filter(position=position).values_list("rank", flat=True).first()
    if explicit:
        return explicit
    if position.role != Role.LEADER or position.unit_id:
        return Rank.NONE
    title = nfc(position.title or "").strip()
    if any(title.startswith(p) for p in DEPUTY_PREFIXES):
        return Rank.DEPUTY
    return Rank.HEAD


def head_title_of(position: Position) -> str:
    """The head's title a deputy signs for ("KT. CHỦ TỊCH"): explicit, or the title without "Phó",
    or the title of the agency's head position."""
    explicit = PositionRank.objects.filter(position=position).values_list("head_title", flat=True).first()
    if explicit:
        return explicit
    title = nfc(position.title or "").strip()
    stripped = _strip_deputy(title)
    if stripped and stripped != title:
        return stripped
    for other in Position.objects.filter(agency_id=position.agency_id, role=Role.LEADER, unit__isnull=True,
                                         is_active=True).exclude(pk=position.pk):
        if other.title and position_rank(other) == Rank.HEAD:
            return other.title
    return ""


def is_collegial(agency) -> bool:
    name = nfc(agency.name or "")
    return any(name.startswith(p) for p in COLLEGIAL_PREFIXES)


def collective_name(agency) -> str:
    """"Ủy ban nhân dân" for "Ủy ban nhân dân tỉnh Bắc Ninh" (the block reads "TM. ỦY BAN NHÂN DÂN")."""
    name = nfc(agency.name or "")
    for prefix in ("Ủy ban nhân dân", "Uỷ ban nhân dân", "Hội đồng nhân dân"):
        if name.startswith(prefix):
            return prefix
    return name


def leader_position(*, user_id: int, agency_id: int) -> Position | None:
    """The signer's agency-wide leader position in the agency (else any active leader position there)."""
    qs = Position.objects.filter(user_id=user_id, agency_id=agency_id, role=Role.LEADER, is_active=True)
    return qs.filter(unit__isnull=True).first() or qs.first()


def _active(qs, on_date: dt.date):
    return qs.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on_date), valid_from__lte=on_date,
                     revoked_at__isnull=True)


def grants_held(*, user_id: int, agency_id: int, kind: str, on_date: dt.date):
    return _active(SigningGrant.objects.filter(grantee_id=user_id, agency_id=agency_id, kind=kind), on_date)


def acting_held(*, user_id: int, agency_id: int, on_date: dt.date):
    return _active(ActingAppointment.objects.filter(user_id=user_id, agency_id=agency_id), on_date)


def _refuse(message: str):
    raise ValidationFailed({"signer_authority": [message]})


def authority_basis(*, signer_id: int, authority: str, agency, on_date: dt.date,
                    document_type_id: int | None = None) -> Basis:
    """What ``authority`` rests on when ``signer_id`` signs for ``agency`` on ``on_date``; a signature
    outside the record is refused with the reason (ValidationFailed on "signer_authority")."""
    position = leader_position(user_id=signer_id, agency_id=agency.pk)
    rank = position_rank(position) if position else Rank.NONE
    basis = Basis(authority=authority, position=position, rank=rank)
    if authority == "":
        return basis
    if authority == "TM.":
        if not is_collegial(agency):
            _refuse(NOT_COLLEGIAL % {"a": agency.short_name or agency.name})
        if rank != Rank.HEAD:
            _refuse(str(TM_HEAD_ONLY))
        return basis
    if authority == "KT.":
        if rank != Rank.DEPUTY:
            _refuse(str(KT_DEPUTY_ONLY))
        return basis
    if authority == "Q.":
        acting = acting_held(user_id=signer_id, agency_id=agency.pk, on_date=on_date).first()
        if acting is None:
            _refuse(NO_ACTING % {"d": on_date.strftime("%d/%m/%Y")})
        basis.acting = acting
        return basis
    if authority in GrantKind.values:
        kind = authority
        held = SigningGrant.objects.filter(grantee_id=signer_id, agency_id=agency.pk, kind=kind,
                                           revoked_at__isnull=True)
        if not held.exists():
            _refuse(NO_GRANT % {"k": kind, "a": agency.short_name or agency.name})
        current = _active(held, on_date)
        if not current.exists():
            last = held.order_by("-valid_until").first()
            assert last is not None  # ``held`` exists (checked above)
            _refuse(GRANT_NOT_IN_FORCE % {"k": kind, "d": last.valid_until.strftime("%d/%m/%Y"),
                                          "on": on_date.strftime("%d/%m/%Y")})
        if document_type_id:
            in_scope = current.filter(Q(document_types__isnull=True) | Q(document_types__id=document_type_id))
            grant = in_scope.distinct().order_by("-valid_from", "-id").first()
            if grant is None:
                _refuse(OUT_OF_SCOPE % {"k": kind})
        else:
            grant = current.order_by("-valid_from", "-id").first()
        basis.grant = grant
        return basis
    _refuse(_("Thẩm quyền ký không hợp lệ."))
    return basis  # not reached


def signature_block(signer, authority: str, agency, on_date: dt.date, *, document_type_id: int | None = None,
                    position_title: str = "") -> list[str]:
    """The printed signature block (PL1 §II.7; vanthu.md §2.2) built from the record, e.g.
    ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A"]. Raises ValidationFailed when
    the signature has no basis."""
    basis = authority_basis(signer_id=signer.pk, authority=authority, agency=agency, on_date=on_date,
                            document_type_id=document_type_id)
    title = position_title or (basis.position.title if basis.position else "")
    name = signer.full_name or signer.get_username()
    collegial = is_collegial(agency)
    tm = [f"TM. {collective_name(agency).upper()}"] if collegial else []
    if authority == "TM.":
        lines = tm + [title.upper()]
    elif authority == "KT.":
        head = head_title_of(basis.position) if basis.position else ""
        lines = tm + [f"KT. {head.upper()}".strip(), title.upper()]
    elif authority == "Q.":
        assert basis.acting is not None  # authority_basis refuses "Q." without an acting appointment
        lines = tm + [f"Q. {basis.acting.head_title.upper()}"]
    elif authority in GrantKind.values:
        assert basis.grant is not None  # authority_basis refuses TL./TUQ. without a grant in force
        lines = [f"{authority} {basis.grant.grantor_title.upper()}", basis.grant.grantee_title.upper()]
    else:
        lines = [title.upper()]
    return [line for line in lines if line] + [name]
