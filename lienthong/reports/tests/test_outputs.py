"""The province report files, read back: DOCX (python-docx), XLSX (openpyxl, native charts), PDF (text)."""

from __future__ import annotations

import io
import subprocess

import pytest

from lienthong.assessment import services as assessment
from lienthong.assessment.models import CampaignState, SelfAssessment
from lienthong.core.errors import DomainError, ValidationFailed
from lienthong.core.tests.test_i18n import compiled_messages  # noqa: F401  (fixture: the .mo files exist)
from lienthong.reports.services import province_report_bytes

from .conftest import EXCLUDED, GOOD, SEPARATE


def _docx(data: bytes):
    import docx

    return docx.Document(io.BytesIO(data))


def test_docx_has_the_decree_30_layout_headings_tables_and_charts(published):
    p, council, campaign = published
    doc = _docx(province_report_bytes(campaign=campaign, fmt="docx"))
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert round(section.left_margin.cm, 1) == 3.0
    assert doc.styles["Normal"].font.name == "Times New Roman"
    texts = [p.text for p in doc.paragraphs]
    heading_cells = [c.text for c in doc.tables[0].rows[0].cells]
    assert "UBND TỈNH HẬU GIANG" in heading_cells[0] and "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in heading_cells[0]
    assert "Số:" in heading_cells[0] and "/BC-STTTT" in heading_cells[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in heading_cells[1]
    assert "Độc lập - Tự do - Hạnh phúc" in heading_cells[1]
    assert "BÁO CÁO" in texts
    assert "Kết quả đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin năm 2017" in texts
    for title in ("I. TỔNG QUAN", "II. PHƯƠNG PHÁP VÀ BỘ TIÊU CHÍ ĐÁNH GIÁ", "III. KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG",
                  "IV. ĐƠN VỊ XẾP HẠNG RIÊNG", "V. ĐƠN VỊ KHÔNG XẾP HẠNG", "VI. NHỮNG MẶT CÒN HẠN CHẾ VÀ KHUYẾN NGHỊ"):
        assert title in texts, title
    assert any("Quyết định số 321/QĐ-UBND ngày 20/3/2018" in t for t in texts)
    assert any(SEPARATE in t for t in texts) and any(EXCLUDED in t for t in texts)
    # a results table per group: header row, then units in rank order with their class
    tables = {t.rows[0].cells[1].text: t for t in doc.tables[1:] if len(t.rows[0].cells) > 2}
    so_nganh = next(t for t in doc.tables if t.rows[0].cells[0].text == "Hạng"
                    and "Văn phòng Ủy ban nhân dân tỉnh Hậu Giang" in t.rows[1].cells[1].text)
    header = [c.text for c in so_nganh.rows[0].cells]
    assert header[:2] == ["Hạng", "Đơn vị"] and header[2:8] == list("ABCDEF")
    assert header[-3:] == ["Tổng điểm", "Chỉ số", "Xếp loại"]
    assert [r.cells[0].text for r in so_nganh.rows[1:]] == ["1", "2"]
    assert so_nganh.rows[2].cells[1].text == "Sở Thông tin và Truyền thông tỉnh Hậu Giang"
    recs = next(t for t in doc.tables if t.rows[0].cells[0].text == "Đơn vị"
                and t.rows[0].cells[-1].text == "Nội dung cần khắc phục")
    assert recs.rows[1].cells[0].text == "Sở Thông tin và Truyền thông tỉnh Hậu Giang"
    weak = recs.rows[1].cells[1].text  # the weak groups in the criteria set's order ("A …, B …, E …, F …")
    assert "F (3 %)" in weak and weak.split(", ") == sorted(weak.split(", "))
    assert "Cán bộ chuyên trách CNTT" in recs.rows[1].cells[2].text
    assert any("Bố trí cán bộ chuyên trách CNTT" in t for t in texts)  # the full recommendation, section VI
    assert tables  # criteria table and the others exist
    assert len(doc.inline_shapes) == 2  # two charts (no last year: no change chart)
    # the methodology names each relative criterion and what it gives when nobody differs (issue 18)
    from lienthong.assessment.criteria import relative_rules_text

    relative = relative_rules_text(campaign.criteria_set.criteria_set())
    assert relative and all(line in texts for line in relative)
    assert any(t.startswith("Nơi nhận") for row in doc.tables[-1].rows for t in [row.cells[0].text])


def test_xlsx_has_every_group_sheet_with_native_charts(published):
    from openpyxl import load_workbook

    p, council, campaign = published
    wb = load_workbook(io.BytesIO(province_report_bytes(campaign=campaign, fmt="xlsx")))
    assert wb.sheetnames == ["Tổng hợp", "Sở, ban, ngành tỉnh", "UBND huyện, thị xã, thành phố", "Cơ quan ngành dọc",
                             "Điểm theo tiêu chí", "Không xếp hạng", "Khuyến nghị"]
    so = wb["Sở, ban, ngành tỉnh"]
    assert so["A4"].value == "Hạng"
    assert so["B5"].value == "Văn phòng Ủy ban nhân dân tỉnh Hậu Giang" and so["A5"].value == 1
    assert so["B6"].value == "Sở Thông tin và Truyền thông tỉnh Hậu Giang" and so["A6"].value == 2
    for name in ("Tổng hợp", "Sở, ban, ngành tỉnh", "UBND huyện, thị xã, thành phố", "Cơ quan ngành dọc"):
        assert len(wb[name]._charts) == 1, name  # openpyxl reads native chart objects back
    excluded = [[c.value for c in row] for row in wb["Không xếp hạng"].iter_rows(min_row=5)]
    assert ["Ủy ban nhân dân xã Vị Thắng", "ubnd_huyen", "Không xếp hạng", EXCLUDED] == excluded[0][:4]
    assert any(SEPARATE in (r[3] or "") for r in excluded)
    recs = [[c.value for c in row] for row in wb["Khuyến nghị"].iter_rows(min_row=5)]
    assert any(r[0] == "Sở Thông tin và Truyền thông tỉnh Hậu Giang" and r[1] == "F" for r in recs)


def test_pdf_has_the_vietnamese_text(published, tmp_path):
    p, council, campaign = published
    pdf = province_report_bytes(campaign=campaign, fmt="pdf")
    assert pdf[:5] == b"%PDF-"
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True,
                                   text=True).stdout.split())  # lines wrapped in table cells joined again
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BÁO CÁO", "KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG",
                  "Ủy ban nhân dân huyện Vị Thủy", "Bố trí cán bộ chuyên trách CNTT", "Nơi nhận:"):
        assert words in text, words
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    assert "Liberation-Serif" in fonts and "DejaVu" not in fonts  # no fallback font for Vietnamese


def test_year_on_year_change_in_the_report(published):
    p, council, campaign = published
    a, u = p.agencies, p.users
    nxt = assessment.campaign_create(actor=council, year=2018, criteria_set=campaign.criteria_set,
                                     units=[assessment.UnitInput(a["vp"].pk, "so_nganh"),
                                            assessment.UnitInput(a["stttt"].pk, "so_nganh")])
    import datetime as dt

    nxt = assessment.campaign_publish(actor=council, campaign=nxt, today=dt.date(2019, 3, 1))
    for key in ("vp", "stttt"):
        sa = SelfAssessment.objects.get(campaign_unit__campaign=nxt, campaign_unit__agency=a[key])
        assessment.self_assessment_save(actor=u[f"specialist.{key}"], self_assessment=sa, values=GOOD)
    for to in (CampaignState.REVIEW, CampaignState.COUNCIL):
        assessment.campaign_advance(actor=council, campaign=nxt, to=to)
    assessment.campaign_compute_results(actor=council, campaign=nxt)
    nxt.refresh_from_db()
    doc = _docx(province_report_bytes(campaign=nxt, fmt="docx"))
    assert len(doc.inline_shapes) == 3  # the change chart is there now
    texts = [p.text for p in doc.paragraphs]
    assert any(t.startswith("So với năm 2017 (cùng bộ tiêu chí): 1 đơn vị tăng chỉ số") for t in texts)
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Hạng")
    assert table.rows[0].cells[-1].text == "So với năm trước"
    stttt = next(r for r in table.rows[1:] if r.cells[1].text.startswith("Sở Thông tin"))
    assert stttt.cells[-1].text.startswith("+") and stttt.cells[-1].text.endswith("(tăng 1 bậc)")  # tied first: 2 → 1
    from lienthong.reports.charts import change_png
    from lienthong.reports.data import campaign_report

    assert change_png(campaign_report(nxt))[:4] == b"\x89PNG"


def test_bad_requests_to_the_entry_point(computed):
    p, council, campaign = computed
    with pytest.raises(ValidationFailed):
        province_report_bytes(campaign=campaign, fmt="odt")
    campaign.results_computed_at = None
    with pytest.raises(DomainError):
        province_report_bytes(campaign=campaign, fmt="pdf")


def test_progress_is_reported_in_order(computed):
    p, council, campaign = computed
    seen = []
    province_report_bytes(campaign=campaign, fmt="docx", progress=lambda pct, msg: seen.append((pct, str(msg))))
    pcts = [s[0] for s in seen]
    assert pcts == sorted(pcts) and pcts[0] <= 5 and pcts[-1] >= 90
    assert all(msg.startswith("Đang") for _p, msg in seen)


def test_docx_elements_are_in_schema_order(computed):
    """Word refuses a document whose paragraph or table properties are out of the schema's order."""
    import zipfile

    from lxml import etree

    p, council, campaign = computed
    data = province_report_bytes(campaign=campaign, fmt="docx")
    xml = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for ppr in xml.iter(f"{w}pPr"):
        tags = [c.tag for c in ppr]
        if f"{w}pBdr" in tags:
            for later in ("spacing", "ind", "jc"):
                if f"{w}{later}" in tags:
                    assert tags.index(f"{w}pBdr") < tags.index(f"{w}{later}")
    for tblpr in xml.iter(f"{w}tblPr"):
        tags = [c.tag.replace(w, "") for c in tblpr]
        order = ["tblStyle", "tblW", "jc", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook"]
        known = [t for t in tags if t in order]
        assert known == sorted(known, key=order.index), tags


def test_the_report_stays_vietnamese_when_the_interface_is_english(compiled_messages, published):  # noqa: F811
    """A Decree 30 document is Vietnamese whatever language its requester reads the pages in."""
    from django.utils import translation
    from openpyxl import load_workbook

    p, council, campaign = published
    with translation.override("en"):
        doc = _docx(province_report_bytes(campaign=campaign, fmt="docx"))
        workbook = load_workbook(io.BytesIO(province_report_bytes(campaign=campaign, fmt="xlsx")))
        assert translation.get_language() == "en"  # the caller's language is given back
    texts = [p.text for p in doc.paragraphs]
    heading_cells = [c.text for c in doc.tables[0].rows[0].cells]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in heading_cells[1]
    assert "Độc lập - Tự do - Hạnh phúc" in heading_cells[1]
    assert "BÁO CÁO" in texts and "I. TỔNG QUAN" in texts and "III. KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG" in texts
    assert any(row.cells[0].text.startswith("Nơi nhận") for row in doc.tables[-1].rows)
    assert not any("SOCIALIST REPUBLIC" in t or "Independence" in t for t in texts + heading_cells)
    with translation.override("vi"):
        vietnamese = load_workbook(io.BytesIO(province_report_bytes(campaign=campaign, fmt="xlsx")))
    assert workbook.sheetnames == vietnamese.sheetnames
