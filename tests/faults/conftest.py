"""Fault-injection helpers: a simulated clock for the client's retry policy, module runs that
capture warnings, and a few device views. The faults themselves are the BIG-IP simulator's
admin hooks (``BigipSim.fault``: 502/503 bursts, resets before and after the device applied a
request, late answers, 401s, mcpd outages, races); see tests/simulators/bigip/admin.py."""
from __future__ import annotations

import pytest
from ansible.module_utils import basic

from tests.conftest import run_module

from ansible_collections.longdistance.vmotion.plugins.module_utils import _retry


class SimulatedTime:
    """Replaces ``time`` in the retry policy: sleeping advances the clock at once, and every
    ``at(seconds, action)`` runs when the simulated clock passes ``seconds`` (an outage ends)."""

    def __init__(self):
        self.now = 0.0
        self.slept = []
        self._actions = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds
        for due, action in list(self._actions):
            if self.now >= due:
                self._actions.remove((due, action))
                action()

    def at(self, seconds, action):
        self._actions.append((seconds, action))


@pytest.fixture
def sim_time(monkeypatch):
    clock = SimulatedTime()
    monkeypatch.setattr(_retry, "time", clock)
    return clock


@pytest.fixture
def warnings(monkeypatch):
    """Every module warning of the test (in-process runs do not return them)."""
    seen = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, msg: seen.append(msg))
    return seen


def run(sim, module, args, check_mode=False):
    return run_module(module, dict(sim.conn_args, **args), check_mode=check_mode)


def tokens_on_device(sim):
    """Login tokens the device holds for the simulator's user (read with basic auth, no token made)."""
    response = sim.session.get(sim.base_url + "/mgmt/shared/authz/tokens", verify=sim.ca_path, timeout=30)
    response.raise_for_status()
    return [t for t in response.json().get("items", []) if t.get("userName") == sim.user]
