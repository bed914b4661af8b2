"""A stand-in for ``edxml.build`` / ``edxml.parse`` while the edXML library is being written: the same
functions over the same values, as JSON. Used by these tests only when the real modules are missing
(``conftest.py``); delete it once they are on main."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json

from lienthong.exchange.edxml.model import (
    Attachment,
    DocumentPackage,
    EdxmlError,
    Organ,
    ReceiverChange,
    Replacement,
    ResponseFor,
    Staff,
    StatusPackage,
    Trace,
)


def _default(value):
    if isinstance(value, bytes):
        return {"__b": base64.b64encode(value).decode()}
    if isinstance(value, dt.datetime):
        return {"__dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"__d": value.isoformat()}
    raise TypeError(type(value))


def _hook(obj):
    if "__b" in obj:
        return base64.b64decode(obj["__b"])
    if "__dt" in obj:
        return dt.datetime.fromisoformat(obj["__dt"])
    if "__d" in obj:
        return dt.date.fromisoformat(obj["__d"])
    return obj


def _dump(kind: str, package) -> bytes:
    fields = {f.name: getattr(package, f.name) for f in dataclasses.fields(package)}
    return json.dumps({"kind": kind, **fields}, default=lambda v: _default(v) if not dataclasses.is_dataclass(v)
                      else {f.name: getattr(v, f.name) for f in dataclasses.fields(v)}, ensure_ascii=False).encode()


def build_document(package: DocumentPackage) -> bytes:
    return _dump("edoc", package)


def build_status(package: StatusPackage) -> bytes:
    return _dump("status", package)


def parse_package(data: bytes):
    try:
        raw = json.loads(data, object_hook=_hook)
        kind = raw.pop("kind")
        raw["sender"] = Organ(**raw["sender"])
        raw["staff"] = Staff(**raw["staff"])
        raw["traces"] = [Trace(**t) for t in raw["traces"]]
        if kind == "status":
            raw["response_for"] = ResponseFor(**raw["response_for"])
            return StatusPackage(**raw)
        raw["recipients"] = [Organ(**o) for o in raw["recipients"]]
        raw["response_for"] = [ResponseFor(**r) for r in raw["response_for"]]
        raw["receiver_changes"] = [ReceiverChange(**r) for r in raw["receiver_changes"]]
        raw["replacements"] = [Replacement(**r) for r in raw["replacements"]]
        raw["attachments"] = [Attachment(**a) for a in raw["attachments"]]
        return DocumentPackage(**raw)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise EdxmlError("Gói tin không đọc được.", "edXML") from exc
