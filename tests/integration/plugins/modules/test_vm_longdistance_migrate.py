"""vm_longdistance_migrate against the vCenter simulator(s) (lab inventory: web-01/03/05 on esx-p1, web-02/04/06 on esx-p2, all on primary-ds1)."""
from __future__ import annotations

import threading
import time

import pytest
from pyVim.task import WaitForTask
from pyVmomi import vim

from tests.conftest import run_module

pytestmark = pytest.mark.vcenter_sim

FAST = dict(poll_interval=0.1)


def migrate(sim, check_mode=False, diff=False, **kwargs):
    return run_module("vm_longdistance_migrate", dict(sim.conn_args, **FAST, **kwargs), check_mode=check_mode, diff=diff)


def migrations(sim):
    return [(m["vm"], m["kind"]) for m in sim.state()["migrations"] or []]


def writes(sim):
    """(method, moid) of every SOAP write call since the last clear, failed ones marked with a trailing "!"."""
    return [(c["method"] + ("!" if c["fault"] else ""), c["moid"]) for c in sim.write_calls()]


def placement_of(sim, name):
    vm = sim.vm_state(name)
    return vm and (vm["host"], vm["datastores"])


def find(sim, vimtype, name):
    content = sim.connect().RetrieveContent()
    view = content.viewManager.CreateContainerView(content.rootFolder, [vimtype], True)
    try:
        return next(obj for obj in view.view if obj.name == name)
    finally:
        view.DestroyView()


def test_storage_first_moves_disks_then_compute_and_reports_each_phase(vcenter_sim):
    moid = vcenter_sim.vm_state("web-02")["moid"]
    vcenter_sim.clear_calls()
    result = migrate(vcenter_sim, name="web-02", esxi_hostname="esx-p1.lab.local", datastore="primary-ds2", diff=True)
    assert result["changed"] is True, result
    assert writes(vcenter_sim) == [("RelocateVM_Task", moid)] * 2, "one relocation per phase"
    assert result["strategy"] == "storage_first" and result["fallback_reason"] is None
    assert [p["name"] for p in result["phases"]] == ["storage", "compute"]
    for phase in result["phases"]:
        assert phase["state"] == "success" and phase["progress"] == 100 and phase["task"].startswith("task-")
        assert phase["started"] and phase["completed"] and phase["duration"] >= 0
        assert phase["history"][-1]["state"] == "success"
    assert [t["name"] for t in result["tasks"]] == ["storage", "compute"]
    assert migrations(vcenter_sim) == [("web-02", "storage-vmotion"), ("web-02", "vmotion")]
    assert placement_of(vcenter_sim, "web-02") == ("esx-p1.lab.local", ["primary-ds2"])
    after = result["placement"]
    assert (after["host"], after["datastores"], after["datacenter"], after["folder"]) == ("esx-p1.lab.local", ["primary-ds2"], "Primary", "vm")
    assert after["vcenter_uuid"] == vcenter_sim.instance_uuid
    assert result["placement_before"]["host"] == "esx-p2.lab.local"
    assert result["diff"] == dict(before=result["placement_before"], after=after)

    vcenter_sim.clear_calls()
    again = migrate(vcenter_sim, name="web-02", esxi_hostname="esx-p1.lab.local", datastore="primary-ds2")
    assert again["changed"] is False and again["phases"] == [] and again["placement"] == after
    assert vcenter_sim.write_calls() == []
    assert len(migrations(vcenter_sim)) == 2


def test_combined_is_a_single_relocation(vcenter_sim):
    vcenter_sim.clear_calls()
    result = migrate(vcenter_sim, name="web-04", esxi_hostname="esx-p1.lab.local", datastore="primary-ds2", strategy="combined")
    assert result["changed"] is True and [p["name"] for p in result["phases"]] == ["relocate"]
    assert writes(vcenter_sim) == [("RelocateVM_Task", vcenter_sim.vm_state("web-04")["moid"])]
    assert migrations(vcenter_sim) == [("web-04", "vmotion+storage")]
    assert placement_of(vcenter_sim, "web-04") == ("esx-p1.lab.local", ["primary-ds2"])


def test_vm_whose_storage_already_moved_only_gets_the_compute_phase(vcenter_sim):
    first = migrate(vcenter_sim, name="web-06", esxi_hostname="esx-p2.lab.local", datastore="primary-ds2")
    assert [p["name"] for p in first["phases"]] == ["storage"]
    second = migrate(vcenter_sim, name="web-06", esxi_hostname="esx-p1.lab.local", datastore="primary-ds2")
    assert [p["name"] for p in second["phases"]] == ["compute"]
    assert migrations(vcenter_sim) == [("web-06", "storage-vmotion"), ("web-06", "vmotion")]


def test_check_mode_runs_the_prechecks_and_moves_nothing(vcenter_sim):
    before = vcenter_sim.vm_state("web-02")
    result = migrate(vcenter_sim, check_mode=True, name="web-02", esxi_hostname="esx-p1.lab.local", datastore="primary-ds2")
    assert result["changed"] is True and result["tasks"] == []
    assert [(p["name"], p["state"]) for p in result["phases"]] == [("storage", "planned"), ("compute", "planned")]
    assert result["placement"]["host"] == "esx-p1.lab.local" and result["placement"]["datastores"] == ["primary-ds2"]
    assert vcenter_sim.vm_state("web-02") == before and migrations(vcenter_sim) == []
    assert vcenter_sim.write_calls() == [], "check mode sends no write call at all"
    failed = migrate(vcenter_sim, check_mode=True, name="web-02", esxi_hostname="esx-p1.lab.local", datastore="nope-ds")
    assert failed["failed"] is True and failed["msg"] == "datastore 'nope-ds' not found"
    assert vcenter_sim.write_calls() == []


def test_cluster_target_keeps_a_qualifying_current_host(vcenter_sim):
    result = migrate(vcenter_sim, name="web-01", cluster_name="Primary-Cluster")
    assert result["changed"] is False and result["placement"]["host"] == "esx-p1.lab.local"
    moved = migrate(vcenter_sim, name="web-05", cluster_name="Primary-Cluster", datastore="primary-ds2", strategy="combined")
    assert moved["placement"]["host"] == "esx-p1.lab.local" and moved["placement"]["datastores"] == ["primary-ds2"]


def test_failure_mid_migration_reports_vsphere_fault_and_leaves_the_vm(vcenter_sim):
    vcenter_sim.fail_migrations(fault="VMotionLinkDown", at_progress=40)
    result = migrate(vcenter_sim, name="web-04", esxi_hostname="esx-p1.lab.local", strategy="combined")
    assert result["failed"] is True
    assert result["fault"] == "vim.fault.VMotionLinkDown"
    assert result["msg"].startswith("relocate relocation of VM web-04 failed (task task-")
    assert "injected VMotionLinkDown: migration of web-04 failed at 40%" in result["msg"]
    assert result["phases"][-1]["state"] == "error" and result["phases"][-1]["task"] == result["task"]
    assert placement_of(vcenter_sim, "web-04") == ("esx-p2.lab.local", ["primary-ds1"])


def test_failure_in_the_second_phase_keeps_the_first_phase_record(vcenter_sim):
    """The fault is armed while the storage phase runs, so it hits the compute phase of the same module run."""
    vcenter_sim.slow_migrations(extra_seconds=150)
    outcome = {}
    runner = threading.Thread(target=lambda: outcome.update(migrate(vcenter_sim, name="web-06", esxi_hostname="esx-p1.lab.local",
                                                                    datastore="primary-ds2")))
    runner.start()
    try:
        deadline = time.monotonic() + 20
        while ("web-06", "storage-vmotion") not in migrations(vcenter_sim) and time.monotonic() < deadline:
            time.sleep(0.05)
        vcenter_sim.fail_migrations(fault="Timedout", at_progress=60, message="vMotion timed out waiting for the WAN")
    finally:
        runner.join(60)
    assert outcome["failed"] is True and outcome["fault"] == "vim.fault.Timedout"
    assert "compute relocation of VM web-06 failed" in outcome["msg"] and "vMotion timed out waiting for the WAN" in outcome["msg"]
    assert [(p["name"], p["state"]) for p in outcome["phases"]] == [("storage", "success"), ("compute", "error")]
    assert placement_of(vcenter_sim, "web-06") == ("esx-p2.lab.local", ["primary-ds2"])
    # the rerun only does what is left: the compute phase
    rerun = migrate(vcenter_sim, name="web-06", esxi_hostname="esx-p1.lab.local", datastore="primary-ds2")
    assert [p["name"] for p in rerun["phases"]] == ["compute"] and placement_of(vcenter_sim, "web-06") == ("esx-p1.lab.local", ["primary-ds2"])


def test_powered_off_vm_needs_allow_powered_off(vcenter_sim):
    WaitForTask(find(vcenter_sim, vim.VirtualMachine, "web-03").PowerOffVM_Task())
    vcenter_sim.clear_calls()
    refused = migrate(vcenter_sim, name="web-03", esxi_hostname="esx-p2.lab.local")
    assert refused["failed"] is True and refused["msg"].startswith("VM web-03 is poweredOff; a live migration needs it powered on")
    assert migrations(vcenter_sim) == [] and vcenter_sim.write_calls() == []
    moved = migrate(vcenter_sim, name="web-03", esxi_hostname="esx-p2.lab.local", allow_powered_off=True)
    assert moved["changed"] is True and placement_of(vcenter_sim, "web-03") == ("esx-p2.lab.local", ["primary-ds1"])


@pytest.mark.parametrize("extra,message", [
    (dict(esxi_hostname="esx-x9.lab.local"), "host 'esx-x9.lab.local' not found"),
    (dict(esxi_hostname="esx-p1.lab.local", resource_pool="gold"), "resource pool 'gold' not found in Primary"),
    (dict(esxi_hostname="esx-p1.lab.local", network_mapping=[dict(source="VM Network", target="DMZ")]),
     "target host esx-p1.lab.local lacks the port group(s) for VM web-02: "),
])
def test_prechecks_fail_before_any_task(vcenter_sim, extra, message):
    vcenter_sim.clear_calls()
    result = migrate(vcenter_sim, name="web-02", **extra)
    assert result["failed"] is True and result["msg"].startswith(message), result["msg"]
    assert migrations(vcenter_sim) == [] and vcenter_sim.write_calls() == []


def test_ambiguous_names_fail_clearly(vcenter_sim):
    vm_folder = find(vcenter_sim, vim.Folder, "vm")
    vm_folder.CreateFolder("web")
    vm_folder.CreateFolder("old").CreateFolder("web")
    result = migrate(vcenter_sim, name="web-02", esxi_hostname="esx-p1.lab.local", folder="web")
    assert result["failed"] is True and result["msg"].startswith("folder name 'web' is ambiguous in Primary: 2 objects")
    assert len(result["candidates"]) == 2 and migrations(vcenter_sim) == []


def test_folder_and_uuid_lookup(vcenter_sim):
    find(vcenter_sim, vim.Folder, "vm").CreateFolder("moved")
    uuid = vcenter_sim.vm_state("web-05")["uuid"]
    result = migrate(vcenter_sim, uuid=uuid, esxi_hostname="esx-p2.lab.local", folder="moved")
    assert result["changed"] is True and result["placement"]["folder"] == "moved"
    assert vcenter_sim.vm_state("web-05")["folder"] == "moved"


@pytest.fixture
def pair(vcenter_pair):
    vcenter_pair.primary.set_link(wan_mbps=10000, wan_rtt_ms=0.5)  # keep the modelled WAN copy of 20-40 GB short
    return vcenter_pair


def test_cross_vcenter_combined_with_fallback_reason_then_idempotent(pair):
    primary, secondary = pair.primary, pair.secondary
    dest = dict(secondary.conn_args)
    moid = primary.vm_state("web-04")["moid"]
    primary.clear_calls()
    secondary.clear_calls()
    result = migrate(primary, name="web-04", destination_vcenter=dest, cluster_name="Secondary-Cluster", datastore="secondary-ds2")
    assert result["changed"] is True, result
    assert writes(primary) == [("RelocateVM_Task", moid)]
    assert [method for method, _moid in writes(secondary)] == ["CreateVM_Task", "PowerOnVM_Task"], "sent by the source vCenter"
    assert result["strategy"] == "combined" and "is not reachable from source host esx-p2.lab.local" in result["fallback_reason"]
    assert [p["name"] for p in result["phases"]] == ["relocate"] and result["phases"][0]["state"] == "success"
    after = result["placement"]
    assert after["vcenter_uuid"] == secondary.instance_uuid and after["datacenter"] == "Secondary"
    assert after["host"] == "esx-s1.lab.local" and after["datastores"] == ["secondary-ds2"] and after["folder"] == "vm"
    assert primary.vm_state("web-04") is None
    assert secondary.vm_state("web-04")["host"] == "esx-s1.lab.local"
    assert [m["kind"] for m in primary.state()["migrations"] or []] == ["cross-vcenter"]

    # the next VM goes to the emptier host of the cluster
    other = migrate(primary, name="web-06", destination_vcenter=dest, cluster_name="Secondary-Cluster", datastore="secondary-ds2")
    assert other["placement"]["host"] == "esx-s2.lab.local"

    again = migrate(primary, name="web-04", destination_vcenter=dest, cluster_name="Secondary-Cluster", datastore="secondary-ds2")
    assert again["changed"] is False and again["placement"]["vcenter_uuid"] == secondary.instance_uuid


def test_cross_vcenter_from_flat_options_and_env(pair, monkeypatch):
    primary, secondary = pair.primary, pair.secondary
    monkeypatch.setenv("VMWARE_DEST_HOST", secondary.hostname)
    monkeypatch.setenv("VMWARE_DEST_PORT", str(secondary.port))
    monkeypatch.setenv("VMWARE_DEST_USER", secondary.username)
    monkeypatch.setenv("VMWARE_DEST_PASSWORD", secondary.password)
    primary.clear_calls()
    secondary.clear_calls()
    checked = migrate(primary, check_mode=True, name="web-02", esxi_hostname="esx-s2.lab.local", datastore="secondary-ds2")
    assert checked["changed"] is True and checked["phases"][0]["cross_vcenter"] is True
    assert checked["placement"]["vcenter_uuid"] == secondary.instance_uuid and primary.vm_state("web-02") is not None
    assert primary.write_calls() == [] and secondary.write_calls() == [], "check mode writes to neither vCenter"
    result = migrate(primary, name="web-02", destination_ca_path=secondary.ca_path, esxi_hostname="esx-s2.lab.local", datastore="secondary-ds2")
    assert result["changed"] is True and secondary.vm_state("web-02")["host"] == "esx-s2.lab.local"


def test_cross_vcenter_needs_a_datastore_and_credentials(pair):
    primary, secondary = pair.primary, pair.secondary
    no_ds = migrate(primary, name="web-02", destination_vcenter=dict(secondary.conn_args), cluster_name="Secondary-Cluster")
    assert no_ds["failed"] is True and no_ds["msg"] == "'datastore' is required to migrate to another vCenter"
    no_pw = migrate(primary, name="web-02", destination_hostname=secondary.hostname, destination_port=secondary.port,
                    destination_username=secondary.username, cluster_name="Secondary-Cluster", datastore="secondary-ds1")
    assert no_pw["failed"] is True and "password missing" in no_pw["msg"]
    wrong_pw = migrate(primary, name="web-02", destination_vcenter=dict(secondary.conn_args, password="wrong"),
                       cluster_name="Secondary-Cluster", datastore="secondary-ds1")
    assert wrong_pw["failed"] is True and wrong_pw["fault"] == "vim.fault.InvalidLogin"
    assert not primary.state()["migrations"]
    assert primary.write_calls() == [] and secondary.write_calls() == []


def test_network_mapping_moves_the_nic_to_the_mapped_port_group(vcenter_sim):
    assert vcenter_sim.vm_state("web-02")["networks"] == ["VM Network"]
    vcenter_sim.clear_calls()
    result = migrate(vcenter_sim, name="web-02", esxi_hostname="esx-p1.lab.local", network_mapping=[dict(source="VM Network", target="vMotion")])
    assert result["changed"] is True and [p["name"] for p in result["phases"]] == ["compute"]
    assert vcenter_sim.write_methods() == ["RelocateVM_Task"], "the NIC edit rides in the relocate spec"
    assert vcenter_sim.vm_state("web-02")["networks"] == ["vMotion"]
    again = migrate(vcenter_sim, name="web-02", esxi_hostname="esx-p1.lab.local", network_mapping=[dict(source="vMotion", target="vMotion")])
    assert again["changed"] is False


def test_destination_that_is_the_same_vcenter_is_a_local_move(vcenter_sim):
    result = migrate(vcenter_sim, name="web-02", destination_vcenter=dict(vcenter_sim.conn_args), esxi_hostname="esx-p1.lab.local")
    assert result["changed"] is True and result["phases"][0]["name"] == "compute"
    assert result["placement"]["moid"] == result["placement_before"]["moid"]
    assert migrations(vcenter_sim) == [("web-02", "vmotion")]


def test_timeout_fails_clearly_and_the_task_keeps_running(vcenter_sim):
    vcenter_sim.slow_migrations(extra_seconds=300)
    result = migrate(vcenter_sim, name="web-04", esxi_hostname="esx-p1.lab.local", timeout=1)
    assert result["failed"] is True and result["error_type"] == "TaskTimeoutError"
    assert result["msg"].startswith("compute relocation of VM web-04 did not finish within 1")
    assert result["phases"] == [dict(name="compute", task=result["task"], state="running")]
    info = run_module("vm_migration_info", dict(vcenter_sim.conn_args, tasks=[result["task"]]))
    assert info["tasks"][0]["state"] == "running"


def test_session_expiring_while_waiting_is_renewed(vcenter_sim):
    vcenter_sim.slow_migrations(extra_seconds=150)
    outcome = {}
    runner = threading.Thread(target=lambda: outcome.update(migrate(vcenter_sim, name="web-04", esxi_hostname="esx-p1.lab.local")))
    runner.start()
    try:
        deadline = time.monotonic() + 20
        while ("web-04", "vmotion") not in migrations(vcenter_sim) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert vcenter_sim.expire_sessions() >= 1
    finally:
        runner.join(60)
    assert outcome["changed"] is True and outcome["phases"][0]["state"] == "success", outcome
    assert placement_of(vcenter_sim, "web-04") == ("esx-p1.lab.local", ["primary-ds1"])


def test_cluster_target_skips_hosts_in_maintenance_mode(vcenter_sim):
    WaitForTask(find(vcenter_sim, vim.HostSystem, "esx-p2.lab.local").EnterMaintenanceMode_Task(timeout=0))
    result = migrate(vcenter_sim, name="web-02", cluster_name="Primary-Cluster")
    assert result["changed"] is True and result["placement"]["host"] == "esx-p1.lab.local"
    assert placement_of(vcenter_sim, "web-02") == ("esx-p1.lab.local", ["primary-ds1"])
    WaitForTask(find(vcenter_sim, vim.HostSystem, "esx-p1.lab.local").EnterMaintenanceMode_Task(timeout=0))
    none_left = migrate(vcenter_sim, name="web-04", cluster_name="Primary-Cluster")
    assert none_left["failed"] is True
    assert none_left["msg"] == "cluster Primary-Cluster has no connected host outside maintenance mode that sees datastore(s) primary-ds1"


def test_cross_vcenter_storage_first_over_stretched_datastore_runs_two_phases(pair):
    primary, secondary = pair.primary, pair.secondary
    dest = dict(secondary.conn_args)
    moid = primary.vm_state("web-05")["moid"]
    primary.clear_calls()
    secondary.clear_calls()
    result = migrate(primary, name="web-05", destination_vcenter=dest, esxi_hostname="esx-s1.lab.local", datastore="stretched-ds1")
    assert result["changed"] is True, result
    assert result["strategy"] == "storage_first" and result["fallback_reason"] is None
    assert [(p["name"], p["state"]) for p in result["phases"]] == [("storage", "success"), ("compute", "success")]
    assert writes(primary) == [("RelocateVM_Task", moid), ("RelocateVM_Task", moid)], "one relocation per phase, both on the source"
    assert [method for method, _moid in writes(secondary)] == ["CreateVM_Task", "PowerOnVM_Task"], "sent by the source vCenter"
    done = {m["kind"]: m for m in primary.state()["migrations"]}
    assert [m["kind"] for m in primary.state()["migrations"]] == ["storage-vmotion", "cross-vcenter"]
    assert done["storage-vmotion"]["datastore_cost"] == {"primary-ds1": 16, "stretched-ds1": 16}, "disks moved inside the source vCenter"
    assert list(done["storage-vmotion"]["host_cost"]) == ["esx-p1.lab.local"] and done["cross-vcenter"]["link"].startswith("wan:")
    before, after = result["placement_before"], result["placement"]
    assert (before["vcenter_uuid"], before["host"], before["datastores"]) == (primary.instance_uuid, "esx-p1.lab.local", ["primary-ds1"])
    assert (after["vcenter_uuid"], after["datacenter"], after["host"], after["datastores"]) == \
        (secondary.instance_uuid, "Secondary", "esx-s1.lab.local", ["stretched-ds1"])
    assert primary.vm_state("web-05") is None
    assert placement_of(secondary, "web-05") == ("esx-s1.lab.local", ["stretched-ds1"])
    moved = find(secondary, vim.VirtualMachine, "web-05")
    assert moved.runtime.powerState == "poweredOn"
    assert [ds._moId for ds in moved.datastore] == [find(secondary, vim.Datastore, "stretched-ds1")._moId], "the target vCenter's own stretched-ds1"

    primary.clear_calls()
    secondary.clear_calls()
    again = migrate(primary, name="web-05", destination_vcenter=dest, esxi_hostname="esx-s1.lab.local", datastore="stretched-ds1")
    assert again["changed"] is False and again["phases"] == [] and again["placement"]["vcenter_uuid"] == secondary.instance_uuid
    assert primary.write_calls() == [] and secondary.write_calls() == []


def test_cross_vcenter_storage_phase_leaves_the_vm_on_the_source_host_and_stretched_datastore(pair):
    primary, secondary = pair.primary, pair.secondary
    dest = dict(secondary.conn_args)
    args = dict(name="web-04", destination_vcenter=dest, cluster_name="Secondary-Cluster", datastore="stretched-ds1")
    checked = migrate(primary, check_mode=True, **args)
    assert [(p["name"], p["cross_vcenter"]) for p in checked["phases"]] == [("storage", False), ("compute", True)]
    assert checked["phases"][0]["datastore_moid"] == find(primary, vim.Datastore, "stretched-ds1")._moId
    assert checked["phases"][1]["datastore_moid"] == find(secondary, vim.Datastore, "stretched-ds1")._moId

    started = migrate(primary, wait=False, **args)
    assert started["changed"] is True and [p["name"] for p in started["phases"]] == ["storage"] and started["pending_phases"] == ["compute"]
    WaitForTask(vim.Task(started["phases"][0]["task"], primary.connect()._stub))
    assert placement_of(primary, "web-04") == ("esx-p2.lab.local", ["stretched-ds1"])
    assert secondary.vm_state("web-04") is None

    rest = migrate(primary, **args)
    assert rest["changed"] is True and [p["name"] for p in rest["phases"]] == ["compute"] and rest["fallback_reason"] is None
    assert primary.vm_state("web-04") is None and placement_of(secondary, "web-04")[1] == ["stretched-ds1"]


def test_ambiguous_vm_name_fails_listing_each_match_before_anything_moves(vcenter_sim):
    si = vcenter_sim.connect()
    web = find(vcenter_sim, vim.VirtualMachine, "web-06")
    WaitForTask(web.CloneVM_Task(folder=web.parent, name="web-05", spec=vim.vm.CloneSpec(location=vim.vm.RelocateSpec())))
    content = si.RetrieveContent()
    moids = sorted(vm._moId for vm in content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True).view
                   if vm.name == "web-05")
    vcenter_sim.clear_calls()
    result = migrate(vcenter_sim, name="web-05", esxi_hostname="esx-p2.lab.local", datastore="primary-ds2")
    assert result["failed"] is True and result["msg"].startswith("VM name 'web-05' is ambiguous: vCenter 127.0.0.1:")
    assert all(f"{moid} (folder vm)" in result["msg"] for moid in moids) and "Pick one VM by its MoID" in result["msg"]
    assert sorted(result["candidates"]) == moids
    assert vcenter_sim.write_calls() == []
    picked = migrate(vcenter_sim, moid=moids[0], esxi_hostname="esx-p2.lab.local", datastore="primary-ds2")
    assert picked["changed"] is True and picked["placement"]["moid"] == moids[0]
