"""Bulk load of documents from another system (``manage.py import_documents``): orchestration only.

The rows of the table are read and checked one by one, in batches of ``batch_size``; each batch is written
in ONE transaction through the batch functions of the apps that own the tables: the documents, their
originals and the registers' counters (``documents.services.documents_bulk_create``), the ledger rows of
this app, the search entries (``search.services.index_documents``) and one audit entry per document
(``audit.services.audit_log_many``). A batch commits whole or not at all, so an interrupted import leaves
whole batches behind; run again, it skips every row whose source key is in the ledger and says how many.

Numbers are KEPT from the source: each document gets the register number of its row, in the register the
row names (or the agency's default register for the direction, year and type), and the register's counter
moves past the highest imported number, so the next interactive registration continues without a clash. A
row is rejected (with a Vietnamese reason, the rest imported) when a value is missing or wrong, its number
is already taken in the register by another document, it repeats an earlier row, or one of its files is
missing or refused by the files app's checks; ``all_or_nothing`` keeps the database unchanged when any row
is rejected.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong import files as file_store
from lienthong.accounts.models import Position, Role, User
from lienthong.agencies.models import Agency
from lienthong.audit.models import AuditAction
from lienthong.audit.services import AuditItem, audit_log_many
from lienthong.core.bulkinsert import insert_rows
from lienthong.core.choices import Urgency
from lienthong.core.errors import ValidationFailed
from lienthong.core.spreadsheets import RowError
from lienthong.core.text import fold_words, nfc
from lienthong.documents import notation as notation_grammar
from lienthong.documents import selectors as document_selectors
from lienthong.documents import services as document_services
from lienthong.documents.models import Direction, Document, DocumentType, ExtractionStatus, Register
from lienthong.documents.numbering import ensure_year_registers, register_for
from lienthong.imports.models import ImportedDocument
from lienthong.imports.sources import LABELS, NO_FILE_SOURCE, FileProblem, FileSource, file_refs, parse_date
from lienthong.search import services as search_services

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
# A batch is cut early when its files reach this size, so a batch of scans never sits whole in memory.
BATCH_MAX_FILE_BYTES = 256 * 1024 * 1024

# What a rejected row is told (after "Dòng N, cột “…”: ").
REQUIRED = gettext_lazy("cần nhập.")
BAD_DATE = gettext_lazy("“%(v)s” không phải ngày (dạng ngày/tháng/năm, ví dụ 05/03/2018).")
BAD_NUMBER = gettext_lazy("“%(v)s” không phải số nguyên dương.")
TOO_LONG = gettext_lazy("dài quá %(n)s ký tự.")
UNKNOWN_TYPE = gettext_lazy("không có loại văn bản “%(v)s” trong danh mục.")
UNKNOWN_URGENCY = gettext_lazy("độ khẩn “%(v)s” không hợp lệ: dùng Thường, Khẩn, Thượng khẩn hoặc Hỏa tốc.")
UNKNOWN_REGISTER = gettext_lazy("cơ quan không có sổ “%(v)s” năm %(y)s cho loại văn bản này.")
NO_REGISTER = gettext_lazy("cơ quan chưa có sổ văn bản cho loại văn bản này trong năm %(y)s.")
NUMBER_TAKEN = gettext_lazy("số %(n)s đã có trong sổ “%(r)s” năm %(y)s (một văn bản khác).")
SYMBOL_TAKEN = gettext_lazy("số, ký hiệu “%(s)s” đã có trong sổ “%(r)s”.")
SAME_NUMBER_AS_ROW = gettext_lazy("trùng số %(n)s của sổ “%(r)s” năm %(y)s với dòng %(row)s.")
SAME_KEY_AS_ROW = gettext_lazy("trùng với dòng %(row)s (cùng mã nguồn hoặc cùng sổ, năm và số).")
RECEIVED_BEFORE_ISSUE = gettext_lazy("ngày đến trước ngày ban hành.")
IN_FUTURE = gettext_lazy("ngày sau ngày hôm nay.")
IMPORTED_SUMMARY = gettext_lazy("Nhập từ hệ thống cũ, số %(n)s: %(s)s")
# What the whole import is told.
UNKNOWN_AGENCY = gettext_lazy("Không có cơ quan mang mã định danh “%(c)s”.")
NO_CLERK = gettext_lazy("Cơ quan chưa có văn thư: chỉ rõ người nhập bằng --user.")
UNKNOWN_USER = gettext_lazy("Không có người dùng “%(u)s”.")
ALL_OR_NOTHING = gettext_lazy("Có %(n)s dòng lỗi: không nhập văn bản nào (--all-or-nothing).")

_URGENCIES = {"thuong": Urgency.NORMAL, "khan": Urgency.URGENT, "thuong khan": Urgency.VERY_URGENT,
              "hoa toc": Urgency.FLASH, "": Urgency.NORMAL}
_SUBJECT_MAX = 1000


class AllOrNothingRejected(Exception):
    """``all_or_nothing`` and some rows were rejected: the transaction rolls everything back."""


@dataclass
class ImportReport:
    imported: int = 0
    skipped: int = 0  # already imported by an earlier run (same source key)
    rejected: list[RowError] = field(default_factory=list)
    files: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.imported / self.seconds if self.seconds else 0.0


@dataclass
class _Row:
    number: int  # the spreadsheet's row number
    source_key: str
    item: document_services.BulkDocument
    file_bytes: int


class _Importer:
    def __init__(self, *, agency: Agency, actor, direction: str, source: FileSource | None, today: dt.date):
        self.agency, self.actor, self.direction, self.source, self.today = agency, actor, direction, source, today
        self.types = _type_lookup()
        self.issuers: dict[str, Agency | None] | None = None
        self.agencies: dict[int, Agency] = {}
        self.registers: dict[int, list[Register]] = {}
        self.register_names: dict[int, str] = {}
        self.default_register: dict[tuple[int, int], Register | None] = {}
        self.seen_keys: dict[str, int] = {}
        self.seen_numbers: dict[tuple[int, int], int] = {}
        self.written: list[str] = []  # originals written by committed batches (removed if all_or_nothing fails)
        self.writer: _BatchWriter | None = None

    # --- one row ---------------------------------------------------------------------------------------

    def build(self, number: int, cells: dict[str, str], errors: list[RowError]) -> _Row | None:
        problems: list[RowError] = []

        def bad(key: str, message) -> None:
            problems.append(RowError(number, str(LABELS[key]), str(message)))

        incoming = self.direction == Direction.INCOMING
        value = cells  # already NFC (``sources.read_table``)
        reg_number = _positive_int(value.get("number", ""))
        if reg_number is None:
            bad("number", REQUIRED if not value.get("number") else BAD_NUMBER % {"v": value["number"]})
        issued_on = self._date("issued_on", value, bad, required=True)
        received_on = self._date("received_on", value, bad, required=incoming)
        if incoming and issued_on and received_on and received_on < issued_on:
            bad("received_on", RECEIVED_BEFORE_ISSUE)
        subject = value.get("subject", "")
        if not subject:
            bad("subject", REQUIRED)
        elif len(subject) > _SUBJECT_MAX:
            bad("subject", TOO_LONG % {"n": _SUBJECT_MAX})
        dtype = None
        if not value.get("document_type"):
            bad("document_type", REQUIRED)
        else:
            dtype = self.types.get(_type_key(value["document_type"]))
            if dtype is None:
                bad("document_type", UNKNOWN_TYPE % {"v": value["document_type"]})
        urgency = _URGENCIES.get(fold_words(value.get("urgency", "")))
        if urgency is None:
            bad("urgency", UNKNOWN_URGENCY % {"v": value["urgency"]})
        issuer_name = value.get("issuer", "") or ("" if incoming else self.agency.name)
        if not issuer_name:
            bad("issuer", REQUIRED)
        number_symbol, code_number, code_notation = self._notation(value, reg_number, bad)
        for key, limit in (("signer_name", 100), ("signer_position", 100), ("notes", 1000), ("issuer", 255)):
            if len(value.get(key, "")) > limit:
                bad(key, TOO_LONG % {"n": limit})
        register = None
        day = received_on if incoming else issued_on
        year = day.year if day else None
        if year and dtype is not None and not problems:
            register = self._register(value.get("register", ""), year, dtype, bad)
        if problems:
            errors.extend(problems)
            return None
        assert register is not None and reg_number is not None and issued_on is not None and dtype is not None
        assert urgency is not None
        source_key = self.source_key(value)
        assert source_key is not None  # its date and number were checked above
        if source_key in self.seen_keys:
            errors.append(RowError(number, "", str(SAME_KEY_AS_ROW % {"row": self.seen_keys[source_key]})))
            return None
        self.seen_keys[source_key] = number
        slot = (register.pk, reg_number)
        if slot in self.seen_numbers:
            errors.append(RowError(number, str(LABELS["number"]), str(SAME_NUMBER_AS_ROW % {
                "n": reg_number, "r": register.name, "y": register.year, "row": self.seen_numbers[slot]})))
            return None
        self.seen_numbers[slot] = number
        read, file_bytes = self._files(value.get("files", ""), number, errors)
        if read is None:
            return None
        issuer_agency = self.agency if not incoming else self._issuer(issuer_name)
        identifier = ""
        if issuer_agency is not None and incoming:
            identifier = document_services.document_identifier(
                organ_id=issuer_agency.identifier_code, issued_on=issued_on, number_symbol=number_symbol)
        # Ids rather than instances: the related-object descriptors cost more than the rest of the row.
        doc = Document(
            agency_id=self.agency.pk, direction=self.direction, register_id=register.pk, year=register.year,
            register_number=reg_number, document_type_id=dtype.pk, code_number=code_number,
            code_notation=code_notation,
            number_symbol=number_symbol, number_symbol_norm=document_services.normalize_number_symbol(number_symbol),
            identifier=identifier[:120], **notation_grammar.stored_parts(number_symbol),
            issuer_agency_id=issuer_agency.pk if issuer_agency else None, issuer_name=issuer_name,
            place=self.agency.place_name if not incoming else "",
            issued_on=issued_on, received_on=received_on if incoming else None, subject=subject,
            urgency=urgency, signer_name=value.get("signer_name", ""),
            signer_position=value.get("signer_position", ""), notes=value.get("notes", ""),
            page_count=next((f.page_count for f in read if f.page_count is not None), None),
            created_by_id=self.actor.pk,
        )
        return _Row(number=number, source_key=source_key, item=document_services.BulkDocument(doc, read),
                    file_bytes=file_bytes)

    def source_key(self, value: dict[str, str]) -> str | None:
        """The row's stable key: the former system's id, else direction, register year, register and number
        (None when the row does not say them well enough; it is then rejected by ``build``)."""
        if source_id := value.get("source_id", ""):
            return f"{self.direction}:id:{source_id}"[:200]
        day = parse_date(value.get("received_on" if self.direction == Direction.INCOMING else "issued_on", ""))
        number = _positive_int(value.get("number", ""))
        if day is None or number is None:
            return None
        return f"{self.direction}:{day.year}:{fold_words(value.get('register', ''))}:{number}"[:200]

    def _date(self, key, value, bad, *, required: bool) -> dt.date | None:
        raw = value.get(key, "")
        if not raw:
            if required:
                bad(key, REQUIRED)
            return None
        parsed = parse_date(raw)
        if parsed is None:
            bad(key, BAD_DATE % {"v": raw})
        elif parsed > self.today:
            bad(key, IN_FUTURE)
            return None
        return parsed

    def _notation(self, value, reg_number, bad) -> tuple[str, str, str]:
        """(số, ký hiệu as stored, its số, its ký hiệu): the sender's as written for an incoming document;
        for an outgoing one the table's "Số, ký hiệu", else the register number and the "Ký hiệu"."""
        text = value.get("number_symbol", "")
        notation = value.get("notation", "")
        if self.direction == Direction.INCOMING:
            text = text or notation
            if not text:
                bad("number_symbol", REQUIRED)
                return "", "", ""
            code_number, code_notation = document_services.split_number_symbol(text)
            limit = document_services.INCOMING_CODE_NOTATION_MAX_LENGTH
        else:
            if not text and reg_number is not None:
                text = f"{reg_number:02d}/{notation}" if notation else f"{reg_number:02d}"
            code_number, code_notation = document_services.split_number_symbol(text)
            limit = document_services.CODE_NOTATION_MAX_LENGTH
        if (len(text) > 80 or len(code_number) > document_services.CODE_NUMBER_MAX_LENGTH
                or len(code_notation) > limit):
            bad("number_symbol", TOO_LONG % {"n": 80})
        return text, code_number, code_notation

    def _register(self, hint: str, year: int, dtype: DocumentType, bad) -> Register | None:
        if year not in self.registers:
            self.registers[year] = ensure_year_registers(agency_id=self.agency.pk, year=year)
            self.register_names.update({r.pk: r.name for r in self.registers[year]})
        if hint:
            folded = fold_words(hint)
            for r in self.registers[year]:
                if r.direction == self.direction and folded in (fold_words(r.code), fold_words(r.name)):
                    return r
            bad("register", UNKNOWN_REGISTER % {"v": hint, "y": year})
            return None
        key = (year, dtype.pk)
        if key not in self.default_register:
            try:
                self.default_register[key] = register_for(agency_id=self.agency.pk, year=year,
                                                          direction=self.direction, document_type=dtype,
                                                          is_secret=False)
            except ValidationFailed:
                self.default_register[key] = None
        if self.default_register[key] is None:
            bad("register", NO_REGISTER % {"y": year})
        return self.default_register[key]

    def _issuer(self, name: str) -> Agency | None:
        """The directory agency a free-text issuer names (full or short name without accents, answering to
        one agency only), as ``documents.services.issuer_agency_by_name`` decides, from one read of the
        directory instead of one query per name."""
        if self.issuers is None:
            by_name: dict[str, set[int]] = {}
            for agency in Agency.objects.only("pk", "name", "short_name", "identifier_code"):
                self.agencies[agency.pk] = agency
                for text in (agency.name, agency.short_name):
                    if folded := fold_words(text):
                        by_name.setdefault(folded, set()).add(agency.pk)
            self.issuers = {k: self.agencies[next(iter(v))] for k, v in by_name.items() if len(v) == 1}
        return self.issuers.get(fold_words(name))

    def _files(self, cell: str, number: int, errors: list[RowError]):
        refs = file_refs(cell)
        if not refs:
            return [], 0
        label = str(LABELS["files"])
        if self.source is None:
            errors.append(RowError(number, label, str(NO_FILE_SOURCE)))
            return None, 0
        read = []
        total = 0
        for ref in refs:
            data = self.source.read(ref)
            if isinstance(data, FileProblem):
                errors.append(RowError(number, label, data.message))
                return None, 0
            try:
                checked = file_store.check_upload(data, name=ref)
            except ValidationFailed as exc:
                errors.extend(RowError(number, label, str(m)) for msgs in exc.errors.values() for m in msgs)
                return None, 0
            kind = checked.kind
            name = nfc(ref.replace("\\", "/").rsplit("/", 1)[-1])[:255]
            pending = kind.kind in ("pdf", "docx")
            read.append(document_services.ReadFile(
                name=name, data=checked.data, kind=kind, sha256=file_store.sha256_of(checked.data),
                active_content=checked.active_content,
                status=ExtractionStatus.PENDING if pending else ExtractionStatus.NONE))
            total += len(checked.data)
        return read, total

    # --- one batch -------------------------------------------------------------------------------------

    def process(self, raw: list[tuple[int, dict[str, str]]], report: ImportReport, *, batch_size: int,
                on_batch: Callable[[int], None] | None) -> None:
        """Rows of one batch of the table: those already in the ledger are counted and skipped before
        anything else is done with them (a resumed import passes over them quickly), the others are
        checked, their files read, and written in batches (cut early when their files grow large)."""
        keys = {number: self.source_key(cells) for number, cells in raw}
        done = set(ImportedDocument.objects.filter(agency=self.agency, source_key__in=[k for k in keys.values() if k])
                   .values_list("source_key", flat=True))
        pending: list[_Row] = []
        size = 0
        for number, cells in raw:
            key = keys[number]
            if key is not None and key in done:
                if key not in self.seen_keys:
                    self.seen_keys[key] = number
                    report.skipped += 1
                    continue
            row = self.build(number, cells, report.rejected)
            if row is None:
                continue
            pending.append(row)
            size += row.file_bytes
            if len(pending) >= batch_size or size >= BATCH_MAX_FILE_BYTES:
                self.flush(pending, report, on_batch=on_batch)
                pending, size = [], 0
        self.flush(pending, report, on_batch=on_batch)

    def flush(self, rows: list[_Row], report: ImportReport, *, on_batch: Callable[[int], None] | None) -> None:
        """Write a batch now, or hand it to the writer thread when there is one."""
        if not rows:
            return
        if self.writer is not None:
            self.writer.put(rows)
        else:
            self.write(rows, report, on_batch=on_batch)

    def write(self, rows: list[_Row], report: ImportReport, *, on_batch: Callable[[int], None] | None) -> None:
        done = set(ImportedDocument.objects.filter(agency=self.agency, source_key__in=[r.source_key for r in rows])
                   .values_list("source_key", flat=True))
        report.skipped += sum(r.source_key in done for r in rows)
        rows = [r for r in rows if r.source_key not in done]
        if not rows:
            return
        written: list[str] = []
        try:
            with transaction.atomic():
                rows = self._without_taken(rows, report)
                docs = document_services.documents_bulk_create(actor=self.actor, items=[r.item for r in rows],
                                                               written=written)
                insert_rows(ImportedDocument, [
                    ImportedDocument(agency_id=self.agency.pk, source_key=r.source_key, document_id=d.pk)
                    for r, d in zip(rows, docs, strict=True)])
                search_services.index_documents(document_ids=[d.pk for d in docs])
                audit_log_many(actor=self.actor, agency_id=self.agency.pk, items=[
                    AuditItem(action=AuditAction.IMPORTED, obj_type="document", obj_id=d.pk,
                              summary=IMPORTED_SUMMARY % {"n": d.register_number, "s": d.number_symbol},
                              details={"register_id": d.register_id, "number": d.register_number,
                                       "source_key": r.source_key, "row": r.number,
                                       "files": [f.name for f in r.item.files]})
                    for r, d in zip(rows, docs, strict=True)])
                if on_batch is not None:
                    on_batch(len(docs))
        except BaseException:
            document_services.files_discard(written)
            raise
        self.written.extend(written)
        report.imported += len(docs)
        report.files += sum(len(r.item.files) for r in rows)

    def _without_taken(self, rows: list[_Row], report: ImportReport) -> list[_Row]:
        """Rows whose number (or outgoing số, ký hiệu) another document of the register already has are
        rejected. Read after the registers are locked would be stricter; read inside the batch's
        transaction is enough: a clash that appears meanwhile fails the batch on the unique constraint."""
        by_register: dict[int, list[_Row]] = {}
        for r in rows:
            by_register.setdefault(r.item.document.register_id, []).append(r)
        rejected: set[int] = set()
        for register_id, group in by_register.items():
            numbers = document_selectors.register_numbers_taken(
                register_id=register_id, numbers=[r.item.document.register_number for r in group])
            symbols = set()
            if self.direction == Direction.OUTGOING:
                symbols = document_selectors.outgoing_symbols_taken(
                    register_id=register_id, norms=[r.item.document.number_symbol_norm for r in group])
            for r in group:
                doc = r.item.document
                if doc.register_number in numbers:
                    report.rejected.append(RowError(r.number, str(LABELS["number"]), str(NUMBER_TAKEN % {
                        "n": doc.register_number, "r": self.register_names[register_id], "y": doc.year})))
                    rejected.add(id(r))
                elif doc.number_symbol_norm in symbols:
                    report.rejected.append(RowError(r.number, str(LABELS["number_symbol"]), str(SYMBOL_TAKEN % {
                        "s": doc.number_symbol, "r": self.register_names[register_id]})))
                    rejected.add(id(r))
        return [r for r in rows if id(r) not in rejected]


def _can_overlap() -> bool:
    """Whether batches may be written by a thread of their own while the next one is read and checked: on
    PostgreSQL (SQLite has one writer, so nothing would overlap), when the import is not inside a transaction
    (a second connection would not see its uncommitted rows)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


class _BatchWriter:
    """Writes the importer's batches on its own thread and database connection, one batch behind the reading:
    while PostgreSQL inserts batch k, the importer parses and checks batch k + 1, so the import takes about the
    longer of the two instead of their sum. At most one batch waits (``queue.Queue(maxsize=1)``), so memory stays
    bounded. A batch still commits whole or not at all; the first failure stops the import and is raised again
    in the caller's thread, after the batches before it are committed (a run again resumes after them)."""

    def __init__(self, importer: _Importer, *, on_batch: Callable[[int], None] | None):
        self.importer, self.on_batch = importer, on_batch
        self.report = ImportReport()  # the writer's own counts, added to the caller's at the end
        self.batches: queue.Queue[list[_Row] | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._work, name="import-writer", daemon=True)
        self.thread.start()

    def _work(self) -> None:
        try:
            while (rows := self.batches.get()) is not None:
                if self.error is None:
                    try:
                        self.importer.write(rows, self.report, on_batch=self.on_batch)
                    except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread, raised there
                        self.error = exc
        finally:
            connections.close_all()  # this thread's connection

    def put(self, rows: list[_Row]) -> None:
        if self.error is not None:
            raise self.error
        self.batches.put(rows)

    def finish(self, report: ImportReport) -> None:
        self.batches.put(None)
        self.thread.join()
        report.imported += self.report.imported
        report.skipped += self.report.skipped
        report.files += self.report.files
        report.rejected.extend(self.report.rejected)
        if self.error is not None:
            raise self.error


def _positive_int(text: str) -> int | None:
    text = text.strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit() or int(text) <= 0 or int(text) > 2_000_000_000:
        return None
    return int(text)


def _type_key(text: str) -> str:
    return fold_words(text)


def _type_lookup() -> dict[str, DocumentType]:
    """Types by folded name, code and abbreviation ("Quyết định", "quyet-dinh", "QĐ")."""
    found: dict[str, DocumentType] = {}
    for t in DocumentType.objects.order_by("-is_active", "order"):
        for key in (t.abbreviation, t.code, t.name):
            if key:
                found.setdefault(_type_key(key), t)
    return found


def import_actor(*, agency: Agency, username: str = ""):
    """The person the imported documents are recorded as created by: ``username``, else the agency's
    first clerk. ``ValidationFailed`` with a Vietnamese message otherwise."""
    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise ValidationFailed({"user": [str(UNKNOWN_USER % {"u": username})]})
        return user
    position = (Position.objects.select_related("user").filter(agency=agency, role=Role.CLERK)
                .order_by("pk").first())
    if position is None:
        raise ValidationFailed({"user": [str(NO_CLERK)]})
    return position.user


def import_agency(code: str) -> Agency:
    agency = Agency.objects.filter(identifier_code=code).first()
    if agency is None:
        raise ValidationFailed({"agency": [str(UNKNOWN_AGENCY % {"c": code})]})
    return agency


def documents_import(*, agency: Agency, actor, direction: str, rows, source: FileSource | None,
                     all_or_nothing: bool = False, batch_size: int = BATCH_SIZE,
                     on_batch: Callable[[int], None] | None = None, today: dt.date | None = None) -> ImportReport:
    """Import ``rows`` ((row number, {column key: text}) from ``sources.read_table``) into ``agency``'s
    registers of ``direction``; see the module docstring. ``on_batch(n)`` is called after each batch is
    written (the command prints progress)."""
    import time

    started = time.perf_counter()
    report = ImportReport()
    importer = _Importer(agency=agency, actor=actor, direction=direction, source=source,
                         today=today or timezone.localdate())

    def run() -> None:
        raw: list[tuple[int, dict[str, str]]] = []
        for number, cells in rows:
            raw.append((number, cells))
            if len(raw) >= batch_size:
                importer.process(raw, report, batch_size=batch_size, on_batch=on_batch)
                raw = []
        importer.process(raw, report, batch_size=batch_size, on_batch=on_batch)
        if all_or_nothing and report.rejected:
            raise AllOrNothingRejected()

    if all_or_nothing:
        try:
            with transaction.atomic():
                run()
        except AllOrNothingRejected:
            document_services.files_discard(importer.written)
            report.imported = report.files = 0
    elif _can_overlap():
        importer.writer = _BatchWriter(importer, on_batch=on_batch)
        try:
            run()
        finally:
            importer.writer.finish(report)
            importer.writer = None
    else:
        run()
    report.rejected.sort(key=lambda e: e.row or 0)
    report.seconds = time.perf_counter() - started
    return report


def report_summary(report: ImportReport, *, all_or_nothing: bool = False) -> str:
    if all_or_nothing and report.rejected:
        return str(ALL_OR_NOTHING % {"n": len({e.row for e in report.rejected})})
    return _("Đã nhập %(n)s văn bản (%(f)s tệp), bỏ qua %(s)s văn bản đã nhập trước đó, %(r)s dòng bị từ chối.") % {
        "n": report.imported, "f": report.files, "s": report.skipped, "r": len({e.row for e in report.rejected})}
