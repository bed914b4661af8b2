"""What the multi-instance harness (``testing.instances``) runs inside one instance, as that instance's own
process on its own database (``python -m lienthong.testing.instance_node OPERATION 'JSON arguments'`` sets
Django up, then calls the operation here and prints its answer as one line of JSON).

- ``setup``: the instance's agencies (each with a văn thư, ``clerk.<key>``), the agencies of the other instances
  as confirmed external agencies (its directory), its partner rows with their shared secrets;
- ``issue``: a văn thư issues documents, each with one PDF of about ``size`` bytes, to an external agency;
- ``act``: the văn thư of an agency receives what arrived (status 03), returning some (02 with a reason);
- ``pump``: the gateway's schedule, tight: push (and pull from partners it fetches from) every ``interval``
  seconds until stopped;
- ``serve``: the whole instance in one process (setup on the first start, web server, pump);
- ``counts``: what the fault test compares (packages by state, deliveries by state, duplicates).

Everything goes through the application's services, as the web pages and the schedules do.
"""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import threading
import time
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.servers.basehttp import get_internal_wsgi_application, run
from django.db import close_old_connections
from django.db.models import Count
from django.utils import timezone

from lienthong.accounts.models import Role, User
from lienthong.accounts.services import user_create
from lienthong.agencies.models import Agency
from lienthong.agencies.services import external_agency_upsert
from lienthong.delivery import services as delivery_services
from lienthong.delivery.models import Delivery, DeliveryEvent, DeliveryState
from lienthong.demo.pdf import tiny_pdf
from lienthong.documents import services as document_services
from lienthong.documents.models import Document
from lienthong.exchange import services
from lienthong.exchange.models import InboundPackage, OutboundPackage, Partner
from lienthong.testing.builders import doc_input, make_agency, make_levels


def padded_pdf(text: str, size: int, *, seed: int = 0) -> bytes:
    """A valid one-page PDF of about ``size`` bytes: ``text`` on the page and an unreferenced hex stream of
    seeded random bytes (a scan's weight, no keyword an upload check could trip on)."""
    return tiny_pdf(text, filler_hex=random.Random(seed).randbytes(max(size - 700, 0) // 2).hex().encode())


def setup(*, agencies: list[dict], external: list[dict], partners: list[dict], password: str) -> dict:
    level = make_levels()["tinh"]
    for spec in agencies:
        agency = make_agency(spec["name"], spec["abbreviation"], level, code=spec["code"],
                             short_name=spec.get("short_name") or spec["name"], place=spec.get("place", "Hậu Giang"))
        user_create(username=f"clerk.{spec['key']}", password=password, full_name=f"Văn thư {spec['short_name']}",
                    positions=[(agency, Role.CLERK, "")])
    for spec in external:
        external_agency_upsert(identifier_code=spec["code"], name=spec["name"])
    for spec in partners:
        Partner.objects.create(**spec)
    services.system_actor()
    return {"agencies": len(agencies), "external": len(external), "partners": len(partners)}


def issue(*, agency_key: str, to_code: str, count: int, size: int, start: int = 0) -> dict:
    clerk = User.objects.get(username=f"clerk.{agency_key}")
    agency = clerk.positions.get().agency
    recipient = Agency.objects.get(identifier_code=to_code)
    identifiers = []
    for n in range(start, start + count):
        pdf = padded_pdf(f"Bao cao so {n}", size, seed=n)
        document = document_services.document_register_outgoing(
            actor=clerk, agency=agency, data=doc_input(
                "bao-cao", f"Báo cáo liên thông số {n}", issued_on=timezone.localdate(),
                files=[SimpleUploadedFile(f"bao-cao-{n}.pdf", pdf, content_type="application/pdf")],
                signer_position="Giám đốc", signer_name="Nguyễn Văn A"))
        delivery_services.delivery_send(actor=clerk, document=document, recipient_ids=[recipient.pk])
        identifiers.append((document.identifier, document.number_symbol))
    return {"issued": len(identifiers), "identifiers": [i for i, _n in identifiers],
            "number_symbols": [n for _i, n in identifiers]}


def act(*, agency_key: str, return_every: int = 0, count: bool = False) -> dict:
    """Receive every delivery that arrived at the agency (03); every ``return_every``-th document (by its number in
    the subject) is returned instead (02), so both kinds of status travel back. ``count``: the counts after."""
    clerk = User.objects.get(username=f"clerk.{agency_key}")
    agency = clerk.positions.get().agency
    done = {"received": 0, "returned": 0}
    for delivery_id, subject in (Delivery.objects.filter(recipient_agency=agency, state=DeliveryState.ARRIVED)
                                 .values_list("pk", "document__subject").order_by("pk")):
        number = int(subject.rsplit(" ", 1)[-1]) if subject.rsplit(" ", 1)[-1].isdigit() else 1
        if return_every and number % return_every == 0:
            delivery_services.delivery_return(actor=clerk, delivery_id=delivery_id, reason=f"Trả lại văn bản {number}")
            done["returned"] += 1
        else:
            delivery_services.delivery_receive(actor=clerk, delivery_id=delivery_id)
            done["received"] += 1
    return {**done, "counts": counts()} if count else done


def collect() -> dict:
    """Queue the packages of what waits in the outbox (the first step of a push), without sending them."""
    return {"queued": services.outbox_collect()}


def counts() -> dict:
    def by(qs, *fields):
        return {"/".join(str(v) for v in row[:-1]): row[-1]
                for row in qs.values_list(*fields).annotate(n=Count("pk")).order_by()}

    def duplicated(qs, *fields) -> int:
        return qs.values(*fields).annotate(n=Count("pk")).filter(n__gt=1).count()

    inbound_docs = InboundPackage.objects.filter(message_type="edoc").exclude(state="refused")
    external_docs = Document.objects.filter(agency__is_external=True)
    return {
        "outbound": by(OutboundPackage.objects.all(), "message_type", "state"),
        "inbound": by(InboundPackage.objects.all(), "message_type", "state"),
        "sent_deliveries": by(Delivery.objects.filter(recipient_agency__is_external=True), "state"),
        "received_deliveries": by(Delivery.objects.filter(sender_agency__is_external=True), "state"),
        "events_on_sent": by(DeliveryEvent.objects.filter(delivery__recipient_agency__is_external=True).exclude(
            code=""), "code"),
        "external_documents": external_docs.count(),
        "duplicate_inbound_documents": duplicated(inbound_docs, "from_organ_id", "edxml_document_id"),
        "duplicate_external_documents": duplicated(external_docs, "identifier"),
        "duplicate_received_deliveries": duplicated(Delivery.objects.filter(sender_agency__is_external=True),
                                                    "document__identifier", "recipient_agency"),
        "duplicate_status_events": duplicated(
            DeliveryEvent.objects.filter(delivery__recipient_agency__is_external=True).exclude(code=""),
            "delivery", "code"),
    }


def pump(*, interval: float = 0.2, pull: bool = False, clerk: str = "", return_every: int = 0,
         report: str = "", report_every: float = 0.5) -> dict:
    """Push (and pull) until SIGTERM, the next round at once while there was work, after ``interval`` seconds
    otherwise; each round's faults are the gateway's to handle, a crash is logged.
    ``clerk``: the key of an agency whose văn thư acts on what arrived between rounds (``act``); ``report``: a file
    the counts are written to after every round (the harness reads it instead of starting a process)."""
    stop = []
    signal.signal(signal.SIGTERM, lambda *_a: stop.append(1))
    rounds, reported = 0, 0.0
    while not stop:
        busy = False
        try:
            pushed = services.push()
            busy = bool(pushed.sent or pushed.retried)
            if pull:
                pulled = services.pull()
                busy = busy or bool(pulled.received or pulled.duplicates)
            if clerk:
                act(agency_key=clerk, return_every=return_every)
            if report and time.monotonic() - reported >= report_every:
                reported = time.monotonic()
                Path(report + ".new").write_text(json.dumps({"round": rounds, "at": time.time(), **counts()}))
                os.replace(report + ".new", report)
        except Exception:  # noqa: BLE001 - a database locked or a killed peer: the next round tries again
            logging.getLogger("lienthong.exchange").exception("pump round failed")
        close_old_connections()
        rounds += 1
        time.sleep(0.01 if busy else interval)  # straight on while there is work, as a schedule catching up
    return {"rounds": rounds}


def serve(*, port: int, setup_arguments: dict | None = None, pump_arguments: dict | None = None) -> dict:
    """The instance in one process: its setup on the first start (``setup_arguments``, skipped when the
    database has its partners already), Django's development web server (the one ``runserver`` runs, threaded) on
    ``port``, and the gateway's schedule (``pump``) in the main thread; without ``pump_arguments`` it only serves.
    Killing this process is the instance crashing."""
    if setup_arguments and not Partner.objects.exists():
        setup(**setup_arguments)
    handler = get_internal_wsgi_application()
    threading.Thread(target=run, args=("127.0.0.1", port, handler), kwargs={"threading": True},
                     daemon=True).start()
    if pump_arguments is not None:
        return pump(**pump_arguments)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_a: stop.set())
    stop.wait()
    return {}


OPERATIONS = {"setup": setup, "issue": issue, "act": act, "collect": collect, "counts": counts, "pump": pump,
              "serve": serve}
