"""Delivery of issued documents to recipient agencies, and the status each recipient reports back.

One ``Delivery`` per (outgoing document, recipient agency). Its ``state`` follows the business
status codes of QCVN 102:2016 (edxml.md §2.2): 01 arrived, 02 returned, 03 received / registered,
04 assigned, 05 in progress, 06 done; a recall adds 13 (asked), 15 (agreed), 16 (refused). Every
change is a ``DeliveryEvent`` with its code and time, which is what the sender sees: for a step of the
recipient, the recipient agency (and the department working on it), never its people's names nor its
internal notes, and only the reply the recipient chose to send back (``reply``).
Recipients outside this instance get an ``OutboxMessage`` for the inter-system exchange.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryState(models.TextChoices):
    WAITING_EXCHANGE = "waiting", _("Chờ liên thông ra ngoài")
    ARRIVED = "arrived", _("Đã đến")
    RETURNED = "returned", _("Bị trả lại")
    RECEIVED = "received", _("Đã tiếp nhận")
    REGISTERED = "registered", _("Đã vào sổ")
    ASSIGNED = "assigned", _("Đã phân công")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    DONE = "done", _("Hoàn thành")
    WITHDRAWN = "withdrawn", _("Đã gỡ (đồng ý thu hồi)")


class RecallState(models.TextChoices):
    NONE = "", _("Không")
    REQUESTED = "requested", _("Đang yêu cầu thu hồi")
    ACCEPTED = "accepted", _("Đồng ý thu hồi")
    REFUSED = "refused", _("Từ chối thu hồi")


class EventKind(models.TextChoices):
    SENT = "sent", _("Đã gửi")
    ARRIVED = "arrived", _("Đã đến")
    RETURNED = "returned", _("Trả lại")
    RECEIVED = "received", _("Đã tiếp nhận")
    REGISTERED = "registered", _("Đã vào sổ văn bản đến")
    ASSIGNED = "assigned", _("Đã phân công xử lý")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    DONE = "done", _("Hoàn thành")
    RECALL_REQUESTED = "recall_requested", _("Yêu cầu thu hồi")
    RECALL_ACCEPTED = "recall_accepted", _("Đồng ý thu hồi")
    RECALL_REFUSED = "recall_refused", _("Từ chối thu hồi")


# QCVN 102:2016 StatusCode of each event (edxml.md §2.2). "Sent" has no code of its own.
STATUS_CODES = {
    EventKind.SENT: "", EventKind.ARRIVED: "01", EventKind.RETURNED: "02", EventKind.RECEIVED: "03",
    EventKind.REGISTERED: "03", EventKind.ASSIGNED: "04", EventKind.IN_PROGRESS: "05", EventKind.DONE: "06",
    EventKind.RECALL_REQUESTED: "13", EventKind.RECALL_ACCEPTED: "15", EventKind.RECALL_REFUSED: "16",
}


# Events written by the sender's own people (their names are shown); every other event is the recipient's
# (or the system's) and shows the recipient agency instead of a person.
SENDER_KINDS = frozenset({EventKind.SENT, EventKind.RECALL_REQUESTED})


class Delivery(models.Model):
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="deliveries",
                                 verbose_name=_("văn bản đi"))
    sender_agency = models.ForeignKey("agencies.Agency", verbose_name=_("cơ quan gửi"), on_delete=models.PROTECT,
                                      related_name="+")
    recipient_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("nơi nhận"))
    state = models.CharField(_("trạng thái"), max_length=12, choices=DeliveryState.choices)
    recall_state = models.CharField(_("thu hồi"), max_length=10, choices=RecallState.choices, blank=True, default="")
    is_urgent = models.BooleanField(_("văn bản khẩn"), default=False)
    incoming_document = models.OneToOneField("documents.Document", on_delete=models.PROTECT, null=True, blank=True,
                                             related_name="delivery", verbose_name=_("văn bản đến đã vào sổ"))
    reason = models.TextField(_("lý do"), blank=True, max_length=2000)
    sent_at = models.DateTimeField(_("gửi lúc"))
    updated_at = models.DateTimeField(_("cập nhật lúc"))

    class Meta:
        ordering = ["document_id", "id"]
        verbose_name = _("gửi văn bản")
        verbose_name_plural = _("gửi văn bản")
        constraints = [models.UniqueConstraint(fields=["document", "recipient_agency"], name="delivery_unique")]
        indexes = [
            models.Index(fields=["recipient_agency", "state", "-is_urgent", "-sent_at"], name="delivery_inbox"),
            models.Index(fields=["recipient_agency", "recall_state"], name="delivery_recall"),
            models.Index(fields=["sender_agency", "-sent_at"], name="delivery_sender"),
        ]


class DeliveryEvent(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    code = models.CharField(_("mã trạng thái"), max_length=2, blank=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    actor_name = models.CharField(max_length=150, blank=True, help_text=_("Chỉ với thao tác của nơi gửi."))
    description = models.TextField(blank=True, max_length=2000)
    reply = models.TextField(_("nội dung phản hồi cho nơi gửi"), blank=True, max_length=2000)

    class Meta:
        ordering = ["delivery_id", "at", "id"]

    def party(self, recipient_name: str) -> str:
        """Who acted, as the sender reads it: for its own steps its person, for the recipient's the recipient
        agency, "" for the system's (arrival, a cancelled exchange)."""
        if self.kind in SENDER_KINDS:
            return self.actor_name
        return recipient_name if self.actor_id is not None else ""


class OutboxState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi liên thông")
    SENT = "sent", _("Đã gửi liên thông")
    FAILED = "failed", _("Gửi liên thông lỗi")


class OutboxMessage(models.Model):
    """A delivery to a body outside this instance, waiting for the inter-system exchange (edXML)."""

    delivery = models.OneToOneField(Delivery, verbose_name=_("lượt gửi"), on_delete=models.CASCADE,
                                    related_name="outbox")
    state = models.CharField(_("trạng thái"), max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tin chờ gửi ra ngoài")
        verbose_name_plural = _("tin chờ gửi ra ngoài")
        indexes = [models.Index(fields=["state", "created_at"])]


class RecipientList(models.Model):
    """A saved choice of recipients ("Các UBND huyện, thị xã, thành phố"). ``agency`` empty: shared by all."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("của cơ quan"))
    name = models.CharField(_("tên danh sách"), max_length=200)
    members = models.ManyToManyField("agencies.Agency", related_name="+", verbose_name=_("các cơ quan"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("danh sách nơi nhận")
        verbose_name_plural = _("danh sách nơi nhận")

    def __str__(self) -> str:
        return self.name
