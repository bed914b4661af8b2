"""Scans through Tesseract with the Vietnamese model (issue 19, item 2): an image and a PDF without a text layer
give the fields; an image with no text, a damaged one and a missing Tesseract give clear messages."""

from __future__ import annotations

import pytest

from lienthong.intake.extraction import extract
from lienthong.intake.extraction import readers as r
from lienthong.intake.extraction.readers import ReadError, layout_text, read_document
from lienthong.intake.tests import hostile

pytestmark = pytest.mark.xdist_group("processes")


def test_tesseract_and_its_vietnamese_model_are_installed():
    """``make system-packages`` installs tesseract-ocr and tesseract-ocr-vie; OCR is part of the product."""
    import subprocess

    assert r.ocr_available()
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=True).stdout
    assert "vie" in langs.split()


@pytest.mark.parametrize("make", [hostile.scan_png, hostile.scanned_pdf], ids=["image", "scanned-pdf"])
def test_a_scan_gives_the_fields_of_the_document(make):
    read = read_document(make(), "scan")
    assert read.ocr
    v = extract(read.text).values
    assert (v["issuer"], v["parent_issuer"]) == ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "UBND TỈNH HẬU GIANG")
    assert (v["number"], v["date"], v["place"]) == ("45", "2019-04-12", "Hậu Giang")
    assert str(v["symbol"]).endswith("-BCVT")  # a 10-point "STTTT" may lose or gain a letter in recognition
    assert (v["doc_type"], v["subject"]) == ("Công văn", "triển khai chữ ký số chuyên dùng")
    assert (v["signer_authority"], v["signer_position"], v["signer_name"]) == (
        "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Châu Minh Triết")


def test_an_image_with_no_text_says_so():
    with pytest.raises(ReadError) as caught:
        read_document(hostile.blank_png(), "trang.png")
    assert caught.value.template == r.NO_TEXT_FOUND


def test_a_damaged_or_huge_image_is_refused_before_ocr(monkeypatch):
    with pytest.raises(ReadError) as caught:
        read_document(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "hong.png")
    assert caught.value.template == r.IMAGE_UNREADABLE
    monkeypatch.setattr(r, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ReadError) as caught:
        read_document(hostile.blank_png(), "lon.png")
    assert caught.value.template == r.IMAGE_UNREADABLE


def test_without_tesseract_a_scan_is_refused_with_a_message(monkeypatch):
    monkeypatch.setattr(r, "ocr_available", lambda: False)
    with pytest.raises(ReadError) as caught:
        read_document(hostile.blank_png(), "anh.png")
    assert caught.value.template == r.IMAGE_NEEDS_OCR
    with pytest.raises(ReadError) as caught:
        read_document(hostile.blank_pdf(), "quet.pdf")
    assert caught.value.template == r.PDF_NO_TEXT


def test_word_boxes_become_lines_with_the_columns_apart():
    head = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    rows = [(100, 50, "SỞ"), (160, 50, "Y"), (200, 52, "TẾ"), (1200, 48, "CỘNG"), (1330, 50, "HÒA"),
            (100, 300, "Số:"), (180, 301, "12/SYT-NV")]
    lines = [1, 1, 1, 2, 2, 3, 3]  # Tesseract's line of each word: the motto is a line of its own
    tsv = head + "".join(f"5\t1\t1\t1\t{n}\t1\t{x}\t{y}\t{len(t) * 20}\t40\t90\t{t}\n"
                         for n, (x, y, t) in zip(lines, rows, strict=True))
    assert layout_text(tsv) == "SỞ Y TẾ   CỘNG HÒA\n\nSố: 12/SYT-NV"
