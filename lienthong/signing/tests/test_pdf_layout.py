"""Where the images and texts land on the rendered page (Decree 30 Appendix I), and the stamp font's metrics."""

from __future__ import annotations

import io

from lienthong.signing import pades
from lienthong.signing.tests.pdf_helpers import (
    ISSUED_ON,
    NUMBER,
    SIGNER_NAME,
    colour_box,
    decree30_pdf,
    fully_signed,
    make_pki,
    page_text,
    personally_signed,
    render,
    seal_png,
    signature_png,
    signer_of,
    text_lines,
    validate,
    words,
)

DPI = 100
PX = DPI / 72  # pixels per point


def _line(data: bytes, needle: str):
    return [ln for ln in text_lines(data) if needle in ln[0]][-1]


def test_signature_image_is_blue_centred_between_title_and_name():
    data = personally_signed()
    image = render(data, dpi=DPI)
    (bx0, by0, bx1, by1), _mask = colour_box(image, "blue")
    title = _line(data, "PHÓ CHỦ TỊCH")
    name = _line(data, SIGNER_NAME)

    centre_x, centre_y = (bx0 + bx1) / 2, (by0 + by1) / 2
    name_centre = (name[1] + name[3]) / 2 * PX
    assert abs(centre_x - name_centre) < 12  # centred on the name line
    assert title[4] * PX < centre_y < name[2] * PX  # between the title's bottom and the name's top
    # nothing red before the agency signs
    assert colour_box(image, "red")[0] is None


def test_seal_is_red_and_covers_the_left_third_of_the_signature_image():
    blue_box = colour_box(render(personally_signed(), dpi=DPI), "blue")[0]
    image = render(fully_signed(), dpi=DPI)
    (rx0, ry0, rx1, ry1), red = colour_box(image, "red")
    bx0, by0, bx1, by1 = blue_box
    third = bx0 + (bx1 - bx0) / 3

    # the seal reaches into the left third of the signature image but not much beyond it
    assert rx0 < bx0 < rx1
    assert bx0 + (bx1 - bx0) * 0.15 < rx1 < bx0 + (bx1 - bx0) * 0.5
    assert red.crop((round(bx0), round(by0), round(third), round(by1))).getbbox() is not None
    assert red.crop((round(bx0 + (bx1 - bx0) * 0.6), round(by0), round(bx1), round(by1))).getbbox() is None
    # the seal is drawn at its real size: 36 mm
    assert abs((rx1 - rx0) - 36 / 25.4 * DPI) < 6
    # vertically on the signature image
    assert ry0 < (by0 + by1) / 2 < ry1


def test_number_and_date_drawn_where_the_blanks_were():
    printed = [w for w in words(personally_signed()) if w[0] == "/TB-UBND"][0]
    after = words(fully_signed())
    number = [w for w in after if w[0] == NUMBER][0]
    assert abs(number[4] - printed[4]) < 2  # on the printed line, over the blank
    assert printed[1] - 40 < number[1] < printed[3]
    month = [w for w in after if w[0] == "11"]
    printed_date = [w for w in words(personally_signed()) if w[0] == "ngày"][0]
    assert month and abs(month[0][4] - printed_date[4]) < 2  # the date on the printed date line


def test_stamp_font_is_rescaled_and_renamed():
    from fontTools.ttLib import TTFont

    font = TTFont(pdf_font_path())
    assert font["head"].unitsPerEm == 1000
    assert "Liberation" not in font["name"].getDebugName(1)  # a modified OFL font carries another name
    assert font["hmtx"][font.getBestCmap()[ord(" ")]][0] == 250
    assert pdf_font_path() == pdf_font_path()  # built once, then cached


def pdf_font_path() -> str:
    from lienthong.signing.pades.fonts import stamp_font_path

    return stamp_font_path()


def _cid_widths(data: bytes, family: str) -> dict[int, int]:
    """The /W array of the embedded CID fonts whose name contains ``family``, as {cid: width}."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    reader = PdfReader(io.BytesIO(data))
    seen, widths = set(), {}

    def walk(obj, depth=0):
        if depth > 16:
            return
        if isinstance(obj, IndirectObject):
            if obj.idnum in seen:
                return
            seen.add(obj.idnum)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            if obj.get("/Subtype") == "/CIDFontType2" and family in str(obj.get("/BaseFont")):
                w = list(obj.get("/W", []))
                i = 0
                while i < len(w):
                    first = int(w[i])
                    if isinstance(w[i + 1], ArrayObject) or isinstance(w[i + 1].get_object(), list):
                        for n, value in enumerate(w[i + 1].get_object()):
                            widths[first + n] = int(value)
                        i += 2
                    else:
                        for cid in range(first, int(w[i + 1]) + 1):
                            widths[cid] = int(w[i + 2])
                        i += 3
            for key, value in obj.items():
                if key not in ("/Parent", "/P"):
                    walk(value, depth + 1)
        elif isinstance(obj, ArrayObject):
            for value in obj:
                walk(value, depth + 1)

    walk(reader.trailer["/Root"])
    return widths


def test_stamp_glyph_widths_are_in_thousandths_of_an_em():
    from fontTools.ttLib import TTFont

    signed = pades.sign_attachment(decree30_pdf(), signer=signer_of(make_pki().agency),
                                   number_symbol="12/QĐ-UBND")
    widths = _cid_widths(signed, "LTStampSerif")
    font = TTFont(pdf_font_path())
    glyph_ids = font.getReverseGlyphMap()
    space = glyph_ids[font.getBestCmap()[ord(" ")]]
    digit = glyph_ids[font.getBestCmap()[ord("2")]]
    assert widths  # the stamp font is embedded
    assert widths.get(space, 250) == 250  # 512 would be the 2048-units-per-em bug
    assert widths[digit] == 500
    assert max(widths.values()) <= 1000
    assert "12/QĐ-UBND" in page_text(signed)


def test_vietnamese_text_of_the_filled_fields_is_extractable():
    place = "Phường Hưng Đạo, đặc khu Phú Quốc"  # ư, Đ/đ, ạ, ặ, ố
    signed = pades.sign_agency(personally_signed(), signer=signer_of(make_pki().agency), seal_png=seal_png(),
                               seal_width_mm=36, number_symbol="07/QĐ-ĐTN", issued_on=ISSUED_ON, place=place)
    text = page_text(signed)
    assert "Số: 07/QĐ-ĐTN" in text
    assert f"{place}, ngày 26 tháng 11 năm 2026" in " ".join(text.split())
    for letter in "ốưđặ":
        assert letter in text
    widths = _cid_widths(signed, "LTStampSerif")
    assert widths and max(widths.values()) <= 1000


def test_locating_falls_back_to_the_decree_30_layout():
    from lienthong.testing.builders import tiny_pdf

    data = tiny_pdf()
    number, date = pades.locate_number_date(data)
    assert number.page == 0 and date.page == 0
    assert number.x1 < date.x0 + 60  # number on the left, date on the right
    box = pades.locate_signature_box(data, signer_name="Không có tên này", width_pt=113, height_pt=42)
    assert box.width == 113 and box.height == 42
    assert box.x0 > 250  # bottom right


def test_locate_signature_box_on_the_name_line():
    data = decree30_pdf()
    box = pades.locate_signature_box(data, signer_name=SIGNER_NAME, signer_position="Phó Chủ tịch",
                                     width_pt=113, height_pt=42)
    name = _line(data, SIGNER_NAME)
    page_height = 841.89
    assert abs((box.x0 + box.x1) / 2 - (name[1] + name[3]) / 2) < 8
    assert box.y0 > page_height - name[2] - 30  # above the name


def test_without_poppler_positions_come_from_pypdf(monkeypatch):
    data = decree30_pdf()
    with_poppler = pades.locate_signature_box(data, signer_name=SIGNER_NAME, signer_position="Phó Chủ tịch",
                                              width_pt=113, height_pt=42)
    number_poppler, date_poppler = pades.locate_number_date(data)
    monkeypatch.setattr(pades.layout, "_poppler_lines", lambda *args: None)
    fallback = pades.locate_signature_box(data, signer_name=SIGNER_NAME, signer_position="Phó Chủ tịch",
                                          width_pt=113, height_pt=42)
    number, date = pades.locate_number_date(data)

    assert abs(fallback.x0 - with_poppler.x0) < 6 and abs(fallback.y0 - with_poppler.y0) < 6
    assert abs(number.y0 - number_poppler.y0) < 4 and abs(date.y0 - date_poppler.y0) < 4


def test_signature_on_the_last_page_of_a_longer_document():
    import datetime as dt

    from lienthong.demo.pdf import PdfContent, render_pdf, signer_lines

    data = render_pdf(PdfContent(
        header_parent="", header_name="ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI", number_symbol="      /KH-UBND",
        place="Quảng Ngãi", issued_on=dt.date(2026, 11, 26), type_code="ke-hoach", subject="Kế hoạch chuyển đổi số",
        body=["Nội dung kế hoạch được triển khai đồng bộ tại các cơ quan, đơn vị trên địa bàn tỉnh. " * 6] * 9,
        recipients_text="- Lưu: VT.", signer_lines=signer_lines(authority="", position="Chủ tịch",
                                                                  collective="Ủy ban nhân dân", head_title=""),
        signer_name=SIGNER_NAME, date_text="Quảng Ngãi, ngày      tháng      năm 2026"))
    personal = pades.sign_personal(data, signer=signer_of(make_pki().person), image_png=signature_png(),
                                   image_width_mm=40, signer_name=SIGNER_NAME, signer_position="Chủ tịch")
    both = pades.sign_agency(personal, signer=signer_of(make_pki().agency), seal_png=seal_png(), seal_width_mm=36,
                             number_symbol="31/KH-UBND", issued_on=ISSUED_ON)
    pages = page_count(both)
    assert pages >= 2
    assert colour_box(render(both, page=1), "blue")[0] is None  # page 1: number and date only
    assert colour_box(render(both, page=pages), "blue")[0] is not None
    assert colour_box(render(both, page=pages), "red")[0] is not None
    assert "Số: 31/KH-UBND" in page_text(both, 1)
    assert all(status.bottom_line for status in validate(both))


def page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)
