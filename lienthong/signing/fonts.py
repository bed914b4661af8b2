"""The font of the signature stamps and of the number/date fields: Liberation Serif (metric-compatible with
Times New Roman, the font Decree 30 prescribes), rescaled to 1000 units per em.

Why rescaled: pyHanko 0.38 writes the ``/W`` glyph widths of an embedded CID font in raw font units instead
of 1/1000 em, so a 2048-units-per-em TrueType font (Liberation, DejaVu, Times New Roman) comes out letter-
spaced about twice too wide and clipped. A copy rescaled to 1000 units per em with fontTools renders right.
The copy is a modified version of a SIL Open Font License font, so it carries another family name
("LT Stamp Serif"; the reserved name "Liberation" is not used) and the OFL licence text stays with the
original package. It is built once per process into ``settings.SIGNING_CACHE_DIR``.
"""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

from django.conf import settings

FAMILY = "LT Stamp Serif"
_VERSION = "2"  # bump when the conversion changes: the cache file name carries it
_lock = threading.Lock()
_paths: dict[str, str] = {}


def _source(style: str) -> str:
    pattern = "Liberation Serif:italic" if style == "italic" else "Liberation Serif:regular"
    try:
        path = subprocess.run(["fc-match", "-f", "%{file}", pattern], check=True, capture_output=True,
                              text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        path = ""
    if not path or "liberation" not in path.lower():
        base = "/usr/share/fonts/truetype/liberation2/LiberationSerif-"
        path = base + ("Italic.ttf" if style == "italic" else "Regular.ttf")
    if not os.path.exists(path):
        raise RuntimeError("Liberation Serif is missing: install the Debian package fonts-liberation2.")
    return path


def _build(source: str, target: Path, style: str) -> None:
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    font = TTFont(source)
    for table in ("FFTM", "DSIG"):  # FontForge timestamp, signature: meaningless in a modified copy
        if table in font:
            del font[table]
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    subfamily = "Italic" if style == "italic" else "Regular"
    full = f"{FAMILY} {subfamily}" if style == "italic" else FAMILY
    postscript = FAMILY.replace(" ", "") + "-" + subfamily
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 4, 6, 16, 17, 18, 21, 22):
            names.removeNames(nameID=record.nameID)
    for name_id, value in ((1, FAMILY), (2, subfamily), (4, full), (6, postscript), (3, f"{postscript};{_VERSION}")):
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    font.save(str(tmp))
    os.replace(tmp, target)


def stamp_font_path(*, italic: bool = False) -> str:
    """Path of the rescaled (1000 units/em) Liberation Serif, regular or italic; built on first use."""
    style = "italic" if italic else "regular"
    if style in _paths and os.path.exists(_paths[style]):
        return _paths[style]
    with _lock:
        if style in _paths and os.path.exists(_paths[style]):
            return _paths[style]
        source = _source(style)
        cache_dir = Path(settings.SIGNING_CACHE_DIR)
        cache_dir.mkdir(parents=True, exist_ok=True)
        stat = os.stat(source)
        target = cache_dir / f"lt-stamp-serif-{style}-v{_VERSION}-{stat.st_size}-{int(stat.st_mtime)}.ttf"
        if not target.exists():
            _build(source, target, style)
        _paths[style] = str(target)
        return _paths[style]
