"""README "Ad-hoc checks after an upgrade": the commands exactly as printed, run from the repository
root with its ansible.cfg and ``inventories/lab``, against simulated BIG-IPs (the lab inventory reads
their endpoints file from LDV_SIMS_DIR, as after ``make sims``)."""
from __future__ import annotations

import json
import os

import pytest

from tests.conftest import REPO, run_module

from ansible_cli import run

pytestmark = [pytest.mark.bigip_sim, pytest.mark.slow]

REMOTE = "/mgmt/tm/wom/remote-endpoint"
ROUTING_CHECK = ["ansible", "bigip", "-i", "inventories/lab", "-m", "longdistance.vmotion.bigip_wom_routing"]
SITES = {"primary": ("10.133.57.236", "10.133.58.236"), "secondary": ("10.133.58.236", "10.133.57.236")}


def ok(sim, module, args):
    result = run_module(module, dict(sim.conn_args, **args))
    assert not result.get("failed"), result
    return result


@pytest.fixture
def lab(bigip_pair, tmp_path):
    """Both sites' WAN optimization as site.yml leaves it; the primary's routing to the peer then disabled
    (what a reboot or upgrade does). Returns (pair, environment of the lab inventory)."""
    for site, sim in (("primary", bigip_pair.primary), ("secondary", bigip_pair.secondary)):
        local, peer = SITES[site]
        ok(sim, "bigip_vlan", {"name": "vmotion-vlan", "interfaces": [{"name": "1.14"}]})
        ok(sim, "bigip_selfip", {"name": "vmotion-self", "address": local + "/24", "vlan": "vmotion-vlan"})
        ok(sim, "bigip_wom_endpoint", {"type": "local", "address": local})
        ok(sim, "bigip_wom_endpoint", {"type": "remote", "address": peer,
                                       "routing": "disabled" if site == "primary" else "enabled"})
        sim.clear_log()
    sims_dir = tmp_path / "sims"
    sims_dir.mkdir()
    endpoints = {"ca_cert": bigip_pair.primary.ca_path, "vcenter": {},
                 "bigip": {site: {"server": sim.server, "server_port": sim.port, "user": sim.user, "password": sim.password}
                           for site, sim in (("primary", bigip_pair.primary), ("secondary", bigip_pair.secondary))}}
    (sims_dir / "endpoints.json").write_text(json.dumps(endpoints))
    os.chmod(sims_dir / "endpoints.json", 0o600)
    return bigip_pair, {"LDV_SIMS_DIR": str(sims_dir)}


def adhoc(tmp_path, lab_env, *extra):
    return run(ROUTING_CHECK + list(extra), tmp_path, cwd=REPO, use_repo_config=True, **lab_env)


def device_writes(sim):
    return [(r["method"], r["path"]) for r in sim.requests_log()
            if r["method"] in ("POST", "PUT", "PATCH", "DELETE") and r["path"].startswith("/mgmt/tm")]


def test_check_reports_the_drift_per_device_and_writes_nothing(lab, tmp_path):
    pair, lab_env = lab
    result = adhoc(tmp_path, lab_env, "--check")
    assert result.rc == 0, result
    hosts = result.adhoc_results()
    status, primary = hosts["bigip-primary"]
    assert status == "CHANGED" and primary["changed"] is True, result
    assert [e["address"] for e in primary["endpoints"] if e["changed"]] == ["10.133.58.236"]
    assert primary["drift"] == ["10.133.58.236"], primary
    status, secondary = hosts["bigip-secondary"]
    assert status == "SUCCESS" and secondary["changed"] is False and not secondary["drift"], result
    for sim in (pair.primary, pair.secondary):
        log = [(r["method"], r["path"].split("/authz/tokens/")[0]) for r in sim.requests_log()]
        # one login, one read of the remote endpoints, the token deleted: nothing else
        assert log == [("POST", "/mgmt/shared/authn/login"), ("GET", REMOTE), ("DELETE", "/mgmt/shared")], log
        assert not device_writes(sim)


def test_without_check_the_drift_is_fixed_then_nothing_is_left(lab, tmp_path):
    pair, lab_env = lab
    fixed = adhoc(tmp_path, lab_env)
    assert fixed.rc == 0, fixed
    hosts = fixed.adhoc_results()
    assert hosts["bigip-primary"][0] == "CHANGED" and hosts["bigip-secondary"][0] == "SUCCESS", fixed
    assert device_writes(pair.primary) == [("PATCH", REMOTE + "/~Common~10.133.58.236")] + [
        w for w in device_writes(pair.primary) if w[0] != "PATCH"]
    assert not [w for w in device_writes(pair.secondary) if w[0] == "PATCH"]
    # The fix is saved by default: an unsaved fix would be lost at the next reboot, which is what this check is for.
    assert ("POST", "/mgmt/tm/sys/config") in device_writes(pair.primary)
    assert hosts["bigip-primary"][1]["saved"] is True, fixed
    pair.primary.clear_log()
    again = adhoc(tmp_path, lab_env, "--check")
    assert again.rc == 0, again
    assert all(status == "SUCCESS" for status, _result in again.adhoc_results().values()), again


def test_fail_on_drift_makes_the_command_fail_for_monitoring(lab, tmp_path):
    pair, lab_env = lab
    result = adhoc(tmp_path, lab_env, "-a", "fail_on_drift=true", "--check")
    assert result.rc != 0, result
    hosts = result.adhoc_results()
    status, primary = hosts["bigip-primary"]
    assert status == "FAILED!" and "10.133.58.236" in primary["msg"] and "not changed (check mode)" in primary["msg"], result
    assert hosts["bigip-secondary"][0] == "SUCCESS", result
    for sim in (pair.primary, pair.secondary):
        assert not device_writes(sim)
