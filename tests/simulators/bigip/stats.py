"""``/stats`` of the objects whose availability the migration depends on, driven by the model.

Served: LTM pools and pool members, GTM pools (``a``) and their members, GTM wide IPs (``a``), WOM
remote endpoints (the iSession tunnels to the other site). Layout as every BIG-IP stats answer:
``kind`` ``...stats``, ``entries`` -> ``<link>`` -> ``nestedStats`` -> ``entries`` -> ``{"description"}``
or ``{"value"}``. Availability follows the configuration (enabled/disabled, forced down, monitors) and
the simulator's health model: an address is up unless ``POST /sim/admin/health`` marked it down.
The status reason texts are inferred (README "Statistics").
"""
from __future__ import annotations

from engine import FrameworkError, HOST_LINK, Store, TypeDef, key_of, link, uri_name

LTM_POOL = "/mgmt/tm/ltm/pool"
GTM_POOL = "/mgmt/tm/gtm/pool/a"
GTM_SERVER = "/mgmt/tm/gtm/server"
WIDEIP = "/mgmt/tm/gtm/wideip/a"
REMOTE_ENDPOINT = "/mgmt/tm/wom/remote-endpoint"
LOCAL_ENDPOINT = "/mgmt/tm/wom/local-endpoint"
SERVED = (LTM_POOL, f"{LTM_POOL}/members", GTM_POOL, f"{GTM_POOL}/members", WIDEIP, REMOTE_ENDPOINT)


def desc(value) -> dict:
    return {"description": value}


def val(value) -> dict:
    return {"value": value}


def status(availability: str, enabled: bool, reason: str) -> dict:
    return {"status.availabilityState": desc(availability), "status.enabledState": desc("enabled" if enabled else "disabled"),
            "status.statusReason": desc(reason)}


def is_enabled(obj: dict) -> bool:
    return not obj.get("disabled", False)


def healthy(store: Store, address: str) -> bool:
    return store.health.get(address.split("%")[0], True)


# --- LTM --------------------------------------------------------------------------------------
def ltm_member(store: Store, pool: dict, member: dict) -> dict:
    monitor = member.get("monitor", "default")
    if monitor in ("default", "", None):
        monitor = pool.get("monitor", "") or "none"
    enabled = member.get("session", "user-enabled") != "user-disabled"
    if member.get("state") == "user-down":
        availability, reason, monitor_status = "offline", "Pool member has been marked down by the administrator", "user-down"
    elif monitor.strip() in ("none", ""):
        availability, reason, monitor_status = "unknown", "Pool member does not have service checking enabled", "unchecked"
    elif healthy(store, member.get("address", member["name"])):
        availability, reason, monitor_status = "available", "Pool member is available", "up"
    else:
        availability, reason, monitor_status = "offline", "Pool member has been marked down by a monitor", "down"
    if not enabled and availability == "available":
        reason = "Pool member is available, user disabled"
    name = member["name"]
    address, _sep, port = name.rpartition(":") if name.count(":") == 1 else name.rpartition(".")
    entries = {"addr": desc(member.get("address", address)), "port": val(int(port) if port.isdigit() else 0),
               "nodeName": desc(f"/{member['partition']}/{address}"), "poolName": desc(key_of(pool["partition"], pool["name"])),
               "monitorRule": desc(monitor.strip()), "monitorStatus": desc(monitor_status),
               "sessionStatus": desc("enabled" if enabled else "user-disabled"),
               "serverside.curConns": val(0), "serverside.bitsIn": val(0), "serverside.bitsOut": val(0),
               "totRequests": val(0), "tmName": desc(key_of(member["partition"], name))}
    entries.update(status(availability, enabled, reason))
    return entries


def ltm_pool(store: Store, pool: dict) -> dict:
    members = [ltm_member(store, pool, m) for m in pool.get("_sub", {}).get("members", {}).values()]
    states = [m["status.availabilityState"]["description"] for m in members]
    usable = [m for m in members if m["status.availabilityState"]["description"] == "available"
              and m["status.enabledState"]["description"] == "enabled"]
    if usable:
        availability, reason = "available", "The pool is available"
    elif not members or all(s == "unknown" for s in states):
        availability, reason = "unknown", ("The children pool member(s) either don't have service checking enabled, "
                                           "or service check results are not available yet")
    else:
        availability, reason = "offline", "The children pool member(s) are down"
    entries = {"activeMemberCnt": val(len(usable)), "availableMemberCnt": val(len(usable)), "memberCnt": val(len(members)),
               "minActiveMembers": val(pool.get("minActiveMembers", 0)), "serverside.curConns": val(0),
               "tmName": desc(key_of(pool["partition"], pool["name"]))}
    entries.update(status(availability, True, reason))
    return entries


# --- GTM --------------------------------------------------------------------------------------
def gtm_member(store: Store, pool: dict, member: dict) -> dict:
    server_name, _sep, vs_name = member["name"].partition(":")
    server = store.data.get(GTM_SERVER, {}).get(f"/{member['partition']}/{server_name}", {})
    vs = server.get("_sub", {}).get("virtual-servers", {}).get(vs_name, {})
    destination = vs.get("destination", "")
    address = destination.rpartition(":")[0] if destination.count(":") == 1 else destination.rpartition(".")[0]
    enabled = is_enabled(member)  # a disabled pool does not change its members' own status
    if not enabled:
        availability, reason = "offline", "The pool member is disabled"
    elif not (is_enabled(server) and is_enabled(vs)):
        availability, reason = "offline", f"The virtual server {vs_name} of server {server_name} is disabled"
    elif not all(healthy(store, a["name"]) for a in server.get("addresses", [])) or not healthy(store, address):
        availability, reason = "offline", f" Monitor /Common/bigip from {server_name}: the virtual server is down"
    else:
        availability, reason = "available", " Monitor /Common/bigip from the local BIG-IP : virtual server is available"
    entries = {"serverName": desc(f"/{member['partition']}/{server_name}"), "vsName": desc(vs_name),
               "poolName": desc(key_of(pool["partition"], pool["name"])), "poolType": desc("A"),
               "preferred": val(0), "alternate": val(0), "fallback": val(0),
               "tmName": desc(key_of(member["partition"], member["name"]))}
    entries.update(status(availability, enabled, reason))
    return entries


def gtm_pool(store: Store, pool: dict) -> dict:
    members = [gtm_member(store, pool, m) for m in pool.get("_sub", {}).get("members", {}).values()]
    if not is_enabled(pool):
        availability, reason = "offline", "The pool is disabled"
    elif any(m["status.availabilityState"]["description"] == "available" for m in members):
        availability, reason = "available", "Available"
    else:
        availability, reason = "offline", "No enabled pool members available"
    entries = {"poolType": desc("A"), "preferred": val(0), "alternate": val(0), "fallback": val(0), "returnToDns": val(0),
               "tmName": desc(key_of(pool["partition"], pool["name"]))}
    entries.update(status(availability, is_enabled(pool), reason))
    return entries


def wideip(store: Store, obj: dict) -> dict:
    pools = store.data.get(GTM_POOL, {})
    states = []
    for ref in obj.get("pools", []):
        name = ref["name"] if ref["name"].startswith("/") else f"/{ref.get('partition', 'Common')}/{ref['name']}"
        if name in pools:
            states.append(gtm_pool(store, pools[name])["status.availabilityState"]["description"])
    if not is_enabled(obj):
        availability, reason = "offline", "The wide IP is disabled"
    elif "available" in states:
        availability, reason = "available", "Available"
    else:
        availability, reason = "offline", "No enabled pools available"
    entries = {"wipType": desc("A"), "requests": val(0), "resolutions": val(0), "persisted": val(0),
               "tmName": desc(key_of(obj["partition"], obj["name"]))}
    entries.update(status(availability, is_enabled(obj), reason))
    return entries


# --- iSession ---------------------------------------------------------------------------------
def remote_endpoint(store: Store, obj: dict) -> dict:
    local = store.data.get(LOCAL_ENDPOINT, {}).get(LOCAL_ENDPOINT, {})
    if not is_enabled(obj):
        availability, reason = "offline", "The remote endpoint is disabled"
    elif not local.get("ip") or local.get("disabled"):
        availability, reason = "offline", "The local endpoint is not configured"
    elif not healthy(store, obj.get("ip", obj["name"])):
        availability, reason = "offline", "The iSession tunnel to the remote endpoint is down"
    else:
        availability, reason = "available", "The iSession tunnel to the remote endpoint is up"
    entries = {"address": desc(obj.get("ip", obj["name"])), "localAddress": desc(local.get("ip", "none")),
               "tunnelPort": val(obj.get("tunnelPort", 443)), "routing": desc(obj.get("routing", "disabled")),
               "isessionConns": val(0), "tmName": desc(key_of(obj.get("partition"), obj["name"]))}
    entries.update(status(availability, is_enabled(obj), reason))
    return entries


COMPUTE = {LTM_POOL: lambda s, o, p: ltm_pool(s, o), f"{LTM_POOL}/members": lambda s, o, p: ltm_member(s, p, o),
           GTM_POOL: lambda s, o, p: gtm_pool(s, o), f"{GTM_POOL}/members": lambda s, o, p: gtm_member(s, p, o),
           WIDEIP: lambda s, o, p: wideip(s, o), REMOTE_ENDPOINT: lambda s, o, p: remote_endpoint(s, o)}


def render(store: Store, typedef: TypeDef, parent: dict | None, obj: dict | None, echo: str) -> dict:
    """Stats of one object (``obj``) or of every object of a collection (``obj`` None)."""
    if typedef.path not in COMPUTE:
        raise FrameworkError(404, f"Public URI path not registered: {typedef.path.removeprefix('/mgmt')}/stats")
    compute = COMPUTE[typedef.path]
    kind = typedef.kind[: -len("state")] + "stats"
    if obj is not None:
        path = store.resource_path(typedef, obj, parent)
        segment = uri_name(obj.get("partition"), obj["name"])
        entries = {f"{HOST_LINK}{path}/{segment}/stats": {"nestedStats": {"entries": compute(store, obj, parent)}}}
        return {"kind": kind, "generation": store.generation, "selfLink": link(f"{path}/stats", echo), "entries": entries}
    base = typedef.path if parent is None else f"{store.resource_path(store.types[typedef.path.rsplit('/', 1)[0]], parent)}/" \
                                               f"{typedef.path.rsplit('/', 1)[1]}"
    entries = {}
    for item in store.container(typedef, parent).values():
        entries[f"{HOST_LINK}{store.resource_path(typedef, item, parent)}/stats"] = {
            "nestedStats": {"entries": compute(store, item, parent)}}
    return {"kind": typedef.collection_kind[: -len("state")] + "stats", "generation": store.generation,
            "selfLink": link(f"{base}/stats", echo), "entries": entries}
