"""Error bodies exactly as the device gives them (mcpd style and REST-framework style)."""
from __future__ import annotations

import pytest

MCPD_KEYS = {"code", "message", "errorStack", "apiError"}
FRAMEWORK_KEYS = {"code", "message", "referer", "restOperationId", "kind"}


def mcpd(response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    body = response.json()
    assert set(body) == MCPD_KEYS and body["code"] == status and body["errorStack"] == []
    return body["message"]


def test_missing_object_404(rest):
    assert mcpd(rest.get("/mgmt/tm/ltm/pool/~Common~my-pool"), 404) == \
        "01020036:3: The requested Pool (/Common/my-pool) was not found."
    assert mcpd(rest.patch("/mgmt/tm/ltm/node/~Common~test-node", {"ratio": 2}), 404) == \
        "01020036:3: The requested Node (/Common/test-node) was not found."
    assert mcpd(rest.delete("/mgmt/tm/net/vlan/~Common~nope"), 404) == \
        "01020036:3: The requested VLAN (/Common/nope) was not found."
    assert rest.get("/mgmt/tm/ltm/pool/~Common~my-pool").json()["apiError"] == 3


def test_existing_object_409(rest):
    rest.ok("POST", "/mgmt/tm/ltm/pool", {"name": "pool", "members": [{"name": "10.1.1.1:80"}]})
    assert mcpd(rest.post("/mgmt/tm/ltm/pool", {"name": "pool"}), 409) == \
        "01020066:3: The requested Pool (/Common/pool) already exists in partition Common."
    assert mcpd(rest.post("/mgmt/tm/ltm/pool/~Common~pool/members", {"name": "10.1.1.1:80"}), 409) == \
        "01020066:3: The requested Pool Member (/Common/pool /Common/10.1.1.1:80) already exists in partition Common."


def test_unknown_property_400(rest):
    rest.ok("POST", "/mgmt/tm/ltm/node", {"name": "n1", "address": "10.1.1.1"})
    message = mcpd(rest.patch("/mgmt/tm/ltm/node/~Common~n1", {"fqdn": {}, "bogus": 1}), 400)
    assert message.startswith("Found unexpected json pair at configuration item /ltm/node/~Common~n1. The json pair is ")
    assert rest.ok("GET", "/mgmt/tm/ltm/node/~Common~n1")["ratio"] == 1


@pytest.mark.parametrize("path, body", [
    ("/mgmt/tm/ltm/node", {"name": "n", "address": "10.1.1.300"}),
    ("/mgmt/tm/net/self", {"name": "s", "address": "10.1.1.1", "vlan": "/Common/x"}),
    ("/mgmt/tm/ltm/virtual", {"name": "v", "destination": "10.1.1.1:70000"}),
    ("/mgmt/tm/ltm/pool", {"name": "p", "loadBalancingMode": "fastest"}),
    ("/mgmt/tm/ltm/pool", {"name": "p", "minActiveMembers": "many"}),
    ("/mgmt/tm/net/vlan", {"name": "v", "tag": 5000}),
    ("/mgmt/tm/gtm/wideip/a", {"name": "notafqdn"}),
])
def test_bad_values_400(rest, path, body):
    message = mcpd(rest.post(path, body), 400)
    assert message.startswith("01070734:3: Configuration error: ")
    assert rest.ok("GET", path)["items"] == []


def test_bad_json_400(rest):
    response = rest.post("/mgmt/tm/ltm/pool", raw=b'{"name": "p",', headers={"Content-Type": "application/json"})
    assert mcpd(response, 400) == "Found invalid JSON body in the request."
    assert response.json()["apiError"] == 1


@pytest.mark.parametrize("path, body, fragment", [
    ("/mgmt/tm/net/self", {"name": "s", "address": "10.1.1.1/24", "vlan": "/Common/missing"}, "VLAN (/Common/missing)"),
    ("/mgmt/tm/gtm/server", {"name": "s", "datacenter": "/Common/DCX", "addresses": [{"name": "10.0.0.1"}]}, "data center (/Common/DCX)"),
    ("/mgmt/tm/gtm/wideip/a", {"name": "a.example.com", "pools": [{"name": "/Common/nopool"}]}, "GTM pool (/Common/nopool)"),
    ("/mgmt/tm/ltm/virtual", {"name": "v", "destination": "10.1.1.1:80", "pool": "/Common/nopool"}, "pool (/Common/nopool)"),
    ("/mgmt/tm/ltm/virtual", {"name": "v", "destination": "10.1.1.1:80", "profiles": [{"name": "noprof"}]}, "profile (/Common/noprof)"),
    ("/mgmt/tm/ltm/virtual", {"name": "v", "destination": "10.1.1.1:80", "rules": ["/Common/norule"]}, "rule (/Common/norule)"),
    ("/mgmt/tm/ltm/virtual", {"name": "v", "destination": "10.1.1.1:80", "vlans": ["/Common/novlan"]}, "VLAN (/Common/novlan)"),
])
def test_referential_errors_400(rest, path, body, fragment):
    message = mcpd(rest.post(path, body), 400)
    assert message.startswith("01070734:3: Configuration error: ") and fragment in message
    assert rest.ok("GET", path)["items"] == []
    assert rest.ok("GET", "/mgmt/tm/ltm/virtual-address")["items"] == []


def test_delete_still_referenced_400(rest):
    rest.ok("POST", "/mgmt/tm/net/vlan", {"name": "wan"})
    rest.ok("POST", "/mgmt/tm/net/self", {"name": "s", "address": "10.1.1.1/24", "vlan": "/Common/wan"})
    assert "in use by a self IP (/Common/s)" in mcpd(rest.delete("/mgmt/tm/net/vlan/~Common~wan"), 400)
    rest.ok("POST", "/mgmt/tm/ltm/pool", {"name": "p"})
    rest.ok("POST", "/mgmt/tm/ltm/virtual", {"name": "v", "destination": "10.1.1.1:80", "pool": "/Common/p"})
    assert mcpd(rest.delete("/mgmt/tm/ltm/pool/~Common~p"), 400) == \
        "01070265:3: The Pool (/Common/p) cannot be deleted because it is in use by a Virtual Server (/Common/v)."
    assert rest.get("/mgmt/tm/ltm/pool/~Common~p").status_code == 200
    rest.ok("POST", "/mgmt/tm/gtm/datacenter", {"name": "DC1"})
    rest.ok("POST", "/mgmt/tm/gtm/server", {"name": "s1", "datacenter": "/Common/DC1", "addresses": [{"name": "10.0.0.1"}]})
    assert "in use by GTM server (/Common/s1)" in mcpd(rest.delete("/mgmt/tm/gtm/datacenter/~Common~DC1"), 400)


def test_framework_404_for_unregistered_path(rest):
    response = rest.get("/mgmt/tm/ltm/nonsense")
    assert response.status_code == 404
    body = response.json()
    assert set(body) == FRAMEWORK_KEYS and body["kind"] == ":resterrorresponse"
    assert body["message"] == "Public URI path not registered: /tm/ltm/nonsense"
    assert body["referer"] == "127.0.0.1" and isinstance(body["restOperationId"], int)


def test_framework_401_without_credentials(bigip_sim):
    from tests.simulators.bigip.rest_client import Rest  # pylint: disable=import-outside-toplevel

    anonymous = Rest(bigip_sim, token=None, auth=("", ""))
    anonymous.session.auth = None
    response = anonymous.get("/mgmt/tm/ltm/virtual")
    assert response.status_code == 401
    body = response.json()
    assert set(body) == FRAMEWORK_KEYS and body["kind"] == ":resterrorresponse"
    assert body["message"].startswith("Authorization failed: no user authentication header or token detected. "
                                      "Uri:http://localhost:8100/mgmt/tm/ltm/virtual")
