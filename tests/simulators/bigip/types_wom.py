"""``wom`` types: iSession profiles (14.1.2.1 capture) and the WOM objects of the simulator's OWN
WOM table below, written from ``docs/wom-shapes.md`` (never imported from the collection's
``plugins/module_utils/_bigip/wom.py``). ``test_wom_table.py`` compares the two tables and fails on
any difference, so a wrong path, kind, property name or default in either one is caught."""
from __future__ import annotations

from collections import namedtuple

from engine import MISSING, ApiError, Ctx, Prop, TypeDef, config_error, key_of
from schema import builtins, enum, flag, full_path, integer, ip_address, netmask, text

Shape = namedtuple("Shape", "name path kind singleton props defaults")
"""One WOM REST object type as docs/wom-shapes.md describes it.

name       the row's name in docs/wom-shapes.md (and in the collection's table)
props      every REST property name a client may send (the doc's "REST properties" column)
defaults   REST property -> value the device fills in (the doc's "defaults" column)"""

LOCAL_ENDPOINT = Shape(
    "LOCAL_ENDPOINT", "/mgmt/tm/wom/local-endpoint", "tm:wom:local-endpoint:local-endpointstate", True,
    ("ip", "serverSsl", "tunnelPort", "createIsessionVirtual", "snat", "allowNat", "ipEncapType", "enabled",
     "disabled"),
    {"serverSsl": "none", "tunnelPort": 443, "createIsessionVirtual": "no", "snat": "none", "allowNat": "disabled",
     "ipEncapType": "none", "enabled": True})
REMOTE_ENDPOINT = Shape(
    "REMOTE_ENDPOINT", "/mgmt/tm/wom/remote-endpoint", "tm:wom:remote-endpoint:remote-endpointstate", False,
    ("ip", "serverSsl", "tunnelPort", "tunnelEncrypt", "routing", "behindNat", "snat", "source", "description",
     "enabled", "disabled"),
    {"serverSsl": "none", "tunnelPort": 443, "tunnelEncrypt": "disabled", "routing": "disabled",
     "behindNat": "disabled", "snat": "none", "source": "manual", "enabled": True})
ADVERTISED_ROUTE = Shape(
    "ADVERTISED_ROUTE", "/mgmt/tm/wom/advertised-route", "tm:wom:advertised-route:advertised-routestate", False,
    ("dest", "netmask", "label", "enabled", "disabled"),
    {"label": "", "enabled": True})
ENDPOINT_DISCOVERY = Shape(
    "ENDPOINT_DISCOVERY", "/mgmt/tm/wom/endpoint-discovery", "tm:wom:endpoint-discovery:endpoint-discoverystate",
    True, ("mode", "allowRemoteDiscovery", "discoverRemote", "autoInclude"),
    {"mode": "enabled", "allowRemoteDiscovery": "enabled", "discoverRemote": "enabled", "autoInclude": "enabled"})
SERVER_DISCOVERY = Shape(
    "SERVER_DISCOVERY", "/mgmt/tm/wom/server-discovery", "tm:wom:server-discovery:server-discoverystate", True,
    ("mode", "autoSave", "filterMode", "maxServerCount", "rttThreshold", "subnetFilter", "idleTimeLimit",
     "ipTtlLimit", "minIdleTime", "minPrefixLengthIpv4", "minPrefixLengthIpv6"),
    {"autoSave": "enabled", "filterMode": "exclude", "idleTimeLimit": 0, "ipTtlLimit": 5, "maxServerCount": 50,
     "minIdleTime": 0, "minPrefixLengthIpv4": 32, "minPrefixLengthIpv6": 128, "mode": "enabled", "rttThreshold": 10})
SHAPES = (LOCAL_ENDPOINT, REMOTE_ENDPOINT, ADVERTISED_ROUTE, ENDPOINT_DISCOVERY, SERVER_DISCOVERY)

ISESSION = "/mgmt/tm/wom/profile/isession"
SERVER_SSL = "/mgmt/tm/ltm/profile/server-ssl"
SELF = "/mgmt/tm/net/self"
ON_OFF = enum("enabled", "disabled")
CODECS = ("deflate", "lzo", "bzip2", "null")
# Value checks of WOM REST properties, by REST name. Properties of the table not listed here are
# checked by the type of their default (enabled/disabled -> that enum, int -> 0..65535, str -> text).
WOM_CHECKS = {
    "ip": ip_address,
    "dest": ip_address,
    "netmask": netmask,
    "serverSsl": full_path,
    "snat": enum("none", "automap"),
    "ipEncapType": enum("none", "ipip", "gre"),
    "createIsessionVirtual": enum("yes", "no"),
    "source": enum("manual", "discovered"),
    "subnetFilter": lambda v: [ip_address(x.split("/")[0]) and x for x in v] if isinstance(v, list) else text(v),
    "timeUnit": enum("days", "hours", "minutes"),
    "description": text,
    "label": text,
    "tunnelPort": integer(1, 65535),
    "enabled": flag,
    "disabled": flag,
}


def isession() -> TypeDef:
    items = builtins("mgmt_tm_wom_profile_isession")
    root = next(i for i in items if i["name"] == "isession")

    def codecs(value):
        if not isinstance(value, list) or not value or any(c not in CODECS for c in value):
            raise ValueError(f"compressionCodecs must be a non-empty list of {', '.join(CODECS)}")
        return value

    props = {prop: Prop(check=ON_OFF) for prop, value in root.items() if value in ("enabled", "disabled")}
    props.update({
        "compressionCodecs": Prop(check=codecs),
        "defaultsFrom": Prop("/Common/isession", full_path, reference=ISESSION),
        "deflateCompressionLevel": Prop(check=integer(1, 9)),
        "description": Prop(check=text),
        "targetVirtual": Prop(check=enum("virtual-match-all", "virtual-match-one")),
    })

    def before_delete(ctx: Ctx, obj: dict) -> None:
        me = key_of(obj["partition"], obj["name"])
        for virtual in ctx.objects("/mgmt/tm/ltm/virtual"):
            if me in virtual.get("_sub", {}).get("profiles", {}):
                raise ApiError(400, f"01070265:3: The Profile ({me}) cannot be deleted because it is in use by a "
                                    f"Virtual Server (/{virtual['partition']}/{virtual['name']}).")

    return TypeDef(path=ISESSION, display="iSession profile", props=dict(sorted(props.items())), builtins=items,
                   inherit_from_parent=True, before_delete=before_delete)


def _check_for(rest_name: str, default):
    if rest_name in WOM_CHECKS:
        return WOM_CHECKS[rest_name]
    if isinstance(default, bool) or rest_name in ("enabled", "disabled"):
        return flag  # the JSON boolean pair "enabled": true / "disabled": true
    if isinstance(default, int):
        return integer(0, 65535)
    if default in ("enabled", "disabled"):
        return ON_OFF
    return text


def shape_type(shape: Shape, validate=None, after_write=None) -> TypeDef:
    """A TypeDef built from one row of the simulator's WOM table."""
    names = list(dict.fromkeys(list(shape.props) + list(shape.defaults)))
    props = {}
    for name in names:
        default = shape.defaults.get(name, MISSING)
        reference = SERVER_SSL if name == "serverSsl" else None
        props[name] = Prop(default, _check_for(name, default), reference=reference)
    if "description" not in props:
        props["description"] = Prop(check=text)
    singleton_builtin = [{"name": shape.path, **shape.defaults}] if shape.singleton else []
    return TypeDef(path=shape.path, display=shape.path.rsplit("/", 1)[1].replace("-", " "), props=props,
                   singleton=shape.singleton, kind=shape.kind, builtins=singleton_builtin, validate=validate,
                   after_write=after_write)


def _server_ssl_exists(ctx: Ctx, obj: dict, what: str) -> None:
    profile = obj.get("serverSsl")
    if profile not in (None, "none") and ctx.find(SERVER_SSL, profile) is None:
        raise config_error(f"The requested server SSL profile ({profile}) for {what} was not found.")


def _local_validate(ctx: Ctx, obj: dict, old) -> None:
    _server_ssl_exists(ctx, obj, "the local endpoint")
    address = obj.get("ip")
    if address is None:
        return
    if old is not None and old.get("ip") not in (None, address):
        raise config_error("The IP address of the local endpoint cannot be modified; delete and re-create it.")
    self_ips = [s["address"].split("/")[0] for s in ctx.objects(SELF)]
    if address not in self_ips:
        raise config_error(f"The local endpoint IP address ({address}) is not a self IP address of this system.")


ISESSION_VIRTUAL = "isession-virtual"
VIRTUAL = "/mgmt/tm/ltm/virtual"


def isession_virtual_body(local: dict) -> dict:
    """The virtual server the device creates for "Create or Update iSession Virtual Server" (all inferred, README):
    ``/Common/isession-virtual`` on the local endpoint IP and tunnel port, TCP, the base iSession profile and the
    WAN-optimized TCP profile, plus the endpoint's server SSL profile on the server side."""
    profiles = [{"name": "/Common/isession", "context": "all"}, {"name": "/Common/tcp-wan-optimized", "context": "all"}]
    if local.get("serverSsl") not in (None, "none"):
        profiles.append({"name": local["serverSsl"], "context": "serverside"})
    return {"destination": f"/Common/{local['ip']}:{local.get('tunnelPort', 443)}", "ipProtocol": "tcp",
            "description": "iSession virtual server of the local endpoint", "profiles": profiles}


def _local_written(ctx: Ctx, obj: dict) -> None:
    """``createIsessionVirtual: yes`` with an IP creates (or updates) the iSession virtual server."""
    if obj.get("createIsessionVirtual") != "yes" or not obj.get("ip"):
        return
    body = isession_virtual_body(obj)
    existing = ctx.find(VIRTUAL, f"/Common/{ISESSION_VIRTUAL}")
    typedef = ctx.store.types[VIRTUAL]
    if existing is None:
        ctx.create(VIRTUAL, dict(body, name=ISESSION_VIRTUAL, partition="Common"))
    else:
        ctx.store.update(typedef, existing, body, replace=False, parent=None)


def _remote_validate(ctx: Ctx, obj: dict, old) -> None:
    if "ip" not in obj:
        try:
            obj["ip"] = ip_address(obj["name"])
        except ValueError:
            raise config_error(f"The remote endpoint ({obj['name']}) requires the ip property.") from None
    if old is None and obj.get("source") == "discovered":
        raise config_error(f"The remote endpoint ({key_of(obj.get('partition'), obj['name'])}) source is read-only; "
                           "only dynamic discovery creates discovered endpoints.")
    if old is not None and old.get("source") != obj.get("source"):
        raise config_error(f"The remote endpoint ({key_of(obj.get('partition'), obj['name'])}) source is read-only.")
    _server_ssl_exists(ctx, obj, f"remote endpoint ({obj['name']})")


def _route_validate(ctx: Ctx, obj: dict, old) -> None:
    if "dest" not in obj or "netmask" not in obj:
        raise config_error(f"The advertised route ({key_of(obj.get('partition'), obj['name'])}) requires dest and netmask.")


def types() -> list[TypeDef]:
    return [
        isession(),
        shape_type(SERVER_DISCOVERY),
        shape_type(ENDPOINT_DISCOVERY),
        shape_type(LOCAL_ENDPOINT, _local_validate, _local_written),
        shape_type(REMOTE_ENDPOINT, _remote_validate),
        shape_type(ADVERTISED_ROUTE, _route_validate),
    ]


# --- dynamic discovery and reboot rules -------------------------------------------------------
def discover_remote_endpoint(ctx: Ctx, body: dict) -> dict:
    """Simulate the device discovering a peer: needs discovery enabled and a local endpoint IP;
    the endpoint is added with ``source: discovered`` and routing disabled."""
    address = body.get("address")
    try:
        ip_address(address)
    except ValueError:
        raise ApiError(400, f"discover needs a valid address, got {address!r}", 1) from None
    discovery = ctx.find(ENDPOINT_DISCOVERY.path, ENDPOINT_DISCOVERY.path) or {}
    if discovery.get("mode") != "enabled" or discovery.get("discoverRemote") != "enabled":
        raise ApiError(409, "dynamic discovery of remote endpoints is disabled on this device", 1)
    local = ctx.find(LOCAL_ENDPOINT.path, LOCAL_ENDPOINT.path) or {}
    if not local.get("ip"):
        raise ApiError(409, "the local endpoint has no IP address; nothing can be discovered", 1)
    name = body.get("name", address)
    existing = ctx.find(REMOTE_ENDPOINT.path, f"/Common/{name}")
    if existing is not None:
        return existing
    obj = ctx.create(REMOTE_ENDPOINT.path, {"name": name, "partition": "Common", "ip": address})
    obj["source"] = "discovered"
    obj["routing"] = "disabled"
    ctx.touch(obj)
    return obj


def revert_discovered_routing(ctx: Ctx) -> list[str]:
    """After a reboot/upgrade, discovered remote endpoints come back with routing disabled."""
    source, routing = "source", "routing"
    reverted = []
    for obj in ctx.objects(REMOTE_ENDPOINT.path):
        if obj.get(source) == "discovered" and obj.get(routing) != "disabled":
            obj[routing] = "disabled"
            ctx.touch(obj)
            reverted.append(key_of(obj.get("partition"), obj["name"]))
    return reverted
