"""The exchange gateway: documents issued to external agencies leave as edXML packages, packages of other systems
come in as deliveries, and statuses travel back both ways (QCVN 102:2016; docs/decisions.md "Exchange gateway").

Out: every delivery waiting in the outbox becomes one ``OutboundPackage`` for the partner serving the recipient's
OrganId (``outbox_collect``); ``push`` hands the due ones to their transport, with exponential back-off and
jitter on temporary errors. A document with a package in transit cannot be changed (``on_document_changing``).

In: ``receive`` takes the bytes of one package (from ``pull`` or from the own-API endpoint): deduplicated, parsed,
checked (the agencies served, the attachments by ``files.check_upload``), then applied: a document becomes the
external sender's record and a delivery in each recipient agency's inbox, a status moves the sender's delivery
forward. A refused package leaves only its refusal (and a status 02 with the reason when it could be read); a
package of an unknown sender waits for an administrator to confirm the sender (``sender_confirm``).

Back: the statuses of recipients here (01 on arrival, then 02…06, 15/16) and the recalls (13) of senders here
are read from the delivery events (``statuses_collect``, run by push and pull), each event queued once.

Longer than 600 lines because the three directions (out, in, back) share the package helpers and the one refusal
path, and read best together; the directory of external agencies is in ``exchange.directory``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import User
from lienthong.accounts.services import user_create
from lienthong.agencies import services as agency_services
from lienthong.agencies.models import Agency
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core.choices import TypeKind, Urgency
from lienthong.core.errors import ValidationFailed
from lienthong.delivery import selectors as delivery_selectors
from lienthong.delivery import services as delivery_services
from lienthong.delivery.models import EventKind, OutboxState
from lienthong.documents import selectors as document_selectors
from lienthong.documents import services as document_services
from lienthong.documents.models import Document, DocumentType
from lienthong.exchange import codec, selectors
from lienthong.exchange.edxml import model as edxml
from lienthong.exchange.models import (
    InboundPackage,
    InboundState,
    MessageType,
    OutboundPackage,
    OutboundState,
    Partner,
    PartnerKind,
)
from lienthong.exchange.transports.base import TransportError
from lienthong.files import check_upload

# Reasons given back to the sender (status 02, the API's refusal) and to administrators.
NOT_SERVED = _("Hệ thống này không phục vụ cơ quan nhận %(codes)s.")
NO_RECIPIENT = _("Gói tin không có cơ quan nhận.")
UNKNOWN_DOCUMENT = _("Không tìm thấy văn bản “%(id)s” mà gói tin nhắc đến.")
SENDER_IS_LOCAL = _("Cơ quan gửi %(code)s là cơ quan của hệ thống này, không nhận qua liên thông.")
PACKAGE_TOO_LARGE = _("Gói tin lớn quá %(n)s MB.")
ATTACHMENT_REFUSED = _("Tệp đính kèm “%(name)s” bị từ chối: %(reason)s")
NO_SIGNING_KEY = _("Chưa cấu hình khóa và chứng thư số để ký gói tin (EXCHANGE_SIGNING_KEY_FILE, "
                   "EXCHANGE_SIGNING_CERT_FILE).")
SIGNATURE_REQUIRED = _("Gói tin phải được ký số (chữ ký XMLDSig) nhưng không có chữ ký.")
CANNOT_BUILD = _("Không lập được gói tin edXML: %(reason)s")
NOT_PARTNERS_ORGAN = _("Hệ thống gửi không phục vụ cơ quan gửi %(code)s.")
STATUS_NOT_EXPECTED = _("Không nhận trạng thái %(code)s cho văn bản này.")
NO_PARTNER = _("Chưa có hệ thống đối tác nào phục vụ cơ quan nhận %(code)s.")
RECIPIENT_WITHOUT_CODE = _("Cơ quan nhận chưa có mã định danh điện tử.")
IN_TRANSIT = _("Văn bản đang được gửi liên thông ra ngoài hệ thống; chưa thể thay đổi cho đến khi nơi nhận báo đã "
               "nhận hoặc việc gửi bị hủy.")
SENDER_WAITING = _("Cơ quan gửi %(code)s chưa có trong danh mục; gói tin chờ quản trị xác nhận.")
CANNOT_RETRY = _("Chỉ gửi lại được gói tin đang chờ hoặc bị lỗi.")
CANNOT_CANCEL = _("Chỉ hủy được gói tin chưa được nơi nhận báo nhận.")

SYSTEM_USERNAME = "he-thong-lien-thong"
logger = logging.getLogger("lienthong.exchange")
# Delivery events on deliveries of documents received from outside that go back to their sender as statuses,
# and those on deliveries to external agencies that go to the recipient (the sender's recall).
RECIPIENT_EVENT_KINDS = (EventKind.ARRIVED, EventKind.RETURNED, EventKind.RECEIVED, EventKind.REGISTERED,
                         EventKind.ASSIGNED, EventKind.IN_PROGRESS, EventKind.DONE, EventKind.RECALL_ACCEPTED,
                         EventKind.RECALL_REFUSED)
SENDER_EVENT_KINDS = (EventKind.RECALL_REQUESTED,)
TRANSPORTS: dict[str, str] = {
    PartnerKind.INSTANCE: "lienthong.exchange.transports.instance.InstanceTransport",
    PartnerKind.VDXP: "lienthong.exchange.transports.vdxp.VdxpTransport",
    PartnerKind.LGSP: "lienthong.exchange.transports.lgsp.LgspTransport",
    PartnerKind.FOLDER: "lienthong.exchange.transports.folder.FolderTransport",
}
_transport_overrides: dict[int, object] = {}  # partner id → transport (tests; an adapter to the test client)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_package_bytes() -> int:
    return _setting("EXCHANGE_MAX_PACKAGE_BYTES", 100 * 1024 * 1024)


def backoff_delay(attempts: int, *, rand=random.random) -> dt.timedelta:
    """Wait before the next try after ``attempts`` failed ones: base × 2^(attempts−1), at most the ceiling, with
    ±20 % jitter so that many rows failing together do not all come back at the same second."""
    base = _setting("EXCHANGE_RETRY_BASE_SECONDS", 60)
    ceiling = _setting("EXCHANGE_RETRY_MAX_SECONDS", 6 * 3600)
    delay = min(base * 2 ** max(attempts - 1, 0), ceiling)
    return dt.timedelta(seconds=delay * (0.8 + 0.4 * rand()))


def system_actor() -> User:
    """The account the gateway acts as (records of external senders, their deliveries, statuses applied)."""
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = user_create(username=SYSTEM_USERNAME, password=secrets.token_urlsafe(32),
                           full_name=str(_("Hệ thống liên thông")))
        User.objects.filter(pk=user.pk).update(is_active=False)  # nobody logs in as it
    return user


def transport_for(partner: Partner):
    """The transport of a partner: ``<class>.from_partner(partner)`` of its kind (``TRANSPORTS``)."""
    if partner.pk in _transport_overrides:
        return _transport_overrides[partner.pk]
    return import_string(TRANSPORTS[partner.kind]).from_partner(partner)


def transport_override(partner: Partner, transport) -> None:
    """Use ``transport`` for this partner (``None``: back to its kind's). For tests and benchmarks."""
    if transport is None:
        _transport_overrides.pop(partner.pk, None)
    else:
        _transport_overrides[partner.pk] = transport


def response_for(document_id: str) -> edxml.ResponseFor:
    """The ``ResponseFor`` of a status about a document, read from its DocumentId
    ("<OrganId>,<yyyy/MM/dd>,<số/ký hiệu>")."""
    organ_id, _sep, rest = document_id.partition(",")
    day, _sep, code = rest.partition(",")
    try:
        promulgation_date = dt.datetime.strptime(day.strip(), "%Y/%m/%d").date()
    except ValueError:
        promulgation_date = None
    return edxml.ResponseFor(organ_id=organ_id.strip(), code=code.strip(), promulgation_date=promulgation_date,
                             document_id=document_id)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sign(package: bytes) -> bytes:
    """The package with this instance's XML signature (``EXCHANGE_SIGNING_KEY_FILE`` and
    ``EXCHANGE_SIGNING_CERT_FILE``, PEM; ``EXCHANGE_SIGNING_KEY_PASSPHRASE``). ``SigningFailed`` when they are
    missing or unreadable."""
    from pathlib import Path

    from lienthong.exchange.edxml import signature

    key_file = getattr(settings, "EXCHANGE_SIGNING_KEY_FILE", "")
    cert_file = getattr(settings, "EXCHANGE_SIGNING_CERT_FILE", "")
    if not key_file or not cert_file:
        raise signature.SigningFailed(str(NO_SIGNING_KEY))
    try:
        key_pem, cert_pem = Path(key_file).read_bytes(), Path(cert_file).read_bytes()
    except OSError as exc:
        raise signature.SigningFailed(str(NO_SIGNING_KEY)) from exc
    passphrase = getattr(settings, "EXCHANGE_SIGNING_KEY_PASSPHRASE", "")
    return signature.sign_package(package, key_pem=key_pem, cert_pem=cert_pem,
                                  passphrase=passphrase.encode() if passphrase else None)


def _queue(*, partner: Partner, message_type: str, package: bytes, from_organ_id: str, to_organ_ids: list[str],
           **fields) -> OutboundPackage:
    """One package on its way; signed first when the partner requires signed packages (a package that cannot be
    signed is queued as failed, with the reason, for an administrator to see)."""
    from lienthong.exchange.edxml.signature import SigningFailed

    state, error = OutboundState.PENDING, ""
    if partner.sign_packages:
        try:
            package = sign(package)
        except SigningFailed as exc:
            state, error = OutboundState.FAILED, exc.message
    return OutboundPackage.objects.create(
        partner=partner, message_type=message_type, package=package, sha256=_sha(package), state=state,
        last_error=error, from_organ_id=from_organ_id, to_organ_ids=",".join(to_organ_ids)[:500],
        next_attempt_at=timezone.now() if state == OutboundState.PENDING else None, **fields)


# --- Out: documents issued to external agencies ----------------------------------------------------------------

_PRIORITY: dict[str, int] = {Urgency.NORMAL: edxml.PRIORITY_NORMAL, Urgency.URGENT: edxml.PRIORITY_URGENT,
             Urgency.VERY_URGENT: edxml.PRIORITY_VERY_URGENT, Urgency.FLASH: edxml.PRIORITY_FLASH}


def _organ(agency) -> edxml.Organ:
    return edxml.Organ(organ_id=agency.identifier_code or "", name=agency.name)


def document_attachments(*, document: Document) -> list[edxml.Attachment]:
    """The document's files (the signed PDF first) as package attachments, their bytes read from the store."""
    files: list[edxml.Attachment] = []
    for df in document_selectors.document_files(document=document):
        read = document_services.stored_file_read(stored_file=df.stored_file, filename=df.filename)
        files.append(edxml.Attachment(name=df.filename, data=read.data, content_type=df.stored_file.content_type,
                                      content_id=f"{len(files) + 1}"))
    return files


def document_package(*, document: Document, recipient,
                     attachments: list[edxml.Attachment] | None = None) -> edxml.DocumentPackage:
    """The edoc package of an issued document for one external recipient: its metadata, the issuing agency as
    From, the recipient's identifier code as To, its files (the signed PDF) as attachments (``attachments`` when
    the caller has read them already for another recipient of the same document)."""
    files = document_attachments(document=document) if attachments is None else attachments
    sender = document.agency
    identifier = document.identifier or document_services.document_identifier(
        organ_id=sender.identifier_code, issued_on=document.issued_on, number_symbol=document.number_symbol)
    return edxml.DocumentPackage(
        sender=_organ(sender), recipients=[_organ(recipient)], document_id=identifier,
        code_number=document.code_number, code_notation=document.code_notation, subject=document.subject,
        type_name=document.document_type.name, promulgation_date=document.issued_on, place=document.place[:50],
        type=1 if document.document_type.kind == TypeKind.LEGAL else 2,
        signer_competence=document.signer_authority, signer_position=document.signer_position,
        signer_name=document.signer_name, due_date=document.due_date,
        priority=_PRIORITY.get(document.urgency, edxml.PRIORITY_NORMAL), page_amount=document.page_count,
        to_places=[line.strip()[:150] for line in document.recipients_text.splitlines() if line.strip()][:50],
        business_doc_type=edxml.NEW, attachments=files,
        traces=[edxml.Trace(organ_id=sender.identifier_code or "", timestamp=timezone.now())])


def outbox_collect() -> int:
    """Queue one package per delivery waiting in the outbox that has none yet. Returns how many were queued."""
    queued = OutboundPackage.objects.filter(message_type=MessageType.EDOC, delivery_id__isnull=False).values(
        "delivery_id")
    made = 0
    # Deliveries come in id order, so the recipients of one document come together: the document and its files
    # are read once for all of them, and only one document's files are held at a time.
    current: tuple[int, Document, list[edxml.Attachment]] | None = None
    for row in delivery_selectors.deliveries_waiting_exchange(exclude_ids=queued):
        if current is None or current[0] != row["document_id"]:
            doc = Document.objects.select_related("agency", "document_type").get(pk=row["document_id"])
            current = (doc.pk, doc, document_attachments(document=doc))
        _document_id, document, attachments = current
        recipient = Agency.objects.get(pk=row["recipient_agency_id"])
        code = recipient.identifier_code or ""
        partner = selectors.partner_for(code) if code else None
        if partner is None:
            message = NO_PARTNER % {"code": code} if code else RECIPIENT_WITHOUT_CODE
            delivery_services.outbox_mark(delivery_id=row["id"], state=OutboxState.PENDING, attempts=0,
                                          last_error=str(message))
            continue
        package = document_package(document=document, recipient=recipient, attachments=attachments)
        try:
            data = codec.build_document(package)
        except edxml.EdxmlError as exc:  # our record cannot be sent as it is (say, a notation too long)
            delivery_services.outbox_mark(delivery_id=row["id"], state=OutboxState.FAILED, attempts=0,
                                          last_error=str(CANNOT_BUILD % {"reason": exc}))
            continue
        with transaction.atomic():
            _queue(partner=partner, message_type=MessageType.EDOC, package=data,
                   from_organ_id=package.sender.organ_id, to_organ_ids=[code], delivery_id=row["id"],
                   edxml_document_id=package.document_id)
        made += 1
    return made


def on_document_changing(*, document_id: int) -> None:
    """``events.DOCUMENT_CHANGING``: a document with a package on its way (queued or handed over, not yet
    acknowledged by the recipient) stays as it was sent."""
    delivery_ids = [d["id"] for d in delivery_selectors.deliveries_of_document(document_id=document_id)]
    if delivery_ids and OutboundPackage.objects.filter(
            message_type=MessageType.EDOC, delivery_id__in=delivery_ids,
            state__in=[OutboundState.PENDING, OutboundState.SENT]).exists():
        raise ValidationFailed({"document": [str(IN_TRANSIT)]})


@dataclass
class PushResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0


def push(*, partner_ids=None, now: dt.datetime | None = None) -> PushResult:
    """Queue what waits (outbox, statuses), then hand every due package to its partner's transport,
    ``EXCHANGE_PUSH_CONCURRENCY`` at a time."""
    outbox_collect()
    statuses_collect()
    result = PushResult()
    now = now or timezone.now()
    due = selectors.due_packages(now=now, partner_ids=partner_ids)
    workers = min(_setting("EXCHANGE_PUSH_CONCURRENCY", 4), len(due))
    if workers <= 1 or connection.in_atomic_block:  # inside a caller's transaction: one connection, in turn
        for package in due:
            _send_guarded(package, result, now=now)
        return result
    # Several sends at once: the partner's answer takes most of a send's time (it applies the package before it
    # answers). Each thread has its own database connection, closed when its send is done.
    from concurrent.futures import ThreadPoolExecutor

    def send(package: OutboundPackage) -> PushResult:
        own = PushResult()
        try:
            _send_guarded(package, own, now=now)
        finally:
            connection.close()
        return own

    with ThreadPoolExecutor(workers, thread_name_prefix="exchange-push") as pool:
        for own in pool.map(send, due):
            for name in ("sent", "retried", "failed", "cancelled"):
                setattr(result, name, getattr(result, name) + getattr(own, name))
    return result


def _send_guarded(package: OutboundPackage, result: PushResult, *, now: dt.datetime) -> None:
    try:
        _send_one(package, result, now=now)
    except Exception:  # noqa: BLE001 - one package's fault must not stop the others; it is retried after its lease
        logger.exception("Sending exchange package %s failed", package.pk)
        result.retried += 1


def _send_one(package: OutboundPackage, result: PushResult, *, now: dt.datetime) -> None:
    # Claim the row: of two pushers at once only one sends it (the lease ends when this try is recorded).
    lease = now + dt.timedelta(seconds=_setting("EXCHANGE_SEND_LEASE_SECONDS", 600))
    if not OutboundPackage.objects.filter(pk=package.pk, state=OutboundState.PENDING, attempts=package.attempts,
                                          next_attempt_at=package.next_attempt_at).update(next_attempt_at=lease):
        return
    if package.delivery_id is not None and package.message_type == MessageType.EDOC:
        brief = delivery_selectors.delivery_brief(delivery_id=package.delivery_id)
        if brief is None or brief["state"] == "withdrawn":  # recalled before it left
            OutboundPackage.objects.filter(pk=package.pk).update(state=OutboundState.CANCELLED)
            result.cancelled += 1
            return
    attempts = package.attempts + 1
    try:
        remote_id = transport_for(package.partner).send(
            package=bytes(package.package), message_type=package.message_type, from_organ_id=package.from_organ_id,
            to_organ_ids=[c for c in package.to_organ_ids.split(",") if c])
    except TransportError as exc:
        give_up = not exc.temporary or attempts >= _setting("EXCHANGE_MAX_ATTEMPTS", 15)
        # Only the row this push claimed (still pending): the recipient's receipt may have come in meanwhile (its
        # answer to us was lost), and an acknowledged package is neither sent again nor shown as failing.
        if not OutboundPackage.objects.filter(pk=package.pk, state=OutboundState.PENDING).update(
                attempts=attempts, last_error=exc.message[:2000],
                state=OutboundState.FAILED if give_up else OutboundState.PENDING,
                next_attempt_at=None if give_up else timezone.now() + backoff_delay(attempts)):
            return
        if package.delivery_id is not None and package.message_type == MessageType.EDOC:
            delivery_services.outbox_mark(delivery_id=package.delivery_id,
                                          state=OutboxState.FAILED if give_up else OutboxState.PENDING,
                                          attempts=attempts, last_error=exc.message)
        if give_up:
            result.failed += 1
        else:
            result.retried += 1
        return
    # Sent, unless the recipient's receipt came in while we waited for its answer (then acknowledged stays).
    if not OutboundPackage.objects.filter(pk=package.pk, state=OutboundState.PENDING).update(
            state=OutboundState.SENT, attempts=attempts, remote_id=str(remote_id)[:200], sent_at=timezone.now(),
            last_error="", next_attempt_at=None):
        OutboundPackage.objects.filter(pk=package.pk).update(attempts=attempts, remote_id=str(remote_id)[:200],
                                                             sent_at=timezone.now(), last_error="")
    if package.delivery_id is not None and package.message_type == MessageType.EDOC:
        delivery_services.outbox_mark(delivery_id=package.delivery_id, state=OutboxState.SENT, attempts=attempts)
    result.sent += 1


def package_retry(*, actor, package_id: int) -> OutboundPackage:
    """An administrator sends a pending or failed package again now."""
    package = OutboundPackage.objects.get(pk=package_id)
    if package.state not in (OutboundState.PENDING, OutboundState.FAILED):
        raise ValidationFailed({"state": [str(CANNOT_RETRY)]})
    OutboundPackage.objects.filter(pk=package.pk).update(state=OutboundState.PENDING, next_attempt_at=timezone.now())
    audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="exchange_package", obj_id=package.pk,
              summary=str(_("Gửi lại gói tin liên thông")))
    package.refresh_from_db()
    return package


def package_cancel(*, actor, package_id: int) -> OutboundPackage:
    """An administrator stops a package that was not acknowledged (its document is no longer locked by it)."""
    package = OutboundPackage.objects.get(pk=package_id)
    if not OutboundPackage.objects.filter(pk=package.pk, state__in=[
            OutboundState.PENDING, OutboundState.FAILED, OutboundState.SENT]).update(state=OutboundState.CANCELLED):
        raise ValidationFailed({"state": [str(CANNOT_CANCEL)]})
    if package.delivery_id is not None and package.message_type == MessageType.EDOC:
        delivery_services.outbox_mark(delivery_id=package.delivery_id, state=OutboxState.FAILED,
                                      attempts=package.attempts, last_error=str(_("Quản trị đã hủy gửi.")))
    audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="exchange_package", obj_id=package.pk,
              summary=str(_("Hủy gửi gói tin liên thông")))
    package.refresh_from_db()
    return package


# --- In: packages from other systems ---------------------------------------------------------------------------

@dataclass
class Outcome:
    """What became of a received package: ``ok`` False with the ``reason`` when refused."""

    ok: bool
    state: str
    inbound_id: int | None = None
    reason: str = ""
    duplicate: bool = False


def _refuse(*, partner: Partner | None, sha: str, reason, package=None, remote_id: str = "") -> Outcome:
    """Keep only the refusal; answer a readable document package with status 02 and the reason."""
    reason = str(reason)[:2000]
    fields = {}
    if isinstance(package, edxml.DocumentPackage):
        fields = {"message_type": MessageType.EDOC, "from_organ_id": package.sender.organ_id[:64],
                  "edxml_document_id": package.document_id[:300],
                  "to_organ_ids": ",".join(r.organ_id for r in package.recipients)[:500]}
    elif isinstance(package, edxml.StatusPackage):
        fields = {"message_type": MessageType.STATUS, "from_organ_id": package.sender.organ_id[:64],
                  "edxml_document_id": package.response_for.document_id[:300], "status_code": package.status_code}
    with transaction.atomic():
        row = InboundPackage.objects.create(partner=partner, remote_id=remote_id[:200], sha256=sha,
                                            state=InboundState.REFUSED, reason=reason, **fields)
        if isinstance(package, edxml.DocumentPackage) and package.sender.organ_id:
            answer_to = partner or selectors.partner_for(package.sender.organ_id)
            code = package.recipients[0].organ_id if package.recipients else ""
            if answer_to is not None and code:
                ours = selectors.agency_by_code(code)
                about = edxml.Organ(organ_id=code, name=ours.name if ours is not None else code)
                status = edxml.StatusPackage(
                    sender=about, status_code="02", timestamp=timezone.now(), description=reason,
                    response_for=response_for(package.document_id))
                _queue(partner=answer_to, message_type=MessageType.STATUS, package=codec.build_status(status),
                       from_organ_id=about.organ_id, to_organ_ids=[package.sender.organ_id],
                       edxml_document_id=package.document_id, status_code="02")
    return Outcome(ok=False, state=InboundState.REFUSED, inbound_id=row.pk, reason=reason)


def receive(*, partner: Partner | None, data: bytes, remote_id: str = "") -> Outcome:
    """Take one package: deduplicate, parse, check, apply (or route, as a hub; or keep waiting for its sender)."""
    sha = _sha(data)
    if len(data) > max_package_bytes():
        return _refuse(partner=partner, sha=sha, remote_id=remote_id,
                       reason=PACKAGE_TOO_LARGE % {"n": max_package_bytes() // (1024 * 1024)})
    try:
        package = codec.parse_package(data)
    except edxml.EdxmlError as exc:
        return _refuse(partner=partner, sha=sha, remote_id=remote_id, reason=str(exc))
    document_id = (package.document_id if isinstance(package, edxml.DocumentPackage)
                   else package.response_for.document_id)
    known = (InboundPackage.objects.filter(from_organ_id=package.sender.organ_id[:64],
                                           edxml_document_id=document_id[:300], sha256=sha)
             .exclude(state=InboundState.REFUSED).first())
    if known is not None:
        return Outcome(ok=True, state=known.state, inbound_id=known.pk, duplicate=True)
    if problem := _signature_problem(partner, package, data):
        return _refuse(partner=partner, sha=sha, remote_id=remote_id, package=package, reason=problem)
    if partner is not None and not _may_speak_for(partner, package.sender.organ_id):
        return _refuse(partner=partner, sha=sha, remote_id=remote_id, package=package,
                       reason=NOT_PARTNERS_ORGAN % {"code": package.sender.organ_id})
    try:
        if isinstance(package, edxml.DocumentPackage):
            return _receive_document(partner=partner, package=package, data=data, sha=sha, remote_id=remote_id)
        return _receive_status(partner=partner, package=package, data=data, sha=sha, remote_id=remote_id)
    except IntegrityError:  # the same package taken at this instant by another puller
        known = InboundPackage.objects.filter(from_organ_id=package.sender.organ_id[:64],
                                              edxml_document_id=document_id[:300], sha256=sha).first()
        return Outcome(ok=True, state=known.state if known else "", inbound_id=known.pk if known else None,
                       duplicate=True)


def _signature_problem(partner: Partner | None, package: edxml.Package, data: bytes) -> str:
    """Why the package's XML signature is refused: missing when the partner must sign, or not valid (checked
    against the partner's registered certificate when it has one); "" when acceptable."""
    from lienthong.exchange.edxml import signature

    required = partner is not None and partner.sign_packages
    if not getattr(package, "has_signature", False) and b"Signature" not in data:
        return str(SIGNATURE_REQUIRED) if required else ""
    check = signature.verify_package(data, certificate_pem=(partner.certificate.encode()
                                                            if partner is not None and partner.certificate else None))
    if check.state == signature.INVALID:
        return str(check.reason)
    if check.state == signature.UNSIGNED and required:
        return str(SIGNATURE_REQUIRED)
    return ""


def _may_speak_for(partner: Partner, organ_id: str) -> bool:
    """A partner sends for the agencies it serves (all but ours when it is a hub or the axis: ``*``)."""
    served = partner.served_organ_ids()
    return organ_id in served or selectors.WILDCARD in served


def _attachment_problem(package: edxml.DocumentPackage) -> str:
    for attachment in package.attachments:
        try:
            check_upload(attachment.data, name=attachment.name)
        except ValidationFailed as exc:
            return str(ATTACHMENT_REFUSED % {"name": attachment.name, "reason": exc.message})
    return ""


def _receive_document(*, partner, package: edxml.DocumentPackage, data: bytes, sha: str, remote_id: str) -> Outcome:
    to_ids = [r.organ_id for r in package.recipients if r.organ_id]
    if not to_ids:
        return _refuse(partner=partner, sha=sha, reason=NO_RECIPIENT, package=package, remote_id=remote_id)
    local = selectors.agencies_served(to_ids)
    routes: dict[str, Partner] = {}
    if selectors.is_hub():
        for code in to_ids:
            if code not in local and (route := selectors.partner_for(code, exclude_id=partner.pk if partner
                                                                      else None)) is not None:
                routes[code] = route
    missing = [c for c in to_ids if c not in local and c not in routes]
    if not local and not routes:
        return _refuse(partner=partner, sha=sha, reason=NOT_SERVED % {"codes": ", ".join(missing)}, package=package,
                       remote_id=remote_id)
    if local and (problem := _attachment_problem(package)):
        return _refuse(partner=partner, sha=sha, reason=problem, package=package, remote_id=remote_id)
    if local and package.business_doc_type in (edxml.REVOKE, edxml.UPDATE, edxml.REPLACE):
        earlier_id = package.business_document_id or (package.replacements[0].document_id
                                                       if package.replacements else "")
        earlier = (InboundPackage.objects.filter(message_type=MessageType.EDOC, state=InboundState.APPLIED,
                                                 from_organ_id=package.sender.organ_id, edxml_document_id=earlier_id)
                   .order_by("pk").first())
        if earlier is None:
            return _refuse(partner=partner, sha=sha, reason=UNKNOWN_DOCUMENT % {"id": earlier_id}, package=package,
                           remote_id=remote_id)
    sender = selectors.agency_by_code(package.sender.organ_id)
    if local and sender is not None and not sender.is_external:
        return _refuse(partner=partner, sha=sha, reason=SENDER_IS_LOCAL % {"code": package.sender.organ_id},
                       package=package, remote_id=remote_id)
    with transaction.atomic():
        row = InboundPackage.objects.create(
            partner=partner, message_type=MessageType.EDOC, remote_id=remote_id[:200],
            from_organ_id=package.sender.organ_id[:64], to_organ_ids=",".join(to_ids)[:500],
            edxml_document_id=package.document_id[:300], business_doc_type=package.business_doc_type, sha256=sha,
            package=data, state=InboundState.RECEIVED)
        for code, route in routes.items():
            _queue(partner=route, message_type=MessageType.EDOC, package=data, from_organ_id=package.sender.organ_id,
                   to_organ_ids=[code], routed_from=row, edxml_document_id=package.document_id)
        if not local:
            row.state = InboundState.ROUTED
            row.save(update_fields=["state", "updated_at"])
            return Outcome(ok=True, state=row.state, inbound_id=row.pk)
        if sender is None or not sender.is_active:
            if sender is None:
                agency_services.external_agency_upsert(identifier_code=package.sender.organ_id,
                                                       name=package.sender.name, pending=True)
            row.state = InboundState.WAITING
            row.reason = str(SENDER_WAITING % {"code": package.sender.organ_id})
            row.save(update_fields=["state", "reason", "updated_at"])
            return Outcome(ok=True, state=row.state, inbound_id=row.pk)
        # In the same transaction: a package is never left taken but not applied.
        return _apply_document(row, package=package, partner=partner, sha=sha, local=local, sender=sender)


def _document_type(name: str) -> DocumentType:
    """The type of the catalogue named as the package names it, else Công văn (the catalogue always has it)."""
    found = DocumentType.objects.filter(name__iexact=name.strip()).first() if name.strip() else None
    return found or DocumentType.objects.get(code="cong-van")


def _apply_document(row: InboundPackage, *, package: edxml.DocumentPackage, partner, sha: str,
                    local: dict[str, Agency] | None = None, sender: Agency | None = None) -> Outcome:
    """Turn a received document package into the sender's record and one delivery per recipient served here
    (or, for a revoke / update / replacement, record it against the earlier package)."""
    actor = system_actor()
    if local is None:  # read already when the package has just been taken (not when it waited for its sender)
        local = selectors.agencies_served([r.organ_id for r in package.recipients])
    if package.business_doc_type in (edxml.REVOKE, edxml.UPDATE, edxml.REPLACE):
        earlier_id = package.business_document_id or (package.replacements[0].document_id
                                                       if package.replacements else "")
        earlier = (InboundPackage.objects.filter(message_type=MessageType.EDOC, state=InboundState.APPLIED,
                                                 from_organ_id=package.sender.organ_id, edxml_document_id=earlier_id)
                   .order_by("pk").first())
        with transaction.atomic():
            if earlier is not None and package.business_doc_type == edxml.REVOKE and earlier.document_id:
                delivery_services.delivery_recall_request_external(
                    actor=actor, document_id=earlier.document_id, reason=package.business_reason)
            InboundPackage.objects.filter(pk=row.pk).update(state=InboundState.APPLIED, related=earlier,
                                                            reason=package.business_reason[:2000])
        return Outcome(ok=True, state=InboundState.APPLIED, inbound_id=row.pk)
    uploads = [SimpleUploadedFile(a.name or "tep-dinh-kem", a.data) for a in package.attachments]
    try:
        files = document_services.files_read(uploads) if uploads else []
        sender = sender or selectors.agency_by_code(package.sender.organ_id)
        assert sender is not None
        number_symbol = "/".join(p for p in (package.code_number, package.code_notation) if p)
        issued_on = package.promulgation_date or timezone.localdate()
        with transaction.atomic():
            document = document_services.document_record_external(
                actor=actor, agency=sender, document_type=_document_type(package.type_name),
                number_symbol=number_symbol, identifier=package.document_id, issued_on=issued_on,
                subject=package.subject or number_symbol, files=files, place=package.place,
                urgency=Urgency.URGENT if (package.priority or 0) >= edxml.PRIORITY_URGENT else Urgency.NORMAL,
                signer_position=package.signer_position, signer_name=package.signer_name,
                recipients_text="\n".join(package.to_places), due_date=package.due_date)
            delivery_services.delivery_send(actor=actor, document=document,
                                            recipient_ids=[a.pk for a in local.values()])
            InboundPackage.objects.filter(pk=row.pk).update(state=InboundState.APPLIED, document=document, reason="")
    except ValidationFailed as exc:
        InboundPackage.objects.filter(pk=row.pk).delete()
        return _refuse(partner=partner, sha=sha, reason=exc.message, package=package, remote_id=row.remote_id)
    transaction.on_commit(statuses_collect)  # 01 back to the sender without waiting for the next run
    return Outcome(ok=True, state=InboundState.APPLIED, inbound_id=row.pk)


def _receive_status(*, partner, package: edxml.StatusPackage, data: bytes, sha: str, remote_id: str) -> Outcome:
    ref, code, organ = package.response_for.document_id, package.status_code, package.sender.organ_id
    about = package.response_for.organ_id
    if selectors.is_hub() and about and not selectors.agencies_served([about]):
        route = selectors.partner_for(about, exclude_id=partner.pk if partner else None)
        if route is not None:  # a hub forwards the status to the member that serves the document's sender
            with transaction.atomic():
                row = InboundPackage.objects.create(
                    partner=partner, message_type=MessageType.STATUS, remote_id=remote_id[:200],
                    from_organ_id=organ[:64], to_organ_ids=about[:500], edxml_document_id=ref[:300],
                    status_code=code, sha256=sha, package=data, state=InboundState.ROUTED)
                _queue(partner=route, message_type=MessageType.STATUS, package=data, from_organ_id=organ,
                       to_organ_ids=[about], routed_from=row, edxml_document_id=ref, status_code=code)
            return Outcome(ok=True, state=row.state, inbound_id=row.pk)
    actor = system_actor()
    sent = (OutboundPackage.objects.filter(message_type=MessageType.EDOC, edxml_document_id=ref,
                                           delivery_id__isnull=False, to_organ_ids__contains=organ)
            .order_by("-pk").first()) if ref and organ else None
    received = None
    if sent is None and ref:
        received = (InboundPackage.objects.filter(message_type=MessageType.EDOC, state=InboundState.APPLIED,
                                                  from_organ_id=organ, edxml_document_id=ref)
                    .exclude(document=None).order_by("pk").first())
    if partner is not None and sent is not None and sent.partner_id != partner.pk:
        sent = None
    if partner is not None and received is not None and received.partner_id != partner.pk:
        received = None
    if sent is None and received is None:
        return _refuse(partner=partner, sha=sha, reason=UNKNOWN_DOCUMENT % {"id": ref}, package=package,
                       remote_id=remote_id)
    expected = delivery_services.EXTERNAL_STATUS_CODES if sent is not None else {"13"}
    if code not in expected:
        return _refuse(partner=partner, sha=sha, reason=STATUS_NOT_EXPECTED % {"code": code}, package=package,
                       remote_id=remote_id)
    with transaction.atomic():
        row = InboundPackage.objects.create(
            partner=partner, message_type=MessageType.STATUS, remote_id=remote_id[:200], from_organ_id=organ[:64],
            edxml_document_id=ref[:300], status_code=code, sha256=sha, state=InboundState.APPLIED,
            reason=package.description[:2000])
        if sent is not None:
            assert sent.delivery_id is not None
            # Recorded at its arrival here: the partner's clock (seconds, Vietnam time, maybe skewed) must not
            # put a step before the sending in the tracking panel.
            delivery_services.delivery_apply_external_status(
                actor=actor, delivery_id=sent.delivery_id, code=code, description=package.description)
            if code != "02":  # the business receipt: the recipient has the document
                OutboundPackage.objects.filter(pk=sent.pk, state__in=[OutboundState.SENT, OutboundState.PENDING]
                                               ).update(state=OutboundState.ACKNOWLEDGED)
        else:
            assert received is not None and received.document_id is not None
            delivery_services.delivery_recall_request_external(actor=actor, document_id=received.document_id,
                                                               reason=package.description)
    return Outcome(ok=True, state=row.state, inbound_id=row.pk)


def sender_confirm(*, actor, agency_id: int) -> int:
    """An administrator confirms a pending external agency; the packages that waited for it are applied.
    Returns how many were applied."""
    agency = agency_services.external_agency_confirm(agency_id=agency_id)
    audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="agency", obj_id=agency.pk,
              summary=str(_("Xác nhận cơ quan gửi liên thông %(c)s") % {"c": agency.identifier_code}))
    applied = 0
    for row in InboundPackage.objects.filter(state=InboundState.WAITING, from_organ_id=agency.identifier_code
                                             ).order_by("pk"):
        data = bytes(row.package or b"")
        package = codec.parse_package(data)
        assert isinstance(package, edxml.DocumentPackage)
        if _apply_document(row, package=package, partner=row.partner, sha=row.sha256).ok:
            applied += 1
    return applied


# --- Back: statuses of recipients here, recalls of senders here --------------------------------------------------

def statuses_collect() -> int:
    """Queue one status package per delivery event not sent yet: recipients' steps on documents received from
    outside (01 on arrival … 06, 02, 15/16) to their sender, senders' recalls (13) to external recipients."""
    queued = OutboundPackage.objects.filter(delivery_event_id__isnull=False).values("delivery_event_id")
    received_rows = InboundPackage.objects.filter(message_type=MessageType.EDOC, state=InboundState.APPLIED,
                                                  document__isnull=False, related__isnull=True)
    sent_rows = OutboundPackage.objects.filter(message_type=MessageType.EDOC, delivery_id__isnull=False).exclude(
        state=OutboundState.CANCELLED)
    # The database narrows the events (subqueries); only the packages they concern are read.
    events = delivery_selectors.delivery_events_for_exchange(
        document_ids=received_rows.values("document_id"), kinds=RECIPIENT_EVENT_KINDS, exclude_ids=queued)
    events += delivery_selectors.delivery_events_for_exchange(
        delivery_ids=sent_rows.values("delivery_id"), kinds=SENDER_EVENT_KINDS, exclude_ids=queued)
    if not events:
        return 0
    received = {row.document_id: row for row in received_rows.filter(
        document_id__in={e["delivery__document_id"] for e in events}).select_related("partner")}
    sent = {row.delivery_id: row for row in sent_rows.filter(
        delivery_id__in={e["delivery_id"] for e in events}).select_related("partner")}
    made = 0
    agencies: dict[int, Agency] = {}

    def agency(pk: int) -> Agency:
        if pk not in agencies:
            agencies[pk] = Agency.objects.get(pk=pk)
        return agencies[pk]

    for event in events:
        inbound = received.get(event["delivery__document_id"])
        outbound = sent.get(event["delivery_id"])
        if event["kind"] in SENDER_EVENT_KINDS and outbound is not None:
            source = agency(event["delivery__sender_agency_id"])
            partner: Partner | None = outbound.partner
            to_ids = [c for c in outbound.to_organ_ids.split(",") if c]
            about = response_for(outbound.edxml_document_id)
        elif inbound is not None:
            source = agency(event["delivery__recipient_agency_id"])
            partner = inbound.partner or selectors.partner_for(inbound.from_organ_id)
            to_ids = [inbound.from_organ_id]
            about = response_for(inbound.edxml_document_id)
        else:
            continue
        if partner is None:
            continue
        description = event["reply"] or event["description"] or str(EventKind(event["kind"]).label)
        status = edxml.StatusPackage(sender=_organ(source), response_for=about, status_code=event["code"],
                                     timestamp=event["at"], description=description[:2000])
        try:
            data = codec.build_status(status)
        except edxml.EdxmlError:
            logger.exception("Status of delivery event %s cannot be built", event["id"])
            continue
        try:
            with transaction.atomic():
                _queue(partner=partner, message_type=MessageType.STATUS, package=data,
                       from_organ_id=source.identifier_code or "", to_organ_ids=to_ids,
                       edxml_document_id=about.document_id, status_code=event["code"],
                       delivery_id=event["delivery_id"], delivery_event_id=event["id"])
            made += 1
        except IntegrityError:  # queued meanwhile by another run
            continue
    return made


# --- Pull -----------------------------------------------------------------------------------------------------

@dataclass
class PullResult:
    received: int = 0
    duplicates: int = 0
    refused: int = 0
    errors: int = 0


def pull(*, partner_ids=None) -> PullResult:
    """Fetch what waits at every active partner with an address, take each package, acknowledge it (ok, or the
    reason of the refusal); then queue the statuses that follow."""
    result = PullResult()
    partners = Partner.objects.filter(is_active=True).exclude(base_url="")
    if partner_ids is not None:
        partners = partners.filter(pk__in=list(partner_ids))
    for partner in partners:
        try:
            transport = transport_for(partner)
            for message_type in (MessageType.EDOC, MessageType.STATUS):
                for waiting in transport.list_received(message_type=message_type):
                    outcome = receive(partner=partner, data=transport.fetch(waiting.remote_id),
                                      remote_id=waiting.remote_id)
                    transport.acknowledge(waiting.remote_id, ok=outcome.ok, reason=outcome.reason)
                    if outcome.duplicate:
                        result.duplicates += 1
                    elif outcome.ok:
                        result.received += 1
                    else:
                        result.refused += 1
        except TransportError:
            result.errors += 1
        except Exception:  # noqa: BLE001 - one partner's fault must not stop the others; logged for the admin
            logger.exception("Pull from partner %s failed", partner.pk)
            result.errors += 1
    statuses_collect()
    return result


# --- What a partner that fetches from us reads (own-API endpoints) -----------------------------------------------

def partner_acknowledge(*, partner: Partner, package_id: int, ok: bool, reason: str = "") -> bool:
    """A partner took (or could not take) a package waiting for it; afterwards it is no longer listed."""
    return bool(OutboundPackage.objects.filter(pk=package_id, partner=partner, state__in=[
        OutboundState.PENDING, OutboundState.SENT]).update(
        state=OutboundState.SENT if ok else OutboundState.FAILED, sent_at=timezone.now(),
        last_error="" if ok else reason[:2000], attempts=1))
