"""Documents, their types, registers (sổ văn bản) and original files.

A ``Document`` is one record in one agency's register: an outgoing document of the agency that
issued it, or an incoming document as registered by the agency that received it. The same paper
sent to ten agencies is one outgoing record and ten incoming ones, each with its own số đến and
its own visibility.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lienthong.core.choices import TypeKind, Urgency  # shared with lower apps (workcalendar, agencies)


class DocumentType(models.Model):
    """A row of the type catalogue. Abbreviations are case- and diacritic-sensitive (QyĐ, CTr, TTr)."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên loại"), max_length=120)
    abbreviation = models.CharField(_("viết tắt"), max_length=12, blank=True)
    kind = models.CharField(_("nhóm"), max_length=20, choices=TypeKind.choices)
    is_nd30 = models.BooleanField(_("thuộc 29 loại của NĐ 30"), default=False)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("loại văn bản")
        verbose_name_plural = _("loại văn bản")

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    OUTGOING = "out", _("Văn bản đi")
    INCOMING = "in", _("Văn bản đến")
    COPY = "copy", _("Bản sao")


class Register(models.Model):
    """A sổ văn bản of one agency for one calendar year: a number series starting at 1 on 1 January.

    ``document_types`` lists the types whose numbers come from this series; an outgoing register with
    no types is the agency's catch-all series. Secret documents and advisory bodies (Ban chỉ đạo…)
    have registers of their own.
    """

    agency = models.ForeignKey("agencies.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT,
                               related_name="registers")
    year = models.PositiveSmallIntegerField(_("năm"))
    direction = models.CharField(_("loại sổ"), max_length=4, choices=Direction.choices)
    code = models.SlugField(_("mã sổ"), max_length=40)
    name = models.CharField(_("tên sổ"), max_length=200)
    is_secret = models.BooleanField(_("sổ văn bản mật"), default=False)
    issuing_body_name = models.CharField(
        _("tên tổ chức tư vấn"), max_length=200, blank=True,
        help_text=_("Hội đồng, Ban chỉ đạo… dùng con dấu của cơ quan nhưng có số riêng."),
    )
    issuing_body_abbreviation = models.CharField(_("viết tắt tổ chức tư vấn"), max_length=40, blank=True)
    document_types = models.ManyToManyField(DocumentType, blank=True, verbose_name=_("các loại văn bản dùng sổ này"))
    last_number = models.PositiveIntegerField(_("số cuối đã cấp"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["agency_id", "-year", "direction", "code"]
        verbose_name = _("sổ văn bản")
        verbose_name_plural = _("sổ văn bản")
        constraints = [models.UniqueConstraint(fields=["agency", "year", "code"], name="register_unique_code")]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class Secrecy(models.TextChoices):
    NORMAL = "normal", _("Thường")
    CONFIDENTIAL = "confidential", _("Mật")
    SECRET = "secret", _("Tối mật")
    TOP_SECRET = "top_secret", _("Tuyệt mật")


class SignerAuthority(models.TextChoices):
    NONE = "", _("(Ký trực tiếp)")
    TM = "TM.", _("TM. (thay mặt)")
    KT = "KT.", _("KT. (ký thay)")
    TL = "TL.", _("TL. (thừa lệnh)")
    TUQ = "TUQ.", _("TUQ. (thừa ủy quyền)")
    Q = "Q.", _("Q. (quyền)")


class Language(models.TextChoices):
    """Ngôn ngữ (NĐ30 Phụ lục VI, field 9 "Language"): Vietnamese unless the document says otherwise."""

    VI = "vi", _("Tiếng Việt")
    EN = "en", _("Tiếng Anh")
    FR = "fr", _("Tiếng Pháp")
    ZH = "zh", _("Tiếng Trung")
    LO = "lo", _("Tiếng Lào")
    KM = "km", _("Tiếng Khmer")
    OTHER = "other", _("Ngôn ngữ khác")


class DocumentStatus(models.TextChoices):
    ACTIVE = "active", _("Hiệu lực")
    CANCELLED = "cancelled", _("Đã hủy")
    # The issuer's record after a recall: frozen, kept with its log (NĐ30 PL6 §III.8).
    RECALLED = "recalled", _("Đã thu hồi")
    # A recipient's copy after it agreed to a recall: out of lists and search, record and log kept.
    WITHDRAWN = "withdrawn", _("Đã gỡ theo yêu cầu thu hồi")


class Document(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="documents")
    direction = models.CharField(max_length=4, choices=Direction.choices)
    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="documents")
    year = models.PositiveSmallIntegerField(_("năm đăng ký"))
    register_number = models.PositiveIntegerField(_("số trong sổ"))
    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, verbose_name=_("loại văn bản"))
    code_number = models.CharField(_("số"), max_length=11, blank=True)
    code_notation = models.CharField(_("ký hiệu"), max_length=60, blank=True)
    number_symbol = models.CharField(_("số, ký hiệu"), max_length=80, blank=True)
    # Matching form for the duplicate check: upper-case, no blanks, diacritics KEPT ("HD" hướng dẫn and
    # "HĐ" hợp đồng are different types, vanthu.md §7 rule 1).
    number_symbol_norm = models.CharField(max_length=80, blank=True)
    # The số, ký hiệu read with the §3.2 grammar (``documents.notation``): the số, the year of a QPPL
    # number and the ký hiệu without number and year ("30/2020/NĐ-CP": "30", 2020, "NĐ-CP"). Null
    # when the stored text does not follow the grammar (older rows, a sender's number kept as sent).
    notation_number = models.CharField(_("số (theo số, ký hiệu)"), max_length=11, null=True, blank=True)
    notation_year = models.PositiveSmallIntegerField(_("năm (văn bản QPPL)"), null=True, blank=True)
    notation_symbol = models.CharField(_("ký hiệu (không gồm số và năm)"), max_length=60, null=True, blank=True)
    identifier = models.CharField(_("mã định danh văn bản"), max_length=120, blank=True, db_index=True)
    issuer_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("cơ quan ban hành"),
    )
    issuer_name = models.CharField(_("cơ quan ban hành"), max_length=255)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    issued_on = models.DateField(_("ngày ban hành"))
    subject = models.TextField(_("trích yếu"), max_length=1000)
    urgency = models.CharField(_("độ khẩn"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    secrecy = models.CharField(_("độ mật"), max_length=12, choices=Secrecy.choices, default=Secrecy.NORMAL)
    signer_authority = models.CharField(
        _("thẩm quyền ký"), max_length=5, choices=SignerAuthority.choices, blank=True, default=""
    )
    signer_position = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=100, blank=True)
    # The person of the agency who signed (paper registration outside the drafting flow, NĐ30 Art. 13,
    # 15.2), the day they signed, and the văn thư who attached the scan of the signed page.
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("người ký (trong hệ thống)"))
    signed_on = models.DateField(_("ngày ký"), null=True, blank=True)
    scan_attached_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("người đính kèm bản scan"))
    late_issue_reason = models.TextField(_("lý do không ban hành trong ngày ký"), blank=True)
    recipients_text = models.TextField(_("nơi nhận"), blank=True)
    language = models.CharField(_("ngôn ngữ"), max_length=30, choices=Language.choices, default=Language.VI)
    issued_amount = models.PositiveSmallIntegerField(_("số lượng bản phát hành"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("số trang"), null=True, blank=True)
    due_date = models.DateField(_("hạn xử lý"), null=True, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True, max_length=1000)
    received_on = models.DateField(_("ngày đến"), null=True, blank=True)
    is_paper = models.BooleanField(_("văn bản giấy"), default=False)
    # QĐ 28/2018/QĐ-TTg: signed digitally by the competent person and by the agency, both valid, and
    # delivered through the system. Set by ``signing`` after verification; statistics count this flag.
    legally_valid = models.BooleanField(_("văn bản điện tử có giá trị pháp lý"), default=False)
    status = models.CharField(max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.ACTIVE)
    cancel_reason = models.TextField(_("lý do hủy"), blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-register_number"]
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        constraints = [
            models.UniqueConstraint(fields=["register", "register_number"], name="document_unique_register_number"),
            models.UniqueConstraint(
                fields=["register", "number_symbol_norm"],
                condition=Q(direction="out"),
                name="document_unique_outgoing_symbol",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "direction", "year", "register_number"], name="doc_agency_dir_year_num"),
            models.Index(fields=["agency", "issued_on"], name="doc_agency_issued"),
            models.Index(fields=["agency", "-created_at", "-id"], name="doc_agency_created"),
            models.Index(fields=["agency", "number_symbol_norm"], name="doc_agency_number_norm"),
            models.Index(fields=["agency", "direction", "-created_at", "-id"], name="doc_agency_dir_created"),
            models.Index(fields=["agency", "direction", "secrecy"], name="doc_agency_dir_secrecy"),
            models.Index(fields=["agency", "direction", "urgency", "-created_at", "-id"],
                         name="doc_agency_dir_urgency"),
            # The list page's count of an agency's documents ("N văn bản") as an index-only scan: without it,
            # PostgreSQL visits every heap page holding one of the agency's rows to check the status (12 669
            # pages, 120–400 ms for the busiest agency at a million documents; bench/load.py, docs/benchmarks.md).
            models.Index(fields=["agency", "direction"], condition=~Q(status="withdrawn"), name="doc_agency_dir_live"),
        ]

    def __str__(self) -> str:
        return f"{self.number_symbol or self.register_number} – {self.subject[:60]}"

    def delete(self, *args, **kwargs):
        raise RuntimeError("Numbered documents are never deleted; cancel them with a reason.")

    def notation_warnings(self) -> list[str]:
        """Non-blocking remarks on the số, ký hiệu (a type abbreviation not in the catalogue)."""
        from lienthong.documents.notation import warnings_for

        return warnings_for(self.number_symbol) if self.direction == Direction.INCOMING else []

    @property
    def signer_display(self) -> str:
        """The signature block on one line: "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH / Phan Đức Sơn"."""
        return " / ".join(self.signer_lines)

    @property
    def signer_lines(self) -> list[str]:
        """The signature block as PL1 §II.7 prints it (vanthu.md §2.2), from the stored authority, position and
        name, e.g. ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Phan Đức Sơn"] (issue 18: it read "TM. Chủ tịch …")."""
        from lienthong.documents.signature import signature_lines

        return signature_lines(authority=self.signer_authority, position=self.signer_position,
                               name=self.signer_name, issuer_name=self.issuer_name)


class StoredFile(models.Model):
    """An original file, byte for byte, addressed by its SHA-256. Never modified once written."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    kind = models.CharField(max_length=10)
    storage_name = models.CharField(max_length=200)
    # A PDF with JavaScript, launch actions or embedded files, kept because PDF_ACTIVE_CONTENT is "flag":
    # it is only ever served as a download (never inline, never previewed).
    has_active_content = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)


class ExtractionStatus(models.TextChoices):
    NONE = "none", _("Không trích xuất")
    PENDING = "pending", _("Đang chờ")
    DONE = "done", _("Đã trích xuất")
    FAILED = "failed", _("Lỗi trích xuất")


class DocumentFile(models.Model):
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="files")
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="uses")
    filename = models.CharField(_("tên tệp"), max_length=255)
    order = models.PositiveSmallIntegerField(default=0)
    extracted_text = models.TextField(blank=True)
    extraction_status = models.CharField(max_length=10, choices=ExtractionStatus.choices, default=ExtractionStatus.NONE)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document_id", "order", "id"]


class DocumentGrant(models.Model):
    """Access to one document given to a person or a unit of the holding agency (an assignment, a
    named reader of a secret document). ``documents_visible_to`` reads these; the apps that assign
    work write them through ``services.document_grant``."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="+")
    unit = models.ForeignKey("agencies.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False) ^ Q(unit__isnull=False), name="grant_user_xor_unit"),
            models.UniqueConstraint(fields=["document", "user"], name="grant_unique_user"),
            models.UniqueConstraint(fields=["document", "unit"], name="grant_unique_unit"),
        ]
        indexes = [models.Index(fields=["user", "document"]), models.Index(fields=["unit", "document"])]


class RelationKind(models.TextChoices):
    AMENDS = "amends", _("Sửa đổi, bổ sung")
    REPLACES = "replaces", _("Thay thế")
    CORRECTS = "corrects", _("Đính chính")
    REPLIES_TO = "replies_to", _("Trả lời")


class DocumentRelation(models.Model):
    """A link from a newer document to an older one: corrections of an issued document only ever go
    through a new document (NĐ30 Art. 18.3), and replies point at what they answer."""

    source = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="relations_out")
    target = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="relations_in")
    kind = models.CharField(_("quan hệ"), max_length=12, choices=RelationKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "target", "kind"], name="relation_unique")]
