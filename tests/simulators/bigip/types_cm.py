"""What clients read around the guide's objects: ``net tunnels`` (profiles and tunnels),
``sys global-settings``, ``sys software volume``, ``cm device`` (with the device's failover state).

No 14.1.2.1 capture exists for these; shapes follow the documented REST conventions (``kind``,
``fullPath``, selfLink) and tmsh defaults — every value here is inferred (README)."""
from __future__ import annotations

from engine import ApiError, Ctx, Prop, TypeDef, config_error, key_of
from schema import enum, full_path, integer, ip_address, reference, text

TUNNELS = "/mgmt/tm/net/tunnels"
TUNNEL = f"{TUNNELS}/tunnel"
# tunnel profile types listed by /mgmt/tm/net/tunnels on 14.1 (each ships one built-in of its own name)
TUNNEL_PROFILES = ("etherip", "fec", "geneve", "gre", "ipip", "ipsec", "lw4o6", "map", "ppp", "tcp-forward", "v6rd",
                   "vxlan", "wccpgre")
ON_OFF = enum("enabled", "disabled")
VERSION = reference("mgmt_tm_sys_version")["entries"]["https://localhost/mgmt/tm/sys/version/0"]["nestedStats"]["entries"]
FAILOVER_STATES = ("active", "standby", "offline", "forced-offline")


def tunnel_profile(kind: str) -> TypeDef:
    builtin = {"name": kind, "partition": "Common", "generation": 1, "defaultsFrom": "none"}
    extra = {}
    if kind == "gre":
        builtin.update({"encapsulation": "standard", "flowControl": "disabled", "protocol": "gre"})
        extra = {"encapsulation": Prop("standard", enum("standard", "nvgre", "transparent-ethernet-bridging")),
                 "flowControl": Prop("disabled", ON_OFF), "protocol": Prop("gre", enum("gre"))}
    if kind == "ipip":
        builtin.update({"protocol": "ipip"})
        extra = {"protocol": Prop("ipip", enum("ipip"))}
    path = f"{TUNNELS}/{kind}"
    props = {"defaultsFrom": Prop(f"/Common/{kind}", full_path, reference=path), "description": Prop(check=text), **extra}
    return TypeDef(path=path, display=f"{kind} tunnel profile", props=props, builtins=[builtin], inherit_from_parent=True)


def _tunnel_validate(ctx: Ctx, obj: dict, old) -> None:
    profile = obj.get("profile")
    if not any(ctx.find(f"{TUNNELS}/{kind}", profile) for kind in TUNNEL_PROFILES):
        raise config_error(f"The requested tunnel profile ({profile}) for tunnel ({key_of(obj['partition'], obj['name'])}) "
                           f"was not found.")
    for prop in ("localAddress", "remoteAddress"):
        if obj.get(prop) not in (None, "any", "any6"):
            ip_address(obj[prop])


def tunnel() -> TypeDef:
    common = {"generation": 1, "partition": "Common", "autoLasthop": "default", "description": "", "idleTimeout": 300,
              "ifIndex": 0, "key": 0, "localAddress": "any6", "mode": "bidirectional", "mtu": 0,
              "remoteAddress": "any6", "secondaryAddress": "any6", "tos": "preserve", "transparent": "disabled",
              "usePmtu": "enabled", "profile": "/Common/tcp-forward"}
    return TypeDef(
        path=TUNNEL, display="Tunnel",
        props={"autoLasthop": Prop("default", enum("default", "enabled", "disabled")), "description": Prop(check=text),
               "idleTimeout": Prop(300, integer(0, 4294967295)), "ifIndex": Prop(0, integer(0, 1 << 31)),
               "key": Prop(0, integer(0, 4294967295)), "localAddress": Prop("any6", text),
               "mode": Prop("bidirectional", enum("bidirectional", "inbound", "outbound")),
               "mtu": Prop(0, integer(0, 65535)), "profile": Prop("/Common/ipip", full_path),
               "remoteAddress": Prop("any6", text), "secondaryAddress": Prop("any6", text),
               "tos": Prop("preserve", text), "transparent": Prop("disabled", ON_OFF),
               "usePmtu": Prop("enabled", ON_OFF), "trafficGroup": Prop(check=full_path)},
        builtins=[dict(common, name="http-tunnel", ifIndex=112), dict(common, name="socks-tunnel", ifIndex=128)],
        validate=_tunnel_validate)


def global_settings(hostname: str) -> TypeDef:
    defaults = {"consoleInactivityTimeout": 0, "customAddr": "none", "failsafeAction": "go-offline-restart-tm",
                "fileBlacklistPathPrefix": "{/shared/3dns/} {/shared/bin/} {/shared/core/}",
                "guiAudit": "disabled", "guiSecurityBanner": "enabled",
                "guiSecurityBannerText": "Welcome to the BIG-IP Configuration Utility.\n\nLog in with your username and password using the fields on the left.",
                "guiSetup": "disabled", "hostAddrMode": "management", "hostname": hostname, "lcdDisplay": "enabled",
                "ledLocator": "disabled", "mgmtDhcp": "disabled", "netReboot": "disabled",
                "passwordPrompt": "Password", "quietBoot": "enabled", "usernamePrompt": "Username"}

    def hostname_check(value):
        text(value)
        if "." not in value or " " in value:
            raise ValueError(f"invalid hostname {value!r}; a fully qualified domain name is required")
        return value

    props = {k: Prop(v, text if isinstance(v, str) else integer(0, 1 << 31)) for k, v in defaults.items()}
    props["hostname"] = Prop(hostname, hostname_check)
    props["description"] = Prop(check=text)
    return TypeDef(path="/mgmt/tm/sys/global-settings", display="global settings", singleton=True, props=props,
                   builtins=[{"name": "/mgmt/tm/sys/global-settings", **defaults}])


def software_volume() -> TypeDef:
    volume = {"name": "HD1.1", "generation": 1, "active": True, "apiRawValues": {"version": VERSION["Version"]["description"]},
              "basebuild": VERSION["Build"]["description"], "build": VERSION["Build"]["description"],
              "product": VERSION["Product"]["description"], "status": "complete",
              "version": VERSION["Version"]["description"],
              "media": [{"name": "HD1.1", "defaultBootLocation": True, "media": "hd", "size": "default"}]}
    props = {k: Prop(check=lambda v: v) for k in volume if k not in ("name", "generation")}
    return TypeDef(path="/mgmt/tm/sys/software/volume", display="software volume", partitioned=False, creatable=False,
                   props=props, builtins=[volume])


def cm_device(device_name: str, hostname: str, address: str) -> TypeDef:
    item = {"name": hostname, "partition": "Common", "generation": 1, "activeModules": [],
            "baseMac": "00:94:a1:%02x:00:01" % (1 if device_name == "primary" else 2),
            "build": VERSION["Build"]["description"], "chassisId": f"sim-{device_name}",
            "configsyncIp": "none", "edition": VERSION["Edition"]["description"], "failoverState": "active",
            "haCapacity": 0, "hostname": hostname, "managementIp": address, "marketingName": "BIG-IP Virtual Edition",
            "mirrorIp": "any6", "mirrorSecondaryIp": "any6", "multicastIp": "any6", "platformId": "Z100",
            "product": VERSION["Product"]["description"], "selfDevice": "true", "timeZone": "America/Los_Angeles",
            "version": VERSION["Version"]["description"]}

    def readonly_failover(obj: dict, ctx: Ctx) -> str:
        return ctx.store.failover_state

    props = {k: Prop(check=lambda v: v) for k in item if k not in ("name", "partition", "generation", "failoverState")}
    props["description"] = Prop(check=text)
    props["configsyncIp"] = Prop("none", lambda v: v if v == "none" else ip_address(v))
    return TypeDef(path="/mgmt/tm/cm/device", display="device", creatable=False, props=props,
                   readonly={"failoverState": readonly_failover},
                   builtins=[{k: v for k, v in item.items() if k != "failoverState"}])


def types(device_name: str = "primary") -> list[TypeDef]:
    hostname = f"bigip-{device_name}.lab.local"
    return [tunnel_profile(kind) for kind in TUNNEL_PROFILES] + [
        tunnel(), global_settings(hostname), software_volume(), cm_device(device_name, hostname, "127.0.0.1")]


def check_failover_state(value) -> str:
    if value not in FAILOVER_STATES:
        raise ApiError(400, f"failover state must be one of {', '.join(FAILOVER_STATES)}, got {value!r}", 1)
    return value
