# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module attributes: check mode, diff mode and action group membership."""

from __future__ import annotations


class ModuleDocFragment:
    # Modules that change things: full check mode and diff support.
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
"""

    # Read-only modules (*_info).
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: This module only reads; it runs the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
"""

    ACTION_GROUP_BIGIP = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/longdistance.vmotion.bigip) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - longdistance.vmotion.bigip
"""

    ACTION_GROUP_VSPHERE = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/longdistance.vmotion.vsphere) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - longdistance.vmotion.vsphere
"""
