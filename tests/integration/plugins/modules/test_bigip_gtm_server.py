"""bigip_gtm_server against the BIG-IP simulator: CRUD cases, addresses, the virtual-servers sub-collection."""
from __future__ import annotations

import pytest

from bigip_crud import CrudCases, DeviceError, Log, Scenario, absent, run, run_ok

pytestmark = pytest.mark.bigip_sim

PATH = "/mgmt/tm/gtm/server/~Common~Local-BIG-IP"
VS_COLLECTION = PATH + "/virtual-servers"
GUIDE = {"name": "Local-BIG-IP", "datacenter": "Local", "product": "bigip",
         "addresses": [{"address": "10.133.39.250", "device_name": "bigip-primary"}]}
VS = {"name": "vmhttp_vs", "destination": "10.133.39.51:80"}


def prerequisites(sim):
    run_ok(sim, "bigip_gtm_datacenter", {"name": "Local"})
    run_ok(sim, "bigip_gtm_monitor_http", {"name": "VM-http-monitor"})


class TestGtmServerCrud(CrudCases):
    scenario = Scenario(
        module="bigip_gtm_server",
        args=GUIDE,
        path=PATH,
        collection="/mgmt/tm/gtm/server",
        post_body={"name": "Local-BIG-IP", "partition": "Common", "datacenter": "/Common/Local", "product": "bigip",
                   "addresses": [{"name": "10.133.39.250", "deviceName": "bigip-primary", "translation": "none"}]},
        state={"datacenter": "/Common/Local", "addresses": [{"name": "10.133.39.250", "deviceName": "bigip-primary", "translation": "none"}]},
        result_key="server",
        result={"datacenter": "/Common/Local", "addresses": [{"address": "10.133.39.250", "device_name": "bigip-primary", "translation": "none"}]},
        update={"monitors": ["VM-http-monitor"], "virtual_server_discovery": "enabled-no-delete"},
        patch_body={"monitor": "/Common/VM-http-monitor", "virtualServerDiscovery": "enabled-no-delete"},
        updated_state={"monitor": "/Common/VM-http-monitor", "virtualServerDiscovery": "enabled-no-delete"},
        update_after={"monitors": ["/Common/VM-http-monitor"], "virtual_server_discovery": "enabled-no-delete"},
        setup=prerequisites,
        error=DeviceError(args=dict(GUIDE, datacenter="Nowhere"),
                          message=("GTM server /Common/Local-BIG-IP", "The requested data center (/Common/Nowhere) for GTM server")),
    )


def vs_state(sim):
    return {vs["name"]: (vs["destination"], not vs.get("disabled", False)) for vs in sim.peek(PATH)["virtualServersReference"].get("items", [])}


def test_create_with_virtual_servers_is_one_post(bigip_sim):
    prerequisites(bigip_sim)
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_gtm_server", dict(GUIDE, virtual_servers=[VS]), diff=True)
    post = log.only_write("POST", "/mgmt/tm/gtm/server")
    assert post["body"]["virtualServers"] == [{"name": "vmhttp_vs", "destination": "10.133.39.51:80"}], "all or nothing"
    assert vs_state(bigip_sim) == {"vmhttp_vs": ("10.133.39.51:80", True)}
    assert result["server"]["virtual_servers"] == {"vmhttp_vs": {"destination": "10.133.39.51:80"}}
    assert result["diff"]["before"] == {}


def test_virtual_server_update_and_rerun(bigip_sim):
    prerequisites(bigip_sim)
    run_ok(bigip_sim, "bigip_gtm_server", dict(GUIDE, virtual_servers=[VS]))
    log = Log(bigip_sim)
    changed = dict(GUIDE, virtual_servers=[{"name": "vmhttp_vs", "destination": "10.133.39.52:80", "enabled": False}])
    result = run_ok(bigip_sim, "bigip_gtm_server", changed, diff=True)
    patch = log.only_write("PATCH", VS_COLLECTION + "/vmhttp_vs")
    assert patch["body"] == {"destination": "10.133.39.52:80", "disabled": True}
    assert vs_state(bigip_sim) == {"vmhttp_vs": ("10.133.39.52:80", False)}
    assert result["diff"]["before"]["virtual_servers"] == {"vmhttp_vs": {"destination": "10.133.39.51:80", "enabled": True}}
    assert result["diff"]["after"]["virtual_servers"] == {"vmhttp_vs": {"destination": "10.133.39.52:80", "enabled": False}}
    log = Log(bigip_sim)
    assert run_ok(bigip_sim, "bigip_gtm_server", changed)["changed"] is False
    log.assert_no_writes()


def test_unlisted_virtual_servers_are_kept_unless_purged(bigip_sim):
    prerequisites(bigip_sim)
    other = {"name": "other_vs", "destination": "10.133.39.60:443"}
    run_ok(bigip_sim, "bigip_gtm_server", dict(GUIDE, virtual_servers=[VS, other]))
    log = Log(bigip_sim)
    assert run_ok(bigip_sim, "bigip_gtm_server", dict(GUIDE, virtual_servers=[VS]))["changed"] is False
    log.assert_no_writes()
    result = run_ok(bigip_sim, "bigip_gtm_server", dict(GUIDE, virtual_servers=[VS], purge_virtual_servers=True), diff=True)
    log.only_write("DELETE", VS_COLLECTION + "/other_vs")
    assert vs_state(bigip_sim) == {"vmhttp_vs": ("10.133.39.51:80", True)}
    assert "other_vs" in result["diff"]["before"]["virtual_servers"] and "other_vs" not in result["diff"]["after"]["virtual_servers"]


def test_check_mode_create_with_virtual_servers_writes_nothing(bigip_sim):
    prerequisites(bigip_sim)
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_gtm_server", dict(GUIDE, virtual_servers=[VS]), check_mode=True, diff=True)
    assert result["changed"] is True
    log.assert_no_writes()
    assert absent(bigip_sim, PATH)
    assert result["server"]["virtual_servers"] == {"vmhttp_vs": {"destination": "10.133.39.51:80"}}


def test_address_defaults_and_order_insensitive_compare(bigip_sim):
    prerequisites(bigip_sim)
    args = {"name": "Local-BIG-IP", "datacenter": "Local", "addresses": [{"address": "10.133.39.250"}, {"address": "10.133.39.251"}]}
    result = run_ok(bigip_sim, "bigip_gtm_server", args)
    expected = [{"name": "10.133.39.250", "deviceName": "Local-BIG-IP", "translation": "none"},
                {"name": "10.133.39.251", "deviceName": "Local-BIG-IP", "translation": "none"}]
    assert bigip_sim.peek(PATH)["addresses"] == expected
    assert result["server"]["addresses"][0] == {"address": "10.133.39.250", "device_name": "Local-BIG-IP", "translation": "none"}
    log = Log(bigip_sim)
    reordered = dict(args, addresses=list(reversed(args["addresses"])))
    assert run_ok(bigip_sim, "bigip_gtm_server", reordered)["changed"] is False
    log.assert_no_writes()
    nat = dict(args, addresses=[{"address": "10.133.39.250", "translation": "203.0.113.10"}])
    run_ok(bigip_sim, "bigip_gtm_server", nat)
    assert log.only_write("PATCH", PATH)["body"] == {"addresses": [{"name": "10.133.39.250", "deviceName": "Local-BIG-IP", "translation": "203.0.113.10"}]}
    assert bigip_sim.peek(PATH)["addresses"] == [{"name": "10.133.39.250", "deviceName": "Local-BIG-IP", "translation": "203.0.113.10"}]


@pytest.mark.parametrize("args, message", [
    ({"name": "s", "datacenter": "Local"}, "GTM server /Common/s does not exist; addresses required to create it"),
    ({"name": "s", "datacenter": "Local", "addresses": [{"address": "10.1.1.300"}]}, "'10.1.1.300' is not an IP address"),
    ({"name": "s", "datacenter": "Local", "addresses": [{"address": "10.1.1.1"}], "virtual_servers": [{"name": "v", "destination": "10.1.1.2:99999"}]},
     "destination must be IP:port"),
    ({"name": "s", "datacenter": "Local", "addresses": [{"address": "10.1.1.1"}], "virtual_servers": [{"name": "v", "destination": "10.1.1.2"}]},
     "is not an IP address"),
    ({"name": "s", "datacenter": "Local", "addresses": [{"address": "10.1.1.1"}], "virtual_servers": [VS, VS]}, "must be unique"),
    ({"name": "s", "datacenter": "Local", "addresses": [{"address": "10.1.1.1"}], "purge_virtual_servers": True}, "purge_virtual_servers needs"),
])
def test_bad_input_fails_before_any_write(bigip_sim, args, message):
    prerequisites(bigip_sim)
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_gtm_server", args)
    assert result["failed"] is True
    assert message in result["msg"]
    log.assert_no_writes()
