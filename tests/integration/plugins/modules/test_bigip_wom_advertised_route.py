"""bigip_wom_advertised_route against the BIG-IP simulator: CRUD and the subnet/netmask forms."""
from __future__ import annotations

import pytest

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import wom
from bigip_crud import CrudCases, DeviceError, Log, Scenario, run, run_ok, subset

pytestmark = pytest.mark.bigip_sim

P = wom.ADVERTISED_ROUTE.props
PATH = wom.ADVERTISED_ROUTE.path + "/~Common~vlan_1057"
GUIDE = {"alias": "vlan_1057", "subnet": "10.133.57.0", "netmask": "255.255.255.0", "enabled": True}


class TestAdvertisedRouteCrud(CrudCases):
    scenario = Scenario(
        module="bigip_wom_advertised_route",
        args=GUIDE,
        path=PATH,
        collection=wom.ADVERTISED_ROUTE.path,
        post_body={"name": "vlan_1057", "partition": "Common", P["subnet"]: "10.133.57.0", P["netmask"]: "255.255.255.0",
                   P["enabled"]: True},
        state={P["subnet"]: "10.133.57.0", P["netmask"]: "255.255.255.0", P["enabled"]: True},
        result_key="route",
        result={"subnet": "10.133.57.0", "netmask": "255.255.255.0", "enabled": True},
        update={"enabled": False, "label": "vMotion subnet"},
        patch_body={P["disabled"]: True, P["label"]: "vMotion subnet"},
        updated_state={P["disabled"]: True, P["label"]: "vMotion subnet"},
        update_after={"enabled": False, "label": "vMotion subnet"},
        # an advertised route references nothing, so the device error is mcpd going away
        error=DeviceError(args=dict(GUIDE, retries=0), inject=lambda sim: sim.fault("mcpd", 1),
                          message=("WOM advertised route /Common/vlan_1057", "HTTP 500", "The connection to mcpd has been lost")),
    )


def test_prefix_form_is_the_same_route(bigip_sim):
    run_ok(bigip_sim, "bigip_wom_advertised_route", GUIDE)
    log = Log(bigip_sim)
    for form in ({"subnet": "10.133.57.0/24"}, {"subnet": "10.133.57.0", "netmask": "24"}):
        assert run_ok(bigip_sim, "bigip_wom_advertised_route", dict({"name": "vlan_1057"}, **form))["changed"] is False
    log.assert_no_writes()


def test_netmask_change_sends_the_pair(bigip_sim):
    run_ok(bigip_sim, "bigip_wom_advertised_route", GUIDE)
    log = Log(bigip_sim)
    run_ok(bigip_sim, "bigip_wom_advertised_route", {"name": "vlan_1057", "subnet": "10.133.0.0/16"})
    assert log.only_write("PATCH", PATH)["body"] == {P["subnet"]: "10.133.0.0", P["netmask"]: "255.255.0.0"}
    subset({P["subnet"]: "10.133.0.0", P["netmask"]: "255.255.0.0"}, bigip_sim.peek(PATH))


def test_create_without_subnet_fails_before_any_write(bigip_sim):
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_wom_advertised_route", {"name": "vlan_1057", "enabled": True})
    assert result["failed"] is True
    assert "WOM advertised route /Common/vlan_1057 does not exist; subnet required to create it" in result["msg"]
    log.assert_no_writes()


@pytest.mark.parametrize("args,message", [
    ({"subnet": "10.133.57.1/24"}, "10.133.57.1/24 has host bits set; the subnet address is 10.133.57.0"),
    ({"subnet": "10.133.57.0"}, "subnet 10.133.57.0 needs a prefix length or a netmask"),
    ({"subnet": "10.133.57.0/24", "netmask": "255.255.0.0"}, "address 10.133.57.0/24 and netmask 255.255.0.0 disagree"),
    ({"netmask": "255.255.255.0"}, "netmask needs subnet"),
    ({"subnet": "vlan57"}, "'vlan57' is not an IP address"),
])
def test_invalid_input_fails_before_any_request(bigip_sim, args, message):
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_wom_advertised_route", dict({"name": "vlan_1057"}, **args))
    assert result["failed"] is True
    assert "WOM advertised route vlan_1057: " + message in result["msg"]
    assert log.calls() == []
