"""Transactions: queued commands, atomic commit, rollback on failure, empty commit, discard."""
from __future__ import annotations

HEADER = "X-F5-REST-Coordination-Id"


def start(rest) -> int:
    body = rest.ok("POST", "/mgmt/tm/transaction", {})
    assert (body["state"], body["kind"], body["timeoutSeconds"], body["validateOnly"]) == ("STARTED", "tm:transactionstate", 120, False)
    assert body["selfLink"] == f"https://localhost/mgmt/tm/transaction/{body['transId']}?ver=14.1.2.1"
    return body["transId"]


def test_commit_applies_all_commands(rest, bigip_sim):
    trans = start(rest)
    headers = {HEADER: str(trans)}
    record = rest.ok("POST", "/mgmt/tm/ltm/pool", {"name": "p1"}, headers=headers)
    assert (record["method"], record["evalOrder"], record["kind"]) == ("POST", 1, "tm:transaction:commandsstate")
    assert record["body"] == {"name": "p1"} and record["uri"].endswith("/mgmt/tm/ltm/pool")
    rest.ok("POST", "/mgmt/tm/ltm/virtual", {"name": "v1", "destination": "10.1.1.1:80", "pool": "/Common/p1"}, headers=headers)
    assert rest.get("/mgmt/tm/ltm/pool/~Common~p1").status_code == 404
    commands = rest.ok("GET", f"/mgmt/tm/transaction/{trans}/commands")["items"]
    assert [c["commandId"] for c in commands] == [1, 2]
    done = rest.ok("PATCH", f"/mgmt/tm/transaction/{trans}", {"state": "VALIDATING", "validateOnly": False})
    assert done["state"] == "COMPLETED"
    assert rest.ok("GET", "/mgmt/tm/ltm/virtual/~Common~v1")["pool"] == "/Common/p1"
    assert len(bigip_sim.requests_log("PATCH", "/mgmt/tm/transaction")) == 1
    queued = bigip_sim.requests_log("POST", "/mgmt/tm/ltm")
    assert [(e["path"], e["transaction"]) for e in queued] == [("/mgmt/tm/ltm/pool", trans), ("/mgmt/tm/ltm/virtual", trans)]


def test_failure_rolls_back_everything(rest):
    trans = start(rest)
    headers = {HEADER: str(trans)}
    rest.ok("POST", "/mgmt/tm/ltm/pool", {"name": "p1", "members": [{"name": "10.1.1.1:80"}]}, headers=headers)
    rest.ok("POST", "/mgmt/tm/ltm/virtual", {"name": "v1", "destination": "10.1.1.1:80", "pool": "/Common/missing"}, headers=headers)
    response = rest.patch(f"/mgmt/tm/transaction/{trans}", {"state": "VALIDATING"})
    assert response.status_code == 400
    body = response.json()
    assert body["apiError"] == 2 and body["errorStack"] == []
    assert body["message"].startswith("transaction failed:01070734:3: Configuration error: ")
    assert rest.get("/mgmt/tm/ltm/pool/~Common~p1").status_code == 404
    assert rest.ok("GET", "/mgmt/tm/ltm/node")["items"] == []


def test_empty_commit_and_discard(rest):
    first = trans = start(rest)
    empty = rest.patch(f"/mgmt/tm/transaction/{trans}", {"state": "VALIDATING"})
    assert empty.status_code == 404 and empty.json()["message"] == "there is no command to commit in the transaction."
    assert empty.json()["apiError"] == 1
    trans = start(rest)
    rest.ok("POST", "/mgmt/tm/ltm/pool", {"name": "p1"}, headers={HEADER: str(trans)})
    assert rest.delete(f"/mgmt/tm/transaction/{trans}").status_code == 200
    assert rest.get(f"/mgmt/tm/transaction/{trans}").status_code == 404
    assert rest.get("/mgmt/tm/ltm/pool/~Common~p1").status_code == 404
    listed = rest.ok("GET", "/mgmt/tm/transaction")
    assert listed["kind"] == "tm:transactioncollectionstate"
    assert [t["transId"] for t in listed["items"]] == [first]


def test_patch_and_delete_inside_transaction(rest):
    rest.ok("POST", "/mgmt/tm/gtm/datacenter", {"name": "DC1"})
    rest.ok("POST", "/mgmt/tm/gtm/datacenter", {"name": "DC2"})
    trans = start(rest)
    headers = {HEADER: str(trans)}
    rest.ok("PATCH", "/mgmt/tm/gtm/datacenter/~Common~DC1", {"description": "one"}, headers=headers)
    rest.ok("DELETE", "/mgmt/tm/gtm/datacenter/~Common~DC2", headers=headers)
    rest.ok("PATCH", f"/mgmt/tm/transaction/{trans}", {"state": "VALIDATING"})
    assert [d["name"] for d in rest.ok("GET", "/mgmt/tm/gtm/datacenter")["items"]] == ["DC1"]
    assert rest.ok("GET", "/mgmt/tm/gtm/datacenter/~Common~DC1")["description"] == "one"
