"""The demo's tasks (issue 20 part A): the seed notice 32/TB-VP.UBND's tasks recorded by the Provincial Office's
specialist and followed in various states (the Office reviewing the localities and chasing them, done; the
contractor, an external body tracked by hand, fixing the software's defects after an extension; Sở TT&TT's report
with per-unit results and the Statistics Office's case, reported and waiting for the Office's confirmation; the
districts' routine task of signing and exchanging digitally), and tasks of the Office's other 2018 conclusions and
letters spread over departments and districts, so that the statistics dashboard has something to show."""

from __future__ import annotations

import datetime as dt
import random

from django.utils.translation import gettext as _

from lienthong.accounts.models import User
from lienthong.agencies.models import Agency
from lienthong.demo import agencies as agency_data
from lienthong.documents.models import Direction, Document
from lienthong.followup import services as tasks
from lienthong.followup.models import Task

GIVER = "Phó Chủ tịch Thường trực UBND tỉnh Đồng Văn Thanh"
D = dt.date


def ensure_demo_tasks(*, agencies: dict[str, Agency], users: dict[str, User], log) -> None:
    office = agencies["vp"]
    notice = Document.objects.filter(agency=office, direction=Direction.OUTGOING,
                                     number_symbol="32/TB-VP.UBND").first()
    if notice is None or Task.objects.filter(source_document=notice).exists():
        return
    slugs = {key: spec.slug for key, spec in agency_data.specs_by_key().items()}

    def clerk(key):
        return users[f"vanthu.{slugs[key]}"]

    recorder, confirmer = users["chuyenvien.vpubnd"], users["lanhdao.vpubnd"]
    contractor = agencies["nhathau"]  # the software contractor of the directory (external: tracked by hand)

    def record(doc, content, lead: Agency, deadline, *, passage="", coordinators=(), given_by=GIVER):
        return tasks.task_record(actor=recorder, document_id=doc.pk, data=tasks.TaskInput(
            content=content, lead_agency_id=lead.pk, deadline=deadline, given_by=given_by, passage=passage,
            coordinator_ids=[a.pk for a in coordinators]))

    # 1. The Office reviews the localities' use of the shared software and chases them: done on time.
    review = record(notice, "Rà soát, tổng hợp tình hình sử dụng phần mềm quản lý văn bản dùng chung của các địa "
                    "phương và đôn đốc các đơn vị quyết liệt sử dụng", office, D(2018, 6, 30),
                    passage="Giao Văn phòng UBND tỉnh rà soát, tổng hợp tình hình sử dụng của các địa phương và đôn "
                            "đốc các đơn vị quyết liệt sử dụng.")
    unit = office.units.filter(abbreviation="KT").first()
    if unit is not None:
        tasks.task_hand_on(actor=users["vanthu.vpubnd"], task_id=review.pk, unit_id=unit.pk,
                           note="Phòng Kinh tế theo dõi, tổng hợp")
    tasks.task_report_progress(actor=users["chuyenvien.vpubnd"], task_id=review.pk,
                               text="Đã ban hành Công văn đôn đốc ngày 14/3/2018; 8/8 huyện đã triển khai")
    tasks.task_report_result(actor=users["chuyenvien.vpubnd"], task_id=review.pk, today=D(2018, 6, 25),
                             text="Báo cáo tình hình sử dụng phần mềm của 8 huyện, thị xã, thành phố quý II/2018")
    tasks.task_confirm(actor=confirmer, task_id=review.pk)
    # 2. The contractor (external, tracked by hand): an extension granted, then completed late.
    fix = record(notice, "Khẩn trương khắc phục những lỗi của phần mềm, thực hiện liên thông văn bản qua mạng giữa "
                 "ba cấp chính quyền", contractor, D(2018, 5, 31),
                 passage="Yêu cầu nhà thầu khẩn trương khắc phục những lỗi của phần mềm, thực hiện liên thông văn "
                         "bản qua mạng giữa ba cấp chính quyền.")
    tasks.task_report_progress(actor=recorder, task_id=fix.pk, text="Nhà thầu đã khắc phục 14/20 lỗi đã ghi nhận")
    tasks.task_extension_request(actor=recorder, task_id=fix.pk, new_deadline=D(2018, 7, 31),
                                 reason="Chờ kết nối trục liên thông quốc gia (VDXP) để thử liên thông ba cấp")
    tasks.task_extension_decide(actor=confirmer, task_id=fix.pk, grant=True)
    tasks.task_report_result(actor=recorder, task_id=fix.pk, today=D(2018, 8, 10),
                             text="Đã liên thông văn bản ba cấp tỉnh – huyện – xã; còn 2 lỗi nhỏ đang theo dõi")
    tasks.task_confirm(actor=confirmer, task_id=fix.pk)
    # 3. Sở TT&TT's report per unit, the Statistics Office's case and IT staff recommendations: reported, waiting.
    report = record(notice, "Hoàn chỉnh báo cáo kết quả xếp hạng ứng dụng CNTT năm 2017: kết quả cụ thể từng đơn vị, "
                    "làm rõ kết quả của Cục Thống kê tỉnh, bổ sung kiến nghị về nguồn nhân lực CNTT",
                    agencies["stttt"], D(2018, 3, 30), coordinators=[agencies["ctk"]],
                    passage="Đối với kết quả đánh giá xếp hạng mức độ ứng dụng công nghệ thông tin tỉnh năm 2017 cần "
                            "đưa ra kết quả cụ thể đối với từng đơn vị, riêng đối với kết quả đánh giá xếp hạng của "
                            "Cục Thống kê tỉnh cần làm rõ…")
    plan = Document.objects.filter(agency=agencies["stttt"], direction=Direction.OUTGOING,
                                   issued_on=D(2018, 3, 20)).first()
    tasks.task_report_result(actor=clerk("stttt"), task_id=report.pk, today=D(2018, 3, 28),
                             linked_document_id=plan.pk if plan else None,
                             text="Báo cáo kết quả từng đơn vị kèm Kế hoạch triển khai ngày 20/3/2018")
    # 4. Routine: each district presses on with digital signatures and sending documents through the network.
    districts = [agencies[k] for k, s in agency_data.specs_by_key().items() if s.kind == "district" and k in agencies]
    for district in districts[:4]:
        record(notice, "Quyết liệt khắc phục tồn tại về ứng dụng chữ ký số, gửi nhận văn bản qua mạng", district,
               None, passage="Quyết liệt khắc phục các tồn tại, hạn chế như ứng dụng chữ ký số, thực hiện gửi nhận "
                             "văn bản qua mạng.")
    created = 3 + len(districts[:4])
    created += _spread(agencies, users, record, clerk, confirmer)
    log(_("Nhiệm vụ được giao: %(n)s nhiệm vụ (các nhiệm vụ của Thông báo 32/TB-VP.UBND và văn bản chỉ đạo khác).")
        % {"n": created})


TASK_TEMPLATES = [
    "Báo cáo kết quả thực hiện %(s)s",
    "Tham mưu UBND tỉnh triển khai %(s)s",
    "Rà soát, đề xuất giải pháp thực hiện %(s)s",
    "Phối hợp tổ chức kiểm tra việc thực hiện %(s)s",
]


def _spread(agencies, users, record, clerk, confirmer) -> int:
    """Tasks of the Office's other 2018 conclusions, invitations and letters, to departments and districts, in
    every state: what the dashboard counts (seeded, so every load is the same)."""
    rng = random.Random("demo-followup")
    specs = agency_data.specs_by_key()
    leads = [key for key, s in specs.items() if s.kind in ("department", "district") and key in agencies]
    docs = list(Document.objects.filter(agency=agencies["vp"], direction=Direction.OUTGOING,
                                        issued_on__year=2018).exclude(number_symbol="32/TB-VP.UBND")
                .exclude(subject__startswith="Lịch").order_by("issued_on", "pk")[:30])
    n = 0
    for doc in docs:
        for _i in range(rng.randint(2, 4)):
            key = rng.choice(leads)
            kind = rng.random()
            routine, next_year = kind < 0.12, kind > 0.9  # next year's: still within its deadline at the end of 2018
            deadline = None if routine else D(2019, 3, 31) if next_year else doc.issued_on + dt.timedelta(
                days=rng.randint(15, 120))
            subject = doc.subject[:1].lower() + doc.subject[1:160]
            task = record(doc, rng.choice(TASK_TEMPLATES) % {"s": subject}, agencies[key], deadline,
                          given_by=doc.signer_name or GIVER)
            n += 1
            roll = rng.random()
            if deadline is None or next_year or roll < 0.15:
                continue  # open (routine ones stay open)
            if roll < 0.25:
                tasks.task_report_progress(actor=clerk(key), task_id=task.pk, text="Đang triển khai thực hiện")
                continue
            day = deadline - dt.timedelta(days=rng.randint(0, 10)) if roll < 0.75 else \
                deadline + dt.timedelta(days=rng.randint(3, 40))
            tasks.task_report_result(actor=clerk(key), task_id=task.pk, today=day, text="Đã hoàn thành, có báo cáo")
            if roll < 0.92:
                tasks.task_confirm(actor=confirmer, task_id=task.pk)
    return n
