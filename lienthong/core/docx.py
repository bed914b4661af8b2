"""Word documents (python-docx, imported inside each function) in the Decree 30 layout: A4 pages with its
margins, Times New Roman for Latin and complex-script text alike (so Word does not fall back for Vietnamese), the
heading of a letter (issuer on the left, the national motto on the right, each underlined by a short rule),
bordered tables written as one block of WordprocessingML, the page number at the top centre from page 2, and the
closing block ("Nơi nhận" on the left, the signer on the right). Used by the ranking report (reports) and the
công văn đôn đốc (oversight)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

FONT = "Times New Roman"
_PPR_AFTER_BORDER = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                     "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
                     "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                     "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
                     "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def font(run_or_style, *, size=None, bold=None, italic=None):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = run_or_style.font
    font.name = FONT
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def paragraph(container, text="", *, size=13, bold=False, italic=False, align=None, before=0, after=6, indent=False,
          line=1.15):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(after), line
    if indent:
        fmt.first_line_indent = Cm(1)
    p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
                   "right": WD_ALIGN_PARAGRAPH.RIGHT, None: WD_ALIGN_PARAGRAPH.LEFT}[align]
    if text:
        font(p.add_run(text), size=size, bold=bold, italic=italic)
    return p


def rule(container, width_cm: float, cell_width_cm: float):
    """A short centred line under a heading line (a bottom border on an indented empty paragraph)."""
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    p = paragraph(container, after=0, align="center", size=4)
    side = max(0.0, (cell_width_cm - width_cm) / 2)
    p.paragraph_format.left_indent = Cm(side)
    p.paragraph_format.right_indent = Cm(side)
    p.paragraph_format.line_spacing = Pt(4)
    ppr = p._p.get_or_add_pPr()
    borders = ppr.makeelement(qn("w:pBdr"), {})
    bottom = borders.makeelement(qn("w:bottom"), {qn("w:val"): "single", qn("w:sz"): "6", qn("w:space"): "1",
                                                  qn("w:color"): "000000"})
    borders.append(bottom)
    ppr.insert_element_before(borders, *_PPR_AFTER_BORDER)  # schema order: Word rejects misplaced elements
    return p


def borderless(table):
    from docx.oxml.ns import qn

    tbl_pr = table._tbl.tblPr
    borders = tbl_pr.makeelement(qn("w:tblBorders"), {})
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(borders.makeelement(qn(f"w:{side}"), {qn("w:val"): "nil"}))
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                                 "w:tblDescription", "w:tblPrChange")


def _cell_xml(text, width_twips: int, *, size_half_points: int, bold: bool, align: str | None) -> str:
    from xml.sax.saxutils import escape

    paras = []
    for line in str(text).split("\n"):
        jc = f'<w:jc w:val="{align}"/>' if align else ""
        rpr = (f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/>'
               f'{"<w:b/>" if bold else ""}<w:sz w:val="{size_half_points}"/>'
               f'<w:szCs w:val="{size_half_points}"/></w:rPr>')
        paras.append(f'<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>{jc}</w:pPr>'
                     f'<w:r>{rpr}<w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>')
    return f'<w:tc><w:tcPr><w:tcW w:w="{width_twips}" w:type="dxa"/></w:tcPr>{"".join(paras)}</w:tc>'


def table(doc, head, body, *, widths_cm, size=10.5, numeric_from=None):
    """A bordered table written as one block of WordprocessingML (python-docx's cell API costs ~1 ms per cell,
    too slow for a province of several hundred units); the header row repeats on every page."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    twips = [int(w * 567) for w in widths_cm]
    half = int(round(size * 2))
    grid = "".join(f'<w:gridCol w:w="{t}"/>' for t in twips)
    border = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                     for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    rows = ['<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>'
            + "".join(_cell_xml(t, w, size_half_points=half, bold=True, align="center")
                      for t, w in zip(head, twips, strict=True))
            + "</w:tr>"]
    for line in body:
        cells = []
        for j, (text, w) in enumerate(zip(line, twips, strict=True)):
            align = "center" if numeric_from is not None and (j == 0 or j >= numeric_from) else None
            cells.append(_cell_xml(text, w, size_half_points=half, bold=False, align=align))
        rows.append('<w:tr><w:trPr><w:cantSplit/></w:trPr>' + "".join(cells) + "</w:tr>")
    xml = (f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:tblBorders>{border}'
           f'</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="60" w:type="dxa"/>'
           f'<w:right w:w="60" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
           + "".join(rows) + "</w:tbl>")
    tbl = parse_xml(xml)
    doc.element.body.append(tbl)
    # keep the section properties last in the body
    sect = doc.element.body.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sectPr")
    if sect is not None:
        doc.element.body.append(sect)
    paragraph(doc, after=4)
    from docx.table import Table

    return Table(tbl, doc._body)


def page_number_header(section):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    section.different_first_page_header_footer = True  # Decree 30: no number on the first page
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    font(run, size=13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        else:
            el = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            el.text = text
        run._r.append(el)


def a4_document():
    """A new document: A4 portrait, Decree 30 margins (top/bottom 20 mm, left 30 mm, right 15 mm), Times New
    Roman 13 pt, the page number from page 2. The text is 16.5 cm wide (``TEXT_WIDTH_CM``)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = doc.styles["Normal"]
    font(normal, size=13)
    normal.paragraph_format.space_after = Pt(6)
    page_number_header(section)
    return doc


TEXT_WIDTH_CM = 16.5


@dataclass
class LetterHeading:
    """The top of a Decree 30 document (PL1 §II, ô 1–4): governing body, issuer lines, "Số: …", the motto, place
    and date, and under the issuer's number (công văn) the "V/v" summary."""

    parent: str  # the governing body's line ("UBND TỈNH HẬU GIANG"), or ""
    agency: list[str]  # the issuer's lines, bold
    number: str  # "Số: …/BC-UBND"
    place_date: str  # "Hậu Giang, ngày … tháng … năm 2018"
    summary_under_number: list[str] = field(default_factory=list)  # công văn: "V/v …" under the number


def letter_heading(doc, h: LetterHeading, *, motto: str, motto_sub: str) -> None:
    """Write ``h`` as a borderless two-column table: issuer left (7.5 cm), motto right (9.5 cm)."""
    from docx.shared import Cm, Pt

    top = doc.add_table(rows=1, cols=2)
    borderless(top)
    top.autofit = False
    left, right = top.rows[0].cells
    left.width, right.width = Cm(7.5), Cm(9.5)
    left.paragraphs[0].text = ""
    first = left.paragraphs[0]
    if h.parent:
        first.alignment = 1
        font(first.add_run(h.parent), size=12)
        first.paragraph_format.space_after = Pt(0)
        first = None
    for line in h.agency:
        p = first or paragraph(left, after=0, align="center")
        first = None
        p.alignment = 1
        p.paragraph_format.space_after = Pt(0)
        font(p.add_run(line), size=12, bold=True)
    rule(left, 2.5, 7.5)
    paragraph(left, h.number, size=13, align="center", before=6, after=0)
    for line in h.summary_under_number:
        paragraph(left, line, size=12, align="center", after=0)
    r0 = right.paragraphs[0]
    r0.alignment = 1
    r0.paragraph_format.space_after = Pt(0)
    font(r0.add_run(motto), size=12, bold=True)
    paragraph(right, motto_sub, size=13, bold=True, align="center", after=0)
    rule(right, 5.2, 9.5)
    paragraph(right, h.place_date, size=13, italic=True, align="center", before=6, after=0)


def letter_closing(doc, *, recipients_title: str, recipients: list[str], signer_lines: list[str],
                   signer_name: str = "", note: str = "") -> None:
    """"Nơi nhận:" and its lines on the left (8 cm), the signer's authority, title and name on the right."""
    from docx.shared import Cm, Pt

    end = doc.add_table(rows=1, cols=2)
    borderless(end)
    end.autofit = False
    left, right = end.rows[0].cells
    left.width, right.width = Cm(8), Cm(8.5)
    left.paragraphs[0].text = ""
    p = left.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    font(p.add_run(recipients_title), size=12, bold=True, italic=True)
    for line in recipients:
        paragraph(left, line, size=11, after=0)
    r0 = right.paragraphs[0]
    r0.alignment = 1
    r0.paragraph_format.space_after = Pt(0)
    for i, line in enumerate(signer_lines):
        if i == 0:
            font(r0.add_run(line), size=13, bold=True)
        else:
            paragraph(right, line, size=13, bold=True, align="center", after=0)
    if note:
        paragraph(right, note, size=13, italic=True, align="center", after=0)
    if signer_name:
        paragraph(right, signer_name, size=13, bold=True, align="center", before=60, after=0)


def saved(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
