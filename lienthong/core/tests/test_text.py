"""The text helpers every app shares: the shortcut of ``fold`` and ``exact_lower`` for text that folds to
plain ASCII agrees with their general definition, whatever the normalisation of the input."""

from __future__ import annotations

import unicodedata

import pytest

from lienthong.core.text import exact_lower, fold, fold_words

LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})


def folded_by_definition(value: str) -> str:
    """NFD, every combining mark dropped, đ/Đ (and their look-alikes) read as d, lower case."""
    decomposed = unicodedata.normalize("NFD", value.translate(LOOKALIKES))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.translate(str.maketrans({"đ": "d", "Đ": "d"})).lower()


@pytest.mark.parametrize("text", [
    "Quyết định phê duyệt", "ĐỒNG VĂN THANH", "Uỷ ban / Ủy ban", "Ðồng (Icelandic eth)", "İstanbul ﬁ Σ", "naïve café",
    "中文 العربية", "plain ascii 123", "",
])
def test_the_shortcuts_agree_with_the_definitions(text):
    for form in ("NFC", "NFD"):
        value = unicodedata.normalize(form, text)
        assert fold(value) == folded_by_definition(value)
        assert exact_lower(value) == unicodedata.normalize("NFC", value.translate(LOOKALIKES)).lower()


def test_fold_words_reads_runs_of_blanks_as_one_space():
    assert fold_words("  Uỷ ban\u00a0 nhân   dân\ttỉnh ") == "uy ban nhan dan tinh"
    assert fold_words(None) == "" and fold(None) == "" and exact_lower(None) == ""


def test_distinct_parts_drop_what_another_part_already_says():
    from lienthong.core.text import distinct_parts

    title, unit = "Trưởng phòng Phòng Tài chính - Kế hoạch", "Phòng Tài chính - Kế hoạch"
    assert distinct_parts([title, unit]) == [title]
    assert distinct_parts([unit, unit, ""]) == [unit]
    assert distinct_parts(["Chuyên viên", unit]) == ["Chuyên viên", unit]
