"""Injected faults, latency, request log; admin calls are never logged and never under /mgmt."""
from __future__ import annotations

import time

import pytest
import requests


def test_restarting_503_for_n_calls(rest, bigip_sim):
    bigip_sim.fault("restarting", 2)
    statuses = [rest.get("/mgmt/tm/sys/version").status_code for _attempt in range(3)]
    assert statuses == [503, 503, 200]
    log = bigip_sim.requests_log("GET", "/mgmt/tm/sys/version")
    assert [e["status"] for e in log] == [503, 503, 200]


def test_mcpd_lost_500(rest, bigip_sim):
    bigip_sim.fault("mcpd", 1)
    response = rest.post("/mgmt/tm/ltm/pool", {"name": "p"})
    assert response.status_code == 500
    assert response.json() == {"code": 500, "message": "The connection to mcpd has been lost, try again.",
                               "errorStack": [], "apiError": 32768001}
    assert rest.ok("GET", "/mgmt/tm/ltm/pool")["items"] == []
    rest.ok("POST", "/mgmt/tm/ltm/pool", {"name": "p"})


def test_dropped_connection(rest, bigip_sim):
    bigip_sim.fault("drop", 1)
    with pytest.raises(requests.exceptions.ConnectionError):
        rest.get("/mgmt/tm/sys/version")
    assert rest.get("/mgmt/tm/sys/version").status_code == 200


def test_latency(rest, bigip_sim):
    bigip_sim.set_latency(150)
    started = time.monotonic()
    rest.ok("GET", "/mgmt/tm/sys/version")
    assert time.monotonic() - started >= 0.15
    bigip_sim.set_latency(0)


def test_request_log_counts_and_admin_calls_not_logged(rest, bigip_sim):
    rest.ok("POST", "/mgmt/tm/ltm/pool", {"name": "p"})
    rest.ok("GET", "/mgmt/tm/ltm/pool/~Common~p")
    rest.ok("GET", "/mgmt/tm/ltm/pool/~Common~p")
    bigip_sim.peek("/mgmt/tm/ltm/pool")
    counts = bigip_sim.request_counts()
    assert counts == {"POST /mgmt/tm/ltm/pool": 1, "GET /mgmt/tm/ltm/pool/~Common~p": 2}
    log = bigip_sim.requests_log(path_prefix="/mgmt/tm/ltm")
    assert [(e["method"], e["body"], e["status"]) for e in log] == [("POST", {"name": "p"}, 200), ("GET", None, 200), ("GET", None, 200)]
    bigip_sim.clear_log()
    assert bigip_sim.requests_log() == []


def test_peek_reads_expanded_state(rest, bigip_sim):
    rest.ok("POST", "/mgmt/tm/ltm/pool", {"name": "p", "members": [{"name": "10.1.1.1:80"}]})
    state = bigip_sim.peek("/mgmt/tm/ltm/pool/~Common~p")
    assert state["membersReference"]["items"][0]["name"] == "10.1.1.1:80"


def test_admin_api_requires_admin_credentials(bigip_sim):
    response = requests.post(f"{bigip_sim.admin_url}/reset", auth=(bigip_sim.user, "wrong"), verify=bigip_sim.ca_path, timeout=10)
    assert response.status_code == 401
    bigip_sim.add_user("operator", "op-pass")
    response = requests.post(f"{bigip_sim.admin_url}/reset", auth=("operator", "op-pass"), verify=bigip_sim.ca_path, timeout=10)
    assert response.status_code == 401
    assert requests.get(f"{bigip_sim.base_url}/mgmt/sim/admin/log", auth=(bigip_sim.user, bigip_sim.password),
                        verify=bigip_sim.ca_path, timeout=10).status_code == 404
