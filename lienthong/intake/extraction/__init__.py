"""Metadata extraction for incoming documents (issue 19): pure Python, no Django.

``extract(text)`` gives the Decree 30 Appendix VI fields of a document's text with a confidence each;
``readers.read_document(data, name)`` gives the text of a plain-text, DOCX or PDF file, or of a scan through
Tesseract (hostile files refused).
"""

from lienthong.intake.extraction.parser import FIELDS, Extraction, extract
from lienthong.intake.extraction.types import DECREE_30_TYPES, TypeName

__all__ = ["DECREE_30_TYPES", "FIELDS", "Extraction", "TypeName", "extract"]
