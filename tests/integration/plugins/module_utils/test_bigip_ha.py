"""HA awareness (module_utils/_bigip/ha.py) against the BIG-IP simulator: a module writing to the standby unit is
refused before anything is written; the failover state is read once, lazily, before the first write (a run that
writes nothing pays no extra request); an offline unit is written with a warning."""
from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "modules"))
from bigip_crud import Log, absent, run, run_ok  # noqa: E402  pylint: disable=wrong-import-position

pytestmark = pytest.mark.bigip_sim

VLAN = {"name": "vmotion-vlan", "interfaces": [{"name": "1.14"}]}
PATH = "/mgmt/tm/net/vlan/~Common~vmotion-vlan"
DEVICE = "/mgmt/tm/cm/device"


def test_active_unit_reads_its_state_once_before_the_first_write(bigip_sim):
    log = Log(bigip_sim)
    run_ok(bigip_sim, "bigip_vlan", VLAN)
    calls = log.calls()
    assert calls.count(("GET", DEVICE)) == 1
    first_write = next(i for i, (method, _path) in enumerate(calls) if method != "GET")
    assert calls.index(("GET", DEVICE)) < first_write


def test_a_run_without_writes_pays_no_extra_request(bigip_sim):
    run_ok(bigip_sim, "bigip_vlan", VLAN)
    bigip_sim.set_failover("standby")
    log = Log(bigip_sim)
    assert run_ok(bigip_sim, "bigip_vlan", VLAN)["changed"] is False  # reads are fine on a standby unit
    assert ("GET", DEVICE) not in log.calls()
    assert run_ok(bigip_sim, "bigip_vlan", VLAN, check_mode=True)["changed"] is False
    assert ("GET", DEVICE) not in log.calls()


def test_standby_unit_is_refused_before_any_write(bigip_sim):
    bigip_sim.set_failover("standby")
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_vlan", VLAN)
    assert result["failed"] is True and result["error_type"] == "StandbyWriteError"
    assert "is the standby unit of its HA pair" in result["msg"] and "POST /mgmt/tm/net/vlan" in result["msg"]
    log.assert_no_writes()
    assert absent(bigip_sim, PATH)


def test_saving_is_not_a_change_and_goes_to_any_unit(bigip_sim):
    """``save sys config`` persists what the unit runs (a standby's synced configuration too): no HA read, no refusal."""
    bigip_sim.set_failover("standby")
    log = Log(bigip_sim)
    assert run_ok(bigip_sim, "bigip_config_save", {})["saved"] is True
    assert log.calls() == [("POST", "/mgmt/tm/sys/config")]


@pytest.mark.parametrize("state", ["offline", "forced-offline"])
def test_offline_unit_is_written_with_a_warning(bigip_sim, state):
    bigip_sim.set_failover(state)
    result = run_ok(bigip_sim, "bigip_vlan", VLAN)
    assert result["changed"] is True
    assert any(f"failover state {state}" in w for w in result.get("warnings", []))
    assert bigip_sim.peek(PATH)["name"] == "vmotion-vlan"
