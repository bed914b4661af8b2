"""The house rules that import-linter cannot express, checked over the source tree (docs/architecture.md).

import-linter (``make lint``) checks the layer order of the apps. This module checks the finer rules by
reading every production module's syntax tree:

- selectors never import services (reads never depend on writes);
- no module imports another app's private (underscore) names, nor reaches them through a module alias;
- views and API modules do not import another app's models (they go through its selectors/services);
- another app is imported inside a function only in ``apps.py`` (``AppConfig.ready``): elsewhere an import in a
  function hides a cycle instead of removing it (heavy third-party libraries stay lazy, they are not checked);
- a production module longer than 600 lines says at its top why it is not divided;
- background jobs are queued with ``core.jobs.enqueue`` (which carries the request id), never with django-q's
  ``async_task`` directly.

Each rule has a test that feeds it a small bad module, so a rule that stopped matching would fail here.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the lienthong package
PACKAGE = ROOT.name
MAX_LINES = 600
LONG_REASON = "Longer than 600 lines because"


@dataclass(frozen=True)
class Module:
    name: str  # dotted, e.g. lienthong.documents.views
    path: Path
    tree: ast.Module
    lines: int

    @property
    def app(self) -> str | None:
        parts = self.name.split(".")
        return parts[1] if len(parts) > 2 else None

    @property
    def leaf(self) -> list[str]:
        return self.name.split(".")[2:]


def _is_production(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return not ({"tests", "migrations", "browser_tests", "templates", "static", "formats"} & set(parts)) \
        and path.name != "conftest.py" and not path.name.startswith("test_")


def production_modules() -> list[Module]:
    modules = []
    for path in sorted(ROOT.rglob("*.py")):
        if not _is_production(path):
            continue
        rel = path.relative_to(ROOT.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        text = path.read_text(encoding="utf-8")
        modules.append(Module(".".join(parts), path, ast.parse(text, filename=str(path)), text.count("\n") + 1))
    return modules


def _app_of(dotted: str) -> str | None:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == PACKAGE else None


def _imports(module: Module):
    """(node, imported module, imported names, inside a function) for every import of the project's code."""
    def walk(node, in_function):
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.startswith(PACKAGE + "."):
                        yield child, alias.name, [], in_function, alias.asname
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0 \
                    and child.module.startswith(PACKAGE + "."):
                yield child, child.module, [a.name for a in child.names], in_function, None
                for alias in child.names:  # ``from lienthong.x import services`` names a module too
                    yield child, f"{child.module}.{alias.name}", [], in_function, alias.asname or alias.name
            elif isinstance(child, ast.If) and _is_type_checking(child):
                continue
            yield from walk(child, nested)
    yield from walk(module.tree, False)


def _named(node: ast.Import | ast.ImportFrom) -> str:
    if isinstance(node, ast.ImportFrom):
        return f"{node.module} ({', '.join(a.name for a in node.names)})"
    return ", ".join(a.name for a in node.names)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _kind(leaf: list[str]) -> str:
    """What sort of module this is: selectors, services, views, api or other."""
    for part in leaf:
        for kind in ("selectors", "services", "views", "api"):
            if part == kind or part.startswith(kind + "_") or part.endswith("_" + kind):
                return kind
    return "other"


# --- the rules, each a function from one module to its violations -------------------------------------------


def selectors_import_services(module: Module) -> list[str]:
    if _kind(module.leaf) != "selectors":
        return []
    return sorted({f"{module.name}:{node.lineno} imports {_named(node)}" for node, target, _, _, _ in _imports(module)
                   if _kind(target.split(".")[2:]) == "services"})


def private_names_of_other_apps(module: Module) -> list[str]:
    found = []
    aliases = {}
    for node, target, names, _, alias in _imports(module):
        other = _app_of(target) not in (None, module.app)
        if other:
            found += [f"{module.name}:{node.lineno} imports {target}.{n}" for n in names if n.startswith("_")]
            found += [f"{module.name}:{node.lineno} imports {target}" for part in target.split(".")[2:]
                      if part.startswith("_") and part != "__init__"]
            if alias:
                aliases[alias] = target
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases \
                and node.attr.startswith("_") and not node.attr.startswith("__"):
            found.append(f"{module.name}:{node.lineno} uses {aliases[node.value.id]}.{node.attr}")
    return sorted(set(found))


def views_import_other_models(module: Module) -> list[str]:
    if _kind(module.leaf) not in ("views", "api") and module.name not in (f"{PACKAGE}.api",):
        return []
    return sorted({f"{module.name}:{node.lineno} imports {_named(node)}" for node, target, _, _, _ in _imports(module)
                   if _app_of(target) not in (None, module.app) and target.split(".")[2:3] == ["models"]})


def other_apps_imported_in_functions(module: Module) -> list[str]:
    if module.leaf[-1:] == ["apps"]:
        return []
    return sorted({f"{module.name}:{node.lineno} imports {_named(node)} inside a function"
                   for node, target, _, in_function, _ in _imports(module)
                   if in_function and _app_of(target) not in (None, module.app)})


def long_without_reason(module: Module) -> list[str]:
    if module.lines <= MAX_LINES:
        return []
    head = ast.get_docstring(module.tree) or ""
    return [] if LONG_REASON in head else [f"{module.name} has {module.lines} lines and no '{LONG_REASON} …'"]


def async_task_outside_core_jobs(module: Module) -> list[str]:
    if module.name == f"{PACKAGE}.core.jobs":
        return []
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django_q.tasks" \
                and any(a.name == "async_task" for a in node.names):
            found.append(f"{module.name}:{node.lineno} imports django_q.tasks.async_task (use core.jobs.enqueue)")
        elif isinstance(node, ast.Attribute) and node.attr == "async_task":
            found.append(f"{module.name}:{node.lineno} calls async_task (use core.jobs.enqueue)")
    return found


RULES = [selectors_import_services, private_names_of_other_apps, views_import_other_models,
         other_apps_imported_in_functions, long_without_reason, async_task_outside_core_jobs]


@pytest.fixture(scope="module")
def modules():
    return production_modules()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
def test_the_source_tree_keeps_the_rule(modules, rule):
    violations = [v for m in modules for v in rule(m)]
    assert violations == [], "\n".join(violations)


def test_the_tree_is_read(modules):
    names = {m.name for m in modules}
    assert {f"{PACKAGE}.documents.selectors", f"{PACKAGE}.core.events"} <= names
    assert not any(".tests" in n or ".migrations" in n for n in names)


def _module(name: str, source: str) -> Module:
    return Module(name, Path("x.py"), ast.parse(source), source.count("\n") + 1)


@pytest.mark.parametrize(("rule", "name", "source"), [
    (selectors_import_services, "lienthong.drafting.selectors", "from lienthong.drafting.services import may_act\n"),
    (selectors_import_services, "lienthong.drafting.selectors", "from lienthong.documents import services\n"),
    (private_names_of_other_apps, "lienthong.signing.api", "from lienthong.drafting.api import _detail\n"),
    (private_names_of_other_apps, "lienthong.assessment.selectors",
     "from lienthong.oversight import services as s\n\ndef f():\n    return s._inputs()\n"),
    (views_import_other_models, "lienthong.delivery.views.sender", "from lienthong.documents.models import Document\n"),
    (views_import_other_models, "lienthong.documents.api", "from lienthong.processing import models\n"),
    (other_apps_imported_in_functions, "lienthong.signing.services",
     "def f():\n    from lienthong.delivery import selectors\n"),
    (long_without_reason, "lienthong.signing.pdf", "x = 1\n" * 601),
    (async_task_outside_core_jobs, "lienthong.reports.services",
     "def f():\n    from django_q.tasks import async_task\n    async_task('x')\n"),
    (async_task_outside_core_jobs, "lienthong.oversight.views",
     "import django_q.tasks\ndjango_q.tasks.async_task('x')\n"),
])
def test_each_rule_catches_a_bad_module(rule, name, source):
    assert rule(_module(name, source)) != []


@pytest.mark.parametrize(("rule", "name", "source"), [
    (selectors_import_services, "lienthong.drafting.selectors", "from lienthong.documents import selectors\n"),
    (private_names_of_other_apps, "lienthong.signing.api", "from lienthong.signing.pdf import _layout\n"),
    (views_import_other_models, "lienthong.delivery.views.sender", "from lienthong.delivery.models import Delivery\n"),
    (other_apps_imported_in_functions, "lienthong.signing.apps",
     "def ready():\n    from lienthong.core import events\n"),
    (other_apps_imported_in_functions, "lienthong.signing.pdf", "def f():\n    from pyhanko.sign import signers\n"),
    (long_without_reason, "lienthong.signing.pdf", f'"""{LONG_REASON} x."""\n' + "x = 1\n" * 601),
    (async_task_outside_core_jobs, "lienthong.reports.services",
     "from lienthong.core.jobs import enqueue\nenqueue('lienthong.reports.tasks.run_build', 1)\n"),
])
def test_each_rule_lets_a_good_module_pass(rule, name, source):
    assert rule(_module(name, source)) == []
