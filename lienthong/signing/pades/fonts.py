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
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

FAMILY = "LT Stamp Serif"
_VERSION = "5"  # bump when the conversion changes: the cache file name carries it
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
    _reduce(font)
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


# What a Vietnamese stamp needs: ASCII, Latin-1, Latin Extended-A (Ă Đ Ĩ Ũ…), Ơ/Ư (Latin Extended-B), the
# Vietnamese precomposed letters (U+1EA0–U+1EF9), the tone marks, dashes, quotes, ellipsis, ₫, №. pyHanko keeps
# glyph ids when it embeds a subset, so every glyph left here costs time on every stamp.
_UNICODES = [*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x1A0, 0x1B1), *range(0x1EA0, 0x1EFA),
             0x300, 0x301, 0x303, 0x309, 0x323, *range(0x2010, 0x2027), 0x2030, 0x20AB, 0x20AC, 0x2116]


def _reduce(font) -> None:
    """Keep the glyphs a Vietnamese stamp needs and drop the OpenType layout tables: pyHanko re-subsets the
    font for every stamp and field, and 2 600 glyphs with GSUB/GPOS made that cost a third of a second.
    Text is normalised to NFC (precomposed letters), so no glyph substitution or mark positioning is
    needed."""
    from fontTools import subset

    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM", "DSIG"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False  # stamps are printed and shown at screen resolutions: outlines suffice
    options.glyph_names = True
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=_UNICODES)
    subsetter.subset(font)


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


@dataclass(frozen=True)
class FieldFont:
    """The stamp font prepared once per process for embedding whole (it is small: the Vietnamese repertoire
    without hinting) as a CID font with Identity encoding (CID = glyph id): the number and date fields are
    drawn with it without subsetting the font for every document."""

    postscript_name: str
    font_file: bytes  # the TrueType file, deflated
    font_file_length: int
    cmap: dict  # code point -> glyph id
    widths: list  # advance width per glyph id, in 1/1000 em (the font has 1000 units per em)
    to_unicode: bytes  # ToUnicode CMap, deflated
    ascent: int
    descent: int
    bbox: tuple
    italic_angle: float
    cap_height: int
    stem_v: int

    def encode(self, text: str) -> tuple[bytes, float]:
        """Hex string of the glyph ids of ``text`` and its advance width in em."""
        gids = [self.cmap.get(ord(ch), 0) for ch in text]
        return "".join(f"{gid:04X}" for gid in gids).encode(), sum(self.widths[g] for g in gids) / 1000


_field_fonts: dict[bool, FieldFont] = {}


def field_font(*, italic: bool = False) -> FieldFont:
    if italic not in _field_fonts:
        from fontTools.ttLib import TTFont

        path = stamp_font_path(italic=italic)
        with open(path, "rb") as fh:
            raw = fh.read()
        font = TTFont(path)
        order = font.getGlyphOrder()
        ids = {name: i for i, name in enumerate(order)}
        cmap = {cp: ids[name] for cp, name in font.getBestCmap().items()}
        hmtx = font["hmtx"]
        widths = [hmtx[name][0] for name in order]
        first: dict[int, int] = {}
        for cp, gid in sorted(cmap.items()):
            first.setdefault(gid, cp)
        entries = [f"<{gid:04X}> <{cp:04X}>" for gid, cp in sorted(first.items()) if cp <= 0xFFFF]
        blocks = []
        for i in range(0, len(entries), 100):
            chunk = entries[i:i + 100]
            blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
        cmap_text = ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                     "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                     "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                     "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" + "\n".join(blocks)
                     + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
        head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
        _field_fonts[italic] = FieldFont(
            postscript_name=font["name"].getDebugName(6) or "LTStampSerif",
            font_file=zlib.compress(raw, 9), font_file_length=len(raw), cmap=cmap, widths=widths,
            to_unicode=zlib.compress(cmap_text.encode("ascii"), 9), ascent=hhea.ascent, descent=hhea.descent,
            bbox=(head.xMin, head.yMin, head.xMax, head.yMax), italic_angle=float(font["post"].italicAngle),
            cap_height=getattr(os2, "sCapHeight", 700) or 700,
            stem_v=int(10 + 220 * (os2.usWeightClass - 50) / 900))
    return _field_fonts[italic]
