# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a migrated VM goes (target placement, destination vCenter, strategy); the matching argument spec is
``module_utils/_vsphere/placement.py:TARGET_SPEC``."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  esxi_hostname:
    description: Target ESXi host (or give O(cluster_name)).
    type: str
  cluster_name:
    description:
      - Target cluster. The host is the connected host outside maintenance mode that sees the datastore and runs the fewest VMs.
      - If the VM's current host already qualifies, that host is kept.
    type: str
  datacenter:
    description: Target datacenter, used to scope the name lookups in the destination vCenter.
    type: str
  datastore:
    description: Target datastore. Required for a cross-vCenter move. When omitted, the VM's disks stay where they are.
    type: str
  resource_pool:
    description:
      - Target resource pool. Defaults to the VM's pool when the compute resource stays the same, otherwise the target host's
        root pool.
    type: str
  folder:
    description:
      - Target VM folder name. Defaults to the VM's folder within the same datacenter, otherwise the target datacenter's root
        VM folder.
    type: str
  network_mapping:
    description: Port group to use at the target for each source port group. Unlisted port groups map to the port group with the same name.
    type: list
    elements: dict
    suboptions:
      source:
        description: Port group name the VM uses now.
        type: str
        required: true
      target:
        description: Port group name to use at the target.
        type: str
        required: true
  destination_vcenter:
    description:
      - The destination vCenter for a cross-vCenter migration. Keys left out come from the E(VMWARE_DEST_*) environment variables
        (and, in M(longdistance.vmotion.vm_longdistance_migrate), from its flat C(destination_*) options).
      - Without any destination hostname, the VM moves within the source vCenter.
    type: dict
    suboptions:
      hostname:
        description: Name or address of the destination vCenter.
        type: str
      username:
        description: User on the destination vCenter.
        type: str
      password:
        description: Password of that user.
        type: str
      port:
        description: HTTPS port of the destination vCenter (also used in the service locator URL).
        type: int
      validate_certs:
        description: Verify the destination's TLS certificate. Defaults to the source vCenter's C(validate_certs).
        type: bool
      ca_path:
        description: CA bundle for the destination's certificate. Defaults to the source vCenter's C(ca_path).
        type: path
  strategy:
    description:
      - V(storage_first) runs a Storage vMotion (disks, within the source vCenter) followed by a compute vMotion, when the source host
        sees the target datastore (cross-mounted); otherwise one combined relocation runs and the reason is returned.
      - V(combined) runs a single relocation.
    type: str
    choices: [storage_first, combined]
    default: storage_first
  allow_powered_off:
    description: Also move a VM that is not powered on (a cold migration).
    type: bool
    default: false
  priority:
    description: vMotion priority.
    type: str
    choices: [default, high, low]
    default: default
"""
