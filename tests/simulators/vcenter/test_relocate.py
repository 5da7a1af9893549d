"""RelocateVM_Task inside one vCenter: asynchronous progress, placement checks, concurrency limits."""
from __future__ import annotations

import time

import pytest
from pyVmomi import VmomiSupport, vim, vmodl

from tests.simulators.vcenter import lookup

pytestmark = pytest.mark.vcenter_sim

GIB_MBIT = 8 * 1024 ** 3 / 1e6


def migration(sim, task) -> dict:
    return next(m for m in sim.state()["migrations"] if m["task"] == task._moId)


def test_vmotion_is_async_and_progress_rises(vcenter_sim):
    si = vcenter_sim.connect()
    vcenter_sim.slow_migrations(extra_seconds=150)  # 1.5 s at the fixture's time scale of 100
    vm = lookup.vm(si, "web-04")
    target = lookup.host(si, "esx-p2.lab.local") if vm.runtime.host.name == "esx-p1.lab.local" else lookup.host(si, "esx-p1.lab.local")
    task = vm.RelocateVM_Task(vim.vm.RelocateSpec(host=target))
    assert task.info.state in ("queued", "running"), "the call returns before the migration is done"
    assert (task.info.descriptionId, task.info.entityName) == ("VirtualMachine.relocate", "web-04")
    samples = lookup.wait(task)
    progress = [p for state, p in samples if state == "running" and p is not None]
    assert len(set(progress)) >= 3 and progress == sorted(progress), samples
    assert 0 < progress[0] < 50 < progress[-1] < 100
    assert task.info.progress == 100
    assert vm.runtime.host == target and vm.runtime.powerState == "poweredOn"
    assert vm in target.vm and vm not in lookup.host(si, "esx-p1.lab.local" if target.name.endswith("p2.lab.local") else "esx-p2.lab.local").vm
    row = migration(vcenter_sim, task)
    assert row["kind"] == "vmotion" and row["path"] == "unaccelerated" and row["link"] == "lan:primary"
    assert row["data_mbit"] == pytest.approx(4 * GIB_MBIT, rel=1e-3), "a vMotion moves the memory only"


def test_storage_vmotion_moves_files_and_lists(vcenter_sim):
    si = vcenter_sim.connect()
    vm, ds1, ds2 = lookup.vm(si, "web-01"), lookup.datastore(si, "primary-ds1"), lookup.datastore(si, "primary-ds2")
    host = vm.runtime.host
    lookup.wait(vm.RelocateVM_Task(vim.vm.RelocateSpec(datastore=ds2)))
    assert [d.name for d in vm.datastore] == ["primary-ds2"]
    assert vm in ds2.vm and vm not in ds1.vm
    assert vm.runtime.host == host, "a storage vMotion keeps the host"
    disk = next(d for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk))
    assert disk.backing.fileName.startswith("[primary-ds2] ") and disk.backing.datastore == ds2
    assert vm.config.files.vmPathName.startswith("[primary-ds2] ")
    row = migration(vcenter_sim, vm.RelocateVM_Task(vim.vm.RelocateSpec(datastore=ds2)))
    assert row["data_mbit"] == 0, "a relocate to the current placement moves nothing"


def admission(sim, tasks) -> list:
    """Scheduler states (queued/running/finished) of tasks; admission is decided when the call returns."""
    rows = {m["task"]: m["state"] for m in sim.state()["migrations"]}
    return [rows[t._moId] for t in tasks]


def test_three_storage_vmotions_from_one_host_queue_the_third(vcenter_sim):
    si = vcenter_sim.connect()
    ds2 = lookup.datastore(si, "primary-ds2")
    on_p1 = list(lookup.host(si, "esx-p1.lab.local").vm)[:3]
    assert len(on_p1) == 3
    vcenter_sim.slow_migrations(extra_seconds=60, count=3)
    tasks = [vm.RelocateVM_Task(vim.vm.RelocateSpec(datastore=ds2)) for vm in on_p1]
    assert admission(vcenter_sim, tasks) == ["running", "running", "queued"]
    assert tasks[2].info.state == "queued" and tasks[2].info.progress is None
    dump = {m["task"]: m for m in vcenter_sim.state()["migrations"]}
    assert dump[tasks[0]._moId]["host_cost"] == {"esx-p1.lab.local": 4}
    assert dump[tasks[0]._moId]["datastore_cost"] == {"primary-ds1": 16, "primary-ds2": 16}
    while tasks[2].info.state == "queued":
        time.sleep(0.02)
    assert "success" in (tasks[0].info.state, tasks[1].info.state), "the third starts only when a slot is free"
    for task in tasks:
        lookup.wait(task)
    assert sorted(vm.name for vm in ds2.vm) == sorted(vm.name for vm in on_p1)


def test_vmotions_share_the_host_limit_of_eight(vcenter_sim):
    si = vcenter_sim.connect()
    p1, p2 = lookup.host(si, "esx-p1.lab.local"), lookup.host(si, "esx-p2.lab.local")
    vcenter_sim.slow_migrations(extra_seconds=30, count=3)
    tasks = [vm.RelocateVM_Task(vim.vm.RelocateSpec(host=p2)) for vm in p1.vm]
    assert admission(vcenter_sim, tasks) == ["running"] * 3, "three vMotions (cost 1 each) fit the host limit"
    for task in tasks:
        lookup.wait(task)
    assert len(p2.vm) == 6


def test_target_host_without_datastore_access_fails_the_task(vcenter_both):
    si = vcenter_both.connect()
    vm = lookup.vm(si, "web-01")
    task = vm.RelocateVM_Task(vim.vm.RelocateSpec(host=lookup.host(si, "esx-p2.lab.local"), datastore=lookup.datastore(si, "secondary-ds1")))
    with pytest.raises(vmodl.fault.InvalidArgument) as err:
        lookup.wait(task)
    assert "esx-p2.lab.local" in err.value.msg and "secondary-ds1" in err.value.msg
    assert task.info.error.msg == err.value.msg
    assert [d.name for d in vm.datastore] == ["primary-ds1"]


def test_cross_datacenter_needs_a_datastore(vcenter_both):
    si = vcenter_both.connect()
    with pytest.raises(vmodl.fault.InvalidArgument) as err:
        lookup.vm(si, "web-01").RelocateVM_Task(vim.vm.RelocateSpec(host=lookup.host(si, "esx-s1.lab.local")))
    assert "datastore" in err.value.msg


def test_cross_datacenter_move_in_one_vcenter(vcenter_both):
    vcenter_both.set_link(wan_mbps=10000, wan_rtt_ms=0.5)
    si = vcenter_both.connect()
    vm = lookup.vm(si, "web-01")
    uuid = vm.config.uuid
    target, ds = lookup.host(si, "esx-s1.lab.local"), lookup.datastore(si, "secondary-ds1")
    secondary = lookup.find(si, vim.Datacenter, "Secondary")
    task = vm.RelocateVM_Task(vim.vm.RelocateSpec(host=target, datastore=ds))
    lookup.wait(task)
    assert vm.runtime.host == target and [d.name for d in vm.datastore] == ["secondary-ds1"]
    assert vm.parent == secondary.vmFolder, "the VM moves into the target datacenter's VM folder"
    assert vm.resourcePool.owner.name == "Secondary-Cluster" and vm in vm.resourcePool.vm
    assert vm not in lookup.find(si, vim.ClusterComputeResource, "Primary-Cluster").resourcePool.vm
    assert vm not in lookup.find(si, vim.Datacenter, "Primary").vmFolder.childEntity
    assert [n.name for n in vm.network] == ["VM Network"] and vm.network[0] in secondary.network
    assert vm.config.uuid == uuid and vm.runtime.powerState == "poweredOn"
    row = migration(vcenter_both, task)
    assert row["kind"] == "vmotion+storage" and row["link"] == "wan:primary-secondary"


def test_device_change_maps_port_group_by_label(vcenter_sim):
    si = vcenter_sim.connect()
    for name in ("esx-p1.lab.local", "esx-p2.lab.local"):
        lookup.host(si, name).configManager.networkSystem.AddPortGroup(
            vim.host.PortGroup.Specification(name="App", vswitchName="vSwitch0", vlanId=10, policy=vim.host.NetworkPolicy()))
    vm = lookup.vm(si, "web-02")
    nic = next(d for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualEthernetCard))
    nic.backing = vim.vm.device.VirtualEthernetCard.NetworkBackingInfo(deviceName="App")
    change = vim.vm.device.VirtualDeviceSpec(operation="edit", device=nic)
    lookup.wait(vm.RelocateVM_Task(vim.vm.RelocateSpec(host=lookup.host(si, "esx-p1.lab.local"), deviceChange=[change])))
    assert [n.name for n in vm.network] == ["App"]
    nic.backing = vim.vm.device.VirtualEthernetCard.NetworkBackingInfo(deviceName="Missing")
    with pytest.raises(vim.fault.NotFound) as err:
        lookup.wait(vm.RelocateVM_Task(vim.vm.RelocateSpec(deviceChange=[vim.vm.device.VirtualDeviceSpec(operation="edit", device=nic)])))
    assert "Missing" in err.value.msg


def test_unknown_references_fail_the_call(vcenter_sim):
    si = vcenter_sim.connect()
    ghost = vim.HostSystem("host-999999", si._stub)  # pylint: disable=protected-access
    with pytest.raises(vmodl.fault.ManagedObjectNotFound):
        lookup.vm(si, "web-01").RelocateVM_Task(vim.vm.RelocateSpec(host=ghost))


def test_gateway_override_selects_the_isession_path(vcenter_both):
    si = vcenter_both.connect()
    for name, gateway in (("esx-p1.lab.local", "10.133.57.236"), ("esx-s1.lab.local", "10.133.58.236")):
        spec = vim.host.VirtualNic.Specification(ipRouteSpec=vim.host.VirtualNic.IpRouteSpec(
            ipRouteConfig=vim.host.IpRouteConfig(defaultGateway=gateway)))
        lookup.host(si, name).configManager.networkSystem.UpdateVirtualNic("vmk1", spec)
    vcenter_both.set_link(wan_mbps=10000, wan_rtt_ms=0.5)
    on_p1 = lookup.host(si, "esx-p1.lab.local").vm[0]
    on_p2 = lookup.host(si, "esx-p2.lab.local").vm[0]
    target, ds = lookup.host(si, "esx-s1.lab.local"), lookup.datastore(si, "secondary-ds1")
    routed = on_p1.RelocateVM_Task(vim.vm.RelocateSpec(host=target, datastore=ds))
    plain = on_p2.RelocateVM_Task(vim.vm.RelocateSpec(host=target, datastore=ds))
    lookup.wait(routed)
    lookup.wait(plain)
    assert migration(vcenter_both, routed)["path"] == "iSession"
    assert migration(vcenter_both, plain)["path"] == "unaccelerated", "esx-p2 still routes vMotion via the management gateway"


def test_second_relocate_of_a_migrating_vm_is_refused(vcenter_sim):
    si = vcenter_sim.connect()
    vcenter_sim.slow_migrations(extra_seconds=50)
    vm = lookup.vm(si, "web-01")
    first = vm.RelocateVM_Task(vim.vm.RelocateSpec(datastore=lookup.datastore(si, "primary-ds2")))
    with pytest.raises(vim.fault.TaskInProgress) as err:
        vm.RelocateVM_Task(vim.vm.RelocateSpec(datastore=lookup.datastore(si, "primary-ds1")))
    assert err.value.task == first
    lookup.wait(first)
    assert [d.name for d in vm.datastore] == ["primary-ds2"]


def test_vmotion_refused_when_migrate_disabled(vcenter_sim):
    si = vcenter_sim.connect()
    p2 = lookup.host(si, "esx-p2.lab.local")
    p2.configManager.advancedOption.UpdateOptions(changedValue=[vim.option.OptionValue(
        key="Migrate.Enabled", value=VmomiSupport.vmodlTypes["long"](0))])
    vm = lookup.host(si, "esx-p1.lab.local").vm[0]
    with pytest.raises(vim.fault.MigrationDisabled) as err:
        vm.RelocateVM_Task(vim.vm.RelocateSpec(host=p2))
    assert "esx-p2.lab.local" in err.value.msg and vm.runtime.host.name == "esx-p1.lab.local"
    lookup.wait(vm.RelocateVM_Task(vim.vm.RelocateSpec(datastore=lookup.datastore(si, "primary-ds2"))))
