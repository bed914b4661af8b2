"""Issue 12, finding 7: the metadata of NĐ30 Phụ lục VI (vanthu.md §4.3 and §7 rule 12): agency codes of
both QCVN 102 forms, field lengths without silent cutting, Language and IssuedAmount, and an export of a
document or a register with the Phụ lục VI element names."""

from __future__ import annotations

import datetime as dt
import json

import lxml.etree
import pytest
from django.urls import reverse

from lienthong.agencies.models import Agency
from lienthong.agencies.services import (
    CODE_BAD_SHAPE,
    CODE_BAD_SHAPE_OR_QD20,
    CODE_TOO_LONG,
    agency_validate,
    identifier_code_is_valid,
)
from lienthong.core.errors import ValidationFailed
from lienthong.documents import services
from lienthong.documents.models import Document, Register
from lienthong.documents.services.inputs import ISSUED_AMOUNT_OUT_OF_RANGE
from lienthong.documents.services.registration import INCOMING_NOTATION_TOO_LONG, NOTATION_TOO_LONG
from lienthong.documents.tests.test_api import as_user
from lienthong.testing.builders import doc_input, pdf_upload

TODAY = dt.date(2018, 3, 20)


def paper_out(province, agency="vp", **kw):
    data = doc_input(issued_on=TODAY, files=[pdf_upload()], **kw)
    return services.document_register_outgoing_paper(
        actor=province.users[f"clerk.{agency}"], agency=province.agencies[agency], data=data,
        signer_id=province.users[f"leader.{agency}"].pk, signed_on=TODAY, today=TODAY)


# --- OrganId: both forms of the agency code ---------------------------------------------------------

@pytest.mark.parametrize("code", [
    "000.00.00.H23",  # QCVN 102:2016, 13 characters
    "H23.01.02.03.04",  # QĐ 20/2020 form (SĐ1:2022), 15 characters
    "G12.01",
    "H23.0001.0002.0003.0004.0005.000006",  # 35 characters, the SĐ1:2022 maximum as vanthu.md reads it
    "H23.0001.0002.0003.0004.0005.0000006",  # 36 characters: reported in use (issue 12), accepted by default
])
def test_agency_codes_of_both_qcvn_102_forms_are_accepted(province, code):
    """vanthu.md §4.3 (OrganId note) and §7 rule 12; QCVN 102:2016/SĐ1:2022; QĐ 20/2020/QĐ-TTg: codes of the
    amendment form, up to AGENCY_CODE_MAX_LENGTH (36) characters, are accepted by default beside the 13-character
    form."""
    agency = Agency(name="Cơ quan thử", abbreviation="CQT", level=province.agencies["vp"].level, identifier_code=code)
    assert identifier_code_is_valid(code)
    assert "identifier_code" not in agency_validate(agency)


@pytest.mark.parametrize("code, message, params", [
    ("H23.0001.0002.0003.0004.0005.00000007", CODE_TOO_LONG, {"n": 37, "max": 36}),
    ("000.00.4.H30", CODE_BAD_SHAPE, {}),
    ("h23.01", CODE_BAD_SHAPE_OR_QD20, {"max": 36}),
    ("H23..01", CODE_BAD_SHAPE_OR_QD20, {"max": 36}),
])
def test_agency_codes_are_checked_structurally(province, code, message, params):
    """vanthu.md §7 rule 12: a structural check, not any string: the QCVN 102:2016 shape keeps its widths."""
    agency = Agency(name="Cơ quan thử", abbreviation="CQT", level=province.agencies["vp"].level, identifier_code=code)
    assert agency_validate(agency)["identifier_code"] == [message % {"c": code, **params}]


def test_the_amendment_form_can_be_switched_off(settings, province):
    settings.AGENCY_CODE_QD20_FORM = False
    assert not identifier_code_is_valid("H23.01.02.03.04")
    assert identifier_code_is_valid("000.00.00.H23")


# --- Lengths: nothing cut silently ------------------------------------------------------------------

def test_a_notation_longer_than_appendix_vi_allows_is_refused_for_outgoing_documents(province):
    """Phụ lục VI Part II §I field 5: CodeNotation String 30. The system makes the outgoing ký hiệu, so it
    refuses one longer than 30 characters (and takes no number) instead of cutting it."""
    with pytest.raises(ValidationFailed) as exc:
        services.document_register_outgoing_paper(
            actor=province.users["clerk.vp"], agency=province.agencies["vp"],
            data=doc_input("cong-van", issued_on=TODAY, files=[pdf_upload()]),
            unit_abbreviation="ABCDEFGHIJKLMNOPQRSTUVWX", signer_id=province.users["leader.vp"].pk,
            signed_on=TODAY, today=TODAY)

    assert exc.value.errors["unit_abbreviation"] == [
        NOTATION_TOO_LONG % {"n": "VP.UBND-ABCDEFGHIJKLMNOPQRSTUVWX", "max": 30}]
    assert not Document.objects.exists() and not Register.objects.filter(last_number__gt=0).exists()


def test_an_incoming_notation_is_kept_whole_or_refused_never_cut(province):
    """vanthu.md §7 rule 12: an incoming ký hiệu is what the sender wrote: longer than Phụ lục VI's 30 it is
    kept whole (docs/conformance.md), and beyond the column it is refused, not truncated."""
    clerk, vp = province.users["clerk.vp"], province.agencies["vp"]
    long_notation = "QĐ-UBND.VP.TTHCC.KSTTHC.PCTTHC.AB"  # 33 characters
    doc = services.document_register_incoming(actor=clerk, agency=vp, data=doc_input(issued_on=TODAY),
                                              number_symbol=f"15/{long_notation}", issuer_name="UBND tỉnh",
                                              today=TODAY, check_notation=False)
    assert doc.code_notation == long_notation

    with pytest.raises(ValidationFailed) as exc:
        services.document_register_incoming(actor=clerk, agency=vp, data=doc_input(issued_on=TODAY),
                                            number_symbol="16/" + "A" * 70, issuer_name="UBND tỉnh",
                                            today=TODAY, check_notation=False)
    assert exc.value.errors["number_symbol"] == [INCOMING_NOTATION_TOO_LONG % {"n": 11, "k": 60}]
    assert Document.objects.count() == 1


# --- Language and IssuedAmount ----------------------------------------------------------------------

def test_language_defaults_to_vietnamese_and_issued_amount_is_kept(province):
    """Phụ lục VI Part II §I fields 9 (Language) and 15 (IssuedAmount, Number 3)."""
    doc = paper_out(province, issued_amount=12)
    assert (doc.language, doc.issued_amount) == ("vi", 12)

    with pytest.raises(ValidationFailed) as exc:
        paper_out(province, issued_amount=1000)
    assert exc.value.errors["issued_amount"] == [ISSUED_AMOUNT_OUT_OF_RANGE % {"max": 999}]


# --- The export -------------------------------------------------------------------------------------

def test_document_metadata_as_json_has_the_appendix_vi_names(client, province):
    """vanthu.md §4.3 ("use these names in exports") and §7 rule 12; Phụ lục VI Part II §I."""
    subject = "Thông báo " + "kết luận " * 80  # longer than Phụ lục VI's 500: given whole
    doc = paper_out(province, subject=subject.strip(), issued_amount=5, signer_position="Chánh Văn phòng")
    client.force_login(province.users["clerk.vp"])

    response = client.get(reverse("documents:metadata", args=[doc.pk]) + "?format=json")

    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert list(data)[:13] == ["DocumentId", "OrganId", "FileCatalog", "FileNotation", "DocOrdinal", "TypeName",
                               "CodeNumber", "CodeNotation", "IssuedDate", "OrganName", "Subject", "Language",
                               "PageAmount"]
    assert (data["OrganId"], data["CodeNumber"], data["CodeNotation"], data["IssuedDate"]) == (
        "000.00.01.H30", "01", "TB-VP.UBND", "2018-03-20")
    assert data["Subject"] == subject.strip() and data["Language"] == "Tiếng Việt"
    assert data["SignerInfo"] == {"Position": "Chánh Văn phòng", "FullName": province.users["leader.vp"].full_name}
    assert (data["IssuedAmount"], data["Priority"], data["FileNotation"]) == (5, 0, None)


def test_document_metadata_as_xml_is_built_with_the_appendix_vi_elements(client, province):
    doc = paper_out(province)
    client.force_login(province.users["leader.vp"])

    response = client.get(reverse("documents:metadata", args=[doc.pk]) + "?format=xml")

    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    root = lxml.etree.fromstring(response.content)
    assert root.tag == "Document"
    assert root.findtext("CodeNotation") == "TB-VP.UBND" and root.findtext("TypeName") == "Thông báo"
    assert root.findtext("SignerInfo/FullName") == province.users["leader.vp"].full_name
    assert root.find("FileCatalog") is not None and root.findtext("FileCatalog") == ""


def test_the_document_page_links_to_its_metadata(client, province):
    doc = paper_out(province)
    client.force_login(province.users["clerk.vp"])
    page = client.get(reverse("documents:detail", args=[doc.pk])).content.decode()
    assert reverse("documents:metadata", args=[doc.pk]) + "?format=xml" in page


def test_register_metadata_lists_only_what_the_reader_may_see(client, province):
    """Same visibility as the register and its documents: a secret document stays out for who may not see it."""
    paper_out(province, subject="Văn bản thứ nhất")
    paper_out(province, subject="Văn bản thứ hai")
    register = Register.objects.get(agency=province.agencies["vp"], direction="out", is_secret=False)
    client.force_login(province.users["specialist.vp"])

    response = client.get(reverse("documents:register_metadata", args=[register.pk]) + "?format=xml")

    root = lxml.etree.fromstring(response.content)
    assert root.tag == "Register" and root.findtext("Year") == "2018"
    assert [d.findtext("CodeNumber") for d in root.findall("Documents/Document")] == ["01", "02"]

    client.force_login(province.users["specialist.stttt"])
    assert client.get(reverse("documents:register_metadata", args=[register.pk])).status_code == 404


def test_the_api_gives_the_same_export(province):
    """The API equivalent: GET /api/documents/{id}/metadata and /api/registers/{id}/metadata."""
    doc = paper_out(province)
    register = Register.objects.get(agency=province.agencies["vp"], direction="out", is_secret=False)
    api = as_user(province.users["clerk.vp"])

    one = api.get(f"/api/documents/{doc.pk}/metadata?format=json")
    many = api.get(f"/api/registers/{register.pk}/metadata?format=xml&year=2018")
    wrong = api.get(f"/api/documents/{doc.pk}/metadata?format=csv")
    hidden = as_user(province.users["clerk.stttt"]).get(f"/api/registers/{register.pk}/metadata")

    assert one.status_code == 200 and one.json()["CodeNotation"] == "TB-VP.UBND"
    assert many.status_code == 200
    assert lxml.etree.fromstring(many.content).findtext("Documents/Document/CodeNumber") == "01"
    assert wrong.status_code == 422 and hidden.status_code == 404


def test_a_copy_withdrawn_after_a_recall_has_no_metadata_to_export(client, province):
    """vanthu.md §7 rule 9; NĐ30 Art. 18.4b; Phụ lục VI §III.8b: the recipient deletes the copy and its metadata."""
    kept = paper_out(province, subject="Còn hiệu lực")
    withdrawn = paper_out(province, subject="Đã gỡ")
    Document.objects.filter(pk=withdrawn.pk).update(status="withdrawn")
    client.force_login(province.users["clerk.vp"])

    assert client.get(reverse("documents:metadata", args=[withdrawn.pk])).status_code == 404
    assert as_user(province.users["clerk.vp"]).get(f"/api/documents/{withdrawn.pk}/metadata").status_code == 404
    listed = json.loads(client.get(reverse("documents:register_metadata", args=[kept.register_id])).content)
    assert [d["Subject"] for d in listed["Documents"]] == ["Còn hiệu lực"]


def test_the_longest_agency_code_is_a_setting(province, settings):
    """vanthu.md §4.3 OrganId note: a province whose platform registers at most 35 characters says so."""
    settings.AGENCY_CODE_MAX_LENGTH = 35
    code = "H23.0001.0002.0003.0004.0005.0000006"
    agency = Agency(name="Cơ quan thử", abbreviation="CQT", level=province.agencies["vp"].level, identifier_code=code)
    assert not identifier_code_is_valid(code)
    assert agency_validate(agency)["identifier_code"] == [CODE_TOO_LONG % {"c": code, "n": 36, "max": 35}]
