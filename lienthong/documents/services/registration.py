"""Registering documents in the registers: outgoing (from the drafting flow, or signed on paper outside
it) and incoming (paper or electronic), each with the next number of its register.

Each service validates everything first (collecting every field error, in Vietnamese), then acts in
one transaction: number, row, files, search entry (``events.DOCUMENT_CHANGED``), audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypedDict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts import selectors as account_selectors
from lienthong.accounts.models import Role, User
from lienthong.agencies.models import Agency
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core.errors import ValidationFailed
from lienthong.core.limits import REASON_MAX_LENGTH
from lienthong.core.text import fold_words, nfc
from lienthong.documents import notation as notation_grammar
from lienthong.documents.models import Direction, Document, DocumentStatus, Secrecy
from lienthong.documents.numbering import allocate_number, format_number, register_for
from lienthong.documents.services.inputs import (
    CODE_NOTATION_MAX_LENGTH,
    CODE_NUMBER_MAX_LENGTH,
    INCOMING_CODE_NOTATION_MAX_LENGTH,
    SCAN_KINDS,
    DocumentInput,
    _too_early,
    _validate_common,
    agency_may_issue,
    build_notation,
    check_clerk,
    document_identifier,
    earliest_document_date,
    issuer_agency_by_name,
    normalize_number_symbol,
    split_number_symbol,
)
from lienthong.documents.services.originals import ReadFile, first_page_count, read_files, store_with_files

# What a registration refuses. The paper path's (its forms use the same words):
SIGNER_REQUIRED = gettext_lazy("Cần chọn người đã ký văn bản.")
SIGNER_NOT_A_LEADER = gettext_lazy("Người ký phải là lãnh đạo của cơ quan ban hành.")
SIGNED_ON_REQUIRED = gettext_lazy("Cần nhập ngày ký văn bản.")
ISSUED_BEFORE_SIGNED = gettext_lazy(
    "Ngày ban hành không được trước ngày ký: số và ngày chỉ được cấp sau khi người có thẩm quyền ký.")
LATE_ISSUE_REASON_REQUIRED = gettext_lazy(
    "Văn bản ký ngày %(signed)s nhưng ban hành ngày %(issued)s: văn bản phải ban hành trong ngày ký, "
    "chậm nhất ngày làm việc tiếp theo. Cần ghi lý do.")
SCAN_REQUIRED = gettext_lazy("Cần đính kèm bản scan văn bản đã ký (PDF hoặc ảnh).")
NOT_A_SCAN = gettext_lazy(
    "Tệp “%(name)s” không phải bản scan văn bản đã ký: chỉ nhận PDF hoặc ảnh (JPEG, PNG, TIFF).")
# An outgoing number's:
TYPE_NOT_ISSUABLE = gettext_lazy(
    "%(a)s chưa được phép ban hành “%(t)s”: văn bản quy phạm pháp luật và loại văn bản cũ chỉ được cấp số "
    "khi cơ quan có thẩm quyền ban hành loại đó (quản trị hệ thống cấp quyền trong danh mục cơ quan).")
NOTATION_TOO_LONG = gettext_lazy(
    "Ký hiệu “%(n)s” dài quá %(max)s ký tự (Phụ lục VI, NĐ 30): cần rút gọn chữ viết tắt.")
# An incoming document's:
INCOMING_NOTATION_REQUIRED = gettext_lazy("Cần nhập số, ký hiệu của văn bản đến.")
ISSUER_REQUIRED = gettext_lazy("Cần chọn hoặc nhập cơ quan ban hành.")
RECEIVED_IN_FUTURE = gettext_lazy("Ngày đến không được sau ngày hôm nay.")
RECEIVED_BEFORE_ISSUE = gettext_lazy("Ngày đến không được trước ngày ban hành.")
INCOMING_NOTATION_TOO_LONG = gettext_lazy("Số dài quá %(n)s ký tự hoặc ký hiệu dài quá %(k)s ký tự.")
ALREADY_REGISTERED = gettext_lazy("Văn bản %(s)s của %(i)s đã được đăng ký với số đến %(n)s.")


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


class PaperFields(TypedDict, total=False):
    """What a paper registration stores on the record besides the common fields."""

    signed_on: dt.date | None
    late_issue_reason: str
    signer_id: int
    scan_attached_by: User


def _validate_paper(paper: PaperSignature, data: DocumentInput, agency: Agency, read: list[ReadFile],
                    errors: dict, *, today: dt.date) -> PaperFields:
    """The paper path's own rules; returns the fields it stores on the record.

    The signer is a leader of the agency; the signing date is not in the future and not after the
    issue date; a document not issued on the day it was signed says why (NĐ30 Art. 18.1: the same day,
    at the latest the next working day); at least one file, each a scan (PDF or image) of the signed page.
    """
    position = None
    if not paper.signer_id:
        errors.setdefault("signer", []).append(str(SIGNER_REQUIRED))
    else:
        position = (account_selectors.agency_people(agency_id=agency.pk, roles=[Role.LEADER])
                    .filter(user_id=paper.signer_id).first())
        if position is None:
            errors.setdefault("signer", []).append(str(SIGNER_NOT_A_LEADER))
    earliest = earliest_document_date()
    signed_on = paper.signed_on
    reason = nfc(paper.late_issue_reason or "")
    if signed_on is None:
        errors.setdefault("signed_on", []).append(str(SIGNED_ON_REQUIRED))
    elif signed_on > today:
        errors.setdefault("signed_on", []).append(_("Ngày ký không được sau ngày hôm nay."))
    elif signed_on < earliest:
        errors.setdefault("signed_on", []).append(_too_early(_("Ngày ký"), earliest))
    elif errors.get("issued_on") or not data.issued_on:
        pass  # the issue date is wrong already; its message says so
    elif data.issued_on < signed_on:
        errors.setdefault("issued_on", []).append(str(ISSUED_BEFORE_SIGNED))
    elif data.issued_on != signed_on:
        if not reason:
            errors.setdefault("late_issue_reason", []).append(LATE_ISSUE_REASON_REQUIRED % {
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
        errors.setdefault("files", []).append(str(SCAN_REQUIRED))
    for f in read:
        if f.kind.kind not in SCAN_KINDS:
            errors.setdefault("files", []).append(NOT_A_SCAN % {"name": f.name})
    fields: PaperFields = {"signed_on": signed_on, "late_issue_reason": reason}
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
    issued_on: dt.date = data.issued_on
    check_clerk(actor, agency)
    errors: dict[str, list] = {}
    _validate_common(data, errors, today=today)
    document_type = data.document_type  # None only with an error under "document_type" (check_metadata)
    if (document_type is not None and not errors.get("document_type")
            and not agency_may_issue(agency=agency, document_type=document_type)):
        errors.setdefault("document_type", []).append(TYPE_NOT_ISSUABLE % {
            "a": agency.name, "t": document_type.name})
    unit_abbreviation = nfc(unit_abbreviation)
    if unit_abbreviation and not notation_grammar.is_abbreviation(unit_abbreviation):
        errors.setdefault("unit_abbreviation", []).append(_("Chữ viết tắt đơn vị không hợp lệ (ví dụ: VX, KT, TCCB)."))
    read = read_files(data.files, errors)
    paper_fields: PaperFields = {}
    if paper is not None:
        paper_fields = _validate_paper(paper, data, agency, read, errors, today=today)
        paper_fields["scan_attached_by"] = actor
    if errors:
        raise ValidationFailed(errors)
    assert document_type is not None  # check_metadata refused a missing type: no errors, so it is set

    def build() -> Document:
        register = register_for(agency_id=agency.pk, year=issued_on.year, direction=Direction.OUTGOING,
                                document_type=document_type, is_secret=data.secrecy != Secrecy.NORMAL,
                                register_id=register_id)
        # Take the number first: its row lock orders us after every registration in flight, so the
        # previous document read below is the one numbered just before ours (and a refusal here
        # rolls the number back with the transaction).
        number = allocate_number(register=register)
        last_date = (Document.objects.filter(register=register).order_by("-register_number")
                     .values_list("issued_on", flat=True).first())
        if last_date and issued_on < last_date:
            raise ValidationFailed({"issued_on": [_(
                "Ngày ban hành không được sớm hơn văn bản đã cấp số trước đó trong sổ (%(date)s)."
            ) % {"date": last_date.strftime("%d/%m/%Y")}]})
        notation = build_notation(document_type=document_type, agency=agency, register=register,
                                  unit_abbreviation=unit_abbreviation)
        if len(notation) > CODE_NOTATION_MAX_LENGTH:
            raise ValidationFailed({"unit_abbreviation": [NOTATION_TOO_LONG % {
                "n": notation, "max": CODE_NOTATION_MAX_LENGTH}]})
        number_symbol = f"{format_number(number)}/{notation}"
        doc = Document(
            agency=agency, direction=Direction.OUTGOING, register=register, year=register.year,
            register_number=number, document_type=document_type, code_number=format_number(number),
            code_notation=notation, number_symbol=number_symbol,
            number_symbol_norm=normalize_number_symbol(number_symbol), **notation_grammar.stored_parts(number_symbol),
            identifier=document_identifier(organ_id=agency.identifier_code, issued_on=issued_on,
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

    return store_with_files(build, read, actor=actor)


def _paper_details(doc: Document, paper: PaperSignature | None) -> dict:
    if paper is None:
        return {}
    assert doc.signed_on is not None  # a paper registration requires the signing date and stores it
    return {"signer_id": doc.signer_id, "signer": doc.signer_name, "signed_on": doc.signed_on.isoformat(),
            "scan_attached_by": doc.scan_attached_by_id, "late_issue_reason": doc.late_issue_reason}


def _common_fields(data: DocumentInput, read: list[ReadFile]) -> dict:
    page_count = data.page_count if data.page_count is not None else first_page_count(read)
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
    folded = fold_words(issuer_name)
    for candidate in (base.filter(number_symbol_norm=norm, issued_on__year=issued_on.year)
                      .only("pk", "register_number", "issuer_agency_id", "issuer_name").order_by("pk")):
        other_id = candidate.issuer_agency_id
        if other_id is None:
            other = issuer_agency_by_name(candidate.issuer_name)
            other_id = other.pk if other else None
        if issuer_agency_id is not None and other_id is not None:
            if issuer_agency_id == other_id:
                return candidate
        elif folded and folded == fold_words(candidate.issuer_name):
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
        message = str(INCOMING_NOTATION_REQUIRED) if exc.reason == "empty" else exc.message
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
    check_clerk(actor, agency)
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
            errors.setdefault("number_symbol", []).append(str(INCOMING_NOTATION_REQUIRED))
    issuer_name = nfc(issuer_name) or (issuer_agency.name if issuer_agency else "")
    if issuer_agency is None and issuer_name:  # free text naming an agency of the directory
        issuer_agency = issuer_agency_by_name(issuer_name)
    if len(number_symbol) > 80:
        errors.setdefault("number_symbol", []).append(_("Số, ký hiệu dài quá 80 ký tự."))
    if not issuer_name:
        errors.setdefault("issuer_name", []).append(str(ISSUER_REQUIRED))
    earliest = earliest_document_date()
    if received_on > today:
        errors.setdefault("received_on", []).append(str(RECEIVED_IN_FUTURE))
    elif data.issued_on and received_on < data.issued_on:
        errors.setdefault("received_on", []).append(str(RECEIVED_BEFORE_ISSUE))
    elif received_on < earliest:
        errors.setdefault("received_on", []).append(_too_early(_("Ngày đến"), earliest))
    read = read_files(data.files, errors)
    if parsed is not None:
        code_number, code_notation = parsed.number, parsed.code_notation
    else:
        code_number, code_notation = split_number_symbol(number_symbol)
    # Kept as the sender wrote them: too long is refused, never cut.
    if len(code_number) > CODE_NUMBER_MAX_LENGTH or len(code_notation) > INCOMING_CODE_NOTATION_MAX_LENGTH:
        errors.setdefault("number_symbol", []).append(INCOMING_NOTATION_TOO_LONG % {
            "n": CODE_NUMBER_MAX_LENGTH, "k": INCOMING_CODE_NOTATION_MAX_LENGTH})
    if errors:
        raise ValidationFailed(errors)
    # check_metadata refused a missing type and a missing issue date: no errors, so both are set.
    issued_on, document_type = data.issued_on, data.document_type
    assert issued_on is not None and document_type is not None
    identifier = ""
    if issuer_agency is not None:
        identifier = document_identifier(organ_id=issuer_agency.identifier_code, issued_on=issued_on,
                                         number_symbol=number_symbol)

    def duplicate_error() -> str | None:
        dup = find_duplicate_incoming(agency_id=agency.pk, number_symbol=number_symbol,
                                      issuer_agency_id=issuer_agency.pk if issuer_agency else None,
                                      issuer_name=issuer_name, issued_on=issued_on, identifier=identifier)
        if dup is None:
            return None
        return ALREADY_REGISTERED % {"s": number_symbol, "i": issuer_name, "n": dup.register_number}

    def build() -> Document:
        register = register_for(agency_id=agency.pk, year=received_on.year, direction=Direction.INCOMING,
                                document_type=document_type, is_secret=data.secrecy != Secrecy.NORMAL)
        number = allocate_number(register=register)
        # Under the register's lock: the same paper registered at this instant by someone else is
        # committed by now and seen here. (A refusal rolls the number back with the transaction.)
        if message := duplicate_error():
            raise ValidationFailed({"number_symbol": [message]})
        doc = Document(
            agency=agency, direction=Direction.INCOMING, register=register, year=register.year,
            register_number=number, document_type=document_type, code_number=code_number,
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

    return store_with_files(build, read, actor=actor)
