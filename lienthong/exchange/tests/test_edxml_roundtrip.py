"""What we build parses back to the same values, byte for byte the same every time, and the builder refuses
values the standard does not allow with the element path."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile

import pytest
from lxml import etree

from lienthong.exchange.edxml import messages
from lienthong.exchange.edxml.build import NAMESPACE, build_document, build_status, document_id
from lienthong.exchange.edxml.model import (
    NEW,
    REPLACE,
    REVOKE,
    STATUS_CODES,
    UPDATE,
    Attachment,
    DocumentPackage,
    EdxmlError,
    Organ,
    ReceiverChange,
    Replacement,
    ResponseFor,
    Staff,
    StatusPackage,
    Trace,
)
from lienthong.exchange.edxml.parse import parse_package

SENDER = Organ("000.00.01.H53", "Văn phòng UBND tỉnh Tây Ninh", organization_in_charge="UBND tỉnh Tây Ninh",
               address="Số 83 Phạm Tung, Phường 3, Tây Ninh", email="vanphong@tayninh.gov.vn",
               telephone="0276 3822 129")
ISSUED = dt.date(2025, 3, 14)
DOC_ID = document_id("000.00.01.H53", ISSUED, "123", "VP-KGVX")


def a_document(business_doc_type: int = NEW, **changes) -> DocumentPackage:
    values = dict(
        sender=SENDER,
        recipients=[Organ("000.00.00.G22", "Văn phòng Chính phủ"), Organ("000.00.12.H53", "Sở Tài chính tỉnh Tây Ninh",
                                                                        fax="0276 3822 000")],
        document_id=DOC_ID, code_number="123", code_notation="VP-KGVX",
        subject="V/v báo cáo tình hình triển khai liên thông văn bản; “trích yếu” có dấu & ký tự <đặc biệt>",
        type_name="Công văn", promulgation_date=ISSUED, place="Tây Ninh", type=2, type_detail=18,
        content="Nội dung tóm tắt\nhai dòng", signer_competence="KT. CHÁNH VĂN PHÒNG",
        signer_position="PHÓ CHÁNH VĂN PHÒNG", signer_name="Nguyễn Văn Ấn", due_date=dt.date(2025, 3, 31),
        to_places=["Văn phòng Chính phủ", "Lưu: VT, KGVX"], priority=2, sphere_of_promulgation="Liên thông văn bản",
        typer_notation="NVA", promulgation_amount=3, page_amount=12, appendixes=["Phụ lục I", "Phụ lục II"],
        steering_type=1, response_for=[ResponseFor("000.00.00.G22", "7816/VPCP-TTĐT", dt.date(2015, 9, 30),
                                                   "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT")],
        business_doc_type=business_doc_type, business_reason="Văn bản điện tử mới", paper=0,
        staff=Staff("Văn thư", "Trần Thị Bích", "0912000001", "vanthu@tayninh.gov.vn"),
        traces=[Trace("000.00.01.H53", dt.datetime(2025, 3, 14, 9, 15, 0))],
        attachments=[
            Attachment("123-VP-KGVX.signed.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40, "application/pdf",
                       "Văn bản chính", "6f1c2a9e-0b7d-4c55-9a3e-2d1f0c8b7a11"),
            Attachment("Phụ lục kèm theo (bản 2).docx", b"PK\x03\x04 not really a docx", "application/vnd.openxml"
                       "formats-officedocument.wordprocessingml.document", "Phụ lục", "phu-luc-2"),
            Attachment("ghi chú.txt", "Tiếng Việt có dấu: ắ ằ ẳ ẵ ặ\n".encode() * 500, "text/plain", "", "cid-3"),
        ],
    )
    values.update(changes)
    return DocumentPackage(**values)


DOCUMENTS = {
    "new": a_document(),
    "revoke": a_document(REVOKE, business_reason="Thu hồi văn bản điện tử"),
    "update": a_document(UPDATE, business_reason="Cập nhật văn bản điện tử", business_document_id=DOC_ID,
                         document_info_changed=1, receivers_changed=1,
                         receiver_changes=[ReceiverChange("000.00.12.H53", 0), ReceiverChange("000.00.13.H53", 1)]),
    "replace": a_document(REPLACE, business_reason="Văn bản thay thế", business_document_id=DOC_ID,
                          replacements=[Replacement("000.00.01.H53,2025/03/01,100/VP-KGVX",
                                                    ["000.00.00.G22", "000.00.12.H53"])]),
    "no attachments": a_document(attachments=[], response_for=[], to_places=[], appendixes=[]),
}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_built_document_parses_back_to_the_same_values(name):
    package = DOCUMENTS[name]
    assert parse_package(build_document(package)) == package


def test_building_is_deterministic_and_follows_the_standard_layout():
    package = DOCUMENTS["update"]
    first = build_document(package)
    assert build_document(dataclasses.replace(package)) == first
    root = etree.fromstring(first)
    assert root.tag == f"{{{NAMESPACE}}}edXML" and root.nsmap == {None: NAMESPACE}
    header = root.find(f"{{{NAMESPACE}}}edXMLEnvelope/{{{NAMESPACE}}}edXMLHeader/{{{NAMESPACE}}}MessageHeader")
    assert [etree.QName(c).localname for c in header] == [
        "From", "To", "To", "DocumentId", "Code", "PromulgationInfo", "DocumentType", "Subject", "Content",
        "SignerInfo", "DueDate", "ToPlaces", "OtherInfo", "ResponseFor", "SteeringType"]
    text = first.decode()
    assert "<edXML:PromulgationDate>2025/03/14</edXML:PromulgationDate>" in text
    assert "<edXML:Timestamp>2025/03/14 09:15:00</edXML:Timestamp>" in text
    assert "<edXML:DocumentId>000.00.01.H53,2025/03/14,123/VP-KGVX</edXML:DocumentId>" in text
    assert text.count("<edXML:ContentId>cid:6f1c2a9e-0b7d-4c55-9a3e-2d1f0c8b7a11</edXML:ContentId>") == 1
    assert text.count("<ContentId>cid:6f1c2a9e-0b7d-4c55-9a3e-2d1f0c8b7a11</ContentId>") == 1


def test_each_attachment_travels_as_a_one_entry_zip_in_base64():
    import base64

    root = etree.fromstring(build_document(DOCUMENTS["new"]))
    payloads = [el.text for el in root.iter(f"{{{NAMESPACE}}}ContentTransferEncoded")]
    assert len(payloads) == 3
    for payload, attachment in zip(payloads, DOCUMENTS["new"].attachments, strict=True):
        archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(payload)))
        [entry] = archive.infolist()
        assert archive.read(entry) == attachment.data and entry.date_time == (1980, 1, 1, 0, 0, 0)


def test_a_generated_content_id_is_stable():
    package = a_document(attachments=[Attachment("a.pdf", b"%PDF-1.4 a", "application/pdf")])
    first, second = parse_package(build_document(package)), parse_package(build_document(package))
    assert first.attachments[0].content_id == second.attachments[0].content_id != ""


def test_document_id_helper():
    assert document_id("000.00.00.G22", dt.date(2015, 9, 30), "7816", "VPCP-TTĐT") == \
        "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"


@pytest.mark.parametrize("code", STATUS_CODES)
def test_every_status_code_round_trips(code):
    status = StatusPackage(
        sender=Organ("000.00.00.G22", "Văn phòng Chính phủ", organization_in_charge="Chính phủ"),
        response_for=ResponseFor("000.00.01.H53", "123/VP-KGVX", ISSUED, DOC_ID), status_code=code,
        timestamp=dt.datetime(2025, 3, 14, 10, 2, 11), description="Trả lại: sai nơi nhận" if code == "02" else "",
        staff=Staff("Văn thư", "Lê Văn Cường"),
        traces=[Trace("000.00.00.G22", dt.datetime(2025, 3, 14, 10, 2, 12))] if code in ("01", "13") else [],
    )
    built = build_status(status)
    assert parse_package(built) == status
    assert b"<edXML:MessageHeader>" in built and b"<edXML:StatusCode>" + code.encode() in built


def test_a_status_timestamp_with_a_time_zone_is_written_in_vietnam_time():
    status = StatusPackage(sender=SENDER, response_for=ResponseFor("000.00.00.G22", "1/X", ISSUED, DOC_ID),
                           status_code="03", timestamp=dt.datetime(2025, 3, 14, 2, 0, tzinfo=dt.UTC))
    assert b"<edXML:Timestamp>2025/03/14 09:00:00</edXML:Timestamp>" in build_status(status)


@pytest.mark.parametrize(("changes", "path", "template"), [
    ({"recipients": []}, "edXML/edXMLEnvelope/edXMLHeader/MessageHeader/To", messages.NO_RECIPIENT),
    ({"sender": Organ("", "X")}, "edXML/edXMLEnvelope/edXMLHeader/MessageHeader/From/OrganId", messages.EMPTY_VALUE),
    ({"recipients": [Organ("A", "a"), Organ("A", "b")]}, "edXML/edXMLEnvelope/edXMLHeader/MessageHeader/To[2]/OrganId",
     messages.DUPLICATE_RECIPIENT),
    ({"subject": "x" * 501}, "edXML/edXMLEnvelope/edXMLHeader/MessageHeader/Subject", messages.TOO_LONG),
    ({"code_notation": "K" * 31}, "edXML/edXMLEnvelope/edXMLHeader/MessageHeader/Code/CodeNotation",
     messages.TOO_LONG),
    ({"code_number": "12a"}, "edXML/edXMLEnvelope/edXMLHeader/MessageHeader/Code/CodeNumber", messages.NOT_DIGITS),
    ({"type": 71}, "edXML/edXMLEnvelope/edXMLHeader/MessageHeader/DocumentType/Type", messages.OUT_OF_RANGE),
    ({"priority": 5}, "edXML/edXMLEnvelope/edXMLHeader/MessageHeader/OtherInfo/Priority", messages.OUT_OF_RANGE),
    ({"priority": None}, "edXML/edXMLEnvelope/edXMLHeader/MessageHeader/OtherInfo/Priority", messages.EMPTY_VALUE),
    ({"document_id": "9fbfbad2-f1f8-4256-a2eb-50fb1061cddb"},
     "edXML/edXMLEnvelope/edXMLHeader/MessageHeader/DocumentId", messages.BAD_DOCUMENT_ID),
    ({"document_id": "000.00.00.G22,2014/02/30,7806/VPCP-TTĐT"},
     "edXML/edXMLEnvelope/edXMLHeader/MessageHeader/DocumentId", messages.BAD_DOCUMENT_ID),
    ({"promulgation_date": None},
     "edXML/edXMLEnvelope/edXMLHeader/MessageHeader/PromulgationInfo/PromulgationDate", messages.EMPTY_VALUE),
    ({"traces": []}, "edXML/edXMLEnvelope/edXMLHeader/TraceHeaderList/TraceHeader", messages.NO_TRACE),
    ({"business_doc_type": 4}, "edXML/edXMLEnvelope/edXMLHeader/TraceHeaderList/Bussiness/BussinessDocType",
     messages.OUT_OF_RANGE),
    ({"subject": "trích yếu\x00"}, "edXML/edXMLEnvelope/edXMLHeader/MessageHeader/Subject",
     messages.INVALID_CHARACTER),
    ({"attachments": [Attachment("", b"x")]}, "edXML/AttachmentEncoded/Attachment[1]/AttachmentName",
     messages.EMPTY_VALUE),
    ({"attachments": [Attachment("a", b"x", content_id="1"), Attachment("b", b"y", content_id="cid:1")]},
     "edXML/AttachmentEncoded/Attachment[2]/ContentId", messages.DUPLICATE_CONTENT_ID),
])
def test_the_builder_refuses_what_the_standard_does_not_allow(changes, path, template):
    with pytest.raises(EdxmlError) as caught:
        build_document(a_document(**changes))
    assert (caught.value.path, caught.value.template) == (path, template)
    assert str(caught.value).startswith(path + ": ")


def test_the_builder_refuses_an_unknown_status_code():
    status = StatusPackage(sender=SENDER, response_for=ResponseFor("000.00.00.G22", "1/X", ISSUED, DOC_ID),
                           status_code="07", timestamp=dt.datetime(2025, 3, 14, 10, 0))
    with pytest.raises(EdxmlError) as caught:
        build_status(status)
    assert caught.value.template == messages.UNKNOWN_STATUS_CODE
    assert caught.value.path == "edXML/edXMLEnvelope/edXMLHeader/MessageHeader/StatusCode"
