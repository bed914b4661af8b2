"""Reads about copies: always through ``documents_visible_to`` (a copy is a document of its agency)."""

from __future__ import annotations

from lienthong.accounts.models import Position, Role
from lienthong.copies.models import DocumentCopy
from lienthong.core.errors import NotFound
from lienthong.documents.selectors import documents_visible_to


def copy_get(*, user, copy_id: int) -> DocumentCopy:
    """The copy if ``user`` sees its document; ``NotFound`` otherwise."""
    row = (DocumentCopy.objects.filter(pk=copy_id, copy__in=documents_visible_to(user=user).values("pk"))
           .select_related("copy", "original", "copy__agency").first())
    if row is None:
        raise NotFound()
    return row


def copies_of(*, user, document) -> list[DocumentCopy]:
    """The copies made from ``document`` that ``user`` sees, newest first."""
    visible = documents_visible_to(user=user).values("pk")
    return list(DocumentCopy.objects.filter(original=document, copy__in=visible).select_related("copy"))


def copy_source(*, user, document) -> DocumentCopy | None:
    """When ``document`` is a copy: its details, with the original only if ``user`` sees it."""
    row = DocumentCopy.objects.filter(copy=document).select_related("original").first()
    if row is not None and not documents_visible_to(user=user).filter(pk=row.original_id).exists():
        row.original_visible = False
    elif row is not None:
        row.original_visible = True
    return row


def signer_choices(*, agency_id: int) -> list[tuple[int, str]]:
    """The agency's leaders (agency-wide positions), who sign copies (NĐ30 Art. 27)."""
    rows = (Position.objects.filter(agency_id=agency_id, role=Role.LEADER, unit__isnull=True, is_active=True,
                                    user__is_active=True).select_related("user").order_by("user__full_name"))
    return [(p.user_id, f"{p.user.full_name or p.user.get_username()}{' – ' + p.title if p.title else ''}")
            for p in rows]
