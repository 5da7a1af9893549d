#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vmkernel_gateway
short_description: Set the default gateway of the vMotion VMkernel adapter and Migrate.BindToVmknics
description:
  - Finds the vMotion VMkernel adapter (vmknic) of one ESXi host or of every host of a cluster and sets, or removes, its default
    gateway, so vMotion traffic is routed through the local BIG-IP (the deployment guide's "VMkernel Default Gateway").
  - The vmknic is the one selected for vMotion (C(QueryNetConfig('vmotion'))), else the one on the C(vmotion) TCP/IP stack, else O(device).
  - With O(mode=auto) the gateway is the vmknic's own override (API 6.5 and later) for a vmknic on the default TCP/IP stack,
    and the C(vmotion) TCP/IP stack's gateway for a vmknic on that stack. The default stack's (management) gateway is never changed.
  - Optionally sets the host advanced option C(Migrate.BindToVmknics), typed as the host declares it (a C(LongOption) is sent as a long).
  - Every host is read and checked before the first change is sent.
version_added: 0.1.0
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  esxi_hostname:
    description: Name of the ESXi host, as known to vCenter. Exactly one of O(esxi_hostname) and O(cluster_name) is required.
    type: str
  cluster_name:
    description: Name of a cluster; every host of it is configured.
    type: str
  datacenter:
    description: Name of the datacenter to look O(esxi_hostname) or O(cluster_name) up in, when the name alone is ambiguous.
    type: str
  device:
    description: The vmknic to configure (for example V(vmk1)) instead of the one vSphere has selected for vMotion.
    type: str
  gateway:
    description:
      - IPv4 address of the default gateway for vMotion traffic (the local BIG-IP self IP on the vMotion VLAN).
      - Ignored with O(state=absent). When omitted with O(state=present), the gateway is left as it is.
    type: str
  state:
    description: V(present) sets O(gateway); V(absent) removes the gateway at the chosen level.
    type: str
    choices: [present, absent]
    default: present
  mode:
    description:
      - Where the gateway is set. V(vmknic) is the per-adapter override (API 6.5+), V(netstack) the gateway of the adapter's own
        TCP/IP stack
        (refused for the default stack), V(auto) picks V(netstack) for a vmknic on the C(vmotion) stack and V(vmknic) otherwise.
    type: str
    choices: [auto, vmknic, netstack]
    default: auto
  bind_to_vmknics:
    description:
      - Desired value of the host advanced option C(Migrate.BindToVmknics). Omit to leave it alone.
    type: bool
  missing_option:
    description: What to do on a host that has no C(Migrate.BindToVmknics) option while O(bind_to_vmknics) is set.
    type: str
    choices: [fail, warn]
    default: fail
extends_documentation_fragment:
  - longdistance.vmotion.vsphere
  - longdistance.vmotion.attributes
  - longdistance.vmotion.attributes.action_group_vsphere
"""

EXAMPLES = r"""
- name: Route vMotion through the local BIG-IP on every primary host
  longdistance.vmotion.vmkernel_gateway:
    hostname: vcenter-primary.lab.local
    username: administrator@vsphere.local
    password: "{{ vcenter_password }}"
    cluster_name: Primary-Cluster
    gateway: 10.133.57.236
    bind_to_vmknics: true

- name: Remove the override on one host, vmk1 named explicitly
  longdistance.vmotion.vmkernel_gateway:
    esxi_hostname: esx-p1.lab.local
    device: vmk1
    state: absent
"""

RETURN = r"""
hosts:
  description: What was found and done per host, keyed by host name.
  returned: always
  type: dict
  sample:
    esx-p1.lab.local:
      device: vmk1
      netstack: defaultTcpipStack
      mode: vmknic
      gateway_before: null
      gateway_after: 10.133.57.236
      bind_to_vmknics_before: false
      bind_to_vmknics_after: true
      changed: true
  contains:
    device:
      description: The vMotion vmknic.
      type: str
    netstack:
      description: The TCP/IP stack the vmknic is on.
      type: str
    mode:
      description: Where the gateway lives, V(vmknic) or V(netstack).
      type: str
    gateway_before:
      description: Gateway before the task (null when none is set at that level).
      type: str
    gateway_after:
      description: Gateway after the task (predicted in check mode).
      type: str
    bind_to_vmknics_before:
      description: C(Migrate.BindToVmknics) before the task, null when the host lacks the option.
      type: bool
    bind_to_vmknics_after:
      description: C(Migrate.BindToVmknics) after the task (predicted in check mode).
      type: bool
    changed:
      description: Whether this host was (or would be) changed.
      type: bool
diff:
  description: Gateway and C(Migrate.BindToVmknics) per host, before and after.
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.longdistance.vmotion.plugins.module_utils._differ import diff_of
from ansible_collections.longdistance.vmotion.plugins.module_utils._module import run_module
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere import netconfig
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere.session import VSPHERE

ARGUMENT_SPEC = dict(
    esxi_hostname=dict(type="str"),
    cluster_name=dict(type="str"),
    datacenter=dict(type="str"),
    device=dict(type="str"),
    gateway=dict(type="str"),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    mode=dict(type="str", choices=["auto", "vmknic", "netstack"], default="auto"),
    bind_to_vmknics=dict(type="bool"),
    missing_option=dict(type="str", choices=["fail", "warn"], default="fail"),
)
PLAN_KEYS = ("device", "mode", "state", "gateway", "bind_to_vmknics", "missing_option")


def _diff_side(hosts, side):
    return {name: dict(gateway=facts[f"gateway_{side}"], bind_to_vmknics=facts[f"bind_to_vmknics_{side}"]) for name, facts in hosts.items()}


def ensure(module, session):
    p = module.params
    hosts = netconfig.hosts_in_scope(session, p["esxi_hostname"], p["cluster_name"], p["datacenter"])
    plans = [netconfig.plan_host(session, host, warn=module.warn, **{key: p[key] for key in PLAN_KEYS}) for host in hosts]
    if not module.check_mode:
        for plan in plans:
            netconfig.apply_host(session, plan)
    result = {plan["facts"]["name"]: plan["result"] for plan in plans}
    output = dict(changed=any(item["changed"] for item in result.values()), hosts=result)
    if module._diff:
        output["diff"] = diff_of(_diff_side(result, "before"), _diff_side(result, "after"))
    return output


def main():
    run_module(ensure, ARGUMENT_SPEC, connection=VSPHERE, required_one_of=[("esxi_hostname", "cluster_name")],
               mutually_exclusive=[("esxi_hostname", "cluster_name")])


if __name__ == "__main__":
    main()
