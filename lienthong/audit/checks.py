"""System checks of the audit log's key (``manage.py check``, and at every start of a management command)."""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.security)
def audit_key_check(app_configs=None, **kwargs):
    from lienthong.audit.keys import keyring

    try:
        ring = keyring()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="audit.E001")]
    if ring.derived:
        return [checks.Warning(
            "The audit log is keyed with a key derived from SECRET_KEY: anyone who knows SECRET_KEY can rewrite it.",
            hint="Set LIENTHONG_AUDIT_KEY (or LIENTHONG_AUDIT_KEY_FILE) to a random key kept outside the database "
                 "and away from SECRET_KEY; see docs/operations.md.", id="audit.W001")]
    return []
