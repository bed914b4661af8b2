"""A seed-notice task in a real browser (issue 20, "Done when"): the Provincial Office's specialist records it on
the notice's page, Sở TT&TT's leader hands it on to a specialist, who reports progress and asks for an extension;
the Office's leader grants it; the specialist reports the result; UBND huyện Vị Thủy (coordinating) reads it
without any action; the Office confirms completion. Screenshots at desktop width and on a 390 px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lienthong.accounts.models import User
from lienthong.agencies.models import Agency
from lienthong.browser_tests.conftest import sign_in
from lienthong.demo.people import PASSWORD
from lienthong.documents.models import Document
from lienthong.followup.models import Task, TaskDeadlineChange

CONTENT = "Tăng cường dịch vụ công trực tuyến mức độ 3 và mức độ 4; tập huấn sử dụng cổng dịch vụ công của tỉnh"


def _shots(page, folder, name):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name} overflows a phone"
    page.screenshot(path=str(folder / f"{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def demo(live_server, transactional_db):
    from lienthong.demo.builder import load_demo

    load_demo(scale=0, fast_pdfs=True)


@pytest.mark.browser
@pytest.mark.slow_once  # loads the demo province
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_seed_notice_task_from_recording_to_confirmed_completion(live_server, demo, page, screenshot_dir):
    base = live_server.url
    notice = Document.objects.get(number_symbol="32/TB-VP.UBND", agency__abbreviation="VP.UBND")
    sttt = Agency.objects.get(abbreviation="STTTT", is_external=False)
    district = Agency.objects.get(short_name__endswith="Vị Thủy", level__code="huyen", name__startswith="Ủy ban")

    # The Office's specialist records the task on the notice's page, helped by the suggestions.
    sign_in(page, base, "chuyenvien.vpubnd", PASSWORD)
    page.goto(f"{base}/van-ban/{notice.pk}/")
    page.locator("#nhiem-vu").get_by_role("link", name="Ghi nhận nhiệm vụ").click()
    expect(page.locator(".suggestions")).to_contain_text("Giao Văn phòng UBND tỉnh rà soát")
    _shots(page, screenshot_dir, "followup-record")
    page.get_by_label("Nội dung nhiệm vụ").fill(CONTENT)
    page.get_by_label("Cơ quan chủ trì").select_option(str(sttt.pk))
    page.get_by_label("Cơ quan phối hợp").select_option(str(district.pk))
    page.get_by_label("Hạn hoàn thành").fill("30/06/2018")
    page.keyboard.press("Escape")  # close the date picker
    page.get_by_role("button", name="Ghi nhận nhiệm vụ").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận nhiệm vụ")
    task = Task.objects.get(content=CONTENT)

    # Sở TT&TT's leader finds it in the queue and hands it on to a specialist.
    sign_in(page, base, "lanhdao.stttt", PASSWORD)
    page.goto(f"{base}/nhiem-vu/")
    page.get_by_role("link", name=CONTENT[:60]).first.click()
    specialist = User.objects.get(username="chuyenvien.stttt")
    page.locator("#giao-tiep select[name=user]").select_option(str(specialist.pk))
    page.locator("#giao-tiep").get_by_role("button", name="Gửi").click()
    expect(page.locator(".messages")).to_contain_text("Đã giao tiếp nhiệm vụ")

    # The specialist reports progress and asks for an extension.
    sign_in(page, base, "chuyenvien.stttt", PASSWORD)
    page.goto(f"{base}/nhiem-vu/{task.pk}/")
    page.locator("#tien-do textarea").fill("Đã tập huấn cho 12/19 sở, ngành")
    page.locator("#tien-do").get_by_role("button", name="Gửi").click()
    page.locator("#xin-gia-han input[name='e-new_deadline']").fill("31/07/2018")
    page.keyboard.press("Escape")
    page.locator("#xin-gia-han textarea").fill("Chờ nâng cấp cổng dịch vụ công")
    page.locator("#xin-gia-han").get_by_role("button", name="Gửi").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi đề nghị gia hạn")

    # The Office's leader grants it: the deadline moves, kept with who and why.
    sign_in(page, base, "lanhdao.vpubnd", PASSWORD)
    page.goto(f"{base}/nhiem-vu/{task.pk}/")
    page.locator("#quyet-dinh-gia-han").get_by_role("button", name="Gửi").click()
    expect(page.locator("dl.fields")).to_contain_text("31/07/2018")
    assert TaskDeadlineChange.objects.get(task=task).by.username == "lanhdao.vpubnd"

    # The specialist reports the result; the coordinating district reads the task and can do nothing with it.
    sign_in(page, base, "chuyenvien.stttt", PASSWORD)
    page.goto(f"{base}/nhiem-vu/{task.pk}/")
    page.locator("#ket-qua textarea").fill("Đã tập huấn cho 19/19 sở, ngành và 8 huyện")
    page.locator("#ket-qua").get_by_role("button", name="Gửi").click()
    expect(page.locator(".messages")).to_contain_text("chờ cơ quan giao xác nhận")
    sign_in(page, base, "vanthu.vithuy", PASSWORD)
    page.goto(f"{base}/nhiem-vu/{task.pk}/")
    expect(page.locator("dl.fields")).to_contain_text(district.name)
    assert page.locator("section.action").count() == 0

    # The Office confirms completion.
    sign_in(page, base, "chuyenvien.vpubnd", PASSWORD)
    page.goto(f"{base}/nhiem-vu/?tab=cho-xac-nhan")
    page.get_by_role("link", name=CONTENT[:60]).first.click()
    page.locator("#xac-nhan").get_by_role("button", name="Xác nhận hoàn thành").click()
    expect(page.locator(".messages")).to_contain_text("Đã xác nhận hoàn thành")
    _shots(page, screenshot_dir, "followup-task")
    task.refresh_from_db()
    assert task.state == "done" and task.deadline.isoformat() == "2018-07-31"

    page.goto(f"{base}/nhiem-vu/thong-ke/")
    expect(page.locator("table.stats")).to_contain_text(sttt.name)
    _shots(page, screenshot_dir, "followup-dashboard")
