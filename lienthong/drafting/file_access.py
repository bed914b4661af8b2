"""What the drafting app tells the signing app, which sits below it and may not read drafts: who sees a stored
file through a draft. Registered in ``DraftingConfig.ready()``."""

from __future__ import annotations

from lienthong.drafting.models import DraftFile
from lienthong.drafting.selectors import drafts_visible_to


def stored_file_in_visible_draft(*, user, stored_file_id: int) -> bool:
    """Whether ``user`` sees a draft using this file."""
    return DraftFile.objects.filter(stored_file_id=stored_file_id,
                                    draft_id__in=drafts_visible_to(user=user).values("pk")).exists()
