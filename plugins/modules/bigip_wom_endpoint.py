#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigip_wom_endpoint
short_description: Manage the local and remote WAN optimization (iSession) endpoints of a BIG-IP
version_added: 0.1.0
description:
  - Configures the two ends of the iSession tunnel between the data centers.
  - O(type=local) is this BIG-IP's own endpoint (one per device, C(wom local-endpoint)); its IP
    address is the WAN self IP. The device cannot change that address in place, so a different
    O(address) fails before any change unless O(replace_on_address_change=true), which deletes and
    re-creates the endpoint in one transaction, keeping its other settings.
  - O(type=remote) is the BIG-IP across the WAN (C(wom remote-endpoint)), identified by its
    O(address). The deployment guide creates it with O(routing=enabled) (Figure 3); use
    M(longdistance.vmotion.bigip_wom_routing) to re-check routing after reboots and upgrades.
  - The REST names of these objects are unconfirmed; they come from the collection's one WOM table
    (C(plugins/module_utils/_bigip/wom.py), see C(docs/wom-shapes.md)).
  - Options left unset (V(null)) are not managed.
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  type:
    description: Which endpoint to manage.
    type: str
    required: true
    choices: [local, remote]
  address:
    description:
      - IP address of the endpoint. For O(type=remote) it also identifies the endpoint and is required.
      - For O(type=local) it must be a self IP of this BIG-IP; required while the local endpoint has
        no address yet.
    type: str
  state:
    description:
      - Whether the endpoint should exist. Deleting the local endpoint clears its address and
        settings (see C(docs/wom-shapes.md)).
    type: str
    choices: [present, absent]
    default: present
  enabled:
    description: The endpoint's State (enabled or disabled).
    type: bool
  server_ssl:
    description: Server SSL profile of the tunnel, by name or full path, or V(none).
    type: str
  tunnel_port:
    description: Port of the iSession tunnel, 1 to 65535 (the device uses 443 by default).
    type: int
  snat:
    description: Source address translation of tunnelled traffic.
    type: str
    choices: [none, automap]
  create_isession_virtual:
    description:
      - O(type=local) only. The guide's I(Create iSession Virtual Server) (Yes in the guide), so
        the device creates the iSession-terminating virtual server on the endpoint address.
    type: bool
  allow_nat:
    description: O(type=local) only. Allow iSession traffic through NAT.
    type: bool
  replace_on_address_change:
    description:
      - O(type=local) only. When the local endpoint has another address than O(address), delete and
        re-create it (tunnels drop meanwhile). Without it such a change fails before any write.
    type: bool
    default: false
  routing:
    description:
      - O(type=remote) only. iSession routing to this endpoint. The guide requires V(enabled);
        dynamic discovery and reboots may set it to V(disabled).
    type: str
    choices: [enabled, disabled]
  tunnel_encrypt:
    description: O(type=remote) only. Encrypt the tunnel to this endpoint.
    type: bool
  behind_nat:
    description: O(type=remote) only. The remote endpoint is reached through NAT.
    type: bool
extends_documentation_fragment:
  - longdistance.vmotion.bigip
  - longdistance.vmotion.attributes
  - longdistance.vmotion.attributes.action_group_bigip
"""

EXAMPLES = r"""
- name: Local endpoint of the guide (Figure 2) on the primary BIG-IP
  longdistance.vmotion.bigip_wom_endpoint:
    type: local
    address: 10.133.57.236
    server_ssl: serverssl
    create_isession_virtual: true
  module_defaults:
    group/longdistance.vmotion.bigip:
      server: "{{ bigip_server }}"
      user: "{{ bigip_user }}"
      password: "{{ bigip_password }}"

- name: Remote endpoint of the guide (Figure 3) with routing enabled
  longdistance.vmotion.bigip_wom_endpoint:
    type: remote
    address: 10.133.58.236
    routing: enabled
    server_ssl: none
    tunnel_port: 443
    enabled: true

- name: Move the local endpoint to a new self IP (deletes and re-creates it)
  longdistance.vmotion.bigip_wom_endpoint:
    type: local
    address: 10.133.57.237
    replace_on_address_change: true

- name: Forget a remote endpoint
  longdistance.vmotion.bigip_wom_endpoint:
    type: remote
    address: 10.133.58.236
    state: absent
"""

RETURN = r"""
endpoint:
  description:
    - The managed settings of the endpoint after the task (predicted in check mode); empty after deletion.
    - For a remote endpoint C(source) tells whether it was configured (C(manual)) or found by dynamic discovery (C(discovered)).
  returned: always
  type: dict
  sample:
    address: 10.133.58.236
    routing: enabled
    server_ssl: none
    tunnel_port: 443
    enabled: true
    source: manual
diff:
  description: Managed settings before and after, with O(ignore:--diff).
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import runner, wom
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.client import BIGIP
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.names import flag, full_path, ip_and_prefix
from ansible_collections.longdistance.vmotion.plugins.module_utils._differ import Field, compare, current_values, payload_for
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError
from ansible_collections.longdistance.vmotion.plugins.module_utils._module import run_module

LOCAL = wom.LOCAL_ENDPOINT
REMOTE = wom.REMOTE_ENDPOINT
LOCAL_ONLY = ("create_isession_virtual", "allow_nat")
REMOTE_ONLY = ("routing", "tunnel_encrypt", "behind_nat")


def shared_fields(shape):
    on, off = shape.props["enabled"], shape.props["disabled"]
    return [
        Field("server_ssl", shape.props["server_ssl"], normalize=full_path),
        Field("tunnel_port", shape.props["tunnel_port"]),
        Field("snat", shape.props["snat"]),
        Field("enabled", read=lambda obj: not obj.get(off, False), write=lambda value: {on: True} if value else {off: True}),
    ]


LOCAL_FIELDS = [Field("address", LOCAL.props["address"])] + shared_fields(LOCAL) + [
    Field("create_isession_virtual", LOCAL.props["create_isession_virtual"], **flag("yes", "no")),
    Field("allow_nat", LOCAL.props["allow_nat"], **flag()),
]
REMOTE_FIELDS = [Field("address", REMOTE.props["address"], create_only=True)] + shared_fields(REMOTE) + [
    Field("routing", REMOTE.props["routing"]),
    Field("tunnel_encrypt", REMOTE.props["tunnel_encrypt"], **flag()),
    Field("behind_nat", REMOTE.props["behind_nat"], **flag()),
    Field("source", REMOTE.props["source"]),  # read-only: no module option sets it
]
LOCAL_SPEC = runner.RestObject(LOCAL.path, "WOM local endpoint", LOCAL_FIELDS, singleton=True, result_key="endpoint")
REMOTE_SPEC = runner.RestObject(REMOTE.path, "WOM remote endpoint", REMOTE_FIELDS, required_on_create=("address",), result_key="endpoint")

ARGUMENT_SPEC = dict(
    type=dict(type="str", required=True, choices=["local", "remote"]),
    address=dict(type="str"),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    enabled=dict(type="bool"),
    server_ssl=dict(type="str"),
    tunnel_port=dict(type="int"),
    snat=dict(type="str", choices=["none", "automap"]),
    create_isession_virtual=dict(type="bool"),
    allow_nat=dict(type="bool"),
    replace_on_address_change=dict(type="bool", default=False),
    routing=dict(type="str", choices=["enabled", "disabled"]),
    tunnel_encrypt=dict(type="bool"),
    behind_nat=dict(type="bool"),
)


def validate(params):
    kind = params["type"]
    label = "WOM %s endpoint" % kind
    wrong = [opt for opt in (REMOTE_ONLY if kind == "local" else LOCAL_ONLY + ("replace_on_address_change",)) if params[opt]]
    if wrong:
        raise ValidationError("%s: %s only apply to %s endpoints" % (label, ", ".join(wrong), "remote" if kind == "local" else "local"))
    if kind == "remote" and not params["address"]:
        raise ValidationError("%s: address is required" % label)
    if params["address"] is not None:
        ip, route_domain, prefix = ip_and_prefix(params["address"], what="%s %s" % (label, params["address"]))
        if prefix is not None:
            raise ValidationError("%s: address %s must be a plain IP address, without a prefix length" % (label, params["address"]))
        params["address"] = ip.compressed + route_domain
    if params["tunnel_port"] is not None and not 1 <= params["tunnel_port"] <= 65535:
        raise ValidationError("%s: tunnel_port must be between 1 and 65535, got %s" % (label, params["tunnel_port"]))


def result(changed, view, before, after, diff_mode):
    out = {"changed": changed, "endpoint": view}
    if diff_mode:
        out["diff"] = {"before": before, "after": after}
    return out


def delete_local(client):
    client.request(wom.LOCAL_ENDPOINT_DELETE["method"], LOCAL.path, dict(wom.LOCAL_ENDPOINT_DELETE["body"]), what=LOCAL_SPEC.what)


def replace_local(client, params, current, diff_mode):
    """Delete and re-create the local endpoint with the new address, keeping its other settings."""
    comparison = compare(LOCAL_FIELDS, params, current, what=LOCAL_SPEC.what)
    values = current_values(LOCAL_FIELDS, current)
    values.update(comparison.desired)
    if client.check_mode:
        return result(True, values, comparison.before, comparison.after, diff_mode)
    with client.transaction():
        delete_local(client)
        client.patch(LOCAL.path, payload_for(LOCAL_FIELDS, values), what=LOCAL_SPEC.what)
    view = current_values(LOCAL_FIELDS, client.get(LOCAL.path, what=LOCAL_SPEC.what))
    return result(True, view, comparison.before, comparison.after, diff_mode)


def ensure_local(client, params, diff_mode):
    label = LOCAL_SPEC.what
    current = client.get(LOCAL.path, what=label)
    if current is None:
        raise ValidationError("%s does not exist on BIG-IP %s (is WAN optimization provisioned?)" % (label, client.server))
    address = current.get(LOCAL.props["address"])
    if params["state"] == "absent":
        before = current_values(LOCAL_FIELDS, current) if address else {}
        if address and not client.check_mode:
            delete_local(client)
        return result(bool(address), {}, before, {}, diff_mode)
    if not address and not params["address"]:
        raise ValidationError("%s has no IP address yet; address is required to create it" % label)
    if address and params["address"] not in (None, address):
        if not params["replace_on_address_change"]:
            raise ValidationError("%s: the IP address cannot be changed in place (%s -> %s); set replace_on_address_change: true "
                                  "to delete and re-create the endpoint" % (label, address, params["address"]))
        return replace_local(client, params, current, diff_mode)
    return runner.ensure(client, LOCAL_SPEC, params, diff_mode, state="present", current=current)


def ensure(module, client, diff):
    params = dict(module.params)
    validate(params)
    if params["type"] == "local":
        return ensure_local(client, params, diff)
    return runner.ensure(client, REMOTE_SPEC, params, diff, name=params["address"], partition="Common")


def main():
    run_module(ensure, ARGUMENT_SPEC, connection=BIGIP, with_diff=True)


if __name__ == "__main__":
    main()
