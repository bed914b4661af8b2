"""JSON endpoints for electronic copies: make one of a document (văn thư), read one."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from ninja import Router, Schema, Status

from lienthong.copies import selectors, services
from lienthong.core.schema_types import Id

router = Router(tags=["Bản sao văn bản"])


class CopyIn(Schema):
    form: str
    signer_id: int
    recipients_text: str
    pages: str = ""
    pin: str = ""


class CopyOut(Schema):
    id: int
    document_id: int
    original_id: int
    form: str
    form_name: str
    number_symbol: str
    issued_on: dt.date
    pages: str
    signer_name: str
    signer_position: str
    signed_at: dt.datetime
    recipients_text: str
    file_url: str | None


def _out(copy) -> dict:
    df = copy.copy.files.order_by("order", "id").first()
    return {
        "id": copy.pk, "document_id": copy.copy_id, "original_id": copy.original_id, "form": copy.form,
        "form_name": copy.get_form_display(), "number_symbol": copy.copy.number_symbol,
        "issued_on": copy.copy.issued_on, "pages": copy.pages, "signer_name": copy.signer_name,
        "signer_position": copy.signer_position, "signed_at": copy.signed_at,
        "recipients_text": copy.copy.recipients_text,
        "file_url": (reverse("api:document_file", kwargs={"document_id": copy.copy_id, "file_id": df.pk})
                     if df else None),
    }


@router.post("/documents/{int:document_id}/copies", response={201: CopyOut}, url_name="copy_create",
             summary="Sao văn bản (sao y, trích sao, sao lục) thành bản sao điện tử có ký số cơ quan")
def copy_create(request, document_id: Id, payload: CopyIn):
    copy = services.copy_create(actor=request.auth, original_id=document_id, form=payload.form,
                                signer_id=payload.signer_id, recipients_text=payload.recipients_text,
                                pages=payload.pages, pin=payload.pin)
    return Status(201, _out(copy))


@router.get("/copies/{int:copy_id}", response=CopyOut, url_name="copy_detail", summary="Chi tiết bản sao")
def copy_detail(request, copy_id: Id):
    return _out(selectors.copy_get(user=request.auth, copy_id=copy_id))
