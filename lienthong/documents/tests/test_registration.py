import datetime as dt
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat

from lienthong.core.errors import PermissionDenied, ValidationFailed
from lienthong.documents import services
from lienthong.documents.models import Document, DocumentFile, Register, StoredFile
from lienthong.documents.numbering import ensure_year_registers
from lienthong.documents.services.registration import ALREADY_REGISTERED
from lienthong.files import checks
from lienthong.files.uploads import ORIGINAL_TOO_LARGE
from lienthong.testing.builders import doc_input, make_agency, pdf_upload

TODAY = dt.date(2018, 3, 20)


def register_out(province, **kw):
    kw.setdefault("today", TODAY)
    data = kw.pop("data", None) or doc_input()
    return services.document_register_outgoing(actor=province.users["clerk.vp"], agency=province.agencies["vp"],
                                               data=data, **kw)


def register_in(province, number_symbol="15/QĐ-UBND", **kw):
    kw.setdefault("today", TODAY)
    data = kw.pop("data", None) or doc_input("quyet-dinh", "Quyết định phê duyệt kế hoạch",
                                             issued_on=dt.date(2018, 3, 1))
    return services.document_register_incoming(actor=province.users["clerk.stttt"], agency=province.agencies["stttt"],
                                               data=data, number_symbol=number_symbol,
                                               issuer_agency=province.agencies["ubnd"], **kw)


def test_outgoing_numbers_start_at_01_and_build_the_lawful_symbol(province):
    first = register_out(province)
    second = register_out(province, data=doc_input("cong-van", "V/v triển khai phần mềm"), unit_abbreviation="KGVX")
    assert (first.register_number, first.number_symbol) == (1, "01/TB-VP.UBND")
    assert second.number_symbol == "02/VP.UBND-KGVX"
    assert first.identifier == "000.00.01.H30,2018/03/05,01/TB-VP.UBND"
    assert first.place == "Hậu Giang"


def test_case_sensitive_abbreviations_are_kept(province):
    doc = register_out(province, data=doc_input("quy-dinh", "Quy định về công tác văn thư"))
    assert doc.number_symbol == "01/QyĐ-VP.UBND"


def test_secret_documents_use_their_own_series(province):
    register_out(province)
    secret = register_out(province, data=doc_input(secrecy="confidential"))
    assert secret.register_number == 1
    assert secret.register.is_secret


def test_types_assigned_to_a_register_get_their_own_series(province):
    registers = ensure_year_registers(agency_id=province.agencies["vp"].pk, year=2018)
    qd = Register.objects.create(agency=province.agencies["vp"], year=2018, direction="out", code="qd",
                                 name="Sổ quyết định")
    qd.document_types.add(doc_input("quyet-dinh").document_type)
    register_out(province)
    decision = register_out(province, data=doc_input("quyet-dinh", "Quyết định thành lập tổ công tác"))
    assert decision.register == qd and decision.number_symbol == "01/QĐ-VP.UBND"
    assert len(registers) == 5


def test_new_year_starts_again_at_01(province):
    register_out(province, data=doc_input(issued_on=dt.date(2017, 12, 29)), today=dt.date(2017, 12, 29))
    doc = register_out(province, data=doc_input(issued_on=dt.date(2018, 1, 2)))
    assert (doc.year, doc.register_number) == (2018, 1)


def test_incoming_gets_so_den_and_attachment_with_text(province):
    doc = register_in(province, data=doc_input("quyet-dinh", "Quyết định phê duyệt kế hoạch",
                                               issued_on=dt.date(2018, 3, 1), files=[pdf_upload()]))
    assert doc.register_number == 1 and doc.direction == "in"
    df = DocumentFile.objects.get(document=doc)
    assert df.stored_file.kind == "pdf" and len(df.stored_file.sha256) == 64
    assert "Thong bao ket luan" in df.extracted_text
    assert doc.page_count == 1


@pytest.mark.parametrize(
    "override, field",
    [
        ({"subject": ""}, "subject"),
        ({"issued_on": dt.date(2018, 3, 21)}, "issued_on"),
        ({"document_type": None}, "document_type"),
    ],
)
def test_bad_metadata_is_refused_and_nothing_is_stored(province, override, field):
    data = doc_input(files=[pdf_upload()])
    for k, v in override.items():
        setattr(data, k, v)
    with pytest.raises(ValidationFailed) as exc:
        register_out(province, data=data)
    assert field in exc.value.errors
    assert Document.objects.count() == 0 and StoredFile.objects.count() == 0
    assert Register.objects.filter(last_number__gt=0).count() == 0


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 100, checks.EXECUTABLE),
        ("empty.pdf", b"", checks.EMPTY),
        ("notes.txt", b"plain text", checks.NOT_ACCEPTED),
    ],
)
def test_hostile_files_are_refused_with_a_vietnamese_message(province, name, content, message):
    with pytest.raises(ValidationFailed) as exc:
        register_out(province, data=doc_input(files=[SimpleUploadedFile(name, content)]))
    assert exc.value.errors["files"] == [message % {"name": name, "types": checks.ACCEPTED_LABELS}]
    assert Document.objects.count() == 0 and StoredFile.objects.count() == 0


def test_file_over_the_limit_is_refused(province, settings):
    settings.MAX_UPLOAD_BYTES = 100
    upload = pdf_upload()
    with pytest.raises(ValidationFailed) as exc:
        register_out(province, data=doc_input(files=[upload]))
    assert exc.value.errors["files"] == [ORIGINAL_TOO_LARGE % {
        "name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(100)}]


def test_duplicate_incoming_number_symbol_in_the_same_year_is_refused(province):
    register_in(province)
    with pytest.raises(ValidationFailed) as exc:
        register_in(province, number_symbol="15 / QÐ - UBND")
    assert exc.value.errors["number_symbol"] == [ALREADY_REGISTERED % {
        "s": "15/QĐ-UBND", "i": province.agencies["ubnd"].name, "n": 1}]
    assert Document.objects.count() == 1


def test_a_failure_after_writing_the_file_leaves_no_file(province, monkeypatch, settings):
    from lienthong.search import services as search_services

    def boom(**kwargs):
        raise RuntimeError("index down")

    monkeypatch.setattr(search_services, "index_document", boom)
    with pytest.raises(RuntimeError):
        register_out(province, data=doc_input(files=[pdf_upload()]))
    assert Document.objects.count() == 0 and StoredFile.objects.count() == 0
    assert [f for _d, _s, files in os.walk(settings.MEDIA_ROOT) for f in files] == []


def test_only_clerks_register(province):
    with pytest.raises(PermissionDenied):
        services.document_register_outgoing(actor=province.users["specialist.vp"], agency=province.agencies["vp"],
                                            data=doc_input(), today=TODAY)


def test_cancel_keeps_the_number_and_never_deletes(province):
    doc = register_out(province)
    services.document_cancel(actor=province.users["clerk.vp"], document=doc, reason="Sai thể thức")
    nxt = register_out(province)
    assert nxt.register_number == 2
    with pytest.raises(RuntimeError):
        doc.delete()


def test_unknown_sender_as_free_text(province):
    doc = services.document_register_incoming(
        actor=province.users["clerk.xa"], agency=province.agencies["xa"], today=TODAY,
        data=doc_input("cong-van", "V/v hỗ trợ hộ nghèo", issued_on=dt.date(2018, 3, 2)),
        number_symbol="12/HND-VP", issuer_name="Hội Nông dân huyện Vị Thủy")
    assert doc.issuer_agency is None and doc.issuer_name == "Hội Nông dân huyện Vị Thủy"


def test_back_dated_outgoing_number_is_refused(province):
    register_out(province)
    with pytest.raises(ValidationFailed) as exc:
        register_out(province, data=doc_input(issued_on=dt.date(2018, 3, 1)))
    assert "issued_on" in exc.value.errors


def test_nfc_normalisation_of_input(province):
    nfd = "Tho\u0302ng ba\u0301o"
    doc = register_out(province, data=doc_input(subject=nfd))
    assert doc.subject == "Thông báo"


def test_two_level_hierarchy_is_just_data(db):
    from lienthong.testing.builders import make_levels

    lv = make_levels(three_level=False)
    province = make_agency("Ủy ban nhân dân tỉnh Cần Thơ", "UBND", lv["tinh"], code="000.00.00.H92")
    commune = make_agency("Ủy ban nhân dân xã Vị Thanh", "UBND", lv["xa"], parent=province, code="000.01.00.H92")
    assert commune.parent == province and commune.level.rank == 2
    assert commune.path == f"/{province.pk}/{commune.pk}/"


def test_a_specialist_cannot_print_the_secret_register(province, client):
    register_out(province, data=doc_input(subject="Phương án bảo vệ bí mật nhà nước", secrecy="confidential"))
    secret = Register.objects.get(agency=province.agencies["vp"], year=2018, is_secret=True, direction="out")
    client.force_login(province.users["specialist.vp"])
    assert client.get(f"/so-van-ban/{secret.pk}/in/?format=xlsx").status_code == 404
    assert secret.name not in client.get("/so-van-ban/").content.decode()
    client.force_login(province.users["leader.vp"])
    assert client.get(f"/so-van-ban/{secret.pk}/in/?format=xlsx").status_code == 200
