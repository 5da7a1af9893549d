"""bigip_vlan against the BIG-IP simulator: standard CRUD cases plus interface-set semantics."""
from __future__ import annotations

import pytest

from bigip_crud import CrudCases, DeviceError, Log, Scenario, run, run_ok, subset

pytestmark = pytest.mark.bigip_sim

PATH = "/mgmt/tm/net/vlan/~Common~vmotion-vlan"
GUIDE = {"name": "vmotion-vlan", "interfaces": [{"name": "1.14", "tagged": False}]}


def interfaces(sim):
    return sorted((i["name"], "tagged" if i.get("tagged") else "untagged")
                  for i in sim.peek(PATH)["interfacesReference"].get("items", []))


class TestVlanCrud(CrudCases):
    scenario = Scenario(
        module="bigip_vlan",
        args=GUIDE,
        path=PATH,
        collection="/mgmt/tm/net/vlan",
        post_body={"name": "vmotion-vlan", "partition": "Common", "interfaces": [{"name": "1.14", "untagged": True}]},
        state={"fullPath": "/Common/vmotion-vlan", "mtu": 1500},
        result_key="vlan",
        result={"interfaces": [{"name": "1.14", "tagged": False}]},
        update={"mtu": 9000, "description": "vMotion WAN"},
        patch_body={"mtu": 9000, "description": "vMotion WAN"},
        updated_state={"mtu": 9000, "description": "vMotion WAN"},
        error=DeviceError(args={"name": "vmotion-vlan", "interfaces": [{"name": "1.99", "tagged": False}]},
                          message=("VLAN /Common/vmotion-vlan", "The requested interface (1.99) was not found")),
    )


def test_device_assigns_the_tag_when_unset(bigip_sim):
    result = run_ok(bigip_sim, "bigip_vlan", GUIDE)
    tag = bigip_sim.peek(PATH)["tag"]
    assert 1 <= tag <= 4094
    assert result["vlan"]["tag"] == tag


def test_interfaces_compare_as_a_set(bigip_sim):
    two = {"name": "vmotion-vlan", "interfaces": [{"name": "1.14"}, {"name": "1.15", "tagged": True}]}
    run_ok(bigip_sim, "bigip_vlan", two)
    log = Log(bigip_sim)
    reordered = dict(two, interfaces=list(reversed(two["interfaces"])))
    assert run_ok(bigip_sim, "bigip_vlan", reordered)["changed"] is False
    log.assert_no_writes()


def test_changing_interfaces_sends_the_whole_list_inline(bigip_sim):
    run_ok(bigip_sim, "bigip_vlan", GUIDE)
    log = Log(bigip_sim)
    args = {"name": "vmotion-vlan", "interfaces": [{"name": "1.14", "tagged": True}, {"name": "1.15"}]}
    result = run_ok(bigip_sim, "bigip_vlan", args, diff=True)
    patch = log.only_write("PATCH", PATH)
    assert patch["body"] == {"interfaces": [{"name": "1.14", "tagged": True}, {"name": "1.15", "untagged": True}]}
    assert interfaces(bigip_sim) == [("1.14", "tagged"), ("1.15", "untagged")]
    assert result["diff"]["before"]["interfaces"] == [{"name": "1.14", "tagged": False}]


def test_empty_interface_list_removes_every_interface(bigip_sim):
    run_ok(bigip_sim, "bigip_vlan", GUIDE)
    result = run_ok(bigip_sim, "bigip_vlan", {"name": "vmotion-vlan", "interfaces": []})
    assert result["changed"] is True
    assert interfaces(bigip_sim) == []


def test_options_left_unset_are_not_touched(bigip_sim):
    run_ok(bigip_sim, "bigip_vlan", dict(GUIDE, mtu=9000))
    log = Log(bigip_sim)
    assert run_ok(bigip_sim, "bigip_vlan", {"name": "vmotion-vlan", "description": "x"})["changed"] is True
    assert log.only_write("PATCH", PATH)["body"] == {"description": "x"}
    subset({"mtu": 9000}, bigip_sim.peek(PATH))
    assert interfaces(bigip_sim) == [("1.14", "untagged")]


def test_explicit_tag_is_sent_and_kept(bigip_sim):
    run_ok(bigip_sim, "bigip_vlan", dict(GUIDE, tag=1057))
    subset({"tag": 1057}, bigip_sim.peek(PATH))
    log = Log(bigip_sim)
    assert run_ok(bigip_sim, "bigip_vlan", dict(GUIDE, tag=1057))["changed"] is False
    log.assert_no_writes()


@pytest.mark.parametrize("args,message", [
    ({"tag": 0}, "tag must be between 1 and 4094, got 0"),
    ({"tag": 4095}, "tag must be between 1 and 4094, got 4095"),
    ({"mtu": 100}, "mtu must be between 576 and 9198, got 100"),
    ({"interfaces": [{"name": "1.14"}, {"name": "1.14", "tagged": True}]}, "interface listed more than once: 1.14"),
    ({"interfaces": [{"name": " "}]}, "interfaces[0].name: must not be empty"),
])
def test_invalid_input_fails_before_any_request(bigip_sim, args, message):
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_vlan", dict({"name": "vmotion-vlan"}, **args))
    assert result["failed"] is True
    assert ("VLAN vmotion-vlan: " + message if not message.startswith("interfaces[") else message) in result["msg"]
    assert log.calls() == []
