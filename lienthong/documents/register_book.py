"""The printable register book (sổ đăng ký văn bản đi / đến / bản sao), Decree 30 Appendix IV.

Decree 30 Art. 16 and 22: a register kept in the system must be printed with all its fields, signed
and bound. The book is a cover (the agency, the title, the year, the date and number range, the
volume) followed by the table with the Appendix IV columns, one row per number in number order.
Cancelled records stay in the book with the reason in "Ghi chú": numbers are never removed.

Columns the system does not record (who took the kept copy, how many copies, the hand-over date,
the signature of receipt) are printed empty, for the clerk to fill in by hand as on a paper book.

Rows come from one ``values()`` query read with ``iterator()``, so a register of 20 000 rows is never
held as model instances. WeasyPrint is imported when a book is printed (``files.pdf_in_parts``, about 3 s cold).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Min
from django.utils.translation import gettext as _

from lienthong.core import exports
from lienthong.core.choices import Urgency
from lienthong.core.text import fold
from lienthong.documents.models import Direction, Document, DocumentStatus, Register, Secrecy
from lienthong.files import pdf_in_parts

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 2000  # rows fetched from the database at a time
PDF_CHUNK_ROWS = 400  # rows laid out by one WeasyPrint pass (see register_book_pdf)

_FIELDS = (
    "register_number", "number_symbol", "issued_on", "received_on", "document_type__name", "subject",
    "signer_position", "signer_name", "recipients_text", "issuer_name", "notes", "status", "cancel_reason",
    "urgency", "secrecy",
)


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # share of the printable width in the PDF, in per cent; also sets the XLSX column width
    kind: str = "text"  # text | symbol | date | number | blank


def outgoing_columns() -> list[Column]:
    """Sổ đăng ký văn bản đi, Appendix IV: 10 columns."""
    return [
        Column(_("Số, ký hiệu văn bản"), 12.5, "symbol"),
        Column(_("Ngày tháng văn bản"), 8, "date"),
        Column(_("Tên loại và trích yếu nội dung"), 20.5),
        Column(_("Người ký"), 12),
        Column(_("Nơi nhận văn bản"), 12.5),
        Column(_("Đơn vị, người nhận bản lưu"), 8, "blank"),
        Column(_("Số lượng bản"), 5, "blank"),
        Column(_("Ngày chuyển"), 6.5, "blank"),
        Column(_("Ký nhận"), 6.5, "blank"),
        Column(_("Ghi chú"), 8.5),
    ]


def incoming_columns() -> list[Column]:
    """Sổ đăng ký văn bản đến, Appendix IV: 10 columns."""
    return [
        Column(_("Ngày đến"), 7.5, "date"),
        Column(_("Số đến"), 5, "number"),
        Column(_("Tác giả"), 14),
        Column(_("Số, ký hiệu"), 12.5, "symbol"),
        Column(_("Ngày tháng văn bản"), 7.5, "date"),
        Column(_("Tên loại và trích yếu nội dung"), 22.5),
        Column(_("Đơn vị hoặc người nhận"), 10, "blank"),
        Column(_("Ngày chuyển"), 6.5, "blank"),
        Column(_("Ký nhận"), 6.5, "blank"),
        Column(_("Ghi chú"), 8),
    ]


def columns_for(direction: str) -> list[Column]:
    # A copy register numbers its copies like outgoing documents (số, ký hiệu, date, signer, recipients).
    return incoming_columns() if direction == Direction.INCOMING else outgoing_columns()


def book_title(direction: str) -> str:
    return {
        Direction.OUTGOING: _("SỔ ĐĂNG KÝ VĂN BẢN ĐI"),
        Direction.INCOMING: _("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"),
        Direction.COPY: _("SỔ ĐĂNG KÝ BẢN SAO"),
    }[direction]


@dataclass(frozen=True)
class Cover:
    parent_name: str
    agency_name: str
    title: str
    subtitle: str
    year: int
    date_from: dt.date | None
    date_to: dt.date | None
    number_from: int | None
    number_to: int | None
    volume: str = "01"

    @property
    def date_from_text(self) -> str:
        return format_date(self.date_from) or "…………"

    @property
    def date_to_text(self) -> str:
        return format_date(self.date_to) or "…………"

    @property
    def number_from_text(self) -> str:
        return _number(self.number_from) or "……"

    @property
    def number_to_text(self) -> str:
        return _number(self.number_to) or "……"


def format_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _number(value: int | None) -> str:
    return f"{value:02d}" if value else ""


def volume_count(*, register: Register) -> int:
    """How many printed volumes (quyển) the register fills, ``settings.REGISTER_BOOK_VOLUME_SIZE`` numbers each."""
    size = settings.REGISTER_BOOK_VOLUME_SIZE
    return max(1, -(-register.last_number // size))


def volume_ranges(*, register: Register) -> list[dict]:
    """The printed volumes with their number ranges: [{"number": 1, "first": 1, "last": 500}, …]."""
    size = settings.REGISTER_BOOK_VOLUME_SIZE
    return [{"number": v + 1, "first": v * size + 1, "last": min((v + 1) * size, register.last_number)}
            for v in range(volume_count(register=register))]


def _in_volume(queryset, volume: int | None):
    if not volume:
        return queryset
    size = settings.REGISTER_BOOK_VOLUME_SIZE
    return queryset.filter(register_number__gt=(volume - 1) * size, register_number__lte=volume * size)


def book_cover(*, register: Register, volume: int | None = None) -> Cover:
    """The cover block: the agency and its parent in capitals, the title, and the range the book covers."""
    agency = register.agency
    parent = agency.parent if agency.parent_id else None
    date_field = "received_on" if register.direction == Direction.INCOMING else "issued_on"
    span = _in_volume(Document.objects.filter(register=register), volume).aggregate(
        number_from=Min("register_number"), number_to=Max("register_number"),
        date_from=Min(date_field), date_to=Max(date_field),
    )
    title = book_title(register.direction)
    subtitle_parts = []
    if fold(register.name) != fold(title):
        subtitle_parts.append(register.name)
    if register.issuing_body_name:
        subtitle_parts.append(register.issuing_body_name)
    return Cover(
        parent_name=parent.name.upper() if parent else "",
        agency_name=agency.name.upper(),
        title=title,
        subtitle=" – ".join(subtitle_parts),
        year=register.year,
        volume=f"{volume or 1:02d}",
        **span,
    )


def _type_and_subject(type_name: str, subject: str) -> str:
    """"Tên loại và trích yếu": the type name, unless the subject already starts with it."""
    if not type_name or fold(subject).startswith(fold(type_name)):
        return subject
    return f"{type_name} {subject}"


def _notes(row: dict) -> str:
    parts = []
    if row["urgency"] != Urgency.NORMAL:
        parts.append(str(Urgency(row["urgency"]).label))
    if row["secrecy"] != Secrecy.NORMAL:
        parts.append(str(Secrecy(row["secrecy"]).label))
    if row["notes"]:
        parts.append(row["notes"])
    if row["status"] == DocumentStatus.CANCELLED:
        parts.append(_("Đã hủy: %(reason)s") % {"reason": row["cancel_reason"]})
    return "\n".join(parts)


def _signer(row: dict) -> str:
    return "\n".join(p for p in (row["signer_name"], row["signer_position"]) if p)


def book_rows(*, register: Register, volume: int | None = None) -> Iterator[tuple[bool, list]]:
    """(cancelled, cells) for every record of ``register`` in number order, from one streamed query.

    Dates are ``datetime.date`` and numbers ``int``; empty strings stand for the hand-filled columns.
    """
    rows = (
        _in_volume(Document.objects.filter(register=register), volume)
        .order_by("register_number")
        .values(*_FIELDS)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    incoming = register.direction == Direction.INCOMING
    for row in rows:
        content = _type_and_subject(row["document_type__name"], row["subject"])
        notes = _notes(row)
        if incoming:
            cells = [row["received_on"], row["register_number"], row["issuer_name"], row["number_symbol"],
                     row["issued_on"], content, "", "", "", notes]
        else:
            cells = [row["number_symbol"], row["issued_on"], content, _signer(row), row["recipients_text"],
                     "", "", "", "", notes]
        yield row["status"] == DocumentStatus.CANCELLED, cells


def _running_title(register: Register) -> str:
    return _("%(title)s · %(agency)s · Năm %(year)s") % {
        "title": book_title(register.direction).capitalize(), "agency": register.agency.short_name,
        "year": register.year,
    }


# A "số, ký hiệu" up to this length fits its column on one line; keeping it whole stops the line
# breaking at the hyphen ("01/TB-" / "VP.UBND"). Longer ones wrap rather than overflow the cell.
SYMBOL_NOWRAP_MAX = 16


def _css_class(kind: str, value) -> str:
    if kind == "symbol":
        return "symbol" if len(value) <= SYMBOL_NOWRAP_MAX else "text"
    return kind


def _printable(value) -> str:
    if isinstance(value, dt.date):
        return format_date(value)
    return str(value)


def register_book_pdf(*, register, volume: int | None = None) -> bytes:
    """The book as an A4 landscape PDF in Liberation Serif (Times New Roman metrics).

    The rows are laid out in parts of ``PDF_CHUNK_ROWS`` (``files.pdf_in_parts``: WeasyPrint keeps the
    whole layout of a long table in memory), each part continuing the page numbering of the one before;
    the first part carries the cover.
    """
    columns = columns_for(register.direction)
    context = {"cover": book_cover(register=register, volume=volume), "columns": columns,
               "running_title": _running_title(register)}
    printable = (
        (cancelled, [(_css_class(column.kind, value), _printable(value))
                     for column, value in zip(columns, cells, strict=True)])
        for cancelled, cells in book_rows(register=register, volume=volume)
    )
    return pdf_in_parts(printable, rows_per_part=PDF_CHUNK_ROWS, template="documents/register_book_pdf.html",
                        context=context, first_part_flag="with_cover")


def register_book_xlsx(*, register) -> bytes:
    """The book as a workbook: the cover block on top, then the header row and one row per number."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    columns = columns_for(register.direction)
    cover = book_cover(register=register)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_("Sổ %(year)s") % {"year": register.year})
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(9, round(column.width * 1.9))

    font = "Times New Roman"
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    centre_top = Alignment(horizontal="center", vertical="top")
    body_font = Font(name=font, size=12)

    def cover_line(text, *, size=12, bold=False):
        cell = WriteOnlyCell(ws, value=exports.cell_value(text))
        cell.font = Font(name=font, size=size, bold=bold)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        return [cell]

    last = get_column_letter(len(columns))
    cover_rows = [
        cover_line(cover.parent_name),
        cover_line(cover.agency_name, bold=True),
        cover_line(""),
        cover_line(cover.title, size=16, bold=True),
    ]
    if cover.subtitle:
        cover_rows.append(cover_line(cover.subtitle))
    cover_rows += [
        cover_line(_("Năm: %(year)s") % {"year": cover.year}),
        cover_line(_("Từ ngày %(a)s đến ngày %(b)s") % {"a": cover.date_from_text, "b": cover.date_to_text}),
        cover_line(_("Từ số %(a)s đến số %(b)s") % {"a": cover.number_from_text, "b": cover.number_to_text}),
        cover_line(_("Quyển số: %(v)s") % {"v": cover.volume}),
        [],
    ]
    header_row = len(cover_rows) + 1
    # A write-only sheet writes its view settings with the first row: freeze below the header now.
    ws.freeze_panes = f"A{header_row + 2}"
    ws.print_title_rows = f"{header_row}:{header_row + 1}"
    for number, row in enumerate(cover_rows, start=1):
        if row:
            ws.merged_cells.add(f"A{number}:{last}{number}")
        ws.append(row)

    def header_cell(text, *, size=12):
        cell = WriteOnlyCell(ws, value=exports.cell_value(text))
        cell.font = Font(name=font, size=size, bold=True)
        cell.alignment = centre
        cell.border = box
        return cell

    ws.append([header_cell(c.title) for c in columns])
    ws.append([header_cell(f"({i})", size=10) for i in range(1, len(columns) + 1)])

    cancelled_font = Font(name=font, size=12, color="555555")
    for cancelled, cells in book_rows(register=register):
        out = []
        for column, value in zip(columns, cells, strict=True):
            # text typed by users ("=HYPERLINK(…)", "- Như trên") is never a formula: core.exports
            cell = WriteOnlyCell(ws, value=exports.cell_value(value) if value != "" else None)
            cell.font = cancelled_font if cancelled else body_font
            cell.border = box
            cell.alignment = wrap
            if column.kind == "date":
                cell.number_format = "DD/MM/YYYY"
                cell.alignment = centre_top
            elif column.kind == "number":
                cell.alignment = centre_top
            out.append(cell)
        ws.append(out)

    return exports.workbook_bytes(wb)
