"""Benchmarks write where the application writes, and nowhere else (issue 14, item 9).

Every bench script takes its database, media and var locations from the environment (``DATABASE_URL``,
``MEDIA_ROOT``, ``LIENTHONG_VAR_DIR``) through ``bench/benchenv.py``, exactly as ``lienthong/settings.py``
does; none builds a path of its own under the checkout.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench"
SCRIPTS = sorted(p for p in BENCH.glob("*.py") if p.name != "benchenv.py")


def _own_paths(tree: ast.AST) -> list[str]:
    """Assignments to MEDIA_ROOT / VAR_DIR / STATIC_ROOT, and paths built from ``__file__``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
                if name in {"MEDIA_ROOT", "VAR_DIR", "STATIC_ROOT", "AUDIT_CHECKPOINT_DIR"}:
                    found.append(f"line {node.lineno}: assigns {name}")
        if isinstance(node, ast.Name) and node.id in {"__file__", "ROOT"}:
            found.append(f"line {node.lineno}: {node.id}")
    return found


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_bench_scripts_build_no_paths_of_their_own(script):
    tree = ast.parse(script.read_text(encoding="utf-8"))
    allowed = [f"line {n.lineno}: __file__" for n in ast.walk(tree)
               if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "insert"
               for sub in ast.walk(n) if isinstance(sub, ast.Name) and sub.id == "__file__"]  # sys.path only
    assert [p for p in _own_paths(tree) if p not in allowed] == []
    imports = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert "benchenv" in imports


@pytest.mark.xdist_group("processes")
def test_benchenv_gives_the_locations_the_application_uses(tmp_path):
    """Without DATABASE_URL a bench database lands in LIENTHONG_VAR_DIR; MEDIA_ROOT is the application's."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import benchenv; benchenv.default_database('b.sqlite3');"
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.DATABASES['default']['NAME']); print(settings.MEDIA_ROOT); print(settings.VAR_DIR)"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "MEDIA_ROOT", "DJANGO_SETTINGS_MODULE"}}
    env["LIENTHONG_VAR_DIR"] = str(tmp_path / "var")
    out = subprocess.run([sys.executable, "-c", code, str(BENCH)], env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout.split("\n")
    assert out[:3] == [str(tmp_path / "var" / "b.sqlite3"), str(tmp_path / "var" / "media"), str(tmp_path / "var")]
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'given.sqlite3'}"
    env["MEDIA_ROOT"] = str(tmp_path / "media")
    out = subprocess.run([sys.executable, "-c", code, str(BENCH)], env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout.split("\n")
    assert out[:2] == [str(tmp_path / "given.sqlite3"), str(tmp_path / "media")]
