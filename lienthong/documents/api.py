"""JSON endpoints for documents and registers. Thin: parse, call a selector or service, shape the answer.

Visibility comes from ``documents.selectors`` only; a document the caller may not see answers 404
exactly like one that does not exist, and the attempt is written to the audit log. Errors raised
by services (``DomainError``) are turned into JSON by the handlers in ``lienthong.api``.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from lienthong.accounts import selectors as account_selectors
from lienthong.accounts.models import Role
from lienthong.agencies.models import Agency
from lienthong.audit.models import AuditAction
from lienthong.core.api_tools import original_response
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.core.schema_types import Id
from lienthong.documents import selectors, services
from lienthong.documents.models import DocumentType
from lienthong.documents.schemas import (
    DocumentDetail, DocumentFileOut, DocumentListItem, DocumentListQuery, DocumentPage, IncomingIn, MetadataQuery,
    RegisterListQuery, RegisterMetadataQuery, RegisterOut, RegisterPage,
)
from lienthong.processing import services as processing_services
from lienthong.search import selectors as search_selectors

router = Router(tags=["Văn bản"])

# A search answers with its best matches, not an unbounded list; pages are cut from these.
SEARCH_MAX_RESULTS = 200


def _page_bounds(page: int, page_size: int) -> tuple[int, int]:
    start = (page - 1) * page_size
    return start, start + page_size


@router.get("/documents", response=DocumentPage, url_name="document_list",
            summary="Danh sách và tìm kiếm văn bản")
def document_list(request, params: Query[DocumentListQuery]):
    """Documents the caller may see, newest first; with ``q``, the best full-text matches (at most 200)."""
    user = request.auth
    start, end = _page_bounds(params.page, params.page_size)
    if params.q:
        hits = search_selectors.search_documents(user=user, query=params.q, limit=SEARCH_MAX_RESULTS,
                                                 direction=params.direction, year=params.year)
        page_hits = hits[start:end]
        # Free when the search already joined the type; one query otherwise, never one per row.
        prefetch_related_objects([h.document for h in page_hits], "document_type")
        items = [DocumentListItem.of(h.document, snippet=h.snippet) for h in page_hits]
        count = len(hits)
    else:
        qs = selectors.document_list(user=user, direction=params.direction, year=params.year)
        count = qs.count()
        items = [DocumentListItem.of(doc) for doc in qs[start:end]] if start < count else []
    return {"items": items, "count": count, "page": params.page, "page_size": params.page_size}


def _visible_document(request, document_id: Id):
    try:
        return selectors.document_get(user=request.auth, document_id=document_id)
    except NotFound:
        services.document_record_denied(actor=request.auth, document_id=document_id)
        raise


def _detail(doc) -> DocumentDetail:
    from lienthong.signing.selectors import verifications_for

    dfs = selectors.document_files(document=doc)
    checked = verifications_for(stored_file_ids=[df.stored_file_id for df in dfs])
    files = [
        DocumentFileOut.of(df, download_url=reverse("api:document_file", kwargs={"document_id": doc.pk,
                                                                                   "file_id": df.pk}),
                           verification=checked.get(df.stored_file_id))
        for df in dfs
    ]
    return DocumentDetail.of(doc, files=files)


@router.get("/documents/{int:document_id}", response=DocumentDetail, url_name="document_detail",
            summary="Chi tiết văn bản")
def document_detail(request, document_id: Id):
    doc = _visible_document(request, document_id)
    services.document_record_view(actor=request.auth, document=doc)
    return _detail(doc)


@router.get("/documents/{int:document_id}/files/{int:file_id}", url_name="document_file",
            summary="Tải tệp gốc của văn bản",
            openapi_extra={"responses": {200: {"description": "Nội dung gốc của tệp",
                                               "content": {"application/octet-stream": {}}}}})
def document_file(request, document_id: Id, file_id: Id):
    try:
        df = selectors.document_file_get(user=request.auth, document_id=document_id, file_id=file_id)
    except NotFound:
        services.document_record_denied(actor=request.auth, document_id=document_id)
        raise
    services.document_record_view(actor=request.auth, document=df.document, action=AuditAction.DOWNLOADED,
                                  detail=df.filename)
    return original_response(stored_file=df.stored_file, filename=df.filename)


_METADATA_RESPONSE = {"responses": {200: {"description": "Siêu dữ liệu theo tên trường Phụ lục VI NĐ 30/2020",
                                           "content": {"application/json": {}, "application/xml": {}}}}}


@router.get("/documents/{int:document_id}/metadata", url_name="document_metadata",
            summary="Siêu dữ liệu văn bản theo Phụ lục VI (JSON hoặc XML)", openapi_extra=_METADATA_RESPONSE)
def document_metadata(request, document_id: Id, params: Query[MetadataQuery]):
    """The document's metadata with the element names of NĐ30 Phụ lục VI; the same visibility as the document."""
    from lienthong.documents import metadata

    doc = _visible_document(request, document_id)
    if not metadata.has_metadata(doc):
        raise NotFound(_("Văn bản đã gỡ theo yêu cầu thu hồi: không còn siêu dữ liệu để xuất."))
    content, content_type = metadata.render(metadata.document_metadata(document=doc), fmt=params.format,
                                            root="Document")
    services.document_record_view(actor=request.auth, document=doc, action=AuditAction.DOWNLOADED,
                                  detail=_("Siêu dữ liệu (%(f)s)") % {"f": params.format.upper()})
    return HttpResponse(content, content_type=content_type)


def _registering_agency(user, agency_id: int | None) -> Agency:
    """The agency to register in: the one named, or the caller's only clerk agency."""
    clerk_of = Agency.objects.filter(pk__in=account_selectors.agency_ids_for(user=user, roles=[Role.CLERK]))
    if agency_id is None:
        agencies = list(clerk_of[:2])
        if not agencies:
            raise PermissionDenied(_("Chỉ văn thư mới được đăng ký văn bản vào sổ."))
        if len(agencies) > 1:
            raise ValidationFailed({"agency_id": [_("Bạn là văn thư của nhiều cơ quan; cần chọn cơ quan vào sổ.")]})
        return agencies[0]
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        raise ValidationFailed({"agency_id": [_("Không có cơ quan mã số %(id)s.") % {"id": agency_id}]})
    return agency


@router.post("/documents/incoming", response={201: DocumentDetail}, url_name="document_register_incoming",
             summary="Vào sổ văn bản đến (kèm tệp)")
def document_register_incoming(request, data: Form[IncomingIn], files: File[list[UploadedFile]]):
    """Register an incoming document with its files and the next số đến of the agency's register.

    Either everything is stored (record, number, files, audit entry) or nothing is.
    """
    user = request.auth
    agency = _registering_agency(user, data.agency_id)
    if not account_selectors.user_can_register_in(user=user, agency_id=agency.pk):
        raise PermissionDenied(_("Chỉ văn thư của cơ quan mới được đăng ký văn bản vào sổ."))
    errors: dict[str, list] = {}
    document_type = DocumentType.objects.filter(code=data.document_type.strip(), is_active=True).first()
    if document_type is None:
        errors["document_type"] = [_("Không có loại văn bản mã “%(code)s”.") % {"code": data.document_type}]
    issuer_agency = None
    if data.issuer_agency_id is not None:
        issuer_agency = Agency.objects.filter(pk=data.issuer_agency_id).first()
        if issuer_agency is None:
            errors["issuer_agency_id"] = [_("Không có cơ quan mã số %(id)s.") % {"id": data.issuer_agency_id}]
    if errors:
        raise ValidationFailed(errors)
    doc_input = services.DocumentInput(
        document_type=document_type, subject=data.subject, issued_on=data.issued_on, urgency=data.urgency,
        secrecy=data.secrecy, signer_authority=data.signer_authority, signer_position=data.signer_position,
        signer_name=data.signer_name, recipients_text=data.recipients_text, place=data.place,
        page_count=data.page_count, due_date=data.due_date, notes=data.notes, is_paper=data.is_paper, files=files,
        language=data.language,
    )
    # Registered by hand (paper, e-mail): it enters the same processing flow as a delivered document.
    created = processing_services.incoming_register_paper(
        actor=user, agency=agency, data=doc_input, number_symbol=data.number_symbol, issuer_agency=issuer_agency,
        issuer_name=data.issuer_name, received_on=data.received_on,
    )
    return Status(201, _detail(selectors.document_get(user=user, document_id=created.pk)))


@router.get("/registers/{int:register_id}/metadata", url_name="register_metadata", tags=["Sổ văn bản"],
            summary="Siêu dữ liệu các văn bản của sổ theo Phụ lục VI (JSON hoặc XML)", openapi_extra=_METADATA_RESPONSE)
def register_metadata(request, register_id: Id, params: Query[RegisterMetadataQuery]):
    """Every document of the register the caller may see, with NĐ30 Phụ lục VI names; a register the
    caller may not see answers 404."""
    from lienthong.audit.services import audit_log
    from lienthong.documents import metadata

    register = selectors.registers_visible_to(user=request.auth).filter(pk=register_id).first()
    if register is None:
        raise NotFound(_("Không tìm thấy sổ văn bản."))
    data = metadata.register_metadata(user=request.auth, register=register, year=params.year)
    content, content_type = metadata.render(data, fmt=params.format, root="Register")
    audit_log(actor=request.auth, action=AuditAction.DOWNLOADED, obj_type="register", obj_id=register.pk,
              agency_id=register.agency_id,
              summary=_("Siêu dữ liệu sổ %(r)s %(y)s (%(f)s)") % {"r": register.name, "y": register.year,
                                                                 "f": params.format.upper()})
    return HttpResponse(content, content_type=content_type)


@router.get("/registers", response=RegisterPage, url_name="register_list", tags=["Sổ văn bản"],
            summary="Sổ văn bản của các cơ quan người gọi công tác")
def register_list(request, params: Query[RegisterListQuery]):
    qs = selectors.registers_visible_to(user=request.auth).order_by("agency__name", "-year", "direction", "code")
    if params.year:
        qs = qs.filter(year=params.year)
    if params.direction:
        qs = qs.filter(direction=params.direction)
    start, end = _page_bounds(params.page, params.page_size)
    count = qs.count()
    items = [RegisterOut.of(r) for r in qs[start:end]] if start < count else []
    return {"items": items, "count": count, "page": params.page, "page_size": params.page_size}
