#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vm_migration_info
short_description: Report the state and progress of VM migration tasks and where a VM is now
description:
  - Reads vSphere tasks, usually those M(longdistance.vmotion.vm_longdistance_migrate) returned with O(ignore:wait=false). For each task it
    reports its state, progress, error (fault type and vSphere's message) and its queue, start and completion times.
  - Optionally reports the current placement of a VM.
  - Only reads. Use it with C(until) to follow a migration's progress.
version_added: 0.1.0
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  tasks:
    description:
      - Tasks to report. Each item is a task MoID (for example V(task-123)), or an item of
        RV(longdistance.vmotion.vm_longdistance_migrate#module:tasks),
        whose C(name) is echoed as the phase.
      - The tasks must belong to the connected vCenter (cross-vCenter relocation tasks run on the source vCenter).
    type: list
    elements: raw
    default: []
  name:
    description: Name of a VM whose current placement to report.
    type: str
  uuid:
    description: BIOS UUID of that VM (instance UUID with O(use_instance_uuid)).
    type: str
  use_instance_uuid:
    description: Treat O(uuid) as the vCenter instance UUID.
    type: bool
    default: false
  moid:
    description: MoID of that VM.
    type: str
extends_documentation_fragment:
  - longdistance.vmotion.vsphere
  - longdistance.vmotion.attributes.info_module
  - longdistance.vmotion.attributes.action_group_vsphere
"""

EXAMPLES = r"""
- name: Follow a migration started with wait=false
  longdistance.vmotion.vm_migration_info:
    tasks: "{{ move.tasks }}"
    name: web-02
  register: progress
  until: progress.done
  retries: 360
  delay: 10
  changed_when: false
"""

RETURN = r"""
tasks:
  description: One entry per requested task, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Phase name given with the task (V(storage), V(compute), V(relocate)), or null.
      type: str
    task:
      description: Task MoID.
      type: str
    state:
      description: V(queued), V(running), V(success) or V(error).
      type: str
    progress:
      description: Progress 0-100, null while queued or starting.
      type: int
    error:
      description: C({fault, msg}) when the task failed, with the vSphere fault type and vSphere's own message.
      type: dict
    description_id:
      description: What the task does (for example V(VirtualMachine.relocate)).
      type: str
    entity:
      description: Name of the object the task works on.
      type: str
    queued:
      description: Time the task was queued (ISO 8601).
      type: str
    started:
      description: Time it started running.
      type: str
    completed:
      description: Time it completed.
      type: str
    queue_seconds:
      description: Seconds it waited in the queue.
      type: float
    duration:
      description: Seconds from start to completion.
      type: float
state:
  description: Overall state. V(error) if any task failed, else V(running) or V(queued) while any task is unfinished, else V(success).
  returned: always
  type: str
done:
  description: Whether every task finished, in success or error.
  returned: always
  type: bool
placement:
  description: The VM's current placement (vcenter, datacenter, host, datastores, resource_pool, folder, moid), when a VM is given.
  returned: when O(name), O(uuid) or O(moid) is given
  type: dict
"""

from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError
from ansible_collections.longdistance.vmotion.plugins.module_utils._module import run_module
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere import lookup, placement
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere.session import VSPHERE
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere.tasks import TERMINAL_STATES

try:
    from pyVmomi import vim
except ImportError:  # pragma: no cover - the session reports the missing library
    vim = None

ARGUMENT_SPEC = dict(
    tasks=dict(type="list", elements="raw", default=[]),
    name=dict(type="str"), uuid=dict(type="str"), use_instance_uuid=dict(type="bool", default=False), moid=dict(type="str"),
)


def read_task(session, item):
    """Facts of one task given as a MoID or as ``{name, task}``."""
    phase, moid = (item.get("name"), item.get("task")) if isinstance(item, dict) else (None, item)
    if not isinstance(moid, str) or not moid:
        raise ValidationError(f"tasks: {item!r} is neither a task MoID nor an item with a 'task' key", object=str(item))
    try:
        facts = session.waiter().poll(vim.Task(moid, session.si._stub))
    except Exception as exc:  # pylint: disable=broad-except  # ManagedObjectNotFound arrives as VSphereError
        if getattr(exc, "fault", None) == "vmodl.fault.ManagedObjectNotFound":
            raise ValidationError(f"task {moid} not found on {session.label} (tasks expire some time after completion)",
                                  object=moid) from exc
        raise
    return dict(facts, name=phase)


def _overall(states):
    for state in ("error", "running", "queued"):
        if state in states:
            return state
    return "success"


def report(module, session):
    p = module.params
    tasks = [read_task(session, item) for item in p["tasks"]]
    result = dict(changed=False, tasks=tasks, state=_overall({task["state"] for task in tasks}),
                  done=all(task["state"] in TERMINAL_STATES for task in tasks))
    if p["name"] or p["uuid"] or p["moid"]:
        vm = lookup.find_vm(session, name=p["name"], uuid=p["uuid"], moid=p["moid"], use_instance_uuid=p["use_instance_uuid"])
        result["placement"] = placement.placement(session, vm)
    return result


def main():
    run_module(report, ARGUMENT_SPEC, connection=VSPHERE, mutually_exclusive=[("name", "uuid", "moid")])


if __name__ == "__main__":
    main()
