"""The current month's figures follow the documents (issue 18, 7): a commune that issues a document with two valid
signatures shows a signed share at once, without "Làm mới số liệu"; the page says when its figures were computed."""

from __future__ import annotations

import pytest
from django.utils import timezone
from lxml import html as lxml_html

from lienthong.core import schedules
from lienthong.drafting import services as drafting
from lienthong.oversight.models import AgencyMonthStats
from lienthong.signing.tests import signed_pdfs as sp
from lienthong.signing.tests.test_verification_ui import trust_root, upload
from lienthong.testing.builders import doc_type, pdf_upload

pytestmark = pytest.mark.django_db
SIGNED_SHARE_COLUMN = 6  # staff, active, unused, issued, received, sent electronically, signed (0-based)


@pytest.fixture(scope="module")
def p_pki():
    return sp.test_pki()


@pytest.fixture(scope="module")
def signed(p_pki):
    return sp.two_signatures(p_pki, text="Bao cao da ky so")


def issue_today(p, signed_pdf: bytes):
    """The commune's report with its two signatures, numbered today, sealed, issued and delivered to the district."""
    u = p.users
    data = drafting.DraftInput(document_type=doc_type("bao-cao"), subject="Báo cáo tháng", signer_id=u["leader.xa"].pk,
                               signer_position="Chủ tịch", recipient_ids=[p.agencies["huyen"].pk],
                               files=[pdf_upload("du-thao.pdf", "Du thao bao cao")])
    draft = drafting.draft_create(actor=u["specialist.xa"], agency=p.agencies["xa"], data=data)
    drafting.draft_submit(actor=u["specialist.xa"], draft=draft)
    drafting.draft_check_format(actor=u["clerk.xa"], draft=draft)
    drafting.draft_approve(actor=u["leader.xa"], draft=draft)
    drafting.draft_sign(actor=u["clerk.xa"], draft=draft, uploads=[upload(signed_pdf)])
    doc = drafting.draft_number(actor=u["clerk.xa"], draft=draft, today=timezone.localdate())
    drafting.draft_seal(actor=u["clerk.xa"], draft=draft)
    drafting.draft_issue(actor=u["clerk.xa"], draft=draft)
    doc.refresh_from_db()
    return doc


def row_cells(response, agency) -> list[str]:
    tree = lxml_html.fromstring(response.content.decode())
    [row] = tree.xpath(f"//tr[@data-agency='{agency.pk}']")
    return [" ".join(td.text_content().split()) for td in row.xpath("td[@class='num']")]


def test_a_signed_document_shows_in_the_signed_share_at_once(office, client, p_pki, signed,
                                                             django_capture_on_commit_callbacks):
    trust_root(p_pki.root)
    with django_capture_on_commit_callbacks(execute=True):
        doc = issue_today(office, signed)
    doc.refresh_from_db()
    assert doc.legally_valid
    client.force_login(office.users["clerk.vp"])
    this = timezone.localdate().strftime("%Y-%m")
    page = client.get(f"/giam-sat/?month_from={this}&month_to={this}")  # no "Làm mới số liệu" pressed
    cells = row_cells(page, office.agencies["xa"])
    assert cells[3] == "1" and cells[SIGNED_SHARE_COLUMN] == "100%"
    computed = AgencyMonthStats.objects.get(agency=office.agencies["xa"], month=timezone.localdate().replace(day=1))
    stamp = timezone.localtime(computed.computed_at).strftime("%H:%M %d/%m/%Y")
    assert f"Số liệu tính đến {stamp}" in page.content.decode()


def test_the_current_month_is_recomputed_at_least_hourly():
    [job] = [j for j in schedules.jobs() if j.func == "lienthong.oversight.tasks.refresh_current_month"]
    assert job.minutes and job.minutes <= 60
