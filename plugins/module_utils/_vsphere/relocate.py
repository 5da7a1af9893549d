# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning and running a (long-distance, possibly cross-vCenter) VM relocation.

``plan_of(seen, params)`` is pure: from what ``placement.observe`` read it runs every pre-check and returns
the phases to run (each a ``RelocateSpec``); ``plan()`` is the two together. ``run()`` starts the phases one
after the other through the session's task layer (refused in check mode) and waits for them with the task
waiter. The destination vCenter's session lives in ``crossvc``, the reading in ``placement``.
"""

from __future__ import annotations

import copy
import time

from .._errors import ValidationError, VSphereError
from .placement import _name, _same, observe

try:
    from pyVmomi import vim
except ImportError:  # pragma: no cover - the session reports the missing library
    vim = None


# --- planning (pure) ------------------------------------------------------------------------------

def network_changes(seen, mapping):
    """``deviceChange`` edits moving each NIC to its target port group (same label unless mapped); fails on missing labels."""
    target, edits, missing = seen["target"], [], []
    for nic in seen["nics"]:
        device, label = nic["device"], nic["label"]
        wanted = mapping.get(label, label)
        net = target["networks"].get(wanted)
        if net is None:
            missing.append(f"{device.deviceInfo.label if device.deviceInfo else device.key}: '{label}' -> '{wanted}'")
            continue
        if seen["same_vc"] and _same(net, nic["network"]):
            continue
        device = copy.copy(device)
        device.backing = seen["backings"][wanted]
        edits.append(vim.vm.device.VirtualDeviceSpec(operation="edit", device=device))
    if missing:
        raise ValidationError(f"target host {target['host_name']} lacks the port group(s) for VM {seen['vm']['name']}: "
                              f"{'; '.join(missing)} (it has {', '.join(sorted(target['networks'])) or 'none'}); use network_mapping",
                              object=seen["vm"]["name"])
    return edits


def storage_step(seen, datastore_name):
    """``(datastore for a storage-only phase, done, fallback reason)`` for the storage_first strategy."""
    vmf, datastore, storage = seen["vm"], seen["target"]["datastore"], seen["storage"]
    if datastore is None:
        return None, True, None
    if seen["same_vc"]:
        if [ds._moId for ds in vmf["datastores"]] == [datastore._moId]:
            return None, True, None
        if datastore._moId in {ds._moId for ds in storage["source_host_datastores"]}:
            return datastore, False, None
        return None, False, f"source host {storage['source_host']} cannot reach datastore {datastore_name}"
    url, urls = storage["target_url"], storage["urls"]
    if vmf["datastores"] and all(urls.get(ds._moId) == url for ds in vmf["datastores"]):
        return None, True, None
    local = [ds for ds in storage["source_host_datastores"] if urls.get(ds._moId) == url]
    if local:
        return local[0], False, None
    return None, False, (f"datastore {datastore_name} of {storage['dest_label']} is not reachable from source host "
                         f"{storage['source_host']}: storage and compute move in one relocation")


def plan_of(seen, params):
    """Pre-check ``seen`` (``placement.observe``) and return ``dict(phases=[(name, spec)], strategy, fallback_reason, vm, target,
    same_vc)``. Pure: no vCenter call."""
    vmf, same_vc, target = seen["vm"], seen["same_vc"], seen["target"]
    if vmf["power"] != "poweredOn" and not params["allow_powered_off"]:
        raise ValidationError(f"VM {vmf['name']} is {vmf['power']}; a live migration needs it powered on (or set allow_powered_off)",
                              object=vmf["name"])
    mapping = {item["source"]: item["target"] for item in params["network_mapping"] or []}
    nic_edits = network_changes(seen, mapping)
    compute_done = same_vc and _same(vmf["host"], target["host"]) and _same(vmf["pool"], target["pool"]) \
        and _same(vmf["folder"], target["folder"]) and not nic_edits
    full = vim.vm.RelocateSpec(host=target["host"], pool=target["pool"], datastore=target["datastore"], deviceChange=nic_edits,
                               service=seen["service"],
                               folder=None if same_vc and _same(vmf["folder"], target["folder"]) else target["folder"])
    storage_ds, storage_done, reason = storage_step(seen, params.get("datastore"))
    if params["strategy"] == "combined" or (compute_done and storage_done):
        reason = None
    if compute_done and storage_done:
        phases = []
    elif params["strategy"] == "combined" or reason:
        phases = [("relocate", full)]
    else:
        phases = (([] if storage_done else [("storage", vim.vm.RelocateSpec(datastore=storage_ds))])
                  + ([] if compute_done else [("compute", full)]))
    return dict(phases=phases, strategy="combined" if reason else params["strategy"], fallback_reason=reason, vm=vmf, target=target,
                same_vc=same_vc)


def plan(dest, vm_session, vm, params):
    """``(plan_of(observe(...)), what was read)``: read once, decide; writes nothing."""
    seen = observe(dest, vm_session, vm, params)
    return plan_of(seen, params), seen


# --- running ------------------------------------------------------------------------------------

def _phase_record(name, facts):
    keys = ("task", "state", "progress", "queued", "started", "completed", "queue_seconds", "duration", "error", "history")
    return dict(name=name, **{key: facts.get(key) for key in keys})


def run(vm_session, vm, phases, wait=True, timeout=3600, poll_interval=5.0, priority="defaultPriority"):
    """Start (and with ``wait`` finish) the phases in order; returns ``(records, pending phase names)``.

    A failing phase raises ``VSphereError`` whose details carry the phase records so far.
    """
    records, deadline = [], time.monotonic() + timeout
    vm_name = _name(vm_session, vm)
    for index, (name, spec) in enumerate(phases):
        what = f"{name} relocation of VM {vm_name}"
        task = vm_session.start_task(vm, "RelocateVM_Task", spec, priority, what=what)
        waiter = vm_session.waiter(timeout=max(deadline - time.monotonic(), 0), poll_interval=poll_interval)
        if not wait:
            records.append(_phase_record(name, waiter.poll(task)))
            return records, [later[0] for later in phases[index + 1:]]
        try:
            records.append(_phase_record(name, waiter.wait(task, what=what)))
        except VSphereError as exc:
            exc.details["phases"] = records + [dict(name=name, task=task._moId, state="error" if exc.fault else "running")]
            raise
    return records, []


def planned_phases(phases):
    """Check-mode view of the phases: what each would move, nothing started."""
    return [dict(name=name, state="planned", host_moid=spec.host._moId if spec.host else None,
                 datastore_moid=spec.datastore._moId if spec.datastore else None, cross_vcenter=spec.service is not None)
            for name, spec in phases]
