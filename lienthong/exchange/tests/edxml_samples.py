"""Where the 20 interoperability samples are: ``../shared/interop/edxml`` beside the repository root.

In a git worktree (``.git`` is a file naming the main repository) the main checkout's parent is tried too. A
missing folder is a failure of the tests that use it, never a skip."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
RELATIVE = Path("shared") / "interop" / "edxml"


def samples_dir() -> Path:
    candidates = [ROOT.parent / RELATIVE]
    git = ROOT / ".git"
    if git.is_file():  # "gitdir: /path/main/.git/worktrees/<name>"
        gitdir = Path(git.read_text(encoding="utf-8").partition("gitdir:")[2].strip())
        if gitdir.parent.name == "worktrees":
            candidates.append(gitdir.parent.parent.parent.parent / RELATIVE)
    for candidate in candidates:
        if (candidate / "expected.jsonl").is_file():
            return candidate
    raise AssertionError(f"edXML samples not found (looked in {', '.join(map(str, candidates))})")


def expected() -> list[dict]:
    lines = (samples_dir() / "expected.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def sample(name: str) -> bytes:
    return (samples_dir() / name).read_bytes()


def sample_names() -> list[str]:
    """The sample files in expected.jsonl's order (a fixed list, so test ids do not depend on the folder)."""
    return [row["file"] for row in expected()]
