"""The printed signature block of a registered document (PL1 §II.7; vanthu.md §2.2), from what the record keeps:
the authority prefix, the signer's position and name, the issuing body. Pure: no database.

The drafting flow builds the block from the authority on record (``authority.selectors.signature_block``, with the
grant's titles for TL./TUQ.); a registered document keeps only its three fields, so TL./TUQ. print the prefix
before the position and a deputy's head title is read from the position ("Phó Chủ tịch" → "KT. CHỦ TỊCH")."""

from __future__ import annotations

COLLECTIVE_BODIES = ("Ủy ban nhân dân", "Uỷ ban nhân dân", "Hội đồng nhân dân")


def collective_body(issuer_name: str) -> str:
    """"Ủy ban nhân dân" for "Ủy ban nhân dân xã Vị Thắng" (a body deciding collectively signs "TM."), else ""."""
    name = " ".join((issuer_name or "").split())
    return next((body for body in COLLECTIVE_BODIES if name.startswith(body)), "")


def _head_of(position: str) -> str:
    words = position.split()
    return " ".join(words[1:]) if words and words[0].casefold() == "phó" else ""


def signature_lines(*, authority: str, position: str, name: str, issuer_name: str = "") -> list[str]:
    """["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Phan Đức Sơn"], ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
    "Nguyễn Văn A"], ["Q. GIÁM ĐỐC", "Trần Thị B"], ["GIÁM ĐỐC", "Lê Văn C"]; only the name when nothing else is
    known."""
    authority = (authority or "").strip()
    position = " ".join((position or "").split())
    body = collective_body(issuer_name) or (" ".join((issuer_name or "").split()) if authority == "TM." else "")
    lines: list[str] = []
    if authority in ("TM.", "KT.", "Q.") and body:
        lines.append(f"TM. {body.upper()}")
    if authority == "KT.":
        head = _head_of(position)
        lines.append(f"KT. {head.upper()}" if head else "KT.")
        lines.append(position.upper())
    elif authority == "Q.":
        lines.append(f"Q. {position.upper()}".strip())
    elif authority in ("TL.", "TUQ."):
        lines.append(authority)
        lines.append(position.upper())
    else:
        lines.append(position.upper())
    return [line for line in lines if line] + ([name] if name else [])
