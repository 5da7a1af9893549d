"""Token login, use, extension, listing, logout, limits; basic auth."""
from __future__ import annotations

from tests.simulators.bigip.rest_client import Rest


def anonymous(sim) -> Rest:
    client = Rest(sim)
    client.session.auth = None
    return client


def login(sim, user=None, password=None, client: Rest | None = None):
    body = {"username": user or sim.user, "password": password or sim.password, "loginProviderName": "tmos"}
    return (client or anonymous(sim)).post("/mgmt/shared/authn/login", body)


def test_login_token_object(bigip_sim):
    response = login(bigip_sim)
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == bigip_sim.user and body["loginProviderName"] == "tmos"
    assert body["loginReference"]["link"].startswith("https://localhost/mgmt/cm/system/authn/providers/tmos/")
    token = body["token"]
    assert token["token"] == token["name"] and len(token["token"]) == 26 and token["token"].isupper()
    assert token["timeout"] == 1200 and token["userName"] == bigip_sim.user and token["partition"] == "[All]"
    assert token["kind"] == "shared:authz:tokens:authtokenitemstate"
    assert token["selfLink"] == f"https://localhost/mgmt/shared/authz/tokens/{token['token']}"
    assert token["expirationMicros"] - token["lastUpdateMicros"] == 1200 * 1_000_000
    assert Rest(bigip_sim, token=token["token"]).get("/mgmt/tm/sys/version").status_code == 200


def test_token_extend_get_list_logout(bigip_sim):
    token = login(bigip_sim).json()["token"]["token"]
    client = Rest(bigip_sim, token=token)
    assert client.ok("PATCH", f"/mgmt/shared/authz/tokens/{token}", {"timeout": 36000})["timeout"] == 36000
    too_long = client.patch(f"/mgmt/shared/authz/tokens/{token}", {"timeout": 36001})
    assert too_long.status_code == 406 and "36000" in too_long.json()["message"]
    assert client.ok("GET", f"/mgmt/shared/authz/tokens/{token}")["timeout"] == 36000
    listed = client.ok("GET", "/mgmt/shared/authz/tokens")
    assert listed["kind"] == "shared:authz:tokens:authtokencollectionstate"
    assert token in [t["token"] for t in listed["items"]]
    assert client.delete(f"/mgmt/shared/authz/tokens/{token}").status_code == 200
    after = client.get("/mgmt/tm/sys/version")
    assert after.status_code == 401 and after.json()["kind"] == ":resterrorresponse"


def test_unknown_and_expired_tokens_401(bigip_sim):
    unknown = Rest(bigip_sim, token="NOTATOKEN0000000000000000A").get("/mgmt/tm/ltm/pool")
    assert unknown.status_code == 401 and unknown.json()["message"] == "X-F5-Auth-Token does not exist."
    token = login(bigip_sim).json()["token"]["token"]
    client = Rest(bigip_sim, token=token)
    assert client.get("/mgmt/tm/ltm/pool").status_code == 200
    assert bigip_sim.fault("token_expiry")["expired"] >= 1
    expired = client.get("/mgmt/tm/ltm/pool")
    assert expired.status_code == 401 and set(expired.json()) == {"code", "message", "referer", "restOperationId", "kind"}


def test_wrong_password_and_basic_auth(bigip_sim):
    assert login(bigip_sim, password="wrong").status_code == 401
    assert Rest(bigip_sim, auth=(bigip_sim.user, "wrong")).get("/mgmt/tm/sys").status_code == 401
    assert Rest(bigip_sim).get("/mgmt/tm/sys").status_code == 200


def test_token_wins_over_basic_auth(bigip_sim):
    client = Rest(bigip_sim, token="NOTATOKEN0000000000000000A")
    client.session.auth = (bigip_sim.user, bigip_sim.password)
    assert client.get("/mgmt/tm/sys").status_code == 401


def test_hundred_tokens_per_non_admin_user(bigip_sim):
    bigip_sim.add_user("operator", "op-pass")
    client = anonymous(bigip_sim)
    tokens = [login(bigip_sim, "operator", "op-pass", client) for _attempt in range(100)]
    assert all(t.status_code == 200 for t in tokens)
    assert len({t.json()["token"]["token"] for t in tokens}) == 100
    refused = login(bigip_sim, "operator", "op-pass", client)
    assert refused.status_code == 400 and "maximum active login tokens" in refused.json()["message"]
    first = tokens[0].json()["token"]["token"]
    Rest(bigip_sim, token=first).ok("DELETE", f"/mgmt/shared/authz/tokens/{first}")
    assert login(bigip_sim, "operator", "op-pass").status_code == 200
    assert login(bigip_sim).status_code == 200  # admin is exempt
    other = tokens[1].json()["token"]["token"]
    admin_token = login(bigip_sim).json()["token"]["token"]
    operator = Rest(bigip_sim, token=tokens[2].json()["token"]["token"])
    assert operator.get(f"/mgmt/shared/authz/tokens/{admin_token}").status_code == 400
    assert operator.get(f"/mgmt/shared/authz/tokens/{other}").status_code == 200
