"""Making an electronic copy (sao y, trích sao, sao lục) of a document the agency holds.

NĐ30 Art. 25–27, Phụ lục I ô 14 and Part II §II.1c; vanthu.md §2.3, §3, §7 rules 3 and 7:

- the văn thư of the agency holding the document makes the copy; the person who signs copies is a
  leader of the agency (Art. 27.1: the agency head decides copying and who signs copies, i.e. the
  agency's leadership; a unit head is not);
- sao y and trích sao are made from a document the agency holds (issued or received), sao lục only from
  a sao y (Art. 25.1); a trích sao holds only the chosen pages; documents carrying a secrecy level are
  not copied here (Art. 27.2: the state-secrets law governs them);
- every copy takes the next number of the agency's copy register (one series for all forms, from 01 each
  year, allocated atomically like every other number) and the ký hiệu ``<form>-<agency abbreviation>``;
- the copy's PDF is the original's pages plus the certification page, signed with the agency's digital
  signature without an image at the top right of page 1.

Decision: without an agency credential the system can sign with on the server (PKCS#12 opened by the
PIN, or PKCS#11), the copy is refused with a Vietnamese message and nothing is numbered or stored: an
unsigned electronic copy has no legal value (Art. 26), so it is not made at all.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong import files as file_store
from lienthong.accounts import selectors as account_selectors
from lienthong.accounts.models import Position, Role
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.copies import pdf as copy_pdf
from lienthong.copies.models import TYPE_CODE, CopyForm, DocumentCopy
from lienthong.core.errors import PermissionDenied, ValidationFailed
from lienthong.core.text import nfc
from lienthong.documents import notation as notation_grammar
from lienthong.documents import selectors as document_selectors
from lienthong.documents import services as document_services
from lienthong.documents.models import (
    Direction,
    Document,
    DocumentFile,
    DocumentStatus,
    DocumentType,
    Secrecy,
)
from lienthong.documents.numbering import allocate_number, format_number, register_for
from lienthong.search import services as search_services
from lienthong.signing import credentials, pades
from lienthong.signing.methods import signed_file
from lienthong.signing.selectors import credential_for_agency

RECIPIENTS_MAX_LENGTH = 2000

# Refusals users see (the tests use these constants rather than copies of the text).
SIGNER_NOT_LEADER = gettext_lazy("Người ký bản sao phải là lãnh đạo của cơ quan sao văn bản (NĐ 30/2020, Điều 27).")
NO_AGENCY_CREDENTIAL = gettext_lazy("Cơ quan chưa có chữ ký số (chứng thư số cơ quan) trên hệ thống: "
                                    "không tạo được bản sao điện tử.")
PIN_REQUIRED = gettext_lazy("Cần nhập mã PIN chữ ký số của cơ quan.")
SECRET_NOT_COPIED = gettext_lazy("Văn bản mật chỉ được sao theo quy định về bảo vệ bí mật nhà nước "
                                 "(NĐ 30/2020, Điều 27.2): hệ thống không sao văn bản mật.")
SAO_LUC_FROM_SAO_Y_ONLY = gettext_lazy("Sao lục chỉ được thực hiện từ bản sao y (NĐ 30/2020, Điều 25).")
FROM_A_COPY_SAO_LUC_ONLY = gettext_lazy("Từ một bản sao chỉ được sao lục (NĐ 30/2020, Điều 25).")


def _signer_position(*, agency_id: int, signer_id) -> Position:
    """The signer's leader position in the agency (agency-wide, not a unit head's)."""
    position = (Position.objects.filter(agency_id=agency_id, user_id=signer_id, role=Role.LEADER, unit__isnull=True,
                                        is_active=True, user__is_active=True)
                .select_related("user").first()) if signer_id else None
    if position is None:
        raise ValidationFailed({"signer_id": [str(SIGNER_NOT_LEADER)]})
    return position


def _source_file(original: Document) -> DocumentFile:
    df = (DocumentFile.objects.filter(document=original, stored_file__kind="pdf",
                                      stored_file__has_active_content=False)
          .select_related("stored_file").order_by("order", "id").first())
    if df is None:
        raise ValidationFailed({"original": [_("Văn bản không có tệp PDF để sao điện tử.")]})
    return df


def _agency_signer_credential(agency, pin: str):
    credential = credential_for_agency(agency)
    if credential is None:
        raise ValidationFailed({"credential": [str(NO_AGENCY_CREDENTIAL)]})
    if credential.custody not in ("pkcs12", "pkcs11"):
        raise ValidationFailed({"credential": [_("Chữ ký số của cơ quan nằm trên USB token: bản sao điện tử chỉ "
                                                 "ký được bằng chữ ký số cơ quan lưu trên hệ thống.")]})
    if credential.custody == "pkcs12" and not pin:
        raise ValidationFailed({"pin": [str(PIN_REQUIRED)]})
    credentials.certificate_check_usable(bytes(credential.certificate))
    return credential


def _original_label(original: Document) -> str:
    number = original.number_symbol or str(original.register_number)
    return _("%(type)s số %(n)s ngày %(d)s của %(issuer)s") % {
        "type": original.document_type.name, "n": number, "d": original.issued_on.strftime("%d/%m/%Y"),
        "issuer": original.issuer_name}


def _recipient_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def copy_create(*, actor, original_id: int, form: str, signer_id, recipients_text: str, pages: str = "",
                pin: str = "", today: dt.date | None = None) -> DocumentCopy:
    """Make, number, sign and register an electronic copy of ``original_id``."""
    original = document_selectors.document_get(user=actor, document_id=original_id)  # NotFound if not visible
    agency = original.agency
    if not account_selectors.user_can_register_in(user=actor, agency_id=agency.pk):
        raise PermissionDenied(_("Chỉ văn thư của cơ quan giữ văn bản mới được sao văn bản."))
    errors: dict[str, list] = {}
    if original.status != DocumentStatus.ACTIVE:
        raise ValidationFailed({"original": [_("Văn bản đã hủy hoặc thu hồi: không sao được.")]})
    if original.secrecy != Secrecy.NORMAL:
        raise ValidationFailed({"original": [str(SECRET_NOT_COPIED)]})
    if form not in CopyForm.values:
        errors.setdefault("form", []).append(_("Hình thức sao không hợp lệ (sao y, trích sao hoặc sao lục)."))
    elif form == CopyForm.SAO_LUC:
        details = DocumentCopy.objects.filter(copy=original).first()
        if details is None or details.form != CopyForm.SAO_Y:
            errors.setdefault("form", []).append(str(SAO_LUC_FROM_SAO_Y_ONLY))
    elif original.direction == Direction.COPY:
        errors.setdefault("form", []).append(str(FROM_A_COPY_SAO_LUC_ONLY))
    if form != CopyForm.TRICH_SAO and (pages or "").strip():
        errors.setdefault("pages", []).append(_("Chỉ bản trích sao mới chọn trang; sao y và sao lục sao toàn văn."))
    recipients_text = nfc((recipients_text or "").strip())
    if not recipients_text:
        errors.setdefault("recipients_text", []).append(_("Cần ghi nơi nhận bản sao."))
    elif len(recipients_text) > RECIPIENTS_MAX_LENGTH:
        errors.setdefault("recipients_text", []).append(
            _("Nơi nhận dài quá %(n)s ký tự.") % {"n": RECIPIENTS_MAX_LENGTH})
    try:
        position = _signer_position(agency_id=agency.pk, signer_id=signer_id)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    source = _source_file(original)
    with file_store.open_original(source.stored_file.storage_name) as fh:
        data = fh.read()
    try:
        total = copy_pdf.page_count(data)
    except Exception:  # noqa: BLE001
        raise ValidationFailed({"original": [_("Không đọc được tệp PDF của văn bản gốc để sao.")]}) from None
    chosen = copy_pdf.parse_pages(pages, page_count=total) if form == CopyForm.TRICH_SAO else None
    credential = _agency_signer_credential(agency, pin)
    document_type = DocumentType.objects.get(code=TYPE_CODE[CopyForm(form)])
    today = today or timezone.localdate()
    signer_user = position.user
    signer_name = signer_user.full_name or signer_user.get_username()
    with translation.override("vi"):  # stored on the record and printed on the copy: Vietnamese
        signer_title = position.title or _("Lãnh đạo")
    place = agency.place_name or ""

    written: list[str] = []
    try:
        with credentials.open_signer(credential, pin=pin or None) as signer, transaction.atomic():
            register = register_for(agency_id=agency.pk, year=today.year, direction=Direction.COPY,
                                    document_type=document_type, is_secret=False)
            number = allocate_number(register=register)
            notation = f"{document_type.abbreviation}-{agency.abbreviation}"
            number_symbol = f"{format_number(number)}/{notation}"
            signed_at = pades.vn_now()
            # The copy is an official document: Vietnamese whatever the clerk's interface language.
            with translation.override("vi"):
                cert = copy_pdf.Certification(
                    form=form, parent_name=agency.parent.name if agency.parent is not None else "",
                    agency_name=agency.name,
                    number_symbol=number_symbol, place=place, day=today, signer_lines=[signer_title.upper()],
                    signer_name=signer_name, recipients=_recipient_lines(recipients_text),
                    original_label=_original_label(original),
                    pages_label=(_("trang %(p)s") % {"p": pages.replace(" ", "")}) if chosen else "")
                assembled = copy_pdf.assemble(data, copy_pdf.certification_pdf(cert), pages=chosen)
                signed = copy_pdf.sign_copy(assembled, signer=signer, form=form, agency_name=agency.name,
                                            signed_at=signed_at, timestamper=pades.timestamper())
            filename = f"{number_symbol}.pdf".replace("/", "-")
            read = signed_file(filename, signed)
            doc = Document(
                agency=agency, direction=Direction.COPY, register=register, year=register.year, register_number=number,
                document_type=document_type, code_number=format_number(number), code_notation=notation,
                number_symbol=number_symbol,
                number_symbol_norm=document_services.normalize_number_symbol(number_symbol),
                **notation_grammar.stored_parts(number_symbol),
                identifier=document_services.document_identifier(organ_id=agency.identifier_code, issued_on=today,
                                                                 number_symbol=number_symbol),
                issuer_agency=agency, issuer_name=agency.name, place=place, issued_on=today,
                subject=original.subject, signer_position=signer_title, signer_name=signer_name, signer=signer_user,
                signed_on=today, recipients_text=recipients_text, language=original.language,
                page_count=read.page_count, created_by=actor,
            )
            try:
                with transaction.atomic():
                    doc.save()
            except IntegrityError as exc:
                raise ValidationFailed({"number_symbol": [_("Số bản sao %(s)s đã có trong sổ.") % {
                    "s": number_symbol}]}) from exc
            [stored] = document_services.files_store([read], written=written)
            DocumentFile.objects.create(document=doc, stored_file=stored, filename=read.name, order=0,
                                        uploaded_by=actor, extracted_text=read.text, page_count=read.page_count,
                                        extraction_status=read.status)
            copy = DocumentCopy.objects.create(
                copy=doc, original=original, form=form, pages=",".join(map(str, chosen)) if chosen else "",
                signer=signer_user, signer_position=signer_title, signer_name=signer_name, credential=credential,
                signed_at=signed_at, created_by=actor)
            search_services.index_document(document_id=doc.pk)
            label = CopyForm(form).label
            audit_log(actor=actor, action=AuditAction.NUMBERED, obj_type="document", obj_id=doc.pk,
                      agency_id=agency.pk, summary=_("%(f)s văn bản %(o)s: cấp số %(s)s, sổ “%(r)s”, ký số cơ quan") % {
                          "f": label, "o": original.number_symbol or original.register_number, "s": number_symbol,
                          "r": register.name},
                      details={"register_id": register.pk, "number": number, "original_id": original.pk,
                               "form": form, "pages": copy.pages, "credential_id": credential.pk})
            audit_log(actor=actor, action=AuditAction.CREATED, obj_type="document", obj_id=original.pk,
                      agency_id=agency.pk,
                      summary=_("Tạo bản %(f)s số %(s)s") % {"f": label.lower(), "s": number_symbol},
                      details={"copy_id": doc.pk})
        return copy
    except BaseException:
        document_services.files_discard(written)
        raise
