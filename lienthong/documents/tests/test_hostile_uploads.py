"""Hostile and malformed uploads are refused by parsing them, on every path that stores originals.

Each hostile file is posted through the three upload paths a user reaches: registering an incoming
document through the API and through the web form, and adding a version to a draft through the API.
Each answers 4xx with a Vietnamese message that names the file and the problem, stores nothing and
consumes no number: the next valid registration gets the number the refused one would have taken.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from lienthong.core.errors import ValidationFailed
from lienthong.core.http import BODY_TOO_LARGE
from lienthong.documents.models import Document, DocumentFile, StoredFile
from lienthong.drafting.models import DraftFile
from lienthong.drafting.tests.test_api import draft_form
from lienthong.files import checks
from lienthong.files.tests import hostile
from lienthong.files.uploads import FILE_NAME_TOO_LONG, TOO_MANY_FILES_SENT
from lienthong.testing.builders import pdf_upload, tiny_pdf
from lienthong.web.tests.test_document_api import as_user, incoming_form, originals_on_disk
from lienthong.web.tests.test_document_pages import errors_next_to, incoming_post


def active(kind: str) -> tuple:
    """The refusal of a PDF with active content of one kind, and its parameters."""
    return checks.PDF_ACTIVE, {"what": checks.ACTIVE_LABELS[kind]}


# (id, builder, file name, the refusal (checks' constant), its parameters besides the file name)
HOSTILE = [
    ("header-only-pdf", hostile.header_only_pdf, "cong-van.pdf", checks.PDF_BROKEN, {}),
    ("html-starting-with-pdf", hostile.html_as_pdf, "trang.pdf", checks.PDF_BROKEN, {}),
    ("pdf-openaction-javascript", hostile.open_action_js_pdf, "js.pdf", *active("javascript")),
    ("pdf-names-javascript", hostile.names_js_pdf, "js2.pdf", *active("javascript")),
    ("pdf-launch-action", hostile.launch_annotation_pdf, "launch.pdf", *active("launch")),
    ("pdf-embedded-file", hostile.embedded_file_pdf, "nhung.pdf", *active("embedded")),
    ("pdf-password", lambda: hostile.encrypted_pdf("mat-khau"), "khoa.pdf", checks.PDF_PASSWORD, {}),
    ("docx-zip-bomb-2gib", hostile.zip_bomb_docx, "bom.docx", checks.PACKAGE_BOMB,
     {"limit": filesizeformat(checks.PACKAGE_MAX_UNPACKED_BYTES)}),
    ("docx-zip-bomb-lying-sizes", lambda: hostile.zip_bomb_docx(lie_about_size=True), "bom2.docx",
     checks.PACKAGE_BROKEN, {}),
    ("docx-billion-laughs", hostile.billion_laughs_docx, "lol.docx", checks.XML_ENTITIES, {}),
    ("docx-xxe", hostile.xxe_docx, "xxe.docx", checks.XML_ENTITIES, {}),
    ("docx-macro", hostile.macro_docx, "macro.docx", checks.PACKAGE_MACROS, {}),
    ("docx-path-traversal", hostile.traversal_docx, "duong-dan.docx", checks.PACKAGE_BAD_PATH,
     {"path": "../../etc/cron.d/x"}),
    ("png-pixel-bomb", hostile.pixel_bomb_png, "anh.png", checks.IMAGE_TOO_LARGE,
     {"limit": checks.IMAGE_MAX_PIXELS // 1_000_000}),
    ("png-truncated", hostile.truncated_png, "hong.png", checks.IMAGE_BROKEN, {}),
]
IDS = [h[0] for h in HOSTILE]


def hostile_upload(builder, name) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, builder(), content_type="application/octet-stream")


def assert_message(messages: list[str], name: str, refusal, params: dict) -> None:
    """One message: the refusal, naming the file."""
    assert messages == [refusal % {"name": name, **params}]


@pytest.mark.parametrize("hostile_id, builder, name, refusal, params", HOSTILE, ids=IDS)
def test_api_incoming_refuses_the_file_stores_nothing_and_keeps_the_number(
        province, settings, hostile_id, builder, name, refusal, params):
    client = as_user(province.users["clerk.stttt"])

    response = client.post("/api/documents/incoming", incoming_form(province, files=[hostile_upload(builder, name)]))

    assert response.status_code == 422, response.content
    assert_message(response.json()["errors"]["files"], name, refusal, params)
    assert not Document.objects.exists() and not StoredFile.objects.exists()
    assert originals_on_disk(settings) == []
    after = client.post("/api/documents/incoming", incoming_form(province))
    assert after.status_code == 201 and after.json()["register_number"] == 1


@pytest.mark.parametrize("hostile_id, builder, name, refusal, params", HOSTILE, ids=IDS)
def test_web_form_incoming_refuses_the_file_stores_nothing_and_keeps_the_number(
        clerk_client, province, settings, hostile_id, builder, name, refusal, params):
    url = reverse("documents:register_incoming")

    response = clerk_client.post(url, incoming_post(province, files=hostile_upload(builder, name)))

    assert response.status_code == 422
    assert_message(errors_next_to(response, "files"), name, refusal, params)
    assert not Document.objects.exists() and not StoredFile.objects.exists()
    assert originals_on_disk(settings) == []
    clerk_client.post(url, incoming_post(province, number_symbol="33/TB-VP.UBND"))
    assert Document.objects.get().register_number == 1


@pytest.mark.parametrize("hostile_id, builder, name, refusal, params", HOSTILE, ids=IDS)
def test_api_draft_files_refuses_the_file_and_stores_nothing(province, settings, hostile_id, builder, name, refusal,
                                                             params):
    client = as_user(province.users["specialist.xa"])
    draft = client.post("/api/drafts", draft_form(province)).json()
    stored_before = set(StoredFile.objects.values_list("pk", flat=True))
    on_disk_before = originals_on_disk(settings)

    response = client.post(f"/api/drafts/{draft['id']}/files",
                           {"role": "draft", "files": [hostile_upload(builder, name)]})

    assert response.status_code == 422, response.content
    assert_message(response.json()["errors"]["files"], name, refusal, params)
    assert DraftFile.objects.filter(draft_id=draft["id"]).count() == 1
    assert set(StoredFile.objects.values_list("pk", flat=True)) == stored_before
    assert originals_on_disk(settings) == on_disk_before


# (The content checks themselves, hostile file by hostile file, are tested in lienthong/files/tests.)


# --- The "flag" policy: kept, marked, never shown inline --------------------------------------------------

def test_with_the_flag_policy_active_pdf_is_stored_marked_and_only_downloaded(province, settings):
    settings.PDF_ACTIVE_CONTENT = "flag"
    client = as_user(province.users["clerk.stttt"])

    response = client.post("/api/documents/incoming", incoming_form(
        province, files=[SimpleUploadedFile("js.pdf", hostile.open_action_js_pdf())]))

    assert response.status_code == 201, response.content
    df = DocumentFile.objects.get()
    assert df.stored_file.has_active_content
    web = Client_logged_in(province.users["clerk.stttt"])
    inline = web.get(reverse("documents:file", args=[df.document_id, df.pk]) + "?inline=1")
    assert inline["Content-Disposition"].startswith("attachment")
    assert inline["Content-Security-Policy"] == "sandbox"
    detail = web.get(reverse("documents:detail", args=[df.document_id])).content.decode()
    assert "?inline=1" not in detail  # no preview frame for a flagged file


def Client_logged_in(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


# --- Headers of every view that serves a stored original ------------------------------------------------

def assert_safe_headers(response, *, inline: bool):
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Content-Disposition"].startswith("inline" if inline else "attachment")


def test_document_file_inline_and_download_are_both_sandboxed(province):
    client = as_user(province.users["clerk.stttt"])
    doc = client.post("/api/documents/incoming", incoming_form(province)).json()
    web = Client_logged_in(province.users["clerk.stttt"])
    url = reverse("documents:file", args=[doc["id"], doc["files"][0]["id"]])

    assert_safe_headers(web.get(url + "?inline=1"), inline=True)
    assert_safe_headers(web.get(url), inline=False)
    assert_safe_headers(client.get(f"/api/documents/{doc['id']}/files/{doc['files'][0]['id']}"), inline=False)


def test_draft_file_inline_and_download_are_both_sandboxed(province):
    user = province.users["specialist.xa"]
    draft = as_user(user).post("/api/drafts", draft_form(province)).json()
    web = Client_logged_in(user)
    url = reverse("drafting:file", args=[draft["id"], draft["files"][0]["id"]])

    assert_safe_headers(web.get(url + "?inline=1"), inline=True)
    assert_safe_headers(web.get(url), inline=False)
    assert_safe_headers(as_user(user).get(draft["files"][0]["download_url"]), inline=False)


# --- File names and file counts (defect 7) ---------------------------------------------------------------

class NamedBytes(io.BytesIO):
    """A file for the test client whose name is sent as is (Django's own upload classes shorten names)."""

    def __init__(self, name: str, data: bytes):
        super().__init__(data)
        self.name = name


LONG_NAME = "Quyết định phê duyệt kế hoạch chuyển đổi số tỉnh Hậu Giang " * 20 + ".pdf"  # ~1.6 KB of UTF-8
NAME_201 = "a" * 197 + ".pdf"


def test_api_refuses_a_file_name_over_the_limit(province):
    client = as_user(province.users["clerk.stttt"])

    response = client.post("/api/documents/incoming", incoming_form(province, files=[NamedBytes(NAME_201, tiny_pdf())]))

    assert response.status_code == 422
    assert response.json()["errors"]["files"] == [checks.NAME_TOO_LONG % {"start": "a" * 40, "n": 201, "limit": 200}]
    assert not Document.objects.exists()


def test_api_answers_a_kilobyte_file_name_with_a_vietnamese_400(province):
    client = as_user(province.users["clerk.stttt"])

    form = incoming_form(province, files=[NamedBytes(LONG_NAME, tiny_pdf())])
    response = client.post("/api/documents/incoming", form)

    assert response.status_code == 400
    assert response.json()["code"] == "upload_name_too_long"
    assert response.json()["message"] == FILE_NAME_TOO_LONG % {"limit": checks.MAX_FILENAME_CHARS}
    assert not Document.objects.exists()


def test_web_form_answers_a_kilobyte_file_name_with_a_vietnamese_400(clerk_client, province):
    response = clerk_client.post(reverse("documents:register_incoming"),
                                 incoming_post(province, files=NamedBytes(LONG_NAME, tiny_pdf())))

    assert response.status_code == 400
    assert FILE_NAME_TOO_LONG % {"limit": checks.MAX_FILENAME_CHARS} in response.content.decode()
    assert not Document.objects.exists()


def test_web_form_refuses_a_file_name_over_the_limit_next_to_the_field(clerk_client, province):
    response = clerk_client.post(reverse("documents:register_incoming"),
                                 incoming_post(province, files=NamedBytes(NAME_201, tiny_pdf())))

    assert response.status_code == 422
    assert errors_next_to(response, "files") == [
        checks.NAME_TOO_LONG % {"start": NAME_201[:40], "n": 201, "limit": checks.MAX_FILENAME_CHARS}]
    assert not Document.objects.exists()


def many_pdfs(count):
    return [pdf_upload(f"trang-{i}.pdf", f"Trang {i}") for i in range(count)]


def test_more_files_than_the_app_allows_are_refused_with_the_limit(province, clerk_client, settings):
    settings.UPLOAD_MAX_FILES = 3
    api = as_user(province.users["clerk.stttt"]).post("/api/documents/incoming",
                                                     incoming_form(province, files=many_pdfs(4)))
    web = clerk_client.post(reverse("documents:register_incoming"), incoming_post(province, files=many_pdfs(4)))

    message = checks.TOO_MANY_FILES % {"n": 4, "limit": 3}
    assert api.status_code == 422 and api.json()["errors"]["files"] == [message]
    assert web.status_code == 422 and errors_next_to(web, "files") == [message]
    assert not StoredFile.objects.exists()


def test_more_files_than_django_parses_get_a_vietnamese_answer(province, clerk_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 5  # Django's own ceiling, below the 150 files of the report
    api = as_user(province.users["clerk.stttt"]).post("/api/documents/incoming",
                                                     incoming_form(province, files=many_pdfs(6)))
    web = clerk_client.post(reverse("documents:register_incoming"), incoming_post(province, files=many_pdfs(6)))

    assert api.status_code == 400
    assert api.json()["code"] == "upload_too_many_files"
    refusal = TOO_MANY_FILES_SENT % {"limit": settings.UPLOAD_MAX_FILES}
    assert api.json()["message"] == refusal
    assert web.status_code == 400 and refusal in web.content.decode()
    assert not Document.objects.exists()


def test_a_request_body_over_djangos_limit_gets_a_vietnamese_413(province, clerk_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100  # form fields only (files do not count)
    api = as_user(province.users["clerk.stttt"]).post("/api/documents/incoming",
                                                     incoming_form(province, notes="x" * 500))
    web = clerk_client.post(reverse("documents:register_incoming"), incoming_post(province, notes="x" * 500))

    assert api.status_code == 413 and api.json()["code"] == "upload_too_large"
    assert web.status_code == 413 and BODY_TOO_LARGE % {"limit": filesizeformat(100)} in web.content.decode()
    assert not Document.objects.exists()


def test_generated_downloads_carry_the_same_headers(province):
    from lienthong.documents.models import Register

    as_user(province.users["clerk.stttt"]).post("/api/documents/incoming", incoming_form(province))
    register = Register.objects.get(last_number=1)
    web = Client_logged_in(province.users["clerk.stttt"])

    assert_safe_headers(web.get(reverse("documents:register_book", args=[register.pk]) + "?format=xlsx"),
                        inline=False)


def test_a_signature_image_is_measured_before_it_is_decoded():
    """A small PNG declaring 12 000 × 12 000 pixels is refused on its size, without inflating 576 MB."""
    from lienthong.signing.pades.images import MAX_SIDE, MIN_SIDE, SIZE_OUT_OF_RANGE, check_png_with_alpha

    with pytest.raises(ValidationFailed) as refused:
        check_png_with_alpha(hostile.png(12_000, 12_000))
    assert refused.value.errors == {"image": [SIZE_OUT_OF_RANGE % {"lo": MIN_SIDE, "hi": MAX_SIDE}]}
