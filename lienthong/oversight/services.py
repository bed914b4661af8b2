"""Recomputing the monthly usage statistics (definitions: ``docs/indicators.md``).

``usage_stats_refresh`` runs a fixed handful of aggregate queries (GROUP BY agency, month) whatever
the number of agencies, then upserts one ``AgencyMonthStats`` row per internal agency and month.
Months are calendar months in Vietnam time (Asia/Ho_Chi_Minh)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Case,
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts.models import Position
from lienthong.agencies.models import Agency
from lienthong.audit.models import AuditAction, AuditEntry
from lienthong.audit.services import audit_log
from lienthong.core.errors import DomainError, PermissionDenied, ValidationFailed
from lienthong.core.jobs import enqueue
from lienthong.delivery.models import Delivery, DeliveryEvent, DeliveryState, EventKind
from lienthong.documents.models import Direction, Document, DocumentType
from lienthong.drafting import services as drafting
from lienthong.feedback import selectors as feedback_selectors
from lienthong.oversight import feedback_letter, notice, selectors
from lienthong.oversight.definitions import (
    EXCLUDED_STATUSES,
    VN,
    default_months,
    month_last_day,
    month_start,
    next_month,
)
from lienthong.oversight.models import AgencyMonthStats, LoginMonth, SavedThresholds
from lienthong.processing.models import Assignment, AssignmentRole, AssignmentState, Handling
from lienthong.records import selectors as records_selectors
from lienthong.signing.selectors import document_has_valid_signature
from lienthong.workcalendar.selectors import WorkCalendar

STAT_FIELDS = [f.name for f in AgencyMonthStats._meta.concrete_fields if f.name not in ("id", "agency", "month")]


def _local_midnight(d: dt.date) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(0), tzinfo=VN)


def _as_month(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.astimezone(VN).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def login_record(sender=None, request=None, user=None, **kwargs) -> None:
    """``user_logged_in`` receiver: remember that ``user`` was active this month (Vietnam time)."""
    if user is None or not getattr(user, "pk", None):
        return
    LoginMonth.objects.bulk_create([LoginMonth(user_id=user.pk, month=month_start(timezone.localdate(timezone=VN)))],
                                   ignore_conflicts=True)


def agencies_touched(*, document_ids) -> list[int]:
    """The internal agencies whose figures the documents ``document_ids`` count in: their own agency and the
    recipients of their deliveries (arrivals, late acknowledgements). Two queries."""
    ids = [int(i) for i in document_ids]
    found = set(Document.objects.filter(pk__in=ids).values_list("agency_id", flat=True))
    found |= set(Delivery.objects.filter(document_id__in=ids).values_list("recipient_agency_id", flat=True))
    return sorted(found)


def on_documents_event(*, document_ids=(), document_id=None, **_payload) -> None:
    """The events of ``core.events`` that change a month's figures (a document registered, issued, delivered,
    registered on arrival, withdrawn, its legal validity decided, an assignment completed): once the write has
    committed, queue a recomputation of the previous and current month for the agencies it touches, so that
    the dashboard follows the documents (issue 18) without waiting for the hourly or nightly run."""
    ids = [*document_ids, *([document_id] if document_id is not None else [])]
    if not ids:
        return

    def queue():
        agency_ids = agencies_touched(document_ids=ids)
        if agency_ids:
            enqueue("lienthong.oversight.tasks.refresh_agencies", agency_ids)

    transaction.on_commit(queue)


class _Median(Aggregate):
    """PostgreSQL's ordered-set median."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class _DaysBetween(Func):
    """``a - b`` of two dates in whole days (PostgreSQL: date - date is an integer)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


def usage_stats_refresh(*, months: list[dt.date] | None = None, today: dt.date | None = None,
                        agency_ids=None) -> int:
    """Recompute the statistics of ``months`` (first days; default: previous and current month) for
    every internal agency (only ``agency_ids``, when given: what a document event touched) and store them.
    Idempotent. Returns the number of rows written."""
    today = today or timezone.localdate(timezone=VN)
    months = sorted({month_start(m) for m in (months or default_months(today))})
    if not months:
        return 0
    first, end = months[0], next_month(months[-1])  # [first, end) covers all; rows outside `months` are dropped
    start_at, end_at = _local_midnight(first), _local_midnight(end)
    wanted = set(months)
    agencies = Agency.objects.filter(is_external=False)
    only = None if agency_ids is None else sorted({int(a) for a in agency_ids})
    if only is not None:
        agencies = agencies.filter(pk__in=only)
    agency_ids = list(agencies.values_list("pk", flat=True))
    if not agency_ids:
        return 0
    stats: dict[tuple[int, dt.date], dict] = {
        (a, m): {f: 0 for f in STAT_FIELDS} | {"median_processing_days": None, "last_activity_at": None}
        for a in agency_ids for m in months}

    def add(agency_id, month, **values):
        row = stats.get((agency_id, month))
        if row is not None:
            row.update(values)

    docs = Document.objects.exclude(status__in=EXCLUDED_STATUSES)
    if only is not None:
        docs = docs.filter(agency_id__in=agency_ids)

    # 1. Issued documents, by issue date.
    has_delivery = Exists(Delivery.objects.filter(document_id=OuterRef("pk")))
    normal = Q(secrecy="normal")
    issued = (docs.filter(direction=Direction.OUTGOING, issued_on__gte=first, issued_on__lt=end)
              .annotate(m=TruncMonth("issued_on"), sent=has_delivery).values("agency_id", "m").order_by()
              .annotate(n=Count("pk"), valid=Count("pk", filter=Q(legally_valid=True)),
                        normal=Count("pk", filter=normal),
                        sent_n=Count("pk", filter=normal & Q(sent=True)),
                        e_doc=Count("pk", filter=normal & Q(sent=True, legally_valid=True, is_paper=False))))
    for r in issued:
        add(r["agency_id"], _as_month(r["m"]), documents_issued=r["n"], issued_legally_valid=r["valid"],
            issued_normal=r["normal"], sent_electronically=r["sent_n"], issued_e_doc=r["e_doc"])

    # 2. Received documents, by date of arrival.
    signed_valid = document_has_valid_signature("pk")  # a test CA's signatures do not count (QĐ 28/2018)
    assigned = Exists(Assignment.objects.filter(document_id=OuterRef("pk")))
    received = (docs.filter(direction=Direction.INCOMING, received_on__gte=first, received_on__lt=end)
                .annotate(m=TruncMonth("received_on"), sv=signed_valid, asg=assigned)
                .values("agency_id", "m").order_by()
                .annotate(n=Count("pk"), sv_n=Count("pk", filter=Q(sv=True)), asg_n=Count("pk", filter=Q(asg=True))))
    for got in received:
        add(got["agency_id"], _as_month(got["m"]), documents_received=got["n"], received_signed_valid=got["sv_n"],
            received_assigned=got["asg_n"])

    # 2a. Documents of the month (as counted in 1 and 2) filed in at least one case file (records).
    for (agency_id, month), n in records_selectors.filed_documents_by_month(
            first=first, end=end, excluded_statuses=EXCLUDED_STATUSES).items():
        add(agency_id, month, documents_filed=n)

    # 2b. Late acknowledgements (NĐ30 Art. 21.2; docs/indicators.md): deliveries that arrived in the month
    #     (Vietnam time) whose first 03 (received or registered) came after the day it was due, or that have
    #     none once that day is past. Due: the arrival day, or the next working day after a day off (the work
    #     calendar, as the daily reminder of delivery.acknowledgements). One aggregate query.
    calendar, day, days_off = WorkCalendar(), first, []
    while day < end:
        if not calendar.is_working_day(day):
            days_off.append(When(arr_day=day, then=Value(calendar.add_working_days(day, 0))))
        day += dt.timedelta(days=1)
    first_ack = (DeliveryEvent.objects.filter(delivery_id=OuterRef("delivery_id"),
                                              kind__in=[EventKind.RECEIVED, EventKind.REGISTERED])
                 .order_by("at").values("at")[:1])
    arrivals = DeliveryEvent.objects.filter(kind=EventKind.ARRIVED, at__gte=start_at, at__lt=end_at)
    if only is not None:
        arrivals = arrivals.filter(delivery__recipient_agency_id__in=agency_ids)
    late = (arrivals
            .exclude(delivery__state=DeliveryState.RETURNED)
            .annotate(m=TruncMonth("at", tzinfo=VN), arr_day=TruncDate("at", tzinfo=VN),
                      ack_day=TruncDate(Subquery(first_ack, output_field=DateTimeField()), tzinfo=VN))
            .annotate(due=Case(*days_off, default=F("arr_day"), output_field=DateField()))
            .values("delivery__recipient_agency_id", "m").order_by()
            .annotate(n=Count("delivery_id", distinct=True, filter=Q(ack_day__gt=F("due"))
                              | Q(ack_day__isnull=True, due__lt=today))))
    for lag in late:
        add(lag["delivery__recipient_agency_id"], _as_month(lag["m"]), late_acknowledgements=lag["n"])

    # 3. Lead assignments at the top of the tree (the leader's assignment to the agency's unit or person),
    #    completed in the month; on time when the local completion date is on or before the deadline.
    leads = Assignment.objects.filter(role=AssignmentRole.LEAD, parent__isnull=True).exclude(
        document__status__in=EXCLUDED_STATUSES)
    if only is not None:
        leads = leads.filter(agency_id__in=agency_ids)
    done = (leads.filter(completed_at__gte=start_at, completed_at__lt=end_at)
            .annotate(m=TruncMonth("completed_at", tzinfo=VN), day=TruncDate("completed_at", tzinfo=VN))
            .values("agency_id", "m").order_by()
            .annotate(n=Count("pk"), with_deadline=Count("pk", filter=Q(deadline__isnull=False)),
                      on_time=Count("pk", filter=Q(deadline__isnull=False, day__lte=F("deadline")))))
    for fin in done:
        add(fin["agency_id"], _as_month(fin["m"]), assignments_completed=fin["n"],
            completed_with_deadline=fin["with_deadline"], completed_on_time=fin["on_time"])

    # 4. Overdue and still open at the cut-off: the month's last day, or today for the current month.
    #    Open at the cut-off = assigned by then and not completed by then (a later completion still counts).
    cutoffs = {m: min(month_last_day(m), today) for m in months if m <= today}
    if cutoffs:
        overdue_aggs = {}
        for i, cut in enumerate(cutoffs.values()):
            cut_end = _local_midnight(cut + dt.timedelta(days=1))
            overdue_aggs[f"o{i}"] = Count("pk", filter=Q(deadline__lt=cut, assigned_at__lt=cut_end)
                                          & (Q(completed_at__isnull=True) | Q(completed_at__gte=cut_end)))
        earliest = min(cutoffs.values())
        open_q = Q(state__in=[AssignmentState.PENDING, AssignmentState.IN_PROGRESS]) | Q(
            completed_at__gte=_local_midnight(earliest + dt.timedelta(days=1)))
        overdue = (leads.filter(open_q, deadline__lt=max(cutoffs.values())).values("agency_id").order_by()
                   .annotate(**overdue_aggs).values_list("agency_id", *overdue_aggs))
        for agency_id, *counts in overdue:  # the counts in the order of the cut-offs
            for m, n in zip(cutoffs, counts, strict=True):
                add(agency_id, m, overdue_open=n)

    # 5. Handlings completed in the month: count and median of (local completion date − arrival date).
    handlings = Handling.objects.filter(completed_at__gte=start_at, completed_at__lt=end_at).exclude(
        document__status__in=EXCLUDED_STATUSES)
    if only is not None:
        handlings = handlings.filter(agency_id__in=agency_ids)
    if connection.vendor == "postgresql":
        medians = (handlings.annotate(m=TruncMonth("completed_at", tzinfo=VN),
                                      days=_DaysBetween(TruncDate("completed_at", tzinfo=VN), F("received_on")))
                   .values("agency_id", "m").order_by().annotate(n=Count("pk"), med=_Median("days")))
        for med in medians:
            add(med["agency_id"], _as_month(med["m"]), handlings_completed=med["n"],
                median_processing_days=float(med["med"]))
    else:
        days_by = defaultdict(list)
        for agency_id, completed_at, received_on in handlings.values_list("agency_id", "completed_at", "received_on"):
            assert completed_at is not None  # filtered on completed_at above
            local = completed_at.astimezone(VN).date()
            days_by[(agency_id, local.replace(day=1))].append((local - received_on).days)
        for (agency_id, m), days in days_by.items():
            add(agency_id, m, handlings_completed=len(days), median_processing_days=float(statistics.median(days)))

    # 6. Staff accounts (current active positions of active people) and active users: staff who logged
    #    in during the month or acted in the agency's audit chain during the month.
    staff = defaultdict(set)
    positions = Position.objects.filter(is_active=True, user__is_active=True)
    if only is not None:
        positions = positions.filter(agency_id__in=agency_ids)
    for agency_id, user_id in positions.values_list("agency_id", "user_id").distinct():
        staff[agency_id].add(user_id)
    active = defaultdict(set)  # (agency_id, month) -> user ids
    logins = defaultdict(set)  # month -> user ids
    for user_id, m in LoginMonth.objects.filter(month__gte=first, month__lt=end).values_list("user_id", "month"):
        logins[m].add(user_id)
    last_at: dict[tuple[int, dt.date], dt.datetime] = {}
    chains = AuditEntry.objects.filter(chain__startswith="agency:", actor__isnull=False)
    if only is not None:
        chains = chains.filter(chain__in=[f"agency:{a}" for a in agency_ids])
    audit = (chains.filter(at__gte=start_at, at__lt=end_at)
             .annotate(m=TruncMonth("at", tzinfo=VN)).values("chain", "m", "actor_id").order_by()
             .annotate(last=Max("at")))
    for act in audit:
        agency_id, m = int(act["chain"].split(":", 1)[1]), _as_month(act["m"])
        active[(agency_id, m)].add(act["actor_id"])
        key = (agency_id, m)
        if key not in last_at or act["last"] > last_at[key]:
            last_at[key] = act["last"]
    before = dict((int(c.split(":", 1)[1]), at) for c, at in (
        chains.filter(at__lt=start_at).values("chain").order_by().annotate(last=Max("at"))
        .values_list("chain", "last")))
    for agency_id in agency_ids:
        running = before.get(agency_id)
        people = staff.get(agency_id, set())
        m = first
        while m < end:  # carry the last activity forward through months without any
            running = last_at.get((agency_id, m), running)
            if m in wanted:
                users = people & (active.get((agency_id, m), set()) | logins.get(m, set()))
                add(agency_id, m, staff_accounts=len(people), active_users=len(users), last_activity_at=running)
            m = next_month(m)

    now = timezone.now()
    objs = [AgencyMonthStats(agency_id=a, month=m, computed_at=now,
                             **{k: v for k, v in row.items() if k != "computed_at"})
            for (a, m), row in stats.items()]
    AgencyMonthStats.objects.bulk_create(objs, batch_size=1000, update_conflicts=True,
                                         unique_fields=["agency", "month"], update_fields=STAT_FIELDS)
    return len(objs)


# --- Công văn đôn đốc -----------------------------------------------------------------------------

MAX_REMINDER_AGENCIES = 200
REMINDER_FILENAME = "cong-van-don-doc.pdf"
REMINDER_DOCX_FILENAME = "cong-van-don-doc.docx"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The refusals of a reminder (the tests use these constants rather than copies of the text).
REMINDER_STAFF_ONLY = gettext_lazy("Chỉ người của Văn phòng UBND tỉnh hoặc Sở Thông tin và Truyền thông mới soạn được "
                                   "công văn đôn đốc.")
NO_AGENCY_CHOSEN = gettext_lazy("Chọn ít nhất một cơ quan dưới ngưỡng để đôn đốc.")
NO_THRESHOLD = gettext_lazy("Đặt ít nhất một ngưỡng để xác định cơ quan cần đôn đốc.")
NOT_TO_ISSUER = gettext_lazy("Không gửi công văn đôn đốc cho chính cơ quan ban hành (%(a)s).")
NOT_LAGGING = gettext_lazy("“%(n)s” không dưới ngưỡng nào trong kỳ đã chọn.")
SIGNER_NOT_LEADER = gettext_lazy("Người ký phải là lãnh đạo của %(a)s.")
REPLY_BY_PAST = gettext_lazy("Hạn báo cáo phải từ hôm nay trở đi.")


def reminder_draft_create(*, actor, agency_ids, month_from: dt.date, month_to: dt.date,
                          thresholds: dict[str, float], signer_id: int | None = None,
                          reply_by: dt.date | None = None, today: dt.date | None = None):
    """A DRAFT outgoing công văn đôn đốc of the actor's agency (the Provincial Office, else Sở TT&TT:
    ``selectors.reminder_issuer``) to the chosen agencies, each of which must lag behind ``thresholds``
    over the period, with every agency's figures in the letter; its recipients those agencies; its files the
    letter as an editable Word document (version 1) and the PDF made from it (version 2). The draft then follows
    the normal outgoing flow (drafting.services).
    Returns the ``drafting.Draft``; nothing is stored when anything is wrong."""
    issuer = selectors.reminder_issuer(user=actor)
    if issuer is None or not selectors.may_oversee(actor):
        raise PermissionDenied(str(REMINDER_STAFF_ONLY))
    errors: dict[str, list] = {}
    try:
        ids = list(dict.fromkeys(int(a) for a in agency_ids or ()))
    except (TypeError, ValueError):
        ids, errors["agencies"] = [], [_("Danh sách cơ quan không hợp lệ.")]
    if not ids and not errors:
        errors["agencies"] = [str(NO_AGENCY_CHOSEN)]
    elif len(ids) > MAX_REMINDER_AGENCIES:
        errors["agencies"] = [_("Mỗi công văn đôn đốc tối đa %(n)s cơ quan.") % {"n": MAX_REMINDER_AGENCIES}]
    if not thresholds:
        errors["thresholds"] = [str(NO_THRESHOLD)]
    if errors:
        raise ValidationFailed(errors)
    if issuer.pk in ids:
        raise ValidationFailed({"agencies": [NOT_TO_ISSUER % {"a": issuer.short_name or issuer.name}]})
    lagging = selectors.laggards(thresholds=thresholds, month_from=month_from, month_to=month_to, agency_ids=ids)
    found = {lg.row.agency_id for lg in lagging}
    missing = [a for a in ids if a not in found]
    if missing:
        names = dict(Agency.objects.filter(pk__in=missing, is_external=False).values_list("pk", "name"))
        raise ValidationFailed({"agencies": [
            NOT_LAGGING % {"n": names[a]} if a in names else
            _("Cơ quan (mã %(id)s) không tồn tại.") % {"id": a} for a in missing]})
    signers = {p.user_id: p for p in selectors.reminder_signers(agency_id=issuer.pk)}
    if signer_id is None and signers:
        signer_id = next(iter(signers))
    if signer_id not in signers:
        raise ValidationFailed({"signer": [SIGNER_NOT_LEADER % {"a": issuer.name}]})
    if reply_by is not None and reply_by < (today or timezone.localdate(timezone=VN)):
        raise ValidationFailed({"reply_by": [str(REPLY_BY_PAST)]})
    document_type = DocumentType.objects.filter(code="cong-van", is_active=True).first()
    if document_type is None:
        raise DomainError(_("Danh mục loại văn bản chưa có loại “Công văn”."))

    signer = signers[signer_id]
    authority, _lines = notice.signature_block(signer.title)
    letter = notice.Notice(
        parent_name=issuer.parent.name if issuer.parent_id else "", issuer_name=issuer.name,
        issuer_abbreviation=issuer.abbreviation, place=issuer.place_name or "",
        year=(today or timezone.localdate(timezone=VN)).year, month_from=month_from, month_to=month_to,
        rows=[notice.NoticeRow(row=lg.row, failed=lg.failed) for lg in lagging],
        signer_name=signer.user.full_name or signer.user.get_username(), signer_title=signer.title,
        reply_by=reply_by, thresholds=thresholds)
    editable, pdf = notice.notice_docx(letter), notice.notice_pdf(letter)
    with translation.override("vi"):  # printed on the letter: Vietnamese whatever the page language
        filed = _("Lưu: VT")
        made_from = _("Bản PDF tạo từ bản Word (phiên bản 1) của công văn; sửa bản Word rồi tải lên cả hai bản nếu "
                      "cần thay đổi nội dung.")
    data = drafting.DraftInput(
        document_type=document_type, subject=notice.SUBJECT, signer_id=signer_id, signer_authority=authority,
        signer_position=" ".join(signer.title.split()), recipient_ids=[lg.row.agency_id for lg in lagging],
        extra_recipients=filed, files=[SimpleUploadedFile(REMINDER_DOCX_FILENAME, editable, content_type=DOCX_TYPE)])
    # Version 1 is the editable Word letter (the drafting flow's own kind of draft), version 2 the PDF made from
    # the same letter, which is what the signer signs; both or neither.
    with transaction.atomic():
        draft = drafting.draft_create(actor=actor, agency=issuer, data=data)
        drafting.draft_add_files(actor=actor, draft=draft, note=made_from,
                                 uploads=[SimpleUploadedFile(REMINDER_FILENAME, pdf, content_type="application/pdf")])
    return draft


def thresholds_save(*, actor, thresholds: dict[str, float]) -> SavedThresholds:
    """Keep ``thresholds`` (indicator key → ratio or count; a missing key is no threshold) as those the actor's
    overseeing agency chases laggards by: the dashboard opens with them. Audit-logged."""
    issuer = selectors.reminder_issuer(user=actor)
    if issuer is None or not selectors.may_oversee(actor):
        raise PermissionDenied(str(REMINDER_STAFF_ONLY))
    unknown = set(thresholds) - set(selectors.THRESHOLD_FIELDS)
    if unknown:
        raise ValidationFailed({"thresholds": [_("Chỉ tiêu không có trong danh sách: %(k)s.") % {
            "k": ", ".join(sorted(unknown))}]})
    values = {name: thresholds.get(key) for key, name in selectors.THRESHOLD_FIELDS.items()}
    with transaction.atomic():
        row, _created = SavedThresholds.objects.update_or_create(
            agency=issuer, defaults={**values, "updated_by": actor})
        audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="saved_thresholds", obj_id=row.pk,
                  agency_id=issuer.pk, summary=_("Lưu ngưỡng đôn đốc: %(t)s") % {"t": ", ".join(
                      f"{key} {value}" for key, value in sorted(thresholds.items())) or "—"})
    return row


# --- Công văn on the month's problem reports (lienthong.feedback), to the contractor ----------------------

FEEDBACK_LETTER_STAFF_ONLY = gettext_lazy("Chỉ người của Văn phòng UBND tỉnh hoặc Sở Thông tin và Truyền thông mới "
                                          "soạn được công văn gửi nhà thầu.")
CONTRACTOR_NOT_EXTERNAL = gettext_lazy("Chọn nhà thầu trong danh mục cơ quan ngoài hệ thống.")


def feedback_letter_draft_create(*, actor, month: dt.date, contractor_id: int, signer_id: int | None = None,
                                 today: dt.date | None = None):
    """A DRAFT công văn of the actor's agency (as ``reminder_draft_create``) to the contractor, an external agency
    of the directory, carrying the month's problem-report figures (``feedback.selectors.month_report``) as its
    PDF. The draft then follows the normal outgoing flow. Nothing is stored when anything is wrong."""
    issuer = selectors.reminder_issuer(user=actor)
    if issuer is None or not selectors.may_oversee(actor):
        raise PermissionDenied(str(FEEDBACK_LETTER_STAFF_ONLY))
    contractor = Agency.objects.filter(pk=contractor_id, is_external=True, is_active=True).first()
    if contractor is None:
        raise ValidationFailed({"contractor": [str(CONTRACTOR_NOT_EXTERNAL)]})
    signers = {p.user_id: p for p in selectors.reminder_signers(agency_id=issuer.pk)}
    if signer_id is None and signers:
        signer_id = next(iter(signers))
    if signer_id not in signers:
        raise ValidationFailed({"signer": [SIGNER_NOT_LEADER % {"a": issuer.name}]})
    document_type = DocumentType.objects.filter(code="cong-van", is_active=True).first()
    if document_type is None:
        raise DomainError(_("Danh mục loại văn bản chưa có loại “Công văn”."))
    signer = signers[signer_id]
    authority, _lines = notice.signature_block(signer.title)
    letter = feedback_letter.Letter(
        parent_name=issuer.parent.name if issuer.parent_id else "", issuer_name=issuer.name,
        issuer_abbreviation=issuer.abbreviation, place=issuer.place_name or "",
        year=(today or timezone.localdate(timezone=VN)).year, month=month, contractor_name=contractor.name,
        figures=feedback_selectors.month_report(month=month),
        signer_name=signer.user.full_name or signer.user.get_username(), signer_title=signer.title)
    pdf = feedback_letter.letter_pdf(letter)
    with translation.override("vi"):
        filed = _("Lưu: VT")
    data = drafting.DraftInput(
        document_type=document_type, subject=feedback_letter.SUBJECT, signer_id=signer_id, signer_authority=authority,
        signer_position=" ".join(signer.title.split()), recipient_ids=[contractor.pk], extra_recipients=filed,
        files=[SimpleUploadedFile(feedback_letter.FILENAME, pdf, content_type="application/pdf")])
    return drafting.draft_create(actor=actor, agency=issuer, data=data)
