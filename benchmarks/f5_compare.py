"""F5's own f5networks.f5_modules against ours, on the simulator: GTM pool and wide IP, requests and time.

    .venv/bin/python benchmarks/f5_compare.py --f5-venv /tmp/f5cmp/venv --f5-collections /tmp/f5cmp/coll [--latency 0,150]

Optional and offline: F5's collection is NOT a dependency of the project. It ships in the
``ansible`` package wheel; set it up once in a throwaway directory (README.md, "F5 comparison"):
a venv with ansible-core and F5's Python requirements, and the unzipped collection.

Both collections run through ``ansible-playbook`` (one play, one task, localhost, connection
local), each with its own interpreter: F5's with the throwaway venv and ``provider``
(``validate_certs: false`` only here, only against the loopback simulator, telemetry off), ours
with the project's venv and its flat options (certificate checked against the simulator CA).
Per operation: requests by method, writes, ``changed``, the REST time seen by the device (first
to last logged request, plus one latency) and the whole ansible-playbook wall time, then the
wide IP's pools as the device holds them afterwards.

Operations, each sequence starting from the same device state (data centers, servers, pools
``Local_pool`` and ``Remote_pool`` made by our modules; the request log cleared):

pool:   create ``Bench_pool``, rerun, disable it
wideip: create with Local_pool 70 / Remote_pool 30 (ratio), rerun, swap to 30/70, drop Remote_pool
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass

from _bench import REPO, BenchError, CONFIG_PREFIX, LOGIN, TOKEN_PREFIX, is_write, machine, set_latency, settled_log, simulators, table, write_json
from tests.conftest import COLLECTIONS_ROOT, run_module
from tests.simulators.bigip.harness import SimulatorError

PLAYBOOK_TIMEOUT_S = 180
WIDE_IP = "vmhttp.siterequest.com"
WIDE_IP_PATH = "/mgmt/tm/gtm/wideip/a/~Common~vmhttp.siterequest.com"
SITES = (("Local", "10.133.39.250", "10.133.39.51:80"), ("Remote", "10.133.40.250", "10.133.40.51:80"))


@dataclass
class Impl:
    """One collection: how to run it, and how to express each operation in its options."""

    name: str
    ansible_playbook: str
    python: str
    collections_path: str
    prefix: str

    def connection(self, sim) -> dict:
        if self.prefix == "f5networks.f5_modules":
            return {"provider": {"server": sim.server, "server_port": sim.port, "user": sim.user, "password": sim.password,
                                 "validate_certs": False, "transport": "rest", "no_f5_teem": True}}
        return dict(sim.conn_args)


def f5_operations() -> dict[str, list[tuple[str, str, dict]]]:
    wide = {"name": WIDE_IP, "type": "a", "pool_lb_method": "ratio"}
    pool = {"name": "Bench_pool", "type": "a", "preferred_lb_method": "round-robin"}
    return {
        "pool": [("create", "bigip_gtm_pool", pool), ("rerun", "bigip_gtm_pool", pool),
                 ("disable", "bigip_gtm_pool", dict(pool, state="disabled"))],
        "wideip": [("create 70/30", "bigip_gtm_wide_ip", dict(wide, pools=[{"name": "Local_pool", "ratio": 70}, {"name": "Remote_pool", "ratio": 30}])),
                   ("rerun 70/30", "bigip_gtm_wide_ip", dict(wide, pools=[{"name": "Local_pool", "ratio": 70}, {"name": "Remote_pool", "ratio": 30}])),
                   ("swap 30/70", "bigip_gtm_wide_ip", dict(wide, pools=[{"name": "Local_pool", "ratio": 30}, {"name": "Remote_pool", "ratio": 70}])),
                   ("drop Remote_pool", "bigip_gtm_wide_ip", dict(wide, pools=[{"name": "Local_pool", "ratio": 30}]))],
    }


def our_operations() -> dict[str, list[tuple[str, str, dict]]]:
    wide = {"name": WIDE_IP, "pool_lb_mode": "ratio"}
    pool = {"name": "Bench_pool", "load_balancing_mode": "round-robin"}
    return {
        "pool": [("create", "bigip_gtm_pool", pool), ("rerun", "bigip_gtm_pool", pool),
                 ("disable", "bigip_gtm_pool", dict(pool, enabled=False))],
        "wideip": [("create 70/30", "bigip_gtm_wide_ip", dict(wide, pools=[{"name": "Local_pool", "ratio": 70}, {"name": "Remote_pool", "ratio": 30}])),
                   ("rerun 70/30", "bigip_gtm_wide_ip", dict(wide, pools=[{"name": "Local_pool", "ratio": 70}, {"name": "Remote_pool", "ratio": 30}])),
                   ("swap 30/70", "bigip_gtm_wide_ip", dict(wide, pools=[{"name": "Local_pool", "ratio": 30}, {"name": "Remote_pool", "ratio": 70}])),
                   ("drop Remote_pool", "bigip_gtm_wide_ip", dict(wide, pools=[{"name": "Local_pool", "ratio": 30}]))],
    }


def gtm_lab(sim) -> None:
    """Data centers, servers and the two site pools, with our modules (not measured)."""
    for site, address, destination in SITES:
        steps = [("bigip_gtm_datacenter", {"name": site}),
                 ("bigip_gtm_server", {"name": "%s-BIG-IP" % site, "datacenter": site, "addresses": [{"address": address}],
                                       "virtual_servers": [{"name": "vmhttp_vs", "destination": destination}]}),
                 ("bigip_gtm_pool", {"name": "%s_pool" % site, "members": [{"server": "%s-BIG-IP" % site, "virtual_server": "vmhttp_vs"}]})]
        for module, args in steps:
            result = run_module(module, dict(sim.conn_args, **args))
            if result.get("failed"):
                raise BenchError("set-up %s %s failed: %s" % (module, args.get("name"), result.get("msg")))


def run_task(impl: Impl, sim, module: str, args: dict, workdir: str) -> tuple[dict, float]:
    """One ansible-playbook run of one task; the task's result and the process wall time."""
    task = {"name": module, "%s.%s" % (impl.prefix, module): dict(args, **impl.connection(sim)), "register": "out"}
    play = [{"hosts": "localhost", "connection": "local", "gather_facts": False,
             "vars": {"ansible_python_interpreter": impl.python}, "tasks": [task]}]
    path = os.path.join(workdir, "play.json")   # JSON is YAML
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(play, handle)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=impl.collections_path, ANSIBLE_STDOUT_CALLBACK="ansible.builtin.minimal",
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false", F5_TELEMETRY_OFF="true",
               ANSIBLE_HOME=os.path.join(workdir, "ansible-home"), ANSIBLE_LOCAL_TEMP=os.path.join(workdir, "tmp"))
    start = time.perf_counter()
    done = subprocess.run([impl.ansible_playbook, "-i", "localhost,", path], env=env, capture_output=True, text=True,
                          timeout=PLAYBOOK_TIMEOUT_S, check=False, cwd=workdir)
    wall = time.perf_counter() - start
    try:   # the minimal callback prints "localhost | CHANGED => {...}" (or "| FAILED! =>") per task
        head, body = done.stdout.split(" => {", 1) if " => {" in done.stdout else (done.stdout, "")
        result = json.loads("{" + body)
    except ValueError as exc:
        raise BenchError("%s %s: no task result (%s); rc %d, stderr: %s" % (impl.name, module, exc, done.returncode, done.stderr[-2000:])) from exc
    result["failed"] = bool(result.get("failed")) or "FAILED!" in head or "UNREACHABLE!" in head
    return result, wall


def wide_ip_pools(sim) -> list | None:
    try:
        body = sim.peek(WIDE_IP_PATH)
    except SimulatorError as exc:
        if ": 404 " in str(exc):
            return None
        raise
    return [[p["name"], p.get("order"), p.get("ratio")] for p in body.get("pools", [])]


def measure_op(impl: Impl, sim, label: str, module: str, args: dict, workdir: str) -> dict:
    sim.clear_log()
    result, wall = run_task(impl, sim, module, args, workdir)
    log = settled_log(sim)
    calls = [[e["method"], e["path"], e["status"]] for e in log]
    config = Counter(e["method"] for e in log if e["path"].startswith(CONFIG_PREFIX))
    span = (log[-1]["time"] - log[0]["time"] + sim.latency_ms / 1000.0) if log else 0.0
    return {"impl": impl.name, "op": label, "module": module, "latency_ms": sim.latency_ms,
            "failed": bool(result.get("failed")), "msg": result.get("msg"), "changed": bool(result.get("changed")),
            "requests": len(log), "logins": sum(1 for e in log if (e["method"], e["path"]) == LOGIN),
            "logouts": sum(1 for e in log if e["method"] == "DELETE" and e["path"].startswith(TOKEN_PREFIX)),
            "config": dict(config), "writes": [[e["method"], e["path"], e.get("body")] for e in log if is_write(e["method"], e["path"])],
            "calls": calls, "rest_s": span, "playbook_s": wall, "wide_ip_pools_after": wide_ip_pools(sim)}


def run_all(impls: list[Impl], latencies: list[int]) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory(prefix="ldv-f5cmp-") as workdir, simulators(1, workdir, prefix="f5cmp") as (sim,):
        for latency in latencies:
            for impl in impls:
                operations = f5_operations() if impl.prefix == "f5networks.f5_modules" else our_operations()
                for sequence in ("pool", "wideip"):
                    set_latency(sim, 0)
                    sim.reset()
                    gtm_lab(sim)
                    set_latency(sim, latency)
                    for label, module, args in operations[sequence]:
                        results.append(measure_op(impl, sim, label, module, args, workdir))
    return results


def rows(results: list[dict]) -> list[list]:
    return [[r["latency_ms"], r["impl"], r["module"], r["op"], "FAILED" if r["failed"] else ("yes" if r["changed"] else "no"),
             r["requests"], r["logins"], r["logouts"], r["config"].get("GET", 0), len(r["writes"]), "%.2f" % r["rest_s"],
             "%.2f" % r["playbook_s"],
             r["msg"] if r["failed"] else (r["wide_ip_pools_after"] if r["module"] == "bigip_gtm_wide_ip" else "")]
            for r in results]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--f5-venv", required=True, help="throwaway venv with ansible-core and F5's requirements")
    parser.add_argument("--f5-collections", required=True, help="directory holding ansible_collections/f5networks/f5_modules")
    parser.add_argument("--latency", default="0,150", help="comma-separated simulator latencies in ms (default 0,150)")
    parser.add_argument("--out", default="/tmp", help="directory for the JSON results (default /tmp)")
    args = parser.parse_args(argv)
    args.latency = [int(v) for v in args.latency.split(",") if v.strip()]
    if any(not 0 <= v <= 1000 for v in args.latency):
        parser.error("latencies must be 0..1000 ms")
    if not os.path.isdir(os.path.join(args.f5_collections, "ansible_collections", "f5networks", "f5_modules")):
        parser.error("no ansible_collections/f5networks/f5_modules under %s" % args.f5_collections)
    return args


def main(argv: list[str]) -> int:
    args = parse(argv)
    venv_bin = os.path.join(REPO, ".venv", "bin")
    impls = [Impl("f5networks.f5_modules", os.path.join(args.f5_venv, "bin", "ansible-playbook"), os.path.join(args.f5_venv, "bin", "python"),
                  os.path.abspath(args.f5_collections), "f5networks.f5_modules"),
             Impl("longdistance.vmotion", os.path.join(venv_bin, "ansible-playbook"), os.path.join(venv_bin, "python"),
                  COLLECTIONS_ROOT, "longdistance.vmotion")]
    try:
        results = run_all(impls, args.latency)
    except (BenchError, SimulatorError, subprocess.TimeoutExpired) as exc:
        print("BENCHMARK FAILED: %s" % exc, file=sys.stderr)
        return 1
    print(table(["lat ms", "collection", "module", "operation", "changed", "requests", "login", "logout", "GET", "writes",
                 "REST s", "playbook s", "wide IP pools after [name, order, ratio] / error"], rows(results)))
    path = write_json(args.out, "f5_compare", {"latencies_ms": args.latency, "results": results})
    print("\nJSON (every request, with the bodies of the writes): %s (load average at the end: %s)" % (path, machine()["loadavg"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
