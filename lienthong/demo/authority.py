"""The demo's signing-authority story (vanthu.md §7 rule 6; NĐ30 Art. 13), run by the demo's flow loader.

At UBND huyện Vị Thủy the chairman authorises (TUQ.) the head of Phòng Nội vụ to sign the district's
reports on internal affairs: the written decision is in the register, and a report signed "TUQ. CHỦ TỊCH /
TRƯỞNG PHÒNG NỘI VỤ" is issued under the district's seal. The head of Phòng Tài chính - Kế hoạch held a
similar grant that ran out while his report waited for his signature: the signature is refused, the draft
stays at the signing step with the reason on its page, and he and the văn thư were told the grant ended.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from lienthong.authority import services
from lienthong.authority.models import SigningGrant
from lienthong.core.errors import ValidationFailed
from lienthong.demo.pdf import tiny_pdf
from lienthong.documents.models import DocumentType
from lienthong.documents.services import DocumentInput, document_register_outgoing
from lienthong.drafting import services as drafting

GRANT_SUBJECT = "Về việc ủy quyền ký văn bản báo cáo thuộc lĩnh vực nội vụ, tài chính - kế hoạch"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf("Van ban"), content_type="application/pdf")


def delegated_signing(loader) -> None:
    """``loader``: the demo's FlowLoader (agencies ``a``, users ``u``, ``today``, ``issue``)."""
    a, u, today = loader.a, loader.u, loader.today
    district, chairman, clerk = a["vithuy"], u["lanhdao.vithuy"], u["vanthu.vithuy"]
    types = {t.code: t for t in DocumentType.objects.filter(code__in=["quyet-dinh", "bao-cao"])}
    decision = document_register_outgoing(actor=clerk, agency=district, today=today, data=DocumentInput(
        document_type=types["quyet-dinh"], subject=GRANT_SUBJECT, issued_on=today, signer_position="Chủ tịch",
        signer_name=chairman.full_name, recipients_text="- Phòng Nội vụ;\n- Phòng Tài chính - Kế hoạch;\n- Lưu: VT.",
        files=[_pdf("quyet-dinh-uy-quyen.pdf")]))
    grants = {}
    for code, title in (("nv", "Trưởng phòng Nội vụ"), ("tckh", "Trưởng phòng Tài chính - Kế hoạch")):
        grants[code] = services.grant_create(
            actor=clerk, kind="TUQ.", agency=district, grantor=chairman, grantee=u[f"truongphong.{code}.vithuy"],
            decision=decision, valid_from=today - dt.timedelta(days=30), valid_until=today + dt.timedelta(days=90),
            grantor_title="Chủ tịch", grantee_title=title, document_types=[types["bao-cao"]])
    drafts = {}
    for code, subject in (("nv", "Báo cáo kết quả cải cách hành chính quý này của huyện Vị Thủy"),
                          ("tckh", "Báo cáo tình hình thực hiện dự toán ngân sách huyện Vị Thủy")):
        data = drafting.DraftInput(
            document_type=types["bao-cao"], subject=subject, signer_id=u[f"truongphong.{code}.vithuy"].pk,
            signer_authority="TUQ.", signer_position=grants[code].grantee_title,
            extra_recipients=f"UBND tỉnh Hậu Giang\nLưu: VT, {code.upper()}.", files=[_pdf("bao-cao.pdf")])
        drafts[code] = drafting.draft_create(actor=u[f"chuyenvien.{code}.vithuy"], agency=district, data=data)
    loader.issue(drafts["nv"], clerk="vanthu.vithuy", day=today)

    late = drafts["tckh"]
    drafting.draft_submit(actor=late.created_by, draft=late)
    drafting.draft_check_format(actor=clerk, draft=late)
    drafting.draft_approve(actor=late.signer, draft=late)
    # The grant ran out (yesterday) while the report waited for the signature.
    SigningGrant.objects.filter(pk=grants["tckh"].pk).update(valid_from=today - dt.timedelta(days=90),
                                                             valid_until=today - dt.timedelta(days=1))
    try:
        drafting.draft_sign(actor=late.signer, draft=late, uploads=[_pdf("bao-cao-da-ky.pdf")])
    except ValidationFailed:
        pass
    else:  # pragma: no cover - the demo must show the refusal
        raise AssertionError("a TUQ. signature under an ended grant was accepted")
    services.grants_announce_end(today=today)
