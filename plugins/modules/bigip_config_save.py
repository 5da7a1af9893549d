#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigip_config_save
short_description: Save the running configuration of a BIG-IP
version_added: 0.1.0
description:
  - Saves the running configuration to the startup configuration (tmsh C(save sys config)), so
    that changes made through iControl REST survive a reboot or upgrade.
  - Always reports C(changed) when it saves. Meant to be notified as a handler by the tasks that
    change the BIG-IP, so that it runs once at the end of a play and only after changes.
  - In check mode nothing is saved; the task reports what it would do.
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: Nothing is saved in check mode; the task still reports C(changed).
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
extends_documentation_fragment:
  - longdistance.vmotion.bigip
  - longdistance.vmotion.attributes.action_group_bigip
"""

EXAMPLES = r"""
# In a play or role: every change notifies the handler, which saves once at the end.
- name: Configure the WAN self IP
  longdistance.vmotion.bigip_selfip:
    name: vmotion-self
    address: 10.133.57.236/24
    vlan: vmotion-vlan
  notify: Save BIG-IP configuration

# handlers/main.yml
- name: Save BIG-IP configuration
  longdistance.vmotion.bigip_config_save:
  module_defaults:
    group/longdistance.vmotion.bigip:
      server: "{{ bigip_server }}"
      user: "{{ bigip_user }}"
      password: "{{ bigip_password }}"
"""

RETURN = r"""
saved:
  description: Whether the configuration was saved (V(false) in check mode).
  returned: always
  type: bool
  sample: true
"""

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.client import BIGIP
from ansible_collections.longdistance.vmotion.plugins.module_utils._module import run_module

CONFIG_PATH = "/mgmt/tm/sys/config"


def ensure(module, client):
    if not client.check_mode:
        client.request("POST", CONFIG_PATH, {"command": "save"}, what="running configuration")
    return {"changed": True, "saved": not client.check_mode}


def main():
    run_module(ensure, {}, connection=BIGIP)


if __name__ == "__main__":
    main()
