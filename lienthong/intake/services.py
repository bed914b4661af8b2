"""Intake: the fields of an incoming file, read with the project's type catalogue and agency directory.

The reading and the rules live in ``lienthong.intake.extraction`` (pure Python); this module feeds it the
catalogue of active document types and matches the issuer to the directory (``agencies.selectors``).
Nothing is stored: the original stays untouched with the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import DatabaseError
from django.utils.translation import gettext

from lienthong.agencies import selectors as agency_selectors
from lienthong.documents import selectors as document_selectors
from lienthong.intake.extraction import DECREE_30_TYPES, FIELDS, Extraction, TypeName, extract
from lienthong.intake.extraction.readers import ReadError, read_document


@dataclass
class FileFields:
    extraction: Extraction
    kind: str
    pages: int | None
    agency_id: int | None = None  # the issuer found in the directory (None: a new external agency to propose)
    agency_name: str | None = None

    def as_json(self) -> dict[str, object]:
        """Exactly the keys of ``extraction.FIELDS`` and ``confidence`` (issue 19's output)."""
        out = {name: self.extraction.values[name] for name in FIELDS}
        out["confidence"] = {name: self.extraction.confidence[name] for name in FIELDS}
        return out


def type_catalogue() -> list[TypeName]:
    """The active types of the catalogue; the Decree 30 defaults when the catalogue is empty."""
    try:
        rows = document_selectors.document_type_names()
    except DatabaseError:  # a command run where the database is not set up reads with the defaults
        rows = []
    return [TypeName(name, abbreviation) for name, abbreviation in rows] or list(DECREE_30_TYPES)


def extract_file(*, data: bytes, name: str = "", match_agency: bool = True) -> FileFields:
    """The fields of one file. Raises ``ReadError`` (see ``describe``) for a file that cannot be read."""
    read = read_document(data, name)
    extraction = extract(read.text, type_catalogue())
    result = FileFields(extraction, read.kind, read.pages)
    issuer = extraction.values["issuer"]
    if match_agency and isinstance(issuer, str):
        parent = extraction.values["parent_issuer"]
        try:
            agency = agency_selectors.agency_matching_name(name=issuer, parent_name=parent if isinstance(parent, str)
                                                           else None)
        except DatabaseError:
            agency = None
        if agency is not None:
            result.agency_id, result.agency_name = agency.pk, agency.name
    return result


def describe(err: ReadError) -> str:
    """The reading error in the user's language."""
    return gettext(err.template).format(**err.params) if err.params else gettext(err.template)
