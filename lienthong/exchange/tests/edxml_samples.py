"""The 20 interoperability samples of ``../shared/interop/edxml`` (real packages of other producers, with the
values a parser must extract), kept byte for byte in ``samples/`` beside this module so that the tests run in any
checkout; ``samples/README.md`` gives each file's public source and what was changed (``.gitattributes`` keeps
their CRLF and BOM)."""

from __future__ import annotations

import json
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent / "samples"


def samples_dir() -> Path:
    return SAMPLES


def expected() -> list[dict]:
    lines = (samples_dir() / "expected.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def sample(name: str) -> bytes:
    return (samples_dir() / name).read_bytes()


def sample_names() -> list[str]:
    """The sample files in expected.jsonl's order (a fixed list, so test ids do not depend on the folder)."""
    return [row["file"] for row in expected()]
