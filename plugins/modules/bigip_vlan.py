#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigip_vlan
short_description: Manage BIG-IP VLANs
version_added: 0.1.0
description:
  - Create, update or delete a VLAN (C(net vlan)) and its interface membership.
  - The deployment guide creates C(vmotion-vlan) with interface C(1.14) untagged and lets the
    device pick the tag.
  - Options left unset (V(null)) are not managed; on creation the device uses its defaults
    (tag auto-assigned, MTU 1500).
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  interfaces:
    description:
      - The complete list of interfaces of the VLAN; order does not matter. An empty list removes
        every interface. Interfaces not listed are removed from the VLAN.
    type: list
    elements: dict
    suboptions:
      name:
        description: Interface name, for example C(1.14).
        type: str
        required: true
      tagged:
        description: Whether the interface carries the VLAN tagged (V(false) = untagged member).
        type: bool
        default: false
  tag:
    description: VLAN tag, 1 to 4094. The device assigns one when the VLAN is created without it.
    type: int
  mtu:
    description: Maximum transmission unit of the VLAN, 576 to 9198.
    type: int
  description:
    description: Free-text description.
    type: str
extends_documentation_fragment:
  - longdistance.vmotion.bigip
  - longdistance.vmotion.bigip_object
  - longdistance.vmotion.attributes
  - longdistance.vmotion.attributes.action_group_bigip
"""

EXAMPLES = r"""
- name: Create the vMotion VLAN of the deployment guide (tag chosen by the device)
  longdistance.vmotion.bigip_vlan:
    name: vmotion-vlan
    interfaces:
      - name: "1.14"
        tagged: false
  module_defaults:
    group/longdistance.vmotion.bigip:
      server: "{{ bigip_server }}"
      user: "{{ bigip_user }}"
      password: "{{ bigip_password }}"

- name: Carry it tagged on a second interface and raise the MTU
  longdistance.vmotion.bigip_vlan:
    name: vmotion-vlan
    interfaces:
      - name: "1.14"
      - name: "1.15"
        tagged: true
    mtu: 9000

- name: Remove the VLAN
  longdistance.vmotion.bigip_vlan:
    name: vmotion-vlan
    state: absent
"""

RETURN = r"""
vlan:
  description: The managed settings of the VLAN after the task (predicted in check mode); empty after deletion.
  returned: always
  type: dict
  sample:
    interfaces: [{name: "1.14", tagged: false}]
    tag: 4094
    mtu: 1500
    description: null
diff:
  description: Managed settings before and after, with O(ignore:--diff).
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import runner
from ansible_collections.longdistance.vmotion.plugins.module_utils._differ import Field
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError


def interfaces_to_api(interfaces):
    return [{"name": i["name"], ("tagged" if i["tagged"] else "untagged"): True} for i in interfaces]


def interfaces_from_api(reference):
    items = (reference or {}).get("items", [])
    return [{"name": i["name"], "tagged": bool(i.get("tagged"))} for i in items]


FIELDS = [
    Field("interfaces", "interfaces", compare="set",
          read=lambda obj: interfaces_from_api(obj.get("interfacesReference")),
          write=lambda value: {"interfaces": interfaces_to_api(value)}),
    Field("tag", "tag"),
    Field("mtu", "mtu"),
    Field("description", "description"),
]

OPTIONS = dict(
    interfaces=dict(type="list", elements="dict", options=dict(
        name=dict(type="str", required=True),
        tagged=dict(type="bool", default=False),
    )),
    tag=dict(type="int"),
    mtu=dict(type="int"),
    description=dict(type="str"),
)


def validate(params, client=None):
    label = "VLAN %s" % params["name"]
    if params["tag"] is not None and not 1 <= params["tag"] <= 4094:
        raise ValidationError("%s: tag must be between 1 and 4094, got %s" % (label, params["tag"]))
    if params["mtu"] is not None and not 576 <= params["mtu"] <= 9198:
        raise ValidationError("%s: mtu must be between 576 and 9198, got %s" % (label, params["mtu"]))
    names = [i["name"] for i in params["interfaces"] or []]
    if any(not name.strip() for name in names):
        raise ValidationError("%s: interface names must not be empty" % label)
    if len(set(names)) != len(names):
        raise ValidationError("%s: interface listed more than once: %s"
                              % (label, ", ".join(sorted(n for n in set(names) if names.count(n) > 1))))


VLAN = runner.RestObject("/mgmt/tm/net/vlan", "VLAN", FIELDS, read_params={"expandSubcollections": "true"},
                         result_key="vlan", prepare=validate)


def main():
    runner.run(VLAN, OPTIONS)


if __name__ == "__main__":
    main()
