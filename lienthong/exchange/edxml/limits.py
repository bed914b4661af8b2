"""Limits on hostile packages, and the one XML parser every package goes through.

The parser never resolves entities, never loads a DTD, never touches the network and keeps libxml2's own
resource limits (``huge_tree=False``: at most 10 MB of text in one element, 256 levels); any DOCTYPE is refused
before parsing. The ``Limits`` values are checked by ``parse.parse_package``; each refusal is an ``EdxmlError``
with a Vietnamese message from ``messages``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_package_bytes: int = 64 * MiB  # the package as received
    max_depth: int = 32  # element nesting (real packages: 9)
    max_elements: int = 20_000  # all elements (real packages: under 300)
    max_attachments: int = 100
    max_attachment_bytes: int = 100 * MiB  # one file, after unzipping
    max_total_attachment_bytes: int = 200 * MiB  # all files of a package, after unzipping
    max_zip_ratio: int = 200  # unzipped / zipped, checked when the file is over 1 MiB
    max_zip_entries: int = 1_000  # entries listed in one zip's directory


DEFAULT_LIMITS = Limits()


def xml_parser(*, recover: bool = False) -> etree.XMLParser:
    """A new hardened parser (lxml parsers are not thread-safe to share)."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
        remove_comments=True, remove_pis=True, recover=recover, collect_ids=False,
    )


# What may come before the root element: BOM, XML declaration, comments, processing instructions, whitespace.
_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<\?[^?]*(?:\?(?!>)[^?]*)*\?>\s*|<!--(?:(?!-->).)*-->\s*)*", re.S)
_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def prolog_problem(data: bytes) -> str:
    """"doctype" when a DOCTYPE (and so any ENTITY) precedes the root, the declared encoding when it is not
    UTF-8, "" when the prolog is acceptable. Only the prolog may hold a DOCTYPE, so the body is not scanned."""
    match = _ENCODING.match(data)
    if match and match.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        return match.group(1).decode("ascii", "replace")
    prolog = _PROLOG.match(data)
    end = prolog.end() if prolog else 0
    if data.startswith(b"<!", end):
        return "doctype"
    return ""
