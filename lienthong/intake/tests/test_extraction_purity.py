"""The extraction library stays pure: no module of ``lienthong.intake.extraction`` imports Django or another app,
and importing all of it loads no Django module (so it can be used and tested on its own)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "extraction"
MODULES = sorted(PACKAGE.glob("*.py"))


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append("." * node.level + (node.module or ""))
    return names


def test_no_module_of_the_package_imports_django_or_another_app():
    assert len(MODULES) >= 6
    offending = {path.name: name for path in MODULES for name in _imports(path)
                 if name.split(".")[0] in {"django", "ninja", "django_q"} or name.startswith("..")
                 or (name.startswith("lienthong.") and not name.startswith("lienthong.intake.extraction"))}
    assert offending == {}


@pytest.mark.xdist_group("processes")
def test_importing_the_whole_package_loads_no_django_module():
    modules = ", ".join(f"lienthong.intake.extraction.{path.stem}" for path in MODULES if path.stem != "__init__")
    code = (f"import sys, {modules}; "
            "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PACKAGE.parents[2])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60, check=True)
    assert out.stdout.strip() == "[]"
