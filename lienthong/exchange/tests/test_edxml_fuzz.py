"""Mutated packages (byte flips, truncation, elements deleted or duplicated) either parse or raise EdxmlError,
never anything else (hypothesis, derandomized and bounded so CI sees the same 200 cases every run)."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from lienthong.exchange.edxml.build import build_document
from lienthong.exchange.edxml.limits import xml_parser
from lienthong.exchange.edxml.model import EdxmlError
from lienthong.exchange.edxml.parse import detect_message_type, parse_package
from lienthong.exchange.tests.edxml_samples import sample, sample_names
from lienthong.exchange.tests.test_edxml_roundtrip import a_document

CORPUS = [sample(name) for name in sample_names()] + [build_document(a_document())]


def _flip(data: bytes, position: int, value: int) -> bytes:
    position %= len(data)
    return data[:position] + bytes([value]) + data[position + 1:]


def _truncate(data: bytes, position: int, _value: int) -> bytes:
    return data[: position % len(data)]


def _insert(data: bytes, position: int, value: int) -> bytes:
    position %= len(data)
    snippets = [b"<", b">", b"&", b"<!DOCTYPE x>", b"</edXML:To>", b"<x>", b"PK\x03\x04", b"\x00", b"\xff\xfe",
                b"<![CDATA[", b"=", b"cid:", b"2014/02/30", b"\r\n"]
    return data[:position] + snippets[value % len(snippets)] + data[position:]


def _element(data: bytes, position: int, value: int, duplicate: bool) -> bytes:
    try:
        root = etree.fromstring(data, xml_parser(recover=True))
    except etree.XMLSyntaxError:  # nothing recoverable: leave the bytes to the other mutations
        return data
    if root is None:
        return data
    elements = [el for el in root.iter() if isinstance(el.tag, str) and el.getparent() is not None]
    if not elements:
        return data
    target = elements[position % len(elements)]
    parent = target.getparent()
    if duplicate:
        parent.insert(parent.index(target) + (value % 2), copy.deepcopy(target))
    else:
        parent.remove(target)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _delete(data: bytes, position: int, value: int) -> bytes:
    return _element(data, position, value, duplicate=False)


def _duplicate(data: bytes, position: int, value: int) -> bytes:
    return _element(data, position, value, duplicate=True)


MUTATIONS = [_flip, _truncate, _insert, _delete, _duplicate]

mutation = st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 2**31), st.integers(0, 255))


@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(index=st.integers(0, len(CORPUS) - 1), mutations=st.lists(mutation, min_size=1, max_size=4),
       recover=st.booleans())
def test_mutated_packages_only_ever_raise_edxml_error(index, mutations, recover):
    data = CORPUS[index]
    for mutate, position, value in mutations:
        if data:
            data = mutate(data, position, value)
    try:
        parse_package(data, recover=recover)
    except EdxmlError as exc:
        assert exc.message and str(exc)
    try:
        assert detect_message_type(data) in ("edoc", "status")
    except EdxmlError:
        pass


@pytest.mark.parametrize("index", range(len(CORPUS)))
def test_every_truncation_point_of_the_header_is_handled(index):
    data = CORPUS[index]
    for cut in range(0, min(len(data), 6000), 97):
        try:
            parse_package(data[:cut])
        except EdxmlError:
            pass
