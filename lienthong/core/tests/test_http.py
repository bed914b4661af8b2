"""Generated files as downloads: the browser saves them under the given name and never guesses a type."""

from __future__ import annotations

from lienthong.core.http import file_response


def test_an_ascii_name_is_sent_plainly_as_an_attachment():
    response = file_response(b"a;b\r\n", filename="mau-chi-so-cchc.csv", content_type="text/csv; charset=utf-8")
    assert response.content == b"a;b\r\n"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="mau-chi-so-cchc.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_vietnamese_name_is_sent_as_rfc_6266_utf8_and_can_be_shown_inline():
    response = file_response(b"%PDF-1.7", filename="Sổ công văn đến.pdf", content_type="application/pdf",
                             inline=True)
    assert response["Content-Disposition"] == (
        "inline; filename*=utf-8''S%E1%BB%95%20c%C3%B4ng%20v%C4%83n%20%C4%91%E1%BA%BFn.pdf")
