from __future__ import annotations

from lienthong.audit.models import AuditEntry

READ_ACTIONS = ("viewed", "downloaded")  # openings and downloads: logged, but not steps of the document's life


def audit_entries_for(*, obj_type: str, obj_id, limit: int = 200, with_reads: bool = True):
    """The object's history, newest first; ``with_reads=False`` leaves out views and downloads (issue 18: a
    document's four real actions were lost among every opening of its page)."""
    qs = AuditEntry.objects.filter(object_type=obj_type, object_id=str(obj_id))
    if not with_reads:
        qs = qs.exclude(action__in=READ_ACTIONS)
    return list(qs.order_by("-at", "-id")[:limit])
