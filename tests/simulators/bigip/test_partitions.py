"""Partitions, folders, route domains and object names as a 14.1 device has them."""
from __future__ import annotations

import pytest

PARTITION = "/mgmt/tm/auth/partition"
FOLDER = "/mgmt/tm/sys/folder"
RD = "/mgmt/tm/net/route-domain"
VLAN = "/mgmt/tm/net/vlan"
SELF = "/mgmt/tm/net/self"
POOL = "/mgmt/tm/ltm/pool"
NODE = "/mgmt/tm/ltm/node"
VIRTUAL = "/mgmt/tm/ltm/virtual"


def message(response, status=400) -> str:
    assert response.status_code == status, response.text
    return response.json()["message"]


def test_factory_partition_and_folders(rest):
    common = rest.ok("GET", f"{PARTITION}/Common")
    assert common["kind"] == "tm:auth:partition:partitionstate"
    assert (common["name"], common["fullPath"], common["defaultRouteDomain"]) == ("Common", "Common", 0)
    assert common["selfLink"] == "https://localhost/mgmt/tm/auth/partition/Common?ver=14.1.2.1"
    assert rest.ok("GET", PARTITION)["kind"] == "tm:auth:partition:partitioncollectionstate"
    folders = {f["fullPath"]: f for f in rest.ok("GET", FOLDER)["items"]}
    assert set(folders) == {"/", "/Common", "/Common/Drafts"}
    assert (folders["/Common"]["name"], folders["/Common"]["subPath"]) == ("Common", "/")
    assert folders["/Common"]["selfLink"] == "https://localhost/mgmt/tm/sys/folder/~Common?ver=14.1.2.1"
    assert "subPath" not in folders["/"] and folders["/"]["selfLink"].startswith("https://localhost/mgmt/tm/sys/folder/~?")
    assert rest.ok("GET", f"{FOLDER}/~Common")["kind"] == "tm:sys:folder:folderstate"


def test_objects_refused_in_a_partition_or_folder_that_does_not_exist(rest):
    assert message(rest.post(POOL, {"name": "p", "partition": "Tenant"})) == \
        "01020036:3: The requested folder (/Tenant) was not found."
    assert message(rest.post(POOL, {"name": "/Common/app/p"})) == \
        "01020036:3: The requested folder (/Common/app) was not found."
    assert message(rest.post(VLAN, {"name": "a/b"})) == "01020036:3: The requested folder (/Common/a) was not found."
    assert rest.ok("GET", POOL)["items"] == [] and rest.ok("GET", VLAN)["items"] == []


@pytest.mark.parametrize("name", ["my vlan", "x/", "-lead", ".dot", "semi;colon", "a" * 256, ""])
def test_name_rules(rest, name):
    response = rest.post(VLAN, {"name": name})
    assert response.status_code == 400
    assert rest.ok("GET", VLAN)["items"] == []


def test_name_error_text(rest):
    assert message(rest.post(VLAN, {"name": "my vlan"})) == (
        "01070022:3: The requested VLAN name (/Common/my vlan) is invalid; a name may contain letters, digits and the "
        "characters . _ - : % only, and must not start with . or -.")


def test_partition_with_route_domain_and_folder_tree(rest):
    assert message(rest.post(PARTITION, {"name": "Tenant", "defaultRouteDomain": 2})) == \
        "01070734:3: Configuration error: The requested route domain (2) for partition (Tenant) was not found."
    rest.ok("POST", RD, {"name": "rd2", "id": 2})
    tenant = rest.ok("POST", PARTITION, {"name": "Tenant", "defaultRouteDomain": 2, "description": "site B"})
    assert (tenant["fullPath"], tenant["defaultRouteDomain"], tenant["description"]) == ("Tenant", 2, "site B")
    assert rest.ok("GET", f"{FOLDER}/~Tenant")["subPath"] == "/"
    app = rest.ok("POST", FOLDER, {"name": "app", "partition": "Tenant"})
    assert (app["name"], app["subPath"], app["fullPath"]) == ("app", "/Tenant", "/Tenant/app")
    assert app["selfLink"] == "https://localhost/mgmt/tm/sys/folder/~Tenant~app?ver=14.1.2.1"
    assert rest.ok("POST", FOLDER, {"name": "/Common/app"})["fullPath"] == "/Common/app"
    assert message(rest.post(FOLDER, {"name": "/Nowhere/app"})) == "01020036:3: The requested folder (/Nowhere) was not found."

    pool = rest.ok("POST", POOL, {"name": "/Tenant/app/web", "members": [{"name": "10.1.1.1:80"}]})
    assert (pool["name"], pool["partition"], pool["subPath"], pool["fullPath"]) == ("web", "Tenant", "app", "/Tenant/app/web")
    assert pool["selfLink"] == "https://localhost/mgmt/tm/ltm/pool/~Tenant~app~web?ver=14.1.2.1"
    assert rest.ok("GET", f"{POOL}/~Tenant~app~web")["fullPath"] == "/Tenant/app/web"
    same = rest.ok("POST", POOL, {"name": "web2", "partition": "Tenant", "subPath": "app"})
    assert same["fullPath"] == "/Tenant/app/web2"
    members = rest.ok("GET", f"{POOL}/~Tenant~app~web/members")["items"]
    # the partition's default route domain applies to addresses given without %id
    assert [(m["name"], m["address"]) for m in members] == [("10.1.1.1%2:80", "10.1.1.1%2")]
    assert rest.ok("GET", f"{NODE}/~Tenant~10.1.1.1%252")["address"] == "10.1.1.1%2"

    rest.ok("POST", VLAN, {"name": "/Tenant/wan"})
    self_ip = rest.ok("POST", SELF, {"name": "/Tenant/s1", "address": "10.2.2.2/24", "vlan": "/Tenant/wan"})
    assert self_ip["address"] == "10.2.2.2%2/24"
    explicit = rest.ok("POST", SELF, {"name": "/Tenant/s0", "address": "10.2.2.3%0/24", "vlan": "/Tenant/wan"})
    assert explicit["address"] == "10.2.2.3%0/24"  # not the partition's default: the suffix stays
    virtual = rest.ok("POST", VIRTUAL, {"name": "/Tenant/vs", "destination": "/Tenant/10.3.3.3:80"})
    assert virtual["destination"] == "/Tenant/10.3.3.3%2:80"
    assert rest.ok("GET", "/mgmt/tm/ltm/virtual-address/~Tenant~10.3.3.3%252")["address"] == "10.3.3.3%2"

    assert "not empty" in message(rest.delete(f"{FOLDER}/~Tenant~app"))
    assert "not empty" in message(rest.delete(f"{PARTITION}/Tenant"))
    assert message(rest.delete(f"{PARTITION}/Common")) == "01070734:3: Configuration error: The partition (Common) cannot be deleted."


def test_unknown_route_domain_in_an_address(rest):
    rest.ok("POST", VLAN, {"name": "wan"})
    assert message(rest.post(SELF, {"name": "s", "address": "10.1.1.1%7/24", "vlan": "/Common/wan"})) == \
        "01070734:3: Configuration error: The requested route domain (7) for self IP (/Common/s) was not found."
    assert message(rest.post(NODE, {"name": "n", "address": "10.1.1.1%7"})).endswith(
        "The requested route domain (7) for node (/Common/n) was not found.")
    rest.ok("POST", RD, {"name": "rd7", "id": 7})
    assert rest.ok("POST", NODE, {"name": "n", "address": "10.1.1.1%7"})["address"] == "10.1.1.1%7"


def test_empty_partition_is_deleted_with_its_folder(rest):
    rest.ok("POST", PARTITION, {"name": "Scratch"})
    rest.ok("POST", FOLDER, {"name": "/Scratch/app"})
    assert "not empty" in message(rest.delete(f"{PARTITION}/Scratch"))
    rest.ok("DELETE", f"{FOLDER}/~Scratch~app")
    rest.ok("DELETE", f"{PARTITION}/Scratch")
    assert rest.get(f"{FOLDER}/~Scratch").status_code == 404
    assert message(rest.post(POOL, {"name": "/Scratch/p"})) == "01020036:3: The requested folder (/Scratch) was not found."
