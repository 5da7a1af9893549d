#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigip_gtm_ratio
short_description: Switch the traffic of a GTM wide IP between data centers by ratio
version_added: 0.1.0
description:
  - The traffic switch of a long-distance migration (deployment guide, "Using ratios to switch data
    center traffic with GTM") - sets the ratios of the pools of a GTM wide IP (type A) and its pool
    load balancing mode to C(ratio), so that DNS answers send the wanted share of clients to each data center.
  - Give exactly one of O(ratios) (explicit weights), O(cutover) ("send N % to pool X") or O(all_to)
    ("all traffic to pool X").
  - Every write of one task (the wide IP's pool list, pool enable/disable, member ratios) is sent in
    B(one transaction), so the device never shows half a cut-over.
  - The whole pool list is compared (name, order and ratio of every pool), so a swap of ratios between
    two pools (70/30 to 30/70) and the removal of a pool are always detected and applied.
  - Safe to run repeatedly, for example once per migrated VM; an unchanged request sends no write.
  - Every named pool and member is checked before anything is written; a missing one fails the task cleanly.
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  wide_ip:
    description: Name (FQDN) or full path of the wide IP, for example C(vmhttp.siterequest.com).
    type: str
    required: true
  partition:
    description: Partition of the wide IP, and of pools given by bare name.
    type: str
    default: Common
  ratios:
    description:
      - Pool name (or full path) to ratio (0 or more). Pools of the wide IP not named keep their ratio
        (unless O(purge_pools)); a named pool that exists but is not in the wide IP yet is appended to it.
    type: dict
  cutover:
    description:
      - Send O(cutover.percent) % of the traffic to pool O(cutover.to); the rest is spread evenly over
        the other pools of the wide IP. The ratios are reduced by their greatest common divisor
        (50 gives 1:1, 70 gives 7:3, 100 gives 1:0, 0 gives 0:1).
    type: dict
    suboptions:
      to:
        description: Pool of the wide IP that receives the share (name or full path).
        type: str
        required: true
      percent:
        description: Share of the traffic, 0 to 100.
        type: int
        required: true
  all_to:
    description: Send all traffic to this pool of the wide IP (ratio 1) and none to the others (ratio 0).
    type: str
  member_ratios:
    description:
      - Pool name to a dict of member name (C(server:virtual_server)) to ratio (0 or more), for the
        ratios of members inside GTM pools. The pools and members must exist.
    type: dict
  enable_pools:
    description:
      - Enable the pools of the wide IP that receive traffic (ratio above 0) and are disabled. Needed
        for the first switch, because the guide creates the remote pool disabled.
    type: bool
    default: false
  disable_idle_pools:
    description: Disable the pools of the wide IP whose ratio becomes (or is) 0.
    type: bool
    default: false
  purge_pools:
    description: With O(ratios), remove the pools of the wide IP that are not named in O(ratios).
    type: bool
    default: false
notes:
  - A disabled pool receives no traffic whatever its ratio; RV(percent_after) takes that into account.
extends_documentation_fragment:
  - longdistance.vmotion.bigip
  - longdistance.vmotion.attributes
  - longdistance.vmotion.attributes.action_group_bigip
"""

EXAMPLES = r"""
- name: Half of the clients to the secondary data center (first switch enables the remote pool)
  longdistance.vmotion.bigip_gtm_ratio:
    wide_ip: vmhttp.siterequest.com
    cutover:
      to: Remote_pool
      percent: 50
    enable_pools: true
  module_defaults:
    group/longdistance.vmotion.bigip:
      server: "{{ bigip_server }}"
      user: "{{ bigip_user }}"
      password: "{{ bigip_password }}"

- name: Everything to the secondary data center once the last VM has moved
  longdistance.vmotion.bigip_gtm_ratio:
    wide_ip: vmhttp.siterequest.com
    all_to: Remote_pool
    enable_pools: true
    disable_idle_pools: true

- name: Explicit weights, the wide IP keeps only these two pools
  longdistance.vmotion.bigip_gtm_ratio:
    wide_ip: vmhttp.siterequest.com
    ratios:
      Local_pool: 3
      Remote_pool: 7
    purge_pools: true
"""

RETURN = r"""
wide_ip:
  description: Full path of the wide IP.
  returned: always
  type: str
  sample: /Common/vmhttp.siterequest.com
ratios_before:
  description:
    - Pool to ratio of the wide IP before the task.
    - Pools are keyed by name (by full path when in another partition than the wide IP).
  returned: always
  type: dict
  sample: {Local_pool: 1, Remote_pool: 0}
ratios_after:
  description: Pool to ratio after the task (predicted in check mode); removed pools are gone.
  returned: always
  type: dict
  sample: {Local_pool: 1, Remote_pool: 1}
enabled_before:
  description: Pool to whether it was enabled, for the pools of the wide IP before the task.
  returned: always
  type: dict
  sample: {Local_pool: true, Remote_pool: false}
enabled_after:
  description: Pool to whether it is enabled, for the pools of the wide IP after the task (predicted in check mode).
  returned: always
  type: dict
  sample: {Local_pool: true, Remote_pool: true}
percent_after:
  description: Pool to its share of the traffic in percent (2 decimals) after the task; a disabled pool has 0.
  returned: always
  type: dict
  sample: {Local_pool: 50.0, Remote_pool: 50.0}
member_ratios_before:
  description: Pool to member (C(server:virtual_server)) to ratio before the task, for the pools in O(member_ratios).
  returned: when O(member_ratios) is set
  type: dict
  sample: {Remote_pool: {"Remote-BIG-IP:vmhttp_vs": 1}}
member_ratios_after:
  description: The same after the task (predicted in check mode).
  returned: when O(member_ratios) is set
  type: dict
  sample: {Remote_pool: {"Remote-BIG-IP:vmhttp_vs": 2}}
diff:
  description: C(pool_lb_mode), C(ratios), C(enabled) (and C(member_ratios)) before and after, with O(ignore:--diff).
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import gtm, runner
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.client import BIGIP, resource_path
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.names import full_path, is_enabled
from ansible_collections.longdistance.vmotion.plugins.module_utils._differ import diff_of
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError
from ansible_collections.longdistance.vmotion.plugins.module_utils._module import run_module

ARGUMENT_SPEC = dict(
    wide_ip=dict(type="str", required=True),
    partition=dict(type="str", default="Common"),
    ratios=dict(type="dict"),
    cutover=dict(type="dict", options=dict(to=dict(type="str", required=True), percent=dict(type="int", required=True))),
    all_to=dict(type="str"),
    member_ratios=dict(type="dict"),
    enable_pools=dict(type="bool", default=False),
    disable_idle_pools=dict(type="bool", default=False),
    purge_pools=dict(type="bool", default=False),
)
CHOICE = ("ratios", "cutover", "all_to")


def validate(params):
    label = "GTM wide IP %s" % full_path(params["wide_ip"], params["partition"])
    if params["cutover"] is not None and not 0 <= params["cutover"]["percent"] <= 100:
        raise ValidationError("%s: cutover percent must be 0 to 100, got %s" % (label, params["cutover"]["percent"]))
    if params["purge_pools"] and params["ratios"] is None:
        raise ValidationError("%s: purge_pools only applies with ratios (the pools to keep)" % label)
    if params["ratios"] == {}:
        raise ValidationError("%s: ratios must name at least one pool" % label)
    for pool, value in (params["ratios"] or {}).items():
        gtm.ratio_value("%s pool %s" % (label, pool), value)
    for pool, members in (params["member_ratios"] or {}).items():
        if not isinstance(members, dict) or not members:
            raise ValidationError("%s: member_ratios of pool %s must be a dict of member name to ratio" % (label, pool))
        for member, value in members.items():
            gtm.ratio_value("%s GTM pool %s member %s" % (label, pool, member), value, "member_ratios")
    return label


def ensure(module, client, diff):
    params = module.params
    label = validate(params)
    path = resource_path(gtm.WIDE_IPS, params["wide_ip"], params["partition"])
    wide_ip = client.get(path, what=label)
    if wide_ip is None:
        raise ValidationError("%s does not exist on BIG-IP %s" % (label, client.server))
    current = gtm.wide_ip_pools(wide_ip)
    planned = gtm.plan_ratios(params, label, current)
    if sum(ratio for _path, ratio in planned) == 0:
        raise ValidationError("%s: at least one pool needs a ratio above 0, got %s" % (label, dict(planned)))
    pools = gtm.read_pools(client, [p for p, _r in current] + [p for p, _r in planned if p not in dict(current)])
    members_before, members_after, member_writes = gtm.plan_members(client, params, label)
    enabled_after, pool_writes = gtm.plan_states(params, pools, planned)

    body = {}
    if planned != current:
        body["pools"] = [{"name": p, "order": order, "ratio": ratio} for order, (p, ratio) in enumerate(planned)]
    if wide_ip.get("poolLbMode") != "ratio":
        body["poolLbMode"] = "ratio"
    writes = ([(path, body, label)] if body else []) + pool_writes + member_writes
    runner.apply_in_transaction(client, writes, label)

    served = sum(ratio for p, ratio in planned if enabled_after[p])
    if served == 0:
        module.warn("%s: no enabled pool has a ratio above 0 after this task; enable_pools enables the pools that receive traffic" % label)
    key = gtm.pool_key(params["partition"])
    result = {
        "changed": bool(writes),
        "wide_ip": full_path(params["wide_ip"], params["partition"]),
        "ratios_before": {key(p): r for p, r in current},
        "ratios_after": {key(p): r for p, r in planned},
        "enabled_before": {key(p): is_enabled(pools[p]) for p, _r in current},
        "enabled_after": {key(p): e for p, e in enabled_after.items()},
        "percent_after": {key(p): round(100.0 * r / served, 2) if served and enabled_after[p] else 0.0 for p, r in planned},
    }
    sides = ("ratios", "enabled")
    if params["member_ratios"] is not None:
        result["member_ratios_before"] = {key(p): m for p, m in members_before.items()}
        result["member_ratios_after"] = {key(p): m for p, m in members_after.items()}
        sides += ("member_ratios",)
    if diff:
        result["diff"] = diff_of(*(dict({name: result["%s_%s" % (name, side)] for name in sides}, pool_lb_mode=mode)
                                   for side, mode in (("before", wide_ip.get("poolLbMode")), ("after", "ratio"))))
    return result


def main():
    run_module(ensure, ARGUMENT_SPEC, connection=BIGIP, with_diff=True, mutually_exclusive=[CHOICE], required_one_of=[CHOICE])


if __name__ == "__main__":
    main()
