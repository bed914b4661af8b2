"""Variants real producers write that the samples do not all show: the parser reads them the same way."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from lienthong.exchange.edxml.build import build_document, build_status
from lienthong.exchange.edxml.model import ResponseFor, StatusPackage
from lienthong.exchange.edxml.parse import detect_message_type, parse_package
from lienthong.exchange.tests.test_edxml_roundtrip import DOC_ID, ISSUED, SENDER, a_document

DOCUMENT = a_document()
BUILT = build_document(DOCUMENT)
STATUS = StatusPackage(sender=SENDER, response_for=ResponseFor("000.00.00.G22", "1/VPCP", ISSUED, DOC_ID),
                       status_code="05", timestamp=dt.datetime(2025, 3, 15, 8, 0, 1), description="Đang xử lý")


def _document_id_last(data: bytes) -> bytes:
    line = re.search(rb" *<edXML:DocumentId>[^<]*</edXML:DocumentId>\n", data).group(0)
    return data.replace(line, b"", 1).replace(b"      </edXML:MessageHeader>", line + b"      </edXML:MessageHeader>")


@pytest.mark.parametrize("variant", [
    lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n"),  # BOM + CRLF
    lambda b: b.replace(b"edXML:", b""),  # no prefixes: every element in the default namespace
    lambda b: b.replace(b"xmlns=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\"", b""),  # attachments in no namespace
    lambda b: b.replace(b"cid:", b""),  # ids without cid:
    lambda b: re.sub(rb"(<ContentId>)cid:", rb"\1", b),  # cid: only in the manifest
    lambda b: _document_id_last(b),  # DocumentId as the last child of MessageHeader (the VPCP template)
])
def test_variants_read_as_the_same_document(variant):
    assert parse_package(variant(BUILT)) == DOCUMENT


@pytest.mark.parametrize(("written", "read"), [
    (b"14/03/2025", dt.date(2025, 3, 14)), (b"2025-03-14", dt.date(2025, 3, 14)), (b"2025/02/30", None),
    (b"", None), ("ngày 14".encode(), None),
])
def test_promulgation_dates_in_the_forms_producers_use(written, read):
    data = BUILT.replace(b"<edXML:PromulgationDate>2025/03/14<", b"<edXML:PromulgationDate>" + written + b"<")
    assert parse_package(data).promulgation_date == read


def test_status_fields_under_a_status_element_or_the_message_header():
    built = build_status(STATUS)
    as_status = built.replace(b"edXML:MessageHeader>", b"edXML:Status>")
    assert b"<edXML:Status>" in as_status
    assert parse_package(as_status) == parse_package(built) == STATUS
    assert detect_message_type(as_status) == detect_message_type(built) == "status"
    assert detect_message_type(BUILT) == "edoc"


def test_a_raw_attachment_whatever_its_content_type():
    import base64

    match = re.search(rb"(<edXML:ContentTransferEncoded[^>]*>)([^<]*)", BUILT)
    raw = BUILT[:match.start(2)] + base64.b64encode(b"%PDF-1.4 raw") + BUILT[match.end(2):]
    assert parse_package(raw.replace(b"<ContentType>application/pdf<", b"<ContentType>application/zip<"))\
        .attachments[0].data == b"%PDF-1.4 raw"
