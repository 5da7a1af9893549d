#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigip_gtm_monitor_http
short_description: Manage BIG-IP GTM HTTP monitors
version_added: 0.1.0
description:
  - Create, update or delete a GTM (BIG-IP DNS) HTTP health monitor (C(gtm monitor http)).
  - The deployment guide creates C(VM-http-monitor) and attaches it to the GTM servers and pools
    so that GTM only answers with the data center where the application is up.
  - Options left unset (V(null)) are not managed; on creation the device inherits them from the parent monitor.
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  parent:
    description:
      - Monitor the settings are inherited from, by name or full path. Only used on creation
        (changing the parent of an existing monitor fails with a clear message).
      - The device uses C(/Common/http) when unset.
    type: str
  send:
    description: 'The request sent to the application, for example C(GET /health HTTP/1.1\\r\\nHost: app\\r\\n\\r\\n).'
    type: str
  receive:
    description: Text (a regular expression) the response must contain for the application to be up.
    type: str
  interval:
    description: Seconds between two probes (1 or more).
    type: int
  monitor_timeout:
    description:
      - Seconds without a good answer after which the application is marked down (the device's C(timeout));
        must be larger than O(interval).
      - Named so because O(timeout) is the connection option (seconds to wait for one iControl REST answer).
    type: int
  probe_timeout:
    description: Seconds to wait for the answer to one probe (1 or more).
    type: int
  destination:
    description:
      - C(IP:port) the probes go to; C(*:*) (the default of the device) probes the address and port of the monitored virtual server.
      - Either part may be C(*), for example C(*:8080).
    type: str
  reverse:
    description: Mark the application down when O(receive) matches (instead of up).
    type: bool
  transparent:
    description: Probe through the monitored object to O(destination) (pass-through probes).
    type: bool
  ignore_down_response:
    description: Ignore a down answer and keep the last state until O(monitor_timeout) runs out.
    type: bool
extends_documentation_fragment:
  - longdistance.vmotion.bigip
  - longdistance.vmotion.bigip_object
  - longdistance.vmotion.attributes
  - longdistance.vmotion.attributes.action_group_bigip
"""

EXAMPLES = r"""
- name: Create the GTM monitor of the deployment guide
  longdistance.vmotion.bigip_gtm_monitor_http:
    name: VM-http-monitor
    send: "GET / HTTP/1.0\\r\\n\\r\\n"
    receive: "200 OK"
    interval: 10
    monitor_timeout: 31
  module_defaults:
    group/longdistance.vmotion.bigip:
      server: "{{ bigip_server }}"
      user: "{{ bigip_user }}"
      password: "{{ bigip_password }}"

- name: Remove it
  longdistance.vmotion.bigip_gtm_monitor_http:
    name: VM-http-monitor
    state: absent
"""

RETURN = r"""
monitor:
  description: The managed settings of the monitor after the task (predicted in check mode); empty after deletion.
  returned: always
  type: dict
  sample:
    parent: /Common/http
    send: "GET / HTTP/1.0\\r\\n\\r\\n"
    receive: "200 OK"
    interval: 10
    monitor_timeout: 31
diff:
  description: Managed settings before and after, with O(ignore:--diff).
  returned: when diff mode is on
  type: dict
"""

import ipaddress

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import runner
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.names import flag, full_path, split_address_port, valid_port
from ansible_collections.longdistance.vmotion.plugins.module_utils._differ import Field
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError

FIELDS = [
    Field("parent", "defaultsFrom", normalize=full_path, create_only=True),
    Field("send", "send"),
    Field("receive", "recv"),
    Field("interval", "interval"),
    Field("monitor_timeout", "timeout"),
    Field("probe_timeout", "probeTimeout"),
    Field("destination", "destination"),
    Field("reverse", "reverse", **flag()),
    Field("transparent", "transparent", **flag()),
    Field("ignore_down_response", "ignoreDownResponse", **flag()),
]

OPTIONS = dict(
    parent=dict(type="str"),
    send=dict(type="str"),
    receive=dict(type="str"),
    interval=dict(type="int"),
    monitor_timeout=dict(type="int"),
    probe_timeout=dict(type="int"),
    destination=dict(type="str"),
    reverse=dict(type="bool"),
    transparent=dict(type="bool"),
    ignore_down_response=dict(type="bool"),
)


def validate(params, client=None):
    """Refuse impossible timings and destinations before anything is sent."""
    label = "GTM HTTP monitor %s" % params["name"]
    for option in ("interval", "monitor_timeout", "probe_timeout"):
        if params[option] is not None and params[option] < 1:
            raise ValidationError("%s: %s must be 1 or more, got %s" % (label, option, params[option]))
    if params["interval"] is not None and params["monitor_timeout"] is not None and params["monitor_timeout"] <= params["interval"]:
        raise ValidationError("%s: monitor_timeout (%s) must be larger than interval (%s)"
                              % (label, params["monitor_timeout"], params["interval"]))
    if params["destination"] is not None and not valid_destination(params["destination"]):
        raise ValidationError("%s: destination must be IP:port, *:port, IP:* or *:*, got %r" % (label, params["destination"]))


def valid_destination(value):
    """``IP:port`` (IPv6: ``IP.port``), either part may be ``*``."""
    address, port = split_address_port(value)
    if port is None:
        return False
    try:
        if address != "*":
            ipaddress.ip_address(address)
    except ValueError:
        return False
    return valid_port(port, wildcard=True)


MONITOR = runner.RestObject("/mgmt/tm/gtm/monitor/http", "GTM HTTP monitor", FIELDS, result_key="monitor", prepare=validate)


def main():
    runner.run(MONITOR, OPTIONS)


if __name__ == "__main__":
    main()
