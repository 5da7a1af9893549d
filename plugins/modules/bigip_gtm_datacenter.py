#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigip_gtm_datacenter
short_description: Manage BIG-IP GTM data centers
version_added: 0.1.0
description:
  - Create, update or delete a GTM (BIG-IP DNS) data center (C(gtm datacenter)), the object that
    groups the GTM servers of one physical site.
  - The deployment guide creates two data centers, C(Local) and C(Remote), one per site.
  - Options left unset (V(null)) are not managed.
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  description:
    description: Free-text description.
    type: str
  contact:
    description: Administrative contact of the site.
    type: str
  location:
    description: Physical location of the site.
    type: str
  enabled:
    description: Whether the data center (and so every server in it) takes part in load balancing.
    type: bool
extends_documentation_fragment:
  - longdistance.vmotion.bigip
  - longdistance.vmotion.bigip_object
  - longdistance.vmotion.attributes
  - longdistance.vmotion.attributes.action_group_bigip
"""

EXAMPLES = r"""
- name: Create the two data centers of the deployment guide
  longdistance.vmotion.bigip_gtm_datacenter:
    name: "{{ item }}"
  loop: [Local, Remote]
  module_defaults:
    group/longdistance.vmotion.bigip:
      server: "{{ bigip_server }}"
      user: "{{ bigip_user }}"
      password: "{{ bigip_password }}"

- name: Take the remote data center out of service
  longdistance.vmotion.bigip_gtm_datacenter:
    name: Remote
    enabled: false
"""

RETURN = r"""
datacenter:
  description: The managed settings of the data center after the task (predicted in check mode); empty after deletion.
  returned: always
  type: dict
  sample:
    description: Primary site
    contact: noc@example.com
    location: Seattle
    enabled: true
diff:
  description: Managed settings before and after, with O(ignore:--diff).
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import runner
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.names import enabled_pair
from ansible_collections.longdistance.vmotion.plugins.module_utils._differ import Field
FIELDS = [
    Field("description", "description"),
    Field("contact", "contact"),
    Field("location", "location"),
    enabled_pair(),
]

OPTIONS = dict(
    description=dict(type="str"),
    contact=dict(type="str"),
    location=dict(type="str"),
    enabled=dict(type="bool"),
)


DATACENTER = runner.RestObject("/mgmt/tm/gtm/datacenter", "GTM data center", FIELDS, result_key="datacenter")


def main():
    runner.run(DATACENTER, OPTIONS)


if __name__ == "__main__":
    main()
