import importlib.util
import sys

import pytest


@pytest.fixture(autouse=True)
def edxml_library(monkeypatch):
    """The real edXML build/parse when they exist, else the JSON stand-in (``standin_edxml``)."""
    if importlib.util.find_spec("lienthong.exchange.edxml.build") is None:
        from lienthong.exchange import edxml
        from lienthong.exchange.tests import standin_edxml

        for name in ("build", "parse"):
            monkeypatch.setitem(sys.modules, f"lienthong.exchange.edxml.{name}", standin_edxml)
            monkeypatch.setattr(edxml, name, standin_edxml, raising=False)
