"""The demo shows a TUQ. grant used, and refused once it has ended (vanthu.md §7 rule 6; NĐ30 Art. 13)."""

from __future__ import annotations

import pytest

from lienthong.accounts.models import User
from lienthong.authority.models import SigningGrant
from lienthong.documents.models import Direction, Document
from lienthong.drafting.models import Draft, DraftState
from lienthong.notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.slow_once]


def test_demo_tuq_report_issued_and_the_ended_grant_refused():
    """vanthu.md §7 rule 6; NĐ30 Art. 13: TUQ. from a written, time-limited grant; refused after its end."""
    issued = Document.objects.get(direction=Direction.OUTGOING,
                                  subject__startswith="Báo cáo kết quả cải cách hành chính")
    grant = SigningGrant.objects.first()
    assert (issued.signer_authority, issued.agency.short_name) == ("TUQ.", grant.agency.short_name)
    waiting = Draft.objects.get(subject__startswith="Báo cáo tình hình thực hiện dự toán")
    assert waiting.state == DraftState.SIGNING and waiting.document_id is None
    ended = SigningGrant.objects.get(grantee__username="truongphong.tckh.vithuy")
    told = set(Notification.objects.filter(dedupe_key=f"grant-end:{ended.pk}").values_list("user__username", flat=True))
    assert told == {"truongphong.tckh.vithuy", "vanthu.vithuy"}
    assert User.objects.get(username="truongphong.tckh.vithuy").pk == waiting.signer_id
