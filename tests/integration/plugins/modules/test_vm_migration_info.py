"""vm_migration_info: follow migrations started with wait=false (progress, queueing, errors) against the vCenter simulator."""
from __future__ import annotations

import time

import pytest

from tests.conftest import run_module

pytestmark = pytest.mark.vcenter_sim


def start(sim, name, **kwargs):
    result = run_module("vm_longdistance_migrate", dict(sim.conn_args, name=name, wait=False, **kwargs))
    assert result["changed"] is True and len(result["tasks"]) == 1, result
    return result


def info(sim, **kwargs):
    result = run_module("vm_migration_info", dict(sim.conn_args, **kwargs))
    assert result["changed"] is False, result
    return result


def poll_until_done(sim, tasks, limit=60.0, **kwargs):
    """What a playbook does with ``until: result.done``; returns every result seen."""
    seen, deadline = [], time.monotonic() + limit
    while time.monotonic() < deadline:
        seen.append(info(sim, tasks=tasks, **kwargs))
        if seen[-1]["done"]:
            return seen
        time.sleep(0.1)
    raise AssertionError(f"tasks not done after {limit}s: {seen[-1]}")


def test_wait_false_returns_the_task_and_info_follows_it_to_the_end(vcenter_sim):
    vcenter_sim.slow_migrations(extra_seconds=100)
    started = start(vcenter_sim, "web-02", esxi_hostname="esx-p1.lab.local", datastore="primary-ds2")
    assert [p["name"] for p in started["phases"]] == ["storage"] and started["pending_phases"] == ["compute"]
    assert started["phases"][0]["state"] in ("queued", "running")
    assert started["tasks"][0] == dict(name="storage", task=started["phases"][0]["task"], vcenter="127.0.0.1")
    assert vcenter_sim.write_methods() == ["RelocateVM_Task"]

    vcenter_sim.clear_calls()
    seen = poll_until_done(vcenter_sim, started["tasks"], name="web-02")
    assert vcenter_sim.write_calls() == [], "following a task writes nothing"
    progress = [t["progress"] for r in seen for t in r["tasks"] if t["state"] == "running" and t["progress"] is not None]
    assert progress and progress == sorted(progress) and any(0 < p < 100 for p in progress)
    final = seen[-1]
    assert final["state"] == "success" and final["tasks"][0]["name"] == "storage"
    assert final["tasks"][0]["progress"] == 100 and final["tasks"][0]["completed"] and final["tasks"][0]["error"] is None
    assert final["tasks"][0]["description_id"] and final["tasks"][0]["entity"] == "web-02"
    assert final["placement"]["datastores"] == ["primary-ds2"] and final["placement"]["host"] == "esx-p2.lab.local"

    # running the module again starts the remaining phase
    rest = start(vcenter_sim, "web-02", esxi_hostname="esx-p1.lab.local", datastore="primary-ds2")
    assert [p["name"] for p in rest["phases"]] == ["compute"] and rest["pending_phases"] == []
    assert poll_until_done(vcenter_sim, [rest["tasks"][0]["task"]])[-1]["state"] == "success"
    assert vcenter_sim.vm_state("web-02")["host"] == "esx-p1.lab.local"


def test_concurrency_limits_show_up_as_queued_tasks(vcenter_sim):
    """Storage vMotion costs 4 of a host's 8: the third one from esx-p2 waits in the queue."""
    vcenter_sim.slow_migrations(extra_seconds=150, count=2)
    tasks = [start(vcenter_sim, vm, esxi_hostname="esx-p2.lab.local", datastore="primary-ds2")["tasks"][0] for vm in ("web-02", "web-04", "web-06")]
    first = info(vcenter_sim, tasks=tasks)
    assert [t["state"] for t in first["tasks"]] == ["running", "running", "queued"]
    assert first["tasks"][2]["progress"] is None and first["tasks"][2]["started"] is None
    assert first["state"] == "running" and first["done"] is False
    final = poll_until_done(vcenter_sim, tasks)[-1]
    assert final["state"] == "success"
    assert final["tasks"][2]["queue_seconds"] > 0.5 > final["tasks"][0]["queue_seconds"]


def test_failed_task_reports_fault_type_and_message(vcenter_sim):
    vcenter_sim.fail_migrations(fault="VMotionLinkDown", at_progress=30)
    started = start(vcenter_sim, "web-04", esxi_hostname="esx-p1.lab.local", strategy="combined")
    final = poll_until_done(vcenter_sim, started["tasks"])[-1]
    assert final["state"] == "error" and final["done"] is True
    assert final["tasks"][0]["error"] == dict(fault="vim.fault.VMotionLinkDown", msg="injected VMotionLinkDown: migration of web-04 failed at 30%")


def test_unknown_task_and_bad_items_fail_clearly(vcenter_sim):
    missing = run_module("vm_migration_info", dict(vcenter_sim.conn_args, tasks=["task-99999"]))
    assert missing["failed"] is True and missing["msg"].startswith("task task-99999 not found on vCenter 127.0.0.1:")
    bad = run_module("vm_migration_info", dict(vcenter_sim.conn_args, tasks=[{"phase": "storage"}]))
    assert bad["failed"] is True and "neither a task MoID nor an item with a 'task' key" in bad["msg"]


def test_vm_placement_only_and_check_mode(vcenter_sim):
    vcenter_sim.clear_calls()
    result = run_module("vm_migration_info", dict(vcenter_sim.conn_args, name="web-05"), check_mode=True)
    assert result["changed"] is False and result["tasks"] == [] and result["done"] is True
    assert vcenter_sim.write_calls() == []
    assert result["placement"]["host"] == "esx-p1.lab.local" and result["placement"]["vcenter_uuid"] == vcenter_sim.instance_uuid
    missing = run_module("vm_migration_info", dict(vcenter_sim.conn_args, name="web-99"))
    assert missing["failed"] is True and missing["msg"] == "VM 'web-99' not found"
