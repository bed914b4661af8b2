"""JSON endpoints of documents that reach other apps: the list with full-text search (search), the detail
whose files carry their signature checks (signing), and the registration of an incoming document, which
enters the processing flow (processing). Thin: parse, call a selector or service, shape the answer.

Paths, URL names and OpenAPI operation ids are those these endpoints had in ``lienthong.documents.api``
(the ids are given explicitly: ninja derives them from the module), so clients see no change.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from lienthong.accounts import selectors as account_selectors
from lienthong.core.api_tools import page_bounds, page_of
from lienthong.core.errors import PermissionDenied, ValidationFailed
from lienthong.core.schema_types import Id
from lienthong.documents import access, selectors, services
from lienthong.documents.schemas import DocumentListItem, DocumentListQuery, DocumentPage, IncomingIn
from lienthong.documents.services.inputs import ONLY_CLERKS_REGISTER
from lienthong.processing import services as processing_services
from lienthong.search import selectors as search_selectors
from lienthong.signing import selectors as signing_selectors
from lienthong.signing.api_verification import DocumentFileOut
from lienthong.web import selectors as web_selectors
from lienthong.web.schemas import DocumentDetail

router = Router(tags=["Văn bản"])

# A search answers with its best matches, not an unbounded list: pages go this deep (the count goes further).
SEARCH_MAX_RESULTS = 200

# What the registration endpoint refuses (besides the services' own field errors).
AGENCY_NOT_NAMED = gettext_lazy("Bạn là văn thư của nhiều cơ quan; cần chọn cơ quan vào sổ.")
NO_SUCH_AGENCY = gettext_lazy("Không có cơ quan mã số %(id)s.")
NO_SUCH_DOCUMENT_TYPE = gettext_lazy("Không có loại văn bản mã “%(code)s”.")


def _operation_id(name: str) -> str:
    """The id the operation had when it lived in ``lienthong.documents.api``."""
    return f"lienthong_documents_api_{name}"


@router.get("/documents", response=DocumentPage, url_name="document_list", operation_id=_operation_id("document_list"),
            summary="Danh sách và tìm kiếm văn bản")
def document_list(request, params: Query[DocumentListQuery]):
    """Documents the caller may see, newest first; with ``q``, the best full-text matches (at most 200)."""
    user = request.auth
    if not params.q:
        qs = selectors.document_list(user=user, direction=params.direction, year=params.year)
        return page_of(qs, params.page, params.page_size, DocumentListItem.of)
    start, end = page_bounds(params.page, params.page_size)
    # Rows and snippets only up to the page asked for; the matches are counted apart (exact up to a
    # threshold, "more than" beyond it).
    found = search_selectors.search(user=user, query=params.q, limit=min(end, SEARCH_MAX_RESULTS),
                                    direction=params.direction, year=params.year,
                                    sort=params.sort or search_selectors.RELEVANCE, snippets=(start, end), count=True)
    page_hits = found.hits[start:end] if start < SEARCH_MAX_RESULTS else []
    # Free when the search already joined the type; one query otherwise, never one per row.
    selectors.with_document_types([h.document for h in page_hits])
    items = [DocumentListItem.of(h.document, snippet=h.snippet) for h in page_hits]
    return {"items": items, "count": found.count or 0, "count_more": found.count_more, "page": params.page,
            "page_size": params.page_size}


def _detail(doc) -> DocumentDetail:
    dfs = selectors.document_files(document=doc)
    checked = signing_selectors.verifications_for(stored_file_ids=[df.stored_file_id for df in dfs])
    files = [
        DocumentFileOut.of(df, download_url=reverse("api:document_file", kwargs={"document_id": doc.pk,
                                                                                   "file_id": df.pk}),
                           verification=checked.get(df.stored_file_id))
        for df in dfs
    ]
    return DocumentDetail.of(doc, files=files)


@router.get("/documents/{int:document_id}", response=DocumentDetail, url_name="document_detail",
            operation_id=_operation_id("document_detail"), summary="Chi tiết văn bản")
def document_detail(request, document_id: Id):
    doc = access.document_for(user=request.auth, document_id=document_id)
    services.document_record_view(actor=request.auth, document=doc)
    return _detail(doc)


def _registering_agency(user, agency_id: int | None):
    """The agency to register in: the one named, or the caller's only clerk agency."""
    if agency_id is None:
        agencies = web_selectors.clerk_agencies(user=user, limit=2)
        if not agencies:
            raise PermissionDenied(str(web_selectors.NOT_A_CLERK))
        if len(agencies) > 1:
            raise ValidationFailed({"agency_id": [AGENCY_NOT_NAMED]})
        return agencies[0]
    agency = web_selectors.agency_or_none(agency_id=agency_id)
    if agency is None:
        raise ValidationFailed({"agency_id": [NO_SUCH_AGENCY % {"id": agency_id}]})
    return agency


@router.post("/documents/incoming", response={201: DocumentDetail}, url_name="document_register_incoming",
             operation_id=_operation_id("document_register_incoming"), summary="Vào sổ văn bản đến (kèm tệp)")
def document_register_incoming(request, data: Form[IncomingIn], files: File[list[UploadedFile]]):
    """Register an incoming document with its files and the next số đến of the agency's register.

    Either everything is stored (record, number, files, audit entry) or nothing is.
    """
    user = request.auth
    agency = _registering_agency(user, data.agency_id)
    if not account_selectors.user_can_register_in(user=user, agency_id=agency.pk):
        raise PermissionDenied(str(ONLY_CLERKS_REGISTER))
    errors: dict[str, list] = {}
    document_type = selectors.document_type_by_code(code=data.document_type.strip())
    if document_type is None:
        errors["document_type"] = [NO_SUCH_DOCUMENT_TYPE % {"code": data.document_type}]
    issuer_agency = None
    if data.issuer_agency_id is not None:
        issuer_agency = web_selectors.agency_or_none(agency_id=data.issuer_agency_id)
        if issuer_agency is None:
            errors["issuer_agency_id"] = [NO_SUCH_AGENCY % {"id": data.issuer_agency_id}]
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
