"""The provincial LGSP client (Lạng Sơn's API shape) against the local stand-in."""

from types import SimpleNamespace

import pytest

from lienthong.exchange.transports import lgsp
from lienthong.exchange.transports.base import EDOC, STATUS, TransportError
from lienthong.exchange.transports.lgsp import LgspTransport

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
    return LgspTransport(base_url=standin.url + "/lgsp", system_id=system, secret_key=secret, **options)


def logins(standin) -> int:
    return sum(1 for _, path in standin.requests if path.endswith("/auth/login"))


def test_a_package_sent_by_one_system_is_listed_fetched_and_acknowledged_at_the_other(standin):
    a, b = client(standin), client(standin, SYSTEM_B, SECRET_B)
    package = small_package()

    doc_id = a.send(package=package, message_type=EDOC, from_organ_id=ORGAN_A, to_organ_ids=[ORGAN_B])

    waiting = b.list_received(message_type=EDOC)
    assert [(r.remote_id, r.from_organ_id, r.to_organ_ids) for r in waiting] == [(doc_id, ORGAN_A, (ORGAN_B,))]
    assert b.list_received(message_type=STATUS) == []
    assert b.fetch(doc_id) == package
    b.acknowledge(doc_id, ok=True)
    assert b.list_received(message_type=EDOC) == []
    assert standin.stored[0].status == "done"


def test_the_token_is_kept_until_it_expires_and_renewed_once_on_401(standin):
    a = client(standin)
    a.agencies()
    a.list_received(message_type=EDOC)
    assert logins(standin) == 1

    standin.expire_tokens()  # the platform forgets the token before the client thinks it expires
    assert a.list_received(message_type=EDOC) == []
    assert logins(standin) == 2

    clock = [0.0]
    short = client(standin, clock=lambda: clock[0])
    short.agencies()
    clock[0] = standin.token_lifetime  # past the lifetime the login announced
    short.agencies()
    assert logins(standin) == 4


def test_a_token_refused_again_after_a_new_login_is_a_permanent_failure(standin):
    standin.fail_next(401, count=2, logins=False)
    with pytest.raises(TransportError) as refused:
        client(standin).agencies()
    assert logins(standin) == 2
    assert refused.value.temporary is False
    assert refused.value.message == str(lgsp.STILL_UNAUTHORIZED)


def test_a_wrong_secret_is_refused_with_the_platform_code_15(standin):
    with pytest.raises(TransportError) as refused:
        client(standin, secret="wrong").agencies()
    assert refused.value.temporary is False
    assert str(lgsp.ERROR_CODES["15"][0]) in refused.value.message


def test_platform_error_codes_map_to_vietnamese_reasons_and_retry(standin):
    a = client(standin)
    a.agencies()  # logged in
    standin.fail_next(200, body={"errorCode": 20, "message": "Internal"})
    with pytest.raises(TransportError) as platform_error:
        a.send(package=small_package(), message_type=EDOC, from_organ_id=ORGAN_A, to_organ_ids=[ORGAN_B])
    assert platform_error.value.temporary is True
    assert str(lgsp.ERROR_CODES["20"][0]) in platform_error.value.message

    with pytest.raises(TransportError) as not_edxml:
        a.send(package=b"<html/>", message_type=EDOC, from_organ_id=ORGAN_A, to_organ_ids=[ORGAN_B])
    assert not_edxml.value.temporary is False
    assert str(lgsp.ERROR_CODES["22"][0]) in not_edxml.value.message

    with pytest.raises(TransportError) as unknown:
        a.send(package=small_package(to=("000.00.99.H99",)), message_type=EDOC, from_organ_id=ORGAN_A,
               to_organ_ids=["000.00.99.H99"])
    assert unknown.value.temporary is False
    assert str(lgsp.ERROR_CODES["18"][0]) in unknown.value.message

    with pytest.raises(TransportError) as not_ours:
        a.send(package=small_package(), message_type=EDOC, from_organ_id=ORGAN_B, to_organ_ids=[ORGAN_B])
    assert str(lgsp.ERROR_CODES["19"][0]) in not_ours.value.message
    assert standin.stored == []


def test_a_platform_that_is_down_overloaded_or_slow_is_a_temporary_failure(standin):
    down = LgspTransport(base_url=closed_port_url(), system_id=SYSTEM_A, secret_key=SECRET_A, timeout=2)
    with pytest.raises(TransportError) as unreachable:
        down.agencies()
    assert unreachable.value.temporary is True

    standin.fail_next(503)
    with pytest.raises(TransportError) as overloaded:
        client(standin).agencies()
    assert overloaded.value.temporary is True

    standin.delay = 1.5
    with pytest.raises(TransportError) as slow:
        client(standin, timeout=0.3).agencies()
    assert slow.value.temporary is True


def test_the_agency_list(standin):
    entries = client(standin).agencies()
    assert sorted(entry.organ_id for entry in entries) == [ORGAN_A, ORGAN_B]


def test_built_from_a_partner_row(standin):
    partner = SimpleNamespace(base_url=standin.url + "/lgsp", system_id=SYSTEM_B, secret=SECRET_B)
    assert LgspTransport.from_partner(partner).list_received(message_type=EDOC) == []


def test_a_platform_answering_the_file_itself(standin):
    doc_id = client(standin).send(package=small_package(), message_type=EDOC, from_organ_id=ORGAN_A,
                                  to_organ_ids=[ORGAN_B])
    standin.lgsp_raw_files = True
    b = client(standin, SYSTEM_B, SECRET_B)
    assert b.fetch(doc_id) == small_package()

    standin.stored[0].data = b"<!DOCTYPE html><html><body>B\xe1\xba\xa3o tr\xc3\xac</body></html>"
    with pytest.raises(TransportError) as error_page:
        b.fetch(doc_id)  # a proxy's page, not a package
    assert error_page.value.temporary is True
    assert error_page.value.message == lgsp.msg(lgsp.BAD_ANSWER, name=lgsp.LGSP_NAME, operation="getEdoc")
