"""The VDXP client against the local stand-in, which checks the signed headers as a strict platform would."""

import datetime as dt
import hashlib
import hmac
import json
import re
from types import SimpleNamespace

import pytest

from lienthong.exchange.transports import vdxp
from lienthong.exchange.transports.base import EDOC, STATUS, TransportError
from lienthong.exchange.transports.vdxp import VdxpTransport, sdk_file_hash, sdk_timestamp, sign_headers

from .standin import (
    ORGAN_A,
    ORGAN_B,
    SECRET_A,
    SECRET_B,
    SYSTEM_A,
    SYSTEM_B,
    closed_port_url,
    small_package,
)


def client(standin, system=SYSTEM_A, secret=SECRET_A, **options):
    options.setdefault("timeout", 5)
    return VdxpTransport(base_url=standin.url + "/vdxp", system_id=system, secret_key=secret, **options)


def test_a_package_sent_by_one_system_is_listed_fetched_and_acknowledged_at_the_other(standin):
    a, b = client(standin), client(standin, SYSTEM_B, SECRET_B)
    package = small_package()

    doc_id = a.send(package=package, message_type=EDOC, from_organ_id=ORGAN_A, to_organ_ids=[ORGAN_B])

    waiting = b.list_received(message_type=EDOC)
    assert [(r.remote_id, r.message_type, r.from_organ_id, r.to_organ_ids) for r in waiting] == [
        (doc_id, EDOC, ORGAN_A, (ORGAN_B,))]
    assert waiting[0].created_at is not None
    assert b.list_received(message_type=STATUS) == []
    assert a.list_received(message_type=EDOC) == []  # the sender is not a recipient
    assert b.fetch(doc_id) == package

    b.acknowledge(doc_id, ok=True)

    assert b.list_received(message_type=EDOC) == []
    [sent] = a.sent(message_type=EDOC)
    assert (sent.sender_doc_id, sent.to_organ_id, sent.receive_status) == (doc_id, ORGAN_B, "done")


def test_status_packages_and_a_failed_acknowledgement(standin):
    a, b = client(standin), client(standin, SYSTEM_B, SECRET_B)
    doc_id = a.send(package=small_package(), message_type=STATUS, from_organ_id=ORGAN_A, to_organ_ids=[])

    assert [r.remote_id for r in b.list_received(message_type=STATUS)] == [doc_id]  # routed by the edXML To
    b.acknowledge(doc_id, ok=False, reason="Gói tin hỏng")
    assert b.list_received(message_type=STATUS) == []
    assert standin.stored[0].status == "fail"


def test_every_call_carries_the_signed_headers_of_the_sdk(standin):
    moment = dt.datetime(2026, 3, 5, 1, 2, 3, 45000, tzinfo=dt.UTC)
    headers = sign_headers({"systemid": SYSTEM_A, "timestamp": sdk_timestamp(moment), "docId": "42"}, SECRET_A)

    assert headers["XroadVnpt-timestamp"] == "05032026T080203+0045"  # Vietnam time, milliseconds on 4 digits
    assert headers["XroadVnpt-sign-header-key"] == "systemid;timestamp;docId"
    assert json.loads(headers["XroadVnpt-sign-header"]) == {
        "XroadVnpt-systemid": SYSTEM_A, "XroadVnpt-timestamp": "05032026T080203+0045", "XroadVnpt-docId": "42"}
    expected = hmac.new(SECRET_A.encode(), headers["XroadVnpt-sign-header"].encode(), hashlib.sha256).hexdigest()
    assert headers["XroadVnpt-hash-header"] == expected
    assert re.fullmatch(r"[0-9a-f]{64}", expected)


def _content_with_a_small_digest_byte() -> bytes:
    for n in range(1000):
        data = small_package(subject=f"Thử {n}")
        if min(hashlib.sha256(data).digest()) < 0x10:
            return data
    raise AssertionError("no such content")


def test_the_file_hash_follows_the_sdk_quirk_unless_told_otherwise(standin):
    data = _content_with_a_small_digest_byte()
    digest = hashlib.sha256(data).digest()

    assert sdk_file_hash(data) == "".join(f"{byte:x}" for byte in digest)
    assert len(sdk_file_hash(data)) < 64
    assert sdk_file_hash(data, zero_padding=True) == digest.hex()

    # The stand-in checks the quirky form (as the SDK sends it): the padded form is refused, permanently.
    with pytest.raises(TransportError) as refused:
        client(standin, hash_file_zero_padding=True).send(package=data, message_type=EDOC, from_organ_id=ORGAN_A,
                                                          to_organ_ids=[ORGAN_B])
    assert refused.value.temporary is False
    standin.hash_file_zero_padding = True
    assert client(standin, hash_file_zero_padding=True).send(package=data, message_type=EDOC,
                                                             from_organ_id=ORGAN_A, to_organ_ids=[ORGAN_B])


def test_a_wrong_secret_is_a_permanent_refusal(standin):
    with pytest.raises(TransportError) as refused:
        client(standin, secret="not-the-secret").list_received(message_type=EDOC)
    assert refused.value.temporary is False
    assert str(vdxp.VDXP_NAME) in refused.value.message


def test_a_clock_outside_the_platform_window_is_refused(standin):
    late = client(standin, clock=lambda: dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    with pytest.raises(TransportError) as refused:
        late.list_received(message_type=EDOC)
    assert refused.value.temporary is False


def test_an_unknown_recipient_is_refused_with_the_platform_reason(standin):
    with pytest.raises(TransportError) as refused:
        client(standin).send(package=small_package(to=("000.00.99.H99",)), message_type=EDOC,
                             from_organ_id=ORGAN_A, to_organ_ids=["000.00.99.H99"])
    assert refused.value.temporary is False
    assert "18" in refused.value.message
    assert standin.stored == []


def test_a_platform_that_is_down_or_overloaded_is_a_temporary_failure(standin):
    down = VdxpTransport(base_url=closed_port_url(), system_id=SYSTEM_A, secret_key=SECRET_A, timeout=2)
    with pytest.raises(TransportError) as unreachable:
        down.agencies()
    assert unreachable.value.temporary is True

    standin.fail_next(503)
    with pytest.raises(TransportError) as overloaded:
        client(standin).send(package=small_package(), message_type=EDOC, from_organ_id=ORGAN_A,
                             to_organ_ids=[ORGAN_B])
    assert overloaded.value.temporary is True
    assert standin.stored == []
    assert client(standin).agencies()  # the next call goes through


def test_a_platform_that_does_not_answer_in_time_is_a_temporary_failure(standin):
    standin.delay = 1.5
    with pytest.raises(TransportError) as slow:
        client(standin, timeout=0.3).list_received(message_type=EDOC)
    assert slow.value.temporary is True


def test_a_redirect_is_not_followed(standin):
    standin.fail_next(302)
    with pytest.raises(TransportError) as redirected:
        client(standin).agencies()
    assert redirected.value.temporary is False
    assert "elsewhere.invalid" in redirected.value.message


def test_an_answer_over_the_size_limit_is_refused(standin):
    with pytest.raises(TransportError) as too_large:
        client(standin, max_response_bytes=50).agencies()
    assert too_large.value.message == vdxp.msg(vdxp.TOO_LARGE, name=vdxp.VDXP_NAME, limit=50)


def test_the_agency_list(standin):
    standin.agencies_list = [{"code": ORGAN_B, "pcode": "000.00.00.H01", "name": "Sở Nội vụ", "mail": "snv@x.vn"},
                             {"name": "an entry without a code is skipped"}]
    [entry] = client(standin).agencies()
    assert (entry.organ_id, entry.name, entry.parent_organ_id, entry.email) == (
        ORGAN_B, "Sở Nội vụ", "000.00.00.H01", "snv@x.vn")


def test_a_wrong_message_type_is_refused_before_any_call(standin):
    with pytest.raises(TransportError) as refused:
        client(standin).list_received(message_type="revocation")
    assert refused.value.temporary is False
    assert standin.requests == []


def test_built_from_a_partner_row(standin, settings):
    settings.EXCHANGE_TRANSPORT_TIMEOUT = 7
    partner = SimpleNamespace(base_url=standin.url + "/vdxp", system_id=SYSTEM_A, secret=SECRET_A,
                              options={"send_to_header": False, "not_an_option": 1})
    transport = VdxpTransport.from_partner(partner)

    assert (transport.timeout, transport.send_to_header) == (7, False)
    assert transport.send(package=small_package(), message_type=EDOC, from_organ_id=ORGAN_A,
                          to_organ_ids=[ORGAN_B])  # routed by the package's To
    assert standin.stored[0].to_organ_ids == [ORGAN_B]
