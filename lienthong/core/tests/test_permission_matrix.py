"""The permission matrix (issue 3 §8): every URL and every API route, as every role of two agencies.

Who may see what:

- a draft: its drafter, the people named in its chain (unit head reviewer, signer), whoever acted on
  it, and the văn thư of its agency (who checks the format and issues it); nobody else;
- an incoming document: the receiving agency's văn thư and agency-wide leaders, and the people or
  units it was assigned to; a secret one only the people named personally;
- a delivery not yet registered: the văn thư of the receiving agency only;
- a leader of a parent agency sees nothing of a child agency by that fact (UBND tỉnh → Văn phòng,
  UBND huyện → UBND xã); a system administrator sees no documents; anonymous callers are sent to
  the login page (401 on the API).

The scenario is built once per module through the real services; every request runs inside a
savepoint that is rolled back, so an allowed POST really runs (and must change something) while a
refused one must leave every flow table exactly as it was. The routes are enumerated from the URL
resolver and from the OpenAPI schema: a route that is not in the tables below fails the coverage
tests, so a new page cannot slip in unchecked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone

from lienthong.accounts.models import ApiToken, Role
from lienthong.accounts.services import api_token_issue, user_create
from lienthong.core.tests import matrix_feedback, matrix_followup, matrix_handover, matrix_ranking, matrix_records
from lienthong.delivery import services as delivery_services
from lienthong.delivery.models import Delivery, RecipientList
from lienthong.documents.models import DocumentFile, Register
from lienthong.documents.services import document_register_incoming, document_register_outgoing
from lienthong.drafting import services as drafting
from lienthong.drafting.models import DraftFile
from lienthong.notifications.models import Notification
from lienthong.notifications.services import notify
from lienthong.processing import services as processing
from lienthong.processing.models import AssignmentRole
from lienthong.testing.builders import PASSWORD, doc_input, doc_type, make_province, pdf_upload

# Unique words in the subjects: a page that shows one to a user who may not see its document leaks it.
M_DRAFT_XA = "QQDRAFTXA"            # the commune's draft, waiting for the văn thư's format check
M_DRAFT_HUYEN = "QQDRAFTHUYEN"      # a district draft waiting for the Nội vụ head's content check
M_DRAFT_NEW = "QQDRAFTNEW"          # a district draft still being written (Tài chính), no unit reviewer
M_REPORT = "QQREPORTXA"             # the commune's issued report, registered at the district
M_SECRET = "QQSECRETIN"             # a secret paper document at the district, given to two people by name
M_OUT_HUYEN = "QQOUTHUYEN"          # an ordinary outgoing document of the district
M_SECRET_OUT = "QQSECRETOUT"        # a secret outgoing document of the district
M_STTTT = "QQSTTTT"                 # Sở TT&TT → district (still "arrived") and → Văn phòng (registered)
M_RECALL = "QQRECALLED"             # Sở TT&TT → district, received, then recalled by the Sở
M_LEGACY = "QQLEGACYIN"             # an incoming document registered before the flow (no handling yet)
M_LIST_XA, M_LIST_HUYEN = "QQLISTXA", "QQLISTHUYEN"  # saved recipient lists of the two agencies

USERS = ["clerk.xa", "leader.xa", "specialist.xa",
         "clerk.huyen", "leader.huyen", "specialist.huyen",
         "leader.huyen.noivu", "specialist.huyen.noivu", "specialist.huyen.taichinh",
         "clerk.vp", "leader.ubnd", "sysadmin", "anonymous"]


@dataclass
class World:
    """Everything the matrix addresses, by name: ids of the objects and the users."""

    users: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    agencies: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)
    media: object = None

    def __getitem__(self, name: str) -> int:
        return self.ids[name]


def _issue_draft(p, *, sender, drafter, subject, recipients):
    """Draft → format check → approval → paper signature → number → seal → issue."""
    u = p.users
    data = drafting.DraftInput(document_type=doc_type("bao-cao"), subject=subject, signer_id=u[f"leader.{sender}"].pk,
                               signer_position="Chủ tịch", recipient_ids=[p.agencies[r].pk for r in recipients],
                               files=[pdf_upload("du-thao.pdf", "Bao cao")])
    draft = drafting.draft_create(actor=u[drafter], agency=p.agencies[sender], data=data)
    drafting.draft_submit(actor=u[drafter], draft=draft)
    drafting.draft_check_format(actor=u[f"clerk.{sender}"], draft=draft)
    drafting.draft_approve(actor=u[f"leader.{sender}"], draft=draft)
    drafting.draft_sign(actor=u[f"leader.{sender}"], draft=draft, uploads=[pdf_upload("da-ky.pdf", "Da ky")])
    doc = drafting.draft_number(actor=u[f"clerk.{sender}"], draft=draft)
    drafting.draft_seal(actor=u[f"clerk.{sender}"], draft=draft)
    drafting.draft_issue(actor=u[f"clerk.{sender}"], draft=draft)
    return draft, doc


def _open_draft(p, *, agency, drafter, subject, signer, reviewer=None, unit=None, submit=True):
    u = p.users
    data = drafting.DraftInput(document_type=doc_type("to-trinh"), subject=subject, signer_id=u[signer].pk,
                               reviewer_id=u[reviewer].pk if reviewer else None,
                               unit_id=p.units[unit].pk if unit else None, recipient_ids=[p.agencies["ubnd"].pk],
                               files=[pdf_upload("du-thao.pdf", "Du thao")])
    draft = drafting.draft_create(actor=u[drafter], agency=p.agencies[agency], data=data)
    if submit:
        drafting.draft_submit(actor=u[drafter], draft=draft)
    return draft


def _SIGNATURE_PNG() -> bytes:
    from lienthong.signing.pades.images import signature_image

    return signature_image("Lãnh đạo xa")


def build_world() -> World:
    p = make_province()
    u, a = p.users, p.agencies
    w = World(agencies={k: v.pk for k, v in a.items()}, units={k: v.pk for k, v in p.units.items()})
    ids = w.ids
    u["sysadmin"] = user_create(username="sysadmin", password=PASSWORD, full_name="Quản trị hệ thống",
                                is_system_admin=True)
    today = timezone.localdate()
    later = today + dt.timedelta(days=30)
    A = processing.AssignmentSpec

    # Drafts: the commune's at the văn thư's format check; the district's at the unit head's content
    # check; another district draft still being written.
    ids["draft_xa"] = _open_draft(p, agency="xa", drafter="specialist.xa", subject=f"Tờ trình {M_DRAFT_XA}",
                                  signer="leader.xa").pk
    ids["draft_huyen"] = _open_draft(p, agency="huyen", drafter="specialist.huyen.noivu", unit="noivu",
                                     reviewer="leader.huyen.noivu", signer="leader.huyen",
                                     subject=f"Tờ trình {M_DRAFT_HUYEN}").pk
    ids["draft_new"] = _open_draft(p, agency="huyen", drafter="specialist.huyen.taichinh", unit="taichinh",
                                   signer="leader.huyen", subject=f"Tờ trình {M_DRAFT_NEW}", submit=False).pk

    # The commune's report, issued to the district, registered, submitted, assigned to Nội vụ and
    # handed to its specialist.
    draft, report = _issue_draft(p, sender="xa", drafter="specialist.xa", subject=f"Báo cáo liên thông {M_REPORT}",
                                 recipients=["huyen"])
    ids["draft_issued"], ids["report_xa"] = draft.pk, report.pk
    delivery = Delivery.objects.get(document=report)
    ids["delivery_huyen"] = delivery.pk
    incoming = delivery_services.delivery_register(actor=u["clerk.huyen"], delivery_id=delivery.pk)
    ids["incoming_huyen"], ids["handling_huyen"] = incoming.pk, incoming.handling.pk
    processing.handling_submit(actor=u["clerk.huyen"], handling_id=incoming.handling.pk,
                               leader_id=u["leader.huyen"].pk)
    [unit_part] = processing.handling_assign(actor=u["leader.huyen"], handling_id=incoming.handling.pk, specs=[
        A(role=AssignmentRole.LEAD, unit_id=p.units["noivu"].pk, deadline=later)])
    [person_part] = processing.assignment_delegate(actor=u["leader.huyen.noivu"], assignment_id=unit_part.pk, specs=[
        A(role=AssignmentRole.LEAD, user_id=u["specialist.huyen.noivu"].pk, deadline=later)])
    ids["asg_noivu"], ids["asg_noivu_person"] = unit_part.pk, person_part.pk

    # A secret paper document at the district, given to two people by name: the lead (a specialist
    # outside any unit) and, for information, the head of Nội vụ, whose own specialist does not see it.
    secret = processing.incoming_register_paper(
        actor=u["clerk.huyen"], agency=a["huyen"], number_symbol="12/CV-MAT", issuer_name="Công an tỉnh",
        data=doc_input("cong-van", f"Công văn liên thông {M_SECRET}", issued_on=today, secrecy="secret",
                       files=[pdf_upload("mat.pdf", "Mat")]))
    ids["secret_huyen"], ids["handling_secret"] = secret.pk, secret.handling.pk
    processing.handling_submit(actor=u["clerk.huyen"], handling_id=secret.handling.pk, leader_id=u["leader.huyen"].pk)
    lead, _info = processing.handling_assign(actor=u["leader.huyen"], handling_id=secret.handling.pk, specs=[
        A(role=AssignmentRole.LEAD, user_id=u["specialist.huyen"].pk, deadline=later),
        A(role=AssignmentRole.INFO, user_id=u["leader.huyen.noivu"].pk)])
    ids["asg_secret"] = lead.pk

    # An incoming document registered before the processing flow existed: no handling yet.
    ids["legacy_huyen"] = document_register_incoming(
        actor=u["clerk.huyen"], agency=a["huyen"], number_symbol="07/TB-SNV", issuer_name="Sở Nội vụ",
        data=doc_input("thong-bao", f"Thông báo liên thông {M_LEGACY}", issued_on=today,
                       files=[pdf_upload("cu.pdf", "Van ban cu")])).pk

    # Outgoing documents of the district registered by its văn thư: one ordinary, one secret.
    ids["out_huyen"] = document_register_outgoing(
        actor=u["clerk.huyen"], agency=a["huyen"],
        data=doc_input("thong-bao", f"Thông báo liên thông {M_OUT_HUYEN}", issued_on=today,
                       files=[pdf_upload("tb.pdf", "Thong bao")])).pk
    ids["secret_out_huyen"] = document_register_outgoing(
        actor=u["clerk.huyen"], agency=a["huyen"],
        data=doc_input("cong-van", f"Công văn liên thông {M_SECRET_OUT}", issued_on=today, secrecy="secret",
                       files=[pdf_upload("cv-mat.pdf", "Cong van mat")])).pk

    # Sở TT&TT sends one document to the district (left "arrived") and to the Văn phòng (registered
    # there, not yet submitted), and another to the district that it then recalls.
    stttt_clerk = u["clerk.stttt"]
    sent = document_register_outgoing(actor=stttt_clerk, agency=a["stttt"], data=doc_input(
        "cong-van", f"Công văn liên thông {M_STTTT}", issued_on=today, files=[pdf_upload("stttt.pdf", "So TTTT")]))
    to_huyen, to_vp = delivery_services.delivery_send(actor=stttt_clerk, document=sent,
                                                      recipient_ids=[a["huyen"].pk, a["vp"].pk])
    ids["stttt_out"], ids["delivery_arrived"], ids["delivery_vp"] = sent.pk, to_huyen.pk, to_vp.pk
    incoming_vp = delivery_services.delivery_register(actor=u["clerk.vp"], delivery_id=to_vp.pk)
    ids["incoming_vp"], ids["handling_vp"] = incoming_vp.pk, incoming_vp.handling.pk
    recalled = document_register_outgoing(actor=stttt_clerk, agency=a["stttt"], data=doc_input(
        "cong-van", f"Công văn liên thông {M_RECALL}", issued_on=today, files=[pdf_upload("thu-hoi.pdf", "Thu hoi")]))
    [to_recall] = delivery_services.delivery_send(actor=stttt_clerk, document=recalled, recipient_ids=[a["huyen"].pk])
    delivery_services.delivery_receive(actor=u["clerk.huyen"], delivery_id=to_recall.pk)
    delivery_services.delivery_recall(actor=stttt_clerk, document=recalled, reason="Ban hành nhầm")
    ids["delivery_recall"] = to_recall.pk

    # Saved recipient lists: one per agency, one shared by the administrator.
    ids["list_xa"] = delivery_services.recipient_list_save(
        actor=u["clerk.xa"], agency_id=a["xa"].pk, name=f"Danh sách {M_LIST_XA}", member_ids=[a["huyen"].pk]).pk
    ids["list_huyen"] = delivery_services.recipient_list_save(
        actor=u["clerk.huyen"], agency_id=a["huyen"].pk, name=f"Danh sách {M_LIST_HUYEN}",
        member_ids=[a["xa"].pk]).pk
    ids["list_shared"] = delivery_services.recipient_list_save(
        actor=u["sysadmin"], agency_id=None, name="Các UBND cấp dưới", member_ids=[a["huyen"].pk, a["xa"].pk]).pk

    # One file of each draft, document and delivery; registers; one notification of two people.
    for name in ("draft_xa", "draft_huyen", "draft_new", "draft_issued"):
        ids[f"{name}.file"] = DraftFile.objects.filter(draft_id=ids[name]).order_by("id").values_list(
            "pk", flat=True)[0]
    for name in ("report_xa", "incoming_huyen", "secret_huyen", "legacy_huyen", "out_huyen", "secret_out_huyen",
                 "stttt_out", "incoming_vp"):
        ids[f"{name}.file"], ids[f"{name}.stored"] = DocumentFile.objects.filter(
            document_id=ids[name]).order_by("id").values_list("pk", "stored_file_id")[0]
    for name in ("delivery_huyen", "delivery_arrived", "delivery_vp", "delivery_recall"):
        document_id = Delivery.objects.filter(pk=ids[name]).values_list("document_id", flat=True)[0]
        ids[f"{name}.file"] = DocumentFile.objects.filter(document_id=document_id).values_list("pk", flat=True)[0]
    for name, doc_name in (("register_xa_out", "report_xa"), ("register_huyen_in", "incoming_huyen"),
                           ("register_huyen_secret_in", "secret_huyen"), ("register_huyen_out", "out_huyen"),
                           ("register_vp_in", "incoming_vp")):
        ids[name] = Register.objects.filter(documents__pk=ids[doc_name]).values_list("pk", flat=True)[0]
    for username in ("clerk.huyen", "specialist.huyen.noivu"):
        notify(user_ids=[u[username].pk], kind="incoming", title=f"Thông báo riêng của {username}",
               url=f"/van-ban/{ids['incoming_huyen']}/", email=False)
        ids[f"notification.{username}"] = Notification.objects.filter(user=u[username]).order_by(
            "-id").values_list("pk", flat=True)[0]

    # Digital signatures: a personal credential of the commune's leader, the commune's agency credential,
    # a trusted test root.
    from lienthong.signing import credentials, pki

    root = pki.make_root(reuse_key=True)
    ids["trusted_root"] = credentials.trusted_certificate_add(actor=u["sysadmin"], data=root.der).pk
    for key, owner in (("cred_leader_xa", dict(owner_user=u["leader.xa"])), ("cred_xa", dict(owner_agency=a["xa"]))):
        name = u["leader.xa"].full_name if key == "cred_leader_xa" else a["xa"].name
        issued = pki.make_end_entity(root, name, organisation=a["xa"].name, reuse_key=True)
        actor = u["leader.xa"] if key == "cred_leader_xa" else u["clerk.xa"]
        ids[key] = credentials.credential_register_certificate(
            actor=actor, certificate=issued.der, custody_mode="remote", image_png=_SIGNATURE_PNG(), **owner).pk

    # An electronic copy (sao y) of the district's ordinary outgoing document, signed with the district's
    # agency credential kept on the server (PKCS#12).
    from lienthong.copies import services as copy_services
    from lienthong.copies.tests.helpers import PIN as COPY_PIN
    from lienthong.copies.tests.helpers import agency_credential

    agency_credential(p, "huyen")
    ids["copy_huyen"] = copy_services.copy_create(
        actor=u["clerk.huyen"], original_id=ids["out_huyen"], form="SY", signer_id=u["leader.huyen"].pk,
        recipients_text="- Lưu: VT.", pin=COPY_PIN).pk

    # The Provincial Office oversees how the agencies use the system (usage dashboard).
    from lienthong.assessment.models import AssessmentAuthority, AuthorityKind

    AssessmentAuthority.objects.create(agency=a["vp"], kind=AuthorityKind.OFFICE)
    matrix_ranking.build(p, ids)  # the yearly ranking: the Văn phòng is also its council here
    matrix_ranking.build_more(p, ids)
    matrix_records.build(p, ids)  # file plans and a case file (issue 16)
    matrix_feedback.build(p, ids)  # a problem report (issue 20)
    matrix_handover.build(p, ids)  # handover to the archive, custody, the usage register (issue 16 §3)
    matrix_followup.build(p, ids)  # tasks given in documents (issue 20)

    w.users = {k: v for k, v in u.items()}
    w.tokens = {k: api_token_issue(user=w.users[k]) for k in USERS if k != "anonymous"}
    ApiToken.objects.update(last_used_at=timezone.now())  # no "last used" write on every request
    # Sessions and tokens page: a token and a web session of clerk.xa; a login back-off on leader.huyen.
    ids["token_clerk_xa"] = ApiToken.objects.get(user=u["clerk.xa"]).pk
    from importlib import import_module

    from django.conf import settings

    from lienthong.accounts.models import LoginThrottle, UserSession
    from lienthong.accounts.services import login_record_failure, user_session_record

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store.create()
    user_session_record(user=u["clerk.xa"], session_key=store.session_key, user_agent="Trinh duyet khac")
    ids["session_clerk_xa"] = UserSession.objects.get(session_key=store.session_key).pk
    for _attempt in range(settings.LOGIN_MAX_FAILURES):
        login_record_failure(username="leader.huyen", ip="203.0.113.9")
    ids["throttle_leader_huyen"] = LoginThrottle.objects.get(scope="account", key="leader.huyen").pk
    from lienthong.monitoring.services import heartbeat_beat

    heartbeat_beat()  # the worker is running: /readyz answers 200 (WORKER_HEARTBEAT_MAX_AGE is set long below)
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The scenario, built once for the module inside a transaction rolled back at the end.

    Notifications and text extraction are queued on commit: they are run as the block is left."""
    from django_q.conf import Conf

    media = tmp_path_factory.mktemp("matrix-media")
    with (django_db_blocker.unblock(), pytest.MonkeyPatch.context() as mp,
          override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=["lienthong.testing.builders.FastArgon2PasswordHasher"],
                            TEXT_EXTRACTION_INLINE_MAX_BYTES=0, WORKER_HEARTBEAT_MAX_AGE=86400)):
        mp.setattr(Conf, "SYNC", True)
        with transaction.atomic():
            with TestCase.captureOnCommitCallbacks(execute=True):
                w = build_world()
            w.media = media
            yield w
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _world_media(_media_root, settings, world, monkeypatch):
    """The files stored while building the scenario stay readable in every test. The printouts of
    processing are not drawn (WeasyPrint takes a second a page; ``processing/tests/test_printing.py``
    checks them): the matrix asks who may print, and the view decides that before drawing."""
    from lienthong.processing import printing

    settings.MEDIA_ROOT = world.media
    settings.TEXT_EXTRACTION_INLINE_MAX_BYTES = 0  # uploads' text is extracted later, off the request
    monkeypatch.setattr(printing, "handling_slip_pdf", lambda *, handling: b"%PDF-1.4 phieu")
    monkeypatch.setattr(printing, "tracking_book_pdf", lambda *, agency, date_from, date_to: b"%PDF-1.4 so")


# === Who sees what ==================================================================================

def people(*names: str) -> frozenset[str]:
    return frozenset(names)


XA = people("clerk.xa", "leader.xa", "specialist.xa")
HUYEN = people("clerk.huyen", "leader.huyen", "specialist.huyen", "leader.huyen.noivu", "specialist.huyen.noivu",
               "specialist.huyen.taichinh")
LOGGED_IN = frozenset(USERS) - {"anonymous"}
WITH_POSITION = LOGGED_IN - {"sysadmin"}
CLERKS = people("clerk.xa", "clerk.huyen", "clerk.vp")
# Văn thư and agency-wide leaders: they see everything their agency holds (and keep its lists).
FULL = CLERKS | people("leader.xa", "leader.huyen", "leader.ubnd")
NOBODY = frozenset()

SEES = {
    # Drafts: drafter, named reviewer and signer, whoever acted on it, the văn thư of its agency.
    "draft_xa": people("specialist.xa", "leader.xa", "clerk.xa"),
    "draft_huyen": people("specialist.huyen.noivu", "leader.huyen.noivu", "leader.huyen", "clerk.huyen"),
    "draft_new": people("specialist.huyen.taichinh", "leader.huyen", "clerk.huyen"),
    "draft_issued": XA,
    # Documents. The district's leader does not see the commune's report (parent agency); the
    # province's leader sees nothing of the Văn phòng, the district or the commune.
    "report_xa": XA,
    "incoming_huyen": people("clerk.huyen", "leader.huyen", "leader.huyen.noivu", "specialist.huyen.noivu"),
    "secret_huyen": people("clerk.huyen", "leader.huyen", "specialist.huyen", "leader.huyen.noivu"),
    "legacy_huyen": people("clerk.huyen", "leader.huyen"),   # assigned to nobody yet
    "out_huyen": HUYEN,
    "secret_out_huyen": people("clerk.huyen", "leader.huyen"),
    "stttt_out": NOBODY,
    "incoming_vp": people("clerk.vp"),
    # Deliveries before registration: the văn thư of the receiving agency only.
    "delivery_huyen": people("clerk.huyen"),
    "delivery_arrived": people("clerk.huyen"),
    "delivery_recall": people("clerk.huyen"),
    "delivery_vp": people("clerk.vp"),
}
# A stored file (content-addressed: the same bytes are one file) is seen by whoever sees a document,
# a delivery or a draft that uses it: the commune's report is also the district's incoming copy.
STORED_FILE_SEEN_BY = {
    "report_xa": SEES["report_xa"] | SEES["incoming_huyen"] | SEES["delivery_huyen"] | SEES["draft_issued"],
    "secret_huyen": SEES["secret_huyen"],
    "out_huyen": SEES["out_huyen"],
    "stttt_out": SEES["stttt_out"] | SEES["incoming_vp"] | SEES["delivery_arrived"] | SEES["delivery_vp"],
}
# A handling (and its Phiếu giải quyết PDF) and its assignments are seen by whoever sees the document.
HANDLING_DOC = {"handling_huyen": "incoming_huyen", "handling_secret": "secret_huyen", "handling_vp": "incoming_vp"}
ASSIGNMENT_DOC = {"asg_noivu": "incoming_huyen", "asg_noivu_person": "incoming_huyen", "asg_secret": "secret_huyen"}
SEES |= {h: SEES[d] for h, d in HANDLING_DOC.items()} | {a: SEES[d] for a, d in ASSIGNMENT_DOC.items()}
# Registers (and their printed book): the agency's people; incoming and secret registers list
# documents that only the văn thư and the leaders see in full, so only they open those.
SEES |= {
    "register_xa_out": XA,
    "register_huyen_out": HUYEN,
    "register_huyen_in": people("clerk.huyen", "leader.huyen"),
    "register_huyen_secret_in": people("clerk.huyen", "leader.huyen"),
    "register_vp_in": people("clerk.vp"),
}

# Which users may read each marker anywhere (a page, a list, a notification, a JSON answer, a book).
MARKER_READERS = {
    M_DRAFT_XA: SEES["draft_xa"],
    M_DRAFT_HUYEN: SEES["draft_huyen"],
    M_DRAFT_NEW: SEES["draft_new"],
    M_REPORT: XA | SEES["incoming_huyen"],
    M_SECRET: SEES["secret_huyen"],
    M_OUT_HUYEN: HUYEN,
    M_SECRET_OUT: SEES["secret_out_huyen"],
    M_STTTT: SEES["delivery_arrived"] | SEES["incoming_vp"],
    M_RECALL: SEES["delivery_recall"],
    M_LEGACY: SEES["legacy_huyen"],
    M_LIST_XA: XA,          # an agency's saved lists are offered to its people in the draft form
    M_LIST_HUYEN: HUYEN,
    # Self-assessments: the unit's people, the council and office (Văn phòng) and the approver (UBND tỉnh).
    matrix_ranking.M_SA_HUYEN_2018: HUYEN | people("clerk.vp", "leader.ubnd"),
    matrix_ranking.M_SA_XA_2018: XA | people("clerk.vp", "leader.ubnd"),
}
# The documents list, and a search for words every document's subject has, show exactly the
# documents a user sees: these markers, no more, no fewer.
SEARCH = "?q=liên thông"
DOCUMENT_MARKERS = {M_REPORT: ["report_xa", "incoming_huyen"], M_SECRET: ["secret_huyen"], M_LEGACY: ["legacy_huyen"],
                    M_OUT_HUYEN: ["out_huyen"], M_SECRET_OUT: ["secret_out_huyen"],
                    M_STTTT: ["stttt_out", "incoming_vp"]}


def listed_documents(user: str) -> set[str]:
    return {m for m, docs in DOCUMENT_MARKERS.items() if any(user in SEES[d] for d in docs)}


# === The cases ======================================================================================

@dataclass(frozen=True)
class Case:
    """One request (route, object, payload) and the status each user must get.

    ``ok`` get ``ok_status`` (and a write of theirs must change the flow tables, unless ``changes``
    says otherwise); ``refused`` see the object but may not do this: ``refused_status``, nothing changed; every
    other logged-in user gets ``others_status`` (404: the object is not theirs to know about), nothing
    changed; ``special`` overrides single users. Anonymous callers are sent to the login page (API: 401).
    """

    route: str                      # URL name, or "METHOD /api/path" as in the OpenAPI schema
    label: str                      # the object (or variant) addressed
    method: str
    url: str
    ok: frozenset = NOBODY
    ok_status: int = 200
    refused: frozenset = NOBODY
    refused_status: int = 403
    others_status: int = 404
    data: object = None             # dict, or callable(world, user) -> dict (fresh uploads each time)
    json: bool = False
    changes: str = "yes"            # what an allowed write does: "yes" changes, "no" changes nothing, "any"
    special: tuple = ()             # ((user, status), ...)
    public: bool = False            # no login needed: anonymous is treated like any other user

    @property
    def is_api(self) -> bool:
        return self.route.split(" ", 1)[-1].startswith("/api/")

    @property
    def writes(self) -> bool:
        return self.method in ("POST", "PUT")

    def expected(self, user: str) -> int:
        if user == "anonymous" and not self.public:
            return 401 if self.is_api else 302
        special = dict(self.special)
        if user in special:
            return special[user]
        if user in self.ok:
            return self.ok_status
        if user in self.refused:
            return self.refused_status
        return self.others_status

    def must_change(self, user: str) -> bool | None:
        """True: the request must change the flow tables; False: it must leave them as they were;
        None: not checked (GETs, and ``changes="any"``)."""
        if not self.writes:
            return None
        if self.expected(user) == self.ok_status and user in self.ok and user not in dict(self.special):
            return {"yes": True, "no": False, "any": None}[self.changes]
        return False


def pdf(name="tep.pdf"):
    return pdf_upload(name, "Tep moi")


def _uid(w, name):
    return w.users[name].pk


def _own_agency(w, user):
    """The agency of ``user``'s first position (the sysadmin has none: the commune is used)."""
    from lienthong.accounts.models import Position

    agency_id = Position.objects.filter(user__username=user).values_list("agency_id", flat=True).first()
    return agency_id or w.agencies["xa"]


def _leader_of(w, agency_id):
    from lienthong.accounts.models import Position

    return Position.objects.filter(agency_id=agency_id, role=Role.LEADER, unit__isnull=True).values_list(
        "user_id", flat=True).first()


DRAFTS = ["draft_xa", "draft_huyen", "draft_new", "draft_issued"]
DOCUMENTS = ["report_xa", "incoming_huyen", "secret_huyen", "legacy_huyen", "out_huyen", "secret_out_huyen",
             "stttt_out", "incoming_vp"]
# A file is reached through its document (the same selector): files of one document per kind of rule.
DOCUMENT_FILES = ["report_xa", "incoming_huyen", "secret_huyen", "stttt_out", "incoming_vp"]
DELIVERIES = ["delivery_huyen", "delivery_arrived", "delivery_recall", "delivery_vp"]
HANDLINGS = list(HANDLING_DOC)
ASSIGNMENTS = list(ASSIGNMENT_DOC)
REGISTERS = ["register_xa_out", "register_huyen_out", "register_huyen_in", "register_huyen_secret_in",
             "register_vp_in"]
NOTIFICATIONS = ["notification.clerk.huyen", "notification.specialist.huyen.noivu"]
LISTS = ["list_xa", "list_huyen", "list_shared"]
# The văn thư of the agency holding each document (the one who may cancel it).
CLERK_OF = {"report_xa": "clerk.xa", "incoming_huyen": "clerk.huyen", "secret_huyen": "clerk.huyen",
            "legacy_huyen": "clerk.huyen", "out_huyen": "clerk.huyen", "secret_out_huyen": "clerk.huyen",
            "stttt_out": None, "incoming_vp": "clerk.vp"}
# Whose turn it is on each open draft: the văn thư's format check on the commune's, the Nội vụ head's
# content check on the district's, the drafter on the one still being written.
DRAFT_TURN = {"draft_xa": "clerk.xa", "draft_huyen": "leader.huyen.noivu", "draft_new": "specialist.huyen.taichinh"}
# Who may work on each assignment (note, complete): the person, or the people of the unit.
WORKS_ON = {"asg_noivu": people("leader.huyen.noivu", "specialist.huyen.noivu"),
            "asg_noivu_person": people("specialist.huyen.noivu"),
            "asg_secret": people("specialist.huyen")}
# Who may chase (đôn đốc): the agency's văn thư and leaders, and whoever gave the assignment.
CHASES = {"asg_noivu": people("clerk.huyen", "leader.huyen"),
          "asg_noivu_person": people("clerk.huyen", "leader.huyen", "leader.huyen.noivu"),
          "asg_secret": people("clerk.huyen", "leader.huyen")}


def web_cases(w: World) -> list[Case]:
    from django.urls import reverse

    d = w.ids
    out: list[Case] = []

    def add(route, label="", method="GET", kwargs=None, query="", **kw):
        out.append(Case(route=route, label=label, method=method, url=reverse(route, kwargs=kwargs) + query, **kw))

    # --- Public pages and the administration index ------------------------------------------------
    add("accounts:login", public=True, ok=people("anonymous"), others_status=302)  # logged in: sent home
    add("accounts:logout", method="POST", public=True, ok=frozenset(USERS), ok_status=302, changes="any")
    add("accounts:sessions", ok=LOGGED_IN)
    add("accounts:token_revoke", "clerk.xa's token", "POST", kwargs={"token_id": d["token_clerk_xa"]},
        ok=people("clerk.xa"), ok_status=302)
    add("accounts:session_revoke", "clerk.xa's other session", "POST",
        kwargs={"session_id": d["session_clerk_xa"]}, ok=people("clerk.xa"), ok_status=302)
    add("accounts:lockouts", ok=people("sysadmin"), refused=LOGGED_IN - people("sysadmin"))
    # The switch between one's own positions (issue 18): only the session changes; a position not held is refused
    # with a message on the home page (lienthong/web/tests/test_navigation.py).
    add("accounts:position_switch", "all my positions", "POST", data={"position": ""}, ok=LOGGED_IN, ok_status=302,
        changes="no")
    # The user guide: no data of anyone's, readable before signing in (the login page links to it).
    add("documents:nav_counts", ok=LOGGED_IN)  # the menu's counters, each user's own
    add("guide:index", public=True, ok=frozenset(USERS))
    add("guide:page", "lanh-dao", kwargs={"slug": "lanh-dao"}, public=True, ok=frozenset(USERS))
    add("guide:image", "a picture", kwargs={"name": "lanh-dao-trang-chu.png"}, public=True, ok=frozenset(USERS))
    add("accounts:lockout_lift", "leader.huyen", "POST", kwargs={"throttle_id": d["throttle_leader_huyen"]},
        ok=people("sysadmin"), ok_status=302, refused=LOGGED_IN - people("sysadmin"))
    add("api:openapi-json", public=True, ok=frozenset(USERS))
    add("api:openapi-view", public=True, ok=frozenset(USERS))
    add("api:api-root", public=True, others_status=404)
    add("admin:index", ok=people("sysadmin"), others_status=302)  # others: to the admin's own login
    # Probes for load balancers and Prometheus: no login; /metrics only from allowed addresses (the test
    # client's 127.0.0.1 is; lienthong/monitoring/tests/test_metrics.py checks the refusals).
    add("monitoring:healthz", public=True, ok=frozenset(USERS))
    add("monitoring:readyz", public=True, ok=frozenset(USERS))
    add("monitoring:metrics", public=True, ok=frozenset(USERS))

    # --- Lists and queues: open to everyone logged in, each shows only what the user sees ----------
    for route, query in (("documents:home", ""), ("documents:list", ""), ("documents:list", SEARCH),
                         ("documents:list", SEARCH + "&sort=date"), ("documents:registers", ""),
                         # Number completion (numbers of documents the user sees) and the issuer picker.
                         ("documents:number_completions", "?q=0"), ("documents:agency_picker", "?issuer_agency_q=so"),
                         ("agencies:directory", ""), ("agencies:export_csv", ""), ("agencies:export_xlsx", ""),
                         ("drafting:list", ""), ("drafting:list", "?tab=mine"),
                         ("delivery:inbox", ""), ("delivery:inbox", "?queue=to_register"),
                         ("delivery:inbox", "?queue=recall"), ("delivery:sent", ""),
                         ("delivery:recipient_search", "?pq=Vi"), ("delivery:recipient_lists", ""),
                         ("processing:queue_tabs", ""), ("notifications:list", ""), ("documents:reports_home", "")):
        add(route, query or "page", query=query, ok=LOGGED_IN)
    for name in ("to_submit", "to_assign", "to_process", "info", "overdue"):
        add("processing:queue", name, kwargs={"name": name}, ok=LOGGED_IN)

    # --- Documents ----------------------------------------------------------------------------------
    for doc in DOCUMENTS:
        add("documents:detail", doc, kwargs={"document_id": d[doc]}, ok=SEES[doc])
        if doc in DOCUMENT_FILES:
            add("documents:file", doc, kwargs={"document_id": d[doc], "file_id": d[f"{doc}.file"]}, ok=SEES[doc])
            # The stamped printed copy (rule 11): exactly those who may download the original.
            add("documents:print", doc, kwargs={"document_id": d[doc], "file_id": d[f"{doc}.file"]}, ok=SEES[doc])
        if doc in ("incoming_huyen", "out_huyen", "secret_out_huyen"):
            continue  # the same rule as the district's other documents below
        # Only the agency's văn thư cancels; others who see it are sent back with the reason.
        add("documents:cancel", doc, "POST", {"document_id": d[doc]}, data={"reason": "Nhầm"},
            ok=people(*filter(None, [CLERK_OF[doc]])), ok_status=302, refused=SEES[doc], refused_status=302)
    for route in ("documents:register_outgoing", "documents:register_incoming"):
        # Only a văn thư registers; anyone else is sent back to the list.
        add(route, ok=CLERKS, refused=LOGGED_IN, refused_status=302)
        add(route, "empty form", "POST", data={}, ok=CLERKS, ok_status=422, changes="no", refused=LOGGED_IN,
            refused_status=302)
    # Making a copy (NĐ30 Art. 25–27): only the văn thư of the agency holding the document; anyone else
    # who sees it is sent back to it with the reason.
    add("copies:create", "out_huyen", kwargs={"document_id": d["out_huyen"]}, ok=people("clerk.huyen"),
        refused=HUYEN, refused_status=302)
    add("copies:create", "out_huyen, empty form", "POST", kwargs={"document_id": d["out_huyen"]}, data={},
        ok=people("clerk.huyen"), ok_status=422, changes="no", refused=HUYEN, refused_status=302)
    for register in REGISTERS:
        add("documents:register_book", register, kwargs={"register_id": d[register]}, query="?format=xlsx",
            ok=SEES[register])
        # Its metadata with the Phụ lục VI names: the same rule as the register.
        add("documents:register_metadata", register, kwargs={"register_id": d[register]}, query="?format=xml",
            ok=SEES[register])
    for doc in DOCUMENTS:  # a document's metadata (Phụ lục VI): the same rule as the document
        add("documents:metadata", doc, kwargs={"document_id": d[doc]}, query="?format=json", ok=SEES[doc])

    # --- Agencies -----------------------------------------------------------------------------------
    add("agencies:import", ok=people("sysadmin"), refused=LOGGED_IN)
    add("agencies:import", "no file", "POST", data={}, ok=people("sysadmin"), changes="no", refused=LOGGED_IN)

    # --- Drafts -------------------------------------------------------------------------------------
    # Anyone with a position drafts for their agency; the administrator has none and is sent back.
    add("drafting:create", ok=WITH_POSITION, refused=people("sysadmin"), refused_status=302)
    for draft in DRAFTS:
        add("drafting:detail", draft, kwargs={"draft_id": d[draft]}, ok=SEES[draft])
        add("drafting:file", draft, kwargs={"draft_id": d[draft], "file_id": d[f"{draft}.file"]}, ok=SEES[draft])
        # Editing: the drafter while the draft is being written; others who see it: 403.
        editor = people("specialist.huyen.taichinh") if draft == "draft_new" else NOBODY
        add("drafting:edit", draft, kwargs={"draft_id": d[draft]}, ok=editor, refused=SEES[draft])
        if draft in ("draft_xa", "draft_new"):
            add("drafting:edit", f"{draft} empty form", "POST", {"draft_id": d[draft]}, data={}, ok=editor,
                changes="no", refused=SEES[draft])
    act = {  # the draft page's forms, by action slug
        "submit": {"submit-note": ""}, "content_ok": {"content_ok-note": ""}, "format_ok": {"format_ok-note": ""},
        "return": {"return-reason": "Sửa lại"},
        "abandon": {"abandon-reason": "Không cần nữa"}, "comment": {"comment-text": "Ý kiến"},
        "issue": {},
        "upload": lambda w, u: {"upload-role": "attachment", "upload-files": pdf()},
    }
    turn_actions = {"draft_xa": {"format_ok", "return", "upload"}, "draft_huyen": {"content_ok", "return"},
                    "draft_new": {"submit", "abandon", "upload"}}
    # Every step the commune's draft may take now, and two it may not; on the others, their own turn.
    for draft, actions in (("draft_xa", ["format_ok", "return", "upload", "comment", "submit", "issue"]),
                           ("draft_huyen", ["content_ok", "return", "comment"]),
                           ("draft_new", ["submit", "abandon", "upload", "comment"]),
                           ("draft_issued", ["comment"])):
        for action in actions:
            kwargs = {"draft_id": d[draft], "action": action}
            if action == "comment" and draft != "draft_issued":
                # Anyone who sees a draft comments on it until it is issued.
                add("drafting:act", f"{draft} {action}", "POST", kwargs, data=act[action], ok=SEES[draft],
                    ok_status=302)
            elif action in turn_actions.get(draft, ()):
                # The person whose turn it is; the others who see it: 403.
                add("drafting:act", f"{draft} {action}", "POST", kwargs, data=act[action],
                    ok=people(DRAFT_TURN[draft]), ok_status=302, refused=SEES[draft])
            else:
                # Not a step of the draft's state (or a closed draft): 422 to whoever sees it.
                add("drafting:act", f"{draft} {action}", "POST", kwargs, data=act[action], refused=SEES[draft],
                    refused_status=422)

    # --- Deliveries (recipient side): the receiving văn thư only -------------------------------------
    arrived, recall = "delivery_arrived", "delivery_recall"
    for dl in DELIVERIES:
        add("delivery:inbox_detail", dl, kwargs={"delivery_id": d[dl]}, ok=SEES[dl])
        add("delivery:inbox_file", dl, kwargs={"delivery_id": d[dl], "file_id": d[f"{dl}.file"]}, ok=SEES[dl])
        kwargs = {"delivery_id": d[dl]}
        if dl == "delivery_huyen":
            continue  # refusals by state are shown on the recalled one, by agency on the Văn phòng's
        # A step the delivery's state no longer allows: the văn thư is told why (redirect or form).
        add("delivery:inbox_receive", dl, "POST", kwargs, data={}, ok=SEES[dl] if dl == arrived else NOBODY,
            ok_status=302, refused=SEES[dl], refused_status=302)
        # (A delivery whose recall is pending may still be given back.)
        add("delivery:inbox_return", dl, "POST", kwargs, data={"reason": "Gửi nhầm"},
            ok=SEES[dl] if dl in (arrived, recall) else NOBODY, ok_status=302, refused=SEES[dl], refused_status=200)
        add("delivery:inbox_register", dl, "POST", kwargs, data={"received_on": timezone.localdate().isoformat()},
            ok=SEES[dl] if dl == arrived else NOBODY, ok_status=302, refused=SEES[dl], refused_status=200)
        add("delivery:inbox_recall", dl, "POST", kwargs, data={"answer": "agree"},
            ok=SEES[dl] if dl == recall else NOBODY, ok_status=302, refused=SEES[dl], refused_status=302)

    # --- Sender side: recall by the issuing agency's văn thư or leader ------------------------------
    for doc in ("report_xa", "out_huyen", "incoming_huyen", "stttt_out"):
        add("delivery:recall", doc, "POST", {"document_id": d[doc]}, data={"reason": "Ban hành nhầm"},
            ok=people("clerk.xa", "leader.xa") if doc == "report_xa" else NOBODY, ok_status=302,
            refused=SEES[doc], refused_status=302)

    # --- Saved recipient lists: văn thư and agency-wide leaders, for their own agency ---------------
    not_keepers = LOGGED_IN - FULL
    add("delivery:recipient_list_new", ok=FULL, refused=not_keepers)
    add("delivery:recipient_list_new", "for the commune", "POST",
        data=lambda w, u: {"agency": w.agencies["xa"], "name": "Mới", "members": [w.agencies["huyen"]]},
        ok=people("clerk.xa", "leader.xa"), ok_status=302, refused=not_keepers,
        others_status=200)  # keepers of another agency: the agency is not among their choices
    keepers = {"list_xa": people("clerk.xa", "leader.xa"), "list_huyen": people("clerk.huyen", "leader.huyen"),
               "list_shared": NOBODY}
    for rl in LISTS:
        add("delivery:recipient_list_edit", rl, kwargs={"list_id": d[rl]}, ok=keepers[rl], refused=not_keepers)
        agency = {"list_xa": "xa", "list_huyen": "huyen", "list_shared": "xa"}[rl]
        add("delivery:recipient_list_edit", rl, "POST", {"list_id": d[rl]},
            data=lambda w, u, a=agency: {"agency": w.agencies[a], "name": "Đổi tên",
                                         "members": [w.agencies["ubnd"]]},
            ok=keepers[rl], ok_status=302, refused=not_keepers)

    # --- Processing an incoming document -----------------------------------------------------------
    # The panel's forms: a user who sees the document but may not act gets the panel again with the
    # reason (200); a user who does not see it, 404.
    for h in HANDLINGS:
        doc = HANDLING_DOC[h]
        agency = "vp" if h == "handling_vp" else "huyen"
        kwargs = {"handling_id": d[h]}
        add("processing:assign_row", h, kwargs=kwargs, query="?prefix=a&i=1", ok=SEES[h])
        add("processing:slip", h, kwargs=kwargs, ok=SEES[h])
        # Submitting: the văn thư, while the document is registered (the district's are assigned already).
        add("processing:submit", h, "POST", kwargs,
            data=lambda w, u, a=agency: {"leader": _leader_of(w, w.agencies[a]), "note": ""},
            ok=SEES[h] if h == "handling_vp" else NOBODY, ok_status=302, refused=SEES[h], refused_status=200)
        # Assigning (more): the agency's leaders, once it was submitted.
        target = {"handling_huyen": lambda w: f"unit:{w.units['taichinh']}",
                  "handling_secret": lambda w: f"user:{_uid(w, 'specialist.huyen.noivu')}",
                  "handling_vp": lambda w: f"user:{_uid(w, 'specialist.vp')}"}[h]
        add("processing:assign", h, "POST", kwargs,
            data=lambda w, u, t=target: {"a-row-0-role": "support", "a-row-0-target": t(w)},
            ok=people("leader.huyen") if h != "handling_vp" else NOBODY, ok_status=302,
            refused=SEES[h], refused_status=200)
    # A secret document goes to people by name, never to a unit (whose people could not see it).
    add("processing:assign", "handling_secret to a unit", "POST", {"handling_id": d["handling_secret"]},
        data=lambda w, u: {"a-row-0-role": "support", "a-row-0-target": f"unit:{w.units['noivu']}"},
        refused=SEES["handling_secret"], refused_status=200)
    for a in ASSIGNMENTS:
        kwargs = {"assignment_id": d[a]}
        # Handing a unit's part on: the head of that unit.
        add("processing:delegate", a, "POST", kwargs,
            data=lambda w, u, a=a: {f"d{w[a]}-row-0-role": "support",
                                    f"d{w[a]}-row-0-target": f"user:{_uid(w, 'leader.huyen.noivu')}"},
            ok=people("leader.huyen.noivu") if a == "asg_noivu" else NOBODY, ok_status=302,
            refused=SEES[a], refused_status=200)
        add("processing:note", a, "POST", kwargs,
            data=lambda w, u, a=a: {f"n{w[a]}-text": "Đang xử lý", f"n{w[a]}-progress": "50"},
            ok=WORKS_ON[a], ok_status=302, refused=SEES[a], refused_status=200)
        add("processing:complete", a, "POST", kwargs, data=lambda w, u, a=a: {f"c{w[a]}-result": "Xong"},
            ok=WORKS_ON[a], ok_status=302, refused=SEES[a], refused_status=200)
        add("processing:chase", a, "POST", kwargs, data=lambda w, u, a=a: {f"ch{w[a]}-message": "Nhanh lên"},
            ok=CHASES[a], ok_status=302, refused=SEES[a], refused_status=200)
    # Bringing an incoming document registered before the flow into it: its văn thư (a document
    # already in the flow, or not incoming, is left as it is).
    for doc in ("legacy_huyen", "incoming_huyen", "report_xa", "stttt_out"):
        add("processing:start", doc, "POST", {"document_id": d[doc]}, data={},
            ok=people("clerk.huyen") if doc == "legacy_huyen" else NOBODY, ok_status=302,
            refused=SEES[doc], refused_status=302)
    # Sổ theo dõi giải quyết: văn thư and agency-wide leaders, for their own agency only.
    add("processing:tracking_book", ok=FULL)
    add("processing:tracking_book", "district's book", query="?agency={}&date_from=2000-01-01&date_to=2000-12-31"
        .format(w.agencies["huyen"]), ok=people("clerk.huyen", "leader.huyen"), refused=FULL, refused_status=400)

    # --- Notifications: each person's own ----------------------------------------------------------
    for n in NOTIFICATIONS:
        owner = people(n.split(".", 1)[1])
        add("notifications:open", n, kwargs={"notification_id": d[n]}, ok=owner, ok_status=302)
        add("notifications:read", n, "POST", {"notification_id": d[n]}, data={}, ok=owner, ok_status=302)
    add("notifications:read_all", method="POST", data={}, ok=LOGGED_IN, ok_status=302, changes="any")

    # --- Digital signature credentials and the trust store ------------------------------------------
    # Everyone manages their own credential; agencies' by their văn thư (and the administrator); the
    # trust store by the administrator. An empty upload changes nothing.
    add("signing:personal", ok=LOGGED_IN)
    add("signing:personal", "empty upload", "POST", data={"action": "pkcs12"}, ok=LOGGED_IN, ok_status=422,
        changes="no")
    agency_managers = CLERKS | people("sysadmin")
    add("signing:agency", ok=agency_managers, refused=LOGGED_IN - agency_managers)
    add("signing:agency", "empty upload", "POST", query=f"?co_quan={w.agencies['xa']}", data={"action": "pkcs12"},
        ok=people("clerk.xa", "sysadmin"), ok_status=422, changes="no", refused=LOGGED_IN - agency_managers,
        special=(("clerk.huyen", 404), ("clerk.vp", 404)))
    add("signing:credential_image", "personal", kwargs={"credential_id": d["cred_leader_xa"]},
        ok=people("leader.xa"))
    add("signing:credential_image", "agency", kwargs={"credential_id": d["cred_xa"]},
        ok=people("clerk.xa", "sysadmin"))
    add("signing:trust_store", ok=people("sysadmin"), refused=LOGGED_IN - people("sysadmin"))
    add("signing:trust_store", "empty upload", "POST", data={"action": "certificate"}, ok=people("sysadmin"),
        ok_status=422, changes="no", refused=LOGGED_IN - people("sysadmin"))
    add("signing:trust_toggle", "root", "POST", {"trusted_id": d["trusted_root"]}, data={"active": "0"},
        ok=people("sysadmin"), ok_status=302, changes="any", refused=LOGGED_IN - people("sysadmin"))

    # --- Re-verifying a file's signatures: whoever sees a document, delivery or draft using it ------
    for doc, who in STORED_FILE_SEEN_BY.items():
        add("signing:file_reverify", doc, "POST", {"stored_file_id": d[f"{doc}.stored"]}, data={}, ok=who,
            ok_status=302, changes="any")

    # --- Usage oversight: the Provincial Office (an "office" AssessmentAuthority) and the administrator
    overseers = people("clerk.vp", "sysadmin")
    others = LOGGED_IN - overseers
    for route in ("oversight:dashboard", "oversight:export_xlsx"):
        add(route, ok=overseers, refused=others)
    for route in ("oversight:agency", "oversight:agency_chart"):
        add(route, "district", kwargs={"agency_id": w.agencies["huyen"]}, ok=overseers, refused=others)
    add("oversight:refresh", method="POST", data={}, ok=overseers, ok_status=302, changes="any", refused=others)
    add("oversight:thresholds_save", method="POST", data={"min_electronic": "80"}, ok=overseers, ok_status=302,
        changes="any", refused=others)
    matrix_feedback.web_cases(w, add, people=people, LOGGED_IN=LOGGED_IN, overseers=overseers)

    # --- The yearly IT ranking, its reports, commendations and the online public services ----------
    matrix_ranking.web_cases(w, add, people=people, LOGGED_IN=LOGGED_IN, HUYEN=HUYEN, XA=XA)

    # --- Records: file plans and case files ---------------------------------------------------------
    matrix_records.web_cases(w, add, people=people, LOGGED_IN=LOGGED_IN, HUYEN=HUYEN, XA=XA)
    matrix_handover.web_cases(w, add, people=people, LOGGED_IN=LOGGED_IN, HUYEN=HUYEN, XA=XA)
    matrix_followup.web_cases(w, add, people=people, LOGGED_IN=LOGGED_IN, HUYEN=HUYEN, XA=XA)
    return out


# The API's draft steps: the drafts on which it is someone's turn, and the body sent.
API_STEPS = {
    "submit": (["draft_new"], {"note": ""}), "check-content": (["draft_huyen"], {"note": ""}),
    "check-format": (["draft_xa"], {"note": ""}), "approve": ([], {"note": ""}),
    "return": (["draft_xa", "draft_huyen"], {"reason": "Sửa lại"}), "number": ([], {}),
    "sign": ([], lambda w, u: {"method": "paper", "files": [pdf()]}),
    "seal": ([], lambda w, u: {"method": "paper", "files": [pdf()]}), "issue": ([], {}),
    "abandon": (["draft_new"], {"reason": "Không cần nữa"}),
}


def api_cases(w: World) -> list[Case]:
    d = w.ids
    out: list[Case] = []

    def add(route, label="", url=None, **kw):
        method, path = route.split(" ", 1)
        kw.setdefault("json", method != "GET")
        out.append(Case(route=route, label=label, method=method, url=url or path, **kw))

    # --- Public, lists and queues --------------------------------------------------------------------
    add("POST /api/auth/token", "wrong password", public=True, others_status=401,
        data={"username": "clerk.huyen", "password": "sai"})
    add("DELETE /api/auth/token", "the caller's own", ok=LOGGED_IN, ok_status=204)
    for route, query in (("GET /api/agencies", ""), ("GET /api/documents", ""),
                         ("GET /api/documents", SEARCH), ("GET /api/registers", ""),
                         ("GET /api/drafts", ""), ("GET /api/drafts", "?queue=to_approve"),
                         ("GET /api/drafts", "?queue=to_issue"), ("GET /api/deliveries", ""),
                         ("GET /api/deliveries", "?queue=to_register"), ("GET /api/deliveries", "?queue=recall"),
                         ("GET /api/sent", ""), ("GET /api/recipient-lists", "")):
        add(route, query or "list", url=route.split(" ", 1)[1] + query, ok=LOGGED_IN)
    for queue in ("to_submit", "to_assign", "to_process", "info", "overdue"):
        add("GET /api/handlings", queue, url=f"/api/handlings?queue={queue}", ok=LOGGED_IN)

    # --- Documents ----------------------------------------------------------------------------------
    for doc in DOCUMENTS:
        add("GET /api/documents/{document_id}", doc, url=f"/api/documents/{d[doc]}", ok=SEES[doc])
        if doc in DOCUMENT_FILES:
            add("GET /api/documents/{document_id}/files/{file_id}", doc,
                url=f"/api/documents/{d[doc]}/files/{d[doc + '.file']}", ok=SEES[doc])
        add("GET /api/documents/{document_id}/metadata", doc, url=f"/api/documents/{d[doc]}/metadata?format=xml",
            ok=SEES[doc])
        if doc in ("report_xa", "out_huyen", "stttt_out", "incoming_huyen", "secret_huyen"):
            # The sender's tracking: outgoing documents of each agency, and incoming ones (no recipients).
            add("GET /api/documents/{document_id}/deliveries", doc, url=f"/api/documents/{d[doc]}/deliveries",
                ok=SEES[doc])

    # Electronic copies: made by the văn thư of the holding agency, read by whoever sees the copy.
    from lienthong.copies.tests.helpers import PIN as COPY_PIN

    add("POST /api/documents/{document_id}/copies", "out_huyen", url=f"/api/documents/{d['out_huyen']}/copies",
        data=lambda w, user: {"form": "TrS", "pages": "1", "signer_id": _uid(w, "leader.huyen"),
                              "recipients_text": "- Lưu: VT.", "pin": COPY_PIN},
        ok=people("clerk.huyen"), ok_status=201, refused=HUYEN)
    add("GET /api/copies/{copy_id}", "copy_huyen", url=f"/api/copies/{d['copy_huyen']}", ok=HUYEN)

    for register in REGISTERS:  # a register's metadata (Phụ lục VI): the same rule as the register
        add("GET /api/registers/{register_id}/metadata", register,
            url=f"/api/registers/{d[register]}/metadata?format=json", ok=SEES[register])

    def incoming(w, u, agency=None):
        form = {"document_type": "cong-van", "number_symbol": "99/SYT-VP", "issuer_name": "Sở Y tế",
                "issued_on": timezone.localdate().isoformat(), "subject": "Công văn giấy", "files": [pdf()]}
        return form | ({"agency_id": w.agencies[agency]} if agency else {})

    # Registering by hand: a văn thư, in the agency where they are văn thư.
    add("POST /api/documents/incoming", "own agency", data=incoming, json=False, ok=CLERKS, ok_status=201,
        others_status=403)
    add("POST /api/documents/incoming", "into the district", data=lambda w, u: incoming(w, u, "huyen"), json=False,
        ok=people("clerk.huyen"), ok_status=201, others_status=403)

    # --- Drafts -------------------------------------------------------------------------------------
    def draft_form(w, u, agency=None):
        agency_id = w.agencies[agency] if agency else _own_agency(w, u)
        form = {"document_type": "to-trinh", "subject": "Dự thảo mới", "signer_id": _leader_of(w, agency_id),
                "recipient_ids": [w.agencies["stttt"]], "files": [pdf()]}
        return form | ({"agency_id": agency_id} if agency else {})

    # Anyone with a position drafts for their own agency (the administrator has none).
    add("POST /api/drafts", "own agency", data=draft_form, json=False, ok=WITH_POSITION, ok_status=201,
        others_status=403)
    add("POST /api/drafts", "for the district", data=lambda w, u: draft_form(w, u, "huyen"), json=False,
        ok=HUYEN, ok_status=201, others_status=403)
    for draft in DRAFTS:
        base = f"/api/drafts/{d[draft]}"
        add("GET /api/drafts/{draft_id}", draft, url=base, ok=SEES[draft])
        add("GET /api/drafts/{draft_id}/files/{file_id}", draft, url=f"{base}/files/{d[draft + '.file']}",
            ok=SEES[draft])
        open_ = draft != "draft_issued"
        add("POST /api/drafts/{draft_id}/comments", draft, url=f"{base}/comments", data={"text": "Ý kiến"},
            ok=SEES[draft] if open_ else NOBODY, ok_status=201, refused=SEES[draft], refused_status=422)
        turn = DRAFT_TURN.get(draft)
        add("POST /api/drafts/{draft_id}/files", draft, url=f"{base}/files", json=False,
            data=lambda w, u: {"role": "attachment", "files": [pdf()]},
            ok=people(turn) if turn else NOBODY, ok_status=201, refused=SEES[draft],
            refused_status=403 if open_ else 400)
        add("PUT /api/drafts/{draft_id}", draft, url=base,
            data=lambda w, u, a="xa" if draft in ("draft_xa", "draft_issued") else "huyen": {
                "document_type": "to-trinh", "subject": "Sửa trích yếu", "signer_id": _uid(w, f"leader.{a}")},
            ok=people(turn) if draft == "draft_new" else NOBODY, refused=SEES[draft],
            refused_status=403 if draft == "draft_new" else 400)
        # Each step: the person whose turn it is; others who see the draft: 403; a step that is not
        # one of the draft's state: 400 (invalid_state) to whoever sees it. Every step is tried on the
        # commune's draft, the others' own steps on theirs.
        for step, (turn_on, body) in API_STEPS.items():
            if draft != "draft_xa" and draft not in turn_on:
                continue
            mine = draft in turn_on
            multipart = step in ("sign", "seal", "issue")
            add(f"POST /api/drafts/{{draft_id}}/{step}", draft, url=f"{base}/{step}", data=body, json=not multipart,
                ok=people(turn) if mine else NOBODY, refused=SEES[draft], refused_status=403 if mine else 400)
        # Preparing a token signature: no draft here waits for a signature, so it is a 400 (invalid_state)
        # to whoever sees the draft (the turn check comes after the state check, as for /sign).
        add("POST /api/signing/remote/prepare", draft, data={"draft_id": d[draft], "step": "sign"},
            refused=SEES[draft], refused_status=400)
    # Finishing a token signature: only the session's owner knows it exists.
    add("POST /api/signing/remote/{session}/finish", "someone else's session",
        url="/api/signing/remote/6f1c2a9e-0000-4000-8000-000000000001/finish", data={"signatures_b64": []})

    # --- Re-verifying a file's signatures -----------------------------------------------------------
    for doc, who in STORED_FILE_SEEN_BY.items():
        add("POST /api/files/{stored_file_id}/verify", doc, url=f"/api/files/{d[doc + '.stored']}/verify", data={},
            ok=who, changes="any")

    # --- Deliveries (recipient side): the receiving văn thư only -------------------------------------
    arrived = "delivery_arrived"
    for dl in DELIVERIES:
        base = f"/api/deliveries/{d[dl]}"
        add("GET /api/deliveries/{delivery_id}", dl, url=base, ok=SEES[dl])
        add("GET /api/deliveries/{delivery_id}/files/{file_id}", dl, url=f"{base}/files/{d[dl + '.file']}",
            ok=SEES[dl])
        if dl == "delivery_huyen":
            continue  # as on the web pages
        # Receive and register an arrived delivery; give back one arrived or being recalled.
        for step, body, status, open_on in (("receive", {}, 200, ["delivery_arrived"]),
                                            ("return", {"reason": "Gửi nhầm"}, 200, [arrived, "delivery_recall"]),
                                            ("register", {}, 201, ["delivery_arrived"])):
            add(f"POST /api/deliveries/{{delivery_id}}/{step}", dl, url=f"{base}/{step}", data=body,
                ok=SEES[dl] if dl in open_on else NOBODY, ok_status=status, refused=SEES[dl], refused_status=400)
        add("POST /api/deliveries/{delivery_id}/recall-answer", dl, url=f"{base}/recall-answer", data={"agree": True},
            ok=SEES[dl] if dl == "delivery_recall" else NOBODY, refused=SEES[dl], refused_status=400)

    # --- Sender side --------------------------------------------------------------------------------
    for doc in ("report_xa", "out_huyen", "incoming_huyen", "stttt_out"):
        # The issuing agency's văn thư or leaders; an ordinary document never sent, or an incoming one,
        # cannot be recalled (422); anyone else who sees it: 403.
        add("POST /api/documents/{document_id}/recall", doc, url=f"/api/documents/{d[doc]}/recall",
            data={"reason": "Ban hành nhầm"}, ok=people("clerk.xa", "leader.xa") if doc == "report_xa" else NOBODY,
            refused=SEES[doc], special=tuple((u, 422) for u in SEES[doc] & FULL if doc != "report_xa"))
    members = lambda w, u: {"name": "Mới", "member_ids": [w.agencies["ubnd"]]}  # noqa: E731
    add("POST /api/recipient-lists", "own agency", data=members, ok=FULL, ok_status=201, others_status=403,
        special=(("sysadmin", 422),))  # no agency of one's own to keep a list for
    add("POST /api/recipient-lists", "shared", data=lambda w, u: members(w, u) | {"shared": True},
        ok=people("sysadmin"), ok_status=201, others_status=403)
    add("POST /api/recipient-lists", "for the district",
        data=lambda w, u: members(w, u) | {"agency_id": w.agencies["huyen"]},
        ok=people("clerk.huyen", "leader.huyen"), ok_status=201, others_status=403)

    # --- Processing ---------------------------------------------------------------------------------
    for h, doc in HANDLING_DOC.items():
        base = f"/api/documents/{d[doc]}/handling"
        agency = "vp" if h == "handling_vp" else "huyen"
        add("GET /api/documents/{document_id}/handling", doc, url=base, ok=SEES[doc])
        # Submitting: the văn thư (the district's documents are assigned already: 400).
        add("POST /api/documents/{document_id}/handling/submit", doc, url=f"{base}/submit",
            data=lambda w, u, a=agency: {"leader_id": _leader_of(w, w.agencies[a])},
            ok=SEES[doc] if h == "handling_vp" else NOBODY, refused=SEES[doc],
            special=() if h == "handling_vp" else (("clerk.huyen", 400),))
        target = {"handling_huyen": lambda w: {"unit_id": w.units["taichinh"]},
                  "handling_secret": lambda w: {"user_id": _uid(w, "specialist.huyen.noivu")},
                  "handling_vp": lambda w: {"user_id": _uid(w, "specialist.vp")}}[h]
        add("POST /api/documents/{document_id}/handling/assign", doc, url=f"{base}/assign",
            data=lambda w, u, t=target: {"assignments": [{"role": "support"} | t(w)]},
            ok=people("leader.huyen") if h != "handling_vp" else NOBODY, refused=SEES[doc])
    # A secret document goes to people by name, never to a unit: refused even to the leader (422).
    add("POST /api/documents/{document_id}/handling/assign", "secret_huyen to a unit",
        url=f"/api/documents/{d['secret_huyen']}/handling/assign",
        data=lambda w, u: {"assignments": [{"role": "support", "unit_id": w.units["noivu"]}]},
        refused=SEES["secret_huyen"], special=(("leader.huyen", 422),))
    for a in ASSIGNMENTS:
        base = f"/api/assignments/{d[a]}"
        add("POST /api/assignments/{assignment_id}/delegate", a, url=f"{base}/delegate",
            data=lambda w, u: {"assignments": [{"role": "support", "user_id": _uid(w, "leader.huyen.noivu")}]},
            ok=people("leader.huyen.noivu") if a == "asg_noivu" else NOBODY, refused=SEES[a])
        add("POST /api/assignments/{assignment_id}/notes", a, url=f"{base}/notes",
            data={"text": "Đang xử lý", "progress": 50}, ok=WORKS_ON[a], ok_status=201, refused=SEES[a])
        add("POST /api/assignments/{assignment_id}/complete", a, url=f"{base}/complete", data={"result": "Xong"},
            ok=WORKS_ON[a], refused=SEES[a])
        add("POST /api/assignments/{assignment_id}/chase", a, url=f"{base}/chase", data={"message": "Nhanh lên"},
            ok=CHASES[a], refused=SEES[a])

    # --- The exchange API between systems: signed by partner systems (HMAC), never by a user's token ----------
    for route, url in (("POST /api/exchange/packages", "/api/exchange/packages?message_type=edoc"),
                       ("GET /api/exchange/packages", None), ("GET /api/exchange/packages/{package_id}",
                                                              "/api/exchange/packages/1"),
                       ("POST /api/exchange/packages/{package_id}/ack", "/api/exchange/packages/1/ack"),
                       ("GET /api/exchange/sent", None), ("GET /api/exchange/agencies", None)):
        add(route, "a user's token is no partner's signature", url=url, others_status=401,
            data={} if route.startswith("POST") else None)

    # --- The yearly IT ranking, usage statistics and the online public services --------------------
    matrix_ranking.api_cases(w, add, people=people, LOGGED_IN=LOGGED_IN, HUYEN=HUYEN, XA=XA)

    # --- Records ------------------------------------------------------------------------------------
    matrix_records.api_cases(w, add, people=people, LOGGED_IN=LOGGED_IN, HUYEN=HUYEN, XA=XA)
    matrix_feedback.api_cases(w, add, people=people, LOGGED_IN=LOGGED_IN)
    matrix_handover.api_cases(w, add, people=people, LOGGED_IN=LOGGED_IN, HUYEN=HUYEN, XA=XA)
    matrix_followup.api_cases(w, add, people=people, LOGGED_IN=LOGGED_IN, HUYEN=HUYEN, XA=XA)
    return out


# === Running a case =================================================================================

def _snapshot_queries() -> list[tuple[str, str]]:
    """Plain SELECTs over the flow tables (the ORM would cost more than the requests they check)."""
    from django.db import connection

    from lienthong.accounts.models import LoginThrottle, UserSession
    from lienthong.delivery.models import DeliveryEvent
    from lienthong.documents.models import Document
    from lienthong.drafting.models import Draft, DraftComment, DraftStep
    from lienthong.processing.models import Assignment, Handling, ProcessingNote

    q = connection.ops.quote_name

    def rows(model, *names):
        cols = ", ".join(q(model._meta.get_field(n).column) for n in names)
        return f"SELECT {cols} FROM {q(model._meta.db_table)} ORDER BY {q(model._meta.pk.column)}"

    def count(model):
        return f"SELECT COUNT(*) FROM {q(model._meta.db_table)}"

    return [
        ("drafts", rows(Draft, "id", "state", "subject", "updated_at")),
        ("draft files", count(DraftFile)), ("draft comments", count(DraftComment)), ("draft steps", count(DraftStep)),
        ("documents", rows(Document, "id", "status", "updated_at")),
        ("deliveries", rows(Delivery, "id", "state", "recall_state", "updated_at")),
        ("delivery events", count(DeliveryEvent)),
        ("handlings", rows(Handling, "id", "state", "submitted_to")),
        ("assignments", rows(Assignment, "id", "state", "progress")),
        ("notes", count(ProcessingNote)),
        ("api tokens", count(ApiToken)), ("web sessions", count(UserSession)),
        # A wrong password may count a failure; only the start or the lifting of a back-off is a change here.
        ("login back-offs", f"SELECT {q('id')} FROM {q(LoginThrottle._meta.db_table)} "
                            f"WHERE {q('locked_since')} IS NOT NULL ORDER BY {q('id')}"),
        ("recipient lists", rows(RecipientList, "id", "name")),
        *matrix_ranking.snapshot_queries(rows, count),
        *matrix_records.snapshot_queries(rows, count),
        *matrix_feedback.snapshot_queries(rows, count),
        *matrix_handover.snapshot_queries(rows, count),
        *matrix_followup.snapshot_queries(rows, count),
        ("notifications", rows(Notification, "id", "user", "read_at")),
    ]


_SNAPSHOT: list = []


def snapshot(user_id: int | None) -> dict:
    """The state of the flow tables a refused request must leave untouched (audit entries aside:
    a refused look at a document is itself logged)."""
    from django.db import connection

    if not _SNAPSHOT:
        _SNAPSHOT.extend(_snapshot_queries())
    out = {}
    with connection.cursor() as cursor:
        for name, sql in _SNAPSHOT:
            cursor.execute(sql)
            out[name] = cursor.fetchall()
    notifications = out.pop("notifications")
    out["notifications"] = len(notifications)
    out["own unread"] = [n for n, user, read_at in notifications if user == user_id and read_at is None]
    # Nobody ever marks someone else's notification read.
    out["others' unread"] = [n for n, user, read_at in notifications if user != user_id and read_at is None]
    return out


def _changed(before: dict, after: dict) -> list[str]:
    return [k for k in before if before[k] != after[k]]


def _text(response) -> str:
    """What the response shows: HTML, JSON, CSV, or the cells of a spreadsheet (a register book)."""
    if getattr(response, "streaming", False):
        return ""
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for v in row if v is not None)
    if kind.startswith(("text/", "application/json")):
        return response.content.decode("utf-8", "replace")
    return ""


def _client(w: World, user: str, *, api: bool):
    from django.test import Client

    if api:
        return Client(headers={"Authorization": f"Bearer {w.tokens[user]}"} if user != "anonymous" else {})
    client = Client()
    if user != "anonymous":
        from lienthong.accounts.middleware import REFRESH_KEY

        client.force_login(w.users[user])
        session = client.session
        session[REFRESH_KEY] = int(timezone.now().timestamp())  # no session write on every request
        session.save()
    return client


def run_case(case: Case, w: World, user: str, client) -> list[str]:
    """Send the case's request as ``user`` inside a savepoint rolled back afterwards; return what
    went against the table (empty: as expected)."""
    import json

    if case.route == "accounts:logout":
        client = _client(w, user, api=False)  # logging out must not end the session the matrix uses
    data = case.data(w, user) if callable(case.data) else case.data
    user_id = w.users[user].pk if user != "anonymous" else None
    problems: list[str] = []
    with transaction.atomic():
        before = snapshot(user_id) if case.writes else None
        try:
            if case.method == "GET":
                response = client.get(case.url)
            elif case.json:
                response = client.generic(case.method, case.url, json.dumps(data or {}),
                                          content_type="application/json")
            else:
                response = client.post(case.url, data or {})
        except Exception as exc:  # noqa: BLE001 - a crash is one more line of the report
            transaction.set_rollback(True)
            return [f"raised {type(exc).__name__}: {exc}"]
        after = snapshot(user_id) if case.writes else None
        transaction.set_rollback(True)
    expected = case.expected(user)
    if response.status_code != expected:
        problems.append(f"status {response.status_code}, expected {expected}")
    if user == "anonymous" and not case.public and not case.is_api and response.status_code == 302 \
            and not response["Location"].startswith(("/tai-khoan/dang-nhap/", "/quan-tri/login/")):
        problems.append(f"redirected to {response['Location']}, not to the login page")
    must_change = case.must_change(user)
    if must_change is not None:
        changed = _changed(before, after)
        if must_change and not changed:
            problems.append("allowed, but nothing changed")
        if not must_change and changed:
            problems.append(f"refused, but changed: {', '.join(changed)}")
    elif before is not None and before["others' unread"] != after["others' unread"]:
        problems.append("marked another person's notifications read")
    text = _text(response)
    leaked = sorted(m for m, readers in MARKER_READERS.items() if m in text and user not in readers)
    if leaked:
        problems.append(f"shows {', '.join(leaked)}")
    if case.route in ("documents:list", "GET /api/documents") and case.label in ("page", "list", SEARCH):
        listed = {m for m in DOCUMENT_MARKERS if m in text}
        if listed != listed_documents(user):
            problems.append(f"lists {sorted(listed)}, expected {sorted(listed_documents(user))}")
    return problems


def _report(user: str, failures: list[tuple[Case, list[str]]]) -> str:
    lines = [f"{len(failures)} request(s) as {user} went against the matrix:"]
    for case, problems in failures:
        lines.append(f"  {case.method} {case.url}  [{case.route} · {case.label}]: {'; '.join(problems)}")
    return "\n".join(lines)


# Pages that are the same whoever asks (the API's own documentation, the probes): asked as these two only.
SAME_FOR_ALL = {"api:openapi-json", "api:openapi-view", "api:api-root", "guide:index", "guide:page", "guide:image",
                "monitoring:healthz", "monitoring:readyz", "monitoring:metrics"}


def for_user(cases: list[Case], user: str) -> list[Case]:
    """The cases asked as ``user``: anonymous callers ask one per route and method (the login check
    comes before any object is read), and only the administrator and anonymous callers ask the API's
    documentation pages."""
    if user not in ("anonymous", "sysadmin"):
        return [c for c in cases if c.route not in SAME_FOR_ALL]
    if user == "sysadmin":
        return cases
    seen, out = set(), []
    for case in cases:
        if case.public or (case.route, case.method) not in seen:
            seen.add((case.route, case.method))
            out.append(case)
    return out


# === The tests ======================================================================================

@pytest.mark.django_db
@pytest.mark.parametrize("user", USERS)
def test_every_web_page_as(user, world):
    client = _client(world, user, api=False)
    failures = [(c, p) for c in for_user(web_cases(world), user) if (p := run_case(c, world, user, client))]
    assert not failures, _report(user, failures)


@pytest.mark.django_db
@pytest.mark.parametrize("user", USERS)
def test_every_api_route_as(user, world):
    client = _client(world, user, api=True)
    failures = [(c, p) for c in for_user(api_cases(world), user) if (p := run_case(c, world, user, client))]
    assert not failures, _report(user, failures)


# === Coverage: every route of the project is in the tables above ====================================

# Django admin pages other than its index are the admin's own business (site administration).
def _skipped(name: str) -> bool:
    return name == "admin" or (name.startswith("admin:") and name != "admin:index") or name == "set_language"


def resolver_routes() -> list[tuple[str, str]]:
    """(name, pattern) of every URL pattern of the project, through every include."""
    from django.urls import URLPattern, URLResolver, get_resolver

    out = []

    def walk(resolver, prefix, namespace):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(filter(None, [namespace, p.namespace]))
                walk(p, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                out.append((":".join(filter(None, [namespace, p.name])), prefix + str(p.pattern)))

    walk(get_resolver(), "", "")
    return out


def openapi_schema(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def _as_openapi_path(pattern: str) -> str:
    import re

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern)


@pytest.mark.django_db
def test_every_page_of_the_site_is_in_the_matrix(world, client):
    api_paths = set(openapi_schema(client)["paths"])
    pages = set()
    for name, pattern in resolver_routes():
        assert name, f"a URL pattern without a name cannot be put in the matrix: {pattern}"
        if _skipped(name) or (name.startswith("api:") and _as_openapi_path(pattern) in api_paths):
            continue  # API operations are enumerated from the OpenAPI schema
        pages.add(name)
    covered = {c.route for c in web_cases(world)}
    assert pages - covered == set(), "pages missing from the matrix"
    assert covered - pages == set(), "the matrix names pages that do not exist"


@pytest.mark.django_db
def test_every_api_operation_is_in_the_matrix(world, client):
    operations = {f"{method.upper()} {path}" for path, item in openapi_schema(client)["paths"].items()
                  for method in item}
    covered = {c.route for c in api_cases(world)}
    assert operations - covered == set(), "API operations missing from the matrix"
    assert covered - operations == set(), "the matrix names API operations that do not exist"


@pytest.mark.django_db
def test_each_case_addresses_the_route_it_names(world):
    """A case's URL resolves to the page (or the API path) it is filed under, and every user named
    in the tables exists."""
    from urllib.parse import urlsplit

    from django.urls import resolve

    for case in web_cases(world) + api_cases(world):
        match = resolve(urlsplit(case.url).path)
        if case.is_api:
            assert _as_openapi_path(match.route) == case.route.split(" ", 1)[1], case
        else:
            assert match.view_name == case.route, case
        named = case.ok | case.refused | {u for u, _status in case.special}
        assert named <= set(USERS), (case, named - set(USERS))
    for readers in [*SEES.values(), *MARKER_READERS.values()]:
        assert readers <= set(USERS)
