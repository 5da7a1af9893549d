#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigip_longdistance_info
short_description: Read the long-distance vMotion configuration of a BIG-IP
version_added: 0.1.0
description:
  - Reads, and never changes, everything the long-distance vMotion deployment uses on one BIG-IP -
    WAN optimization endpoints and routing (C(wom)), iSession profiles (C(isession)), GTM data
    centers, servers, pools and wide IPs (C(gtm)), LTM pools, iRules and virtual servers (C(ltm)),
    the software version and provisioning (C(system)), and the availability of GTM pools, their
    members, wide IPs, LTM pools, their members and the iSession remote endpoints as the device's
    statistics report it, with the device's failover state (C(availability)).
  - Meant for pre-flight checks, routing checks and reports. Toggles are returned as booleans
    (C(enabled)/C(yes) as V(true), C(disabled)/C(no) as V(false)); names as full paths.
  - A part whose module is not provisioned (the device answers 404) is returned empty
    (V(null) for the WOM local endpoint and discovery settings, empty lists otherwise).
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  gather_subset:
    description: Which parts to read. V(all) reads every part.
    type: list
    elements: str
    choices: [all, wom, isession, gtm, ltm, system, availability]
    default: [all]
  query:
    description:
      - A JMESPath expression applied to the parts read (an object with the keys of O(gather_subset)); its
        value is returned as RV(query_result). The parts themselves are still returned.
      - Needs the Python library C(jmespath) on the host that runs the module (it is in the collection's
        C(requirements.txt)); without it the task fails only when this option is set.
    type: str
requirements:
  - jmespath (only for O(query))
extends_documentation_fragment:
  - longdistance.vmotion.bigip
  - longdistance.vmotion.attributes.info_module
  - longdistance.vmotion.attributes.action_group_bigip
"""

EXAMPLES = r"""
- name: Read the WAN optimization and GTM state of the primary BIG-IP
  longdistance.vmotion.bigip_longdistance_info:
    gather_subset: [wom, gtm]
  register: primary
  module_defaults:
    group/longdistance.vmotion.bigip:
      server: "{{ bigip_server }}"
      user: "{{ bigip_user }}"
      password: "{{ bigip_password }}"

- name: iSession routing must be on for the other site's endpoint
  ansible.builtin.assert:
    that: >-
      primary.wom.remote_endpoints | selectattr('address', 'equalto', '10.133.58.236')
      | selectattr('routing') | list | length == 1

- name: The target GTM pool and every member must be available before moving VMs
  longdistance.vmotion.bigip_longdistance_info:
    gather_subset: [availability]
  register: secondary
- ansible.builtin.assert:
    that: >-
      (secondary.availability.gtm_pools | selectattr('name', 'equalto', 'Remote_pool') | first).members
      | rejectattr('availability', 'equalto', 'available') | list | length == 0

- name: The remote endpoints whose iSession routing is off, selected on the device's host
  longdistance.vmotion.bigip_longdistance_info:
    gather_subset: [wom]
    query: "wom.remote_endpoints[?!routing].address"
  register: routing_off

- name: Traffic share of the remote pool
  ansible.builtin.debug:
    msg: "{{ (primary.gtm.wide_ips | selectattr('name', 'equalto', 'vmhttp.siterequest.com') | first).pools }}"
"""

RETURN = r"""
query_result:
  description: The value of the O(query) expression over the parts read (V(null) when nothing matches).
  returned: when O(query) is set
  type: raw
  sample: [10.133.58.236]
wom:
  description: WAN optimization (WOM) settings.
  returned: when O(gather_subset) has V(wom) or V(all)
  type: dict
  contains:
    local_endpoint:
      description: The local endpoint; V(null) when WOM is not provisioned. C(address) is V(null) until it is configured.
      type: dict
      sample: {address: 10.133.57.236, server_ssl: /Common/serverssl, tunnel_port: 443, create_isession_virtual: true,
               snat: none, allow_nat: false, ip_encap_type: none, enabled: true}
    remote_endpoints:
      description: Remote endpoints (manual and discovered). C(routing) is iSession routing; C(source) is C(manual) or C(discovered).
      type: list
      elements: dict
      sample:
        - {name: 10.133.58.236, full_path: /Common/10.133.58.236, address: 10.133.58.236, routing: true,
           tunnel_port: 443, tunnel_encrypt: false, server_ssl: none, behind_nat: false, snat: none,
           source: manual, description: null, enabled: true}
    advertised_routes:
      description: Local subnets advertised to the remote endpoints.
      type: list
      elements: dict
      sample:
        - {name: vlan_1057, full_path: /Common/vlan_1057, subnet: 10.133.57.0, netmask: 255.255.255.0, label: "", enabled: true}
    discovery:
      description: Endpoint discovery settings; V(null) when WOM is not provisioned.
      type: dict
      sample: {mode: true, allow_remote_discovery: true, discover_remote: true, auto_include: true}
    isession_virtual:
      description:
        - The iSession virtual server of the local endpoint (the LTM virtual server whose destination is the local
          endpoint's address and tunnel port), with its profiles; V(null) when there is none (or no local endpoint address).
        - Read only when the local endpoint has an address (one more request).
      type: dict
      sample: {name: isession-virtual, full_path: /Common/isession-virtual, destination: "/Common/10.133.57.236:443", enabled: true,
               profiles: [{name: /Common/isession, context: all}, {name: /Common/tcp-wan-optimized, context: all},
                          {name: /Common/serverssl, context: serverside}]}
isession:
  description: iSession profiles.
  returned: when O(gather_subset) has V(isession) or V(all)
  type: dict
  contains:
    profiles:
      description: Every iSession profile (built-in ones included).
      type: list
      elements: dict
      sample:
        - {name: vmotion-isession, full_path: /Common/vmotion-isession, parent: /Common/isession, mode: true,
           deduplication: false, reuse_connection: false, compression: true, adaptive_compression: true,
           compression_codecs: [deflate, lzo, bzip2], deflate_level: 1, data_encryption: false,
           port_transparency: true, target_virtual: virtual-match-all}
gtm:
  description: GTM (BIG-IP DNS) objects.
  returned: when O(gather_subset) has V(gtm) or V(all)
  type: dict
  contains:
    datacenters:
      description: Data centers.
      type: list
      elements: dict
      sample: [{name: Local, full_path: /Common/Local, enabled: true}]
    servers:
      description: Servers with their addresses, monitors and virtual servers.
      type: list
      elements: dict
      sample:
        - name: Local-BIG-IP
          full_path: /Common/Local-BIG-IP
          datacenter: /Common/Local
          product: bigip
          addresses: [{address: 10.133.39.250, device_name: /Common/Local-BIG-IP, translation: none}]
          monitors: [/Common/VM-http-monitor]
          enabled: true
          virtual_servers: [{name: vmhttp_vs, destination: "10.133.39.51:80", enabled: true}]
    pools:
      description: Pools of type A with their state, DNS TTL (C(ttl), seconds) and members (C(name) is C(server:virtual_server)).
      type: list
      elements: dict
      sample:
        - name: Remote_pool
          full_path: /Common/Remote_pool
          enabled: false
          load_balancing_mode: round-robin
          ttl: 15
          monitors: [/Common/VM-http-monitor]
          members: [{name: "Remote-BIG-IP:vmhttp_vs", ratio: 1, order: 0, enabled: true}]
    wide_ips:
      description: Wide IPs of type A with their pool load balancing mode and pools (in order, with ratios).
      type: list
      elements: dict
      sample:
        - name: vmhttp.siterequest.com
          full_path: /Common/vmhttp.siterequest.com
          enabled: true
          pool_lb_mode: ratio
          pools: [{name: /Common/Local_pool, order: 0, ratio: 1}, {name: /Common/Remote_pool, order: 1, ratio: 0}]
ltm:
  description: LTM objects.
  returned: when O(gather_subset) has V(ltm) or V(all)
  type: dict
  contains:
    pools:
      description: Pools with priority group activation (C(minActiveMembers), 0 = off) and members.
      type: list
      elements: dict
      sample:
        - name: vmhttp_pool
          full_path: /Common/vmhttp_pool
          lb_method: least-connections-node
          priority_group_activation: 1
          monitors: [/Common/http]
          members: [{name: "10.133.39.11:80", address: 10.133.39.11, priority_group: 5, ratio: 1, state: unchecked, session: user-enabled}]
    irules:
      description: Full paths of the iRules (the device's built-in C(_sys_) rules left out).
      type: list
      elements: str
      sample: [/Common/vmotion-irule]
    virtual_servers:
      description: Virtual servers with their destination, pool and iRules (in order).
      type: list
      elements: dict
      sample:
        - {name: vmhttp_vs, full_path: /Common/vmhttp_vs, destination: "/Common/10.133.39.51:80", pool: /Common/vmhttp_pool,
           rules: [/Common/vmotion-irule], enabled: true}
availability:
  description:
    - Availability as the device's statistics (C(/stats)) report it. C(availability) is the device's
      C(status.availabilityState) (V(available), V(offline), V(unknown) - no service checking -, V(unavailable)),
      C(enabled) its C(status.enabledState) as a boolean, C(reason) its C(status.statusReason).
    - A part whose module is not provisioned is an empty list; C(failover_state) is V(null) when C(cm device) cannot be read.
  returned: when O(gather_subset) has V(availability) or V(all)
  type: dict
  contains:
    failover_state:
      description: C(failoverState) of this device (C(cm device) with C(selfDevice)) - V(active), V(standby), V(offline), V(forced-offline).
      type: str
      sample: active
    gtm_pools:
      description: GTM pools (type A) with their members (C(server:virtual_server)).
      type: list
      elements: dict
      sample:
        - {name: Remote_pool, full_path: /Common/Remote_pool, availability: offline, enabled: false, reason: The pool is disabled,
           members: [{name: "Remote-BIG-IP:vmhttp_vs", full_path: "/Common/Remote-BIG-IP:vmhttp_vs", availability: available,
                      enabled: true, reason: " Monitor /Common/bigip from the local BIG-IP : virtual server is available"}]}
    wide_ips:
      description: GTM wide IPs (type A).
      type: list
      elements: dict
      sample:
        - {name: vmhttp.siterequest.com, full_path: /Common/vmhttp.siterequest.com, availability: available, enabled: true,
           reason: Available}
    ltm_pools:
      description: LTM pools with their members.
      type: list
      elements: dict
      sample:
        - {name: vmhttp_pool, full_path: /Common/vmhttp_pool, availability: unknown, enabled: true, reason: "...",
           members: [{name: "10.133.39.11:80", full_path: "/Common/10.133.39.11:80", availability: unknown, enabled: true,
                      reason: Pool member does not have service checking enabled}]}
    remote_endpoints:
      description: WAN optimization remote endpoints (the iSession tunnels to the other sites).
      type: list
      elements: dict
      sample: [{name: 10.133.58.236, full_path: /Common/10.133.58.236, address: 10.133.58.236, availability: available, enabled: true,
                reason: The iSession tunnel to the remote endpoint is up}]
system:
  description: Software and provisioning.
  returned: when O(gather_subset) has V(system) or V(all)
  type: dict
  contains:
    version:
      description: Version, build, edition and product of the running software.
      type: dict
      sample: {version: 14.1.2.1, build: 0.0.4, edition: Point Release 1, product: BIG-IP}
    provisioning:
      description: Module to provisioning level (C(none), C(minimum), C(nominal), C(dedicated)).
      type: dict
      sample: {ltm: nominal, gtm: nominal, am: nominal, apm: none}
"""

import traceback

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import wom
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.client import BIGIP, uri_name
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.names import (
    base_name, is_enabled, join_address_port, monitors_of, pool_reference_path)
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError
from ansible_collections.longdistance.vmotion.plugins.module_utils._module import run_module

try:
    import jmespath
except ImportError:
    jmespath = None
    JMESPATH_ERROR = traceback.format_exc()
else:
    JMESPATH_ERROR = None

SUBSETS = ["wom", "isession", "gtm", "ltm", "system", "availability"]
EXPAND = {"expandSubcollections": "true"}
TRUE_WORDS = ("enabled", "yes", "true")
FALSE_WORDS = ("disabled", "no", "false")
ISESSION_KEYS = {"parent": "defaultsFrom", "mode": "mode", "deduplication": "deduplication", "reuse_connection": "reuseConnection",
                 "compression": "compression", "adaptive_compression": "adaptiveCompression", "compression_codecs": "compressionCodecs",
                 "deflate_level": "deflateCompressionLevel", "data_encryption": "dataEncryption",
                 "port_transparency": "portTransparency", "target_virtual": "targetVirtual"}

ARGUMENT_SPEC = dict(
    gather_subset=dict(type="list", elements="str", choices=["all"] + SUBSETS, default=["all"]),
    query=dict(type="str"),
)


def toggle(value):
    """``enabled``/``yes`` -> True, ``disabled``/``no`` -> False, anything else unchanged."""
    return True if value in TRUE_WORDS else False if value in FALSE_WORDS else value


def ident(obj):
    return {"name": obj["name"], "full_path": obj.get("fullPath", obj["name"])}


def items(client, path, what, params=None):
    return (client.get(path, params=params, what=what) or {}).get("items", [])


def sub_items(obj, key):
    return obj.get(key, {}).get("items", [])


def shape_view(shape, obj):
    """A WOM object through its row of the WOM table (``_bigip/wom.py``)."""
    view = {logical: toggle(obj.get(rest)) for logical, rest in shape.props.items() if logical not in ("enabled", "disabled")}
    if "enabled" in shape.props:
        view["enabled"] = is_enabled(obj, shape.props["disabled"])
    return view


def isession_virtual(client, local):
    """The LTM virtual server listening on the local endpoint's address and tunnel port (None without one)."""
    address = (local or {}).get(wom.LOCAL_ENDPOINT.props["address"])
    if not address:
        return None
    port = local.get(wom.LOCAL_ENDPOINT.props["tunnel_port"], 443)
    for virtual in items(client, "/mgmt/tm/ltm/virtual", "LTM virtual servers", EXPAND):
        if base_name(virtual.get("destination")) == join_address_port(address, port):
            profiles = [{"name": p.get("fullPath", p["name"]), "context": p.get("context")}
                        for p in sub_items(virtual, "profilesReference")]
            return dict(ident(virtual), destination=virtual.get("destination"), enabled=is_enabled(virtual), profiles=profiles)
    return None


def wom_info(client):
    local = client.get(wom.LOCAL_ENDPOINT.path, what="WOM local endpoint")
    discovery = client.get(wom.ENDPOINT_DISCOVERY.path, what="WOM endpoint discovery")
    return {
        "isession_virtual": isession_virtual(client, local),
        "local_endpoint": None if local is None else shape_view(wom.LOCAL_ENDPOINT, local),
        "remote_endpoints": [dict(ident(obj), **shape_view(wom.REMOTE_ENDPOINT, obj))
                             for obj in items(client, wom.REMOTE_ENDPOINT.path, "WOM remote endpoints")],
        "advertised_routes": [dict(ident(obj), **shape_view(wom.ADVERTISED_ROUTE, obj))
                              for obj in items(client, wom.ADVERTISED_ROUTE.path, "WOM advertised routes")],
        "discovery": None if discovery is None else shape_view(wom.ENDPOINT_DISCOVERY, discovery),
    }


def isession_info(client):
    return {"profiles": [dict(ident(obj), **{opt: toggle(obj.get(key)) for opt, key in ISESSION_KEYS.items()})
                         for obj in items(client, wom.ISESSION_PROFILE_PATH, "iSession profiles")]}


def server_view(server):
    addresses = [{"address": a["name"], "device_name": a.get("deviceName"), "translation": a.get("translation")}
                 for a in server.get("addresses", [])]
    virtual_servers = [{"name": vs["name"], "destination": vs.get("destination"), "enabled": is_enabled(vs)}
                       for vs in sub_items(server, "virtualServersReference")]
    return dict(ident(server), datacenter=server.get("datacenter"), product=server.get("product"), addresses=addresses,
                monitors=monitors_of(server.get("monitor")), enabled=is_enabled(server), virtual_servers=virtual_servers)


def gtm_pool_view(pool):
    members = [{"name": m["name"], "ratio": m.get("ratio"), "order": m.get("memberOrder"), "enabled": is_enabled(m)}
               for m in sorted(sub_items(pool, "membersReference"), key=lambda m: m.get("memberOrder", 0))]
    return dict(ident(pool), enabled=is_enabled(pool), load_balancing_mode=pool.get("loadBalancingMode"), ttl=pool.get("ttl"),
                monitors=monitors_of(pool.get("monitor")), members=members)


def wide_ip_view(wide_ip):
    pools = [{"name": pool_reference_path(p), "order": p.get("order"), "ratio": p.get("ratio")}
             for p in sorted(wide_ip.get("pools", []), key=lambda p: p.get("order", 0))]
    return dict(ident(wide_ip), enabled=is_enabled(wide_ip), pool_lb_mode=wide_ip.get("poolLbMode"), pools=pools)


def gtm_info(client):
    return {
        "datacenters": [dict(ident(dc), enabled=is_enabled(dc)) for dc in items(client, "/mgmt/tm/gtm/datacenter", "GTM data centers")],
        "servers": [server_view(obj) for obj in items(client, "/mgmt/tm/gtm/server", "GTM servers", EXPAND)],
        "pools": [gtm_pool_view(obj) for obj in items(client, "/mgmt/tm/gtm/pool/a", "GTM pools", EXPAND)],
        "wide_ips": [wide_ip_view(obj) for obj in items(client, "/mgmt/tm/gtm/wideip/a", "GTM wide IPs")],
    }


def ltm_pool_view(pool):
    members = [{"name": m["name"], "address": m.get("address"), "priority_group": m.get("priorityGroup"), "ratio": m.get("ratio"),
                "state": m.get("state"), "session": m.get("session")} for m in sub_items(pool, "membersReference")]
    return dict(ident(pool), lb_method=pool.get("loadBalancingMode"), priority_group_activation=pool.get("minActiveMembers"),
                monitors=monitors_of(pool.get("monitor")), members=members)


def ltm_info(client):
    rules = items(client, "/mgmt/tm/ltm/rule", "LTM iRules", {"$select": "name,fullPath"})
    return {
        "pools": [ltm_pool_view(obj) for obj in items(client, "/mgmt/tm/ltm/pool", "LTM pools", EXPAND)],
        "irules": [rule.get("fullPath", rule["name"]) for rule in rules if not rule["name"].startswith("_sys_")],
        "virtual_servers": [dict(ident(vs), destination=vs.get("destination"), pool=vs.get("pool"), rules=vs.get("rules", []),
                                 enabled=is_enabled(vs))
                            for vs in items(client, "/mgmt/tm/ltm/virtual", "LTM virtual servers")],
    }


def system_info(client):
    stats = (client.get("/mgmt/tm/sys/version", what="software version") or {}).get("entries", {})
    entries = next(iter(stats.values()), {}).get("nestedStats", {}).get("entries", {})
    version = {key.lower(): entries.get(key, {}).get("description") for key in ("Version", "Build", "Edition", "Product")}
    provisioning = {item["name"]: item.get("level") for item in items(client, "/mgmt/tm/sys/provision", "provisioning")}
    return {"version": version, "provisioning": provisioning}


def stats_entries(client, path, what):
    """``GET <path>/stats`` -> the nested entries of each object, flattened to {name: description or value}."""
    body = client.get(path + "/stats", what=what) or {}
    out = []
    for entry in body.get("entries", {}).values():
        nested = entry.get("nestedStats", {}).get("entries", {})
        out.append({key: value.get("description", value.get("value")) for key, value in nested.items()})
    return out


def status_view(entries, name=None):
    full = entries.get("tmName", name)
    view = {"name": (full or "").split("/")[-1], "full_path": full, "availability": entries.get("status.availabilityState"),
            "enabled": entries.get("status.enabledState") == "enabled", "reason": entries.get("status.statusReason")}
    return view


def pools_with_members(client, collection, what):
    pools = []
    for pool in stats_entries(client, collection, "%s statistics" % what):
        view = status_view(pool)
        view["members"] = [status_view(member) for member in
                           stats_entries(client, "%s/%s/members" % (collection, uri_name(view["full_path"])),
                                         "%s %s member statistics" % (what, view["full_path"]))]
        pools.append(view)
    return pools


def failover_state(client):
    devices = items(client, "/mgmt/tm/cm/device", "cm devices")
    own = [d for d in devices if d.get("selfDevice") == "true"]
    return own[0].get("failoverState") if own else None


def availability_info(client):
    remote = [dict(status_view(e), address=e.get("address"))
              for e in stats_entries(client, wom.REMOTE_ENDPOINT.path, "WOM remote endpoint statistics")]
    return {
        "failover_state": failover_state(client),
        "gtm_pools": pools_with_members(client, "/mgmt/tm/gtm/pool/a", "GTM pool"),
        "wide_ips": [status_view(e) for e in stats_entries(client, "/mgmt/tm/gtm/wideip/a", "GTM wide IP statistics")],
        "ltm_pools": pools_with_members(client, "/mgmt/tm/ltm/pool", "LTM pool"),
        "remote_endpoints": remote,
    }


READERS = {"wom": wom_info, "isession": isession_info, "gtm": gtm_info, "ltm": ltm_info, "system": system_info,
           "availability": availability_info}


def compiled_query(module):
    """The O(query) expression compiled before any request (None without one); bad syntax is refused."""
    if module.params["query"] is None:
        return None
    if jmespath is None:
        module.fail_json(msg=missing_required_lib("jmespath", reason="for the query option"), exception=JMESPATH_ERROR)
    try:
        return jmespath.compile(module.params["query"])
    except jmespath.exceptions.JMESPathError as exc:
        raise ValidationError("query: %r is not a JMESPath expression: %s" % (module.params["query"], exc)) from None


def gather(module, client):
    query = compiled_query(module)
    wanted = SUBSETS if "all" in module.params["gather_subset"] else [s for s in SUBSETS if s in module.params["gather_subset"]]
    result = {"changed": False}
    for subset in wanted:
        result[subset] = READERS[subset](client)
    if query is not None:
        result["query_result"] = query.search({subset: result[subset] for subset in wanted})
    return result


def main():
    run_module(gather, ARGUMENT_SPEC, connection=BIGIP)


if __name__ == "__main__":
    main()
