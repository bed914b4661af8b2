"""The 20 real packages of ``../shared/interop/edxml`` parse to exactly the values of ``expected.jsonl``.

``vpcptpl-edoc.edxml`` is not namespace-well-formed: the default (strict) parse refuses it with the element path,
the recovering parse (``recover=True``, used to answer the sender with a status 02) gives the expected values. The
JSON rendering of a status package (``edxml-convert``) is parsed too, by the same ``parse_package``."""

from __future__ import annotations

import pytest

from lienthong.exchange.edxml import messages
from lienthong.exchange.edxml.model import DocumentPackage, EdxmlError, StatusPackage
from lienthong.exchange.edxml.parse import detect_message_type, parse_package
from lienthong.exchange.edxml.render import package_values
from lienthong.exchange.tests.edxml_samples import expected, sample, samples_dir

ROWS = {row["file"]: row for row in expected()}


def test_the_samples_folder_holds_the_twenty_files_expected_jsonl_lists():
    folder = samples_dir()
    assert len(ROWS) == 20
    assert all((folder / name).is_file() for name in ROWS)


@pytest.mark.parametrize("name", sorted(ROWS))
def test_each_sample_parses_to_the_expected_values(name):
    row = ROWS[name]
    package = parse_package(sample(name), recover=row["xml_well_formed"] is False)
    values = package_values(package)
    assert {key: values[key] for key in row if key not in ("file", "notes", "xml_well_formed")} == {
        key: value for key, value in row.items() if key not in ("file", "notes", "xml_well_formed")}
    assert detect_message_type(sample(name)) == row["message_type"]


def test_the_malformed_template_is_refused_by_the_strict_parse_with_the_element_path():
    with pytest.raises(EdxmlError) as caught:
        parse_package(sample("vpcptpl-edoc.edxml"))
    assert caught.value.template == messages.XML_NAMESPACE
    assert caught.value.path == "edXML/edXMLEnvelope/edXMLBody/edXMLManifest/Reference"
    assert "xlink" in caught.value.message


def test_the_recovering_parse_says_what_was_wrong_and_keeps_no_bytes_of_the_undecodable_attachment():
    package = parse_package(sample("vpcptpl-edoc.edxml"), recover=True)
    assert isinstance(package, DocumentPackage) and package.recovered
    assert len(package.problems) == 2
    [attachment] = package.attachments
    assert attachment.data == b"" and messages.BAD_BASE64 in attachment.error
    assert "edXML/AttachmentEncoded/Attachment/ContentTransferEncoded" in attachment.error


def test_attachments_are_unzipped_whatever_content_type_says_and_raw_ones_kept():
    plx = parse_package(sample("plx-knobstick.edxml"))
    assert plx.attachments[0].data.startswith(b"%PDF")  # raw PDF
    assert plx.attachments[1].data.startswith(b"Placeholder attachment content")  # zipped .doc
    assert plx.attachments[0].content_type == "application/pdf"
    vdxp = parse_package(sample("vdxptest-852e179c-8eca-4502-ac38-0b97321f29c3.edxml"))
    assert len(vdxp.attachments[0].data) == 17
    assert vdxp.attachments[0].content_id == "36b8a92e-f054-11e7-842b-005056b672fc"
    local = parse_package(sample("pvngw-1da394ba-2117-4354-a23f-6ec3e47ba81b.edxml"))
    assert [a.data for a in local.attachments] == [b"LOCAL AGG A", b"LOCAL AGG B", b"LOCAL AGG C"]


def test_an_attachment_that_is_itself_a_malformed_edxml_stays_opaque_bytes():
    package = parse_package(sample("vnpt-edxml102-dc0bdef0-c7a3-4aaf-b717-777303442973.edxml"))
    assert len(package.attachments[0].data) == 8381 and b"edXML" in package.attachments[0].data


def test_quirky_values_are_read_without_error():
    update = parse_package(sample("bkav-edoc_update.edxml"))
    assert update.business_document_id == "000.00.00.G22,2014/02/30,7806/VPCP-TTĐT"  # impossible date, kept
    assert [(c.organ_id, c.receiver_type) for c in update.receiver_changes] == [("000.00.00.H41", 0),
                                                                                 ("000.00.00.H14", 1)]
    replacement = parse_package(sample("vpcp-sdk-edoc_replacement.edxml"))
    assert [r.organ_ids for r in replacement.replacements] == [["000.00.00.H41", "000.00.00.H14"]] * 2
    revocation = parse_package(sample("vpcp-sdk-edoc_revocation.edxml"))
    assert revocation.has_signature and revocation.response_for[0].document_id.startswith("000.00.04.G14")
    assert revocation.staff.staff == "Nguyễn Thị Ngọc Trâm"
    pvn = parse_package(sample("pvngw-874e0f18-90dc-45fb-989a-65401470ba84.edxml"))
    assert [t.organ_id for t in pvn.traces] == ["", ""]  # literal "null", then absent
    plx = parse_package(sample("plx-knobstick.edxml"))
    assert plx.type == 71 and plx.traces[1].organ_id == "" and plx.traces[1].timestamp is not None
    gateway = parse_package(sample("pvngw-1760427207626_b.txt.edxml"))
    assert gateway.attachments == [] and gateway.nonstandard_attachment_names == ["1760427207626_b.txt"]


def test_status_packages_read_from_message_header_and_from_json():
    status = parse_package(sample("vnpt-edxml102-status.edxml"))
    assert isinstance(status, StatusPackage)
    assert status.staff.mobile == "84912000001" and status.response_for.promulgation_date.isoformat() == "2018-09-28"
    rendered = parse_package(sample("edxmlconvert-status_response.json"))
    assert rendered.response_for.promulgation_date.isoformat() == "2023-03-14"
    assert rendered.staff.email == "staffinfo_email"
