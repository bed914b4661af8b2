"""Reading incoming files (issue 19, item 2): the text of DOCX tables and text boxes, of a PDF's text layer read
with its layout; hostile files refused with a Vietnamese message and nothing read."""

from __future__ import annotations

import pytest

from lienthong.intake.extraction import extract
from lienthong.intake.extraction import readers as r
from lienthong.intake.extraction.readers import ReadError, read_document
from lienthong.intake.tests import hostile

EXPECTED = {
    "issuer": "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "parent_issuer": "UBND TỈNH HẬU GIANG", "number_symbol": "45/STTTT-BCVT",
    "place": "Hậu Giang", "date": "2019-04-12", "doc_type": "Công văn", "subject": "triển khai chữ ký số chuyên dùng",
    "addressees": ["Các sở, ban, ngành tỉnh"], "recipients": ["Như trên", "Lưu: VT, BCVT"],
    "signer_authority": "KT. GIÁM ĐỐC", "signer_position": "PHÓ GIÁM ĐỐC", "signer_name": "Châu Minh Triết",
}


def fields(data: bytes, name: str) -> dict[str, object]:
    values = extract(read_document(data, name).text).values
    return {key: values[key] for key in EXPECTED}


@pytest.mark.parametrize("boxes", [False, True], ids=["tables", "text-boxes"])
def test_a_docx_with_its_header_in_a_table_or_in_text_boxes(boxes):
    assert fields(hostile.docx_bytes(boxes=boxes), "cv.docx") == EXPECTED


def test_a_pdf_with_a_text_layer_is_read_with_its_columns_apart():
    read = read_document(hostile.pdf_bytes(), "cv.pdf")
    assert (read.kind, read.pages) == ("pdf", 1)
    assert "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in read.text
    assert fields(hostile.pdf_bytes(), "cv.pdf") == EXPECTED


def test_plain_text_in_utf8_with_bom_utf16_or_legacy_bytes():
    text = "BỘ NỘI VỤ\nSố: 15/QĐ-BNV Hà Nội, ngày 5 tháng 3 năm 2018\n"
    for data in (b"\xef\xbb\xbf" + text.encode(), text.encode("utf-16"), text.replace("\n", "\r\n").encode()):
        assert read_document(data, "a.txt").text.replace("\r", "").startswith("BỘ NỘI VỤ")
    legacy_bytes = "BéNéI Vô".encode("latin-1")  # legacy bytes stay their Latin-1 values for ``legacy.detect``
    assert read_document(legacy_bytes, "a.txt").text == "BéNéI Vô"


@pytest.mark.parametrize(("make", "message"), [
    (hostile.encrypted_pdf, r.PDF_ENCRYPTED),
    (hostile.blank_pdf, r.NO_TEXT_FOUND),
    (lambda: b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage", r.PDF_UNREADABLE),
    (hostile.zip_bomb_docx, r.DOCX_BOMB),
    (hostile.doctype_docx, r.XML_REFUSED),
    (lambda: hostile.zip_with({"other.xml": b"<a/>"}), r.DOCX_UNREADABLE),
    (lambda: b"PK\x03\x04 not really a zip", r.DOCX_UNREADABLE),
    (lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, r.IMAGE_UNREADABLE),
    (lambda: b"   \n  ", r.EMPTY),
    (lambda: b"\x00\x01\x02binary" * 10, r.UNKNOWN_KIND),
])
def test_hostile_or_unreadable_files_are_refused_with_a_clear_message(make, message):
    with pytest.raises(ReadError) as caught:
        read_document(make(), "tep")
    assert caught.value.template == message


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(r, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ReadError) as caught:
        read_document(b"a" * 1001, "big.txt")
    assert caught.value.template == r.TOO_LARGE
    assert caught.value.params == {"size": 1001, "limit": 1000}


def test_a_pdf_longer_than_the_page_limit_is_read_up_to_the_limit(monkeypatch):
    from pypdf import PdfReader, PdfWriter

    page = PdfReader(__import__("io").BytesIO(hostile.pdf_bytes())).pages[0]
    writer = PdfWriter()
    for _ in range(5):
        writer.add_page(page)
    out = __import__("io").BytesIO()
    writer.write(out)
    monkeypatch.setattr(r, "MAX_PDF_PAGES", 2)
    read = read_document(out.getvalue(), "long.pdf")
    assert read.pages == 5
    assert read.text.count("SỞ THÔNG TIN VÀ TRUYỀN THÔNG") == 2
