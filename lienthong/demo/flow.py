"""The demo's documents in motion, dated around today so that every work queue has something in it.

Everything goes through the real services of drafting, delivery and processing:

1. Xã Vị Thắng reports to UBND huyện Vị Thủy (issued 12 working days ago, signed digitally by the chairman
   and the commune when the demo certificates exist — ``load_demo`` makes them first); the district registered it,
   the chairman gave it to Phòng Nội vụ (lead, now overdue) and Phòng Tài chính - Kế hoạch (support),
   and the head of Nội vụ handed it to a specialist, who has noted progress.
2. VP UBND tỉnh sends a công văn đôn đốc to every district People's Committee (a saved recipient list)
   and to the Government Office (outside the instance: waits in the outbox); the districts are at
   different steps: one has not opened it, one received it, one registered and submitted it.
3. At Sở TT&TT a plan has passed the content and format checks and waits for the director's approval.
4. At Xã Vị Thắng a submission was returned to its drafter by the văn thư with a reason.
5. Sở TT&TT sent a công văn to Sở Nội vụ, which registered it; Sở TT&TT then recalled it (status 13, a wrong
   date) and Sở Nội vụ agreed (15): the copy is withdrawn from its lists, its record and log are kept
   (NĐ30 Art. 18.4).

Shared recipient lists ("Các UBND huyện, thị xã, thành phố", "Các sở, ban, ngành tỉnh") are created too.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lienthong.agencies.models import Agency
from lienthong.copies import selectors as copy_selectors
from lienthong.copies import services as copy_services
from lienthong.delivery import services as delivery_services
from lienthong.delivery.models import Delivery, RecipientList
from lienthong.demo.agencies import specs_by_key
from lienthong.demo.pdf import PdfContent, render_pdf, tiny_pdf
from lienthong.demo.pki import DEMO_PIN
from lienthong.documents.models import Direction, Document, DocumentType
from lienthong.drafting import services as drafting
from lienthong.drafting.models import Draft
from lienthong.processing import services as processing
from lienthong.processing.models import AssignmentRole
from lienthong.signing import selectors as signing_selectors
from lienthong.workcalendar import selectors as calendar

STORY_SUBJECT = "Báo cáo kết quả sử dụng phần mềm quản lý văn bản và điều hành dùng chung tại xã Vị Thắng"
DISTRICTS_LIST = "Các UBND huyện, thị xã, thành phố"
# Who signs digitally in the story (the commune's report): the builder's fast mode makes only these credentials.
# The Provincial Office signs its electronic copy (sao y of the seed notice) with its agency credential.
DIGITAL_SIGNING = {"users": ["lanhdao.vithang"], "agencies": ["xa-vithang", "vp"]}
DEPARTMENTS_LIST = "Các sở, ban, ngành tỉnh"
RECALL_SUBJECT = "V/v cử cán bộ tham gia lớp tập huấn sử dụng chữ ký số"


def flow_exists() -> bool:
    return Draft.objects.filter(subject=STORY_SUBJECT).exists()


class FlowLoader:
    def __init__(self, agencies: dict[str, Agency], users: dict, units: dict, *, fast_pdfs: bool = False):
        self.a, self.u, self.units = agencies, users, units
        self.fast_pdfs = fast_pdfs
        self.types = {t.code: t for t in DocumentType.objects.filter(code__in=["bao-cao", "cong-van", "ke-hoach",
                                                                               "to-trinh"])}
        self.today = timezone.localdate()

    def run(self) -> int:
        lists = self.recipient_lists()
        self.commune_report()
        self.province_reminder(lists[DISTRICTS_LIST])
        self.plan_waiting_for_approval(lists[DISTRICTS_LIST])
        self.returned_submission()
        self.recalled_letter()
        self.office_copy()
        return Draft.objects.count()

    # --- helpers --------------------------------------------------------------------------------
    def pdf(self, agency_key: str, type_code: str, subject: str, body: str, signer: str, name: str):
        agency = self.a[agency_key]
        if self.fast_pdfs:
            data = tiny_pdf("Du thao van ban")
        else:
            parent = agency.parent.name.upper() if agency.parent_id else ""
            data = render_pdf(PdfContent(
                header_parent=parent, header_name=agency.name.upper(), number_symbol="",
                place=agency.place_name, issued_on=self.today, type_code=type_code, subject=subject, body=body,
                recipients_text="", signer_lines=[signer.upper()], signer_name=name))
        return SimpleUploadedFile(f"{type_code}.pdf", data, content_type="application/pdf")

    def days_ago(self, n: int) -> dt.date:
        return calendar.add_working_days(self.today, -n)

    def draft(self, agency_key, author, type_code, subject, *, signer, reviewer=None, recipients=(), lists=(),
              unit_abbreviation="", body="", urgency="normal", signer_position="Chủ tịch", extra="Lưu: VT."):
        signer_user = self.u[signer]
        data = drafting.DraftInput(
            document_type=self.types[type_code], subject=subject, signer_id=signer_user.pk,
            reviewer_id=self.u[reviewer].pk if reviewer else None, urgency=urgency, signer_position=signer_position,
            unit_abbreviation=unit_abbreviation, extra_recipients=extra,
            recipient_ids=[self.a[k].pk for k in recipients], recipient_list_ids=[rl.pk for rl in lists],
            files=[self.pdf(agency_key, type_code, subject, body or subject, signer_position, signer_user.full_name)])
        return drafting.draft_create(actor=self.u[author], agency=self.a[agency_key], data=data)

    def digital_pin(self, draft) -> str | None:
        """The demo PIN when the signer and the agency have demo certificates (``make_demo_pki``)."""
        personal = signing_selectors.credential_for_user(draft.signer)
        agency = signing_selectors.credential_for_agency(draft.agency)
        if personal is None or agency is None or {personal.custody, agency.custody} != {"pkcs12"}:
            return None
        return DEMO_PIN

    def issue(self, draft, *, clerk, day: dt.date, digital: bool = False):
        drafting.draft_submit(actor=draft.created_by, draft=draft)
        if draft.state == "content_review":
            drafting.draft_check_content(actor=draft.reviewer, draft=draft)
        drafting.draft_check_format(actor=self.u[clerk], draft=draft)
        drafting.draft_approve(actor=draft.signer, draft=draft)
        pin = self.digital_pin(draft) if digital else None
        if pin:  # the leader signs, the văn thư numbers and applies the commune's digital signature
            drafting.draft_sign(actor=draft.signer, draft=draft, method="pades", options={"pin": pin})
            drafting.draft_number(actor=self.u[clerk], draft=draft, today=day)
            drafting.draft_seal(actor=self.u[clerk], draft=draft, method="pades", options={"pin": pin}, issue=True)
            return draft.document
        drafting.draft_sign(actor=self.u[clerk], draft=draft,
                            uploads=[self.pdf(self.key_of(draft.agency_id), draft.document_type.code,
                                              draft.subject, draft.subject, draft.signer_position,
                                              draft.signer.full_name)])
        drafting.draft_number(actor=self.u[clerk], draft=draft, today=day)
        drafting.draft_seal(actor=self.u[clerk], draft=draft, issue=True)
        return draft.document

    def key_of(self, agency_id: int) -> str:
        return next(k for k, a in self.a.items() if a.pk == agency_id)

    # --- the stories ----------------------------------------------------------------------------
    def recipient_lists(self) -> dict[str, RecipientList]:
        out = {}
        groups = {DISTRICTS_LIST: "ubnd-huyen", DEPARTMENTS_LIST: "so-nganh"}
        for name, group in groups.items():
            members = [a.pk for a in self.a.values() if a.group_id and a.group.code == group and not a.is_external]
            existing = RecipientList.objects.filter(agency__isnull=True, name=name).first()
            out[name] = existing or delivery_services.recipient_list_save(
                actor=self.u["quantri"], agency_id=None, name=name, member_ids=members)
        return out

    def commune_report(self) -> None:
        day = self.days_ago(12)
        draft = self.draft(
            "xa-vithang", "chuyenvien.vithang", "bao-cao", STORY_SUBJECT, signer="lanhdao.vithang",
            recipients=["vithuy"],
            body="Thực hiện Thông báo số 32/TB-VP.UBND ngày 05/3/2018 của Văn phòng UBND tỉnh, UBND xã Vị Thắng "
                 "báo cáo kết quả sử dụng phần mềm quản lý văn bản và điều hành dùng chung như sau.")
        report = self.issue(draft, clerk="vanthu.vithang", day=day, digital=True)
        delivery = Delivery.objects.get(document=report, recipient_agency=self.a["vithuy"])
        clerk, chairman = self.u["vanthu.vithuy"], self.u["lanhdao.vithuy"]
        incoming = delivery_services.delivery_register(actor=clerk, delivery_id=delivery.pk,
                                                       received_on=day, today=day)
        processing.handling_submit(actor=clerk, handling_id=incoming.handling.pk, leader_id=chairman.pk,
                                   note="Kính trình Chủ tịch cho ý kiến chỉ đạo.")
        nv, tckh = self.units[("vithuy", "nv")], self.units[("vithuy", "tckh")]
        lead, _support = processing.handling_assign(actor=chairman, handling_id=incoming.handling.pk, specs=[
            processing.AssignmentSpec(role=AssignmentRole.LEAD, unit_id=nv.pk,
                                      deadline=calendar.add_working_days(day, 7),
                                      instruction="Phòng Nội vụ chủ trì tổng hợp, đề xuất khen thưởng xã làm tốt."),
            processing.AssignmentSpec(role=AssignmentRole.SUPPORT, unit_id=tckh.pk,
                                      instruction="Phối hợp đề xuất kinh phí chữ ký số cho xã."),
        ])
        [part] = processing.assignment_delegate(actor=self.u["truongphong.nv.vithuy"], assignment_id=lead.pk, specs=[
            processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=self.u["chuyenvien.nv.vithuy"].pk,
                                      deadline=calendar.add_working_days(day, 6),
                                      instruction="Dự thảo văn bản trả lời xã.")])
        processing.assignment_note(actor=self.u["chuyenvien.nv.vithuy"], assignment_id=part.pk, progress=40,
                                   text="Đã tổng hợp số liệu của xã, đang dự thảo văn bản trả lời.")

    def province_reminder(self, districts: RecipientList) -> None:
        day = self.days_ago(1)
        draft = self.draft(
            "vp", "chuyenvien.kt.vpubnd", "cong-van",
            "Về việc đôn đốc triển khai liên thông văn bản điện tử giữa ba cấp chính quyền",
            signer="lanhdao2.vpubnd", reviewer="truongphong.kt.vpubnd", lists=[districts], recipients=["vpcp"],
            unit_abbreviation="KT", signer_position="Phó Chánh Văn phòng", urgency="urgent",
            extra="Lưu: VT, KT.",
            body="Văn phòng UBND tỉnh đề nghị UBND các huyện, thị xã, thành phố chỉ đạo các phòng, ban và UBND "
                 "cấp xã gửi, nhận văn bản điện tử qua phần mềm dùng chung, báo cáo kết quả trước ngày 15.")
        Draft.objects.filter(pk=draft.pk).update(signer_authority="KT.")
        draft.signer_authority = "KT."
        notice = self.issue(draft, clerk="vanthu.vpubnd", day=day)
        deliveries = {d.recipient_agency_id: d for d in Delivery.objects.filter(document=notice)}
        district_keys = [k for k, a in self.a.items() if a.pk in deliveries and k != "vithuy" and not a.is_external]
        if len(district_keys) >= 2:
            received, registered = district_keys[0], district_keys[1]
            delivery_services.delivery_receive(actor=self.u[f"vanthu.{self.slug(received)}"],
                                               delivery_id=deliveries[self.a[received].pk].pk)
            clerk = self.u[f"vanthu.{self.slug(registered)}"]
            incoming = delivery_services.delivery_register(
                actor=clerk, delivery_id=deliveries[self.a[registered].pk].pk, today=self.today)
            processing.handling_submit(actor=clerk, handling_id=incoming.handling.pk,
                                       leader_id=self.u[f"lanhdao.{self.slug(registered)}"].pk)

    def slug(self, key: str) -> str:
        return specs_by_key()[key].slug

    def plan_waiting_for_approval(self, districts: RecipientList) -> None:
        draft = self.draft(
            "stttt", "chuyenvien.cntt.stttt", "ke-hoach",
            "Kế hoạch kiểm tra, đánh giá mức độ ứng dụng công nghệ thông tin của các cơ quan năm "
            + str(self.today.year),
            signer="lanhdao.stttt", reviewer="truongphong.cntt.stttt", lists=[districts],
            signer_position="Giám đốc", extra="Lưu: VT, CNTT.")
        drafting.draft_submit(actor=draft.created_by, draft=draft)
        drafting.draft_check_content(actor=draft.reviewer, draft=draft, note="Nội dung đạt.")
        drafting.draft_check_format(actor=self.u["vanthu.stttt"], draft=draft)

    def office_copy(self) -> None:
        """The Provincial Office makes an electronic SAO Y of its seed notice (32/TB-VP.UBND), numbered in its
        copy register and signed with the Office's demo agency credential (NĐ30 Art. 25–27)."""
        office = self.a["vp"]
        credential = signing_selectors.credential_for_agency(office)
        seed = Document.objects.filter(agency=office, direction=Direction.OUTGOING,
                                       number_symbol="32/TB-VP.UBND").first()
        signers = copy_selectors.signer_choices(agency_id=office.pk)
        if credential is None or credential.custody != "pkcs12" or seed is None or not signers:
            return
        leader = self.u["lanhdao.vpubnd"].pk
        copy_services.copy_create(
            actor=self.u["vanthu.vpubnd"], original_id=seed.pk, form="SY",
            signer_id=leader if leader in dict(signers) else signers[0][0],
            recipients_text="- Sở Nội vụ;\n- Lưu: VT.", pin=DEMO_PIN)

    def recalled_letter(self) -> None:
        day = self.days_ago(3)
        draft = self.draft(
            "stttt", "chuyenvien.cntt.stttt", "cong-van", RECALL_SUBJECT, signer="lanhdao.stttt",
            recipients=["snv"], unit_abbreviation="CNTT", signer_position="Giám đốc", extra="Lưu: VT, CNTT.",
            body="Sở Thông tin và Truyền thông đề nghị Sở Nội vụ cử cán bộ tham gia lớp tập huấn sử dụng chữ ký số.")
        letter = self.issue(draft, clerk="vanthu.stttt", day=day)
        delivery = Delivery.objects.get(document=letter, recipient_agency=self.a["snv"])
        recipient_clerk = self.u[f"vanthu.{self.slug('snv')}"]
        delivery_services.delivery_register(actor=recipient_clerk, delivery_id=delivery.pk,
                                            received_on=day, today=day)
        delivery_services.delivery_recall(
            actor=self.u["vanthu.stttt"], document=letter,
            reason="Văn bản ghi sai thời gian tổ chức lớp tập huấn; Sở sẽ ban hành văn bản thay thế.")
        delivery_services.delivery_recall_answer(actor=recipient_clerk, delivery_id=delivery.pk, agree=True)

    def returned_submission(self) -> None:
        draft = self.draft(
            "xa-vithang", "chuyenvien.vithang", "to-trinh",
            "Tờ trình đề nghị cấp kinh phí mua chứng thư số cho lãnh đạo và văn thư xã",
            signer="lanhdao.vithang", recipients=["vithuy"])
        drafting.draft_submit(actor=draft.created_by, draft=draft)
        drafting.draft_return(actor=self.u["vanthu.vithang"], draft=draft,
                              reason="Thiếu phụ lục dự toán kinh phí; đề nghị bổ sung trước khi trình ký.")
