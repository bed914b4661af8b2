"""Long printed tables (register books, tracking books) as one PDF, laid out in parts.

WeasyPrint lays a long table out at roughly 25-50 rows a second and keeps the whole layout in memory (a
single 20 000-row document grew past 5 GB), so the rows are rendered in parts and the parts joined with
pypdf: memory stays near 200 MB whatever the number of rows. Each part continues the page numbering of the
one before; a part starts on a new page, so the last page of a part may be only partly filled. WeasyPrint
(about 3 s to import cold) and pypdf are imported when a book is printed, not with the module.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.template.loader import render_to_string

from lienthong.core.iteration import chunks


def pdf_in_parts(rows: Iterable, *, rows_per_part: int, template: str, context: dict, first_part_flag: str) -> bytes:
    """The PDF of ``template`` rendered once per ``rows_per_part`` rows (one part when there are none).

    Each part's context is ``context`` plus ``rows`` (the part's rows), ``first_page`` (the number its
    first page carries) and ``first_part_flag`` (a name such as "with_cover": true for the first part
    only, which prints the cover or title)."""
    import weasyprint
    from pypdf import PdfReader, PdfWriter

    parts: list[bytes] = []
    pages_before = 0
    for index, chunk in enumerate(chunks(rows, rows_per_part)):
        html = render_to_string(template, {
            **context, "rows": chunk, first_part_flag: index == 0, "first_page": pages_before + 1})
        document = weasyprint.HTML(string=html).render()
        pages_before += len(document.pages)
        parts.append(document.write_pdf())
        del document  # the layout of a part is large; drop it before laying out the next one
    if len(parts) == 1:
        return parts[0]
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
