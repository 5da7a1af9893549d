"""One simulated BIG-IP: REST dispatch over the store, transactions, config save/load, reboot.

Every public method that touches state takes ``self.lock``; the HTTP layer calls
``handle_mgmt`` for ``/mgmt/...`` and the admin module for ``/sim/admin/...``.
"""
from __future__ import annotations

import copy
import json
import os
import threading
import time
from urllib.parse import unquote

import stats
import types_cm
import types_gtm
import types_ltm
import types_net
import types_sys
import types_wom
from auth import Auth, User
from engine import ApiError, FrameworkError, HOST_LINK, Prop, Query, Store, TypeDef, key_of, link
from schema import text

COORDINATION_HEADER = "X-F5-REST-Coordination-Id"
TRANSACTION_TIMEOUT = 120
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def build_types(device_name: str = "primary") -> dict[str, TypeDef]:
    types: dict[str, TypeDef] = {}
    for typedefs in (types_sys.types(), types_net.types(), types_ltm.types(), types_gtm.types(), types_wom.types(),
                     types_cm.types(device_name)):
        for typedef in typedefs:
            types[typedef.path] = typedef
            for sub in typedef.subcollections.values():
                types[sub.path] = sub
    for path in types_ltm.LISTED_PATHS + types_gtm.LISTED_PATHS:
        if path not in types:
            types[path] = listed_type(path)
    return types


def listed_type(path: str) -> TypeDef:
    """A type the captured organizing collections list but the guide never uses: an (initially
    empty) collection of objects with only ``description`` and ``defaultsFrom``."""
    return TypeDef(path=path, display=path.removeprefix("/mgmt/tm/").replace("/", " "),
                   props={"description": Prop(check=text), "defaultsFrom": Prop(check=text, reference=path)})


def organizing_paths(types: dict[str, TypeDef], listed: list[str]) -> dict[str, list[str]]:
    """Every path prefix that groups types -> its child paths (``/mgmt/tm/ltm`` -> [..ltm/pool, ..])."""
    children: dict[str, set] = {}
    top_level = [p for p in types if not any(p.startswith(q + "/") for q in types if q != p)]
    for path in top_level + listed:
        parts = path.split("/")
        for depth in range(3, len(parts)):
            parent, child = "/".join(parts[:depth]), "/".join(parts[: depth + 1])
            if parent not in types:
                children.setdefault(parent, set()).add(child)
    return {parent: sorted(kids) for parent, kids in children.items()}


class Transaction:
    def __init__(self, trans_id: int, clock: float):
        self.trans_id = trans_id
        self.state = "STARTED"
        self.commands: list[dict] = []
        self.failure = ""
        self.last_used = clock
        self.execution_time = 0

    def render(self) -> dict:
        return {
            "transId": self.trans_id, "state": self.state, "timeoutSeconds": TRANSACTION_TIMEOUT,
            "asyncExecution": False, "validateOnly": False, "executionTimeout": 300,
            "executionTime": self.execution_time, "failureReason": self.failure, "kind": "tm:transactionstate",
            "selfLink": link(f"/mgmt/tm/transaction/{self.trans_id}"),
        }

    def render_command(self, command: dict) -> dict:
        return dict(command, kind="tm:transaction:commandsstate",
                    selfLink=link(f"/mgmt/tm/transaction/{self.trans_id}/commands/{command['commandId']}"))


class Device:
    """State, rules and persistence of one simulated BIG-IP."""

    def __init__(self, name: str, users: list[User], state_file: str, seed: list[dict] | None = None):
        self.name = name
        self.lock = threading.RLock()
        self.types = build_types(name)
        listed = types_sys.LISTED_PATHS
        self.organizing = organizing_paths(self.types, listed)
        self.store = Store(self.types)
        self.store.health = {}              # address -> False when marked down (POST /sim/admin/health)
        self.store.failover_state = "active"  # cm device failoverState, sys/failover (POST /sim/admin/failover)
        self.users = list(users)
        self.auth = Auth(users)
        self.state_file = state_file
        self.seed = seed or []
        self.transactions: dict[int, Transaction] = {}
        self.started = time.time()
        self.factory_snapshot = self.build_factory()
        self.boot()

    # --- factory / persistence ---------------------------------------------------------------
    def build_factory(self) -> dict:
        self.store.factory()
        for step in self.seed:
            self.handle_tm("POST", step["path"], Query([]), step["body"])
        return copy.deepcopy(self.store.dump())

    def boot(self) -> None:
        """Load the saved configuration (or factory state when nothing was saved)."""
        saved = self.read_saved()
        self.store.load(saved if saved is not None else self.factory_snapshot)
        self.transactions.clear()

    def read_saved(self) -> dict | None:
        if not self.state_file or not os.path.exists(self.state_file):
            return None
        with open(self.state_file, encoding="utf-8") as handle:
            return json.load(handle)

    def save_config(self) -> None:
        self.write_state(self.store.dump())

    def reset(self) -> None:
        with self.lock:
            if self.state_file and os.path.exists(self.state_file):
                os.remove(self.state_file)
            generation = self.store.generation
            self.store.load(self.factory_snapshot)
            self.store.generation = max(generation, self.store.generation) + 1
            self.transactions.clear()
            self.auth = Auth(self.users)
            self.store.health = {}
            self.store.failover_state = "active"

    def reboot(self) -> dict:
        """Reboot/upgrade: running config is replaced by the saved one, tokens and transactions are
        lost, and remote endpoints learnt by dynamic discovery come back with routing disabled."""
        with self.lock:
            generation = self.store.generation
            self.boot()
            self.store.generation = max(generation, self.store.generation) + 1
            self.auth.tokens.clear()
            reverted = types_wom.revert_discovered_routing(self.store.ctx)
            return {"rebooted": True, "routingDisabled": reverted}

    def discover(self, body: dict) -> dict:
        with self.lock:
            obj = types_wom.discover_remote_endpoint(self.store.ctx, body)
            if self.state_file:
                self.persist_discovered(obj)
            return self.store.render(self.types[types_wom.REMOTE_ENDPOINT.path], obj, Query([]))

    def persist_discovered(self, obj: dict) -> None:
        """The device saves endpoints it discovered itself (they survive a reboot, unsaved edits do not)."""
        saved = self.read_saved() or copy.deepcopy(self.factory_snapshot)
        saved["data"].setdefault(types_wom.REMOTE_ENDPOINT.path, {})[key_of(obj.get("partition"), obj["name"])] = copy.deepcopy(obj)
        self.write_state(saved)

    def write_state(self, snapshot: dict) -> None:
        os.makedirs(os.path.dirname(os.path.abspath(self.state_file)), exist_ok=True)
        tmp = f"{self.state_file}.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(snapshot, handle)
        os.replace(tmp, self.state_file)

    def peek(self, path: str) -> dict:
        with self.lock:
            return self.handle_tm("GET", path, Query([("expandSubcollections", "true")]), None)[1]

    # --- REST entry point ---------------------------------------------------------------------
    def handle_mgmt(self, method: str, path: str, pairs: list[tuple[str, str]], raw_body: bytes, headers,
                    client: str) -> tuple[int, dict | None]:
        with self.lock:
            if path == "/mgmt/shared/authn/login" and method == "POST":
                return 200, self.auth.login(parse_json(raw_body), client)
            user = self.auth.authenticate(headers, path, client)
            body = parse_json(raw_body) if method in WRITE_METHODS and raw_body.strip() else None
            if path.startswith("/mgmt/shared/authz/tokens"):
                return self.handle_tokens(method, path, user, body)
            if not path.startswith("/mgmt/tm"):
                raise FrameworkError(404, f"Public URI path not registered: {path.removeprefix('/mgmt')}")
            query = Query(pairs)
            trans_id = headers.get(COORDINATION_HEADER)
            if trans_id and method in WRITE_METHODS and not path.startswith("/mgmt/tm/transaction"):
                return 200, self.queue_command(trans_id, method, path, pairs, body)
            status, out = self.handle_tm(method, path, query, body)
            return status, (query.pick(out) if out is not None else None)

    def handle_tokens(self, method: str, path: str, user: User, body: dict | None) -> tuple[int, dict]:
        value = path.removeprefix("/mgmt/shared/authz/tokens").strip("/")
        if not value:
            if method != "GET":
                raise FrameworkError(405, f"Method {method} is not allowed on /shared/authz/tokens")
            return 200, self.auth.collection(user)
        if method == "GET":
            return 200, self.auth.render(self.auth.own_token(value, user))
        if method == "PATCH":
            return 200, self.auth.extend(value, user, body or {})
        if method == "DELETE":
            return 200, self.auth.logout(value, user)
        raise FrameworkError(405, f"Method {method} is not allowed on /shared/authz/tokens/{value}")

    def handle_tm(self, method: str, path: str, query: Query, body) -> tuple[int, dict | None]:
        special = SPECIAL_PATHS.get(path)
        if special:
            return getattr(self, special)(method, query, body)
        if path.startswith("/mgmt/tm/transaction"):
            return self.handle_transaction(method, path, body)
        typedef, rest = self.match_type(path)
        if typedef is None:
            if method == "GET" and path.rstrip("/") in self.organizing:
                return 200, self.organizing_body(path.rstrip("/"), query)
            raise FrameworkError(404, f"Public URI path not registered: {path.removeprefix('/mgmt')}")
        if method == "GET":
            return self.handle_resource(method, typedef, rest, query, body)
        return self.atomically(lambda: self.handle_resource(method, typedef, rest, query, body))

    def atomically(self, write):
        """Run one write; on an error nothing of it stays (side effects such as auto-created nodes included)."""
        snapshot = copy.deepcopy(self.store.dump())
        try:
            return write()
        except Exception:
            generation = self.store.generation
            self.store.load(snapshot)
            self.store.generation = generation
            raise

    def match_type(self, path: str) -> tuple[TypeDef | None, list[str]]:
        parts = path.rstrip("/").split("/")
        for depth in range(len(parts), 2, -1):
            candidate = "/".join(parts[:depth])
            typedef = self.types.get(candidate)
            if typedef is not None and not self.is_subcollection(typedef):
                return typedef, [unquote(p) for p in parts[depth:]]
        return None, []

    def is_subcollection(self, typedef: TypeDef) -> bool:
        parent = self.types.get(typedef.path.rsplit("/", 1)[0])
        return parent is not None and typedef in parent.subcollections.values()

    def handle_resource(self, method: str, typedef: TypeDef, rest: list[str], query: Query, body) -> tuple[int, dict | None]:
        store = self.store
        if typedef.singleton:
            if rest:
                raise FrameworkError(404, f"Public URI path not registered: {typedef.path.removeprefix('/mgmt')}/{'/'.join(rest)}")
            obj = store.data[typedef.path].setdefault(typedef.path, {"name": typedef.path})
            if method == "GET":
                return 200, store.render(typedef, obj, query)
            if method in ("PATCH", "PUT"):
                return 200, store.render(typedef, store.update(typedef, obj, require_object(body), method == "PUT", None), query)
            raise FrameworkError(405, f"Method {method} is not allowed on {typedef.path.removeprefix('/mgmt')}")
        if method == "GET" and rest and rest[-1] == "stats":
            return 200, self.stats(typedef, rest[:-1], query)
        if len(rest) > 3 or rest == ["stats"]:
            raise FrameworkError(404, f"Public URI path not registered: {typedef.path.removeprefix('/mgmt')}/{'/'.join(rest)}")
        parent, target, rest = None, typedef, list(rest)
        if len(rest) >= 2:
            parent = store.get(typedef, self.key(typedef, rest[0]))
            target = typedef.subcollections.get(rest[1])
            if target is None:
                raise FrameworkError(404, f"Public URI path not registered: {typedef.path.removeprefix('/mgmt')}/{'/'.join(rest)}")
            rest = rest[2:]
        if not rest:
            if method == "GET":
                return 200, store.render_collection(target, query, parent)
            if method == "POST":
                return 200, store.render(target, store.create(target, require_object(body), parent), query, parent)
            raise FrameworkError(405, f"Method {method} is not allowed on a collection")
        key = self.key(target, rest[0])
        if method == "GET":
            return 200, store.render(target, store.get(target, key, parent), query, parent)
        if method in ("PATCH", "PUT"):
            obj = store.get(target, key, parent)
            return 200, store.render(target, store.update(target, obj, require_object(body), method == "PUT", parent), query, parent)
        if method == "DELETE":
            store.delete(target, key, parent)
            return 200, None
        raise FrameworkError(405, f"Method {method} is not allowed on a resource")

    def stats(self, typedef: TypeDef, rest: list[str], query: Query) -> dict:
        store, parent, target, obj = self.store, None, typedef, None
        if len(rest) >= 2:
            parent = store.get(typedef, self.key(typedef, rest[0]))
            target = typedef.subcollections.get(rest[1])
            if target is None or len(rest) > 3:
                raise FrameworkError(404, f"Public URI path not registered: {typedef.path.removeprefix('/mgmt')}/{'/'.join(rest)}/stats")
            rest = rest[2:]
        if rest:
            obj = store.get(target, self.key(target, rest[0]), parent)
        return stats.render(store, target, parent, obj, query.echo)

    @staticmethod
    def key(typedef: TypeDef, segment: str) -> str:
        if segment.startswith("~"):
            return "/" + segment[1:].replace("~", "/")
        return f"/Common/{segment}" if typedef.partitioned else segment

    def organizing_body(self, path: str, query: Query) -> dict:
        parts = path.removeprefix("/mgmt/").split("/")
        kind = ":".join(parts) + f":{parts[-1]}collectionstate"
        items = [{"reference": {"link": link(child)}} for child in self.organizing[path]]
        return {"kind": kind, "selfLink": link(path, query.echo), "items": items}

    # --- special singletons -----------------------------------------------------------------
    def sys_version(self, method: str, query: Query, _body) -> tuple[int, dict]:
        only_get(method, "/tm/sys/version")
        return 200, types_sys.version_body(query.echo)

    def sys_failover(self, method: str, query: Query, _body) -> tuple[int, dict]:
        only_get(method, "/tm/sys/failover")
        return 200, types_sys.failover_body(query.echo, self.started, self.store.failover_state)

    def sys_config(self, method: str, query: Query, body) -> tuple[int, dict]:
        if method != "POST":
            raise FrameworkError(405, f"Method {method} is not allowed on /tm/sys/config")
        command = require_object(body).get("command")
        if command == "save":
            self.save_config()
        elif command == "load":
            saved = self.read_saved()
            generation = self.store.generation
            self.store.load(saved if saved is not None else self.factory_snapshot)
            self.store.generation = generation + 1
        else:
            raise ApiError(400, f"invalid command \"{command}\" for /tm/sys/config (expected save or load)", 1)
        return 200, {"kind": "tm:sys:config:runstate", "command": command}

    def util_bash(self, method: str, _query: Query, body) -> tuple[int, dict]:
        """``/mgmt/tm/util/bash``: how F5's own modules save (``bigip_config``: ``-c "tmsh save sys config"``).

        A device runs any shell command here; the simulator runs only the configuration save (the
        same effect as ``POST /mgmt/tm/sys/config {"command": "save"}``) and refuses anything else
        with a 400 that says so, rather than pretending to have run it."""
        if method != "POST":
            raise FrameworkError(405, f"Method {method} is not allowed on /tm/util/bash")
        body = require_object(body)
        if body.get("command") != "run":
            raise ApiError(400, f"invalid command \"{body.get('command')}\" for /tm/util/bash (expected run)", 1)
        args = str(body.get("utilCmdArgs", ""))
        script = args[2:].strip().strip("'\"").strip() if args.startswith("-c") else ""
        if " ".join(script.split()) not in ("tmsh save sys config", "tmsh save /sys config"):
            raise ApiError(400, f"simulator: /tm/util/bash runs only -c \"tmsh save sys config\", not {args!r}", 1)
        self.save_config()
        return 200, {"kind": "tm:util:bash:runstate", "command": "run", "utilCmdArgs": args,
                     "commandResult": SAVE_OUTPUT}

    # --- transactions -------------------------------------------------------------------------
    def handle_transaction(self, method: str, path: str, body) -> tuple[int, dict | None]:
        parts = path.rstrip("/").split("/")[4:]
        if not parts:
            if method == "POST":
                trans_id = int(time.time() * 1_000_000)
                while trans_id in self.transactions:
                    trans_id += 1
                self.transactions[trans_id] = Transaction(trans_id, time.time())
                return 200, self.transactions[trans_id].render()
            if method == "GET":
                items = [t.render() for t in self.transactions.values()]
                return 200, {"kind": "tm:transactioncollectionstate", "selfLink": link("/mgmt/tm/transaction"), "items": items}
            raise FrameworkError(405, f"Method {method} is not allowed on /tm/transaction")
        txn = self.find_transaction(parts[0])
        if len(parts) == 1:
            if method == "GET":
                return 200, txn.render()
            if method == "DELETE":
                del self.transactions[txn.trans_id]
                return 200, None
            if method == "PATCH":
                return self.commit(txn, require_object(body))
        if len(parts) == 2 and parts[1] == "commands" and method == "GET":
            items = [txn.render_command(c) for c in txn.commands]
            return 200, {"kind": "tm:transaction:commandscollectionstate",
                         "selfLink": link(f"/mgmt/tm/transaction/{txn.trans_id}/commands"), "items": items}
        if len(parts) == 3 and parts[1] == "commands" and method == "GET":
            for command in txn.commands:
                if str(command["commandId"]) == parts[2]:
                    return 200, txn.render_command(command)
            raise ApiError(404, f"Command {parts[2]} was not found in transaction {txn.trans_id}.", 1)
        raise FrameworkError(404, f"Public URI path not registered: {path.removeprefix('/mgmt')}")

    def run_command(self, command: dict) -> None:
        path, _sep, raw_query = command["uri"].removeprefix(HOST_LINK).partition("?")
        pairs = [tuple(p.split("=", 1)) for p in raw_query.split("&") if "=" in p]
        payload = command["body"] if command["method"] in ("POST", "PUT", "PATCH") else None
        self.handle_tm(command["method"], path, Query(pairs), payload)

    def find_transaction(self, text: str) -> Transaction:
        """A live transaction; one left alone for ``timeoutSeconds`` is gone, as on the device."""
        now = time.time()
        for stale in [t for t in self.transactions.values() if now - t.last_used > TRANSACTION_TIMEOUT]:
            del self.transactions[stale.trans_id]
        txn = self.transactions.get(int(text)) if text.isdigit() else None
        if txn is None:
            raise ApiError(404, f"Transaction with id {text} does not exist.", 1)
        txn.last_used = now
        return txn

    def queue_command(self, trans_id: str, method: str, path: str, pairs, body) -> dict:
        txn = self.find_transaction(trans_id)
        if txn.state != "STARTED":
            raise ApiError(400, f"Transaction {txn.trans_id} is in state {txn.state} and cannot take commands.", 1)
        query = "&".join(f"{k}={v}" for k, v in pairs)
        command = {"method": method, "uri": f"{HOST_LINK}{path}" + (f"?{query}" if query else ""),
                   "body": body if body is not None else {}, "evalOrder": len(txn.commands) + 1,
                   "commandId": len(txn.commands) + 1}
        txn.commands.append(command)
        return txn.render_command(command)

    def commit(self, txn: Transaction, body: dict) -> tuple[int, dict]:
        if body.get("state") != "VALIDATING":
            raise ApiError(400, f"Transaction {txn.trans_id} can only be committed with state VALIDATING.", 1)
        if not txn.commands:
            raise ApiError(404, "there is no command to commit in the transaction.", 1)
        started = time.time()
        try:
            self.atomically(lambda: [self.run_command(command) for command in txn.commands])
        except (ApiError, FrameworkError) as exc:
            txn.state, txn.failure = "FAILED", f"transaction failed:{exc.message}"
            raise ApiError(400, f"transaction failed:{exc.message}", 2) from None
        txn.state = "COMPLETED"
        txn.execution_time = int((time.time() - started) * 1000)
        result = txn.render()
        del self.transactions[txn.trans_id]
        return 200, result


SPECIAL_PATHS = {
    "/mgmt/tm/sys/version": "sys_version",
    "/mgmt/tm/sys/failover": "sys_failover",
    "/mgmt/tm/sys/config": "sys_config",
    "/mgmt/tm/util/bash": "util_bash",
}

# What tmsh prints on a save (BIG-IP 14.1).
SAVE_OUTPUT = ("Saving running configuration...\n  /config/bigip.conf\n  /config/bigip_base.conf\n  /config/bigip_user.conf\n"
               "Saving Ethernet mapping...done\n")


def parse_json(raw: bytes):
    try:
        return json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "Found invalid JSON body in the request.", 1) from None


def require_object(body) -> dict:
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ApiError(400, "Found invalid JSON body in the request.", 1)
    return body


def only_get(method: str, path: str) -> None:
    if method != "GET":
        raise FrameworkError(405, f"Method {method} is not allowed on {path}")
