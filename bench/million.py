#!/usr/bin/env python
"""Generator: a working province of N documents (default 1 000 000), for the load test and the
backup/restore benchmark.

On the database named by DATABASE_URL (PostgreSQL for speed; SQLite works for small counts) it loads
the demo province if the database is empty (its agencies, units and demo accounts, so that the demo
logins work), then adds N documents over the years 2019 to today, as a province that has worked in the
system for those years would hold them:

- outgoing documents of every agency, numbered in the register that numbers their type, most of them
  sent through the system to one to three other agencies (``Delivery`` with its status events); the
  recipients' incoming records of them, numbered in their incoming registers; incoming documents from
  outside the system (paper or other systems); deliveries of the last week partly still waiting to be
  received;
- every document with its own small PDF original (one page, its text extracted), written through the
  configured storage at its content-addressed name (``files.storage.storage_name_for``) by a pool of
  threads, with its ``StoredFile`` and ``DocumentFile`` rows;
- every incoming document with its ``Handling``: older ones completed, with their (finished)
  assignments; those of the last 60 days waiting to be submitted, waiting for the leader's assignment,
  assigned or in progress (assignments to specialists and to departments, supporting parts), with the
  document grants the assignments give;
- the search index rows of every document;
- the registers' counters (``last_number``) equal to the highest number used, and the sequences of the
  tables past the ids used.

Rows go in with COPY on PostgreSQL (``bulk_create`` on SQLite), a batch of documents with all its
rows in one transaction, after the batch's files are written: files and rows exist together. The
generated documents carry the note "million"; a second run adds only what is missing up to ``--count``
(an interrupted run resumes). Run it on a database no one else writes to while it runs: ids are
reserved from the sequences in blocks.

Longer than 600 lines because the whole province is generated in one place (the rows of eight tables built
together per batch so that their ids and states agree), with its consistency check beside it.

Usage:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lt_million MEDIA_ROOT=/srv/million-media \\
        .venv/bin/python bench/million.py [--count 1000000] [--batch 5000] [--threads 8]

It reads DATABASE_URL, MEDIA_ROOT and LIENTHONG_VAR_DIR (and the storage settings) exactly as the
application does, and writes nowhere else; DATABASE_URL must be given (so that the demo database is
never filled by mistake).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import os
import queue
import random
import re
import sys
import threading
import time
import unicodedata
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import benchenv  # noqa: E402,F401 - the checkout on sys.path, settings module, locations as the application
import documents as documents_bench  # noqa: E402 - bench/documents.py: its wording lists (no set-up on import)

MARKER = "million"
FIRST_DAY = dt.date(2019, 1, 1)
OPEN_DAYS = 60  # incoming documents received in the last OPEN_DAYS days may still be in processing
WAITING_DAYS = 7  # deliveries of the last WAITING_DAYS days may still wait for the recipient's clerk

# The subjects' wording is bench/documents.py's (the same province), with the years this set reaches.
ACTIONS = documents_bench.ACTIONS
TOPICS = [*documents_bench.TOPICS, "chuyển đổi số năm {y}"]
PLACES = ["trên địa bàn tỉnh Hậu Giang", "tại các xã, phường, thị trấn", "của các sở, ban, ngành tỉnh",
          "trên địa bàn huyện", "giai đoạn 2021-2025", "năm {y}", ""]
INSTRUCTIONS = ["Chủ trì, tham mưu văn bản trả lời", "Phối hợp, cung cấp số liệu", "Nghiên cứu, đề xuất",
                "Tổng hợp, báo cáo kết quả", "Theo dõi, đôn đốc thực hiện", ""]
RESULTS = ["Đã tham mưu văn bản trả lời", "Đã báo cáo kết quả", "Đã triển khai thực hiện", "Đã lưu hồ sơ"]


def subject_for(rng: random.Random, year: int) -> str:
    text = f"{rng.choice(ACTIONS)} {rng.choice(TOPICS)} {rng.choice(PLACES)}".strip()
    return text.format(y=year, y1=year + 1, q=rng.randint(1, 4))


@functools.lru_cache(maxsize=200_000)
def ascii_text(text: str) -> str:
    """``text`` without diacritics and without the characters a PDF string would need escaped."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return "".join(c if (c.isascii() and (c.isalnum() or c in " ,.-/:")) else " " for c in text)


# --- Search index rows, as ``search.text.entry_text`` makes them ------------------------------------
# The index form is a sequence of tokens, so the form of "a b" is the form of "a" then that of "b"; the
# pieces that repeat (subjects, issuers, signers) are folded once. ``check`` compares a sample of the
# generated rows with ``entry_text`` itself.

@functools.lru_cache(maxsize=200_000)
def _folded(value: str) -> str:
    from lienthong.search.text import folded_text

    return folded_text(value)


@functools.lru_cache(maxsize=200_000)
def _exact(value: str) -> str:
    from lienthong.search.text import exact_text

    return exact_text(value)


@functools.lru_cache(maxsize=20_000)
def _meta(issuer_name: str, type_name: str, signer_position: str, signer_name: str) -> tuple[str, str]:
    from lienthong.search.text import exact_text, folded_text

    return (folded_text(issuer_name, type_name, signer_position, signer_name),
            exact_text(issuer_name, type_name, signer_position, signer_name))


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def pdf_text(document_id: int, number_symbol: str, subject: str) -> str:
    """The one line of the document's PDF (ASCII), which is also its extracted text."""
    return f"Van ban {document_id} so {ascii_text(number_symbol)}: {ascii_text(subject)}"


def search_row(*, document_id: int, agency_id: int, direction: str, year: int, number_symbol: str, subject: str,
               issuer_name: str, signer_position: str, signer_name: str, type_name: str = "") -> tuple:
    """The ``SearchEntry`` columns of a generated document whose attachment text is ``pdf_text``."""
    from lienthong.core.text import fold

    number = _folded(number_symbol)
    body = _join(f"van ban {document_id} so", _folded(ascii_text(number_symbol)), _folded(ascii_text(subject)))
    meta, meta_x = _meta(issuer_name, type_name, signer_position, signer_name)
    return (document_id, agency_id, direction, year, re.sub(r"\s+", "", fold(number_symbol)).upper(), number,
            _folded(subject), _exact(subject), meta, meta_x, body, body)


# --- Writing rows: COPY on PostgreSQL, bulk_create elsewhere ----------------------------------------

class Table:
    """Rows of one model given as tuples of ``columns`` (attribute names); every other concrete field
    takes its default."""

    def __init__(self, model, columns: list[str]):
        self.model = model
        self.columns = columns
        fields = {f.attname: f for f in model._meta.concrete_fields}
        missing = [a for a in columns if a not in fields]
        if missing:
            raise SystemExit(f"{model.__name__} has no field(s) {missing}: this script needs updating")
        pk = model._meta.pk.attname
        # Columns not given: the database numbers an auto primary key; every other takes its default.
        self.rest = [a for a in fields if a not in columns and not (a == pk and fields[a].get_internal_type()
                                                                    in ("AutoField", "BigAutoField"))]
        self.tail = tuple(fields[a].get_default() for a in self.rest)
        self.db_columns = [fields[a].column for a in columns + self.rest]
        self.rows: list[tuple] = []

    def add(self, *values) -> None:
        self.rows.append(values)

    def take(self) -> list[tuple]:
        rows, self.rows = self.rows, []
        return rows

    def write_rows(self, connection, rows: list[tuple], *, sort_key=None) -> int:
        if sort_key is not None:
            rows.sort(key=sort_key)
        if not rows:
            return 0
        if connection.vendor == "postgresql":
            cols = ", ".join(connection.ops.quote_name(c) for c in self.db_columns)
            with connection.cursor() as cursor:
                with cursor.cursor.copy(f"COPY {self.model._meta.db_table} ({cols}) FROM STDIN") as copy:
                    tail = self.tail
                    for row in rows:
                        copy.write_row(row + tail)
        else:
            names = self.columns + self.rest
            self.model.objects.bulk_create(
                [self.model(**dict(zip(names, row + self.tail, strict=True))) for row in rows], batch_size=500)
        return len(rows)


def reserve_ids(connection, model, count: int) -> int:
    """The first of ``count`` consecutive unused ids of ``model``'s table (the block is taken from the
    sequence on PostgreSQL; on SQLite, the ids after the highest one)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
            seq = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s, nextval(%s) + %s - 1)", [seq, seq, count])
            return cursor.fetchone()[0] - count + 1
        cursor.execute(f"SELECT COALESCE(MAX({model._meta.pk.column}), 0) FROM {table}")
        return cursor.fetchone()[0] + 1


# --- The province ------------------------------------------------------------------------------------

@dataclass
class AgencyInfo:
    pk: int
    name: str
    abbreviation: str
    place: str
    rank: int
    clerk: int | None = None
    clerk_name: str = ""
    leader: int | None = None
    leader_name: str = ""
    specialists: list[int] = field(default_factory=list)
    units: list[int] = field(default_factory=list)  # units with a head and at least one specialist
    unit_head: dict[int, int] = field(default_factory=dict)
    unit_people: dict[int, list[int]] = field(default_factory=dict)


def ensure_province() -> None:
    from lienthong.agencies.models import Agency

    if Agency.objects.filter(is_external=False).exists():
        return
    from lienthong.demo.builder import load_demo

    t0 = time.perf_counter()
    load_demo(scale=0, fast_pdfs=True)
    print(f"demo province loaded ({time.perf_counter() - t0:.0f} s)", flush=True)


def load_province() -> tuple[dict[int, AgencyInfo], list[int]]:
    """Internal agencies that have a clerk and a leader, with their people; and external agencies' ids."""
    from lienthong.accounts.models import Position, Role
    from lienthong.agencies.models import Agency

    agencies = {a.pk: AgencyInfo(a.pk, a.name, a.abbreviation or "UBND", a.place_name, a.level.rank)
                for a in Agency.objects.filter(is_external=False, is_active=True).select_related("level")}
    external = list(Agency.objects.filter(is_external=True).values_list("pk", flat=True))
    positions = (Position.objects.filter(is_active=True, agency_id__in=list(agencies), user__is_active=True)
                 .order_by("agency_id", "id").values_list("agency_id", "unit_id", "role", "user_id", "user__full_name"))
    heads: dict[tuple[int, int], int] = {}
    people: dict[tuple[int, int], list[int]] = defaultdict(list)
    for agency_id, unit_id, role, user_id, name in positions:
        a = agencies[agency_id]
        if unit_id is None:
            if role == Role.CLERK and a.clerk is None:
                a.clerk, a.clerk_name = user_id, name
            elif role == Role.LEADER and a.leader is None:
                a.leader, a.leader_name = user_id, name
            elif role == Role.SPECIALIST:
                a.specialists.append(user_id)
        elif role == Role.LEADER:
            heads.setdefault((agency_id, unit_id), user_id)
        elif role == Role.SPECIALIST:
            people[(agency_id, unit_id)].append(user_id)
    for (agency_id, unit_id), head in heads.items():
        if people.get((agency_id, unit_id)):
            a = agencies[agency_id]
            a.units.append(unit_id)
            a.unit_head[unit_id] = head
            a.unit_people[unit_id] = people[(agency_id, unit_id)]
    usable = {pk: a for pk, a in agencies.items()
              if a.clerk and a.leader and (a.specialists or a.units)}
    if len(usable) < 2:
        raise SystemExit("the province needs at least two agencies with a clerk, a leader and a specialist")
    return usable, external


class Registers:
    """The registers of every (agency, year) in memory: which one numbers an incoming document, which one
    an outgoing document of a type; and the highest number used in each."""

    def __init__(self, agency_ids: list[int], years: list[int]):
        from django.db.models import Max

        from lienthong.documents.models import Direction, Document, Register
        from lienthong.documents.numbering import ensure_year_registers

        for a in agency_ids:
            for y in years:
                ensure_year_registers(agency_id=a, year=y)
        self.incoming: dict[tuple[int, int], int] = {}
        self.out_catch_all: dict[tuple[int, int], int] = {}
        self.out_by_type: dict[tuple[int, int, int], int] = {}
        regs = (Register.objects.filter(agency_id__in=agency_ids, year__in=years, is_active=True, is_secret=False)
                .prefetch_related("document_types").order_by("id"))
        for r in regs:
            key = (r.agency_id, r.year)
            if r.issuing_body_name:
                continue  # an advisory body's own series
            if r.direction == Direction.INCOMING:
                self.incoming.setdefault(key, r.pk)
            elif r.direction == Direction.OUTGOING:
                types = [t.pk for t in r.document_types.all()]
                if not types:
                    self.out_catch_all.setdefault(key, r.pk)
                for t in types:
                    self.out_by_type.setdefault((r.agency_id, r.year, t), r.pk)
        self.last = defaultdict(int)
        for register_id, top in (Document.objects.filter(register__agency_id__in=agency_ids, register__year__in=years)
                                 .values_list("register_id").annotate(m=Max("register_number"))):
            self.last[register_id] = top or 0

    def for_incoming(self, agency_id: int, year: int) -> int | None:
        return self.incoming.get((agency_id, year))

    def for_outgoing(self, agency_id: int, year: int, type_id: int) -> int | None:
        return self.out_by_type.get((agency_id, year, type_id)) or self.out_catch_all.get((agency_id, year))

    def next_number(self, register_id: int) -> int:
        self.last[register_id] += 1
        return self.last[register_id]


# --- Generation --------------------------------------------------------------------------------------

class Generator:
    def __init__(self, *, seed: int, today: dt.date, threads: int):
        from django.db import connection
        from django.utils import timezone

        from lienthong.documents.models import DocumentType

        self.connection = connection
        self.rng = random.Random(seed)
        self.today = today
        self.now = timezone.now()
        self.agencies, self.external = load_province()
        self.ids = sorted(self.agencies)
        self.weights = [8 if self.agencies[a].rank == 1 else 3 if self.agencies[a].rank == 2 else 1 for a in self.ids]
        self.types = list(DocumentType.objects.filter(is_nd30=True, is_active=True).exclude(abbreviation=""))
        if not self.types:
            raise SystemExit("no document types: run the migrations and load the demo first")
        self.cong_van = next((t for t in self.types if t.code == "cong-van"), self.types[0])
        from lienthong.agencies.models import Agency

        self.external_info = {a.pk: (a.name, a.abbreviation or "UBND", a.place_name)
                              for a in Agency.objects.filter(pk__in=self.external)}
        self.years = list(range(FIRST_DAY.year, today.year + 1))
        self.registers = Registers(self.ids, self.years)
        self.days = (today - FIRST_DAY).days
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="million-files")
        self.files_written = 0
        self.bytes_written = 0
        self._tables()

    def _tables(self) -> None:
        from lienthong.delivery.models import Delivery, DeliveryEvent
        from lienthong.documents.models import Document, DocumentFile, DocumentGrant, StoredFile
        from lienthong.processing.models import Assignment, Handling
        from lienthong.search.models import SearchEntry

        self.t_doc = Table(Document, [
            "id", "agency_id", "direction", "register_id", "year", "register_number", "document_type_id",
            "code_number", "code_notation", "number_symbol", "number_symbol_norm", "notation_number",
            "notation_symbol", "issuer_agency_id", "issuer_name", "place", "issued_on", "subject", "urgency",
            "signer_authority", "signer_position", "signer_name", "page_count", "notes", "received_on",
            "is_paper", "legally_valid", "created_by_id", "created_at", "updated_at"])
        self.t_stored = Table(StoredFile, ["id", "sha256", "size", "content_type", "kind", "storage_name",
                                           "created_at"])
        self.t_docfile = Table(DocumentFile, ["id", "document_id", "stored_file_id", "filename", "extracted_text",
                                              "extraction_status", "page_count", "uploaded_by_id", "uploaded_at"])
        self.t_search = Table(SearchEntry, ["document_id", "agency_id", "direction", "year", "number_norm", "number",
                                            "subject", "subject_x", "meta", "meta_x", "body", "body_x"])
        self.t_delivery = Table(Delivery, ["id", "document_id", "sender_agency_id", "recipient_agency_id", "state",
                                           "is_urgent", "incoming_document_id", "sent_at", "updated_at"])
        self.t_event = Table(DeliveryEvent, ["delivery_id", "kind", "code", "at", "actor_id", "actor_name"])
        self.t_handling = Table(Handling, [
            "id", "document_id", "agency_id", "state", "is_urgent", "received_on", "submitted_to_id",
            "submitted_by_id", "submitted_at", "completed_at", "created_at"])
        self.t_assignment = Table(Assignment, [
            "id", "handling_id", "document_id", "agency_id", "parent_id", "role", "unit_id", "user_id", "deadline",
            "instruction", "assigned_by_id", "assigned_at", "state", "progress", "result", "completed_at"])
        self.t_grant = Table(DocumentGrant, ["document_id", "user_id", "unit_id", "created_at"])
        self.order = [self.t_stored, self.t_doc, self.t_docfile, self.t_search, self.t_delivery, self.t_event,
                      self.t_handling, self.t_assignment, self.t_grant]

    # -- one batch --

    def plan_batch(self, n: int) -> list[dict]:
        """``n`` documents as plain dicts, in families: an outgoing document and its recipients' copies."""
        rng = self.rng
        docs: list[dict] = []
        while len(docs) < n:
            # More documents in recent years (the system's use grew): about 5 % in the last 60 days.
            day = self.today - dt.timedelta(days=int(self.days * rng.random() ** 1.3))
            a = self.agencies[rng.choices(self.ids, self.weights)[0]]
            urgency = rng.choices(["normal", "urgent", "very_urgent", "flash"], [85, 10, 4, 1])[0]
            subject = subject_for(rng, day.year)
            if rng.random() < 0.35:
                t = rng.choice(self.types)
                register = self.registers.for_outgoing(a.pk, day.year, t.pk)
                if register is None:
                    continue
                num = self.registers.next_number(register)
                notation = f"{t.abbreviation}-{a.abbreviation}"
                out = dict(agency=a.pk, direction="out", register=register, number=num, type=t,
                           code_number=f"{num:02d}", notation=notation, issuer=a.pk, issuer_name=a.name,
                           place=a.place, issued_on=day, received_on=None, subject=subject, urgency=urgency,
                           signer_name=a.leader_name, signer_position="Chủ tịch" if a.rank != 2 else "Giám đốc",
                           created_by=a.clerk, paper=rng.random() < 0.08, recipients=[])
                docs.append(out)
                if not out["paper"] and rng.random() < 0.75:
                    others = rng.sample(self.ids, min(len(self.ids), 4))
                    for r in [o for o in others if o != a.pk][:rng.choice([1, 1, 2, 3])]:
                        received = min(self.today, day + dt.timedelta(days=rng.choice([0, 0, 1, 2])))
                        waiting = (self.today - received).days < WAITING_DAYS and rng.random() < 0.3
                        copy = None
                        if not waiting and len(docs) >= n:
                            continue
                        if not waiting:
                            copy = self._incoming(self.agencies[r], received, subject, urgency, t,
                                                  f"{num:02d}/{notation}", issuer=a.pk, issuer_name=a.name,
                                                  place=a.place, signer=a.leader_name, issued_on=day, paper=False)
                            if copy is None:
                                continue
                            docs.append(copy)
                        out["recipients"].append((r, copy, received))
            else:
                if self.external and rng.random() < 0.5:
                    issuer = rng.choice(self.external)
                    name, abbr, place = self.external_info[issuer]
                else:
                    other = self.agencies[rng.choice(self.ids)]
                    issuer, name, abbr, place = other.pk, other.name, other.abbreviation, other.place
                t = self.cong_van if rng.random() < 0.5 else rng.choice(self.types)
                issued = day - dt.timedelta(days=rng.randint(0, 3))
                number_symbol = f"{rng.randint(1, 3000):02d}/{t.abbreviation}-{abbr}"
                copy = self._incoming(a, day, subject, urgency, t, number_symbol,
                                      issuer=issuer, issuer_name=name, place=place, signer=rng.choice(SIGNERS),
                                      issued_on=max(FIRST_DAY, issued), paper=rng.random() < 0.3)
                if copy is not None:
                    docs.append(copy)
        return docs

    def _incoming(self, a: AgencyInfo, received: dt.date, subject, urgency, t, number_symbol, *, issuer, issuer_name,
                  place, signer, issued_on, paper) -> dict | None:
        register = self.registers.for_incoming(a.pk, received.year)
        if register is None:
            return None
        num = self.registers.next_number(register)
        code_number, notation = number_symbol.split("/", 1)
        return dict(agency=a.pk, direction="in", register=register, number=num, type=t, code_number=code_number,
                    notation=notation, issuer=issuer, issuer_name=issuer_name, place=place, issued_on=issued_on,
                    received_on=received, subject=subject, urgency=urgency, signer_name=signer,
                    signer_position="Chủ tịch", created_by=a.clerk, paper=paper, recipients=[])

    def build_rows(self, docs: list[dict]) -> list[tuple[str, bytes]]:
        """Fill the tables with the batch's rows; return the files to write (name, bytes)."""
        from django.utils import timezone

        from lienthong.delivery.models import STATUS_CODES, Delivery
        from lienthong.demo.pdf import tiny_pdf
        from lienthong.documents.models import Document, DocumentFile, StoredFile
        from lienthong.documents.services import normalize_number_symbol
        from lienthong.files.storage import storage_name_for
        from lienthong.processing.models import Handling

        rng, conn, tz = self.rng, self.connection, timezone.get_current_timezone()
        n = len(docs)
        first_doc = reserve_ids(conn, Document, n)
        first_file = reserve_ids(conn, StoredFile, n)
        first_docfile = reserve_ids(conn, DocumentFile, n)
        for i, d in enumerate(docs):
            d["id"] = first_doc + i
        incoming = [d for d in docs if d["direction"] == "in"]
        next_handling = reserve_ids(conn, Handling, len(incoming))
        n_deliveries = sum(len(d["recipients"]) for d in docs)
        next_delivery = reserve_ids(conn, Delivery, n_deliveries) if n_deliveries else 0
        files: list[tuple[str, bytes]] = []

        def moment(day: dt.date, hour_from: int = 7, hour_to: int = 16) -> dt.datetime:
            return dt.datetime.combine(day, dt.time(rng.randint(hour_from, hour_to), rng.randint(0, 59),
                                                    rng.randint(0, 59)), tzinfo=tz)

        handling_state: dict[int, str] = {}
        for i, d in enumerate(docs):
            ns = f"{d['code_number']}/{d['notation']}"
            at = moment(d["received_on"] or d["issued_on"])
            d["at"] = at
            self.t_doc.add(
                d["id"], d["agency"], d["direction"], d["register"], (d["received_on"] or d["issued_on"]).year,
                d["number"], d["type"].pk, d["code_number"], d["notation"], ns, normalize_number_symbol(ns),
                d["code_number"], d["notation"], d["issuer"], d["issuer_name"], d["place"], d["issued_on"],
                d["subject"], d["urgency"], "", d["signer_position"], d["signer_name"], 1, MARKER, d["received_on"],
                d["paper"], not d["paper"] and d["direction"] == "out", d["created_by"], at, at)
            text = pdf_text(d["id"], ns, d["subject"])
            pdf = tiny_pdf(text)
            sha = hashlib.sha256(pdf).hexdigest()
            name = storage_name_for(sha)
            files.append((name, pdf))
            self.t_stored.add(first_file + i, sha, len(pdf), "application/pdf", "pdf", name, at)
            self.t_docfile.add(first_docfile + i, d["id"], first_file + i, f"van-ban-{d['id']}.pdf", text, "done", 1,
                               d["created_by"], at)
            self.t_search.add(*search_row(
                document_id=d["id"], agency_id=d["agency"], direction=d["direction"],
                year=(d["received_on"] or d["issued_on"]).year, number_symbol=ns, subject=d["subject"],
                issuer_name=d["issuer_name"], signer_position=d["signer_position"], signer_name=d["signer_name"],
                type_name=d["type"].name))
            if d["direction"] == "in":
                state = self._handling(d, next_handling, moment)
                handling_state[d["id"]] = state
                next_handling += 1
        for d in docs:
            sender = self.agencies[d["agency"]]
            for recipient, copy, received in d["recipients"]:
                if copy is None:
                    state, event = "arrived", "arrived"
                else:
                    state = {"registered": "registered", "submitted": "registered", "assigned": "assigned",
                             "in_progress": "in_progress", "done": "done"}[handling_state[copy["id"]]]
                    event = state
                sent = d["at"]
                arrived = max(sent, moment(received)) if copy is not None else sent
                self.t_delivery.add(next_delivery, d["id"], d["agency"], recipient, state, d["urgency"] != "normal",
                                    copy["id"] if copy else None, sent, arrived)
                self.t_event.add(next_delivery, "sent", STATUS_CODES["sent"], sent, sender.clerk, sender.clerk_name)
                self.t_event.add(next_delivery, "arrived", STATUS_CODES["arrived"], sent, None, "")
                if event != "arrived":
                    clerk = self.agencies[recipient].clerk
                    self.t_event.add(next_delivery, event, STATUS_CODES[event], arrived, clerk, "")
                next_delivery += 1
        return files

    def _handling(self, d: dict, handling_id: int, moment) -> str:
        """The document's Handling and, once assigned, its assignments and the grants they give."""
        rng = self.rng
        a = self.agencies[d["agency"]]
        received = d["received_on"]
        age = (self.today - received).days
        if age > OPEN_DAYS:
            state = "done"
        else:
            state = rng.choices(["registered", "submitted", "assigned", "in_progress", "done"], [8, 17, 25, 35, 15])[0]
        urgent = d["urgency"] != "normal"
        created = d["at"]
        now = self.now
        submitted_at = None if state == "registered" else min(now, created + dt.timedelta(minutes=rng.randint(5, 240)))
        assigned_at = None if state in ("registered", "submitted") else min(
            now, submitted_at + dt.timedelta(hours=rng.randint(1, 30)))
        completed_at = None
        deadline = received + dt.timedelta(days=rng.randint(5, 20))
        if state == "done":
            completed_at = min(now, assigned_at + dt.timedelta(days=rng.randint(1, 15), hours=rng.randint(0, 6)))
        self.t_handling.add(handling_id, d["id"], a.pk, state, urgent, received,
                            None if state == "registered" else a.leader,
                            None if state == "registered" else a.clerk, submitted_at, completed_at, created)
        if assigned_at is None:
            return state
        grants: set[tuple[int | None, int | None]] = set()
        top_state = {"assigned": "pending", "in_progress": "in_progress", "done": "done"}[state]

        def add(role, unit, user, parent, st, by, at, deadline_):
            aid = self._assignment_next
            self._assignment_next = aid + 1
            progress = 100 if st == "done" else rng.choice([10, 30, 50, 70]) if st == "in_progress" else 0
            self.t_assignment.add(aid, handling_id, d["id"], a.pk, parent, role, unit, user, deadline_,
                                  rng.choice(INSTRUCTIONS), by, at, st, progress,
                                  rng.choice(RESULTS) if st == "done" else "",
                                  completed_at if st == "done" else None)
            grants.add((user, unit))
            return aid

        if a.units and rng.random() < 0.5:
            unit = rng.choice(a.units)
            handed_on = top_state != "pending" or rng.random() < 0.7  # the unit head passed it to a specialist
            top = add("lead", unit, None, None, "in_progress" if handed_on and top_state == "pending" else top_state,
                      a.leader, assigned_at, deadline)
            if handed_on:
                add("lead", None, rng.choice(a.unit_people[unit]), top, top_state, a.unit_head[unit],
                    min(self.now, assigned_at + dt.timedelta(hours=rng.randint(1, 8))),
                    deadline - dt.timedelta(days=rng.randint(0, 3)))
        else:
            people = a.specialists or [p for u in a.units for p in a.unit_people[u]]
            add("lead", None, rng.choice(people), None, top_state, a.leader, assigned_at, deadline)
        if rng.random() < 0.25:
            if len(a.units) > 1 and rng.random() < 0.5:
                add("support", rng.choice(a.units), None, None, top_state if top_state == "done" else "pending",
                    a.leader, assigned_at, deadline)
            else:
                add("info", None, a.leader if not a.specialists else rng.choice(a.specialists), None,
                    "done" if top_state == "done" else "pending", a.leader, assigned_at, None)
        for user, unit in grants:
            self.t_grant.add(d["id"], user, unit, assigned_at)
        return state

    _assignment_next = 0

    def write_batch(self, docs: list[dict]) -> None:
        """Build the batch's rows here, and hand them to the writer: on PostgreSQL a thread of its own (with
        its own connection), so that the next batch is built while the database takes this one."""
        from lienthong.processing.models import Assignment

        # Assignment ids: a block large enough for the batch (at most four parts per document).
        self._assignment_next = reserve_ids(self.connection, Assignment, 4 * len(docs))
        files = self.build_rows(docs)
        batch = ([(table, table.take()) for table in self.order], files, [d["id"] for d in docs])
        if self.connection.vendor != "postgresql":
            self._store(batch)
            return
        if self._writer is None:
            self._writer = threading.Thread(target=self._write_loop, name="million-rows", daemon=True)
            self._writer.start()
        self._put(batch)

    _writer: threading.Thread | None = None
    _failure: BaseException | None = None

    def _put(self, item) -> None:
        while True:
            if self._failure is not None:
                raise SystemExit(f"writing rows failed: {self._failure!r}")
            try:
                self._queue.put(item, timeout=1)
                return
            except queue.Full:
                continue

    @functools.cached_property
    def _queue(self) -> queue.Queue:
        return queue.Queue(maxsize=1)

    def _write_loop(self) -> None:
        from django.db import connection

        try:
            while (item := self._queue.get()) is not None:
                self._store(item)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            self._failure = exc
        finally:
            connection.close()

    def close(self) -> None:
        """Wait for the last batch to be stored."""
        if self._writer is not None:
            self._put(None)
            self._writer.join()
            self._writer = None
            if self._failure is not None:
                raise SystemExit(f"writing rows failed: {self._failure!r}")
        self.pool.shutdown()

    def _store(self, batch) -> None:
        """One transaction: the batch's rows; its files are written meanwhile and waited for before the
        commit, so that no committed row lacks its file."""
        from django.db import connection

        tables, files, document_ids = batch
        writes = []
        try:
            self._store_rows(connection, tables, files, document_ids, writes)
        except BaseException:
            # Nothing of the batch committed: remove the files it wrote (best effort).
            from django.core.files.storage import default_storage

            for (name, _data), w in zip(files, writes, strict=False):
                if not w.cancel() and w.exception() is None and w.result():
                    default_storage.delete(name)
            raise

    def _store_rows(self, connection, tables, files, document_ids, writes) -> None:
        from django.db import transaction

        from lienthong.search import services as search_services

        with transaction.atomic():
            writes += [self.pool.submit(write_file, name, data) for name, data in files]
            for table, rows in tables:
                if table is self.t_search and connection.vendor != "postgresql":
                    # SQLite keeps its FTS5 table in step through the search service.
                    search_services.index_documents(document_ids=document_ids)
                    continue
                # Search rows of one agency together on disk (as the search backend writes them).
                t = time.perf_counter()
                table.write_rows(connection, rows,
                                 sort_key=(lambda r: (r[1], r[0])) if table is self.t_search else None)
                self.timings[table.model.__name__] += time.perf_counter() - t
            t = time.perf_counter()
            written = sum(w.result() for w in writes)
            self.timings["(waiting for files)"] += time.perf_counter() - t
            t = time.perf_counter()
        self.timings["(commit)"] += time.perf_counter() - t
        self.bytes_written += written
        self.files_written += len(files)
        self.stored_documents += len(document_ids)

    stored_documents = 0

    @functools.cached_property
    def timings(self) -> dict[str, float]:
        return defaultdict(float)


def write_file(name: str, data: bytes) -> int:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    saved = default_storage.save(name, ContentFile(data))
    if saved != name:  # already there (a rerun after an interruption): the same bytes, by their name
        default_storage.delete(saved)
        return 0
    return len(data)


SIGNERS = ["Đồng Văn Thanh", "Trần Văn Huyến", "Lê Tiến Châu", "Nguyễn Hoàng Thoại", "Trương Cảnh Tuyên",
           "Huỳnh Thanh Tạo", "Lữ Văn Hùng", "Nguyễn Văn Mười", "Phạm Thị Ngọc Hân", "Võ Minh Trí"]


def finish(connection, *, vacuum: bool) -> None:
    """Registers' counters to the highest number used; sequences past the highest id; planner statistics."""
    from django.db import transaction

    from lienthong.delivery.models import Delivery, DeliveryEvent
    from lienthong.documents.models import Document, DocumentFile, DocumentGrant, Register, StoredFile
    from lienthong.processing.models import Assignment, Handling

    reg = Register._meta.db_table
    doc = Document._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"""UPDATE {reg} SET last_number = m.top FROM
                           (SELECT register_id, MAX(register_number) AS top FROM {doc} GROUP BY register_id) m
                           WHERE {reg}.id = m.register_id AND {reg}.last_number < m.top""")
        if connection.vendor == "postgresql":
            for model in (Document, StoredFile, DocumentFile, Delivery, DeliveryEvent, Handling, Assignment,
                          DocumentGrant):
                table = model._meta.db_table
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"GREATEST((SELECT COALESCE(MAX(id), 1) FROM {table}), "
                               f"(SELECT last_value FROM {connection.ops.quote_name(table + '_id_seq')})))")
    refresh_usage_statistics(dt.date.today())
    if vacuum:
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        print(f"{'VACUUM ANALYZE' if connection.vendor == 'postgresql' else 'ANALYZE'} "
              f"({time.perf_counter() - t0:.0f} s)", flush=True)


def refresh_usage_statistics(today: dt.date) -> None:
    """The oversight dashboard's monthly statistics for every month of the generated years, as the daily job
    would have computed them month after month."""
    from lienthong.oversight.services import usage_stats_refresh

    t0 = time.perf_counter()
    months, m = [], FIRST_DAY.replace(day=1)
    while m <= today:
        months.append(m)
        m = (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    rows = 0
    for year in sorted({m.year for m in months}):  # a year at a time: bounded memory
        rows += usage_stats_refresh(months=[m for m in months if m.year == year], today=today)
    print(f"usage statistics: {rows} rows (agency x month) ({time.perf_counter() - t0:.0f} s)", flush=True)


def check(connection) -> list[str]:
    """What must hold after generation: every register's numbers 1..last_number without a gap or a repeat,
    every generated document with its file and search entry, every incoming one with its handling."""
    from django.db.models import Exists, OuterRef

    from lienthong.documents.models import Document, DocumentFile, Register
    from lienthong.processing.models import Handling
    from lienthong.search.models import SearchEntry

    reg, doc = Register._meta.db_table, Document._meta.db_table
    problems = []
    with connection.cursor() as cursor:
        cursor.execute(f"""SELECT r.id, r.last_number, COUNT(d.id), COUNT(DISTINCT d.register_number),
                                  COALESCE(MAX(d.register_number), 0)
                           FROM {reg} r LEFT JOIN {doc} d ON d.register_id = r.id
                           GROUP BY r.id, r.last_number
                           HAVING COUNT(d.id) <> COALESCE(MAX(d.register_number), 0)
                               OR COUNT(DISTINCT d.register_number) <> COUNT(d.id)
                               OR r.last_number <> COALESCE(MAX(d.register_number), 0)""")
        for rid, last, count, distinct, top in cursor.fetchall():
            problems.append(f"register {rid}: last_number {last}, {count} documents, {distinct} distinct numbers, "
                            f"highest {top}")
    generated = Document.objects.filter(notes=MARKER)
    problems += check_search_sample(connection)
    # NOT EXISTS (an anti-join), not NOT IN: at a million rows PostgreSQL runs NOT IN (subquery) row by row.
    for label, missing in [
        ("without a file", generated.filter(~Exists(DocumentFile.objects.filter(document_id=OuterRef("pk")))).count()),
        ("without a search entry",
         generated.filter(~Exists(SearchEntry.objects.filter(document_id=OuterRef("pk")))).count()),
        ("incoming without a handling", generated.filter(direction="in").filter(
            ~Exists(Handling.objects.filter(document_id=OuterRef("pk")))).count()),
    ]:
        if missing:
            problems.append(f"{missing} generated documents {label}")
    return problems


def check_search_sample(connection, size: int = 200) -> list[str]:
    """Compare the search rows of ``size`` generated documents with what ``search.text.entry_text`` makes."""
    from lienthong.documents.models import Document, DocumentFile
    from lienthong.search.models import SearchEntry
    from lienthong.search.text import entry_text

    ids = list(Document.objects.filter(notes=MARKER).order_by("-id").values_list("id", flat=True)[:size])
    texts = defaultdict(list)
    for doc_id, text in DocumentFile.objects.filter(document_id__in=ids).values_list("document_id", "extracted_text"):
        texts[doc_id].append(text)
    entries = {e.document_id: e for e in SearchEntry.objects.filter(document_id__in=ids)}
    fields = ["agency_id", "direction", "year", "number_norm", "number", "subject", "subject_x", "meta", "meta_x",
              "body", "body_x"]
    problems = []
    for d in Document.objects.filter(pk__in=ids).select_related("document_type"):
        want = entry_text(document_id=d.pk, agency_id=d.agency_id, direction=d.direction, year=d.year,
                          number_symbol=d.number_symbol, subject=d.subject, issuer_name=d.issuer_name,
                          signer_position=d.signer_position, signer_name=d.signer_name, attachments=texts[d.pk],
                          type_name=d.document_type.name if d.document_type_id else "")
        got = entries.get(d.pk)
        wrong = [f for f in fields if got is None or getattr(got, f) != getattr(want, f)]
        if wrong:
            problems.append(f"search entry of document {d.pk} differs from entry_text in {wrong}")
    return problems[:10]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="generated documents wanted (default 1000000)")
    parser.add_argument("--batch", type=int, default=5000, help="documents per transaction (default 5000)")
    parser.add_argument("--threads", type=int, default=8, help="threads writing files (default 8)")
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--no-vacuum", action="store_true", help="skip VACUUM ANALYZE at the end")
    parser.add_argument("--check", action="store_true", help="only check registers, files, index and handlings")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("set DATABASE_URL to the database to fill (and MEDIA_ROOT, LIENTHONG_VAR_DIR as the "
                         "application reads them)")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from lienthong.documents.models import Document

    if args.check:
        problems = check(connection)
        print("\n".join(problems) or "registers, files, index and handlings consistent")
        return 1 if problems else 0
    call_command("migrate", verbosity=0, interactive=False)
    ensure_province()
    have = Document.objects.filter(notes=MARKER).count()
    todo = args.count - have
    where = settings.DATABASES["default"]
    print(f"database: {connection.vendor} {where.get('NAME')}; media: {settings.MEDIA_ROOT}; "
          f"{have} generated documents there, {max(todo, 0)} to add", flush=True)
    if todo > 0:
        gen = Generator(seed=args.seed + have, today=dt.date.today(), threads=args.threads)
        t0 = time.perf_counter()
        made = 0
        while made < todo:
            docs = gen.plan_batch(min(args.batch, todo - made))
            gen.write_batch(docs)
            made += len(docs)
            spent = time.perf_counter() - t0
            print(f"  {have + gen.stored_documents:>9} documents stored  {spent:7.1f} s  "
                  f"{gen.stored_documents / spent:6.0f} documents/s  "
                  f"{gen.files_written} files ({gen.bytes_written / 1e6:.0f} MB)", flush=True)
        gen.close()
        spent = time.perf_counter() - t0
        print("time spent writing: " + ", ".join(f"{k} {v:.0f} s" for k, v in gen.timings.items()), flush=True)
        print(f"generated {made} documents in {spent:.0f} s: {made / spent:.0f} documents/s", flush=True)
    finish(connection, vacuum=not args.no_vacuum)
    problems = check(connection)
    print("\n".join(problems) or "check: every register numbered 1..last_number without a gap or a repeat; "
          "every generated document has its file and search entry, every incoming one its handling", flush=True)
    from lienthong.delivery.models import Delivery
    from lienthong.processing.models import Assignment

    print(f"totals: {Document.objects.count()} documents, {Delivery.objects.count()} deliveries, "
          f"{Assignment.objects.filter(state__in=['pending', 'in_progress']).count()} open assignments, "
          f"{Assignment.objects.count()} assignments", flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
