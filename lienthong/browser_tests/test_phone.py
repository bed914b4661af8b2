"""Every page a leader and a specialist use, on a phone (390 × 844), in the demo province (issue 18).

The demo is loaded (its documents are in motion: every work queue has something), then each person signs in on
a phone-sized browser and walks every page their menu leads to, and from each list the first page of every
kind it links to (a document, a draft, an assignment, a campaign, an agency's figures …). No page may be wider
than the screen (``scrollWidth > clientWidth`` is horizontal scrolling); the menu is collapsed behind its
button and, opened, shows "Đăng xuất" inside the screen with touch-sized entries.

The same walk takes the user guide's pictures: ``make guide-images`` sets ``LIENTHONG_GUIDE_IMAGES`` to
docs/huong-dan/anh and they are written there, small (palette PNG); otherwise they go to var/screenshots.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import Error as PlaywrightError

from lienthong.browser_tests.conftest import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "demo1234"  # lienthong.demo.people.PASSWORD
# The district chairman (assigns, follows up), the director of Sở TT&TT (approves and signs a plan, oversees and
# ranks: the council), a department head (content check, hands work on) and a specialist given work.
LEADERS = ["lanhdao.vithuy", "lanhdao.stttt", "truongphong.nv.vithuy"]
SPECIALISTS = ["chuyenvien.nv.vithuy"]
# Links not followed: files, exports, PDFs, actions by GET, other sites, the administration.
SKIP = re.compile(r"(\.(pdf|xlsx|csv|png|json|xml|docx|zip)(\?|$))|/tep/|/tai-ve/|inline=1|/quan-tri/|/i18n/|"
                  r"/dang-xuat/|/api/|/xuat|/mau|/static/|/media/|/anh/|/huong-dan/anh/|/bieu-do|/in/|/phieu|"
                  r"/da-doc|/sach/|/muc-luc|format=")
MAX_PAGES = 70
GUIDE_IMAGES = Path(os.environ.get("LIENTHONG_GUIDE_IMAGES") or SCREENSHOTS / "huong-dan")


def kind_of(url: str) -> str:
    """Pages of one kind share a path once the numbers are taken out (one document page stands for all)."""
    parts = urlsplit(url)
    query = "&".join(sorted(p for p in parts.query.split("&") if p.split("=")[0] in ("tab", "queue", "direction")))
    return re.sub(r"\d+", "N", parts.path) + ("?" + query if query else "")


OVERFLOW_JS = """() => {
  const root = document.documentElement, width = root.clientWidth;
  if (root.scrollWidth <= width) return null;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && r.width > 0) {
      const name = typeof el.className === 'string' ? el.className.trim() : '';
      const cls = name ? '.' + name.split(/\\s+/).join('.') : '';
      wide.push(el.tagName.toLowerCase() + cls + ' ' + Math.round(r.right));
    }
    if (wide.length > 6) break;
  }
  return {scrollWidth: root.scrollWidth, clientWidth: width, wide};
}"""


def save_small(page: Page, path: Path, *, full_page: bool = False, width: int | None = None) -> None:
    """A screenshot as a palette PNG (a quarter of the bytes of Chromium's), scaled to ``width`` if given."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    with Image.open(path) as shot:
        image = shot.convert("RGB")
    if width and image.width > width:
        image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


@pytest.fixture
def demo_browser(live_server, transactional_db):
    """The demo province in the live server's database, then Chromium (after the database is ready)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make system-packages` (apt install chromium)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    from lienthong.demo.builder import load_demo

    load_demo(scale=0, fast_pdfs=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
            connections.close_all()


def sign_in(browser: Browser, base_url: str, username: str, viewport=PHONE) -> Page:
    context = browser.new_context(viewport=viewport, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
    context.set_default_timeout(15_000)
    context.route(re.compile(r"\?inline=1$"), lambda route: route.fulfill(content_type="text/plain", body="PDF"))
    page = context.new_page()
    page.goto(base_url + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_contain_text("Xin chào")
    return page


def walk(page: Page, base_url: str, username: str) -> tuple[list[str], list[str]]:
    """Visit the person's pages (menu first, then one of each kind linked from them): (visited, problems)."""
    start = [base_url + "/"] + [urljoin(base_url, h) for h in page.locator("nav.mainnav a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")]
    start += [base_url + p for p in ("/van-ban/?q=bao+cao", "/thong-bao/", "/tai-khoan/phien/", "/ky-so/ca-nhan/",
                                     "/huong-dan/", "/du-thao/?tab=mine")]
    queue, seen_kinds, visited, problems = list(start), set(), [], []
    while queue and len(visited) < MAX_PAGES:
        url = queue.pop(0)
        kind = kind_of(url)
        if kind in seen_kinds or SKIP.search(url) or not url.startswith(base_url):
            continue
        seen_kinds.add(kind)
        try:
            response = page.goto(url)
        except PlaywrightError as exc:  # a link that downloads a file (metadata, exports) is not a page
            if "Download is starting" in str(exc):
                continue
            raise
        if response is None or response.status >= 400 or not response.headers.get("content-type", "").startswith(
                "text/html"):
            continue
        visited.append(url)
        if page.locator("header a.guide-link").count() != 1:
            problems.append(f"{username} {url}: no Hướng dẫn link")
        overflow = page.evaluate(OVERFLOW_JS)
        if overflow:
            problems.append(f"{username} {url}: {overflow}")
            save_small(page, SCREENSHOTS / "phone" / f"overflow-{username}-{len(visited)}.png", full_page=True)
        if len(visited) <= 12 or overflow:
            save_small(page, SCREENSHOTS / "phone" / f"{username}-{len(visited):02d}.png", full_page=True)
        hrefs = page.locator("main a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        queue += [urljoin(url, h).split("#")[0] for h in hrefs if h and not h.startswith("#")]
    return visited, problems


def check_menu(page: Page, base_url: str) -> None:
    """On a phone the menu is collapsed behind its button; opened, every entry is touch-sized and
    "Đăng xuất" is inside the screen."""
    page.goto(base_url + "/")
    toggle = page.locator("button.navtoggle")
    expect(toggle).to_be_visible()
    expect(page.locator("nav.mainnav")).to_be_hidden()
    header = page.locator("header.topbar").bounding_box()
    assert header and header["height"] < 120, header
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("nav.mainnav")).to_be_visible()
    for box in page.locator("nav.mainnav a").evaluate_all(
            "links => links.map(a => a.getBoundingClientRect().toJSON())"):
        assert box["height"] >= 44 and box["right"] <= PHONE["width"], box
    logout = page.get_by_role("button", name="Đăng xuất").bounding_box()
    assert logout and logout["x"] >= 0 and logout["x"] + logout["width"] <= PHONE["width"], logout
    assert logout["height"] >= 44, logout


@pytest.mark.browser
@pytest.mark.layout
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_leaders_and_specialists_pages_fit_a_phone_and_the_guide_shows_each_role(live_server, demo_browser):
    """One load of the demo for both: the guide's pictures first, then the walk on a phone."""
    take_the_guide_pictures(live_server.url, demo_browser)
    base = live_server.url
    problems, walked = [], {}
    for username in LEADERS + SPECIALISTS:
        page = sign_in(demo_browser, base, username)
        check_menu(page, base)
        visited, found = walk(page, base, username)
        walked[username] = visited
        problems += found
        page.context.close()
    print("\n".join(f"{u}: {len(v)} pages" for u, v in walked.items()))
    # Each walk reached the work of its role, not just the menu.
    kinds = {u: {kind_of(v) for v in visited} for u, visited in walked.items()}
    assert problems == []
    for username in LEADERS + SPECIALISTS:
        assert "/van-ban/N/" in kinds[username], (username, sorted(kinds[username]))
    assert {"/du-thao/N/", "/giam-sat/", "/giam-sat/co-quan/N/", "/xep-hang/N/", "/xep-hang/N/ket-qua/"} <= kinds[
        "lanhdao.stttt"], sorted(kinds["lanhdao.stttt"])


def take_the_guide_pictures(base: str, demo_browser: Browser) -> None:
    """The pictures of docs/huong-dan (a few per role) and what they show: each role's own menu and home."""
    out = GUIDE_IMAGES

    clerk = sign_in(demo_browser, base, "vanthu.vithuy", DESKTOP)
    expect(clerk.get_by_role("link", name="Đăng ký văn bản đến")).to_be_visible()
    save_small(clerk, out / "van-thu-trang-chu.png", width=960)
    clerk.get_by_role("link", name="Đăng ký văn bản đến").click()
    save_small(clerk, out / "van-thu-dang-ky-den.png", width=960)
    clerk.context.close()

    leader = sign_in(demo_browser, base, "lanhdao.stttt", DESKTOP)  # a plan waits for the director's approval
    expect(leader.get_by_role("link", name="Đăng ký văn bản đến")).to_have_count(0)
    expect(leader.locator("nav.mainnav a[data-nav=drafts] .nav-count")).to_have_text("1")
    save_small(leader, out / "lanh-dao-trang-chu.png", width=960)
    leader.context.close()

    phone = sign_in(demo_browser, base, "lanhdao.vithuy")
    phone.locator("button.navtoggle").click()
    save_small(phone, out / "chung-trinh-don-dien-thoai.png")
    phone.goto(base + "/xu-ly/hang-doi/overdue/")
    phone.locator("main table a[href*='/van-ban/']").first.click()
    expect(phone.locator("#xu-ly")).to_be_visible()
    phone.evaluate("window.scrollTo(0, 0)")
    save_small(phone, out / "lanh-dao-van-ban.png")
    phone.locator("#xu-ly summary").filter(has_text="Phân công").first.click()
    phone.evaluate("document.getElementById('xu-ly').scrollIntoView()")
    save_small(phone, out / "lanh-dao-phan-cong.png")
    phone.context.close()

    signer = sign_in(demo_browser, base, "lanhdao.stttt")
    signer.goto(base + "/du-thao/")
    # Pages other than the home page fetch the menu's counters once loaded.
    # The plan to sign (the seed notice's task Sở TT&TT leads is reported: it waits for the Office, not for him).
    expect(signer.locator("button.navtoggle #nav-count-total")).to_have_text("1")
    save_small(signer, out / "lanh-dao-du-thao.png")
    signer.goto(base + "/giam-sat/")
    signer.context.close()

    for username, shots in (("chuyenvien.nv.vithuy", [("/", "chuyen-vien-trang-chu.png"),
                                                      ("/xu-ly/hang-doi/to_process/", "chuyen-vien-xu-ly.png"),
                                                      ("/du-thao/?tab=mine", "chuyen-vien-du-thao.png")]),
                            ("vanthu.vpubnd", [("/giam-sat/", "giam-sat.png"), ("/xep-hang/", "xep-hang.png")])):
        page = sign_in(demo_browser, base, username, PHONE if username.startswith("chuyenvien") else DESKTOP)
        for path, name in shots:
            page.goto(base + path)
            save_small(page, out / name, width=960)
        page.context.close()

    admin = sign_in(demo_browser, base, "quantri", DESKTOP)
    expect(admin.get_by_role("link", name=re.compile("Trang quản trị"))).to_be_visible()
    expect(admin.locator("main")).not_to_contain_text("Bạn chưa được giao vị trí công tác nào")
    save_small(admin, out / "quan-tri-trang-chu.png", width=960)
    admin.context.close()
