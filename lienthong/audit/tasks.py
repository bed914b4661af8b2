"""Background jobs of the audit app (django-q2): thin wrappers that call a service."""

from pathlib import Path

from lienthong.audit import services


def write_audit_checkpoint() -> Path:
    """Daily (registered in AuditConfig.ready): the signed checkpoint of every chain head."""
    return services.audit_checkpoint_write()
