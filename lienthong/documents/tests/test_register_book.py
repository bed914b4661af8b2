import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from lienthong.documents import register_book, services
from lienthong.documents.models import Register
from lienthong.testing.builders import doc_input

TODAY = dt.date(2018, 3, 20)

# The book is the legal form of Decree 30 Appendix IV: its title, cover lines and column headings are asserted
# as the form words them, not through the code's constants.
OUTGOING_HEADINGS = [
    "Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung", "Người ký", "Nơi nhận văn bản",
    "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển", "Ký nhận", "Ghi chú",
]
INCOMING_HEADINGS = [
    "Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung",
    "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú",
]


def outgoing(province, subject="Thông báo kết luận của Chủ tịch tại cuộc họp giao ban tháng 3", *,
             type_code="thong-bao", issued_on=dt.date(2018, 3, 5), **extra):
    extra.setdefault("signer_name", "Trần Văn Huyến")
    extra.setdefault("signer_position", "Phó Chánh Văn phòng")
    extra.setdefault("recipients_text", "- Sở, ban, ngành tỉnh;\n- Lưu: VT.")
    return services.document_register_outgoing(
        actor=province.users["clerk.vp"], agency=province.agencies["vp"], today=TODAY,
        data=doc_input(type_code, subject, issued_on=issued_on, **extra))


def incoming(province, number_symbol, subject, *, received_on=dt.date(2018, 3, 6)):
    return services.document_register_incoming(
        actor=province.users["clerk.vp"], agency=province.agencies["vp"], today=TODAY,
        data=doc_input("cong-van", subject, issued_on=dt.date(2018, 3, 2)), number_symbol=number_symbol,
        issuer_agency=province.agencies["stttt"], received_on=received_on)


def pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text)


def xlsx_rows(content: bytes) -> list[tuple]:
    """The first sheet's rows without trailing empty cells."""
    wb = load_workbook(io.BytesIO(content), read_only=True)
    rows = []
    for row in wb.worksheets[0].iter_rows(values_only=True):
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        rows.append(tuple(row))
    return rows


def table_after_header(rows: list[tuple], headings: list[str]) -> list[tuple]:
    start = rows.index(tuple(headings))
    assert rows[start + 1] == tuple(f"({i})" for i in range(1, 11))
    return rows[start + 2:]


@pytest.fixture
def outgoing_book(province):
    first = outgoing(province)
    second = outgoing(province, "V/v góp ý dự thảo Quy chế công tác văn thư", type_code="cong-van",
                      issued_on=dt.date(2018, 3, 9), urgency="urgent")
    services.document_cancel(actor=province.users["clerk.vp"], document=second, reason="Ban hành nhầm nơi nhận")
    third = outgoing(province, "Quyết định thành lập Tổ công tác chuyển đổi số", type_code="quyet-dinh",
                     issued_on=dt.date(2018, 3, 12))
    return first.register, [first, second, third]


def test_pdf_book_has_cover_columns_and_rows_with_vietnamese_text(outgoing_book):
    register, (first, second, third) = outgoing_book

    content = register_book.register_book_pdf(register=register)

    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    text = pdf_text(content)
    for line in ("ỦY BAN NHÂN DÂN TỈNH HẬU GIANG", "VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH HẬU GIANG",
                 "SỔ ĐĂNG KÝ VĂN BẢN ĐI", "Năm: 2018", "Từ ngày 05/03/2018 đến ngày 12/03/2018",
                 "Từ số 01 đến số 03", "Quyển số: 01"):
        assert line in text
    for heading in OUTGOING_HEADINGS:
        assert heading in text
    assert first.number_symbol == "01/TB-VP.UBND"
    assert "01/TB-VP.UBND 05/03/2018 Thông báo kết luận của Chủ tịch tại cuộc họp giao ban tháng 3" in text
    assert "Công văn V/v góp ý dự thảo Quy chế công tác văn thư" in text
    assert "Đã hủy: Ban hành nhầm nơi nhận" in text
    assert text.index("01/TB-VP.UBND") < text.index("02/VP.UBND") < text.index("03/QĐ-VP.UBND")


def test_xlsx_book_reopens_with_header_and_rows_in_number_order(outgoing_book):
    register, docs = outgoing_book

    content = register_book.register_book_xlsx(register=register)

    rows = xlsx_rows(content)
    assert rows[:9] == [("ỦY BAN NHÂN DÂN TỈNH HẬU GIANG",), ("VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH HẬU GIANG",), (),
                        ("SỔ ĐĂNG KÝ VĂN BẢN ĐI",), ("Năm: 2018",), ("Từ ngày 05/03/2018 đến ngày 12/03/2018",),
                        ("Từ số 01 đến số 03",), ("Quyển số: 01",), ()]
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert "A4:J4" in sheet.merged_cells and sheet.freeze_panes == "A12"
    body = table_after_header(rows, OUTGOING_HEADINGS)
    assert [r[0] for r in body] == ["01/TB-VP.UBND", "02/VP.UBND", "03/QĐ-VP.UBND"]
    assert body[0][:5] == (
        "01/TB-VP.UBND", dt.datetime(2018, 3, 5), "Thông báo kết luận của Chủ tịch tại cuộc họp giao ban tháng 3",
        "Trần Văn Huyến\nPhó Chánh Văn phòng", "'- Sở, ban, ngành tỉnh;\n- Lưu: VT.")  # "'": never a formula
    assert body[1][9] == "Khẩn\nĐã hủy: Ban hành nhầm nơi nhận"
    assert body[2][2] == "Quyết định thành lập Tổ công tác chuyển đổi số"


def test_incoming_book_has_the_incoming_columns(province):
    incoming(province, "120/STTTT-CNTT", "V/v triển khai hệ thống quản lý văn bản và điều hành")
    doc = incoming(province, "121/STTTT-CNTT", "V/v bảo đảm an toàn thông tin", received_on=dt.date(2018, 3, 8))
    register = doc.register

    text = pdf_text(register_book.register_book_pdf(register=register))
    body = table_after_header(xlsx_rows(register_book.register_book_xlsx(register=register)), INCOMING_HEADINGS)

    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text and "Từ ngày 06/03/2018 đến ngày 08/03/2018" in text
    for heading in INCOMING_HEADINGS:
        assert heading in text
    assert "Công văn V/v bảo đảm an toàn thông tin" in text
    assert body[1][:6] == (dt.datetime(2018, 3, 8), 2, "Sở Thông tin và Truyền thông tỉnh Hậu Giang",
                           "121/STTTT-CNTT", dt.datetime(2018, 3, 2), "Công văn V/v bảo đảm an toàn thông tin")


def test_empty_register_prints_a_cover_with_blank_range(province):
    from lienthong.documents.numbering import ensure_year_registers

    register = next(r for r in ensure_year_registers(agency_id=province.agencies["vp"].pk, year=2018)
                    if r.code == "ban-sao")

    text = pdf_text(register_book.register_book_pdf(register=register))

    assert "SỔ ĐĂNG KÝ BẢN SAO" in text and "Sổ chưa có văn bản nào." in text


def test_building_the_book_does_not_query_per_row(province, django_assert_max_num_queries):
    doc = outgoing(province)
    register = Register.objects.select_related("agency__parent").get(pk=doc.register_id)
    with django_assert_max_num_queries(2):  # the cover's range, then the rows
        register_book.register_book_xlsx(register=register)
    for day in range(6, 16):
        outgoing(province, issued_on=dt.date(2018, 3, day))
    with django_assert_max_num_queries(2):
        assert len(table_after_header(xlsx_rows(register_book.register_book_xlsx(register=register)),
                                      OUTGOING_HEADINGS)) == 11


def test_view_serves_the_book_to_the_agency(outgoing_book, client, province):
    register, _docs = outgoing_book
    client.force_login(province.users["clerk.vp"])

    pdf = client.get(reverse("documents:register_book", args=[register.pk]), {"format": "pdf"})
    xlsx = client.get(reverse("documents:register_book", args=[register.pk]), {"format": "xlsx"})

    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == 'attachment; filename="so-di-2018.pdf"'
    assert xlsx["Content-Type"] == register_book.XLSX_TYPE
    assert xlsx_rows(xlsx.content)


def test_view_hides_another_agencys_register(outgoing_book, client, province):
    register, _docs = outgoing_book
    client.force_login(province.users["clerk.stttt"])

    response = client.get(reverse("documents:register_book", args=[register.pk]), {"format": "pdf"})

    assert response.status_code == 404


def test_long_book_is_rendered_in_parts_with_continuous_page_numbers(outgoing_book, monkeypatch):
    register, _docs = outgoing_book
    monkeypatch.setattr(register_book, "PDF_CHUNK_ROWS", 2)

    pages = [p.extract_text() for p in PdfReader(io.BytesIO(register_book.register_book_pdf(register=register))).pages]

    assert len(pages) == 3  # the cover and rows 1-2, then row 3 on a page of its own
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in pages[0]
    assert "01/TB-VP.UBND" in pages[1] and "02/VP.UBND" in pages[1] and "Trang 2" in pages[1]
    assert "03/QĐ-VP.UBND" in pages[2] and "Trang 3" in pages[2] and "Ghi chú" in pages[2]


def test_text_that_looks_like_a_formula_stays_text_in_the_workbook(province):
    doc = outgoing(province, recipients_text='=HYPERLINK("http://example.invalid","Bấm vào đây")')

    content = register_book.register_book_xlsx(register=doc.register)

    cell = load_workbook(io.BytesIO(content)).worksheets[0].cell(row=12, column=5)
    assert (cell.value, cell.data_type) == ('\'=HYPERLINK("http://example.invalid","Bấm vào đây")', "s")


def test_a_large_register_prints_in_volumes(province, client, settings):
    import datetime as dt
    import io

    from pypdf import PdfReader

    from lienthong.documents import services
    from lienthong.testing.builders import doc_input

    settings.REGISTER_BOOK_VOLUME_SIZE = 2
    for day in (1, 2, 3):
        services.document_register_outgoing(actor=province.users["clerk.vp"], agency=province.agencies["vp"],
                                            data=doc_input(subject=f"Thông báo số {day}",
                                                           issued_on=dt.date(2018, 3, day)),
                                            today=dt.date(2018, 3, 20))
    client.force_login(province.users["clerk.vp"])
    page = client.get("/so-van-ban/").content.decode()
    assert "quyển 1 (số 1–2)" in page and "quyển 2 (số 3–3)" in page
    from lienthong.documents.models import Register

    register = Register.objects.get(agency=province.agencies["vp"], year=2018, code="di")
    second = client.get(f"/so-van-ban/{register.pk}/in/?format=pdf&volume=2")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(second.content)).pages)
    assert "03/TB-VP.UBND" in text and "01/TB-VP.UBND" not in text and "Quyển số: 02" in text
    assert client.get(f"/so-van-ban/{register.pk}/in/?format=pdf&volume=3").status_code == 404
