"""Reads about drafts. ``drafts_visible_to`` is the rule: a draft is seen by its drafter, the people
named in its chain (unit head, signer), anyone who has acted on it, and the văn thư of its agency
(who checks the format and issues it). Nobody else, not even other leaders of the agency.

Whose turn it is (``may_act``) is a read too: the services enforce it and the pages and the API show
exactly the steps it allows (``available_steps``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts import selectors as account_selectors
from lienthong.accounts.models import Role
from lienthong.agencies.models import Agency, Unit
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.delivery import selectors as delivery_selectors
from lienthong.documents.models import Direction, DocumentStatus, Register
from lienthong.documents.selectors import documents_visible_to, registers_visible_to
from lienthong.drafting.models import Draft, DraftComment, DraftFile, DraftRecipient, DraftState, DraftStep

S = DraftState
# The văn thư's queue; "signing" is there because a paper signature's scan is attached by the văn thư.
CLERK_QUEUE_STATES = (S.FORMAT_CHECK, S.SIGNING, S.TO_NUMBER, S.TO_SEAL, S.TO_ISSUE)
# Who acts at each state (and so who may return the draft from it).
CLERK_STATES = (S.FORMAT_CHECK, S.TO_NUMBER, S.TO_SEAL, S.TO_ISSUE)
SIGNER_STATES = (S.APPROVAL, S.SIGNING)
CLOSED_STATES = (S.ISSUED, S.ABANDONED)
RELATED_CHOICES = 60  # the latest documents offered as the draft's related document


# --- Whose turn it is -----------------------------------------------------------------------------------

def is_clerk_of(actor, agency_id: int) -> bool:
    return agency_id in account_selectors.position_agencies(user=actor).clerk_ids


def may_act(actor, draft: Draft) -> bool:
    """Whether it is ``actor``'s turn on ``draft``: the drafter while drafting, the unit head for the content
    check, the signer for approval and signature, a văn thư of the agency for the format check, numbering,
    sealing and issue."""
    if draft.state == S.DRAFTING:
        return actor.pk == draft.created_by_id
    if draft.state == S.CONTENT_REVIEW:
        return actor.pk == draft.reviewer_id
    if draft.state in SIGNER_STATES:
        return actor.pk == draft.signer_id
    if draft.state in CLERK_STATES:
        return is_clerk_of(actor, draft.agency_id)
    return False


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


def waiting_for(*, user) -> QuerySet[Draft]:
    """"Chờ tôi xử lý": what waits for the user's check, approval or signature, the văn thư's work,
    and the user's own drafts still being written (or returned). Urgent first."""
    wanted = (Q(pk__in=to_approve(user=user).values("pk"))
              | Q(pk__in=to_issue(user=user).values("pk"))
              | Q(pk__in=my_drafts(user=user).filter(state=S.DRAFTING).values("pk")))
    return (Draft.objects.filter(wanted).select_related("document_type", "created_by", "signer", "agency")
            .annotate(normal=Case(When(urgency="normal", then=Value(1)), default=Value(0),
                                  output_field=IntegerField()))
            .order_by("normal", "-state_changed_at", "-id"))


def draft_file_get(*, draft: Draft, file_id: int) -> DraftFile:
    """A file of a draft already fetched through ``draft_get``; ``NotFound`` otherwise."""
    df = DraftFile.objects.filter(draft=draft, pk=file_id).select_related("stored_file").first()
    if df is None:
        raise NotFound()
    return df


def draft_recipient_ids(*, draft: Draft) -> list[int]:
    return list(draft.recipients.values_list("agency_id", flat=True))


# --- What the draft form and the steps' forms offer ------------------------------------------------------

@dataclass
class DraftFormOptions:
    """What the draft form offers this user: computed from selectors, a fixed number of queries."""

    agencies: list = field(default_factory=list)
    leaders: list = field(default_factory=list)
    units: list = field(default_factory=list)
    lists: list = field(default_factory=list)
    related: list = field(default_factory=list)
    positions: list = field(default_factory=list)

    def form_kwargs(self) -> dict:
        return {"agencies": self.agencies, "leaders": self.leaders, "units": self.units, "lists": self.lists,
                "related": self.related}


def draft_form_options(*, user, related_id: int | None = None, draft: Draft | None = None) -> DraftFormOptions:
    """The agencies the user drafts for (an existing draft stays in its agency), their leaders, units and
    recipient lists, and the documents the draft may relate to (the latest, plus ``related_id`` and the
    draft's own)."""
    positions = list(account_selectors.active_positions(user=user).select_related("agency", "unit"))
    if draft is not None:  # an existing draft stays in its agency
        agencies = [draft.agency]
    else:
        agencies = list({p.agency_id: p.agency for p in positions}.values())
    opts = DraftFormOptions(agencies=agencies, positions=positions)
    for agency in agencies:
        opts.leaders += list(account_selectors.agency_people(agency_id=agency.pk, roles=[Role.LEADER])
                             .select_related("agency"))
        opts.lists += [rl for rl in delivery_selectors.recipient_lists_for(agency_id=agency.pk)
                       if rl.pk not in {x.pk for x in opts.lists}]
    ids = [a.pk for a in agencies]
    opts.units = list(Unit.objects.filter(agency_id__in=ids, is_active=True).order_by("agency_id", "order", "name"))
    visible = (documents_visible_to(user=user).filter(agency_id__in=ids)
               .exclude(status=DocumentStatus.WITHDRAWN).select_related("document_type"))
    opts.related = list(visible.order_by("-created_at", "-id")[:RELATED_CHOICES])
    extra = [i for i in (related_id, getattr(draft, "related_document_id", None)) if i]
    missing = [i for i in extra if i not in {d.pk for d in opts.related}]
    if missing:
        opts.related += list(visible.filter(pk__in=missing))
    return opts


def drafting_agency(*, user, agency_id: int | None) -> Agency:
    """The issuing agency of a new draft: the one named, or the user's only agency."""
    held = account_selectors.position_agencies(user=user).all_ids
    if agency_id is None:
        if not held:
            raise PermissionDenied(_("Bạn chỉ soạn thảo được văn bản của cơ quan mình."))
        if len(held) > 1:
            raise ValidationFailed({"agency_id": [_("Bạn công tác ở nhiều cơ quan; cần chọn cơ quan ban hành.")]})
        agency_id = next(iter(held))
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        raise ValidationFailed({"agency_id": [_("Không có cơ quan mã số %(id)s.") % {"id": agency_id}]})
    return agency


def numbering_registers(*, user, draft: Draft) -> list[Register]:
    """The registers a văn thư may number the draft in: this year's active outgoing registers of its agency."""
    return list(registers_visible_to(user=user).filter(
        agency_id=draft.agency_id, direction=Direction.OUTGOING, year=timezone.localdate().year,
        is_active=True).order_by("is_secret", "code"))


# The steps of each state, named as the services are (draft_<step>). Keyed by the state's value, as
# ``Draft.state`` holds it.
STEPS_BY_STATE: dict[str, list[str]] = {
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
    if draft.state in CLOSED_STATES:
        return []
    steps = []
    if may_act(user, draft):
        steps = list(STEPS_BY_STATE.get(draft.state, []))
    elif draft.state == S.SIGNING and is_clerk_of(user, draft.agency_id):
        steps = ["sign"]
    return ["comment", *steps]
