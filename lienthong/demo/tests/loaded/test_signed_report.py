"""The demo issues its story's report with both digital signatures (the chairman of Xã Vị Thắng, then the
commune): the issued original validates in the app and in Poppler's ``pdfsig``, and the district that
registered it holds the same signed file."""

from __future__ import annotations

import subprocess

import pytest

from lienthong import files as file_store
from lienthong.documents.models import Direction, Document
from lienthong.signing.verification import verify_pdf

pytestmark = [pytest.mark.django_db, pytest.mark.slow_once]


def test_the_demo_report_is_issued_with_both_signatures(tmp_path):
    report = Document.objects.get(direction=Direction.OUTGOING, subject__startswith="Báo cáo kết quả sử dụng")
    files = list(report.files.select_related("stored_file").order_by("order", "id"))
    reports = []
    for f in files:
        with file_store.open_original(f.stored_file.storage_name) as fh:
            data = fh.read()
        roots, intermediates, crls = _trust()
        reports.append((f, data, verify_pdf(data, trust_roots=roots, intermediates=intermediates, crls=crls)))
    signed = [(f, data, r) for f, data, r in reports if r.signature_count == 2]
    assert signed, [(f.filename, r.status, r.signature_count) for f, _d, r in reports]
    f, data, r = signed[0]
    assert r.status == "valid" and r.personal_valid and r.agency_valid, r
    names = [s.signer_name for s in r.signatures]
    assert names[1].startswith("UBND xã Vị Thắng") or "Vị Thắng" in names[1], names
    path = tmp_path / f.filename
    path.write_bytes(data)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
    assert out.count("Signature Validation: Signature is Valid.") == 2, out
    # The district registered the delivered copy: the same signed original.
    incoming = Document.objects.get(direction=Direction.INCOMING, subject=report.subject)
    assert f.stored_file_id in set(incoming.files.values_list("stored_file_id", flat=True))


def _trust():
    from lienthong.signing.models import RevocationList, TrustedCertificate

    roots = [bytes(d) for d in TrustedCertificate.objects.filter(kind="root").values_list("der", flat=True)]
    inter = [bytes(d) for d in TrustedCertificate.objects.filter(kind="intermediate").values_list("der", flat=True)]
    return roots, inter, [bytes(d) for d in RevocationList.objects.values_list("der", flat=True)]
