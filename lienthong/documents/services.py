"""Writes on documents: registering outgoing and incoming documents, attaching originals, cancelling.

Each service validates everything first (collecting every field error, in Vietnamese), then acts in
one transaction: number, row, files, search index, audit entry. Files written by a transaction that
rolls back are removed again, so a file and its row exist together or not at all.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong import files as file_store
from lienthong.accounts import selectors as account_selectors
from lienthong.agencies.models import Agency
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core import events
from lienthong.core.errors import PermissionDenied, ValidationFailed
from lienthong.core.limits import REASON_MAX_LENGTH, check_max_length
from lienthong.core.text import fold, nfc
from lienthong.documents import notation as notation_grammar
from lienthong.documents.models import (
    Direction, Document, DocumentFile, DocumentGrant, DocumentRelation, DocumentStatus, DocumentType,
    ExtractionStatus, Language, Secrecy, SignerAuthority, StoredFile, TypeKind, Urgency,
)
from lienthong.documents.numbering import allocate_number, format_number, register_for
from lienthong.search import services as search_services

log = logging.getLogger(__name__)

_SPACES = re.compile(r"\s+")
# A due date this far ahead is a typing slip (2108 for 2018), not a deadline.
DUE_DATE_MAX_YEARS_AHEAD = 10
# NĐ30 Phụ lục VI lengths: CodeNotation String 30 (for the ký hiệu this system makes), IssuedAmount Number 3.
CODE_NOTATION_MAX_LENGTH = 30
# An incoming ký hiệu is kept as the sender wrote it; longer than this, it is refused, never cut.
INCOMING_CODE_NOTATION_MAX_LENGTH = 60
CODE_NUMBER_MAX_LENGTH = 11
ISSUED_AMOUNT_MAX = 999
# What a scan of a signed paper page may be (checked through ``files.read_upload`` first).
SCAN_KINDS = ("pdf", "jpeg", "png", "tiff")


def normalize_number_symbol(value: str) -> str:
    """Matching form of a "số, ký hiệu": NFC, upper-case, no blanks, diacritics kept. "32/TB-VP.UBND"
    stays itself; "05/qđ - ubnd" becomes "05/QĐ-UBND"; "08/HD-SNV" (hướng dẫn) and "08/HĐ-SNV" (hợp
    đồng) stay different (vanthu.md §7 rule 1)."""
    return _SPACES.sub("", nfc(value)).upper()


def _folded_name(value: str) -> str:
    return _SPACES.sub(" ", fold(value)).strip()


def issuer_agency_by_name(name: str) -> Agency | None:
    """The directory agency a free-text issuer names: its full or short name, compared without accents,
    case or extra blanks ("uy ban nhan dan tinh hau giang", "UBND tinh Hau Giang"). ``None`` when no
    agency, or more than one, answers to the name."""
    folded = _folded_name(name)
    if not folded:
        return None
    by_name = list(Agency.objects.filter(name_folded=folded).values_list("pk", flat=True)[:2])
    if not by_name:  # a stored fold may keep a double blank: compare in Python over the directory
        by_name = [pk for pk, full, short in Agency.objects.values_list("pk", "name", "short_name")
                   if folded in (_folded_name(full), _folded_name(short))]
    if len(set(by_name)) != 1:
        return None
    return Agency.objects.filter(pk=by_name[0]).first()


def split_number_symbol(value: str) -> tuple[str, str]:
    """("32", "TB-VP.UBND") from "32/TB-VP.UBND"; a value without "/" is all notation."""
    if "/" in value:
        number, notation = value.split("/", 1)
        return number.strip(), notation.strip()
    return "", value.strip()


def document_identifier(*, organ_id: str | None, issued_on: dt.date, number_symbol: str) -> str:
    """DocumentId as exchanged in edXML: "<OrganId>,<yyyy/MM/dd>,<số/ký hiệu>"."""
    if not organ_id or not number_symbol:
        return ""
    return f"{organ_id},{issued_on:%Y/%m/%d},{number_symbol}"


@dataclass
class DocumentInput:
    """Metadata common to outgoing and incoming registration (Decree 30 Appendix VI)."""

    document_type: DocumentType | None
    subject: str
    issued_on: dt.date | None = None
    urgency: str = Urgency.NORMAL
    secrecy: str = Secrecy.NORMAL
    signer_authority: str = ""
    signer_position: str = ""
    signer_name: str = ""
    recipients_text: str = ""
    place: str = ""
    page_count: int | None = None
    due_date: dt.date | None = None
    notes: str = ""
    is_paper: bool = False
    files: list = field(default_factory=list)
    language: str = Language.VI
    issued_amount: int | None = None

    def clean_text(self) -> None:
        for name in ("subject", "signer_position", "signer_name", "recipients_text", "place", "notes"):
            setattr(self, name, nfc(getattr(self, name)))


def earliest_document_date() -> dt.date:
    """No document date a person types is before this (setting ``LIENTHONG_EARLIEST_DOCUMENT_YEAR``)."""
    return dt.date(settings.LIENTHONG_EARLIEST_DOCUMENT_YEAR, 1, 1)


def _too_early(label: str, earliest: dt.date) -> str:
    return _("%(label)s không được trước ngày %(date)s.") % {"label": label, "date": earliest.strftime("%d/%m/%Y")}


def _validate_common(data: DocumentInput, errors: dict, *, today: dt.date) -> None:
    data.clean_text()
    earliest = earliest_document_date()
    if data.document_type is None or not data.document_type.is_active:
        errors.setdefault("document_type", []).append(_("Loại văn bản không hợp lệ."))
    if not data.subject:
        errors.setdefault("subject", []).append(_("Trích yếu không được để trống."))
    elif len(data.subject) > 1000:
        errors.setdefault("subject", []).append(_("Trích yếu dài quá 1000 ký tự."))
    if data.issued_on is None:
        errors.setdefault("issued_on", []).append(_("Cần nhập ngày ban hành."))
    elif data.issued_on < earliest:
        errors.setdefault("issued_on", []).append(_too_early(_("Ngày ban hành"), earliest))
    elif data.issued_on > today:
        errors.setdefault("issued_on", []).append(_("Ngày ban hành không được sau ngày hôm nay."))
    if data.urgency not in Urgency.values:
        errors.setdefault("urgency", []).append(_("Độ khẩn không hợp lệ."))
    if data.secrecy not in Secrecy.values:
        errors.setdefault("secrecy", []).append(_("Độ mật không hợp lệ."))
    if data.signer_authority not in SignerAuthority.values:
        errors.setdefault("signer_authority", []).append(_("Thẩm quyền ký không hợp lệ."))
    if data.page_count is not None and data.page_count < 0:
        errors.setdefault("page_count", []).append(_("Số trang không hợp lệ."))
    if data.language not in Language.values:
        errors.setdefault("language", []).append(_("Ngôn ngữ không hợp lệ."))
    if data.issued_amount is not None and not 1 <= data.issued_amount <= ISSUED_AMOUNT_MAX:
        errors.setdefault("issued_amount", []).append(
            _("Số lượng bản phát hành phải từ 1 đến %(max)s.") % {"max": ISSUED_AMOUNT_MAX})
    if data.due_date and data.issued_on and data.due_date < data.issued_on:
        errors.setdefault("due_date", []).append(_("Hạn xử lý không được trước ngày ban hành."))
    elif data.due_date and data.due_date < earliest:
        errors.setdefault("due_date", []).append(_too_early(_("Hạn xử lý"), earliest))
    elif data.due_date and data.due_date > (latest_due := dt.date(today.year + DUE_DATE_MAX_YEARS_AHEAD, 12, 31)):
        errors.setdefault("due_date", []).append(_("Hạn xử lý không được sau ngày %(date)s.") % {
            "date": latest_due.strftime("%d/%m/%Y")})


@dataclass
class ReadFile:
    """An upload that passed the checks, with its text already extracted when the file is small.

    Extraction happens before the registration's transaction starts, so the register's lock is never
    held while a PDF is parsed.
    """

    name: str
    data: bytes
    kind: file_store.Sniffed
    sha256: str
    text: str = ""
    page_count: int | None = None
    status: str = ExtractionStatus.NONE
    active_content: bool = False  # a PDF kept under the "flag" policy: stored marked, never shown inline


def _read_files(uploads, errors: dict) -> list[ReadFile]:
    """Every upload through ``files.read_upload`` (size, name, content parsed by type); a refused file
    adds its message to ``errors["files"]`` and nothing of it is kept."""
    uploads = list(uploads or [])
    try:
        file_store.check_file_count(sum(not isinstance(u, ReadFile) for u in uploads))
    except ValidationFailed as exc:
        errors.setdefault("files", []).extend(exc.errors["files"])
        return []
    read = []
    for upload in uploads:
        if isinstance(upload, ReadFile):  # already checked (a draft's signed original, a delivered file)
            read.append(upload)
            continue
        try:
            checked = file_store.read_upload(upload)
        except ValidationFailed as exc:
            for msgs in exc.errors.values():
                errors.setdefault("files", []).extend(msgs)
            continue
        data, kind = checked.data, checked.kind
        item = ReadFile(name=nfc(getattr(upload, "name", "") or "tep")[:255], data=data, kind=kind,
                        sha256=file_store.sha256_of(data), active_content=checked.active_content)
        if kind.kind in ("pdf", "docx"):
            if len(data) <= settings.TEXT_EXTRACTION_INLINE_MAX_BYTES:
                item.text, item.page_count, item.status = _extract(data, kind.kind, item.name)
            else:
                item.status = ExtractionStatus.PENDING
        read.append(item)
    return read


def _extract(data: bytes, kind: str, name: str) -> tuple[str, int | None, str]:
    try:
        text, pages = file_store.extract_text(data, kind)
    except Exception:  # unreadable content is kept as an original; only its text is missing
        log.warning("text extraction failed for %s", name, exc_info=True)
        return "", None, ExtractionStatus.FAILED
    return nfc(text.replace("\x00", "")), pages, ExtractionStatus.DONE


def _first_page_count(read: list[ReadFile]) -> int | None:
    return next((f.page_count for f in read if f.page_count is not None), None)


def _check_clerk(actor, agency: Agency) -> None:
    if not account_selectors.user_can_register_in(user=actor, agency_id=agency.pk):
        raise PermissionDenied(_("Chỉ văn thư của cơ quan mới được đăng ký văn bản vào sổ."))


def _store_with_files(build, read_files: list[ReadFile], *, actor, first_order: int = 0) -> Document:
    """Run ``build()`` (which creates the document row) and store the files, all in one transaction."""
    written: list[str] = []
    try:
        with transaction.atomic():
            doc = build()
            pending = _attach(doc, read_files, actor=actor, written=written, first_order=first_order)
            search_services.index_document(document_id=doc.pk)
            if pending:
                transaction.on_commit(lambda: _queue_extraction(pending))
        return doc
    except BaseException:
        files_discard(written)
        raise


def _attach(doc: Document, read_files: list[ReadFile], *, actor, written: list[str], first_order: int) -> list[int]:
    """Store originals and their rows. Returns the ids of files whose text is still to be extracted."""
    pending = []
    stored_rows = files_store(read_files, written=written)
    for order, (f, stored) in enumerate(zip(read_files, stored_rows, strict=True), start=first_order):
        df = DocumentFile.objects.create(
            document=doc, stored_file=stored, filename=f.name, order=order, uploaded_by=actor,
            extracted_text=f.text, page_count=f.page_count, extraction_status=f.status,
        )
        if f.status == ExtractionStatus.PENDING:
            pending.append(df.pk)
    return pending


def _extract_into(df: DocumentFile, data: bytes, kind: str) -> None:
    df.extracted_text, df.page_count, df.extraction_status = _extract(data, kind, df.filename)


def _queue_extraction(file_ids: list[int]) -> None:
    from django_q.tasks import async_task

    for file_id in file_ids:
        async_task("lienthong.documents.tasks.extract_file_text", file_id)


def document_file_extract(*, file_id: int) -> None:
    """Background step: extract the text of one original and refresh the document's search entry."""
    df = DocumentFile.objects.select_related("stored_file").get(pk=file_id)
    if df.extraction_status != ExtractionStatus.PENDING:
        return
    with file_store.open_original(df.stored_file.storage_name) as fh:
        data = fh.read()
    _extract_into(df, data, df.stored_file.kind)
    with transaction.atomic():
        DocumentFile.objects.filter(pk=df.pk).update(
            extracted_text=df.extracted_text, page_count=df.page_count, extraction_status=df.extraction_status
        )
        search_services.index_document(document_id=df.document_id)


def build_notation(*, document_type: DocumentType, agency: Agency, register, unit_abbreviation: str = "") -> str:
    """Ký hiệu per PL1 §II.3b: "<type>-<agency>" for typed documents, "<agency>-<unit>" for a công văn.

    An advisory body's register uses the body's abbreviation in place of the agency's.
    """
    issuer = register.issuing_body_abbreviation or agency.abbreviation
    if document_type.abbreviation:
        return f"{document_type.abbreviation}-{issuer}"
    if unit_abbreviation:
        return f"{issuer}-{unit_abbreviation}"
    return issuer


def agency_may_issue(*, agency: Agency, document_type: DocumentType) -> bool:
    """Whether ``agency`` may issue ``document_type`` as an outgoing document: every NĐ30 type (and a
    copy); a QPPL or legacy type only when the agency is authorised for it (``Agency.issuable_types``,
    editable in the admin; by default Nghị quyết for the provincial HĐND, Quyết định for the UBND)."""
    if document_type.kind not in (TypeKind.LEGAL, TypeKind.LEGACY):
        return True
    return agency.issuable_types.filter(pk=document_type.pk).exists()


@dataclass
class PaperSignature:
    """Who signed a paper document registered outside the drafting flow, and when (NĐ30 Art. 13, 15.2)."""

    signer_id: int | None
    signed_on: dt.date | None
    late_issue_reason: str = ""
    # Checks the signer's authority prefix against the record (vanthu.md §7 rule 6; NĐ30 Art. 13), e.g.
    # ``lienthong.authority.selectors.authority_basis``; raises ValidationFailed. Passed in by the caller
    # rather than imported: the authority app depends on documents (its grants point at Document and
    # DocumentType, its demo registers documents), so documents must not import authority back. Called
    # here, in the validation pass, so its refusal sits with the other field errors and comes before any
    # number is taken.
    authority_check: Callable[..., object] | None = None


def _validate_paper(paper: PaperSignature, data: DocumentInput, agency: Agency, read: list[ReadFile],
                    errors: dict, *, today: dt.date) -> dict:
    """The paper path's own rules; returns the fields it stores on the record.

    The signer is a leader of the agency; the signing date is not in the future and not after the
    issue date; a document not issued on the day it was signed says why (NĐ30 Art. 18.1: the same day,
    at the latest the next working day); at least one file, each a scan (PDF or image) of the signed page.
    """
    from lienthong.accounts.models import Role

    position = None
    if not paper.signer_id:
        errors.setdefault("signer", []).append(_("Cần chọn người đã ký văn bản."))
    else:
        position = (account_selectors.agency_people(agency_id=agency.pk, roles=[Role.LEADER])
                    .filter(user_id=paper.signer_id).first())
        if position is None:
            errors.setdefault("signer", []).append(_("Người ký phải là lãnh đạo của cơ quan ban hành."))
    earliest = earliest_document_date()
    signed_on = paper.signed_on
    reason = nfc(paper.late_issue_reason or "")
    if signed_on is None:
        errors.setdefault("signed_on", []).append(_("Cần nhập ngày ký văn bản."))
    elif signed_on > today:
        errors.setdefault("signed_on", []).append(_("Ngày ký không được sau ngày hôm nay."))
    elif signed_on < earliest:
        errors.setdefault("signed_on", []).append(_too_early(_("Ngày ký"), earliest))
    elif errors.get("issued_on") or not data.issued_on:
        pass  # the issue date is wrong already; its message says so
    elif data.issued_on < signed_on:
        errors.setdefault("issued_on", []).append(_(
            "Ngày ban hành không được trước ngày ký: số và ngày chỉ được cấp sau khi người có thẩm quyền ký."))
    elif data.issued_on != signed_on:
        if not reason:
            errors.setdefault("late_issue_reason", []).append(_(
                "Văn bản ký ngày %(signed)s nhưng ban hành ngày %(issued)s: văn bản phải ban hành trong ngày ký, "
                "chậm nhất ngày làm việc tiếp theo. Cần ghi lý do.") % {
                "signed": signed_on.strftime("%d/%m/%Y"), "issued": data.issued_on.strftime("%d/%m/%Y")})
        elif len(reason) > REASON_MAX_LENGTH:
            errors.setdefault("late_issue_reason", []).append(
                _("Lý do dài quá %(n)s ký tự.") % {"n": REASON_MAX_LENGTH})
    if signed_on and data.issued_on == signed_on:
        reason = ""
    if (paper.authority_check is not None and position is not None and not errors.get("signed_on")
            and not errors.get("signer_authority") and not errors.get("document_type")):
        try:
            paper.authority_check(signer_id=position.user_id, authority=data.signer_authority, agency=agency,
                                  on_date=signed_on,
                                  document_type_id=data.document_type.pk if data.document_type else None)
        except ValidationFailed as exc:
            for msgs in exc.errors.values():
                errors.setdefault("signer_authority", []).extend(msgs)
    if not read and not errors.get("files"):
        errors.setdefault("files", []).append(_("Cần đính kèm bản scan văn bản đã ký (PDF hoặc ảnh)."))
    for f in read:
        if f.kind.kind not in SCAN_KINDS:
            errors.setdefault("files", []).append(_(
                "Tệp “%(name)s” không phải bản scan văn bản đã ký: chỉ nhận PDF hoặc ảnh (JPEG, PNG, TIFF).") % {
                "name": f.name})
    fields = {"signed_on": signed_on, "late_issue_reason": reason}
    if position is not None:
        user = position.user
        data.signer_name = user.full_name or user.get_username()
        data.signer_position = data.signer_position or position.title
        fields["signer_id"] = user.pk
    return fields


def document_register_outgoing_paper(*, actor, agency: Agency, data: DocumentInput, signer_id: int | None,
                                     signed_on: dt.date | None, late_issue_reason: str = "",
                                     unit_abbreviation: str = "", register_id: int | None = None,
                                     today: dt.date | None = None,
                                     authority_check: Callable[..., object] | None = None) -> Document:
    """Register an outgoing document signed on paper, outside the drafting flow (vanthu.md §7 rule 4;
    NĐ30 Art. 13, 15.2, 18.1).

    Takes a number only with the signer (a leader of the agency), the signing date and the scan of the
    signed page; the record names the signer, the signing date and the văn thư who attached the scan.
    A document not issued on the day it was signed needs a reason, stored on the record.
    ``authority_check`` (see ``PaperSignature``) refuses a signer's prefix without a basis on the
    signing date; the web view passes the authority app's check.
    """
    data.is_paper = True
    return _register_outgoing(actor=actor, agency=agency, data=data, unit_abbreviation=unit_abbreviation,
                              register_id=register_id, today=today,
                              paper=PaperSignature(signer_id=signer_id, signed_on=signed_on,
                                                   late_issue_reason=late_issue_reason,
                                                   authority_check=authority_check))


def document_register_outgoing(*, actor, agency: Agency, data: DocumentInput, unit_abbreviation: str = "",
                               register_id: int | None = None, today: dt.date | None = None) -> Document:
    """Register a signed outgoing document: next number of the right register, date, files.

    For the drafting flow, whose draft already carries its signer and signed original; a document signed
    on paper outside the flow goes through ``document_register_outgoing_paper``.
    """
    return _register_outgoing(actor=actor, agency=agency, data=data, unit_abbreviation=unit_abbreviation,
                              register_id=register_id, today=today)


def _register_outgoing(*, actor, agency: Agency, data: DocumentInput, unit_abbreviation: str,
                       register_id: int | None, today: dt.date | None,
                       paper: PaperSignature | None = None) -> Document:
    today = today or timezone.localdate()
    if data.issued_on is None:
        data.issued_on = today
    _check_clerk(actor, agency)
    errors: dict[str, list] = {}
    _validate_common(data, errors, today=today)
    if not errors.get("document_type") and not agency_may_issue(agency=agency, document_type=data.document_type):
        errors.setdefault("document_type", []).append(_(
            "%(a)s chưa được phép ban hành “%(t)s”: văn bản quy phạm pháp luật và loại văn bản cũ chỉ được cấp số "
            "khi cơ quan có thẩm quyền ban hành loại đó (quản trị hệ thống cấp quyền trong danh mục cơ quan).") % {
            "a": agency.name, "t": data.document_type.name})
    unit_abbreviation = nfc(unit_abbreviation)
    if unit_abbreviation and not notation_grammar.is_abbreviation(unit_abbreviation):
        errors.setdefault("unit_abbreviation", []).append(_("Chữ viết tắt đơn vị không hợp lệ (ví dụ: VX, KT, TCCB)."))
    read = _read_files(data.files, errors)
    paper_fields = {}
    if paper is not None:
        paper_fields = _validate_paper(paper, data, agency, read, errors, today=today)
        paper_fields["scan_attached_by"] = actor
    if errors:
        raise ValidationFailed(errors)

    def build() -> Document:
        register = register_for(agency_id=agency.pk, year=data.issued_on.year, direction=Direction.OUTGOING,
                                document_type=data.document_type, is_secret=data.secrecy != Secrecy.NORMAL,
                                register_id=register_id)
        # Take the number first: its row lock orders us after every registration in flight, so the
        # previous document read below is the one numbered just before ours (and a refusal here
        # rolls the number back with the transaction).
        number = allocate_number(register=register)
        last_date = (Document.objects.filter(register=register).order_by("-register_number")
                     .values_list("issued_on", flat=True).first())
        if last_date and data.issued_on < last_date:
            raise ValidationFailed({"issued_on": [_(
                "Ngày ban hành không được sớm hơn văn bản đã cấp số trước đó trong sổ (%(date)s)."
            ) % {"date": last_date.strftime("%d/%m/%Y")}]})
        notation = build_notation(document_type=data.document_type, agency=agency, register=register,
                                  unit_abbreviation=unit_abbreviation)
        if len(notation) > CODE_NOTATION_MAX_LENGTH:
            raise ValidationFailed({"unit_abbreviation": [_(
                "Ký hiệu “%(n)s” dài quá %(max)s ký tự (Phụ lục VI, NĐ 30): cần rút gọn chữ viết tắt.") % {
                "n": notation, "max": CODE_NOTATION_MAX_LENGTH}]})
        number_symbol = f"{format_number(number)}/{notation}"
        doc = Document(
            agency=agency, direction=Direction.OUTGOING, register=register, year=register.year,
            register_number=number, document_type=data.document_type, code_number=format_number(number),
            code_notation=notation, number_symbol=number_symbol,
            number_symbol_norm=normalize_number_symbol(number_symbol), **notation_grammar.stored_parts(number_symbol),
            identifier=document_identifier(organ_id=agency.identifier_code, issued_on=data.issued_on,
                                           number_symbol=number_symbol),
            issuer_agency=agency, issuer_name=agency.name, place=data.place or agency.place_name,
            **_common_fields(data, read), **paper_fields, created_by=actor,
        )
        try:
            with transaction.atomic():
                doc.save()
        except IntegrityError as exc:
            raise ValidationFailed({"number_symbol": [_("Số, ký hiệu %(s)s đã có trong sổ năm %(y)s.") % {
                "s": number_symbol, "y": register.year}]}) from exc
        audit_log(actor=actor, action=AuditAction.NUMBERED, obj_type="document", obj_id=doc.pk,
                  agency_id=agency.pk, summary=_("Cấp số %(s)s, sổ “%(r)s”") % {"s": number_symbol, "r": register.name},
                  details={"register_id": register.pk, "number": number, "files": [f.name for f in read],
                           **_paper_details(doc, paper)})
        return doc

    return _store_with_files(build, read, actor=actor)


def _paper_details(doc: Document, paper: PaperSignature | None) -> dict:
    if paper is None:
        return {}
    return {"signer_id": doc.signer_id, "signer": doc.signer_name, "signed_on": doc.signed_on.isoformat(),
            "scan_attached_by": doc.scan_attached_by_id, "late_issue_reason": doc.late_issue_reason}


def _common_fields(data: DocumentInput, read: list[ReadFile]) -> dict:
    page_count = data.page_count if data.page_count is not None else _first_page_count(read)
    return dict(
        issued_on=data.issued_on, subject=data.subject, urgency=data.urgency, secrecy=data.secrecy,
        signer_authority=data.signer_authority, signer_position=data.signer_position, signer_name=data.signer_name,
        recipients_text=data.recipients_text, page_count=page_count, due_date=data.due_date,
        notes=data.notes, is_paper=data.is_paper, language=data.language, issued_amount=data.issued_amount,
    )


def find_duplicate_incoming(*, agency_id: int, number_symbol: str, issuer_agency_id: int | None,
                            issuer_name: str, issued_on: dt.date, identifier: str = "") -> Document | None:
    """An incoming record of the same agency with the same identifier, or the same (số, ký hiệu,
    issuing agency) in the same year."""
    base = (Document.objects.filter(agency_id=agency_id, direction=Direction.INCOMING, status=DocumentStatus.ACTIVE)
            .order_by().only("pk", "register_number"))
    # Two lookups, each on its own index (an OR of the two would scan the agency's documents).
    if identifier:
        dup = base.filter(identifier=identifier).first()
        if dup:
            return dup
    norm = normalize_number_symbol(number_symbol)
    if not norm:
        return None
    # Same số, ký hiệu in the same year: a handful of rows at most. The issuer is compared as the
    # directory agency each side names (picked, or matched from the free text) or, failing that, as
    # the name without accents (vanthu.md §7 rule 5).
    if issuer_agency_id is None:
        matched = issuer_agency_by_name(issuer_name)
        issuer_agency_id = matched.pk if matched else None
    folded = _folded_name(issuer_name)
    for candidate in (base.filter(number_symbol_norm=norm, issued_on__year=issued_on.year)
                      .only("pk", "register_number", "issuer_agency_id", "issuer_name").order_by("pk")):
        other_id = candidate.issuer_agency_id
        if other_id is None:
            other = issuer_agency_by_name(candidate.issuer_name)
            other_id = other.pk if other else None
        if issuer_agency_id is not None and other_id is not None:
            if issuer_agency_id == other_id:
                return candidate
        elif folded and folded == _folded_name(candidate.issuer_name):
            return candidate
    return None


def _read_notation(raw: str, *, issued_on: dt.date | None, today: dt.date, errors: dict):
    """The số, ký hiệu a person typed, read with the grammar of ``documents.notation``; ``None`` (and a
    message under "number_symbol") when it does not follow it. A QPPL number's year lies between the
    earliest plausible year and the year of issue."""
    latest = min(today.year, issued_on.year) if issued_on else today.year
    try:
        return notation_grammar.parse(raw, earliest_year=settings.LIENTHONG_EARLIEST_DOCUMENT_YEAR,
                                      latest_year=latest)
    except notation_grammar.NotationError as exc:
        message = _("Cần nhập số, ký hiệu của văn bản đến.") if exc.reason == "empty" else exc.message
        errors.setdefault("number_symbol", []).append(message)
        return None


def document_register_incoming(*, actor, agency: Agency, data: DocumentInput, number_symbol: str,
                               issuer_agency: Agency | None = None, issuer_name: str = "",
                               received_on: dt.date | None = None, today: dt.date | None = None,
                               check_notation: bool = True) -> Document:
    """Register an incoming document (paper or electronic) with the next số đến of the year.

    The số, ký hiệu must follow the grammar of ``documents.notation`` and is stored normalised.
    ``check_notation=False`` only for a number this system gave itself (a delivered document keeps the
    number of the sender's register as it is).
    """
    today = today or timezone.localdate()
    received_on = received_on or today
    _check_clerk(actor, agency)
    errors: dict[str, list] = {}
    _validate_common(data, errors, today=today)
    parsed = None
    if check_notation:
        parsed = _read_notation(number_symbol, issued_on=data.issued_on if not errors.get("issued_on") else None,
                                today=today, errors=errors)
        number_symbol = parsed.text if parsed else ""
    else:
        number_symbol = nfc(number_symbol)
        if not number_symbol:
            errors.setdefault("number_symbol", []).append(_("Cần nhập số, ký hiệu của văn bản đến."))
    issuer_name = nfc(issuer_name) or (issuer_agency.name if issuer_agency else "")
    if issuer_agency is None and issuer_name:  # free text naming an agency of the directory
        issuer_agency = issuer_agency_by_name(issuer_name)
    if len(number_symbol) > 80:
        errors.setdefault("number_symbol", []).append(_("Số, ký hiệu dài quá 80 ký tự."))
    if not issuer_name:
        errors.setdefault("issuer_name", []).append(_("Cần chọn hoặc nhập cơ quan ban hành."))
    earliest = earliest_document_date()
    if received_on > today:
        errors.setdefault("received_on", []).append(_("Ngày đến không được sau ngày hôm nay."))
    elif data.issued_on and received_on < data.issued_on:
        errors.setdefault("received_on", []).append(_("Ngày đến không được trước ngày ban hành."))
    elif received_on < earliest:
        errors.setdefault("received_on", []).append(_too_early(_("Ngày đến"), earliest))
    identifier = ""
    if not errors and issuer_agency is not None:
        identifier = document_identifier(organ_id=issuer_agency.identifier_code, issued_on=data.issued_on,
                                         number_symbol=number_symbol)

    def duplicate_error() -> str | None:
        dup = find_duplicate_incoming(agency_id=agency.pk, number_symbol=number_symbol,
                                      issuer_agency_id=issuer_agency.pk if issuer_agency else None,
                                      issuer_name=issuer_name, issued_on=data.issued_on, identifier=identifier)
        if dup is None:
            return None
        return _("Văn bản %(s)s của %(i)s đã được đăng ký với số đến %(n)s.") % {
            "s": number_symbol, "i": issuer_name, "n": dup.register_number}

    read = _read_files(data.files, errors)
    if parsed is not None:
        code_number, code_notation = parsed.number, parsed.code_notation
    else:
        code_number, code_notation = split_number_symbol(number_symbol)
    # Kept as the sender wrote them: too long is refused, never cut.
    if len(code_number) > CODE_NUMBER_MAX_LENGTH or len(code_notation) > INCOMING_CODE_NOTATION_MAX_LENGTH:
        errors.setdefault("number_symbol", []).append(_(
            "Số dài quá %(n)s ký tự hoặc ký hiệu dài quá %(k)s ký tự.") % {
            "n": CODE_NUMBER_MAX_LENGTH, "k": INCOMING_CODE_NOTATION_MAX_LENGTH})
    if errors:
        raise ValidationFailed(errors)

    def build() -> Document:
        register = register_for(agency_id=agency.pk, year=received_on.year, direction=Direction.INCOMING,
                                document_type=data.document_type, is_secret=data.secrecy != Secrecy.NORMAL)
        number = allocate_number(register=register)
        # Under the register's lock: the same paper registered at this instant by someone else is
        # committed by now and seen here. (A refusal rolls the number back with the transaction.)
        if message := duplicate_error():
            raise ValidationFailed({"number_symbol": [message]})
        doc = Document(
            agency=agency, direction=Direction.INCOMING, register=register, year=register.year,
            register_number=number, document_type=data.document_type, code_number=code_number,
            code_notation=code_notation, number_symbol=number_symbol,
            number_symbol_norm=normalize_number_symbol(number_symbol), identifier=identifier,
            **notation_grammar.stored_parts(number_symbol),
            issuer_agency=issuer_agency, issuer_name=issuer_name, place=data.place, received_on=received_on,
            **_common_fields(data, read), created_by=actor,
        )
        doc.save()
        audit_log(actor=actor, action=AuditAction.NUMBERED, obj_type="document", obj_id=doc.pk,
                  agency_id=agency.pk,
                  summary=_("Vào sổ văn bản đến số %(n)s: %(s)s") % {"n": number, "s": number_symbol},
                  details={"register_id": register.pk, "number": number, "files": [f.name for f in read]})
        return doc

    return _store_with_files(build, read, actor=actor)


def _read_required(uploads) -> list[ReadFile]:
    """Checked uploads, at least one; ``ValidationFailed`` under "files" otherwise."""
    errors: dict[str, list] = {}
    read = _read_files(uploads, errors)
    if not read and not errors:
        errors["files"] = [_("Chưa chọn tệp.")]
    if errors:
        raise ValidationFailed(errors)
    return read


def document_attach_files(*, actor, document: Document, uploads) -> list[DocumentFile]:
    _check_clerk(actor, document.agency)
    read = _read_required(uploads)
    before = set(DocumentFile.objects.filter(document=document).values_list("pk", flat=True))
    first_order = len(before)

    def build() -> Document:
        audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="document", obj_id=document.pk,
                  agency_id=document.agency_id, summary=_("Đính kèm %(n)s tệp") % {"n": len(read)},
                  details={"files": [f.name for f in read]})
        return document

    _store_with_files(build, read, actor=actor, first_order=first_order)
    return list(DocumentFile.objects.filter(document=document).exclude(pk__in=before))


def document_replace_originals(*, actor, document: Document, uploads) -> list[DocumentFile]:
    """The sealed original (agency-signed PDF or sealed scan) and its signed attachments replace the files
    the document was numbered with. Only for the issuing step, before the document leaves the agency: the
    caller (drafting) checks that; the replaced versions stay in the draft's history."""
    _check_clerk(actor, document.agency)
    read = _read_required(uploads)

    def build() -> Document:
        DocumentFile.objects.filter(document=document).delete()
        audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="document", obj_id=document.pk,
                  agency_id=document.agency_id, summary=_("Bản gốc đã đóng dấu / ký số của cơ quan"),
                  details={"files": [f.name for f in read]})
        return document

    _store_with_files(build, read, actor=actor)
    return list(DocumentFile.objects.filter(document=document))


def document_cancel(*, actor, document: Document, reason: str) -> Document:
    """Cancel a numbered record. The number stays used; the record and its history are kept."""
    _check_clerk(actor, document.agency)
    reason = nfc(reason)
    if not reason:
        raise ValidationFailed({"reason": [_("Cần nêu lý do hủy.")]})
    check_max_length(field="reason", value=reason, limit=REASON_MAX_LENGTH)
    if document.status == DocumentStatus.CANCELLED:
        raise ValidationFailed({"reason": [_("Văn bản đã bị hủy trước đó.")]})
    with transaction.atomic():
        document.status = DocumentStatus.CANCELLED
        document.cancel_reason = reason
        document.cancelled_at = timezone.now()
        document.save(update_fields=["status", "cancel_reason", "cancelled_at", "updated_at"])
        audit_log(actor=actor, action=AuditAction.CANCELLED, obj_type="document", obj_id=document.pk,
                  agency_id=document.agency_id, summary=_("Hủy văn bản: %(r)s") % {"r": reason})
    return document


def document_record_view(*, actor, document: Document, action: str = AuditAction.VIEWED, detail: str = "") -> None:
    audit_log(actor=actor, action=action, obj_type="document", obj_id=document.pk, agency_id=document.agency_id,
              summary=detail)


def document_record_denied(*, actor, document_id) -> None:
    """A request for a document the actor may not see: logged on the platform chain."""
    audit_log(actor=actor, action=AuditAction.DENIED, obj_type="document", obj_id=document_id,
              summary=_("Yêu cầu truy cập văn bản không được phép"))


# --- Files shared with the other apps (drafts, deliveries) -------------------------------------------

def files_read(uploads, *, field_name: str = "files") -> list[ReadFile]:
    """Check uploads (type sniffing, size, executables) and extract their text; ``ValidationFailed``
    names every bad file under ``field_name``."""
    errors: dict[str, list] = {}
    read = _read_files(uploads, errors)
    if errors:
        raise ValidationFailed({field_name: errors["files"]})
    return read


def stored_file_read(*, stored_file: StoredFile, filename: str, text: str | None = None,
                     page_count: int | None = None) -> ReadFile:
    """An original already in storage, as a ``ReadFile`` ready to attach to another record. Text
    already extracted elsewhere is passed in instead of being extracted again."""
    with file_store.open_original(stored_file.storage_name) as fh:
        data = fh.read()
    kind = file_store.sniff(data)
    item = ReadFile(name=filename, data=data, kind=kind, sha256=stored_file.sha256,
                    active_content=stored_file.has_active_content)
    if text is not None:
        item.text, item.page_count, item.status = text, page_count, ExtractionStatus.DONE
    elif kind.kind in ("pdf", "docx"):
        item.text, item.page_count, item.status = _extract(data, kind.kind, filename)
    return item


def files_store(read: list[ReadFile], *, written: list[str]) -> list[StoredFile]:
    """Write originals (content-addressed) and their ``StoredFile`` rows. Call inside the caller's
    transaction and hand ``written`` to ``files_discard`` if it fails."""
    stored = []
    for f in read:
        storage_name = file_store.write_original(f.data, f.sha256, written)
        row, _created = StoredFile.objects.get_or_create(
            sha256=f.sha256, defaults=dict(size=len(f.data), content_type=f.kind.content_type, kind=f.kind.kind,
                                           storage_name=storage_name, has_active_content=f.active_content),
        )
        stored.append(row)
    pdf_ids = [row.pk for row in stored if row.kind == "pdf"]
    if pdf_ids:
        events.emit_on_commit(events.FILE_STORED, stored_file_ids=pdf_ids)
    return stored


def files_discard(written: list[str]) -> None:
    """Remove originals written by a transaction that rolled back (unless another row uses them)."""
    file_store.discard_written(written, lambda sha: StoredFile.objects.filter(sha256=sha).exists())


def document_grant(*, document_id: int, user_ids=(), unit_ids=()) -> None:
    """Let these people / units of the holding agency see one document (assignments, named readers)."""
    rows = [DocumentGrant(document_id=document_id, user_id=u) for u in set(user_ids)]
    rows += [DocumentGrant(document_id=document_id, unit_id=u) for u in set(unit_ids)]
    DocumentGrant.objects.bulk_create(rows, ignore_conflicts=True)


def document_relate(*, source: Document, target: Document, kind: str) -> None:
    DocumentRelation.objects.get_or_create(source=source, target=target, kind=kind)


def document_set_status(*, actor, document: Document, status: str, summary: str) -> None:
    """Freeze (recalled) or withdraw a document; a withdrawn copy leaves the search index."""
    Document.objects.filter(pk=document.pk).update(status=status, updated_at=timezone.now())
    document.status = status
    search_services.index_document(document_id=document.pk)
    audit_log(actor=actor, action=AuditAction.RECALLED, obj_type="document", obj_id=document.pk,
              agency_id=document.agency_id, summary=summary)


def document_set_legally_valid(*, valid_ids=(), invalid_ids=()) -> None:
    """Record which documents are legally valid electronic documents (QĐ 28/2018); the signing app
    decides, from the verification of their files and how they travelled."""
    if valid_ids:
        Document.objects.filter(pk__in=list(valid_ids), legally_valid=False).update(legally_valid=True)
    if invalid_ids:
        Document.objects.filter(pk__in=list(invalid_ids), legally_valid=True).update(legally_valid=False)
