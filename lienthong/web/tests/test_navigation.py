"""Every role sees the menu and the home page of its own work, with the counts of what waits (issue 18 §1);
a person with several positions switches between them."""

from __future__ import annotations

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lienthong.accounts.models import Position, Role
from lienthong.accounts.services import user_create
from lienthong.accounts.views import POSITION_NOT_HELD
from lienthong.assessment.models import AssessmentAuthority, AuthorityKind
from lienthong.drafting import services as drafting
from lienthong.testing.builders import PASSWORD, doc_type, pdf_upload

pytestmark = pytest.mark.django_db

MINE, MONTHLY = "Góp ý của tôi", "Báo lỗi: báo cáo tháng"  # problem reports (issue 20): everyone's, overseers'
CLERK_MENU = ["Tiếp nhận", "Xử lý", "Dự thảo", "Văn bản đến", "Văn bản đi", "Văn bản đã gửi", "Sổ văn bản", "Hồ sơ",
              "Nhiệm vụ", "Báo cáo", "Danh mục cơ quan", MINE]
LEADER_MENU = ["Xử lý", "Dự thảo", "Văn bản đến", "Văn bản đi", "Văn bản đã gửi", "Hồ sơ", "Nhiệm vụ", "Xếp hạng CNTT",
               "Dịch vụ công", "Báo cáo", MINE]
SPECIALIST_MENU = ["Xử lý", "Dự thảo", "Văn bản đến", "Văn bản đi", "Hồ sơ", "Nhiệm vụ", MINE]
ADMIN_MENU = ["Nhiệm vụ", "Giám sát sử dụng", "Xếp hạng CNTT", "Dịch vụ công", "Báo cáo", "Danh mục cơ quan",
              "Khóa đăng nhập", "Quản trị hệ thống", MONTHLY, MINE]
REGISTER_BUTTONS = ["Đăng ký văn bản đến", "Đăng ký văn bản đi"]


def tree(client, url="/"):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.content.decode())


def menu(page) -> list[str]:
    return [a.xpath("normalize-space(text()[1])") for a in page.xpath("//nav[contains(@class, 'mainnav')]/a")]


SHOWN = "span[@class='nav-count' and not(@hidden)]"


def counters(page) -> dict[str, str]:
    """The counts shown on the menu: in the home page, or fetched by the other pages (``/dem-viec/``)."""
    return {a.xpath("normalize-space(text()[1])"): a.xpath(f"normalize-space({SHOWN})")
            for a in page.xpath("//nav[contains(@class, 'mainnav')]/a") if a.xpath(SHOWN)}


def fetched_counters(client) -> dict[str, str]:
    """The out-of-band swaps the other pages fetch once loaded: entry key → count shown."""
    response = client.get("/dem-viec/")
    assert response.status_code == 200
    spans = lxml.html.fromstring(f"<div>{response.content.decode()}</div>").xpath("//span")
    assert all(s.get("hx-swap-oob") == "true" for s in spans)
    return {s.get("id").removeprefix("nav-count-"): s.text for s in spans if s.get("hidden") is None}


def buttons(page) -> list[str]:
    return [a.text_content().strip() for a in page.xpath("//main//a[contains(@class, 'button')]")]


def as_user(client, user):
    client.force_login(user)
    return client


def draft_waiting_for_the_chairman(province, subject="Tờ trình xin chủ trương"):
    """A district draft past the văn thư's format check: the chairman's to approve."""
    u, a = province.users, province.agencies
    data = drafting.DraftInput(document_type=doc_type("to-trinh"), subject=subject, signer_id=u["leader.huyen"].pk,
                               signer_position="Chủ tịch", recipient_ids=[a["ubnd"].pk],
                               files=[pdf_upload("du-thao.pdf", "Du thao")])
    draft = drafting.draft_create(actor=u["specialist.huyen"], agency=a["huyen"], data=data)
    drafting.draft_submit(actor=u["specialist.huyen"], draft=draft)
    drafting.draft_check_format(actor=u["clerk.huyen"], draft=draft)
    return draft


def test_each_role_sees_the_menu_of_its_own_work(client, province):
    assert menu(tree(as_user(client, province.users["clerk.huyen"]))) == CLERK_MENU
    assert menu(tree(as_user(client, province.users["leader.huyen"]))) == LEADER_MENU
    assert menu(tree(as_user(client, province.users["specialist.huyen"]))) == SPECIALIST_MENU
    admin = user_create(username="quantri", password=PASSWORD, full_name="Quản trị", is_system_admin=True)
    assert menu(tree(as_user(client, admin))) == ADMIN_MENU


def test_the_provincial_office_and_the_council_see_oversight_and_the_ranking(client, province):
    AssessmentAuthority.objects.create(agency=province.agencies["vp"], kind=AuthorityKind.OFFICE)
    AssessmentAuthority.objects.create(agency=province.agencies["stttt"], kind=AuthorityKind.COUNCIL)

    office = menu(tree(as_user(client, province.users["specialist.vp"])))
    council = menu(tree(as_user(client, province.users["leader.stttt"])))

    assert office == [*SPECIALIST_MENU[:-1], "Giám sát sử dụng", "Xếp hạng CNTT", "Dịch vụ công", "Báo cáo", MONTHLY,
                      MINE]
    assert council == [*LEADER_MENU[:7], "Giám sát sử dụng", "Xếp hạng CNTT", "Dịch vụ công", "Báo cáo", MONTHLY, MINE]
    # A commune leader does not oversee the province.
    assert "Giám sát sử dụng" not in menu(tree(as_user(client, province.users["leader.xa"])))


def test_the_menu_counts_what_waits_for_each_role(client, province):
    draft_waiting_for_the_chairman(province)

    assert counters(tree(as_user(client, province.users["leader.huyen"]))) == {"Dự thảo": "1"}
    assert counters(tree(as_user(client, province.users["clerk.huyen"]))) == {}
    # The commune's draft waits for its văn thư's format check.
    u, a = province.users, province.agencies
    data = drafting.DraftInput(document_type=doc_type("bao-cao"), subject="Báo cáo", signer_id=u["leader.xa"].pk,
                               signer_position="Chủ tịch", recipient_ids=[a["huyen"].pk],
                               files=[pdf_upload("du-thao.pdf", "Bao cao")])
    drafting.draft_submit(actor=u["specialist.xa"],
                          draft=drafting.draft_create(actor=u["specialist.xa"], agency=a["xa"], data=data))
    clerk = tree(as_user(client, u["clerk.xa"]))
    assert counters(clerk) == {"Dự thảo": "1"}
    assert clerk.xpath(f"normalize-space(//button[contains(@class, 'navtoggle')]/{SHOWN})") == "1"
    # Every other page shows the menu at once and fetches its counts once loaded.
    documents = tree(client, "/van-ban/")
    assert counters(documents) == {}
    assert documents.xpath("//nav[contains(@class, 'mainnav')]/@hx-get") == ["/dem-viec/"]
    assert fetched_counters(client) == {"drafts": "1", "total": "1"}
    assert fetched_counters(as_user(client, u["leader.huyen"])) == {"drafts": "1", "total": "1"}


def test_the_menu_and_home_read_a_fixed_number_of_queries(client, province):
    """Counted in SQL, each queue once per request: more waiting drafts, no more queries."""
    draft_waiting_for_the_chairman(province)
    as_user(client, province.users["leader.huyen"])
    for url in ("/", "/dem-viec/", "/van-ban/", "/du-thao/"):
        client.get(url)  # warm the caches of the first request (sessions, calendar)
        with CaptureQueriesContext(connection) as one:
            assert client.get(url).status_code == 200
        for n in range(3):
            draft_waiting_for_the_chairman(province, subject=f"Tờ trình {url} số {n}")
        with CaptureQueriesContext(connection) as four:
            client.get(url)
        assert len(four) == len(one), (url, len(one), len(four))
    assert counters(tree(client))["Dự thảo"] == "13"


def test_the_menu_adds_one_query_to_a_page(client, province):
    """The positions with their agencies' ranking parts: one query; the counts come in their own request."""
    as_user(client, province.users["leader.huyen"])
    client.get("/du-thao/")
    with CaptureQueriesContext(connection) as with_menu:
        client.get("/du-thao/")
    with CaptureQueriesContext(connection) as counts:
        client.get("/dem-viec/")
    assert any("assessment_assessmentauthority" in q["sql"] for q in with_menu.captured_queries)
    assert len(counts) <= 12, [q["sql"] for q in counts.captured_queries]


def test_only_the_clerk_is_offered_registration(client, province):
    assert buttons(tree(as_user(client, province.users["clerk.huyen"])))[:2] == REGISTER_BUTTONS
    for username in ("leader.huyen", "specialist.huyen", "leader.huyen.noivu"):
        home = buttons(tree(as_user(client, province.users[username])))
        assert not set(REGISTER_BUTTONS) & set(home), (username, home)


def test_the_system_administrators_home_leads_to_administration(client, province):
    admin = user_create(username="quantri", password=PASSWORD, full_name="Quản trị", is_system_admin=True)
    home = tree(as_user(client, admin))
    links = {a.xpath("normalize-space(b)"): a.get("href")
             for a in home.xpath("//section[contains(@class, 'admin-home')]//a")}

    assert links["Trang quản trị"] == "/quan-tri/"
    assert links["Khóa đăng nhập"] == "/tai-khoan/khoa-dang-nhap/"
    assert "Bạn chưa được giao vị trí công tác nào" not in home.text_content()
    assert not home.xpath("//section[contains(@class, 'work')]")
    assert tree(client, "/quan-tri/").xpath("//title")  # the link opens


def test_a_person_with_several_positions_switches_between_them(client, province):
    person = province.users["clerk.xa"]
    Position.objects.create(user=person, agency=province.agencies["huyen"], role=Role.SPECIALIST,
                            unit=province.units["noivu"])
    as_user(client, person)
    home = tree(client)
    options = home.xpath("//form[contains(@class, 'position-switch')]//option")
    assert [o.text_content() for o in options][1:] == ["Chuyên viên – UBND huyện Vị Thủy", "Văn thư – UBND xã Vị Thắng"]
    assert menu(home) == CLERK_MENU  # both positions' work: the clerk's menu covers the specialist's
    assert buttons(home)[:2] == REGISTER_BUTTONS
    specialist = next(o.get("value") for o in options if o.text_content().startswith("Chuyên viên"))

    response = client.post("/tai-khoan/vi-tri/", {"position": specialist})
    assert response.status_code == 302 and response["Location"] == "/"
    home = tree(client)
    assert menu(home) == SPECIALIST_MENU
    assert not set(REGISTER_BUTTONS) & set(buttons(home))
    assert "Đang làm việc với vai trò Chuyên viên tại Ủy ban nhân dân huyện Vị Thủy." in home.text_content()
    assert home.xpath("//option[@selected]")[0].get("value") == specialist
    # Still allowed what the other position allows: the choice only shapes the menu and the home page.
    assert client.get("/van-ban/dang-ky-den/").status_code == 200

    # A position the person does not hold is refused with a message, and nothing changes.
    other = Position.objects.get(user=province.users["leader.huyen"]).pk
    client.post("/tai-khoan/vi-tri/", {"position": other})
    home = tree(client)
    assert str(POSITION_NOT_HELD) in home.text_content() and menu(home) == SPECIALIST_MENU

    client.post("/tai-khoan/vi-tri/", {"position": ""})
    assert menu(tree(client)) == CLERK_MENU


def test_one_position_shows_no_switcher(client, province):
    home = tree(as_user(client, province.users["leader.huyen"]))
    assert not home.xpath("//form[contains(@class, 'position-switch')]")
    assert "Làm việc ở vị trí này" not in home.text_content()


def test_the_archivists_menu_and_home_lead_to_the_archive(client, province):
    archivist = user_create(username="luutru.huyen", password=PASSWORD, full_name="Lưu trữ huyện",
                            positions=[(province.agencies["huyen"], Role.ARCHIVIST, "Lưu trữ viên")])
    home = tree(as_user(client, archivist))
    links = {a.xpath("normalize-space(b)"): a.get("href")
             for a in home.xpath("//section[contains(@class, 'archive-home')]//a")}

    assert menu(home) == ["Hồ sơ", MINE]
    assert links["Nộp lưu"] == "/ho-so/nop-luu/" and links["Hồ sơ đang bảo quản"] == "/ho-so/luu-tru/"
    assert "Bạn chưa được giao vị trí công tác nào" not in home.text_content()
    assert not home.xpath("//a[normalize-space()='Đăng ký văn bản đến']")
    guide_link = home.xpath("//a[contains(@class, 'guide-link')]/@href")[0]
    assert guide_link.startswith("/huong-dan/luu-tru/")
    for url in links.values():
        assert client.get(url).status_code == 200, url
