"""The user guide (``docs/huong-dan/``, one Markdown file per role) served inside the application at
/huong-dan/<guide>/, and the "Hướng dẫn" link of every page, opened at the section for that page.

The files are read by a small renderer of the Markdown they use (docs/decisions.md: no Markdown library is
a dependency of the application): headings with an explicit anchor (``## Xử lý văn bản đến {#xu-ly}``),
paragraphs, bulleted and numbered lists, images on a line of their own, and inline bold, code and links.
Everything else is text: the source is escaped before the few inline forms are turned into tags. A link to
another guide file (``lanh-dao.md#du-thao``) becomes the page of that guide, an image (``anh/x.png``) the
image route; the same files read well on a code forge.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

GUIDE_DIR = Path(settings.BASE_DIR) / "docs" / "huong-dan"
IMAGE_DIR = GUIDE_DIR / "anh"
INDEX = "README"
COMMON = "chung"
# The guide of each role (navigation.roles_of), in the order a person holding several is pointed to them.
ROLE_GUIDES = {"clerk": "van-thu", "leader": "lanh-dao", "specialist": "chuyen-vien",
               "council": "giam-sat-xep-hang", "overseer": "giam-sat-xep-hang", "approver": "giam-sat-xep-hang",
               "admin": "quan-tri", "agency_admin": "quan-tri", "archivist": "luu-tru", "operator": "nha-thau"}
# The guides listed beside every guide page, in this order.
ROLE_GUIDES_IN_INDEX = ("chung", "van-thu", "lanh-dao", "chuyen-vien", "luu-tru", "giam-sat-xep-hang", "quan-tri",
                        "nha-thau")
ROLE_ORDER = ("clerk", "leader", "specialist", "archivist", "admin", "agency_admin", "council", "overseer", "approver",
              "operator")
# The section of the guide for each page: by URL name, else by the URL namespace.
PAGE_ANCHORS = {
    "documents:home": "trang-chu", "documents:list": "van-ban", "documents:detail": "trang-van-ban",
    "documents:register_incoming": "dang-ky-van-ban-den", "documents:register_outgoing": "dang-ky-van-ban-di",
    "documents:registers": "so-van-ban", "delivery:sent": "van-ban-da-gui", "delivery:tracking": "van-ban-da-gui",
    "accounts:login": "dang-nhap", "accounts:sessions": "phien-dang-nhap", "accounts:lockouts": "khoa-dang-nhap",
    "accounts:lockout_lift": "khoa-dang-nhap", "documents:reports_home": "bao-cao",
    "feedback:queue": "gop-y-van-hanh", "feedback:operator_detail": "gop-y-van-hanh",
    "oversight:feedback_report": "bao-loi-thang", "oversight:feedback_letter": "bao-loi-thang",
}
NAMESPACE_ANCHORS = {
    "delivery": "tiep-nhan", "processing": "xu-ly", "drafting": "du-thao", "records": "ho-so",
    "notifications": "thong-bao", "signing": "chu-ky-so", "oversight": "giam-sat", "assessment": "xep-hang",
    "reports": "bao-cao", "publicservices": "dich-vu-cong", "commendations": "khen-thuong",
    "agencies": "danh-muc-co-quan", "copies": "ban-sao", "accounts": "phien-dang-nhap", "documents": "van-ban",
    "admin": "quan-tri-he-thong", "feedback": "gop-y", "followup": "nhiem-vu",
}
SLUG = re.compile(r"^[a-z0-9-]+$")
IMAGE_NAME = re.compile(r"^[a-z0-9-]+\.png$")


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    html: SafeString
    anchors: frozenset[str]


# --- Rendering ------------------------------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,4})\s+(.*?)(?:\s+\{#([a-z0-9-]+)\})?\s*$")
_IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+)\)\s*$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\d+\.\s+(.*)$")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")


def _href(target: str) -> str:
    """A guide file's link as the application's address; other links as written (escaped text)."""
    path, _sep, anchor = target.partition("#")
    if path.endswith(".md") and "/" not in path:
        slug = path[:-3]
        url = reverse("guide:index") if slug == INDEX else reverse("guide:page", args=[slug])
        return url + (f"#{anchor}" if anchor else "")
    if not path and anchor:
        return f"#{anchor}"
    if path.startswith(("http://", "https://", "/")):
        return target
    return "#"


def _image_src(target: str) -> str:
    name = target.removeprefix("anh/")
    return reverse("guide:image", args=[name]) if IMAGE_NAME.match(name) else ""


def _inline(text: str) -> str:
    out = html.escape(text, quote=True)
    out = _CODE.sub(r"<code>\1</code>", out)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    return _LINK.sub(lambda m: f'<a href="{html.escape(_href(html.unescape(m.group(2))))}">{m.group(1)}</a>', out)


def render(source: str) -> tuple[str, str, set[str]]:
    """(title, HTML, anchors) of a guide's Markdown."""
    parts: list[str] = []
    anchors: set[str] = set()
    title = ""
    paragraph: list[str] = []
    list_tag = ""

    def flush_paragraph():
        if paragraph:
            parts.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()

    def close_list():
        nonlocal list_tag
        if list_tag:
            parts.append(f"</{list_tag}>")
            list_tag = ""

    for raw in source.splitlines():
        line = raw.strip()
        heading, image = _HEADING.match(line), _IMAGE.match(line)
        bullet, numbered = _BULLET.match(line), _NUMBERED.match(line)
        if not line:
            flush_paragraph()
            close_list()
        elif heading:
            flush_paragraph()
            close_list()
            level, text, anchor = len(heading.group(1)), heading.group(2), heading.group(3)
            title = title or text
            attr = ""
            if anchor:
                anchors.add(anchor)
                attr = f' id="{anchor}"'
            parts.append(f"<h{level}{attr}>{_inline(text)}</h{level}>")
        elif image:
            flush_paragraph()
            close_list()
            src = _image_src(image.group(2))
            if src:
                alt = html.escape(image.group(1))
                parts.append(f'<figure class="guide-shot"><img src="{src}" alt="{alt}" loading="lazy">'
                             f"<figcaption>{alt}</figcaption></figure>")
        elif bullet or numbered:
            flush_paragraph()
            tag = "ul" if bullet else "ol"
            if list_tag != tag:
                close_list()
                parts.append(f"<{tag}>")
                list_tag = tag
            parts.append(f"<li>{_inline((bullet or numbered).group(1))}</li>")
        elif list_tag and raw.startswith(("  ", "\t")):  # a list item's continuation line
            parts[-1] = parts[-1].removesuffix("</li>") + " " + _inline(line) + "</li>"
        else:
            close_list()
            paragraph.append(line)
    flush_paragraph()
    close_list()
    return title, "\n".join(parts), anchors


@functools.cache
def _load(slug: str, mtime: float) -> Guide:
    title, body, anchors = render((GUIDE_DIR / f"{slug}.md").read_text(encoding="utf-8"))
    return Guide(slug=slug, title=title, html=mark_safe(body), anchors=frozenset(anchors))  # noqa: S308 (escaped)


def guide(slug: str) -> Guide | None:
    """The guide ``slug`` (a file name without ``.md``), or None."""
    if not SLUG.match(slug) and slug != INDEX:
        return None
    path = GUIDE_DIR / f"{slug}.md"
    if not path.is_file():
        return None
    return _load(slug, path.stat().st_mtime)


def role_guides(roles) -> list[str]:
    """The guides of ``roles``, the most specific first, then the common guide."""
    slugs = [ROLE_GUIDES[r] for r in ROLE_ORDER if r in roles]
    return list(dict.fromkeys([*slugs, COMMON]))


def anchor_for(view_name: str | None) -> str:
    if not view_name:
        return ""
    return PAGE_ANCHORS.get(view_name) or NAMESPACE_ANCHORS.get(view_name.split(":", 1)[0], "")


def url_for(request, *, roles, position=None) -> str:
    """The "Hướng dẫn" link of the page ``request`` asks for: the first of the person's guides (the chosen
    position's first) that has the page's section, opened at it; else their first guide."""
    match = getattr(request, "resolver_match", None)
    anchor = anchor_for(match.view_name if match else None)
    if position is not None:
        roles = {position.role, *roles}
    slugs = role_guides(roles)
    if position is not None and position.role in ROLE_GUIDES:
        slugs.insert(0, ROLE_GUIDES[position.role])
    for slug in dict.fromkeys(slugs):
        found = guide(slug)
        if found is not None and anchor in found.anchors:
            return reverse("guide:page", args=[slug]) + f"#{anchor}"
    return reverse("guide:page", args=[slugs[0]])
