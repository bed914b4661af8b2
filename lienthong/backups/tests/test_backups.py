"""Backup, restore and verify_files as an operator runs them, in this process on the test database.

The whole round trip onto a fresh database and storage runs in other processes: test_drill.py.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from lienthong.backups import services
from lienthong.backups.management.commands import verify_files
from lienthong.documents.models import StoredFile
from lienthong.documents.services import document_register_incoming
from lienthong.testing.builders import doc_input, pdf_upload


def register_with_files(province, *texts: str) -> list[StoredFile]:
    files = [pdf_upload(f"tep-{i}.pdf", text) for i, text in enumerate(texts)]
    document_register_incoming(
        actor=province.users["clerk.stttt"], agency=province.agencies["stttt"], data=doc_input(files=files),
        number_symbol="15/QĐ-UBND", issuer_agency=province.agencies["ubnd"], today=dt.date(2018, 3, 6))
    return list(StoredFile.objects.order_by("id"))


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def stored_path(stored: StoredFile) -> Path:
    return Path(settings.MEDIA_ROOT) / stored.storage_name


def test_a_backup_into_a_folder_that_already_holds_something_is_refused(tmp_path):
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / "last-week.txt").write_text("an older backup")

    with pytest.raises(CommandError) as refused:
        run("backup", "--to", str(folder))

    assert str(refused.value) == services.DIR_NOT_EMPTY % {"path": folder}
    assert [p.name for p in folder.iterdir()] == ["last-week.txt"]
    assert not (tmp_path / "backup.partial").exists()


@pytest.mark.django_db
def test_verify_files_counts_every_stored_file_and_passes_when_all_match(province):
    register_with_files(province, "Mot", "Hai")

    out, err = run("verify_files")

    assert out.strip() == str(verify_files.COUNTS % {"checked": 2, "ok": 2, "missing": 0, "changed": 0,
                                                     "without_hash": 0})
    assert err == ""


@pytest.mark.django_db
def test_verify_files_names_missing_and_changed_files_and_fails(province):
    first, second, third = register_with_files(province, "Mot", "Hai", "Ba")
    stored_path(first).unlink()
    stored_path(second).write_bytes(stored_path(second).read_bytes().replace(b"Hai", b"HAI"))  # same size

    out = io.StringIO()
    err = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("verify_files", "--jobs", "3", stdout=out, stderr=err)

    counts = {"checked": 3, "ok": 1, "missing": 1, "changed": 1, "without_hash": 0}
    assert str(failed.value) == str(verify_files.FAILED % counts)
    assert out.getvalue().strip() == str(verify_files.COUNTS % counts)
    lines = err.getvalue().splitlines()
    assert f"missing: {first.storage_name}" in lines
    assert any(line.startswith(f"changed: {second.storage_name} (sha256 ") for line in lines)
    assert third.storage_name not in err.getvalue()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_describes_the_database_and_every_file_and_restore_refuses_this_non_empty_database(
        province, tmp_path):
    stored = register_with_files(province, "Mot", "Hai")
    folder = tmp_path / "backup"

    out, _err = run("backup", "--to", str(folder))

    assert out.splitlines()[-1].startswith(f"Backup written to {folder}: {connection.vendor} dump")
    header = json.loads((folder / "header.json").read_text())
    manifest = [json.loads(line) for line in (folder / "manifest.jsonl").read_text().splitlines()]
    assert {(e["name"], e["sha256"], e["size"]) for e in manifest} == {
        (s.storage_name, s.sha256, s.size) for s in stored}
    for s in stored:
        assert (folder / "files" / s.storage_name).read_bytes() == stored_path(s).read_bytes()
    assert header["counts"]["documents_storedfile"] == 2
    assert "documents.0001_initial" in header["migrations"]
    assert header["manifest"]["entries"] == 2 and header["files_copied"] is True

    with pytest.raises(CommandError) as refused:
        run("restore", "--from", str(folder))

    assert str(refused.value).startswith(str(services.DATABASE_NOT_EMPTY).split("(")[0])
    assert StoredFile.objects.count() == 2  # nothing touched


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_with_a_changed_file_or_manifest_is_refused_before_anything_is_touched(province, tmp_path):
    first, _second = register_with_files(province, "Mot", "Hai")
    folder = tmp_path / "backup"
    run("backup", "--to", str(folder))
    out, _err = run("restore", "--from", str(folder), "--check-only")
    assert "is intact: " in out

    copy = folder / "files" / first.storage_name
    original = copy.read_bytes()
    copy.write_bytes(original.replace(b"Mot", b"MOT"))
    with pytest.raises(CommandError) as refused:
        run("restore", "--from", str(folder), "--check-only")
    assert str(refused.value) == services.FILES_CHANGED % {"count": 1, "names": first.storage_name}

    copy.write_bytes(original)
    manifest = folder / "manifest.jsonl"
    manifest.write_text(manifest.read_text().replace('"size":', '"size":1', 1))
    with pytest.raises(CommandError) as refused:
        run("restore", "--from", str(folder), "--check-only")
    assert str(refused.value) == services.PART_CHANGED % {"name": manifest}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_file_already_wrong_at_backup_time_is_listed_and_the_backup_still_completes(province, tmp_path):
    first, second = register_with_files(province, "Mot", "Hai")
    stored_path(first).unlink()
    folder = tmp_path / "backup"

    with pytest.raises(CommandError) as warned:
        run("backup", "--to", str(folder))

    assert "1 or more" in str(warned.value)
    manifest = {e["name"]: e for e in map(json.loads, (folder / "manifest.jsonl").read_text().splitlines())}
    assert manifest[first.storage_name]["problem"] == "missing"
    assert "problem" not in manifest[second.storage_name]
    assert (folder / "header.json").exists() and not (tmp_path / "backup.partial").exists()
    run("restore", "--from", str(folder), "--check-only")  # the copies it holds are intact


def test_an_object_whose_row_records_no_hash_is_checked_for_presence_and_size():
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from lienthong.backups.selectors import CHANGED, MISSING, check_stored
    from lienthong.files.inventory import StoredObject

    name = default_storage.save("reports/2018/bao-cao.pdf", ContentFile(b"%PDF-1.7 report"))

    assert check_stored(StoredObject(name, size=15)) == ("nohash", None)
    assert check_stored(StoredObject(name, size=16))[0] == CHANGED
    assert check_stored(StoredObject("reports/2018/khong-co.pdf", size=15))[0] == MISSING
