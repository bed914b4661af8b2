"""JSON endpoints for signing a draft's step with a USB token: prepare the files of the step, then finish it
with the signature values the client's token produced (``drafting.remote_signing``). Thin: parse, call the
service, shape the answer. The paths stay under ``/api/signing/remote/`` (the command-line client and the
signing plugin call them).

A draft the caller may not see answers 404, a step that is someone else's turn 403, a step the
draft's state does not allow 400 ``invalid_state``; a signature that does not match what was prepared,
or a session that expired, is a 422 naming the field, in Vietnamese. Binary values travel as base64.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import uuid
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from lienthong.core.api_tools import state_errors_as_400
from lienthong.core.errors import ValidationFailed
from lienthong.core.schema_types import Id
from lienthong.drafting import remote_signing
from lienthong.drafting import selectors as drafting_selectors
from lienthong.drafting.api import _detail
from lienthong.drafting.schemas import DraftDetail

router = Router(tags=["Ký số"])


class PrepareIn(Schema):
    draft_id: Id = Field(description="Dự thảo cần ký")
    step: Literal["sign", "seal"] = Field(description="sign: người có thẩm quyền ký; seal: văn thư ký số cơ quan")


class PreparedFileOut(Schema):
    filename: str
    digest_b64: str = Field(description="SHA-256 của các byte được ký (ByteRange) của tệp PDF, base64")
    signed_attributes_b64: str = Field(description="Thuộc tính được ký (DER, base64): token ký RSA PKCS#1 v1.5 "
                                                   "SHA-256 lên chuỗi byte này")
    to_sign_digest_b64: str = Field(description="SHA-256 của thuộc tính được ký (cho token chỉ ký giá trị băm)")


class PrepareOut(Schema):
    session: str = Field(description="Mã phiên ký, dùng ở bước hoàn tất")
    expires_at: dt.datetime
    draft_id: int
    step: str
    certificate_b64: str = Field(description="Chứng thư số sẽ ký (DER, base64): token phải giữ khóa của chứng thư này")
    files: list[PreparedFileOut]


class FinishIn(Schema):
    signatures_b64: list[str] = Field(description="Giá trị chữ ký của từng tệp (base64), theo thứ tự ``files``")
    issue: bool = Field(False, description="Bước seal: phát hành ngay sau khi ký số cơ quan (văn bản khẩn)")


def _b64(data) -> str:
    return base64.b64encode(bytes(data)).decode("ascii")


@router.post("/signing/remote/prepare", response=PrepareOut, url_name="signing_remote_prepare",
             summary="Chuẩn bị ký số bằng USB token")
def remote_prepare(request, data: PrepareIn):
    """Máy chủ dàn trang chữ ký (ảnh chữ ký, số và ngày văn bản), để trống chỗ chữ ký và trả về thuộc tính
    được ký của từng tệp. Chương trình ký trên máy có token ký rồi gọi bước hoàn tất trước ``expires_at``."""
    user = request.auth
    draft = drafting_selectors.draft_get(user=user, draft_id=data.draft_id)
    with state_errors_as_400():
        session = remote_signing.draft_remote_prepare(actor=user, draft=draft, step=data.step)
    return PrepareOut(
        session=str(session.pk), expires_at=session.expires_at, draft_id=draft.pk, step=data.step,
        certificate_b64=_b64(session.credential.certificate),
        files=[PreparedFileOut(filename=f.filename, digest_b64=_b64(f.document_digest),
                               signed_attributes_b64=_b64(f.signed_attributes),
                               to_sign_digest_b64=_b64(hashlib.sha256(bytes(f.signed_attributes)).digest()))
               for f in session.files.all()])


@router.post("/signing/remote/{uuid:session}/finish", response=DraftDetail, url_name="signing_remote_finish",
             summary="Hoàn tất ký số bằng USB token")
def remote_finish(request, session: uuid.UUID, data: FinishIn):
    """Gửi giá trị chữ ký từ token; máy chủ kiểm tra từng chữ ký với chứng thư, gắn vào tệp và chuyển dự
    thảo sang bước tiếp theo. Trả về dự thảo như người gọi đang thấy."""
    signatures = []
    for value in data.signatures_b64:
        try:
            signatures.append(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError):
            raise ValidationFailed({"signatures_b64": [_("Giá trị chữ ký không phải base64 hợp lệ.")]}) from None
    with state_errors_as_400():
        draft = remote_signing.draft_remote_finish(actor=request.auth, session_id=session, signatures=signatures,
                                                   issue=data.issue)
    return _detail(request.auth, draft.pk)
