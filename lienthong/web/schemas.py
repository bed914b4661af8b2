"""Shapes of the document endpoints that combine apps: the document detail, whose files carry their signature
check (``lienthong.signing``). The plain shapes (queries, list items, the incoming form, registers) stay in
``lienthong.documents.schemas``; component names are unchanged, so the OpenAPI schema is the same.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from lienthong.signing.api_verification import DocumentFileOut


class DocumentDetail(Schema):
    """Every metadata field the record holds (NĐ 30/2020 Phụ lục VI) plus its original files."""

    id: int
    agency_id: int
    agency_name: str
    agency_identifier_code: str | None
    direction: str
    register_id: int
    register_code: str
    register_name: str
    year: int
    register_number: int
    document_type: str = Field(description="Tên loại văn bản")
    document_type_code: str
    document_type_abbreviation: str
    code_number: str
    code_notation: str
    number_symbol: str
    notation_number: str | None = Field(None, description="Số, đọc từ số, ký hiệu theo ngữ pháp §3.2 (null nếu "
                                                          "không đọc được)")
    notation_year: int | None = Field(None, description="Năm trong số, ký hiệu của văn bản QPPL (30/2020/NĐ-CP: 2020)")
    notation_symbol: str | None = Field(None, description="Ký hiệu, không gồm số và năm (30/2020/NĐ-CP: NĐ-CP)")
    warnings: list[str] = Field(default_factory=list, description="Cảnh báo không chặn về số, ký hiệu (chữ viết tắt "
                                                                  "loại văn bản không có trong danh mục)")
    identifier: str
    issuer_agency_id: int | None
    issuer_name: str
    issuer: str
    place: str
    issued_on: dt.date
    received_on: dt.date | None
    subject: str
    urgency: str
    secrecy: str
    signer_authority: str
    signer_position: str
    signer_name: str
    recipients_text: str
    page_count: int | None
    due_date: dt.date | None
    notes: str
    is_paper: bool
    legally_valid: bool = Field(description="QĐ 28/2018: chữ ký số hợp lệ của người có thẩm quyền và của cơ quan, "
                                            "gửi qua hệ thống")
    status: str
    cancel_reason: str
    cancelled_at: dt.datetime | None
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    files: list[DocumentFileOut]

    @classmethod
    def of(cls, doc, *, files: list[DocumentFileOut]) -> DocumentDetail:
        return cls(
            id=doc.pk, agency_id=doc.agency_id, agency_name=doc.agency.name,
            agency_identifier_code=doc.agency.identifier_code, direction=doc.direction,
            register_id=doc.register_id, register_code=doc.register.code, register_name=doc.register.name,
            year=doc.year, register_number=doc.register_number, document_type=doc.document_type.name,
            document_type_code=doc.document_type.code, document_type_abbreviation=doc.document_type.abbreviation,
            code_number=doc.code_number, code_notation=doc.code_notation, number_symbol=doc.number_symbol,
            notation_number=doc.notation_number, notation_year=doc.notation_year,
            notation_symbol=doc.notation_symbol, warnings=doc.notation_warnings(),
            identifier=doc.identifier, issuer_agency_id=doc.issuer_agency_id, issuer_name=doc.issuer_name,
            issuer=doc.issuer_name, place=doc.place, issued_on=doc.issued_on, received_on=doc.received_on,
            subject=doc.subject, urgency=doc.urgency, secrecy=doc.secrecy, signer_authority=doc.signer_authority,
            signer_position=doc.signer_position, signer_name=doc.signer_name, recipients_text=doc.recipients_text,
            page_count=doc.page_count, due_date=doc.due_date, notes=doc.notes, is_paper=doc.is_paper,
            legally_valid=doc.legally_valid, status=doc.status, cancel_reason=doc.cancel_reason,
            cancelled_at=doc.cancelled_at,
            created_by=str(doc.created_by), created_at=doc.created_at, updated_at=doc.updated_at, files=files,
        )
