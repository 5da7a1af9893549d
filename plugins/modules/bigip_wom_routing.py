#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigip_wom_routing
short_description: Ensure iSession routing of the BIG-IP's remote WAN optimization endpoints
version_added: 0.1.0
description:
  - The deployment guide's I(Ensuring that iSession routing is enabled) as one task. With dynamic
    discovery the BIG-IP sets routing of remote endpoints to disabled, and routing may revert to
    disabled after any reboot, hotfix or upgrade; the guide recommends checking it every time.
  - Reads every remote endpoint (or the ones in O(addresses)), including endpoints added by
    dynamic discovery, and sets routing to O(routing) where it differs, one PATCH per endpoint.
  - In check mode it only reports the drift (which endpoints differ) and changes nothing.
  - The REST names are unconfirmed; they come from the collection's one WOM table
    (C(plugins/module_utils/_bigip/wom.py), see C(docs/wom-shapes.md)).
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  routing:
    description: The routing state every selected remote endpoint should have.
    type: str
    choices: [enabled, disabled]
    default: enabled
  addresses:
    description:
      - Only these remote endpoints, by IP address. Each must be a remote endpoint on the device,
        otherwise the task fails before any change. All remote endpoints when unset.
    type: list
    elements: str
  fail_on_drift:
    description:
      - Fail the task (non-zero exit of the playbook) when any selected endpoint's routing differed
        from O(routing), for monitoring and scheduled runs. Outside check mode the drift is fixed
        (and saved, see O(save)) before the task fails; the message names the endpoints.
    type: bool
    default: false
  save:
    description:
      - Save the running configuration after routing was changed, so the fix survives a reboot.
        When the save fails the task fails and says that the fix is not saved.
    type: bool
    default: true
  allow_no_endpoints:
    description:
      - The deployment guide needs at least one remote endpoint. Without one (and without
        O(addresses)) the task fails, unless this is V(true) (a BIG-IP where none is expected yet).
    type: bool
    default: false
extends_documentation_fragment:
  - longdistance.vmotion.bigip
  - longdistance.vmotion.attributes
  - longdistance.vmotion.attributes.action_group_bigip
notes:
  - Without remote endpoints on the device the task fails, unless O(allow_no_endpoints=true); then
    it changes nothing and warns.
"""

EXAMPLES = r"""
- name: After a reboot or upgrade, make sure iSession routing is enabled everywhere (check_routing.yml)
  longdistance.vmotion.bigip_wom_routing:
    routing: enabled
  module_defaults:
    group/longdistance.vmotion.bigip:
      server: "{{ bigip_server }}"
      user: "{{ bigip_user }}"
      password: "{{ bigip_password }}"

- name: Only report drift (no change), e.g. in a monitoring run
  longdistance.vmotion.bigip_wom_routing:
    addresses: [10.133.58.236]
  check_mode: true
  register: routing

- name: Show the endpoints whose routing was disabled
  ansible.builtin.debug:
    var: routing.drift
"""

RETURN = r"""
endpoints:
  description: One entry per selected remote endpoint.
  returned: always
  type: list
  elements: dict
  contains:
    address:
      description: IP address of the remote endpoint.
      type: str
    source:
      description: C(manual) (configured) or C(discovered) (added by dynamic discovery).
      type: str
    routing_before:
      description: Routing as found.
      type: str
    routing_after:
      description: Routing after the task (predicted in check mode).
      type: str
    changed:
      description: Whether routing was (or in check mode would be) changed.
      type: bool
  sample:
    - {address: 10.133.58.236, source: discovered, routing_before: disabled, routing_after: enabled, changed: true}
drift:
  description: Addresses of the endpoints whose routing differed from O(routing) when the task started.
  returned: always
  type: list
  elements: str
  sample: [10.133.58.236]
saved:
  description: Whether the running configuration was saved after a fix.
  returned: always
  type: bool
  sample: true
diff:
  description: Routing per endpoint address before and after, with O(ignore:--diff).
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import wom
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.client import BIGIP, resource_path
from ansible_collections.longdistance.vmotion.plugins.module_utils._differ import diff_of
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import (
    ApiError, LongDistanceError, TransportError, ValidationError)
from ansible_collections.longdistance.vmotion.plugins.module_utils._module import run_module

REMOTE = wom.REMOTE_ENDPOINT
ADDRESS = REMOTE.props["address"]
ROUTING = REMOTE.props["routing"]
SOURCE = REMOTE.props["source"]

ARGUMENT_SPEC = dict(
    routing=dict(type="str", choices=["enabled", "disabled"], default="enabled"),
    addresses=dict(type="list", elements="str"),
    fail_on_drift=dict(type="bool", default=False),
    save=dict(type="bool", default=True),
    allow_no_endpoints=dict(type="bool", default=False),
)


class DriftError(LongDistanceError):
    """Routing differed from what was asked and the user wants that to fail the task."""


def address_of(endpoint):
    return endpoint.get(ADDRESS) or endpoint["name"]


def select(endpoints, addresses, server):
    """The endpoints to check: all, or exactly the listed addresses (every one must exist)."""
    if addresses is None:
        return endpoints
    by_address = {address_of(e): e for e in endpoints}
    missing = [a for a in addresses if a not in by_address]
    if missing:
        raise ValidationError("WOM remote endpoint routing: %s %s not a remote endpoint on BIG-IP %s (remote endpoints: %s)" % (
            ", ".join(missing), "is" if len(missing) == 1 else "are", server, ", ".join(sorted(by_address)) or "none"))
    return [by_address[a] for a in dict.fromkeys(addresses)]


def fix(client, endpoint, routing):
    """PATCH one endpoint's routing; return the routing the device now reports."""
    path = resource_path(REMOTE.path, endpoint["name"], endpoint.get("partition", "Common"))
    label = "WOM remote endpoint %s" % address_of(endpoint)
    updated = client.patch(path, {ROUTING: routing}, what=label)
    return updated.get(ROUTING, REMOTE.defaults[ROUTING])


def ensure(module, client, diff):
    wanted = module.params["routing"]
    collection = client.get(REMOTE.path, what="WOM remote endpoints") or {}
    endpoints = select(collection.get("items", []), module.params["addresses"], client.server)
    if not endpoints:
        if not module.params["allow_no_endpoints"]:
            raise ValidationError("BIG-IP %s has no WOM remote endpoint: vMotion traffic cannot cross the iSession tunnel. "
                                  "Set allow_no_endpoints=true if none is expected yet" % client.server)
        module.warn("BIG-IP %s has no WOM remote endpoints; nothing to check" % client.server)
    report = []
    for endpoint in endpoints:
        before = endpoint.get(ROUTING, REMOTE.defaults[ROUTING])
        drifted = before != wanted
        after = before
        if drifted:
            after = wanted if client.check_mode else fix(client, endpoint, wanted)
        report.append({"address": address_of(endpoint), "source": endpoint.get(SOURCE, REMOTE.defaults[SOURCE]),
                       "routing_before": before, "routing_after": after, "changed": drifted})
    result = {"changed": any(e["changed"] for e in report), "endpoints": report,
              "drift": [e["address"] for e in report if e["changed"]], "saved": False}
    if result["changed"] and not client.check_mode and module.params["save"]:
        try:
            client.save_config()
        except (ApiError, TransportError) as exc:
            raise type(exc)("iSession routing was set to %s on %s, but the running configuration was NOT saved (a reboot would "
                            "revert it): %s" % (wanted, ", ".join(result["drift"]), exc.msg), **exc.details) from None
        result["saved"] = True
    if diff:
        result["diff"] = diff_of({e["address"]: e["routing_before"] for e in report}, {e["address"]: e["routing_after"] for e in report})
    if result["drift"] and module.params["fail_on_drift"]:
        done = ("fixed%s" % (" and saved" if result["saved"] else " (not saved)")) if not client.check_mode else "not changed (check mode)"
        raise DriftError("BIG-IP %s: iSession routing was not %s on remote endpoint(s) %s; %s" % (
            client.server, wanted, ", ".join(result["drift"]), done), endpoints=report, drift=result["drift"], saved=result["saved"])
    return result


def main():
    run_module(ensure, ARGUMENT_SPEC, connection=BIGIP, with_diff=True)


if __name__ == "__main__":
    main()
