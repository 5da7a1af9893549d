"""Test hooks under ``/sim/admin/...`` (never under ``/mgmt``): request log, faults, latency,
reset, reboot, discovery, extra users, state peek. Admin calls are not logged."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from collections import Counter
from urllib.parse import parse_qsl

import types_cm
from engine import ApiError, FrameworkError

FAULT_KINDS = ("restarting", "token_expiry", "drop", "mcpd", "drop_after", "bad_gateway", "delay", "unauthorized", "race",
               "expire_tokens")
"""restarting: 503 from restjavad; mcpd: 500 "connection to mcpd has been lost"; drop: the connection
is closed before the request is applied; drop_after: the request IS applied, then the connection is
closed without an answer; bad_gateway: 502 from a proxy in front of the device; delay: the answer
comes ``ms`` milliseconds late (the request is applied); unauthorized: 401 as for a token the device
no longer accepts; race: ``apply`` (a write of another client) runs just before the matched request;
token_expiry: every token expires now; expire_tokens: every token expires just before the matched
request (a token running out in the middle of a transaction). Every kind but token_expiry may be limited to requests
matching ``method`` and ``path_prefix``, after letting the first ``skip`` of them through."""
ADMIN_PREFIX = "/sim/admin"


class Controls:
    """Per-process knobs shared by all handler threads (own lock, never held while sleeping)."""

    def __init__(self, latency_ms: int = 0):
        self.lock = threading.Lock()
        self.initial_latency_ms = latency_ms
        self.latency_ms = latency_ms
        self.faults: dict[str, int] = {}
        self.targeted: list[dict] = []
        self.log: list[dict] = []

    def record(self, method: str, path: str, query: str, status: int, body=None, transaction=None) -> None:
        """Log one /mgmt request: its parsed JSON body and the transaction it was queued in (if any)."""
        with self.lock:
            self.log.append({"method": method, "path": path, "query": query, "status": status, "body": body,
                             "transaction": int(transaction) if transaction and str(transaction).isdigit() else transaction,
                             "time": time.time()})

    def take_fault(self, kinds: tuple[str, ...], method: str | None = None, path: str | None = None) -> dict | None:
        """Consume one pending fault among ``kinds`` for this request: a targeted one (by method and
        path prefix) first, else an untargeted one (checked in ``kinds`` order). Returns its spec."""
        with self.lock:
            for spec in self.targeted:
                if spec["count"] > 0 and spec["kind"] in kinds and spec["method"] in (None, method) \
                        and (spec["path_prefix"] is None or (path or "").startswith(spec["path_prefix"])):
                    if spec["skip"] > 0:  # let the first matching requests through
                        spec["skip"] -= 1
                        return None
                    spec["count"] -= 1
                    return dict(spec)
            for kind in kinds:
                if self.faults.get(kind, 0) > 0:
                    self.faults[kind] -= 1
                    return {"kind": kind}
        return None

    def entries(self, method: str | None, prefix: str | None) -> list[dict]:
        with self.lock:
            return [dict(e) for e in self.log
                    if (method is None or e["method"] == method.upper()) and (prefix is None or e["path"].startswith(prefix))]


@dataclass
class AdminCall:
    device: object
    controls: Controls
    options: dict
    body: dict


def handle_admin(device, controls: Controls, method: str, path: str, query: str, body: dict) -> tuple[int, dict]:
    action = path.removeprefix(ADMIN_PREFIX).strip("/")
    route = ROUTES.get((method, action))
    if route is None:
        raise FrameworkError(404, f"Unknown simulator admin call: {method} {path}")
    return 200, route(AdminCall(device, controls, dict(parse_qsl(query)), body))


def _log(call: AdminCall) -> dict:
    entries = call.controls.entries(call.options.get("method"), call.options.get("path_prefix"))
    counts = Counter(f"{e['method']} {e['path']}" for e in entries)
    return {"requests": entries, "counts": dict(counts), "total": len(entries)}


def _clear_log(call: AdminCall) -> dict:
    with call.controls.lock:
        call.controls.log.clear()
    return {"cleared": True}


def _reset(call: AdminCall) -> dict:
    call.device.reset()
    with call.controls.lock:
        call.controls.faults.clear()
        call.controls.targeted.clear()
        call.controls.latency_ms = call.controls.initial_latency_ms
    return {"reset": True}


def _fault(call: AdminCall) -> dict:
    kind, count = call.body.get("kind"), call.body.get("count", 1)
    if kind not in FAULT_KINDS:
        raise ApiError(400, f"unknown fault kind {kind!r}; expected one of {', '.join(FAULT_KINDS)}", 1)
    if kind == "token_expiry":
        with call.device.lock:
            return {"kind": kind, "expired": call.device.auth.expire_all()}
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ApiError(400, f"fault count must be a non-negative integer, got {count!r}", 1)
    method, prefix = call.body.get("method"), call.body.get("path_prefix")
    extra = {"ms": call.body.get("ms", 0), "apply": call.body.get("apply"), "skip": call.body.get("skip", 0)}
    if kind in ("race",) and not isinstance(extra["apply"], dict):
        raise ApiError(400, "a race needs apply: {method, path, body}", 1)
    with call.controls.lock:
        if method is None and prefix is None and not extra["skip"] and kind in ("restarting", "drop", "mcpd"):
            call.controls.faults[kind] = count
            return {"kind": kind, "count": count, "pending": dict(call.controls.faults)}
        call.controls.targeted.append({"kind": kind, "count": count, "method": method.upper() if method else None,
                                       "path_prefix": prefix, **extra})
        return {"kind": kind, "count": count, "method": method, "path_prefix": prefix}


def _clear_faults(call: AdminCall) -> dict:
    with call.controls.lock:
        call.controls.faults.clear()
        call.controls.targeted.clear()
    return {"cleared": True}


def _latency(call: AdminCall) -> dict:
    ms = call.body.get("ms")
    if isinstance(ms, bool) or not isinstance(ms, int) or ms < 0:
        raise ApiError(400, f"latency must be a non-negative integer of milliseconds, got {ms!r}", 1)
    with call.controls.lock:
        call.controls.latency_ms = ms
    return {"latency_ms": ms}


def _reboot(call: AdminCall) -> dict:
    return call.device.reboot()


def _discover(call: AdminCall) -> dict:
    return call.device.discover(call.body)


def _peek(call: AdminCall) -> dict:
    path = call.options.get("path")
    if not path or not path.startswith("/mgmt/tm"):
        raise ApiError(400, "peek needs ?path=/mgmt/tm/...", 1)
    return call.device.peek(path)


def _add_user(call: AdminCall) -> dict:
    name, password = call.body.get("username"), call.body.get("password")
    if not isinstance(name, str) or not isinstance(password, str) or not name:
        raise ApiError(400, "users needs username and password strings", 1)
    with call.device.lock:
        call.device.auth.add_user(name, password, bool(call.body.get("admin", False)))
    return {"username": name, "admin": bool(call.body.get("admin", False))}


def _health(call: AdminCall) -> dict:
    address, up = call.body.get("address"), call.body.get("up")
    if not isinstance(address, str) or not isinstance(up, bool):
        raise ApiError(400, "health needs {\"address\": <ip>, \"up\": true|false}", 1)
    with call.device.lock:
        if up:
            call.device.store.health.pop(address, None)
        else:
            call.device.store.health[address] = False
        return {"down": sorted(call.device.store.health)}


def _failover(call: AdminCall) -> dict:
    state = types_cm.check_failover_state(call.body.get("state"))
    with call.device.lock:
        call.device.store.failover_state = state
    return {"failoverState": state}


ROUTES = {
    ("GET", "log"): _log,
    ("DELETE", "log"): _clear_log,
    ("POST", "reset"): _reset,
    ("POST", "fault"): _fault,
    ("DELETE", "fault"): _clear_faults,
    ("POST", "latency"): _latency,
    ("POST", "reboot"): _reboot,
    ("POST", "upgrade"): _reboot,
    ("POST", "discover"): _discover,
    ("GET", "peek"): _peek,
    ("POST", "users"): _add_user,
    ("POST", "health"): _health,
    ("POST", "failover"): _failover,
}
