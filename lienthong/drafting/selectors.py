"""Reads about drafts. ``drafts_visible_to`` is the rule: a draft is seen by its drafter, the people
named in its chain (unit head, signer), anyone who has acted on it, and the văn thư of its agency
(who checks the format and issues it). Nobody else, not even other leaders of the agency."""

from __future__ import annotations

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from lienthong.accounts import selectors as account_selectors
from lienthong.core.errors import NotFound
from lienthong.drafting.models import Draft, DraftComment, DraftFile, DraftRecipient, DraftState, DraftStep

S = DraftState
# The văn thư's queue; "signing" is there because a paper signature's scan is attached by the văn thư.
CLERK_QUEUE_STATES = (S.FORMAT_CHECK, S.SIGNING, S.TO_NUMBER, S.TO_SEAL, S.TO_ISSUE)


def drafts_visible_to(*, user) -> QuerySet[Draft]:
    if not user.is_authenticated:
        return Draft.objects.none()
    clerk_ids = account_selectors.position_agencies(user=user).clerk_ids
    acted = Exists(DraftStep.objects.filter(draft_id=OuterRef("pk"), actor_id=user.pk))
    rule = Q(created_by=user) | Q(reviewer=user) | Q(signer=user) | Q(acted)
    if clerk_ids:
        rule |= Q(agency_id__in=sorted(clerk_ids))
    return Draft.objects.filter(rule)


def draft_get(*, user, draft_id: int) -> Draft:
    draft = (drafts_visible_to(user=user).filter(pk=draft_id)
             .select_related("agency", "unit", "document_type", "reviewer", "signer", "created_by", "document",
                             "related_document").first())
    if draft is None:
        raise NotFound()
    return draft


def draft_detail(*, draft: Draft) -> dict:
    """Files (newest version first), comments, steps and recipients of one draft (four queries)."""
    return {
        "files": list(DraftFile.objects.filter(draft=draft).select_related("uploaded_by", "stored_file")),
        "comments": list(DraftComment.objects.filter(draft=draft).select_related("author")),
        "steps": list(DraftStep.objects.filter(draft=draft).select_related("actor")),
        "recipients": list(DraftRecipient.objects.filter(draft=draft).select_related("agency")),
    }


def _list(qs: QuerySet[Draft]) -> QuerySet[Draft]:
    return qs.select_related("document_type", "created_by", "signer", "agency").order_by(
        "-state_changed_at", "-id")


def my_drafts(*, user, open_only: bool = True) -> QuerySet[Draft]:
    qs = Draft.objects.filter(created_by=user)
    if open_only:
        qs = qs.exclude(state__in=[S.ISSUED, S.ABANDONED])
    return _list(qs)


def to_approve(*, user) -> QuerySet[Draft]:
    """A leader's queue: drafts waiting for the user's content check, approval or signature."""
    return _list(Draft.objects.filter(
        Q(state=S.CONTENT_REVIEW, reviewer=user) | Q(state__in=[S.APPROVAL, S.SIGNING], signer=user)))


def to_issue(*, user) -> QuerySet[Draft]:
    """A văn thư's queue: format check, numbering, seal and issue, urgent first."""
    clerk_ids = account_selectors.position_agencies(user=user).clerk_ids
    if not clerk_ids:
        return Draft.objects.none()
    return _list(Draft.objects.filter(agency_id__in=sorted(clerk_ids), state__in=CLERK_QUEUE_STATES)).annotate(
        normal=Case(When(urgency="normal", then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("normal", "-state_changed_at", "-id")


def queue_counts(*, user) -> dict[str, int]:
    return {"to_approve": to_approve(user=user).count(), "to_issue": to_issue(user=user).count(),
            "my_drafts": my_drafts(user=user).count()}




# The steps of each state, named as the services are (draft_<step>).
STEPS_BY_STATE = {
    S.DRAFTING: ["update", "add_files", "submit", "abandon"],
    S.CONTENT_REVIEW: ["add_files", "check_content", "return"],
    S.FORMAT_CHECK: ["add_files", "check_format", "return"],
    S.APPROVAL: ["add_files", "approve", "return"],
    S.SIGNING: ["add_files", "sign", "return"],
    S.TO_NUMBER: ["number"],
    S.TO_SEAL: ["seal"],
    S.TO_ISSUE: ["issue"],
}


def available_steps(*, user, draft: Draft) -> list[str]:
    """The steps ``user`` may take on ``draft`` now, by the rules the services enforce (the web page
    and the API both show exactly these). A văn thư may attach the scan of a paper signature."""
    from lienthong.drafting.services import CLOSED_STATES, is_clerk_of, may_act

    if draft.state in CLOSED_STATES:
        return []
    steps = []
    if may_act(user, draft):
        steps = list(STEPS_BY_STATE.get(draft.state, []))
    elif draft.state == S.SIGNING and is_clerk_of(user, draft.agency_id):
        steps = ["sign"]
    return ["comment", *steps]
