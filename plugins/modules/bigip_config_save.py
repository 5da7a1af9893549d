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
  - BIG-IP's REST API has no indicator of unsaved changes, so the module saves B(every time) it
    runs (not in check mode). Run it at the end of every play that may change a BIG-IP, not only as
    a handler. A handler never runs when the play fails or is killed, and the next run, finding
    nothing to change, would not save either.
  - The save is retried like every call of the collection while the device is unreachable or its
    REST framework is restarting (up to O(retry_deadline)); when it still fails, the task fails and
    says that nothing was saved.
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  unsaved_changes:
    description:
      - What the caller knows about unsaved changes, typically "this play changed the device".
      - Only decides what the task reports as C(changed) (V(null), the default, counts the save as a
        change); the configuration is saved either way, and RV(saved) tells whether it was.
    type: bool
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: Nothing is saved in check mode; C(changed) is predicted as outside check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
extends_documentation_fragment:
  - longdistance.vmotion.bigip
  - longdistance.vmotion.attributes.action_group_bigip
"""

EXAMPLES = r"""
# Last task of a play: saves on every run, so the changes of an earlier run that failed or was
# killed before saving are saved too; reports changed only when this play changed the device.
- name: Configure the WAN self IP
  longdistance.vmotion.bigip_selfip:
    name: vmotion-self
    address: 10.133.57.236/24
    vlan: vmotion-vlan
  register: selfip

- name: Save the BIG-IP configuration
  longdistance.vmotion.bigip_config_save:
    unsaved_changes: "{{ selfip is changed }}"
  module_defaults:
    group/longdistance.vmotion.bigip:
      server: "{{ bigip_server }}"
      user: "{{ bigip_user }}"
      password: "{{ bigip_password }}"
"""

RETURN = r"""
saved:
  description: Whether the device confirmed the save (V(false) in check mode).
  returned: always
  type: bool
  sample: true
msg:
  description: What was done, in words.
  returned: always
  type: str
  sample: saved the running configuration of BIG-IP 192.0.2.10
"""

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.client import BIGIP
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ApiError, OutcomeUnknownError, TransportError
from ansible_collections.longdistance.vmotion.plugins.module_utils._module import run_module

ARGUMENT_SPEC = dict(unsaved_changes=dict(type="bool"))


def ensure(module, client):
    hint = module.params["unsaved_changes"]
    changed = True if hint is None else hint
    if client.check_mode:
        return {"changed": changed, "saved": False, "msg": "check mode: would save the running configuration of BIG-IP %s" % client.server}
    try:
        client.save_config()
    except OutcomeUnknownError as exc:
        raise OutcomeUnknownError("It is unknown whether the running configuration was saved: %s" % exc.msg, **exc.details) from None
    except (ApiError, TransportError) as exc:
        raise type(exc)("The running configuration was NOT saved: %s" % exc.msg, **exc.details) from None
    return {"changed": changed, "saved": True, "msg": "saved the running configuration of BIG-IP %s" % client.server}


def main():
    run_module(ensure, ARGUMENT_SPEC, connection=BIGIP)


if __name__ == "__main__":
    main()
