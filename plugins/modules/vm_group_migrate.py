#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vm_group_migrate
short_description: Migrate a group of VMs between data centers with GTM following them (one wave, on the controller)
description:
  - Runs on the Ansible controller as an action plugin (this file only documents it). The M(longdistance.vmotion.migrate) role calls it
    once per wave; it can also be used directly.
  - Reads and plans every VM once (as M(longdistance.vmotion.vm_longdistance_migrate) does, with the same pre-checks), then runs up to
    O(concurrency) migrations at a time, starting the next phase or VM the moment a task ends. Progress is printed one line per poll.
  - One session per vCenter for the whole wave; every poll reads all running tasks in one call.
  - GTM follows the VMs through M(longdistance.vmotion.bigip_gtm_ratio) on every device of O(gtm_devices) the moment the moved count
    reaches O(threshold) percent (cut-over) and when every VM moved (all traffic). A device that refuses is retried O(gtm_attempts)
    times; if it still refuses, the devices already switched are set back, so GTM devices never disagree.
  - A VM name that matches several VMs (in either vCenter) is an error listing them before anything moves; give C({name, moid}).
  - After a failure nothing new starts and running migrations are followed to their end. A task that outlives O(timeout) is given
    up on (O(on_timeout=settle), it keeps running in vSphere) or followed up to O(follow_timeout) more seconds (O(on_timeout=follow)).
    GTM is always left at the stage the VMs' placement calls for.
version_added: 0.1.0
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  vms:
    description: The group, in order. Each item is a VM name or C({name, moid}) (MoID in the vCenter the VM is in now).
    type: list
    elements: raw
    required: true
  vcenter:
    description:
      - Connection options of the source vCenter (C(hostname), C(username), C(password), C(port), C(validate_certs), C(ca_path),
        C(proxy_host), C(proxy_port)), with the same E(VMWARE_HOST), E(VMWARE_USER), ... environment fallbacks as the vSphere modules.
    type: dict
    default: {}
  destination_vcenter:
    description: Connection options of the destination vCenter for a cross-vCenter move (as in M(longdistance.vmotion.vm_longdistance_migrate)).
    type: dict
  esxi_hostname:
    description: Target host.
    type: str
  cluster_name:
    description: Target cluster.
    type: str
  datacenter:
    description: Target datacenter.
    type: str
  datastore:
    description: Target datastore.
    type: str
  resource_pool:
    description: Target resource pool.
    type: str
  folder:
    description: Target VM folder.
    type: str
  network_mapping:
    description: Port group mapping, as in M(longdistance.vmotion.vm_longdistance_migrate).
    type: list
    elements: dict
    default: []
  strategy:
    description: V(storage_first) (disks, then memory, when the source host sees the target datastore) or V(combined).
    type: str
    choices: [storage_first, combined]
    default: storage_first
  allow_powered_off:
    description: Also move VMs that are not powered on.
    type: bool
    default: false
  priority:
    description: vMotion priority.
    type: str
    choices: [default, high, low]
    default: default
  concurrency:
    description: Most migrations running at once.
    type: int
    default: 2
  threshold:
    description: Percentage of the group at the target that switches GTM to the cut-over stage.
    type: int
    default: 50
  cutover_percent:
    description: Share of new client traffic sent to O(target_pool) at the cut-over.
    type: int
    default: 100
  timeout:
    description: Seconds one VM's migration (all its phases) may take.
    type: int
    default: 3600
  on_timeout:
    description: V(settle) gives up on a VM past O(timeout) (its task keeps running) and stops; V(follow) keeps following it.
    type: str
    choices: [settle, follow]
    default: settle
  follow_timeout:
    description: With O(on_timeout=follow), seconds after O(timeout) a VM is still followed.
    type: int
    default: 0
  start_before:
    description: End of the change window for starting VMs (ISO 8601, or V(HH:MM) UTC). Running migrations finish.
    type: str
  wave:
    description: Names of the VMs this call may start (the others are only read). Default all.
    type: list
    elements: str
  poll_interval:
    description: Seconds between two polls.
    type: float
    default: 5.0
  wide_ip:
    description: The GTM wide IP.
    type: str
  target_pool:
    description: The GTM pool of the target data center.
    type: str
  gtm_devices:
    description: GTM device name to its M(longdistance.vmotion.bigip_gtm_ratio) connection options. Empty = GTM is not touched.
    type: dict
    default: {}
  gtm_attempts:
    description: Attempts per GTM device and switch.
    type: int
    default: 3
  gtm_retry_delay:
    description: Seconds between two attempts.
    type: float
    default: 2.0
  state:
    description: The RV(state) a previous wave returned (the next wave continues it).
    type: dict
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: In check mode every VM is read and planned; nothing starts and GTM is not touched.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
"""

EXAMPLES = r"""
- name: Move four VMs, GTM following at 50 %
  longdistance.vmotion.vm_group_migrate:
    vms: [web-01, web-02, web-03, {name: web-04, moid: vm-61}]
    vcenter: "{{ primary_vcenter }}"
    destination_vcenter: "{{ secondary_vcenter }}"
    cluster_name: Secondary-Cluster
    datastore: secondary-ds1
    concurrency: 2
    wide_ip: vmhttp.siterequest.com
    target_pool: Remote_pool
    gtm_devices: "{{ gtm_connections }}"
  register: wave
"""

RETURN = r"""
status:
  description: V(success), V(failed), V(stopped) (change window closed or wave ended with VMs left) or V(planned) (check mode).
  returned: always
  type: str
state:
  description: The scheduler state (per VM status, phases, strategy and reason, timeline, placement; GTM stage and every GTM write).
  returned: always
  type: dict
moved:
  description: VMs at the target.
  returned: always
  type: list
  elements: str
left:
  description: VMs neither moved nor failed (not started, or stopped between two phases).
  returned: always
  type: list
  elements: str
stranded:
  description: VMs whose disks moved but whose memory did not.
  returned: always
  type: list
  elements: str
gtm_stage:
  description: V(none), V(cutover) or V(all), as every GTM device holds it.
  returned: always
  type: str
failure:
  description: The first failure C({vm, phase, fault, msg}), or null.
  returned: always
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

# Also validated by the action plugin, which does the work.
ARGUMENT_SPEC = dict(
    vms=dict(type="list", elements="raw", required=True),
    vcenter=dict(type="dict", default={}),
    destination_vcenter=dict(type="dict"),
    esxi_hostname=dict(type="str"), cluster_name=dict(type="str"), datacenter=dict(type="str"), datastore=dict(type="str"),
    resource_pool=dict(type="str"), folder=dict(type="str"),
    network_mapping=dict(type="list", elements="dict", default=[]),
    strategy=dict(type="str", choices=["storage_first", "combined"], default="storage_first"),
    allow_powered_off=dict(type="bool", default=False),
    priority=dict(type="str", choices=["default", "high", "low"], default="default"),
    concurrency=dict(type="int", default=2),
    threshold=dict(type="int", default=50),
    timeout=dict(type="int", default=3600),
    on_timeout=dict(type="str", choices=["settle", "follow"], default="settle"),
    follow_timeout=dict(type="int", default=0),
    start_before=dict(type="str"),
    wave=dict(type="list", elements="str"),
    poll_interval=dict(type="float", default=5.0),
    wide_ip=dict(type="str"),
    target_pool=dict(type="str"),
    cutover_percent=dict(type="int", default=100),
    gtm_devices=dict(type="dict", default={}, no_log=False),
    gtm_attempts=dict(type="int", default=3),
    gtm_retry_delay=dict(type="float", default=2.0),
    state=dict(type="dict"),
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    module.fail_json(msg="vm_group_migrate runs on the controller as an action plugin; call it as longdistance.vmotion.vm_group_migrate")


if __name__ == "__main__":
    main()
