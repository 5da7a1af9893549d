#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigip_gtm_wide_ip
short_description: Manage BIG-IP GTM wide IPs (type A)
version_added: 0.1.0
description:
  - Create, update or delete a GTM (BIG-IP DNS) wide IP of type A (C(gtm wideip a)), the DNS name
    GTM answers for, and its list of pools.
  - The deployment guide creates C(vmhttp.siterequest.com) with C(Local_pool) and C(Remote_pool).
  - O(pools) is the B(whole) pool list of the wide IP. Pools not listed are removed from it, and a
    change of order or ratio of any pool is applied (the list is always sent complete).
  - To move traffic between the pools during a migration use M(longdistance.vmotion.bigip_gtm_ratio);
    ratios not given here are kept as they are on the device, so re-running the site configuration
    does not undo a traffic switch.
  - Options left unset (V(null)) are not managed.
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  pools:
    description:
      - The pool list of the wide IP (an empty list removes every pool). The pools must exist (M(longdistance.vmotion.bigip_gtm_pool)).
    type: list
    elements: dict
    suboptions:
      name:
        description: Pool name or full path.
        type: str
        required: true
      order:
        description: Position of the pool (0 first). Defaults to the position in the list.
        type: int
      ratio:
        description:
          - Weight of the pool when O(pool_lb_mode=ratio) (0 or more).
          - Unset keeps the pool's current ratio; a pool new to the wide IP gets 1 (the device default).
        type: int
  pool_lb_mode:
    description: How the wide IP picks a pool.
    type: str
    choices: [global-availability, ratio, round-robin, topology]
  enabled:
    description: Whether GTM answers for the wide IP.
    type: bool
extends_documentation_fragment:
  - longdistance.vmotion.bigip
  - longdistance.vmotion.bigip_object
  - longdistance.vmotion.attributes
  - longdistance.vmotion.attributes.action_group_bigip
"""

EXAMPLES = r"""
- name: Create the wide IP of the deployment guide
  longdistance.vmotion.bigip_gtm_wide_ip:
    name: vmhttp.siterequest.com
    pool_lb_mode: ratio
    pools:
      - name: Local_pool
      - name: Remote_pool
  module_defaults:
    group/longdistance.vmotion.bigip:
      server: "{{ bigip_server }}"
      user: "{{ bigip_user }}"
      password: "{{ bigip_password }}"

- name: Remove the remote pool from the wide IP
  longdistance.vmotion.bigip_gtm_wide_ip:
    name: vmhttp.siterequest.com
    pools:
      - name: Local_pool
"""

RETURN = r"""
wide_ip:
  description: The managed settings of the wide IP after the task (predicted in check mode); empty after deletion.
  returned: always
  type: dict
  sample:
    pool_lb_mode: ratio
    enabled: true
    pools:
      - name: /Common/Local_pool
        order: 0
        ratio: 1
      - name: /Common/Remote_pool
        order: 1
        ratio: 1
diff:
  description: Managed settings before and after, with O(ignore:--diff).
  returned: when diff mode is on
  type: dict
"""

import re

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import runner
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.names import enabled_pair, full_path, wide_ip_pools
from ansible_collections.longdistance.vmotion.plugins.module_utils._differ import Field
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError

LABEL = re.compile(r"^[A-Za-z0-9_*?]([A-Za-z0-9_*?-]{0,61}[A-Za-z0-9_*?])?$")


FIELDS = [
    Field("pools", read=wide_ip_pools, write=lambda value: {"pools": value}),
    Field("pool_lb_mode", "poolLbMode"),
    enabled_pair(),
]

OPTIONS = dict(
    pools=dict(type="list", elements="dict", options=dict(
        name=dict(type="str", required=True),
        order=dict(type="int"),
        ratio=dict(type="int"),
    )),
    pool_lb_mode=dict(type="str", choices=["global-availability", "ratio", "round-robin", "topology"]),
    enabled=dict(type="bool"),
)


def validate_fqdn(name):
    labels = name.split(".")
    if len(name) > 253 or len(labels) < 2 or not all(LABEL.match(label) for label in labels):
        raise ValidationError("GTM wide IP %r: the name must be a fully qualified domain name such as app.example.com "
                              "(labels of letters, digits, '-', '_' or the wildcards '*' '?', at most 63 characters each)" % name)


def desired_pools(params):
    """The pool list as it must be on the device: full paths and orders; a ratio left unset is None until ``resolve``."""
    label = "GTM wide IP %s" % params["name"]
    entries = []
    for position, pool in enumerate(params["pools"]):
        name = full_path(pool["name"], params["partition"])
        order = position if pool["order"] is None else pool["order"]
        if not 0 <= order <= 4294967295 or (pool["ratio"] is not None and not 0 <= pool["ratio"] <= 4294967295):
            raise ValidationError("%s: pools: pool %s order and ratio must be 0 or more (at most 4294967295)" % (label, name))
        entries.append({"name": name, "order": order, "ratio": pool["ratio"]})
    for key in ("name", "order"):
        values = [entry[key] for entry in entries]
        if len(set(values)) != len(values):
            raise ValidationError("%s: each pool %s must appear once, got %s" % (label, key, values))
    return sorted(entries, key=lambda entry: entry["order"])


def prepare(params, client):
    """Bad input fails before any request."""
    validate_fqdn(params["name"])
    if params["state"] == "present" and params["pools"] is not None:
        params["pools"] = desired_pools(params)
    return params


def resolve(params, current):
    """From the one read of the wide IP: a pool without a ratio keeps its current one (1 for a pool it does not list yet)."""
    if params["pools"] is not None:
        kept = {entry["name"]: entry["ratio"] for entry in wide_ip_pools(current)}
        params["pools"] = [dict(pool, ratio=kept.get(pool["name"], 1) if pool["ratio"] is None else pool["ratio"])
                           for pool in params["pools"]]
    return params


WIDE_IP = runner.RestObject("/mgmt/tm/gtm/wideip/a", "GTM wide IP", FIELDS, result_key="wide_ip", prepare=prepare, resolve=resolve)


def main():
    runner.run(WIDE_IP, OPTIONS)


if __name__ == "__main__":
    main()
