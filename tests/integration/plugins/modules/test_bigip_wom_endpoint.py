"""bigip_wom_endpoint against the BIG-IP simulator: remote endpoints (CRUD) and the singleton local
endpoint (configure, update, delete, address change only by explicit delete + re-create).

REST property names come from the WOM table, like in the module, so a correction of the table
keeps these tests meaningful."""
from __future__ import annotations

import pytest

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import wom
from bigip_crud import CrudCases, DeviceError, Log, Scenario, UpdateCases, run, run_ok, subset

pytestmark = pytest.mark.bigip_sim

L, R = wom.LOCAL_ENDPOINT.props, wom.REMOTE_ENDPOINT.props
LOCAL_PATH = wom.LOCAL_ENDPOINT.path
REMOTE_PATH = wom.REMOTE_ENDPOINT.path + "/~Common~10.133.58.236"
LOCAL = {"type": "local", "address": "10.133.57.236", "server_ssl": "serverssl", "create_isession_virtual": True}
REMOTE = {"type": "remote", "address": "10.133.58.236", "routing": "enabled", "server_ssl": "none", "tunnel_port": 443,
          "enabled": True}


def with_self_ips(sim, addresses=("10.133.57.236/24",)):
    run_ok(sim, "bigip_vlan", {"name": "vmotion-vlan", "interfaces": [{"name": "1.14"}]})
    for number, address in enumerate(addresses):
        run_ok(sim, "bigip_selfip", {"name": "self-%s" % number, "address": address, "vlan": "vmotion-vlan", "allow_service": []})


class TestRemoteEndpointCrud(CrudCases):
    scenario = Scenario(
        module="bigip_wom_endpoint",
        args=REMOTE,
        path=REMOTE_PATH,
        collection=wom.REMOTE_ENDPOINT.path,
        post_body={"name": "10.133.58.236", "partition": "Common", R["address"]: "10.133.58.236", R["routing"]: "enabled",
                   R["server_ssl"]: "none", R["tunnel_port"]: 443, R["enabled"]: True},
        state={R["address"]: "10.133.58.236", R["routing"]: "enabled", R["source"]: "manual"},
        result_key="endpoint",
        result={"address": "10.133.58.236", "routing": "enabled", "server_ssl": "none", "tunnel_port": 443, "enabled": True,
                "source": "manual"},
        predicted={"address": "10.133.58.236", "routing": "enabled", "tunnel_port": 443},
        update={"routing": "disabled", "tunnel_encrypt": True},
        patch_body={R["routing"]: "disabled", R["tunnel_encrypt"]: "enabled"},
        updated_state={R["routing"]: "disabled", R["tunnel_encrypt"]: "enabled"},
        error=DeviceError(args=dict(REMOTE, server_ssl="no-such-profile"),
                          message=("WOM remote endpoint /Common/10.133.58.236",
                                   "The requested server SSL profile (/Common/no-such-profile)", "was not found")),
    )


class TestLocalEndpointUpdate(UpdateCases):
    scenario = Scenario(
        module="bigip_wom_endpoint",
        args=LOCAL,
        path=LOCAL_PATH,
        result_key="endpoint",
        state={L["address"]: "10.133.57.236", L["server_ssl"]: "/Common/serverssl", L["create_isession_virtual"]: "yes"},
        update={"tunnel_port": 8443, "allow_nat": True},
        patch_body={L["tunnel_port"]: 8443, L["allow_nat"]: "enabled"},
        updated_state={L["tunnel_port"]: 8443, L["allow_nat"]: "enabled", L["address"]: "10.133.57.236"},
        setup=with_self_ips,
    )


def test_local_endpoint_is_configured_with_one_patch(bigip_sim):
    with_self_ips(bigip_sim)
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_wom_endpoint", LOCAL, diff=True)
    patch = log.only_write("PATCH", LOCAL_PATH)
    assert patch["body"] == {L["address"]: "10.133.57.236", L["server_ssl"]: "/Common/serverssl", L["create_isession_virtual"]: "yes"}
    subset({"address": "10.133.57.236", "server_ssl": "/Common/serverssl", "create_isession_virtual": True,
            "tunnel_port": 443, "enabled": True}, result["endpoint"])
    assert result["diff"]["before"]["address"] is None
    again = Log(bigip_sim)
    assert run_ok(bigip_sim, "bigip_wom_endpoint", LOCAL)["changed"] is False
    assert again.calls() == [("GET", LOCAL_PATH)], "one read of the singleton, not one per check"


def test_local_endpoint_check_mode_predicts_and_writes_nothing(bigip_sim):
    with_self_ips(bigip_sim)
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_wom_endpoint", LOCAL, check_mode=True, diff=True)
    assert result["changed"] is True
    log.assert_no_writes()
    assert result["diff"]["after"]["address"] == "10.133.57.236"
    assert L["address"] not in bigip_sim.peek(LOCAL_PATH)


def test_local_endpoint_without_address_cannot_be_configured(bigip_sim):
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_wom_endpoint", {"type": "local", "tunnel_port": 443})
    assert result["failed"] is True
    assert "WOM local endpoint has no IP address yet; address is required to create it" in result["msg"]
    log.assert_no_writes()


def test_local_endpoint_address_must_be_a_self_ip(bigip_sim):
    with_self_ips(bigip_sim)
    result = run(bigip_sim, "bigip_wom_endpoint", dict(LOCAL, address="10.133.57.99"))
    assert result["failed"] is True
    assert "WOM local endpoint" in result["msg"]
    assert "The local endpoint IP address (10.133.57.99) is not a self IP address of this system." in result["msg"]


def test_local_address_change_fails_before_any_write_without_replace(bigip_sim):
    with_self_ips(bigip_sim, ("10.133.57.236/24", "10.133.57.237/24"))
    run_ok(bigip_sim, "bigip_wom_endpoint", LOCAL)
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_wom_endpoint", dict(LOCAL, address="10.133.57.237"))
    assert result["failed"] is True
    assert "WOM local endpoint: the IP address cannot be changed in place (10.133.57.236 -> 10.133.57.237)" in result["msg"]
    assert "replace_on_address_change: true" in result["msg"]
    log.assert_no_writes()
    assert bigip_sim.peek(LOCAL_PATH)[L["address"]] == "10.133.57.236"


def test_local_address_change_with_replace_deletes_and_recreates_in_one_transaction(bigip_sim):
    with_self_ips(bigip_sim, ("10.133.57.236/24", "10.133.57.237/24"))
    run_ok(bigip_sim, "bigip_wom_endpoint", dict(LOCAL, tunnel_port=8443))
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_wom_endpoint", {"type": "local", "address": "10.133.57.237", "replace_on_address_change": True},
                    diff=True)
    assert result["changed"] is True
    begin, delete, recreate, commit = log.writes()
    assert (begin["method"], begin["path"], begin["transaction"]) == ("POST", "/mgmt/tm/transaction", None)
    assert (delete["method"], delete["path"], delete["body"]) == (wom.LOCAL_ENDPOINT_DELETE["method"], LOCAL_PATH,
                                                                  wom.LOCAL_ENDPOINT_DELETE["body"])
    assert (recreate["method"], recreate["path"]) == ("PATCH", LOCAL_PATH)
    assert recreate["body"][L["address"]] == "10.133.57.237" and recreate["body"][L["tunnel_port"]] == 8443
    trans_id = delete["transaction"]
    assert trans_id is not None and recreate["transaction"] == trans_id, "both queued in the same transaction"
    assert (commit["method"], commit["path"], commit["transaction"]) == ("PATCH", "/mgmt/tm/transaction/%s" % trans_id, None)
    subset({L["address"]: "10.133.57.237", L["tunnel_port"]: 8443, L["server_ssl"]: "/Common/serverssl",
            L["create_isession_virtual"]: "yes"}, bigip_sim.peek(LOCAL_PATH))
    assert result["diff"] == {"before": {"address": "10.133.57.236"}, "after": {"address": "10.133.57.237"}}
    assert result["endpoint"]["tunnel_port"] == 8443


def test_failed_recreate_leaves_the_old_local_endpoint(bigip_sim):
    with_self_ips(bigip_sim)
    run_ok(bigip_sim, "bigip_wom_endpoint", LOCAL)
    result = run(bigip_sim, "bigip_wom_endpoint", {"type": "local", "address": "10.133.57.99", "replace_on_address_change": True})
    assert result["failed"] is True
    assert "is not a self IP address of this system" in result["msg"]
    assert bigip_sim.peek(LOCAL_PATH)[L["address"]] == "10.133.57.236"


def test_local_endpoint_delete_resets_it_and_is_idempotent(bigip_sim):
    with_self_ips(bigip_sim)
    run_ok(bigip_sim, "bigip_wom_endpoint", LOCAL)
    check = Log(bigip_sim)
    assert run_ok(bigip_sim, "bigip_wom_endpoint", {"type": "local", "state": "absent"}, check_mode=True)["changed"] is True
    check.assert_no_writes()
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_wom_endpoint", {"type": "local", "state": "absent"}, diff=True)
    sent = log.only_write(wom.LOCAL_ENDPOINT_DELETE["method"], LOCAL_PATH)
    assert sent["body"] == wom.LOCAL_ENDPOINT_DELETE["body"]
    assert L["address"] not in bigip_sim.peek(LOCAL_PATH)
    assert result["diff"]["before"]["address"] == "10.133.57.236" and result["diff"]["after"] == {}
    again = Log(bigip_sim)
    assert run_ok(bigip_sim, "bigip_wom_endpoint", {"type": "local", "state": "absent"})["changed"] is False
    again.assert_no_writes()


def test_discovered_remote_endpoint_reports_its_source(bigip_sim):
    with_self_ips(bigip_sim)
    run_ok(bigip_sim, "bigip_wom_endpoint", LOCAL)
    bigip_sim.discover("10.133.58.236")
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_wom_endpoint", {"type": "remote", "address": "10.133.58.236", "routing": "enabled"})
    assert log.only_write("PATCH", REMOTE_PATH)["body"] == {R["routing"]: "enabled"}
    assert result["endpoint"]["source"] == "discovered"


@pytest.mark.parametrize("args,message", [
    ({"type": "remote"}, "WOM remote endpoint: address is required"),
    ({"type": "remote", "address": "10.133.58.236", "allow_nat": True}, "allow_nat only apply to local endpoints"),
    ({"type": "remote", "address": "10.133.58.236", "replace_on_address_change": True},
     "replace_on_address_change only apply to local endpoints"),
    ({"type": "local", "address": "10.133.57.236", "routing": "enabled", "behind_nat": True},
     "routing, behind_nat only apply to remote endpoints"),
    ({"type": "remote", "address": "10.133.58.300"}, "'10.133.58.300' is not an IP address"),
    ({"type": "remote", "address": "10.133.58.0/24"}, "address 10.133.58.0/24 must be a plain IP address"),
    ({"type": "remote", "address": "10.133.58.236", "tunnel_port": 70000}, "tunnel_port must be between 1 and 65535, got 70000"),
])
def test_invalid_input_fails_before_any_request(bigip_sim, args, message):
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_wom_endpoint", args)
    assert result["failed"] is True
    assert message in result["msg"]
    assert log.calls() == []


def test_remote_endpoint_state_disabled_is_the_json_pair(bigip_sim):
    run_ok(bigip_sim, "bigip_wom_endpoint", REMOTE)
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_wom_endpoint", dict(REMOTE, enabled=False))
    assert log.only_write("PATCH", REMOTE_PATH)["body"] == {R["disabled"]: True}
    state = bigip_sim.peek(REMOTE_PATH)
    assert state.get(R["disabled"]) is True and R["enabled"] not in state
    assert result["endpoint"]["enabled"] is False
    again = Log(bigip_sim)
    assert run_ok(bigip_sim, "bigip_wom_endpoint", dict(REMOTE, enabled=False))["changed"] is False
    again.assert_no_writes()
