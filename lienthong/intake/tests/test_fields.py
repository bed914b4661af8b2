"""Each field of ``extract`` on the tricky cases of real headers and signature blocks (issue 19, item 1)."""

from __future__ import annotations

import pytest

from lienthong.intake.extraction import FIELDS, TypeName, extract

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"


def doc(header: str, *, middle: str = "THÔNG BÁO\nKết luận cuộc họp giao ban\n\nNội dung thông báo./.\n",
        footer: str = "Nơi nhận:\n- Các phòng;\n- Lưu: VT.\n\nCHÁNH VĂN PHÒNG\n\nLê Thị Hoa\n") -> str:
    return f"{header}\n\n{middle}\n{footer}"


def values(text: str, **kwargs):
    return extract(text, **kwargs).values


# ---------------------------------------------------------------- issuer and parent


def test_header_on_the_national_motto_line_gives_issuer_and_parent():
    v = values(doc(f"UBND TỈNH HẬU GIANG {MOTTO}\nVĂN PHÒNG {TIEU_NGU}\n\n"
                   "Số: 32/TB-VP.UBND Hậu Giang, ngày 5 tháng 3 năm 2018"))
    assert (v["issuer"], v["parent_issuer"]) == ("VĂN PHÒNG", "UBND TỈNH HẬU GIANG")
    assert (v["place"], v["date"]) == ("Hậu Giang", "2018-03-05")


def test_an_issuer_written_on_two_lines_is_one_agency_without_parent():
    v = values(doc(f"ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\n-------\nSố: 12/TB-UBND\n{MOTTO}\n{TIEU_NGU}\n"
                   "Quảng Ngãi, ngày 02 tháng 01 năm 2020"))
    assert (v["issuer"], v["parent_issuer"]) == ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", None)


def test_a_wrapped_issuer_name_is_joined_and_the_party_star_is_ignored():
    v = values(doc("UBND TỈNH QUẢNG NGÃI\nSỞ NÔNG NGHIỆP VÀ\nPHÁT TRIỂN NÔNG THÔN\n*\nSố: 05/TB-SNNPTNT\n"
                   f"{MOTTO}\nQuảng Ngãi, ngày 1 tháng 2 năm 2021"))
    assert (v["issuer"], v["parent_issuer"]) == ("SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN", "UBND TỈNH QUẢNG NGÃI")


# ---------------------------------------------------------------- số, ký hiệu


@pytest.mark.parametrize(("line", "number", "symbol", "number_symbol", "kind"), [
    ("Số: 15/QĐ-BNV", "15", "QĐ-BNV", "15/QĐ-BNV", "typed"),
    ("Số: 05/BNV-VP", "05", "BNV-VP", "05/BNV-VP", "cong_van"),
    ("Số : 125 / CCVC - SNV", "125", "CCVC-SNV", "125/CCVC-SNV", "cong_van"),
    ("Số: 1 234/QĐ-UBND", "1234", "QĐ-UBND", "1234/QĐ-UBND", "typed"),
    ("Số: 30/2020/NĐ-CP", "30", "2020/NĐ-CP", "30/2020/NĐ-CP", "qppl"),
    ("Số: 3925 TM/VP", "3925", "TM/VP", "3925 TM/VP", "old"),
    ("Số: 101-HĐBT", "101", "HĐBT", "101-HĐBT", "old"),
    ("Số 45-CV/TU", "45", "CV/TU", "45-CV/TU", "party"),
    ("Số: 01/SY-UBND", "01", "SY-UBND", "01/SY-UBND", "copy"),
    ("Số: 03/CT–UBND", "03", "CT-UBND", "03/CT-UBND", "typed"),  # an en dash typed by a word processor
])
def test_number_and_symbol_styles(line, number, symbol, number_symbol, kind):
    result = extract(doc(f"BỘ NỘI VỤ\n{line} Hà Nội, ngày 10 tháng 10 năm 2010"))
    v = result.values
    assert (v["number"], v["symbol"], v["number_symbol"]) == (number, symbol, number_symbol)
    assert result.kind == kind
    assert v["place"] == "Hà Nội"


def test_the_place_glued_to_the_symbol_is_cut_off():
    v = values(doc("SỞ Y TẾ\nSố: 12/SYT-NVYHậu Giang, ngày 5 tháng 3 năm 2018"))
    assert (v["number_symbol"], v["place"]) == ("12/SYT-NVY", "Hậu Giang")
    assert v["date"] == "2018-03-05"


def test_a_number_quoted_in_the_body_is_not_the_documents_number():
    v = values(doc("SỞ Y TẾ", middle="THÔNG BÁO\nKết luận\n\nThực hiện Quyết định số 12/QĐ-UBND ngày 5/3/2018.\n"))
    assert v["number"] is None and v["date"] is None


# ---------------------------------------------------------------- place and date


@pytest.mark.parametrize(("text", "date"), [
    ("Hậu Giang, ngày 5 tháng 3 năm 2018", "2018-03-05"),
    ("Hậu Giang, ngày 05 tháng 03 năm 2018", "2018-03-05"),
    ("Hậu Giang, ngày5tháng3năm2018", "2018-03-05"),
    ("Hậu Giang, ngày 0 5 tháng 1 2 năm 20 18", "2018-12-05"),
    ("Hậu Giang, ngày 2 tháng 02 năm 2 024", "2024-02-02"),
    ("Hậu Giang, ngày 05/3/2018", "2018-03-05"),
    ("HẬU GIANG, NGÀY 5 THÁNG 3 NĂM 2018", "2018-03-05"),
])
def test_dates_glued_split_or_in_capitals_give_the_iso_date(text, date):
    v = values(doc(f"SỞ TÀI CHÍNH\nSố: 12/TB-STC {text}"))
    assert v["date"] == date
    assert v["place"] in ("Hậu Giang", "HẬU GIANG")


def test_an_impossible_date_is_not_given():
    assert values(doc("SỞ TÀI CHÍNH\nSố: 12/TB-STC Hậu Giang, ngày 31 tháng 2 năm 2018"))["date"] is None


def test_the_date_of_the_body_is_not_the_issue_date():
    v = values(doc("SỞ TÀI CHÍNH\nSố: 12/TB-STC", middle="THÔNG BÁO\nKết luận\n\nNgày 07 tháng 02 năm 2018, tại...\n"))
    assert v["date"] is None


# ---------------------------------------------------------------- type and subject


def test_cong_van_subject_loses_its_v_v_and_wraps_over_lines():
    v = values(doc("SỞ TÀI CHÍNH\nSố: 77/STC-QLNS\nV/v hướng dẫn lập dự toán\nngân sách năm 2021\n\n"
                   f"{MOTTO}\nHậu Giang, ngày 5 tháng 8 năm 2020",
                   middle="Kính gửi: Các sở, ban, ngành.\n\nNội dung.\n"))
    assert (v["doc_type"], v["subject"]) == ("Công văn", "hướng dẫn lập dự toán ngân sách năm 2021")
    assert v["addressees"] == ["Các sở, ban, ngành"]


@pytest.mark.parametrize("prefix", ["Về việc ", "V/V: ", "V/v. "])
def test_other_spellings_of_v_v_are_stripped(prefix):
    v = values(doc(f"SỞ TÀI CHÍNH\nSố: 77/STC-QLNS\n{prefix}góp ý dự thảo", middle="Kính gửi: Sở Nội vụ.\n"))
    assert v["subject"] == "góp ý dự thảo"


def test_a_typed_document_keeps_ve_viec_and_stops_before_the_authority_line():
    v = values(doc("UBND TỈNH AN GIANG\nSỞ TƯ PHÁP\nSố: 58/QĐ-STP",
                   middle="QUYẾT ĐỊNH\nVề việc công bố danh mục\nthủ tục hành chính\nGIÁM ĐỐC SỞ TƯ PHÁP\n"
                          "Căn cứ Luật;\nQUYẾT ĐỊNH:\nĐiều 1.\n"))
    assert (v["doc_type"], v["subject"]) == ("Quyết định", "Về việc công bố danh mục thủ tục hành chính")


def test_the_type_comes_from_the_catalogue_passed_in():
    text = doc("SỞ TÀI CHÍNH\nSố: 02/PCNV-STC", middle="PHIẾU CHUYỂN NGHIỆP VỤ\nHồ sơ thanh toán\n\nNội dung.\n")
    assert values(text)["doc_type"] is None
    types = [TypeName("Phiếu chuyển nghiệp vụ", "PCNV"), TypeName("Thông báo", "TB")]
    v = values(text, types=types)
    assert (v["doc_type"], v["subject"]) == ("Phiếu chuyển nghiệp vụ", "Hồ sơ thanh toán")


def test_without_a_type_line_the_abbreviation_of_the_symbol_names_the_type_with_low_confidence():
    result = extract(doc("SỞ TÀI CHÍNH\nSố: 14/KH-STC", middle="Nội dung kế hoạch.\n"))
    assert result.values["doc_type"] == "Kế hoạch"
    assert result.confidence["doc_type"] < 0.7


# ---------------------------------------------------------------- marks and lists


def test_urgency_and_secrecy_marks_in_the_header_but_not_words_of_the_body():
    v = values(doc("TỐI MẬT\nTHƯỢNG KHẨN\nSỞ TÀI CHÍNH\nSố: 14/TB-STC",
                   middle="THÔNG BÁO\nKết luận\n\nĐề nghị khẩn trương thực hiện, giữ bí mật.\n"))
    assert (v["urgency"], v["secrecy"]) == ("Thượng khẩn", "Tối mật")
    plain = values(doc("SỞ TÀI CHÍNH\nSố: 14/TB-STC", middle="THÔNG BÁO\nKết luận\n\nKhẩn trương thực hiện.\n"))
    assert (plain["urgency"], plain["secrecy"]) == (None, None)


def test_addressees_on_several_lines_with_a_wrapped_item():
    v = values(doc("SỞ TÀI CHÍNH\nSố: 14/STC-VP\nV/v báo cáo", middle="Kính gửi:\n- Các sở, ban, ngành;\n"
                   "- Ủy ban nhân dân các huyện\nthuộc tỉnh.\n\nNội dung.\n"))
    assert v["addressees"] == ["Các sở, ban, ngành", "Ủy ban nhân dân các huyện thuộc tỉnh"]


def test_recipients_beside_the_signature_block_on_the_same_lines():
    footer = ("Nơi nhận: KT. GIÁM ĐỐC\n- Như trên; PHÓ GIÁM ĐỐC\n- Giám đốc Sở (b/c);\n- Lưu: VT, VP.\n"
              "Phan Thị Ngọc Ánh\n")
    v = values(doc("SỞ TÀI CHÍNH\nSố: 14/STC-VP\nV/v báo cáo", middle="Kính gửi: Sở Nội vụ.\n", footer=footer))
    assert v["recipients"] == ["Như trên", "Giám đốc Sở (b/c)", "Lưu: VT, VP"]
    assert (v["signer_authority"], v["signer_position"], v["signer_name"]) == (
        "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Phan Thị Ngọc Ánh")


def test_recipients_and_signature_in_columns_spaced_apart():
    footer = ("Nơi nhận:                                 TM. ỦY BAN NHÂN DÂN\n"
              "- Như trên;                                     CHỦ TỊCH\n"
              "- Lưu: VT.\n\n                                          Đỗ Minh Quang\n")
    v = values(doc("UBND PHƯỜNG 5\nSố: 07/BC-UBND", middle="BÁO CÁO\nTình hình tháng 11\n\nNội dung.\n",
                   footer=footer))
    assert v["recipients"] == ["Như trên", "Lưu: VT"]
    assert (v["signer_authority"], v["signer_position"], v["signer_name"]) == (
        "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Đỗ Minh Quang")


# ---------------------------------------------------------------- signer


@pytest.mark.parametrize(("footer", "authority", "position", "name"), [
    ("PHÓ CHỦ NHIỆMVăn Trọng Lý", None, "PHÓ CHỦ NHIỆM", "Văn Trọng Lý"),
    ("TL. CHỦ NHIỆM\nPHÓ CHỦ NHIỆMVăn Trọng Lý", "TL. CHỦ NHIỆM", "PHÓ CHỦ NHIỆM", "Văn Trọng Lý"),
    ("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n(Đã ký)\n\nNguyễn Văn An", "TM. ỦY BAN NHÂN DÂN; KT. CHỦ TỊCH",
     "PHÓ CHỦ TỊCH", "Nguyễn Văn An"),
    ("TL. BỘ TRƯỞNG\nKT. CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG\nHoàng Đức Minh", "TL. BỘ TRƯỞNG; KT. CHÁNH VĂN PHÒNG",
     "PHÓ CHÁNH VĂN PHÒNG", "Hoàng Đức Minh"),
    ("Q. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\nTrần Văn Hùng", "Q. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Văn Hùng"),
    ("TUQ. CHỦ TỊCH UBND TỈNH\nGIÁM ĐỐC SỞ NỘI VỤ\nLý Thị Huyền", "TUQ. CHỦ TỊCH UBND TỈNH", "GIÁM ĐỐC SỞ NỘI VỤ",
     "Lý Thị Huyền"),
    ("T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ\n\nTạ Quang Vinh", "T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Tạ Quang Vinh"),
    ("GIÁM ĐỐC(Đã ký)Trần Văn Hùng", None, "GIÁM ĐỐC", "Trần Văn Hùng"),
    ("GIÁM ĐỐC\n(Đã ký)\nTrần Văn Hùng.", None, "GIÁM ĐỐC", "Trần Văn Hùng"),  # a mark left by recognition
    ("KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\nNGUYỄN VĂN THÀNH", "KT. BỘ TRƯỞNG", "THỨ TRƯỞNG", "NGUYỄN VĂN THÀNH"),
    ("TL. BỘ TRƯỞNG\nVỤ TRƯỞNG VỤ CÔNG CHỨC - VIÊN\nCHỨC\nĐặng Văn Tùng", "TL. BỘ TRƯỞNG",
     "VỤ TRƯỞNG VỤ CÔNG CHỨC - VIÊN CHỨC", "Đặng Văn Tùng"),
])
def test_signer_authority_position_and_name(footer, authority, position, name):
    v = values(doc("SỞ TÀI CHÍNH\nSố: 14/TB-STC", footer=f"Nơi nhận:\n- Lưu: VT.\n\n{footer}\n"))
    assert (v["signer_authority"], v["signer_position"], v["signer_name"]) == (authority, position, name)


def test_the_authority_line_of_a_decision_is_not_its_signer():
    v = values(doc("UBND TỈNH AN GIANG\nSố: 58/QĐ-UBND",
                   middle="QUYẾT ĐỊNH\nVề việc A\nCHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH AN GIANG\nCăn cứ Luật;\n",
                   footer="Nơi nhận:\n- Lưu: VT.\n\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nLê Văn Tư\n"))
    assert (v["signer_position"], v["signer_name"]) == ("PHÓ CHỦ TỊCH", "Lê Văn Tư")


# ---------------------------------------------------------------- text preparation and language


def test_nfd_text_and_look_alike_letters_are_normalised():
    import unicodedata

    text = unicodedata.normalize("NFD", doc("SỞ TÀI CHÍNH\nSố: 14/QĐ-STC Hậu Giang, ngày 5 tháng 3 năm 2018"))
    text = text.replace("Đ", "\u00d0")  # Icelandic Eth, as OCR and old converters write it
    v = values(text)
    assert (v["number_symbol"], v["issuer"], v["place"]) == ("14/QĐ-STC", "SỞ TÀI CHÍNH", "Hậu Giang")


def test_a_document_in_english_gives_no_field():
    text = ("MINISTRY OF FOREIGN AFFAIRS\nNo. 12/2020-MFA\nHanoi, 5 March 2018\n\nNOTICE\nOn the visit\n\n"
            "Dear Sir,\nWe have the honour to inform you.\n\nRecipients:\n- Embassy;\n\nDIRECTOR GENERAL\n\n"
            "John Smith\n")
    result = extract(text)
    assert all(result.values[name] is None for name in FIELDS)
    assert all(result.confidence[name] == 0.0 for name in FIELDS)


def test_every_confidence_is_between_0_and_1_and_zero_for_a_missing_field():
    result = extract(doc("SỞ TÀI CHÍNH\nSố: 14/TB-STC Hậu Giang, ngày 5 tháng 3 năm 2018"))
    assert set(result.confidence) == set(FIELDS)
    for name in FIELDS:
        assert 0.0 <= result.confidence[name] <= 1.0
        assert (result.confidence[name] == 0.0) == (result.values[name] is None)


@pytest.mark.parametrize("text", [
    "Số: " + "1 " * 20000 + "x",
    "Số: 12/" + "A-" * 20000 + "!",
    ("ABCDEFGH" * 10 + "Xy ") * 2000,
    "ngày " + "1 " * 20000,
    "Nơi nhận:\n" + "- a\n" * 20000 + "KT. A\n" * 5000,
], ids=["spaced-digits", "dashed-groups", "glued-capitals", "date-digits", "long-lists"])
def test_long_hostile_lines_give_no_field_and_do_not_hang(text):
    """Quadratic or backtracking rules would take minutes on these (a glued-name search once did)."""
    result = extract(text)
    assert result.values["number"] is None or result.values["number"].isdigit()
