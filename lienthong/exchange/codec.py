"""The one door to the edXML library (``edxml.build``, ``edxml.parse``): the gateway builds and parses packages
only through these three functions, imported when first used."""

from __future__ import annotations

from lienthong.exchange.edxml.model import DocumentPackage, Package, StatusPackage


def build_document(package: DocumentPackage) -> bytes:
    from lienthong.exchange.edxml import build

    return build.build_document(package)


def build_status(package: StatusPackage) -> bytes:
    from lienthong.exchange.edxml import build

    return build.build_status(package)


def parse_package(data: bytes) -> Package:
    """The package's values; ``EdxmlError`` when it is malformed or refused."""
    from lienthong.exchange.edxml import parse

    return parse.parse_package(data)
