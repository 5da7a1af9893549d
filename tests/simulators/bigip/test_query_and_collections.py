"""Query options ($select, $filter, expandSubcollections, $top/$skip) and organizing collections."""
from __future__ import annotations

import pytest

ORGANIZING = {
    "/mgmt/tm": {"/mgmt/tm/sys", "/mgmt/tm/net", "/mgmt/tm/ltm", "/mgmt/tm/gtm", "/mgmt/tm/wom"},
    "/mgmt/tm/sys": {"/mgmt/tm/sys/provision", "/mgmt/tm/sys/version", "/mgmt/tm/sys/failover", "/mgmt/tm/sys/config"},
    "/mgmt/tm/net": {"/mgmt/tm/net/vlan", "/mgmt/tm/net/self", "/mgmt/tm/net/self-allow", "/mgmt/tm/net/route",
                     "/mgmt/tm/net/route-domain", "/mgmt/tm/net/interface"},
    "/mgmt/tm/ltm": {"/mgmt/tm/ltm/pool", "/mgmt/tm/ltm/node", "/mgmt/tm/ltm/rule", "/mgmt/tm/ltm/virtual",
                     "/mgmt/tm/ltm/virtual-address", "/mgmt/tm/ltm/profile", "/mgmt/tm/ltm/monitor"},
    "/mgmt/tm/gtm": {"/mgmt/tm/gtm/datacenter", "/mgmt/tm/gtm/server", "/mgmt/tm/gtm/pool", "/mgmt/tm/gtm/wideip",
                     "/mgmt/tm/gtm/monitor"},
    "/mgmt/tm/wom": {"/mgmt/tm/wom/profile", "/mgmt/tm/wom/server-discovery"},
    "/mgmt/tm/ltm/profile": {"/mgmt/tm/ltm/profile/server-ssl", "/mgmt/tm/ltm/profile/client-ssl",
                             "/mgmt/tm/ltm/profile/tcp", "/mgmt/tm/ltm/profile/http"},
    "/mgmt/tm/ltm/monitor": {"/mgmt/tm/ltm/monitor/http", "/mgmt/tm/ltm/monitor/tcp", "/mgmt/tm/ltm/monitor/gateway-icmp"},
    "/mgmt/tm/gtm/pool": {"/mgmt/tm/gtm/pool/a", "/mgmt/tm/gtm/pool/aaaa"},
    "/mgmt/tm/gtm/wideip": {"/mgmt/tm/gtm/wideip/a", "/mgmt/tm/gtm/wideip/cname"},
    "/mgmt/tm/gtm/monitor": {"/mgmt/tm/gtm/monitor/http", "/mgmt/tm/gtm/monitor/bigip"},
    "/mgmt/tm/wom/profile": {"/mgmt/tm/wom/profile/isession"},
}


@pytest.mark.parametrize("path", sorted(ORGANIZING))
def test_organizing_collections_answer_with_reference_links(rest, path):
    body = rest.ok("GET", path)
    last = path.rsplit("/", 1)[1]
    assert body["kind"] == f"{path.removeprefix('/mgmt/').replace('/', ':')}:{last}collectionstate"
    assert body["selfLink"] == f"https://localhost{path}?ver=14.1.2.1"
    assert all(set(item) == {"reference"} and set(item["reference"]) == {"link"} for item in body["items"])
    links = {item["reference"]["link"] for item in body["items"]}
    assert all(link.endswith("?ver=14.1.2.1") for link in links)
    assert {f"https://localhost{p}?ver=14.1.2.1" for p in ORGANIZING[path]} <= links
    for link in sorted(link for link in links if "/sys/config" not in link)[:3]:
        rest.ok("GET", link.removeprefix("https://localhost").split("?")[0])


def test_select(rest):
    rest.ok("POST", "/mgmt/tm/ltm/pool", {"name": "p1", "description": "d"})
    body = rest.ok("GET", "/mgmt/tm/ltm/pool", params={"$select": "name,selfLink,fullPath,subPath"})
    assert body["items"] == [{"name": "p1", "fullPath": "/Common/p1",
                              "selfLink": "https://localhost/mgmt/tm/ltm/pool/~Common~p1?$select=name,selfLink,fullPath,subPath&ver=14.1.2.1"}]
    one = rest.ok("GET", "/mgmt/tm/ltm/pool/~Common~p1", params={"$select": "description"})
    assert one == {"description": "d"}


def test_filter_partition(rest):
    rest.ok("POST", "/mgmt/tm/ltm/pool", {"name": "p1"})
    rest.ok("POST", "/mgmt/tm/auth/partition", {"name": "Tenant"})
    rest.ok("POST", "/mgmt/tm/ltm/pool", {"name": "p2", "partition": "Tenant"})
    assert [p["fullPath"] for p in rest.ok("GET", "/mgmt/tm/ltm/pool", params={"$filter": "partition eq Common"})["items"]] == ["/Common/p1"]
    assert [p["name"] for p in rest.ok("GET", "/mgmt/tm/ltm/pool?$filter=partition+eq+Tenant")["items"]] == ["p2"]
    assert rest.get("/mgmt/tm/ltm/pool", params={"$filter": "name eq p1"}).status_code == 400


def test_expand_subcollections(rest):
    rest.ok("POST", "/mgmt/tm/ltm/pool", {"name": "p1", "members": [{"name": "10.1.1.1:80"}, {"name": "10.1.1.2:80"}]})
    plain = rest.ok("GET", "/mgmt/tm/ltm/pool/~Common~p1")
    assert "items" not in plain["membersReference"]
    expanded = rest.ok("GET", "/mgmt/tm/ltm/pool/~Common~p1", params={"expandSubcollections": "true"})
    assert expanded["selfLink"] == "https://localhost/mgmt/tm/ltm/pool/~Common~p1?expandSubcollections=true&ver=14.1.2.1"
    assert [m["name"] for m in expanded["membersReference"]["items"]] == ["10.1.1.1:80", "10.1.1.2:80"]
    collection = rest.ok("GET", "/mgmt/tm/ltm/pool?expandSubcollections=true")
    assert len(collection["items"][0]["membersReference"]["items"]) == 2


def test_top_and_skip(rest):
    for n in range(5):
        rest.ok("POST", "/mgmt/tm/ltm/node", {"name": f"n{n}", "address": f"10.0.0.{n + 1}"})
    page = rest.ok("GET", "/mgmt/tm/ltm/node", params={"$top": "2", "$skip": "2"})
    assert [n["name"] for n in page["items"]] == ["n2", "n3"]
    assert (page["totalItems"], page["currentItemCount"], page["pageIndex"], page["totalPages"]) == (5, 2, 2, 3)


def test_sip_session_profiles_list_the_builtin_as_on_a_14_1_device(rest):
    """F5's bigip_virtual_server reads this collection on every run and needs its ``items`` (a 404 fails it)."""
    body = rest.ok("GET", "/mgmt/tm/ltm/message-routing/sip/profile/session/")
    assert [item["fullPath"] for item in body["items"]] == ["/Common/sipsession"]
