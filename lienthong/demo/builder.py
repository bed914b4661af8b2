"""Load the demo province into the database through the real services.

Idempotent: levels and groups are matched by code, agencies by identifier code, people by user name,
and the documents are loaded once (their marker is the seed notice 32/TB-VP.UBND). The whole load is
one transaction, so an interrupted load leaves nothing behind and can simply be run again.
"""

from __future__ import annotations

import random
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.models import User
from lienthong.accounts.services import user_create
from lienthong.agencies.models import AdministrativeLevel, Agency, AgencyGroup, Unit
from lienthong.agencies.services import agency_save
from lienthong.assessment.management.commands.load_criteria_sets import ensure_criteria_sets
from lienthong.core.errors import DomainError
from lienthong.core.text import fold
from lienthong.demo import agencies as agency_data
from lienthong.demo import documents as doc_data
from lienthong.demo import people
from lienthong.demo.assessment import ensure_demo_campaigns
from lienthong.demo.authority import delegated_signing
from lienthong.demo.commendations import ensure_demo_reform_scores
from lienthong.demo.feedback import ensure_demo_feedback
from lienthong.demo.flow import DIGITAL_SIGNING, FlowLoader, flow_exists
from lienthong.demo.followup import ensure_demo_tasks
from lienthong.demo.pdf import PdfContent, body_for, render_pdf, signer_lines, tiny_pdf
from lienthong.demo.pki import ensure_demo_pki
from lienthong.demo.publicservices import ensure_demo_catalogue
from lienthong.demo.records import ensure_demo_records
from lienthong.documents.models import Direction, Document, DocumentType
from lienthong.documents.services import DocumentInput, document_register_incoming, document_register_outgoing
from lienthong.oversight.definitions import month_start, next_month
from lienthong.oversight.services import usage_stats_refresh


@dataclass
class LoadResult:
    agencies_created: int = 0
    users_created: int = 0
    outgoing_created: int = 0
    incoming_created: int = 0
    files_attached: int = 0
    documents_skipped: bool = False
    drafts_created: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return bool(self.agencies_created or self.users_created or self.outgoing_created or self.incoming_created
                    or self.drafts_created)


class DemoConflict(DomainError):
    code = "demo_conflict"


def load_demo(*, scale: float = 1.0, fast_pdfs: bool = False,
              log: Callable[[str], None] | None = None) -> LoadResult:
    """Create whatever part of the demo province is missing.

    ``scale`` < 1 loads fewer of the generated documents (the agency directory, the accounts and the
    seed notice's story are always complete). ``fast_pdfs`` replaces the laid-out PDFs of generated
    documents by one-line ASCII PDFs (tests); the seed notice is always rendered in full."""
    log = log or (lambda _msg: None)
    started = time.monotonic()
    result = LoadResult()
    with transaction.atomic():
        levels = _ensure_levels()
        groups = _ensure_groups()
        agencies = _ensure_agencies(levels, groups, result)
        log(_("Cơ quan: %(n)s mới, %(t)s tổng cộng.") % {"n": result.agencies_created, "t": len(agencies)})
        units = _ensure_units(agencies)
        users = _ensure_users(agencies, units, result)
        log(_("Tài khoản: %(n)s mới.") % {"n": result.users_created})
        _ensure_documents(agencies, users, result, scale=scale, fast_pdfs=fast_pdfs, log=log)
        if not flow_exists():
            _ensure_demo_pki(fast=fast_pdfs, log=log, agencies=agencies, users=users)
            flow = FlowLoader(agencies, users, units, fast_pdfs=fast_pdfs)
            result.drafts_created = flow.run()
            delegated_signing(flow)  # TUQ. used at UBND huyện Vị Thủy, and refused once the grant has ended
            result.drafts_created += 2
            log(_("Văn bản đang xử lý: %(n)s dự thảo và các văn bản đang gửi, nhận, xử lý.") % {
                "n": result.drafts_created})
        specs = agency_data.specs_by_key()  # the ranking's sets and authorities: council, approver, office
        ensure_criteria_sets(actor=users[people.ADMIN_USERNAME], log=log, codes={
            "council": specs["stttt"].code, "approver": specs["ubnd"].code, "office": specs["vp"].code})
        ensure_demo_campaigns(log=log)  # the ranking campaigns: 2017 completed, 2018 open
        # After the campaigns: the story's 2017 ranking was scored on self-reported figures, before the shared
        # system and the catalogue existed; the council fetches measured values on the campaign page
        # ("Cập nhật số liệu hệ thống đo được") of the open 2018 campaign.
        ensure_demo_catalogue(log=log)  # online public services: procedures and monthly dossier counts
        ensure_demo_reform_scores(log=log)  # the 2017 CCHC index the commendation proposals combine with
        ensure_demo_records(agencies=agencies, users=users, log=log)  # the Office's 2018 file plan, a case file
        ensure_demo_feedback(users=users, log=log)  # problem reports in every state, one from an error
        ensure_demo_tasks(agencies=agencies, users=users, log=log)  # the seed notice's tasks, followed (issue 20)
        _refresh_usage_statistics(log=log)
    result.seconds = time.monotonic() - started
    return result


def _refresh_usage_statistics(*, log) -> None:
    """Usage statistics for every month from the demo's first document (the story starts in 2017) to now,
    as the daily job would have computed them over the years."""
    first = Document.objects.aggregate(first=Min("issued_on"))["first"]
    if first is None:
        return
    months, m, last = [], month_start(first), month_start(timezone.localdate())
    while m <= last:
        months.append(m)
        m = next_month(m)
    n = usage_stats_refresh(months=months)
    log(_("Thống kê sử dụng: %(n)s dòng (cơ quan × tháng).") % {"n": n})


def _ensure_demo_pki(*, fast: bool, log, agencies, users) -> None:
    """The demo's test certificates (``make_demo_pki``), made before the story so that its report is
    issued with both digital signatures. ``fast`` (tests) reuses one RSA key for every certificate and
    makes only the credentials the story signs with (``flow.DIGITAL_SIGNING``)."""
    # Tests keep their throw-away CA out of <VAR_DIR>/demo-pki (the CA a real demo reuses across runs).
    limits = {}
    if fast:
        limits = {"user_ids": [users[u].pk for u in DIGITAL_SIGNING["users"]],
                  "agency_ids": [agencies[a].pk for a in DIGITAL_SIGNING["agencies"]]}
    made = ensure_demo_pki(reuse_key=fast, directory=Path(tempfile.mkdtemp(prefix="demo-pki-")) if fast else None,
                           **limits)
    log(_("Chứng thư số thử nghiệm: %(p)s cá nhân, %(a)s cơ quan mới.") % {
        "p": made.personal_created, "a": made.agency_created})


# --- Directory -------------------------------------------------------------------------------------

def _ensure_levels() -> dict[str, AdministrativeLevel]:
    return {code: AdministrativeLevel.objects.get_or_create(code=code, defaults={"name": name, "rank": rank})[0]
            for code, name, rank in agency_data.LEVELS}


def _ensure_groups() -> dict[str, AgencyGroup]:
    return {code: AgencyGroup.objects.get_or_create(code=code, defaults={"name": name, "order": order})[0]
            for code, name, order in agency_data.GROUPS}


def _ensure_agencies(levels, groups, result: LoadResult) -> dict[str, Agency]:
    specs = agency_data.agency_specs()
    agency_data.check_specs(specs)
    existing = {a.identifier_code: a for a in Agency.objects.filter(identifier_code__in=[s.code for s in specs])}
    by_key: dict[str, Agency] = {}
    for spec in specs:
        agency = existing.get(spec.code)
        if agency is None:
            agency = agency_save(agency=Agency(
                name=spec.name, short_name=spec.short_name, abbreviation=spec.abbreviation,
                level=levels[spec.level], group=groups.get(spec.group) if spec.group else None,
                parent=by_key[spec.parent] if spec.parent else None, identifier_code=spec.code,
                identifier_verified=spec.verified, place_name=spec.place, is_external=spec.is_external,
            ))
            result.agencies_created += 1
        by_key[spec.key] = agency
    return by_key


# --- People ----------------------------------------------------------------------------------------

def _ensure_units(agencies: dict[str, Agency]) -> dict[tuple[str, str], Unit]:
    """The departments of the demo agencies, keyed by (agency key, unit code)."""
    out = {}
    for spec in agency_data.agency_specs():
        for order, (code, name, abbr) in enumerate(people.units_of(spec)):
            out[(spec.key, code)] = Unit.objects.get_or_create(
                agency=agencies[spec.key], name=name, defaults={"abbreviation": abbr, "order": order})[0]
    return out


def _ensure_users(agencies: dict[str, Agency], units, result: LoadResult) -> dict[str, User]:
    """Create the missing demo accounts through ``user_create``.

    Hashing a password is deliberately slow (Argon2), and 340 people would take minutes; every demo
    account has the same public password, so it is hashed once and the one hash is stored for all
    the new accounts.
    """
    plan = people.accounts()
    existing = {u.username: u for u in User.objects.filter(username__in=[a.username for a in plan])}
    created: list[int] = []
    for account in plan:
        if account.username in existing:
            continue
        user = user_create(
            username=account.username, password=None, full_name=account.full_name,
            positions=[(agencies[key], role, title, units[(key, account.unit)] if account.unit and i == 0 else None)
                       for i, (key, role, title) in enumerate(account.positions)],
            is_system_admin=account.is_system_admin, is_operator=account.is_operator,
        )
        existing[user.username] = user
        created.append(user.pk)
    if created:
        User.objects.filter(pk__in=created).update(password=make_password(people.PASSWORD))
    result.users_created = len(created)
    return existing


# --- Documents -------------------------------------------------------------------------------------

def seed_notice_exists() -> bool:
    return Document.objects.filter(
        direction=Direction.OUTGOING, year=2018, number_symbol=doc_data.SEED_NUMBER_SYMBOL,
        agency__identifier_code=agency_data.specs_by_key()["vp"].code,
    ).exists()


def _ensure_documents(agencies, users, result: LoadResult, *, scale: float, fast_pdfs: bool, log) -> None:
    if seed_notice_exists():
        result.documents_skipped = True
        log(_("Văn bản mẫu đã có, không nạp lại."))
        return
    own = [a.pk for key, a in agencies.items() if not a.is_external]
    if Document.objects.filter(agency_id__in=own, year__in=(2017, 2018)).exists():
        raise DemoConflict(_("Các cơ quan mẫu đã có văn bản năm 2017–2018 không phải của dữ liệu mẫu; "
                             "không thể nạp văn bản mẫu mà không phá vỡ thứ tự số văn bản."))
    DocumentLoader(agencies, users, result, fast_pdfs=fast_pdfs).run(scale=scale, log=log)


EXTERNAL_HEADS = {"vpcp": "Bộ trưởng, Chủ nhiệm", "tinhuy": "Ban Thường vụ"}


class DocumentLoader:
    def __init__(self, agencies: dict[str, Agency], users: dict[str, User], result: LoadResult, *,
                 fast_pdfs: bool = False):
        self.fast_pdfs = fast_pdfs
        self.agencies = agencies
        self.specs = agency_data.specs_by_key()
        self.clerks = {key: users[f"vanthu.{spec.slug}"] for key, spec in self.specs.items() if not spec.is_external}
        self.types = {t.code: t for t in DocumentType.objects.all()}
        self.result = result
        self.rng = random.Random(32)
        self.counters: dict[tuple[str, int], int] = {}
        self.outgoing: dict[int, Document] = {}
        self.pdfs: dict[object, bytes] = {}

    def run(self, *, scale: float, log) -> None:
        outs, ins = doc_data.plan_documents(scale=scale)
        events = []
        for i, plan in enumerate(outs):
            events.append((plan.issued_on, 0, plan.order, i, "out", plan, None))
            for key, received in plan.copies:
                events.append((received, 1, plan.order, i, "copy", plan, key))
        for i, plan in enumerate(ins):
            events.append((plan.received_on, 1, plan.order, i, "in", plan, None))
        events.sort(key=lambda e: e[:4])
        for n, (_day, _phase, _order, index, kind, plan, key) in enumerate(events, start=1):
            if kind == "out":
                self.outgoing[index] = self.register_outgoing(plan)
            elif kind == "copy":
                self.register_copy(plan, self.outgoing[index], key)
            else:
                self.register_external(plan)
            if n % 100 == 0:
                log(_("Văn bản: đã vào sổ %(n)s/%(t)s.") % {"n": n, "t": len(events)})

    # Outgoing ------------------------------------------------------------------------------------
    def predicted_symbol(self, plan: doc_data.OutPlan) -> str:
        """The number the register will give: the demo is the only writer in these years' registers."""
        key = (plan.agency, plan.issued_on.year)
        self.counters[key] = self.counters.get(key, 0) + 1
        number = self.counters[key]
        doc_type = self.types[plan.type_code]
        abbr = self.specs[plan.agency].abbreviation
        notation = f"{doc_type.abbreviation}-{abbr}" if doc_type.abbreviation else f"{abbr}-{plan.unit}"
        return f"{number:02d}/{notation}"

    def pdf_for(self, plan: doc_data.OutPlan, number_symbol: str) -> bytes:
        spec = self.specs[plan.agency]
        if self.fast_pdfs and not plan.is_seed:
            return _fast_pdf(f"{number_symbol} {plan.subject}")
        head_title, _deputy = people.head_titles(spec)
        collective = "Ủy ban nhân dân" if spec.kind in ("province", "district", "commune") else ""
        if plan.is_seed:
            text = doc_data.seed_notice_text()
            body, recipients = doc_data.seed_notice_body(text)
            content = PdfContent(
                header_parent=spec.header_parent, header_name=spec.header_name, number_symbol=number_symbol,
                place=spec.place, issued_on=plan.issued_on, type_code=plan.type_code, subject=plan.subject,
                body=body, recipients_text="\n".join(recipients),
                signer_lines=["KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"], signer_name=plan.signer_name,
                date_text="Hậu Giang, ngày 5 tháng 3 năm 2018")
        else:
            parent = self.specs.get(spec.parent or "")
            parent_name = parent.name if parent else ("Chính phủ" if spec.kind == "province" else "Tổng cục Thống kê")
            content = PdfContent(
                header_parent=spec.header_parent, header_name=spec.header_name, number_symbol=number_symbol,
                place=spec.place, issued_on=plan.issued_on, type_code=plan.type_code, subject=plan.subject,
                body=plan.body or body_for(type_code=plan.type_code, subject=plan.subject, issuer=spec.name,
                                           parent_name=parent_name),
                recipients_text=plan.recipients_text,
                signer_lines=signer_lines(authority=plan.signer_authority, position=plan.signer_position,
                                          collective=collective, head_title=head_title),
                signer_name=plan.signer_name)
        return render_pdf(content)

    def data_for(self, plan, *, files=(), is_paper=False, due_date=None) -> DocumentInput:
        return DocumentInput(
            document_type=self.types[plan.type_code], subject=plan.subject, issued_on=plan.issued_on,
            urgency=plan.urgency, signer_authority=plan.signer_authority, signer_position=plan.signer_position,
            signer_name=plan.signer_name, recipients_text=getattr(plan, "recipients_text", ""),
            page_count=None if files else self.rng.choice((1, 1, 2, 3)), due_date=due_date,
            is_paper=is_paper, files=list(files),
        )

    def register_outgoing(self, plan: doc_data.OutPlan) -> Document:
        agency = self.agencies[plan.agency]
        number_symbol = self.predicted_symbol(plan)
        files = []
        if plan.with_pdf or plan.is_seed:
            self.pdfs[id(plan)] = self.pdf_for(plan, number_symbol)
            files = [_upload(number_symbol, self.pdfs[id(plan)])]
        doc = document_register_outgoing(actor=self.clerks[plan.agency], agency=agency,
                                         data=self.data_for(plan, files=files), unit_abbreviation=plan.unit,
                                         today=plan.issued_on)
        if doc.number_symbol != number_symbol:
            raise DemoConflict(f"{agency.short_name}: expected {number_symbol}, register gave {doc.number_symbol}")
        self.result.outgoing_created += 1
        self.result.files_attached += len(files)
        return doc

    def register_copy(self, plan: doc_data.OutPlan, out: Document, key: str) -> None:
        pdf = self.pdfs.get(id(plan))
        electronic = pdf is not None and (plan.is_seed or self.rng.random() < 0.8)
        files = [_upload(out.number_symbol, pdf)] if electronic else []
        due = doc_data.next_working_day(plan.copies[0][1], plan.due_days) if plan.due_days else None
        received = dict(plan.copies)[key]
        document_register_incoming(
            actor=self.clerks[key], agency=self.agencies[key],
            data=self.data_for(plan, files=files, is_paper=not electronic, due_date=due),
            number_symbol=out.number_symbol, issuer_agency=self.agencies[plan.agency], received_on=received,
            today=received)
        self.result.incoming_created += 1
        self.result.files_attached += len(files)

    # From outside the province -------------------------------------------------------------------
    def register_external(self, plan: doc_data.InPlan) -> None:
        issuer = self.specs[plan.issuer]
        files = []
        if plan.with_pdf and self.fast_pdfs:
            files = [_upload(plan.number_symbol, _fast_pdf(f"{plan.number_symbol} {plan.subject}"))]
        elif plan.with_pdf:
            cache_key = (plan.issuer, plan.number_symbol)
            if cache_key not in self.pdfs:
                party = plan.issuer == "tinhuy"
                self.pdfs[cache_key] = render_pdf(PdfContent(
                    header_parent="", header_name=issuer.name.upper(), party=party, number_symbol=plan.number_symbol,
                    place=issuer.place, issued_on=plan.issued_on, type_code=plan.type_code, subject=plan.subject,
                    body=body_for(type_code=plan.type_code, subject=plan.subject, issuer=issuer.name,
                                  parent_name="Chính phủ" if not party else "Ban Chấp hành Đảng bộ tỉnh"),
                    recipients_text="- UBND các tỉnh, thành phố trực thuộc trung ương;\n- Lưu: VT.",
                    signer_lines=signer_lines(authority=plan.signer_authority, position=plan.signer_position,
                                              collective="", head_title=EXTERNAL_HEADS.get(plan.issuer, "Bộ trưởng")),
                    signer_name=plan.signer_name))
            files = [_upload(plan.number_symbol, self.pdfs[cache_key])]
        due = doc_data.next_working_day(plan.received_on, plan.due_days) if plan.due_days else None
        data = DocumentInput(
            document_type=self.types[plan.type_code], subject=plan.subject, issued_on=plan.issued_on,
            urgency=plan.urgency, signer_authority=plan.signer_authority, signer_position=plan.signer_position,
            signer_name=plan.signer_name, place=issuer.place, due_date=due, is_paper=not files,
            page_count=None if files else 2, files=files,
        )
        document_register_incoming(actor=self.clerks[plan.agency], agency=self.agencies[plan.agency], data=data,
                                   number_symbol=plan.number_symbol, issuer_agency=self.agencies[plan.issuer],
                                   received_on=plan.received_on, today=plan.received_on)
        self.result.incoming_created += 1
        self.result.files_attached += len(files)


def _fast_pdf(text: str) -> bytes:
    return tiny_pdf(re.sub(r"[^A-Za-z0-9 ./,:-]", "", fold(text))[:90])


def _upload(number_symbol: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{number_symbol.replace('/', '-')}.pdf", data, content_type="application/pdf")

