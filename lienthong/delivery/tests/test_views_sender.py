"""The sender's side of delivery as the commune's văn thư sees it: per recipient, where the report
stands (with QCVN 102 codes, times and who acted), the recall and its outcome per recipient, the
"Văn bản đã gửi" list with its state chips, saved recipient lists and the directory search."""

from __future__ import annotations

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lienthong.accounts.services import user_create
from lienthong.delivery import services as delivery_services
from lienthong.delivery.models import Delivery, DeliveryState, RecallState, RecipientList
from lienthong.delivery.views import sender as sender_views
from lienthong.documents.models import DocumentStatus
from lienthong.drafting import services as drafting
from lienthong.drafting.models import Draft
from lienthong.processing import services as processing
from lienthong.processing.models import AssignmentRole
from lienthong.testing.builders import PASSWORD, doc_type, pdf_upload

pytestmark = pytest.mark.django_db
SENT = reverse("delivery:sent")


def html(response):
    return lxml.html.fromstring(response.content.decode())


def squash(node) -> str:
    return " ".join(node.text_content().split())


def issue(p, *, sender="xa", recipients=("huyen",), subject="Báo cáo tình hình thiệt hại do mưa bão"):
    """A specialist drafts, the leader approves, the văn thư attaches the paper signature, numbers,
    seals and issues: the outgoing document with one delivery per recipient."""
    u = p.users
    data = drafting.DraftInput(document_type=doc_type("bao-cao"), subject=subject, signer_id=u[f"leader.{sender}"].pk,
                               recipient_ids=[p.agencies[r].pk for r in recipients],
                               files=[pdf_upload("du-thao.pdf", "Bao cao")])
    draft = drafting.draft_create(actor=u[f"specialist.{sender}"], agency=p.agencies[sender], data=data)
    drafting.draft_submit(actor=u[f"specialist.{sender}"], draft=draft)
    drafting.draft_check_format(actor=u[f"clerk.{sender}"], draft=draft)
    drafting.draft_approve(actor=u[f"leader.{sender}"], draft=draft)
    drafting.draft_sign(actor=u[f"clerk.{sender}"], draft=draft, uploads=[pdf_upload("da-ky.pdf", "Da ky")])
    doc = drafting.draft_number(actor=u[f"clerk.{sender}"], draft=draft)
    drafting.draft_seal(actor=u[f"clerk.{sender}"], draft=draft, issue=True)
    return doc


def delivery_to(doc, agency) -> Delivery:
    return Delivery.objects.get(document=doc, recipient_agency=agency)


def tracking_rows(response) -> dict[str, dict]:
    """Recipient name -> its state pill, recall pill and the event rows (code, label, person, text)."""
    rows = {}
    for item in html(response).xpath("//section[@id='theo-doi']//details[contains(@class,'track-item')]"):
        cells = item.xpath("./summary/span[@role='cell']")
        name = squash(cells[0]).split(" · ")[0]
        events = [[squash(td) for td in tr.xpath("./td")] for tr in item.xpath(".//table[@class='events']/tbody/tr")]
        rows[name] = {"state": squash(cells[1]), "recall": squash(cells[2]), "events": events}
    return rows


@pytest.fixture
def spread(province):
    """One report of the commune to four agencies, each at a different point of its processing."""
    p, u, a = province, province.users, province.agencies
    doc = issue(p, recipients=("huyen", "stttt", "vp", "ubnd"))
    d_huyen = delivery_to(doc, a["huyen"])
    incoming = delivery_services.delivery_register(actor=u["clerk.huyen"], delivery_id=d_huyen.pk)
    processing.handling_submit(actor=u["clerk.huyen"], handling_id=incoming.handling.pk, leader_id=u["leader.huyen"].pk)
    [lead] = processing.handling_assign(actor=u["leader.huyen"], handling_id=incoming.handling.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=u["specialist.huyen"].pk)])
    processing.assignment_note(actor=u["specialist.huyen"], assignment_id=lead.pk, text="Đang tổng hợp", progress=30)
    delivery_services.delivery_return(actor=u["clerk.stttt"], delivery_id=delivery_to(doc, a["stttt"]).pk,
                                      reason="Không thuộc thẩm quyền của Sở")
    delivery_services.delivery_receive(actor=u["clerk.vp"], delivery_id=delivery_to(doc, a["vp"]).pk)
    return doc


def test_tracking_panel_shows_each_recipient_with_its_history(client, province, spread):
    client.force_login(province.users["clerk.xa"])
    response = client.get(reverse("documents:detail", args=[spread.pk]))
    rows = tracking_rows(response)
    assert {name: row["state"] for name, row in rows.items()} == {
        "Ủy ban nhân dân huyện Vị Thủy": "Đang xử lý",
        "Sở Thông tin và Truyền thông tỉnh Hậu Giang": "Bị trả lại",
        "Văn phòng Ủy ban nhân dân tỉnh Hậu Giang": "Đã tiếp nhận",
        "Ủy ban nhân dân tỉnh Hậu Giang": "Đã đến",
    }
    huyen = rows["Ủy ban nhân dân huyện Vị Thủy"]["events"]
    # the sender's own people by name; at the recipient, the agency (issue 11: never its people's names)
    assert [(e[0], e[1], e[3]) for e in huyen] == [
        ("–", "Đã gửi", "Văn thư xa"), ("01", "Đã đến", "Hệ thống"),
        ("03", "Đã tiếp nhận", "Ủy ban nhân dân huyện Vị Thủy"),
        ("03", "Đã vào sổ văn bản đến", "Ủy ban nhân dân huyện Vị Thủy"),
        ("04", "Đã phân công xử lý", "Ủy ban nhân dân huyện Vị Thủy"),
        ("05", "Đang xử lý", "Ủy ban nhân dân huyện Vị Thủy")]
    returned = rows["Sở Thông tin và Truyền thông tỉnh Hậu Giang"]["events"][-1]
    assert (returned[0], returned[1], returned[4]) == ("02", "Trả lại", "Không thuộc thẩm quyền của Sở")
    chips = [squash(c) for c in html(response).xpath(
        "//section[@id='theo-doi']//div[@class='tracking-head']//span[contains(@class,'chip')]")]
    assert chips == ["1 đã đến", "1 bị trả lại", "1 đã tiếp nhận", "1 đang xử lý"]
    # The văn thư of the issuing agency may recall it; its specialist sees the panel without the form.
    assert html(response).xpath("//form[contains(@action, '/thu-hoi/')]")
    client.force_login(province.users["specialist.xa"])
    response = client.get(reverse("documents:detail", args=[spread.pk]))
    assert len(tracking_rows(response)) == 4
    assert not html(response).xpath("//form[contains(@action, '/thu-hoi/')]")


def test_tracking_panel_shows_registered_assigned_done_and_waiting_for_exchange(client, province):
    from lienthong.agencies.models import AdministrativeLevel
    from lienthong.testing.builders import make_agency

    p, u, a = province, province.users, province.agencies
    a["bo"] = make_agency("Bộ Nội vụ", "BNV", AdministrativeLevel.objects.get(code="tinh"), external=True)
    doc = issue(p, recipients=("huyen", "stttt", "vp", "bo"))

    def register(key):
        incoming = delivery_services.delivery_register(actor=u[f"clerk.{key}"],
                                                       delivery_id=delivery_to(doc, a[key]).pk)
        return incoming.handling

    def assign(key, handling):
        processing.handling_submit(actor=u[f"clerk.{key}"], handling_id=handling.pk, leader_id=u[f"leader.{key}"].pk)
        [lead] = processing.handling_assign(actor=u[f"leader.{key}"], handling_id=handling.pk, specs=[
            processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=u[f"specialist.{key}"].pk)])
        return lead

    register("stttt")
    assign("vp", register("vp"))
    lead = assign("huyen", register("huyen"))
    processing.assignment_complete(actor=u["specialist.huyen"], assignment_id=lead.pk, result="Đã tiếp thu")

    client.force_login(u["clerk.xa"])
    rows = tracking_rows(client.get(reverse("documents:detail", args=[doc.pk])))
    assert {name: row["state"] for name, row in rows.items()} == {
        "Ủy ban nhân dân huyện Vị Thủy": "Hoàn thành",
        "Sở Thông tin và Truyền thông tỉnh Hậu Giang": "Đã vào sổ",
        "Văn phòng Ủy ban nhân dân tỉnh Hậu Giang": "Đã phân công",
        "Bộ Nội vụ": "Chờ liên thông ra ngoài",
    }
    assert [e[0] for e in rows["Ủy ban nhân dân huyện Vị Thủy"]["events"]] == ["–", "01", "03", "03", "04", "06"]
    assert rows["Ủy ban nhân dân huyện Vị Thủy"]["events"][-1][4] == "Đã xử lý xong"
    assert [e[1] for e in rows["Bộ Nội vụ"]["events"]] == ["Đã gửi"]


def test_tracking_panel_query_count_does_not_grow_with_recipients(client, province):
    few = issue(province, recipients=("huyen",))
    many = issue(province, recipients=("huyen", "stttt", "vp", "ubnd"), subject="Báo cáo khác")
    client.force_login(province.users["clerk.xa"])
    client.get(reverse("documents:detail", args=[few.pk]))
    counts = []
    for doc in (few, many):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("documents:detail", args=[doc.pk])).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_recall_and_its_outcome_per_recipient(client, province, spread):
    u, a = province.users, province.agencies
    url = reverse("delivery:recall", args=[spread.pk])
    # Not the specialist, and never without a reason; nothing changes.
    client.force_login(u["specialist.xa"])
    response = client.post(url, {"reason": "Sai số liệu"}, follow=True)
    assert str(delivery_services.RECALL_NOT_YOURS) in squash(html(response))
    client.force_login(u["clerk.xa"])
    response = client.post(url, {"reason": "  "}, follow=True)
    assert str(delivery_services.RECALL_REASON_REQUIRED) in squash(html(response))
    assert not Delivery.objects.exclude(recall_state="").exists()
    spread.refresh_from_db()
    assert spread.status == DocumentStatus.ACTIVE
    # Someone of another agency does not even find the document.
    client.force_login(u["clerk.huyen"])
    assert client.post(url, {"reason": "Sai số liệu"}).status_code == 404

    client.force_login(u["clerk.xa"])
    response = client.post(url, {"reason": "Sai số liệu thiệt hại"}, follow=True)
    assert sender_views.RECALL_SENT % {"n": 3} in squash(html(response))
    delivery_services.delivery_recall_answer(actor=u["clerk.huyen"], delivery_id=delivery_to(spread, a["huyen"]).pk,
                                             agree=True)
    delivery_services.delivery_recall_answer(actor=u["clerk.vp"], delivery_id=delivery_to(spread, a["vp"]).pk,
                                             agree=False, reason="Đã chuyển xử lý")
    response = client.get(reverse("documents:detail", args=[spread.pk]))
    rows = tracking_rows(response)
    assert {n: (r["state"], r["recall"]) for n, r in rows.items()} == {
        "Ủy ban nhân dân huyện Vị Thủy": ("Đã gỡ (đồng ý thu hồi)", "Đồng ý thu hồi"),
        "Sở Thông tin và Truyền thông tỉnh Hậu Giang": ("Bị trả lại", "—"),
        "Văn phòng Ủy ban nhân dân tỉnh Hậu Giang": ("Đã tiếp nhận", "Từ chối thu hồi"),
        "Ủy ban nhân dân tỉnh Hậu Giang": ("Đã đến", "Đang yêu cầu thu hồi"),
    }
    refused = rows["Văn phòng Ủy ban nhân dân tỉnh Hậu Giang"]["events"][-1]
    assert (refused[0], refused[1], refused[4]) == ("16", "Từ chối thu hồi", "Đã chuyển xử lý")
    note = squash(html(response).xpath("//p[contains(@class,'recall-note')]")[0])
    assert note == ("Văn bản đã được thu hồi. 1 đang yêu cầu thu hồi 1 đồng ý thu hồi 1 từ chối thu hồi")
    assert not html(response).xpath("//form[contains(@action, '/thu-hoi/')]")  # a recalled document stays frozen


# --- Văn bản đã gửi ---------------------------------------------------------------------------------

def test_sent_list_shows_state_chips_and_filters(client, province, spread):
    quiet = issue(province, recipients=("huyen",), subject="Báo cáo đã xong")
    client.force_login(province.users["clerk.xa"])
    response = client.get(SENT)
    rows = html(response).xpath("//table[contains(@class,'sent')]/tbody/tr")
    assert [squash(r.xpath("./td")[0]) for r in rows] == [quiet.number_symbol, spread.number_symbol]
    assert squash(rows[1].xpath("./td")[3]) == "1 đã đến 1 bị trả lại 1 đã tiếp nhận 1 đang xử lý / 4 nơi nhận"
    assert squash(rows[0].xpath("./td")[3]) == "1 đã đến / 1 nơi nhận"

    def listed(flt):
        return [d.pk for d in client.get(SENT + f"?loc={flt}").context["page"]]

    assert listed("tra-lai") == [spread.pk]
    assert listed("chua-xong") == [quiet.pk, spread.pk]
    assert listed("thu-hoi") == []
    # Other agencies do not see the commune's documents here.
    client.force_login(province.users["clerk.huyen"])
    assert list(client.get(SENT).context["page"]) == []


def test_sent_list_query_count_does_not_grow(client, province, django_assert_max_num_queries):
    issue(province, recipients=("huyen", "vp"))
    client.force_login(province.users["clerk.xa"])
    client.get(SENT)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(SENT).context["rows"]) == 1
    for i in range(4):
        issue(province, recipients=("huyen", "stttt", "ubnd"), subject=f"Báo cáo {i}")
    with django_assert_max_num_queries(len(small)):
        assert len(client.get(SENT).context["rows"]) == 5
    assert len(small) <= 10


# --- Recipient lists and the directory search --------------------------------------------------------

def test_clerk_saves_a_recipient_list_and_duplicates_are_refused(client, province):
    a = province.agencies
    client.force_login(province.users["clerk.huyen"])
    new = reverse("delivery:recipient_list_new")
    assert client.get(new).status_code == 200
    response = client.post(new, {"agency": a["huyen"].pk, "name": "Các xã", "members": [a["xa"].pk, a["xa"].pk]})
    assert [squash(e) for e in html(response).xpath("//fieldset[@id='picker-members']//p[@class='error']")] == [
        str(delivery_services.LIST_MEMBER_TWICE)]
    assert not RecipientList.objects.exists()
    response = client.post(new, {"agency": a["huyen"].pk, "name": "", "members": [a["xa"].pk]})
    assert str(delivery_services.LIST_NAME_REQUIRED) in squash(html(response)) and not RecipientList.objects.exists()

    response = client.post(new, {"agency": a["huyen"].pk, "name": "Các xã, thị trấn", "members": [a["xa"].pk]},
                           follow=True)
    rl = RecipientList.objects.get()
    assert (rl.agency_id, rl.name, [m.pk for m in rl.members.all()]) == (
        a["huyen"].pk, "Các xã, thị trấn", [a["xa"].pk])
    assert sender_views.LIST_SAVED % {"n": "Các xã, thị trấn", "c": 1} in squash(html(response))
    listed = html(client.get(reverse("delivery:recipient_lists")))
    assert [squash(tr) for tr in listed.xpath("//table[contains(@class,'rlists')]/tbody/tr")] == [
        "Các xã, thị trấn 1 UBND xã Vị Thắng Sửa"]
    edit = reverse("delivery:recipient_list_edit", args=[rl.pk])
    assert html(client.get(edit)).xpath("//ul[@id='chosen-members']//input/@value") == [str(a["xa"].pk)]
    client.post(edit, {"agency": a["huyen"].pk, "name": "Các xã", "members": [a["xa"].pk, a["stttt"].pk]})
    rl.refresh_from_db()
    assert rl.name == "Các xã" and rl.members.count() == 2
    # The commune's văn thư neither sees nor edits the district's list; a specialist keeps no lists.
    client.force_login(province.users["clerk.xa"])
    assert client.get(edit).status_code == 404
    client.force_login(province.users["specialist.huyen"])
    assert client.get(new).status_code == 403
    assert client.post(new, {"agency": a["huyen"].pk, "name": "X", "members": [a["xa"].pk]}).status_code == 403
    assert RecipientList.objects.count() == 1


def test_directory_search_ignores_diacritics_and_leaves_out_chosen_and_sender(client, province):
    a = province.agencies
    client.force_login(province.users["specialist.xa"])
    url = reverse("delivery:recipient_search")

    def found(**params):
        content = client.get(url, params).content.decode()
        return lxml.html.fromstring(content).xpath("//ul[@class='found']//input/@value") if content.strip() else []

    assert found(pq="vi thuy") == [str(a["huyen"].pk)]
    assert found(pq="uy ban nhan dan") == [str(a["ubnd"].pk), str(a["vp"].pk), str(a["huyen"].pk), str(a["xa"].pk)]
    assert found(pq="uy ban nhan dan", sender=a["xa"].pk, recipients=[a["ubnd"].pk]) == [
        str(a["vp"].pk), str(a["huyen"].pk)]
    assert found(plevel="huyen") == [str(a["huyen"].pk)]
    assert found(pgroup="so-nganh") == [str(a["vp"].pk), str(a["stttt"].pk)]
    assert found() == []


def test_admin_shows_drafts_and_deliveries_read_only(client, province, spread):
    admin = user_create(username="admin", password=PASSWORD, full_name="Quản trị", is_system_admin=True)
    client.force_login(admin)
    draft = Draft.objects.get()
    page = client.get(reverse("admin:drafting_draft_change", args=[draft.pk]))
    assert page.status_code == 200 and "Báo cáo tình hình thiệt hại do mưa bão" in page.content.decode()
    assert client.post(reverse("admin:drafting_draft_change", args=[draft.pk]), {}).status_code == 403
    assert client.get(reverse("admin:delivery_delivery_changelist")).status_code == 200
    # its status rows, with who acted (kept, never shown to the sender) and the reply sent back
    shown = client.get(reverse("admin:delivery_delivery_change", args=[Delivery.objects.first().pk]))
    assert shown.status_code == 200 and "Văn thư xa" in shown.content.decode()
    # A shared list saved in the admin goes through the service.
    response = client.post(reverse("admin:delivery_recipientlist_add"), {
        "name": "Các UBND huyện", "members": [province.agencies["huyen"].pk]})
    assert response.status_code == 302
    rl = RecipientList.objects.get()
    assert rl.agency_id is None and [m.pk for m in rl.members.all()] == [province.agencies["huyen"].pk]
    assert DeliveryState and RecallState  # imported names used by the module's readers
