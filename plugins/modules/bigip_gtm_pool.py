#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigip_gtm_pool
short_description: Manage BIG-IP GTM pools (type A) and their members
version_added: 0.1.0
description:
  - Create, update or delete a GTM (BIG-IP DNS) pool of type A (C(gtm pool a)) and its members,
    the GTM server virtual servers the pool answers with.
  - The deployment guide creates C(Local_pool) (member C(Local-BIG-IP:vmhttp_vs)) and C(Remote_pool)
    (member C(Remote-BIG-IP:vmhttp_vs)); the remote pool is B(disabled) at creation (O(enabled=false))
    and enabled by the traffic switch (M(longdistance.vmotion.bigip_gtm_ratio)) during a migration.
  - Members are kept in the C(members) sub-collection of the pool; only the listed ones are managed
    unless O(purge_members) is set.
  - All or nothing. A new pool is created together with its members in one request, and a change that takes
    several requests (the pool and its members, or several of its members) is sent in one transaction.
  - Options left unset (V(null)) are not managed.
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  members:
    description:
      - Members of the pool. Each is a virtual server of a GTM server, named C(<server>:<virtual_server>) on the device.
      - Listed members are created or updated; others are kept unless O(purge_members) is set.
    type: list
    elements: dict
    suboptions:
      server:
        description: GTM server name (or full path in the pool's partition).
        type: str
        required: true
      virtual_server:
        description: Name of the virtual server inside that GTM server.
        type: str
        required: true
      ratio:
        description: Weight of the member when the pool balances by ratio (0 or more).
        type: int
      order:
        description: Position of the member in the pool (0 first), used by global availability.
        type: int
      enabled:
        description: Whether GTM may answer with this member.
        type: bool
  purge_members:
    description: Delete the members of the pool that are not in O(members) (needs O(members)).
    type: bool
    default: false
  load_balancing_mode:
    description: Preferred load balancing method of the pool.
    type: str
    choices: [completion-rate, cpu, drop-packet, fallback-ip, fewest-hops, global-availability, kilobytes-per-second,
              least-connections, lowest-round-trip-time, packet-rate, quality-of-service, ratio, return-to-dns,
              round-robin, static-persistence, topology, virtual-server-capacity, virtual-server-score]
  alternate_mode:
    description: Method used when the preferred one cannot answer.
    type: str
    choices: [drop-packet, fallback-ip, global-availability, none, packet-rate, ratio, return-to-dns, round-robin,
              static-persistence, topology, virtual-server-capacity, virtual-server-score]
  fallback_mode:
    description: Method used when the preferred and alternate ones cannot answer.
    type: str
    choices: [completion-rate, cpu, drop-packet, fallback-ip, fewest-hops, global-availability, kilobytes-per-second,
              least-connections, lowest-round-trip-time, none, packet-rate, quality-of-service, ratio, return-to-dns,
              round-robin, static-persistence, topology, virtual-server-capacity, virtual-server-score]
  monitors:
    description:
      - Health monitors of the pool, by name or full path; all must succeed. V(default) means the members' own monitors;
        an empty list removes every monitor. Order does not matter.
    type: list
    elements: str
  ttl:
    description: Time to live, in seconds, of the DNS answers of this pool (0 or more).
    type: int
  enabled:
    description: Whether the pool takes part in load balancing. The guide creates the remote pool disabled.
    type: bool
extends_documentation_fragment:
  - longdistance.vmotion.bigip
  - longdistance.vmotion.bigip_object
  - longdistance.vmotion.attributes
  - longdistance.vmotion.attributes.action_group_bigip
"""

EXAMPLES = r"""
- name: Create the remote pool of the deployment guide, disabled
  longdistance.vmotion.bigip_gtm_pool:
    name: Remote_pool
    monitors: [VM-http-monitor]
    load_balancing_mode: round-robin
    enabled: false
    members:
      - server: Remote-BIG-IP
        virtual_server: vmhttp_vs
  module_defaults:
    group/longdistance.vmotion.bigip:
      server: "{{ bigip_server }}"
      user: "{{ bigip_user }}"
      password: "{{ bigip_password }}"

- name: Keep exactly one member
  longdistance.vmotion.bigip_gtm_pool:
    name: Local_pool
    members:
      - server: Local-BIG-IP
        virtual_server: vmhttp_vs
        ratio: 1
    purge_members: true
"""

RETURN = r"""
pool:
  description:
    - The managed settings of the pool after the task (predicted in check mode); empty after deletion.
    - C(members) maps each listed member's name (C(server:virtual_server)) to its managed settings.
  returned: always
  type: dict
  sample:
    load_balancing_mode: round-robin
    monitors: [/Common/VM-http-monitor]
    enabled: false
    members:
      "Remote-BIG-IP:vmhttp_vs":
        ratio: 1
diff:
  description: Managed settings before and after, with O(ignore:--diff); members under C(members).
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import runner
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.names import base_name, enabled_pair, full_path, monitor_rule
from ansible_collections.longdistance.vmotion.plugins.module_utils._differ import Field
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError

PREFERRED = ["completion-rate", "cpu", "drop-packet", "fallback-ip", "fewest-hops", "global-availability", "kilobytes-per-second",
             "least-connections", "lowest-round-trip-time", "packet-rate", "quality-of-service", "ratio", "return-to-dns",
             "round-robin", "static-persistence", "topology", "virtual-server-capacity", "virtual-server-score"]
ALTERNATE = ["drop-packet", "fallback-ip", "global-availability", "none", "packet-rate", "ratio", "return-to-dns", "round-robin",
             "static-persistence", "topology", "virtual-server-capacity", "virtual-server-score"]
FALLBACK = sorted(PREFERRED + ["none"])

FIELDS = [
    Field("load_balancing_mode", "loadBalancingMode"),
    Field("alternate_mode", "alternateMode"),
    Field("fallback_mode", "fallbackMode"),
    Field("monitors", "monitor", **monitor_rule()),
    Field("ttl", "ttl"),
    enabled_pair(),
]
MEMBER_FIELDS = [Field("ratio", "ratio"), Field("order", "memberOrder"), enabled_pair()]

OPTIONS = dict(
    members=dict(type="list", elements="dict", options=dict(
        server=dict(type="str", required=True),
        virtual_server=dict(type="str", required=True),
        ratio=dict(type="int"),
        order=dict(type="int"),
        enabled=dict(type="bool"),
    )),
    purge_members=dict(type="bool", default=False),
    load_balancing_mode=dict(type="str", choices=PREFERRED),
    alternate_mode=dict(type="str", choices=ALTERNATE),
    fallback_mode=dict(type="str", choices=FALLBACK),
    monitors=dict(type="list", elements="str"),
    ttl=dict(type="int"),
    enabled=dict(type="bool"),
)


def member_items(params, client=None):
    """The members as sub-collection items named ``server:virtual_server`` (None: leave them alone); bad values refused here."""
    label = "GTM pool %s" % full_path(params["name"], params["partition"])
    items = []
    for member in params["members"] or []:
        server = base_name(member["server"])
        name = "%s:%s" % (server, member["virtual_server"])
        if not server or not member["virtual_server"]:
            raise ValidationError("%s: member %r needs a server and a virtual_server name" % (label, name))
        for option in ("ratio", "order"):
            if member[option] is not None and not 0 <= member[option] <= 4294967295:
                raise ValidationError("%s: member %s %s must be 0 or more (at most 4294967295), got %s"
                                      % (label, name, option, member[option]))
        items.append(dict(member, name=name))
    if params["ttl"] is not None and params["ttl"] < 0:
        raise ValidationError("%s: ttl must be 0 or more, got %s" % (label, params["ttl"]))
    return items if params["members"] is not None else None


POOL = runner.RestObject("/mgmt/tm/gtm/pool/a", "GTM pool", FIELDS, result_key="pool",
                         items=runner.ItemSet("members", "members", MEMBER_FIELDS, "member", True, member_items, inline="members"))


def main():
    runner.run(POOL, OPTIONS)


if __name__ == "__main__":
    main()
