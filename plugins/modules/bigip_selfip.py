#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigip_selfip
short_description: Manage BIG-IP self IP addresses
version_added: 0.1.0
description:
  - Create, update or delete a self IP (C(net self)), an address the BIG-IP owns on a VLAN.
  - The deployment guide creates the WAN self IP C(10.133.57.236/24) on C(vmotion-vlan) with port
    lockdown I(Allow None); the local WAN optimization endpoint then uses that address.
  - Options left unset (V(null)) are not managed; on creation the device makes the self IP
    non-floating (C(traffic-group-local-only)) with port lockdown I(Allow None).
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  address:
    description:
      - The address, optionally with a route domain and a prefix length, for example
        C(10.133.57.236/24) or C(10.1.1.1%2/24). Without a prefix length O(netmask) is required.
      - Without C(%N) the address is in the default route domain of O(partition), as on the device (read from
        the partition when it is not C(Common)).
      - Required when the self IP is created.
    type: str
  netmask:
    description:
      - Netmask of O(address) when it has no prefix length, dotted (C(255.255.255.0)) or as a
        prefix length (C(24)). Must agree with a prefix given in O(address).
    type: str
  vlan:
    description: VLAN the address lives on, by name (in O(partition)) or full path. Required when the self IP is created.
    type: str
  allow_service:
    description:
      - Port lockdown. V(none) (I(Allow None), nothing admitted), V(default) (the device's default
        list, which includes C(tcp:443)), V(all) (I(Allow All)), or a list of C(protocol:port)
        entries such as C(tcp:443), optionally together with V(default). Order does not matter.
      - An empty list is the same as V(none). V(none) and V(all) cannot be combined with other entries.
    type: list
    elements: str
  traffic_group:
    description:
      - Traffic group, by name or full path. C(traffic-group-local-only) makes the address
        non-floating; any other traffic group makes it floating.
    type: str
  floating:
    description:
      - Whether the address floats between the units of a device group. Without O(traffic_group),
        V(true) moves it to C(traffic-group-1) (when it is not floating yet) and V(false) to
        C(traffic-group-local-only). With O(traffic_group) it must agree with it.
    type: bool
extends_documentation_fragment:
  - longdistance.vmotion.bigip
  - longdistance.vmotion.bigip_object
  - longdistance.vmotion.attributes
  - longdistance.vmotion.attributes.action_group_bigip
"""

EXAMPLES = r"""
- name: Create the WAN self IP of the deployment guide (port lockdown Allow None)
  longdistance.vmotion.bigip_selfip:
    name: vmotion-self
    address: 10.133.57.236/24
    vlan: vmotion-vlan
    allow_service: none
  module_defaults:
    group/longdistance.vmotion.bigip:
      server: "{{ bigip_server }}"
      user: "{{ bigip_user }}"
      password: "{{ bigip_password }}"

- name: The same with a separate netmask, admitting only iSession on tcp/443
  longdistance.vmotion.bigip_selfip:
    name: vmotion-self
    address: 10.133.57.236
    netmask: 255.255.255.0
    vlan: vmotion-vlan
    allow_service:
      - tcp:443

- name: Remove the self IP
  longdistance.vmotion.bigip_selfip:
    name: vmotion-self
    state: absent
"""

RETURN = r"""
self_ip:
  description: The managed settings of the self IP after the task (predicted in check mode); empty after deletion.
  returned: always
  type: dict
  sample:
    address: 10.133.57.236/24
    vlan: /Common/vmotion-vlan
    allow_service: [none]
    traffic_group: /Common/traffic-group-local-only
    floating: false
diff:
  description: Managed settings before and after, with O(ignore:--diff).
  returned: when diff mode is on
  type: dict
"""

import re

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import runner
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.names import full_path, ip_and_prefix
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.partition import with_route_domain
from ansible_collections.longdistance.vmotion.plugins.module_utils._differ import Field
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError

LOCAL_ONLY = "/Common/traffic-group-local-only"
FLOATING_DEFAULT = "/Common/traffic-group-1"
SERVICE = re.compile(r"^[a-z]+:(\d+)$")


def services_from_api(value):
    """Port lockdown as the device returns it: key absent = none, the string ``all``, or a list."""
    if value in (None, "none", []):
        return ["none"]
    if value == "all":
        return ["all"]
    return list(value)


def services_to_api(value):
    """``none`` is set by sending an empty list, ``all`` is the plain string."""
    if value == ["none"]:
        return []
    if value == ["all"]:
        return "all"
    return list(value)


def normalize_services(value):
    services = [v.strip().lower() for v in value]
    return services or ["none"]


def floating_from_api(obj):
    if obj.get("floating") is not None:
        return obj["floating"] == "enabled"
    return obj.get("trafficGroup", LOCAL_ONLY) != LOCAL_ONLY


FIELDS = [
    Field("address", "address"),
    Field("vlan", "vlan", normalize=full_path),
    Field("allow_service", "allowService", compare="set", normalize=normalize_services,
          from_api=services_from_api, to_api=services_to_api),
    Field("traffic_group", "trafficGroup", normalize=full_path),
    Field("floating", read=floating_from_api, write=lambda value: {"trafficGroup": FLOATING_DEFAULT if value else LOCAL_ONLY}),
]

OPTIONS = dict(
    address=dict(type="str"),
    netmask=dict(type="str"),
    vlan=dict(type="str"),
    allow_service=dict(type="list", elements="str"),
    traffic_group=dict(type="str"),
    floating=dict(type="bool"),
)


def normalize_address(address, netmask, label):
    """``10.1.1.1`` + ``255.255.255.0`` or ``10.1.1.1/24`` -> ``10.1.1.1/24`` (route domain kept)."""
    ip, route_domain, prefix = ip_and_prefix(address, netmask, label)
    if prefix is None:
        raise ValidationError("%s: address %s needs a prefix length or a netmask" % (label, address))
    return "%s%s/%s" % (ip.compressed, route_domain, prefix)


def validate_services(services, label):
    services = normalize_services(services)
    for alone in ("none", "all"):
        if alone in services and len(services) > 1:
            raise ValidationError("%s: allow_service %s cannot be combined with other entries: %s" % (label, alone, ", ".join(services)))
    for entry in services:
        if entry in ("none", "all", "default"):
            continue
        match = SERVICE.match(entry)
        if not match or int(match.group(1)) > 65535:
            raise ValidationError("%s: allow_service entry %r is not protocol:port (e.g. tcp:443) or none/default/all" % (label, entry))


def desired(params):
    label = "self IP %s" % params["name"]
    wanted = dict(params)
    if params["address"] is not None:
        wanted["address"] = normalize_address(params["address"], params["netmask"], label)
    elif params["netmask"] is not None:
        raise ValidationError("%s: netmask needs address" % label)
    if params["vlan"] is not None:
        wanted["vlan"] = full_path(params["vlan"], params["partition"])
    if params["allow_service"] is not None:
        validate_services(params["allow_service"], label)
    if params["traffic_group"] is not None and params["floating"] is not None:
        floats = full_path(params["traffic_group"]) != LOCAL_ONLY
        if floats != params["floating"]:
            raise ValidationError("%s: floating=%s contradicts traffic_group %s" % (label, params["floating"], params["traffic_group"]))
        wanted["floating"] = None  # the traffic group decides
    return wanted


def prepare(params, client):
    params = desired(params)
    params["address"] = with_route_domain(client, params["partition"], params["address"])
    return params


SELF_IP = runner.RestObject("/mgmt/tm/net/self", "self IP", FIELDS, required_on_create=("address", "vlan"),
                            result_key="self_ip", prepare=prepare)


def main():
    runner.run(SELF_IP, OPTIONS)


if __name__ == "__main__":
    main()
