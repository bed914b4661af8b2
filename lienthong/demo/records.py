"""The demo's records (issue 16): the Provincial Office's 2018 file plan, published, and the case file of the
seed notice's work holding the notice, its reminder and its electronic copy, closed at the end of 2018 and
due for handover to the Office's archive (``luutru.vpubnd``), which the browser test then does."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from lienthong.accounts.models import User
from lienthong.agencies.models import Agency
from lienthong.documents.selectors import documents_visible_to
from lienthong.records import selectors as record_selectors
from lienthong.records import services as records

OFFICE_CODE = "vp"
YEAR = 2018
# (heading, abbreviation, [(title, retention code, keeper)]) of the Office's plan, after PL5's examples.
PLAN = [
    ("Tổng hợp, hành chính", "TH", [
        ("Hồ sơ xây dựng, ban hành chương trình công tác năm 2018 của UBND tỉnh", "vinh-vien", "Phòng Kinh tế"),
        ("Tập thông báo kết luận, ý kiến chỉ đạo của lãnh đạo UBND tỉnh năm 2018", "vinh-vien", "Văn thư"),
        ("Hồ sơ chấm điểm, xếp hạng mức độ ứng dụng công nghệ thông tin năm 2017", "20-nam", "Chuyên viên"),
    ]),
    ("Tổ chức, cán bộ", "TCCB", [
        ("Hồ sơ tuyển dụng công chức năm 2018", "70-nam", "Văn thư"),
        ("Hồ sơ thi đua, khen thưởng năm 2018", "10-nam", "Văn thư"),
    ]),
    ("Văn hóa, xã hội", "VX", [
        ("Hồ sơ tổ chức các ngày lễ lớn năm 2018", "10-nam", "Phòng Văn xã"),
    ]),
]
SEED_ENTRY_TITLE = PLAN[0][2][2][0]
SEED_SYMBOLS = ("32/TB-VP.UBND",)
SEED_SUBJECT_MARK = "Thông báo số 32/TB-VP.UBND"
WORK_ENDED = dt.date(2018, 12, 28)  # the seed notice's work: its file is closed then, due for handover a year on


def ensure_demo_records(*, agencies: dict[str, Agency], users: dict[str, User], log) -> None:
    office = agencies[OFFICE_CODE]
    if record_selectors.plan_of(agency_id=office.pk, year=YEAR) is not None:
        return
    clerk, leader = users["vanthu.vpubnd"], users["lanhdao.vpubnd"]
    plan = records.plan_create(actor=clerk, agency_id=office.pk, year=YEAR)
    seed_entry = None
    for title, abbreviation, entries in PLAN:
        heading = records.heading_add(actor=clerk, plan_id=plan.pk, title=title, abbreviation=abbreviation)
        for entry_title, retention, keeper in entries:
            entry = records.entry_add(actor=clerk, plan_id=plan.pk, heading_id=heading.pk, title=entry_title,
                                      retention_code=retention, responsible_name=keeper)
            if entry_title == SEED_ENTRY_TITLE:
                seed_entry = entry
    records.plan_approve(actor=leader, plan_id=plan.pk,
                         decision_reference="Quyết định số 02/QĐ-VP ngày 02/01/2018 của Chánh Văn phòng UBND tỉnh")
    records.plan_publish(actor=clerk, plan_id=plan.pk)
    owner = users["chuyenvien.vpubnd"]
    assert seed_entry is not None
    case_file = records.case_file_open(actor=owner, plan_entry_id=seed_entry.pk, start_date=dt.date(2018, 3, 5))
    visible = documents_visible_to(user=owner).filter(agency=office, year=YEAR)
    seed = visible.filter(number_symbol__in=SEED_SYMBOLS).first()
    rule = Q(subject__contains=SEED_SUBJECT_MARK)  # the Office's reminder citing it
    if seed is not None:
        rule |= Q(pk=seed.pk) | Q(subject=seed.subject)  # the notice and its electronic copy (sao y)
    work = visible.filter(rule)
    ids = sorted(set(work.values_list("pk", flat=True)))
    if ids:
        records.documents_file(actor=owner, case_file_id=case_file.pk, document_ids=ids)
    records.case_file_close(actor=owner, case_file_id=case_file.pk, retention_confirmed=True, end_date=WORK_ENDED,
                            reason="Công việc chấm điểm, xếp hạng năm 2017 đã hoàn thành")
    log(_("Hồ sơ: danh mục hồ sơ năm %(y)s của Văn phòng UBND tỉnh đã ban hành; hồ sơ %(n)s gồm %(k)s văn bản, "
          "đã kết thúc, chờ nộp lưu.")
        % {"y": YEAR, "n": case_file.number, "k": len(ids)})
