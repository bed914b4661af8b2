"""The user guide (docs/huong-dan, issue 18 §10): served at /huong-dan/, a "Hướng dẫn" link on every page that
opens the guide of the person's work at the section for that page."""

from __future__ import annotations

from urllib.parse import urlsplit

import lxml.html
import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from lienthong.accounts.services import user_create
from lienthong.testing.builders import PASSWORD
from lienthong.web import guide
from lienthong.web.navigation import ENTRIES

# URL namespaces that are not pages of the application's own layout: the API, the probes, the language switch,
# Django's administration (its own templates), the guide itself.
NOT_PAGES = ("api", "monitoring", "admin", "guide")


def page_names() -> list[str]:
    out = []

    def walk(resolver, namespace):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, ":".join(filter(None, [namespace, p.namespace])))
            elif isinstance(p, URLPattern) and p.name:
                out.append(":".join(filter(None, [namespace, p.name])))

    walk(get_resolver(), "")
    return [n for n in out if n.split(":", 1)[0] not in NOT_PAGES and n != "set_language"]


def all_anchors() -> set[str]:
    return {a for slug in guide.ROLE_GUIDES_IN_INDEX for a in guide.guide(slug).anchors}


def test_every_page_has_its_section_in_a_guide():
    names = page_names()
    assert len(names) > 100
    missing = {n: guide.anchor_for(n) for n in names if guide.anchor_for(n) not in all_anchors()}
    assert missing == {}


def test_every_role_has_a_guide_with_its_home_page():
    for role, slug in guide.ROLE_GUIDES.items():
        found = guide.guide(slug)
        assert found is not None and "trang-chu" in found.anchors, role
    # Each menu entry's page is explained in the guide of every role that has the entry.
    for entry in ENTRIES:
        anchor = guide.anchor_for(entry.url_name)
        for target in entry.targets:
            slugs = guide.role_guides({target.role})
            assert any(anchor in guide.guide(s).anchors for s in slugs), (entry.key, target.role, anchor)


def test_the_guide_is_rendered_escaped_with_its_links_and_pictures():
    title, html, anchors = guide.render(
        "# Tiêu đề {#dau}\n\nChữ **đậm** và `mã` <script>alert(1)</script>.\n\n"
        "- xem [lãnh đạo](lanh-dao.md#du-thao)\n- dòng hai\n  tiếp theo\n\n![Hình](anh/lanh-dao-trang-chu.png)\n"
        "![Không hợp lệ](../../settings.py)\n[ngoài](javascript:alert(1))\n")

    assert title == "Tiêu đề" and anchors == {"dau"}
    tree = lxml.html.fromstring(f"<div>{html}</div>")
    assert not tree.xpath("//script") and "<script>" in tree.text_content()
    assert tree.xpath("//strong/text()") == ["đậm"] and tree.xpath("//code/text()") == ["mã"]
    assert [a.get("href") for a in tree.xpath("//a")] == ["/huong-dan/lanh-dao/#du-thao", "#"]
    assert tree.xpath("//li/text()")[-1] == "dòng hai tiếp theo"
    assert [img.get("src") for img in tree.xpath("//img")] == ["/huong-dan/anh/lanh-dao-trang-chu.png"]


@pytest.mark.django_db
def test_the_guide_pages_and_pictures_are_served(client):
    index = lxml.html.fromstring(client.get("/huong-dan/").content.decode())
    links = [a.get("href") for a in index.xpath("//article//a")]
    assert "/huong-dan/lanh-dao/" in links and "/huong-dan/van-thu/" in links
    for slug in guide.ROLE_GUIDES_IN_INDEX:
        page = lxml.html.fromstring(client.get(f"/huong-dan/{slug}/").content.decode())
        for src in page.xpath("//article//img/@src"):
            picture = client.get(src)
            assert picture.status_code == 200 and picture["Content-Type"] == "image/png", src
            assert len(b"".join(picture.streaming_content)) < 150_000, src  # small pictures
    assert client.get("/huong-dan/khong-co/").status_code == 404
    assert client.get("/huong-dan/anh/..%2F..%2Fmanage.py").status_code == 404
    assert client.get("/huong-dan/anh/khong-co.png").status_code == 404


def guide_link(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    links = lxml.html.fromstring(response.content.decode()).xpath("//header//a[contains(@class, 'guide-link')]")
    assert len(links) == 1, url
    return links[0].get("href")


def opens_a_section(client, href: str) -> str:
    """The guide page answers and holds the anchor the link names; the guide's slug#anchor."""
    parts = urlsplit(href)
    page = client.get(parts.path)
    assert page.status_code == 200, href
    if parts.fragment:
        assert lxml.html.fromstring(page.content.decode()).xpath(f"//*[@id='{parts.fragment}']"), href
    return parts.path.strip("/").split("/")[-1] + (f"#{parts.fragment}" if parts.fragment else "")


@pytest.mark.django_db
def test_every_page_links_to_its_section_of_the_persons_guide(client, province):
    admin = user_create(username="quantri", password=PASSWORD, full_name="Quản trị", is_system_admin=True)
    expected = {
        ("clerk.huyen", "/"): "van-thu#trang-chu",
        ("clerk.huyen", "/lien-thong/den/"): "van-thu#tiep-nhan",
        ("clerk.huyen", "/van-ban/dang-ky-den/"): "van-thu#dang-ky-van-ban-den",
        ("clerk.huyen", "/so-van-ban/"): "van-thu#so-van-ban",
        ("leader.huyen", "/"): "lanh-dao#trang-chu",
        ("leader.huyen", "/du-thao/"): "lanh-dao#du-thao",
        ("leader.huyen", "/xu-ly/hang-doi/to_assign/"): "lanh-dao#xu-ly",
        ("leader.huyen", "/thong-bao/"): "chung#thong-bao",
        ("specialist.huyen.noivu", "/xu-ly/hang-doi/to_process/"): "chuyen-vien#xu-ly",
        ("specialist.huyen.noivu", "/ky-so/ca-nhan/"): "chung#chu-ky-so",
        ("quantri", "/"): "quan-tri#trang-chu",
        ("quantri", "/tai-khoan/khoa-dang-nhap/"): "quan-tri#khoa-dang-nhap",
    }
    users = {**province.users, "quantri": admin}
    for (username, url), section in expected.items():
        client.force_login(users[username])
        assert opens_a_section(client, guide_link(client, url)) == section, (username, url)

    # Every page of each person's menu, and the pages everyone has, link to a section that exists.
    from django.test import RequestFactory

    from lienthong.web.navigation import build

    for username in ("clerk.huyen", "leader.huyen", "specialist.huyen.noivu", "quantri"):
        client.force_login(users[username])
        request = RequestFactory().get("/")
        request.user, request.session = users[username], {}
        urls = [item.url for item in build(request).items if not item.url.startswith("/quan-tri/")]
        for url in [*urls, "/thong-bao/", "/tai-khoan/phien/", "/ky-so/ca-nhan/", "/huong-dan/"]:
            opens_a_section(client, guide_link(client, url))

    client.logout()
    assert opens_a_section(client, guide_link(client, "/tai-khoan/dang-nhap/")) == "chung#dang-nhap"
