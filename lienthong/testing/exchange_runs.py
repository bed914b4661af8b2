"""Runs of the exchange across real instances (``testing.instances``), shared by the tests and bench/exchange.py.

``fault_run``: instance A issues documents with attachments to an agency of instance B while B (its web server
and its schedule) is killed and restarted at random moments and a faulty proxy (``testing.proxy``) sits on both
directions; B's văn thư receives or returns what arrives. It waits until everything has converged (or the time is
up) and returns the counts: what A sent, what B has, what was lost, what was duplicated, the statuses each side
sees. ``hub_run``: the same flow, without faults, from A to C through hub B. ``throughput_run``: packages per
second A → B and the time to drain a backlog once B comes back.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from lienthong.testing.instances import Cluster, Instance
from lienthong.testing.proxy import FaultyProxy


@dataclass
class Convergence:
    documents: int
    returned: int
    seconds: float = 0.0
    issue_seconds: float = 0.0
    converged: bool = False
    kills: int = 0
    proxy: dict[str, int] = field(default_factory=dict)
    sender: dict = field(default_factory=dict)
    receiver: dict = field(default_factory=dict)
    hub: dict = field(default_factory=dict)

    @property
    def received(self) -> int:
        return self.documents - self.returned

    def problems(self) -> list[str]:
        """What does not match yet (empty: converged, nothing lost, nothing duplicated)."""
        a, b, n = self.sender, self.receiver, self.documents
        expected = {
            "A: packages acknowledged": (a.get("outbound", {}).get("edoc/acknowledged", 0), n),
            "A: deliveries received by B": (a.get("sent_deliveries", {}).get("received", 0), self.received),
            "A: deliveries returned by B": (a.get("sent_deliveries", {}).get("returned", 0), self.returned),
            "A: statuses 01 seen": (a.get("events_on_sent", {}).get("01", 0), n),
            "A: statuses 03 seen": (a.get("events_on_sent", {}).get("03", 0), self.received),
            "A: statuses 02 seen": (a.get("events_on_sent", {}).get("02", 0), self.returned),
            "A: status packages applied": (a.get("inbound", {}).get("status/applied", 0), 2 * n),
            "B: packages applied": (b.get("inbound", {}).get("edoc/applied", 0), n),
            "B: documents of A": (b.get("external_documents", 0), n),
            "B: deliveries received": (b.get("received_deliveries", {}).get("received", 0), self.received),
            "B: deliveries returned": (b.get("received_deliveries", {}).get("returned", 0), self.returned),
            "B: status packages delivered": (b.get("outbound", {}).get("status/sent", 0), 2 * n),
        }
        problems = [f"{k}: {got} of {want}" for k, (got, want) in expected.items() if got != want]
        for side, counts in (("A", a), ("B", b)):
            problems += [f"{side}: {k} = {v}" for k, v in counts.items() if k.startswith("duplicate_") and v]
        return problems

    def lost(self) -> int:
        return max(self.documents - self.receiver.get("external_documents", 0), 0)

    def duplicated(self) -> int:
        return sum(v for side in (self.sender, self.receiver) for k, v in side.items() if k.startswith("duplicate_"))

    def table(self) -> str:
        rows = [("documents issued by A", self.documents), ("kills of B", self.kills),
                *((f"proxy: connections {k}", v) for k, v in sorted(self.proxy.items())),
                ("B: documents of A in the inbox", self.receiver.get("external_documents", 0)),
                ("lost", self.lost()), ("duplicated", self.duplicated()),
                ("A: statuses seen (01/03/02)", "/".join(str(self.sender.get("events_on_sent", {}).get(c, 0))
                                                           for c in ("01", "03", "02"))),
                ("converged", "yes" if self.converged else "NO"),
                ("seconds (issuing, in all)", f"{self.issue_seconds:.1f}, {self.seconds:.1f}")]
        return "\n".join(f"{k:<40} {v}" for k, v in rows)


def _wait_converged(result: Convergence, sender: Instance, receiver: Instance, *, deadline: float) -> None:
    """Until the schedules' reports say everything arrived and every status came back, and say it again in
    reports written after that (or the time is up)."""
    seen_at = None
    while time.monotonic() < deadline:
        result.sender, result.receiver = sender.report(), receiver.report()
        if result.sender and result.receiver and not result.problems():
            written = min(result.sender["at"], result.receiver["at"])
            if seen_at is not None and written > seen_at:
                result.converged = True
                break
            seen_at = seen_at or time.time()
        else:
            seen_at = None
        time.sleep(0.5)
    for side in (result.sender, result.receiver):
        side.pop("at", None)
        side.pop("round", None)


def fault_run(root: Path, *, documents: int = 150, size: int = 20_000, seed: int = 15, drop_rate: float = 0.2,
              min_kills: int = 3, return_every: int = 5, timeout: float = 600) -> Convergence:
    rng = random.Random(seed)
    started = time.monotonic()
    returned = len([n for n in range(documents) if n % return_every == 0])
    result = Convergence(documents=documents, returned=returned)
    with Cluster(root, ["a", "b"]) as cluster:
        a, b = cluster["a"], cluster["b"]
        to_b = FaultyProxy(b.port, drop_rate=drop_rate, seed=seed).start()
        to_a = FaultyProxy(a.port, drop_rate=drop_rate, seed=seed + 1).start()
        try:
            cluster.configure(via={("a", "b"): f"http://127.0.0.1:{to_b.port}",
                                   ("b", "a"): f"http://127.0.0.1:{to_a.port}"})
            a.pump_options()
            b.pump_options(clerk="stttt.b", return_every=return_every)
            cluster.start()
            issuing = True

            def chaos() -> None:  # B dies at random moments (its server and its schedule), then comes back
                while issuing or result.kills < min_kills:
                    time.sleep(rng.uniform(0.5, 3.0))
                    b.kill()
                    result.kills += 1
                    time.sleep(rng.uniform(0.2, 2.0))
                    b.start()

            killer = threading.Thread(target=chaos, daemon=True)
            killer.start()
            try:
                a.run("issue", agency_key="stttt.a", to_code=b.codes()[1], count=documents, size=size)
            finally:
                issuing = False
                killer.join(120)
            result.issue_seconds = time.monotonic() - started
            _wait_converged(result, a, b, deadline=started + timeout)
        finally:
            to_b.stop()
            to_a.stop()
            result.proxy = dict((to_b.counts + to_a.counts).items())
    result.seconds = time.monotonic() - started
    return result


def hub_run(root: Path, *, documents: int = 20, size: int = 20_000, return_every: int = 5,
            timeout: float = 300) -> Convergence:
    """A → hub B → C: A's partner is the hub (``*``), the hub pushes to A and C fetches from the hub (no address
    of its own at the hub: a member behind a firewall)."""
    started = time.monotonic()
    result = Convergence(documents=documents, returned=len([n for n in range(documents) if n % return_every == 0]))
    with Cluster(root, ["a", "b", "c"], hub="b") as cluster:
        a, hub, c = cluster["a"], cluster["b"], cluster["c"]
        cluster.configure(via={("b", "c"): ""})
        a.pump_options()
        hub.pump_options()
        c.pump_options(pull=True, clerk="stttt.c", return_every=return_every)
        cluster.start()
        a.run("issue", agency_key="stttt.a", to_code=c.codes()[1], count=documents, size=size)
        _wait_converged(result, a, c, deadline=started + timeout)
        result.hub = hub.run("counts")
    result.seconds = time.monotonic() - started
    return result


@dataclass
class Throughput:
    documents: int
    size: int
    queue_seconds: float = 0.0  # A: issuing and queueing the packages (not part of the figures below)
    sent_seconds: float = 0.0  # A's schedule started → every package handed over (transport receipts)
    applied_seconds: float = 0.0  # A's schedule started → every package applied at B
    acknowledged_seconds: float = 0.0  # A's schedule started → every 01 back at A
    cpu_seconds: float = 0.0  # CPU of both instances' processes meanwhile (web servers, schedules)

    def per_second(self, seconds: float) -> float:
        return self.documents / seconds if seconds else 0.0


def _wait_for(check, *, deadline: float, every: float = 0.2) -> float:
    started = time.monotonic()
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("the exchange did not finish in time")
        time.sleep(every)
    return time.monotonic() - started


def throughput_run(root: Path, *, documents: int, size: int = 100_000, receiver_down: bool = False,
                   server_kind: str = "gunicorn", timeout: float = 3600) -> Throughput:
    """A queues ``documents`` packages (each one document with a PDF of ``size`` bytes) for B with its schedule
    stopped (``receiver_down``: B is down meanwhile, a backlog), then A's schedule starts (and B, if it was down)
    and the clock runs until every package is handed over, applied at B, acknowledged by B's 01."""
    result = Throughput(documents=documents, size=size)
    with Cluster(root, ["a", "b"], server_kind=server_kind) as cluster:
        a, b = cluster["a"], cluster["b"]
        cluster.configure()
        a.pump_options(interval=0.5, report_every=1.0)
        b.pump_options(interval=0.5, report_every=1.0)
        pump_a, a.pump_arguments = a.pump_arguments, None  # A serves, its schedule waits
        a.start()
        if not receiver_down:
            b.start()
        started = time.monotonic()
        for first in range(0, documents, 500):
            a.run("issue", agency_key="stttt.a", to_code=b.codes()[1], count=min(500, documents - first),
                  size=size, start=first)
        a.run("collect")
        result.queue_seconds = time.monotonic() - started
        a.pump_arguments = pump_a
        deadline = time.monotonic() + timeout
        if receiver_down:
            b.start()
        started = time.monotonic()
        cpu_before = a.cpu_seconds() + b.cpu_seconds()
        a.start_pump()
        outbound = lambda: a.report().get("outbound", {})  # noqa: E731
        result.sent_seconds = _wait_for(
            lambda: outbound().get("edoc/sent", 0) + outbound().get("edoc/acknowledged", 0) >= documents,
            deadline=deadline)
        result.applied_seconds = result.sent_seconds + _wait_for(
            lambda: b.report().get("inbound", {}).get("edoc/applied", 0) >= documents, deadline=deadline)
        result.acknowledged_seconds = result.applied_seconds + _wait_for(
            lambda: outbound().get("edoc/acknowledged", 0) >= documents, deadline=deadline)
        result.cpu_seconds = a.cpu_seconds() + b.cpu_seconds() - cpu_before
    return result
