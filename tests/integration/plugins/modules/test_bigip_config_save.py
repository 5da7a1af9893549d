"""bigip_config_save against the BIG-IP simulator: saves survive a reboot, check mode saves nothing."""
from __future__ import annotations

import pytest

from bigip_crud import Log, absent, run, run_ok

pytestmark = pytest.mark.bigip_sim

SAVED = "/mgmt/tm/net/vlan/~Common~saved-vlan"
UNSAVED = "/mgmt/tm/net/vlan/~Common~unsaved-vlan"


def test_save_sends_one_post_and_survives_a_reboot(bigip_sim):
    run_ok(bigip_sim, "bigip_vlan", {"name": "saved-vlan"})
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_config_save", {})
    assert result["changed"] is True and result["saved"] is True
    assert log.only_write("POST", "/mgmt/tm/sys/config")["body"] == {"command": "save"}
    run_ok(bigip_sim, "bigip_vlan", {"name": "unsaved-vlan"})
    bigip_sim.reboot()
    assert not absent(bigip_sim, SAVED)
    assert absent(bigip_sim, UNSAVED)


def test_check_mode_saves_nothing(bigip_sim):
    run_ok(bigip_sim, "bigip_vlan", {"name": "unsaved-vlan"})
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_config_save", {}, check_mode=True)
    assert result["changed"] is True and result["saved"] is False
    log.assert_no_writes()
    bigip_sim.reboot()
    assert absent(bigip_sim, UNSAVED)


def test_device_error_is_reported_with_its_message(bigip_sim):
    bigip_sim.fault("mcpd", 2)  # the first write's HA state read (cm device, _bigip/ha.py), then the save itself
    result = run(bigip_sim, "bigip_config_save", {"retries": 0})
    assert result["failed"] is True
    assert "POST running configuration failed with HTTP 500" in result["msg"]
    assert "The connection to mcpd has been lost, try again." in result["msg"]
