"""TCVN3 (ABC) and VNI text is recognised and converted; Unicode text is left alone. The legacy strings are
produced by the module's own encoder from Unicode strings written here."""

from __future__ import annotations

import pytest

from lienthong.intake.extraction import extract, legacy

SAMPLE = ("ỦY BAN NHÂN DÂN TỈNH HẬU GIANG Độc lập - Tự do - Hạnh phúc\n"
          "Số: 32/TB-VP.UBND Hậu Giang, ngày 05 tháng 3 năm 2018\n"
          "Kết luận của Phó Chủ tịch về ứng dụng công nghệ thông tin; ưu tiên đường, giữ, lữ, vịt, kỹ, ỵ, ẵ, ẳ\n"
          "- Lưu: VT, TH.\nVõ Thị Mỹ Lệ\nKT. CHỦ TỊCH")


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_legacy_text_is_detected_and_converted_back_exactly(encoding):
    encoded = legacy.encode(SAMPLE, encoding)
    assert encoded != SAMPLE
    assert legacy.detect(encoded) == encoding
    assert legacy.to_unicode(encoded, encoding) == SAMPLE


def test_unicode_and_non_vietnamese_text_is_not_taken_for_a_legacy_encoding():
    assert legacy.detect(SAMPLE) is None
    assert legacy.detect("Café, naïve façade — déjà vu") is None
    assert legacy.detect("Plain ASCII text") is None


def test_tcvn3_capitals_typed_with_the_capital_font_come_back_in_capitals():
    """.VnTimeH draws lower-case codes as capitals: "ñY BAN" must read "ỦY BAN", not "ủY BAN"."""
    encoded = legacy.encode("ỦY BAN NHÂN DÂN\nBỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "tcvn3")
    assert encoded.startswith("ñY BAN")
    assert legacy.to_unicode(encoded, "tcvn3") == "ỦY BAN NHÂN DÂN\nBỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG"


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_a_whole_document_in_a_legacy_encoding_gives_its_fields(encoding):
    text = ("UBND TỈNH SÓC TRĂNG\nSỞ TƯ PHÁP\nSố: 88/STP-VP\nV/v rà soát văn bản quy phạm pháp luật\n\n"
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSóc Trăng, ngày 9 tháng 9 năm 2016\n\n"
            "Kính gửi: Các phòng chuyên môn.\n\nNội dung.\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\n"
            "GIÁM ĐỐC\n\nTrương Thị Ngọc Hà\n")
    result = extract(legacy.encode(text, encoding))
    assert result.legacy_encoding == encoding
    v = result.values
    assert (v["issuer"], v["parent_issuer"]) == ("SỞ TƯ PHÁP", "UBND TỈNH SÓC TRĂNG")
    assert (v["number_symbol"], v["date"], v["place"]) == ("88/STP-VP", "2016-09-09", "Sóc Trăng")
    assert v["subject"] == "rà soát văn bản quy phạm pháp luật"
    assert (v["signer_position"], v["signer_name"]) == ("GIÁM ĐỐC", "Trương Thị Ngọc Hà")


def test_a_longer_french_or_german_text_is_not_converted():
    french = "Le café de la gare a reçu des élèves très âgés; où est la façade naïve? " * 5
    german = "Die Straße führt über die Brücke zum schönen Ufer; größer wäre besser. " * 5
    assert legacy.detect(french) is None
    assert legacy.detect(german) is None
