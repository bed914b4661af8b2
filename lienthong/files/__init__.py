"""Original files, below every app that keeps them: content-addressed storage, type checks of uploads,
upload reading, text extraction and the limits they share.

The app has no models: the rows that refer to stored bytes belong to the apps that keep them
(``documents.StoredFile``), so documents, assessment evidence, the importers and the signing app all
check, read and store files the same way through the names below. The modules:

- ``checks``: the type decided from the bytes, then the file parsed as that type (``check_upload``);
- ``uploads``: the one reader of uploaded files (``read_limited``; ``read_upload`` for originals,
  ``read_table_upload`` for the importers' tables) and the answers to Django's parser refusals;
- ``storage``: bytes kept once under their SHA-256 (local folder or S3-compatible store), removed again
  when their transaction rolls back; ``StorageUnavailable`` when the store fails;
- ``sweep``: objects in the store that no row refers to, and rows whose object is missing
  (``manage.py sweep_orphans``);
- ``text``: the plain text of a PDF or DOCX for the search index;
- ``responses``: a stored original as a download or an inline preview, sandboxed;
- ``pdf``: long printed tables laid out by WeasyPrint in parts.
"""

from lienthong.files.checks import (
    ACCEPTED_LABELS,
    DOCX,
    JPEG,
    MAX_FILENAME_CHARS,
    ODT,
    PDF,
    PNG,
    TIFF,
    XLSX,
    Checked,
    Sniffed,
    check_file_count,
    check_file_name,
    check_upload,
    sniff,
    upload_max_files,
)
from lienthong.files.pdf import pdf_in_parts
from lienthong.files.responses import original_response
from lienthong.files.storage import (
    STORE_UNAVAILABLE,
    StorageUnavailable,
    check_store,
    discard_written,
    open_original,
    sha256_of,
    storage_name_for,
    write_original,
    write_originals,
)
from lienthong.files.text import extract_text
from lienthong.files.uploads import UploadTooLarge, read_limited, read_table_upload, read_upload

__all__ = [
    "ACCEPTED_LABELS", "DOCX", "STORE_UNAVAILABLE", "StorageUnavailable",
    "JPEG", "MAX_FILENAME_CHARS", "ODT", "PDF", "PNG", "TIFF", "XLSX", "Checked",
    "Sniffed", "UploadTooLarge", "check_file_count", "check_file_name", "check_store", "check_upload",
    "discard_written",
    "extract_text", "open_original", "original_response", "pdf_in_parts", "read_limited", "read_table_upload",
    "read_upload", "sha256_of", "sniff", "storage_name_for", "upload_max_files", "write_original",
    "write_originals",
]
