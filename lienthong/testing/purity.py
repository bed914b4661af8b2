"""Checks that a library package stays pure (no Django, no other app): what its modules import, read from their
source, and which Django modules importing them all loads in a fresh interpreter. Used by the purity tests of
``exchange.edxml`` and ``intake.extraction``."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path


def module_imports(path: Path) -> list[str]:
    """The modules a source file imports, relative ones with their leading dots."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append("." * node.level + (node.module or ""))
    return names


def forbidden_imports(modules: list[Path], *, own_package: str, absolute_own: bool = True) -> dict[str, str]:
    """Module file → an import of Django, django-ninja, django-q, a parent package or another app (or, with
    ``absolute_own`` false, any absolute import of the project, the package's own included)."""
    def forbidden(name: str) -> bool:
        own = absolute_own and (name == own_package or name.startswith(own_package + "."))
        return (name.split(".")[0] in {"django", "ninja", "django_q"} or name.startswith("..")
                or (name.split(".")[0] == "lienthong" and not own))

    return {path.name: name for path in modules for name in module_imports(path) if forbidden(name)}


def django_modules_loaded(package: Path, dotted: str) -> list[str]:
    """The Django modules loaded by importing every module of ``package`` (dotted name ``dotted``) in a fresh
    interpreter that sees only the project's source."""
    modules = ", ".join(f"{dotted}.{path.stem}" for path in sorted(package.glob("*.py")) if path.stem != "__init__")
    code = (f"import sys, {modules}; "
            "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(package.parents[2])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60, check=True)
    return ast.literal_eval(out.stdout.strip())
