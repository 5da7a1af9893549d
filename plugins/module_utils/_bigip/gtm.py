# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""GTM traffic plans for ``bigip_gtm_ratio``: a wide IP's pool ratios, pool states and member ratios
before and after a task, and the writes that get from one to the other.

The whole pool list of a wide IP is compared (name, order and ratio of every pool), so a swap of
ratios between two pools and the removal of a pool are both seen as changes.
"""

from __future__ import annotations

from functools import reduce
from math import gcd

from .._errors import ValidationError
from . import names
from .client import resource_path
from .names import full_path

WIDE_IPS = "/mgmt/tm/gtm/wideip/a"
POOLS = "/mgmt/tm/gtm/pool/a"


RATIO_MAX = 4294967295
"""BIG-IP keeps ratios as unsigned 32-bit integers."""


def ratio_value(label, value, option="ratios"):
    """A ratio from the user (YAML may give strings, ``.inf`` or ``.nan``): an int from 0 to RATIO_MAX.

    The message starts with the option and names the pool or member (``label``)."""
    try:
        if isinstance(value, bool):
            raise ValueError(value)
        number = float(value)
        ratio = int(number)  # OverflowError for inf, ValueError for nan
    except (TypeError, ValueError, OverflowError):
        raise ValidationError("%s: %s: ratio must be a whole number of 0 or more (at most %d), got %r"
                              % (option, label, RATIO_MAX, value)) from None
    if ratio < 0 or ratio != number or ratio > RATIO_MAX:
        raise ValidationError("%s: %s: ratio must be a whole number of 0 or more (at most %d), got %r" % (option, label, RATIO_MAX, value))
    return ratio


def cutover_ratios(label, target, others, percent):
    """``percent`` % to ``target``, the rest evenly over ``others``; ratios reduced by their gcd."""
    if not others:
        if percent != 100:
            raise ValidationError("%s: pool %s is its only pool and cannot get %s %% of the traffic" % (label, target, percent))
        return {target: 1}
    raw = dict.fromkeys(others, 100 - percent)
    raw[target] = percent * len(others)
    divisor = reduce(gcd, raw.values())
    return {pool: ratio // divisor for pool, ratio in raw.items()}


def wide_ip_pools(wide_ip):
    """The wide IP's ``pools`` -> ``[(full path, ratio)]`` in order."""
    return [(entry["name"], entry["ratio"]) for entry in names.wide_ip_pools(wide_ip)]


def plan_ratios(params, label, current):
    """The wide IP's pool list after the task: ``[(full path, ratio)]`` in order."""
    partition = params["partition"]
    names = [path for path, _ratio in current]
    if params["ratios"] is not None:
        wanted = {full_path(pool, partition): ratio_value("%s pool %s" % (label, pool), value) for pool, value in params["ratios"].items()}
        if len(wanted) != len(params["ratios"]):
            raise ValidationError("%s: ratios names a pool twice (by name and by full path): %s" % (label, sorted(params["ratios"])))
        kept = []
        for path, ratio in current:
            if path in wanted:
                kept.append((path, wanted.pop(path)))
            elif not params["purge_pools"]:
                kept.append((path, ratio))
        return kept + list(wanted.items())
    target = full_path(params["all_to"] or params["cutover"]["to"], partition)
    if target not in names:
        raise ValidationError("%s: pool %s is not one of its pools (%s)" % (label, target, ", ".join(names) or "none"))
    others = [path for path in names if path != target]
    ratios = cutover_ratios(label, target, others, 100 if params["all_to"] else params["cutover"]["percent"])
    return [(path, ratios[path]) for path in names]


def read_pools(client, paths):
    """Pool full path -> the pool object; a missing pool fails before any write."""
    pools = {}
    for path in paths:
        what = "GTM pool %s" % path
        pools[path] = client.get(resource_path(POOLS, path), what=what)
        if pools[path] is None:
            raise ValidationError("%s does not exist on BIG-IP %s" % (what, client.server))
    return pools


def plan_members(client, params, label):
    """(before, after, writes) of the member ratios: pool -> member -> ratio, and the PATCHes to send."""
    before, after, writes = {}, {}, []
    for pool, wanted in (params["member_ratios"] or {}).items():
        path = full_path(pool, params["partition"])
        collection = resource_path(POOLS, path) + "/members"
        items = (client.get(collection, what="GTM pool %s members" % path) or {}).get("items")
        if items is None:
            raise ValidationError("%s: GTM pool %s does not exist on BIG-IP %s" % (label, path, client.server))
        current = {item["name"]: item for item in items}
        before[path] = {name: item.get("ratio", 1) for name, item in current.items()}
        after[path] = dict(before[path])
        for member, value in wanted.items():
            name = names.base_name(member)
            if name not in current:
                raise ValidationError("%s: GTM pool %s has no member %s (members: %s)"
                                      % (label, path, name, ", ".join(sorted(current)) or "none"))
            ratio = ratio_value("GTM pool %s member %s" % (path, name), value, "member_ratios")
            after[path][name] = ratio
            if ratio != before[path][name]:
                member_path = resource_path(collection, name, current[name].get("partition"))
                writes.append((member_path, {"ratio": ratio}, "GTM pool %s member %s" % (path, name)))
    return before, after, writes


def plan_states(params, pools, planned):
    """(enabled after, writes) of the pools of the wide IP after the task: enable/disable as asked."""
    enabled_after, writes = {}, []
    for path, ratio in planned:
        enabled = names.is_enabled(pools[path])
        if (params["enable_pools"] and ratio > 0 and not enabled) or (params["disable_idle_pools"] and ratio == 0 and enabled):
            enabled = not enabled
            writes.append((resource_path(POOLS, path), names.enabled_body(enabled), "GTM pool %s" % path))
        enabled_after[path] = enabled
    return enabled_after, writes


def pool_key(partition):
    """Result keys: the bare pool name in the wide IP's partition, the full path otherwise."""
    prefix = "/%s/" % partition
    return lambda path: path[len(prefix):] if path.startswith(prefix) and "/" not in path[len(prefix):] else path
