"""bigip_selfip against the BIG-IP simulator: CRUD, address/netmask forms, port lockdown semantics."""
from __future__ import annotations

import pytest

from bigip_crud import CrudCases, DeviceError, Log, Scenario, run, run_ok, subset

pytestmark = pytest.mark.bigip_sim

PATH = "/mgmt/tm/net/self/~Common~vmotion-self"
GUIDE = {"name": "vmotion-self", "address": "10.133.57.236/24", "vlan": "vmotion-vlan", "allow_service": ["none"]}


def with_vlan(sim):
    run_ok(sim, "bigip_vlan", {"name": "vmotion-vlan", "interfaces": [{"name": "1.14"}]})


class TestSelfIpCrud(CrudCases):
    scenario = Scenario(
        module="bigip_selfip",
        args=GUIDE,
        path=PATH,
        collection="/mgmt/tm/net/self",
        post_body={"name": "vmotion-self", "partition": "Common", "address": "10.133.57.236/24",
                   "vlan": "/Common/vmotion-vlan", "allowService": []},
        state={"address": "10.133.57.236/24", "vlan": "/Common/vmotion-vlan", "floating": "disabled",
               "trafficGroup": "/Common/traffic-group-local-only"},
        result_key="self_ip",
        result={"address": "10.133.57.236/24", "vlan": "/Common/vmotion-vlan", "allow_service": ["none"],
                "traffic_group": "/Common/traffic-group-local-only", "floating": False},
        predicted={"address": "10.133.57.236/24", "vlan": "/Common/vmotion-vlan", "allow_service": ["none"]},
        update={"allow_service": ["tcp:443", "udp:53"]},
        patch_body={"allowService": ["tcp:443", "udp:53"]},
        updated_state={"allowService": ["tcp:443", "udp:53"]},
        setup=with_vlan,
        error=DeviceError(args=dict(GUIDE, vlan="no-such-vlan"),
                          message=("self IP /Common/vmotion-self", "The requested VLAN (/Common/no-such-vlan)", "was not found")),
    )


def test_address_with_separate_netmask_is_the_same_address(bigip_sim):
    with_vlan(bigip_sim)
    run_ok(bigip_sim, "bigip_selfip", GUIDE)
    log = Log(bigip_sim)
    args = dict(GUIDE, address="10.133.57.236", netmask="255.255.255.0")
    assert run_ok(bigip_sim, "bigip_selfip", args)["changed"] is False
    assert run_ok(bigip_sim, "bigip_selfip", dict(args, netmask="24"))["changed"] is False
    log.assert_no_writes()


def test_address_change_is_patched_in_prefix_form(bigip_sim):
    with_vlan(bigip_sim)
    run_ok(bigip_sim, "bigip_selfip", GUIDE)
    log = Log(bigip_sim)
    run_ok(bigip_sim, "bigip_selfip", {"name": "vmotion-self", "address": "10.133.57.237", "netmask": "255.255.0.0"})
    assert log.only_write("PATCH", PATH)["body"] == {"address": "10.133.57.237/16"}
    subset({"address": "10.133.57.237/16"}, bigip_sim.peek(PATH))


@pytest.mark.parametrize("lockdown,sent,stored", [
    (["default"], ["default"], ["default"]),
    (["all"], "all", "all"),
    (["tcp:443"], ["tcp:443"], ["tcp:443"]),
])
def test_port_lockdown_forms(bigip_sim, lockdown, sent, stored):
    with_vlan(bigip_sim)
    run_ok(bigip_sim, "bigip_selfip", GUIDE)
    assert "allowService" not in bigip_sim.peek(PATH), "Allow None is the key absent on the device"
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_selfip", dict(GUIDE, allow_service=lockdown))
    assert log.only_write("PATCH", PATH)["body"] == {"allowService": sent}
    assert bigip_sim.peek(PATH)["allowService"] == stored
    assert result["self_ip"]["allow_service"] == lockdown
    again = Log(bigip_sim)
    assert run_ok(bigip_sim, "bigip_selfip", dict(GUIDE, allow_service=lockdown))["changed"] is False
    again.assert_no_writes()


def test_back_to_allow_none_sends_an_empty_list(bigip_sim):
    with_vlan(bigip_sim)
    run_ok(bigip_sim, "bigip_selfip", dict(GUIDE, allow_service=["default"]))
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_selfip", dict(GUIDE, allow_service=[]), diff=True)
    assert log.only_write("PATCH", PATH)["body"] == {"allowService": []}
    assert "allowService" not in bigip_sim.peek(PATH)
    assert result["diff"] == {"before": {"address": "10.133.57.236/24", "vlan": "/Common/vmotion-vlan", "allow_service": ["default"]},
                              "after": {"address": "10.133.57.236/24", "vlan": "/Common/vmotion-vlan", "allow_service": ["none"]}}


def test_custom_services_compare_as_a_set(bigip_sim):
    with_vlan(bigip_sim)
    run_ok(bigip_sim, "bigip_selfip", dict(GUIDE, allow_service=["tcp:443", "udp:53"]))
    log = Log(bigip_sim)
    assert run_ok(bigip_sim, "bigip_selfip", dict(GUIDE, allow_service=["UDP:53", "tcp:443"]))["changed"] is False
    log.assert_no_writes()


def test_floating_moves_the_address_to_traffic_group_1(bigip_sim):
    with_vlan(bigip_sim)
    run_ok(bigip_sim, "bigip_selfip", GUIDE)
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_selfip", {"name": "vmotion-self", "floating": True})
    assert log.only_write("PATCH", PATH)["body"] == {"trafficGroup": "/Common/traffic-group-1"}
    subset({"floating": "enabled", "trafficGroup": "/Common/traffic-group-1"}, bigip_sim.peek(PATH))
    assert result["self_ip"]["floating"] is True
    again = Log(bigip_sim)
    same = {"name": "vmotion-self", "floating": True, "traffic_group": "traffic-group-1"}
    assert run_ok(bigip_sim, "bigip_selfip", same)["changed"] is False
    again.assert_no_writes()


def test_create_without_vlan_fails_before_any_write(bigip_sim):
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_selfip", {"name": "vmotion-self", "address": "10.133.57.236/24"})
    assert result["failed"] is True
    assert "self IP /Common/vmotion-self does not exist; vlan required to create it" in result["msg"]
    log.assert_no_writes()


@pytest.mark.parametrize("args,message", [
    ({"address": "10.133.57.300/24"}, "'10.133.57.300/24' is not an IP address"),
    ({"address": "10.133.57.236"}, "address 10.133.57.236 needs a prefix length or a netmask"),
    ({"address": "10.133.57.236/33"}, "prefix length /33 is out of range"),
    ({"address": "10.133.57.236/24", "netmask": "255.255.0.0"}, "address 10.133.57.236/24 and netmask 255.255.0.0 disagree"),
    ({"address": "10.133.57.236", "netmask": "255.0.255.0"}, "netmask 255.0.255.0 is not valid"),
    ({"netmask": "24"}, "netmask needs address"),
    ({"allow_service": ["none", "tcp:443"]}, "allow_service none cannot be combined with other entries"),
    ({"allow_service": ["all", "default"]}, "allow_service all cannot be combined with other entries"),
    ({"allow_service": ["tcp:99999"]}, "allow_service entry 'tcp:99999' is not protocol:port"),
    ({"allow_service": ["https"]}, "allow_service entry 'https' is not protocol:port"),
    ({"traffic_group": "traffic-group-local-only", "floating": True}, "floating=True contradicts traffic_group traffic-group-local-only"),
])
def test_invalid_input_fails_before_any_request(bigip_sim, args, message):
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_selfip", dict({"name": "vmotion-self"}, **args))
    assert result["failed"] is True
    assert "self IP vmotion-self: " + message in result["msg"]
    assert log.calls() == []
