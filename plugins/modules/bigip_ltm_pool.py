#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigip_ltm_pool
short_description: Manage BIG-IP LTM pools, their members and priority group activation
version_added: 0.1.0
description:
  - Create, update or delete an LTM pool (C(ltm pool)) and its members.
  - The deployment guide ("Minimizing client downtime", "Creating Priority pools") builds the application
    pool with load balancing C(least-connections-node), priority group activation "Less Than 1"
    (O(priority_group_activation=1)), the local application nodes at priority 5 and the other site's
    application virtual server as one more member at priority 1, so that clients still reach the
    application while its last VM migrates.
  - Members are kept in the C(members) sub-collection of the pool (the device creates their nodes);
    only the listed ones are managed unless O(purge_members) is set.
  - All or nothing. A new pool is created together with its members in one request, and a change that takes
    several requests (the pool and its members, or several of its members) is sent in one transaction.
  - Options left unset (V(null)) are not managed.
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  lb_method:
    description: Load balancing method. The guide recommends V(least-connections-node).
    type: str
    choices: [dynamic-ratio-member, dynamic-ratio-node, fastest-app-response, fastest-node, least-connections-member,
              least-connections-node, least-sessions, observed-member, observed-node, predictive-member, predictive-node,
              ratio-least-connections-member, ratio-least-connections-node, ratio-member, ratio-node, ratio-session,
              round-robin, weighted-least-connections-member, weighted-least-connections-node]
  priority_group_activation:
    description:
      - Priority group activation, "Less Than N available members" (the device's C(minActiveMembers)).
        When fewer than N members of the highest priority group are available, the next group is used too.
      - V(0) disables priority group activation; the guide uses V(1).
    type: int
  monitors:
    description: Health monitors of the pool, by name or full path; all must succeed. An empty list removes every monitor.
    type: list
    elements: str
  members:
    description:
      - Members of the pool. Listed members are created or updated; others are kept unless O(purge_members) is set.
    type: list
    elements: dict
    suboptions:
      address:
        description: IP address of the member (IPv4 or IPv6, with an optional C(%route-domain)).
        type: str
        required: true
      port:
        description: Service port, 1 to 65535.
        type: int
        required: true
      name:
        description: Member name on the device; defaults to C(address:port) (IPv6 C(address.port)).
        type: str
      priority_group:
        description:
          - Priority group of the member, 0 to 65535 (higher is preferred).
          - The guide uses 5 for local nodes, 1 for the remote virtual server.
        type: int
      ratio:
        description: Weight of the member for ratio methods, 1 to 65535.
        type: int
      description:
        description: Free-text description of the member.
        type: str
  purge_members:
    description: Delete the members of the pool that are not in O(members) (needs O(members)).
    type: bool
    default: false
extends_documentation_fragment:
  - longdistance.vmotion.bigip
  - longdistance.vmotion.bigip_object
  - longdistance.vmotion.attributes
  - longdistance.vmotion.attributes.action_group_bigip
"""

EXAMPLES = r"""
- name: Application pool with priority group activation (primary site)
  longdistance.vmotion.bigip_ltm_pool:
    name: vmhttp_pool
    lb_method: least-connections-node
    priority_group_activation: 1
    monitors: [http]
    members:
      - {address: 10.133.39.11, port: 80, priority_group: 5}
      - {address: 10.133.39.12, port: 80, priority_group: 5}
      - {address: 10.133.40.51, port: 80, priority_group: 1, description: secondary site virtual server}
    purge_members: true
  module_defaults:
    group/longdistance.vmotion.bigip:
      server: "{{ bigip_server }}"
      user: "{{ bigip_user }}"
      password: "{{ bigip_password }}"
"""

RETURN = r"""
pool:
  description:
    - The managed settings of the pool after the task (predicted in check mode); empty after deletion.
    - C(members) maps each listed member's name to its managed settings.
  returned: always
  type: dict
  sample:
    lb_method: least-connections-node
    priority_group_activation: 1
    members:
      "10.133.39.11:80": {address: 10.133.39.11, priority_group: 5}
      "10.133.40.51:80": {address: 10.133.40.51, priority_group: 1}
diff:
  description: Managed settings before and after, with O(ignore:--diff); members under C(members).
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import runner
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.names import (
    full_path, ip_version, join_address_port, monitor_rule)
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.partition import with_route_domain
from ansible_collections.longdistance.vmotion.plugins.module_utils._differ import Field
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError

LB_METHODS = ["dynamic-ratio-member", "dynamic-ratio-node", "fastest-app-response", "fastest-node", "least-connections-member",
              "least-connections-node", "least-sessions", "observed-member", "observed-node", "predictive-member", "predictive-node",
              "ratio-least-connections-member", "ratio-least-connections-node", "ratio-member", "ratio-node", "ratio-session",
              "round-robin", "weighted-least-connections-member", "weighted-least-connections-node"]
FIELDS = [
    Field("lb_method", "loadBalancingMode"),
    Field("priority_group_activation", "minActiveMembers"),
    Field("monitors", "monitor", **monitor_rule()),
]
MEMBER_FIELDS = [
    Field("address", "address", create_only=True),
    Field("priority_group", "priorityGroup"),
    Field("ratio", "ratio"),
    Field("description", "description"),
]

OPTIONS = dict(
    lb_method=dict(type="str", choices=LB_METHODS),
    priority_group_activation=dict(type="int"),
    monitors=dict(type="list", elements="str"),
    members=dict(type="list", elements="dict", options=dict(
        address=dict(type="str", required=True),
        port=dict(type="int", required=True),
        name=dict(type="str"),
        priority_group=dict(type="int"),
        ratio=dict(type="int"),
        description=dict(type="str"),
    )),
    purge_members=dict(type="bool", default=False),
)
LIMITS = (("port", 1, 65535), ("priority_group", 0, 65535), ("ratio", 1, 65535))


def member_items(params, client=None):
    """The members as sub-collection items with their device names (None: leave them alone); bad values refused here."""
    label = "LTM pool %s" % full_path(params["name"], params["partition"])
    if params["priority_group_activation"] is not None and params["priority_group_activation"] < 0:
        raise ValidationError("%s: priority_group_activation must be 0 or more, got %s" % (label, params["priority_group_activation"]))
    items = []
    for member in params["members"] or []:
        address = member["address"]
        ip_version(address, "%s: member address" % label)
        if client is not None:
            address = with_route_domain(client, params["partition"], address)
        name = member["name"] or join_address_port(address, member["port"])
        for option, low, high in LIMITS:
            if member[option] is not None and not low <= member[option] <= high:
                raise ValidationError("%s: member %s %s must be %s to %s, got %s" % (label, name, option, low, high, member[option]))
        items.append(dict(member, name=name, address=address))
    return items if params["members"] is not None else None


POOL = runner.RestObject("/mgmt/tm/ltm/pool", "LTM pool", FIELDS, result_key="pool",
                         items=runner.ItemSet("members", "members", MEMBER_FIELDS, "member", True, member_items, inline="members"))


def main():
    runner.run(POOL, OPTIONS)


if __name__ == "__main__":
    main()
