"""Write the labelled set of the metadata extractor: ``python bench/intake/make_set.py [DIR]``.

Every document is written for the project (names of people are invented; no real document is copied), from
hand-written parts: agencies at the levels of the province (tỉnh, huyện, xã), ministries and Party bodies, the
document types of Decree 30 and older numbering styles, subjects, addressees, recipients and signature blocks.
Each document is combined from them with a seeded random generator and rendered in one of several text layouts:

- ``columns``: the two header columns one after the other (what a DOCX table gives when read cell by cell);
- ``interleaved``: both columns on one line with a single space (what copying from a viewer gives; the seed notice);
- ``spaced``: both columns on one line, the right one pushed along with spaces (a PDF read with its layout).

Some have the position glued to the name, the date digits split or glued, spaced or old-style numbers, urgency
and secrecy marks, and the plain-text copy of four is in a legacy encoding (TCVN3 or VNI). The seed notice of
the project (``../shared/seed``, copied as ``hand/seed-32-TB-VP.UBND.txt``) and the documents of ``hand/``
(``h*.txt``, written one by one with their labels in ``hand/labels.jsonl`` before the extractor was run on them:
layouts the generator does not make) are copied in.

Writes ``dNN.txt`` (committed), ``dNN.docx`` and ``dNN.pdf`` (generated, git-ignored) and ``labels.jsonl``.
``--text-only`` skips the DOCX and PDF.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from lienthong.intake.extraction import legacy  # noqa: E402

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
PARTY_MOTTO = "ĐẢNG CỘNG SẢN VIỆT NAM"


@dataclass
class Agency:
    parent: str | None
    issuer_lines: list[str]
    abbreviation: str
    place: str
    signers: list[tuple[list[str], str]]  # (authority lines, position)
    party: bool = False

    @property
    def issuer(self) -> str:
        return " ".join(self.issuer_lines)


AGENCIES = [
    Agency("UBND TỈNH HẬU GIANG", ["SỞ TÀI CHÍNH"], "STC", "Hậu Giang",
           [([], "GIÁM ĐỐC"), (["KT. GIÁM ĐỐC"], "PHÓ GIÁM ĐỐC")]),
    Agency(None, ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI"], "UBND", "Quảng Ngãi",
           [(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], "PHÓ CHỦ TỊCH"), (["TM. ỦY BAN NHÂN DÂN"], "CHỦ TỊCH"),
            (["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG"], "PHÓ CHÁNH VĂN PHÒNG")]),
    Agency("UBND HUYỆN VỊ THỦY", ["PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"], "PGDĐT", "Vị Thủy",
           [([], "TRƯỞNG PHÒNG"), (["KT. TRƯỞNG PHÒNG"], "PHÓ TRƯỞNG PHÒNG")]),
    Agency(None, ["BỘ NỘI VỤ"], "BNV", "Hà Nội",
           [(["KT. BỘ TRƯỞNG"], "THỨ TRƯỞNG"), (["TL. BỘ TRƯỞNG"], "VỤ TRƯỞNG VỤ CÔNG CHỨC - VIÊN CHỨC")]),
    Agency("BỘ Y TẾ", ["CỤC QUẢN LÝ KHÁM, CHỮA BỆNH"], "KCB", "Hà Nội",
           [([], "CỤC TRƯỞNG"), (["Q. CỤC TRƯỞNG"], "PHÓ CỤC TRƯỞNG"), (["KT. CỤC TRƯỞNG"], "PHÓ CỤC TRƯỞNG")]),
    Agency("UBND HUYỆN CHÂU THÀNH A", ["UBND XÃ TÂN HÒA"], "UBND", "Tân Hòa",
           [(["TM. ỦY BAN NHÂN DÂN"], "CHỦ TỊCH"), (["TM. UỶ BAN NHÂN DÂN", "KT. CHỦ TỊCH"], "PHÓ CHỦ TỊCH")]),
    Agency("TỔNG CỤC THUẾ", ["CỤC THUẾ TỈNH BẠC LIÊU"], "CTBLI", "Bạc Liêu",
           [([], "CỤC TRƯỞNG"), (["KT. CỤC TRƯỞNG"], "PHÓ CỤC TRƯỞNG")]),
    Agency("ĐẢNG BỘ TỈNH HẬU GIANG", ["HUYỆN ỦY LONG MỸ"], "HU", "Long Mỹ",
           [(["T/M BAN THƯỜNG VỤ"], "BÍ THƯ"), (["T/M BAN THƯỜNG VỤ"], "PHÓ BÍ THƯ")], party=True),
    Agency(None, ["TỈNH ỦY SÓC TRĂNG"], "TU", "Sóc Trăng",
           [(["T/M BAN THƯỜNG VỤ"], "PHÓ BÍ THƯ THƯỜNG TRỰC"), (["T/L BAN THƯỜNG VỤ"], "CHÁNH VĂN PHÒNG")], party=True),
    Agency("UBND TỈNH QUẢNG NGÃI", ["SỞ NÔNG NGHIỆP VÀ", "PHÁT TRIỂN NÔNG THÔN"], "SNNPTNT", "Quảng Ngãi",
           [([], "GIÁM ĐỐC"), (["KT. GIÁM ĐỐC"], "PHÓ GIÁM ĐỐC")]),
    Agency("SỞ Y TẾ TỈNH HẬU GIANG", ["BỆNH VIỆN ĐA KHOA TỈNH"], "BVĐK", "Vị Thanh",
           [([], "GIÁM ĐỐC"), (["KT. GIÁM ĐỐC"], "PHÓ GIÁM ĐỐC")]),
    Agency("HĐND TỈNH SÓC TRĂNG", ["BAN PHÁP CHẾ"], "BPC", "Sóc Trăng",
           [(["TM. BAN PHÁP CHẾ"], "TRƯỞNG BAN"), (["TM. BAN PHÁP CHẾ", "KT. TRƯỞNG BAN"], "PHÓ TRƯỞNG BAN")]),
    Agency(None, ["BỘ THÔNG TIN VÀ TRUYỀN THÔNG"], "BTTTT", "Hà Nội",
           [(["KT. BỘ TRƯỞNG"], "THỨ TRƯỞNG"), (["TL. BỘ TRƯỞNG"], "CỤC TRƯỞNG CỤC CHUYỂN ĐỔI SỐ QUỐC GIA")]),
    Agency("UBND TỈNH HẬU GIANG", ["BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP"], "BQL", "Hậu Giang",
           [([], "TRƯỞNG BAN"), (["KT. TRƯỞNG BAN"], "PHÓ TRƯỞNG BAN")]),
    Agency("BỘ CÔNG AN", ["CÔNG AN TỈNH ĐỒNG THÁP"], "CAT", "Đồng Tháp",
           [([], "GIÁM ĐỐC"), (["KT. GIÁM ĐỐC"], "PHÓ GIÁM ĐỐC")]),
    Agency("UBND HUYỆN PHỤNG HIỆP", ["VĂN PHÒNG HĐND VÀ UBND"], "VP", "Phụng Hiệp",
           [([], "CHÁNH VĂN PHÒNG"), (["KT. CHÁNH VĂN PHÒNG"], "PHÓ CHÁNH VĂN PHÒNG")]),
    Agency("UBND TỈNH HẬU GIANG", ["SỞ NỘI VỤ"], "SNV", "Hậu Giang",
           [(["TUQ. CHỦ TỊCH UBND TỈNH"], "GIÁM ĐỐC SỞ NỘI VỤ"), ([], "GIÁM ĐỐC")]),
    Agency("UBND QUẬN NINH KIỀU", ["PHÒNG TÀI NGUYÊN VÀ MÔI TRƯỜNG"], "TNMT", "Ninh Kiều",
           [([], "TRƯỞNG PHÒNG")]),
    Agency("VĂN PHÒNG QUỐC HỘI", ["VỤ CÔNG TÁC ĐẠI BIỂU"], "VCTĐB", "Hà Nội",
           [(["TL. CHỦ NHIỆM"], "PHÓ CHỦ NHIỆM"), ([], "VỤ TRƯỞNG")]),
]

NAMES = ["Nguyễn Văn An", "Trần Thị Bích Hạnh", "Lê Minh Khôi", "Phạm Quốc Dũng", "Võ Thị Mỹ Lệ", "Đặng Văn Tùng",
         "Bùi Thị Thu Trang", "Hồ Ngọc Sơn", "Dương Văn Lợi", "Châu Minh Triết", "Lâm Thị Kim Ngân", "Tạ Quang Vinh",
         "Văn Trọng Lý", "Mai Xuân Hòa", "Đoàn Thị Hồng Nhung", "Trịnh Công Bằng", "Quách Thanh Tâm", "Ông Văn Đức",
         "Lý Thị Huyền", "Kiều Anh Tuấn", "Ngô Thanh Liêm", "Tôn Nữ Thảo Vy"]

# (type name, abbreviation or "" for a công văn, subjects)
TYPES = [
    ("Quyết định", "QĐ", ["Về việc phê duyệt kế hoạch lựa chọn nhà thầu gói thầu cải tạo trụ sở làm việc",
                         "Ban hành Quy chế làm việc của Ban Chỉ đạo chuyển đổi số",
                         "Về việc thành lập Tổ công tác rà soát thủ tục hành chính năm 2021",
                         "Về việc khen thưởng các tập thể có thành tích trong phong trào thi đua năm học"]),
    ("Công văn", "", ["góp ý dự thảo Kế hoạch phát triển thương mại điện tử giai đoạn 2021 - 2025",
                      "đôn đốc báo cáo tình hình cung cấp dịch vụ công trực tuyến",
                      "cử cán bộ tham dự lớp tập huấn sử dụng chữ ký số",
                      "đề nghị cung cấp số liệu phục vụ xây dựng báo cáo tổng kết",
                      "triển khai gửi, nhận văn bản điện tử qua Trục liên thông văn bản quốc gia"]),
    ("Thông báo", "TB", ["Kết luận của Chủ tịch UBND tỉnh tại buổi làm việc với Sở Xây dựng",
                         "Lịch tiếp công dân định kỳ của lãnh đạo tháng 4 năm 2019",
                         "Về việc tuyển dụng viên chức năm 2022"]),
    ("Tờ trình", "TTr", ["Về việc đề nghị phê duyệt dự toán kinh phí tổ chức Hội nghị tổng kết năm 2020",
                         "Đề nghị ban hành Nghị quyết quy định mức chi hỗ trợ công tác hòa giải ở cơ sở"]),
    ("Báo cáo", "BC", ["Tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội 6 tháng đầu năm 2022",
                       "Kết quả công tác cải cách hành chính quý III năm 2023"]),
    ("Kế hoạch", "KH", ["Triển khai thực hiện Đề án 06 trên địa bàn năm 2023",
                        "Tổ chức các hoạt động hưởng ứng Ngày Chuyển đổi số quốc gia"]),
    ("Chỉ thị", "CT", ["Về tăng cường công tác phòng, chống dịch bệnh trong mùa mưa lũ",
                       "Về việc chấn chỉnh kỷ luật, kỷ cương hành chính"]),
    ("Giấy mời", "GM", ["Dự họp sơ kết công tác cải cách hành chính quý I năm 2024",
                        "Dự Hội nghị triển khai nhiệm vụ công tác văn thư, lưu trữ năm 2020"]),
    ("Nghị quyết", "NQ", ["Về nhiệm vụ trọng tâm lãnh đạo năm 2019"]),
    ("Hướng dẫn", "HD", ["Thực hiện chế độ báo cáo thống kê ngành giáo dục"]),
    ("Công điện", "CĐ", ["Về việc chủ động ứng phó với bão số 9"]),
    ("Biên bản", "BB", ["Họp Hội đồng xét duyệt sáng kiến cấp cơ sở năm 2021"]),
]

ADDRESSEE_POOL = ["Sở Thông tin và Truyền thông", "Sở Kế hoạch và Đầu tư",
                  "Ủy ban nhân dân các huyện, thị xã, thành phố",
                  "Các sở, ban, ngành tỉnh", "Văn phòng Ủy ban nhân dân tỉnh", "Bảo hiểm xã hội tỉnh",
                  "Kho bạc Nhà nước tỉnh", "Các trường trung học cơ sở trên địa bàn", "Ban Tuyên giáo Tỉnh ủy"]
RECIPIENT_POOL = ["TT. Tỉnh ủy", "TT. HĐND tỉnh", "Chủ tịch, các PCT UBND tỉnh", "Các sở, ban, ngành tỉnh",
                  "UBND các huyện, thị xã, thành phố", "Cổng thông tin điện tử tỉnh", "Phòng Nội vụ",
                  "Các đơn vị trực thuộc", "Báo Hậu Giang", "Đài Phát thanh và Truyền hình tỉnh"]
BODY = ["Thực hiện chỉ đạo của cấp trên về việc đẩy mạnh ứng dụng công nghệ thông tin trong hoạt động của cơ quan "
        "nhà nước, đề nghị các cơ quan, đơn vị triển khai thực hiện một số nội dung sau:",
        "1. Rà soát, cập nhật danh mục thủ tục hành chính thuộc thẩm quyền giải quyết; công khai đầy đủ, kịp thời.",
        "2. Báo cáo kết quả thực hiện trước ngày 15 hằng tháng để tổng hợp, báo cáo Ủy ban nhân dân tỉnh.",
        "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh kịp thời để được hướng dẫn./."]
QD_BASES = ["Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
            "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
            "Theo đề nghị của Giám đốc Sở Nội vụ."]


@dataclass
class Doc:
    ident: str
    agency: Agency
    type_name: str
    abbreviation: str
    subject: str
    number: str
    symbol: str
    separator: str
    date: tuple[int, int, int]
    date_style: str
    number_style: str
    layout: str
    authority: list[str]
    position: str
    name: str
    urgency: str | None = None
    secrecy: str | None = None
    addressees: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    glued_signer: bool = False
    encoding: str | None = None

    @property
    def number_symbol(self) -> str:
        return f"{self.number}{self.separator}{self.symbol}"

    def label(self) -> dict[str, object]:
        d, m, y = self.date
        return {
            "id": self.ident, "issuer": self.agency.issuer, "parent_issuer": self.agency.parent,
            "number": self.number, "symbol": self.symbol, "number_symbol": self.number_symbol,
            "place": self.agency.place, "date": f"{y:04d}-{m:02d}-{d:02d}", "doc_type": self.type_name,
            "subject": self.subject, "urgency": self.urgency, "secrecy": self.secrecy,
            "addressees": self.addressees or None, "recipients": self.recipients or None,
            "signer_authority": "; ".join(self.authority) or None, "signer_position": self.position,
            "signer_name": self.name,
        }


def _date_text(doc: Doc) -> str:
    d, m, y = doc.date
    if doc.date_style == "padded":
        return f"ngày {d:02d} tháng {m:02d} năm {y}"
    if doc.date_style == "glued":
        return f"ngày{d}tháng{m}năm{y}"
    if doc.date_style == "split":
        dd = f"{d:02d}"
        return f"ngày {dd[0]} {dd[1]} tháng {m} năm {str(y)[:2]} {str(y)[2:]}"
    return f"ngày {d} tháng {m} năm {y}"


def _number_text(doc: Doc) -> str:
    prefix = "Số" if doc.agency.party else "Số:"
    if doc.number_style == "spaced":
        return f"Số : {doc.number} {doc.separator} {doc.symbol.replace('-', ' - ')}"
    return f"{prefix} {doc.number}{doc.separator}{doc.symbol}"


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def parts(doc: Doc) -> dict[str, list[str]]:
    """The blocks of the document, as lines."""
    left = ([doc.agency.parent] if doc.agency.parent else []) + doc.agency.issuer_lines
    if doc.agency.party:
        left = [*left, "*"]
    right = [PARTY_MOTTO] if doc.agency.party else [MOTTO, MOTTO_2]
    date_line = f"{doc.agency.place}, {_date_text(doc)}"
    marks = [m.upper() for m in (doc.secrecy, doc.urgency) if m]
    vv = []
    if doc.type_name == "Công văn":
        vv = _wrap(f"V/v {doc.subject}", 34)
    title = [] if doc.type_name == "Công văn" else [doc.type_name.upper(), *_wrap(doc.subject, 70)]
    body = list(BODY)
    if doc.type_name == "Quyết định":
        body = [f"CHỦ TỊCH {doc.agency.issuer}" if "ỦY BAN" in doc.agency.issuer else "GIÁM ĐỐC", *QD_BASES,
                "QUYẾT ĐỊNH:", "Điều 1. Phê duyệt nội dung nêu tại trích yếu Quyết định này.",
                "Điều 2. Quyết định này có hiệu lực kể từ ngày ký./."]
    greeting = []
    if doc.addressees:
        if len(doc.addressees) == 1:
            greeting = [f"Kính gửi: {doc.addressees[0]}."]
        else:
            greeting = ["Kính gửi:"] + [f"- {a};" for a in doc.addressees[:-1]] + [f"- {doc.addressees[-1]}."]
    recipients = ["Nơi nhận:"] + [f"- {r};" for r in doc.recipients[:-1]] + [f"- {doc.recipients[-1]}."]
    signature = [*doc.authority]
    if doc.glued_signer:
        signature += [f"{doc.position}{doc.name}"]
    else:
        signature += [doc.position, "(Đã ký)" if doc.ident[-1] in "13579" else "", "", doc.name]
    return {"left": left, "number": [_number_text(doc)], "vv": vv, "right": right, "date": [date_line],
            "marks": marks, "title": title, "greeting": greeting, "body": body, "recipients": recipients,
            "signature": signature}


def render_text(doc: Doc) -> str:
    p = parts(doc)
    lines: list[str] = []
    if doc.layout == "columns":
        lines += p["marks"] + p["left"] + p["number"] + p["vv"] + [""] + p["right"] + p["date"] + [""]
    else:
        gap = " " if doc.layout == "interleaved" else None
        left = p["left"] + [""] * max(0, len(p["right"]) - len(p["left"]))
        right = p["right"] + [""] * max(0, len(p["left"]) - len(p["right"]))
        lines += p["marks"]
        for a, b in zip(left, right, strict=True):
            lines.append(f"{a}{gap}{b}" if gap else f"{a:<44}{b}")
        lines.append("")
        number, date = p["number"][0], p["date"][0]
        lines.append(f"{number}{gap}{date}" if gap else f"{number:<44}{date}")
        lines += p["vv"] + [""]
    lines += p["title"] + [""] + p["greeting"] + [""] + p["body"] + [""]
    if doc.layout == "spaced":
        rec, sig = p["recipients"], p["signature"]
        height = max(len(rec), len(sig))
        for a, b in zip(rec + [""] * (height - len(rec)), sig + [""] * (height - len(sig)), strict=True):
            lines.append(f"{a:<44}{b}".rstrip())
    else:
        lines += p["recipients"] + [""] + p["signature"]
    text = "\n".join(lines) + "\n"
    return legacy.encode(text, doc.encoding) if doc.encoding else text


def render_docx(doc: Doc, path: Path, *, header_in_boxes: bool) -> None:
    from docx import Document
    from docx.oxml import parse_xml

    p = parts(doc)
    document = Document()
    for mark in p["marks"]:
        document.add_paragraph(mark)
    if header_in_boxes:  # the header columns drawn as text boxes (VML), as some templates do
        ns = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
              'xmlns:v="urn:schemas-microsoft-com:vml"')
        for column in (p["left"] + p["number"] + p["vv"], p["right"] + p["date"]):
            paras = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{_xml(t)}</w:t></w:r></w:p>" for t in column)
            box = parse_xml(f'<w:r {ns}><w:pict><v:shape style="width:220pt;height:90pt"><v:textbox>'
                            f"<w:txbxContent>{paras}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>")
            document.add_paragraph()._p.append(box)
    else:
        table = document.add_table(rows=1, cols=2)
        _cell(table.rows[0].cells[0], p["left"] + p["number"] + p["vv"])
        _cell(table.rows[0].cells[1], p["right"] + p["date"])
    for line in p["title"] + [""] + p["greeting"] + p["body"]:
        document.add_paragraph(line)
    footer = document.add_table(rows=1, cols=2)
    _cell(footer.rows[0].cells[0], p["recipients"])
    _cell(footer.rows[0].cells[1], p["signature"])
    document.save(str(path))


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(cell, lines: list[str]) -> None:
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def render_html(doc: Doc) -> str:
    from html import escape

    p = parts(doc)

    def block(lines: list[str], cls: str = "") -> str:
        return "".join(f'<p class="{cls}">{escape(x) or "&nbsp;"}</p>' for x in lines)

    head = (f'<table><tr><td class="l">{block(p["left"] + p["number"] + p["vv"])}</td>'
            f'<td class="r">{block(p["right"] + p["date"])}</td></tr></table>')
    foot = (f'<table><tr><td class="l small">{block(p["recipients"])}</td>'
            f'<td class="r">{block(p["signature"])}</td></tr></table>')
    style = ("@page{size:A4;margin:20mm 15mm 20mm 30mm} body{font-family:'DejaVu Serif';font-size:10.5pt}"
             "table{width:100%;border-collapse:collapse} td{vertical-align:top;width:50%} td.l,td.r{text-align:center}"
             "p{margin:0 0 2pt 0} .c{text-align:center} .small{font-size:9pt;text-align:left}")
    return (f"<html><head><meta charset='utf-8'><style>{style}</style></head><body>{block(p['marks'])}{head}"
            f"<br>{block(p['title'], 'c')}<br>{block(p['greeting'])}{block(p['body'])}<br>{foot}</body></html>")


def build(rng: random.Random) -> list[Doc]:
    docs: list[Doc] = []
    layouts = ["columns", "interleaved", "spaced"]
    date_styles = ["padded", "plain", "plain", "padded", "glued", "split"]
    for i in range(44):
        agency = AGENCIES[i % len(AGENCIES)]
        type_name, abbreviation, subjects = TYPES[(i * 5 + i // len(AGENCIES)) % len(TYPES)]
        if agency.party and type_name in ("Công điện", "Giấy mời", "Biên bản", "Tờ trình"):
            type_name, abbreviation, subjects = TYPES[8]  # Nghị quyết
        subject = subjects[i % len(subjects)]
        year = rng.choice([2016, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025])
        date = (rng.randint(1, 28), rng.randint(1, 12), year)
        number = f"{rng.randint(1, 1500):02d}"
        separator = "/"
        if agency.party:
            separator = "-"
            symbol = f"{abbreviation or 'CV'}/{agency.abbreviation}"
        elif abbreviation:
            symbol = f"{abbreviation}-{agency.abbreviation}"
        else:
            unit = rng.choice(["VP", "KT", "TH", "NC", "VX", "KTTH"])
            symbol = f"{agency.abbreviation}-{unit}" if agency.abbreviation not in ("UBND",) else f"UBND-{unit}"
        authority, position = agency.signers[i % len(agency.signers)]
        layout = layouts[(i + i // 3) % 3]
        doc = Doc(f"d{i + 1:02d}", agency, type_name, abbreviation, subject, number, symbol, separator, date,
                  date_styles[i % len(date_styles)], "spaced" if i % 11 == 4 else "plain", layout, list(authority),
                  position, NAMES[(i * 7) % len(NAMES)])
        if type_name in ("Công văn", "Tờ trình", "Báo cáo") and not agency.party:
            count = 1 if type_name != "Công văn" else rng.choice([1, 2, 3])
            doc.addressees = rng.sample(ADDRESSEE_POOL, count)
        doc.recipients = (["Như trên"] if doc.addressees else []) + rng.sample(RECIPIENT_POOL, rng.randint(1, 4))
        doc.recipients.append(rng.choice(["Lưu: VT", f"Lưu: VT, {rng.choice(['TH', 'KT', 'NC'])}", "Lưu VT"]))
        if type_name == "Công điện" or i % 9 == 2:
            doc.urgency = rng.choice(["Khẩn", "Thượng khẩn", "Hỏa tốc"])
        if i % 13 == 6:
            doc.secrecy = rng.choice(["Mật", "Tối mật"])
        doc.glued_signer = i % 8 == 5
        if i in (10, 30):
            doc.encoding = "tcvn3"
        if i in (20, 40):
            doc.encoding = "vni"
        docs.append(doc)
    # Old numbering styles, written out.
    old_styles = [("3925", " ", "TM/VP", "VĂN PHÒNG HỘI ĐỒNG BỘ TRƯỞNG"), ("101", "-", "HĐBT", "HỘI ĐỒNG BỘ TRƯỞNG"),
                  ("27", "/", "1999/QĐ-UB", "ỦY BAN NHÂN DÂN TỈNH CẦN THƠ")]
    for k, (number, separator, symbol, issuer) in enumerate(old_styles):
        agency = Agency(None, [issuer], "", "Hà Nội" if k < 2 else "Cần Thơ",
                        [(["T/M HỘI ĐỒNG BỘ TRƯỞNG", "K/T CHỦ TỊCH"], "PHÓ CHỦ TỊCH")])
        type_name = ["Công văn", "Quyết định", "Quyết định"][k]
        subject = ["tổng kết công tác hành chính năm 1988", "Về việc sắp xếp lại tổ chức bộ máy",
                   "Về việc giao chỉ tiêu kế hoạch năm 1999"][k]
        doc = Doc(f"d{45 + k:02d}", agency, type_name, "", subject, number, symbol, separator,
                  (rng.randint(1, 28), rng.randint(1, 12), [1988, 1989, 1999][k]), "plain", "plain",
                  ["columns", "interleaved", "spaced"][k], ["T/M HỘI ĐỒNG BỘ TRƯỞNG", "K/T CHỦ TỊCH"] if k < 2 else
                  ["TM. ỦY BAN NHÂN DÂN TỈNH", "KT. CHỦ TỊCH"], "PHÓ CHỦ TỊCH", NAMES[(k * 5 + 3) % len(NAMES)])
        doc.recipients = ["Như trên", "Lưu"] if k == 0 else ["Các Bộ, cơ quan ngang Bộ", "Lưu: VT"]
        if k == 0:
            doc.addressees = ["Các Bộ, Tổng cục"]
        docs.append(doc)
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(Path(__file__).resolve().parent))
    parser.add_argument("--text-only", action="store_true")
    parser.add_argument("--scans", metavar="DIR", help="also write a degraded scan (PNG) of page 1 of the PDFs "
                        "of the set into DIR, with a copy of labels.jsonl (for extract_eval DIR)")
    parser.add_argument("--scan-every", type=int, default=1, metavar="K", help="scan only every K-th PDF")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    docs = build(random.Random(19))
    labels = [doc.label() for doc in docs]
    for doc in docs:
        (out / f"{doc.ident}.txt").write_text(render_text(doc), encoding="latin-1" if doc.encoding else "utf-8")
    hand = Path(__file__).resolve().parent / "hand"
    for line in (hand / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        label = json.loads(line)
        (out / f"{label['id']}.txt").write_bytes((hand / f"{label['id']}.txt").read_bytes())
        labels.append(label)
    (out / "labels.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in labels),
                                      encoding="utf-8")
    if args.text_only:
        return
    from weasyprint import HTML

    for k, doc in enumerate(docs):
        render_docx(doc, out / f"{doc.ident}.docx", header_in_boxes=k % 10 == 7)
        HTML(string=render_html(doc)).write_pdf(str(out / f"{doc.ident}.pdf"))
    from lienthong.intake.extraction.readers import read_document
    from lienthong.intake.extraction.text import prepare

    for label in labels:
        ident = str(label["id"])
        if ident[0] == "d" and ident[1:].isdigit():
            continue
        text, _ = prepare(read_document((out / f"{ident}.txt").read_bytes(), f"{ident}.txt").text)
        render_plain_docx(text, out / f"{ident}.docx")
        HTML(string=render_plain_html(text)).write_pdf(str(out / f"{ident}.pdf"))
    if args.scans:
        write_scans(out, Path(args.scans), every=args.scan_every)
    print(f"{len(labels)} documents in {out}")


def write_scans(folder: Path, target: Path, every: int = 1) -> None:
    """Page 1 of every PDF rendered at 300 dpi (Poppler's pdftoppm), then degraded like a scan: a slight skew,
    a blur and speckle noise (seeded)."""
    import io
    import subprocess

    from PIL import Image, ImageFilter

    target.mkdir(parents=True, exist_ok=True)
    rng = random.Random(30)
    for pdf in sorted(folder.glob("*.pdf"))[::every]:
        png = subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", "-f", "1", "-l", "1",
                              str(pdf)], capture_output=True, check=True).stdout
        image = Image.open(io.BytesIO(png)).convert("L")
        image = image.rotate(rng.uniform(-1.2, 1.2), resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255)
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.0)))
        pixels = image.load()
        width, height = image.size
        for _ in range(width * height // 400):  # speckles: 0.25 % of the pixels
            x, y = rng.randrange(width), rng.randrange(height)
            pixels[x, y] = rng.choice((0, 90, 200))
        image.save(target / f"{pdf.stem}.png")
    (target / "labels.jsonl").write_bytes((folder / "labels.jsonl").read_bytes())


def render_plain_docx(text: str, path: Path) -> None:
    """A document written as text: one paragraph per line, tabs kept."""
    from docx import Document

    document = Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    document.save(str(path))


def render_plain_html(text: str) -> str:
    """A document written as text, set in a fixed-width font so that its columns stay where they are."""
    from html import escape

    return ("<html><head><meta charset='utf-8'><style>@page{size:A4;margin:15mm}"
            "pre{font-family:'DejaVu Sans Mono';font-size:8pt}</style></head>"
            f"<body><pre>{escape(text.expandtabs(8))}</pre></body></html>")


if __name__ == "__main__":
    main()
