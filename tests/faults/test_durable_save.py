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
import uuid

import pytest

from tests.faults.conftest import PLAY_TIMEOUT, finish, playbook

pytestmark = [pytest.mark.bigip_sim, pytest.mark.slow]

VLAN = "/mgmt/tm/net/vlan/~Common~vmotion-vlan"
SELF = "/mgmt/tm/net/self/~Common~vmotion-self"
SAVE = "/mgmt/tm/sys/config"
IRULE = "/mgmt/tm/ltm/rule/~Common~vmotion-irule"


def kill_started_by(marker):
    """SIGKILL every process whose environment carries ``LDV_KILLED_RUN=marker`` (started by that run)."""
    needle = ("LDV_KILLED_RUN=%s" % marker).encode()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/environ" % pid, "rb") as handle:
                if needle in handle.read().split(b"\0"):
                    os.kill(int(pid), signal.SIGKILL)
        except OSError:
            continue


def recap_changed(out):
    return int(re.search(r"bigip-primary\s+: ok=\d+\s+changed=(\d+)", out).group(1))


def present(sim, path):
    try:
        sim.peek(path)
        return True
    except Exception:  # pylint: disable=broad-except  # the admin peek of a missing object fails
        return False


@pytest.mark.fault(call="config save", fault="run killed while its last save waits for a restarting device; then a rerun with nothing to change",
                   behaviour="the rerun reports changed=0 and still saves at its end (handlers are not relied on): saved = running")
def test_killed_run_then_rerun_saves_everything(bigip):
    # bigip_network and bigip_gtm save; the last save meets a restarting REST framework, and the run is killed meanwhile
    bigip.fault("restarting", 100000, method="POST", path_prefix=SAVE, skip=2)
    marker = uuid.uuid4().hex
    run = playbook(bigip, "playbooks/site.yml", env={"LDV_KILLED_RUN": marker})
    deadline = time.monotonic() + PLAY_TIMEOUT
    while run.poll() is None and time.monotonic() < deadline and not [e for e in bigip.requests_log("POST", SAVE) if e["status"] == 503]:
        time.sleep(0.05)
    if run.poll() is None:
        os.killpg(run.pid, signal.SIGKILL)
    run.communicate(timeout=30)
    kill_started_by(marker)  # module processes the run started in sessions of their own die with it
    assert present(bigip, IRULE), "the killed run made every change"
    bigip.clear_faults()
    bigip.clear_log()

    code, out = finish(playbook(bigip, "playbooks/site.yml"))
    assert code == 0, out
    assert recap_changed(out) == 0, "nothing left to change: the recap says so"
    assert "Save the BIG-IP configuration (bigip_ltm_migration)" in out
    assert len([e for e in bigip.requests_log("POST", SAVE) if e["status"] == 200]) == 3  # one per BIG-IP role
    bigip.reboot()
    assert present(bigip, VLAN) and present(bigip, SELF) and present(bigip, IRULE), "saved = running after the rerun"


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
