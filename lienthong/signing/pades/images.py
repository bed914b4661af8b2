"""Images a visible signature shows: checking an uploaded one, and drawing the demo's.

Decree 30 Appendix I: the signer's visible signature is the image of their handwritten signature
(blue), the agency's is the image of its seal (red) at its real size, both on a transparent background
so the text beneath stays readable. Pillow is imported inside the functions.
"""

from __future__ import annotations

import io
import math
import subprocess
from functools import cache

from django.utils.translation import gettext_lazy

from lienthong.core.errors import ValidationFailed

MAX_BYTES = 1024 * 1024
MAX_SIDE = 4000
MIN_SIDE = 40
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DPI = 300

# Refusals users see (the tests use these constants rather than copies of the text).
TOO_LARGE = gettext_lazy("Ảnh quá lớn (tối đa 1 MB).")
NOT_PNG = gettext_lazy("Ảnh phải là tệp PNG.")
SIZE_OUT_OF_RANGE = gettext_lazy("Kích thước ảnh không phù hợp (mỗi cạnh từ %(lo)s đến %(hi)s điểm ảnh).")
NO_ALPHA = gettext_lazy("Ảnh phải có nền trong suốt (PNG có kênh alpha).")
UNREADABLE = gettext_lazy("Không đọc được ảnh PNG.")
NO_TRANSPARENT_PIXEL = gettext_lazy("Ảnh phải có nền trong suốt: không có điểm ảnh nào trong suốt.")


def _bad(message) -> ValidationFailed:
    return ValidationFailed({"image": [message]})


def check_png_with_alpha(data: bytes) -> None:
    """Accept only a PNG of at most 1 MB, of sensible dimensions, with a transparent background (an
    alpha channel or a transparent palette entry, and at least some fully transparent pixels)."""
    from PIL import Image

    data = bytes(data or b"")
    if len(data) > MAX_BYTES:
        raise _bad(str(TOO_LARGE))
    if not data.startswith(PNG_SIGNATURE):
        raise _bad(str(NOT_PNG))
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size  # from the header: a 1 MB PNG can inflate to gigabytes, so check first
            if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
                raise _bad(SIZE_OUT_OF_RANGE % {"lo": MIN_SIDE, "hi": MAX_SIDE})
            image.load()
            if image.mode not in ("RGBA", "LA", "PA") and "transparency" not in image.info:
                raise _bad(str(NO_ALPHA))
            alpha = image.convert("RGBA").getchannel("A")
    except ValidationFailed:
        raise
    except Exception as exc:  # noqa: BLE001 — Pillow raises many kinds of errors on a broken file
        raise _bad(str(UNREADABLE)) from exc
    low, _high = alpha.getextrema()
    if low > 0:
        raise _bad(str(NO_TRANSPARENT_PIXEL))


# --- demo images ----------------------------------------------------------------------------------

@cache
def _font_file(pattern: str) -> str:
    return subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True,
                          check=True).stdout.strip()


@cache
def _font(pattern: str, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(_font_file(pattern), size)


def _png(image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()


def signature_image(name: str) -> bytes:
    """A blue handwriting-like signature of ``name`` (the last two words of it, in an italic face, with
    a flourish underneath) on a transparent background, 40 mm × 15 mm at 300 dpi."""
    from PIL import Image, ImageDraw

    width, height = round(40 / 25.4 * DPI), round(15 / 25.4 * DPI)
    blue = (16, 42, 160, 255)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    words = name.split()
    text = " ".join(words[-2:]) if len(words) > 1 else name
    size = 80
    font = _font("Liberation Serif:italic", size)
    while draw.textlength(text, font=font) > width * 0.86 and size > 20:
        size -= 4
        font = _font("Liberation Serif:italic", size)
    text_width = draw.textlength(text, font=font)
    x, y = (width - text_width) / 2, height * 0.12
    draw.text((x, y), text, font=font, fill=blue)
    # the flourish: a long stroke under the name, rising at the end
    base = y + size * 1.15
    points = [(x - 10 + t * (text_width + 40) / 40,
               base + 8 * math.sin(t / 40 * math.pi * 1.5) - (t > 34) * (t - 34) * 3) for t in range(41)]
    draw.line(points, fill=blue, width=5, joint="curve")
    return _png(image)


def seal_image(agency_name: str, *, diameter_mm: float = 36) -> bytes:
    """A red round seal: two circles, ``agency_name`` in capitals around the ring, a star in the centre,
    transparent background, ``diameter_mm`` wide at 300 dpi."""
    from PIL import Image, ImageDraw

    scale = 2  # draw large and downsample: smooth edges
    size = round(diameter_mm / 25.4 * DPI) * scale
    red = (218, 30, 40, 255)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    c = size / 2
    outer, inner = c - 6 * scale, c * 0.64
    draw.ellipse((c - outer, c - outer, c + outer, c + outer), outline=red, width=9 * scale)
    draw.ellipse((c - inner, c - inner, c + inner, c + inner), outline=red, width=4 * scale)
    # the star
    r_out, r_in = inner * 0.55, inner * 0.22
    star = [(c + (r_out if i % 2 == 0 else r_in) * math.sin(i * math.pi / 5),
             c - (r_out if i % 2 == 0 else r_in) * math.cos(i * math.pi / 5)) for i in range(10)]
    draw.polygon(star, fill=red)
    # the name around the ring, letter by letter, clockwise from the left
    text = agency_name.upper()
    ring = (outer + inner) / 2
    font_size = int((outer - inner) * 0.62)
    font = _font("Liberation Sans:bold", font_size)
    span = 2 * math.pi * 0.80  # leave a gap at the bottom
    length = _ring_length(draw, text, font)
    if length > span * ring:  # text length grows with the font size: one rescale, then a check
        font_size = max(10, int(font_size * span * ring / length))
        font = _font("Liberation Sans:bold", font_size)
        while font_size > 10 and _ring_length(draw, text, font) > span * ring:
            font_size -= 1
            font = _font("Liberation Sans:bold", font_size)
    length = _ring_length(draw, text, font)
    angle = -length / ring / 2  # centred on the top
    for char in text:
        advance = draw.textlength(char, font=font) + font_size * 0.08
        mid = angle + advance / ring / 2
        glyph = Image.new("RGBA", (font_size * 2, font_size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((font_size, font_size), char, font=font, fill=red, anchor="mm")
        glyph = glyph.rotate(-math.degrees(mid), resample=Image.BILINEAR)
        gx, gy = c + ring * math.sin(mid), c - ring * math.cos(mid)
        image.alpha_composite(glyph, (round(gx - font_size), round(gy - font_size)))
        angle += advance / ring
    image = image.resize((size // scale, size // scale), Image.LANCZOS)
    return _png(image)


def _ring_length(draw, text: str, font) -> float:
    return sum(draw.textlength(ch, font=font) + font.size * 0.08 for ch in text)
