"""Plain text of an original, for the search index: the text layer of a PDF, the paragraphs of a DOCX.

Bounded on every side (pages read, characters kept, size of the DOCX body part), and the DOCX XML is
parsed without entities, DTDs or network access. Callers extract small files inline and large ones in
a background job; an unreadable file raises, and the caller keeps the original without its text.
"""

from __future__ import annotations

import io
import logging
import zipfile

MAX_EXTRACTED_CHARS = 2_000_000
MAX_PDF_PAGES = 500
MAX_DOCX_XML_BYTES = 50 * 1024 * 1024


def extract_text(data: bytes, kind: str) -> tuple[str, int | None]:
    """Plain text and page count (PDF) of an original. Raises on unreadable content."""
    if kind == "pdf":
        return _pdf_text(data)
    if kind == "docx":
        return _docx_text(data), None
    return "", None


def _pdf_text(data: bytes) -> tuple[str, int]:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(io.BytesIO(data))
    parts = []
    total = 0
    for i, page in enumerate(reader.pages):
        if i >= MAX_PDF_PAGES or total > MAX_EXTRACTED_CHARS:
            break
        text = page.extract_text() or ""
        parts.append(text)
        total += len(text)
    return "\n".join(parts)[:MAX_EXTRACTED_CHARS], len(reader.pages)


def _docx_text(data: bytes) -> str:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo("word/document.xml")
        if info.file_size > MAX_DOCX_XML_BYTES:
            raise ValueError("document.xml too large")
        xml = zf.read(info)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    root = etree.fromstring(xml, parser)
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    paragraphs = []
    for p in root.iter(f"{ns}p"):
        paragraphs.append("".join(t.text or "" for t in p.iter(f"{ns}t")))
    return "\n".join(paragraphs)[:MAX_EXTRACTED_CHARS]
