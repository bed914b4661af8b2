"""Incoming numbers and duplicates (issue 12, finding 4): vanthu.md §7 rules 2 and 5; NĐ30 Art. 22."""

import datetime as dt

import pytest

from lienthong.core.errors import ValidationFailed
from lienthong.documents import services
from lienthong.documents.models import Document
from lienthong.documents.services.registration import TYPE_NOT_ISSUABLE
from lienthong.testing.builders import doc_input, doc_type

TODAY = dt.date(2021, 3, 20)


def register_in(province, number_symbol, *, type_code="quyet-dinh", issuer="ubnd", issuer_name="", **kw):
    kw.setdefault("today", TODAY)
    data = doc_input(type_code, "Văn bản đến để kiểm tra", issued_on=dt.date(2021, 3, 1))
    return services.document_register_incoming(
        actor=province.users["clerk.stttt"], agency=province.agencies["stttt"], data=data,
        number_symbol=number_symbol, issuer_agency=province.agencies[issuer] if issuer else None,
        issuer_name=issuer_name, **kw)


@pytest.mark.parametrize("raw", ["abc", "5/QĐ-UBND"])
def test_a_number_outside_the_grammar_is_refused(province, raw):
    """vanthu.md §7 rule 2 (parse incoming numbers with the §3.2 grammar); NĐ30 Art. 22 (register
    completely and accurately)."""
    with pytest.raises(ValidationFailed) as exc:
        register_in(province, raw)
    assert "number_symbol" in exc.value.errors
    assert not Document.objects.filter(direction="in").exists()


def test_qppl_number_is_stored_as_number_year_and_symbol(province):
    """vanthu.md §7 rule 2 and §3.2 (QPPL form <số>/<năm>/<loại>-<cơ quan>); NĐ30 Art. 22; Phụ lục VI
    fields 4–5 (Số, Ký hiệu)."""
    doc = register_in(province, "30/2020/NĐ-CP", type_code="qppl-nghi-dinh", issuer=None,
                      issuer_name="Chính phủ")
    doc.refresh_from_db()
    assert (doc.notation_number, doc.notation_year, doc.notation_symbol) == ("30", 2020, "NĐ-CP")
    assert doc.number_symbol == "30/2020/NĐ-CP"


def test_current_number_is_stored_without_a_year(province):
    """vanthu.md §7 rule 2; NĐ30 Art. 22; Phụ lục I §II.3b (<số>/<loại>-<cơ quan>)."""
    doc = register_in(province, "15/QĐ-UBND")
    doc.refresh_from_db()
    assert (doc.notation_number, doc.notation_year, doc.notation_symbol) == ("15", None, "QĐ-UBND")
    assert doc.notation_warnings() == []


def api_client(province):
    from django.test import Client

    from lienthong.accounts.services import api_token_issue
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=province.users['clerk.stttt'])}"})


def api_form(**fields):
    from lienthong.testing.builders import pdf_upload
    return {**fields, "is_paper": "false", "files": [pdf_upload("den.pdf")]}


def test_api_answer_gives_number_year_and_symbol(province):
    """vanthu.md §7 rule 2; Phụ lục VI fields 4–5: the API answer splits số, năm and ký hiệu."""
    response = api_client(province).post("/api/documents/incoming", api_form(**{
        "agency_id": province.agencies["stttt"].pk, "document_type": "qppl-nghi-dinh",
        "number_symbol": "30/2020/NĐ-CP", "issuer_name": "Chính phủ", "issued_on": "2021-03-01",
        "subject": "Nghị định về công tác văn thư"}))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["notation_number"], body["notation_year"], body["notation_symbol"]) == ("30", 2020, "NĐ-CP")
    assert body["warnings"] == []


def test_unknown_type_abbreviation_is_accepted_with_a_warning(province):
    """vanthu.md §7 rule 1 (catalogue abbreviations are case- and diacritic-sensitive) and rule 2; NĐ30
    Art. 22: a legacy abbreviation ("QYĐ" for QyĐ) is registered, with a warning."""
    doc = register_in(province, "10/QYĐ-SNV", type_code="quy-dinh")
    warnings = doc.notation_warnings()
    assert len(warnings) == 1 and "QYĐ" in str(warnings[0])
    assert (doc.notation_number, doc.notation_symbol) == ("10", "QYĐ-SNV")


def test_api_answer_lists_the_warning(province):
    """vanthu.md §7 rule 1 and 2; NĐ30 Art. 22: the API answer carries a ``warnings`` list."""
    response = api_client(province).post("/api/documents/incoming", api_form(**{
        "agency_id": province.agencies["stttt"].pk, "document_type": "quy-dinh",
        "number_symbol": "10/QYĐ-SNV", "issuer_name": "Sở Nội vụ", "issued_on": "2021-03-01",
        "subject": "Quy định cũ"}))
    assert response.status_code == 201, response.content
    assert len(response.json()["warnings"]) == 1 and "QYĐ" in response.json()["warnings"][0]


def test_form_shows_the_warning_after_saving(province, client):
    """vanthu.md §7 rule 1 and 2; NĐ30 Art. 22: the registration page shows a non-blocking warning."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lienthong.testing.builders import tiny_pdf
    client.force_login(province.users["clerk.stttt"])
    response = client.post("/van-ban/dang-ky-den/", {
        "agency": province.agencies["stttt"].pk, "number_symbol": "10/QYĐ-SNV", "issued_on": "2021-03-01",
        "document_type": doc_input("quy-dinh").document_type.pk, "issuer_name": "Sở Nội vụ",
        "subject": "Quy định cũ", "received_on": "2021-03-02", "urgency": "normal", "secrecy": "normal",
        "language": "vi", "files": SimpleUploadedFile("den.pdf", tiny_pdf("Quy dinh"), content_type="application/pdf")},
        follow=True)
    assert Document.objects.filter(direction="in", number_symbol="10/QYĐ-SNV").exists(), response.content[:3000]
    assert "QYĐ" in " ".join(str(m) for m in response.context["messages"])


@pytest.mark.parametrize("first, second", [("08/HĐ-SNV", "08/HD-SNV"), ("08/ĐA-SNV", "08/DA-SNV")])
def test_duplicate_check_keeps_diacritics(province, first, second):
    """vanthu.md §7 rule 5 (warn on the same số, ký hiệu, issuer) and rule 1 (abbreviations are
    diacritic-sensitive: HD hướng dẫn ≠ HĐ hợp đồng); NĐ30 Art. 22; Phụ lục VI §III.1h."""
    register_in(province, first, type_code="hop-dong")
    other = register_in(province, second, type_code="huong-dan")
    assert other.number_symbol == second
    with pytest.raises(ValidationFailed):
        register_in(province, second, type_code="huong-dan")


def test_free_text_issuer_is_matched_against_the_directory(province):
    """vanthu.md §7 rule 5; NĐ30 Art. 22; Phụ lục VI §III.1h: the same document typed once with the
    issuer picked from the directory and once as free text (without accents) is a duplicate."""
    register_in(province, "15/QĐ-UBND")
    with pytest.raises(ValidationFailed) as exc:
        register_in(province, "15/QĐ-UBND", issuer=None, issuer_name="uy ban nhan dan tinh hau giang")
    assert "number_symbol" in exc.value.errors


def test_free_text_short_name_matches_too(province):
    """vanthu.md §7 rule 5; NĐ30 Art. 22: the agency's short name typed as free text matches it."""
    ubnd = province.agencies["ubnd"]
    ubnd.short_name = "UBND tỉnh Hậu Giang"
    ubnd.save(update_fields=["short_name"])
    register_in(province, "16/QĐ-UBND", issuer=None, issuer_name="UBND tinh Hau Giang")
    with pytest.raises(ValidationFailed):
        register_in(province, "16/QĐ-UBND")


def test_free_text_issuer_of_another_agency_is_not_a_duplicate(province):
    """vanthu.md §7 rule 5; NĐ30 Art. 22: the same number from another issuer is a different document."""
    register_in(province, "17/QĐ-UBND")
    other = register_in(province, "17/QĐ-UBND", issuer=None, issuer_name="Ủy ban nhân dân huyện Vị Thủy")
    assert other.issuer_agency_id == province.agencies["huyen"].pk


# --- e. Who may issue QPPL and legacy types ------------------------------------------------------------

def register_out(province, agency, type_code):
    from lienthong.testing.builders import pdf_upload

    return services.document_register_outgoing(
        actor=province.users[f"clerk.{agency}"], agency=province.agencies[agency], today=TODAY,
        data=doc_input(type_code, "Văn bản đi để kiểm tra", issued_on=TODAY, files=[pdf_upload("di.pdf")]))


@pytest.mark.parametrize("agency, type_code", [("vp", "qppl-quyet-dinh"), ("huyen", "qppl-quyet-dinh"),
                                                ("ubnd", "qppl-nghi-dinh"), ("ubnd", "cu-giay-chung-nhan")])
def test_an_agency_not_authorised_cannot_number_a_qppl_or_legacy_type(province, agency, type_code):
    """vanthu.md §7 rule 1 (QPPL and legacy types are for incoming mail) and §3.3 (QPPL numbering, NĐ30
    Art. 15.1a): a văn thư numbers a QPPL or legacy type only for an agency authorised to issue it."""
    from lienthong.documents.models import Register

    with pytest.raises(ValidationFailed) as exc:
        register_out(province, agency, type_code)
    assert exc.value.errors["document_type"] == [TYPE_NOT_ISSUABLE % {
        "a": province.agencies[agency].name, "t": doc_type(type_code).name}]
    assert not Document.objects.filter(direction="out").exists()
    assert not Register.objects.filter(last_number__gt=0).exists()


def test_the_provincial_committee_may_issue_its_qppl_decision(province):
    """vanthu.md §7 rule 1 and §3.3; NĐ30 Art. 15.1a: by default the provincial People's Committee is
    authorised for Quyết định (QPPL); the 29 NĐ30 types need no authorisation."""
    doc = register_out(province, "ubnd", "qppl-quyet-dinh")
    assert doc.direction == "out" and doc.document_type.code == "qppl-quyet-dinh"
    assert register_out(province, "huyen", "quyet-dinh").number_symbol == "01/QĐ-UBND"


def test_an_authorisation_given_in_the_directory_allows_the_type(province):
    """vanthu.md §7 rule 1; NĐ30 Art. 15.1a: the authorisation is data, editable per agency."""
    from lienthong.testing.builders import doc_type

    province.agencies["vp"].issuable_types.add(doc_type("cu-giay-chung-nhan"))
    doc = register_out(province, "vp", "cu-giay-chung-nhan")
    assert doc.document_type.code == "cu-giay-chung-nhan"


def test_drafting_numbering_refuses_an_unauthorised_qppl_type(province):
    """vanthu.md §7 rule 1 and §3.3; NĐ30 Art. 15.1a, 15.3: the drafting flow's numbering step refuses
    a QPPL type the agency may not issue, and takes no number."""
    from lienthong.documents.models import Register
    from lienthong.drafting import services as drafting
    from lienthong.drafting.models import Draft, DraftState
    from lienthong.signing.tests.flow_setup import draft_at_signing
    from lienthong.testing.builders import doc_type

    draft = draft_at_signing(province)
    Draft.objects.filter(pk=draft.pk).update(state=DraftState.TO_NUMBER, document_type=doc_type("qppl-quyet-dinh"))
    draft.refresh_from_db()
    with pytest.raises(ValidationFailed) as exc:
        drafting.draft_number(actor=province.users["clerk.huyen"], draft=draft)
    assert "document_type" in exc.value.errors
    draft.refresh_from_db()
    assert draft.state == DraftState.TO_NUMBER and draft.document_id is None
    assert not Register.objects.filter(last_number__gt=0).exists()


def test_the_authorisation_is_edited_in_the_admin(province, client):
    """vanthu.md §7 rule 1; NĐ30 Art. 15.1a: the administrator edits which QPPL and legacy types an
    agency may issue on the agency's admin page (only those types are offered)."""
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser(username="root", password="x-Very-long-1234", email="")
    client.force_login(admin)
    vp = province.agencies["vp"]
    page = client.get(f"/quan-tri/agencies/agency/{vp.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="issuable_types"' in html and "Quyết định (QPPL)" in html and "Báo cáo</option>" not in html


def test_existing_rows_are_filled_by_the_data_migration(province):
    """vanthu.md §7 rules 2 and 5; NĐ30 Art. 22: rows registered before the parts were stored get them
    from their số, ký hiệu (unparsable ones keep nulls), and their duplicate key regains its diacritics."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("lienthong.documents.migrations.0010_notation_parts_and_exact_duplicate_key")
    qppl = register_in(province, "30/2020/NĐ-CP", type_code="qppl-nghi-dinh", issuer=None, issuer_name="Chính phủ")
    legacy = register_in(province, "08/HĐ-SNV", type_code="hop-dong")
    # As an older release stored them: a folded key, no parts, a number that does not follow the grammar.
    Document.objects.filter(pk=qppl.pk).update(number_symbol_norm="30/2020/ND-CP", notation_number=None,
                                               notation_year=None, notation_symbol=None)
    Document.objects.filter(pk=legacy.pk).update(number_symbol="HĐ số 8", number_symbol_norm="HDSO8",
                                                 notation_number="08", notation_symbol="HĐ-SNV")
    migration.fill_parts(apps, None)
    qppl.refresh_from_db()
    legacy.refresh_from_db()
    assert (qppl.number_symbol_norm, qppl.notation_number, qppl.notation_year, qppl.notation_symbol) == (
        "30/2020/NĐ-CP", "30", 2020, "NĐ-CP")
    assert (legacy.number_symbol_norm, legacy.notation_number, legacy.notation_symbol) == ("HĐSỐ8", None, None)
