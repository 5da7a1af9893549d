"""Cross-vCenter relocation (RelocateSpec.service) between two simulator processes."""
from __future__ import annotations

import pytest
from pyVmomi import vim, vmodl

from tests.simulators.vcenter import lookup

pytestmark = pytest.mark.vcenter_sim


def relocate_spec(target_sim, target_si, thumbprint: str | None = "", instance_uuid: str | None = None,
                  password: str | None = None, host: str = "esx-s1.lab.local", datastore: str = "secondary-ds1"):
    """A RelocateSpec to ``target_sim`` (morefs resolved in the target's own inventory)."""
    service = vim.ServiceLocator(
        instanceUuid=instance_uuid or target_sim.instance_uuid,
        url=target_sim.url,
        credential=vim.ServiceLocator.NamePassword(username=target_sim.username, password=password or target_sim.password),
        sslThumbprint=target_sim.thumbprint() if thumbprint == "" else thumbprint)
    target_host = lookup.host(target_si, host)
    datacenter = lookup.find(target_si, vim.Datacenter, "Secondary")
    return vim.vm.RelocateSpec(service=service, host=target_host, pool=target_host.parent.resourcePool,
                               datastore=lookup.datastore(target_si, datastore), folder=datacenter.vmFolder)


@pytest.fixture
def pair(vcenter_pair):
    vcenter_pair.primary.set_link(wan_mbps=10000, wan_rtt_ms=0.5)  # keep the 10 GB disk copy short
    return vcenter_pair


def test_cross_vcenter_move(pair):
    source, target = pair.primary.connect(), pair.secondary.connect()
    vm = lookup.vm(source, "web-01")
    identity = (vm.config.uuid, vm.config.instanceUuid, vm.config.hardware.memoryMB)
    disk_kb = next(d.capacityInKB for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk))
    task = vm.RelocateVM_Task(relocate_spec(pair.secondary, target))
    samples = lookup.wait(task, timeout=60)
    assert any(progress is not None and 0 < progress < 100 for _state, progress in samples)

    assert "web-01" not in lookup.names(source, vim.VirtualMachine)
    moved = lookup.vm(target, "web-01")
    assert (moved.config.uuid, moved.config.instanceUuid, moved.config.hardware.memoryMB) == identity
    assert moved.runtime.powerState == "poweredOn"
    assert moved.runtime.host.name == "esx-s1.lab.local" and [d.name for d in moved.datastore] == ["secondary-ds1"]
    assert moved.resourcePool.owner.name == "Secondary-Cluster" and moved.parent.name == "vm"
    assert [n.name for n in moved.network] == ["VM Network"]
    assert next(d.capacityInKB for d in moved.config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk)) == disk_kb
    assert pair.secondary.vm_state("web-01")["instance_uuid"] == identity[1]
    assert pair.primary.vm_state("web-01") is None
    row = next(m for m in pair.primary.state()["migrations"] if m["task"] == task._moId)
    assert row["kind"] == "cross-vcenter" and row["result"] == "success"


def test_instance_uuid_mismatch(pair):
    source, target = pair.primary.connect(), pair.secondary.connect()
    task = lookup.vm(source, "web-02").RelocateVM_Task(
        relocate_spec(pair.secondary, target, instance_uuid=pair.primary.instance_uuid))
    with pytest.raises(vmodl.fault.InvalidArgument) as err:
        lookup.wait(task)
    assert pair.secondary.instance_uuid in err.value.msg
    assert lookup.vm(source, "web-02").runtime.powerState == "poweredOn"
    assert "web-02" not in lookup.names(target, vim.VirtualMachine)


def test_thumbprint_mismatch(pair):
    source, target = pair.primary.connect(), pair.secondary.connect()
    task = lookup.vm(source, "web-02").RelocateVM_Task(relocate_spec(pair.secondary, target, thumbprint=pair.primary.thumbprint()))
    with pytest.raises(vim.fault.SSLVerifyFault) as err:
        lookup.wait(task)
    assert pair.primary.thumbprint() in err.value.msg
    assert "web-02" in lookup.names(source, vim.VirtualMachine)


def test_lower_case_thumbprint_and_ca_trust(pair):
    source, target = pair.primary.connect(), pair.secondary.connect()
    lookup.wait(lookup.vm(source, "web-05").RelocateVM_Task(
        relocate_spec(pair.secondary, target, thumbprint=pair.secondary.thumbprint().lower())), timeout=60)
    lookup.wait(lookup.vm(source, "web-01").RelocateVM_Task(relocate_spec(pair.secondary, target, thumbprint=None)), timeout=60)
    assert {"web-01", "web-05"} <= set(lookup.names(target, vim.VirtualMachine))


def test_wrong_credentials(pair):
    source, target = pair.primary.connect(), pair.secondary.connect()
    task = lookup.vm(source, "web-03").RelocateVM_Task(relocate_spec(pair.secondary, target, password="wrong"))
    with pytest.raises(vim.fault.InvalidLogin) as err:
        lookup.wait(task)
    assert pair.secondary.url in err.value.msg


def test_missing_pool_fails_the_call(pair):
    source, target = pair.primary.connect(), pair.secondary.connect()
    spec = relocate_spec(pair.secondary, target)
    spec.pool = None
    with pytest.raises(vmodl.fault.InvalidArgument) as err:
        lookup.vm(source, "web-03").RelocateVM_Task(spec)
    assert "spec.pool" in err.value.msg
