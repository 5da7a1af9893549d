"""Fault matrix, vCenter and migration rows: a wave (the code vm_group_migrate runs) against two vCenter simulators and
two BIG-IP simulators, with faults injected through the simulators' admin hooks. Each test asserts where the VMs are,
what every GTM device holds and what the run state (the report's data) says.

Lab: web-01..web-06 on the primary vCenter; primary-ds1/secondary-ds1 cross-mounted, so each VM moves storage first.
"""
from __future__ import annotations

import time

import pytest
from pyVim.task import WaitForTask
from pyVmomi import vim

from tests.conftest import run_module

from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import VSphereError
from ansible_collections.longdistance.vmotion.plugins.module_utils._migration import scheduler
from ansible_collections.longdistance.vmotion.plugins.module_utils._migration.wave import GtmSwitchError, Wave, gtm_module_args
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere import crossvc
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere.session import Session

pytestmark = [pytest.mark.vcenter_sim, pytest.mark.bigip_sim]

WIDE_IP = "vmhttp.siterequest.com"
WIDE_IP_PATH = "/mgmt/tm/gtm/wideip/a/~Common~vmhttp.siterequest.com"
POOL_PATH = "/mgmt/tm/gtm/pool/a/~Common~%s"
SITES = (("Local", "10.133.39.250", "10.133.39.51:80"), ("Remote", "10.133.40.250", "10.133.40.51:80"))
WEB = ["web-01", "web-02", "web-03", "web-04"]


def ok(sim, module, args):
    result = run_module(module, dict(sim.conn_args, **args))
    assert not result.get("failed"), result
    return result


def gtm_lab(sim):
    """The guide's GTM on one device: Local_pool (ratio 1, enabled), Remote_pool (ratio 0, disabled), wide IP by ratio."""
    for site, address, destination in SITES:
        ok(sim, "bigip_gtm_datacenter", {"name": site})
        ok(sim, "bigip_gtm_server", {"name": f"{site}-BIG-IP", "datacenter": site, "addresses": [{"address": address}],
                                     "virtual_servers": [{"name": "vmhttp_vs", "destination": destination}]})
        ok(sim, "bigip_gtm_pool", {"name": f"{site}_pool", "enabled": site == "Local",
                                   "members": [{"server": f"{site}-BIG-IP", "virtual_server": "vmhttp_vs"}]})
    ok(sim, "bigip_gtm_wide_ip", {"name": WIDE_IP, "pool_lb_mode": "ratio",
                                  "pools": [{"name": "Local_pool", "ratio": 1}, {"name": "Remote_pool", "ratio": 0}]})


def gtm_held(sim):
    """(ratios, enabled pools) one device holds now."""
    ratios = {p["name"].split("/")[-1]: p["ratio"] for p in sim.peek(WIDE_IP_PATH)["pools"]}
    enabled = sorted(name for name in ("Local_pool", "Remote_pool") if not sim.peek(POOL_PATH % name).get("disabled"))
    return ratios, enabled


BEFORE = ({"Local_pool": 1, "Remote_pool": 0}, ["Local_pool"])
CUTOVER = ({"Local_pool": 0, "Remote_pool": 1}, ["Local_pool", "Remote_pool"])
ALL = ({"Local_pool": 0, "Remote_pool": 1}, ["Remote_pool"])


def gtm_writes(sim):
    return [entry for entry in sim.requests_log() if entry["method"] in ("POST", "PATCH", "PUT", "DELETE")
            and entry["path"].startswith("/mgmt/tm")]


@pytest.fixture
def lab(vcenter_pair, bigip_pair):
    vcenter_pair.primary.set_link(wan_mbps=10000, wan_rtt_ms=0.5)  # short modelled copies
    for sim in (bigip_pair.primary, bigip_pair.secondary):
        gtm_lab(sim)
        sim.clear_log()
    return vcenter_pair, bigip_pair


def targets(pair, **overrides):
    return dict(dict(esxi_hostname=None, cluster_name="Secondary-Cluster", datacenter="Secondary", datastore="secondary-ds1",
                     resource_pool=None, folder=None, network_mapping=[], strategy="storage_first", allow_powered_off=False,
                     priority="default", destination_vcenter=dict(pair.secondary.conn_args),
                     **{f"destination_{key}": None for key in crossvc.DEST_KEYS},
                     validate_certs=True, ca_path=pair.primary.ca_path, proxy_host=None, proxy_port=None), **overrides)


def gtm_apply(bigips, devices_args=None):
    sims = {"bigip-primary": bigips.primary, "bigip-secondary": bigips.secondary}

    def apply(device, stage, restore=None):
        args = dict(sims[device].conn_args, **(devices_args or {}).get(device, {}),
                    **gtm_module_args(stage, WIDE_IP, "Remote_pool", 100, restore))
        result = run_module("bigip_gtm_ratio", args)
        if result.get("failed"):
            raise GtmSwitchError(result["msg"], object=device)
        return result
    return apply


def once_when(matches, action):
    """An ``on_event`` callback for ``wave``: runs ``action`` once, at the first progress line ``matches`` accepts;
    ``.fired`` holds what it returned."""
    fired = []

    def on_event(line):
        if not fired and matches(line):
            fired.append(action())
    on_event.fired = fired
    return on_event


def wave(lab_, names=tuple(WEB), on_event=None, vm_ids=None, devices_args=None, target_overrides=None, **config):
    """Run one wave like vm_group_migrate does; returns (final decision, state, progress lines)."""
    pair, bigips = lab_
    lines = []

    def say(line):
        lines.append(line)
        if on_event:
            on_event(line)
    config.setdefault("concurrency", 2)
    names = list(names)
    state = scheduler.new_state(names, **config)
    with Session(pair.primary.conn_args) as source:
        with crossvc.destination_session(source, targets(pair, **(target_overrides or {}))) as dest:
            runner = Wave(source, dest, targets(pair, **(target_overrides or {})), state, gtm_devices=["bigip-primary", "bigip-secondary"],
                          gtm_apply=gtm_apply(bigips, devices_args), progress=say, poll_interval=0.1, gtm_retry_delay=0.1,
                          vm_ids=vm_ids)
            runner.plan(names)
            decision = runner.run()
    return decision, runner.state, lines


def where(pair, name):
    return "secondary" if pair.secondary.vm_state(name) else ("primary" if pair.primary.vm_state(name) else None)


# --- the healthy wave (the reference every fault row differs from) -----------------------------------

def test_healthy_wave_moves_storage_first_switches_gtm_at_exactly_half_and_all_at_the_end(lab):
    pair, bigips = lab
    decision, state, lines = wave(lab)
    assert decision["status"] == "success" and [where(pair, n) for n in WEB] == ["secondary"] * 4
    for name in WEB:
        vm = state["vms"][name]
        assert [step["phase"] for step in vm["timeline"]] == ["storage", "compute"] and vm["strategy"] == "storage_first"
        assert "cross-mounted" in vm["reason"]
    switches = [(c["device"], c["stage"], c["reason"]) for c in state["gtm_changes"]]
    assert switches == [("bigip-primary", "cutover", "2/4 VMs at the target"), ("bigip-secondary", "cutover", "2/4 VMs at the target"),
                        ("bigip-primary", "all", "4/4 VMs at the target"), ("bigip-secondary", "all", "4/4 VMs at the target")]
    cut = next(i for i, line in enumerate(lines) if line.startswith("GTM bigip-primary: cutover"))
    assert sum(1 for line in lines[:cut] if line.endswith(": done")) == 2, "switched when the second VM ended, before any other"
    assert gtm_held(bigips.primary) == gtm_held(bigips.secondary) == ALL
    assert state["polls"] > 0


# --- vCenter login ------------------------------------------------------------------------------------

@pytest.mark.fault(call="vCenter login", fault="credentials refused (InvalidLogin)",
                   behaviour="the wave fails before reading any VM, naming the vCenter and user; nothing moves, GTM untouched")
def test_vcenter_login_refused_moves_nothing(lab):
    pair, bigips = lab
    args = dict(pair.primary.conn_args, password="wrong")
    pair.primary.clear_calls()
    with pytest.raises(VSphereError, match=r"Cannot log in to vCenter 127\.0\.0\.1:\d+ as administrator@vsphere\.local"):
        Session(args).connect()
    assert pair.primary.write_calls() == [] and gtm_writes(bigips.primary) == [] and gtm_writes(bigips.secondary) == []
    assert [where(pair, n) for n in WEB] == ["primary"] * 4


@pytest.mark.fault(call="vCenter login", fault="destination vCenter refuses the login",
                   behaviour="the wave fails before any relocation starts; the message names the destination vCenter")
def test_destination_login_refused_moves_nothing(lab):
    pair, bigips = lab
    pair.primary.clear_calls()
    with pytest.raises(VSphereError, match="Cannot log in to vCenter"):
        wave(lab, target_overrides=dict(destination_vcenter=dict(pair.secondary.conn_args, password="wrong")))
    assert pair.primary.write_calls() == [] and gtm_writes(bigips.primary) == []


# --- vCenter task creation ------------------------------------------------------------------------------

@pytest.mark.fault(call="vCenter task creation", fault="RelocateVM_Task refused (TaskInProgress: another task holds the VM)",
                   behaviour="that VM is failed with vSphere's fault; nothing new starts; VMs already moving finish; GTM stays "
                             "where the moved count calls for (1/4: untouched)")
def test_task_creation_refused_stops_new_starts(lab):
    pair, bigips = lab
    si = pair.primary.connect()
    content = si.RetrieveContent()
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
    other = next(vm for vm in view.view if vm.name == "web-02")
    pair.primary.slow_migrations(extra_seconds=300, count=2)  # modelled seconds: 3 s each at the tests' time scale

    def relocate_other():
        # web-02 is planned; before its start another client starts a relocation of it (the operator's hands)
        ds2 = next(ds for ds in other.runtime.host.datastore if ds.name == "primary-ds2")
        return other.RelocateVM_Task(vim.vm.RelocateSpec(datastore=ds2), "defaultPriority")
    on_event = once_when(lambda line: line == "web-01: active storage", relocate_other)
    decision, state, _lines = wave(lab, on_event=on_event)
    assert decision["status"] == "failed"
    assert state["failure"]["vm"] == "web-02" and state["failure"]["fault"] == "vim.fault.TaskInProgress"
    assert state["vms"]["web-01"]["status"] == "done", "the VM already moving finishes its move"
    assert scheduler.left(state) == ["web-03", "web-04"]
    assert [state["vms"][n]["status"] for n in ("web-03", "web-04")] == ["waiting", "waiting"]
    assert state["gtm_stage"] == "none" and gtm_writes(bigips.primary) == [] and gtm_writes(bigips.secondary) == []
    assert gtm_held(bigips.primary) == gtm_held(bigips.secondary) == BEFORE
    WaitForTask(on_event.fired[0])


@pytest.mark.fault(call="vCenter task creation", fault="session expired just before RelocateVM_Task",
                   behaviour="one re-login, the start is replayed once (NotAuthenticated means not executed); the wave succeeds")
def test_session_expired_before_a_start_is_replayed_once(lab):
    pair, _bigips = lab
    on_event = once_when(lambda line: line == "web-01: ready", pair.primary.expire_sessions)
    pair.primary.clear_calls()
    decision, state, _lines = wave(lab, names=["web-01"], on_event=on_event)
    assert decision["status"] == "success" and on_event.fired and on_event.fired[0] >= 1
    relocations = pair.primary.write_calls("RelocateVM_Task")
    assert [c["fault"] for c in relocations] == [False, True, False], "storage, compute refused (expired), compute replayed"
    assert where(pair, "web-01") == "secondary"


# --- vCenter task polling / session expiry during a long wait -------------------------------------------

@pytest.mark.fault(call="vCenter task polling", fault="session expires during a long wait (between two polls)",
                   behaviour="the poll logs in again once and continues; every VM moves; one session per vCenter otherwise")
def test_session_expiry_during_polling(lab):
    pair, bigips = lab
    pair.primary.slow_migrations(extra_seconds=150, count=2)
    on_event = once_when(lambda line: "storage" in line and "%" in line, pair.primary.expire_sessions)
    decision, state, lines = wave(lab, names=["web-01", "web-02"], on_event=on_event)
    assert on_event.fired and decision["status"] == "success", (state["failure"], lines)
    assert [where(pair, n) for n in ("web-01", "web-02")] == ["secondary", "secondary"]
    assert gtm_held(bigips.primary) == gtm_held(bigips.secondary) == ALL


@pytest.mark.fault(call="vCenter task polling", fault="task outlives the timeout (on_timeout=settle)",
                   behaviour="the VM is reported timed_out with 'the vSphere task keeps running'; nothing new starts; GTM left "
                             "at the stage the moved VMs call for, on every device")
def test_timeout_settle_leaves_gtm_consistent_and_says_the_task_keeps_running(lab):
    pair, bigips = lab
    on_event = once_when(lambda line: line == "web-02: done", lambda: pair.primary.slow_migrations(extra_seconds=3000, count=2))
    decision, state, _lines = wave(lab, concurrency=1, timeout=4, on_event=on_event)
    assert decision["status"] == "failed"
    assert [state["vms"][n]["status"] for n in WEB] == ["done", "done", "timed_out", "waiting"]
    assert "the vSphere task keeps running" in state["vms"]["web-03"]["error"]["msg"]
    assert state["gtm_stage"] == "cutover", "2/4 moved: the cut-over stays, 'all' never comes"
    assert gtm_held(bigips.primary) == gtm_held(bigips.secondary) == CUTOVER


@pytest.mark.fault(call="vCenter task polling", fault="task outlives the timeout (on_timeout=follow)",
                   behaviour="the VM is followed up to the second deadline, finishes, and GTM reaches 'all'")
def test_timeout_follow_keeps_following_to_the_second_deadline(lab):
    pair, bigips = lab
    pair.primary.slow_migrations(extra_seconds=300, count=1)
    decision, state, lines = wave(lab, names=["web-01", "web-02"], timeout=2, on_timeout="follow", follow_timeout=60)
    assert any("past the timeout, still followed" in line for line in lines)
    assert decision["status"] == "success" and state["gtm_stage"] == "all"
    assert gtm_held(bigips.primary) == gtm_held(bigips.secondary) == ALL


# --- vCenter task faults mid-wave ------------------------------------------------------------------------

@pytest.mark.fault(call="migration wave", fault="VMotionLinkDown on the first VM's task, below the threshold",
                   behaviour="that VM failed with vSphere's fault text; nothing new starts; the running VM finishes; GTM untouched "
                             "(1/4 < 50 %); a rerun converges")
def test_first_vm_fails_below_the_threshold(lab):
    pair, bigips = lab
    pair.primary.fail_migrations(fault="VMotionLinkDown", at_progress=40, count=1)
    decision, state, _lines = wave(lab)
    assert decision["status"] == "failed" and state["failure"]["vm"] == "web-01" and state["failure"]["fault"] == "vim.fault.VMotionLinkDown"
    assert "storage relocation of VM web-01 failed" in state["failure"]["msg"]
    assert state["gtm_stage"] == "none" and gtm_writes(bigips.primary) == [] and gtm_writes(bigips.secondary) == []
    assert where(pair, "web-01") == "primary" and where(pair, "web-03") == "primary"
    rerun, rerun_state, _lines = wave(lab)
    assert rerun["status"] == "success" and gtm_held(bigips.primary) == gtm_held(bigips.secondary) == ALL
    assert "skipped" in [rerun_state["vms"][n]["status"] for n in WEB] or where(pair, "web-02") == "secondary"


@pytest.mark.fault(call="migration wave", fault="MigrationFault after the cut-over",
                   behaviour="the cut-over stays on every device (the moved VMs serve clients); 'all' never comes; the failed VM "
                             "is named with vSphere's text")
def test_failure_after_the_cutover_keeps_the_cutover(lab):
    pair, bigips = lab
    on_event = once_when(lambda line: line.startswith("GTM bigip-secondary: cutover"),
                         lambda: pair.primary.fail_migrations(fault="MigrationFault", at_progress=30, count=4))
    decision, state, _lines = wave(lab, concurrency=1, on_event=on_event)
    assert decision["status"] == "failed" and state["failure"]["vm"] == "web-03" and state["failure"]["fault"] == "vim.fault.MigrationFault"
    assert state["gtm_stage"] == "cutover" and gtm_held(bigips.primary) == gtm_held(bigips.secondary) == CUTOVER
    assert [c["stage"] for c in state["gtm_changes"]] == ["cutover", "cutover"]


@pytest.mark.fault(call="migration wave", fault="storage moved, then the compute task fails (VMotionLinkDown)",
                   behaviour="the VM is failed, listed as stranded (disks on the target datastore, memory at the source) and not "
                             "counted as moved; a rerun runs only the compute phase")
def test_storage_moved_compute_failed(lab):
    pair, bigips = lab
    on_event = once_when(lambda line: line == "web-01: ready",
                         lambda: pair.primary.fail_migrations(fault="VMotionLinkDown", at_progress=50, count=1))
    decision, state, _lines = wave(lab, names=["web-01", "web-02"], concurrency=1, on_event=on_event)
    assert decision["status"] == "failed" and state["failure"]["phase"] == "compute"
    assert scheduler.stranded(state) == ["web-01"] and "the disks are on the target datastore" in state["failure"]["msg"]
    assert pair.primary.vm_state("web-01")["datastores"] == ["secondary-ds1"]
    assert state["gtm_stage"] == "none" and gtm_held(bigips.primary) == BEFORE
    rerun, rerun_state, _lines = wave(lab, names=["web-01", "web-02"])
    assert rerun["status"] == "success" and [s["phase"] for s in rerun_state["vms"]["web-01"]["timeline"]] == ["compute"]


# --- GTM devices never disagree (issue 9 item 2) -------------------------------------------------------------

@pytest.mark.fault(call="migration wave", fault="one GTM device refuses the cut-over (503 on every attempt)",
                   behaviour="retried; then the device already switched is rolled back, so both hold the ratios of before; the "
                             "run fails naming the device; the report lists the applied switch AND its rollback")
def test_gtm_device_refuses_the_switch_the_other_is_rolled_back(lab):
    pair, bigips = lab
    on_event = once_when(lambda line: line == "web-02: done", lambda: bigips.secondary.fault("mcpd", count=100))
    decision, state, lines = wave(lab, names=["web-01", "web-02", "web-03", "web-04"], concurrency=1, on_event=on_event,
                                  devices_args={"bigip-secondary": dict(retries=0)})
    bigips.secondary.fault("mcpd", count=0)  # the device is back: the rollback point is read from it below
    assert decision["status"] == "failed" and state["failure"]["phase"] == "gtm"
    assert "bigip-secondary refused the switch to stage cutover after 3 attempt(s)" in state["failure"]["msg"]
    assert "rolled back bigip-primary" in state["failure"]["msg"]
    assert gtm_held(bigips.primary) == gtm_held(bigips.secondary) == BEFORE, "the devices agree again"
    applied = [(c["device"], c["stage"], c["changed"], c["rolled_back"]) for c in state["gtm_changes"]]
    assert applied == [("bigip-primary", "cutover", True, True), ("bigip-primary", "rollback", True, False)]
    assert state["gtm_stage"] == "none"
    assert [state["vms"][n]["status"] for n in ("web-03", "web-04")] == ["waiting", "waiting"], "nothing new starts"


# --- change window -------------------------------------------------------------------------------------------

@pytest.mark.fault(call="migration wave", fault="change window closes while VMs run",
                   behaviour="no new VM starts; the running one finishes; GTM consistent with where the VMs are; the VMs left "
                             "are listed")
def test_change_window_closes(lab):
    pair, bigips = lab
    decision, state, lines = wave(lab, concurrency=2, start_deadline=time.time() + 0.5)
    assert decision["status"] == "stopped" and state["stopped"] == "window"
    assert [state["vms"][n]["status"] for n in WEB] == ["done", "done", "waiting", "waiting"]
    assert scheduler.left(state) == ["web-03", "web-04"]
    assert state["gtm_stage"] == "cutover" and gtm_held(bigips.primary) == gtm_held(bigips.secondary) == CUTOVER
    assert any("change window closed" in line for line in lines)


# --- ambiguous names (issue 9 item 3) ------------------------------------------------------------------------

def clone(sim, name, as_name):
    si = sim.connect()
    content = si.RetrieveContent()
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
    vm = next(v for v in view.view if v.name == name)
    WaitForTask(vm.CloneVM_Task(folder=vm.parent, name=as_name, spec=vim.vm.CloneSpec(location=vim.vm.RelocateSpec(), powerOn=True)))
    return [v._moId for v in content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True).view
            if v.name == as_name]


@pytest.mark.bad_input(module="vm_group_migrate", option="vms", value="web-05 (two VMs of that name at the source)",
                       message="VM name 'web-05' is ambiguous: vCenter ...: vm-A (folder vm), vm-B (folder vm). Nothing was moved. "
                               "Pick one VM by its MoID")
def test_two_vms_of_one_name_at_the_source_is_an_error_before_anything_moves(lab):
    pair, bigips = lab
    moids = clone(pair.primary, "web-06", "web-05")
    assert len(moids) == 2
    pair.primary.clear_calls()
    pair.secondary.clear_calls()
    decision, state, _lines = wave(lab, names=["web-05", "web-01"])
    assert decision["status"] == "failed" and state["failure"]["vm"] == "web-05" and state["failure"]["phase"] == "plan"
    msg = state["failure"]["msg"]
    assert msg.startswith("VM name 'web-05' is ambiguous: vCenter") and all(f"{m} (folder vm)" in msg for m in moids)
    assert "Pick one VM by its MoID" in msg
    assert pair.primary.write_calls() == [] and pair.secondary.write_calls() == [], "nothing moved"
    assert gtm_writes(bigips.primary) == [] and gtm_writes(bigips.secondary) == []
    # picking one by MoID works
    decision, state, _lines = wave(lab, names=["web-05"], vm_ids={"web-05": moids[0]})
    assert decision["status"] == "success" and pair.primary.vm_state("web-05") is not None, "the other web-05 stays"


@pytest.mark.bad_input(module="vm_group_migrate", option="vms", value="web-05 (one VM of that name at each site)",
                       message="VM name 'web-05' is ambiguous: vCenter ...: vm-A (folder vm); vCenter ...: vm-B (folder vm)")
def test_one_vm_of_one_name_at_each_side_is_an_error_not_already_moved(lab):
    pair, bigips = lab
    src = pair.primary.connect().RetrieveContent()
    vm = next(v for v in src.viewManager.CreateContainerView(src.rootFolder, [vim.VirtualMachine], True).view if v.name == "web-05")
    dst = pair.secondary.connect().RetrieveContent()
    datacenter = next(d for d in dst.rootFolder.childEntity if d.name == "Secondary")
    host = datacenter.hostFolder.childEntity[0].host[0]
    files = vim.vm.FileInfo(vmPathName="[secondary-ds1]")
    WaitForTask(datacenter.vmFolder.CreateVM_Task(config=vim.vm.ConfigSpec(name="web-05", files=files, memoryMB=512, numCPUs=1),
                                                  pool=host.parent.resourcePool, host=host))
    decision, state, _lines = wave(lab, names=["web-05"])
    assert decision["status"] == "failed" and "is ambiguous" in state["failure"]["msg"] and vm._moId in state["failure"]["msg"]
    assert state["gtm_stage"] == "none" and gtm_writes(bigips.primary) == [], "not taken as 'already at the target'"
