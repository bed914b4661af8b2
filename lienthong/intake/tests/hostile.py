"""Files for the reading tests, built here: DOCX through python-docx (tables, VML text boxes), PDF with a text layer
through WeasyPrint, and hostile variants (encrypted PDF, zip bomb, DOCTYPE)."""

from __future__ import annotations

import io
import zipfile

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
V_NS = 'xmlns:v="urn:schemas-microsoft-com:vml"'

HEADER_LEFT = ["UBND TỈNH HẬU GIANG", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Số: 45/STTTT-BCVT",
               "V/v triển khai chữ ký số chuyên dùng"]
HEADER_RIGHT = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                "Hậu Giang, ngày 12 tháng 4 năm 2019"]
BODY = ["Kính gửi: Các sở, ban, ngành tỉnh.", "", "Sở Thông tin và Truyền thông đề nghị các cơ quan triển khai."]
FOOTER_LEFT = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, BCVT."]
FOOTER_RIGHT = ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "", "Châu Minh Triết"]


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def docx_bytes(*, boxes: bool = False) -> bytes:
    """A công văn: header in a two-column table (or in two text boxes), footer in a table."""
    from docx import Document
    from docx.oxml import parse_xml

    document = Document()
    if boxes:
        for column in (HEADER_LEFT, HEADER_RIGHT):
            paras = "".join(f'<w:p><w:r><w:t xml:space="preserve">{_xml(t)}</w:t></w:r></w:p>' for t in column)
            document.add_paragraph()._p.append(parse_xml(
                f'<w:r {W_NS} {V_NS}><w:pict><v:shape><v:textbox><w:txbxContent>{paras}</w:txbxContent>'
                "</v:textbox></v:shape></w:pict></w:r>"))
    else:
        table = document.add_table(rows=1, cols=2)
        for cell, lines in zip(table.rows[0].cells, (HEADER_LEFT, HEADER_RIGHT), strict=True):
            cell.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    for line in BODY:
        document.add_paragraph(line)
    footer = document.add_table(rows=1, cols=2)
    for cell, lines in zip(footer.rows[0].cells, (FOOTER_LEFT, FOOTER_RIGHT), strict=True):
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes() -> bytes:
    """The same công văn as a PDF with a text layer, both header columns side by side."""
    from html import escape

    from weasyprint import HTML

    def column(lines: list[str]) -> str:
        return "".join(f"<p>{escape(x) or '&nbsp;'}</p>" for x in lines)

    html = ("<html><head><meta charset='utf-8'><style>@page{size:A4;margin:20mm}"
            "body{font-family:'DejaVu Serif';font-size:10pt} table{width:100%} td{width:50%;text-align:center;"
            "vertical-align:top} p{margin:0}</style></head><body>"
            f"<table><tr><td>{column(HEADER_LEFT)}</td><td>{column(HEADER_RIGHT)}</td></tr></table><br>"
            f"{column(BODY)}<br><table><tr><td>{column(FOOTER_LEFT)}</td><td>{column(FOOTER_RIGHT)}</td></tr>"
            "</table></body></html>")
    return HTML(string=html).write_pdf()


def encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("mat-khau")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_with(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def zip_bomb_docx() -> bytes:
    """A DOCX whose body unpacks to 20 MB of blanks from a few kilobytes."""
    body = f'<?xml version="1.0"?><w:document {W_NS}><w:body>'.encode() + b" " * 20_000_000 + b"</w:body></w:document>"
    return zip_with({"[Content_Types].xml": b"<Types/>", "word/document.xml": body})


def doctype_docx() -> bytes:
    body = (f'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document {W_NS}>'
            "<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>").encode()
    return zip_with({"[Content_Types].xml": b"<Types/>", "word/document.xml": body})


def scan_png() -> bytes:
    """Page 1 of ``pdf_bytes()`` as a grey scan at 300 dpi, slightly rotated (Poppler's pdftoppm, Pillow)."""
    import subprocess

    from PIL import Image

    png = subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", "-"], input=pdf_bytes(),
                         capture_output=True, check=True).stdout
    image = Image.open(io.BytesIO(png)).rotate(0.6, fillcolor=255)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def scanned_pdf() -> bytes:
    """The scan wrapped in a PDF with no text layer, as a scanner writes it."""
    from PIL import Image

    out = io.BytesIO()
    Image.open(io.BytesIO(scan_png())).save(out, "PDF", resolution=300)
    return out.getvalue()


def blank_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (1240, 1754), 255).save(out, "PNG")
    return out.getvalue()
