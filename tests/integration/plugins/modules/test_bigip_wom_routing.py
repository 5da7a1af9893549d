"""bigip_wom_routing against the BIG-IP simulator: drift report in check mode, one PATCH per
drifted endpoint otherwise, discovered endpoints, reboots, and addresses that are not endpoints."""
from __future__ import annotations

import pytest
from ansible.module_utils import basic

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import wom
from bigip_crud import Log, run, run_ok

pytestmark = pytest.mark.bigip_sim

R = wom.REMOTE_ENDPOINT.props
REMOTE = wom.REMOTE_ENDPOINT.path
MANUAL, FOUND = "10.133.58.236", "10.133.59.236"


def path_of(address):
    return "%s/~Common~%s" % (REMOTE, address)


def routing_on_device(sim, address):
    return sim.peek(path_of(address)).get(R["routing"], wom.REMOTE_ENDPOINT.defaults[R["routing"]])


@pytest.fixture
def two_endpoints(bigip_sim):
    """A manual endpoint with routing enabled and one found by dynamic discovery (routing disabled)."""
    run_ok(bigip_sim, "bigip_vlan", {"name": "vmotion-vlan", "interfaces": [{"name": "1.14"}]})
    run_ok(bigip_sim, "bigip_selfip", {"name": "self", "address": "10.133.57.236/24", "vlan": "vmotion-vlan"})
    run_ok(bigip_sim, "bigip_wom_endpoint", {"type": "local", "address": "10.133.57.236"})
    run_ok(bigip_sim, "bigip_wom_endpoint", {"type": "remote", "address": MANUAL, "routing": "enabled"})
    bigip_sim.discover(FOUND)
    assert routing_on_device(bigip_sim, FOUND) == "disabled"
    return bigip_sim


def test_check_mode_reports_the_drift_and_changes_nothing(two_endpoints):
    sim = two_endpoints
    log = Log(sim)
    result = run_ok(sim, "bigip_wom_routing", {}, check_mode=True, diff=True)
    assert result["changed"] is True
    log.assert_no_writes()
    assert result["drift"] == [FOUND]
    assert sorted(result["endpoints"], key=lambda e: e["address"]) == [
        {"address": MANUAL, "source": "manual", "routing_before": "enabled", "routing_after": "enabled", "changed": False},
        {"address": FOUND, "source": "discovered", "routing_before": "disabled", "routing_after": "enabled", "changed": True},
    ]
    assert result["diff"] == {"before": {MANUAL: "enabled", FOUND: "disabled"}, "after": {MANUAL: "enabled", FOUND: "enabled"}}
    assert routing_on_device(sim, FOUND) == "disabled"


def test_fix_sends_one_patch_per_drifted_endpoint_and_then_nothing(two_endpoints):
    sim = two_endpoints
    log = Log(sim)
    result = run_ok(sim, "bigip_wom_routing", {"routing": "enabled", "save": False})
    assert result["changed"] is True and result["saved"] is False
    assert log.only_write("PATCH", path_of(FOUND))["body"] == {R["routing"]: "enabled"}
    assert routing_on_device(sim, FOUND) == "enabled"
    found = next(e for e in result["endpoints"] if e["address"] == FOUND)
    assert found == {"address": FOUND, "source": "discovered", "routing_before": "disabled", "routing_after": "enabled", "changed": True}
    again = Log(sim)
    rerun = run_ok(sim, "bigip_wom_routing", {"routing": "enabled"})
    assert rerun["changed"] is False and rerun["drift"] == []
    again.assert_no_writes()


def test_only_the_listed_addresses_are_touched(two_endpoints):
    sim = two_endpoints
    log = Log(sim)
    result = run_ok(sim, "bigip_wom_routing", {"routing": "disabled", "addresses": [MANUAL], "save": False})
    assert log.only_write("PATCH", path_of(MANUAL))["body"] == {R["routing"]: "disabled"}
    assert [e["address"] for e in result["endpoints"]] == [MANUAL]
    assert routing_on_device(sim, MANUAL) == "disabled"
    assert routing_on_device(sim, FOUND) == "disabled"


def test_an_address_that_is_not_a_remote_endpoint_fails_before_any_write(two_endpoints):
    sim = two_endpoints
    log = Log(sim)
    result = run(sim, "bigip_wom_routing", {"addresses": [FOUND, "10.133.60.236"]})
    assert result["failed"] is True
    assert "10.133.60.236 is not a remote endpoint on BIG-IP 127.0.0.1" in result["msg"]
    assert "remote endpoints: %s, %s" % (MANUAL, FOUND) in result["msg"]
    log.assert_no_writes()
    assert routing_on_device(sim, FOUND) == "disabled"


def test_routing_reverts_after_reboot_and_is_fixed_again(two_endpoints):
    sim = two_endpoints
    run_ok(sim, "bigip_wom_routing", {})
    run_ok(sim, "bigip_config_save", {})
    sim.reboot()
    assert routing_on_device(sim, FOUND) == "disabled"
    assert routing_on_device(sim, MANUAL) == "enabled"
    check = run_ok(sim, "bigip_wom_routing", {}, check_mode=True)
    assert check["drift"] == [FOUND]
    fixed = run_ok(sim, "bigip_wom_routing", {})
    assert fixed["drift"] == [FOUND] and routing_on_device(sim, FOUND) == "enabled"


def test_no_remote_endpoints_fails_unless_none_is_expected(bigip_sim, monkeypatch):
    log = Log(bigip_sim)
    failed = run(bigip_sim, "bigip_wom_routing", {})
    assert failed["failed"] is True and failed["error_type"] == "ValidationError"
    assert "BIG-IP 127.0.0.1 has no WOM remote endpoint" in failed["msg"] and "allow_no_endpoints=true" in failed["msg"]
    checked = run(bigip_sim, "bigip_wom_routing", {}, check_mode=True)
    assert checked["failed"] is True
    # run_module (in-process) does not copy warnings into the result: capture them at the source
    seen = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, msg: seen.append(msg))
    result = run_ok(bigip_sim, "bigip_wom_routing", {"allow_no_endpoints": True})
    assert result["changed"] is False and result["endpoints"] == [] and result["drift"] == []
    assert seen == ["BIG-IP 127.0.0.1 has no WOM remote endpoints; nothing to check"]
    log.assert_no_writes()


def test_device_error_names_the_endpoint(two_endpoints):
    sim = two_endpoints
    sim.fault("mcpd", 1)
    result = run(sim, "bigip_wom_routing", {"retries": 0})
    assert result["failed"] is True
    assert "WOM remote endpoints" in result["msg"] and "The connection to mcpd has been lost" in result["msg"]


def test_fix_is_saved_and_survives_a_reboot(two_endpoints):
    sim = two_endpoints
    run_ok(sim, "bigip_config_save", {})
    run_ok(sim, "bigip_wom_routing", {"routing": "disabled", "addresses": [MANUAL], "save": False})
    log = Log(sim)
    result = run_ok(sim, "bigip_wom_routing", {"routing": "enabled", "addresses": [MANUAL]})
    assert result["changed"] is True and result["saved"] is True
    assert [(w["method"], w["path"]) for w in log.writes()] == [("PATCH", path_of(MANUAL)), ("POST", "/mgmt/tm/sys/config")]
    run_ok(sim, "bigip_wom_routing", {"routing": "disabled", "addresses": [MANUAL], "save": False})
    sim.reboot()
    assert routing_on_device(sim, MANUAL) == "enabled"  # the saved fix, not the unsaved change after it


def test_fail_on_drift_fails_in_check_mode_and_after_fixing(two_endpoints):
    sim = two_endpoints
    log = Log(sim)
    check = run(sim, "bigip_wom_routing", {"fail_on_drift": True}, check_mode=True)
    assert check["failed"] is True and check["drift"] == [FOUND]
    assert "iSession routing was not enabled on remote endpoint(s) %s; not changed (check mode)" % FOUND in check["msg"]
    log.assert_no_writes()
    fixed = run(sim, "bigip_wom_routing", {"fail_on_drift": True})
    assert fixed["failed"] is True and fixed["saved"] is True and "fixed and saved" in fixed["msg"]
    assert routing_on_device(sim, FOUND) == "enabled"
    clean = run_ok(sim, "bigip_wom_routing", {"fail_on_drift": True})
    assert clean["changed"] is False and clean["drift"] == []
