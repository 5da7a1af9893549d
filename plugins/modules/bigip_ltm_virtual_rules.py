#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigip_ltm_virtual_rules
short_description: Attach iRules to an existing BIG-IP LTM virtual server
version_added: 0.1.0
description:
  - Attach or detach iRules on an B(existing) LTM virtual server without touching any other
    setting of it (only its C(rules) list is written). The module never creates a virtual server
    and fails clearly when it does not exist.
  - The deployment guide ("Modifying your application virtual server to reference the iRule")
    attaches C(vmotion-irule) to the application virtual server on both BIG-IPs.
  - O(state=present) attaches the listed iRules and keeps the others, appending new ones after the
    existing ones (iRule order is the order their events run); O(state=absent) detaches the listed
    ones; O(exact=true) makes the list the whole iRule list, in order.
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  virtual:
    description: Name or full path of the virtual server.
    type: str
    required: true
  partition:
    description: Partition of the virtual server, and of iRules given by bare name.
    type: str
    default: Common
  rules:
    description: iRule names or full paths. The iRules must exist (the device refuses unknown ones).
    type: list
    elements: str
    required: true
  state:
    description: Whether the listed iRules should be attached (V(present)) or detached (V(absent)).
    type: str
    choices: [present, absent]
    default: present
  exact:
    description: With O(state=present), the list is the whole iRule list of the virtual server, in this order (an empty list detaches all).
    type: bool
    default: false
extends_documentation_fragment:
  - longdistance.vmotion.bigip
  - longdistance.vmotion.attributes
  - longdistance.vmotion.attributes.action_group_bigip
"""

EXAMPLES = r"""
- name: Attach the migration iRule to the application virtual server
  longdistance.vmotion.bigip_ltm_virtual_rules:
    virtual: vmhttp_vs
    rules: [vmotion-irule]
  module_defaults:
    group/longdistance.vmotion.bigip:
      server: "{{ bigip_server }}"
      user: "{{ bigip_user }}"
      password: "{{ bigip_password }}"

- name: Detach it again
  longdistance.vmotion.bigip_ltm_virtual_rules:
    virtual: vmhttp_vs
    rules: [vmotion-irule]
    state: absent
"""

RETURN = r"""
virtual:
  description: The virtual server's full path and its iRule list after the task (predicted in check mode).
  returned: always
  type: dict
  sample:
    name: /Common/vmhttp_vs
    rules: [/Common/vmotion-irule]
diff:
  description: The iRule list before and after, with O(ignore:--diff).
  returned: when diff mode is on
  type: dict
  sample:
    before: {rules: []}
    after: {rules: [/Common/vmotion-irule]}
"""

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.client import BIGIP, resource_path
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.names import full_path
from ansible_collections.longdistance.vmotion.plugins.module_utils._differ import diff_of
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError
from ansible_collections.longdistance.vmotion.plugins.module_utils._module import run_module

VIRTUALS = "/mgmt/tm/ltm/virtual"

ARGUMENT_SPEC = dict(
    virtual=dict(type="str", required=True),
    partition=dict(type="str", default="Common"),
    rules=dict(type="list", elements="str", required=True),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    exact=dict(type="bool", default=False),
)


def new_rules(params, have, label):
    """The virtual server's iRule list after the task."""
    want = [full_path(rule, params["partition"]) for rule in params["rules"]]
    if not all(rule.strip("/") for rule in want) or len(set(want)) != len(want):
        raise ValidationError("%s: iRule names must be non-empty and listed once, got %s" % (label, params["rules"]))
    if params["exact"]:
        if params["state"] == "absent":
            raise ValidationError("%s: exact only applies with state present" % label)
        return want
    if params["state"] == "present":
        return have + [rule for rule in want if rule not in have]
    return [rule for rule in have if rule not in want]


def ensure(module, client, diff):
    params = module.params
    name = full_path(params["virtual"], params["partition"])
    label = "LTM virtual server %s" % name
    path = resource_path(VIRTUALS, params["virtual"], params["partition"])
    current = client.get(path, what=label)
    if current is None:
        raise ValidationError("%s does not exist on BIG-IP %s; this module only attaches iRules to an existing virtual server"
                              % (label, client.server))
    have = list(current.get("rules") or [])
    rules = new_rules(params, have, label)
    changed = rules != have
    if changed and not client.check_mode:
        rules = list(client.patch(path, {"rules": rules}, what=label).get("rules") or [])
    result = {"changed": changed, "virtual": {"name": name, "rules": rules}}
    if diff:
        result["diff"] = diff_of({"rules": have}, {"rules": rules})
    return result


def main():
    run_module(ensure, ARGUMENT_SPEC, connection=BIGIP, with_diff=True)


if __name__ == "__main__":
    main()
