"""The content checks of ``files.check_upload`` on their own: hostile files refused by parsing them,
ordinary ones still accepted. Each upload path (documents, drafts) is tested against the same hostile
files in ``documents/tests/test_hostile_uploads.py``."""

from __future__ import annotations

import time

import pytest

from lienthong import files as file_store
from lienthong.core.errors import ValidationFailed
from lienthong.files.checks import PDF_TOO_MANY_PAGES
from lienthong.files.tests import hostile
from lienthong.testing.builders import tiny_pdf


def test_the_zip_bomb_is_refused_without_inflating_it():
    """The refusal reads the declared sizes: no 2 GiB of zeros is ever produced (this test would take
    seconds and gigabytes otherwise). Checked here by timing the check itself."""
    data = hostile.zip_bomb_docx()
    started = time.perf_counter()
    with pytest.raises(ValidationFailed):
        file_store.check_upload(data, name="bom.docx")
    assert time.perf_counter() - started < 1.0


def test_xxe_never_reads_the_local_file():
    with pytest.raises(ValidationFailed) as refused:
        file_store.check_upload(hostile.xxe_docx(), name="xxe.docx")
    assert "root:" not in str(refused.value.errors)


# --- What stays accepted ------------------------------------------------------------------------------

@pytest.mark.parametrize("builder, kind", [
    (tiny_pdf, "pdf"),
    (hostile.uri_link_pdf, "pdf"),
    (lambda: hostile.encrypted_pdf(""), "pdf"),  # restrictions only, opens without a password
    (hostile.docx, "docx"),
    (hostile.valid_png, "png"),
], ids=["plain-pdf", "pdf-with-web-link", "pdf-owner-password-only", "docx", "png"])
def test_ordinary_files_still_pass(builder, kind):
    checked = file_store.check_upload(builder(), name="tep")
    assert checked.kind.kind == kind and not checked.active_content


def test_a_signed_pdf_made_by_the_signing_module_passes():
    from lienthong.signing.tests.pdf_helpers import personally_signed

    checked = file_store.check_upload(personally_signed(), name="da-ky.pdf")
    assert checked.kind.kind == "pdf" and not checked.active_content


def test_a_pdf_over_the_page_limit_is_refused(settings):
    settings.PDF_MAX_PAGES = 0
    with pytest.raises(ValidationFailed) as refused:
        file_store.check_upload(tiny_pdf(), name="dai.pdf")
    assert refused.value.errors["files"] == [PDF_TOO_MANY_PAGES % {"name": "dai.pdf", "n": 1, "limit": 0}]


def test_sniffing_recognises_images():
    assert file_store.sniff(b"\x89PNG\r\n\x1a\n" + b"0" * 20).kind == "png"
    assert file_store.sniff(b"\xff\xd8\xff\xe0" + b"0" * 20).kind == "jpeg"
    assert file_store.sniff(b"II*\x00" + b"0" * 20).kind == "tiff"
    assert file_store.sniff(b"GIF89a") is None
