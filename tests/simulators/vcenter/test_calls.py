"""The write-call log of the admin API: what a check-mode test relies on to prove that nothing was written."""
from __future__ import annotations

from datetime import datetime

import pytest
from pyVmomi import VmomiSupport, vim, vmodl

from tests.simulators.vcenter import lookup

pytestmark = pytest.mark.vcenter_sim

LONG = VmomiSupport.vmodlTypes["long"]


def test_reads_views_and_sessions_are_not_logged(vcenter_sim):
    si = vcenter_sim.connect()
    vcenter_sim.clear_calls()
    host = lookup.host(si, "esx-p1.lab.local")  # CreateContainerView, RetrieveProperties, DestroyView
    host.configManager.advancedOption.QueryOptions("Migrate.")
    host.configManager.virtualNicManager.QueryNetConfig("vmotion")
    assert host.config.network.vnic and lookup.vm(si, "web-01").runtime.host == host
    lookup.names(si, vim.VirtualMachine)
    fresh = vcenter_sim.connect()  # Login
    fresh.content.sessionManager.Logout()
    assert vcenter_sim.write_calls() == []


def test_writes_are_logged_in_order_with_their_target_and_outcome(vcenter_sim):
    si = vcenter_sim.connect()
    host = lookup.host(si, "esx-p1.lab.local")
    vm = lookup.vm(si, "web-01")
    options = host.configManager.advancedOption
    vcenter_sim.clear_calls()
    started = datetime.now().astimezone()
    options.UpdateOptions(changedValue=[vim.option.OptionValue(key="Migrate.BindToVmknics", value=LONG(1))])
    with pytest.raises(vmodl.fault.InvalidArgument):
        options.UpdateOptions(changedValue=[vim.option.OptionValue(key="Migrate.BindToVmknics", value="1")])
    host.configManager.virtualNicManager.DeselectVnicForNicType("vmotion", "vmk1")
    lookup.wait(vm.RelocateVM_Task(vim.vm.RelocateSpec(host=lookup.host(si, "esx-p2.lab.local"))))
    calls = vcenter_sim.write_calls()
    assert [(c["method"], c["type"], c["moid"], c["fault"]) for c in calls] == [
        ("UpdateOptions", "OptionManager", options._moId, False),
        ("UpdateOptions", "OptionManager", options._moId, True),
        ("DeselectVnicForNicType", "HostVirtualNicManager", host.configManager.virtualNicManager._moId, False),
        ("RelocateVM_Task", "VirtualMachine", vm._moId, False),
    ]
    times = [datetime.fromisoformat(c["time"].replace("Z", "+00:00")) for c in calls]
    assert times == sorted(times) and times[0] >= started.replace(microsecond=0)
    assert vcenter_sim.write_calls("UpdateOptions") == calls[:2]
    assert vcenter_sim.write_methods() == ["UpdateOptions", "UpdateOptions", "DeselectVnicForNicType", "RelocateVM_Task"]


def test_write_refused_for_an_expired_session_is_logged_as_a_fault(vcenter_sim):
    si = vcenter_sim.connect()
    vm = lookup.vm(si, "web-02")
    vcenter_sim.clear_calls()
    vcenter_sim.expire_sessions()
    with pytest.raises(vim.fault.NotAuthenticated):
        vm.PowerOffVM_Task()
    assert [(c["method"], c["moid"], c["fault"]) for c in vcenter_sim.write_calls()] == [("PowerOffVM_Task", vm._moId, True)]
    assert vcenter_sim.vm_state("web-02")["power_state"] == "poweredOn"


def test_clear_and_reset_empty_the_log(vcenter_sim):
    si = vcenter_sim.connect()
    vm_folder = lookup.find(si, vim.Folder, "vm")
    vm_folder.CreateFolder("a")
    vm_folder.CreateFolder("b")
    assert vcenter_sim.write_methods() == ["CreateFolder", "CreateFolder"]
    assert vcenter_sim.clear_calls() == 2 and vcenter_sim.write_calls() == []
    vm_folder.CreateFolder("c")
    vcenter_sim.reset()
    assert vcenter_sim.write_calls() == []
