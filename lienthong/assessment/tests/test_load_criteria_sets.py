"""``manage.py load_criteria_sets``: the shipped sets and the province's ranking authorities, idempotent."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command

from lienthong.accounts.services import user_create
from lienthong.assessment.management.commands.load_criteria_sets import (
    CODES_INCOMPLETE,
    NO_SYSTEM_ADMIN,
    NOTHING_CHANGED,
)
from lienthong.assessment.models import AssessmentAuthority, AuthorityKind, CriteriaSetVersion
from lienthong.audit.models import AuditEntry
from lienthong.testing.builders import PASSWORD


@pytest.fixture
def sysadmin(db):
    return user_create(username="quantri", password=PASSWORD, full_name="Quản trị hệ thống", is_system_admin=True)


def test_the_default_codes_are_those_of_the_demo_directory():
    """The loader keeps the demo province's codes as its own data (the demo app sits above it): they must stay
    the codes the demo directory gives Sở TT&TT, UBND tỉnh and Văn phòng UBND tỉnh."""
    from lienthong.assessment.management.commands.load_criteria_sets import default_codes
    from lienthong.demo.agencies import specs_by_key

    specs = specs_by_key()
    assert default_codes() == {"council": specs["stttt"].code, "approver": specs["ubnd"].code,
                               "office": specs["vp"].code}


def _authorities():
    return {(r.kind, r.agency_id) for r in AssessmentAuthority.objects.all()}


def test_loads_both_sets_and_the_demo_provinces_authorities_once(province, sysadmin):
    a = province.agencies
    out = io.StringIO()
    call_command("load_criteria_sets", stdout=out)
    assert {(r.code, r.version, r.imported_by_id) for r in CriteriaSetVersion.objects.all()} == {
        ("mic-2017-default", 1, sysadmin.pk), ("dti-haugiang-2022", 1, sysadmin.pk)}
    assert _authorities() == {(AuthorityKind.COUNCIL, a["stttt"].pk), (AuthorityKind.APPROVER, a["ubnd"].pk),
                              (AuthorityKind.OFFICE, a["vp"].pk)}
    entries = AuditEntry.objects.count()
    out = io.StringIO()
    call_command("load_criteria_sets", stdout=out)
    assert NOTHING_CHANGED in out.getvalue()
    assert CriteriaSetVersion.objects.count() == 2 and AuditEntry.objects.count() == entries


def test_codes_given_on_the_command_line(province, sysadmin):
    a = province.agencies
    call_command("load_criteria_sets", "--council", a["vp"].identifier_code, "--approver", a["ubnd"].identifier_code,
                 "--office", a["stttt"].identifier_code, stdout=io.StringIO())
    assert (AuthorityKind.COUNCIL, a["vp"].pk) in _authorities()
    with pytest.raises(CommandError, match="000.99.99.H30"):
        call_command("load_criteria_sets", "--council", "000.99.99.H30", "--approver", a["ubnd"].identifier_code,
                     "--office", a["vp"].identifier_code, stdout=io.StringIO())
    with pytest.raises(CommandError, match=re.escape(CODES_INCOMPLETE)):
        call_command("load_criteria_sets", "--council", a["vp"].identifier_code, stdout=io.StringIO())


def test_another_province_is_found_by_abbreviation_and_root(province, sysadmin):
    a = province.agencies
    for key, code in (("ubnd", "000.00.00.K01"), ("vp", "000.00.01.K01"), ("stttt", "000.00.13.K01")):
        a[key].identifier_code = code
        a[key].save(update_fields=["identifier_code"])
    call_command("load_criteria_sets", stdout=io.StringIO())
    assert _authorities() == {(AuthorityKind.COUNCIL, a["stttt"].pk), (AuthorityKind.APPROVER, a["ubnd"].pk),
                              (AuthorityKind.OFFICE, a["vp"].pk)}


def test_needs_a_system_administrator(province):
    with pytest.raises(CommandError, match=re.escape(NO_SYSTEM_ADMIN)):
        call_command("load_criteria_sets", stdout=io.StringIO())
    assert not CriteriaSetVersion.objects.exists()
