"""The edXML library stays pure: no module of ``lienthong.exchange.edxml`` imports Django or another app, and
importing all of it loads no Django module (so it can be used and tested on its own)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lienthong.testing.purity import django_modules_loaded, forbidden_imports

PACKAGE = Path(__file__).resolve().parents[1] / "edxml"
MODULES = sorted(PACKAGE.glob("*.py"))


def test_no_module_of_the_package_imports_django_or_another_app():
    assert len(MODULES) >= 6
    assert forbidden_imports(MODULES, own_package="lienthong.exchange.edxml", absolute_own=False) == {}


@pytest.mark.xdist_group("processes")
def test_importing_the_whole_package_loads_no_django_module():
    assert django_modules_loaded(PACKAGE, "lienthong.exchange.edxml") == []
