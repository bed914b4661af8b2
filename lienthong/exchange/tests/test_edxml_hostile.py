"""Hostile and malformed packages are refused with a Vietnamese message naming the element: entities, DTDs,
zip bombs, nesting, counts, sizes, broken XML and base64."""

from __future__ import annotations

import base64
import io
import re
import struct
import time
import zipfile

import pytest

from lienthong.exchange.edxml import messages
from lienthong.exchange.edxml.build import build_document
from lienthong.exchange.edxml.limits import DEFAULT_LIMITS, Limits
from lienthong.exchange.edxml.model import Attachment, EdxmlError
from lienthong.exchange.edxml.parse import detect_message_type, parse_package
from lienthong.exchange.tests.test_edxml_roundtrip import a_document

GB = 1024 ** 3
PAYLOAD = re.compile(rb"(<edXML:ContentTransferEncoded[^>]*>)([^<]*)(<)")


def refused(data: bytes, template: str, *, limits: Limits = DEFAULT_LIMITS) -> EdxmlError:
    with pytest.raises(EdxmlError) as caught:
        parse_package(data, limits=limits)
    assert caught.value.template == template, str(caught.value)
    return caught.value


def with_payload(raw: bytes, index: int = 0) -> bytes:
    """A valid package whose ``index``-th attachment carries ``raw`` (already the bytes after base64)."""
    built = build_document(a_document(attachments=[Attachment("a.pdf", b"%PDF-1.4 one", "application/pdf"),
                                                   Attachment("b.pdf", b"%PDF-1.4 two", "application/pdf")]))
    matches = list(PAYLOAD.finditer(built))
    start, end = matches[index].span(2)
    return built[:start] + base64.b64encode(raw) + built[end:]


XML_HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n'


@pytest.mark.parametrize("doctype", [
    b'<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',  # XXE
    b'<!DOCTYPE edXML [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',  # laughs
    b'<!DOCTYPE edXML SYSTEM "http://127.0.0.1:9/evil.dtd">',  # external DTD, network
    b'<!-- a comment first --><?pi x?>\n<!DOCTYPE edXML PUBLIC "-//X//DTD X//EN" "evil.dtd">',
])
def test_any_doctype_is_refused_before_parsing(doctype):
    body = build_document(a_document()).split(b"\n", 1)[1].replace(b"<edXML:Subject>", b"<edXML:Subject>&xxe;&d;")
    err = refused(XML_HEAD + doctype + b"\n" + body, messages.DOCTYPE_REFUSED)
    assert "DOCTYPE" in err.message
    with pytest.raises(EdxmlError):
        detect_message_type(XML_HEAD + doctype + b"\n" + body)


def test_an_undeclared_entity_is_a_syntax_error_not_a_lookup():
    built = build_document(a_document()).replace(b"<edXML:Subject>", b"<edXML:Subject>&xxe;")
    err = refused(built, messages.XML_SYNTAX)
    assert err.path.endswith("MessageHeader/Subject")


@pytest.mark.parametrize("data", [
    build_document(a_document()).decode().encode("utf-16"),
    build_document(a_document()).replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"'),
])
def test_other_encodings_than_utf8_are_refused(data):
    refused(data, messages.NOT_UTF8)


def test_a_ten_gigabyte_zip_bomb_is_refused_from_its_header_without_unzipping():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.pdf", bytes(1024 * 1024))
        archive.filelist[0].file_size = 10 * GB  # the directory, written on close, declares 10 GB (zip64)
    bomb = buffer.getvalue()
    assert len(bomb) < 5000 and zipfile.ZipFile(io.BytesIO(bomb)).infolist()[0].file_size == 10 * GB
    started = time.monotonic()
    err = refused(with_payload(bomb), messages.ATTACHMENT_TOO_LARGE)
    assert time.monotonic() - started < 2
    assert err.path == "edXML/AttachmentEncoded/Attachment[1]/ContentTransferEncoded"


def test_a_zip_with_an_abnormal_ratio_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.pdf", bytes(20 * 1024 * 1024))
    err = refused(with_payload(buffer.getvalue(), 1), messages.ZIP_RATIO)
    assert err.path == "edXML/AttachmentEncoded/Attachment[2]/ContentTransferEncoded"


def test_the_total_of_unzipped_attachments_is_limited():
    limits = Limits(max_total_attachment_bytes=15)
    refused(with_payload(b"0123456789", 1), messages.ATTACHMENTS_TOO_LARGE, limits=limits)
    assert parse_package(with_payload(b"0123456789", 1), limits=Limits(max_total_attachment_bytes=30))


def test_a_zip_with_too_many_entries_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(30):
            archive.writestr(f"{i}.txt", b"x")
    refused(with_payload(buffer.getvalue()), messages.ZIP_TOO_MANY_ENTRIES, limits=Limits(max_zip_entries=20))


def test_a_zip_of_several_entries_is_a_file_of_its_own_and_kept_whole():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>")
    package = parse_package(with_payload(buffer.getvalue()))
    assert package.attachments[0].data == buffer.getvalue()


def test_an_encrypted_zip_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("secret.pdf", b"%PDF-1.4 secret")
    data = bytearray(buffer.getvalue())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = data.index(signature) + offset
        struct.pack_into("<H", data, position, struct.unpack_from("<H", data, position)[0] | 0x1)
    refused(with_payload(bytes(data)), messages.ZIP_ENCRYPTED)


def test_a_damaged_zip_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.pdf", b"%PDF-1.4 " * 100)
    data = bytearray(buffer.getvalue())
    data[40] ^= 0xFF  # inside the compressed data: CRC or inflate fails
    refused(with_payload(bytes(data)), messages.ZIP_DAMAGED)
    refused(with_payload(b"PK\x03\x04 truncated"), messages.ZIP_DAMAGED)


def test_an_unsupported_compression_method_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_LZMA) as archive:
        archive.writestr("a.pdf", b"%PDF-1.4 lzma")
    refused(with_payload(buffer.getvalue()), messages.ZIP_METHOD)


def test_wrong_base64_names_the_attachment():
    built = build_document(a_document(attachments=[Attachment("a.pdf", b"1", "application/pdf"),
                                                   Attachment("b.pdf", b"2", "application/pdf")]))
    start, end = list(PAYLOAD.finditer(built))[1].span(2)
    for bad in (b"not base64!", b"QUJD=", "Ã©".encode()):
        err = refused(built[:start] + bad + built[end:], messages.BAD_BASE64)
        assert err.path == "edXML/AttachmentEncoded/Attachment[2]/ContentTransferEncoded"


def test_base64_wrapped_in_lines_is_read():
    built = build_document(a_document(attachments=[Attachment("a.pdf", bytes(range(256)) * 10, "application/pdf")]))
    match = PAYLOAD.search(built)
    wrapped = b"\r\n".join(match.group(2)[i:i + 76] for i in range(0, len(match.group(2)), 76))
    package = parse_package(built[:match.start(2)] + wrapped + built[match.end(2):])
    assert package.attachments[0].data == bytes(range(256)) * 10


def test_deep_nesting_is_refused():
    built = build_document(a_document())
    deep = built.replace(b"<edXML:Subject>", b"<x>" * 40 + b"</x>" * 40 + b"<edXML:Subject>")
    refused(deep, messages.TOO_DEEP)
    deeper = built.replace(b"<edXML:Subject>", b"<x>" * 3000 + b"</x>" * 3000 + b"<edXML:Subject>")
    refused(deeper, messages.TOO_DEEP)


def test_too_many_elements_are_refused():
    built = build_document(a_document()).replace(b"<edXML:Subject>", b"<x/>" * 25_000 + b"<edXML:Subject>")
    refused(built, messages.TOO_MANY_ELEMENTS)


def test_too_many_attachments_are_refused():
    many = [Attachment(f"{i}.txt", b"x", "text/plain") for i in range(101)]
    err = refused(build_document(a_document(attachments=many)), messages.TOO_MANY_ATTACHMENTS)
    assert err.path == "edXML/AttachmentEncoded"


def test_a_package_over_the_size_limit_is_refused_before_parsing():
    refused(build_document(a_document()), messages.TOO_LARGE, limits=Limits(max_package_bytes=1000))


def test_an_attachment_text_over_ten_megabytes_is_refused_with_its_own_message():
    built = build_document(a_document(attachments=[Attachment("a.pdf", b"x", "application/pdf")]))
    match = PAYLOAD.search(built)
    huge = built[:match.start(2)] + b"A" * 10_100_000 + built[match.end(2):]
    refused(huge, messages.TEXT_TOO_LONG)


@pytest.mark.parametrize(("cut", "template"), [
    (lambda b: b[: len(b) // 2], messages.XML_SYNTAX),
    (lambda b: b.replace(b"</edXML:Subject>", b"</edXML:Subjec>"), messages.XML_SYNTAX),
    (lambda b: b"", messages.EMPTY),
    (lambda b: b"   \r\n", messages.EMPTY),
    (lambda b: b"<html><body>502 Bad Gateway</body></html>", messages.NOT_EDXML),
])
def test_malformed_xml_is_refused_with_a_line_and_a_path(cut, template):
    err = refused(cut(build_document(a_document())), template)
    if template == messages.XML_SYNTAX:
        assert err.path.startswith("edXML/") and "dòng" in err.message


@pytest.mark.parametrize(("edit", "path", "template"), [
    (lambda b: re.sub(rb"<edXML:DocumentId>[^<]*</edXML:DocumentId>", b"", b, count=1),
     "edXML/edXMLEnvelope/edXMLHeader/MessageHeader/DocumentId", messages.MISSING),
    (lambda b: b.replace(b"<edXML:Priority>2<", b"<edXML:Priority>cao<"),
     "edXML/edXMLEnvelope/edXMLHeader/MessageHeader/OtherInfo/Priority", messages.NOT_INTEGER),
    (lambda b: re.sub(rb"<edXML:To>.*?</edXML:To>", b"", b, flags=re.S),
     "edXML/edXMLEnvelope/edXMLHeader/MessageHeader/To", messages.NO_RECIPIENT),
    (lambda b: re.sub(rb"(<edXML:To>\s*<edXML:OrganId>)[^<]*", rb"\1", b, count=1),
     "edXML/edXMLEnvelope/edXMLHeader/MessageHeader/To[1]/OrganId", messages.EMPTY_VALUE),
    (lambda b: re.sub(rb"<AttachmentEncoded>.*</AttachmentEncoded>", b"", b, flags=re.S),
     "edXML/edXMLEnvelope/edXMLBody/edXMLManifest/Reference[1]", messages.ATTACHMENT_NOT_FOUND),
])
def test_a_malformed_package_names_the_element(edit, path, template):
    err = refused(edit(build_document(a_document())), template)
    assert err.path == path and str(err).startswith(path)

