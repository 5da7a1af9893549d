"""``gtm`` types: datacenter, monitors, server (+virtual-servers), pool a (+members), wideip a."""
from __future__ import annotations

import re

from engine import MISSING, ApiError, Ctx, Prop, TypeDef, config_error, key_of
from schema import builtins, enum, flag, full_path, integer, ip_address, plain_destination, reference, text

GTM = "/mgmt/tm/gtm"
DATACENTER = f"{GTM}/datacenter"
SERVER = f"{GTM}/server"
POOL_A = f"{GTM}/pool/a"
WIDEIP_A = f"{GTM}/wideip/a"
ON_OFF = enum("enabled", "disabled")
YES_NO = enum("yes", "no")
U32 = integer(0, 4294967295)
POOL_LB_MODES = ("round-robin", "return-to-dns", "ratio", "topology", "static-persistence", "global-availability",
                 "virtual-server-capacity", "least-connections", "lowest-round-trip-time", "fewest-hops",
                 "packet-rate", "cpu", "completion-rate", "quality-of-service", "kilobytes-per-second",
                 "drop-packet", "fallback-ip", "virtual-server-score", "none")
FQDN = re.compile(r"^(?=.{1,255}$)[A-Za-z0-9*?_-]+(\.[A-Za-z0-9*?_-]+)+\.?$")
LISTED_PATHS = (
    [item["reference"]["link"].split("?")[0].removeprefix("https://localhost")
     for name in ("mgmt_tm_gtm_monitor", "mgmt_tm_gtm_pool", "mgmt_tm_gtm_wideip") for item in reference(name)["items"]]
)


def me(obj: dict) -> str:
    return key_of(obj.get("partition"), obj["name"])


def limits() -> dict[str, Prop]:
    props = {}
    for name in ("limitMaxBps", "limitMaxConnections", "limitMaxPps"):
        props[name] = Prop(0, U32)
        props[f"{name}Status"] = Prop("disabled", ON_OFF)
    return props


def in_use(display: str, obj: dict, user_display: str, user: str) -> ApiError:
    return ApiError(400, f"01070734:3: Configuration error: {display} ({me(obj)}) cannot be deleted because it is "
                         f"in use by {user_display} ({user}).")


# --- datacenter and monitors ----------------------------------------------------------------
def datacenter() -> TypeDef:
    def before_delete(ctx: Ctx, obj: dict) -> None:
        for server in ctx.objects(SERVER):
            if server["datacenter"] == me(obj):
                raise in_use("Data center", obj, "GTM server", me(server))

    return TypeDef(path=DATACENTER, display="Data Center",
                   props={"contact": Prop(check=text), "description": Prop(check=text), "location": Prop(check=text),
                          "enabled": Prop(True, flag), "disabled": Prop(check=flag)},
                   before_delete=before_delete)


def gtm_monitor(kind: str, items: list[dict], props: dict[str, Prop]) -> TypeDef:
    path = f"{GTM}/monitor/{kind}"
    # the capture shows defaultsFrom without a defaultsFromReference on GTM monitors
    props = dict(props, defaultsFrom=Prop(f"/Common/{kind}", full_path), description=Prop(check=text))
    return TypeDef(path=path, display="Monitor", props=props, builtins=items, inherit_from_parent=True)


def monitors() -> list[TypeDef]:
    common = {"destination": Prop("*:*", text), "interval": Prop(30, integer(1, 86400)),
              "probeTimeout": Prop(5, integer(0, 86400)), "timeout": Prop(120, integer(1, 86400)),
              "ignoreDownResponse": Prop("disabled", ON_OFF)}
    http_props = dict(common, recv=Prop(check=text), reverse=Prop("disabled", ON_OFF), send=Prop("GET /", text),
                      transparent=Prop("disabled", ON_OFF), username=Prop(check=text), password=Prop(check=text))
    bigip_props = {"destination": Prop("*:*", text), "interval": Prop(30, integer(1, 86400)),
                   "timeout": Prop(90, integer(1, 86400)), "ignoreDownResponse": Prop("disabled", ON_OFF),
                   "aggregateDynamicRatios": Prop("none", text)}
    bigip = {"name": "bigip", "partition": "Common", "generation": 0, "destination": "*:*", "interval": 30,
             "timeout": 90, "ignoreDownResponse": "disabled", "aggregateDynamicRatios": "none", "defaultsFrom": "none"}
    tcp = {"name": "tcp", "partition": "Common", "generation": 0, "destination": "*:*", "interval": 30,
           "probeTimeout": 5, "timeout": 120, "ignoreDownResponse": "disabled", "defaultsFrom": "none"}
    icmp = dict(tcp, name="gateway_icmp")
    return [
        gtm_monitor("http", builtins("mgmt_tm_gtm_monitor_http"), http_props),
        gtm_monitor("bigip", [bigip], bigip_props),
        gtm_monitor("tcp", [tcp], dict(common, send=Prop(check=text), recv=Prop(check=text))),
        gtm_monitor("gateway-icmp", [icmp], dict(common)),
    ]


def monitor_exists(ctx: Ctx, name: str) -> bool:
    return any(ctx.find(f"{GTM}/monitor/{kind}", name) for kind in ("http", "bigip", "tcp", "gateway-icmp"))


def check_monitor(ctx: Ctx, obj: dict, owner: str) -> None:
    value = obj.get("monitor", "default")
    for name in re.sub(r"[{}]", " ", value).split():
        if name in ("and", "min", "of", "default", "none") or name.isdigit():
            continue
        if not monitor_exists(ctx, full_path(name)):
            raise config_error(f"The requested monitor ({full_path(name)}) for {owner} ({me(obj)}) was not found.")


# --- server -------------------------------------------------------------------------------
def server_addresses(value):
    if not isinstance(value, list) or not value:
        raise ValueError("addresses needs a non-empty list of {name: <ip>}")
    out = []
    for entry in value:
        entry = {"name": entry} if isinstance(entry, str) else entry
        if not isinstance(entry, dict) or "name" not in entry:
            raise ValueError("each address needs a name (the IP address)")
        ip_address(entry["name"])
        translation = entry.get("translation", "none")
        if translation != "none":
            ip_address(translation)
        out.append({"name": entry["name"], "deviceName": entry.get("deviceName", MISSING), "translation": translation})
    return out


def _server_validate(ctx: Ctx, obj: dict, old) -> None:
    if "datacenter" not in obj:
        raise config_error(f"The GTM server ({me(obj)}) requires the datacenter property.")
    if ctx.find(DATACENTER, obj["datacenter"]) is None:
        raise config_error(f"The requested data center ({obj['datacenter']}) for GTM server ({me(obj)}) was not found.")
    if "addresses" not in obj:
        raise config_error(f"The GTM server ({me(obj)}) requires at least one address.")
    for address in obj["addresses"]:
        if address["deviceName"] is MISSING:
            address["deviceName"] = obj["name"]
    check_monitor(ctx, obj, "GTM server")


def _server_delete(ctx: Ctx, obj: dict) -> None:
    for pool in ctx.objects(POOL_A):
        for member in pool.get("_sub", {}).get("members", {}).values():
            if member["name"].split(":", 1)[0] == obj["name"]:
                raise in_use("GTM server", obj, "GTM pool", me(pool))


def virtual_servers() -> TypeDef:
    def validate(ctx: Ctx, obj: dict, old) -> None:
        if "destination" not in obj:
            raise config_error(f"The virtual server ({obj['name']}) of GTM server ({obj['_parent']}) requires a destination.")

    props = {"description": Prop(check=text), "destination": Prop(check=plain_destination), "enabled": Prop(True, flag),
             "disabled": Prop(check=flag), "explicitLinkName": Prop("none", text), "ltmName": Prop(check=full_path),
             "monitor": Prop(check=text), "translationAddress": Prop("none", text), "translationPort": Prop(0, integer(0, 65535))}
    props.update(limits())
    return TypeDef(path=f"{SERVER}/virtual-servers", display="Virtual Server", partitioned=False, props=props,
                   validate=validate)


def server() -> TypeDef:
    props = {
        "addresses": Prop(check=server_addresses),
        "datacenter": Prop(check=full_path, reference=DATACENTER),
        "description": Prop(check=text),
        "enabled": Prop(True, flag),
        "disabled": Prop(check=flag),
        "exposeRouteDomains": Prop("no", YES_NO),
        "iqAllowPath": Prop("yes", YES_NO),
        "iqAllowServiceCheck": Prop("yes", YES_NO),
        "iqAllowSnmp": Prop("yes", YES_NO),
        "limitCpuUsage": Prop(0, U32),
        "limitCpuUsageStatus": Prop("disabled", ON_OFF),
        "limitMemAvail": Prop(0, U32),
        "limitMemAvailStatus": Prop("disabled", ON_OFF),
        "linkDiscovery": Prop("disabled", enum("disabled", "enabled", "enabled-no-delete")),
        "monitor": Prop(lambda body, ctx: "/Common/bigip " if body.get("product", "bigip") == "bigip" else MISSING, text),
        "product": Prop("bigip", enum("bigip", "generic-host", "redundant-bigip", "single-bigip", "alteon-ace-director",
                                      "cisco-css", "cisco-server-load-balancer", "f5-bigip-lb", "windows-2000-server",
                                      "windows-nt-4.0", "sun-solaris", "radware-wsd", "netapp", "linux-server")),
        "proberFallback": Prop("inherit", text),
        "proberPreference": Prop("inherit", text),
        "virtualServerDiscovery": Prop("disabled", enum("disabled", "enabled", "enabled-no-delete")),
    }
    props.update(limits())
    return TypeDef(path=SERVER, display="Server", props=props, subcollections={"virtual-servers": virtual_servers()},
                   inline={"virtualServers": "virtual-servers"}, validate=_server_validate, before_delete=_server_delete)


# --- pool a -------------------------------------------------------------------------------
def pool_members() -> TypeDef:
    def validate(ctx: Ctx, obj: dict, old) -> None:
        server_name, sep, vs_name = obj["name"].partition(":")
        server_path = f"/{obj['partition']}/{server_name}"
        gtm_server = ctx.find(SERVER, server_path)
        if not sep or gtm_server is None or vs_name not in gtm_server.get("_sub", {}).get("virtual-servers", {}):
            raise config_error(f"The requested GTM virtual server ({server_path}:{vs_name}) for pool member of "
                               f"({obj['_parent']}) was not found.")
        if "memberOrder" not in obj:
            pool = ctx.find(POOL_A, obj["_parent"])
            obj["memberOrder"] = len(pool.get("_sub", {}).get("members", {})) if pool else 0
        check_monitor(ctx, obj, "GTM pool member")

    props = {"description": Prop(check=text), "enabled": Prop(True, flag), "disabled": Prop(check=flag),
             "memberOrder": Prop(check=integer(0, 65535)), "monitor": Prop("default", text), "ratio": Prop(1, integer(0, 100))}
    props.update(limits())
    return TypeDef(path=f"{POOL_A}/members", display="Pool Member", props=props, validate=validate)


def pool_a() -> TypeDef:
    def validate(ctx: Ctx, obj: dict, old) -> None:
        check_monitor(ctx, obj, "GTM pool")

    def before_delete(ctx: Ctx, obj: dict) -> None:
        for wideip in ctx.objects(WIDEIP_A):
            if any(f"/{p['partition']}/{p['name']}" == me(obj) for p in wideip.get("pools", [])):
                raise in_use("GTM pool", obj, "wide IP", me(wideip))

    lb = enum(*POOL_LB_MODES)
    props = {
        "alternateMode": Prop("round-robin", lb), "description": Prop(check=text),
        "dynamicRatio": Prop("disabled", ON_OFF), "enabled": Prop(True, flag), "disabled": Prop(check=flag),
        "fallbackIp": Prop("any", text), "fallbackMode": Prop("return-to-dns", lb),
        "loadBalancingMode": Prop("round-robin", lb), "manualResume": Prop("disabled", ON_OFF),
        "maxAnswersReturned": Prop(1, integer(1, 500)), "monitor": Prop("default", text),
        "qosHitRatio": Prop(5, U32), "qosHops": Prop(0, U32), "qosKilobytesSecond": Prop(3, U32), "qosLcs": Prop(30, U32),
        "qosPacketRate": Prop(1, U32), "qosRtt": Prop(50, U32), "qosTopology": Prop(0, U32), "qosVsCapacity": Prop(0, U32),
        "qosVsScore": Prop(0, U32), "ttl": Prop(30, U32), "verifyMemberAvailability": Prop("enabled", ON_OFF),
    }
    props.update(limits())
    return TypeDef(path=POOL_A, display="Pool", props=props, subcollections={"members": pool_members()},
                   inline={"members": "members"}, validate=validate, before_delete=before_delete)


# --- wide IP a ----------------------------------------------------------------------------
def wideip_pools(value):
    if not isinstance(value, list):
        raise ValueError("pools needs a list of {name, order, ratio}")
    out = []
    for position, entry in enumerate(value):
        entry = {"name": entry} if isinstance(entry, str) else entry
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ValueError("each pool needs a name")
        path = full_path(entry["name"] if entry["name"].startswith("/") else
                         f"/{entry.get('partition', 'Common')}/{entry['name']}")
        partition, name = path.strip("/").split("/", 1)
        out.append({"name": name, "partition": partition, "order": integer(0, 65535)(entry.get("order", position)),
                    "ratio": integer(0, 4294967295)(entry.get("ratio", 1))})
    return out


def _wideip_validate(ctx: Ctx, obj: dict, old) -> None:
    for entry in obj.get("pools", []):
        path = f"/{entry['partition']}/{entry['name']}"
        if ctx.find(POOL_A, path) is None:
            raise config_error(f"The requested GTM pool ({path}) for wide IP ({me(obj)}) was not found.")
        entry["nameReference"] = {"link": ctx.store.reference_link(POOL_A, path)}
    if obj.get("lastResortPool") not in (None, "") and ctx.find(POOL_A, obj["lastResortPool"].split()[-1]) is None:
        raise config_error(f"The requested last resort pool ({obj['lastResortPool']}) for wide IP ({me(obj)}) was not found.")


def wideip_a() -> TypeDef:
    def name_check(name: str) -> None:
        if not FQDN.match(name):
            raise config_error(f"The wide IP name ({name}) must be a fully qualified domain name.")

    return TypeDef(
        path=WIDEIP_A, display="Wide IP",
        props={
            "aliases": Prop(check=lambda v: [text(a) for a in v] if isinstance(v, list) else text(v)),
            "description": Prop(check=text), "enabled": Prop(True, flag), "disabled": Prop(check=flag),
            "failureRcode": Prop("noerror", enum("noerror", "formerr", "servfail", "nxdomain", "notimpl", "refused")),
            "failureRcodeResponse": Prop("disabled", ON_OFF), "failureRcodeTtl": Prop(0, U32),
            "lastResortPool": Prop("", text), "minimalResponse": Prop("enabled", ON_OFF),
            "persistCidrIpv4": Prop(32, integer(0, 32)), "persistCidrIpv6": Prop(128, integer(0, 128)),
            "persistence": Prop("disabled", ON_OFF),
            "poolLbMode": Prop("round-robin", enum("round-robin", "ratio", "topology", "global-availability")),
            "pools": Prop(check=wideip_pools), "ttlPersistence": Prop(3600, U32),
        },
        name_check=name_check, validate=_wideip_validate, name_chars="*?",
    )


def types() -> list[TypeDef]:
    return [datacenter()] + monitors() + [server(), pool_a(), wideip_a()]
