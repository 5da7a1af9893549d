"""CRUD semantics: POST defaults, PATCH merge / list replace, PUT reset, DELETE, generation, objects."""
from __future__ import annotations

VLAN = "/mgmt/tm/net/vlan"
SELF = "/mgmt/tm/net/self"


def make_wan(rest, name="wan", interface="1.1"):
    rest.ok("POST", VLAN, {"name": name, "interfaces": [{"name": interface, "untagged": True}]})


def test_post_fills_defaults_and_tags_count_down(rest):
    first = rest.ok("POST", VLAN, {"name": "wan", "partition": "Common"})
    second = rest.ok("POST", VLAN, {"name": "/Common/lan"})
    assert (first["tag"], second["tag"]) == (4094, 4093)
    assert first["mtu"] == 1500 and first["fwdMode"] == "l3" and first["failsafeTimeout"] == 90
    assert first["selfLink"] == "https://localhost/mgmt/tm/net/vlan/~Common~wan?ver=14.1.2.1"
    assert first["interfacesReference"]["isSubcollection"] is True
    explicit = rest.ok("POST", VLAN, {"name": "tagged", "tag": 4092})
    assert explicit["tag"] == 4092
    assert rest.ok("POST", VLAN, {"name": "next"})["tag"] == 4091


def test_generation_moves_with_every_change(rest):
    created = rest.ok("POST", VLAN, {"name": "wan"})
    patched = rest.ok("PATCH", f"{VLAN}/~Common~wan", {"mtu": 9000})
    other = rest.ok("POST", VLAN, {"name": "lan"})
    assert created["generation"] < patched["generation"] < other["generation"]
    assert rest.ok("GET", f"{VLAN}/~Common~wan")["generation"] == patched["generation"]


def test_vlan_interfaces_subcollection(rest):
    rest.ok("POST", VLAN, {"name": "wan", "interfaces": [{"name": "1.1", "untagged": True}, {"name": "1.2", "tagged": True}]})
    items = rest.ok("GET", f"{VLAN}/~Common~wan/interfaces")["items"]
    assert [(i["name"], i["fullPath"], i.get("untagged"), i.get("tagged"), "partition" in i) for i in items] == \
        [("1.1", "1.1", True, None, False), ("1.2", "1.2", None, True, False)]
    assert items[0]["kind"] == "tm:net:vlan:interfaces:interfacesstate"
    assert items[0]["selfLink"] == "https://localhost/mgmt/tm/net/vlan/~Common~wan/interfaces/1.1?ver=14.1.2.1"
    rest.ok("POST", f"{VLAN}/~Common~wan/interfaces", {"name": "1.3"})
    assert rest.ok("GET", f"{VLAN}/~Common~wan/interfaces/1.3")["untagged"] is True
    rest.ok("DELETE", f"{VLAN}/~Common~wan/interfaces/1.2")
    assert [i["name"] for i in rest.ok("GET", f"{VLAN}/~Common~wan/interfaces")["items"]] == ["1.1", "1.3"]
    assert rest.post(f"{VLAN}/~Common~wan/interfaces", {"name": "1.17"}).status_code == 400
    other = rest.post(VLAN, {"name": "lan", "interfaces": [{"name": "1.1", "untagged": True}]})
    assert other.status_code == 400 and "already an untagged member" in other.json()["message"]
    assert rest.get(f"{VLAN}/~Common~lan").status_code == 404


def test_self_ip_allow_service_semantics(rest):
    make_wan(rest)
    none = rest.ok("POST", SELF, {"name": "s1", "address": "10.1.1.1/24", "vlan": "/Common/wan"})
    assert "allowService" not in none
    assert (none["floating"], none["trafficGroup"], none["unit"]) == ("disabled", "/Common/traffic-group-local-only", 0)
    assert rest.ok("PATCH", f"{SELF}/~Common~s1", {"allowService": ["default"]})["allowService"] == ["default"]
    assert rest.ok("PATCH", f"{SELF}/~Common~s1", {"allowService": "all"})["allowService"] == "all"
    custom = rest.ok("PATCH", f"{SELF}/~Common~s1", {"allowService": ["tcp:443", "udp:53"]})
    assert custom["allowService"] == ["tcp:443", "udp:53"]
    assert "allowService" not in rest.ok("PATCH", f"{SELF}/~Common~s1", {"allowService": []})
    floating = rest.ok("POST", SELF, {"name": "f1", "address": "10.1.1.3%0/24", "vlan": "wan",
                                      "trafficGroup": "/Common/traffic-group-1"})
    assert (floating["floating"], floating["unit"], floating["address"]) == ("enabled", 1, "10.1.1.3/24")  # %0 = the default: not shown
    assert rest.post(SELF, {"name": "bad", "address": "10.1.1.4/24", "vlan": "wan",
                            "allowService": ["tcp:70000"]}).status_code == 400


def test_patch_merges_put_resets(rest):
    make_wan(rest)
    rest.ok("POST", SELF, {"name": "s1", "address": "10.1.1.1/24", "vlan": "wan", "description": "wan side",
                           "allowService": ["default"]})
    patched = rest.ok("PATCH", f"{SELF}/~Common~s1", {"trafficGroup": "/Common/traffic-group-1"})
    assert (patched["description"], patched["allowService"], patched["floating"]) == ("wan side", ["default"], "enabled")
    put = rest.ok("PUT", f"{SELF}/~Common~s1", {"address": "10.1.1.2/24", "vlan": "/Common/wan"})
    assert "description" not in put and "allowService" not in put
    assert (put["address"], put["trafficGroup"]) == ("10.1.1.2/24", "/Common/traffic-group-local-only")


def test_delete_returns_200_with_empty_body(rest):
    rest.ok("POST", VLAN, {"name": "wan"})
    response = rest.delete(f"{VLAN}/~Common~wan")
    assert response.status_code == 200 and response.content == b""
    assert rest.get(f"{VLAN}/~Common~wan").status_code == 404


def test_pool_members_priority_groups_and_nodes(rest):
    pool = rest.ok("POST", "/mgmt/tm/ltm/pool", {
        "name": "vmotion", "loadBalancingMode": "least-connections-node", "minActiveMembers": 1,
        "members": [{"name": "10.10.1.10:8000", "priorityGroup": 10}, {"name": "10.20.1.10:8000", "priorityGroup": 5}]})
    assert (pool["minActiveMembers"], pool["loadBalancingMode"]) == (1, "least-connections-node")
    members = rest.ok("GET", "/mgmt/tm/ltm/pool/~Common~vmotion/members")["items"]
    assert [(m["name"], m["address"], m["priorityGroup"], m["ratio"], m["session"]) for m in members] == [
        ("10.10.1.10:8000", "10.10.1.10", 10, 1, "user-enabled"), ("10.20.1.10:8000", "10.20.1.10", 5, 1, "user-enabled")]
    assert members[0]["kind"] == "tm:ltm:pool:members:membersstate"
    nodes = {n["name"]: n["address"] for n in rest.ok("GET", "/mgmt/tm/ltm/node")["items"]}
    assert nodes == {"10.10.1.10": "10.10.1.10", "10.20.1.10": "10.20.1.10"}
    changed = rest.ok("PATCH", "/mgmt/tm/ltm/pool/~Common~vmotion/members/~Common~10.20.1.10:8000", {"priorityGroup": 20})
    assert changed["priorityGroup"] == 20
    added = rest.ok("POST", "/mgmt/tm/ltm/pool/~Common~vmotion/members", {"name": "srv:80", "address": "10.30.1.1"})
    assert added["address"] == "10.30.1.1"
    assert rest.ok("GET", "/mgmt/tm/ltm/node/~Common~srv")["address"] == "10.30.1.1"
    missing = rest.post("/mgmt/tm/ltm/pool/~Common~vmotion/members", {"name": "nonode:80"})
    assert missing.status_code == 400 and "01070734:3" in missing.json()["message"]


def test_virtual_with_profiles_rules_vlans(rest):
    make_wan(rest)
    rest.ok("POST", "/mgmt/tm/ltm/pool", {"name": "p1"})
    rest.ok("POST", "/mgmt/tm/ltm/rule", {"name": "r1", "apiAnonymous": "when CLIENT_ACCEPTED { log local0. hi }"})
    virtual = rest.ok("POST", "/mgmt/tm/ltm/virtual", {
        "name": "isession-vs", "destination": "10.1.1.1:443", "pool": "/Common/p1", "rules": ["r1"],
        "vlans": ["/Common/wan"], "vlansEnabled": True,
        "profiles": [{"name": "isession"}, {"name": "tcp-wan-optimized", "context": "all"},
                     {"name": "serverssl", "context": "serverside"}]})
    assert virtual["destination"] == "/Common/10.1.1.1:443" and virtual["rules"] == ["/Common/r1"]
    assert virtual["rulesReference"] == [{"link": "https://localhost/mgmt/tm/ltm/rule/~Common~r1?ver=14.1.2.1"}]
    assert virtual["vlansEnabled"] is True and "vlansDisabled" not in virtual
    assert virtual["poolReference"]["link"].endswith("/mgmt/tm/ltm/pool/~Common~p1?ver=14.1.2.1")
    profiles = rest.ok("GET", "/mgmt/tm/ltm/virtual/~Common~isession-vs/profiles")["items"]
    links = {p["name"]: (p["context"], p["nameReference"]["link"].split("?")[0].removeprefix("https://localhost")) for p in profiles}
    assert links == {"isession": ("all", "/mgmt/tm/wom/profile/isession/~Common~isession"),
                     "tcp-wan-optimized": ("all", "/mgmt/tm/ltm/profile/tcp/~Common~tcp-wan-optimized"),
                     "serverssl": ("serverside", "/mgmt/tm/ltm/profile/server-ssl/~Common~serverssl")}
    disabled = rest.ok("PATCH", "/mgmt/tm/ltm/virtual/~Common~isession-vs", {"disabled": True, "vlansDisabled": True})
    assert disabled.get("disabled") is True and "enabled" not in disabled and "vlansEnabled" not in disabled
    addresses = [a["name"] for a in rest.ok("GET", "/mgmt/tm/ltm/virtual-address")["items"]]
    assert addresses == ["10.1.1.1"]
    rest.ok("DELETE", "/mgmt/tm/ltm/virtual/~Common~isession-vs")
    assert rest.ok("GET", "/mgmt/tm/ltm/virtual-address")["items"] == []


def test_gtm_objects_end_to_end(rest):
    rest.ok("POST", "/mgmt/tm/gtm/datacenter", {"name": "DC1"})
    server = rest.ok("POST", "/mgmt/tm/gtm/server", {"name": "bigip1", "datacenter": "/Common/DC1",
                                                     "addresses": [{"name": "10.0.0.1"}]})
    assert server["addresses"] == [{"name": "10.0.0.1", "deviceName": "bigip1", "translation": "none"}]
    assert server["product"] == "bigip" and server["monitor"] == "/Common/bigip "
    assert "virtualServersReference" in server
    echoed = rest.ok("PUT", "/mgmt/tm/gtm/server/~Common~bigip1", server)
    assert echoed["addresses"] == server["addresses"] and echoed["generation"] > server["generation"]
    vs = rest.ok("POST", "/mgmt/tm/gtm/server/~Common~bigip1/virtual-servers", {"name": "vs1", "destination": "10.0.0.10:80"})
    assert (vs["name"], vs["fullPath"], "partition" in vs) == ("vs1", "vs1", False)
    rest.ok("POST", "/mgmt/tm/gtm/server/~Common~bigip1/virtual-servers", {"name": "vs2", "destination": "10.0.0.11:80"})
    pool = rest.ok("POST", "/mgmt/tm/gtm/pool/a", {"name": "pool_dc1", "loadBalancingMode": "ratio",
                                                   "members": ["/Common/bigip1:vs1", "/Common/bigip1:vs2"]})
    assert pool["kind"] == "tm:gtm:pool:a:astate" and pool["ttl"] == 30 and pool["fallbackMode"] == "return-to-dns"
    members = rest.ok("GET", "/mgmt/tm/gtm/pool/a/~Common~pool_dc1/members")["items"]
    assert [(m["name"], m["memberOrder"], m["ratio"]) for m in members] == [("bigip1:vs1", 0, 1), ("bigip1:vs2", 1, 1)]
    assert rest.ok("PATCH", "/mgmt/tm/gtm/pool/a/~Common~pool_dc1/members/~Common~bigip1:vs2", {"ratio": 3})["ratio"] == 3
    rest.ok("POST", "/mgmt/tm/gtm/pool/a", {"name": "pool_dc2"})
    wide = rest.ok("POST", "/mgmt/tm/gtm/wideip/a", {"name": "vm.example.com", "poolLbMode": "ratio",
                                                     "pools": [{"name": "/Common/pool_dc1", "ratio": 3}, {"name": "pool_dc2"}]})
    assert [(p["name"], p["partition"], p["order"], p["ratio"]) for p in wide["pools"]] == [
        ("pool_dc1", "Common", 0, 3), ("pool_dc2", "Common", 1, 1)]
    assert wide["pools"][0]["nameReference"]["link"] == "https://localhost/mgmt/tm/gtm/pool/a/~Common~pool_dc1?ver=14.1.2.1"
    replaced = rest.ok("PATCH", "/mgmt/tm/gtm/wideip/a/~Common~vm.example.com", {"pools": [{"name": "/Common/pool_dc2", "order": 0}]})
    assert [p["name"] for p in replaced["pools"]] == ["pool_dc2"] and replaced["poolLbMode"] == "ratio"
    assert rest.post("/mgmt/tm/gtm/pool/a", {"name": "bad", "loadBalancingMode": "fastest"}).status_code == 400
    assert rest.post("/mgmt/tm/gtm/pool/a/~Common~pool_dc2/members", {"name": "bigip1:vs9"}).status_code == 400


def test_isession_profile_inherits_from_parent(rest):
    child = rest.ok("POST", "/mgmt/tm/wom/profile/isession", {"name": "vmotion-isession", "defaultsFrom": "/Common/isession-encrypt",
                                                              "deduplication": "disabled"})
    assert (child["dataEncryption"], child["deduplication"], child["compressionCodecs"]) == (
        "enabled", "disabled", ["deflate", "lzo", "bzip2"])
    assert child["defaultsFromReference"]["link"].endswith("/mgmt/tm/wom/profile/isession/~Common~isession-encrypt?ver=14.1.2.1")
    plain = rest.ok("POST", "/mgmt/tm/wom/profile/isession", {"name": "plain"})
    assert (plain["defaultsFrom"], plain["dataEncryption"]) == ("/Common/isession", "disabled")
    for bad in ({"compression": "on"}, {"deflateCompressionLevel": 10}, {"compressionCodecs": ["zip"]},
                {"targetVirtual": "any"}):
        assert rest.post("/mgmt/tm/wom/profile/isession", dict(name="x", **bad)).status_code == 400
    assert rest.post("/mgmt/tm/wom/profile/isession", {"name": "y", "defaultsFrom": "/Common/nope"}).status_code == 400


def test_provision_and_self_allow(rest):
    assert rest.ok("PATCH", "/mgmt/tm/sys/provision/am", {"level": "nominal"})["level"] == "nominal"
    assert rest.patch("/mgmt/tm/sys/provision/am", {"level": "max"}).status_code == 400
    assert rest.post("/mgmt/tm/sys/provision", {"name": "wom"}).status_code == 400
    allow = rest.ok("PATCH", "/mgmt/tm/net/self-allow", {"defaults": ["tcp:443", "tcp:22"]})
    assert allow["defaults"] == ["tcp:22", "tcp:443"] and "generation" not in allow


def test_routes_and_route_domains(rest):
    route = rest.ok("POST", "/mgmt/tm/net/route", {"name": "to-dc2", "network": "10.20.0.0/16", "gw": "10.1.1.254"})
    assert (route["mtu"], route["network"]) == (0, "10.20.0.0/16")
    assert rest.post("/mgmt/tm/net/route", {"name": "bad", "network": "10.20.0.1/16", "gw": "10.1.1.254"}).status_code == 400
    make_wan(rest)
    assert "/Common/wan" in rest.ok("GET", "/mgmt/tm/net/route-domain/~Common~0")["vlans"]
    domain = rest.ok("POST", "/mgmt/tm/net/route-domain", {"name": "2", "vlans": []})
    assert (domain["id"], domain["strict"]) == (2, "enabled")


def test_irule_rejects_broken_tcl(rest):
    good = "when HTTP_REQUEST {\n  if { [HTTP::uri] eq \"/\" } { HTTP::redirect \"https://[HTTP::host]/\" }\n}"
    assert rest.ok("POST", "/mgmt/tm/ltm/rule", {"name": "ok", "apiAnonymous": good})["apiAnonymous"] == good
    cases = {"unbalanced": "when HTTP_REQUEST {\n  log local0. \"x\"\n", "bracket": "when HTTP_REQUEST { set x [HTTP::uri }",
             "event": "when HTTP_REQUESTED { log local0. x }", "toplevel": "set x 1"}
    for name, text in cases.items():
        response = rest.post("/mgmt/tm/ltm/rule", {"name": name, "apiAnonymous": text})
        assert response.status_code == 400, name
        assert response.json()["message"].startswith(f"01070151:3: Rule [/Common/{name}] error: /Common/{name}:"), name
        assert rest.get(f"/mgmt/tm/ltm/rule/~Common~{name}").status_code == 404


def test_builtin_irules_pass_the_tcl_check():
    """The TCL check accepts every captured rule text, F5's own ones included."""
    import json
    import os
    import sys

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from types_ltm import check_rule  # pylint: disable=import-outside-toplevel

    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference", "mgmt_tm_ltm_rule.json"), encoding="utf-8") as fh:
        rules = [r for r in json.load(fh)["items"] if "apiAnonymous" in r]
    assert len(rules) >= 17
    for item in rules:
        check_rule(item["apiAnonymous"])


def test_wom_objects_from_the_wom_table(rest):
    from plugins.module_utils._bigip import wom  # pylint: disable=import-outside-toplevel

    local = rest.ok("GET", wom.LOCAL_ENDPOINT.path)
    assert local["kind"] == wom.LOCAL_ENDPOINT.kind
    assert {k: local[k] for k in wom.LOCAL_ENDPOINT.defaults} == wom.LOCAL_ENDPOINT.defaults
    make_wan(rest)
    rest.ok("POST", SELF, {"name": "wan-self", "address": "10.133.57.236/24", "vlan": "wan"})
    address, ssl = wom.LOCAL_ENDPOINT.props["address"], wom.LOCAL_ENDPOINT.props["server_ssl"]
    local = rest.ok("PATCH", wom.LOCAL_ENDPOINT.path, {address: "10.133.57.236", ssl: "/Common/serverssl"})
    assert local[address] == "10.133.57.236" and local["serverSslReference"]["link"].endswith("~Common~serverssl?ver=14.1.2.1")
    assert rest.patch(wom.LOCAL_ENDPOINT.path, {address: "10.9.9.9"}).status_code == 400
    assert rest.patch(wom.LOCAL_ENDPOINT.path, {address: "10.133.57.237"}).status_code == 400  # the IP cannot change
    rest.ok("POST", SELF, {"name": "wan-self-2", "address": "10.133.57.237/24", "vlan": "wan"})
    unconfigured = rest.ok(wom.LOCAL_ENDPOINT_DELETE["method"], wom.LOCAL_ENDPOINT.path, wom.LOCAL_ENDPOINT_DELETE["body"])
    assert address not in unconfigured and unconfigured[ssl] == "none"
    assert rest.ok("PATCH", wom.LOCAL_ENDPOINT.path, {address: "10.133.57.237"})[address] == "10.133.57.237"
    routing = wom.REMOTE_ENDPOINT.props["routing"]
    remote = rest.ok("POST", wom.REMOTE_ENDPOINT.path, {"name": "10.133.58.236", routing: "enabled"})
    assert remote["kind"] == wom.REMOTE_ENDPOINT.kind
    assert (remote[wom.REMOTE_ENDPOINT.props["address"]], remote[routing], remote["source"]) == ("10.133.58.236", "enabled", "manual")
    assert rest.post(wom.REMOTE_ENDPOINT.path, {"name": "10.1.1.9", "source": "discovered"}).status_code == 400
    route = rest.ok("POST", wom.ADVERTISED_ROUTE.path, {"name": "vm-net", "dest": "10.133.64.0", "netmask": "255.255.255.0"})
    assert route["kind"] == wom.ADVERTISED_ROUTE.kind and route["enabled"] is True
    discovery = rest.ok("GET", wom.SERVER_DISCOVERY.path)
    assert {k: discovery[k] for k in wom.SERVER_DISCOVERY.defaults} == wom.SERVER_DISCOVERY.defaults
    assert rest.patch(wom.SERVER_DISCOVERY.path, {"mode": "sometimes"}).status_code == 400
    organizing = {i["reference"]["link"].split("?")[0].removeprefix("https://localhost") for i in rest.ok("GET", "/mgmt/tm/wom")["items"]}
    assert organizing >= {"/mgmt/tm/wom/profile", wom.LOCAL_ENDPOINT.path, wom.REMOTE_ENDPOINT.path, wom.SERVER_DISCOVERY.path}
