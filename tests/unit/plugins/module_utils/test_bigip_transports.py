"""The client over the persistent-connection transport: same login, 401, retry and check-mode code as
over the direct one; only who keeps (and finally deletes) the token differs. The fake connection
forwards ``bigip_send`` to the scripted device of test_bigip_client.py, as the httpapi plugin forwards
it to the BIG-IP."""
from __future__ import annotations

import pytest
import requests
from ansible.module_utils.connection import ConnectionError as RpcError

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import client as bigip
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip._transport import HttpApiTransport
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import CheckModeWriteError, TransportError
from ansible_collections.longdistance.vmotion.plugins.module_utils._retry import RetryPolicy

from test_bigip_client import POOL, FakeDevice

from tests._harness.clock import FakeClock


class FakeConnection:
    """What ``ansible.module_utils.connection.Connection`` reaches: the httpapi plugin's methods."""

    def __init__(self, device):
        self.session = requests.Session()
        self.session.mount("https://", device)
        self.token = None
        self.rpc = []
        self.drop_next = 0

    def bigip_device(self):
        self.rpc.append("bigip_device")
        return {"host": "bigip.example", "port": 443, "user": "admin", "password": "secret", "auth_provider": "tmos"}

    def bigip_token(self):
        self.rpc.append("bigip_token")
        return self.token

    def bigip_set_token(self, token):
        self.rpc.append("bigip_set_token")
        self.token = token

    def bigip_send(self, method, path, data, headers):
        self.rpc.append("bigip_send")
        if self.drop_next:
            self.drop_next -= 1
            raise RpcError("Could not connect to https://bigip.example:443%s: connection reset" % path)
        reply = self.session.request(method, "https://bigip.example" + path, data=data, headers=headers)
        return [reply.status_code, dict(reply.headers), reply.text, reply.reason or ""]


@pytest.fixture
def device():
    return FakeDevice()


@pytest.fixture
def connection(device):
    return FakeConnection(device)


def client_over(connection, check_mode=False, warnings=None):
    clock = FakeClock()
    transport = HttpApiTransport("/unused", connection=connection)
    device = transport.device()
    policy = RetryPolicy(attempts=4, deadline=100.0, base=1.0, cap=4.0, clock=clock.clock, sleep=clock.sleep, jitter=lambda: 1.0)
    return bigip.BigIpClient(device["host"], device["user"], device["password"], check_mode=check_mode, retry_policy=policy,
                             transport=transport, warn=(warnings.append if warnings is not None else None))


def test_the_token_outlives_the_module_run_and_is_not_deleted_by_it(device, connection):
    with client_over(connection) as first:
        first.get(POOL)
    with client_over(connection) as second:
        second.get(POOL)
    assert device.count("POST", bigip.LOGIN_PATH) == 1
    assert device.count("DELETE") == 0  # the connection deletes it when the play ends
    assert connection.token == "TOKEN1"
    assert [c["headers"]["X-F5-Auth-Token"] for c in device.calls if c["method"] == "GET"] == ["TOKEN1", "TOKEN1"]
    assert device.calls[0]["body"] == {"username": "admin", "password": "secret", "loginProviderName": "tmos"}


def test_expired_token_one_relogin_and_the_new_token_is_kept(device, connection):
    device.script[("GET", POOL)] = [(200, {}), (401, {"code": 401, "message": "Authorization failed"}), (200, {"name": "web"})]
    with client_over(connection) as first:
        first.get(POOL)
    with client_over(connection) as second:
        assert second.get(POOL) == {"name": "web"}
    with client_over(connection) as third:
        third.get(POOL)
    assert device.count("POST", bigip.LOGIN_PATH) == 2
    assert connection.token == "TOKEN2"
    assert device.calls[-1]["headers"]["X-F5-Auth-Token"] == "TOKEN2"


def test_check_mode_refuses_the_write_before_anything_is_sent(device, connection):
    with pytest.raises(CheckModeWriteError), client_over(connection, check_mode=True) as client:
        client.patch(POOL, {"description": "x"})
    assert "bigip_send" not in connection.rpc and device.calls == []


def test_a_connection_failure_is_a_retried_transport_error(device, connection):
    warnings = []
    with client_over(connection, warnings=warnings) as client:
        client.get(POOL)
        connection.drop_next = 2
        client.get(POOL)
    assert device.count("GET", POOL) == 2 and len(warnings) == 2 and "retrying" in warnings[0]
    connection.drop_next = 10
    with pytest.raises(TransportError) as err, client_over(connection) as client:
        client.get(POOL)
    assert "connection reset" in err.value.msg and err.value.details["path"] == POOL
    assert err.value.msg.count("BIG-IP") == 1, err.value.msg  # named once, by the client
