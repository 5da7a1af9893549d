# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options of every module that manages one named BIG-IP object (one argument spec: module_utils/_bigip/runner.py OBJECT_SPEC)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  name:
    description:
      - Name of the object on the device, or its full path (C(/Partition/name)).
    type: str
    required: true
  partition:
    description:
      - Administrative partition of the object. Bare names of other objects the task refers to (VLANs, data
        centers, pools, monitors, profiles, iRules) are looked up in this partition.
    type: str
    default: Common
  state:
    description:
      - Whether the object should exist. V(absent) deletes it (nothing happens when it does not exist); the device
        refuses to delete an object that another object still uses, and the task then fails with the device's message.
    type: str
    choices: [present, absent]
    default: present
"""
