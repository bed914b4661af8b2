"""Reads about documents. ``documents_visible_to`` is the one definition of who sees what."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _

from lienthong.accounts import selectors as account_selectors
from lienthong.accounts.models import User
from lienthong.core.errors import NotFound, Withdrawn
from lienthong.documents.models import (
    Direction,
    Document,
    DocumentFile,
    DocumentGrant,
    DocumentStatus,
    DocumentType,
    Register,
    Secrecy,
    StoredFile,
)
from lienthong.files.inventory import StoredObject

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a choice's label is lazy; the stubs' package, not needed at run time


def documents_visible_to(*, user: User, held: account_selectors.HeldAgencies | None = None) -> QuerySet[Document]:
    """Documents held by an agency where ``user`` has an active position, as far as the position allows.

    - Văn thư and the agency's leaders (leader positions outside any unit) see everything the agency holds.
    - Everyone else in the agency (specialists, unit heads, agency administrators) sees its outgoing
      documents that are not secret, and an incoming document only when it was assigned to them
      or to their unit (a grant); a secret incoming document only when named personally.
    - A copy withdrawn after a recall (NĐ30 Art. 18.4) stays only for the văn thư and the leaders: its
      record and log, never its files (``document_file_get``, ``document_files``).
    - A leader of a parent agency sees nothing of a child agency by that fact: only positions count.
    - A system administrator manages the platform, not its content, and sees no documents here.

    ``held`` passes the user's positions when the caller has already read them (search does).
    """
    if not user.is_authenticated:
        return Document.objects.none()
    # The user's positions are read first (one small query) and the filter is built from their agency
    # ids as literals: with one agency the database walks the (agency, direction, created_at) index in
    # order and stops after a page, where a subquery would make it collect and sort every row.
    if held is None:
        held = account_selectors.position_agencies(user=user)
    if not held.all_ids:
        return Document.objects.none()
    qs = Document.objects.filter(agency_id__in=sorted(held.all_ids))
    restricted = held.all_ids - held.full_ids
    if restricted:
        granted = DocumentGrant.objects.filter(document_id=OuterRef("pk"))
        personal = Exists(granted.filter(user_id=user.pk))
        by_unit = Exists(granted.filter(unit_id__in=sorted(held.unit_ids))) if held.unit_ids else None
        incoming = Q(direction=Direction.INCOMING) & (
            Q(personal) | (Q(by_unit) & Q(secrecy=Secrecy.NORMAL)) if by_unit is not None else Q(personal))
        others = Q(agency_id__in=sorted(restricted)) & ~Q(status=DocumentStatus.WITHDRAWN) & (
            (~Q(direction=Direction.INCOMING) & Q(secrecy=Secrecy.NORMAL)) | incoming)
        qs = qs.filter(Q(agency_id__in=sorted(held.full_ids)) | others) if held.full_ids else qs.filter(others)
    return qs


def document_get(*, user: User, document_id: int) -> Document:
    """The document if ``user`` may see it; ``NotFound`` otherwise (same answer for both cases)."""
    doc = (
        documents_visible_to(user=user)
        .select_related("agency", "document_type", "register", "issuer_agency", "created_by")
        .filter(pk=document_id)
        .first()
    )
    if doc is None:
        raise NotFound()
    return doc


def document_file_get(*, user: User, document_id: int, file_id: int) -> DocumentFile:
    doc = document_get(user=user, document_id=document_id)
    if doc.status == DocumentStatus.WITHDRAWN:
        raise Withdrawn()
    df = DocumentFile.objects.select_related("stored_file").filter(document=doc, pk=file_id).first()
    if df is None:
        raise NotFound()
    return df


def registers_visible_to(*, user: User) -> QuerySet[Register]:
    """Registers of the user's agencies, by the rule of ``documents_visible_to`` (the register book
    lists every entry's number, sender and subject): the văn thư and the agency's leaders see all of
    them; everyone else only the registers that are neither secret nor incoming, since they see an
    incoming document only once it is assigned to them and a secret one only when named."""
    full = account_selectors.full_access_agency_ids(user=user)
    any_role = account_selectors.agency_ids_for(user=user)
    return Register.objects.filter(
        Q(agency_id__in=full)
        | (Q(agency_id__in=any_role) & Q(is_secret=False) & ~Q(direction=Direction.INCOMING))
    ).select_related("agency")


def document_list(*, user: User, direction: str | None = None, year: int | None = None,
                  register_id: int | None = None, document_type_id: int | None = None, urgency: str | None = None,
                  sender: str | None = None, date_from=None, date_to=None) -> QuerySet[Document]:
    """The filtered list behind the documents page and the API, newest number first."""
    # A copy withdrawn after a recall leaves the lists; its record stays reachable from its history.
    qs = documents_visible_to(user=user).exclude(status=DocumentStatus.WITHDRAWN)
    if direction:
        qs = qs.filter(direction=direction)
    if year:
        qs = qs.filter(year=year)
    if register_id:
        qs = qs.filter(register_id=register_id)
    if document_type_id:
        qs = qs.filter(document_type_id=document_type_id)
    if urgency:
        qs = qs.filter(urgency=urgency)
    if sender:
        qs = qs.filter(issuer_name__icontains=sender)
    if date_from:
        qs = qs.filter(issued_on__gte=date_from)
    if date_to:
        qs = qs.filter(issued_on__lte=date_to)
    return qs.select_related("document_type", "agency").order_by("-created_at", "-id")


def document_files(*, document: Document) -> list[DocumentFile]:
    """The files of a document; none for a copy withdrawn after a recall."""
    return list(DocumentFile.objects.filter(document=document).exclude(document__status=DocumentStatus.WITHDRAWN)
                .select_related("stored_file"))


def document_relations(*, user: User, document: Document) -> list[tuple[StrOrPromise, Document]]:
    """The documents linked to this one (amends, replaces, corrects, replies to, and the reverse),
    as (label, document) pairs, only those the user may see (one query each way)."""
    from lienthong.documents.models import DocumentRelation, RelationKind

    visible = documents_visible_to(user=user).values("pk")
    out: list[tuple[StrOrPromise, Document]] = []
    for rel in (DocumentRelation.objects.filter(source=document, target__in=visible).select_related("target")):
        out.append((RelationKind(rel.kind).label, rel.target))
    reverse_labels = {RelationKind.AMENDS: _("Được sửa đổi, bổ sung bởi"),
                      RelationKind.REPLACES: _("Được thay thế bởi"),
                      RelationKind.CORRECTS: _("Được đính chính bởi"), RelationKind.REPLIES_TO: _("Được trả lời bởi")}
    for rel in (DocumentRelation.objects.filter(target=document, source__in=visible).select_related("source")):
        out.append((reverse_labels[RelationKind(rel.kind)], rel.source))
    return out


# --- Reads behind the register pages, the documents list and the API (no ORM in the views) -----------------

def register_get(*, user: User, register_id: int) -> Register:
    """The register if ``user`` may see it (``registers_visible_to``); ``NotFound`` otherwise."""
    register = registers_visible_to(user=user).filter(pk=register_id).first()
    if register is None:
        raise NotFound()
    return register


def registers_listed(*, user: User, year: int | None = None, direction: str | None = None) -> QuerySet[Register]:
    """The registers ``user`` may see, by agency, newest year first (the registers page and the API)."""
    qs = registers_visible_to(user=user).order_by("agency__name", "-year", "direction", "code")
    if year:
        qs = qs.filter(year=year)
    if direction:
        qs = qs.filter(direction=direction)
    return qs


def register_choices(*, user: User, limit: int = 60) -> QuerySet[Register]:
    """The registers the documents list offers as a filter: newest year first, at most ``limit``."""
    return registers_visible_to(user=user).order_by("-year", "agency__name", "code")[:limit]


def document_type_by_code(*, code: str) -> DocumentType | None:
    """The active document type with this code (the API names types by code), or None."""
    return DocumentType.objects.filter(code=code, is_active=True).first()


def document_type_names() -> list[tuple[str, str]]:
    """(name, abbreviation) of every active type, in catalogue order: what the intake extractor looks for."""
    rows = DocumentType.objects.filter(is_active=True).order_by("order", "name")
    return list(rows.values_list("name", "abbreviation"))


def with_document_types(documents: list[Document]) -> None:
    """Load the type of every document in one query (none when they were read with it), e.g. search hits."""
    prefetch_related_objects(documents, "document_type")


def stored_originals() -> Iterator[StoredObject]:
    """Every original the file store holds for documents (``files.inventory`` source), in id order, streamed."""
    rows = StoredFile.objects.order_by("id").values_list("storage_name", "sha256", "size")
    for name, sha256, size in rows.iterator(chunk_size=5000):
        yield StoredObject(name=name, sha256=sha256, size=size)


def register_numbers_taken(*, register_id: int, numbers: list[int]) -> set[int]:
    """Which of ``numbers`` a document of the register already has (a bulk load checks its batch)."""
    return set(Document.objects.filter(register_id=register_id, register_number__in=numbers).order_by()
               .values_list("register_number", flat=True))


def outgoing_symbols_taken(*, register_id: int, norms: list[str]) -> set[str]:
    """Which normalised số, ký hiệu an outgoing document of the register already has."""
    return set(Document.objects.filter(register_id=register_id, direction=Direction.OUTGOING,
                                       number_symbol_norm__in=norms).order_by()
               .values_list("number_symbol_norm", flat=True))
