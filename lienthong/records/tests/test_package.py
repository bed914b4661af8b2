"""The export package of a closed file (issue 16 §2, §4): originals, Appendix VI metadata, SHA-256 manifest,
and ``verify_package``, which checks it without the database."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lienthong.audit.models import AuditEntry
from lienthong.core.errors import ValidationFailed
from lienthong.records import package_export, packages, services
from lienthong.records.tests.helpers import outgoing, secret_incoming_for, world

pytestmark = pytest.mark.django_db


def closed_file(p, entries, *, extra=()):
    owner = p.users["specialist.huyen.noivu"]
    docs = [outgoing(p, "Thông báo tháng hai", issued_on=dt.date(2018, 2, 1)),
            outgoing(p, "Thông báo tháng năm", issued_on=dt.date(2018, 5, 2))]
    f = services.case_file_open(actor=owner, plan_entry_id=entries[0].pk)
    services.documents_file(actor=owner, case_file_id=f.pk, document_ids=[d.pk for d in docs] + list(extra))
    services.case_file_close(actor=owner, case_file_id=f.pk, retention_confirmed=True, reason="Đã xem")
    f.refresh_from_db()
    return f, docs


def unzip(data: bytes, folder) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(folder)
        [root] = {n.split("/", 1)[0] for n in archive.namelist()}
    return os.path.join(folder, root)


def test_a_closed_file_exports_its_originals_metadata_and_checksums_and_the_package_verifies(tmp_path):
    p, _plan, entries = world()
    f, docs = closed_file(p, entries)
    data = package_export.case_file_package(user=p.users["clerk.huyen"], case_file=f)
    root = unzip(data, tmp_path)
    names = sorted(os.path.relpath(os.path.join(d, n), root) for d, _s, ns in os.walk(root) for n in ns)
    assert names == ["hoso.xml", "manifest-sha256.txt", "tai-lieu/001/tb.pdf", "tai-lieu/002/tb.pdf"]
    xml = open(os.path.join(root, "hoso.xml"), encoding="utf-8").read()
    for field in ("<FileCode>", "<Title>Hồ sơ về công tác tổ chức</Title>", "<Maintenance>Vĩnh viễn</Maintenance>",
                  "<FileNotation>01.TCCB</FileNotation>", "<DocTotal>2</DocTotal>", "<DocOrdinal>1</DocOrdinal>",
                  "<Subject>Thông báo tháng hai</Subject>", "<TypeName>Thông báo</TypeName>"):
        assert field in xml
    report = packages.verify_package(root)
    assert report.ok, report.problems
    assert (report.documents, report.files) == (2, 3)
    assert packages.verify_package(str(tmp_path / "p.zip")).problems  # no such file
    (tmp_path / "p.zip").write_bytes(data)
    assert packages.verify_package(str(tmp_path / "p.zip")).ok
    assert AuditEntry.objects.filter(object_type="case_file", object_id=str(f.pk), action="downloaded").exists()


def test_verify_package_reports_each_missing_changed_unlisted_file_and_inconsistent_metadata(tmp_path, capsys):
    p, _plan, entries = world()
    f, _docs = closed_file(p, entries)
    root = unzip(package_export.case_file_package(user=p.users["clerk.huyen"], case_file=f), tmp_path)
    call_command("verify_package", root)
    assert re.match(r"Package OK: case file .*01\.TCCB, 2 documents, 3 files", capsys.readouterr().out)
    os.remove(os.path.join(root, "tai-lieu", "002", "tb.pdf"))
    with open(os.path.join(root, "tai-lieu", "001", "tb.pdf"), "ab") as fh:
        fh.write(b"%changed")
    with open(os.path.join(root, "tai-lieu", "001", "them.pdf"), "wb") as fh:
        fh.write(b"%PDF-1.4 added")
    xml_path = os.path.join(root, "hoso.xml")
    xml = open(xml_path, encoding="utf-8").read().replace("<DocTotal>2</DocTotal>", "<DocTotal>3</DocTotal>")
    open(xml_path, "w", encoding="utf-8").write(xml)
    with pytest.raises(CommandError, match="Package NOT OK"):
        call_command("verify_package", root)
    err = capsys.readouterr().err
    assert "missing file: tai-lieu/002/tb.pdf" in err
    assert "SHA-256 checksum mismatch: tai-lieu/001/tb.pdf" in err
    assert "file not listed in manifest-sha256.txt: tai-lieu/001/them.pdf" in err
    assert "SHA-256 checksum mismatch: hoso.xml" in err
    assert "DocTotal is 3 but the package has 2 documents" in err


def test_verify_package_runs_without_django_or_a_database(tmp_path):
    p, _plan, entries = world()
    f, _docs = closed_file(p, entries)
    zip_path = tmp_path / "goi.zip"
    zip_path.write_bytes(package_export.case_file_package(user=p.users["clerk.huyen"], case_file=f))
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import packages; "
            "r = packages.verify_package(sys.argv[2]); print(r.summary()); "
            "assert 'django' not in sys.modules; sys.exit(0 if r.ok else 1)")
    folder = os.path.dirname(packages.__file__)
    done = subprocess.run([sys.executable, "-c", code, folder, str(zip_path)], capture_output=True,
                          text=True, env={"PATH": os.environ.get("PATH", "")}, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Package OK")


def test_a_zip_with_an_unsafe_path_or_a_doctype_is_refused(tmp_path):
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("../evil.txt", b"x")
    assert packages.verify_package(str(bad)).problems == ["unsafe path in the ZIP: ../evil.txt"]
    folder = tmp_path / "pkg"
    folder.mkdir()
    xml = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><HoSo/>'
    (folder / "hoso.xml").write_bytes(xml)
    import hashlib

    (folder / "manifest-sha256.txt").write_text(f"{hashlib.sha256(xml).hexdigest()}  hoso.xml\n")
    assert "hoso.xml: unreadable (broken XML or a DOCTYPE)" in packages.verify_package(str(folder)).problems


def test_an_open_file_or_one_with_documents_the_user_cannot_see_is_not_exported():
    p, _plan, entries = world()
    owner = p.users["specialist.huyen.noivu"]
    open_file = services.case_file_open(actor=owner, plan_entry_id=entries[1].pk)
    with pytest.raises(ValidationFailed, match=re.escape(str(package_export.NOT_FROZEN))):
        package_export.case_file_package(user=owner, case_file=open_file)
    secret, _lead = secret_incoming_for(p, "specialist.huyen.noivu")
    f, _docs = closed_file(p, entries, extra=[secret.pk])
    head = p.users["leader.huyen.noivu"]  # sees the file, not the secret document in it
    with pytest.raises(ValidationFailed, match=re.escape(str(package_export.NOT_WHOLE))):
        package_export.case_file_package(user=head, case_file=f)
    assert packages.verify_package.__module__ == "lienthong.records.packages"
