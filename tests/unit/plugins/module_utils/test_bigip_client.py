"""The iControl REST client at the HTTP boundary: a scripted fake device behind requests' adapter API."""
from __future__ import annotations

import json

import pytest
import requests
from requests.adapters import BaseAdapter

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import client as bigip
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import (
    ApiError, AuthError, CheckModeWriteError, TransportError,
)
from ansible_collections.longdistance.vmotion.plugins.module_utils._retry import RetryPolicy


class FakeDevice(BaseAdapter):
    """Answers like a BIG-IP; ``script`` maps (method, path) to a list of answers consumed in order.

    An answer is ``(status, body)`` or an exception instance to raise. Unscripted GETs answer 200 {}.
    Every request is recorded with its headers and JSON body.
    """

    def __init__(self):
        super().__init__()
        self.calls = []
        self.script = {}
        self.tokens_issued = 0

    def send(self, request, **kwargs):  # pylint: disable=arguments-differ
        path = request.path_url.split("?")[0]
        body = json.loads(request.body) if request.body else None
        self.calls.append({"method": request.method, "path": path, "headers": dict(request.headers), "body": body,
                           "verify": kwargs.get("verify")})
        answers = self.script.get((request.method, path))
        if answers:
            answer = answers.pop(0) if len(answers) > 1 else answers[0]
        elif (request.method, path) == ("POST", bigip.LOGIN_PATH):
            self.tokens_issued += 1
            answer = (200, {"token": {"token": "TOKEN%d" % self.tokens_issued, "timeout": 1200}})
        else:
            answer = (200, {})
        if isinstance(answer, Exception):
            raise answer
        status, payload = answer
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(payload).encode() if payload is not None else b""
        response.request = request
        response.url = request.url
        return response

    def close(self):
        pass

    def count(self, method, path=None):
        return sum(1 for c in self.calls if c["method"] == method and (path is None or c["path"] == path))


@pytest.fixture
def device():
    return FakeDevice()


@pytest.fixture
def clock(fake_clock):
    return fake_clock


def make_client(device, clock, check_mode=False, attempts=4, deadline=100.0, warnings=None, **kwargs):
    session = requests.Session()
    session.mount("https://", device)
    policy = RetryPolicy(attempts=attempts, deadline=deadline, base=1.0, cap=4.0, clock=clock.clock, sleep=clock.sleep, jitter=lambda: 1.0)
    return bigip.BigIpClient("bigip.example", "admin", "secret", check_mode=check_mode, session=session, retry_policy=policy,
                             warn=(warnings.append if warnings is not None else None), **kwargs)


POOL = "/mgmt/tm/ltm/pool/~Common~web"


def test_one_login_for_many_calls_and_logout_on_close(device, clock):
    with make_client(device, clock) as client:
        for _attempt in range(5):
            client.get(POOL)
    assert device.count("POST", bigip.LOGIN_PATH) == 1
    gets = [c for c in device.calls if c["method"] == "GET"]
    assert len(gets) == 5 and all(c["headers"]["X-F5-Auth-Token"] == "TOKEN1" for c in gets)
    assert device.calls[0]["body"] == {"username": "admin", "password": "secret", "loginProviderName": "tmos"}
    assert device.calls[-1]["method"] == "DELETE" and device.calls[-1]["path"] == bigip.TOKEN_PATH + "TOKEN1"


def test_one_relogin_and_replay_on_401(device, clock):
    device.script[("GET", POOL)] = [(401, {"code": 401, "message": "Authorization failed"}), (200, {"name": "web"})]
    with make_client(device, clock) as client:
        assert client.get(POOL) == {"name": "web"}
    assert device.count("POST", bigip.LOGIN_PATH) == 2
    replay = [c for c in device.calls if c["method"] == "GET"][-1]
    assert replay["headers"]["X-F5-Auth-Token"] == "TOKEN2"


def test_second_401_is_an_auth_error_not_a_loop(device, clock):
    device.script[("GET", POOL)] = [(401, {"code": 401, "message": "Authorization failed: token expired"})]
    with pytest.raises(AuthError) as err, make_client(device, clock) as client:
        client.get(POOL)
    assert device.count("POST", bigip.LOGIN_PATH) == 2
    assert device.count("GET", POOL) == 2
    assert err.value.status == 401


def test_token_deleted_even_after_an_exception(device, clock):
    class Module:
        check_mode = False
        params = dict(server="bigip.example", server_port=443, user="admin", password="secret", validate_certs=True,
                      ca_path=None, auth_provider="tmos", timeout=5, retries=0, retry_deadline=5)

        def warn(self, msg):
            raise AssertionError(msg)

    original = requests.Session

    def session_factory():
        session = original()
        session.mount("https://", device)
        return session

    requests.Session = session_factory
    try:
        with pytest.raises(RuntimeError), bigip.BIGIP.open(Module()) as client:
            client.get(POOL)
            raise RuntimeError("module bug")
    finally:
        requests.Session = original
    assert device.calls[-1]["method"] == "DELETE" and device.calls[-1]["path"].startswith(bigip.TOKEN_PATH)


@pytest.mark.parametrize("status,message", [(503, "Service Unavailable: restjavad restarting"),
                                            (500, "The connection to mcpd has been lost, try again."),
                                            (502, "Bad Gateway")])
def test_retryable_answers_retried_up_to_the_limit(device, clock, status, message):
    device.script[("GET", POOL)] = [(status, {"code": status, "message": message})]
    warnings = []
    with pytest.raises(ApiError) as err, make_client(device, clock, attempts=4, warnings=warnings) as client:
        client.get(POOL)
    assert device.count("GET", POOL) == 4
    assert clock.sleeps == [1.0, 2.0, 4.0]
    assert len(warnings) == 3 and message in err.value.msg


def test_retries_stop_at_the_deadline(device, clock):
    device.script[("GET", POOL)] = [(503, {"code": 503, "message": "restarting"})]
    with pytest.raises(ApiError), make_client(device, clock, attempts=50, deadline=6.0) as client:
        client.get(POOL)
    assert sum(clock.sleeps) <= 6.0
    assert device.count("GET", POOL) == 4  # sleeps 1 + 2 + 3 (cut to what is left of the deadline)


def test_transient_failure_then_success(device, clock):
    device.script[("GET", POOL)] = [requests.ConnectionError("refused"), (503, {"message": "restarting"}), (200, {"name": "web"})]
    with make_client(device, clock) as client:
        assert client.get(POOL) == {"name": "web"}
    assert device.count("GET", POOL) == 3


def test_client_errors_surface_with_the_device_message(device, clock):
    message = "01070734:3: Configuration error: Invalid IP address 10.1.1"
    device.script[("PATCH", POOL)] = [(400, {"code": 400, "message": message, "errorStack": [], "apiError": 3})]
    with pytest.raises(ApiError) as err, make_client(device, clock) as client:
        client.patch(POOL, {"description": "x"}, what="LTM pool /Common/web")
    exc = err.value
    assert (exc.status, exc.code, exc.api_error, exc.method, exc.path) == (400, 400, 3, "PATCH", POOL)
    assert exc.api_message == message
    assert "LTM pool /Common/web" in exc.msg and message in exc.msg
    assert device.count("PATCH", POOL) == 1  # a 400 is never retried


def test_404_on_read_means_absent(device, clock):
    device.script[("GET", POOL)] = [(404, {"code": 404, "message": "01020036:3: The requested Pool (/Common/web) was not found."})]
    with make_client(device, clock) as client:
        assert client.get(POOL) is None


def test_zero_writes_in_check_mode(device, clock):
    with make_client(device, clock, check_mode=True) as client:
        client.get(POOL)
        for call in (lambda: client.patch(POOL, {"a": 1}), lambda: client.delete(POOL),
                     lambda: client.create("/mgmt/tm/ltm/pool", {"name": "web"}), lambda: client.put(POOL, {})):
            with pytest.raises(CheckModeWriteError):
                call()
    writes = [c for c in device.calls if c["method"] in ("POST", "PUT", "PATCH", "DELETE")
              and c["path"] not in (bigip.LOGIN_PATH,) and not c["path"].startswith(bigip.TOKEN_PATH)]
    assert writes == []


def test_post_is_retried_only_after_rereading_the_object(device, clock):
    device.script[("POST", "/mgmt/tm/ltm/pool")] = [requests.ConnectionError("reset by peer")]
    device.script[("GET", POOL)] = [(200, {"name": "web", "partition": "Common"})]
    with make_client(device, clock) as client:
        created = client.create("/mgmt/tm/ltm/pool", {"name": "web", "partition": "Common"})
    assert created["name"] == "web"
    assert device.count("POST", "/mgmt/tm/ltm/pool") == 1
    assert device.count("GET", POOL) == 1


def test_plain_post_is_never_retried(device, clock):
    device.script[("POST", "/mgmt/tm/sys/config")] = [(503, {"message": "restarting"})]
    with pytest.raises(ApiError), make_client(device, clock) as client:
        client.request("POST", "/mgmt/tm/sys/config", {"command": "save"})
    assert device.count("POST", "/mgmt/tm/sys/config") == 1


def test_connection_errors_become_transport_errors(device, clock):
    device.script[("GET", POOL)] = [requests.ConnectionError("no route")]
    with pytest.raises(TransportError) as err, make_client(device, clock, attempts=2) as client:
        client.get(POOL)
    assert "no route" in err.value.msg and device.count("GET", POOL) == 2


def test_wrong_password_is_an_auth_error_naming_the_user(device, clock):
    device.script[("POST", bigip.LOGIN_PATH)] = [(401, {"code": 401, "message": "Authentication failed."})]
    with pytest.raises(AuthError) as err, make_client(device, clock) as client:
        client.get(POOL)
    assert "admin" in err.value.msg and "Authentication failed." in err.value.msg
    assert device.count("POST", bigip.LOGIN_PATH) == 1


def test_transaction_marks_writes_and_commits(device, clock):
    device.script[("POST", bigip.TRANSACTION_PATH)] = [(200, {"transId": 1234, "state": "STARTED"})]
    with make_client(device, clock) as client:
        with client.transaction() as trans_id:
            client.patch(POOL, {"description": "a"})
            client.get(POOL)
    patch = [c for c in device.calls if c["method"] == "PATCH" and c["path"] == POOL][0]
    assert trans_id == 1234 and patch["headers"]["X-F5-REST-Coordination-Id"] == "1234"
    read = [c for c in device.calls if c["method"] == "GET" and c["path"] == POOL][0]
    assert "X-F5-REST-Coordination-Id" not in read["headers"]
    commit = [c for c in device.calls if c["path"] == bigip.TRANSACTION_PATH + "/1234"][0]
    assert commit["method"] == "PATCH" and commit["body"]["state"] == "VALIDATING"
    assert "X-F5-REST-Coordination-Id" not in commit["headers"]


def test_failed_block_discards_the_transaction(device, clock):
    device.script[("POST", bigip.TRANSACTION_PATH)] = [(200, {"transId": 77, "state": "STARTED"})]
    with pytest.raises(ValueError), make_client(device, clock) as client:
        with client.transaction():
            raise ValueError("planning failed")
    assert device.count("DELETE", bigip.TRANSACTION_PATH + "/77") == 1
    assert device.count("PATCH", bigip.TRANSACTION_PATH + "/77") == 0


@pytest.mark.parametrize("name,partition,expected", [
    ("web", "Common", "~Common~web"),
    ("/Common/web", "Other", "~Common~web"),
    ("10.1.1.1%2:80", "Common", "~Common~10.1.1.1%252:80"),
    ("vs1", None, "vs1"),
    ("vmhttp.siterequest.com", "Common", "~Common~vmhttp.siterequest.com"),
])
def test_uri_names(name, partition, expected):
    assert bigip.uri_name(name, partition) == expected


def test_ca_path_wins_over_ca_bundle_environment(device, clock, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    monkeypatch.setenv("CURL_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    with make_client(device, clock, ca_path="/tmp/lab-ca.pem") as client:
        client.get(POOL)
    assert {c["verify"] for c in device.calls} == {"/tmp/lab-ca.pem"}  # login, GET and logout


def test_validate_certs_false_disables_verification(device, clock):
    with make_client(device, clock, validate_certs=False) as client:
        client.get(POOL)
    assert {c["verify"] for c in device.calls} == {False}


def test_default_policy_retries_until_the_deadline_not_a_count(device, sim_time):
    clock = sim_time
    session = requests.Session()
    session.mount("https://", device)
    device.script[("GET", POOL)] = [(503, {"code": 503, "message": "restarting"})] * 20 + [(200, {"name": "web"})]
    with bigip.BigIpClient("bigip.example", "admin", "secret", session=session) as client:
        assert client.retry_policy.deadline == bigip.DEFAULT_RETRY_DEADLINE == 120
        assert client.get(POOL) == {"name": "web"}
    assert device.count("GET", POOL) == 21 and sum(clock.sleeps) < 120


def test_certificate_errors_are_not_retried(device, clock):
    device.script[("POST", bigip.LOGIN_PATH)] = [requests.exceptions.SSLError("CERTIFICATE_VERIFY_FAILED")]
    with pytest.raises(TransportError) as err, make_client(device, clock) as client:
        client.get(POOL)
    assert "CERTIFICATE_VERIFY_FAILED" in err.value.msg and device.count("POST", bigip.LOGIN_PATH) == 1 and clock.sleeps == []


def test_delete_that_finds_404_after_a_lost_reply_succeeded(device, clock):
    device.script[("DELETE", POOL)] = [requests.exceptions.ReadTimeout("read timed out"), (404, {"code": 404, "message": "not found"})]
    with make_client(device, clock) as client:
        assert client.delete(POOL) is None
    assert device.count("DELETE", POOL) == 2


def test_delete_that_finds_404_without_a_lost_reply_is_not_found(device, clock):
    device.script[("DELETE", POOL)] = [(404, {"code": 404, "message": "not found"})]
    with pytest.raises(ApiError) as err, make_client(device, clock) as client:
        client.delete(POOL)
    assert err.value.status == 404
