"""bigip_gtm_pool against the BIG-IP simulator: CRUD cases and the members sub-collection."""
from __future__ import annotations

import pytest

from bigip_crud import CrudCases, DeviceError, Log, Scenario, absent, run, run_ok

pytestmark = pytest.mark.bigip_sim

PATH = "/mgmt/tm/gtm/pool/a/~Common~Remote_pool"
MEMBERS = PATH + "/members"
MEMBER = {"server": "Remote-BIG-IP", "virtual_server": "vmhttp_vs"}
GUIDE = {"name": "Remote_pool", "load_balancing_mode": "round-robin", "enabled": False}


def prerequisites(sim):
    run_ok(sim, "bigip_gtm_datacenter", {"name": "Remote"})
    run_ok(sim, "bigip_gtm_monitor_http", {"name": "VM-http-monitor"})
    run_ok(sim, "bigip_gtm_server", {"name": "Remote-BIG-IP", "datacenter": "Remote", "addresses": [{"address": "10.133.40.250"}],
                                     "virtual_servers": [{"name": "vmhttp_vs", "destination": "10.133.40.51:80"},
                                                         {"name": "spare_vs", "destination": "10.133.40.52:80"}]})


def members(sim):
    items = sim.peek(PATH)["membersReference"].get("items", [])
    return {m["name"]: (m["memberOrder"], m["ratio"], not m.get("disabled", False)) for m in items}


class TestGtmPoolCrud(CrudCases):
    scenario = Scenario(
        module="bigip_gtm_pool",
        args=GUIDE,
        path=PATH,
        collection="/mgmt/tm/gtm/pool/a",
        post_body={"name": "Remote_pool", "partition": "Common", "loadBalancingMode": "round-robin", "disabled": True},
        state={"fullPath": "/Common/Remote_pool", "loadBalancingMode": "round-robin", "disabled": True},
        result_key="pool",
        result={"load_balancing_mode": "round-robin", "enabled": False},
        update={"enabled": True, "ttl": 60, "monitors": ["VM-http-monitor"], "fallback_mode": "none"},
        patch_body={"enabled": True, "ttl": 60, "monitor": "/Common/VM-http-monitor", "fallbackMode": "none"},
        updated_state={"enabled": True, "ttl": 60, "monitor": "/Common/VM-http-monitor", "fallbackMode": "none"},
        update_after={"enabled": True, "ttl": 60, "monitors": ["/Common/VM-http-monitor"], "fallback_mode": "none"},
        setup=prerequisites,
        error=DeviceError(args=dict(GUIDE, monitors=["no-such-monitor"]),
                          message=("GTM pool /Common/Remote_pool", "The requested monitor (/Common/no-such-monitor) for GTM pool")),
    )


def test_guide_pool_is_created_disabled_with_its_member(bigip_sim):
    prerequisites(bigip_sim)
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_gtm_pool", dict(GUIDE, members=[MEMBER]), diff=True)
    post = log.only_write("POST", "/mgmt/tm/gtm/pool/a")
    assert post["body"]["members"] == [{"name": "Remote-BIG-IP:vmhttp_vs", "partition": "Common"}], "one POST: all or nothing"
    assert ("GET", MEMBERS) not in log.calls(), "a pool just created has no members to read"
    assert bigip_sim.peek(PATH)["disabled"] is True
    assert members(bigip_sim) == {"Remote-BIG-IP:vmhttp_vs": (0, 1, True)}
    assert result["pool"]["members"] == {"Remote-BIG-IP:vmhttp_vs": {}}
    log = Log(bigip_sim)
    assert run_ok(bigip_sim, "bigip_gtm_pool", dict(GUIDE, members=[MEMBER]))["changed"] is False
    log.assert_no_writes()


def test_a_member_the_device_refuses_leaves_no_pool_behind(bigip_sim):
    """Creation with members is one POST: a refused member (no such GTM server) means no pool either."""
    prerequisites(bigip_sim)
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_gtm_pool", dict(GUIDE, members=[MEMBER, dict(MEMBER, server="No-Such-Server")]))
    assert result["failed"] is True and "GTM pool /Common/Remote_pool" in result["msg"] and "No-Such-Server" in result["msg"]
    assert [w["method"] for w in log.writes()] == ["POST"]
    assert absent(bigip_sim, PATH)


def test_an_update_of_several_writes_is_one_transaction_and_a_refusal_applies_none(bigip_sim):
    prerequisites(bigip_sim)
    run_ok(bigip_sim, "bigip_gtm_pool", dict(GUIDE, members=[MEMBER]))
    log = Log(bigip_sim)
    bad = dict(GUIDE, enabled=True, members=[dict(MEMBER, ratio=5), dict(MEMBER, server="No-Such-Server")])
    result = run(bigip_sim, "bigip_gtm_pool", bad)
    assert result["failed"] is True and "the device refused the change, nothing was applied" in result["msg"]
    assert "No-Such-Server" in result["msg"]
    assert bigip_sim.peek(PATH)["disabled"] is True and members(bigip_sim) == {"Remote-BIG-IP:vmhttp_vs": (0, 1, True)}
    log = Log(bigip_sim)
    good = dict(GUIDE, enabled=True, members=[dict(MEMBER, ratio=5), dict(MEMBER, virtual_server="spare_vs")])
    result = run_ok(bigip_sim, "bigip_gtm_pool", good, diff=True)
    writes = [(w["method"], w["path"].split("/mgmt/tm/")[1]) for w in log.writes()]
    assert writes[0] == ("POST", "transaction") and writes[-1][0] == "PATCH" and writes[-1][1].startswith("transaction/")
    assert writes[1:-1] == [("PATCH", "gtm/pool/a/~Common~Remote_pool"),
                            ("PATCH", "gtm/pool/a/~Common~Remote_pool/members/~Common~Remote-BIG-IP:vmhttp_vs"),
                            ("POST", "gtm/pool/a/~Common~Remote_pool/members")]
    assert all(e.get("transaction") for e in log.writes()[1:-1]), "queued under the transaction"
    assert result["pool"]["enabled"] is True and bigip_sim.peek(PATH).get("enabled") is True
    assert members(bigip_sim) == {"Remote-BIG-IP:vmhttp_vs": (0, 5, True), "Remote-BIG-IP:spare_vs": (1, 1, True)}
    assert result["diff"]["before"]["enabled"] is False and result["diff"]["after"]["members"]["Remote-BIG-IP:spare_vs"] == {}


def test_member_update_sends_one_patch_to_the_member(bigip_sim):
    prerequisites(bigip_sim)
    run_ok(bigip_sim, "bigip_gtm_pool", dict(GUIDE, members=[MEMBER]))
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_gtm_pool", dict(GUIDE, members=[dict(MEMBER, server="/Common/Remote-BIG-IP", ratio=3, enabled=False)]),
                    diff=True)
    patch = log.only_write("PATCH", MEMBERS + "/~Common~Remote-BIG-IP:vmhttp_vs")
    assert patch["body"] == {"ratio": 3, "disabled": True}
    assert members(bigip_sim) == {"Remote-BIG-IP:vmhttp_vs": (0, 3, False)}
    assert result["diff"]["before"]["members"] == {"Remote-BIG-IP:vmhttp_vs": {"ratio": 1, "enabled": True}}
    assert result["diff"]["after"]["members"] == {"Remote-BIG-IP:vmhttp_vs": {"ratio": 3, "enabled": False}}


def test_purge_members_deletes_unlisted_ones(bigip_sim):
    prerequisites(bigip_sim)
    spare = {"server": "Remote-BIG-IP", "virtual_server": "spare_vs", "order": 1}
    run_ok(bigip_sim, "bigip_gtm_pool", dict(GUIDE, members=[MEMBER, spare]))
    assert members(bigip_sim) == {"Remote-BIG-IP:vmhttp_vs": (0, 1, True), "Remote-BIG-IP:spare_vs": (1, 1, True)}
    log = Log(bigip_sim)
    assert run_ok(bigip_sim, "bigip_gtm_pool", dict(GUIDE, members=[MEMBER]))["changed"] is False
    log.assert_no_writes()
    run_ok(bigip_sim, "bigip_gtm_pool", dict(GUIDE, members=[MEMBER], purge_members=True))
    log.only_write("DELETE", MEMBERS + "/~Common~Remote-BIG-IP:spare_vs")
    assert list(members(bigip_sim)) == ["Remote-BIG-IP:vmhttp_vs"]


def test_check_mode_with_members_writes_nothing(bigip_sim):
    prerequisites(bigip_sim)
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_gtm_pool", dict(GUIDE, members=[dict(MEMBER, ratio=2)]), check_mode=True, diff=True)
    assert result["changed"] is True
    log.assert_no_writes()
    assert absent(bigip_sim, PATH)
    assert result["pool"]["members"] == {"Remote-BIG-IP:vmhttp_vs": {"ratio": 2}}


def test_unknown_member_fails_with_the_device_message(bigip_sim):
    prerequisites(bigip_sim)
    run_ok(bigip_sim, "bigip_gtm_pool", GUIDE)
    result = run(bigip_sim, "bigip_gtm_pool", dict(GUIDE, members=[{"server": "Remote-BIG-IP", "virtual_server": "nope_vs"}]))
    assert result["failed"] is True
    assert "GTM pool /Common/Remote_pool member Remote-BIG-IP:nope_vs" in result["msg"]
    assert "The requested GTM virtual server (/Common/Remote-BIG-IP:nope_vs)" in result["msg"]


@pytest.mark.parametrize("args, message", [
    (dict(GUIDE, members=[MEMBER, MEMBER]), "members are listed twice"),
    (dict(GUIDE, members=[dict(MEMBER, ratio=-1)]), "ratio must be 0 or more"),
    (dict(GUIDE, ttl=-5), "ttl must be 0 or more"),
    (dict(GUIDE, purge_members=True), "purge_members needs members"),
])
def test_bad_input_fails_before_any_request(bigip_sim, args, message):
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_gtm_pool", args)
    assert result["failed"] is True and message in result["msg"]
    assert log.calls() == []


def test_monitor_list_is_an_and_rule_compared_as_a_set(bigip_sim):
    prerequisites(bigip_sim)
    run_ok(bigip_sim, "bigip_gtm_monitor_http", {"name": "second-monitor"})
    run_ok(bigip_sim, "bigip_gtm_pool", dict(GUIDE, monitors=["VM-http-monitor", "/Common/second-monitor"]))
    assert bigip_sim.peek(PATH)["monitor"] == "/Common/VM-http-monitor and /Common/second-monitor"
    log = Log(bigip_sim)
    assert run_ok(bigip_sim, "bigip_gtm_pool", dict(GUIDE, monitors=["second-monitor", "VM-http-monitor"]))["changed"] is False
    log.assert_no_writes()
    result = run_ok(bigip_sim, "bigip_gtm_pool", dict(GUIDE, monitors=[]))
    assert log.only_write("PATCH", PATH)["body"] == {"monitor": ""}
    assert result["pool"]["monitors"] == []
    assert run_ok(bigip_sim, "bigip_gtm_pool", dict(GUIDE, monitors=[]))["changed"] is False
