"""The document pages as a user meets them: who sees what, registering through the forms, the
errors shown next to the fields, the history, and a list page whose query count does not grow with the data.
Downloading an original is tested with the documents app (``documents/tests/test_views.py``)."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lienthong.accounts.services import user_create
from lienthong.audit.models import AuditEntry
from lienthong.documents import services
from lienthong.documents.models import Document, DocumentFile, Register, StoredFile
from lienthong.documents.services.inputs import ISSUED_IN_FUTURE, SUBJECT_REQUIRED
from lienthong.documents.services.registration import ALREADY_REGISTERED
from lienthong.files import checks
from lienthong.testing.builders import PASSWORD, doc_input, doc_type, pdf_upload, tiny_pdf
from lienthong.web.selectors import NOT_A_CLERK
from lienthong.web.views import NUMBERED, REGISTERED_INCOMING

TODAY = dt.date(2018, 3, 20)
LIST = reverse("documents:list")


def detail_url(doc) -> str:
    return reverse("documents:detail", args=[doc.pk])


def out(province, agency="vp", **kw):
    data = kw.pop("data", None) or doc_input(**kw)
    return services.document_register_outgoing(actor=province.users[f"clerk.{agency}"],
                                               agency=province.agencies[agency], data=data, today=TODAY)


def incoming(province, agency, number_symbol, *, issuer="ubnd", **kw):
    data = doc_input(kw.pop("type_code", "cong-van"), kw.pop("subject", "Công văn đến"),
                     issued_on=dt.date(2018, 3, 1), **kw)
    return services.document_register_incoming(actor=province.users[f"clerk.{agency}"],
                                               agency=province.agencies[agency], data=data,
                                               number_symbol=number_symbol,
                                               issuer_agency=province.agencies[issuer], today=TODAY)


def html(response):
    return lxml.html.fromstring(response.content.decode())


def errors_next_to(response, field_name: str) -> list[str]:
    """The error texts rendered inside the field block that holds the input named ``field_name``."""
    blocks = html(response).xpath(
        f"//div[contains(concat(' ', @class, ' '), ' field ')][.//*[@name='{field_name}']]")
    assert len(blocks) == 1, f"no single field block for {field_name}"
    return [p.text_content().strip() for p in blocks[0].xpath(".//p[contains(@class, 'error')]")]


# --- Permission matrix ----------------------------------------------------------------------------

@pytest.fixture
def holdings(province):
    """Documents held by three agencies: VP (normal out, secret out, normal in), Sở TT&TT and a commune."""
    docs = {
        "vp_out": out(province, files=[pdf_upload("thong-bao.pdf")]),
        "vp_secret": out(province, secrecy="confidential", subject="Báo cáo mật", files=[pdf_upload("mat.pdf")]),
        "vp_in": incoming(province, "vp", "15/UBND-KT"),
        "stttt_in": incoming(province, "stttt", "01/TB-VP.UBND", issuer="vp", type_code="thong-bao"),
        "xa_in": incoming(province, "xa", "120/UBND-VP", issuer="huyen"),
    }
    province.users["admin"] = user_create(username="admin", password=PASSWORD, full_name="Quản trị hệ thống",
                                          is_system_admin=True)
    return docs


VISIBLE = {
    "clerk.vp": {"vp_out", "vp_secret", "vp_in"},
    "leader.vp": {"vp_out", "vp_secret", "vp_in"},
    # An incoming document reaches a specialist only when assigned (see test_assigned_incoming_...).
    "specialist.vp": {"vp_out"},
    "clerk.stttt": {"stttt_in"},
    "clerk.xa": {"xa_in"},
    "admin": set(),
}


def test_assigned_incoming_document_becomes_visible_to_the_specialist_and_the_unit(client, province, holdings):
    from lienthong.agencies.models import Unit
    from lienthong.documents.services import document_grant

    specialist = province.users["specialist.vp"]
    client.force_login(specialist)
    assert client.get(detail_url(holdings["vp_in"])).status_code == 404
    document_grant(document_id=holdings["vp_in"].pk, user_ids=[specialist.pk])
    assert client.get(detail_url(holdings["vp_in"])).status_code == 200
    # A grant to a unit opens ordinary documents to its people, never secret ones.
    unit = Unit.objects.create(agency=province.agencies["vp"], name="Phòng Kinh tế")
    colleague = user_create(username="cv.kt", password=PASSWORD, full_name="Chuyên viên KT",
                            positions=[(province.agencies["vp"], "specialist", "", unit)])
    document_grant(document_id=holdings["vp_in"].pk, unit_ids=[unit.pk])
    document_grant(document_id=holdings["vp_secret"].pk, unit_ids=[unit.pk])
    client.force_login(colleague)
    assert client.get(detail_url(holdings["vp_in"])).status_code == 200
    assert client.get(detail_url(holdings["vp_secret"])).status_code == 404


@pytest.mark.parametrize("username", list(VISIBLE))
def test_permission_matrix_for_list_and_detail(client, province, holdings, username):
    user = province.users[username]
    client.force_login(user)
    names_by_pk = {doc.pk: name for name, doc in holdings.items()}

    listed = client.get(LIST)
    assert listed.status_code == 200
    assert {names_by_pk[d.pk] for d in listed.context["page"].object_list} == VISIBLE[username]
    linked = {int(href.rstrip("/").rsplit("/", 1)[-1])
              for href in html(listed).xpath("//table[contains(@class,'documents')]//a/@href")}
    assert {names_by_pk[pk] for pk in linked} == VISIBLE[username]

    for name, doc in holdings.items():
        denied_before = AuditEntry.objects.filter(action="denied", actor=user, object_id=str(doc.pk)).count()
        response = client.get(detail_url(doc))
        denied_after = AuditEntry.objects.filter(action="denied", actor=user, object_id=str(doc.pk)).count()
        if name in VISIBLE[username]:
            assert response.status_code == 200, name
            assert denied_after == denied_before
        else:
            assert response.status_code == 404, name
            assert denied_after == denied_before + 1, name


def test_anonymous_visitors_are_sent_to_the_login_page(client, province, holdings):
    response = client.get(detail_url(holdings["vp_out"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- Registering through the forms ----------------------------------------------------------------

def outgoing_post(province, **overrides):
    today = timezone.localdate()
    data = {
        "agency": province.agencies["vp"].pk, "document_type": doc_type("thong-bao").pk,
        "subject": "Thông báo kết luận của Chủ tịch UBND tỉnh", "issued_on": today.isoformat(),
        "urgency": "normal", "secrecy": "normal", "signer_authority": "",
        "signer_position": "Chánh Văn phòng", "signer": province.users["leader.vp"].pk, "signed_on": today.isoformat(),
        "files": SimpleUploadedFile("thong-bao.pdf", tiny_pdf("Ket luan"), content_type="application/pdf"),
    }
    data.update(overrides)
    return data


def incoming_post(province, **overrides):
    today = timezone.localdate()
    data = {
        "agency": province.agencies["vp"].pk, "number_symbol": "32/TB-VP.UBND",
        "issued_on": today.isoformat(), "document_type": doc_type("thong-bao").pk,
        "issuer_agency": province.agencies["ubnd"].pk, "issuer_name": "",
        "subject": "Kết luận của Phó Chủ tịch Thường trực UBND tỉnh", "received_on": today.isoformat(),
        "urgency": "normal", "secrecy": "normal",
        "files": SimpleUploadedFile("32-TB.pdf", tiny_pdf("Ket luan"), content_type="application/pdf"),
    }
    data.update(overrides)
    return data


def assert_nothing_stored():
    assert Document.objects.count() == 0
    assert StoredFile.objects.count() == 0
    assert not Register.objects.filter(last_number__gt=0).exists()


def test_register_outgoing_through_the_form(clerk_client, province):
    form_page = clerk_client.get(reverse("documents:register_outgoing"))
    assert form_page.status_code == 200 and "Đăng ký văn bản đi" in form_page.content.decode()  # the title

    response = clerk_client.post(reverse("documents:register_outgoing"), outgoing_post(province))

    doc = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(doc)
    assert (doc.number_symbol, doc.direction, doc.signer_display) == (
        "01/TB-VP.UBND", "out", f"CHÁNH VĂN PHÒNG / {province.users['leader.vp'].full_name}")
    page = clerk_client.get(response["Location"])
    assert NUMBERED % {"s": "01/TB-VP.UBND"} in page.content.decode()
    assert DocumentFile.objects.get(document=doc).filename == "thong-bao.pdf"


def test_register_incoming_through_the_form(clerk_client, province):
    response = clerk_client.post(reverse("documents:register_incoming"), incoming_post(province), follow=True)

    doc = Document.objects.get()
    assert response.redirect_chain == [(detail_url(doc), 302)]
    assert REGISTERED_INCOMING % {"n": 1} in response.content.decode()
    assert (doc.direction, doc.register_number, doc.number_symbol, doc.issuer_name) == (
        "in", 1, "32/TB-VP.UBND", "Ủy ban nhân dân tỉnh Hậu Giang")


@pytest.mark.parametrize(
    "overrides, field_name, message",
    [
        ({"subject": ""}, "subject", SUBJECT_REQUIRED),
        ({"subject": "   "}, "subject", SUBJECT_REQUIRED),
        ({"issued_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat()}, "issued_on", ISSUED_IN_FUTURE),
        ({"files": SimpleUploadedFile("setup.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")},
         "files", checks.EXECUTABLE % {"name": "setup.pdf"}),
        ({"files": SimpleUploadedFile("ghi-chu.pdf", b"chi la van ban thuong", content_type="application/pdf")},
         "files", checks.NOT_ACCEPTED % {"name": "ghi-chu.pdf", "types": checks.ACCEPTED_LABELS}),
    ],
    ids=["empty-subject", "blank-subject", "future-date", "exe-renamed-pdf", "text-renamed-pdf"],
)
def test_bad_outgoing_input_is_shown_next_to_the_field_and_nothing_is_stored(
        clerk_client, province, overrides, field_name, message):
    response = clerk_client.post(reverse("documents:register_outgoing"), outgoing_post(province, **overrides))

    assert response.status_code == 422
    assert errors_next_to(response, field_name) == [str(message)]
    assert_nothing_stored()
    # What the clerk typed is still there to correct.
    if field_name != "subject":
        assert html(response).xpath("//textarea[@name='subject']")[0].text_content().strip() == \
            "Thông báo kết luận của Chủ tịch UBND tỉnh"


def test_duplicate_incoming_number_symbol_is_shown_next_to_the_field(clerk_client, province):
    clerk_client.post(reverse("documents:register_incoming"), incoming_post(province))
    before = Register.objects.get(agency=province.agencies["vp"], direction="in", is_secret=False).last_number

    response = clerk_client.post(reverse("documents:register_incoming"),
                                 incoming_post(province, number_symbol="32 / TB – VP.UBND"))

    assert response.status_code == 422
    assert errors_next_to(response, "number_symbol") == [
        ALREADY_REGISTERED % {"s": "32/TB-VP.UBND", "i": province.agencies["ubnd"].name, "n": 1}]
    assert Document.objects.count() == 1 and StoredFile.objects.count() == 1
    assert Register.objects.get(agency=province.agencies["vp"], direction="in", is_secret=False).last_number == before


def test_people_who_are_not_clerks_cannot_register(client, province):
    client.force_login(province.users["specialist.vp"])
    response = client.post(reverse("documents:register_outgoing"), outgoing_post(province), follow=True)
    assert str(NOT_A_CLERK) in response.content.decode()
    assert_nothing_stored()


def test_a_clerk_cannot_register_into_another_agency(clerk_client, province):
    response = clerk_client.post(reverse("documents:register_outgoing"),
                                 outgoing_post(province, agency=province.agencies["stttt"].pk))
    assert response.status_code == 422
    assert errors_next_to(response, "agency")
    assert_nothing_stored()


# --- History --------------------------------------------------------------------------------------

def test_document_page_shows_its_history(clerk_client, province):
    doc = out(province, files=[pdf_upload("thong-bao.pdf")])
    df = DocumentFile.objects.get(document=doc)
    clerk_client.get(reverse("documents:file", args=[doc.pk, df.pk]))

    def history(page):
        return [[td.text_content().strip() for td in tr.xpath("./td")]
                for tr in html(page).xpath("//h2[text()='Lịch sử']/following-sibling::table[1]/tbody/tr")]

    # By default the real actions only (issue 18: views and downloads buried them), with a link to show all.
    page = clerk_client.get(detail_url(doc))
    rows = history(page)
    assert [(r[1], r[2]) for r in rows] == [("Văn thư vp", "cấp số")]
    assert rows[0][3] == "Cấp số 01/TB-VP.UBND, sổ “Sổ đăng ký văn bản đi”"
    assert html(page).xpath("//p[@class='history-toggle']/a/@href") == ["?lich-su=tat-ca#lich-su"]

    rows = history(clerk_client.get(detail_url(doc) + "?lich-su=tat-ca"))
    # Newest first: this visit, the first visit, the download, the numbering; each names the clerk.
    assert [(r[1], r[2]) for r in rows] == [("Văn thư vp", "xem"), ("Văn thư vp", "xem"), ("Văn thư vp", "tải tệp"),
                                            ("Văn thư vp", "cấp số")]
    assert rows[2][3] == "thong-bao.pdf"


# --- Constant query count -------------------------------------------------------------------------

def _fill(province, count: int) -> None:
    """``count`` documents of mixed direction, type and urgency in the VP's registers."""
    have = Document.objects.filter(agency=province.agencies["vp"]).count()
    for i in range(have, count):
        if i % 3 == 2:
            incoming(province, "vp", f"{i:02d}/UBND-VX", subject=f"Công văn đến số {i}",
                     urgency="urgent" if i % 2 else "normal")
        else:
            out(province, data=doc_input("thong-bao" if i % 2 else "ke-hoach", f"Văn bản đi số {i}",
                                         urgency="urgent" if i % 4 == 1 else "normal"))


LIST_QUERY_BOUND = 10
DETAIL_QUERY_BOUND = 24


def test_the_document_page_reads_the_viewers_positions_once(clerk_client, province, django_assert_max_num_queries):
    """The view, the permission filter, the panels and the navigation all ask who the viewer is: one read."""
    doc = incoming(province, "vp", "15/UBND-VX", files=[pdf_upload("cong-van.pdf")])
    clerk_client.get(detail_url(doc))  # warm-up: session, content types
    with CaptureQueriesContext(connection) as captured:
        with django_assert_max_num_queries(DETAIL_QUERY_BOUND):
            response = clerk_client.get(detail_url(doc))
    assert response.status_code == 200
    position_reads = [q["sql"] for q in captured if '"accounts_position"."unit_id"' in q["sql"]]
    assert len(position_reads) == 1, position_reads


@pytest.mark.parametrize("filters", [
    {},
    {"direction": "out", "year": "2018", "urgency": "normal", "sender": "Văn phòng",
     "date_from": "2018-01-01", "date_to": "2018-12-31"},
    {"direction": "in", "document_type": "cong-van"},
    {"page": "2"},
], ids=["no-filter", "filters", "type", "page-2"])
def test_list_page_query_count_does_not_grow_with_the_data(clerk_client, province, django_assert_max_num_queries,
                                                          filters):
    params = dict(filters)
    if "document_type" in params:
        params["document_type"] = doc_type(params["document_type"]).pk
    counts = []
    for size in (3, 40):
        _fill(province, size)
        clerk_client.get(LIST, params)  # warm-up: session, content types, registers of the year
        with CaptureQueriesContext(connection) as captured:
            with django_assert_max_num_queries(LIST_QUERY_BOUND):
                response = clerk_client.get(LIST, params)
        assert response.status_code == 200
        counts.append(len(captured))
        rows = html(response).xpath("//table[contains(@class,'documents')]/tbody/tr")
        assert len(rows) >= 1
    assert counts[0] == counts[1], f"queries grew with the data: {counts}"


# --- The pages speak Vietnamese -------------------------------------------------------------------

@pytest.mark.parametrize("url_name, select_name, empty_label", [
    ("documents:list", "document_type", "Tất cả"),
    ("documents:register_incoming", "document_type", "– Chọn loại văn bản –"),
    ("documents:register_incoming", "issuer_agency", "– Chọn cơ quan –"),
    ("documents:register_outgoing", "document_type", "– Chọn loại văn bản –"),
])
def test_empty_choices_of_select_boxes_are_in_vietnamese(clerk_client, url_name, select_name, empty_label):
    page = clerk_client.get(reverse(url_name))
    first = html(page).xpath(f"//select[@name='{select_name}']/option[1]")[0]
    assert (first.get("value"), first.text_content()) == ("", empty_label)
    assert "Select an option" not in page.content.decode()


def test_the_signer_shows_in_the_decree_30_form(clerk_client, province):
    """Issue 18: "TM. Chủ tịch Phan Đức Sơn" → "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH / Phan Đức Sơn" (PL1 §II.7)."""
    doc = incoming(province, "vp", "15/UBND-VX", signer_authority="TM.", signer_position="Chủ tịch",
                   signer_name="Phan Đức Sơn")
    block = html(clerk_client.get(detail_url(doc))).xpath("//dd[@class='signature-block']/div/text()")
    assert block == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Phan Đức Sơn"]


@pytest.mark.parametrize("authority, position, issuer, lines", [
    ("KT.", "Phó Chủ tịch", "Ủy ban nhân dân xã Vị Thắng", ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    ("KT.", "Phó Giám đốc", "Sở Y tế tỉnh Hậu Giang", ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
    ("Q.", "Giám đốc", "Sở Y tế tỉnh Hậu Giang", ["Q. GIÁM ĐỐC"]),
    ("TL.", "Chánh Văn phòng", "Ủy ban nhân dân tỉnh Hậu Giang", ["TL.", "CHÁNH VĂN PHÒNG"]),
    ("", "Chánh Thanh tra", "Thanh tra tỉnh Hậu Giang", ["CHÁNH THANH TRA"]),
])
def test_signature_lines_for_each_authority(authority, position, issuer, lines):
    from lienthong.documents.signature import signature_lines

    assert signature_lines(authority=authority, position=position, name="Nguyễn Văn A", issuer_name=issuer) == [
        *lines, "Nguyễn Văn A"]
