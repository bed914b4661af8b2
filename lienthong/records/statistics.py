"""Statistics of records (issue 16 §5; PL6 §III.4 "statistics per user"), read for the agencies whose records
``user`` keeps (its leaders and văn thư):

- files per official and per unit, by state;
- documents filed versus not filed: the agency's documents (outgoing by date of issue, incoming by date of
  arrival, cancelled and withdrawn ones left out, as the usage statistics count them) and how many of them
  sit in at least one file;
- files overdue for handover (nộp lưu): closed and still with their unit one year after the work ended
  (NĐ30 Art. 30), for retention of 5 years or more, which must go to the agency archive.

Each figure is one aggregate query whatever the number of files or documents. The share of documents filed
also feeds the monthly usage statistics of oversight (``selectors.filed_documents_by_month``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.core import exports
from lienthong.core.errors import PermissionDenied, ValidationFailed
from lienthong.documents.selectors import documents_visible_to
from lienthong.records.disposal import keeper_agency_ids
from lienthong.records.models import CaseFile, CaseFileDocument, CaseFileState

NOT_KEEPER = gettext_lazy("Chỉ lãnh đạo hoặc văn thư của cơ quan mới xem thống kê hồ sơ của cơ quan.")
HANDOVER_MIN_YEARS = 5  # files kept 5 years or more go to the agency archive (NĐ30 Art. 30.2)
COUNTED_OUT = ("cancelled", "withdrawn")


def handover_due(end_date: dt.date) -> dt.date:
    """One year after the work ended (NĐ30 Art. 30.1b; construction files, 3 months after final accounts,
    are not told apart yet)."""
    try:
        return end_date.replace(year=end_date.year + 1)
    except ValueError:  # 29 February
        return end_date.replace(year=end_date.year + 1, day=28)


@dataclass
class Row:
    key: int | None
    name: str
    unit: str = ""
    by_state: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    def count(self, state: str) -> int:
        return self.by_state.get(state, 0)

    @property
    def cells(self) -> list[int]:
        """The counts in the order of ``STATES``."""
        return [self.count(s) for s in STATES]


@dataclass
class Filing:
    documents: int
    filed: int

    @property
    def unfiled(self) -> int:
        return self.documents - self.filed

    @property
    def share(self) -> float | None:
        return self.filed / self.documents if self.documents else None


@dataclass
class Statistics:
    year: int | None
    officials: list[Row]
    units: list[Row]
    filing: Filing
    overdue: list[CaseFile]
    overdue_count: int


def _agencies(user) -> list[int]:
    agencies = sorted(keeper_agency_ids(user=user))
    if not agencies:
        raise PermissionDenied(NOT_KEEPER)
    return agencies


def _files(agencies: list[int], year: int | None) -> QuerySet[CaseFile]:
    qs = CaseFile.objects.filter(agency_id__in=agencies)
    return qs.filter(year=year) if year else qs


def _grouped(qs: QuerySet[CaseFile], key: str, name: str, unit: str | None) -> list[Row]:
    fields = [key, name] + ([unit] if unit else [])
    rows: dict[int | None, Row] = {}
    for r in qs.values(*fields, "state").order_by().annotate(n=Count("pk")):
        row = rows.setdefault(r[key], Row(r[key], r[name] or "", r[unit] or "" if unit else ""))
        row.by_state[r["state"]] = row.by_state.get(r["state"], 0) + r["n"]
    return sorted(rows.values(), key=lambda x: (-x.total, x.name))


def filing_counts(*, documents: QuerySet, year: int | None) -> Filing:
    """Documents counted (outgoing by date of issue, incoming by date of arrival) and how many are filed."""
    docs = documents.exclude(status__in=COUNTED_OUT).filter(direction__in=["out", "in"])
    if year:
        docs = docs.filter(Q(direction="out", issued_on__year=year) | Q(direction="in", received_on__year=year))
    filed = Exists(CaseFileDocument.objects.filter(document_id=OuterRef("pk")))
    got = docs.annotate(filed_flag=filed).aggregate(n=Count("pk"), filed=Count("pk", filter=Q(filed_flag=True)))
    return Filing(documents=got["n"] or 0, filed=got["filed"] or 0)


def overdue_files(*, agency_ids, today: dt.date) -> QuerySet[CaseFile]:
    """Closed files still with their unit a year after their work ended, kept 5 years or more."""
    a_year_ago = today.replace(year=today.year - 1, day=28) if (today.month, today.day) == (2, 29) else \
        today.replace(year=today.year - 1)
    return (CaseFile.objects.filter(agency_id__in=list(agency_ids), state=CaseFileState.CLOSED,
                                    end_date__lt=a_year_ago)
            .filter(Q(retention__years__isnull=True) | Q(retention__years__gte=HANDOVER_MIN_YEARS))
            .select_related("owner", "unit", "retention").order_by("end_date", "number", "id"))


def statistics(*, user, year: int | None = None, today: dt.date | None = None, overdue_limit: int = 100,
               ) -> Statistics:
    """The statistics page's figures: a fixed number of queries whatever the size."""
    today = today or timezone.localdate()
    agencies = _agencies(user)
    if year is not None and not 1900 <= year <= 2200:
        raise ValidationFailed({"year": [_("Năm không hợp lệ.")]})
    files = _files(agencies, year)
    officials = _grouped(files, "owner_id", "owner__full_name", "unit__name")
    units = _grouped(files, "unit_id", "unit__name", None)
    for r in units:
        r.name = r.name or _("(không thuộc đơn vị)")
    documents = documents_visible_to(user=user).filter(agency_id__in=agencies)
    overdue = overdue_files(agency_ids=agencies, today=today)
    return Statistics(year=year, officials=officials, units=units, filing=filing_counts(documents=documents,
                                                                                          year=year),
                      overdue=list(overdue[:overdue_limit]), overdue_count=overdue.count())


STATES = [CaseFileState.OPEN, CaseFileState.CLOSED, CaseFileState.HANDED_OVER, CaseFileState.ACCEPTED,
          CaseFileState.DISPOSED]


def statistics_workbook(stats: Statistics) -> bytes:
    """The same figures as the page, one sheet each."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    state_labels = [str(s.label) for s in STATES]
    for title, rows, with_unit in ((_("Theo người lập"), stats.officials, True), (_("Theo đơn vị"), stats.units,
                                                                                  False)):
        ws = wb.active if title == _("Theo người lập") else wb.create_sheet()
        ws.title = title
        exports.append_row(ws, [_("Người lập hồ sơ") if with_unit else _("Đơn vị")]
                           + ([_("Đơn vị")] if with_unit else []) + state_labels + [_("Tổng số")])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in rows:
            exports.append_row(ws, [r.name] + ([r.unit] if with_unit else []) + [r.count(s) for s in STATES]
                               + [r.total])
    ws = wb.create_sheet(_("Lập hồ sơ"))
    exports.append_row(ws, [_("Văn bản"), _("Đã đưa vào hồ sơ"), _("Chưa đưa vào hồ sơ"), _("Tỷ lệ đã lập hồ sơ")])
    exports.append_row(ws, [stats.filing.documents, stats.filing.filed, stats.filing.unfiled,
                            round(stats.filing.share, 4) if stats.filing.share is not None else ""])
    ws = wb.create_sheet(_("Quá hạn nộp lưu"))
    exports.append_row(ws, [_("Số và ký hiệu"), _("Tiêu đề hồ sơ"), _("Người lập hồ sơ"), _("Ngày kết thúc"),
                            _("Hạn nộp lưu"), _("Thời hạn bảo quản")])
    for f in stats.overdue:
        exports.append_row(ws, [f.number, f.title, str(f.owner), f.end_date.strftime("%d/%m/%Y"),
                                handover_due(f.end_date).strftime("%d/%m/%Y"), f.retention.name])
    return exports.workbook_bytes(wb)
