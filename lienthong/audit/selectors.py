from __future__ import annotations

from lienthong.audit.models import AuditEntry


def audit_entries_for(*, obj_type: str, obj_id, limit: int = 200):
    return list(
        AuditEntry.objects.filter(object_type=obj_type, object_id=str(obj_id)).order_by("-at", "-id")[:limit]
    )
