"""The two printouts of incoming-document processing (NĐ30 Phụ lục IV):

- the **Phiếu giải quyết văn bản đến** of one document (§VII): heading, the document, then 1. the agency
  leader's instruction (lead and supporting units or people, their deadlines, the date), 2. each unit
  leader's hand-on (person, deadline, date), 3. the handlers' proposals (notes, results, dates). What
  the system has not recorded yet is printed as dotted lines, to be filled in by hand as on paper;
- the **Sổ theo dõi giải quyết văn bản đến** of one agency for a period (§VIII), A4 landscape, with
  the seven columns of the template.

Both follow the register book (``documents.register_book``): Liberation Serif (Times New Roman
metrics), WeasyPrint imported inside the functions, long tables laid out in parts (``files.pdf_in_parts``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.core.choices import Urgency
from lienthong.core.text import fold
from lienthong.documents.models import DocumentStatus
from lienthong.files import pdf_in_parts
from lienthong.processing import selectors
from lienthong.processing.models import OPEN_STATES, Assignment, AssignmentRole, Handling, HandlingState

PDF_CHUNK_ROWS = 300  # rows of the tracking book laid out by one WeasyPrint pass
_ROLE_ORDER = {AssignmentRole.LEAD: 0, AssignmentRole.SUPPORT: 1, AssignmentRole.INFO: 2}


def date_text(value: dt.date | dt.datetime | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def date_words(value: dt.date) -> str:
    """"ngày 05 tháng 3 năm 2018": a leading 0 for days below 10 and for January and February (PL1 §II.4)."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return _("ngày %(d)s tháng %(m)s năm %(y)s") % {"d": f"{value.day:02d}", "m": month, "y": value.year}


def _local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def organ_line(name: str) -> str:
    """The line of the agency above the issuing one, in capitals, with "Ủy ban nhân dân" shortened as
    documents print it ("UBND TỈNH HẬU GIANG", PL1 §II.2)."""
    return name.upper().replace("ỦY BAN NHÂN DÂN", "UBND").replace("HỘI ĐỒNG NHÂN DÂN", "HĐND")


_PLACE_WORDS = ("THÀNH PHỐ", "THỊ XÃ", "THỊ TRẤN", "TỈNH", "HUYỆN", "QUẬN", "PHƯỜNG", "XÃ")


def organ_lines(name: str, width: int = 26) -> list[str]:
    """The issuing agency's name in capitals, broken before its place ("ỦY BAN NHÂN DÂN" / "HUYỆN VỊ
    THỦY") when it is too long for the heading's left column, as it is written by hand."""
    upper = name.upper()
    if len(upper) <= width:
        return [upper]
    cut = max((upper.rfind(f" {w} ") for w in _PLACE_WORDS), default=-1)
    return [upper[:cut], upper[cut + 1:]] if cut > 0 else [upper]


def _who(a: Assignment) -> str:
    return a.unit.name if a.unit_id else str(a.user)


def _type_and_number(doc) -> str:
    """"Báo cáo số 01/BC-UBND ngày 12/03/2018 của Ủy ban nhân dân xã Vị Thắng"."""
    parts = [doc.document_type.name]
    if doc.number_symbol:
        parts.append(_("số %(s)s") % {"s": doc.number_symbol})
    parts.append(_("ngày %(d)s") % {"d": date_text(doc.issued_on)})
    if doc.issuer_name:
        parts.append(_("của %(a)s") % {"a": doc.issuer_name})
    return " ".join(parts)


@dataclass
class Opinion:
    """One signed block of the phiếu: lines of text, then the date and the name on the right."""

    lines: list[str]
    notes: list[str] = field(default_factory=list)
    on: dt.date | None = None
    by: str = ""

    @property
    def on_words(self) -> str:
        return date_words(self.on) if self.on else ""


def _assignment_line(a: Assignment) -> str:
    deadline = _("; hạn giải quyết: %(d)s") % {"d": date_text(a.deadline)} if a.deadline else ""
    if a.role == AssignmentRole.LEAD:
        return _("Giao %(w)s chủ trì giải quyết%(d)s.") % {"w": _who(a), "d": deadline}
    if a.role == AssignmentRole.SUPPORT:
        return _("Giao %(w)s phối hợp%(d)s.") % {"w": _who(a), "d": deadline}
    return _("Gửi %(w)s để biết.") % {"w": _who(a)}


def _opinions(assignments: list[Assignment]) -> list[Opinion]:
    """The lines of one level, one block per (person who assigned, day)."""
    blocks: dict[tuple, Opinion] = {}
    for a in sorted(assignments, key=lambda x: (x.assigned_at, _ROLE_ORDER.get(x.role, 9), x.pk)):
        key = (a.assigned_by_id, _local_date(a.assigned_at))
        block = blocks.setdefault(key, Opinion(lines=[], on=key[1], by=str(a.assigned_by)))
        block.lines.append(_assignment_line(a))
        if a.instruction:
            block.notes.append(f"{_who(a)}: {a.instruction}" if len(assignments) > 1 else a.instruction)
    return list(blocks.values())


def slip_context(*, handling: Handling) -> dict:
    """What the phiếu prints, from the handling, its assignment tree and their notes (four queries)."""
    doc = handling.document
    agency = doc.agency
    tree = selectors.assignment_tree(handling=handling)
    top = [a for a in tree if a.parent_id is None]
    by_parent: dict[int, list[Assignment]] = {}
    for a in tree:
        if a.parent_id:
            by_parent.setdefault(a.parent_id, []).append(a)
    units = []
    for parent in sorted(top, key=lambda x: (_ROLE_ORDER.get(x.role, 9), x.pk)):
        if parent.unit_id and by_parent.get(parent.pk):
            units.append((parent.unit.name, _opinions(by_parent[parent.pk])))
    proposals: list[tuple[dt.datetime, Opinion]] = []
    for a in tree:
        for n in a.notes.all():
            proposals.append((n.created_at, Opinion(lines=[n.text], on=_local_date(n.created_at), by=str(n.author))))
        # A unit's part closed by its lead person repeats that person's words: only what was written.
        handed_on = a.pk in by_parent
        if a.state not in OPEN_STATES and a.completed_at and (a.result or (a.reply_document_id and not handed_on)):
            parts = [a.result.rstrip(" .") + "."] if a.result else []
            if a.reply_document_id:
                parts.append(_("Văn bản trả lời số %(s)s.") % {"s": a.reply_document.number_symbol})
            by = str(a.user) if a.user_id else a.unit.name
            proposals.append((a.completed_at, Opinion(lines=[" ".join(parts)], on=_local_date(a.completed_at),
                                                      by=by)))
    proposals.sort(key=lambda item: item[0])
    parent_agency = agency.parent if agency.parent_id else None
    return {
        "parent_name": organ_line(parent_agency.name) if parent_agency else "",
        "agency_lines": organ_lines(agency.name),
        "place": agency.place_name or "",
        "today_words": date_words(timezone.localdate()),
        "doc": doc, "handling": handling,
        "heading": _type_and_number(doc),
        "leader": _opinions(top),
        "units": units,
        "proposals": [o for _at, o in proposals],
    }


def _render(html: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html).write_pdf()


def handling_slip_pdf(*, handling: Handling) -> bytes:
    """The Phiếu giải quyết văn bản đến of one document, A4 portrait."""
    return _render(render_to_string("processing/phieu_pdf.html", slip_context(handling=handling)))


# --- Sổ theo dõi giải quyết văn bản đến --------------------------------------------------------------

def tracking_columns() -> list[tuple[str, float]]:
    """The seven columns of PL4 §VIII with their share of the printable width (per cent)."""
    return [
        (_("Số đến"), 6),
        (_("Tên loại, số, ký hiệu, ngày, tháng và tên cơ quan, tổ chức ban hành văn bản"), 26),
        (_("Đơn vị hoặc người nhận"), 20),
        (_("Thời hạn giải quyết"), 9),
        (_("Tiến độ giải quyết"), 15),
        (_("Số, ký hiệu văn bản trả lời"), 12),
        (_("Ghi chú"), 12),
    ]


def _progress(h: Handling, lead: Assignment | None, today: dt.date) -> str:
    if h.state == HandlingState.DONE:
        return _("Hoàn thành ngày %(d)s") % {"d": date_text(_local_date(h.completed_at))} if h.completed_at \
            else str(HandlingState.DONE.label)
    text = str(HandlingState(h.state).label)
    if lead is not None and h.state in (HandlingState.ASSIGNED, HandlingState.IN_PROGRESS):
        if lead.progress:  # a unit's own figure; the people it handed the work on to report theirs
            text += f" ({lead.progress}%)"
        if lead.deadline and lead.deadline < today:
            text += "\n" + _("Quá hạn")
    return text


def tracking_row(h: Handling, today: dt.date) -> list[str]:
    doc = h.document
    tops = sorted(h.assignments.all(), key=lambda a: (_ROLE_ORDER.get(a.role, 9), a.pk))
    lead = next((a for a in tops if a.role == AssignmentRole.LEAD), None)
    # "Thời hạn giải quyết" is the document's (the lead's); a supporting part with a deadline of its own
    # carries it next to its name.
    deadline = lead.deadline if lead is not None else None
    receivers = "\n".join(
        f"{a.get_role_display()}: {_who(a)}" + (
            _(" (hạn %(d)s)") % {"d": date_text(a.deadline)} if a.deadline and a is not lead and a.deadline != deadline
            else "") for a in tops)
    content = _type_and_number(doc)
    subject = doc.subject if len(doc.subject) <= 160 else doc.subject[:157].rstrip() + "…"
    if fold(subject) != fold(content):
        content += "\n" + _("V/v %(s)s") % {"s": subject}
    reply = ""
    if h.reply_document_id:
        reply = f"{h.reply_document.number_symbol}\n{date_text(h.reply_document.issued_on)}"
    notes = []
    if h.state == HandlingState.DONE and h.completed_at and deadline and _local_date(h.completed_at) > deadline:
        notes.append(_("Hoàn thành sau hạn"))
    if doc.urgency != Urgency.NORMAL:
        notes.append(str(Urgency(doc.urgency).label))
    if doc.status != DocumentStatus.ACTIVE:
        notes.append(str(DocumentStatus(doc.status).label))
    if doc.notes:
        notes.append(doc.notes)
    return [str(doc.register_number), content, receivers, date_text(deadline), _progress(h, lead, today), reply,
            "\n".join(notes)]


def tracking_book_pdf(*, agency, date_from: dt.date, date_to: dt.date) -> bytes:
    """The Sổ theo dõi giải quyết văn bản đến of ``agency`` for documents received in [date_from, date_to],
    in số đến order, A4 landscape; rendered in parts of ``PDF_CHUNK_ROWS`` rows (``files.pdf_in_parts``)."""
    today = timezone.localdate()
    parent = agency.parent if agency.parent_id else None
    context = {
        "parent_name": organ_line(parent.name) if parent else "", "agency_name": agency.name.upper(),
        "date_from": date_text(date_from), "date_to": date_text(date_to), "columns": tracking_columns(),
        "running_title": _("Sổ theo dõi giải quyết văn bản đến · %(a)s · %(f)s – %(t)s") % {
            "a": agency.short_name or agency.name, "f": date_text(date_from), "t": date_text(date_to)},
    }
    rows = (tracking_row(h, today) for h in selectors.tracking_rows(
        agency_id=agency.pk, date_from=date_from, date_to=date_to).iterator(chunk_size=PDF_CHUNK_ROWS))
    return pdf_in_parts(rows, rows_per_part=PDF_CHUNK_ROWS, template="processing/so_theo_doi_pdf.html",
                        context=context, first_part_flag="with_title")
