"""Fault-injection helpers (the simulated clock ``sim_time`` is tests/conftest.py's): module runs that
capture warnings, and a few device views. The faults themselves are the BIG-IP simulator's
admin hooks (``BigipSim.fault``: 502/503 bursts, resets before and after the device applied a
request, late answers, 401s, mcpd outages, races); see tests/simulators/bigip/admin.py."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from ansible.module_utils import basic

from tests.conftest import COLLECTIONS_PATH, REPO, run_module
from tests.simulators.bigip.harness import BigipSim


@pytest.fixture
def warnings(monkeypatch):
    """Every module warning of the test (in-process runs do not return them)."""
    seen = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, msg: seen.append(msg))
    return seen


SEED = os.path.join(REPO, "tests", "simulators", "bigip", "seeds", "lab-primary.json")
PLAY_TIMEOUT = 300


@pytest.fixture(scope="module")
def lab_bigip(tmp_path_factory):
    workdir = str(tmp_path_factory.mktemp("durable"))
    sim = BigipSim("primary", workdir, seed=SEED).start()
    sims_dir = os.path.join(workdir, "sims")
    os.makedirs(sims_dir, mode=0o700)
    with open(os.path.join(sims_dir, "endpoints.json"), "w", encoding="utf-8") as handle:
        endpoint = {"server": sim.server, "server_port": sim.port, "user": sim.user, "password": sim.password}
        json.dump({"ca_cert": sim.ca_path, "bigip": {"primary": endpoint}}, handle)
    os.chmod(os.path.join(sims_dir, "endpoints.json"), 0o600)
    sim.sims_dir = sims_dir
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture
def bigip(lab_bigip):
    lab_bigip.reset()
    lab_bigip.clear_log()
    return lab_bigip


def playbook(sim, name, *extra, env=None):
    """``ansible-playbook <name> -i inventories/lab --limit bigip-primary`` against ``sim``, as a process."""
    cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "inventories/lab", name,
           "--limit", "bigip-primary", *extra]
    full_env = dict(os.environ, LDV_SIMS_DIR=sim.sims_dir, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, NO_COLOR="1",
                    ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0", **(env or {}))
    return subprocess.Popen(cmd, cwd=REPO, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)


def finish(process):
    out, _err = process.communicate(timeout=PLAY_TIMEOUT)
    return process.returncode, out


def run(sim, module, args, check_mode=False):
    return run_module(module, dict(sim.conn_args, **args), check_mode=check_mode)


def tokens_on_device(sim):
    """Login tokens the device holds for the simulator's user (read with basic auth, no token made)."""
    response = sim.session.get(sim.base_url + "/mgmt/shared/authz/tokens", verify=sim.ca_path, timeout=30)
    response.raise_for_status()
    return [t for t in response.json().get("items", []) if t.get("userName") == sim.user]
