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
    O(concurrency) migrations at a time, starting the next phase or VM the moment a task ends (it waits for the tasks' state changes,
    not for the next poll). Progress is printed one line per poll.
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
    description: Seconds between two polls (progress lines). A task's end is seen when it happens, not at the next poll.
    type: float
    default: 5.0
  wide_ip:
    description: The GTM wide IP.
    type: str
  target_pool:
    description: The GTM pool of the target data center.
    type: str
  gtm_devices:
    description:
      - The GTM devices to switch, by inventory host name (a list), the way the role names them. Each device's connection options
        are its O(gtm_connection_var) host variable when set, else its standard connection variables (C(ansible_host),
        C(ansible_httpapi_port), C(ansible_user), C(ansible_password), C(ansible_httpapi_validate_certs), C(ansible_httpapi_ca_path));
        an account left out is the job's connection account (C(-u)/C(--ask-pass), AWX's Machine credential), then E(F5_USER)/E(F5_PASSWORD).
      - Or a dict of device name to its M(longdistance.vmotion.bigip_gtm_ratio) connection options (an empty value resolves as above).
      - Empty = GTM is not touched.
    type: raw
    default: []
  gtm_connection_var:
    description: The host variable holding a device's explicit BIG-IP connection options.
    type: str
    default: longdistance_bigip_connection
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
extends_documentation_fragment:
  - longdistance.vmotion.migration_target
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
    gtm_devices: [bigip-primary, bigip-secondary]
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
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere.placement import TARGET_SPEC

# Also validated by the action plugin, which does the work.
ARGUMENT_SPEC = dict(
    vms=dict(type="list", elements="raw", required=True),
    vcenter=dict(type="dict", default={}),
    **TARGET_SPEC,
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
    gtm_devices=dict(type="raw", default=[]),
    gtm_connection_var=dict(type="str", default="longdistance_bigip_connection"),
    gtm_attempts=dict(type="int", default=3),
    gtm_retry_delay=dict(type="float", default=2.0),
    state=dict(type="dict"),
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    module.fail_json(msg="vm_group_migrate runs on the controller as an action plugin; call it as longdistance.vmotion.vm_group_migrate")


if __name__ == "__main__":
    main()
