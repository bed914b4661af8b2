"""The số, ký hiệu grammar (shared/domain/vanthu.md §3.2) as the văn thư meets it when registering an
incoming document: every lawful form is read into its parts, anything else is refused with a reason."""

import pytest

from lienthong.documents.notation import (
    CONTROL_CHARACTERS,
    EXAMPLES,
    LEADING_ZERO_MISSING,
    SHAPE_INVALID,
    YEAR_OUT_OF_RANGE,
    NotationError,
    NotationForm,
    parse,
)

F = NotationForm

# (as typed, stored text, number, year, type abbreviation, issuer, unit, form)
VALID = [
    # The examples of §3.2 that the grammar matches.
    ("15/QĐ-BNV", "15/QĐ-BNV", "15", None, "QĐ", "BNV", "", F.CURRENT),
    ("05/BNV-VP", "05/BNV-VP", "05", None, "", "BNV", "VP", F.CONG_VAN),
    ("12/UBND-VX", "12/UBND-VX", "12", None, "", "UBND", "VX", F.CONG_VAN),
    ("123/TTr-UBND", "123/TTr-UBND", "123", None, "TTr", "UBND", "", F.CURRENT),
    ("01/SY-UBND", "01/SY-UBND", "01", None, "SY", "UBND", "", F.COPY),
    ("30/2020/NĐ-CP", "30/2020/NĐ-CP", "30", 2020, "NĐ", "CP", "", F.QPPL),
    ("09/2025/QĐ-TTg", "09/2025/QĐ-TTg", "09", 2025, "QĐ", "TTg", "", F.QPPL),
    ("07/CĐ-UBND", "07/CĐ-UBND", "07", None, "CĐ", "UBND", "", F.CURRENT),
    ("12/KH-BCĐ389", "12/KH-BCĐ389", "12", None, "KH", "BCĐ389", "", F.CURRENT),
    # The rules of §3.1 and the brief's own examples.
    ("15/QĐ-UBND", "15/QĐ-UBND", "15", None, "QĐ", "UBND", "", F.CURRENT),
    ("125/UBND-VP", "125/UBND-VP", "125", None, "", "UBND", "VP", F.CONG_VAN),
    ("15/2021/QĐ-UBND", "15/2021/QĐ-UBND", "15", 2021, "QĐ", "UBND", "", F.QPPL),
    ("01/QyĐ-SNV", "01/QyĐ-SNV", "01", None, "QyĐ", "SNV", "", F.CURRENT),
    ("02/TrS-VP", "02/TrS-VP", "02", None, "TrS", "VP", "", F.COPY),
    ("1052/BNV-VTLTNN", "1052/BNV-VTLTNN", "1052", None, "", "BNV", "VTLTNN", F.CONG_VAN),
    ("6127/BKHĐT-TH", "6127/BKHĐT-TH", "6127", None, "", "BKHĐT", "TH", F.CONG_VAN),
    ("02/VP.UBND-KGVX", "02/VP.UBND-KGVX", "02", None, "", "VP.UBND", "KGVX", F.CONG_VAN),
    # A dot inside an agency abbreviation: accepted when parsing incoming documents (§3.1).
    ("32/TB-VP.UBND", "32/TB-VP.UBND", "32", None, "TB", "VP.UBND", "", F.CURRENT),
    # Legacy and common variants that §1 and §3.2 describe: upper-cased mixed-case abbreviations,
    # abbreviations of TT 01/2011, and "CV", which is not lawful but is seen in incoming mail.
    ("10/QYĐ-SNV", "10/QYĐ-SNV", "10", None, "QYĐ", "SNV", "", F.LEGACY),
    ("11/TTR-UBND", "11/TTR-UBND", "11", None, "TTR", "UBND", "", F.LEGACY),
    ("03/GN-UBND", "03/GN-UBND", "03", None, "GN", "UBND", "", F.LEGACY),
    ("45/CV-UBND", "45/CV-UBND", "45", None, "CV", "UBND", "", F.LEGACY),
    # A law or a resolution of the National Assembly: "<số>/<năm>/<cơ quan>" (Nghị quyết 203/2025/QH15).
    ("203/2025/QH15", "203/2025/QH15", "203", 2025, "", "QH15", "", F.QPPL),
    # Documents of the Party: "<số>-<loại>/<cơ quan>".
    ("120-TB/TU", "120-TB/TU", "120", None, "TB", "TU", "", F.PARTY),
    ("05-CT/TW", "05-CT/TW", "05", None, "CT", "TW", "", F.PARTY),
    # Normalised: NFC, the look-alike "Ð" (U+00D0) read as "Đ", blanks around "/" and "-" removed,
    # dashes pasted from a word processor read as "-", invisible formatting characters dropped.
    (" 15 / QĐ - UBND ", "15/QĐ-UBND", "15", None, "QĐ", "UBND", "", F.CURRENT),
    ("15/Q\u00d0-UBND", "15/QĐ-UBND", "15", None, "QĐ", "UBND", "", F.CURRENT),
    ("15/QĐ\u2013UBND", "15/QĐ-UBND", "15", None, "QĐ", "UBND", "", F.CURRENT),
    ("15/QĐ\u00a0-\u00a0UBND", "15/QĐ-UBND", "15", None, "QĐ", "UBND", "", F.CURRENT),
    ("15/QĐ-UBND\u200b", "15/QĐ-UBND", "15", None, "QĐ", "UBND", "", F.CURRENT),
    ("30 / 2020 / NĐ - CP", "30/2020/NĐ-CP", "30", 2020, "NĐ", "CP", "", F.QPPL),
]


@pytest.mark.parametrize("raw, text, number, year, type_abbreviation, issuer, unit, form", VALID,
                         ids=[v[0].strip() or "blank" for v in VALID])
def test_lawful_notations_are_read_into_their_parts(raw, text, number, year, type_abbreviation, issuer, unit, form):
    n = parse(raw)
    assert (n.text, n.number, n.year, n.type_abbreviation, n.issuer, n.unit, n.form) == (
        text, number, year, type_abbreviation, issuer, unit, form)


@pytest.mark.parametrize("raw, symbol, code_notation", [
    ("15/QĐ-UBND", "QĐ-UBND", "QĐ-UBND"),
    ("125/UBND-VP", "UBND-VP", "UBND-VP"),
    ("30/2020/NĐ-CP", "NĐ-CP", "2020/NĐ-CP"),
    ("203/2025/QH15", "QH15", "2025/QH15"),
    ("120-TB/TU", "TB/TU", "TB/TU"),
])
def test_the_symbol_and_the_notation_stored_beside_the_number(raw, symbol, code_notation):
    n = parse(raw)
    assert (n.symbol, n.code_notation) == (symbol, code_notation)


def test_the_proper_letter_d_with_stroke_is_stored():
    assert parse("15/Q\u00d0-UBND").text == "15/Q\u0110-UBND"


# (as typed, reason)
INVALID = [
    ("", "empty"),
    ("   ", "empty"),
    ("/", "shape"),
    ("01/", "shape"),
    ("/QĐ-UBND", "shape"),
    ("abc", "shape"),
    ("15", "shape"),
    ("15/QĐ", "shape"),
    ("15/QĐ-", "shape"),
    ("15/-UBND", "shape"),
    ("15/QĐ--UBND", "shape"),
    ("15//QĐ-UBND", "shape"),
    ("15/QĐ-UBND/", "shape"),
    ("15/QĐ-UBND.", "shape"),
    ("15/QĐ-VP..UBND", "shape"),
    ("Số: 15/QĐ-UBND", "shape"),
    ("15/QĐ-UBND abc", "shape"),
    ("15/QĐ UBND", "shape"),
    ("15/qđ-ubnd", "shape"),
    ("36a/NQ-CP", "shape"),
    ("15/QĐ-ỦBND", "shape"),
    ("99/CV", "shape"),
    ("12\n/QĐ", "control"),
    ("12\x00/QĐ", "control"),
    ("12\t/QĐ-UBND", "control"),
    ("15/QĐ-UBND\n", "control"),
    ("15/QĐ-UB\rND", "control"),
    # §3.2: "5/QĐ-UBND" is rejected, numbers below 10 have a leading zero.
    ("5/QĐ-UBND", "leading_zero"),
    ("7/TB-CU", "leading_zero"),
    ("00/QĐ-UBND", "zero"),
    ("0/2020/NĐ-CP", "zero"),
    ("30/1899/NĐ-CP", "year"),
    ("30/2999/NĐ-CP", "year"),
]


@pytest.mark.parametrize("raw, reason", INVALID, ids=[repr(v[0]) for v in INVALID])
def test_implausible_notations_are_refused_with_a_reason(raw, reason):
    with pytest.raises(NotationError) as exc:
        parse(raw, earliest_year=1945, latest_year=2026)
    assert exc.value.reason == reason
    assert str(exc.value.message)  # a Vietnamese sentence for the field


def test_the_messages_name_what_was_typed_and_show_lawful_examples():
    with pytest.raises(NotationError) as exc:
        parse("01/")
    assert str(exc.value.message) == SHAPE_INVALID % {"s": "01/", "e": EXAMPLES}
    assert "15/QĐ-UBND, 125/UBND-VP, 30/2020/NĐ-CP" in str(exc.value.message)  # the lawful examples, as data
    with pytest.raises(NotationError) as exc:
        parse("12\n/QĐ")
    assert str(exc.value.message) == str(CONTROL_CHARACTERS)
    with pytest.raises(NotationError) as exc:
        parse("5/QĐ-UBND")
    assert str(exc.value.message) == LEADING_ZERO_MISSING % {"s": "5/QĐ-UBND", "f": "05/QĐ-UBND"}
    with pytest.raises(NotationError) as exc:
        parse("30/1899/NĐ-CP", earliest_year=1945, latest_year=2018)
    assert str(exc.value.message) == YEAR_OUT_OF_RANGE % {"y": 1899, "s": "30/1899/NĐ-CP", "min": 1945, "max": 2018}


def test_a_year_is_only_checked_when_bounds_are_given():
    assert parse("30/1899/NĐ-CP").year == 1899
