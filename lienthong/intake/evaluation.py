"""Exact-match accuracy of the extractor on a labelled set (``manage.py extract_eval DIR``).

A set is a folder of documents (``<id>.txt``, ``<id>.docx``, ``<id>.pdf``, ...) and ``labels.jsonl``: one JSON
object per document with ``id`` and the keys of ``extraction.FIELDS`` (null where the document has no value).
Values are compared after NFC and collapsing blanks; lists item by item. Each field's rate counts every document
of the format, null labels included: finding a value that is not there is an error too.
"""

from __future__ import annotations

import json
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lienthong.intake.extraction import FIELDS

# Targets of issue 19 (share of documents with the exact value): field -> target.
TARGETS = {"number_symbol": 0.98, "number": 0.98, "symbol": 0.98, "date": 0.98, "doc_type": 0.98,
           "issuer": 0.95, "signer_name": 0.95, "signer_position": 0.95, "signer_authority": 0.95,
           "subject": 0.90, "recipients": 0.90}
FORMATS = (".txt", ".docx", ".pdf", ".png", ".jpg", ".tif")


def normalise(value: object) -> object:
    if isinstance(value, str):
        value = " ".join(unicodedata.normalize("NFC", value).split())
        return value or None
    if isinstance(value, list):
        items = [normalise(v) for v in value]
        return [v for v in items if v] or None
    return value


@dataclass
class Report:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # format -> field -> exact matches
    totals: dict[str, int] = field(default_factory=dict)  # format -> documents
    errors: dict[str, list[str]] = field(default_factory=dict)  # format -> "id: message"
    misses: list[tuple[str, str, object, object]] = field(default_factory=list)  # (file, field, expected, got)
    seconds: dict[str, float] = field(default_factory=dict)

    def rate(self, fmt: str, name: str) -> float:
        total = self.totals.get(fmt, 0)
        return self.counts.get(fmt, {}).get(name, 0) / total if total else 0.0

    def table(self) -> str:
        formats = [f for f in FORMATS if self.totals.get(f)]
        head = ["field", *[f"{f[1:]} (n={self.totals[f]})" for f in formats], "target"]
        rows = [head]
        for name in FIELDS:
            target = TARGETS.get(name)
            cells = []
            for fmt in formats:
                rate = self.rate(fmt, name)
                flag = "" if target is None or rate >= target else " ✗"
                cells.append(f"{rate * 100:5.1f} %{flag}")
            rows.append([name, *cells, f"≥ {target * 100:.0f} %" if target else ""])
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        for fmt in formats:
            per_doc = self.seconds.get(fmt, 0.0) / max(1, self.totals[fmt]) * 1000
            lines.append(f"{fmt[1:]}: {per_doc:.1f} ms per document (read + extract)"
                         + (f"; {len(self.errors[fmt])} unreadable" if self.errors.get(fmt) else ""))
        return "\n".join(lines)


def load_labels(folder: Path) -> dict[str, dict[str, object]]:
    labels = {}
    for line in (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            labels[str(row["id"])] = row
    return labels


def evaluate(folder: Path, extract_file: Callable[[bytes, str], dict[str, object]]) -> Report:
    """``extract_file(data, name)`` returns the fields of one file (raises ``ValueError`` when unreadable)."""
    labels = load_labels(folder)
    report = Report()
    for path in sorted(folder.iterdir()):
        fmt = path.suffix.lower()
        if fmt not in FORMATS or path.stem not in labels:
            continue
        label = labels[path.stem]
        report.totals[fmt] = report.totals.get(fmt, 0) + 1
        counts = report.counts.setdefault(fmt, dict.fromkeys(FIELDS, 0))
        started = time.perf_counter()
        try:
            got = extract_file(path.read_bytes(), path.name)
        except ValueError as err:
            report.errors.setdefault(fmt, []).append(f"{path.name}: {err}")
            continue
        finally:
            report.seconds[fmt] = report.seconds.get(fmt, 0.0) + time.perf_counter() - started
        for name in FIELDS:
            expected, value = normalise(label.get(name)), normalise(got.get(name))
            if expected == value:
                counts[name] += 1
            else:
                report.misses.append((path.name, name, expected, value))
    return report
