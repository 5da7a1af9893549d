"""Saved configuration is never lost: after a run that failed or was killed before saving, the
next successful ``site.yml`` leaves the saved configuration equal to the running one.

``ansible-playbook playbooks/site.yml`` runs against a BIG-IP simulator seeded like the lab's
primary (``--limit bigip-primary``); "saved" is checked the way a device shows it, by rebooting
the simulator (running configuration replaced by the saved one) and reading the objects back.
"""
from __future__ import annotations

import os
import re
import signal
import time

import pytest

from tests.faults.conftest import PLAY_TIMEOUT, finish, playbook

pytestmark = [pytest.mark.bigip_sim, pytest.mark.slow]

VLAN = "/mgmt/tm/net/vlan/~Common~vmotion-vlan"
SELF = "/mgmt/tm/net/self/~Common~vmotion-self"
SAVE = "/mgmt/tm/sys/config"
IRULE = "/mgmt/tm/ltm/rule/~Common~vmotion-irule"


def recap_changed(out):
    return int(re.search(r"bigip-primary\s+: ok=\d+\s+changed=(\d+)", out).group(1))


def present(sim, path):
    try:
        sim.peek(path)
        return True
    except Exception:  # pylint: disable=broad-except  # the admin peek of a missing object fails
        return False


@pytest.mark.fault(call="config save", fault="run killed before the save; then a rerun",
                   behaviour="the rerun saves at its end (every run saves; handlers are not relied on): saved = running")
def test_killed_run_then_rerun_saves_everything(bigip):
    run = playbook(bigip, "playbooks/site.yml")
    deadline = time.monotonic() + PLAY_TIMEOUT
    while not bigip.requests_log("POST", "/mgmt/tm/net/self") and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGKILL)
    run.communicate(timeout=30)
    assert present(bigip, SELF) and bigip.requests_log("POST", SAVE) == [], "killed after the self IP, before any save"

    code, out = finish(playbook(bigip, "playbooks/site.yml"))
    assert code == 0, out
    assert "Save the BIG-IP configuration (bigip_network)" in out
    assert len([e for e in bigip.requests_log("POST", SAVE) if e["status"] == 200]) == 3  # one per BIG-IP role
    bigip.reboot()
    assert present(bigip, VLAN) and present(bigip, SELF), "the saved configuration has what the killed run created"


@pytest.mark.fault(call="config save", fault="last save answers 503 until retry_deadline; then a rerun with nothing to change",
                   behaviour="the failed run fails saying 'NOT saved'; the rerun reports changed=0 and still saves: saved = running")
def test_failed_save_then_unchanged_rerun_saves(bigip):
    bigip.fault("restarting", 100000, method="POST", path_prefix=SAVE, skip=2)  # bigip_network and bigip_gtm save, bigip_ltm_migration cannot
    code, out = finish(playbook(bigip, "playbooks/site.yml", env={"F5_RETRY_DEADLINE": "2"}))
    assert code != 0 and "The running configuration was NOT saved" in out, out
    bigip.clear_faults()
    bigip.clear_log()

    code, out = finish(playbook(bigip, "playbooks/site.yml"))
    assert code == 0, out
    assert recap_changed(out) == 0, "nothing left to change: the recap says so"
    assert len([e for e in bigip.requests_log("POST", SAVE) if e["status"] == 200]) == 3
    bigip.reboot()
    assert present(bigip, VLAN) and present(bigip, SELF) and present(bigip, IRULE), "the last role's objects were saved by the rerun"
