"""Bounded integer types for the API's parameters and bodies.

Every integer the API accepts ends up in a database column or a query parameter, and the databases hold 64-bit
signed integers: past 2^63 − 1 SQLite raised OverflowError and PostgreSQL a DataError, both 500s. With these
types pydantic refuses such a number first, as a 422 naming the field (``lienthong.api`` words the message).
``Id`` is for the ids of rows (path segments such as ``/drafts/{draft_id}``, ``signer_id``, ``member_ids``),
which are never 0 or negative either.

``PersonOut`` is how every app's API names a person (drafts, assignments, notes): one shape, kept here so that
apps of different layers share it without importing each other."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import Field

MAX_DB_INT = 2**63 - 1
MIN_DB_INT = -(2**63)

DbInt = Annotated[int, Field(ge=MIN_DB_INT, le=MAX_DB_INT)]
Id = Annotated[int, Field(ge=1, le=MAX_DB_INT)]


class PersonOut(Schema):
    id: int
    name: str

    @classmethod
    def of(cls, user) -> PersonOut | None:
        return cls(id=user.pk, name=str(user)) if user is not None else None
