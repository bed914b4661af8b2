"""The seed notice 32/TB-VP.UBND (5/3/2018) issued by the Provincial Office in the test province, its text
extracted, an external contractor in the directory; shared by the follow-up tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lienthong.documents.models import DocumentFile
from lienthong.documents.services import document_register_outgoing
from lienthong.followup import services
from lienthong.testing.builders import doc_input, make_agency, make_levels, pdf_upload

SEED_TEXT = (Path(__file__).resolve().parents[2] / "demo" / "notice-32-TB-VP.UBND-2018.txt").read_text("utf-8")
NOTICE_DAY = dt.date(2018, 3, 5)


@pytest.fixture
def seed(province):
    a, u = province.agencies, province.users
    a["nhathau"] = make_agency("Công ty Cổ phần Phần mềm Quản lý Hành chính (nhà thầu)", "PM", make_levels()["tinh"],
                               short_name="nhà thầu", external=True)
    doc = document_register_outgoing(
        actor=u["clerk.vp"], agency=a["vp"], today=NOTICE_DAY,
        data=doc_input(subject="Kết luận của Phó Chủ tịch Thường trực UBND tỉnh về kết quả chấm điểm ứng dụng CNTT",
                       issued_on=NOTICE_DAY, files=[pdf_upload()]))
    DocumentFile.objects.filter(document=doc).update(extracted_text=SEED_TEXT)
    province.notice = doc
    return province


def record(p, *, lead="stttt", deadline=dt.date(2018, 4, 30), content="Báo cáo kết quả xếp hạng từng đơn vị",
           actor="specialist.vp", **extra):
    return services.task_record(actor=p.users[actor], document_id=p.notice.pk, data=services.TaskInput(
        content=content, lead_agency_id=p.agencies[lead].pk if lead else None, deadline=deadline,
        given_by="Phó Chủ tịch Thường trực UBND tỉnh Đồng Văn Thanh", **extra))
