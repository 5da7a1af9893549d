"""bigip_longdistance_info against the BIG-IP simulator: the lab configuration read back, per subset."""
from __future__ import annotations

import pytest

from bigip_crud import Log, run, run_ok

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import wom

pytestmark = pytest.mark.bigip_sim

LOCAL, REMOTE, ROUTE = wom.LOCAL_ENDPOINT, wom.REMOTE_ENDPOINT, wom.ADVERTISED_ROUTE


def rest(sim, method, path, body):
    reply = sim.session.request(method, sim.base_url + path, json=body, verify=sim.ca_path, timeout=30)
    assert reply.status_code == 200, reply.text


def wom_lab(sim):
    rest(sim, "POST", "/mgmt/tm/net/vlan", {"name": "vmotion-vlan"})
    rest(sim, "POST", "/mgmt/tm/net/self", {"name": "vmotion-self", "address": "10.133.57.236/24", "vlan": "/Common/vmotion-vlan"})
    rest(sim, "PATCH", LOCAL.path, {LOCAL.props["address"]: "10.133.57.236", LOCAL.props["server_ssl"]: "/Common/serverssl",
                                    LOCAL.props["create_isession_virtual"]: "yes"})
    rest(sim, "POST", REMOTE.path, {"name": "10.133.58.236", REMOTE.props["address"]: "10.133.58.236", REMOTE.props["routing"]: "enabled"})
    rest(sim, "POST", ROUTE.path, {"name": "vlan_1057", ROUTE.props["subnet"]: "10.133.57.0", ROUTE.props["netmask"]: "255.255.255.0"})
    run_ok(sim, "bigip_isession_profile", {"name": "vmotion-isession", "parent": "isession", "deduplication": False, "reuse_connection": False})


def gtm_lab(sim):
    for site, address, destination in (("Local", "10.133.39.250", "10.133.39.51:80"), ("Remote", "10.133.40.250", "10.133.40.51:80")):
        run_ok(sim, "bigip_gtm_datacenter", {"name": site})
        run_ok(sim, "bigip_gtm_server", {"name": "%s-BIG-IP" % site, "datacenter": site, "addresses": [{"address": address}],
                                         "virtual_servers": [{"name": "vmhttp_vs", "destination": destination}]})
        run_ok(sim, "bigip_gtm_pool", {"name": "%s_pool" % site, "enabled": site == "Local",
                                       "members": [{"server": "%s-BIG-IP" % site, "virtual_server": "vmhttp_vs", "ratio": 2}]})
    run_ok(sim, "bigip_gtm_wide_ip", {"name": "vmhttp.siterequest.com", "pool_lb_mode": "ratio",
                                      "pools": [{"name": "Local_pool", "ratio": 3}, {"name": "Remote_pool", "ratio": 0}]})


def ltm_lab(sim):
    run_ok(sim, "bigip_ltm_pool", {"name": "vmhttp_pool", "lb_method": "least-connections-node", "priority_group_activation": 1,
                                   "monitors": ["http"],
                                   "members": [{"address": "10.133.39.11", "port": 80, "priority_group": 5},
                                               {"address": "10.133.40.51", "port": 80, "priority_group": 1}]})
    run_ok(sim, "bigip_ltm_irule", {"name": "vmotion-irule", "content": "when CLIENT_ACCEPTED {\n    set state \"standard\"\n}"})
    rest(sim, "POST", "/mgmt/tm/ltm/virtual", {"name": "vmhttp_vs", "destination": "10.133.39.51:80", "pool": "vmhttp_pool"})
    run_ok(sim, "bigip_ltm_virtual_rules", {"virtual": "vmhttp_vs", "rules": ["vmotion-irule"]})


def info(sim, *subsets, check_mode=False):
    args = {"gather_subset": list(subsets)} if subsets else {}
    return run_ok(sim, "bigip_longdistance_info", args, check_mode=check_mode)


def test_wom_subset(bigip_sim):
    wom_lab(bigip_sim)
    bigip_sim.discover("10.133.59.236")
    result = info(bigip_sim, "wom")
    assert set(result) == {"changed", "wom"} and result["changed"] is False
    facts = result["wom"]
    assert facts["local_endpoint"]["address"] == "10.133.57.236"
    assert facts["local_endpoint"]["server_ssl"] == "/Common/serverssl"
    assert facts["local_endpoint"]["create_isession_virtual"] is True and facts["local_endpoint"]["enabled"] is True
    remotes = {r["address"]: r for r in facts["remote_endpoints"]}
    assert remotes["10.133.58.236"]["routing"] is True and remotes["10.133.58.236"]["source"] == "manual"
    assert remotes["10.133.58.236"]["full_path"] == "/Common/10.133.58.236" and remotes["10.133.58.236"]["tunnel_port"] == 443
    assert remotes["10.133.59.236"]["source"] == "discovered"
    assert facts["advertised_routes"] == [{"name": "vlan_1057", "full_path": "/Common/vlan_1057", "subnet": "10.133.57.0",
                                           "netmask": "255.255.255.0", "label": "", "enabled": True}]
    assert facts["discovery"] == {"mode": True, "allow_remote_discovery": True, "discover_remote": True, "auto_include": True}
    # the local endpoint asked for its iSession virtual server: the device created it
    assert facts["isession_virtual"] == {
        "name": "isession-virtual", "full_path": "/Common/isession-virtual", "destination": "/Common/10.133.57.236:443", "enabled": True,
        "profiles": [{"name": "/Common/isession", "context": "all"}, {"name": "/Common/tcp-wan-optimized", "context": "all"},
                     {"name": "/Common/serverssl", "context": "serverside"}]}


def test_isession_subset(bigip_sim):
    wom_lab(bigip_sim)
    profiles = {p["name"]: p for p in info(bigip_sim, "isession")["isession"]["profiles"]}
    mine = profiles["vmotion-isession"]
    assert (mine["parent"], mine["deduplication"], mine["reuse_connection"]) == ("/Common/isession", False, False)
    assert mine["compression_codecs"] == ["deflate", "lzo", "bzip2"] and mine["mode"] is True
    assert profiles["isession-encrypt"]["data_encryption"] is True


def test_gtm_subset(bigip_sim):
    gtm_lab(bigip_sim)
    facts = info(bigip_sim, "gtm")["gtm"]
    assert [(dc["name"], dc["enabled"]) for dc in facts["datacenters"]] == [("Local", True), ("Remote", True)]
    server = next(s for s in facts["servers"] if s["name"] == "Remote-BIG-IP")
    assert server["datacenter"] == "/Common/Remote" and server["product"] == "bigip"
    assert server["addresses"] == [{"address": "10.133.40.250", "device_name": "Remote-BIG-IP", "translation": "none"}]
    assert server["virtual_servers"] == [{"name": "vmhttp_vs", "destination": "10.133.40.51:80", "enabled": True}]
    pools = {p["name"]: p for p in facts["pools"]}
    assert pools["Remote_pool"]["enabled"] is False and pools["Local_pool"]["enabled"] is True
    assert pools["Local_pool"]["ttl"] == 30, "the device default TTL of a new pool, as read"
    assert pools["Remote_pool"]["members"] == [{"name": "Remote-BIG-IP:vmhttp_vs", "ratio": 2, "order": 0, "enabled": True}]
    assert facts["wide_ips"] == [{"name": "vmhttp.siterequest.com", "full_path": "/Common/vmhttp.siterequest.com", "enabled": True,
                                  "pool_lb_mode": "ratio", "pools": [{"name": "/Common/Local_pool", "order": 0, "ratio": 3},
                                                                     {"name": "/Common/Remote_pool", "order": 1, "ratio": 0}]}]


def test_ltm_subset(bigip_sim):
    ltm_lab(bigip_sim)
    facts = info(bigip_sim, "ltm")["ltm"]
    pool = facts["pools"][0]
    assert (pool["name"], pool["lb_method"], pool["priority_group_activation"], pool["monitors"]) == \
           ("vmhttp_pool", "least-connections-node", 1, ["/Common/http"])
    assert {m["name"]: m["priority_group"] for m in pool["members"]} == {"10.133.39.11:80": 5, "10.133.40.51:80": 1}
    assert facts["irules"] == ["/Common/vmotion-irule"]
    assert facts["virtual_servers"] == [{"name": "vmhttp_vs", "full_path": "/Common/vmhttp_vs", "destination": "/Common/10.133.39.51:80",
                                         "pool": "/Common/vmhttp_pool", "rules": ["/Common/vmotion-irule"], "enabled": True}]


def test_system_subset(bigip_sim):
    facts = info(bigip_sim, "system")["system"]
    assert facts["version"] == {"version": "14.1.2.1", "build": "0.0.4", "edition": "Point Release 1", "product": "BIG-IP"}
    assert facts["provisioning"]["ltm"] == "nominal" and facts["provisioning"]["gtm"] == "nominal"


def test_all_is_the_default_reads_only_and_never_changes(bigip_sim):
    gtm_lab(bigip_sim)
    log = Log(bigip_sim)
    result = info(bigip_sim, check_mode=True)
    assert set(result) == {"changed", "wom", "isession", "gtm", "ltm", "system", "availability"} and result["changed"] is False
    log.assert_no_writes()
    assert {method for method, _path in log.calls()} == {"GET"}


def test_a_subset_reads_only_its_own_paths(bigip_sim):
    log = Log(bigip_sim)
    info(bigip_sim, "system")
    assert sorted(path for _method, path in log.calls()) == ["/mgmt/tm/sys/provision", "/mgmt/tm/sys/version"]


def test_availability_subset_follows_the_device_statistics(bigip_sim):
    wom_lab(bigip_sim)
    gtm_lab(bigip_sim)
    ltm_lab(bigip_sim)
    log = Log(bigip_sim)
    facts = info(bigip_sim, "availability")["availability"]
    assert {path for _method, path in log.calls()} == {
        "/mgmt/tm/cm/device", "/mgmt/tm/gtm/pool/a/stats", "/mgmt/tm/gtm/pool/a/~Common~Local_pool/members/stats",
        "/mgmt/tm/gtm/pool/a/~Common~Remote_pool/members/stats", "/mgmt/tm/gtm/wideip/a/stats", "/mgmt/tm/ltm/pool/stats",
        "/mgmt/tm/ltm/pool/~Common~vmhttp_pool/members/stats", "/mgmt/tm/wom/remote-endpoint/stats"}
    assert facts["failover_state"] == "active"
    pools = {p["name"]: p for p in facts["gtm_pools"]}
    assert (pools["Remote_pool"]["availability"], pools["Remote_pool"]["enabled"]) == ("offline", False)  # disabled until cut-over
    assert [(m["full_path"], m["availability"], m["enabled"]) for m in pools["Remote_pool"]["members"]] == [
        ("/Common/Remote-BIG-IP:vmhttp_vs", "available", True)]
    assert (pools["Local_pool"]["availability"], pools["Local_pool"]["enabled"]) == ("available", True)
    assert [(w["full_path"], w["availability"]) for w in facts["wide_ips"]] == [("/Common/vmhttp.siterequest.com", "available")]
    ltm, = facts["ltm_pools"]
    assert ltm["availability"] == "available" and {m["name"]: m["availability"] for m in ltm["members"]} == {
        "10.133.39.11:80": "available", "10.133.40.51:80": "available"}
    assert [(r["address"], r["availability"]) for r in facts["remote_endpoints"]] == [("10.133.58.236", "available")]

    bigip_sim.set_health("10.133.40.51", False)  # the other site's application virtual goes down
    bigip_sim.set_failover("standby")
    facts = info(bigip_sim, "availability")["availability"]
    pools = {p["name"]: p for p in facts["gtm_pools"]}
    assert pools["Remote_pool"]["members"][0]["availability"] == "offline"
    assert {m["name"]: m["availability"] for m in facts["ltm_pools"][0]["members"]}["10.133.40.51:80"] == "offline"
    assert facts["failover_state"] == "standby"


def test_unknown_subset_is_refused(bigip_sim):
    result = run(bigip_sim, "bigip_longdistance_info", {"gather_subset": ["routing"]})
    assert result["failed"] is True and "gather_subset" in result["msg"]


def test_query_selects_from_the_parts_read(bigip_sim):
    wom_lab(bigip_sim)
    result = run_ok(bigip_sim, "bigip_longdistance_info", {"gather_subset": ["wom"], "query": "wom.remote_endpoints[?routing].address"})
    assert result["query_result"] == ["10.133.58.236"]
    assert result["wom"]["remote_endpoints"]  # the parts are still returned


def test_bad_query_fails_before_any_request(bigip_sim):
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_longdistance_info", {"gather_subset": ["wom"], "query": "wom.remote_endpoints[?"})
    assert result["failed"] and "query: 'wom.remote_endpoints[?' is not a JMESPath expression" in result["msg"]
    assert [c for c in log.calls() if "/mgmt/tm/" in c[1]] == []
