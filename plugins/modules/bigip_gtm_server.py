#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigip_gtm_server
short_description: Manage BIG-IP GTM servers and their virtual servers
version_added: 0.1.0
description:
  - Create, update or delete a GTM (BIG-IP DNS) server (C(gtm server)), the object that stands for
    one load balancer (or host) in a data center, together with the virtual servers GTM may answer with.
  - The deployment guide creates C(Local-BIG-IP) in data center C(Local) and C(Remote-BIG-IP) in
    C(Remote), each with the application virtual server and the monitor C(VM-http-monitor).
  - Virtual servers are kept in the C(virtual-servers) sub-collection of the server; only the listed
    ones are managed unless O(purge_virtual_servers) is set.
  - All or nothing. A new server is created together with its virtual servers in one request, and a change that takes
    several requests (the server and its virtual servers, or several of its virtual servers) is sent in one transaction.
  - Options left unset (V(null)) are not managed.
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  datacenter:
    description:
      - Data center of the server, by name (in O(partition)) or full path. Required to create the server.
      - The data center must exist; otherwise the device refuses and the module fails with its message.
    type: str
  product:
    description: Kind of server. V(bigip) for a BIG-IP, V(generic-host) for a plain server.
    type: str
    choices: [alteon-ace-director, bigip, cacheflow, cisco-css, cisco-local-director-v2, cisco-local-director-v3,
              cisco-server-load-balancer, extreme, foundry-server-iron, generic-host, generic-load-balancer, netapp,
              radware-wsd, sun-solaris, windows-2000-server, windows-nt-4.0]
  addresses:
    description:
      - Self IP addresses of the server (for a BIG-IP, its self IPs GTM talks to). Required to create the server.
      - The list replaces the addresses of the server (so unset sub-options take their defaults); order does not matter.
    type: list
    elements: dict
    suboptions:
      address:
        description: IPv4 or IPv6 address.
        type: str
        required: true
      device_name:
        description: Name of the device that owns the address (for a BIG-IP pair, each unit's name). Defaults to O(name).
        type: str
      translation:
        description: Public address when the server is behind NAT; defaults to V(none).
        type: str
  virtual_servers:
    description:
      - Virtual servers of the server (GTM pool members are C(<server>:<virtual server name>)).
      - Listed virtual servers are created or updated; others are kept unless O(purge_virtual_servers) is set.
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the virtual server inside the server, for example the LTM virtual server's name.
        type: str
        required: true
      destination:
        description: Address and port, C(IP:port) (IPv6 C(IP.port)), for example C(10.133.39.51:80). Required to create it.
        type: str
      enabled:
        description: Whether GTM may answer with this virtual server.
        type: bool
  purge_virtual_servers:
    description: Delete the virtual servers of the server that are not in O(virtual_servers) (needs O(virtual_servers)).
    type: bool
    default: false
  monitors:
    description:
      - Health monitors of the server, by name or full path; all must succeed. An empty list removes every monitor.
      - Order does not matter.
    type: list
    elements: str
  virtual_server_discovery:
    description: Whether the server's virtual servers are discovered from the device (BIG-IP servers only).
    type: str
    choices: [disabled, enabled, enabled-no-delete]
  enabled:
    description: Whether the server takes part in load balancing.
    type: bool
extends_documentation_fragment:
  - longdistance.vmotion.bigip
  - longdistance.vmotion.bigip_object
  - longdistance.vmotion.attributes
  - longdistance.vmotion.attributes.action_group_bigip
"""

EXAMPLES = r"""
- name: Create the local GTM server of the deployment guide
  longdistance.vmotion.bigip_gtm_server:
    name: Local-BIG-IP
    datacenter: Local
    product: bigip
    addresses:
      - address: 10.133.39.250
        device_name: bigip-primary
    virtual_servers:
      - name: vmhttp_vs
        destination: 10.133.39.51:80
    monitors: [VM-http-monitor]
    virtual_server_discovery: disabled
  module_defaults:
    group/longdistance.vmotion.bigip:
      server: "{{ bigip_server }}"
      user: "{{ bigip_user }}"
      password: "{{ bigip_password }}"

- name: Keep only the application virtual server
  longdistance.vmotion.bigip_gtm_server:
    name: Local-BIG-IP
    virtual_servers:
      - name: vmhttp_vs
        destination: 10.133.39.51:80
    purge_virtual_servers: true
"""

RETURN = r"""
server:
  description:
    - The managed settings of the server after the task (predicted in check mode); empty after deletion.
    - C(virtual_servers) maps each listed virtual server's name to its managed settings.
  returned: always
  type: dict
  sample:
    datacenter: /Common/Local
    product: bigip
    addresses:
      - address: 10.133.39.250
        device_name: bigip-primary
        translation: none
    monitors: [/Common/VM-http-monitor]
    virtual_servers:
      vmhttp_vs:
        destination: 10.133.39.51:80
diff:
  description: Managed settings before and after, with O(ignore:--diff); virtual servers under C(virtual_servers).
  returned: when diff mode is on
  type: dict
"""

import ipaddress

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import runner
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.names import (
    enabled_pair, full_path, monitor_rule, split_address_port, valid_port)
from ansible_collections.longdistance.vmotion.plugins.module_utils._differ import Field
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError

ADDRESS_KEYS = (("address", "name"), ("device_name", "deviceName"), ("translation", "translation"))


FIELDS = [
    Field("datacenter", "datacenter", normalize=full_path),
    Field("product", "product"),
    Field("addresses", "addresses", compare="set",
          to_api=lambda entries: [{api: entry[opt] for opt, api in ADDRESS_KEYS} for entry in entries],
          from_api=lambda entries: [{opt: entry.get(api) for opt, api in ADDRESS_KEYS} for entry in entries or []]),
    Field("monitors", "monitor", **monitor_rule()),
    Field("virtual_server_discovery", "virtualServerDiscovery"),
    enabled_pair(),
]
VS_FIELDS = [Field("destination", "destination"), enabled_pair()]
VIRTUAL_SERVERS = runner.ItemSet("virtual-servers", "virtual_servers", VS_FIELDS, "virtual server", partitioned=False,
                                 inline="virtualServers")
PRODUCTS = ["alteon-ace-director", "bigip", "cacheflow", "cisco-css", "cisco-local-director-v2", "cisco-local-director-v3",
            "cisco-server-load-balancer", "extreme", "foundry-server-iron", "generic-host", "generic-load-balancer", "netapp",
            "radware-wsd", "sun-solaris", "windows-2000-server", "windows-nt-4.0"]

OPTIONS = dict(
    datacenter=dict(type="str"),
    product=dict(type="str", choices=PRODUCTS),
    addresses=dict(type="list", elements="dict", options=dict(
        address=dict(type="str", required=True),
        device_name=dict(type="str"),
        translation=dict(type="str"),
    )),
    virtual_servers=dict(type="list", elements="dict", options=dict(
        name=dict(type="str", required=True),
        destination=dict(type="str"),
        enabled=dict(type="bool"),
    )),
    purge_virtual_servers=dict(type="bool", default=False),
    monitors=dict(type="list", elements="str"),
    virtual_server_discovery=dict(type="str", choices=["disabled", "enabled", "enabled-no-delete"]),
    enabled=dict(type="bool"),
)


def _check_ip(label, value):
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise ValidationError("%s: %r is not an IP address" % (label, value)) from None


def addresses(params, label):
    """The address list as it will be sent (the list replaces the device's): defaults filled in, IPs checked."""
    entries = []
    for entry in params["addresses"]:
        _check_ip(label, entry["address"])
        if entry["translation"] not in (None, "none"):
            _check_ip(label, entry["translation"])
        entries.append({"address": entry["address"], "device_name": entry["device_name"] or params["name"],
                        "translation": entry["translation"] or "none"})
    return entries


def validate(params, client=None):
    """Addresses and virtual server destinations must be well-formed before anything is sent."""
    label = "GTM server %s" % params["name"]
    if params["datacenter"] is not None:
        params["datacenter"] = full_path(params["datacenter"], params["partition"])
    if params["addresses"] is not None:
        params["addresses"] = addresses(params, label)
    names = [vs["name"] for vs in params["virtual_servers"] or []]
    if len(set(names)) != len(names) or not all(names):
        raise ValidationError("%s: virtual server names must be unique and non-empty, got %s" % (label, names))
    for vs in params["virtual_servers"] or []:
        dest = vs["destination"]
        if dest is None:
            continue
        address, port = split_address_port(dest)
        _check_ip("%s virtual server %s" % (label, vs["name"]), address)
        if not valid_port(port):
            raise ValidationError("%s virtual server %s: destination must be IP:port with a port from 1 to 65535, got %r"
                                  % (label, vs["name"], dest))


SERVER = runner.RestObject("/mgmt/tm/gtm/server", "GTM server", FIELDS, required_on_create=("datacenter", "addresses"),
                           result_key="server", prepare=validate, items=VIRTUAL_SERVERS)


def main():
    runner.run(SERVER, OPTIONS)


if __name__ == "__main__":
    main()
