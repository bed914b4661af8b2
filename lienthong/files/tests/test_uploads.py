"""The one reader of uploaded files: the declared size first, then chunks up to the ceiling, never the whole
of an oversized file; worded for originals (the file named) and for the importers' tables."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lienthong import files as file_store
from lienthong.core.errors import ValidationFailed
from lienthong.core.spreadsheets import SpreadsheetError
from lienthong.files.uploads import ORIGINAL_OVER_LIMIT, ORIGINAL_TOO_LARGE, TABLE_EMPTY, TABLE_TOO_LARGE
from lienthong.testing.builders import tiny_pdf


class Unreadable(io.BytesIO):
    size = 3 * 1024 * 1024

    def read(self, *args):
        raise AssertionError("a file above the limit must not be read")

    def chunks(self, *args):
        raise AssertionError("a file above the limit must not be read")


def test_a_table_above_the_size_limit_is_refused_without_reading_it():
    with pytest.raises(SpreadsheetError) as exc:
        file_store.read_table_upload(Unreadable(), max_bytes=2 * 1024 * 1024)
    assert str(exc.value) == TABLE_TOO_LARGE % {"n": 2} and exc.value.code == "too_large"
    assert file_store.read_table_upload(SimpleUploadedFile("a.csv", b"a,b\n"), max_bytes=10) == b"a,b\n"
    with pytest.raises(SpreadsheetError) as empty:
        file_store.read_table_upload(SimpleUploadedFile("a.csv", b""), max_bytes=10)
    assert str(empty.value) == str(TABLE_EMPTY) and empty.value.code == "empty"


def test_a_table_is_read_from_any_binary_file_object():
    assert file_store.read_table_upload(io.BytesIO(b"a;b\n1;2\n"), max_bytes=100) == b"a;b\n1;2\n"
    with pytest.raises(SpreadsheetError) as exc:
        file_store.read_table_upload(io.BytesIO(b"x" * 11), max_bytes=10)  # no declared size: found while reading
    assert str(exc.value) == TABLE_TOO_LARGE % {"n": 0}


def test_an_original_over_the_limit_is_refused_with_its_name_and_size(settings):
    settings.MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationFailed) as declared:
        file_store.read_upload(SimpleUploadedFile("lon.pdf", b"x" * 2048))
    assert declared.value.errors == {"files": [
        ORIGINAL_TOO_LARGE % {"name": "lon.pdf", "size": "2,0\xa0KB", "limit": "1,0\xa0KB"}]}

    understated = SimpleUploadedFile("lon.pdf", b"x" * 2048)
    understated.size = 10  # found larger while being read
    with pytest.raises(ValidationFailed) as found:
        file_store.read_upload(understated, field="scan")
    assert found.value.errors == {"scan": [ORIGINAL_OVER_LIMIT % {"name": "lon.pdf", "limit": "1,0\xa0KB"}]}


def test_an_original_is_read_whole_and_checked():
    checked = file_store.read_upload(SimpleUploadedFile("cong-van.pdf", tiny_pdf()))
    assert checked.kind is file_store.PDF and checked.data == tiny_pdf()
