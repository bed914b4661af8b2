"""Small PDF originals for the demo documents, laid out like a Decree 30 document.

Rendered with WeasyPrint (imported here only: it costs seconds to import) in a Times-compatible
serif, so the PDFs carry real Vietnamese text that the extraction step reads back for search. ``tiny_pdf``
writes a one-line PDF by hand instead, for the fast mode of the loader and for tests (``lienthong.testing``).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from html import escape

TYPE_TITLES = {
    "quyet-dinh": "QUYẾT ĐỊNH", "ke-hoach": "KẾ HOẠCH", "bao-cao": "BÁO CÁO", "thong-bao": "THÔNG BÁO",
    "to-trinh": "TỜ TRÌNH", "giay-moi": "GIẤY MỜI", "chi-thi": "CHỈ THỊ", "huong-dan": "HƯỚNG DẪN",
}

_CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
body { font-family: "Liberation Serif", "Times New Roman", "DejaVu Serif", serif; font-size: 13pt; line-height: 1.3; }
table.head { width: 100%; border-collapse: collapse; }
table.head td { vertical-align: top; text-align: center; padding: 0; }
.l { width: 40%; font-size: 12.5pt; } .r { width: 60%; }
.b { font-weight: bold; } .i { font-style: italic; } .u { text-decoration: underline; }
.num { font-size: 13pt; margin-top: 4pt; } .vv { font-size: 12pt; margin-top: 4pt; }
.date { font-style: italic; margin-top: 4pt; }
h1 { text-align: center; font-size: 14pt; margin: 18pt 0 0 0; }
.subject { text-align: center; font-weight: bold; margin: 2pt 15mm 12pt 15mm; }
p.body { text-indent: 1cm; text-align: justify; margin: 0 0 6pt 0; }
table.foot { width: 100%; margin-top: 12pt; }
table.foot td { vertical-align: top; }
.recv { width: 45%; font-size: 11pt; } .recv .t { font-style: italic; font-weight: bold; font-size: 12pt; }
.sign { width: 55%; text-align: center; font-weight: bold; }
.sign .name { margin-top: 60pt; }
"""


@dataclass
class PdfContent:
    header_parent: str
    header_name: str
    number_symbol: str
    place: str
    issued_on: dt.date
    type_code: str
    subject: str
    body: list[str]
    recipients_text: str
    signer_lines: list[str]
    signer_name: str
    date_text: str = ""  # the printed place and date when they must be kept verbatim
    party: bool = False  # a Party body prints "ĐẢNG CỘNG SẢN VIỆT NAM" instead of the national motto


def signer_lines(*, authority: str, position: str, collective: str, head_title: str) -> list[str]:
    """The printed signature block, e.g. ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]."""
    lines = []
    if collective:
        lines.append(f"TM. {collective.upper()}")
    if authority == "KT.":
        lines.append(f"KT. {head_title.upper()}")
    elif authority in ("TL.", "TUQ.", "Q."):
        lines.append(f"{authority} {head_title.upper()}")
    lines.append(position.upper())
    return lines


def date_words(day: dt.date) -> str:
    """"ngày 05 tháng 3 năm 2018": a zero before days below 10 and months 1 and 2 (PL1 §II.4)."""
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {d} tháng {m} năm {day.year}"


def _html(c: PdfContent) -> str:
    header_left = "".join(f"<div>{escape(line)}</div>" for line in c.header_parent.split("\n") if line)
    header_left += "".join(f'<div class="b">{escape(line)}</div>' for line in c.header_name.split("\n"))
    title = TYPE_TITLES.get(c.type_code, "")
    is_letter = not title
    left_extra = f'<div class="vv">{escape(c.subject)}</div>' if is_letter else ""
    motto = ('<div class="b u">ĐẢNG CỘNG SẢN VIỆT NAM</div>' if c.party else
             '<div class="b">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>'
             '<div class="b u">Độc lập - Tự do - Hạnh phúc</div>')
    date_line = escape(c.date_text or f"{c.place}, {date_words(c.issued_on)}")
    parts = [
        f"<style>{_CSS}</style>",
        '<table class="head"><tr>',
        f'<td class="l">{header_left}<div class="num">Số: {escape(c.number_symbol)}</div>{left_extra}</td>',
        f'<td class="r">{motto}<div class="date">{date_line}</div></td>',
        "</tr></table>",
    ]
    if title:
        parts.append(f"<h1>{title}</h1>")
        parts.append(f'<div class="subject">{escape(c.subject)}</div>')
    else:
        addressees = [line.lstrip("- ").rstrip(";.") for line in c.recipients_text.splitlines()
                      if line and not line.lstrip("- ").startswith("Lưu")]
        parts.append("<div style='height:12pt'></div>")
        if addressees:
            parts.append('<div style="margin-left:20mm">Kính gửi: ' + "; ".join(escape(a) for a in addressees)
                         + ".</div><div style='height:6pt'></div>")
    parts += [f'<p class="body">{escape(p)}</p>' for p in c.body]
    recipients = "".join(f"<div>{escape(line)}</div>" for line in c.recipients_text.splitlines())
    signer = "".join(f"<div>{escape(line)}</div>" for line in c.signer_lines)
    parts.append(
        '<table class="foot"><tr>'
        f'<td class="recv"><div class="t">Nơi nhận:</div>{recipients}</td>'
        f'<td class="sign">{signer}<div class="name">{escape(c.signer_name)}</div></td>'
        "</tr></table>"
    )
    return "<html><head><meta charset='utf-8'></head><body>" + "".join(parts) + "</body></html>"


def tiny_pdf(text: str = "Thong bao ket luan", *, filler_hex: bytes | None = None) -> bytes:
    """A valid one-page PDF carrying ``text`` (ASCII) as real, extractable text; with ``filler_hex`` (hex
    digits), also an unreferenced stream of those bytes, to give the file weight."""
    content = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if filler_hex is not None:
        objs.append(b"<< /Length %d /Filter /ASCIIHexDecode >>\nstream\n" % (len(filler_hex) + 1) + filler_hex
                    + b">\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def render_pdf(content: PdfContent) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=_html(content)).write_pdf()


def body_for(*, type_code: str, subject: str, issuer: str, parent_name: str) -> list[str]:
    """A few plausible paragraphs for a generated document (the seed notice uses its real text)."""
    topic = subject[4:] if subject.startswith("V/v ") else subject
    topic = topic[0].lower() + topic[1:]
    if type_code == "quyet-dinh":
        return [
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
            "Xét đề nghị của Thủ trưởng cơ quan chuyên môn có liên quan,",
            "QUYẾT ĐỊNH:",
            f"Điều 1. {subject[0].upper() + subject[1:]}.",
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
            "Điều 3. Thủ trưởng các cơ quan, đơn vị và cá nhân có liên quan chịu trách nhiệm thi hành "
            "Quyết định này./.",
        ]
    if type_code in ("ke-hoach", "huong-dan", "chi-thi"):
        return [
            f"Nhằm triển khai có hiệu quả nhiệm vụ {topic}, {issuer} ban hành văn bản này với các nội dung sau:",
            "I. MỤC ĐÍCH, YÊU CẦU",
            "Xác định cụ thể nội dung công việc, thời hạn hoàn thành và trách nhiệm của từng cơ quan, đơn vị; "
            "bảo đảm thực hiện đồng bộ, thống nhất, đúng quy định.",
            "II. NỘI DUNG VÀ TỔ CHỨC THỰC HIỆN",
            "Các cơ quan, đơn vị căn cứ chức năng, nhiệm vụ được giao chủ động triển khai thực hiện; định kỳ "
            "báo cáo kết quả trước ngày 20 của tháng cuối quý để tổng hợp./.",
        ]
    if type_code == "bao-cao":
        return [
            f"Thực hiện chỉ đạo của {parent_name}, {issuer} báo cáo {topic} như sau:",
            "I. KẾT QUẢ THỰC HIỆN",
            "Các nhiệm vụ trọng tâm cơ bản được triển khai đúng tiến độ; công tác phối hợp giữa các cơ quan, "
            "đơn vị được duy trì thường xuyên.",
            "II. KHÓ KHĂN, VƯỚNG MẮC VÀ KIẾN NGHỊ",
            "Nguồn nhân lực và kinh phí còn hạn chế; kính đề nghị cấp có thẩm quyền quan tâm hỗ trợ./.",
        ]
    if type_code == "giay-moi":
        return [
            f"{issuer} trân trọng kính mời đại diện lãnh đạo các cơ quan, đơn vị dự {topic}.",
            "Thời gian: 07 giờ 30 phút. Địa điểm: Phòng họp trụ sở cơ quan.",
            "Đề nghị các đại biểu sắp xếp thời gian tham dự đúng thành phần./.",
        ]
    if type_code == "to-trinh":
        return [
            f"{issuer} kính trình {parent_name} xem xét, quyết định {topic}.",
            "Hồ sơ kèm theo gồm dự thảo văn bản và các tài liệu có liên quan.",
            f"Kính trình {parent_name} xem xét, quyết định./.",
        ]
    if type_code == "thong-bao":
        return [
            f"{issuer} thông báo {topic} để các cơ quan, đơn vị biết, thực hiện.",
            "Đề nghị các cơ quan, đơn vị nghiêm túc triển khai thực hiện./.",
        ]
    return [
        f"Về việc {topic}, {issuer} đề nghị các cơ quan, đơn vị quan tâm thực hiện một số nội dung sau:",
        "1. Quán triệt, triển khai đầy đủ nội dung đến cán bộ, công chức, viên chức thuộc phạm vi quản lý.",
        f"2. Báo cáo kết quả thực hiện về {issuer} trước ngày 25 hằng tháng để tổng hợp.",
        "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh kịp thời để được hướng dẫn./.",
    ]
