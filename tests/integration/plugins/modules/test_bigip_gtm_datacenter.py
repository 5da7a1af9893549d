"""bigip_gtm_datacenter against the BIG-IP simulator: standard CRUD cases and the enabled pair."""
from __future__ import annotations

import pytest

from bigip_crud import CreateCases, DeleteCases, Log, Scenario, UpdateCases, run, run_ok

pytestmark = pytest.mark.bigip_sim

PATH = "/mgmt/tm/gtm/datacenter/~Common~Local"


class TestDatacenterCrud(CreateCases, UpdateCases, DeleteCases):
    scenario = Scenario(
        module="bigip_gtm_datacenter",
        args={"name": "Local", "location": "Seattle"},
        path=PATH,
        collection="/mgmt/tm/gtm/datacenter",
        post_body={"name": "Local", "partition": "Common", "location": "Seattle"},
        state={"fullPath": "/Common/Local", "location": "Seattle", "enabled": True},
        result_key="datacenter",
        result={"location": "Seattle"},
        update={"contact": "noc@example.com", "enabled": False},
        patch_body={"contact": "noc@example.com", "disabled": True},
        updated_state={"contact": "noc@example.com", "disabled": True},
    )


def test_delete_refused_while_a_server_uses_it(bigip_sim):
    """The device error path: the module fails naming the data center and quoting the device."""
    run_ok(bigip_sim, "bigip_gtm_datacenter", {"name": "Local"})
    run_ok(bigip_sim, "bigip_gtm_server", {"name": "Local-BIG-IP", "datacenter": "Local", "addresses": [{"address": "10.133.39.250"}]})
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_gtm_datacenter", {"name": "Local", "state": "absent"})
    assert result["failed"] is True
    assert "GTM data center /Common/Local" in result["msg"]
    assert "in use by GTM server (/Common/Local-BIG-IP)" in result["msg"]
    assert [(w["method"], w["status"]) for w in log.writes()] == [("DELETE", 400)]
    assert bigip_sim.peek(PATH)["name"] == "Local"


def test_enable_again_sends_enabled_true(bigip_sim):
    path = "/mgmt/tm/gtm/datacenter/~Common~Remote"
    run_ok(bigip_sim, "bigip_gtm_datacenter", {"name": "Remote", "enabled": False})
    assert bigip_sim.peek(path).get("disabled") is True
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_gtm_datacenter", {"name": "Remote", "enabled": True}, diff=True)
    assert result["changed"] is True
    assert result["diff"] == {"before": {"enabled": False}, "after": {"enabled": True}}
    assert log.only_write("PATCH", path)["body"] == {"enabled": True}
    state = bigip_sim.peek(path)
    assert state.get("enabled") is True and "disabled" not in state
