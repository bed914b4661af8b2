import datetime as dt
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from lienthong.core.errors import ValidationFailed
from lienthong.documents import services
from lienthong.documents.models import DocumentFile, ExtractionStatus, StoredFile
from lienthong.files import checks, open_original
from lienthong.testing.builders import doc_input, pdf_upload

TODAY = dt.date(2018, 3, 20)


def docx_bytes(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        zf.writestr("word/document.xml",
                    '<?xml version="1.0" encoding="UTF-8"?>'
                    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                    f'<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>')
    return buf.getvalue()


def register(province, files):
    return services.document_register_outgoing(actor=province.users["clerk.vp"], agency=province.agencies["vp"],
                                               data=doc_input(files=files), today=TODAY)


def test_docx_text_is_extracted_for_search(province):
    doc = register(province, [SimpleUploadedFile("du-thao.docx", docx_bytes("Kế hoạch chuyển đổi số"))])
    df = DocumentFile.objects.get(document=doc)
    assert df.stored_file.kind == "docx"
    assert df.extracted_text == "Kế hoạch chuyển đổi số"


def test_large_files_are_extracted_by_the_background_job(province, settings, django_capture_on_commit_callbacks):
    settings.TEXT_EXTRACTION_INLINE_MAX_BYTES = 10  # every file counts as large; django-q runs synchronously in tests
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        doc = register(province, [pdf_upload(text="Bao cao nam")])
    df = DocumentFile.objects.get(document=doc)
    assert df.extraction_status == ExtractionStatus.PENDING and df.extracted_text == ""
    for callback in callbacks:  # the transaction commits: the job is queued and (sync in tests) runs
        callback()
    df.refresh_from_db()
    assert df.extraction_status == ExtractionStatus.DONE
    assert "Bao cao nam" in df.extracted_text


def test_identical_originals_are_stored_once_byte_for_byte(province, settings):
    first = register(province, [pdf_upload()])
    second = register(province, [pdf_upload()])
    assert StoredFile.objects.count() == 1
    stored = StoredFile.objects.get()
    with open_original(stored.storage_name) as fh:
        assert fh.read() == pdf_upload().read()
    assert {f.document_id for f in DocumentFile.objects.all()} == {first.pk, second.pk}


def test_a_renamed_zip_that_is_not_an_office_file_is_refused(province):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("payload.bin", b"\x00" * 10)
    upload = SimpleUploadedFile("bao-cao.docx", buf.getvalue())
    try:
        register(province, [upload])
    except ValidationFailed as exc:
        assert exc.errors["files"] == [checks.NOT_ACCEPTED % {"name": "bao-cao.docx", "types": checks.ACCEPTED_LABELS}]
    else:
        raise AssertionError("a zip without Office content was accepted")
