"""The simulators keep no clear-text password in their request log and take none on the command line."""
from __future__ import annotations

import pytest

from tests.faults.conftest import run
from tests.simulators import certs, sims


def cmdline(pid):
    with open("/proc/%d/cmdline" % pid, "rb") as handle:
        return handle.read().decode("utf-8", "replace").split("\0")


@pytest.mark.bigip_sim
def test_bigip_request_log_masks_login_passwords(bigip_sim):
    assert not run(bigip_sim, "bigip_vlan", {"name": "hygiene"}).get("failed")
    logins = bigip_sim.requests_log("POST", "/mgmt/shared/authn/login")
    assert logins and all(entry["body"]["password"] == "********" for entry in logins)
    assert bigip_sim.password not in str(bigip_sim.requests_log())


@pytest.mark.bigip_sim
def test_bigip_password_is_not_on_the_command_line(bigip_sim):
    assert bigip_sim.password not in " ".join(cmdline(bigip_sim.process.pid))


@pytest.mark.vcenter_sim
def test_vcenter_password_is_not_on_the_command_line(vcenter_sim):
    assert vcenter_sim.password not in " ".join(cmdline(vcenter_sim.process.pid))


def test_make_sims_passes_passwords_in_the_environment(tmp_path):
    certs.ensure_ca(str(tmp_path))
    for sim in (sims.bigip_sim(str(tmp_path), "primary"), sims.vcenter_sim(str(tmp_path), "primary", 1.0)):
        assert sim.password not in " ".join(sim.argv)
        assert sim.password in sim.secrets_env.values()
