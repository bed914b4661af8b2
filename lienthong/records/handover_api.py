"""JSON operations of the handover to the agency archive, on the dossiers router: hand closed files over,
and the archive's accept or return of one file."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema, Status

from lienthong.core.api_tools import state_errors_as_400
from lienthong.core.schema_types import Id
from lienthong.records import handover
from lienthong.records.api import DossierOut, _out, router


class HandoverIn(Schema):
    case_file_ids: list[Id] = Field(..., min_length=1, max_length=handover.MAX_FILES_AT_ONCE,
                                    description="Hồ sơ đã kết thúc của người gọi, cùng một cơ quan")
    note: str = Field("", max_length=500)


class HandoverOut(Schema):
    id: int
    agency_id: int
    year: int
    number: int
    state: str
    state_name: str
    submitted_at: dt.datetime
    case_file_ids: list[int]


class ReturnIn(Schema):
    reason: str = Field(..., min_length=1, max_length=1000, description="Lý do trả lại")


@router.post("/dossiers/handovers", response={201: HandoverOut}, url_name="dossier_handover",
             summary="Nộp lưu hồ sơ vào Lưu trữ cơ quan")
def dossier_handover(request, payload: HandoverIn):
    """Nộp lưu các hồ sơ đã kết thúc của người gọi (một lần nộp lưu: mục lục hồ sơ, tài liệu nộp lưu và
    biên bản giao nhận). Một hồ sơ không hợp lệ thì không nộp hồ sơ nào."""
    with state_errors_as_400():
        row = handover.handover_submit(actor=request.auth, case_file_ids=payload.case_file_ids, note=payload.note)
    return Status(201, {"id": row.pk, "agency_id": row.agency_id, "year": row.year, "number": row.number,
                        "state": row.state, "state_name": row.get_state_display(), "submitted_at": row.submitted_at,
                        "case_file_ids": list(row.items.order_by("ordinal").values_list("case_file_id", flat=True))})


@router.post("/dossiers/{int:case_file_id}/accept", response=DossierOut, url_name="dossier_accept",
             summary="Lưu trữ cơ quan nhận hồ sơ nộp lưu")
def dossier_accept(request, case_file_id: Id):
    """Chỉ Lưu trữ cơ quan; hồ sơ phải đang chờ kiểm tra. Hồ sơ đã nhận chỉ được đọc."""
    with state_errors_as_400():
        row = handover.handover_decide(actor=request.auth, case_file_id=case_file_id, accept=True)
    return _out(row)


@router.post("/dossiers/{int:case_file_id}/return", response=DossierOut, url_name="dossier_return",
             summary="Lưu trữ cơ quan trả lại hồ sơ nộp lưu")
def dossier_return(request, case_file_id: Id, payload: ReturnIn):
    """Chỉ Lưu trữ cơ quan, kèm lý do; hồ sơ trở lại người lập (đã kết thúc)."""
    with state_errors_as_400():
        row = handover.handover_decide(actor=request.auth, case_file_id=case_file_id, accept=False,
                                       reason=payload.reason)
    return _out(row)
