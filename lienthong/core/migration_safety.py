"""Migrations that are safe to run while the previous release is still serving (docs/operations.md,
"Upgrading to a new release"). During an upgrade the new code migrates the shared database while the old web
servers and workers go on answering; each is restarted afterwards, one at a time. So a migration must leave a
schema the previous release can still read and write: expand first (add a nullable column or one with a
database default, a new table), backfill, switch the code, and only in a later release constrain or contract.

``unsafe_operations`` judges one migration; ``project_findings`` judges every migration of the project's apps
newer than ``BASELINE`` (the history that was already released is not judged again). It flags:

- ``RemoveField``, ``DeleteModel``: the previous release still reads the column or table;
- ``RenameField``, ``RenameModel``: the previous release reads the old name;
- ``AlterField`` that changes the column's type (a rewrite of the table, under lock, and a type the previous
  release may not write) or makes a nullable column NOT NULL without a database default;
- ``AddField`` of a NOT NULL column without a database default (``db_default``) to a table that already
  exists: the previous release inserts rows without it (Django's ``default`` lives in Python only);
- ``RunPython`` or ``RunSQL`` without a reverse: the release cannot be rolled back past it.

A migration that is safe anyway says why, at module level: ``SAFE_WHILE_SERVING = "<the reason>"`` (at least
20 characters: a reason, not a switch). Django's migration loader and operations only; no app is imported.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from django.db import migrations
from django.db.models import NOT_PROVIDED

# The newest migration of each app when this check was introduced: those and the older ones are released
# history. A new app is absent: all of its migrations are judged (creating its tables is safe).
BASELINE = {
    "accounts": "0003_login_throttle_token_stamp_sessions",
    "agencies": "0004_identifier_code_up_to_64",
    "assessment": "0003_self_assessment_submitted_for",
    "audit": "0004_checkpoint_schedule",
    "authority": "0002_grant_end_schedule",
    "commendations": "0001_reform_index_score",
    "copies": "0001_document_copy",
    "delivery": "0002_status_reply_to_sender",
    "documents": "0011_acknowledgement_reminder_schedule",
    "drafting": "0001_initial",
    "notifications": "0001_notification",
    "oversight": "0003_late_acknowledgements",
    "processing": "0004_closed_on_recall",
    "publicservices": "0001_catalogue",
    "reports": "0001_initial",
    "search": "0004_sqlite_scope_tokens",
    "signing": "0005_signature_ca_path",
    "workcalendar": "0003_default_deadline_policies",
}
MIN_REASON_LENGTH = 20
PROJECT_PACKAGE = "lienthong."


@dataclass(frozen=True)
class Finding:
    migration: str  # "app.0012_name"
    operation: str  # the operation's describe()
    problem: str

    def __str__(self) -> str:
        return f"{self.migration}: {self.operation}: {self.problem}"


def _number(name: str) -> int:
    match = re.match(r"(\d+)", name)
    return int(match.group(1)) if match else 0


def declared_reason(migration) -> str:
    """The module-level SAFE_WHILE_SERVING reason of a migration, or ""."""
    module = sys.modules.get(type(migration).__module__)
    reason = getattr(module, "SAFE_WHILE_SERVING", "")
    return reason.strip() if isinstance(reason, str) else ""


def _field(state, app_label: str, model_name: str, name: str):
    return state.apps.get_model(app_label, model_name)._meta.get_field(name)


def _has_db_default(field) -> bool:
    return getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED


def _alter_field_problem(op, app_label: str, before, after, connection) -> str | None:
    old = _field(before, app_label, op.model_name, op.name)
    new = _field(after, app_label, op.model_name, op.name)
    if old.db_type(connection) != new.db_type(connection):
        return (f"changes the column type ({old.db_type(connection)} → {new.db_type(connection)}): the table is "
                "rewritten under lock and the previous release may write the old type")
    if old.null and not new.null and not _has_db_default(new):
        return "makes a nullable column NOT NULL: the previous release still writes NULL (backfill, then constrain)"
    return None


def unsafe_operations(migration, state, connection) -> list[Finding]:
    """What in ``migration`` the previous release cannot live with. ``state``: the project state just before
    it (``MigrationLoader.project_state``); it is not changed."""
    label = f"{migration.app_label}.{migration.name}"
    if len(declared_reason(migration)) >= MIN_REASON_LENGTH:
        return []
    findings: list[Finding] = []
    state = state.clone()
    created: set[str] = set()  # tables made by this migration: adding to them is not adding to a live table
    for op in migration.operations:
        problem = None
        if isinstance(op, migrations.CreateModel):
            created.add(op.name_lower)
        elif isinstance(op, migrations.DeleteModel):
            problem = "drops a table the previous release still reads (remove it one release after the code)"
        elif isinstance(op, migrations.RemoveField):
            problem = "drops a column the previous release still reads (remove it one release after the code)"
        elif isinstance(op, migrations.RenameModel | migrations.RenameField):
            problem = "renames what the previous release reads by its old name (add the new, copy, drop later)"
        elif isinstance(op, migrations.AddField):
            field = op.field
            if (not field.many_to_many and not field.null and not _has_db_default(field)
                    and op.model_name_lower not in created):
                problem = ("adds a NOT NULL column without a database default to an existing table: the previous "
                           "release inserts rows without it (null=True or db_default, backfill, then constrain)")
        elif isinstance(op, migrations.RunPython) and not op.reversible:
            problem = "has no reverse_code: the release cannot be rolled back past it (migrations.RunPython.noop)"
        elif isinstance(op, migrations.RunSQL) and not op.reversible:
            problem = "has no reverse_sql: the release cannot be rolled back past it"
        after = state.clone()
        op.state_forwards(migration.app_label, after)
        if isinstance(op, migrations.AlterField) and op.model_name_lower not in created:
            problem = _alter_field_problem(op, migration.app_label, state, after, connection)
        if problem:
            findings.append(Finding(label, op.describe(), problem))
        state = after
    return findings


def project_migrations_to_judge(loader) -> list[tuple[str, str]]:
    """(app label, migration name) of the project's migrations newer than the baseline, in name order."""
    from django.apps import apps

    keys = []
    for app_label, name in loader.disk_migrations:
        try:
            config = apps.get_app_config(app_label)
        except LookupError:
            continue
        if not config.name.startswith(PROJECT_PACKAGE):
            continue
        baseline = BASELINE.get(app_label)
        if baseline is None or _number(name) > _number(baseline):
            keys.append((app_label, name))
    return sorted(keys)


def project_findings(connection) -> list[Finding]:
    """Every finding in the project's migrations newer than the baseline."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)  # the files only, no database query
    findings: list[Finding] = []
    for key in project_migrations_to_judge(loader):
        migration = loader.graph.nodes[key]
        findings += unsafe_operations(migration, loader.project_state(key, at_end=False), connection)
    return findings
