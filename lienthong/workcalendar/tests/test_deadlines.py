"""Deadline policies: province default, agency override, and who may change them."""

import datetime as dt

import pytest

from lienthong.accounts.models import Position, Role
from lienthong.accounts.services import user_create
from lienthong.audit.models import AuditEntry
from lienthong.core.choices import Urgency
from lienthong.core.errors import PermissionDenied, ValidationFailed
from lienthong.testing.builders import PASSWORD
from lienthong.workcalendar import services
from lienthong.workcalendar.models import DeadlinePolicy, Holiday, HolidayKind
from lienthong.workcalendar.selectors import BUILTIN_DEADLINE_DAYS, deadline_days, default_deadline

D = dt.date


@pytest.fixture
def sysadmin(db):
    return user_create(username="quantri", password=PASSWORD, full_name="Quản trị", is_system_admin=True)


@pytest.fixture
def stttt_admin(province):
    return user_create(username="qtcq.stttt", password=PASSWORD, full_name="Quản trị Sở TT&TT",
                       positions=[(province.agencies["stttt"], Role.AGENCY_ADMIN, "")])


def test_province_defaults_are_the_shipped_proposal(province):
    for urgency, days in BUILTIN_DEADLINE_DAYS.items():
        assert deadline_days(agency_id=province.agencies["vp"].pk, urgency=urgency) == days
    assert deadline_days(agency_id=None, urgency=Urgency.NORMAL) == 10


def test_default_deadline_uses_working_days(province):
    vp = province.agencies["vp"].pk
    # Normal document received Thursday 8/2/2018: 10 working days across Tết.
    assert default_deadline(agency_id=vp, urgency=Urgency.NORMAL, start=D(2018, 2, 8)) == D(2018, 3, 1)
    # Hỏa tốc: the same day when it is a working day, the next working day otherwise.
    assert default_deadline(agency_id=vp, urgency=Urgency.FLASH, start=D(2018, 3, 5)) == D(2018, 3, 5)
    assert default_deadline(agency_id=vp, urgency=Urgency.FLASH, start=D(2018, 2, 15)) == D(2018, 2, 21)


def test_agency_policy_overrides_the_province_default(province, sysadmin):
    stttt, vp = province.agencies["stttt"].pk, province.agencies["vp"].pk
    services.deadline_policy_set(actor=sysadmin, agency_id=stttt, urgency=Urgency.NORMAL, working_days=5)
    assert deadline_days(agency_id=stttt, urgency=Urgency.NORMAL) == 5
    assert deadline_days(agency_id=vp, urgency=Urgency.NORMAL) == 10
    assert default_deadline(agency_id=stttt, urgency=Urgency.NORMAL, start=D(2018, 3, 5)) == D(2018, 3, 12)
    # Other urgencies of that agency still follow the province.
    assert deadline_days(agency_id=stttt, urgency=Urgency.URGENT) == 3


def test_changing_the_province_default_reaches_agencies_without_their_own(province, sysadmin):
    services.deadline_policy_set(actor=sysadmin, agency_id=None, urgency=Urgency.NORMAL, working_days=7)
    assert deadline_days(agency_id=province.agencies["vp"].pk, urgency=Urgency.NORMAL) == 7
    assert DeadlinePolicy.objects.filter(agency=None, urgency=Urgency.NORMAL).count() == 1


def test_without_any_row_the_builtin_default_applies(province):
    DeadlinePolicy.objects.all().delete()
    assert deadline_days(agency_id=province.agencies["vp"].pk, urgency=Urgency.URGENT) == 3


def test_reset_falls_back_to_the_default(province, sysadmin):
    stttt = province.agencies["stttt"].pk
    services.deadline_policy_set(actor=sysadmin, agency_id=stttt, urgency=Urgency.NORMAL, working_days=5)
    services.deadline_policy_reset(actor=sysadmin, agency_id=stttt, urgency=Urgency.NORMAL)
    assert deadline_days(agency_id=stttt, urgency=Urgency.NORMAL) == 10


def test_deadline_lookup_is_two_queries(province, django_assert_num_queries):
    with django_assert_num_queries(2):
        default_deadline(agency_id=province.agencies["vp"].pk, urgency=Urgency.NORMAL, start=D(2018, 2, 8))


def test_unknown_urgency_is_refused_on_read(province):
    with pytest.raises(ValidationFailed) as exc:
        deadline_days(agency_id=None, urgency="khan-cap")
    assert "urgency" in exc.value.errors


@pytest.mark.parametrize(("urgency", "days", "field", "message"), [
    (Urgency.NORMAL, -1, "working_days", services.MSG_DAYS_NEGATIVE),
    (Urgency.NORMAL, 1000, "working_days", services.MSG_DAYS_TOO_MANY % {"max": services.MAX_DEADLINE_DAYS}),
    (Urgency.NORMAL, "5", "working_days", services.MSG_DAYS_NOT_INT),
    ("khan-cap", 3, "urgency", services.MSG_URGENCY_INVALID),
])
def test_invalid_policies_are_refused_in_vietnamese(province, sysadmin, urgency, days, field, message):
    stttt = province.agencies["stttt"].pk
    with pytest.raises(ValidationFailed) as exc:
        services.deadline_policy_set(actor=sysadmin, agency_id=stttt, urgency=urgency, working_days=days)
    assert exc.value.errors[field] == [str(message)]
    assert not DeadlinePolicy.objects.filter(agency_id=stttt).exists()


def test_unknown_agency_is_refused(sysadmin):
    with pytest.raises(ValidationFailed) as exc:
        services.deadline_policy_set(actor=sysadmin, agency_id=999999, urgency=Urgency.NORMAL, working_days=3)
    assert exc.value.errors["agency"] == [str(services.MSG_AGENCY_UNKNOWN)]


def test_agency_admin_sets_own_agency_only(province, stttt_admin):
    stttt, vp = province.agencies["stttt"].pk, province.agencies["vp"].pk
    services.deadline_policy_set(actor=stttt_admin, agency_id=stttt, urgency=Urgency.URGENT, working_days=2)
    assert deadline_days(agency_id=stttt, urgency=Urgency.URGENT) == 2
    for agency_id in (vp, None):
        with pytest.raises(PermissionDenied):
            services.deadline_policy_set(actor=stttt_admin, agency_id=agency_id, urgency=Urgency.URGENT,
                                         working_days=1)
    assert deadline_days(agency_id=vp, urgency=Urgency.URGENT) == 3
    assert deadline_days(agency_id=None, urgency=Urgency.URGENT) == 3


@pytest.mark.parametrize("username", ["clerk.stttt", "leader.stttt", "specialist.stttt", "clerk.vp"])
def test_other_roles_may_not_set_policies(province, username):
    with pytest.raises(PermissionDenied):
        services.deadline_policy_set(actor=province.users[username], agency_id=province.agencies["stttt"].pk,
                                     urgency=Urgency.NORMAL, working_days=1)
    assert not DeadlinePolicy.objects.filter(agency__isnull=False).exists()


def test_inactive_agency_admin_position_grants_nothing(province, stttt_admin):
    Position.objects.filter(user=stttt_admin).update(is_active=False)
    with pytest.raises(PermissionDenied):
        services.deadline_policy_set(actor=stttt_admin, agency_id=province.agencies["stttt"].pk,
                                     urgency=Urgency.NORMAL, working_days=1)


def test_policy_change_is_audited(province, sysadmin):
    services.deadline_policy_set(actor=sysadmin, agency_id=province.agencies["stttt"].pk,
                                 urgency=Urgency.NORMAL, working_days=5)
    entry = AuditEntry.objects.filter(object_type="deadline_policy").get()
    assert entry.actor_id == sysadmin.pk and entry.details == {"urgency": "normal", "working_days": 5}


# Holidays


def test_system_admin_adds_a_lam_bu_saturday(sysadmin):
    holiday = services.holiday_save(actor=sysadmin, day=D(2018, 3, 10), name=" Làm bù ", kind=HolidayKind.WORKING_DAY)
    assert (holiday.name, holiday.kind) == ("Làm bù", HolidayKind.WORKING_DAY)
    assert AuditEntry.objects.filter(object_type="holiday", object_id=str(holiday.pk)).exists()


@pytest.mark.parametrize(("day", "name", "kind", "field", "message"), [
    (D(2018, 3, 7), "Làm bù", HolidayKind.WORKING_DAY, "date", services.MSG_WORKING_DAY_WEEKDAY),
    (None, "Nghỉ", HolidayKind.DAY_OFF, "date", services.MSG_DATE_REQUIRED),
    (D(2018, 3, 7), "   ", HolidayKind.DAY_OFF, "name", services.MSG_NAME_REQUIRED),
    (D(2018, 3, 7), "Nghỉ", "nghi", "kind", services.MSG_KIND_INVALID),
    (D(2018, 3, 7), "x" * 201, HolidayKind.DAY_OFF, "name", services.MSG_NAME_TOO_LONG % {"max": 200}),
])
def test_invalid_holidays_are_refused(sysadmin, day, name, kind, field, message):
    before = Holiday.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.holiday_save(actor=sysadmin, day=day, name=name, kind=kind)
    assert exc.value.errors[field] == [str(message)]
    assert Holiday.objects.count() == before


def test_a_date_already_in_the_calendar_is_refused(sysadmin):
    with pytest.raises(ValidationFailed) as exc:
        services.holiday_save(actor=sysadmin, day=D(2018, 2, 16), name="Trùng")
    taken = services.MSG_DATE_TAKEN % {"date": "16/02/2018", "name": "Tết Nguyên đán Mậu Tuất"}
    assert exc.value.errors["date"] == [taken]


def test_editing_a_holiday_keeps_its_date_free_for_itself(sysadmin):
    tet = Holiday.objects.get(date=D(2018, 2, 16))
    services.holiday_save(actor=sysadmin, holiday_id=tet.pk, day=tet.date, name="Mùng 1 Tết Mậu Tuất")
    assert Holiday.objects.get(pk=tet.pk).name == "Mùng 1 Tết Mậu Tuất"


def test_only_system_admins_edit_holidays(province, stttt_admin):
    before = Holiday.objects.count()
    for user in (stttt_admin, province.users["clerk.vp"], province.users["leader.ubnd"]):
        with pytest.raises(PermissionDenied):
            services.holiday_save(actor=user, day=D(2018, 3, 7), name="Nghỉ")
        with pytest.raises(PermissionDenied):
            services.holiday_delete(actor=user, holiday_id=Holiday.objects.first().pk)
    assert Holiday.objects.count() == before


def test_deleting_a_holiday_makes_the_day_working_again(sysadmin):
    from lienthong.workcalendar.selectors import is_working_day

    holiday = Holiday.objects.get(date=D(2018, 4, 25))
    services.holiday_delete(actor=sysadmin, holiday_id=holiday.pk)
    assert is_working_day(D(2018, 4, 25))
