"""bigip_ltm_pool against the BIG-IP simulator: CRUD cases and the guide's priority pool members."""
from __future__ import annotations

import pytest

from bigip_crud import CrudCases, DeviceError, Log, Scenario, absent, run, run_ok

pytestmark = pytest.mark.bigip_sim

PATH = "/mgmt/tm/ltm/pool/~Common~vmhttp_pool"
MEMBERS = PATH + "/members"
GUIDE = {"name": "vmhttp_pool", "lb_method": "least-connections-node", "priority_group_activation": 1}
LAB_MEMBERS = [{"address": "10.133.39.11", "port": 80, "priority_group": 5},
               {"address": "10.133.39.12", "port": 80, "priority_group": 5},
               {"address": "10.133.40.51", "port": 80, "priority_group": 1, "description": "secondary site virtual server"}]


def members(sim):
    return {m["name"]: (m["address"], m["priorityGroup"], m["ratio"]) for m in sim.peek(PATH)["membersReference"].get("items", [])}


class TestLtmPoolCrud(CrudCases):
    scenario = Scenario(
        module="bigip_ltm_pool",
        args=GUIDE,
        path=PATH,
        collection="/mgmt/tm/ltm/pool",
        post_body={"name": "vmhttp_pool", "partition": "Common", "loadBalancingMode": "least-connections-node", "minActiveMembers": 1},
        state={"loadBalancingMode": "least-connections-node", "minActiveMembers": 1},
        result_key="pool",
        result={"lb_method": "least-connections-node", "priority_group_activation": 1},
        update={"monitors": ["http"], "priority_group_activation": 0},
        patch_body={"monitor": "/Common/http", "minActiveMembers": 0},
        updated_state={"monitor": "/Common/http", "minActiveMembers": 0},
        update_after={"monitors": ["/Common/http"], "priority_group_activation": 0},
        error=DeviceError(args=dict(GUIDE, monitors=["no-such-monitor"]),
                          message=("LTM pool /Common/vmhttp_pool", "The requested monitor (/Common/no-such-monitor) for pool")),
    )


def test_guide_priority_pool_is_created_with_its_members_in_one_post(bigip_sim):
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_ltm_pool", dict(GUIDE, members=LAB_MEMBERS), diff=True)
    post = log.only_write("POST", "/mgmt/tm/ltm/pool")
    assert len(post["body"]["members"]) == 3, "the pool and its members: all or nothing"
    assert post["body"]["members"][2] == {"name": "10.133.40.51:80", "partition": "Common", "address": "10.133.40.51", "priorityGroup": 1,
                                          "description": "secondary site virtual server"}
    assert members(bigip_sim) == {"10.133.39.11:80": ("10.133.39.11", 5, 1), "10.133.39.12:80": ("10.133.39.12", 5, 1),
                                  "10.133.40.51:80": ("10.133.40.51", 1, 1)}
    assert bigip_sim.peek("/mgmt/tm/ltm/node/~Common~10.133.40.51")["address"] == "10.133.40.51"
    assert result["pool"]["members"]["10.133.39.11:80"] == {"address": "10.133.39.11", "priority_group": 5}
    log = Log(bigip_sim)
    assert run_ok(bigip_sim, "bigip_ltm_pool", dict(GUIDE, members=LAB_MEMBERS))["changed"] is False
    log.assert_no_writes()


def test_member_priority_change_patches_only_that_member(bigip_sim):
    run_ok(bigip_sim, "bigip_ltm_pool", dict(GUIDE, members=LAB_MEMBERS))
    log = Log(bigip_sim)
    changed = [dict(LAB_MEMBERS[0], priority_group=10, ratio=2)] + LAB_MEMBERS[1:]
    result = run_ok(bigip_sim, "bigip_ltm_pool", dict(GUIDE, members=changed), diff=True)
    assert log.only_write("PATCH", MEMBERS + "/~Common~10.133.39.11:80")["body"] == {"priorityGroup": 10, "ratio": 2}
    assert members(bigip_sim)["10.133.39.11:80"] == ("10.133.39.11", 10, 2)
    assert result["diff"]["before"]["members"]["10.133.39.11:80"] == {"address": "10.133.39.11", "priority_group": 5, "ratio": 1}


def test_purge_members_and_check_mode(bigip_sim):
    run_ok(bigip_sim, "bigip_ltm_pool", dict(GUIDE, members=LAB_MEMBERS))
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_ltm_pool", dict(GUIDE, members=LAB_MEMBERS[:2], purge_members=True), check_mode=True, diff=True)
    assert result["changed"] is True
    log.assert_no_writes()
    assert "10.133.40.51:80" in result["diff"]["before"]["members"] and "10.133.40.51:80" not in result["diff"]["after"]["members"]
    run_ok(bigip_sim, "bigip_ltm_pool", dict(GUIDE, members=LAB_MEMBERS[:2], purge_members=True))
    log.only_write("DELETE", MEMBERS + "/~Common~10.133.40.51:80")
    assert sorted(members(bigip_sim)) == ["10.133.39.11:80", "10.133.39.12:80"]


def test_check_mode_create_with_members_writes_nothing(bigip_sim):
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_ltm_pool", dict(GUIDE, members=LAB_MEMBERS), check_mode=True)
    assert result["changed"] is True
    log.assert_no_writes()
    assert absent(bigip_sim, PATH)
    assert sorted(result["pool"]["members"]) == ["10.133.39.11:80", "10.133.39.12:80", "10.133.40.51:80"]


def test_ipv6_and_named_members(bigip_sim):
    args = dict(GUIDE, members=[{"address": "2001:db8::11", "port": 80}, {"address": "10.133.39.13", "port": 8080, "name": "web3:8080"}])
    run_ok(bigip_sim, "bigip_ltm_pool", args)
    assert members(bigip_sim) == {"2001:db8::11.80": ("2001:db8::11", 0, 1), "web3:8080": ("10.133.39.13", 0, 1)}


def test_changing_a_member_address_is_refused_before_any_write(bigip_sim):
    run_ok(bigip_sim, "bigip_ltm_pool", dict(GUIDE, members=[{"address": "10.133.39.13", "port": 80, "name": "web3:80"}]))
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_ltm_pool", dict(GUIDE, members=[{"address": "10.133.39.14", "port": 80, "name": "web3:80"}]))
    assert result["failed"] is True
    assert "LTM pool /Common/vmhttp_pool member web3:80: address cannot be changed" in result["msg"]
    log.assert_no_writes()


@pytest.mark.parametrize("member, message", [
    ({"address": "10.1.1.300", "port": 80}, "member address '10.1.1.300' is not an IP address"),
    ({"address": "10.1.1.1", "port": 0}, "port must be 1 to 65535"),
    ({"address": "10.1.1.1", "port": 80, "ratio": 0}, "ratio must be 1 to 65535"),
    ({"address": "10.1.1.1", "port": 80, "priority_group": 70000}, "priority_group must be 0 to 65535"),
])
def test_bad_members_fail_before_any_request(bigip_sim, member, message):
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_ltm_pool", dict(GUIDE, members=[member]))
    assert result["failed"] is True and message in result["msg"]
    assert log.calls() == []
