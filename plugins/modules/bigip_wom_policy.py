#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigip_wom_policy
short_description: Manage a BIG-IP WAN optimization policy (the optimization virtual server for vMotion)
version_added: 0.1.0
description:
  - The deployment guide's I(WAN Optimization policy) (Figure 5) for vMotion, which the GUI wizard
    stores as an LTM virtual server (C(ltm virtual)). This module writes that virtual server
    directly - destination host or network of the remote vMotion hosts, port 8000, TCP, listening
    only on the given VLANs, with the iSession profile and the TCP profiles that answer
    I(Will clients be connecting to this virtual server over a LAN?) - and the answer to
    I(Would you like to encrypt tunneled data?).
  - The wizard's encryption answer is not a setting of the virtual server. This collection keeps it as the
    C(dataEncryption) setting of the policy's iSession profile (the setting the built-in C(isession-encrypt) profile
    turns on; see C(docs/wom-shapes.md)), which M(longdistance.vmotion.bigip_isession_profile) owns
    (O(longdistance.vmotion.bigip_isession_profile#module:data_encryption)). Give every policy its own iSession profile,
    as the guide recommends.
  - The module manages the virtual server's destination, mask, VLANs, state and its complete
    profile list (iSession plus client- and server-side TCP; other profiles are removed). It never
    touches a pool, iRules or other settings of the virtual server.
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  name:
    description: Name of the policy's virtual server (the guide uses C(vsphere-vmotion)).
    type: str
    required: true
  partition:
    description: Administrative partition of the virtual server.
    type: str
    default: Common
  state:
    description: Whether the policy should exist. Deleting it leaves the iSession profile alone.
    type: str
    choices: [present, absent]
    default: present
  destination:
    description:
      - IP address of the remote vMotion host (O(destination_type=host)) or the network address of
        the remote vMotion subnet (O(destination_type=network), with a prefix length or O(netmask)).
      - Required with O(state=present).
    type: str
  destination_type:
    description: The wizard's I(Type) of the address this virtual server matches.
    type: str
    choices: [host, network]
    default: host
  netmask:
    description: Netmask of a network O(destination), dotted (C(255.255.255.0)) or as a prefix length.
    type: str
  port:
    description: The wizard's I(What kind of application would you like to optimize?); vMotion uses 8000.
    type: int
    default: 8000
  lan_clients:
    description:
      - The wizard's I(Will clients be connecting to this virtual server over a LAN?).
        V(true) uses C(tcp-lan-optimized) on the client side and C(tcp-wan-optimized) on the server
        side (the tunnel); V(false) uses C(tcp-wan-optimized) on both sides.
    type: bool
    default: true
  vlans:
    description:
      - VLANs the virtual server listens on (by name in O(partition), or full path); order does not matter. An empty
        list listens on all VLANs.
    type: list
    elements: str
  isession_profile:
    description:
      - The iSession profile (by name in O(partition), or full path), for example C(vmotion-isession). Required with O(state=present).
    type: str
  enabled:
    description: Whether the virtual server is enabled.
    type: bool
extends_documentation_fragment:
  - longdistance.vmotion.bigip
  - longdistance.vmotion.attributes
  - longdistance.vmotion.attributes.action_group_bigip
"""

EXAMPLES = r"""
- name: The vMotion optimization policy of the guide (Figure 5) on the primary BIG-IP
  longdistance.vmotion.bigip_wom_policy:
    name: vsphere-vmotion
    destination: 10.133.58.50
    port: 8000
    lan_clients: true
    vlans: [vmotion-vlan]
    isession_profile: vmotion-isession
  module_defaults:
    group/longdistance.vmotion.bigip:
      server: "{{ bigip_server }}"
      user: "{{ bigip_user }}"
      password: "{{ bigip_password }}"

- name: Match the whole remote vMotion subnet instead of one host
  longdistance.vmotion.bigip_wom_policy:
    name: vsphere-vmotion
    destination_type: network
    destination: 10.133.58.0/24
    isession_profile: vmotion-isession

- name: Remove the policy
  longdistance.vmotion.bigip_wom_policy:
    name: vsphere-vmotion
    state: absent
"""

RETURN = r"""
policy:
  description:
    - The managed settings after the task (predicted in check mode); empty after deletion.
    - C(profiles) lists the virtual server's profiles as C(name) (full path) and C(context).
  returned: always
  type: dict
  sample:
    destination: 10.133.58.50
    port: 8000
    netmask: 255.255.255.255
    vlans: [/Common/vmotion-vlan]
    profiles:
      - {name: /Common/vmotion-isession, context: all}
      - {name: /Common/tcp-lan-optimized, context: clientside}
      - {name: /Common/tcp-wan-optimized, context: serverside}
diff:
  description: Managed settings before and after, with O(ignore:--diff).
  returned: when diff mode is on
  type: dict
"""

import ipaddress

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import runner
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.client import BIGIP
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.names import (
    enabled_pair, full_path, join_address_port, split_address_port, ip_and_prefix)
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.partition import default_route_domain
from ansible_collections.longdistance.vmotion.plugins.module_utils._differ import Field
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError
from ansible_collections.longdistance.vmotion.plugins.module_utils._module import run_module

VIRTUAL = "/mgmt/tm/ltm/virtual"
LAN_TCP = "/Common/tcp-lan-optimized"
WAN_TCP = "/Common/tcp-wan-optimized"

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    partition=dict(type="str", default="Common"),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    destination=dict(type="str"),
    destination_type=dict(type="str", choices=["host", "network"], default="host"),
    netmask=dict(type="str"),
    port=dict(type="int", default=8000),
    lan_clients=dict(type="bool", default=True),
    vlans=dict(type="list", elements="str"),
    isession_profile=dict(type="str"),
    enabled=dict(type="bool"),
)
REQUIRED_IF = [("state", "present", ("destination", "isession_profile"))]


def split_destination(value):
    """``/Common/10.1.1.1:8000`` -> (``10.1.1.1``, 8000); IPv6 uses ``.`` before the port."""
    address, port = split_address_port(value)
    return address, None if port is None else int(port)


def profiles_from_api(obj):
    items = (obj.get("profilesReference") or {}).get("items", [])
    return [{"name": item.get("fullPath") or full_path(item["name"]), "context": item.get("context", "all")} for item in items]


def tcp_profiles(lan_clients):
    """LAN clients: LAN-optimized TCP towards them, WAN-optimized into the tunnel; otherwise one
    WAN-optimized profile on both sides (a virtual server holds a profile only once)."""
    if lan_clients:
        return [{"name": LAN_TCP, "context": "clientside"}, {"name": WAN_TCP, "context": "serverside"}]
    return [{"name": WAN_TCP, "context": "all"}]


def vlans_write(value):
    if value:
        return {"vlans": value, "vlansEnabled": True}
    return {"vlans": [], "vlansDisabled": True}


def virtual_spec(destination):
    """The field table; ``destination`` is the API destination both address and port write."""
    return runner.RestObject(VIRTUAL, "WAN optimization policy (virtual server)", [
        Field("destination", read=lambda obj: split_destination(obj.get("destination"))[0],
              write=lambda value: {"destination": destination}),
        Field("port", read=lambda obj: split_destination(obj.get("destination"))[1],
              write=lambda value: {"destination": destination}),
        Field("netmask", "mask"),
        Field("vlans", compare="set", normalize=lambda value: [full_path(v) for v in value],
              read=lambda obj: list(obj.get("vlans", [])) if obj.get("vlansEnabled") else [], write=vlans_write),
        Field("profiles", compare="set", read=profiles_from_api,
              write=lambda value: {"profiles": [{"name": p["name"], "context": p["context"]} for p in value]}),
        enabled_pair(),
    ], create_defaults={"ipProtocol": "tcp"}, read_params={"expandSubcollections": "true"}, result_key="policy")


def desired(params, client=None):
    """Validated options plus the API destination, mask and profile list they describe."""
    label = "WAN optimization policy %s" % params["name"]
    wanted = dict(params)
    if params["port"] is not None and not 1 <= params["port"] <= 65535:
        raise ValidationError("%s: port must be between 1 and 65535, got %s" % (label, params["port"]))
    if params["destination"] is None:
        return wanted, None
    ip, route_domain, prefix = ip_and_prefix(params["destination"], params["netmask"], label)
    if params["destination_type"] == "host":
        if prefix not in (None, ip.max_prefixlen):
            raise ValidationError("%s: a host destination cannot have prefix /%s; use destination_type: network" % (label, prefix))
        prefix = ip.max_prefixlen
    elif prefix is None:
        raise ValidationError("%s: a network destination needs a prefix length or a netmask" % label)
    try:
        network = ipaddress.ip_network("%s/%s" % (ip, prefix))
    except ValueError:
        raise ValidationError("%s: %s/%s has host bits set" % (label, ip, prefix)) from None
    if not route_domain and client is not None:
        default = default_route_domain(client, params["partition"])
        route_domain = "%%%s" % default if default else ""
    wanted["destination"] = ip.compressed + route_domain
    wanted["netmask"] = str(network.netmask)
    wanted["profiles"] = [{"name": full_path(params["isession_profile"], params["partition"]), "context": "all"}] + \
        tcp_profiles(params["lan_clients"])
    if params["vlans"] is not None:
        wanted["vlans"] = [full_path(v, params["partition"]) for v in params["vlans"]]
    return wanted, "/%s/%s" % (params["partition"], join_address_port(wanted["destination"], params["port"]))


def ensure(module, client, diff):
    params, destination = desired(module.params, client)
    return runner.ensure(client, virtual_spec(destination), params, diff)


def main():
    run_module(ensure, ARGUMENT_SPEC, connection=BIGIP, with_diff=True, required_if=REQUIRED_IF)


if __name__ == "__main__":
    main()
