"""What every page's header shows (issue 18): the menu of the person's own work with counters, the switch
between their positions, and the "Hướng dẫn" link opened at the section of the guide for the page.

The menu is data: ``ENTRIES`` lists every entry once, in menu order, with the work (roles) it belongs to, the
page it opens for each role and the work counts added up on it. A person sees the entries of the roles they
hold (of the position chosen in the switcher, or of all their positions). Roles are the positions' roles
(văn thư, lãnh đạo, chuyên viên, quản trị cơ quan) and the parts played by an agency or a person:
``overseer`` (may open the usage dashboard: the Provincial Office, the Department of Information and
Communications, a system administrator), ``council`` (the Department, standing body of the ranking council),
``approver`` (UBND tỉnh) and ``admin`` (system administrator).

Everything is read once per request (``core.request_memo``): the positions with the ranking parts of their
agencies (one query) and, on the home page and in the small request every other page makes once loaded
(``views.nav_counts``, htmx), the counts (one query per queue, eight at most), whatever is waiting.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from lienthong.accounts import selectors as account_selectors
from lienthong.core import request_memo
from lienthong.delivery import selectors as delivery_selectors
from lienthong.drafting import selectors as draft_selectors
from lienthong.feedback import selectors as feedback_selectors
from lienthong.followup import selectors as followup_selectors
from lienthong.processing import selectors as processing_selectors
from lienthong.web import guide
from lienthong.web import selectors as web_selectors

CLERK, LEADER, SPECIALIST, AGENCY_ADMIN = "clerk", "leader", "specialist", "agency_admin"
OVERSEER, COUNCIL, APPROVER, ADMIN = "overseer", "council", "approver", "admin"
ARCHIVIST = "archivist"
OPERATOR = "operator"  # the contractor's staff answering problem reports (accounts.User.is_operator)
EVERYONE = (CLERK, LEADER, SPECIALIST, AGENCY_ADMIN, ARCHIVIST, OVERSEER, COUNCIL, APPROVER, ADMIN, OPERATOR)
PEOPLE_AT_WORK = (CLERK, LEADER, SPECIALIST)


@dataclass(frozen=True)
class Target:
    """What an entry opens and counts for one role."""

    role: str
    args: tuple = ()
    query: str = ""
    counts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    key: str
    label: object
    url_name: str
    targets: tuple[Target, ...]

    def targets_for(self, roles) -> list[Target]:
        return [t for t in self.targets if t.role in roles]


def _for(roles, **kw) -> tuple[Target, ...]:
    return tuple(Target(role=r, **kw) for r in roles)


# In menu order. A new entry (a report landing page …) is one line here.
ENTRIES: tuple[Entry, ...] = (
    Entry("receive", _("Tiếp nhận"), "delivery:inbox",
          (Target(CLERK, counts=("to_receive", "to_register", "recall")),)),
    Entry("process", _("Xử lý"), "processing:queue", (
        Target(LEADER, args=("to_assign",), counts=("to_assign", "to_process")),
        Target(CLERK, args=("to_submit",), counts=("to_submit",)),
        Target(SPECIALIST, args=("to_process",), counts=("to_process",)))),
    Entry("drafts", _("Dự thảo"), "drafting:list", (
        Target(LEADER, counts=("to_approve",)), Target(CLERK, counts=("to_issue",)), Target(SPECIALIST))),
    Entry("incoming", _("Văn bản đến"), "documents:list", _for(PEOPLE_AT_WORK, query="?direction=in")),
    Entry("outgoing", _("Văn bản đi"), "documents:list", _for(PEOPLE_AT_WORK, query="?direction=out")),
    Entry("sent", _("Văn bản đã gửi"), "delivery:sent", _for((CLERK, LEADER))),
    Entry("registers", _("Sổ văn bản"), "documents:registers", _for((CLERK,))),
    Entry("files", _("Hồ sơ"), "records:files", _for((*PEOPLE_AT_WORK, ARCHIVIST))),
    Entry("tasks", _("Nhiệm vụ"), "followup:queue", (
        *_for(PEOPLE_AT_WORK, counts=("tasks_open", "tasks_to_confirm")), Target(OVERSEER, args=(), query=""))),
    Entry("oversight", _("Giám sát sử dụng"), "oversight:dashboard", _for((OVERSEER,))),
    Entry("ranking", _("Xếp hạng CNTT"), "assessment:campaigns", _for((COUNCIL, APPROVER, OVERSEER, LEADER, ADMIN))),
    Entry("services", _("Dịch vụ công"), "publicservices:catalogue", _for((COUNCIL, OVERSEER, LEADER, ADMIN))),
    Entry("reports", _("Báo cáo"), "documents:reports_home",
          _for((CLERK, LEADER, OVERSEER, COUNCIL, APPROVER, ADMIN))),
    Entry("directory", _("Danh mục cơ quan"), "agencies:directory", _for((CLERK, AGENCY_ADMIN, ADMIN))),
    Entry("lockouts", _("Khóa đăng nhập"), "accounts:lockouts", _for((ADMIN,))),
    Entry("admin", _("Quản trị hệ thống"), "admin:index", _for((ADMIN,))),
    Entry("feedback_queue", _("Báo lỗi cần xử lý"), "feedback:queue", (Target(OPERATOR, counts=("feedback_new",)),)),
    Entry("feedback_report", _("Báo lỗi: báo cáo tháng"), "oversight:feedback_report", _for((OVERSEER,))),
    Entry("feedback_mine", _("Góp ý của tôi"), "feedback:mine", _for(EVERYONE)),
)

# Which counts each queue's selector gives, so that only the selectors a menu needs are asked.
_COUNT_SOURCES = {
    "drafting": ("to_approve", "to_issue", "my_drafts"),
    "processing": ("to_submit", "to_assign", "to_process", "overdue"),
    "delivery": ("to_receive", "to_register", "recall"),
    "feedback": ("feedback_new",),
    "followup": ("tasks_open", "tasks_to_confirm"),
}


@dataclass
class MenuItem:
    key: str
    label: object
    url: str
    count: int = 0
    counted: bool = False  # the entry shows a count (read now, or fetched after the page loads)
    current: bool = False


@dataclass
class Navigation:
    """The header of one page for one person."""

    roles: frozenset[str]
    positions: list = field(default_factory=list)
    current_position: object = None
    items: list[MenuItem] = field(default_factory=list)
    guide_url: str = ""
    counted: bool = True  # the counts are in the page (else the page fetches them: ``views.nav_counts``)

    @property
    def total(self) -> int:
        """Everything waiting, on the phone's menu button."""
        return sum(item.count for item in self.items)

    @property
    def searches(self) -> bool:
        """The search box is for people who see documents (a system administrator sees none)."""
        return bool(self.roles & set(PEOPLE_AT_WORK))

    @property
    def switchable(self) -> bool:
        return len(self.positions) > 1


def held_positions(*, user) -> list:
    """The user's positions with their agencies and units (``accounts``' read, shared with the permission
    rules: one read a request)."""
    return account_selectors.held_positions(user=user)


def _kinds(user, positions) -> set[tuple[str, str]]:
    ids = tuple(sorted({p.agency_id for p in held_positions(user=user)}))
    by_agency = request_memo.remember(("authority_kinds", ids),
                                      lambda: web_selectors.authority_kinds_by_agency(agency_ids=ids))
    return {(p.role, kind) for p in positions for kind in by_agency.get(p.agency_id, ())}


def current_position(request):
    """The position chosen in the switcher (the session's), if the person still holds it; else None."""
    chosen = request.session.get(account_selectors.CURRENT_POSITION_SESSION_KEY)
    return next((p for p in held_positions(user=request.user) if p.pk == chosen), None)


def roles_of(*, user, position=None) -> frozenset[str]:
    """The roles whose work ``user`` sees: those of ``position`` if one is chosen, else of all their
    positions; with the ranking parts of the agencies concerned and the system administrator's."""
    positions = [position] if position is not None else held_positions(user=user)
    roles = {p.role for p in positions}
    parts = _kinds(user, positions)  # (role, part of the position's agency)
    if any(kind == "council" for _role, kind in parts):
        roles |= {COUNCIL, OVERSEER}
    if any(kind == "office" for _role, kind in parts):
        roles.add(OVERSEER)
    if (LEADER, "approver") in parts:
        roles.add(APPROVER)
    if user.is_system_admin:
        roles |= {ADMIN, OVERSEER}
    if getattr(user, "is_operator", False):
        roles.add(OPERATOR)
    return frozenset(roles)


def _task_counts(*, user) -> dict[str, int]:
    counts = followup_selectors.menu_counts(user=user)
    return {"tasks_open": counts["open"], "tasks_to_confirm": counts["to_confirm"]}


def work_counts(*, user, wanted) -> dict[str, int]:
    """The counts of the person's queues named in ``wanted`` (the menu's and the home page's), computed in
    SQL by the apps' selectors, each app's once per request."""
    counts: dict[str, int] = {}
    wanted = set(wanted)
    readers = {"drafting": draft_selectors.queue_counts, "processing": processing_selectors.queue_counts,
               "delivery": delivery_selectors.inbox_counts, "followup": _task_counts,
               "feedback": lambda user: {"feedback_new": feedback_selectors.operator_open_count(user=user)}}
    for source, keys in _COUNT_SOURCES.items():
        if wanted & set(keys):
            counts.update(request_memo.remember(("work_counts", source, user.pk),
                                                lambda read=readers[source]: read(user=user)))
    return counts


def _is_current(request, url: str, query: str) -> bool:
    path = url.split("?", 1)[0]
    if query:
        return request.path == path and request.GET.get("direction") == query.rsplit("=", 1)[-1]
    if path == "/":
        return request.path == "/"
    return request.path.startswith(path) and not (path == "/van-ban/" and request.GET.get("direction"))


def build(request, *, with_counts: bool | None = None) -> Navigation:
    """The header of ``request``'s page. The counts are read when ``with_counts`` (the home page, which reads
    them anyway, sets ``request.navigation_counts``); other pages fetch them after loading (``nav_counts``), so
    that a page's own queries do not grow by the menu's."""
    if with_counts is None:
        with_counts = getattr(request, "navigation_counts", False)
    user = request.user
    position = current_position(request)
    roles = roles_of(user=user, position=position)
    chosen = [(entry, entry.targets_for(roles)) for entry in ENTRIES]
    chosen = [(entry, targets) for entry, targets in chosen if targets]
    wanted = {key for _entry, targets in chosen for t in targets for key in t.counts}
    counts = work_counts(user=user, wanted=wanted) if wanted and with_counts else {}
    items = []
    for entry, targets in chosen:
        first = targets[0]
        try:
            url = reverse(entry.url_name, args=first.args) + first.query
        except NoReverseMatch:  # an entry for a page this installation does not serve
            continue
        keys = dict.fromkeys(key for t in targets for key in t.counts)
        items.append(MenuItem(key=entry.key, label=entry.label, url=url, count=sum(counts.get(k, 0) for k in keys),
                              counted=bool(keys), current=_is_current(request, url, first.query)))
    return Navigation(roles=roles, positions=held_positions(user=user), current_position=position, items=items,
                      guide_url=guide.url_for(request, roles=roles, position=position),
                      counted=with_counts or not wanted)


def navigation(request):
    """Context processor: ``nav``, built when a page first reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"guide_url": SimpleLazyObject(lambda: guide.url_for(request, roles=frozenset(), position=None))}
    nav = SimpleLazyObject(lambda: request_memo.remember(("navigation", id(request)), lambda: build(request)))
    return {"nav": nav, "guide_url": SimpleLazyObject(lambda: nav.guide_url)}
