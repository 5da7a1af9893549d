"""The BIG-IP fault matrix: for each kind of call a module makes, each fault the simulator can
inject at exactly that call, and what the device holds and what the module said afterwards.

Rows are ``pytest.param``s carrying ``@pytest.mark.fault(call, fault, behaviour)``;
``tests/faults/render_reliability.py`` turns them into the table of ``docs/reliability.md``.
Outages are measured on a simulated clock (``sim_time``), so a 60 s mcpd outage takes no 60 s.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest

from tests.faults.conftest import run, tokens_on_device

pytestmark = pytest.mark.bigip_sim

LOGIN = "/mgmt/shared/authn/login"
VLANS = "/mgmt/tm/net/vlan"
VLAN = VLANS + "/~Common~fault-vlan"
WIDE_IP = "vmhttp.siterequest.com"
WIDE_IP_PATH = "/mgmt/tm/gtm/wideip/a/~Common~vmhttp.siterequest.com"


def vlan_tag(sim):
    try:
        return sim.peek(VLAN).get("tag")
    except Exception:  # pylint: disable=broad-except  # peek of a missing object: the admin call fails
        return None


def make_vlan(sim, tag=100):
    assert not run(sim, "bigip_vlan", {"name": "fault-vlan", "tag": tag}).get("failed")


def build_gtm(sim):
    for site, address, destination in (("Local", "10.133.39.250", "10.133.39.51:80"), ("Remote", "10.133.40.250", "10.133.40.51:80")):
        for module, args in (("bigip_gtm_datacenter", {"name": site}),
                             ("bigip_gtm_server", {"name": "%s-BIG-IP" % site, "datacenter": site, "addresses": [{"address": address}],
                                                   "virtual_servers": [{"name": "vmhttp_vs", "destination": destination}]}),
                             ("bigip_gtm_pool", {"name": "%s_pool" % site, "enabled": True,
                                                 "members": [{"server": "%s-BIG-IP" % site, "virtual_server": "vmhttp_vs"}]})):
            assert not run(sim, module, args).get("failed")
    pools = [{"name": "Local_pool", "ratio": 1}, {"name": "Remote_pool", "ratio": 0}]
    assert not run(sim, "bigip_gtm_wide_ip", {"name": WIDE_IP, "pool_lb_mode": "ratio", "pools": pools}).get("failed")


def gtm_ratios(sim):
    return {p["name"]: p["ratio"] for p in sim.peek(WIDE_IP_PATH)["pools"]}


def saved_after_reboot(sim):
    sim.reboot()
    return vlan_tag(sim) == 100


@dataclass
class Call:
    """One kind of call: the module run that makes it, where the fault is aimed, and the device
    state the run is meant to reach."""
    setup: Callable
    module: str
    args: dict
    method: str
    path: str
    reached: Callable
    before: Callable

    def arm(self, sim, kind, count=1, **extra):
        return sim.fault(kind, count, method=self.method, path_prefix=self.path, **extra)


CALLS = {
    "login": Call(lambda sim: None, "bigip_vlan", {"name": "fault-vlan", "tag": 100}, "POST", LOGIN,
                  lambda sim: vlan_tag(sim) == 100, lambda sim: vlan_tag(sim) is None),
    "GET": Call(lambda sim: None, "bigip_vlan", {"name": "fault-vlan", "tag": 100}, "GET", VLAN,
                lambda sim: vlan_tag(sim) == 100, lambda sim: vlan_tag(sim) is None),
    "POST": Call(lambda sim: None, "bigip_vlan", {"name": "fault-vlan", "tag": 100}, "POST", VLANS,
                 lambda sim: vlan_tag(sim) == 100, lambda sim: vlan_tag(sim) is None),
    "PATCH": Call(make_vlan, "bigip_vlan", {"name": "fault-vlan", "tag": 200}, "PATCH", VLAN,
                  lambda sim: vlan_tag(sim) == 200, lambda sim: vlan_tag(sim) == 100),
    "DELETE": Call(make_vlan, "bigip_vlan", {"name": "fault-vlan", "state": "absent"}, "DELETE", VLAN,
                   lambda sim: vlan_tag(sim) is None, lambda sim: vlan_tag(sim) == 100),
    "transaction open": Call(build_gtm, "bigip_gtm_ratio", {"wide_ip": WIDE_IP, "all_to": "Remote_pool"}, "POST", "/mgmt/tm/transaction",
                             lambda sim: gtm_ratios(sim) == {"Local_pool": 0, "Remote_pool": 1},
                             lambda sim: gtm_ratios(sim) == {"Local_pool": 1, "Remote_pool": 0}),
    "commit": Call(build_gtm, "bigip_gtm_ratio", {"wide_ip": WIDE_IP, "all_to": "Remote_pool"}, "PATCH", "/mgmt/tm/transaction/",
                   lambda sim: gtm_ratios(sim) == {"Local_pool": 0, "Remote_pool": 1},
                   lambda sim: gtm_ratios(sim) == {"Local_pool": 1, "Remote_pool": 0}),
    "config save": Call(make_vlan, "bigip_config_save", {}, "POST", "/mgmt/tm/sys/config", saved_after_reboot,
                        lambda sim: not saved_after_reboot(sim)),
}
MGMT_TM = [name for name in CALLS if name != "login"]


def row(call, fault, behaviour, *values):
    return pytest.param(call, *values, marks=pytest.mark.fault(call=call, fault=fault, behaviour=behaviour),
                        id="%s-%s" % (call.replace(" ", "_"), fault.split(" (")[0].replace(" ", "_")))


def start(sim, call):
    CALLS[call].setup(sim)
    sim.clear_log()


def run_with_fault(sim, call, kind, *count, args=None, **extra):
    """Set the call's scene, arm the fault on the call's request, run the call's module (``args`` over its own)."""
    start(sim, call)
    CALLS[call].arm(sim, kind, *count, **extra)
    return run(sim, CALLS[call].module, dict(CALLS[call].args, **(args or {})))


def assert_reached(sim, call, result):
    assert not result.get("failed"), result["msg"]
    assert CALLS[call].reached(sim)


# --- bursts of "try again" answers ----------------------------------------------------------------

@pytest.mark.parametrize("call,kind", [
    row(c, "503 burst (restjavad restarting, 3 answers)", "retried with backoff; succeeds; the device holds the change once", "restarting")
    for c in CALLS] + [
    row(c, "502 burst (proxy in front of the device, 3 answers)", "retried (a write is first settled by re-reading); succeeds", "bad_gateway")
    for c in CALLS])
def test_bursts_are_retried(bigip_sim, sim_time, warnings, call, kind):
    assert_reached(bigip_sim, call, run_with_fault(bigip_sim, call, kind, 3))
    assert len([w for w in warnings if "retrying in" in w]) == 3, warnings
    assert len(sim_time.sleeps) == 3


# --- resets -------------------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    row(c, "connection reset before the device applied the request", "sent again (a create after re-reading it is absent); succeeds")
    for c in CALLS])
def test_reset_before_apply(bigip_sim, sim_time, warnings, call):
    assert_reached(bigip_sim, call, run_with_fault(bigip_sim, call, "drop"))
    assert any("connection was lost" in w for w in warnings), warnings


AFTER_APPLY = {
    "login": "the next login succeeds; the token of the lost login is found and deleted",
    "GET": "read again; succeeds",
    "POST": "re-read finds the object created: no second POST, success",
    "PATCH": "sent again (idempotent); succeeds",
    "DELETE": "sent again; its 404 means the first one deleted it: success",
    "transaction open": "a new transaction is opened (the lost one expires on the device); succeeds",
    "commit": "retried commit finds the transaction gone; re-reading shows every change applied: success, with a warning saying so",
    "config save": "saved again (idempotent); succeeds",
}


@pytest.mark.parametrize("call", [
    row(c, "connection reset after the device applied the request", AFTER_APPLY[c]) for c in CALLS])
def test_reset_after_apply(bigip_sim, sim_time, warnings, call):
    result = run_with_fault(bigip_sim, call, "drop_after")
    assert_reached(bigip_sim, call, result)
    log = bigip_sim.requests_log(CALLS[call].method, CALLS[call].path)
    if call == "POST":
        assert len(log) == 1  # never created twice
    if call == "commit":
        assert any("re-reading shows the device holds every change" in w for w in warnings), warnings
        assert result["changed"] is True and result["ratios_after"] == {"Local_pool": 0, "Remote_pool": 1}
    if call == "login":
        assert tokens_on_device(bigip_sim) == []  # the orphan was deleted, ours at logout
        assert any("deleted 1 login token(s) left by a login whose reply was lost" in w for w in warnings), warnings


@pytest.mark.parametrize("call", [
    row(c, "answer later than timeout (the device applied the request)", "treated as a lost reply: " + AFTER_APPLY[c]) for c in CALLS])
def test_late_answer_past_timeout(bigip_sim, sim_time, warnings, call):
    assert_reached(bigip_sim, call, run_with_fault(bigip_sim, call, "delay", ms=1500, args={"timeout": 1}))
    assert any("got no answer within 1s" in w for w in warnings), warnings


# --- authentication -----------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    row(c, "401 once", "one re-login and replay; succeeds") for c in MGMT_TM])
def test_401_once(bigip_sim, sim_time, call):
    assert_reached(bigip_sim, call, run_with_fault(bigip_sim, call, "unauthorized"))
    assert len(bigip_sim.requests_log("POST", LOGIN)) == 2


@pytest.mark.parametrize("call", [
    row(c, "401 always", "one re-login and replay, then fails with the device's 401 text; the change is not made") for c in MGMT_TM])
def test_401_always(bigip_sim, sim_time, call):
    result = run_with_fault(bigip_sim, call, "unauthorized", 50)
    assert result["failed"] is True and result["error_type"] == "AuthError"
    assert "HTTP 401: Authorization failed" in result["msg"]
    assert CALLS[call].before(bigip_sim)
    assert len(bigip_sim.requests_log("POST", LOGIN)) == 2


@pytest.mark.fault(call="login", fault="401 once/always (credentials refused)",
                   behaviour="fails at once, no retry, message 'refused the credentials of user'; nothing written")
def test_login_refused_for_credentials_is_not_retried(bigip_sim, sim_time):
    start(bigip_sim, "login")
    result = run(bigip_sim, "bigip_vlan", {"name": "fault-vlan", "tag": 100, "password": "wrong"})
    assert result["failed"] is True and result["error_type"] == "AuthError"
    assert "refused the credentials of user admin: Authentication failed." in result["msg"]
    assert len(bigip_sim.requests_log("POST", LOGIN)) == 1 and sim_time.sleeps == []
    assert vlan_tag(bigip_sim) is None


@pytest.mark.fault(call="commit", fault="token expiry inside a transaction",
                   behaviour="re-login; the queued write is replayed into the same transaction; the commit applies everything")
def test_token_expiry_inside_a_transaction(bigip_sim, sim_time):
    start(bigip_sim, "commit")
    bigip_sim.fault("expire_tokens", 1, method="PATCH", path_prefix="/mgmt/tm/gtm/wideip")
    result = run(bigip_sim, "bigip_gtm_ratio", CALLS["commit"].args)
    assert not result.get("failed"), result["msg"]
    assert CALLS["commit"].reached(bigip_sim)
    queued = [e for e in bigip_sim.requests_log("PATCH", "/mgmt/tm/gtm/wideip") if e["status"] == 200]
    assert len(queued) == 1 and queued[0]["transaction"] is not None
    assert len(bigip_sim.requests_log("POST", LOGIN)) == 2


# --- outages (simulated clock) ------------------------------------------------------------------

def outage(sim, call, seconds, sim_time):
    kind = "restarting" if call == "login" else "mcpd"
    CALLS[call].arm(sim, kind, 10000)
    if seconds is not None:
        sim_time.at(seconds, sim.clear_faults)


@pytest.mark.parametrize("call,seconds", [
    row(c, "mcpd outage of %d s (restjavad restart for login)" % s, "retried until the device answers again (default retry_deadline 120 s); succeeds", s)
    for c in CALLS for s in (10, 60)])
def test_outage_within_the_deadline(bigip_sim, sim_time, call, seconds):
    start(bigip_sim, call)
    outage(bigip_sim, call, seconds, sim_time)
    result = run(bigip_sim, CALLS[call].module, CALLS[call].args)
    assert not result.get("failed"), result["msg"]
    assert CALLS[call].reached(bigip_sim)
    assert seconds <= sim_time.now <= seconds + 8.5


@pytest.mark.parametrize("call", [
    row(c, "outage longer than retry_deadline (30 s)", "fails when the deadline passes, naming it and quoting the device; the change is not made")
    for c in CALLS])
def test_outage_past_the_deadline(bigip_sim, sim_time, call):
    start(bigip_sim, call)
    outage(bigip_sim, call, None, sim_time)
    result = run(bigip_sim, CALLS[call].module, dict(CALLS[call].args, retry_deadline=30))
    bigip_sim.clear_faults()
    assert result["failed"] is True
    assert sim_time.now == pytest.approx(30)
    assert ("retry_deadline" in result["msg"]) and ("restarting" in result["msg"] or "mcpd" in result["msg"]), result["msg"]
    if call == "config save":
        assert "NOT saved" in result["msg"]
    assert CALLS[call].before(bigip_sim)


# --- races --------------------------------------------------------------------------------------

@pytest.mark.fault(call="POST", fault="409 race (another client creates the object first)",
                   behaviour="fails quoting the device's 409 text; a rerun converges (reads it, then PATCHes)")
def test_409_race_then_rerun(bigip_sim, sim_time):
    start(bigip_sim, "POST")
    bigip_sim.fault("race", 1, method="POST", path_prefix=VLANS,
                    apply={"method": "POST", "path": VLANS, "body": {"name": "fault-vlan", "partition": "Common", "tag": 300}})
    result = run(bigip_sim, "bigip_vlan", CALLS["POST"].args)
    assert result["failed"] is True and result["status"] == 409
    assert "already exists" in result["msg"] and vlan_tag(bigip_sim) == 300
    rerun = run(bigip_sim, "bigip_vlan", CALLS["POST"].args)
    assert rerun["changed"] is True and vlan_tag(bigip_sim) == 100


@pytest.mark.fault(call="commit", fault="commit applied, reply lost, transaction gone, device does NOT hold the change",
                   behaviour="fails with OutcomeUnknownError listing per object what re-reading verified; never 'nothing was applied'")
def test_ambiguous_commit_reports_only_what_was_verified(bigip_sim, sim_time):
    start(bigip_sim, "commit")
    # the commit is applied and its reply lost; before the retry another client puts the ratios back
    CALLS["commit"].arm(bigip_sim, "drop_after")
    bigip_sim.fault("race", 1, method="PATCH", path_prefix="/mgmt/tm/transaction/",
                    apply={"method": "PATCH", "path": WIDE_IP_PATH,
                           "body": {"pools": [{"name": "/Common/Local_pool", "order": 0, "ratio": 1},
                                              {"name": "/Common/Remote_pool", "order": 1, "ratio": 0}]}})
    result = run(bigip_sim, "bigip_gtm_ratio", CALLS["commit"].args)
    assert result["failed"] is True and result["error_type"] == "OutcomeUnknownError"
    assert "nothing was applied" not in result["msg"]
    assert "does not hold it for: GTM wide IP /Common/vmhttp.siterequest.com" in result["msg"]
    assert result["verified"] == {"applied": [], "not_applied": ["GTM wide IP /Common/vmhttp.siterequest.com"]}


@pytest.mark.fault(call="commit", fault="commit of a pool update (PATCH pool, PATCH member, POST member) applied, reply lost",
                   behaviour="settled by re-reading the pool and every member written (the new one included): success with a "
                             "warning, no second commit")
def test_lost_commit_of_a_pool_update_is_settled_by_reading_every_object_written(bigip_sim, sim_time):
    pool = "/mgmt/tm/ltm/pool/~Common~app_pool"
    run(bigip_sim, "bigip_ltm_pool", {"name": "app_pool", "members": [{"address": "10.1.1.1", "port": 80}]})
    bigip_sim.clear_log()
    bigip_sim.fault("drop_after", 1, method="PATCH", path_prefix="/mgmt/tm/transaction/")
    result = run(bigip_sim, "bigip_ltm_pool", {"name": "app_pool", "priority_group_activation": 1, "members": [
        {"address": "10.1.1.1", "port": 80, "priority_group": 5}, {"address": "10.1.1.2", "port": 80, "priority_group": 1}]})
    assert not result.get("failed"), result["msg"]
    assert any("holds every change" in w for w in result.get("warnings", [])), result.get("warnings")
    commits = [e for e in bigip_sim.requests_log() if e["method"] == "PATCH" and e["path"].startswith("/mgmt/tm/transaction/")]
    assert len(commits) == 2, "the retried commit found its transaction gone (404) and settled by reading"
    members = {m["name"]: m["priorityGroup"] for m in bigip_sim.peek(pool)["membersReference"]["items"]}
    assert bigip_sim.peek(pool)["minActiveMembers"] == 1 and members == {"10.1.1.1:80": 5, "10.1.1.2:80": 1}
