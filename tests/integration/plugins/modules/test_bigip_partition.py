"""The guide's BIG-IP objects created in a non-Common partition (with its own default route domain), end to end
through the modules: each lands in that partition with the route domain applied, references resolve inside the
partition, and a second run is idempotent (zero writes)."""
from __future__ import annotations

import pytest

from bigip_crud import Log, run, run_ok, subset
from tests.simulators.bigip.rest_client import Rest

pytestmark = pytest.mark.bigip_sim

P = "LongDistance"
RULE = "when CLIENT_ACCEPTED {\n    set state \"standard\"\n}"


def partition(sim, route_domain: int = 0):
    rest = Rest(sim)
    try:
        if route_domain:
            rest.ok("POST", "/mgmt/tm/net/route-domain", {"name": f"rd{route_domain}", "id": route_domain})
        rest.ok("POST", "/mgmt/tm/auth/partition", {"name": P, "defaultRouteDomain": route_domain})
    finally:
        rest.session.close()


def guide_tasks():
    """The guide's objects in partition P, as (module, args); references are bare names (resolved in P)."""
    return [
        ("bigip_vlan", {"name": "vmotion-vlan", "partition": P, "interfaces": [{"name": "1.14"}]}),
        ("bigip_selfip", {"name": "vmotion-self", "partition": P, "address": "10.133.57.236/24", "vlan": "vmotion-vlan",
                          "allow_service": ["none"]}),
        ("bigip_isession_profile", {"name": "vmotion-isession", "partition": P, "parent": "/Common/isession",
                                    "deduplication": False, "data_encryption": True}),
        ("bigip_wom_policy", {"name": "vsphere-vmotion", "partition": P, "destination": "10.133.58.50", "port": 8000,
                              "lan_clients": True, "vlans": ["vmotion-vlan"],
                              "isession_profile": "vmotion-isession"}),
        ("bigip_ltm_pool", {"name": "vmhttp_pool", "partition": P, "lb_method": "least-connections-node",
                            "priority_group_activation": 1,
                            "members": [{"address": "10.133.39.11", "port": 80, "priority_group": 5},
                                        {"address": "10.133.40.51", "port": 80, "priority_group": 1}]}),
        ("bigip_ltm_irule", {"name": "vmhttp_rule", "partition": P, "content": RULE}),
        ("bigip_gtm_datacenter", {"name": "Local", "partition": P}),
        ("bigip_gtm_monitor_http", {"name": "VM-http-monitor", "partition": P, "parent": "/Common/http"}),
        ("bigip_gtm_server", {"name": "Local-BIG-IP", "partition": P, "datacenter": "Local", "product": "bigip",
                              "addresses": [{"address": "10.133.39.250", "device_name": "bigip-primary"}],
                              "virtual_servers": [{"name": "vmhttp_vs", "destination": "10.133.39.51:80"}]}),
        ("bigip_gtm_pool", {"name": "Local_pool", "partition": P, "load_balancing_mode": "round-robin",
                            "members": [{"server": "Local-BIG-IP", "virtual_server": "vmhttp_vs"}]}),
        ("bigip_gtm_wide_ip", {"name": "vmhttp.siterequest.com", "partition": P, "pool_lb_mode": "ratio",
                               "pools": [{"name": "Local_pool"}]}),
    ]


def configure(sim):
    return [run_ok(sim, module, args)["changed"] for module, args in guide_tasks()]


@pytest.mark.parametrize("route_domain", [0, 2])
def test_guide_objects_in_a_non_common_partition(bigip_sim, route_domain):
    partition(bigip_sim, route_domain)
    rd = f"%{route_domain}" if route_domain else ""
    assert configure(bigip_sim) == [True] * len(guide_tasks())
    peek = bigip_sim.peek
    subset({"partition": P, "fullPath": f"/{P}/vmotion-vlan"}, peek(f"/mgmt/tm/net/vlan/~{P}~vmotion-vlan"))
    subset({"address": f"10.133.57.236{rd}/24", "vlan": f"/{P}/vmotion-vlan"}, peek(f"/mgmt/tm/net/self/~{P}~vmotion-self"))
    subset({"defaultsFrom": "/Common/isession", "deduplication": "disabled", "dataEncryption": "enabled"},
           peek(f"/mgmt/tm/wom/profile/isession/~{P}~vmotion-isession"))
    virtual = peek(f"/mgmt/tm/ltm/virtual/~{P}~vsphere-vmotion")
    subset({"destination": f"/{P}/10.133.58.50{rd}:8000", "vlans": [f"/{P}/vmotion-vlan"]}, virtual)
    assert f"/{P}/vmotion-isession" in {p["fullPath"] for p in virtual["profilesReference"]["items"]}
    members = peek(f"/mgmt/tm/ltm/pool/~{P}~vmhttp_pool")["membersReference"]["items"]
    assert sorted((m["fullPath"], m["address"]) for m in members) == [
        (f"/{P}/10.133.39.11{rd}:80", f"10.133.39.11{rd}"), (f"/{P}/10.133.40.51{rd}:80", f"10.133.40.51{rd}")]
    assert peek(f"/mgmt/tm/ltm/rule/~{P}~vmhttp_rule")["fullPath"] == f"/{P}/vmhttp_rule"
    subset({"datacenter": f"/{P}/Local"}, peek(f"/mgmt/tm/gtm/server/~{P}~Local-BIG-IP"))
    gtm_members = peek(f"/mgmt/tm/gtm/pool/a/~{P}~Local_pool")["membersReference"]["items"]
    assert [m["fullPath"] for m in gtm_members] == [f"/{P}/Local-BIG-IP:vmhttp_vs"]
    pools = peek(f"/mgmt/tm/gtm/wideip/a/~{P}~vmhttp.siterequest.com")["pools"]
    assert [(p["name"], p["partition"]) for p in pools] == [("Local_pool", P)]
    for common in ("/mgmt/tm/net/vlan", "/mgmt/tm/net/self", "/mgmt/tm/ltm/pool", "/mgmt/tm/gtm/server"):
        assert [i["fullPath"] for i in peek(common)["items"] if i.get("partition") == "Common"] == [], common

    log = Log(bigip_sim)
    assert configure(bigip_sim) == [False] * len(guide_tasks())
    log.assert_no_writes()


def test_a_partition_that_does_not_exist_fails_with_the_device_text(bigip_sim):
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_vlan", {"name": "vmotion-vlan", "partition": "Nowhere", "interfaces": [{"name": "1.14"}]})
    assert result["failed"]
    assert "/Nowhere/vmotion-vlan" in result["msg"] and "The requested folder (/Nowhere) was not found." in result["msg"]
    assert [r for r in log.writes() if r["status"] == 200] == []
