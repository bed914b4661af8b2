"""The printable register book (sổ đăng ký văn bản đi / đến), Decree 30 Appendix IV."""

from __future__ import annotations

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def register_book_pdf(*, register) -> bytes:
    raise NotImplementedError


def register_book_xlsx(*, register) -> bytes:
    raise NotImplementedError
