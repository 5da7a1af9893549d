#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vm_longdistance_migrate
short_description: Live-migrate a VM to another host, datastore, datacenter or vCenter (long-distance vMotion)
description:
  - Moves a VM to a target host (or a host picked from a cluster), datastore, resource pool and folder, within the connected vCenter
    or to another vCenter (cross-vCenter vMotion with a C(ServiceLocator) carrying the destination's TLS thumbprint).
  - One of O(esxi_hostname) and O(cluster_name) is required.
  - Every pre-check runs before the first task starts. The VM must be powered on (unless O(allow_powered_off)), every target object must
    exist, every NIC's port group must exist on the target host (same label, or as O(network_mapping) says), and the target
    datastore must be reachable from the target host.
  - With O(strategy=storage_first), the default and what the F5 deployment guide advises, the disks move first (Storage vMotion to the
    target datastore, within the source vCenter) and the compute vMotion follows. For a cross-vCenter move the storage phase needs a
    datastore the source host can reach; otherwise one combined relocation runs and RV(fallback_reason) says why.
  - Idempotent. A VM already at the target reports no change, and a VM whose storage already moved only gets the compute phase.
    When the VM is no longer in the source vCenter, it is looked up in the destination vCenter.
  - With O(wait=false), the first phase is started and its task returned. Poll it with M(longdistance.vmotion.vm_migration_info)
    and run this module again afterwards to start any remaining phase.
version_added: 0.1.0
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  name:
    description: Name of the VM. One of O(name), O(uuid) and O(moid) is required.
    type: str
  uuid:
    description: BIOS UUID of the VM (instance UUID with O(use_instance_uuid)).
    type: str
  use_instance_uuid:
    description: Treat O(uuid) as the vCenter instance UUID.
    type: bool
    default: false
  moid:
    description: Managed object ID of the VM in the source vCenter (for example V(vm-42)).
    type: str
  destination_hostname:
    description: Flat form of O(destination_vcenter.hostname); env E(VMWARE_DEST_HOST).
    type: str
  destination_username:
    description: Flat form of O(destination_vcenter.username); env E(VMWARE_DEST_USER).
    type: str
  destination_password:
    description: Flat form of O(destination_vcenter.password); env E(VMWARE_DEST_PASSWORD).
    type: str
  destination_port:
    description: Flat form of O(destination_vcenter.port) (default 443); env E(VMWARE_DEST_PORT).
    type: int
  destination_validate_certs:
    description: Flat form of O(destination_vcenter.validate_certs).
    type: bool
  destination_ca_path:
    description: Flat form of O(destination_vcenter.ca_path).
    type: path
  wait:
    description: Wait for the phases to finish. With V(false), start the first needed phase and return its task.
    type: bool
    default: true
  timeout:
    description: Seconds to wait for all phases together. The tasks keep running in vSphere after a timeout.
    type: int
    default: 3600
  poll_interval:
    description: Longest pause in seconds between two task polls. Polling starts faster and backs off to this value.
    type: float
    default: 5.0
extends_documentation_fragment:
  - longdistance.vmotion.migration_target
  - longdistance.vmotion.vsphere
  - longdistance.vmotion.attributes
  - longdistance.vmotion.attributes.action_group_vsphere
"""

EXAMPLES = r"""
- name: Move web-01 to the secondary site (cross-vCenter, storage first)
  longdistance.vmotion.vm_longdistance_migrate:
    hostname: vcenter-primary.lab.local
    username: administrator@vsphere.local
    password: "{{ primary_password }}"
    name: web-01
    destination_vcenter:
      hostname: vcenter-secondary.lab.local
      username: administrator@vsphere.local
      password: "{{ secondary_password }}"
    cluster_name: Secondary-Cluster
    datastore: secondary-ds1
    network_mapping:
      - source: VM Network
        target: VM Network

- name: Start the move and follow its progress
  longdistance.vmotion.vm_longdistance_migrate:
    name: web-02
    esxi_hostname: esx-p2.lab.local
    datastore: primary-ds2
    wait: false
  register: move

- name: Poll until done
  longdistance.vmotion.vm_migration_info:
    tasks: "{{ move.tasks }}"
  register: progress
  until: progress.done
  retries: 360
  delay: 10
  changed_when: false
"""

RETURN = r"""
strategy:
  description: The strategy used. V(combined) when storage_first had to fall back.
  returned: always
  type: str
fallback_reason:
  description: Why storage_first ran as one combined relocation, or null.
  returned: always
  type: str
phases:
  description: One entry per relocation task, in order. In check mode, the planned phases with state V(planned).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: V(storage), V(compute) or V(relocate) (combined).
      type: str
    task:
      description: Task MoID (for M(longdistance.vmotion.vm_migration_info)).
      type: str
    state:
      description: V(planned), V(queued), V(running), V(success) or V(error).
      type: str
    progress:
      description: Last progress seen (0-100, null while queued).
      type: int
    queued:
      description: Time the task was queued (ISO 8601).
      type: str
    started:
      description: Time the task started running.
      type: str
    completed:
      description: Time the task completed.
      type: str
    queue_seconds:
      description: Seconds spent queued behind vSphere's concurrent migration limits.
      type: float
    duration:
      description: Seconds from start to completion.
      type: float
    history:
      description: The state and progress changes seen while waiting, with elapsed seconds.
      type: list
      elements: dict
    error:
      description: C({fault, msg}) of a failed task, with the vSphere fault type and vSphere's own message.
      type: dict
    host_moid:
      description: Check mode only. MoID of the target host of the planned phase (null for a storage-only phase).
      type: str
    datastore_moid:
      description: Check mode only. MoID of the target datastore of the planned phase.
      type: str
    cross_vcenter:
      description: Check mode only. Whether the planned phase crosses to another vCenter.
      type: bool
tasks:
  description: The phases started, as C({name, task, vcenter}) items to hand to M(longdistance.vmotion.vm_migration_info).
  returned: always
  type: list
  elements: dict
pending_phases:
  description: Phases not started yet because O(wait=false). Run the module again once the returned task is done.
  returned: always
  type: list
  elements: str
placement_before:
  description: Where the VM was before the task (same keys as RV(placement)).
  returned: always
  type: dict
placement:
  description: Where the VM is after the task (predicted in check mode, current with O(wait=false)).
  returned: always
  type: dict
  contains:
    vcenter:
      description: vCenter host name.
      type: str
    vcenter_uuid:
      description: That vCenter's instance UUID.
      type: str
    datacenter:
      description: Datacenter name.
      type: str
    host:
      description: ESXi host name.
      type: str
    datastores:
      description: Names of the datastores holding the VM's files.
      type: list
      elements: str
    resource_pool:
      description: Resource pool name.
      type: str
    folder:
      description: VM folder name.
      type: str
    moid:
      description: MoID of the VM in that vCenter.
      type: str
"""

from ansible_collections.longdistance.vmotion.plugins.module_utils._differ import diff_of
from ansible_collections.longdistance.vmotion.plugins.module_utils._module import run_module
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere import crossvc, placement, relocate
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere.session import VSPHERE
from ansible.module_utils.basic import env_fallback

ARGUMENT_SPEC = dict(
    name=dict(type="str"), uuid=dict(type="str"), use_instance_uuid=dict(type="bool", default=False), moid=dict(type="str"),
    **placement.TARGET_SPEC,
    destination_hostname=dict(type="str", fallback=(env_fallback, ["VMWARE_DEST_HOST"])),
    destination_username=dict(type="str", fallback=(env_fallback, ["VMWARE_DEST_USER"])),
    destination_password=dict(type="str", no_log=True, fallback=(env_fallback, ["VMWARE_DEST_PASSWORD"])),
    destination_port=dict(type="int", fallback=(env_fallback, ["VMWARE_DEST_PORT"])),
    destination_validate_certs=dict(type="bool"), destination_ca_path=dict(type="path"),
    wait=dict(type="bool", default=True), timeout=dict(type="int", default=3600), poll_interval=dict(type="float", default=5.0),
)


def migrate(module, source):
    p = module.params
    with crossvc.destination_session(source, p) as dest:
        vm_session, vm = placement.locate_vm(source, dest, p)
        plan, seen = relocate.plan(dest, vm_session, vm, p)
        before = seen["placement"]
        if module.check_mode or not plan["phases"]:
            records, pending = relocate.planned_phases(plan["phases"]), []
            after = placement.predicted_placement(dest, plan, before)
        else:
            records, pending = relocate.run(vm_session, vm, plan["phases"], p["wait"], p["timeout"], p["poll_interval"],
                                            f"{p['priority']}Priority")
            after = placement.final_placement(vm_session, dest, vm, plan, finished=p["wait"] and not pending)
    result = dict(changed=bool(plan["phases"]), strategy=plan["strategy"], fallback_reason=plan["fallback_reason"], phases=records,
                  pending_phases=pending, placement_before=before, placement=after,
                  tasks=[dict(name=rec["name"], task=rec["task"], vcenter=vm_session.params["hostname"])
                         for rec in records if rec.get("task")])
    if module._diff:
        result["diff"] = diff_of(before, after)
    return result


def main():
    run_module(migrate, ARGUMENT_SPEC, connection=VSPHERE, required_one_of=[("name", "uuid", "moid"), ("esxi_hostname", "cluster_name")],
               mutually_exclusive=[("name", "uuid", "moid"), ("esxi_hostname", "cluster_name")])


if __name__ == "__main__":
    main()
