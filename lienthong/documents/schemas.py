"""Shapes of the documents API: what comes in (query, multipart form) and what goes out (JSON).

Schemas only parse and describe. Whether a value is acceptable in the domain (a date in the future,
an empty subject, a duplicate số/ký hiệu) is decided by ``documents.services``, so the web form and
the API give the same Vietnamese answers. The document detail, whose files carry their signature check,
is shaped by ``lienthong.web.schemas`` (signing sits above documents).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator

from lienthong.core.choices import Urgency
from lienthong.core.schema_types import DbInt
from lienthong.documents.models import Direction, Language, Secrecy, SignerAuthority


def blank_to_none(value):
    """HTML forms and query strings send "" for an empty optional field; treat it as absent."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


OptionalDate = Annotated[dt.date | None, BeforeValidator(blank_to_none)]
# Bounded to the databases' 64-bit integers (lienthong.core.schema_types): a larger number is a 422, not a 500.
OptionalInt = Annotated[DbInt | None, BeforeValidator(blank_to_none)]

UrgencyCode = Literal[tuple(Urgency.values)]
SecrecyCode = Literal[tuple(Secrecy.values)]
SignerAuthorityCode = Literal[tuple(SignerAuthority.values)]
DirectionFilter = Literal[Direction.INCOMING.value, Direction.OUTGOING.value]

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


class DocumentListQuery(Schema):
    q: Annotated[str | None, BeforeValidator(blank_to_none)] = Field(
        None, max_length=200, description="Từ khóa tìm kiếm (không dấu cũng được)")
    direction: Annotated[DirectionFilter | None, BeforeValidator(blank_to_none)] = Field(
        None, description="in: văn bản đến, out: văn bản đi")
    year: Annotated[int | None, BeforeValidator(blank_to_none)] = Field(None, ge=1900, le=2100)
    sort: Annotated[Literal["relevance", "date"] | None, BeforeValidator(blank_to_none)] = Field(
        None, description="Chỉ khi tìm kiếm: relevance (phù hợp nhất trước, mặc định) hoặc date (mới nhất trước)")
    page: int = Field(1, ge=1)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class RegisterListQuery(Schema):
    year: Annotated[int | None, BeforeValidator(blank_to_none)] = Field(None, ge=1900, le=2100)
    direction: Annotated[Literal[tuple(Direction.values)] | None, BeforeValidator(blank_to_none)] = None
    page: int = Field(1, ge=1)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class IncomingIn(Schema):
    """Metadata of an incoming document (NĐ 30/2020 Phụ lục VI, phần II §II) sent as multipart form fields."""

    agency_id: OptionalInt = Field(
        None, description="Cơ quan vào sổ; bỏ trống khi người gọi là văn thư của đúng một cơ quan")
    document_type: str = Field(..., max_length=40, description="Mã loại văn bản, ví dụ quyet-dinh, cong-van")
    number_symbol: str = Field(..., description=(
        "Số, ký hiệu của văn bản đến theo NĐ 30/2020 (ví dụ 15/QĐ-UBND, 125/UBND-VP), văn bản QPPL "
        "(30/2020/NĐ-CP) hoặc văn bản của Đảng (120-TB/TU); số dưới 10 có số 0 đứng trước"))
    issuer_agency_id: OptionalInt = Field(None, description="Cơ quan ban hành trong danh mục")
    issuer_name: str = Field("", max_length=255, description="Tên cơ quan ban hành (khi không có trong danh mục)")
    issued_on: dt.date = Field(..., description="Ngày ban hành (YYYY-MM-DD)")
    received_on: OptionalDate = Field(None, description="Ngày đến; mặc định hôm nay")
    subject: str = Field(..., description="Trích yếu")
    urgency: UrgencyCode = Urgency.NORMAL.value
    secrecy: SecrecyCode = Secrecy.NORMAL.value
    signer_authority: SignerAuthorityCode = SignerAuthority.NONE.value
    signer_position: str = Field("", max_length=100)
    signer_name: str = Field("", max_length=100)
    recipients_text: str = Field("", max_length=2000, description="Nơi nhận / đơn vị, người nhận")
    place: str = Field("", max_length=100)
    page_count: OptionalInt = Field(None, ge=0, le=100000)
    due_date: OptionalDate = Field(None, description="Hạn xử lý")
    notes: str = Field("", max_length=1000)
    is_paper: bool = False
    language: Literal[tuple(Language.values)] = Field(Language.VI.value, description="Ngôn ngữ (Phụ lục VI)")


class MetadataQuery(Schema):
    format: Literal["json", "xml"] = Field("json", description="json hoặc xml; tên trường theo Phụ lục VI NĐ 30")


class RegisterMetadataQuery(MetadataQuery):
    year: Annotated[int | None, BeforeValidator(blank_to_none)] = Field(
        None, ge=1900, le=2100, description="Chỉ các văn bản của năm này (sổ mỗi năm một quyển)")


class DocumentListItem(Schema):
    id: int
    agency_id: int
    direction: str
    year: int
    register_number: int
    number_symbol: str
    subject: str
    issuer_name: str
    issuer: str = Field(description="Cơ quan ban hành (bằng issuer_name)")
    issued_on: dt.date
    received_on: dt.date | None
    document_type: str = Field(description="Tên loại văn bản")
    document_type_code: str
    urgency: str
    secrecy: str
    status: str
    snippet: str | None = Field(None, description=(
        "Chỉ khi tìm kiếm: đoạn trích dạng HTML an toàn (ký tự đã thoát, từ khớp nằm trong <mark>)"))

    @classmethod
    def of(cls, doc, *, snippet: str | None = None) -> DocumentListItem:
        return cls(
            id=doc.pk, agency_id=doc.agency_id, direction=doc.direction, year=doc.year,
            register_number=doc.register_number, number_symbol=doc.number_symbol, subject=doc.subject,
            issuer_name=doc.issuer_name, issuer=doc.issuer_name, issued_on=doc.issued_on,
            received_on=doc.received_on, document_type=doc.document_type.name,
            document_type_code=doc.document_type.code, urgency=doc.urgency, secrecy=doc.secrecy,
            status=doc.status, snippet=snippet,
        )


class DocumentPage(Schema):
    items: list[DocumentListItem]
    count: int
    count_more: bool = Field(False, description=(
        "Chỉ khi tìm kiếm: có hơn count văn bản khớp (đếm chính xác đến 1000)"))
    page: int
    page_size: int


class RegisterOut(Schema):
    id: int
    agency_id: int
    agency_name: str
    year: int
    direction: str
    code: str
    name: str
    is_secret: bool
    last_number: int

    @classmethod
    def of(cls, register) -> RegisterOut:
        return cls(id=register.pk, agency_id=register.agency_id, agency_name=register.agency.name,
                   year=register.year, direction=register.direction, code=register.code, name=register.name,
                   is_secret=register.is_secret, last_number=register.last_number)


class RegisterPage(Schema):
    items: list[RegisterOut]
    count: int
    page: int
    page_size: int
