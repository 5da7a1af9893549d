"""sys config save, restart/reboot (unsaved changes lost), dynamic discovery and routing revert."""
from __future__ import annotations

from plugins.module_utils._bigip import wom

ROUTING = wom.REMOTE_ENDPOINT.props["routing"]
SOURCE = wom.REMOTE_ENDPOINT.props["source"]


def save(rest):
    assert rest.ok("POST", "/mgmt/tm/sys/config", {"command": "save"})["command"] == "save"


def test_saved_config_survives_restart_unsaved_is_lost(rest, bigip_sim):
    rest.ok("POST", "/mgmt/tm/net/vlan", {"name": "saved"})
    save(rest)
    rest.ok("POST", "/mgmt/tm/net/vlan", {"name": "unsaved"})
    before = rest.ok("GET", "/mgmt/tm/net/vlan/~Common~saved")
    bigip_sim.restart()
    assert rest.ok("GET", "/mgmt/tm/net/vlan/~Common~saved")["tag"] == before["tag"]
    assert rest.get("/mgmt/tm/net/vlan/~Common~unsaved").status_code == 404
    assert rest.ok("POST", "/mgmt/tm/net/vlan", {"name": "next"})["tag"] == before["tag"] - 1


def test_reboot_loads_saved_config_and_drops_tokens(rest, bigip_sim):
    rest.ok("POST", "/mgmt/tm/ltm/pool", {"name": "saved"})
    save(rest)
    rest.ok("DELETE", "/mgmt/tm/ltm/pool/~Common~saved")
    rest.ok("POST", "/mgmt/tm/ltm/pool", {"name": "unsaved"})
    generation = rest.ok("GET", "/mgmt/tm/ltm/pool")["items"][0]["generation"]
    bigip_sim.reboot()
    assert [p["name"] for p in rest.ok("GET", "/mgmt/tm/ltm/pool")["items"]] == ["saved"]
    assert rest.ok("POST", "/mgmt/tm/ltm/pool", {"name": "after"})["generation"] > generation


def test_reset_returns_to_factory_and_forgets_saved_config(rest, bigip_sim):
    rest.ok("POST", "/mgmt/tm/ltm/pool", {"name": "saved"})
    save(rest)
    bigip_sim.reset()
    assert rest.ok("GET", "/mgmt/tm/ltm/pool")["items"] == []
    bigip_sim.reboot()
    assert rest.ok("GET", "/mgmt/tm/ltm/pool")["items"] == []


def configure_local_endpoint(rest):
    rest.ok("POST", "/mgmt/tm/net/vlan", {"name": "wan"})
    rest.ok("POST", "/mgmt/tm/net/self", {"name": "wan-self", "address": "10.133.57.236/24", "vlan": "/Common/wan"})
    rest.ok("PATCH", wom.LOCAL_ENDPOINT.path, {wom.LOCAL_ENDPOINT.props["address"]: "10.133.57.236"})


def test_discovered_endpoint_routing_reverts_on_reboot(rest, bigip_sim):
    configure_local_endpoint(rest)
    rest.ok("POST", wom.REMOTE_ENDPOINT.path, {"name": "10.133.59.1", ROUTING: "enabled"})
    found = bigip_sim.discover("10.133.58.236")
    assert (found["name"], found[SOURCE], found[ROUTING]) == ("10.133.58.236", "discovered", "disabled")
    rest.ok("PATCH", f"{wom.REMOTE_ENDPOINT.path}/~Common~10.133.58.236", {ROUTING: "enabled"})
    save(rest)
    result = bigip_sim.reboot()
    assert result["routingDisabled"] == ["/Common/10.133.58.236"]
    endpoints = {e["name"]: (e[SOURCE], e[ROUTING]) for e in rest.ok("GET", wom.REMOTE_ENDPOINT.path)["items"]}
    assert endpoints == {"10.133.59.1": ("manual", "enabled"), "10.133.58.236": ("discovered", "disabled")}
    # the revert is not saved: bigip.conf still says enabled, so every reboot/upgrade reverts again
    assert bigip_sim.upgrade()["routingDisabled"] == ["/Common/10.133.58.236"]
    rest.ok("PATCH", f"{wom.REMOTE_ENDPOINT.path}/~Common~10.133.58.236", {ROUTING: "enabled"})
    assert rest.ok("GET", f"{wom.REMOTE_ENDPOINT.path}/~Common~10.133.58.236")[ROUTING] == "enabled"


def test_discovered_endpoint_is_kept_by_the_device_without_save(rest, bigip_sim):
    configure_local_endpoint(rest)
    save(rest)
    bigip_sim.discover("10.133.58.236")
    bigip_sim.reboot()
    assert rest.ok("GET", f"{wom.REMOTE_ENDPOINT.path}/~Common~10.133.58.236")[SOURCE] == "discovered"


def test_discovery_needs_it_enabled_and_a_local_endpoint(rest, bigip_sim):
    import pytest  # pylint: disable=import-outside-toplevel
    from tests.simulators.bigip.harness import SimulatorError  # pylint: disable=import-outside-toplevel

    with pytest.raises(SimulatorError, match="no IP address"):
        bigip_sim.discover("10.133.58.236")
    configure_local_endpoint(rest)
    rest.ok("PATCH", wom.ENDPOINT_DISCOVERY.path, {wom.ENDPOINT_DISCOVERY.props["mode"]: "disabled"})
    with pytest.raises(SimulatorError, match="disabled"):
        bigip_sim.discover("10.133.58.236")
    assert rest.ok("GET", wom.REMOTE_ENDPOINT.path)["items"] == []


def test_util_bash_save_as_f5_modules_send_it_survives_restart(rest, bigip_sim):
    """F5's bigip_config saves through /mgmt/tm/util/bash; only that command is run, anything else is refused."""
    rest.ok("POST", "/mgmt/tm/net/vlan", {"name": "saved-by-bash"})
    result = rest.ok("POST", "/mgmt/tm/util/bash", {"command": "run", "utilCmdArgs": '-c "tmsh save sys config"'})
    assert result["kind"] == "tm:util:bash:runstate" and "Saving running configuration" in result["commandResult"]
    refused = rest.post("/mgmt/tm/util/bash", {"command": "run", "utilCmdArgs": '-c "rm -rf /config"'})
    assert refused.status_code == 400 and "runs only" in refused.json()["message"]
    assert rest.post("/mgmt/tm/util/bash", {"command": "load", "utilCmdArgs": ""}).status_code == 400
    bigip_sim.restart()
    assert rest.ok("GET", "/mgmt/tm/net/vlan/~Common~saved-by-bash")["name"] == "saved-by-bash"
