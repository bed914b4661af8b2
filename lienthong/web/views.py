"""Web pages that put the documents beside the other apps. Thin: they parse input and call selectors and
services of the apps below; their URL names stay in the ``documents`` namespace (``lienthong.urls``).

- the home page: the user's positions and the counts of their work queues (drafting, processing, delivery);
- the documents list: the filtered list (documents) or, with a query, the best matches (search);
- the document page: the record, its files and history, and the panels of the flow drawn by the template tags
  of delivery, processing, signing and copies;
- registration through the forms: an outgoing paper document (its signer's authority checked by the authority
  app) or an incoming one (entering the processing flow).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lienthong.accounts import selectors as account_selectors
from lienthong.agencies import selectors as agency_selectors
from lienthong.audit.selectors import audit_entries_for
from lienthong.authority import selectors as authority_selectors
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.core.forms import add_domain_errors
from lienthong.core.text import fold
from lienthong.documents import access, selectors, services
from lienthong.documents.forms import CancelForm, DocumentFilterForm, IncomingForm, OutgoingForm
from lienthong.processing import services as processing_services
from lienthong.search import selectors as search_selectors
from lienthong.web import guide, navigation
from lienthong.web import selectors as web_selectors

PAGE_SIZE = 25
# The queues counted on the home page (navigation.work_counts).
HOME_COUNTS = ("to_receive", "to_register", "recall", "to_submit", "to_issue", "to_approve", "to_assign",
               "overdue", "to_process", "my_drafts")
# What a registration through the forms confirms.
NUMBERED = gettext_lazy("Đã cấp số %(s)s.")
REGISTERED_INCOMING = gettext_lazy("Đã vào sổ văn bản đến, số đến %(n)s.")
# Around the search results (issue 17).
SEARCH_COUNT = gettext_lazy("%(n)s văn bản phù hợp.")
SEARCH_COUNT_MORE = gettext_lazy("Hơn %(n)s văn bản phù hợp.")
SORT_RELEVANCE = gettext_lazy("Phù hợp nhất")
SORT_DATE = gettext_lazy("Mới nhất")
SEARCH_NOT_EXACT = gettext_lazy("Không có văn bản nào khớp đúng dấu “%(q)s”; dưới đây là các văn bản khớp khi tìm "
                                "không dấu “%(folded)s”.")


@login_required
def home(request):
    """The work of the position chosen in the header (or of all the person's positions): its queues with
    their counts, the registration buttons for a văn thư, the administration for a system administrator."""
    position = navigation.current_position(request)
    roles = navigation.roles_of(user=request.user, position=position)
    at_work = bool(roles & set(navigation.PEOPLE_AT_WORK))
    counts = navigation.work_counts(user=request.user, wanted=HOME_COUNTS if at_work else ())
    request.navigation_counts = True  # the menu's counts are among these: read once, shown in the page
    return render(request, "web/home.html", {
        "positions": navigation.held_positions(user=request.user), "position": position, "roles": roles,
        "counts": counts, "at_work": at_work,
    })


@login_required
def nav_counts(request):
    """The menu's counters, fetched by every page once loaded (htmx, out-of-band swaps)."""
    return render(request, "web/_nav_counts.html", {"menu": navigation.build(request, with_counts=True)})


@login_required
def document_list(request):
    form = DocumentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    query = (filters.get("q") or "").strip()
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "query": query, "search_error": None, "hits": None, "page": None,
               "querystring": params.urlencode(), "registers": selectors.register_choices(user=request.user)}
    if query:
        context.update(_search_page(request, query, filters, params))
    if context["hits"] is None:
        qs = selectors.document_list(
            user=request.user, direction=filters.get("direction") or None, year=filters.get("year"),
            register_id=filters.get("register"), document_type_id=getattr(filters.get("document_type"), "pk", None),
            urgency=filters.get("urgency") or None, sender=filters.get("sender") or None,
            date_from=filters.get("date_from"), date_to=filters.get("date_to"),
        )
        context["page"] = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/document_list.html", context)


# The facets of the search page: (filter parameter, heading).
FACETS = (
    ("document_type", gettext_lazy("Loại văn bản")),
    ("year", gettext_lazy("Năm")),
    ("direction", gettext_lazy("Văn bản đi/đến")),
    ("issuer", gettext_lazy("Cơ quan ban hành")),
)


def _search_page(request, query: str, filters: dict, params) -> dict:
    """The search results page: one page of hits, the count, the facets (each value a link that adds
    or removes its filter), the order, and the note when diacritics were not matched exactly."""
    try:
        number = max(1, min(int(request.GET.get("page") or 1), search_selectors.MAX_LIMIT // PAGE_SIZE))
    except ValueError:
        number = 1
    start, end = (number - 1) * PAGE_SIZE, number * PAGE_SIZE
    chosen = {"document_type": getattr(filters.get("document_type"), "pk", None), "year": filters.get("year"),
              "direction": filters.get("direction") or None, "issuer": filters.get("issuer")}
    try:
        found = search_selectors.search(
            user=request.user, query=query, limit=end, snippets=(start, end), count=True, facets=True,
            sort=filters.get("sort") or search_selectors.RELEVANCE, **chosen)
    except ValidationFailed as exc:
        return {"search_error": exc.message}
    hits = found.hits[start:end]
    not_exact = ""
    # Typed with diacritics, found only after folding: say so (the hits are the unaccented search's).
    if hits and fold(query) != query.lower() and not any(h.exact for h in found.hits):
        not_exact = SEARCH_NOT_EXACT % {"q": query, "folded": fold(query)}
    facets = []
    for name, heading in FACETS:
        values = found.facets.get(name, [])
        if not values:
            continue
        links = []
        for v in values:
            selected = str(chosen[name] or "") == str(v.value)
            link = params.copy()
            if selected:
                link.pop(name, None)
            else:
                link[name] = v.value
            links.append({"label": v.label, "count": v.count, "selected": selected, "url": "?" + link.urlencode()})
        facets.append({"heading": heading, "values": links})
    count = found.count or 0
    shown = (SEARCH_COUNT_MORE if found.count_more else SEARCH_COUNT) % {"n": number_format(count, force_grouping=True)}
    pages = min(-(-count // PAGE_SIZE), search_selectors.MAX_LIMIT // PAGE_SIZE)
    sorts = []
    for value, label in ((search_selectors.RELEVANCE, SORT_RELEVANCE), (search_selectors.DATE, SORT_DATE)):
        link = params.copy()
        link["sort"] = value
        sorts.append({"label": label, "url": "?" + link.urlencode(),
                      "selected": (filters.get("sort") or search_selectors.RELEVANCE) == value})
    return {"hits": hits, "hits_shown": shown, "not_exact": not_exact, "facets": facets, "sorts": sorts,
            "search_page": {"number": number, "pages": pages, "first": start + 1,
                            "previous": number - 1 if number > 1 else None,
                            "next": number + 1 if number < pages else None}}


@login_required
def number_completions(request):
    """Options for the search box's datalist: số/ký hiệu the user may see that begin with what is typed."""
    numbers = search_selectors.number_completions(user=request.user, prefix=request.GET.get("q", "")[:80])
    return render(request, "web/number_completions.html", {"numbers": numbers})


@login_required
def agency_picker(request):
    """Options for the issuing-agency select of the registration form, narrowed to what is typed (htmx);
    the form still validates the choice against the whole directory."""
    q = request.GET.get("issuer_agency_q", "")[:120]
    agencies = agency_selectors.agency_picker(q=q)
    return render(request, "web/agency_options.html", {"agencies": agencies, "q": q,
                                                       "selected": request.GET.get("issuer_agency", "")})


@login_required
def document_detail(request, document_id: int):
    try:
        doc = access.document_for(user=request.user, document_id=document_id)
    except NotFound:
        raise Http404(_("Không tìm thấy văn bản hoặc bạn không có quyền xem.")) from None
    services.document_record_view(actor=request.user, document=doc)
    files = selectors.document_files(document=doc)
    can_register = account_selectors.user_can_register_in(user=request.user, agency_id=doc.agency_id)
    with_reads = request.GET.get("lich-su") == "tat-ca"  # views and downloads only when asked for
    return render(request, "web/document_detail.html", {
        "doc": doc, "files": files, "with_reads": with_reads,
        "history": audit_entries_for(obj_type="document", obj_id=doc.pk, with_reads=with_reads),
        "can_manage": can_register, "cancel_form": CancelForm(),
        "preview": next((f for f in files if f.stored_file.kind == "pdf" and not f.stored_file.has_active_content),
                        None),
        "relations": selectors.document_relations(user=request.user, document=doc),
    })


def _document_input(form) -> services.DocumentInput:
    cd = form.cleaned_data
    return services.DocumentInput(
        document_type=cd.get("document_type"), subject=cd.get("subject", ""), issued_on=cd.get("issued_on"),
        urgency=cd.get("urgency") or "normal", secrecy=cd.get("secrecy") or "normal",
        signer_authority=cd.get("signer_authority") or "", signer_position=cd.get("signer_position") or "",
        signer_name=cd.get("signer_name") or "", recipients_text=cd.get("recipients_text") or "",
        page_count=cd.get("page_count"), due_date=cd.get("due_date"), notes=cd.get("notes") or "",
        is_paper=bool(cd.get("is_paper")), files=cd.get("files") or [], language=cd.get("language") or "vi",
        issued_amount=cd.get("issued_amount"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def register_outgoing(request):
    return _register_document(request, outgoing=True)


@login_required
@require_http_methods(["GET", "POST"])
def register_incoming(request):
    return _register_document(request, outgoing=False)


def _register_document(request, *, outgoing: bool):
    agencies = web_selectors.clerk_agencies(user=request.user)
    if not agencies:
        messages.error(request, str(web_selectors.NOT_A_CLERK))
        return redirect("documents:list")
    form_class = OutgoingForm if outgoing else IncomingForm
    extra = {}
    if outgoing:  # the leaders who may have signed, for the signer picker
        extra["leaders"] = web_selectors.leader_positions(agencies=agencies)
    today = timezone.localdate()
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, clerk_agencies=agencies, **extra)
        if form.is_valid():
            cd = form.cleaned_data
            try:
                if outgoing:
                    doc = services.document_register_outgoing_paper(
                        actor=request.user, agency=cd["agency"], data=_document_input(form),
                        signer_id=cd.get("signer"), signed_on=cd.get("signed_on"),
                        late_issue_reason=cd.get("late_issue_reason") or "",
                        unit_abbreviation=cd.get("unit_abbreviation") or "",
                        # The signer's prefix must rest on the record on the signing date (vanthu.md §7
                        # rule 6; NĐ30 Art. 13). Passed in: authority depends on documents, not the reverse.
                        authority_check=authority_selectors.authority_basis)
                    messages.success(request, NUMBERED % {"s": doc.number_symbol})
                else:
                    # A paper document enters the same processing flow as one delivered through the system.
                    doc = processing_services.incoming_register_paper(
                        actor=request.user, agency=cd["agency"], data=_document_input(form),
                        number_symbol=cd["number_symbol"], issuer_agency=cd.get("issuer_agency"),
                        issuer_name=cd.get("issuer_name") or "", received_on=cd.get("received_on"))
                    messages.success(request, REGISTERED_INCOMING % {"n": doc.register_number})
                    for warning in doc.notation_warnings():  # registered all the same (vanthu.md §7 rule 1)
                        messages.warning(request, warning)
                return redirect("documents:detail", document_id=doc.pk)
            except ValidationFailed as exc:
                add_domain_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, exc.message)
    else:
        form = form_class(clerk_agencies=agencies, initial={"issued_on": today, "received_on": today,
                                                             "signed_on": today}, **extra)
    title = _("Đăng ký văn bản đi") if outgoing else _("Đăng ký văn bản đến")
    # A refused registration (a field, a file) answers 422 with the form and its messages.
    return render(request, "web/register_form.html", {"form": form, "title": title, "outgoing": outgoing},
                  status=422 if request.method == "POST" else 200)


# --- The user guide (issue 18): docs/huong-dan/ rendered by ``web.guide`` ---------------------------------------

def guide_index(request):
    return _guide_page(request, guide.INDEX)


def guide_page(request, slug: str):
    return _guide_page(request, slug)


def _guide_page(request, slug: str):
    found = guide.guide(slug)
    if found is None:
        raise Http404(_("Không có trang hướng dẫn này."))
    others = [g for g in (guide.guide(s) for s in guide.ROLE_GUIDES_IN_INDEX) if g is not None]
    return render(request, "web/guide.html", {"guide": found, "others": others})


def guide_image(request, name: str):
    if not guide.IMAGE_NAME.match(name) or not (guide.IMAGE_DIR / name).is_file():
        raise Http404(_("Không có hình này."))
    response = FileResponse((guide.IMAGE_DIR / name).open("rb"), content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response
