"""Bounded integer types for the API's parameters and bodies.

Every integer the API accepts ends up in a database column or a query parameter, and the databases hold 64-bit
signed integers: past 2^63 − 1 SQLite raised OverflowError and PostgreSQL a DataError, both 500s. With these
types pydantic refuses such a number first, as a 422 naming the field (``lienthong.api`` words the message).
``Id`` is for the ids of rows (path segments such as ``/drafts/{draft_id}``, ``signer_id``, ``member_ids``),
which are never 0 or negative either."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

MAX_DB_INT = 2**63 - 1
MIN_DB_INT = -(2**63)

DbInt = Annotated[int, Field(ge=MIN_DB_INT, le=MAX_DB_INT)]
Id = Annotated[int, Field(ge=1, le=MAX_DB_INT)]
