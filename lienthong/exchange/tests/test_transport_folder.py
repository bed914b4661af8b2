"""Air-gapped exchange through folders: what one side writes, the other lists, reads and files away."""

import json
import os
from types import SimpleNamespace

import pytest

from lienthong.exchange.transports import folder as folder_module
from lienthong.exchange.transports.base import EDOC, STATUS, TransportError
from lienthong.exchange.transports.folder import FolderTransport

from .standin import ORGAN_A, ORGAN_B, small_package


@pytest.fixture
def carried(tmp_path):
    """Side A writes to ``disk``, which side B reads as its inbox (the carried disk)."""
    disk = tmp_path / "disk"
    a = FolderTransport(outbox=disk, inbox=tmp_path / "a-inbox")
    b = FolderTransport(outbox=tmp_path / "b-outbox", inbox=disk, max_bytes=10_000)
    return a, b, disk


def test_a_package_written_by_one_side_is_listed_read_and_filed_away_by_the_other(carried):
    a, b, disk = carried
    package = small_package()

    remote_id = a.send(package=package, message_type=EDOC, from_organ_id=ORGAN_A, to_organ_ids=[ORGAN_B])

    assert sorted(os.listdir(disk)) == [f"{remote_id}.edxml", f"{remote_id}.json"]  # no temporary file left
    assert json.loads((disk / f"{remote_id}.json").read_text())["to"] == [ORGAN_B]
    [waiting] = b.list_received(message_type=EDOC)
    assert (waiting.remote_id, waiting.message_type, waiting.from_organ_id, waiting.to_organ_ids) == (
        remote_id, EDOC, ORGAN_A, (ORGAN_B,))
    assert b.list_received(message_type=STATUS) == []
    assert b.fetch(remote_id) == package

    b.acknowledge(remote_id, ok=True)

    assert b.list_received(message_type=EDOC) == []
    assert (disk / "done" / f"{remote_id}.edxml").read_bytes() == package
    assert (disk / "done" / f"{remote_id}.json").exists()


def test_a_refused_package_goes_to_failed_with_its_reason(carried):
    a, b, disk = carried
    remote_id = a.send(package=small_package(), message_type=STATUS, from_organ_id=ORGAN_A, to_organ_ids=[ORGAN_B])

    b.acknowledge(remote_id, ok=False, reason="Gói tin không đúng chuẩn edXML")

    assert b.list_received(message_type=STATUS) == []
    assert (disk / "failed" / f"{remote_id}.reason.txt").read_text(encoding="utf-8") == "Gói tin không đúng chuẩn edXML"
    assert (disk / "failed" / f"{remote_id}.edxml").exists()


def test_a_package_dropped_without_sidecar_is_typed_by_its_content(carried):
    _, b, disk = carried
    (disk).mkdir()
    (disk / "by-hand.edxml").write_bytes(small_package())
    (disk / "status-by-hand.edxml").write_bytes(b"<edXML><edXML:StatusCode>03</edXML:StatusCode></edXML>")

    assert [r.remote_id for r in b.list_received(message_type=EDOC)] == ["by-hand"]
    assert [r.remote_id for r in b.list_received(message_type=STATUS)] == ["status-by-hand"]


def test_symlinks_and_paths_outside_the_folder_are_refused(carried, tmp_path):
    _, b, disk = carried
    disk.mkdir()
    secret = tmp_path / "secret.edxml"
    secret.write_bytes(small_package())
    (disk / "link.edxml").symlink_to(secret)

    assert b.list_received(message_type=EDOC) == []
    for remote_id in ("link", "../secret", "..", "/etc/passwd", ".hidden", "a/b"):
        with pytest.raises(TransportError) as refused:
            b.fetch(remote_id)
        assert refused.value.temporary is False
    with pytest.raises(TransportError):
        b.acknowledge("link", ok=True)
    assert secret.exists() and not (disk / "done").exists()

    linked_folder = tmp_path / "linked-inbox"
    linked_folder.symlink_to(disk)
    with pytest.raises(TransportError) as folder_link:
        FolderTransport(outbox=tmp_path / "out", inbox=linked_folder).list_received(message_type=EDOC)
    assert folder_link.value.message == folder_module.msg(folder_module.SYMLINK_REFUSED, path=linked_folder)


def test_packages_over_the_size_limit_are_refused(carried):
    _, b, disk = carried
    disk.mkdir()
    (disk / "big.edxml").write_bytes(b"x" * 10_001)

    with pytest.raises(TransportError) as too_large:
        b.fetch("big")
    assert too_large.value.temporary is False
    assert too_large.value.message == folder_module.msg(folder_module.TOO_LARGE, value="big", size=10_001,
                                                        limit=10_000)
    with pytest.raises(TransportError):
        FolderTransport(outbox=disk, inbox=disk, max_bytes=10).send(
            package=small_package(), message_type=EDOC, from_organ_id=ORGAN_A, to_organ_ids=[ORGAN_B])


def test_a_missing_inbox_is_a_temporary_failure_and_an_unknown_id_a_permanent_one(carried):
    _, b, disk = carried
    with pytest.raises(TransportError) as unplugged:
        b.list_received(message_type=EDOC)
    assert unplugged.value.temporary is True
    disk.mkdir()
    with pytest.raises(TransportError) as unknown:
        b.fetch("nothing-here")
    assert unknown.value.temporary is False


def test_the_partner_agency_list_shipped_in_the_folder(carried):
    _, b, disk = carried
    disk.mkdir()
    assert b.agencies() == []
    (disk / "agencies.json").write_text(json.dumps([{"code": ORGAN_A, "name": "UBND tỉnh", "pcode": ""}]),
                                        encoding="utf-8")
    [entry] = b.agencies()
    assert (entry.organ_id, entry.name) == (ORGAN_A, "UBND tỉnh")


def test_built_from_a_partner_row_whose_address_is_the_folder(tmp_path):
    transport = FolderTransport.from_partner(SimpleNamespace(base_url=f"file://{tmp_path}/trao doi", options={}))
    remote_id = transport.send(package=small_package(), message_type=EDOC, from_organ_id=ORGAN_A,
                               to_organ_ids=[ORGAN_B])
    assert (tmp_path / "trao doi" / "outbox" / f"{remote_id}.edxml").exists()
    assert transport.inbox == tmp_path / "trao doi" / "inbox"
