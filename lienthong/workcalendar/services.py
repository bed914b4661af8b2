"""Writes to the working-day calendar: holidays (system administrators) and deadline policies.

Holidays are province-wide (they follow the Prime Minister's decisions), so only a system administrator
edits them. A deadline policy belongs to one agency, which its own agency administrator may tune, or is
the province default (agency empty), which only a system administrator sets.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import CharField
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts.models import Role
from lienthong.accounts.selectors import agency_ids_for
from lienthong.agencies.models import Agency
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core.choices import Urgency
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.workcalendar.models import DeadlinePolicy, Holiday, HolidayKind

# Project limit: about a year of working days, far beyond any real processing time; it catches typos (1000).
MAX_DEADLINE_DAYS = 250


def _name_max() -> int:
    column = Holiday._meta.get_field("name")
    assert isinstance(column, CharField) and column.max_length is not None  # a bounded text column
    return column.max_length


NAME_MAX = _name_max()

MSG_NAME_REQUIRED = gettext_lazy("Chưa nhập tên ngày lễ.")
MSG_NAME_TOO_LONG = gettext_lazy("Tên ngày lễ dài quá %(max)s ký tự.")
MSG_DATE_REQUIRED = gettext_lazy("Chưa nhập ngày.")
MSG_DATE_TAKEN = gettext_lazy("Ngày %(date)s đã có trong lịch (%(name)s).")
MSG_KIND_INVALID = gettext_lazy("Loại ngày không hợp lệ.")
MSG_WORKING_DAY_WEEKDAY = gettext_lazy(
    "Ngày làm bù phải là thứ Bảy hoặc Chủ nhật: ngày thường vốn đã là ngày làm việc.")
MSG_URGENCY_INVALID = gettext_lazy("Độ khẩn không hợp lệ.")
MSG_DAYS_NOT_INT = gettext_lazy("Số ngày làm việc phải là số nguyên.")
MSG_DAYS_NEGATIVE = gettext_lazy("Số ngày làm việc không được âm.")
MSG_DAYS_TOO_MANY = gettext_lazy("Số ngày làm việc tối đa là %(max)s.")
MSG_AGENCY_UNKNOWN = gettext_lazy("Cơ quan không tồn tại.")


def _require_system_admin(actor) -> None:
    if not getattr(actor, "is_system_admin", False):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được sửa lịch nghỉ lễ."))


def holiday_validate(*, day, name: str, kind: str, holiday_id: int | None = None) -> dict[str, list]:
    """Field errors of a holiday row, empty when valid. ``name`` is expected stripped."""
    errors: dict[str, list] = {}
    if not name:
        errors["name"] = [MSG_NAME_REQUIRED]
    elif len(name) > NAME_MAX:
        errors["name"] = [MSG_NAME_TOO_LONG % {"max": NAME_MAX}]
    if kind not in HolidayKind.values:
        errors["kind"] = [MSG_KIND_INVALID]
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        errors["date"] = [MSG_DATE_REQUIRED]
    else:
        others = Holiday.objects.filter(date=day)
        if holiday_id is not None:
            others = others.exclude(pk=holiday_id)
        taken = others.first()
        if taken is not None:
            errors["date"] = [MSG_DATE_TAKEN % {"date": f"{day:%d/%m/%Y}", "name": taken.name}]
        elif kind == HolidayKind.WORKING_DAY and day.weekday() < 5:
            errors["date"] = [MSG_WORKING_DAY_WEEKDAY]
    return errors


def holiday_save(*, actor, day: dt.date | None, name: str, kind: str = HolidayKind.DAY_OFF,
                 holiday_id: int | None = None) -> Holiday:
    """Create a holiday row, or change row ``holiday_id``. System administrators only."""
    _require_system_admin(actor)
    holiday = None
    if holiday_id is not None:
        holiday = Holiday.objects.filter(pk=holiday_id).first()
        if holiday is None:
            raise NotFound()
    name = (name or "").strip()
    errors = holiday_validate(day=day, name=name, kind=kind, holiday_id=holiday_id)
    if errors:
        raise ValidationFailed(errors)
    assert isinstance(day, dt.date)  # holiday_validate refuses anything else

    with transaction.atomic():
        created = holiday is None
        before = None if holiday is None else {"date": holiday.date.isoformat(), "name": holiday.name,
                                                "kind": holiday.kind}
        holiday = holiday or Holiday()
        holiday.date, holiday.name, holiday.kind = day, name, kind
        try:
            with transaction.atomic():
                holiday.save()
        except IntegrityError as exc:  # a concurrent save took the date between the check and the write
            raise ValidationFailed({"date": [MSG_DATE_TAKEN % {"date": f"{day:%d/%m/%Y}", "name": name}]}) from exc
        audit_log(actor=actor, action=AuditAction.CREATED if created else AuditAction.CHANGED,
                  obj_type="holiday", obj_id=holiday.pk, summary=str(holiday),
                  details={"before": before, "after": {"date": day.isoformat(), "name": name, "kind": kind}})
    return holiday


def holiday_delete(*, actor, holiday_id: int) -> None:
    _require_system_admin(actor)
    with transaction.atomic():
        holiday = Holiday.objects.select_for_update().filter(pk=holiday_id).first()
        if holiday is None:
            raise NotFound()
        summary = _("Xóa ngày lễ: %(holiday)s") % {"holiday": holiday}
        holiday.delete()
        audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="holiday", obj_id=holiday_id, summary=summary)


def _require_policy_editor(actor, agency_id: int | None) -> None:
    if getattr(actor, "is_system_admin", False):
        return
    if agency_id is not None and agency_ids_for(user=actor, roles=[Role.AGENCY_ADMIN]).filter(
            agency_id=agency_id).exists():
        return
    raise PermissionDenied()


def deadline_policy_validate(*, agency_id: int | None, urgency: str, working_days) -> dict[str, list]:
    """Field errors of a deadline policy, empty when valid."""
    errors: dict[str, list] = {}
    if urgency not in Urgency.values:
        errors["urgency"] = [MSG_URGENCY_INVALID]
    if isinstance(working_days, bool) or not isinstance(working_days, int):
        errors["working_days"] = [MSG_DAYS_NOT_INT]
    elif working_days < 0:
        errors["working_days"] = [MSG_DAYS_NEGATIVE]
    elif working_days > MAX_DEADLINE_DAYS:
        errors["working_days"] = [MSG_DAYS_TOO_MANY % {"max": MAX_DEADLINE_DAYS}]
    if agency_id is not None and not Agency.objects.filter(pk=agency_id).exists():
        errors["agency"] = [MSG_AGENCY_UNKNOWN]
    return errors


def deadline_policy_set(*, actor, agency_id: int | None, urgency: str, working_days: int) -> DeadlinePolicy:
    """Set how many working days documents of ``urgency`` get in ``agency_id`` (None: province default).

    System administrators set anything; an agency administrator only the policies of their own agency.
    """
    _require_policy_editor(actor, agency_id)
    errors = deadline_policy_validate(agency_id=agency_id, urgency=urgency, working_days=working_days)
    if errors:
        raise ValidationFailed(errors)

    with transaction.atomic():
        try:
            with transaction.atomic():
                # The ignores: django-stubs types a nullable foreign key's "agency_id" lookup as never None;
                # None is the province default row (IS NULL, and created with no agency).
                policy, created = DeadlinePolicy.objects.update_or_create(
                    agency_id=agency_id, urgency=urgency,  # type: ignore[misc]
                    defaults={"working_days": working_days})
        except IntegrityError:  # a concurrent first write of the same key: it exists now, update it
            policy, created = DeadlinePolicy.objects.update_or_create(
                agency_id=agency_id, urgency=urgency,  # type: ignore[misc]  # as above: None is the default row
                defaults={"working_days": working_days})
        audit_log(actor=actor, action=AuditAction.CREATED if created else AuditAction.CHANGED,
                  obj_type="deadline_policy", obj_id=policy.pk, agency_id=agency_id,
                  summary=_("Thời hạn xử lý %(urgency)s: %(days)s ngày làm việc") % {
                      "urgency": Urgency(urgency).label, "days": working_days},
                  details={"urgency": urgency, "working_days": working_days})
    return policy


def deadline_policy_reset(*, actor, agency_id: int | None, urgency: str) -> None:
    """Remove a policy row: the agency falls back to the province default, the province to the built-in one."""
    _require_policy_editor(actor, agency_id)
    if urgency not in Urgency.values:
        raise ValidationFailed({"urgency": [MSG_URGENCY_INVALID]})
    with transaction.atomic():
        deleted, _rows = DeadlinePolicy.objects.filter(agency=agency_id, urgency=urgency).delete()
        if deleted:
            audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="deadline_policy",
                      obj_id=f"{agency_id or 'tinh'}:{urgency}", agency_id=agency_id,
                      summary=_("Bỏ thời hạn riêng, dùng thời hạn mặc định: %(urgency)s") % {
                          "urgency": Urgency(urgency).label})
