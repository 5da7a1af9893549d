"""Value spellings a device accepts on write and the one form it returns (README "Value spellings")."""
from __future__ import annotations

import pytest

VIRTUAL = "/mgmt/tm/ltm/virtual"
POOL = "/mgmt/tm/ltm/pool"
SELF = "/mgmt/tm/net/self"


PROTOCOL_CASES = [("tcp", "tcp"), ("TCP", "tcp"), (6, "tcp"), ("6", "tcp"), (17, "udp"), ("UDP", "udp"),
                  (132, "sctp"), ("any", "any"), (0, "any"), (47, "gre")]
PORT_CASES = [("10.1.1.1:http", "/Common/10.1.1.1:80"), ("10.1.1.1:HTTPS", "/Common/10.1.1.1:443"),
              ("/Common/10.1.1.1:8080", "/Common/10.1.1.1:8080"), ("10.1.1.1:*", "/Common/10.1.1.1:0"),
              ("2001:db8::1.https", "/Common/2001:db8::1.443")]


@pytest.mark.parametrize("given, stored", PROTOCOL_CASES)
def test_ip_protocol_by_number_name_or_alias(rest, given, stored):
    body = rest.ok("POST", VIRTUAL, {"name": "v", "destination": "10.1.1.1:80", "ipProtocol": given})
    assert body["ipProtocol"] == stored
    assert rest.ok("GET", f"{VIRTUAL}/~Common~v")["ipProtocol"] == stored


@pytest.mark.parametrize("given", ["tcpp", 300, True, "", None])
def test_unknown_protocols_are_refused(rest, given):
    response = rest.post(VIRTUAL, {"name": "v", "destination": "10.1.1.1:80", "ipProtocol": given})
    assert response.status_code == 400 and "ipProtocol" in response.json()["message"]
    assert rest.ok("GET", VIRTUAL)["items"] == []


@pytest.mark.parametrize("given, stored", PORT_CASES)
def test_ports_by_service_name_are_stored_as_numbers(rest, given, stored):
    assert rest.ok("POST", VIRTUAL, {"name": "v", "destination": given})["destination"] == stored


def test_port_names_in_members_and_gtm_virtual_servers(rest):
    pool = rest.ok("POST", POOL, {"name": "p", "members": [{"name": "10.1.1.1:http"}]}, params={"expandSubcollections": "true"})
    assert [m["name"] for m in pool["membersReference"]["items"]] == ["10.1.1.1:80"]
    assert rest.post(f"{POOL}/~Common~p/members", {"name": "10.1.1.2:nosuchservice"}).status_code == 400
    rest.ok("POST", "/mgmt/tm/gtm/datacenter", {"name": "dc"})
    server = rest.ok("POST", "/mgmt/tm/gtm/server", {"name": "s", "datacenter": "/Common/dc", "addresses": [{"name": "10.2.2.2"}],
                                                     "virtualServers": [{"name": "vs", "destination": "10.2.2.3:https"}]},
                     params={"expandSubcollections": "true"})
    assert server["virtualServersReference"]["items"][0]["destination"] == "10.2.2.3:443"


def test_port_lockdown_spellings(rest):
    rest.ok("POST", "/mgmt/tm/net/vlan", {"name": "wan"})
    body = rest.ok("POST", SELF, {"name": "s", "address": "10.1.1.1/24", "vlan": "/Common/wan",
                                  "allowService": ["tcp:https", "6:22", "UDP:domain", "default"]})
    assert body["allowService"] == ["tcp:443", "tcp:22", "udp:53", "default"]
    assert rest.post(SELF, {"name": "t", "address": "10.1.1.2/24", "vlan": "/Common/wan", "allowService": ["tcp"]}).status_code == 400


def test_enabled_pair_and_integers(rest):
    disabled = rest.ok("POST", VIRTUAL, {"name": "v", "destination": "10.1.1.1:80", "enabled": False})
    assert disabled.get("disabled") is True and "enabled" not in disabled
    assert rest.post(VIRTUAL, {"name": "w", "destination": "10.1.1.2:80", "enabled": "yes"}).status_code == 400
    assert rest.ok("POST", POOL, {"name": "p", "minActiveMembers": "2"})["minActiveMembers"] == 2
    assert rest.post(POOL, {"name": "q", "allowNat": "YES"}).status_code == 400  # keyword values are lower case
