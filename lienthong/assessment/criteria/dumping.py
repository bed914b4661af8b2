"""Writing a criteria set back to YAML: ``load_criteria_set(dump_criteria_set(cs)) == cs``."""

from __future__ import annotations

from dataclasses import fields

from .model import DEFAULT_PRECISION, CriteriaSet


def _num(x):
    return int(x) if isinstance(x, float) and x.is_integer() else x


def _plain(obj) -> dict:
    out = {}
    for f in fields(obj):
        v = getattr(obj, f.name)
        if v is None or v == () or v == "" or (f.name in ("proposal",) and v is False):
            continue
        if f.name == "enabled" and v is True:
            continue
        if isinstance(v, tuple) and v and hasattr(v[0], "__dataclass_fields__"):
            v = [_plain(x) for x in v]
        elif f.name == "min_points":
            v = {g: _num(p) for g, p in v}
        elif isinstance(v, tuple):
            v = list(v)
        elif isinstance(v, float):
            v = _num(v)
        out[f.name] = v
    return out


def criteria_set_as_dict(cs: CriteriaSet) -> dict:
    d = {"code": cs.code, "name": cs.name, "version": cs.version}
    if cs.year is not None:
        d["year"] = cs.year
    if cs.proposal:
        d["proposal"] = True
    if cs.derived_from:
        d["derived_from"] = list(cs.derived_from)
    if cs.notes:
        d["notes"] = cs.notes
    d["missing_value_policy"] = cs.missing_value_policy
    d["not_applicable_policy"] = cs.not_applicable_policy
    if cs.precision != DEFAULT_PRECISION:
        d["precision"] = cs.precision
    d["groups"] = [_plain(g) for g in cs.groups]
    if cs.bands:
        d["classification"] = {"bands": [_plain(b) for b in cs.bands]}
    cats = []
    for cat in cs.categories:
        c = {"code": cat.code, "name": cat.name, "points": _num(cat.points)}
        if cat.applies_to:
            c["applies_to"] = list(cat.applies_to)
        if cat.proposal:
            c["proposal"] = True
        c["criteria"] = [_plain(k) for k in cat.criteria]
        cats.append(c)
    d["categories"] = cats
    return {"criteria_set": d}


def dump_criteria_set(cs: CriteriaSet) -> str:
    import yaml

    return yaml.safe_dump(criteria_set_as_dict(cs), allow_unicode=True, sort_keys=False, width=110)
