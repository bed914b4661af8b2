"""The form fields of a signed document: the two read-only text fields ``LT_SoKyHieu`` and
``LT_NgayBanHanh`` that the personal signature's revision creates over the printed "Số: …" and
"…, ngày … tháng … năm …" lines and that the agency's revision fills (a new appearance stream per widget, in
the rescaled stamp font so Vietnamese shows), and the empty signature fields each signature is made into.

Filling a form field and adding a signature field are the changes PDF allows after a signature (pyHanko's
difference analysis classes them as FORM_FILLING), so the number and date are in the document *before* the
agency signs it and the personal signature stays valid. pyHanko is imported inside the functions.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from lienthong.signing.pades.fonts import field_font
from lienthong.signing.pades.layout import ASCENT, DESCENT, Box, ParsedPdf, number_date_boxes, page_ref_of

FIELD_NUMBER = "LT_SoKyHieu"
FIELD_DATE = "LT_NgayBanHanh"


def date_words(day: dt.date) -> str:
    """"ngày 05 tháng 3 năm 2018": a zero before days below 10 and months 1 and 2 (PL1 §II.4)."""
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {d} tháng {m} năm {day.year}"


def form_fields(reader) -> list:
    try:
        form = reader.root["/AcroForm"]
        return [f.get_object() for f in form["/Fields"]]
    except (KeyError, TypeError):
        return []


def unique_field_name(reader, wanted: str) -> str:
    names = {str(f.get("/T", "")) for f in form_fields(reader)}
    name, n = wanted, 2
    while name in names:
        name, n = f"{wanted}_{n}", n + 1
    return name


def add_signature_field(writer, name: str, box: Box) -> None:
    from pyhanko.sign import fields

    page = box.page if box.page >= 0 else int(writer.root["/Pages"]["/Count"]) - 1
    fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name=name, on_page=page, box=box.rect()))


def add_text_fields(writer, doc: ParsedPdf) -> None:
    """The two empty fields the văn thư fills at issue time (created inside the personal signature's
    revision)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    number_box, date_box, number_line, date_line = number_date_boxes(doc)
    page_ref = page_ref_of(writer, 0)
    page = page_ref.get_object()
    root = writer.root
    if "/AcroForm" not in root:
        root["/AcroForm"] = writer.add_object(generic.DictionaryObject({pdf_name("/Fields"): generic.ArrayObject()}))
        writer.update_root()
    form = root["/AcroForm"]
    form_ref = root.raw_get("/AcroForm")
    existing = {str(f.get_object().get("/T", "")) for f in form.get("/Fields", [])}
    if "/Fields" not in form:
        form["/Fields"] = generic.ArrayObject()
    annots = page.get("/Annots")
    if annots is None:
        page["/Annots"] = annots = generic.ArrayObject()
    elif isinstance(page.raw_get("/Annots"), generic.IndirectObject):
        writer.mark_update(page.raw_get("/Annots"))
    for name, box, line, italic in ((FIELD_NUMBER, number_box, number_line, False),
                                    (FIELD_DATE, date_box, date_line, True)):
        if name in existing:
            continue
        size = round(line.size, 1) if line else 13
        blank = generic.StreamObject(
            {pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Form"),
             pdf_name("/BBox"): generic.ArrayObject([generic.FloatObject(0), generic.FloatObject(0),
                                                     generic.FloatObject(box.width),
                                                     generic.FloatObject(box.height)]),
             pdf_name("/Resources"): generic.DictionaryObject()},
            stream_data=b"/Tx BMC EMC")
        field = generic.DictionaryObject({
            pdf_name("/FT"): pdf_name("/Tx"),
            pdf_name("/T"): generic.TextStringObject(name),
            pdf_name("/TU"): generic.TextStringObject("Số, ký hiệu văn bản" if name == FIELD_NUMBER
                                                      else "Địa danh, ngày tháng năm ban hành"),
            pdf_name("/V"): generic.TextStringObject(""),
            pdf_name("/Ff"): generic.NumberObject(1),  # read-only: a viewer must not let anyone type here
            pdf_name("/Q"): generic.NumberObject(1),
            pdf_name("/DA"): generic.pdf_string(f"/Helv {size:g} Tf 0 g"),
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/F"): generic.NumberObject(4),
            pdf_name("/P"): page_ref,
            pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(round(v, 2)) for v in
                                                    (box.x0, box.y0, box.x1, box.y1)]),
            pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): writer.add_object(blank)}),
            pdf_name("/LT_Italic"): generic.BooleanObject(italic),
            # found the printed line: the filled field paints white over its blank; at a guessed (fallback)
            # place it must not hide whatever is printed there
            pdf_name("/LT_Cover"): generic.BooleanObject(line is not None),
        })
        if name == FIELD_DATE and line:  # the printed place, kept when the date is filled in
            match = re.match(r"^(.*?)[,\s]*ngày\b", line.text)
            if match and match.group(1).strip():
                field[pdf_name("/LT_Place")] = generic.TextStringObject(match.group(1).strip())
        ref = writer.add_object(field)
        form["/Fields"].append(ref)
        annots.append(ref)
    if "/DR" not in form:
        helv = generic.DictionaryObject({pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
                                         pdf_name("/BaseFont"): pdf_name("/Helvetica"),
                                         pdf_name("/Encoding"): pdf_name("/WinAnsiEncoding")})
        form["/DR"] = generic.DictionaryObject({pdf_name("/Font"): generic.DictionaryObject(
            {pdf_name("/Helv"): writer.add_object(helv)})})
    if "/DA" not in form:
        form["/DA"] = generic.pdf_string("/Helv 0 Tf 0 g")
    if isinstance(form_ref, generic.IndirectObject):
        writer.mark_update(form_ref)
    else:
        writer.update_root()
    writer.mark_update(page_ref)


def _widths_array(widths: list, gids) -> list:
    """``/W`` for the glyphs the appearance shows only (``[gid [w] …]``, consecutive ids grouped): the other
    glyphs are never drawn, and a 500-entry array made the difference analysis of every later signature
    parse a thousand numbers."""
    from pyhanko.pdf_utils import generic

    out: list = []
    run: list[int] = []
    for gid in sorted(set(gids)):
        if run and gid == run[-1] + 1:
            run.append(gid)
            continue
        if run:
            out += [generic.NumberObject(run[0]), generic.ArrayObject(generic.NumberObject(widths[g]) for g in run)]
        run = [gid]
    if run:
        out += [generic.NumberObject(run[0]), generic.ArrayObject(generic.NumberObject(widths[g]) for g in run)]
    return out


def _embed_field_font(writer, italic: bool, gids=None):
    """The whole (small) stamp font as a Type 0 / CIDFontType2 font, Identity-H, CID = glyph id; the font
    program and ToUnicode map are compressed once per process (``fonts.field_font``). ``/W`` lists the
    widths of ``gids`` (all glyphs when None)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    font = field_font(italic=italic)
    flate = {pdf_name("/Filter"): pdf_name("/FlateDecode")}
    file_ref = writer.add_object(generic.StreamObject(
        {**flate, pdf_name("/Length1"): generic.NumberObject(font.font_file_length)}, encoded_data=font.font_file))
    name = pdf_name("/" + font.postscript_name)
    descriptor = writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/FontDescriptor"), pdf_name("/FontName"): name,
        pdf_name("/Flags"): generic.NumberObject(0b100010 | (64 if italic else 0)),
        pdf_name("/FontBBox"): generic.ArrayObject(generic.NumberObject(v) for v in font.bbox),
        pdf_name("/ItalicAngle"): generic.FloatObject(font.italic_angle),
        pdf_name("/Ascent"): generic.NumberObject(font.ascent),
        pdf_name("/Descent"): generic.NumberObject(font.descent),
        pdf_name("/CapHeight"): generic.NumberObject(font.cap_height),
        pdf_name("/StemV"): generic.NumberObject(font.stem_v), pdf_name("/FontFile2"): file_ref}))
    cid_font = writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/CIDFontType2"),
        pdf_name("/BaseFont"): name,
        pdf_name("/CIDSystemInfo"): generic.DictionaryObject({
            pdf_name("/Registry"): generic.pdf_string("Adobe"), pdf_name("/Ordering"): generic.pdf_string("Identity"),
            pdf_name("/Supplement"): generic.NumberObject(0)}),
        pdf_name("/FontDescriptor"): descriptor, pdf_name("/CIDToGIDMap"): pdf_name("/Identity"),
        pdf_name("/W"): generic.ArrayObject(_widths_array(font.widths, range(len(font.widths)) if gids is None
                                                          else gids))}))
    to_unicode = writer.add_object(generic.StreamObject(dict(flate), encoded_data=font.to_unicode))
    return writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type0"), pdf_name("/BaseFont"): name,
        pdf_name("/Encoding"): pdf_name("/Identity-H"), pdf_name("/DescendantFonts"): generic.ArrayObject([cid_font]),
        pdf_name("/ToUnicode"): to_unicode}))


def fill_text_field(writer, field_ref, text: str) -> None:
    """Set ``/V`` and draw a new appearance: white over the printed blank, the text centred, in the
    rescaled Liberation Serif (regular for the number, italic for the date) at the printed size."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    text = unicodedata.normalize("NFC", text)
    field = field_ref.get_object()
    x0, y0, x1, y1 = (float(v) for v in field["/Rect"])
    width, height = x1 - x0, y1 - y0
    match = re.search(r"([\d.]+)\s+Tf", str(field.get("/DA", "")))
    size = float(match.group(1)) if match and float(match.group(1)) > 0 else 13.0
    italic = bool(field.get("/LT_Italic", False))
    glyphs, advance = field_font(italic=italic).encode(text)
    if advance * size > width - 2:
        size = (width - 2) / advance
    tx = (width - advance * size) / 2
    ty = (height - size * (ASCENT + DESCENT)) / 2 + DESCENT * size
    cover = f"q 1 1 1 rg 0 0 {width:.2f} {height:.2f} re f Q " if field.get("/LT_Cover", True) else ""
    ops = (f"/Tx BMC {cover}q BT /F1 {size:.2f} Tf 0 g "
           f"{tx:.2f} {ty:.2f} Td <").encode() + glyphs + b"> Tj ET Q EMC"
    stream = generic.StreamObject(
        {pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Form"),
         pdf_name("/BBox"): generic.ArrayObject([generic.FloatObject(0), generic.FloatObject(0),
                                                 generic.FloatObject(width), generic.FloatObject(height)]),
         pdf_name("/Resources"): generic.DictionaryObject({pdf_name("/Font"): generic.DictionaryObject(
             {pdf_name("/F1"): _embed_field_font(writer, italic, [int(glyphs[i:i + 4], 16)
                                                                   for i in range(0, len(glyphs), 4)])})})},
        stream_data=ops)
    field["/V"] = generic.TextStringObject(text)
    field["/AP"] = generic.DictionaryObject({pdf_name("/N"): writer.add_object(stream)})
    writer.mark_update(field_ref)


def field_refs(writer) -> dict:
    try:
        refs = writer.root["/AcroForm"]["/Fields"]
    except KeyError:
        return {}
    return {str(ref.get_object().get("/T", "")): ref for ref in refs}


def date_text(field_ref, issued_on: dt.date, place: str) -> str:
    place = unicodedata.normalize("NFC", place or str(field_ref.get_object().get("/LT_Place", ""))).strip()
    return f"{place}, {date_words(issued_on)}" if place else date_words(issued_on)


def number_text(number_symbol: str) -> str:
    return f"Số: {unicodedata.normalize('NFC', number_symbol).strip()}"
