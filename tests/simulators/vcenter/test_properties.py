"""A pyVmomi client reads every property of every managed object type the collection touches.

pyVmomi reads a property lazily with ``Fetch``; vCenter answers an unset property (``vm.snapshot`` of a VM without
snapshots, ``task.info.error`` of a task that succeeded ...) with an empty value, and never drops the connection.
"""
from __future__ import annotations

import pytest
import requests
from pyVmomi import VmomiSupport, vim, vmodl

from tests.simulators.vcenter import lookup

pytestmark = pytest.mark.vcenter_sim

TYPES = (vim.VirtualMachine, vim.HostSystem, vim.Datastore, vim.Network, vim.ClusterComputeResource)


def _properties(si, obj) -> tuple[list[str], list[str]]:
    """(properties of the negotiated API version, properties of newer versions) of ``obj``'s type."""
    version = si._stub.version  # pylint: disable=protected-access
    current, newer = [], []
    for prop in obj._GetPropertyList():  # pylint: disable=protected-access
        (current if VmomiSupport.IsChildVersion(version, prop.version) else newer).append(prop.name)
    return current, newer


def _read_all(si, obj) -> dict:
    current = _properties(si, obj)[0]
    return {name: getattr(obj, name) for name in current}


@pytest.mark.parametrize("vimtype", TYPES, ids=lambda t: t.__name__.split(".")[-1])
def test_every_property_of_every_object(vcenter_sim, vimtype):
    si = vcenter_sim.connect()
    objs = lookup.objects(si, vimtype)
    assert objs, vimtype
    for obj in objs:
        values = _read_all(si, obj)
        assert values["name"] == obj.name
        assert len(values) >= 8, (obj, sorted(values))
    assert si.content.about.apiVersion  # the session is still alive


def test_unset_properties_read_as_none(vcenter_sim):
    si = vcenter_sim.connect()
    vm = lookup.vm(si, "web-01")
    assert vm.snapshot is None and vm.rootSnapshot == []
    host = vm.runtime.host
    assert host.name.endswith(".lab.local")


@pytest.mark.parametrize("kind", ["power-off", "relocate"])
def test_every_property_of_a_task(vcenter_sim, kind):
    si = vcenter_sim.connect()
    vm = lookup.vm(si, "web-02")
    if kind == "power-off":
        task = vm.PowerOffVM_Task()
    else:
        other = next(h for h in vm.runtime.host.parent.host if h != vm.runtime.host)
        task = vm.RelocateVM_Task(spec=vim.vm.RelocateSpec(host=other, pool=vm.resourcePool))
    lookup.wait(task, timeout=120)
    values = _read_all(si, task)
    assert set(values) >= {"info"}
    assert values["info"].state == "success" and values["info"].error is None
    assert values["info"].entity == vm
    assert vm.snapshot is None
    _read_all(si, vm)  # every VM property again after the task changed it


def test_properties_of_newer_api_versions_are_refused_not_dropped(vcenter_sim):
    """Properties beyond the negotiated version (6.5) are faults, as on an older vCenter, never a closed connection."""
    si = vcenter_sim.connect()
    host = lookup.objects(si, vim.HostSystem)[0]
    newer = _properties(si, host)[1]
    assert "remediationState" in newer
    with pytest.raises(vmodl.MethodFault):
        getattr(host, "remediationState")
    assert host.name  # same session still served


def test_handler_panic_is_a_system_error_fault(vcenter_sim):
    si = vcenter_sim.connect()
    vm = lookup.vm(si, "web-03")
    vcenter_sim.panic_handler("Fetch")
    with pytest.raises(vmodl.fault.SystemError) as err:
        getattr(vm, "name")
    assert "injected handler panic in Fetch" in err.value.reason
    assert vm.name == "web-03"  # the next call is served on the same session
    assert vcenter_sim.state()["pending_faults"]["handler_panics"] == 0
    log = open(vcenter_sim._stderr_path, encoding="utf-8").read()  # pylint: disable=protected-access
    assert "vcsim-ld: panic in Fetch: injected handler panic in Fetch" in log


def test_panic_hook_validates_its_arguments(vcenter_sim):
    url = f"{vcenter_sim.admin_url}/faults/panic"
    auth = (vcenter_sim.username, vcenter_sim.password)
    for body in ({"method": "", "count": 1}, {"method": "Fetch", "count": 0}):
        response = requests.post(url, json=body, auth=auth, verify=vcenter_sim.ca_path, timeout=10)
        assert response.status_code == 400, body
