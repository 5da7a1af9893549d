"""/stats driven by the model, and what clients read around the guide's objects (tunnels, cm device,
global settings, software volumes, virtual addresses)."""
from __future__ import annotations

LTM_POOL = "/mgmt/tm/ltm/pool"
GTM = "/mgmt/tm/gtm"


def nested(body: dict) -> dict:
    """The one entry of a single-object stats answer -> {name: description or value}."""
    (entry,) = body["entries"].values()
    return {k: v.get("description", v.get("value")) for k, v in entry["nestedStats"]["entries"].items()}


def state(entries: dict) -> tuple:
    return entries["status.availabilityState"], entries["status.enabledState"]


def test_ltm_member_and_pool_stats_follow_monitors_and_health(rest, bigip_sim):
    rest.ok("POST", LTM_POOL, {"name": "web", "members": [{"name": "10.1.1.1:80"}, {"name": "10.1.1.2:80"}]})
    member = rest.ok("GET", f"{LTM_POOL}/~Common~web/members/~Common~10.1.1.1:80/stats")
    assert member["kind"] == "tm:ltm:pool:members:membersstats"
    assert member["selfLink"] == "https://localhost/mgmt/tm/ltm/pool/~Common~web/members/~Common~10.1.1.1:80/stats?ver=14.1.2.1"
    key, = member["entries"]
    assert key == "https://localhost/mgmt/tm/ltm/pool/~Common~web/members/~Common~10.1.1.1:80/~Common~10.1.1.1:80/stats"
    entries = nested(member)
    assert state(entries) == ("unknown", "enabled") and entries["monitorStatus"] == "unchecked"
    assert (entries["addr"], entries["port"], entries["poolName"]) == ("10.1.1.1", 80, "/Common/web")
    assert state(nested(rest.ok("GET", f"{LTM_POOL}/~Common~web/stats"))) == ("unknown", "enabled")

    rest.ok("PATCH", f"{LTM_POOL}/~Common~web", {"monitor": "/Common/http"})
    assert state(nested(rest.ok("GET", f"{LTM_POOL}/~Common~web/stats"))) == ("available", "enabled")
    bigip_sim.set_health("10.1.1.1", False)
    down = nested(rest.ok("GET", f"{LTM_POOL}/~Common~web/members/~Common~10.1.1.1:80/stats"))
    assert (state(down), down["monitorStatus"]) == (("offline", "enabled"), "down")
    pool = nested(rest.ok("GET", f"{LTM_POOL}/~Common~web/stats"))
    assert (state(pool), pool["availableMemberCnt"], pool["memberCnt"]) == (("available", "enabled"), 1, 2)
    rest.ok("PATCH", f"{LTM_POOL}/~Common~web/members/~Common~10.1.1.2:80", {"session": "user-disabled"})
    assert state(nested(rest.ok("GET", f"{LTM_POOL}/~Common~web/stats")))[0] == "offline"
    every = rest.ok("GET", f"{LTM_POOL}/~Common~web/members/stats")
    assert every["kind"] == "tm:ltm:pool:members:memberscollectionstats"
    assert sorted(every["entries"]) == [f"https://localhost/mgmt/tm/ltm/pool/~Common~web/members/~Common~10.1.1.{i}:80/stats" for i in (1, 2)]
    bigip_sim.set_health("10.1.1.1", True)
    assert state(nested(rest.ok("GET", f"{LTM_POOL}/~Common~web/members/~Common~10.1.1.1:80/stats"))) == ("available", "enabled")
    assert rest.get(f"{LTM_POOL}/~Common~nope/stats").status_code == 404
    assert rest.get("/mgmt/tm/net/vlan/stats").status_code == 404


def gtm_lab(rest):
    rest.ok("POST", f"{GTM}/datacenter", {"name": "Remote"})
    rest.ok("POST", f"{GTM}/server", {"name": "Remote-BIG-IP", "datacenter": "/Common/Remote",
                                      "addresses": [{"name": "10.133.40.250"}],
                                      "virtualServers": [{"name": "vmhttp_vs", "destination": "10.133.40.51:80"}]})
    rest.ok("POST", f"{GTM}/pool/a", {"name": "Remote_pool", "disabled": True,
                                      "members": [{"name": "Remote-BIG-IP:vmhttp_vs"}]})
    rest.ok("POST", f"{GTM}/wideip/a", {"name": "vmhttp.siterequest.com", "pools": [{"name": "/Common/Remote_pool"}]})


def test_gtm_pool_member_and_wide_ip_stats(rest, bigip_sim):
    gtm_lab(rest)
    pool = rest.ok("GET", f"{GTM}/pool/a/~Common~Remote_pool/stats")
    assert pool["kind"] == "tm:gtm:pool:a:astats"
    assert state(nested(pool)) == ("offline", "disabled")  # a disabled pool, as on a device
    assert state(nested(rest.ok("GET", f"{GTM}/wideip/a/~Common~vmhttp.siterequest.com/stats"))) == ("offline", "enabled")
    rest.ok("PATCH", f"{GTM}/pool/a/~Common~Remote_pool", {"enabled": True})
    assert state(nested(rest.ok("GET", f"{GTM}/pool/a/~Common~Remote_pool/stats"))) == ("available", "enabled")
    member = nested(rest.ok("GET", f"{GTM}/pool/a/~Common~Remote_pool/members/~Common~Remote-BIG-IP:vmhttp_vs/stats"))
    assert (state(member), member["serverName"], member["vsName"]) == (("available", "enabled"), "/Common/Remote-BIG-IP", "vmhttp_vs")
    assert state(nested(rest.ok("GET", f"{GTM}/wideip/a/~Common~vmhttp.siterequest.com/stats"))) == ("available", "enabled")
    bigip_sim.set_health("10.133.40.51", False)
    assert state(nested(rest.ok("GET", f"{GTM}/pool/a/~Common~Remote_pool/stats"))) == ("offline", "enabled")
    collection = rest.ok("GET", f"{GTM}/wideip/a/stats")
    assert list(collection["entries"]) == ["https://localhost/mgmt/tm/gtm/wideip/a/~Common~vmhttp.siterequest.com/stats"]


def test_isession_remote_endpoint_stats(rest, bigip_sim):
    rest.ok("POST", "/mgmt/tm/net/vlan", {"name": "wan"})
    rest.ok("POST", "/mgmt/tm/net/self", {"name": "wan-self", "address": "10.133.57.236/24", "vlan": "/Common/wan"})
    rest.ok("POST", "/mgmt/tm/wom/remote-endpoint", {"name": "10.133.58.236", "routing": "enabled"})
    path = "/mgmt/tm/wom/remote-endpoint/~Common~10.133.58.236/stats"
    entries = nested(rest.ok("GET", path))
    assert state(entries) == ("offline", "enabled") and entries["status.statusReason"] == "The local endpoint is not configured"
    rest.ok("PATCH", "/mgmt/tm/wom/local-endpoint", {"ip": "10.133.57.236"})
    assert state(nested(rest.ok("GET", path))) == ("available", "enabled")
    bigip_sim.set_health("10.133.58.236", False)
    assert state(nested(rest.ok("GET", path)))[0] == "offline"


def test_what_clients_read_around_the_guide(rest, bigip_sim):
    tunnels = {i["reference"]["link"].split("?")[0] for i in rest.ok("GET", "/mgmt/tm/net/tunnels")["items"]}
    assert {"https://localhost/mgmt/tm/net/tunnels/gre", "https://localhost/mgmt/tm/net/tunnels/ipip",
            "https://localhost/mgmt/tm/net/tunnels/tunnel"} <= tunnels
    assert [g["fullPath"] for g in rest.ok("GET", "/mgmt/tm/net/tunnels/gre")["items"]] == ["/Common/gre"]
    assert rest.ok("GET", "/mgmt/tm/net/tunnels/ipip")["kind"] == "tm:net:tunnels:ipip:ipipcollectionstate"
    assert {t["name"] for t in rest.ok("GET", "/mgmt/tm/net/tunnels/tunnel")["items"]} == {"http-tunnel", "socks-tunnel"}
    assert rest.post("/mgmt/tm/net/tunnels/tunnel", {"name": "t1", "profile": "/Common/nope"}).status_code == 400
    tunnel = rest.ok("POST", "/mgmt/tm/net/tunnels/tunnel",
                     {"name": "t1", "profile": "/Common/gre", "localAddress": "10.1.1.1", "remoteAddress": "10.2.2.2"})
    assert tunnel["mode"] == "bidirectional"
    settings = rest.ok("GET", "/mgmt/tm/sys/global-settings")
    assert (settings["kind"], settings["hostname"]) == ("tm:sys:global-settings:global-settingsstate", "bigip-primary.lab.local")
    assert rest.patch("/mgmt/tm/sys/global-settings", {"hostname": "no dots"}).status_code == 400
    volume, = rest.ok("GET", "/mgmt/tm/sys/software/volume")["items"]
    assert (volume["name"], volume["version"], volume["build"], volume["active"]) == ("HD1.1", "14.1.2.1", "0.0.4", True)
    device, = rest.ok("GET", "/mgmt/tm/cm/device")["items"]
    assert (device["hostname"], device["version"], device["failoverState"], device["selfDevice"]) == \
        ("bigip-primary.lab.local", "14.1.2.1", "active", "true")
    assert rest.post("/mgmt/tm/cm/device", {"name": "other"}).status_code == 400
    bigip_sim.set_failover("standby")
    assert rest.ok("GET", "/mgmt/tm/cm/device")["items"][0]["failoverState"] == "standby"
    assert rest.ok("GET", "/mgmt/tm/sys/failover")["apiRawValues"]["apiAnonymous"].startswith("Failover standby for ")
    bigip_sim.reset()
    assert rest.ok("GET", "/mgmt/tm/cm/device")["items"][0]["failoverState"] == "active"


def test_create_isession_virtual_creates_the_virtual_server(rest):
    rest.ok("POST", "/mgmt/tm/net/vlan", {"name": "wan"})
    rest.ok("POST", "/mgmt/tm/net/self", {"name": "wan-self", "address": "10.133.57.236/24", "vlan": "/Common/wan"})
    rest.ok("PATCH", "/mgmt/tm/wom/local-endpoint", {"ip": "10.133.57.236", "createIsessionVirtual": "no"})
    assert rest.get("/mgmt/tm/ltm/virtual/~Common~isession-virtual").status_code == 404
    rest.ok("PATCH", "/mgmt/tm/wom/local-endpoint", {"createIsessionVirtual": "yes", "serverSsl": "/Common/serverssl"})
    virtual = rest.ok("GET", "/mgmt/tm/ltm/virtual/~Common~isession-virtual", params={"expandSubcollections": "true"})
    assert (virtual["destination"], virtual["ipProtocol"], virtual["mask"]) == ("/Common/10.133.57.236:443", "tcp", "255.255.255.255")
    assert {(p["fullPath"], p["context"]) for p in virtual["profilesReference"]["items"]} == {
        ("/Common/isession", "all"), ("/Common/tcp-wan-optimized", "all"), ("/Common/serverssl", "serverside")}
    assert rest.ok("GET", "/mgmt/tm/ltm/virtual-address/~Common~10.133.57.236")["address"] == "10.133.57.236"
    rest.ok("PATCH", "/mgmt/tm/wom/local-endpoint", {"tunnelPort": 8443})
    assert rest.ok("GET", "/mgmt/tm/ltm/virtual/~Common~isession-virtual")["destination"] == "/Common/10.133.57.236:8443"
    assert [v["name"] for v in rest.ok("GET", "/mgmt/tm/ltm/virtual")["items"]] == ["isession-virtual"]
