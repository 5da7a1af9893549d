#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigip_ltm_irule
short_description: Manage BIG-IP LTM iRules
version_added: 0.1.0
description:
  - Create, update or delete an LTM iRule (C(ltm rule)), a TCL script run by virtual servers.
  - The deployment guide ("Creating the iRule") creates C(vmotion-irule), which holds the client
    connections that arrive at the old data center while a pool member migrates and releases them
    to the new one.
  - The script is compared with trailing whitespace removed from every line and from the end, so an
    editor's final newline does not cause a change.
  - The device checks the TCL; a script it rejects makes the module fail with the device's own
    message (line and error) and the rule's name.
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  content:
    description:
      - The TCL text of the iRule, for example from C(lookup('file', 'vmotion-irule.tcl')). Required to create the iRule.
    type: str
extends_documentation_fragment:
  - longdistance.vmotion.bigip
  - longdistance.vmotion.bigip_object
  - longdistance.vmotion.attributes
  - longdistance.vmotion.attributes.action_group_bigip
"""

EXAMPLES = r"""
- name: Create the migration iRule of the deployment guide
  longdistance.vmotion.bigip_ltm_irule:
    name: vmotion-irule
    content: "{{ lookup('ansible.builtin.file', 'vmotion-irule.tcl') }}"
  module_defaults:
    group/longdistance.vmotion.bigip:
      server: "{{ bigip_server }}"
      user: "{{ bigip_user }}"
      password: "{{ bigip_password }}"

- name: Remove it
  longdistance.vmotion.bigip_ltm_irule:
    name: vmotion-irule
    state: absent
"""

RETURN = r"""
irule:
  description: The managed settings of the iRule after the task (predicted in check mode); empty after deletion.
  returned: always
  type: dict
  sample:
    content: "when CLIENT_ACCEPTED {\n    log local0. \"client connected\"\n}"
diff:
  description: The script before and after, with O(ignore:--diff).
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import runner
from ansible_collections.longdistance.vmotion.plugins.module_utils._differ import Field


def tidy(script):
    """The script without trailing whitespace on each line and at the end."""
    return None if script is None else "\n".join(line.rstrip() for line in script.splitlines()).rstrip()


FIELDS = [Field("content", "apiAnonymous", compare=lambda desired, current: tidy(desired) == tidy(current))]

OPTIONS = dict(
    content=dict(type="str"),
)


IRULE = runner.RestObject("/mgmt/tm/ltm/rule", "LTM iRule", FIELDS, required_on_create=("content",), result_key="irule")


def main():
    runner.run(IRULE, OPTIONS)


if __name__ == "__main__":
    main()
