"""``net`` types: interface, vlan (+interfaces), self, self-allow, route, route-domain."""
from __future__ import annotations

import json
import re

from engine import Ctx, Prop, TypeDef, config_error, key_of
from schema import (any_json, bare_address, enum, flag, full_path, full_path_list, integer, ip_address,
                    ip_prefix, network, port_number, protocol, reference, stored, string_list, text)

VLAN = "/mgmt/tm/net/vlan"
SELF = "/mgmt/tm/net/self"
ROUTE_DOMAIN = "/mgmt/tm/net/route-domain"
INTERFACE = "/mgmt/tm/net/interface"
TUNNEL = "/mgmt/tm/net/tunnels/tunnel"
TRAFFIC_GROUP = "/mgmt/tm/cm/traffic-group"
LOCAL_ONLY = "/Common/traffic-group-local-only"
TRAFFIC_GROUPS = (LOCAL_ONLY, "/Common/traffic-group-1")
BUILTIN_TUNNELS = ("/Common/http-tunnel", "/Common/socks-tunnel")
SERVICE_PROTOCOLS = ("tcp", "udp", "gre", "igmp", "ospf", "pim", "icmp", "sctp", "esp", "ah")
ON_OFF = enum("enabled", "disabled")


def interface() -> TypeDef:
    names = [f"1.{n}" for n in range(1, 17)] + ["mgmt"]
    return TypeDef(
        path=INTERFACE, display="Interface", partitioned=False, creatable=False,
        props={
            "bundle": Prop("not-supported", text),
            "description": Prop(check=text),
            "enabled": Prop(True, flag),
            "disabled": Prop(check=flag),
            "flowControl": Prop("tx-rx", enum("none", "rx", "tx", "tx-rx")),
            "forceGigabitFiber": Prop("disabled", ON_OFF),
            "lldpAdmin": Prop("txonly", enum("disable", "txonly", "rxonly", "txrx")),
            "mediaFixed": Prop("auto", text),
            "mtu": Prop(9198, integer(576, 9198)),
            "stp": Prop("enabled", ON_OFF),
        },
        builtins=[{"name": name, "generation": 1, "bundle": "not-supported", "enabled": True, "flowControl": "tx-rx",
                   "forceGigabitFiber": "disabled", "lldpAdmin": "txonly", "mediaFixed": "auto", "mtu": 9198,
                   "stp": "enabled"} for name in names],
    )


# --- VLAN ---------------------------------------------------------------------------------
def vlan_interfaces() -> TypeDef:
    def name_check(name: str) -> None:
        if not re.fullmatch(r"1\.([1-9]|1[0-6])", name):
            raise config_error(f"The requested interface ({name}) was not found; interfaces 1.1 to 1.16 exist.")

    def validate(ctx: Ctx, obj: dict, old) -> None:
        if obj.get("tagged") and obj.get("untagged"):
            raise config_error(f"Interface {obj['name']} cannot be both tagged and untagged.")
        if not obj.get("tagged"):
            obj["untagged"] = True
            obj.pop("tagged", None)
        else:
            obj.pop("untagged", None)
        if obj.get("untagged"):
            for vlan in ctx.objects(VLAN):
                if key_of(vlan.get("partition"), vlan["name"]) == obj.get("_parent"):
                    continue
                member = vlan.get("_sub", {}).get("interfaces", {}).get(obj["name"])
                if member and member.get("untagged"):
                    raise config_error(f"Interface {obj['name']} is already an untagged member of VLAN "
                                       f"{key_of(vlan.get('partition'), vlan['name'])}.")

    return TypeDef(
        path=f"{VLAN}/interfaces", display="VLAN member", partitioned=False,
        props={"tagMode": Prop("none", enum("none", "service", "customer", "double")),
               "tagged": Prop(check=flag), "untagged": Prop(check=flag)},
        name_check=name_check, validate=validate,
    )


def _vlan_tag(body: dict, ctx: Ctx) -> int:
    used = {v.get("tag") for v in ctx.objects(VLAN)}
    while True:
        tag = ctx.counter("vlan-tag", 4094, -1)
        if tag not in used:
            return tag


def _vlan_validate(ctx: Ctx, obj: dict, old) -> None:
    for other in ctx.objects(VLAN):
        if other is not obj and other.get("tag") == obj["tag"] and other["name"] != obj["name"]:
            raise config_error(f"The VLAN tag {obj['tag']} of VLAN /{obj['partition']}/{obj['name']} is already used by "
                               f"VLAN /{other['partition']}/{other['name']}.")


def _vlan_created(ctx: Ctx, obj: dict) -> None:
    """A new VLAN joins route domain 0 unless another route domain lists it."""
    path = key_of(obj["partition"], obj["name"])
    domains = ctx.objects(ROUTE_DOMAIN)
    if any(path in d.get("vlans", []) for d in domains):
        return
    zero = ctx.find(ROUTE_DOMAIN, "/Common/0")
    if zero is not None:
        zero.setdefault("vlans", []).append(path)
        ctx.touch(zero)


def _vlan_delete(ctx: Ctx, obj: dict) -> None:
    path = key_of(obj["partition"], obj["name"])
    for self_ip in ctx.objects(SELF):
        if self_ip.get("vlan") == path:
            raise config_error(f"The VLAN ({path}) cannot be deleted because it is in use by a self IP "
                               f"(/{self_ip['partition']}/{self_ip['name']}).")
    for domain in ctx.objects(ROUTE_DOMAIN):
        if path in domain.get("vlans", []) and domain["name"] != "0":
            raise config_error(f"The VLAN ({path}) cannot be deleted because it is in use by route domain "
                               f"(/{domain['partition']}/{domain['name']}).")
    zero = ctx.find(ROUTE_DOMAIN, "/Common/0")
    if zero is not None and path in zero.get("vlans", []):
        zero["vlans"].remove(path)
        ctx.touch(zero)


def vlan() -> TypeDef:
    return TypeDef(
        path=VLAN, display="VLAN",
        props={
            "autoLasthop": Prop("default", enum("default", "enabled", "disabled")),
            "cmpHash": Prop("default", enum("default", "src-ip", "dst-ip")),
            "dagRoundRobin": Prop("disabled", ON_OFF),
            "dagTunnel": Prop("outer", enum("inner", "outer")),
            "description": Prop(check=text),
            "failsafe": Prop("disabled", ON_OFF),
            "failsafeAction": Prop("failover-restart-tm", enum("failover-restart-tm", "failover", "reboot",
                                                               "restart-all", "go-offline", "go-offline-restart")),
            "failsafeTimeout": Prop(90, integer(10, 3600)),
            "fwdMode": Prop("l3", enum("l2", "l3")),
            "hardwareSyncookie": Prop("disabled", ON_OFF),
            "ifIndex": Prop(lambda body, ctx: ctx.counter("vlan-ifindex", 208, 16), integer(0, 1 << 31)),
            "learning": Prop("enable-forward", enum("enable-forward", "enable-drop", "disable-forward", "disable-drop")),
            "mtu": Prop(1500, integer(576, 9198)),
            "sflow": Prop({"pollInterval": 0, "pollIntervalGlobal": "yes", "samplingRate": 0, "samplingRateGlobal": "yes"},
                          any_json),
            "sourceChecking": Prop("disabled", ON_OFF),
            "synFloodRateLimit": Prop(1000, integer(0, 10_000_000)),
            "syncacheThreshold": Prop(6000, integer(0, 10_000_000)),
            "tag": Prop(_vlan_tag, integer(1, 4094)),
        },
        subcollections={"interfaces": vlan_interfaces()},
        inline={"interfaces": "interfaces"},
        validate=_vlan_validate, after_write=_vlan_created, before_delete=_vlan_delete,
    )


# --- self IP ------------------------------------------------------------------------------
def allow_service(value):
    """``default``/``all``/``none`` or a list of ``protocol:port``; protocols by number (``6:443``) and
    ports by service name (``tcp:https``) are stored as ``tcp:443``."""
    if value in ("all", "none", "default"):
        return ["default"] if value == "default" else value
    string_list(value)
    out = []
    for entry in value:
        if entry == "default":
            out.append(entry)
            continue
        proto, sep, port = entry.partition(":")
        try:
            name = protocol(*SERVICE_PROTOCOLS)(proto)
            number = port_number(port, entry)
        except ValueError:
            raise ValueError(f"invalid service {json.dumps(entry)}; expected default or protocol:port") from None
        if not sep:
            raise ValueError(f"invalid service {json.dumps(entry)}; expected default or protocol:port")
        out.append(f"{name}:{number}")
    return out


def _self_validate(ctx: Ctx, obj: dict, old) -> None:
    me = key_of(obj["partition"], obj["name"])
    obj["address"] = ctx.with_route_domain(obj["partition"], obj["address"], f"self IP ({me})")
    if ctx.find(VLAN, obj["vlan"]) is None and obj["vlan"] not in BUILTIN_TUNNELS:
        raise config_error(f"The requested VLAN ({obj['vlan']}) for self IP ({me}) was not found.")
    if obj["trafficGroup"] not in TRAFFIC_GROUPS:
        raise config_error(f"The requested traffic group ({obj['trafficGroup']}) for self IP ({me}) was not found.")
    if obj.get("allowService") in ([], "none"):
        del obj["allowService"]
    mine = bare_address(obj["address"])
    for other in ctx.objects(SELF):
        if other["name"] != obj["name"] and bare_address(other["address"]) == mine and \
                other["address"].split("/")[0] == obj["address"].split("/")[0]:
            raise config_error(f"The IP address {obj['address'].split('/')[0]} of self IP ({me}) is already used by "
                               f"self IP (/{other['partition']}/{other['name']}).")


def _floating(obj: dict, ctx: Ctx) -> str:
    """A self IP floats when it belongs to a traffic group other than the local-only one."""
    return "disabled" if obj["trafficGroup"] == LOCAL_ONLY else "enabled"


def _unit(obj: dict, ctx: Ctx) -> int:
    return 0 if obj["trafficGroup"] == LOCAL_ONLY else 1


def self_ip() -> TypeDef:
    def required(prop):
        def default(body, ctx):
            raise config_error(f"The self IP ({body.get('name')}) requires the {prop} property.")
        return default

    return TypeDef(
        path=SELF, display="Self IP",
        props={
            "address": Prop(required("address"), ip_prefix),
            "addressSource": Prop("from-user", enum("from-user", "from-dhcp")),
            "description": Prop(check=text),
            "inheritedTrafficGroup": Prop("false", enum("true", "false")),
            "trafficGroup": Prop(LOCAL_ONLY, full_path, reference=TRAFFIC_GROUP),
            "vlan": Prop(required("vlan"), full_path, reference=lambda v: TUNNEL if v in BUILTIN_TUNNELS else VLAN),
            "allowService": Prop(check=allow_service),
        },
        readonly={"floating": _floating, "unit": _unit},
        validate=_self_validate,
    )


def self_allow() -> TypeDef:
    def services(value):
        allow_service(value)
        if not isinstance(value, list):
            raise ValueError(f"invalid value {json.dumps(value)}; expected a list of protocol:port")
        return sorted(set(value))

    body = reference("mgmt_tm_net_self_allow")
    return TypeDef(path="/mgmt/tm/net/self-allow", display="Self allow", singleton=True, kind=body["kind"],
                   props={"defaults": Prop(body["defaults"], services)},
                   builtins=[{"name": "/mgmt/tm/net/self-allow", "defaults": body["defaults"]}])


# --- routes -------------------------------------------------------------------------------
def _route_validate(ctx: Ctx, obj: dict, old) -> None:
    given = [p for p in ("gw", "pool", "tmInterface", "blackhole") if obj.get(p) not in (None, False)]
    me = key_of(obj["partition"], obj["name"])
    if len(given) != 1:
        raise config_error(f"Route ({me}) needs exactly one of gw, pool, tmInterface or blackhole.")
    if "network" not in obj:
        raise config_error(f"Route ({me}) requires the network property.")


def route() -> TypeDef:
    return TypeDef(
        path="/mgmt/tm/net/route", display="Route",
        props={
            "description": Prop(check=text),
            "gw": Prop(check=ip_address),
            "pool": Prop(check=full_path, reference="/mgmt/tm/ltm/pool"),
            "tmInterface": Prop(check=full_path, reference=VLAN),
            "blackhole": Prop(check=flag),
            "mtu": Prop(0, integer(0, 9198)),
            "network": Prop(check=network),
        },
        validate=_route_validate,
    )


def _route_domain_validate(ctx: Ctx, obj: dict, old) -> None:
    me = key_of(obj["partition"], obj["name"])
    for member in obj.get("vlans", []):
        if member not in BUILTIN_TUNNELS and ctx.find(VLAN, member) is None:
            raise config_error(f"The requested VLAN ({member}) for route domain ({me}) was not found.")
    for other in ctx.objects(ROUTE_DOMAIN):
        if other["name"] != obj["name"] and other["id"] == obj["id"]:
            raise config_error(f"Route domain ({me}) id {obj['id']} is already used by /{other['partition']}/{other['name']}.")


def route_domain() -> TypeDef:
    def default_id(body, ctx):
        name = str(body.get("name", "")).rsplit("/", 1)[-1]
        if not name.isdigit():
            raise config_error(f"Route domain ({name}) requires the id property.")
        return int(name)

    zero = stored(reference("mgmt_tm_net_route_domain")["items"][0])
    zero["vlans"] = list(BUILTIN_TUNNELS)
    return TypeDef(
        path=ROUTE_DOMAIN, display="Route domain",
        props={
            "connectionLimit": Prop(0, integer(0, 1 << 32)),
            "description": Prop(check=text),
            "id": Prop(default_id, integer(0, 65534)),
            "parent": Prop(check=full_path, reference=ROUTE_DOMAIN),
            "strict": Prop("enabled", ON_OFF),
            "throughputCapacity": Prop("infinite", text),
            "vlans": Prop(check=full_path_list, reference=lambda v: TUNNEL if v in BUILTIN_TUNNELS else VLAN),
        },
        builtins=[zero], validate=_route_domain_validate,
    )


def types() -> list[TypeDef]:
    return [interface(), vlan(), self_ip(), self_allow(), route(), route_domain()]
