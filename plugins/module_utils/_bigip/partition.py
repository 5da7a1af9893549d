# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Administrative partitions: their default route domain, applied to addresses as the device does.

A BIG-IP stores an address given without ``%N`` in the route domain that is the default of the
object's partition and shows it with ``%N`` (N other than 0). A module comparing ``10.1.1.1/24``
with the device's ``10.1.1.1%2/24`` must apply the same default, or every run would "change".
``Common`` is taken to use route domain 0 (its factory default), so runs in ``Common`` pay no
extra request; another partition is read once per module run (``GET /mgmt/tm/auth/partition/<name>``).
"""

from __future__ import annotations

from .._errors import ValidationError

PARTITION_PATH = "/mgmt/tm/auth/partition/"


def default_route_domain(client, partition):
    """The partition's ``defaultRouteDomain`` (0 for ``Common``); fails when the partition does not exist."""
    if partition in (None, "Common"):
        return 0
    cache = getattr(client, "route_domains", None)
    if cache is None:
        cache = client.route_domains = {}
    if partition not in cache:
        obj = client.get(PARTITION_PATH + partition, what="partition %s" % partition)
        if obj is None:
            raise ValidationError("partition %s does not exist on BIG-IP %s" % (partition, client.server))
        cache[partition] = int(obj.get("defaultRouteDomain", 0))
    return cache[partition]


def with_route_domain(client, partition, address):
    """``10.1.1.1`` / ``10.1.1.1/24`` -> ``10.1.1.1%2`` / ``10.1.1.1%2/24`` in a partition whose default route
    domain is 2; addresses that name their route domain (``%N``) are kept."""
    if address is None or "%" in address:
        return address
    route_domain = default_route_domain(client, partition)
    if not route_domain:
        return address
    ip, slash, prefix = address.partition("/")
    return "%s%%%s%s%s" % (ip, route_domain, slash, prefix)
