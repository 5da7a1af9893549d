"""End to end on two simulated BIG-IPs: the deployment guide's network and WAN optimization
configuration with the lab values (docs/lab.md), its idempotency, and the routing check after a
reboot with a dynamically discovered endpoint."""
from __future__ import annotations

import pytest

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import wom
from bigip_crud import Log, run_ok, subset

pytestmark = pytest.mark.bigip_sim

SITES = {
    "primary": {"self": "10.133.57.236", "subnet": "10.133.57.0", "alias": "vlan_1057", "peer": "10.133.58.236", "vmotion_host": "10.133.58.50"},
    "secondary": {"self": "10.133.58.236", "subnet": "10.133.58.0", "alias": "vlan_1058", "peer": "10.133.57.236", "vmotion_host": "10.133.57.50"},
}
DISCOVERED = "10.133.59.236"


def guide_tasks(site):
    """The guide's procedures in order, as (module, args)."""
    return [
        ("bigip_vlan", {"name": "vmotion-vlan", "interfaces": [{"name": "1.14", "tagged": False}]}),
        ("bigip_selfip", {"name": "vmotion-self", "address": site["self"] + "/24", "vlan": "vmotion-vlan", "allow_service": ["none"]}),
        ("bigip_wom_endpoint", {"type": "local", "address": site["self"], "server_ssl": "serverssl", "tunnel_port": 443,
                                "create_isession_virtual": True}),
        ("bigip_wom_discovery", {"enabled": True, "allow_remote_discovery": True, "discover_remote": True, "auto_include": True}),
        ("bigip_wom_advertised_route", {"alias": site["alias"], "subnet": site["subnet"], "netmask": "255.255.255.0", "enabled": True}),
        ("bigip_wom_endpoint", {"type": "remote", "address": site["peer"], "routing": "enabled", "tunnel_port": 443, "server_ssl": "none",
                                "enabled": True}),
        ("bigip_isession_profile", {"name": "vmotion-isession", "parent": "isession", "deduplication": False, "reuse_connection": False,
                                    "data_encryption": True}),
        ("bigip_wom_policy", {"name": "vsphere-vmotion", "destination": site["vmotion_host"], "port": 8000, "lan_clients": True,
                              "vlans": ["vmotion-vlan"], "isession_profile": "vmotion-isession"}),
    ]


def configure(sim, site):
    """Run every task; save once when anything changed (the handler). Returns the changed flags."""
    changed = [run_ok(sim, module, args)["changed"] for module, args in guide_tasks(site)]
    if any(changed):
        run_ok(sim, "bigip_config_save", {})
    return changed


def assert_guide_state(sim, site):
    subset({"address": site["self"] + "/24", "vlan": "/Common/vmotion-vlan", "trafficGroup": "/Common/traffic-group-local-only"},
           sim.peek("/mgmt/tm/net/self/~Common~vmotion-self"))
    assert "allowService" not in sim.peek("/mgmt/tm/net/self/~Common~vmotion-self")
    local = wom.LOCAL_ENDPOINT.props
    subset({local["address"]: site["self"], local["server_ssl"]: "/Common/serverssl", local["tunnel_port"]: 443,
            local["create_isession_virtual"]: "yes"}, sim.peek(wom.LOCAL_ENDPOINT.path))
    route = wom.ADVERTISED_ROUTE.props
    subset({route["subnet"]: site["subnet"], route["netmask"]: "255.255.255.0"},
           sim.peek("%s/~Common~%s" % (wom.ADVERTISED_ROUTE.path, site["alias"])))
    remote = wom.REMOTE_ENDPOINT.props
    subset({remote["routing"]: "enabled", remote["tunnel_port"]: 443, remote["server_ssl"]: "none"},
           sim.peek("%s/~Common~%s" % (wom.REMOTE_ENDPOINT.path, site["peer"])))
    subset({"deduplication": "disabled", "reuseConnection": "disabled", "dataEncryption": "enabled"},
           sim.peek(wom.ISESSION_PROFILE_PATH + "/~Common~vmotion-isession"))
    subset({"destination": "/Common/%s:8000" % site["vmotion_host"], "mask": "255.255.255.255", "vlans": ["/Common/vmotion-vlan"],
            "vlansEnabled": True}, sim.peek("/mgmt/tm/ltm/virtual/~Common~vsphere-vmotion"))


def test_guide_configuration_on_both_sites_then_reboot_and_routing_check(bigip_pair):
    devices = {"primary": bigip_pair.primary, "secondary": bigip_pair.secondary}

    # first pass: everything but the (default) discovery settings changes, and the config is saved
    for name, sim in devices.items():
        changed = configure(sim, SITES[name])
        assert changed == [True, True, True, False, True, True, True, True], name
        assert_guide_state(sim, SITES[name])

    # second pass: zero writes anywhere, so the save handler does not run either
    for name, sim in devices.items():
        log = Log(sim)
        assert configure(sim, SITES[name]) == [False] * len(guide_tasks(SITES[name])), name
        log.assert_no_writes()

    # the primary discovers a third endpoint (routing disabled), the routing check enables it, the
    # configuration is saved, then a reboot reverts routing of the discovered endpoint
    primary = devices["primary"]
    primary.discover(DISCOVERED)
    assert run_ok(primary, "bigip_wom_routing", {})["drift"] == [DISCOVERED]
    run_ok(primary, "bigip_config_save", {})
    primary.reboot()
    assert_guide_state(primary, SITES["primary"])

    log = Log(primary)
    check = run_ok(primary, "bigip_wom_routing", {}, check_mode=True)
    log.assert_no_writes()
    assert check["changed"] is True and check["drift"] == [DISCOVERED]
    by_address = {e["address"]: e for e in check["endpoints"]}
    assert by_address[SITES["primary"]["peer"]] == {"address": SITES["primary"]["peer"], "source": "manual", "routing_before": "enabled",
                                                    "routing_after": "enabled", "changed": False}
    assert by_address[DISCOVERED]["source"] == "discovered" and by_address[DISCOVERED]["routing_before"] == "disabled"

    fixed = run_ok(primary, "bigip_wom_routing", {})
    assert fixed["drift"] == [DISCOVERED]
    routing = wom.REMOTE_ENDPOINT.props["routing"]
    assert primary.peek("%s/~Common~%s" % (wom.REMOTE_ENDPOINT.path, DISCOVERED))[routing] == "enabled"
    log = Log(primary)
    assert run_ok(primary, "bigip_wom_routing", {})["changed"] is False
    log.assert_no_writes()

    # the secondary, untouched by all this, still holds the guide's configuration
    assert_guide_state(devices["secondary"], SITES["secondary"])
