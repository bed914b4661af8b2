"""Registers (sổ văn bản) and atomic number allocation.

Rules (Decree 30 Art. 15, 22; vanthu.md §3.3): one series per register per calendar year starting at
01 on 1 January; no gaps, no duplicates, no reuse. Allocation is a single ``UPDATE … SET last_number
= last_number + 1 … RETURNING last_number`` inside the caller's transaction: PostgreSQL holds the row lock
until commit and SQLite (IMMEDIATE transactions) holds the database write lock, so a number is only ever seen by the
transaction that will store the document carrying it. If that transaction rolls back, the
increment rolls back with it, so no gap appears.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils.translation import gettext as _

from lienthong.core.errors import ValidationFailed
from lienthong.documents.models import Direction, DocumentType, Register

# The layout a new agency starts with; an agency head can split series per type in the admin, and
# the layout of the previous year is carried into each new year.
DEFAULT_LAYOUT = [
    # code, direction, name, is_secret
    ("di", Direction.OUTGOING, "Sổ đăng ký văn bản đi", False),
    ("di-mat", Direction.OUTGOING, "Sổ đăng ký văn bản đi (mật)", True),
    ("den", Direction.INCOMING, "Sổ đăng ký văn bản đến", False),
    ("den-mat", Direction.INCOMING, "Sổ đăng ký văn bản đến (mật)", True),
    ("ban-sao", Direction.COPY, "Sổ đăng ký bản sao", False),
]


def ensure_year_registers(*, agency_id: int, year: int) -> list[Register]:
    """Create the agency's registers for ``year`` (copying last year's layout) if they are missing."""
    existing = list(Register.objects.filter(agency_id=agency_id, year=year))
    if existing:
        return existing
    with transaction.atomic():
        previous = list(
            Register.objects.filter(agency_id=agency_id, year__lt=year, is_active=True)
            .order_by("-year")
            .prefetch_related("document_types")
        )
        if previous:
            last_year = previous[0].year
            for old in (r for r in previous if r.year == last_year):
                new, created = Register.objects.get_or_create(
                    agency_id=agency_id, year=year, code=old.code,
                    defaults=dict(direction=old.direction, name=old.name, is_secret=old.is_secret,
                                  issuing_body_name=old.issuing_body_name,
                                  issuing_body_abbreviation=old.issuing_body_abbreviation),
                )
                if created:
                    new.document_types.set(old.document_types.all())
        else:
            for code, direction, name, secret in DEFAULT_LAYOUT:
                Register.objects.get_or_create(
                    agency_id=agency_id, year=year, code=code,
                    defaults=dict(direction=direction, name=name, is_secret=secret),
                )
    return list(Register.objects.filter(agency_id=agency_id, year=year))


def register_for(*, agency_id: int, year: int, direction: str, document_type: DocumentType,
                 is_secret: bool, register_id: int | None = None) -> Register:
    """Pick the register that numbers a document.

    An explicit ``register_id`` (an advisory body's register, say) must belong to the agency, year and
    direction. Otherwise: the register that lists the type, else the catch-all register (no types),
    with the secret/non-secret split applied.
    """
    registers = ensure_year_registers(agency_id=agency_id, year=year)
    if register_id is not None:
        for r in registers:
            if r.pk == register_id and r.direction == direction and r.is_active:
                return r
        raise ValidationFailed({"register": [_("Sổ văn bản không hợp lệ cho văn bản này.")]})
    candidates = [
        r for r in registers
        if r.direction == direction and r.is_secret == is_secret and r.is_active and not r.issuing_body_name
    ]
    typed = Register.document_types.through.objects.filter(
        register_id__in=[r.pk for r in candidates]
    ).values_list("register_id", "documenttype_id")
    types_by_register: dict[int, set[int]] = {}
    for reg_id, type_id in typed:
        types_by_register.setdefault(reg_id, set()).add(type_id)
    for r in candidates:
        if document_type.pk in types_by_register.get(r.pk, set()):
            return r
    for r in candidates:
        if r.pk not in types_by_register:
            return r
    message = _("Cơ quan chưa có sổ văn bản cho loại văn bản này trong năm %(year)s.") % {"year": year}
    raise ValidationFailed({"document_type": [message]})


def allocate_number(*, register: Register) -> int:
    """Take the next number of ``register``. Must run inside the transaction that stores the document."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_number must run inside transaction.atomic()")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE documents_register SET last_number = last_number + 1 WHERE id = %s RETURNING last_number",
            [register.pk],
        )
        number = int(cursor.fetchone()[0])
    register.last_number = number
    return number


def format_number(number: int) -> str:
    """Numbers below 10 get a leading zero (PL1 §II.3): 1 -> "01", 10 -> "10"."""
    return f"{number:02d}"
