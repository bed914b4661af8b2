"""Signing authority is controlled (vanthu.md §2.2 and §7 rule 6; NĐ30 Art. 13; PL1 §II.7).

The prefix of a signature is no longer a free choice: TM./KT. rest on the signer's position (head or
deputy), Q. on an acting appointment, TL./TUQ. on a written grant in the system, in force, in scope,
that cannot be passed on. A signature outside the record is refused with the reason, when the draft is
written and again when it is signed; the signature block is built from the record.
"""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_q.models import Schedule

from lienthong.accounts.models import Position, Role
from lienthong.accounts.services import user_create
from lienthong.authority import selectors, services
from lienthong.authority.models import PositionRank, Rank, SigningGrant
from lienthong.core.errors import ValidationFailed
from lienthong.documents import services as document_services
from lienthong.drafting import services as drafting
from lienthong.drafting.models import DraftState
from lienthong.notifications.models import Notification
from lienthong.testing.builders import PASSWORD, doc_input, doc_type, tiny_pdf

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def p(province):
    """The district (a collegial UBND): "Chủ tịch" leader.huyen, a "Phó Chủ tịch", and the head of its
    Phòng Nội vụ (a unit head, "Trưởng phòng")."""
    Position.objects.filter(user=province.users["leader.huyen"]).update(title="Chủ tịch")
    province.users["pho.huyen"] = user_create(
        username="pho.huyen", password=PASSWORD, full_name="Nguyễn Văn A",
        positions=[(province.agencies["huyen"], Role.LEADER, "Phó Chủ tịch")])
    return province


def decision(p, agency_key="huyen", subject="Quyết định ủy quyền ký văn bản"):
    return document_services.document_register_outgoing(
        actor=p.users[f"clerk.{agency_key}"], agency=p.agencies[agency_key], today=TODAY,
        data=doc_input("quyet-dinh", subject, issued_on=TODAY))


def tuq_grant(p, *, until=None, types=("bao-cao",), grantee="leader.huyen.noivu", **extra) -> SigningGrant:
    return services.grant_create(
        actor=p.users["clerk.huyen"], kind="TUQ.", agency=p.agencies["huyen"], grantor=p.users["leader.huyen"],
        grantee=p.users[grantee], decision=decision(p), valid_from=TODAY - dt.timedelta(days=10),
        valid_until=until or TODAY + dt.timedelta(days=30), grantee_title="Trưởng phòng Nội vụ",
        document_types=[doc_type(t) for t in types], **extra)


def make_draft(p, *, signer: str, authority: str, agency="huyen", type_code="bao-cao", position=""):
    data = drafting.DraftInput(
        document_type=doc_type(type_code), subject="Báo cáo kết quả chuyển đổi số quý IV",
        signer_id=p.users[signer].pk, signer_authority=authority, signer_position=position,
        recipient_ids=[p.agencies["xa"].pk],
        files=[SimpleUploadedFile("du-thao.pdf", tiny_pdf("Du thao"), content_type="application/pdf")])
    author = "specialist.huyen.noivu" if agency == "huyen" else f"specialist.{agency}"
    return drafting.draft_create(actor=p.users[author], agency=p.agencies[agency], data=data)


def refusal(exc_info) -> str:
    return " ".join(exc_info.value.errors["signer_authority"])


def no_grant(agency, kind="TUQ.") -> str:
    """The refusal of a TL./TUQ. signature without a written grant of ``agency``."""
    return selectors.NO_GRANT % {"k": kind, "a": agency.short_name or agency.name}


def vn(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def to_signing(p, draft, signer):
    drafting.draft_submit(actor=draft.created_by, draft=draft)
    if draft.state == DraftState.CONTENT_REVIEW:
        drafting.draft_check_content(actor=draft.reviewer, draft=draft)
    drafting.draft_check_format(actor=p.users["clerk.huyen"], draft=draft)
    drafting.draft_approve(actor=p.users[signer], draft=draft)
    assert draft.state == DraftState.SIGNING


def sign_on_paper(p, draft, signer):
    return drafting.draft_sign(actor=p.users[signer], draft=draft, uploads=[
        SimpleUploadedFile("da-ky.pdf", tiny_pdf("Da ky"), content_type="application/pdf")])


# --- Each case of the finding is refused with its reason ------------------------------------------------

def test_unit_head_without_a_grant_cannot_sign_tuq(p):
    """vanthu.md §7 rule 6; NĐ30 Art. 13: TUQ. must rest on a written grant."""
    with pytest.raises(ValidationFailed) as exc:
        make_draft(p, signer="leader.huyen.noivu", authority="TUQ.")
    assert refusal(exc) == no_grant(p.agencies["huyen"])


def test_chairman_cannot_sign_tuq_or_q(p):
    """vanthu.md §7 rule 6; NĐ30 Art. 13: the head signs TM. or directly, not TUQ. / Q. without a record."""
    with pytest.raises(ValidationFailed) as exc:
        make_draft(p, signer="leader.huyen", authority="TUQ.")
    assert refusal(exc) == no_grant(p.agencies["huyen"])
    with pytest.raises(ValidationFailed) as exc:
        make_draft(p, signer="leader.huyen", authority="Q.")
    assert refusal(exc) == selectors.NO_ACTING % {"d": vn(TODAY)}


def test_unit_head_cannot_sign_tm_or_kt(p):
    """vanthu.md §7 rule 6; NĐ30 Art. 13.1: only the head signs TM. for the collective; KT. is a deputy's."""
    with pytest.raises(ValidationFailed) as exc:
        make_draft(p, signer="leader.huyen.noivu", authority="TM.")
    assert refusal(exc) == str(selectors.TM_HEAD_ONLY)
    with pytest.raises(ValidationFailed) as exc:
        make_draft(p, signer="leader.huyen.noivu", authority="KT.")
    assert refusal(exc) == str(selectors.KT_DEPUTY_ONLY)
    with pytest.raises(ValidationFailed) as exc:
        make_draft(p, signer="leader.huyen", authority="KT.")
    assert refusal(exc) == str(selectors.KT_DEPUTY_ONLY)


def test_tm_only_for_a_collegial_body(p):
    """vanthu.md §2.2 (TM.: bodies that decide collectively); NĐ30 Art. 13.1."""
    Position.objects.filter(user=p.users["leader.vp"]).update(title="Chánh Văn phòng")
    with pytest.raises(ValidationFailed) as exc:
        make_draft(p, signer="leader.vp", authority="TM.", agency="vp")
    vp = p.agencies["vp"]
    assert refusal(exc) == selectors.NOT_COLLEGIAL % {"a": vp.short_name or vp.name}


def test_tuq_draft_is_refused_at_signing_once_the_grant_has_ended(p):
    """vanthu.md §7 rule 6; NĐ30 Art. 13: a TUQ. grant is limited in time; the draft is neither signed nor numbered."""
    grant = tuq_grant(p)
    draft = make_draft(p, signer="leader.huyen.noivu", authority="TUQ.")
    to_signing(p, draft, "leader.huyen.noivu")
    SigningGrant.objects.filter(pk=grant.pk).update(valid_until=TODAY - dt.timedelta(days=1))
    with pytest.raises(ValidationFailed) as exc:
        sign_on_paper(p, draft, "leader.huyen.noivu")
    ended = TODAY - dt.timedelta(days=1)
    assert refusal(exc) == selectors.GRANT_NOT_IN_FORCE % {"k": "TUQ.", "d": vn(ended), "on": vn(TODAY)}
    with pytest.raises(ValidationFailed):
        drafting.draft_check_turn(actor=p.users["leader.huyen.noivu"], draft=draft, step="sign")
    draft.refresh_from_db()
    assert draft.state == DraftState.SIGNING and draft.document_id is None


def test_tuq_grant_outside_its_scope_or_agency_is_refused(p):
    """vanthu.md §2.2 (TUQ.: limited in scope; the delegating agency's thể thức and seal); NĐ30 Art. 13."""
    tuq_grant(p, types=("bao-cao",))
    with pytest.raises(ValidationFailed) as exc:
        make_draft(p, signer="leader.huyen.noivu", authority="TUQ.", type_code="thong-bao")
    assert refusal(exc) == selectors.OUT_OF_SCOPE % {"k": "TUQ."}
    # The grant is the district's: a document under it is issued in the district's name, with its seal.
    with pytest.raises(ValidationFailed) as exc:
        make_draft(p, signer="leader.huyen.noivu", authority="TUQ.", agency="xa")
    assert refusal(exc) == no_grant(p.agencies["xa"])


def test_a_tuq_grantee_cannot_delegate_further(p):
    """vanthu.md §2.2 and §7 rule 6: TUQ. cannot be sub-delegated (NĐ30 Art. 13)."""
    tuq_grant(p)
    with pytest.raises(ValidationFailed) as exc:
        services.grant_create(
            actor=p.users["clerk.huyen"], kind="TUQ.", agency=p.agencies["huyen"],
            grantor=p.users["leader.huyen.noivu"], grantee=p.users["specialist.huyen.noivu"],
            decision=decision(p, subject="Giấy ủy quyền lại"), valid_from=TODAY,
            valid_until=TODAY + dt.timedelta(days=5),
            grantor_title="Trưởng phòng Nội vụ", grantee_title="Chuyên viên", fields="Nội vụ")
    assert exc.value.errors["grantor"] == [str(services.NO_SUBDELEGATION)]
    assert SigningGrant.objects.filter(grantee=p.users["specialist.huyen.noivu"]).count() == 0


def test_a_grant_must_be_written_limited_and_scoped(p):
    """vanthu.md §2.2: TUQ. must be in writing, limited in time and scope (NĐ30 Art. 13)."""
    with pytest.raises(ValidationFailed) as exc:
        services.grant_create(
            actor=p.users["clerk.huyen"], kind="TUQ.", agency=p.agencies["huyen"], grantor=p.users["leader.huyen"],
            grantee=p.users["leader.huyen.noivu"], decision=decision(p, "xa"), valid_from=TODAY, valid_until=None)
    assert set(exc.value.errors) >= {"valid_until", "decision", "document_types"}
    assert not SigningGrant.objects.exists()


# --- Valid signatures are accepted, with the block built from the record ------------------------------

def test_chairman_tm_and_deputy_kt_blocks(p):
    """vanthu.md §2.2: "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH" and "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"."""
    make_draft(p, signer="leader.huyen", authority="TM.")
    make_draft(p, signer="pho.huyen", authority="KT.")
    huyen = p.agencies["huyen"]
    assert selectors.signature_block(p.users["leader.huyen"], "TM.", huyen, TODAY) == [
        "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lãnh đạo huyen"]
    assert selectors.signature_block(p.users["pho.huyen"], "KT.", huyen, TODAY) == [
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A"]


def test_deputy_of_a_department_signs_kt_for_the_director(p):
    """vanthu.md §2.2 (KT.); the head/deputy marker is data on the position, editable by the administrator."""
    director = Position.objects.get(user=p.users["leader.stttt"])
    deputy = user_create(username="pho.stttt", password=PASSWORD, full_name="Lê Thị B",
                         positions=[(p.agencies["stttt"], Role.LEADER, "Phó Giám đốc Sở")])
    PositionRank.objects.create(position=Position.objects.get(user=deputy), rank=Rank.DEPUTY, head_title="Giám đốc")
    assert selectors.position_rank(director) == Rank.HEAD
    assert selectors.signature_block(deputy, "KT.", p.agencies["stttt"], TODAY) == [
        "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC SỞ", "Lê Thị B"]
    PositionRank.objects.filter(position__user=deputy).update(rank=Rank.NONE)
    with pytest.raises(ValidationFailed):
        selectors.signature_block(deputy, "KT.", p.agencies["stttt"], TODAY)


def test_acting_head_signs_q_within_the_period(p):
    """vanthu.md §2.2 (Q.: an acting head, "Q. GIÁM ĐỐC"); NĐ30 Art. 13."""
    services.acting_appoint(actor=p.users["clerk.stttt"], agency=p.agencies["stttt"], user=p.users["leader.stttt"],
                            head_title="Giám đốc", valid_from=TODAY - dt.timedelta(days=3),
                            valid_until=TODAY + dt.timedelta(days=3))
    assert selectors.signature_block(p.users["leader.stttt"], "Q.", p.agencies["stttt"], TODAY) == [
        "Q. GIÁM ĐỐC", "Lãnh đạo stttt"]
    with pytest.raises(ValidationFailed):
        selectors.signature_block(p.users["leader.stttt"], "Q.", p.agencies["stttt"], TODAY + dt.timedelta(days=4))


def test_tl_and_tuq_from_a_grant_are_accepted_and_shown(p, client):
    """vanthu.md §7 rule 6 ("signature blocks from grants"): TUQ. and TL. from written grants in force."""
    grant = tuq_grant(p)
    draft = make_draft(p, signer="leader.huyen.noivu", authority="TUQ.")
    assert selectors.signature_block(p.users["leader.huyen.noivu"], "TUQ.", p.agencies["huyen"], TODAY,
                                     document_type_id=doc_type("bao-cao").pk) == [
        "TUQ. CHỦ TỊCH", "TRƯỞNG PHÒNG NỘI VỤ", "Trưởng phòng Phòng Nội vụ"]
    assert grant.agency == draft.agency  # issued in the delegating agency's name, under its seal
    services.grant_create(
        actor=p.users["clerk.huyen"], kind="TL.", agency=p.agencies["huyen"], grantor=p.users["leader.huyen"],
        grantee=p.users["leader.huyen.taichinh"], decision=decision(p, subject="Quy chế làm việc"),
        valid_from=TODAY, valid_until=TODAY + dt.timedelta(days=365), grantee_title="Trưởng phòng Tài chính - Kế hoạch",
        fields="Tài chính, kế hoạch")
    make_draft(p, signer="leader.huyen.taichinh", authority="TL.", type_code="thong-bao")
    client.force_login(p.users["specialist.huyen.noivu"])
    page = lxml.html.fromstring(client.get(reverse("drafting:detail", args=[draft.pk])).content.decode())
    assert [d.text_content() for d in page.xpath("//dd[@class='signature-block']/div")] == [
        "TUQ. CHỦ TỊCH", "TRƯỞNG PHÒNG NỘI VỤ", "Trưởng phòng Phòng Nội vụ"]


def test_tuq_draft_is_signed_and_numbered_within_the_grant(p):
    """vanthu.md §7 rule 6 and rule 4: a valid TUQ. signature goes on to numbering in the delegating agency."""
    tuq_grant(p)
    draft = make_draft(p, signer="leader.huyen.noivu", authority="TUQ.")
    to_signing(p, draft, "leader.huyen.noivu")
    sign_on_paper(p, draft, "leader.huyen.noivu")
    document = drafting.draft_number(actor=p.users["clerk.huyen"], draft=draft)
    assert document.agency == p.agencies["huyen"] and document.signer_authority == "TUQ."


# --- Expiry and its notice ----------------------------------------------------------------------------

def test_ended_grant_is_announced_once_to_grantee_and_clerk(p):
    """vanthu.md §2.2: grants are time-limited; their end is announced to the grantee and the văn thư."""
    grant = tuq_grant(p, until=TODAY - dt.timedelta(days=1))
    tuq_grant(p, grantee="leader.huyen.taichinh")  # still in force: no notice
    assert services.grants_announce_end(today=TODAY) == 1
    notified = set(Notification.objects.filter(dedupe_key=f"grant-end:{grant.pk}").values_list("user_id", flat=True))
    assert notified == {p.users["leader.huyen.noivu"].pk, p.users["clerk.huyen"].pk}
    assert services.grants_announce_end(today=TODAY) == 0
    assert Schedule.objects.filter(func="lienthong.authority.tasks.announce_ended_grants").exists()


def test_the_draft_form_shows_why_the_prefix_is_refused(p, client):
    """vanthu.md §7 rule 6; NĐ30 Art. 13: the drafter sees the reason next to "Thẩm quyền ký" and nothing is stored."""
    from lienthong.drafting.models import Draft
    from lienthong.drafting.tests.test_views import create_post

    client.force_login(p.users["specialist.huyen.noivu"])
    response = client.post(reverse("drafting:create"), create_post(
        p, signer=p.users["leader.huyen.noivu"].pk, signer_authority="TUQ.", signer_position="Trưởng phòng"))
    assert response.status_code in (200, 422)
    assert escape(no_grant(p.agencies["huyen"])) in response.content.decode()
    assert not Draft.objects.exists()


def test_the_admin_refuses_a_sub_delegated_tuq_grant_and_records_a_valid_one(p, client):
    """vanthu.md §2.2 and §7 rule 6: the admin enters grants under the same rules (no sub-delegation)."""
    tuq_grant(p)
    client.force_login(user_create(username="quantri", password=PASSWORD, full_name="Quản trị hệ thống",
                                   is_system_admin=True))
    form = {"kind": "TUQ.", "agency": p.agencies["huyen"].pk, "grantor": p.users["leader.huyen.noivu"].pk,
            "grantor_title": "Trưởng phòng Nội vụ", "grantee": p.users["specialist.huyen.noivu"].pk,
            "grantee_title": "Chuyên viên", "decision": decision(p, subject="Giấy ủy quyền lại").pk,
            "fields": "Nội vụ", "valid_from": TODAY.isoformat(),
            "valid_until": (TODAY + dt.timedelta(days=5)).isoformat()}
    url = reverse("admin:authority_signinggrant_add")
    response = client.post(url, form)
    assert response.status_code == 200
    assert escape(str(services.NO_SUBDELEGATION)) in response.content.decode()
    assert not SigningGrant.objects.filter(grantee=p.users["specialist.huyen.noivu"]).exists()
    form.update(grantor=p.users["leader.huyen"].pk, grantor_title="Chủ tịch")
    assert client.post(url, form).status_code == 302
    assert SigningGrant.objects.get(grantee=p.users["specialist.huyen.noivu"]).created_by.username == "quantri"
