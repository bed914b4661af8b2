"""The platform's figures for the automatic indicators of a ranking year (``source: indicator:<key>``).

The glue between the usage statistics and the ranking: definitions are those of ``docs/indicators.md``.
The period of ranking year ``Y`` is the default campaign window, 01/11/``Y-1`` to 31/10/``Y``.

Which app computes which key is a registry, not an import: the apps that keep the figures sit above the
ranking (they read its authorities), so they register a *provider* for their keys in their
``AppConfig.ready()`` (``register_provider``) and this module asks each provider once per batch. Document
counts and signature shares come straight from the records (``signing.selectors.signature_statistics``,
below this app, so registered here); assignments, handlings, accounts and commune coverage from the monthly
usage statistics (``lienthong.oversight``); the online-public-service keys (``dvc_*``) from the one-stop
system's catalogue and dossier counts (``lienthong.publicservices``); the on-time share of the tasks given in
documents (``task_on_time_share``) from ``lienthong.followup``. A key no provider answers gives
``None`` (``commune_online_dossier_share`` today: the criterion's missing-value policy applies).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

from lienthong.signing.selectors import signature_statistics

from .indicators import INDICATORS

RATIO_PLACES = Decimal("0.000001")

# provider(agency_ids=[...], keys={...}, start=date, end=date) -> {agency_id: {key: value}}: the keys asked of it
# (a subset of those it registered) for the agencies asked, both ends of the period inclusive; agencies or keys
# it leaves out stay ``None``. A provider runs a fixed number of queries whatever the number of agencies.
Provider = Callable[..., Mapping[int, Mapping[str, Decimal | None]]]

_providers: list[tuple[frozenset[str], Provider]] = []


def register_provider(keys: Iterable[str], provider: Provider) -> None:
    """Let ``provider`` answer ``keys`` (keys of ``indicators.INDICATORS``). Called from an app's
    ``AppConfig.ready()``; registering the same provider again is a no-op, a key answered by two
    providers is a programming error."""
    keys = frozenset(keys)
    unknown = sorted(keys - set(INDICATORS))
    if unknown:
        raise ValueError(f"unknown indicator keys: {', '.join(unknown)}")
    for known, other in _providers:
        if other is provider and known == keys:
            return
        if known & keys:
            raise ValueError(f"indicator keys already provided: {', '.join(sorted(known & keys))}")
    _providers.append((keys, provider))


def computed_keys() -> frozenset[str]:
    """The keys some provider answers."""
    return frozenset().union(*(keys for keys, _provider in _providers))


def period(year: int) -> tuple[dt.date, dt.date]:
    """The default campaign window of ranking year ``year`` (both ends inclusive)."""
    return dt.date(year - 1, 11, 1), dt.date(year, 10, 31)


def ratio(num: int, den: int) -> Decimal | None:
    """``num / den`` to six decimals from whole-number parts (never through a float); ``None`` when ``den`` is 0."""
    if not den:
        return None
    return (Decimal(num) / Decimal(den)).quantize(RATIO_PLACES)


def number(value) -> Decimal | None:
    """``value`` as a Decimal (through its text, so 3.1 stays 3.1); ``None`` stays ``None``."""
    if value is None:
        return None
    return Decimal(str(value))


def indicator_values(*, agency_ids: Iterable[int], keys: Iterable[str],
                     year: int) -> dict[int, dict[str, Decimal | None]]:
    """``{agency_id: {key: value}}`` for every requested agency and key; ``None`` when the value is missing
    (a ratio with nothing to count) or not computed by the platform. At most eight queries whatever the
    number of agencies and keys (each provider asked once)."""
    agency_ids = sorted({int(a) for a in agency_ids})
    keys = set(keys)
    out: dict[int, dict[str, Decimal | None]] = {a: dict.fromkeys(keys) for a in agency_ids}
    if not agency_ids or not keys & computed_keys():
        return out
    start, end = period(year)
    for provided, provider in list(_providers):
        wanted = keys & provided
        if not wanted:
            continue
        for agency_id, values in provider(agency_ids=agency_ids, keys=wanted, start=start, end=end).items():
            if agency_id in out:
                out[agency_id].update({k: v for k, v in values.items() if k in wanted})
    return out


def indicator_value(*, agency_id: int, key: str, year: int) -> Decimal | None:
    """One agency's value of one indicator for ranking year ``year`` (see ``indicator_values``)."""
    return indicator_values(agency_ids=[agency_id], keys=[key], year=year)[int(agency_id)][key]


# --- the keys answered from the records themselves (signing sits below this app) -----------------------------

SIGNATURE_KEYS = frozenset({"documents_issued", "documents_received", "digital_sign_valid_share",
                            "received_signed_valid_share"})


def signature_indicator_values(*, agency_ids: list[int], keys: set[str], start: dt.date,
                               end: dt.date) -> dict[int, dict[str, Decimal | None]]:
    """Exact counts for the period from ``signing.selectors.signature_statistics`` (two queries)."""
    out: dict[int, dict[str, Decimal | None]] = {}
    for s in signature_statistics(agency_ids=agency_ids, start=start, end=end):
        values = {"documents_issued": Decimal(s.issued), "documents_received": Decimal(s.received),
                  "digital_sign_valid_share": ratio(s.issued_legally_valid, s.issued),
                  "received_signed_valid_share": ratio(s.received_signed_valid, s.received)}
        out[s.agency_id] = {k: v for k, v in values.items() if k in keys}
    return out


register_provider(SIGNATURE_KEYS, signature_indicator_values)
