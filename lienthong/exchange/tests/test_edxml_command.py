"""``manage.py edxml validate`` and ``manage.py edxml show --json`` on the samples and on bad files."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lienthong.exchange.edxml import messages
from lienthong.exchange.management.commands import edxml as command
from lienthong.exchange.tests.edxml_samples import expected, samples_dir

ROWS = {row["file"]: row for row in expected()}
ROOT = Path(__file__).resolve().parents[3]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("edxml", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_validate_prints_a_one_line_summary_of_a_document():
    line = run("validate", str(samples_dir() / "vpcp-sdk-edoc_revocation.edxml"))
    assert line == str(command.SUMMARY_DOCUMENT).format(
        message_type="edoc", document_id="000.00.00.G22,2015/09/30,7816/VPCP-TTĐT", recipients=3, attachments=1)
    assert line == "edoc 000.00.00.G22,2015/09/30,7816/VPCP-TTĐT: 3 nơi nhận, 1 tệp đính kèm"


def test_validate_prints_a_one_line_summary_of_a_status():
    line = run("validate", str(samples_dir() / "vpcp-sdk-status_rejection_02.edxml"))
    assert line == str(command.SUMMARY_STATUS).format(
        message_type="status", status_code="02", document_id="000.00.00.G22,2015/09/30,7816/VPCP-TTĐT",
        sender="000.00.00.H41")


def test_validate_refuses_a_malformed_package_with_the_element_path():
    with pytest.raises(CommandError) as caught:
        run("validate", str(samples_dir() / "vpcptpl-edoc.edxml"))
    assert caught.value.returncode == 1
    assert str(caught.value).startswith("edXML/edXMLEnvelope/edXMLBody/edXMLManifest/Reference: ")
    assert messages.XML_NAMESPACE.split(" (")[0] in str(caught.value)


def test_validate_refuses_a_status_code_outside_the_standard():
    with pytest.raises(CommandError) as caught:
        run("validate", str(samples_dir() / "edxmlconvert-status_response.json"))
    assert str(caught.value) == str(command.UNKNOWN_STATUS).format(
        code="statuscode", allowed="01, 02, 03, 04, 05, 06, 13, 15, 16")


def test_validate_a_missing_file(tmp_path):
    with pytest.raises(CommandError) as caught:
        run("validate", str(tmp_path / "none.edxml"))
    assert caught.value.returncode == 1 and "none.edxml" in str(caught.value)


@pytest.mark.parametrize("name", sorted(ROWS))
def test_show_json_prints_the_expected_values(name):
    row = ROWS[name]
    args = ["show", str(samples_dir() / name), "--json"] + (["--recover"] if row["xml_well_formed"] is False else [])
    values = json.loads(run(*args))
    for key, value in row.items():
        if key not in ("file", "notes", "xml_well_formed"):
            assert values[key] == value, key


def test_show_without_recover_refuses_the_malformed_template():
    with pytest.raises(CommandError):
        run("show", str(samples_dir() / "vpcptpl-edoc.edxml"), "--json")


@pytest.mark.xdist_group("processes")
def test_the_exit_codes_from_the_command_line(tmp_path):
    bad = tmp_path / "bad.edxml"
    bad.write_bytes(b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><edXML/>')
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lienthong.settings"}
    good = subprocess.run([sys.executable, "manage.py", "edxml", "validate",
                           str(samples_dir() / "plx-knobstick.edxml")], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert (good.returncode, good.stdout.strip()) == (
        0, "edoc 020100107370,2025/10/13,2440/PLX-HĐQT: 2 nơi nhận, 2 tệp đính kèm")
    refused = subprocess.run([sys.executable, "manage.py", "edxml", "validate", str(bad)], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and refused.stdout == ""
    assert messages.DOCTYPE_REFUSED in refused.stderr
