# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The vMotion vmknic's default gateway and host advanced options (``Migrate.BindToVmknics``).

Gateway levels (see docs): the per-vmknic override (API 6.5+, ``UpdateVirtualNic``), or the gateway
of the ``vmotion`` TCP/IP stack when the vmknic lives there (``UpdateNetworkConfig``). The default
stack's gateway (management routing) is never changed.
"""

from __future__ import annotations

import ipaddress

from .._errors import ValidationError
from . import lookup

try:
    from pyVmomi import VmomiSupport, vim
except ImportError:  # pragma: no cover - the session reports the missing library
    VmomiSupport = vim = None

BIND_OPTION = "Migrate.BindToVmknics"
VMOTION_STACK = "vmotion"
DEFAULT_STACK = "defaultTcpipStack"
VMKNIC_OVERRIDE_API = (6, 5)
HOST_PATHS = ("name", "runtime.connectionState", "config.product.apiVersion", "config.network.vnic", "config.network.netStackInstance",
              "configManager.networkSystem", "configManager.virtualNicManager", "configManager.advancedOption")


def api_tuple(version):
    """'7.0.3.0' -> (7, 0, 3, 0); unknown -> ()."""
    return tuple(int(part) for part in (version or "").split(".") if part.isdigit())


def hosts_in_scope(session, esxi_hostname=None, cluster_name=None, datacenter=None):
    """The one named host, or every host of the named cluster (scoped to ``datacenter``)."""
    root = lookup.by_name(session, "datacenter", datacenter) if datacenter else None
    if esxi_hostname:
        return [lookup.by_name(session, "host", esxi_hostname, root)]
    cluster = lookup.by_name(session, "cluster", cluster_name, root)
    hosts = list(session.call(getattr, cluster, "host", what=f"listing hosts of cluster {cluster_name}"))
    if not hosts:
        raise ValidationError(f"cluster '{cluster_name}' has no hosts", object=cluster_name)
    return hosts


def read_host(session, host):
    """The host facts the gateway logic needs, read in one call."""
    props = lookup.properties(session, host, HOST_PATHS)
    name = props.get("name", host._moId)
    if str(props.get("runtime.connectionState")) != "connected":
        raise ValidationError(f"host {name} is {props.get('runtime.connectionState')}, not connected", object=name)
    return dict(
        obj=host, name=name, api=api_tuple(props.get("config.product.apiVersion")),
        vnics={vnic.device: vnic for vnic in props.get("config.network.vnic") or []},
        stacks={stack.key: stack for stack in props.get("config.network.netStackInstance") or []},
        network_system=props["configManager.networkSystem"], nic_manager=props.get("configManager.virtualNicManager"),
        options=props["configManager.advancedOption"],
    )


def _selected_devices(session, state):
    if state["nic_manager"] is None:
        return []
    config = session.call(state["nic_manager"].QueryNetConfig, "vmotion", what=f"QueryNetConfig('vmotion') on {state['name']}")
    selected = set(config.selectedVnic or []) if config is not None else set()
    return sorted(vnic.device for vnic in config.candidateVnic or [] if vnic.key in selected) if config is not None else []


def vmotion_vnic(session, state, device=None):
    """The vMotion vmknic: ``device`` when given, else the one selected for vMotion, else the one on the vmotion stack."""
    name = state["name"]
    if device:
        if device not in state["vnics"]:
            raise ValidationError(f"host {name} has no vmknic {device} (has {', '.join(sorted(state['vnics'])) or 'none'})", object=name)
        return state["vnics"][device]
    devices = _selected_devices(session, state) or sorted(
        dev for dev, vnic in state["vnics"].items() if vnic.spec.netStackInstanceKey == VMOTION_STACK)
    if not devices:
        raise ValidationError(f"host {name} has no vmknic selected for vMotion nor on the vmotion TCP/IP stack; give 'device'", object=name)
    if len(devices) > 1:
        raise ValidationError(f"host {name} has several vMotion vmknics ({', '.join(devices)}); give 'device'", object=name)
    return state["vnics"][devices[0]]


def gateway_mode(state, vnic, mode):
    """'vmknic' or 'netstack' for this host and vmknic; refuses anything that would touch the default stack's gateway."""
    stack = vnic.spec.netStackInstanceKey or DEFAULT_STACK
    if mode == "auto":
        mode = "netstack" if stack == VMOTION_STACK else "vmknic"
    if mode == "netstack" and stack == DEFAULT_STACK:
        raise ValidationError(f"{vnic.device} on host {state['name']} is on the default TCP/IP stack: its gateway is the management "
                              "gateway, which this module never changes; use mode vmknic", object=state["name"])
    if mode == "vmknic" and state["api"] < VMKNIC_OVERRIDE_API:
        raise ValidationError(f"host {state['name']} (API {'.'.join(map(str, state['api'])) or 'unknown'}) predates per-vmknic gateways "
                              "(API 6.5); put the vMotion vmknic on the vmotion TCP/IP stack and use mode netstack", object=state["name"])
    return mode


def _route_config(state, vnic, mode):
    if mode == "vmknic":
        route = vnic.spec.ipRouteSpec
        return route.ipRouteConfig if route is not None else None
    stack = state["stacks"].get(vnic.spec.netStackInstanceKey)
    return stack.ipRouteConfig if stack is not None else None


def current_gateway(state, vnic, mode):
    config = _route_config(state, vnic, mode)
    return (config.defaultGateway or None) if config is not None else None


def _new_route_config(state, vnic, mode, gateway):
    old = _route_config(state, vnic, mode)
    return vim.host.IpRouteConfig(defaultGateway=gateway, ipV6DefaultGateway=old.ipV6DefaultGateway if old is not None else None)


def set_gateway(session, state, vnic, mode, gateway):
    """Write ``gateway`` (None removes it) at the ``mode`` level."""
    route = _new_route_config(state, vnic, mode, gateway)
    if mode == "vmknic":
        spec = vim.host.VirtualNic.Specification(ipRouteSpec=vim.host.VirtualNic.IpRouteSpec(ipRouteConfig=route))
        session.write(state["network_system"], "UpdateVirtualNic", vnic.device, spec,
                      what=f"UpdateVirtualNic({vnic.device}) on {state['name']}")
        return
    stack = vim.host.NetStackInstance(key=vnic.spec.netStackInstanceKey, ipRouteConfig=route)
    config = vim.host.NetworkConfig(netStackSpec=[vim.host.NetworkConfig.NetStackSpec(operation="edit", netStackInstance=stack)])
    session.write(state["network_system"], "UpdateNetworkConfig", config, "modify",
                  what=f"UpdateNetworkConfig({stack.key} gateway) on {state['name']}")


def validate_gateway(gateway, vnic=None, host=None):
    """``gateway`` as a normalised IPv4 address; with the vmknic, it must be a usable address of the
    vmknic's own subnet (not the vmknic's address, nor the subnet's network or broadcast address)."""
    try:
        address = ipaddress.IPv4Address(gateway)
    except ValueError as exc:
        raise ValidationError(f"gateway '{gateway}' is not an IPv4 address", object=gateway) from exc
    ip = getattr(getattr(vnic, "spec", None), "ip", None)
    if ip is None or getattr(ip, "dhcp", False) or not getattr(ip, "ipAddress", None) or not getattr(ip, "subnetMask", None):
        return str(address)
    try:
        own = ipaddress.IPv4Interface(f"{ip.ipAddress}/{ip.subnetMask}")
    except ValueError:
        return str(address)
    where = f"vmknic {vnic.device} on host {host}"
    subnet = own.network
    if address not in subnet:
        raise ValidationError(f"gateway '{gateway}' is outside the subnet {subnet} of {where} ({own.ip}): the host could not reach it",
                              object=gateway)
    if address == own.ip:
        raise ValidationError(f"gateway '{gateway}' is the address of {where} itself; give the local BIG-IP's self IP", object=gateway)
    if subnet.prefixlen < 31 and address in (subnet.broadcast_address, subnet.network_address):
        kind = "broadcast" if address == subnet.broadcast_address else "network"
        raise ValidationError(f"gateway '{gateway}' is the {kind} address of the subnet {subnet} of {where}", object=gateway)
    return str(address)


def typed_option_value(option_def, value):
    """``value`` cast to the vmodl type the host declares for the option (LongOption -> long, ...).

    A plain Python int would be sent as xsd:int, which ESXi rejects for LongOption keys.
    """
    kind = type(option_def.optionType).__name__.rsplit(".", 1)[-1]
    if kind == "BoolOption":
        return bool(value)
    numeric = {"LongOption": "long", "IntOption": "int", "FloatOption": "float"}
    if kind in numeric:
        return VmomiSupport.vmodlTypes[numeric[kind]](int(value) if kind != "FloatOption" else float(value))
    if kind in ("StringOption", "ChoiceOption"):
        return str(int(value)) if isinstance(value, bool) else str(value)
    raise ValidationError(f"option {option_def.key} has type {kind}, which this module cannot set", object=option_def.key)


def option_flag(value):
    """An on/off option value as bool ('0', 0, 'false' and None are off)."""
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no", "off")
    return bool(value)


def option_definition(session, state, key):
    """The host's ``OptionDef`` for ``key``, or None when the host lacks the option."""
    defs = session.call(getattr, state["options"], "supportedOption", what=f"reading supported options of {state['name']}")
    return next((item for item in defs or [] if item.key == key), None)


def option_value(session, state, key):
    values = session.call(state["options"].QueryOptions, key, what=f"QueryOptions({key}) on {state['name']}")
    return next((item.value for item in values or [] if item.key == key), None)


def set_option(session, state, key, value):
    changed = [vim.option.OptionValue(key=key, value=value)]
    session.write(state["options"], "UpdateOptions", changedValue=changed, what=f"UpdateOptions({key}={value}) on {state['name']}")


def _plan_bind(session, state, desired, missing_option, warn):
    definition = option_definition(session, state, BIND_OPTION)
    if definition is None:
        if desired is None:
            return None, None, None
        text = f"host {state['name']} has no advanced option {BIND_OPTION}"
        if missing_option == "fail":
            raise ValidationError(f"{text}; set missing_option=warn to skip it", object=state["name"])
        warn(f"{text}; bind_to_vmknics left unset there")
        return None, None, None
    current = option_flag(option_value(session, state, BIND_OPTION))
    if desired is None or desired == current:
        return current, current, None
    return current, desired, typed_option_value(definition, desired)


def plan_gateway(facts, vnic, mode="auto", state="present", gateway=None):
    """``(mode, gateway before, gateway after)`` for the vMotion vmknic of a host read by ``read_host``. Pure."""
    mode = gateway_mode(facts, vnic, mode)
    before = current_gateway(facts, vnic, mode)
    after = None if state == "absent" else before if gateway is None else validate_gateway(gateway, vnic, facts["name"])
    return mode, before, after


def plan_host(session, host, device=None, mode="auto", state="present", gateway=None, bind_to_vmknics=None, missing_option="fail",
              warn=None):
    """Read one host and decide what to change; nothing is written. Returns the plan (``result`` is user-facing)."""
    facts = read_host(session, host)
    vnic = vmotion_vnic(session, facts, device)
    mode, before, after = plan_gateway(facts, vnic, mode, state, gateway)
    bind_before, bind_after, bind_value = _plan_bind(session, facts, bind_to_vmknics, missing_option, warn or (lambda text: None))
    result = dict(device=vnic.device, netstack=vnic.spec.netStackInstanceKey or DEFAULT_STACK, mode=mode,
                  gateway_before=before, gateway_after=after, bind_to_vmknics_before=bind_before, bind_to_vmknics_after=bind_after,
                  changed=before != after or bind_value is not None)
    return dict(facts=facts, vnic=vnic, mode=mode, gateway_changed=before != after, bind_value=bind_value, result=result)


def apply_host(session, plan):
    """Send the writes ``plan_host`` decided on (the session refuses them in check mode)."""
    if plan["gateway_changed"]:
        set_gateway(session, plan["facts"], plan["vnic"], plan["mode"], plan["result"]["gateway_after"])
    if plan["bind_value"] is not None:
        set_option(session, plan["facts"], BIND_OPTION, plan["bind_value"])
