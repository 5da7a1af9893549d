#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: migration_request
short_description: Check a migration request (VMs, sites) before anything else runs
description:
  - Runs on the Ansible controller as an action plugin (this file only documents it). It is the first task of the preflight and migrate
    playbooks, so a wrong answer in a controller survey or on the command line fails at once, with a message that names the answer.
  - Reads the VM names the way a controller survey sends them (a list, or text with one name per line or separated by commas) and checks
    that the two sites are sites of the inventory and differ.
  - Then looks every VM up by name in the source vCenter and, for a cross-vCenter move, in the destination vCenter (a VM already there
    moved earlier), with one session and one read per vCenter. VMs found nowhere are listed together. Only reads.
  - Whether each VM can move (placement, networks, ambiguous names) is the preflight role's job, with
    M(longdistance.vmotion.vm_longdistance_migrate) in check mode.
version_added: 0.1.0
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  vm:
    description: One VM name. Give O(vm) or O(vms), not both.
    type: str
  vms:
    description: VM names, as a list or as text (one name per line, or separated by commas), as a controller survey sends them.
    type: raw
  from_site:
    description: Site the VMs leave (a key of O(sites)).
    type: str
  to_site:
    description: Site the VMs go to (a key of O(sites)).
    type: str
  sites:
    description:
      - The inventory's sites (C(longdistance_sites)). Their names are the valid O(from_site) and O(to_site) values; a site's C(vcenter)
        key names the inventory host of its vCenter, read when O(vcenter) or O(destination_vcenter) is left out.
    type: dict
    required: true
  vcenter:
    description:
      - Connection options of the source vCenter (C(hostname), C(username), C(password), C(port), C(validate_certs), C(ca_path),
        C(proxy_host), C(proxy_port)), with the E(VMWARE_HOST), E(VMWARE_USER), ... environment fallbacks of the vSphere modules.
      - Left out, the variable O(connection_var) of the source site's vCenter host (without it, the environment alone).
    type: dict
  destination_vcenter:
    description:
      - Connection options of the destination vCenter when it is another one; E(VMWARE_DEST_HOST), E(VMWARE_DEST_USER), ... fill what
        they leave out, as in M(longdistance.vmotion.vm_longdistance_migrate). On the same vCenter, one lookup.
      - Left out, the variable O(connection_var) of the target site's vCenter host.
    type: dict
  connection_var:
    description: The variable of a vCenter inventory host that holds its connection options. Read only after the request's form is checked.
    type: str
    default: longdistance_vsphere_connection
  lookup:
    description: Look the VMs up in vCenter. V(false) checks the request's form only.
    type: bool
    default: true
extends_documentation_fragment:
  - longdistance.vmotion.attributes.info_module
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
"""

EXAMPLES = r"""
- name: Check the migration request
  longdistance.vmotion.migration_request:
    vms: "{{ vms | default(omit) }}"
    vm: "{{ vm | default(omit) }}"
    from_site: "{{ from_site | default(omit) }}"
    to_site: "{{ to_site | default(omit) }}"
    sites: "{{ longdistance_sites }}"
  register: request
"""

RETURN = r"""
vms:
  description: The VM names, in order.
  returned: always
  type: list
  elements: str
  sample: [web-01, web-02]
located:
  description: For each VM, the site whose vCenter holds it now (V(from_site) or V(to_site) value).
  returned: when O(lookup=true)
  type: dict
  sample: {web-01: primary, web-02: secondary}
"""

ARGUMENT_SPEC = dict(
    vm=dict(type="str"),
    vms=dict(type="raw"),
    from_site=dict(type="str"),
    to_site=dict(type="str"),
    sites=dict(type="dict", required=True),
    vcenter=dict(type="dict"),
    destination_vcenter=dict(type="dict"),
    connection_var=dict(type="str", default="longdistance_vsphere_connection"),
    lookup=dict(type="bool", default=True),
)
