"""bigip_wom_discovery against the BIG-IP simulator: the endpoint discovery singleton (guide,
Figure 2) and the nested subnet (server) discovery settings."""
from __future__ import annotations

import pytest

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import wom
from bigip_crud import Log, Scenario, UpdateCases, run, run_ok, subset
from tests.simulators.bigip.harness import SimulatorError

pytestmark = pytest.mark.bigip_sim

E, S = wom.ENDPOINT_DISCOVERY.props, wom.SERVER_DISCOVERY.props
GUIDE = {"enabled": True, "allow_remote_discovery": True, "discover_remote": True, "auto_include": True}


class TestEndpointDiscoveryUpdate(UpdateCases):
    scenario = Scenario(
        module="bigip_wom_discovery",
        args=GUIDE,
        path=wom.ENDPOINT_DISCOVERY.path,
        result_key="discovery",
        state={E["mode"]: "enabled", E["allow_remote_discovery"]: "enabled", E["discover_remote"]: "enabled",
               E["auto_include"]: "enabled"},
        update={"discover_remote": False, "auto_include": False},
        patch_body={E["discover_remote"]: "disabled", E["auto_include"]: "disabled"},
        updated_state={E["discover_remote"]: "disabled", E["auto_include"]: "disabled", E["allow_remote_discovery"]: "enabled"},
    )


def test_guide_values_are_the_factory_defaults(bigip_sim):
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_wom_discovery", GUIDE, diff=True)
    assert result["changed"] is False
    log.assert_no_writes()
    assert result["discovery"] == GUIDE


def test_subnet_discovery_is_patched_on_its_own_object(bigip_sim):
    log = Log(bigip_sim)
    args = {"subnet_discovery": {"enabled": False, "subnet_filter": ["10.133.57.0/24", "10.133.58.0/24"], "filter_mode": "include"}}
    result = run_ok(bigip_sim, "bigip_wom_discovery", args, diff=True)
    assert result["changed"] is True
    patch = log.only_write("PATCH", wom.SERVER_DISCOVERY.path)
    assert patch["body"] == {S["mode"]: "disabled", S["subnet_filter"]: ["10.133.57.0/24", "10.133.58.0/24"], S["filter_mode"]: "include"}
    subset({S["mode"]: "disabled", S["filter_mode"]: "include"}, bigip_sim.peek(wom.SERVER_DISCOVERY.path))
    assert result["diff"]["before"]["subnet_discovery"] == {"enabled": True, "subnet_filter": [], "filter_mode": "exclude"}
    assert result["discovery"]["subnet_discovery"]["enabled"] is False
    again = Log(bigip_sim)
    reordered = {"subnet_discovery": dict(args["subnet_discovery"], subnet_filter=["10.133.58.0/24", "10.133.57.0/24"])}
    assert run_ok(bigip_sim, "bigip_wom_discovery", reordered)["changed"] is False
    again.assert_no_writes()


def test_check_mode_changes_neither_object(bigip_sim):
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_wom_discovery", {"discover_remote": False, "subnet_discovery": {"max_server_count": 10}},
                    check_mode=True, diff=True)
    assert result["changed"] is True
    log.assert_no_writes()
    assert result["diff"]["after"] == {"discover_remote": False, "subnet_discovery": {"max_server_count": 10}}
    assert bigip_sim.peek(wom.ENDPOINT_DISCOVERY.path)[E["discover_remote"]] == "enabled"
    assert bigip_sim.peek(wom.SERVER_DISCOVERY.path)[S["max_server_count"]] == 50


def test_disabling_discovery_stops_the_device_discovering_peers(bigip_sim):
    run_ok(bigip_sim, "bigip_vlan", {"name": "vmotion-vlan", "interfaces": [{"name": "1.14"}]})
    run_ok(bigip_sim, "bigip_selfip", {"name": "self", "address": "10.133.57.236/24", "vlan": "vmotion-vlan"})
    run_ok(bigip_sim, "bigip_wom_endpoint", {"type": "local", "address": "10.133.57.236"})
    run_ok(bigip_sim, "bigip_wom_discovery", {"discover_remote": False})
    with pytest.raises(SimulatorError, match="dynamic discovery of remote endpoints is disabled"):
        bigip_sim.discover("10.133.58.236")


@pytest.mark.parametrize("args,message", [
    ({"max_server_count": -1}, "max_server_count must be 0 or more, got -1"),
    ({"rtt_threshold": -5}, "rtt_threshold must be 0 or more, got -5"),
    ({"subnet_filter": ["10.133.57.1/24"]}, "subnet_filter entry 10.133.57.1/24 has host bits set"),
    ({"subnet_filter": ["lan"]}, "'lan' is not an IP address"),
])
def test_invalid_subnet_options_fail_before_any_request(bigip_sim, args, message):
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_wom_discovery", {"discover_remote": False, "subnet_discovery": args})
    assert result["failed"] is True
    assert "WOM subnet discovery" in result["msg"] and message in result["msg"]
    assert log.calls() == []
