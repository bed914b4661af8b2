"""The edXML library (QCVN 102:2016/BTTTT): building and parsing document and status packages.

Pure Python over lxml: nothing in this package imports Django, so it can be used and tested on its own
(``tests/test_edxml_purity.py``). Entry points: ``build_document``, ``build_status``, ``document_id``,
``parse_package``, ``detect_message_type``, ``Limits``; the values are the dataclasses of ``model``."""

from .build import build_document, build_status, document_id
from .limits import DEFAULT_LIMITS, Limits
from .parse import detect_message_type, parse_package

__all__ = ["DEFAULT_LIMITS", "Limits", "build_document", "build_status", "detect_message_type", "document_id",
           "parse_package"]
