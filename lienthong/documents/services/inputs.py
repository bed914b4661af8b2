"""What a registration is given and the checks every registration shares.

The metadata of a document (Decree 30 Appendix VI) as a service receives it (``DocumentInput``), the
checks of it that drafting runs too (``check_metadata``), the forms of a "số, ký hiệu" and of an issuer
name used for matching, and who may register (``check_clerk``) and issue what (``agency_may_issue``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts import selectors as account_selectors
from lienthong.agencies.models import Agency
from lienthong.core.choices import TypeKind, Urgency
from lienthong.core.errors import PermissionDenied
from lienthong.core.text import fold_words, nfc
from lienthong.documents.models import DocumentType, Language, Secrecy, SignerAuthority

_SPACES = re.compile(r"\s+")
# A due date this far ahead is a typing slip (2108 for 2018), not a deadline.
DUE_DATE_MAX_YEARS_AHEAD = 10
# NĐ30 Phụ lục VI lengths: CodeNotation String 30 (for the ký hiệu this system makes), IssuedAmount Number 3.
CODE_NOTATION_MAX_LENGTH = 30
# An incoming ký hiệu is kept as the sender wrote it; longer than this, it is refused, never cut.
INCOMING_CODE_NOTATION_MAX_LENGTH = 60
CODE_NUMBER_MAX_LENGTH = 11
ISSUED_AMOUNT_MAX = 999
# Trích yếu (Appendix VI "Subject"): longer is refused, never cut.
SUBJECT_MAX_LENGTH = 1000
# What a scan of a signed paper page may be (checked through ``files.read_upload`` first).
SCAN_KINDS = ("pdf", "jpeg", "png", "tiff")

# What the shared checks say. ``EARLIER_THAN_ALLOWED`` takes a date's label, e.g. ``ISSUED_ON_LABEL``.
EARLIER_THAN_ALLOWED = gettext_lazy("%(label)s không được trước ngày %(date)s.")
ISSUED_ON_LABEL = gettext_lazy("Ngày ban hành")
SUBJECT_REQUIRED = gettext_lazy("Trích yếu không được để trống.")
ISSUED_IN_FUTURE = gettext_lazy("Ngày ban hành không được sau ngày hôm nay.")
ISSUED_AMOUNT_OUT_OF_RANGE = gettext_lazy("Số lượng bản phát hành phải từ 1 đến %(max)s.")
DUE_BEFORE_ISSUE = gettext_lazy("Hạn xử lý không được trước ngày ban hành.")
DUE_TOO_FAR = gettext_lazy("Hạn xử lý không được sau ngày %(date)s.")
ONLY_CLERKS_REGISTER = gettext_lazy("Chỉ văn thư của cơ quan mới được đăng ký văn bản vào sổ.")


def normalize_number_symbol(value: str) -> str:
    """Matching form of a "số, ký hiệu": NFC, upper-case, no blanks, diacritics kept. "32/TB-VP.UBND"
    stays itself; "05/qđ - ubnd" becomes "05/QĐ-UBND"; "08/HD-SNV" (hướng dẫn) and "08/HĐ-SNV" (hợp
    đồng) stay different (vanthu.md §7 rule 1)."""
    return _SPACES.sub("", nfc(value)).upper()


def issuer_agency_by_name(name: str) -> Agency | None:
    """The directory agency a free-text issuer names: its full or short name, compared without accents,
    case or extra blanks ("uy ban nhan dan tinh hau giang", "UBND tinh Hau Giang"). ``None`` when no
    agency, or more than one, answers to the name."""
    folded = fold_words(name)
    if not folded:
        return None
    by_name = list(Agency.objects.filter(name_folded=folded).values_list("pk", flat=True)[:2])
    if not by_name:  # a stored fold may keep a double blank: compare in Python over the directory
        by_name = [pk for pk, full, short in Agency.objects.values_list("pk", "name", "short_name")
                   if folded in (fold_words(full), fold_words(short))]
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
    return EARLIER_THAN_ALLOWED % {"label": label, "date": earliest.strftime("%d/%m/%Y")}


def check_metadata(errors: dict, *, document_type: DocumentType | None, subject: str, urgency: str, secrecy: str,
                   signer_authority: str, issued_on: dt.date | None = None, today: dt.date | None = None) -> None:
    """The metadata every document and draft carries, checked the same way wherever it is typed: a type in
    use, a subject (required, at most ``SUBJECT_MAX_LENGTH`` characters), urgency, secrecy and the signer's
    authority prefix among their choices. With ``today`` (a registration) the issue date too: required, not
    before ``earliest_document_date()``, not after today. Messages are added to ``errors`` in that order."""
    if document_type is None or not document_type.is_active:
        errors.setdefault("document_type", []).append(_("Loại văn bản không hợp lệ."))
    if not subject:
        errors.setdefault("subject", []).append(str(SUBJECT_REQUIRED))
    elif len(subject) > SUBJECT_MAX_LENGTH:
        errors.setdefault("subject", []).append(_("Trích yếu dài quá 1000 ký tự."))
    if today is not None:
        earliest = earliest_document_date()
        if issued_on is None:
            errors.setdefault("issued_on", []).append(_("Cần nhập ngày ban hành."))
        elif issued_on < earliest:
            errors.setdefault("issued_on", []).append(_too_early(str(ISSUED_ON_LABEL), earliest))
        elif issued_on > today:
            errors.setdefault("issued_on", []).append(str(ISSUED_IN_FUTURE))
    if urgency not in Urgency.values:
        errors.setdefault("urgency", []).append(_("Độ khẩn không hợp lệ."))
    if secrecy not in Secrecy.values:
        errors.setdefault("secrecy", []).append(_("Độ mật không hợp lệ."))
    if signer_authority not in SignerAuthority.values:
        errors.setdefault("signer_authority", []).append(_("Thẩm quyền ký không hợp lệ."))


def _validate_common(data: DocumentInput, errors: dict, *, today: dt.date) -> None:
    data.clean_text()
    check_metadata(errors, document_type=data.document_type, subject=data.subject, urgency=data.urgency,
                   secrecy=data.secrecy, signer_authority=data.signer_authority, issued_on=data.issued_on,
                   today=today)
    earliest = earliest_document_date()
    if data.page_count is not None and data.page_count < 0:
        errors.setdefault("page_count", []).append(_("Số trang không hợp lệ."))
    if data.language not in Language.values:
        errors.setdefault("language", []).append(_("Ngôn ngữ không hợp lệ."))
    if data.issued_amount is not None and not 1 <= data.issued_amount <= ISSUED_AMOUNT_MAX:
        errors.setdefault("issued_amount", []).append(
            ISSUED_AMOUNT_OUT_OF_RANGE % {"max": ISSUED_AMOUNT_MAX})
    if data.due_date and data.issued_on and data.due_date < data.issued_on:
        errors.setdefault("due_date", []).append(str(DUE_BEFORE_ISSUE))
    elif data.due_date and data.due_date < earliest:
        errors.setdefault("due_date", []).append(_too_early(_("Hạn xử lý"), earliest))
    elif data.due_date and data.due_date > (latest_due := dt.date(today.year + DUE_DATE_MAX_YEARS_AHEAD, 12, 31)):
        errors.setdefault("due_date", []).append(DUE_TOO_FAR % {"date": latest_due.strftime("%d/%m/%Y")})


def check_clerk(actor, agency: Agency) -> None:
    if not account_selectors.user_can_register_in(user=actor, agency_id=agency.pk):
        raise PermissionDenied(str(ONLY_CLERKS_REGISTER))


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
