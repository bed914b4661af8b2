"""JSON endpoints of the documents app alone: originals, metadata, registers. Thin: parse, call a selector
or service, shape the answer.

Visibility comes from ``documents.selectors`` only; a document the caller may not see answers 404
exactly like one that does not exist, and the attempt is written to the audit log. Errors raised
by services (``DomainError``) are turned into JSON by the handlers in ``lienthong.api``. The list with
search, the detail with signature checks and the registration of incoming documents (which enter
processing) are in ``lienthong.web.api``, under the same paths and operation ids.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router

from lienthong.core.api_tools import page_of
from lienthong.core.errors import NotFound
from lienthong.core.schema_types import Id
from lienthong.documents import access, metadata, selectors
from lienthong.documents.schemas import (
    MetadataQuery,
    RegisterListQuery,
    RegisterMetadataQuery,
    RegisterOut,
    RegisterPage,
)
from lienthong.files import original_response

router = Router(tags=["Văn bản"])


@router.get("/documents/{int:document_id}/files/{int:file_id}", url_name="document_file",
            summary="Tải tệp gốc của văn bản",
            openapi_extra={"responses": {200: {"description": "Nội dung gốc của tệp",
                                               "content": {"application/octet-stream": {}}}}})
def document_file(request, document_id: Id, file_id: Id):
    df = access.document_file_for(user=request.auth, document_id=document_id, file_id=file_id)
    access.document_file_downloaded(actor=request.auth, document_file=df)
    return original_response(stored_file=df.stored_file, filename=df.filename)


_METADATA_RESPONSE = {"responses": {200: {"description": "Siêu dữ liệu theo tên trường Phụ lục VI NĐ 30/2020",
                                           "content": {"application/json": {}, "application/xml": {}}}}}


@router.get("/documents/{int:document_id}/metadata", url_name="document_metadata",
            summary="Siêu dữ liệu văn bản theo Phụ lục VI (JSON hoặc XML)", openapi_extra=_METADATA_RESPONSE)
def document_metadata(request, document_id: Id, params: Query[MetadataQuery]):
    """The document's metadata with the element names of NĐ30 Phụ lục VI; the same visibility as the document."""
    doc = access.document_for(user=request.auth, document_id=document_id)
    if not metadata.has_metadata(doc):
        raise NotFound(_("Văn bản đã gỡ theo yêu cầu thu hồi: không còn siêu dữ liệu để xuất."))
    content, content_type = metadata.render(metadata.document_metadata(document=doc), fmt=params.format,
                                            root="Document")
    access.document_metadata_downloaded(actor=request.auth, document=doc, fmt=params.format)
    return HttpResponse(content, content_type=content_type)


@router.get("/registers/{int:register_id}/metadata", url_name="register_metadata", tags=["Sổ văn bản"],
            summary="Siêu dữ liệu các văn bản của sổ theo Phụ lục VI (JSON hoặc XML)", openapi_extra=_METADATA_RESPONSE)
def register_metadata(request, register_id: Id, params: Query[RegisterMetadataQuery]):
    """Every document of the register the caller may see, with NĐ30 Phụ lục VI names; a register the
    caller may not see answers 404."""
    try:
        register = selectors.register_get(user=request.auth, register_id=register_id)
    except NotFound:
        raise NotFound(_("Không tìm thấy sổ văn bản.")) from None
    data = metadata.register_metadata(user=request.auth, register=register, year=params.year)
    content, content_type = metadata.render(data, fmt=params.format, root="Register")
    access.register_metadata_downloaded(actor=request.auth, register=register, fmt=params.format)
    return HttpResponse(content, content_type=content_type)


@router.get("/registers", response=RegisterPage, url_name="register_list", tags=["Sổ văn bản"],
            summary="Sổ văn bản của các cơ quan người gọi công tác")
def register_list(request, params: Query[RegisterListQuery]):
    qs = selectors.registers_listed(user=request.auth, year=params.year, direction=params.direction)
    return page_of(qs, params.page, params.page_size, RegisterOut.of)
