"""The guide's full configuration of one BIG-IP, timed: first run, idempotent rerun, N devices in parallel.

    .venv/bin/python benchmarks/site_setup.py [--latency 150] [--workers 1,2,4] [--out /tmp]

The sequence is the one ``playbooks/site.yml`` runs on ``bigip-primary`` of the lab inventory
(roles ``bigip_network``, ``bigip_gtm``, ``bigip_ltm_migration`` with the values of
``inventories/lab``, on a simulator seeded like ``make sims`` does): VLAN, self IP, local
endpoint, advertised route, discovery, remote endpoint, iSession profile, optimization policy,
GTM data centers / monitor / servers / info read / pools / wide IP, LTM pool, iRule, iRule
attachment, then one configuration save per role (the roles' closing task, on every run). Module runs are in-process (``run_module``), so the figures are the
modules' own cost, without ansible-playbook's per-task overhead.

Checks: one login and one logout per module run; the rerun changes nothing and sends zero writes
besides its three saves. Parallel mode: N worker processes, each running first run + rerun against
its own simulator (N simulator processes), all started together.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import NamedTuple

from _bench import (REPO, COLLECTIONS_PATH, BenchError, Deadline, Run, assert_no_writes, machine, measure, run_module, settled_log,
                    simulators, summarize, table, warm_up, write_json)

SEED = os.path.join(REPO, "tests", "simulators", "bigip", "seeds", "lab-primary.json")
IRULE = os.path.join(REPO, "roles", "bigip_ltm_migration", "files", "vmotion-irule.tcl")
WORKER_TIMEOUT_S = 300.0

# inventories/lab/group_vars/all/sites.yml, site "primary" (peer "secondary")
LOCAL = {"vlan": "vmotion-vlan", "interface": "1.14", "self_ip": "10.133.57.236", "netmask": "255.255.255.0",
         "route_alias": "vlan_1057", "subnet": "10.133.57.0", "members": [("10.133.39.11", 80), ("10.133.39.12", 80)]}
PEER = {"self_ip": "10.133.58.236", "policy_host": "10.133.58.50", "virtual_address": "10.133.40.51", "virtual_port": 80}


class GtmSite(NamedTuple):
    datacenter: str
    server: str
    address: str
    destination: str
    pool: str
    disabled_on_create: bool


GTM_SITES = (GtmSite("Local", "Local-BIG-IP", "10.133.39.250", "10.133.39.51:80", "Local_pool", False),
             GtmSite("Remote", "Remote-BIG-IP", "10.133.40.250", "10.133.40.51:80", "Remote_pool", True))
WIDE_IP = "vmhttp.siterequest.com"


@dataclass
class Task:
    role: str
    module: str
    args: dict


def network_tasks() -> list[Task]:
    """roles/bigip_network/tasks: network.yml, wom.yml, optimization.yml."""
    role = "bigip_network"
    return [Task(role, "bigip_vlan", {"name": LOCAL["vlan"], "partition": "Common",
                                      "interfaces": [{"name": LOCAL["interface"], "tagged": False}]}),
            Task(role, "bigip_selfip", {"name": "vmotion-self", "partition": "Common", "address": LOCAL["self_ip"],
                                        "netmask": LOCAL["netmask"], "vlan": LOCAL["vlan"], "allow_service": ["none"]}),
            Task(role, "bigip_wom_endpoint", {"type": "local", "address": LOCAL["self_ip"], "server_ssl": "serverssl",
                                              "tunnel_port": 443, "create_isession_virtual": True}),
            Task(role, "bigip_wom_advertised_route", {"name": LOCAL["route_alias"], "subnet": LOCAL["subnet"],
                                                      "netmask": LOCAL["netmask"], "enabled": True}),
            Task(role, "bigip_wom_discovery", {"allow_remote_discovery": True, "discover_remote": True, "auto_include": True}),
            Task(role, "bigip_wom_endpoint", {"type": "remote", "address": PEER["self_ip"], "routing": "enabled", "tunnel_port": 443,
                                              "server_ssl": "none", "enabled": True}),
            Task(role, "bigip_isession_profile", {"name": "vmotion-isession", "partition": "Common", "parent": "isession",
                                                  "deduplication": False, "reuse_connection": False, "data_encryption": True}),
            Task(role, "bigip_wom_policy", {"name": "vsphere-vmotion", "partition": "Common", "destination": PEER["policy_host"],
                                            "destination_type": "host", "port": 8000, "lan_clients": True,
                                            "vlans": [LOCAL["vlan"]], "isession_profile": "vmotion-isession"})]


def gtm_tasks_before_pools() -> list[Task]:
    """roles/bigip_gtm/tasks/main.yml up to the pools."""
    role = "bigip_gtm"
    tasks = [Task(role, "bigip_gtm_datacenter", {"name": site.datacenter, "partition": "Common"}) for site in GTM_SITES]
    tasks.append(Task(role, "bigip_gtm_monitor_http", {"name": "VM-http-monitor", "partition": "Common", "parent": "http"}))
    tasks += [Task(role, "bigip_gtm_server", {"name": site.server, "partition": "Common", "datacenter": site.datacenter, "product": "bigip",
                                              "addresses": [{"address": site.address}],
                                              "virtual_servers": [{"name": "vmhttp_vs", "destination": site.destination}],
                                              "monitors": ["VM-http-monitor"]})
              for site in GTM_SITES]
    return tasks


GTM_INFO = Task("bigip_gtm", "bigip_longdistance_info", {"gather_subset": ["gtm"]})   # first task of pools.yml


def gtm_pool_tasks(existing_pools: set[str]) -> list[Task]:
    """pools.yml (a new standby pool is created disabled) and the wide IP."""
    role = "bigip_gtm"
    tasks = []
    for site in GTM_SITES:
        args = {"name": site.pool, "partition": "Common", "members": [{"server": site.server, "virtual_server": "vmhttp_vs"}],
                "monitors": ["VM-http-monitor"]}
        if site.disabled_on_create and "/Common/%s" % site.pool not in existing_pools:
            args["enabled"] = False
        tasks.append(Task(role, "bigip_gtm_pool", args))
    tasks.append(Task(role, "bigip_gtm_wide_ip", {"name": WIDE_IP, "partition": "Common", "pool_lb_mode": "ratio", "enabled": True,
                                                  "pools": [{"name": site.pool, "order": order} for order, site in enumerate(GTM_SITES)]}))
    return tasks


def ltm_tasks() -> list[Task]:
    """roles/bigip_ltm_migration/tasks/main.yml."""
    role = "bigip_ltm_migration"
    with open(IRULE, encoding="utf-8") as handle:
        irule = handle.read()
    members = [{"address": a, "port": p, "priority_group": 5} for a, p in LOCAL["members"]]
    members.append({"address": PEER["virtual_address"], "port": PEER["virtual_port"], "priority_group": 1})
    return [Task(role, "bigip_ltm_pool", {"name": "vmhttp_pool", "partition": "Common", "lb_method": "least-connections-node",
                                          "priority_group_activation": 1, "members": members}),
            Task(role, "bigip_ltm_irule", {"name": "vmotion-irule", "partition": "Common", "content": irule}),
            Task(role, "bigip_ltm_virtual_rules", {"virtual": "vmhttp_vs", "partition": "Common", "rules": ["vmotion-irule"]})]


ROLES = ("bigip_network", "bigip_gtm", "bigip_ltm_migration")


def run_site(sim, label: str, deadline: Deadline, persistent: "Persistent | None" = None) -> list[Run]:
    """One site.yml run on ``sim``: every task, then the closing save of each role (every run, see docs/reliability.md).

    ``persistent``: the module runs go through that play connection instead of the explicit options."""
    runs: list[Run] = []

    def do(task: Task) -> dict:
        deadline.check("%s %s" % (label, task.module))
        if persistent is not None:
            run, result = persistent.measure(task.module, task.args, phase=task.role, label=label)
        else:
            run, result = measure(sim, task.module, task.args, phase=task.role, label=label)
        runs.append(run)
        return result

    for task in network_tasks() + gtm_tasks_before_pools():
        do(task)
    info = do(GTM_INFO)
    existing = {pool["full_path"] for pool in info["gtm"]["pools"]}
    for task in gtm_pool_tasks(existing) + ltm_tasks():
        do(task)
    for role in ROLES:
        changed = any(r.changed for r in runs if r.phase == role)
        do(Task("save:" + role, "bigip_config_save", {"unsaved_changes": changed}))
    return runs


@dataclass
class Outcome:
    """Figures of one site.yml run."""

    label: str
    module_runs: int
    changed: int
    requests: int
    writes: int
    saves: int
    modules_wall_s: float
    elapsed_s: float

    @classmethod
    def of(cls, label: str, runs: list[Run], elapsed_s: float) -> "Outcome":
        return cls(label, len(runs), sum(r.changed for r in runs), sum(r.total for r in runs), sum(len(r.writes) for r in runs),
                   sum(r.module == "bigip_config_save" for r in runs), sum(r.wall_s for r in runs), elapsed_s)

    def row(self) -> list:
        return [self.label, self.module_runs, self.changed, self.requests, self.writes, self.saves,
                "%.2f" % self.modules_wall_s, "%.2f" % self.elapsed_s]


def first_and_rerun(sim, tag: str, deadline: Deadline) -> tuple[Outcome, Outcome, list[Run]]:
    """site.yml twice on ``sim``: the rerun must change nothing and write nothing but its saves."""
    start = time.perf_counter()
    first = run_site(sim, tag + "first", deadline)
    middle = time.perf_counter()
    rerun = run_site(sim, tag + "rerun", deadline)
    end = time.perf_counter()
    for run in rerun:
        if run.module != "bigip_config_save":  # the closing saves run every time (and report no change)
            assert_no_writes(run)
        if run.changed:
            raise BenchError("rerun: %s reported changed on %s" % (run.module, sim.name))
    return Outcome.of(tag + "first", first, middle - start), Outcome.of(tag + "rerun", rerun, end - middle), first + rerun


# -- the persistent connection, in-process -------------------------------------------------------------

class Persistent:
    """One play's persistent connection to ``sim``, started exactly as ansible-playbook starts it.

    ``ansible.executor.task_executor.start_connection`` runs ansible-core's ``ansible-connection``
    helper, which starts the ``ansible.netcommon.httpapi`` connection process with this collection's
    ``longdistance.vmotion.bigip`` httpapi plugin and returns its socket. The modules then run
    in-process (``run_module``, the same ``main()``) with ``_ansible_socket`` set, as the task
    executor sets it: the client takes the ``HttpApiTransport`` path (JSON-RPC over the socket, the
    play's token kept by the plugin). ``close()`` ends the play: the plugin deletes the token.

    ansible-playbook calls ``start_connection`` again before EVERY task and loop item (it finds the
    socket and hands it the task's options); ``per_task_start`` does the same call and is timed apart,
    so the figures show the modules' own cost and ansible-core's per-task cost separately.
    """

    def __init__(self, sim, workdir: str):
        from ansible.playbook.play_context import PlayContext
        from ansible.plugins.loader import connection_loader

        self.sim = sim
        os.environ["ANSIBLE_PERSISTENT_CONTROL_PATH_DIR"] = os.path.join(workdir, "pc")   # read by ansible-connection
        self.play_context = PlayContext()
        self.play_context.remote_addr, self.play_context.port = sim.server, sim.port
        self.play_context.remote_user, self.play_context.password = sim.user, sim.password
        self.play_context.connection, self.play_context.network_os = "ansible.netcommon.httpapi", "longdistance.vmotion.bigip"
        self.play_context.become = False
        connection = connection_loader.get("ansible.netcommon.httpapi", self.play_context, os.devnull)
        # inventories/lab/group_vars/bigip/connection.yml, with the simulator's values
        connection.set_options(var_options={
            "ansible_host": sim.server, "ansible_port": sim.port, "ansible_httpapi_port": sim.port, "ansible_user": sim.user,
            "ansible_password": sim.password, "ansible_httpapi_use_ssl": True, "ansible_httpapi_validate_certs": True,
            "ansible_httpapi_ca_path": sim.ca_path, "ansible_network_os": "longdistance.vmotion.bigip"})
        self.play_context.timeout = connection.get_option("persistent_command_timeout")
        self.options = connection.get_options()
        self.socket: str | None = None
        self.tasks = 0
        self.start_s = 0.0           # the play's first start_connection (starts the connection process)
        self.per_task_start_s = 0.0  # start_connection before every later task, as ansible-playbook does
        self.close_s = 0.0
        self.close_calls: list = []

    def _start(self) -> float:
        from ansible.executor.task_executor import start_connection

        begin = time.perf_counter()
        socket = start_connection(self.play_context, self.options, "ldv-bench-%d" % self.tasks)
        if self.socket not in (None, socket):
            raise BenchError("start_connection returned another socket (%s, was %s)" % (socket, self.socket))
        self.socket = socket
        return time.perf_counter() - begin

    def measure(self, module: str, args: dict, phase: str, label: str) -> tuple[Run, dict]:
        if self.socket is None:
            self.start_s = self._start()
        else:
            self.per_task_start_s += self._start()
        self.tasks += 1
        self.sim.clear_log()
        begin = time.perf_counter()
        result = run_module(module, dict(args, _ansible_socket=self.socket))
        wall = time.perf_counter() - begin
        if result.get("failed"):
            raise BenchError("%s (%s) failed on %s over the persistent connection: %s" % (module, phase, self.sim.name, result.get("msg")))
        run = summarize(label, module, phase, self.sim.latency_ms, False, result, wall, settled_log(self.sim))
        if run.logouts or run.logins > (1 if self.tasks == 1 else 0):
            raise BenchError("%s %s: %d login(s), %d logout(s) in a task of the play (expected the play's one login in its first "
                             "task, no logout)" % (label, module, run.logins, run.logouts))
        return run, result

    def close(self) -> None:
        """End of the play: the connection process deletes the token and exits."""
        from ansible.module_utils.connection import Connection

        self.sim.clear_log()
        begin = time.perf_counter()
        Connection(self.socket).close()
        self.close_s = time.perf_counter() - begin
        self.close_calls = [[e["method"], e["path"], e["status"]] for e in settled_log(self.sim)]
        if [c[:2] for c in self.close_calls] != [["DELETE", c[1]] for c in self.close_calls] or len(self.close_calls) != 1:
            raise BenchError("closing the play's connection sent %s, expected the one token DELETE" % self.close_calls)

    def figures(self) -> dict:
        return {"tasks": self.tasks, "start_s": round(self.start_s, 3), "per_task_start_s": round(self.per_task_start_s, 3),
                "close_s": round(self.close_s, 3), "close_requests": len(self.close_calls)}


def persistent_first_and_rerun(sim, workdir: str, deadline: Deadline) -> tuple[list[dict], list[Run]]:
    """site.yml twice on ``sim`` over the persistent connection, one play (one connection, one login) per run."""
    outcomes, all_runs = [], []
    for label in ("first", "rerun"):
        persistent = Persistent(sim, workdir)
        start = time.perf_counter()
        try:
            runs = run_site(sim, "httpapi-" + label, deadline, persistent)
        finally:
            if persistent.socket:
                persistent.close()
        elapsed = time.perf_counter() - start
        if label == "rerun":
            for run in runs:
                if run.module != "bigip_config_save":
                    assert_no_writes(run)
                if run.changed:
                    raise BenchError("rerun over the persistent connection: %s reported changed" % run.module)
        outcome = vars(Outcome.of("httpapi " + label, runs, elapsed))
        outcome["requests"] += len(persistent.close_calls)
        outcome.update(persistent.figures())
        outcome["logins"] = sum(r.logins for r in runs)
        outcomes.append(outcome)
        all_runs += runs
    return outcomes, all_runs


# -- parallel --------------------------------------------------------------------------------------

@dataclass
class Report:
    """What one parallel worker sends back."""

    index: int
    error: str | None = None
    first: Outcome | None = None
    rerun: Outcome | None = None
    worker_s: float = 0.0


def _worker(sim, index: int, budget_s: float, barrier, queue) -> None:
    """Child process (fork): wait for the others, run first + rerun on its own simulator, report."""
    sim.session = sim._new_session()   # pylint: disable=protected-access  # never share the parent's connections
    try:
        barrier.wait(WORKER_TIMEOUT_S)
        start = time.perf_counter()
        first, rerun = first_and_rerun(sim, "w%d-" % index, Deadline(budget_s))[:2]
        queue.put(Report(index, first=first, rerun=rerun, worker_s=time.perf_counter() - start))
    except Exception as exc:  # pylint: disable=broad-except  # reported to the parent, which fails loudly
        queue.put(Report(index, error="%s: %s" % (type(exc).__name__, exc)))


def run_parallel(sims: list, budget_s: float) -> dict:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(sims) + 1)
    queue = context.Queue()
    workers = [context.Process(target=_worker, args=(sim, i, budget_s, barrier, queue), daemon=True) for i, sim in enumerate(sims)]
    for worker in workers:
        worker.start()
    try:
        barrier.wait(WORKER_TIMEOUT_S)
        start = time.perf_counter()
        reports = [queue.get(timeout=WORKER_TIMEOUT_S) for worker in workers]
        elapsed = time.perf_counter() - start
    finally:
        for worker in workers:
            worker.join(10)
            if worker.is_alive():
                worker.terminate()
                worker.join(10)
    errors = [(r.index, r.error) for r in reports if r.error]
    if errors:
        raise BenchError("parallel worker(s) failed: %s" % errors)
    return {"workers": len(sims), "elapsed_s": elapsed,
            "worker_s": sorted(r.worker_s for r in reports),
            "requests": sum(r.first.requests + r.rerun.requests for r in reports),
            "writes": sum(r.first.writes for r in reports),
            "modules_s": sorted(r.first.modules_wall_s + r.rerun.modules_wall_s for r in reports),
            "first_s": [r.first.elapsed_s for r in reports], "rerun_s": [r.rerun.elapsed_s for r in reports]}


# -- main ------------------------------------------------------------------------------------------

def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=int, default=150, help="simulator latency per request in ms (default 150)")
    parser.add_argument("--workers", default="1,2,4", help="comma-separated worker counts for the parallel runs (default 1,2,4; max 8)")
    parser.add_argument("--paths", default="explicit,httpapi",
                        help="connection paths for the single-device runs: explicit (options, one login per module run) and/or "
                             "httpapi (the play's persistent connection, one login per run); default both. Parallel runs: explicit")
    parser.add_argument("--budget", type=float, default=600.0, help="overall time budget in seconds (default 600)")
    parser.add_argument("--out", default="/tmp", help="directory for the JSON results (default /tmp)")
    args = parser.parse_args(argv)
    args.workers = [int(v) for v in args.workers.split(",") if v.strip()]
    args.paths = [v for v in args.paths.split(",") if v.strip()]
    if not 0 <= args.latency <= 1000 or any(not 1 <= n <= 8 for n in args.workers):
        parser.error("latency must be 0..1000 ms and worker counts 1..8 (--workers '' for none)")
    if not args.paths or any(p not in ("explicit", "httpapi") for p in args.paths):
        parser.error("--paths: explicit and/or httpapi")
    return args


def install_collection_finder() -> None:
    """ansible-core's collection loader over this collection and the bootstrapped ones (ansible.netcommon), as
    ansible-playbook installs it: the persistent connection's plugins are loaded through it."""
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

    _AnsibleCollectionFinder(paths=COLLECTIONS_PATH.split(os.pathsep))._install()


def main(argv: list[str]) -> int:
    args = parse(argv)
    deadline = Deadline(args.budget)
    install_collection_finder()
    warm_up()
    first = rerun = None
    runs, persistent, persistent_runs = [], [], []
    try:
        with tempfile.TemporaryDirectory(prefix="ldv-bench-") as workdir:
            if "explicit" in args.paths:
                with simulators(1, workdir, latency_ms=args.latency, seed=SEED, prefix="site") as (sim,):
                    first, rerun, runs = first_and_rerun(sim, "", deadline)
            if "httpapi" in args.paths:
                with simulators(1, workdir, latency_ms=args.latency, seed=SEED, prefix="sitepc") as (sim,):
                    persistent, persistent_runs = persistent_first_and_rerun(sim, workdir, deadline)
            parallel = []
            for count in args.workers:
                deadline.check("%d parallel workers" % count)
                remaining = args.budget - (time.monotonic() - deadline.start)
                with simulators(count, workdir, latency_ms=args.latency, seed=SEED, prefix="par%d-" % count) as sims:
                    parallel.append(run_parallel(sims, remaining))
    except BenchError as exc:
        print("BENCHMARK FAILED: %s" % exc, file=sys.stderr)
        return 1
    print("site.yml on one BIG-IP, simulator latency %d ms, %d CPUs\n" % (args.latency, os.cpu_count()))
    print(table(["module", "role", "changed", "requests", "writes", "wall ms"],
                [[r.module, r.phase, "yes" if r.changed else "no", r.total, len(r.writes), "%.0f" % (r.wall_s * 1000)]
                 for r in runs or persistent_runs if r.label in ("first", "httpapi-first")]))
    print()
    if first:
        print(table(["run", "module runs", "changed", "requests", "writes", "saves", "modules s", "elapsed s"], [first.row(), rerun.row()]))
        print()
    if persistent:
        print("Persistent connection (httpapi), modules in-process over ansible-connection's socket. 'modules s' = the modules' "
              "main(); 'close s' = end of play (token deleted); 'per-task start s' = ansible-core's start_connection before every "
              "later task, as ansible-playbook runs it (not part of 'modules s')")
        print(table(["run", "module runs", "changed", "requests", "logins", "writes", "saves", "modules s", "close s", "modules + close s",
                     "first start s", "per-task start s (sum)", "elapsed s"],
                    [[o["label"], o["module_runs"], o["changed"], o["requests"], o["logins"], o["writes"], o["saves"],
                      "%.2f" % o["modules_wall_s"], "%.2f" % o["close_s"], "%.2f" % (o["modules_wall_s"] + o["close_s"]),
                      "%.2f" % o["start_s"], "%.2f" % o["per_task_start_s"], "%.2f" % o["elapsed_s"]] for o in persistent]))
        print()
    print(table(["workers (= devices)", "elapsed s (all done)", "per worker s (min..max)", "modules s (min..max)", "requests", "devices/min"],
                [[p["workers"], "%.2f" % p["elapsed_s"], "%.2f..%.2f" % (p["worker_s"][0], p["worker_s"][-1]),
                  "%.2f..%.2f" % (p["modules_s"][0], p["modules_s"][-1]), p["requests"], "%.1f" % (60.0 * p["workers"] / p["elapsed_s"])]
                 for p in parallel]))
    path = write_json(args.out, "site_setup", {"latency_ms": args.latency, "first": vars(first) if first else None,
                                               "rerun": vars(rerun) if rerun else None, "runs": [r.as_dict() for r in runs],
                                               "persistent": persistent, "persistent_runs": [r.as_dict() for r in persistent_runs],
                                               "parallel": parallel})
    print("\nAll checks passed: explicit: one login + one logout per module run; httpapi: one login and one logout per run of the "
          "site; reruns with zero writes besides their saves.")
    print("JSON: %s (load average at the end: %s)" % (path, machine()["loadavg"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
