"""Migrations newer than the released history must be safe to run while the previous release serves
(lienthong.core.migration_safety): the project's own pass; a bad example, written as a migration file in a
temporary module, is flagged operation by operation unless it gives its reason."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from lienthong.core.migration_safety import (
    BASELINE,
    project_findings,
    project_migrations_to_judge,
    unsafe_operations,
)

BAD = textwrap.dedent('''
    from django.db import migrations, models


    def fill(apps, schema_editor):
        pass


    class Migration(migrations.Migration):
        dependencies = [("documents", "{baseline}")]
        operations = [
            migrations.RemoveField("document", "notes"),
            migrations.AddField("document", "tracking_code", models.CharField(max_length=20, default="")),
            migrations.AlterField("register", "last_number", models.CharField(max_length=20, default="0")),
            migrations.AlterField("document", "subject", models.TextField(max_length=2000)),  # same type: fine
            migrations.RenameField("document", "subject", "title"),
            migrations.RunPython(fill),
            migrations.RunPython(fill, migrations.RunPython.noop),  # reversible: fine
            migrations.AddField("document", "remark", models.TextField(null=True)),  # nullable: fine
            migrations.AddField("document", "flag", models.BooleanField(default=False, db_default=False)),  # fine
            migrations.DeleteModel("register"),
        ]
    {extra}
''')


def _migration(tmp_path, name: str, extra: str = ""):
    path = tmp_path / f"{name}.py"
    path.write_text(BAD.format(baseline=BASELINE["documents"], extra=extra), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"lienthong_migration_example_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.Migration(name, "documents")


@pytest.fixture(scope="module")
def loader():
    return MigrationLoader(None, ignore_no_migrations=True)


def test_the_projects_new_migrations_are_safe_while_the_previous_release_serves():
    assert [str(f) for f in project_findings(connection)] == []


def test_a_bad_migration_is_flagged_operation_by_operation(tmp_path, loader):
    migration = _migration(tmp_path, "0012_bad")
    state = loader.project_state(("documents", BASELINE["documents"]), at_end=True)

    findings = unsafe_operations(migration, state, connection)

    flagged = [f.operation for f in findings]
    assert flagged == [
        "Remove field notes from document",
        "Add field tracking_code to document",
        "Alter field last_number on register",
        "Rename field subject on document to title",
        "Raw Python operation",
        "Delete model register",
    ]
    assert all(f.migration == "documents.0012_bad" for f in findings)
    assert "column type" in findings[2].problem and "NOT NULL" in findings[1].problem


def test_a_migration_that_gives_its_reason_passes_and_a_token_reason_does_not(tmp_path, loader):
    state = loader.project_state(("documents", BASELINE["documents"]), at_end=True)
    reasoned = _migration(tmp_path, "0012_reasoned", extra='SAFE_WHILE_SERVING = '
                          '"the previous release stopped reading these columns in 2.3 (contract step)"')
    token = _migration(tmp_path, "0012_token", extra='SAFE_WHILE_SERVING = "ok"')

    assert unsafe_operations(reasoned, state, connection) == []
    assert len(unsafe_operations(token, state, connection)) == 6


def test_only_migrations_newer_than_the_baseline_and_of_the_project_are_judged():
    fake = SimpleNamespace(disk_migrations={
        ("documents", BASELINE["documents"]): None,  # released
        ("documents", "0005_old"): None,  # released
        ("documents", "0012_next"): None,  # new
        ("search", "0005_next"): None,  # new
        ("sessions", "0099_not_ours"): None,  # Django's own app
        ("auth", "0099_not_ours"): None,
    })
    assert project_migrations_to_judge(fake) == [("documents", "0012_next"), ("search", "0005_next")]


def test_the_baseline_names_migrations_that_exist(loader):
    for app_label, name in BASELINE.items():
        assert (app_label, name) in loader.disk_migrations, (app_label, name)
