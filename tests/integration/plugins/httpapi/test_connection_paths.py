"""Both ways of reaching a BIG-IP, through the real ``ansible-playbook`` against the simulator:

* ``httpapi``: an inventory host with the standard variables and the persistent connection
  (``ansible.netcommon.httpapi`` + ``longdistance.vmotion.bigip``): one login per device per play,
  token deleted when the play ends, a no-op task = one request;
* ``module_defaults`` and ``env`` (``F5_*``): the explicit options, one login per module run.

Retries, the check-mode write guard and the token renewal are the client's, whatever the path.
"""
from __future__ import annotations

import pytest

from tests.conftest import run_module
from tests.simulators.bigip.harness import SimulatorError

from ansible_cli import httpapi_host, local_host, playbook, write_inventory

pytestmark = [pytest.mark.bigip_sim, pytest.mark.slow]

LOGIN = "/mgmt/shared/authn/login"
TOKENS = "/mgmt/shared/authz/tokens/"
VLAN = {"name": "vmotion-vlan", "interfaces": [{"name": "1.14", "tagged": False}]}
VLAN_PATH = "/mgmt/tm/net/vlan/~Common~vmotion-vlan"
PATHS = ("httpapi", "module_defaults", "env")


def setup(sim, tmp_path, path):
    """(inventory, play keywords, environment) for one connection path to ``sim``."""
    if path == "httpapi":
        return write_inventory(tmp_path, {"bigip-a": httpapi_host(sim)}), {}, {}
    inventory = write_inventory(tmp_path, {"bigip-a": local_host()})
    if path == "module_defaults":
        return inventory, {"module_defaults": {"group/longdistance.vmotion.bigip": sim.conn_args}}, {}
    return inventory, {}, {"F5_SERVER": sim.server, "F5_SERVER_PORT": str(sim.port), "F5_USER": sim.user,
                           "F5_PASSWORD": sim.password, "F5_CA_PATH": sim.ca_path}


def play(tasks, **keywords):
    return [dict({"name": "BIG-IP", "hosts": "bigip", "gather_facts": False}, **keywords, tasks=tasks)]


def vlan_task(name="Keep the VLAN", **args):
    return {"name": name, "longdistance.vmotion.bigip_vlan": dict(VLAN, **args)}


def admin_fault(sim, kind, count=1):
    """A task that arms a simulator fault between two module runs of the same play."""
    return {"name": "Arm the %s fault" % kind, "delegate_to": "localhost",
            "ansible.builtin.uri": {"url": sim.admin_url + "/fault", "method": "POST", "body_format": "json",
                                    "body": {"kind": kind, "count": count}, "url_username": sim.user,
                                    "url_password": sim.password, "force_basic_auth": True, "ca_path": sim.ca_path}}


def mgmt_log(sim):
    return [(r["method"], r["path"], r["status"]) for r in sim.requests_log()]


def writes(log):
    return [entry for entry in log if entry[0] in ("POST", "PUT", "PATCH", "DELETE") and entry[1].startswith("/mgmt/tm")]


@pytest.fixture
def vlan_on_device(bigip_sim):
    result = run_module("bigip_vlan", dict(bigip_sim.conn_args, **VLAN))
    assert result["changed"] and not result.get("failed"), result
    bigip_sim.clear_log()
    return bigip_sim


@pytest.mark.parametrize("path", PATHS)
def test_noop_tasks_cost_one_request_each_over_the_persistent_connection(vlan_on_device, tmp_path, path):
    sim = vlan_on_device
    inventory, keywords, env = setup(sim, tmp_path, path)
    run = playbook(tmp_path, inventory, play([vlan_task("one"), vlan_task("two"), vlan_task("three")], **keywords), **env)
    assert run.rc == 0, run
    results = [r for r in run.task_results() if r["task"] in ("one", "two", "three")]
    assert [(r["status"], r["result"]["changed"]) for r in results] == [("ok", False)] * 3
    log = mgmt_log(sim)
    assert [entry for entry in log if entry[1] == VLAN_PATH] == [("GET", VLAN_PATH, 200)] * 3
    assert not writes(log)
    logins = [entry for entry in log if entry[1] == LOGIN]
    logouts = [entry for entry in log if entry[0] == "DELETE" and entry[1].startswith(TOKENS)]
    if path == "httpapi":
        # login once, 3 GETs, the token deleted when the play ends: 3 tasks, 3 + 2 requests
        assert log[0] == ("POST", LOGIN, 200) and log[-1][:1] == ("DELETE",) and log[-1][1].startswith(TOKENS)
        assert len(log) == 5 and len(logins) == 1 and len(logouts) == 1
    else:
        assert len(log) == 9 and len(logins) == 3 and len(logouts) == 3
    assert all(status == 200 for _m, _p, status in log)


@pytest.mark.parametrize("path", PATHS)
def test_check_mode_sends_no_write_on_either_path(bigip_sim, tmp_path, path):
    inventory, keywords, env = setup(bigip_sim, tmp_path, path)
    run = playbook(tmp_path, inventory, play([vlan_task("create")], **keywords), "--check", "--diff", **env)
    assert run.rc == 0, run
    (result,) = [r for r in run.task_results() if r["task"] == "create"]
    assert result["status"] == "ok" and result["result"]["changed"] is True
    log = mgmt_log(bigip_sim)
    assert not writes(log) and ("GET", VLAN_PATH, 404) in log
    with pytest.raises(SimulatorError, match="404"):
        bigip_sim.peek(VLAN_PATH)


@pytest.mark.parametrize("path", PATHS)
def test_mcpd_lost_is_retried_the_same_way_on_both_paths(vlan_on_device, tmp_path, path):
    sim = vlan_on_device
    inventory, keywords, env = setup(sim, tmp_path, path)
    tasks = [vlan_task("before"), admin_fault(sim, "mcpd"), vlan_task("after")]
    run = playbook(tmp_path, inventory, play(tasks, **keywords), **env)
    assert run.rc == 0, run
    (after,) = [r for r in run.task_results() if r["task"] == "after"]
    assert after["status"] == "ok" and after["result"]["changed"] is False
    assert any("retrying" in warning for warning in after["result"].get("warnings", [])), after
    gets = [status for method, p, status in mgmt_log(sim) if method == "GET" and p == VLAN_PATH]
    assert gets == [200, 500, 200]


def test_expired_token_is_renewed_once_and_kept_for_the_rest_of_the_play(vlan_on_device, tmp_path):
    sim = vlan_on_device
    inventory = write_inventory(tmp_path, {"bigip-a": httpapi_host(sim)})
    tasks = [vlan_task("first"), admin_fault(sim, "token_expiry"), vlan_task("renews"), vlan_task("reuses")]
    run = playbook(tmp_path, inventory, play(tasks))
    assert run.rc == 0, run
    assert mgmt_log(sim) == [
        ("POST", LOGIN, 200), ("GET", VLAN_PATH, 200),                           # first
        ("GET", VLAN_PATH, 401), ("POST", LOGIN, 200), ("GET", VLAN_PATH, 200),  # renews: one re-login, one replay
        ("GET", VLAN_PATH, 200),                                                 # reuses the renewed token
        mgmt_log(sim)[-1],
    ]
    last = sim.requests_log()[-1]
    assert last["method"] == "DELETE" and last["path"].startswith(TOKENS) and last["status"] == 200


def test_one_login_per_device_per_play(bigip_pair, tmp_path):
    """Two BIG-IPs on one address (distinct ports), two plays: one login and one logout per device per play."""
    inventory = write_inventory(tmp_path, {"bigip-a": httpapi_host(bigip_pair.primary),
                                           "bigip-b": httpapi_host(bigip_pair.secondary)})
    plays = play([vlan_task("create"), vlan_task("again")]) + play([vlan_task("third")])
    run = playbook(tmp_path, inventory, plays)
    assert run.rc == 0, run
    for sim in (bigip_pair.primary, bigip_pair.secondary):
        log = mgmt_log(sim)
        assert [entry for entry in log if entry[1] == LOGIN] == [("POST", LOGIN, 200)] * 2
        assert len([entry for entry in log if entry[0] == "DELETE" and entry[1].startswith(TOKENS)]) == 2
        assert [entry for entry in log if entry[0] == "POST" and entry[1] == "/mgmt/tm/net/vlan"] == [("POST", "/mgmt/tm/net/vlan", 200)]
        assert sim.peek(VLAN_PATH)["name"] == "vmotion-vlan"


def test_plain_http_is_refused_with_a_clear_message(bigip_sim, tmp_path):
    host = dict(httpapi_host(bigip_sim), ansible_httpapi_use_ssl=False)
    run = playbook(tmp_path, write_inventory(tmp_path, {"bigip-a": host}), play([vlan_task("noop")]))
    assert run.rc != 0
    (result,) = [r for r in run.task_results() if r["task"] == "noop"]
    assert "ansible_httpapi_use_ssl: true" in result["result"]["msg"]
    assert mgmt_log(bigip_sim) == []


def test_missing_connection_options_name_both_ways(bigip_sim, tmp_path):
    run = playbook(tmp_path, write_inventory(tmp_path, {"bigip-a": local_host()}), play([vlan_task("noop")]))
    assert run.rc != 0
    (result,) = [r for r in run.task_results() if r["task"] == "noop"]
    msg = result["result"]["msg"]
    assert "server, user, password not given" in msg and "ansible.netcommon.httpapi" in msg and "F5_SERVER" in msg
