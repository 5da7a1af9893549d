"""``ltm`` types: monitors, profiles, node, pool (+members), rule, virtual (+profiles), virtual-address."""
from __future__ import annotations

import ipaddress
import re
import time

from engine import MISSING, ApiError, Ctx, Prop, TypeDef, config_error, key_of
from schema import (PROTOCOLS, any_json, bare_address, builtins, destination, enum, flag, full_path, full_path_list,
                    integer, ip_address, port_number, protocol, reference, split_port, stored, string_list, text)

LTM = "/mgmt/tm/ltm"
NODE = f"{LTM}/node"
POOL = f"{LTM}/pool"
RULE = f"{LTM}/rule"
VIRTUAL = f"{LTM}/virtual"
VIRTUAL_ADDRESS = f"{LTM}/virtual-address"
SERVER_SSL = f"{LTM}/profile/server-ssl"
ISESSION = "/mgmt/tm/wom/profile/isession"
MONITOR_TYPES = ("http", "https", "tcp", "gateway-icmp", "icmp")
ON_OFF = enum("enabled", "disabled")
YES_NO = enum("yes", "no")
U32 = integer(0, 4294967295)
LB_MODES = enum(
    "dynamic-ratio-member", "dynamic-ratio-node", "fastest-app-response", "fastest-node", "least-connections-member",
    "least-connections-node", "least-sessions", "observed-member", "observed-node", "predictive-member",
    "predictive-node", "ratio-least-connections-member", "ratio-least-connections-node", "ratio-member", "ratio-node",
    "ratio-session", "round-robin", "weighted-least-connections-member", "weighted-least-connections-node")
# Every path listed by the captured /mgmt/tm/ltm/profile organizing collection.
LISTED_PATHS = [item["reference"]["link"].split("?")[0].removeprefix("https://localhost")
                for item in reference("mgmt_tm_ltm_profile")["items"]]


def me(obj: dict) -> str:
    return key_of(obj.get("partition"), obj["name"])


def _is_plain_ip(text_value: str) -> bool:
    try:
        ipaddress.ip_address(text_value)
    except ValueError:
        return False
    return True


def _node_rename(ctx: Ctx, partition, name: str) -> str:
    """A node named by its address gets the partition's default route domain (``10.1.1.1%2``)."""
    head, _sep, leaf = name.rpartition("/")
    if _is_plain_ip(leaf):
        leaf = ctx.with_route_domain(partition, leaf, f"node (/{partition}/{name})")
    return f"{head}/{leaf}" if head else leaf


def _member_rename(ctx: Ctx, partition, name: str) -> str:
    """``10.1.1.1:80`` -> ``10.1.1.1%2:80`` in a partition whose default route domain is 2; ``:http`` -> ``:80``."""
    base, sep, port = split_port(name)
    port = str(port_number(port, name))
    if sep and _is_plain_ip(base):
        return ctx.with_route_domain(partition, base, f"pool member (/{partition}/{name})") + sep + port
    return f"{base}{sep}{port}"


def monitor_names(value: str) -> list[str]:
    """``/Common/a and /Common/b`` or ``min 1 of { /Common/a /Common/b }`` -> the monitor paths."""
    words = re.sub(r"[{}]", " ", value).split()
    return [w for w in words if w not in ("and", "min", "of") and not w.isdigit()]


def find_monitor(ctx: Ctx, name: str) -> bool:
    return any(ctx.find(f"{LTM}/monitor/{kind}", name) for kind in MONITOR_TYPES)


def check_monitors(ctx: Ctx, obj: dict, owner: str) -> None:
    value = obj.get("monitor")
    if not value or value == "default" or value == "none":
        return
    for name in monitor_names(value):
        if not find_monitor(ctx, full_path(name)):
            raise config_error(f"The requested monitor ({full_path(name)}) for {owner} ({me(obj)}) was not found.")


def in_use(display: str, path: str, user_display: str, user: dict) -> ApiError:
    return ApiError(400, f"01070265:3: The {display} ({path}) cannot be deleted because it is in use by a "
                         f"{user_display} ({me(user)}).")


# --- monitors -------------------------------------------------------------------------------
def monitor(kind: str, builtin_names: dict[str, dict]) -> TypeDef:
    path = f"{LTM}/monitor/{kind}"
    root = f"/Common/{kind.replace('-', '_')}"
    props = {
        "defaultsFrom": Prop(root, full_path, reference=path),
        "description": Prop(check=text),
        "destination": Prop("*:*", text),
        "interval": Prop(5, integer(1, 86400)),
        "manualResume": Prop("disabled", ON_OFF),
        "timeUntilUp": Prop(0, integer(0, 86400)),
        "timeout": Prop(16, integer(1, 86400)),
        "upInterval": Prop(0, integer(0, 86400)),
    }
    if kind in ("http", "https", "tcp"):
        props.update({"recv": Prop(check=text), "recvDisable": Prop(check=text), "reverse": Prop("disabled", ON_OFF),
                      "send": Prop(check=text), "transparent": Prop("disabled", ON_OFF)})
    if kind in ("http", "https"):
        props.update({"username": Prop(check=text), "password": Prop(check=text)})
    items = []
    for name, values in builtin_names.items():
        item = {"name": name, "partition": "Common", "generation": 1, "defaultsFrom": "none" if f"/Common/{name}" == root else root}
        item.update({k: p.default for k, p in props.items() if k != "defaultsFrom" and p.default is not MISSING})
        item.update(values)
        items.append(item)

    def before_delete(ctx: Ctx, obj: dict) -> None:
        for pool in ctx.objects(POOL):
            if me(obj) in monitor_names(pool.get("monitor", "")):
                raise in_use("Monitor", me(obj), "Pool", pool)

    return TypeDef(path=path, display="Monitor", props=props, builtins=items, inherit_from_parent=True,
                   before_delete=before_delete)


def monitors() -> list[TypeDef]:
    return [
        monitor("http", {"http": {"send": "GET /\\r\\n"}, "http_head_f5": {"send": "HEAD / HTTP/1.0\\r\\n\\r\\n", "recv": "Server\\:"}}),
        monitor("https", {"https": {"send": "GET /\\r\\n"}, "https_443": {"send": "GET /\\r\\n", "destination": "*:443"}}),
        monitor("tcp", {"tcp": {}}),
        monitor("gateway-icmp", {"gateway_icmp": {}}),
        monitor("icmp", {"icmp": {}}),
    ]


# --- profiles -------------------------------------------------------------------------------
def _check_for(value):
    if isinstance(value, bool):
        return flag
    if isinstance(value, int):
        return U32
    if isinstance(value, list):
        return string_list
    if isinstance(value, dict):
        return any_json
    if value in ("enabled", "disabled"):
        return ON_OFF
    return text


def profile(kind: str, display: str, root: dict, children: list[dict], references: dict[str, str] | None = None) -> TypeDef:
    """A profile type whose properties are those of its root built-in; children inherit via defaultsFrom."""
    path = f"{LTM}/profile/{kind}"
    references = dict(references or {}, defaultsFrom=path)
    props = {}
    for prop, value in root.items():
        if prop in ("name", "partition", "generation"):
            continue
        check = full_path if prop in references else _check_for(value)
        default = "/Common/" + root["name"] if prop == "defaultsFrom" else ("none" if prop == "description" else None)
        props[prop] = Prop(default if default is not None else MISSING, check, reference=references.get(prop))
    props["description"] = Prop("none", text)

    def before_delete(ctx: Ctx, obj: dict) -> None:
        for virtual in ctx.objects(VIRTUAL):
            if me(obj) in virtual.get("_sub", {}).get("profiles", {}):
                raise in_use("Profile", me(obj), "Virtual Server", virtual)
        for child in ctx.objects(path):
            if child.get("defaultsFrom") == me(obj):
                raise config_error(f"The profile ({me(obj)}) is the parent of profile ({me(child)}) and cannot be deleted.")

    return TypeDef(path=path, display=display, props=props, builtins=[root] + children, inherit_from_parent=True,
                   before_delete=before_delete)


def server_ssl() -> TypeDef:
    items = builtins("mgmt_tm_ltm_profile_server_ssl")
    root = next(i for i in items if i["name"] == "serverssl")
    ssl_file = {"cert": "/mgmt/tm/sys/file/ssl-cert", "key": "/mgmt/tm/sys/file/ssl-key", "chain": "/mgmt/tm/sys/file/ssl-cert",
                "caFile": "/mgmt/tm/sys/file/ssl-cert", "crlFile": "/mgmt/tm/sys/file/ssl-crl"}
    typedef = profile("server-ssl", "Server SSL profile", root, [i for i in items if i is not root], ssl_file)
    typedef.props["peerCertMode"].check = enum("ignore", "require", "request", "auto")
    typedef.props["secureRenegotiation"].check = enum("request", "require", "require-strict")
    return typedef


def client_ssl() -> TypeDef:
    root = {"name": "clientssl", "partition": "Common", "generation": 1, "alertTimeout": "indefinite",
            "cacheSize": 262144, "cacheTimeout": 3600, "cert": "/Common/default.crt", "chain": "none",
            "ciphers": "DEFAULT", "defaultsFrom": "none", "description": "none", "key": "/Common/default.key",
            "mode": "enabled", "peerCertMode": "ignore", "renegotiation": "enabled", "secureRenegotiation": "require",
            "sniDefault": "false", "sniRequire": "false", "strictResume": "disabled", "uncleanShutdown": "enabled"}
    refs = {"cert": "/mgmt/tm/sys/file/ssl-cert", "key": "/mgmt/tm/sys/file/ssl-key", "chain": "/mgmt/tm/sys/file/ssl-cert"}
    return profile("client-ssl", "Client SSL profile", root, [], refs)


def tcp() -> TypeDef:
    # Values of the built-in TCP profiles are [I]: typical 14.1 values, not from a capture.
    root = {"name": "tcp", "partition": "Common", "generation": 1, "ackOnPush": "enabled", "congestionControl": "high-speed",
            "defaultsFrom": "none", "delayedAcks": "enabled", "description": "none", "idleTimeout": 300,
            "keepAliveInterval": 1800, "nagle": "auto", "proxyBufferHigh": 131072, "proxyBufferLow": 98304,
            "receiveWindowSize": 131072, "sendBufferSize": 262144, "slowStart": "enabled"}

    def child(name, **values):
        return dict(root, name=name, defaultsFrom="/Common/tcp", **values)

    children = [child("tcp-lan-optimized", nagle="disabled", congestionControl="high-speed", proxyBufferHigh=131072),
                child("tcp-wan-optimized", nagle="enabled", congestionControl="high-speed", receiveWindowSize=2063008,
                      sendBufferSize=2063008, proxyBufferHigh=4194304, proxyBufferLow=131072)]
    typedef = profile("tcp", "TCP profile", root, children)
    typedef.props["nagle"].check = enum("enabled", "disabled", "auto")
    typedef.props["congestionControl"].check = enum("high-speed", "cubic", "reno", "new-reno", "scalable", "vegas",
                                                    "illinois", "woodside", "chd", "cdg", "bbr", "none")
    return typedef


def http() -> TypeDef:
    root = {"name": "http", "partition": "Common", "generation": 1, "acceptXff": "disabled", "basicAuthRealm": "none",
            "defaultsFrom": "none", "description": "none", "fallbackHost": "none", "fallbackStatusCodes": [],
            "headerErase": "none", "headerInsert": "none", "insertXforwardedFor": "disabled",
            "oneconnectTransformations": "enabled", "proxyType": "reverse", "redirectRewrite": "none",
            "requestChunking": "preserve", "responseChunking": "selective", "serverAgentName": "BigIP",
            "viaRequest": "preserve", "viaResponse": "preserve", "xffAlternativeNames": []}
    typedef = profile("http", "HTTP profile", root, [])
    typedef.props["proxyType"].check = enum("reverse", "explicit", "transparent")
    typedef.props["insertXforwardedFor"].check = ON_OFF
    return typedef


def find_profile(ctx: Ctx, name: str) -> str | None:
    """Type path of the profile ``name`` (an LTM profile of any type or a WOM iSession profile)."""
    for path in ctx.store.types:
        if (path.startswith(f"{LTM}/profile/") or path == ISESSION) and ctx.find(path, name):
            return path
    return None


# --- node and pool ----------------------------------------------------------------------
def node() -> TypeDef:
    def address(body, ctx):
        name = str(body.get("name", "")).rsplit("/", 1)[-1]
        try:
            return ip_address(name)
        except ValueError:
            raise config_error(f"The node ({name}) requires the address property.") from None

    def validate(ctx: Ctx, obj: dict, old) -> None:
        obj["address"] = ctx.with_route_domain(obj["partition"], obj["address"], f"node ({me(obj)})")
        if old is not None and old.get("address") != obj["address"]:
            raise config_error(f"The address of node ({me(obj)}) cannot be modified.")
        check_monitors(ctx, obj, "node")
        for other in ctx.objects(NODE):
            if other["name"] != obj["name"] and other["address"] == obj["address"]:
                raise ApiError(409, f"01020066:3: The requested Node ({me(obj)}) already exists in partition "
                                    f"{obj['partition']}.")

    def before_delete(ctx: Ctx, obj: dict) -> None:
        for pool in ctx.objects(POOL):
            for member in pool.get("_sub", {}).get("members", {}).values():
                if member_node(member) == me(obj):
                    raise ApiError(400, f"01070110:3: Node address '{me(obj)}' is referenced by a member of pool "
                                        f"'{me(pool)}'.")

    return TypeDef(
        path=NODE, display="Node",
        props={
            "address": Prop(address, ip_address),
            "connectionLimit": Prop(0, U32),
            "description": Prop(check=text),
            "dynamicRatio": Prop(1, integer(1, 65535)),
            "ephemeral": Prop("false", enum("true", "false")),
            "fqdn": Prop({"addressFamily": "ipv4", "autopopulate": "disabled", "downInterval": 5, "interval": "3600"}, any_json),
            "logging": Prop("disabled", ON_OFF),
            "monitor": Prop("default", text),
            "rateLimit": Prop("disabled", text),
            "ratio": Prop(1, integer(1, 65535)),
            "session": Prop("user-enabled", enum("user-enabled", "user-disabled", "monitor-enabled")),
            "state": Prop("unchecked", enum("user-up", "user-down", "up", "down", "unchecked")),
        },
        validate=validate, before_delete=before_delete, rename=_node_rename,
    )


def member_node(member: dict) -> str:
    """Node path of a pool member: ``10.1.1.1:80`` -> ``/Common/10.1.1.1`` (IPv6 ``2001::1.80``)."""
    name = member["name"]
    base = name.rsplit(":", 1)[0] if name.count(":") == 1 else name.rsplit(".", 1)[0]
    return f"/{member['partition']}/{base}"


def pool_members() -> TypeDef:
    def name_check(name: str) -> None:
        base, sep, port = split_port(name)
        try:
            port_number(port, name)
        except ValueError:
            port = ""
        if not sep or not base or not port:
            raise config_error(f"The pool member name ({name}) must be <node>:<port> with a port from 0 to 65535 "
                               f"or a service name.")

    def validate(ctx: Ctx, obj: dict, old) -> None:
        node_path = member_node(obj)
        existing = ctx.find(NODE, node_path)
        node_name = node_path.rsplit("/", 1)[1]
        if existing is None:
            address = obj.get("address")
            if address is None:
                try:
                    address = ip_address(node_name)
                except ValueError:
                    raise config_error(f"The requested node ({node_path}) for pool member ({obj['name']}) was not found.") from None
            ctx.create(NODE, {"name": node_name, "partition": obj["partition"], "address": address})
            existing = ctx.find(NODE, node_path)
        elif obj.get("address") not in (None, existing["address"]):
            raise config_error(f"Pool member ({obj['name']}) address {obj['address']} does not match node "
                               f"({node_path}) address {existing['address']}.")
        obj["address"] = existing["address"]
        if obj.get("state") == "user-up":
            obj["state"] = "unchecked"
        check_monitors(ctx, obj, "pool member")

    return TypeDef(
        path=f"{POOL}/members", display="Pool Member",
        props={
            "address": Prop(check=ip_address),
            "connectionLimit": Prop(0, U32),
            "description": Prop(check=text),
            "dynamicRatio": Prop(1, integer(1, 65535)),
            "ephemeral": Prop("false", enum("true", "false")),
            "fqdn": Prop({"autopopulate": "disabled"}, any_json),
            "inheritProfile": Prop("enabled", ON_OFF),
            "logging": Prop("disabled", ON_OFF),
            "monitor": Prop("default", text),
            "priorityGroup": Prop(0, integer(0, 65535)),
            "rateLimit": Prop("disabled", text),
            "ratio": Prop(1, integer(1, 65535)),
            "session": Prop("user-enabled", enum("user-enabled", "user-disabled", "monitor-enabled")),
            "state": Prop("unchecked", enum("user-up", "user-down", "up", "down", "unchecked")),
        },
        name_check=name_check, validate=validate, rename=_member_rename,
    )


def pool() -> TypeDef:
    def validate(ctx: Ctx, obj: dict, old) -> None:
        check_monitors(ctx, obj, "pool")

    def before_delete(ctx: Ctx, obj: dict) -> None:
        for virtual in ctx.objects(VIRTUAL):
            if virtual.get("pool") == me(obj):
                raise in_use("Pool", me(obj), "Virtual Server", virtual)

    pass_through = Prop("pass-through", text)
    return TypeDef(
        path=POOL, display="Pool",
        props={
            "allowNat": Prop("yes", YES_NO),
            "allowSnat": Prop("yes", YES_NO),
            "description": Prop(check=text),
            "ignorePersistedWeight": Prop("disabled", ON_OFF),
            "ipTosToClient": pass_through,
            "ipTosToServer": pass_through,
            "linkQosToClient": pass_through,
            "linkQosToServer": pass_through,
            "loadBalancingMode": Prop("round-robin", LB_MODES),
            "minActiveMembers": Prop(0, integer(0, 65535)),
            "minUpMembers": Prop(0, integer(0, 65535)),
            "minUpMembersAction": Prop("failover", enum("failover", "reboot", "restart-all")),
            "minUpMembersChecking": Prop("disabled", ON_OFF),
            "monitor": Prop(check=text),
            "queueDepthLimit": Prop(0, U32),
            "queueOnConnectionLimit": Prop("disabled", ON_OFF),
            "queueTimeLimit": Prop(0, U32),
            "reselectTries": Prop(0, integer(0, 65535)),
            "serviceDownAction": Prop("none", enum("none", "reset", "drop", "reselect")),
            "slowRampTime": Prop(10, U32),
        },
        subcollections={"members": pool_members()},
        inline={"members": "members"},
        validate=validate, before_delete=before_delete,
    )


# --- iRules -------------------------------------------------------------------------------
RULE_EVENTS = frozenset("""
RULE_INIT CLIENT_ACCEPTED CLIENT_CLOSED CLIENT_DATA SERVER_CONNECTED SERVER_CLOSED SERVER_DATA SERVER_INIT
LB_SELECTED LB_FAILED LB_QUEUED PERSIST_DOWN HTTP_REQUEST HTTP_REQUEST_DATA HTTP_REQUEST_SEND HTTP_REQUEST_RELEASE
HTTP_RESPONSE HTTP_RESPONSE_DATA HTTP_RESPONSE_CONTINUE HTTP_RESPONSE_RELEASE HTTP_CLASS_FAILED HTTP_CLASS_SELECTED
HTTP_DISABLED HTTP_PROXY_REQUEST CLIENTSSL_HANDSHAKE CLIENTSSL_CLIENTCERT CLIENTSSL_CLIENTHELLO CLIENTSSL_DATA
CLIENTSSL_SERVERHELLO_SEND SERVERSSL_HANDSHAKE SERVERSSL_CLIENTHELLO_SEND SERVERSSL_DATA SERVERSSL_SERVERHELLO
SERVERSSL_SERVERCERT DNS_REQUEST DNS_RESPONSE NAME_RESOLVED ACCESS_SESSION_STARTED ACCESS_SESSION_CLOSED
ACCESS_POLICY_AGENT_EVENT ACCESS_POLICY_COMPLETED ACCESS_ACL_ALLOWED ACCESS_ACL_DENIED ACCESS_PER_REQUEST_AGENT_EVENT
AUTH_RESULT AUTH_ERROR AUTH_FAILURE AUTH_SUCCESS AUTH_WANTCREDENTIAL CACHE_REQUEST CACHE_RESPONSE STREAM_MATCHED
USER_REQUEST USER_RESPONSE XML_BEGIN_DOCUMENT XML_CONTENT_BASED_ROUTING ADAPT_REQUEST_RESULT ADAPT_RESPONSE_RESULT
ASM_REQUEST_DONE ASM_REQUEST_VIOLATION ASM_RESPONSE_VIOLATION REWRITE_REQUEST_DONE REWRITE_RESPONSE_DONE
ISESSION_NEGOTIATED WEBSOCKET_REQUEST WEBSOCKET_RESPONSE PCP_REQUEST SIP_REQUEST SIP_RESPONSE ECA_REQUEST_ALLOWED
ECA_REQUEST_DENIED FLOW_INIT IP_GTP PERSIST_DOWN HTML_TAG_MATCHED SSO_AUTH_FAILURE MQTT_CLIENT_DATA
""".split())


UNCLOSED = {"}": "close-brace", "]": "close-bracket", '"': "quote"}


class TclError(ValueError):
    def __init__(self, line: int, detail: str):
        super().__init__(detail)
        self.line = line


def tcl_words(script: str) -> list[tuple[int, list[str]]]:
    """Split a TCL script into top-level commands (line, words), checking that braces, brackets
    and quotes balance at every depth (quotes only count outside braces, as in TCL)."""
    commands, words, word, stack, line, start_line = [], [], [], [], 1, 1
    chars = iter(script)
    for ch in chars:
        if ch == "\\":
            escaped = next(chars, "")
            word.append(ch + escaped)
            line += escaped == "\n"
            continue
        line += ch == "\n"
        top = stack[-1] if stack else None
        if ch == "#" and not stack and not word and not words:
            for skipped in chars:
                if skipped == "\n":
                    line += 1
                    break
            start_line = line
            continue
        if ch in "{[":
            stack.append("}" if ch == "{" else "]")
        elif ch == '"' and top != "}":
            if top == '"':
                stack.pop()
            elif not word or stack:
                stack.append('"')
        elif ch in "]}":
            if top == ch:
                stack.pop()
            elif top == '"' and ch == "}" or top == "}" and ch == "]":
                pass
            else:
                kind = "brace" if ch == "}" else "bracket"
                raise TclError(line, f"extra characters after close-{kind}" if not stack else f"unexpected close-{kind}")
        if stack or ch not in " \t\n;":
            if not word and not words:
                start_line = line - (ch == "\n")
            word.append(ch)
            continue
        if word:
            words.append("".join(word))
            word = []
        if ch in "\n;" and words:
            commands.append((start_line, words))
            words = []
    if stack:
        raise TclError(line, f"missing {UNCLOSED[stack[-1]]}")
    if word:
        words.append("".join(word))
    if words:
        commands.append((start_line, words))
    return commands


def check_rule(script: str) -> None:
    for line, words in tcl_words(script):
        head = words[0]
        if head == "when":
            event = words[1] if len(words) > 1 else ""
            if event not in RULE_EVENTS:
                raise TclError(line, f"undefined event name ({event})")
            if not words[-1].startswith("{") or len(words) < 3:
                raise TclError(line, f"missing body for event {event}")
        elif head not in ("proc", "priority", "nodelete", "timing", "definition-signature"):
            raise TclError(line, f"command is not valid in the current scope [{head}]")


def rule() -> TypeDef:
    def validate(ctx: Ctx, obj: dict, old) -> None:
        script = obj.get("apiAnonymous", "")
        try:
            check_rule(script)
        except TclError as exc:
            raise ApiError(400, f"01070151:3: Rule [{me(obj)}] error: {me(obj)}:{exc.line}: error: [{exc}]"
                                f"[{script.strip().splitlines()[0] if script.strip() else ''}]") from None

    def before_delete(ctx: Ctx, obj: dict) -> None:
        for virtual in ctx.objects(VIRTUAL):
            if me(obj) in virtual.get("rules", []):
                raise in_use("Rule", me(obj), "Virtual Server", virtual)

    def name_check(name: str) -> None:
        if name.startswith("_sys_"):
            raise config_error(f"The rule name ({name}) uses the reserved prefix _sys_.")

    return TypeDef(
        path=RULE, display="Rule",
        props={"apiAnonymous": Prop(check=text), "apiRawValues": Prop(check=any_json), "description": Prop(check=text)},
        builtins=builtins("mgmt_tm_ltm_rule", lambda item: item["name"].startswith("_sys_")),
        validate=validate, before_delete=before_delete, name_check=name_check,
    )


# --- virtual server ---------------------------------------------------------------------
def virtual_profiles() -> TypeDef:
    def validate(ctx: Ctx, obj: dict, old) -> None:
        if find_profile(ctx, me(obj)) is None:
            raise config_error(f"The requested profile ({me(obj)}) for virtual server ({obj['_parent']}) was not found.")

    def name_ref(obj, ctx):
        path = find_profile(ctx, me(obj)) or f"{LTM}/profile"
        return {"link": ctx.store.reference_link(path, me(obj))}

    return TypeDef(path=f"{VIRTUAL}/profiles", display="Profile",
                   props={"context": Prop("all", enum("all", "clientside", "serverside"))},
                   readonly={"nameReference": name_ref}, validate=validate)


def virtual_address_of(obj: dict) -> str:
    body = obj["destination"].rsplit("/", 1)[1]
    return body.rsplit(":", 1)[0] if body.count(":") == 1 else body.rsplit(".", 1)[0]


def default_mask(body, ctx) -> str:
    try:
        dest = destination(str(body.get("destination", "")))
    except ValueError:
        return "255.255.255.255"
    address = bare_address(virtual_address_of({"destination": dest}))
    return "255.255.255.255" if ipaddress.ip_address(address).version == 4 else "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"


def snat(value):
    if not isinstance(value, dict) or value.get("type") not in ("none", "automap", "snat", "lsn"):
        raise ValueError("sourceAddressTranslation needs type none, automap, snat or lsn")
    if value["type"] == "snat" and not value.get("pool"):
        raise ValueError("sourceAddressTranslation type snat needs a pool")
    return value


def _virtual_validate(ctx: Ctx, obj: dict, old) -> None:
    if "destination" not in obj:
        raise config_error(f"The virtual server ({me(obj)}) requires the destination property.")
    folder, _sep, body = obj["destination"].rpartition("/")
    address = virtual_address_of(obj)
    port = body[len(address):]
    obj["destination"] = f"{folder}/{ctx.with_route_domain(obj['partition'], address, f'virtual server ({me(obj)})')}{port}"
    if obj.get("pool") not in (None, "", "none") and ctx.find(POOL, obj["pool"]) is None:
        raise config_error(f"The requested pool ({obj['pool']}) for virtual server ({me(obj)}) was not found.")
    if obj.get("pool") in ("", "none"):
        del obj["pool"]
    for name in obj.get("rules", []):
        if ctx.find(RULE, name) is None:
            raise config_error(f"The requested rule ({name}) for virtual server ({me(obj)}) was not found.")
    for name in obj.get("vlans", []):
        if ctx.find("/mgmt/tm/net/vlan", name) is None:
            raise config_error(f"The requested VLAN ({name}) for virtual server ({me(obj)}) was not found.")
    if not obj.get("rules"):
        obj.pop("rules", None)
    for other in ctx.objects(VIRTUAL):
        if other["name"] != obj["name"] and other["destination"] == obj["destination"] and \
                other.get("ipProtocol") == obj.get("ipProtocol"):
            raise config_error(f"01070333:3: Virtual Server {me(obj)} illegally shares both address and vlan with "
                               f"Virtual Server {me(other)}.")
    obj["lastModifiedTime"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _virtual_written(ctx: Ctx, obj: dict) -> None:
    """Attach the default tcp profile to a new TCP virtual and create its virtual address."""
    profiles = obj.setdefault("_sub", {}).setdefault("profiles", {})
    if not profiles and obj.get("ipProtocol") == "tcp":
        profiles["/Common/tcp"] = {"name": "tcp", "partition": "Common", "context": "all",
                                   "generation": obj["generation"], "_parent": me(obj)}
    address = virtual_address_of(obj)
    if ctx.find(VIRTUAL_ADDRESS, f"/{obj['partition']}/{address}") is None:
        ctx.create(VIRTUAL_ADDRESS, {"name": address, "partition": obj["partition"], "address": address,
                                     "mask": obj["mask"]})
    _drop_unused_addresses(ctx)


def _drop_unused_addresses(ctx: Ctx) -> None:
    used = {f"/{v['partition']}/{virtual_address_of(v)}" for v in ctx.objects(VIRTUAL)}
    addresses = ctx.store.data[VIRTUAL_ADDRESS]
    for key in [k for k, va in addresses.items() if va.get("autoDelete") == "true" and k not in used]:
        del addresses[key]


def _virtual_delete(ctx: Ctx, obj: dict) -> None:
    others = [v for v in ctx.objects(VIRTUAL) if v is not obj]
    used = {f"/{v['partition']}/{virtual_address_of(v)}" for v in others}
    key = f"/{obj['partition']}/{virtual_address_of(obj)}"
    va = ctx.find(VIRTUAL_ADDRESS, key)
    if va is not None and va.get("autoDelete") == "true" and key not in used:
        del ctx.store.data[VIRTUAL_ADDRESS][key]


def virtual() -> TypeDef:
    on = Prop("enabled", ON_OFF)
    return TypeDef(
        path=VIRTUAL, display="Virtual Server",
        props={
            "addressStatus": Prop("yes", YES_NO),
            "autoLasthop": Prop("default", enum("default", "enabled", "disabled")),
            "cmpEnabled": Prop("yes", YES_NO),
            "connectionLimit": Prop(0, U32),
            "creationTime": Prop(lambda body, ctx: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), text),
            "description": Prop(check=text),
            "destination": Prop(check=destination),
            "enabled": Prop(True, flag),
            "disabled": Prop(check=flag),
            "gtmScore": Prop(0, U32),
            "ipProtocol": Prop("tcp", protocol(*PROTOCOLS)),
            "lastModifiedTime": Prop(lambda body, ctx: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), text),
            "mask": Prop(default_mask, text),
            "metadata": Prop(check=any_json),
            "mirror": Prop("disabled", ON_OFF),
            "mobileAppTunnel": Prop("disabled", ON_OFF),
            "nat64": Prop("disabled", ON_OFF),
            "pool": Prop(check=full_path, reference=POOL),
            "rateLimit": Prop("disabled", text),
            "rateLimitDstMask": Prop(0, integer(0, 128)),
            "rateLimitMode": Prop("object", enum("object", "object-source", "object-destination",
                                                 "object-source-destination", "destination", "source",
                                                 "source-destination")),
            "rateLimitSrcMask": Prop(0, integer(0, 128)),
            "rules": Prop(check=full_path_list, reference=RULE),
            "serviceDownImmediateAction": Prop("none", enum("none", "reset", "drop")),
            "source": Prop("0.0.0.0/0", text),
            "sourceAddressTranslation": Prop({"type": "none"}, snat),
            "sourcePort": Prop("preserve", enum("preserve", "preserve-strict", "change")),
            "synCookieStatus": Prop("not-activated", enum("not-activated", "activated")),
            "translateAddress": on,
            "translatePort": on,
            "vlans": Prop(check=full_path_list, reference="/mgmt/tm/net/vlan"),
            "vlansEnabled": Prop(check=flag),
            "vlansDisabled": Prop(True, flag),
            "vsIndex": Prop(lambda body, ctx: ctx.counter("vs-index", 2, 1), U32),
        },
        subcollections={"policies": TypeDef(path=f"{VIRTUAL}/policies", display="Policy", props={}, creatable=False),
                        "profiles": virtual_profiles()},
        inline={"profiles": "profiles"},
        validate=_virtual_validate, after_write=_virtual_written, before_delete=_virtual_delete,
    )


def virtual_address() -> TypeDef:
    sample = stored(reference("mgmt_tm_ltm_virtual_address")["items"][0])
    props = {prop: Prop(value, _check_for(value)) for prop, value in sample.items()
             if prop not in ("name", "partition", "generation", "address")}
    props["address"] = Prop(check=ip_address)
    props["trafficGroup"] = Prop("/Common/traffic-group-1", full_path, reference="/mgmt/tm/cm/traffic-group")
    props["description"] = Prop(check=text)
    return TypeDef(path=VIRTUAL_ADDRESS, display="Virtual Address", props=props)


def sip_session_profile() -> TypeDef:
    """``ltm message-routing sip profile session`` (14.x): F5's bigip_virtual_server lists it on every run; a
    14.1 device has the built-in ``sipsession``. Values [I]: only name, description and defaultsFrom."""
    path = f"{LTM}/message-routing/sip/profile/session"
    root = {"name": "sipsession", "partition": "Common", "generation": 1, "defaultsFrom": "none", "description": "none"}
    return TypeDef(path=path, display="SIP session profile", builtins=[root], inherit_from_parent=True,
                   props={"description": Prop("none", text), "defaultsFrom": Prop("/Common/sipsession", full_path, reference=path)})


def types() -> list[TypeDef]:
    return monitors() + [server_ssl(), client_ssl(), tcp(), http(), node(), pool(), rule(), virtual(), virtual_address(),
                         sip_session_profile()]
