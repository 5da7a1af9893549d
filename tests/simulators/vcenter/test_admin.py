"""Admin API: fault injection (bounded by count), session expiry, state dump, WAN model and time scale."""
from __future__ import annotations

import pytest
import requests
from pyVmomi import vim

from tests.simulators.vcenter import lookup
from tests.simulators.vcenter.harness import SimulatorError

pytestmark = pytest.mark.vcenter_sim

GIB_MBIT = 8 * 1024 ** 3 / 1e6

# Appendix A of the deployment guide: (Mbps, RTT ms, iSession s, unaccelerated s) for 1 GB of active memory,
# with the model's documented error bound per path (docs/wan-model.md).
APPENDIX_A = [(45, 100, 215, 823), (100, 25, 78, 370), (155, 100, 209, 805), (622, 40, 117, 357), (1000, 20, 38, 132)]
MAX_ERROR = {"isession": 0.30, "unaccelerated": 0.20}


def other_host(si, vm):
    name = "esx-p2.lab.local" if vm.runtime.host.name == "esx-p1.lab.local" else "esx-p1.lab.local"
    return lookup.host(si, name)


def test_injected_migration_fault_mid_way(vcenter_sim):
    si = vcenter_sim.connect()
    vcenter_sim.fail_migrations("VMotionLinkDown", at_progress=40, count=1)
    vcenter_sim.slow_migrations(extra_seconds=100)
    vm = lookup.vm(si, "web-03")
    source = vm.runtime.host
    task = vm.RelocateVM_Task(vim.vm.RelocateSpec(host=other_host(si, vm)))
    with pytest.raises(vim.fault.VMotionLinkDown) as err:
        lookup.wait(task)
    assert isinstance(err.value, vim.fault.MigrationFault)
    assert "web-03" in err.value.msg and "40%" in err.value.msg
    assert 40 <= task.info.progress < 100
    assert vm.runtime.host == source and vm.runtime.powerState == "poweredOn"
    assert vcenter_sim.state()["pending_faults"]["migration_failures"] == 0
    lookup.wait(vm.RelocateVM_Task(vim.vm.RelocateSpec(host=other_host(si, vm))))  # the fault fired once only
    assert vm.runtime.host != source


def test_fault_requests_are_validated(vcenter_sim):
    with pytest.raises(SimulatorError, match="unknown migration fault"):
        vcenter_sim.fail_migrations("Explosion")
    with pytest.raises(SimulatorError, match="count must be"):
        vcenter_sim.fail_migrations(count=1000)
    with pytest.raises(SimulatorError, match="extra_seconds"):
        vcenter_sim.slow_migrations(extra_seconds=-1)


def test_session_expiry(vcenter_sim):
    si = vcenter_sim.connect()
    host = lookup.host(si, "esx-p1.lab.local")
    assert vcenter_sim.expire_sessions() >= 1
    with pytest.raises(vim.fault.NotAuthenticated):
        host.name  # noqa: B018  (a property read is a call)
    with pytest.raises(vim.fault.NotAuthenticated):
        si.content.sessionManager.currentSession  # noqa: B018
    fresh = vcenter_sim.connect()
    assert lookup.host(fresh, "esx-p1.lab.local").name == "esx-p1.lab.local"


def test_slow_task_adds_modelled_time(vcenter_sim):
    si = vcenter_sim.connect()
    vcenter_sim.slow_migrations(extra_seconds=50)
    vm = lookup.vm(si, "web-01")
    slow = vm.RelocateVM_Task(vim.vm.RelocateSpec(host=other_host(si, vm)))
    lookup.wait(slow)
    fast = vm.RelocateVM_Task(vim.vm.RelocateSpec(host=other_host(si, vm)))
    lookup.wait(fast)
    rows = {m["task"]: m for m in vcenter_sim.state()["migrations"]}
    assert rows[slow._moId]["nominal_seconds"] == pytest.approx(rows[fast._moId]["nominal_seconds"] + 50, abs=0.2)
    assert rows[slow._moId]["modelled_seconds"] == pytest.approx(rows[fast._moId]["modelled_seconds"] + 50, abs=0.2)


def test_admin_requires_credentials(vcenter_sim):
    response = requests.get(f"{vcenter_sim.admin_url}/state", verify=vcenter_sim.ca_path, timeout=10)
    assert response.status_code == 401
    response = requests.get(f"{vcenter_sim.admin_url}/state", auth=(vcenter_sim.username, "wrong"), verify=vcenter_sim.ca_path, timeout=10)
    assert response.status_code == 401
    assert requests.get(f"https://{vcenter_sim.hostname}:{vcenter_sim.port}/sdk/sim/admin/state", verify=vcenter_sim.ca_path,
                        auth=(vcenter_sim.username, vcenter_sim.password), timeout=10).status_code != 200


def test_state_dump(vcenter_sim):
    state = vcenter_sim.state()
    assert state["instance_uuid"] == vcenter_sim.instance_uuid and state["site"] == "primary"
    assert [vm["name"] for vm in state["vms"]] == [f"web-0{i}" for i in range(1, 7)]
    assert {vm["datastores"][0] for vm in state["vms"]} == {"primary-ds1"}
    assert [h["name"] for h in state["hosts"]] == ["esx-p1.lab.local", "esx-p2.lab.local"]
    assert state["links"] == {"wan_mbps": 1000, "wan_rtt_ms": 20, "lan_mbps": 10000, "lan_rtt_ms": 0.5, "time_scale": 100}
    assert state["migrations"] is None or state["migrations"] == []


def wan_model(sim, data_mbit, mbps, rtt_ms) -> dict:
    response = requests.get(f"{sim.admin_url}/wan-model", params={"data_mbit": data_mbit, "mbps": mbps, "rtt_ms": rtt_ms},
                            auth=(sim.username, sim.password), verify=sim.ca_path, timeout=10)
    response.raise_for_status()
    return response.json()


@pytest.mark.parametrize("mbps,rtt_ms,isession,unaccelerated", APPENDIX_A)
def test_wan_model_against_appendix_a(vcenter_sim, mbps, rtt_ms, isession, unaccelerated):
    model = wan_model(vcenter_sim, GIB_MBIT, mbps, rtt_ms)
    assert model["isession"] == pytest.approx(isession, rel=MAX_ERROR["isession"])
    assert model["unaccelerated"] == pytest.approx(unaccelerated, rel=MAX_ERROR["unaccelerated"])
    assert model["isession"] < model["unaccelerated"] / 2.5


def test_cross_site_duration_follows_the_model_and_time_scale(vcenter_both):
    vcenter_both.set_link(wan_mbps=10000, wan_rtt_ms=0.5)
    si = vcenter_both.connect()
    vm = lookup.vm(si, "web-01")
    lookup.wait(vm.PowerOffVM_Task())
    task = vm.RelocateVM_Task(vim.vm.RelocateSpec(host=lookup.host(si, "esx-s1.lab.local"),
                                                  datastore=lookup.datastore(si, "secondary-ds1")))
    lookup.wait(task, timeout=60)
    row = next(m for m in vcenter_both.state()["migrations"] if m["task"] == task._moId)
    expected = wan_model(vcenter_both, row["data_mbit"], 10000, 0.5)["unaccelerated"]
    assert row["data_mbit"] == pytest.approx(10 * GIB_MBIT, rel=1e-3), "powered off: the disk only"
    assert row["nominal_seconds"] == pytest.approx(expected, rel=0.01)
    assert row["modelled_seconds"] == pytest.approx(expected, rel=0.05)
    assert row["wall_seconds"] == pytest.approx(expected / 100, rel=0.25, abs=0.1), "time scale 100"


def test_concurrent_migrations_share_the_link(vcenter_both):
    vcenter_both.set_link(wan_mbps=2000, wan_rtt_ms=0)
    si = vcenter_both.connect()
    target, ds = lookup.host(si, "esx-s1.lab.local"), lookup.datastore(si, "secondary-ds1")
    vms = [lookup.vm(si, "web-01"), lookup.vm(si, "web-02")]
    for vm in vms:
        lookup.wait(vm.PowerOffVM_Task())
    alone = vms[0].RelocateVM_Task(vim.vm.RelocateSpec(host=target, datastore=ds))
    lookup.wait(alone, timeout=60)
    back = lookup.host(si, "esx-p1.lab.local"), lookup.datastore(si, "primary-ds1")
    lookup.wait(vms[0].RelocateVM_Task(vim.vm.RelocateSpec(host=back[0], datastore=back[1])), timeout=60)
    together = [vm.RelocateVM_Task(vim.vm.RelocateSpec(host=target, datastore=ds)) for vm in vms]
    for task in together:
        lookup.wait(task, timeout=60)
    rows = {m["task"]: m for m in vcenter_both.state()["migrations"]}
    solo = rows[alone._moId]["modelled_seconds"]
    shared = rows[together[0]._moId]["modelled_seconds"]
    assert shared > 1.5 * solo, "two migrations on one link take longer than one alone"
