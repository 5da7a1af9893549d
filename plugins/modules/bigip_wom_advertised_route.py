#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigip_wom_advertised_route
short_description: Manage the subnets a BIG-IP WAN optimization endpoint advertises
version_added: 0.1.0
description:
  - Create, update or delete an advertised route (the guide's I(Advertised Routes Configuration)),
    a local subnet the local endpoint advertises to every remote endpoint it is connected to.
  - The deployment guide advertises the local vMotion subnet, for example alias C(vlan_1057),
    C(10.133.57.0) netmask C(255.255.255.0), enabled.
  - The REST names are unconfirmed; they come from the collection's one WOM table
    (C(plugins/module_utils/_bigip/wom.py), see C(docs/wom-shapes.md)).
  - Options left unset (V(null)) are not managed.
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  name:
    description: Name of the route (the GUI's I(Alias)).
    type: str
    required: true
    aliases: [alias]
  partition:
    description: Administrative partition of the route.
    type: str
    default: Common
  state:
    description: Whether the route should exist.
    type: str
    choices: [present, absent]
    default: present
  subnet:
    description:
      - Network address of the subnet, optionally with a prefix length (C(10.133.57.0/24)); without
        one O(netmask) is required. Host bits must be zero. Required when the route is created.
    type: str
  netmask:
    description: Netmask of O(subnet), dotted (C(255.255.255.0)) or as a prefix length (C(24)).
    type: str
  label:
    description: Free-text label of the route.
    type: str
  enabled:
    description: Whether the route is advertised (the GUI's I(Enabled) box).
    type: bool
extends_documentation_fragment:
  - longdistance.vmotion.bigip
  - longdistance.vmotion.attributes
  - longdistance.vmotion.attributes.action_group_bigip
"""

EXAMPLES = r"""
- name: Advertise the local vMotion subnet (guide, Figure 2)
  longdistance.vmotion.bigip_wom_advertised_route:
    alias: vlan_1057
    subnet: 10.133.57.0
    netmask: 255.255.255.0
    enabled: true
  module_defaults:
    group/longdistance.vmotion.bigip:
      server: "{{ bigip_server }}"
      user: "{{ bigip_user }}"
      password: "{{ bigip_password }}"

- name: The same in prefix form
  longdistance.vmotion.bigip_wom_advertised_route:
    name: vlan_1057
    subnet: 10.133.57.0/24

- name: Stop advertising it
  longdistance.vmotion.bigip_wom_advertised_route:
    name: vlan_1057
    state: absent
"""

RETURN = r"""
route:
  description: The managed settings of the route after the task (predicted in check mode); empty after deletion.
  returned: always
  type: dict
  sample:
    subnet: 10.133.57.0
    netmask: 255.255.255.0
    label: ""
    enabled: true
diff:
  description: Managed settings before and after, with O(ignore:--diff).
  returned: when diff mode is on
  type: dict
"""

import ipaddress

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import runner, wom
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.names import enabled_pair, ip_and_prefix, netmask_of
from ansible_collections.longdistance.vmotion.plugins.module_utils._differ import Field
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError

ROUTE = wom.ADVERTISED_ROUTE


def canonical_netmask(value):
    """The device's netmask (dotted or a prefix length) in the form ``netmask_of`` gives."""
    if value is None:
        return None
    text = str(value)
    if text.isdigit():
        return text
    return netmask_of(ipaddress.IPv4Network("0.0.0.0/%s" % text).prefixlen)


FIELDS = [
    Field("subnet", ROUTE.props["subnet"]),
    Field("netmask", ROUTE.props["netmask"], from_api=canonical_netmask),
    Field("label", ROUTE.props["label"]),
    enabled_pair("enabled", ROUTE.props["enabled"], ROUTE.props["disabled"]),
]

OPTIONS = dict(
    name=dict(type="str", required=True, aliases=["alias"]),
    subnet=dict(type="str"),
    netmask=dict(type="str"),
    label=dict(type="str"),
    enabled=dict(type="bool"),
)


def desired(params, client=None):
    """Split ``subnet`` (+ ``netmask``) into the network address and the device's netmask form."""
    label = "WOM advertised route %s" % params["name"]
    wanted = dict(params)
    if params["subnet"] is None:
        if params["netmask"] is not None:
            raise ValidationError("%s: netmask needs subnet" % label)
        return wanted
    ip, route_domain, prefix = ip_and_prefix(params["subnet"], params["netmask"], label)
    if prefix is None:
        raise ValidationError("%s: subnet %s needs a prefix length or a netmask" % (label, params["subnet"]))
    try:
        ipaddress.ip_network("%s/%s" % (ip, prefix))
    except ValueError:
        raise ValidationError("%s: %s/%s has host bits set; the subnet address is %s" % (
            label, ip, prefix, ipaddress.ip_network("%s/%s" % (ip, prefix), strict=False).network_address)) from None
    wanted["subnet"] = ip.compressed + route_domain
    wanted["netmask"] = netmask_of(prefix, ip.version)
    return wanted


SPEC = runner.RestObject(ROUTE.path, "WOM advertised route", FIELDS, required_on_create=("subnet",), result_key="route", prepare=desired)


def main():
    runner.run(SPEC, OPTIONS)


if __name__ == "__main__":
    main()
