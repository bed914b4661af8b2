"""The demo's records: the Provincial Office's 2018 file plan is published and the seed notice's work is filed
and closed, due for handover to the Office's archive."""

from __future__ import annotations

import io

import pytest

from lienthong.accounts.models import User
from lienthong.records import selectors
from lienthong.records.models import CaseFile, FilePlan

pytestmark = pytest.mark.django_db


def test_the_offices_2018_plan_is_published_and_the_seed_notice_is_in_a_closed_file():
    plan = FilePlan.objects.select_related("agency").get(agency__identifier_code__isnull=False, year=2018,
                                                           agency__abbreviation="VP.UBND")
    assert plan.state == "published" and plan.decision_reference
    content = selectors.plan_content(plan=plan)
    assert content.total == 6 and content.permanent == 2
    owner = User.objects.get(username="chuyenvien.vpubnd")
    case_file = CaseFile.objects.get(plan_entry__plan=plan, owner=owner)
    assert case_file.state == "closed" and case_file.handover_due is not None
    assert User.objects.get(username="luutru.vpubnd").positions.get().role == "archivist"
    items = selectors.case_file_items(user=owner, case_file=case_file)
    numbers = [i.document.number_symbol for i in items]
    assert "32/TB-VP.UBND" in numbers and len(items) >= 2
    assert [i.ordinal for i in items] == list(range(1, len(items) + 1))


def test_the_seed_notices_closed_file_exports_as_a_package_that_verifies_and_as_one_pdf(tmp_path):
    import zipfile

    from pypdf import PdfReader

    from lienthong.records import file_pdf, package_export, packages

    owner = User.objects.get(username="chuyenvien.vpubnd")
    case_file = CaseFile.objects.get(plan_entry__plan__year=2018, plan_entry__plan__agency__abbreviation="VP.UBND",
                                     owner=owner)
    data = package_export.case_file_package(user=owner, case_file=case_file)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(tmp_path)
    report = packages.verify_package(str(tmp_path / package_export.package_name(case_file)))
    assert report.ok, report.problems
    assert report.documents == case_file.doc_total >= 2
    reader = PdfReader(io.BytesIO(file_pdf.case_file_pdf(user=owner, case_file=case_file)))
    assert "32/TB-VP.UBND" in reader.pages[0].extract_text()
    assert len(reader.outline) >= 2  # the index and at least the notice
