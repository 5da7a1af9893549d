"""Every one of the 25 captured 14.1.2.1 URIs answered by the simulator has the captured shape.

Built-in objects must be there at factory state; the lab's sample objects (VLANs, self IPs,
routes, nodes, pools, rules, virtuals) are created through the REST API from the few properties
a client sends, so the comparison checks the defaults and links the simulator fills in.
Shapes are compared recursively: same keys, same JSON value kinds, items matched by name.
"""
from __future__ import annotations

import glob
import json
import os

import pytest

REFERENCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference")
FILES = sorted(glob.glob(os.path.join(REFERENCE, "*.json")))
# What a client sends when it creates each sample object (everything else is a device default).
INPUT_KEYS = {
    "/mgmt/tm/net/vlan": ("tag",),
    "/mgmt/tm/net/self": ("address", "vlan", "allowService"),
    "/mgmt/tm/net/route": ("gw", "network", "description"),
    "/mgmt/tm/ltm/node": ("address", "description", "monitor"),
    "/mgmt/tm/ltm/pool": ("description", "monitor", "loadBalancingMode", "slowRampTime"),
    "/mgmt/tm/ltm/rule": ("apiAnonymous",),
    "/mgmt/tm/ltm/virtual": ("destination", "pool", "rules", "vlans", "vlansEnabled", "description", "metadata",
                             "sourceAddressTranslation", "disabled", "ipProtocol"),
}
SAMPLE_FILES = ("mgmt_tm_net_vlan", "mgmt_tm_net_self", "mgmt_tm_net_route", "mgmt_tm_ltm_node", "mgmt_tm_ltm_pool",
                "mgmt_tm_ltm_rule", "mgmt_tm_ltm_virtual")


def load(name: str) -> dict:
    with open(os.path.join(REFERENCE, f"{name}.json"), encoding="utf-8") as handle:
        return json.load(handle)


def readme() -> str:
    with open(os.path.join(REFERENCE, "README.md"), encoding="utf-8") as handle:
        return handle.read()


def uri_of(path: str) -> str:
    table = readme()
    name = os.path.basename(path)
    row = next(line for line in table.splitlines() if line.startswith(f"| {name} |"))
    return row.split("|")[2].split()[0]


def kind_of(value) -> str:
    return type(value).__name__


def compare(expected, actual, where: str) -> list[str]:
    """Differences in keys and value kinds between two JSON values (lists: by name, else by kind)."""
    if kind_of(expected) != kind_of(actual):
        return [f"{where}: kind {kind_of(actual)} != captured {kind_of(expected)}"]
    if isinstance(expected, dict):
        problems = []
        missing, extra = set(expected) - set(actual), set(actual) - set(expected)
        if missing or extra:
            problems.append(f"{where}: missing keys {sorted(missing)}, unexpected keys {sorted(extra)}")
        for key in set(expected) & set(actual):
            problems += compare(expected[key], actual[key], f"{where}.{key}")
        return problems
    if isinstance(expected, list):
        return compare_list(expected, actual, where)
    return []


def compare_list(expected: list, actual: list, where: str) -> list[str]:
    if expected and all(isinstance(e, dict) and "name" in e for e in expected):
        mine = {a.get("name"): a for a in actual if isinstance(a, dict)}
        theirs = {e["name"]: e for e in expected}
        if set(mine) != set(theirs):
            return [f"{where}: names {sorted(mine)} != captured {sorted(theirs)}"]
        return [p for name in theirs for p in compare(theirs[name], mine[name], f"{where}[{name}]")]
    if expected and all(isinstance(e, dict) and "reference" in e for e in expected):
        links = sorted(e["reference"]["link"] for e in expected)
        got = sorted(a.get("reference", {}).get("link", "") for a in actual)
        return [] if links == got else [f"{where}: links {got} != captured {links}"]
    if expected and actual:
        kinds = {json.dumps(shape(e)) for e in expected}
        got = {json.dumps(shape(a)) for a in actual}
        return [] if got <= kinds else [f"{where}: element shapes {got} not in captured {kinds}"]
    return []


def shape(value):
    if isinstance(value, dict):
        return {k: shape(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return sorted({json.dumps(shape(v)) for v in value})
    return kind_of(value)


def create_samples(rest) -> None:
    for name in ("monitor111", "monitor101", "monitor211", "monitor201"):
        rest.ok("POST", "/mgmt/tm/ltm/monitor/http", {"name": name})
    for name in SAMPLE_FILES:
        body = load(name)
        path = body["selfLink"].removeprefix("https://localhost").split("?")[0]
        for item in body["items"]:
            if name == "mgmt_tm_ltm_rule" and item["name"].startswith("_sys_"):
                continue
            request = {"name": item["name"], "partition": item["partition"]}
            request.update({k: item[k] for k in INPUT_KEYS[path] if k in item})
            rest.ok("POST", path, request)


@pytest.mark.parametrize("path", FILES, ids=[os.path.basename(f)[:-5] for f in FILES])
def test_reference_uri_shape(rest, path):
    if os.path.basename(path)[:-5] in SAMPLE_FILES + ("mgmt_tm_ltm_virtual_address", "mgmt_tm_net_route_domain"):
        create_samples(rest)
    expected = load(os.path.basename(path)[:-5])
    uri = uri_of(path)
    actual = rest.ok("GET", uri)
    assert actual["kind"] == expected["kind"]
    assert actual["selfLink"] == expected["selfLink"]
    assert compare(expected, actual, uri) == []
    for item in expected.get("items", []):
        if "name" in item:
            mine = next(a for a in actual["items"] if a["name"] == item["name"])
            assert (mine["kind"], mine["selfLink"], mine["fullPath"]) == (item["kind"], item["selfLink"], item["fullPath"])


def test_every_captured_uri_is_covered():
    """The README table and the stored files agree (25 captured URIs), one distinct URI each."""
    rows = [line.split("|")[1].strip() for line in readme().splitlines() if line.startswith("| mgmt_")]
    assert sorted(rows) == [os.path.basename(f) for f in FILES]
    assert len({uri_of(f) for f in FILES}) == len(FILES) == 25


def test_builtins_present_at_factory_state(rest):
    """Without any sample objects, the device's own objects are there with their captured values."""
    isession = rest.ok("GET", "/mgmt/tm/wom/profile/isession/~Common~isession-encrypt")
    assert isession["dataEncryption"] == "enabled" and isession["defaultsFrom"] == "/Common/isession"
    wom_ssl = rest.ok("GET", "/mgmt/tm/ltm/profile/server-ssl/~Common~wom-default-serverssl")
    assert (wom_ssl["cert"], wom_ssl["defaultsFrom"], wom_ssl["peerCertMode"]) == ("/Common/default.crt", "/Common/serverssl", "ignore")
    assert rest.ok("GET", "/mgmt/tm/ltm/profile/server-ssl/~Common~serverssl")["defaultsFrom"] == "none"
    assert rest.ok("GET", "/mgmt/tm/net/self-allow")["defaults"] == load("mgmt_tm_net_self_allow")["defaults"]
    assert rest.ok("GET", "/mgmt/tm/gtm/monitor/http/~Common~http_head_f5")["recv"] == "Server\\:"
    levels = {i["name"]: i["level"] for i in rest.ok("GET", "/mgmt/tm/sys/provision")["items"]}
    assert levels["ltm"] == levels["gtm"] == "nominal" and levels["am"] == "none" and "wom" not in levels
    assert rest.ok("GET", "/mgmt/tm/ltm/node")["items"] == []
    assert rest.ok("GET", "/mgmt/tm/net/vlan")["items"] == []
    for profile in ("tcp/~Common~tcp", "tcp/~Common~tcp-lan-optimized", "tcp/~Common~tcp-wan-optimized",
                    "http/~Common~http", "client-ssl/~Common~clientssl"):
        assert rest.ok("GET", f"/mgmt/tm/ltm/profile/{profile}")["generation"] >= 0
    interfaces = [i["name"] for i in rest.ok("GET", "/mgmt/tm/net/interface")["items"]]
    assert [f"1.{n}" for n in range(1, 17)] == [n for n in interfaces if n != "mgmt"]
