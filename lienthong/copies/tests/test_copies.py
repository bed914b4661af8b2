"""Electronic copies: sao y, trích sao, sao lục (vanthu.md §7 rule 7 and rule 3; NĐ30 Art. 25–27;
Phụ lục I ô 14 and Part II §II.1c)."""

from __future__ import annotations

import io
import re
import subprocess

import pytest

from lienthong.copies import pdf as copy_pdf
from lienthong.copies import services
from lienthong.copies.models import DocumentCopy
from lienthong.copies.tests.helpers import PIN, ca_root, setup
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.documents.models import Direction, Document, Register
from lienthong.files import open_original

pytestmark = pytest.mark.django_db

RECIPIENTS = "- Sở Nội vụ;\n- Lưu: VT."


def _make(p, doc, form="SY", pages="", **kw):
    return services.copy_create(actor=kw.pop("actor", p.users["clerk.vp"]), original_id=doc.pk, form=form,
                                signer_id=kw.pop("signer_id", p.users["leader.vp"].pk), recipients_text=RECIPIENTS,
                                pages=pages, pin=kw.pop("pin", PIN), **kw)


def _matches(message) -> str:
    """``pytest.raises(match=…)`` for exactly this message."""
    return re.escape(str(message))


def _pdf(copy) -> bytes:
    df = copy.copy.files.get()
    with open_original(df.stored_file.storage_name) as fh:
        return fh.read()


def _text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


def _pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_sao_y_is_numbered_in_the_copy_register_signed_without_image_and_verifiable(_media_root):
    """vanthu.md §7 rule 7 and rule 3; NĐ30 Art. 25.1a, Phụ lục I ô 14, §II.8 (agency signature with no image,
    top right of page 1: copy form, copying agency, ISO 8601 time); PL1 Part II §II.1c (copy numbers)."""
    from lienthong.signing.verification import verify_pdf

    p, doc = setup()
    copy = _make(p, doc)
    record = copy.copy
    assert record.direction == Direction.COPY and record.register.direction == Direction.COPY
    assert record.number_symbol == "01/SY-VP.UBND" and record.register.last_number == 1
    assert record.agency == p.agencies["vp"] and record.signer == p.users["leader.vp"]
    assert (record.notation_number, record.notation_symbol) == ("01", "SY-VP.UBND")
    data = _pdf(copy)
    pages = _pages(data)
    assert len(pages) == 4  # three pages of the original + the certification page
    assert "Trang so 1" in pages[0] and "Trang so 3" in pages[2]
    cert = _text(data).split("\f")[3]
    for expected in ("SAO Y", "VĂN PHÒNG", "Số: 01/SY-VP.UBND", "Nơi nhận:",
                     "- Sở Nội vụ;", p.users["leader.vp"].full_name, doc.number_symbol):
        assert expected in cert
    report = verify_pdf(data, trust_roots=[ca_root().der])
    [sig] = report.signatures
    assert sig.intact and sig.trusted and sig.valid
    assert sig.signer_name == p.agencies["vp"].name
    # No image: the signature's appearance is text only, at the top right of page 1.
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    [widget] = [a.get_object() for a in reader.pages[0]["/Annots"] if a.get_object().get("/FT") == "/Sig"]
    x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert x1 > width * 0.8 and y1 > height * 0.9
    appearance = widget["/AP"]["/N"].get_object()
    xobjects = appearance.get("/Resources", {}).get("/XObject", {})
    assert not any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values())
    first_page = _text(data).split("\f")[0]
    assert "SAO Y" in first_page and "+07:00" in first_page


def test_trich_sao_holds_only_the_chosen_pages(_media_root):
    """vanthu.md §7 rule 7; NĐ30 Art. 25.1b (trích sao: part of the content), Phụ lục I ô 14."""
    p, doc = setup()
    copy = _make(p, doc, form="TrS", pages="1, 3")
    assert copy.copy.number_symbol == "01/TrS-VP.UBND" and copy.pages == "1,3"
    pages = _pages(_pdf(copy))
    assert len(pages) == 3
    assert "Trang so 1" in pages[0] and "Trang so 3" in pages[1] and "Trang so 2" not in "".join(pages)
    assert "TRÍCH SAO" in _text(_pdf(copy))
    with pytest.raises(ValidationFailed, match=_matches(copy_pdf.NO_SUCH_PAGE % {"n": 3, "p": 5})):
        _make(p, doc, form="TrS", pages="2-5")
    with pytest.raises(ValidationFailed, match=_matches(copy_pdf.PAGES_REQUIRED)):
        _make(p, doc, form="TrS", pages="")


def test_sao_luc_only_from_a_sao_y_and_one_series_for_every_form(_media_root):
    """vanthu.md §3.3 (one copy series for SY/TrS/SL) and §7 rule 3; NĐ30 Art. 25.1c (sao lục from a sao y)."""
    p, doc = setup()
    with pytest.raises(ValidationFailed, match=_matches(services.SAO_LUC_FROM_SAO_Y_ONLY)):
        _make(p, doc, form="SL")
    sao_y = _make(p, doc)
    trich = _make(p, doc, form="TrS", pages="2")
    luc = _make(p, sao_y.copy, form="SL")
    assert [c.copy.number_symbol for c in (sao_y, trich, luc)] == ["01/SY-VP.UBND", "02/TrS-VP.UBND", "03/SL-VP.UBND"]
    assert luc.original == sao_y.copy
    with pytest.raises(ValidationFailed, match=_matches(services.FROM_A_COPY_SAO_LUC_ONLY)):
        _make(p, trich.copy, form="SY")
    assert "SAO LỤC" in _text(_pdf(luc))


def test_copy_links_to_its_original_on_both_pages(client, _media_root):
    """vanthu.md §7 rule 7; NĐ30 Art. 25 (a copy names what it was copied from)."""
    p, doc = setup()
    copy = _make(p, doc)
    client.force_login(p.users["clerk.vp"])
    original_page = client.get(f"/van-ban/{doc.pk}/").content.decode()
    assert "01/SY-VP.UBND" in original_page and f"/van-ban/{copy.copy_id}/" in original_page
    copy_page = client.get(f"/van-ban/{copy.copy_id}/").content.decode()
    assert "Sao y" in copy_page and f"/van-ban/{doc.pk}/" in copy_page and doc.number_symbol in copy_page


def test_only_the_agency_clerk_copies_and_only_a_leader_signs(_media_root):
    """NĐ30 Art. 27.1 (the agency head decides copying and who signs copies), Art. 32–33 (the văn thư applies
    the agency signature)."""
    p, doc = setup()
    for actor in ("leader.vp", "specialist.vp"):
        with pytest.raises(PermissionDenied):
            _make(p, doc, actor=p.users[actor])
    with pytest.raises(NotFound):  # another agency's văn thư does not even see the document
        _make(p, doc, actor=p.users["clerk.huyen"])
    with pytest.raises(ValidationFailed, match=_matches(services.SIGNER_NOT_LEADER)):
        _make(p, doc, signer_id=p.users["specialist.vp"].pk)
    with pytest.raises(ValidationFailed, match=_matches(services.PIN_REQUIRED)):
        _make(p, doc, pin="")
    assert not DocumentCopy.objects.exists()
    assert Register.objects.get(agency=p.agencies["vp"], direction=Direction.COPY).last_number == 0


def test_no_agency_credential_refuses_and_stores_nothing(_media_root):
    """NĐ30 Art. 26 (a copy made by the rules has legal value): without the agency's digital signature no
    electronic copy is made, and no copy number is taken."""
    p, doc = setup(credential=False)
    with pytest.raises(ValidationFailed, match=_matches(services.NO_AGENCY_CREDENTIAL)):
        _make(p, doc)
    assert not Document.objects.filter(direction=Direction.COPY).exists()


def test_the_copy_register_book_lists_the_copies_issued_in_it(_media_root):
    """vanthu.md §7 rules 3 and 8 (a separate register for copies, printable); PL1 Part II §II.1c; PL4."""
    from lienthong.documents.register_book import book_rows, book_title

    p, doc = setup()
    first = _make(p, doc)
    _make(p, doc, form="TrS", pages="3")
    register = first.copy.register
    assert book_title(register.direction) == "SỔ ĐĂNG KÝ BẢN SAO"
    rows = [cells for cancelled, cells in book_rows(register=register) if not cancelled]
    flat = [" ".join(map(str, cells)) for cells in rows]
    assert len(flat) == 2 and "01/SY-VP.UBND" in flat[0] and "02/TrS-VP.UBND" in flat[1]
    assert "Lãnh đạo" in flat[0] and "- Sở Nội vụ;" in flat[0]  # the signer and the recipients of each copy


def test_secret_documents_are_not_copied_here(_media_root):
    """NĐ30 Art. 27.2: copying documents that carry state secrets follows the state-secrets law."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lienthong.copies.tests.helpers import three_pages
    from lienthong.documents.services import document_register_outgoing
    from lienthong.testing.builders import doc_input

    p, _doc = setup()
    secret = document_register_outgoing(actor=p.users["clerk.vp"], agency=p.agencies["vp"], data=doc_input(
        "cong-van", "Công văn mật", secrecy="confidential",
        files=[SimpleUploadedFile("mat.pdf", three_pages(), content_type="application/pdf")]))
    with pytest.raises(ValidationFailed, match=_matches(services.SECRET_NOT_COPIED)):
        _make(p, secret)
    assert not DocumentCopy.objects.exists()


def test_a_received_document_is_copied_with_its_sender_named(_media_root):
    """vanthu.md §7 rule 7; NĐ30 Art. 27.1 (copies of documents sent to the agency by others)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lienthong.copies.tests.helpers import three_pages
    from lienthong.documents.services import document_register_incoming
    from lienthong.testing.builders import doc_input

    p, _doc = setup()
    received = document_register_incoming(
        actor=p.users["clerk.vp"], agency=p.agencies["vp"], number_symbol="15/QĐ-BNV", issuer_name="Bộ Nội vụ",
        data=doc_input("quyet-dinh", "Quyết định về công tác văn thư",
                       files=[SimpleUploadedFile("qd.pdf", three_pages(), content_type="application/pdf")]))
    copy = _make(p, received)
    assert copy.original == received and copy.copy.number_symbol == "01/SY-VP.UBND"
    assert "Quyết định số 15/QĐ-BNV" in _text(_pdf(copy)) and "Bộ Nội vụ" in _text(_pdf(copy))
