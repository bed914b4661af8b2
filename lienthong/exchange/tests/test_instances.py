"""Real instances exchanging over loopback (issue 15, item 7): each instance is its own process with its own
database and media folder (``lienthong.testing.instances``), partners of each other through the signed own
API. The short versions of the fault test and the hub run; the full fault test (10 000 documents) is
``bench/exchange.py --fault``.

The runs print their counts (``pytest -s`` shows them)."""

from __future__ import annotations

import pytest

from lienthong.testing.exchange_runs import fault_run, hub_run

# They start processes: one after another on one worker, in a group of their own, so that they run beside the
# browser tests (group "processes") rather than after them; their timeouts allow for the shared cores.
# On PostgreSQL (`make test` with DATABASE_URL) they are left out by their marker: see the Makefile.
pytestmark = [pytest.mark.xdist_group("instances"), pytest.mark.instances]


def test_nothing_is_lost_or_duplicated_while_the_receiver_crashes_and_the_network_drops_connections(tmp_path):
    result = fault_run(tmp_path, documents=100, size=10_000, seed=15, min_kills=3, timeout=900)
    print(f"\n{result.table()}")

    assert result.problems() == []
    assert result.converged
    assert (result.lost(), result.duplicated()) == (0, 0)
    # the faults did happen: the receiver died, and the proxy refused, cut requests and dropped answers
    assert result.kills >= 3
    assert all(result.proxy.get(fate, 0) > 0 for fate in ("refuse", "cut_request", "cut_answer"))
    # every status the receiver's văn thư sent back reached the sender: 01 for all, then 03 or 02
    assert result.sender["events_on_sent"] == {"01": 100, "03": 80, "02": 20}


def test_two_instances_exchange_through_a_hub_routing_by_organ_id(tmp_path):
    result = hub_run(tmp_path, documents=10, size=10_000, timeout=600)
    print(f"\n{result.table()}")

    assert result.problems() == []
    assert result.converged
    # the hub only stored and forwarded: the documents went on to C, the statuses back to A
    assert result.hub["inbound"] == {"edoc/routed": 10, "status/routed": 20}
    assert result.hub["external_documents"] == 0
