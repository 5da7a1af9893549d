#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigip_wom_discovery
short_description: Manage WAN optimization dynamic discovery settings of a BIG-IP
version_added: 0.1.0
description:
  - Sets the I(Dynamic Discovery) section of the WAN optimization configuration (guide, Figure 2) -
    whether remote endpoints may discover this local endpoint, whether this endpoint discovers
    remote endpoints, and whether discovered endpoints are included automatically
    (C(wom endpoint-discovery); REST names unconfirmed, from the collection's one WOM table).
  - Optionally also the subnet discovery settings (C(wom server-discovery), confirmed REST names)
    under O(subnet_discovery).
  - The guide leaves the defaults (everything allowed). Dynamic discovery makes the device set
    routing of discovered remote endpoints to disabled; see M(longdistance.vmotion.bigip_wom_routing).
  - Both objects always exist on a device with WAN optimization; options left unset (V(null)) are not managed.
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  enabled:
    description: Dynamic discovery as a whole.
    type: bool
  allow_remote_discovery:
    description: Allow remote endpoints to discover this local endpoint.
    type: bool
  discover_remote:
    description: Allow this local endpoint to discover remote endpoints.
    type: bool
  auto_include:
    description: Automatically include discovered remote endpoints.
    type: bool
  subnet_discovery:
    description: Subnet (server) discovery settings, which learn the subnets behind the local endpoint and advertise them.
    type: dict
    suboptions:
      enabled:
        description: Subnet discovery as a whole.
        type: bool
      auto_save:
        description: Save discovered subnets as advertised routes automatically.
        type: bool
      filter_mode:
        description: Whether O(subnet_discovery.subnet_filter) lists the subnets to leave out or the only ones to use.
        type: str
        choices: [exclude, include]
      subnet_filter:
        description: Subnets (C(10.1.0.0/16)) or addresses the filter applies to; order does not matter.
        type: list
        elements: str
      max_server_count:
        description: Most servers to discover, 0 or more.
        type: int
      rtt_threshold:
        description: Round-trip time in milliseconds under which a server counts as local, 0 or more.
        type: int
extends_documentation_fragment:
  - longdistance.vmotion.bigip
  - longdistance.vmotion.attributes
  - longdistance.vmotion.attributes.action_group_bigip
"""

EXAMPLES = r"""
- name: Dynamic discovery as in the guide (Figure 2)
  longdistance.vmotion.bigip_wom_discovery:
    enabled: true
    allow_remote_discovery: true
    discover_remote: true
    auto_include: true
  module_defaults:
    group/longdistance.vmotion.bigip:
      server: "{{ bigip_server }}"
      user: "{{ bigip_user }}"
      password: "{{ bigip_password }}"

- name: Only configured remote endpoints, and no subnet discovery
  longdistance.vmotion.bigip_wom_discovery:
    discover_remote: false
    subnet_discovery:
      enabled: false
"""

RETURN = r"""
discovery:
  description:
    - The managed dynamic discovery settings after the task (predicted in check mode), with the
      subnet discovery settings under C(subnet_discovery) when O(subnet_discovery) is given.
  returned: always
  type: dict
  sample:
    enabled: true
    allow_remote_discovery: true
    discover_remote: true
    auto_include: true
diff:
  description: Managed settings before and after, with O(ignore:--diff).
  returned: when diff mode is on
  type: dict
"""

import ipaddress

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import runner, wom
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.client import BIGIP
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.names import flag, ip_and_prefix
from ansible_collections.longdistance.vmotion.plugins.module_utils._differ import Field
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError
from ansible_collections.longdistance.vmotion.plugins.module_utils._module import run_module

ENDPOINTS = wom.ENDPOINT_DISCOVERY
SUBNETS = wom.SERVER_DISCOVERY
ENDPOINT_FIELDS = [
    Field("enabled", ENDPOINTS.props["mode"], **flag()),
    Field("allow_remote_discovery", ENDPOINTS.props["allow_remote_discovery"], **flag()),
    Field("discover_remote", ENDPOINTS.props["discover_remote"], **flag()),
    Field("auto_include", ENDPOINTS.props["auto_include"], **flag()),
]
SUBNET_FIELDS = [
    Field("enabled", SUBNETS.props["mode"], **flag()),
    Field("auto_save", SUBNETS.props["auto_save"], **flag()),
    Field("filter_mode", SUBNETS.props["filter_mode"]),
    Field("subnet_filter", SUBNETS.props["subnet_filter"], compare="set", from_api=lambda value: list(value or [])),
    Field("max_server_count", SUBNETS.props["max_server_count"]),
    Field("rtt_threshold", SUBNETS.props["rtt_threshold"]),
]
ENDPOINT_SPEC = runner.RestObject(ENDPOINTS.path, "WOM endpoint discovery", ENDPOINT_FIELDS, singleton=True, result_key="discovery")
SUBNET_SPEC = runner.RestObject(SUBNETS.path, "WOM subnet discovery", SUBNET_FIELDS, singleton=True, result_key="discovery")

ARGUMENT_SPEC = dict(
    enabled=dict(type="bool"),
    allow_remote_discovery=dict(type="bool"),
    discover_remote=dict(type="bool"),
    auto_include=dict(type="bool"),
    subnet_discovery=dict(type="dict", options=dict(
        enabled=dict(type="bool"),
        auto_save=dict(type="bool"),
        filter_mode=dict(type="str", choices=["exclude", "include"]),
        subnet_filter=dict(type="list", elements="str"),
        max_server_count=dict(type="int"),
        rtt_threshold=dict(type="int"),
    )),
)


def validate_subnets(options):
    label = SUBNET_SPEC.what
    for key in ("max_server_count", "rtt_threshold"):
        if options[key] is not None and options[key] < 0:
            raise ValidationError("%s: %s must be 0 or more, got %s" % (label, key, options[key]))
    for entry in options["subnet_filter"] or []:
        ip, _rd, prefix = ip_and_prefix(entry, what="%s subnet_filter" % label)
        if prefix is None:
            continue
        try:
            ipaddress.ip_network("%s/%s" % (ip, prefix))
        except ValueError:
            raise ValidationError("%s: subnet_filter entry %s has host bits set" % (label, entry)) from None


def ensure(module, client, diff):
    params = module.params
    subnet_options = params["subnet_discovery"]
    if subnet_options is not None:
        validate_subnets(subnet_options)
    outcome = runner.ensure(client, ENDPOINT_SPEC, params, diff)
    if subnet_options is None:
        return outcome
    subnets = runner.ensure(client, SUBNET_SPEC, subnet_options, diff)
    outcome["changed"] = outcome["changed"] or subnets["changed"]
    outcome["discovery"]["subnet_discovery"] = subnets["discovery"]
    if diff:
        for side in ("before", "after"):
            outcome["diff"][side]["subnet_discovery"] = subnets["diff"][side]
    return outcome


def main():
    run_module(ensure, ARGUMENT_SPEC, connection=BIGIP, with_diff=True)


if __name__ == "__main__":
    main()
