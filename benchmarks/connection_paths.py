"""The two BIG-IP connection paths through ansible-playbook: requests and wall time per no-op task and
for the whole site set-up (first run and idempotent rerun), on the lab's pair of simulated BIG-IPs.

    .venv/bin/python benchmarks/connection_paths.py [--latency 0,150] [--noop-tasks 10] [--budget 900] [--out /tmp]

* ``httpapi``: ``inventories/lab`` as shipped (standard variables, ``ansible.netcommon.httpapi``):
  one login per device per play, the token deleted when the play ends.
* ``explicit``: the same inventory with the 0.1.0 connection style (connection local, every role
  given ``longdistance_bigip_connection`` = server/user/password/...): one login per module run.

Both run ``playbooks/site.yml --limit bigip`` (both BIG-IPs, default forks) from the repository
root with its ansible.cfg, against two simulators seeded like ``make sims`` with the given latency
before every request. Per device: every request by method, logins, logouts, writes. Wall time =
the whole ansible-playbook process; "REST s" = first to last request the device saw, plus one
latency. Exit 1 (``BENCHMARK FAILED``) when a claim fails: a rerun or no-op with a write, more than
one login per device per play on the httpapi path, a no-op task costing more than one request there.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from _bench import REPO, BenchError, Deadline, device_figures, machine, set_latency, simulators, table, write_json

SEEDS = {"primary": os.path.join(REPO, "tests/simulators/bigip/seeds/lab-primary.json"),
         "secondary": os.path.join(REPO, "tests/simulators/bigip/seeds/lab-secondary.json")}
HOSTS = {"primary": "bigip-primary", "secondary": "bigip-secondary"}
PLAYBOOK_TIMEOUT_S = 600
VLAN_ARGS = {"name": "vmotion-vlan", "interfaces": [{"name": "1.14", "tagged": False}]}

EXPLICIT_CONNECTION = """---
# The 0.1.0 connection style: connection local and explicit options for every role.
ansible_connection: local
longdistance_bigip_connection: >-
  {{ {'server': lab_endpoints.bigip[longdistance_site].server,
      'server_port': lab_endpoints.bigip[longdistance_site].server_port,
      'user': lab_endpoints.bigip[longdistance_site].user,
      'password': lab_endpoints.bigip[longdistance_site].password,
      'validate_certs': true,
      'ca_path': lab_endpoints.ca_cert} }}
bigip_network_connection: "{{ longdistance_bigip_connection }}"
bigip_gtm_connection: "{{ longdistance_bigip_connection }}"
bigip_ltm_migration_connection: "{{ longdistance_bigip_connection }}"
routing_check_connection: "{{ longdistance_bigip_connection }}"
"""


def prepare(workdir: str, sims: dict) -> dict[str, str]:
    """The endpoints file of the simulators (as ``make sims`` writes it) and both inventories."""
    sims_dir = os.path.join(workdir, "sims")
    os.makedirs(sims_dir, exist_ok=True)
    endpoints = {"ca_cert": sims["primary"].ca_path, "vcenter": {},
                 "bigip": {site: {"server": sim.server, "server_port": sim.port, "user": sim.user, "password": sim.password}
                           for site, sim in sims.items()}}
    path = os.path.join(sims_dir, "endpoints.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(endpoints, handle)
    os.chmod(path, 0o600)
    explicit = os.path.join(workdir, "inventory-explicit")
    shutil.copytree(os.path.join(REPO, "inventories", "lab"), explicit)
    with open(os.path.join(explicit, "group_vars", "bigip", "connection.yml"), "w", encoding="utf-8") as handle:
        handle.write(EXPLICIT_CONNECTION)
    noop = os.path.join(workdir, "noop.yml")
    return {"sims_dir": sims_dir, "httpapi": os.path.join(REPO, "inventories", "lab"), "explicit": explicit, "noop": noop}


def noop_playbook(path: str, tasks: int) -> None:
    # The explicit inventory's options (undefined on the httpapi path: the host's connection is used).
    body = ["- name: No-op tasks on one BIG-IP", "  hosts: bigip-primary", "  gather_facts: false", "  module_defaults:",
            "    group/longdistance.vmotion.bigip: \"{{ longdistance_bigip_connection | default({}) }}\"", "  tasks:"]
    for index in range(tasks):
        body += ["    - name: Keep the vMotion VLAN (%d)" % (index + 1), "      longdistance.vmotion.bigip_vlan: %s" % json.dumps(VLAN_ARGS)]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(body) + "\n")


def ansible_playbook(paths: dict, inventory: str, playbook: str, *args: str, pipelining: bool = False) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "F5_"))}
    if pipelining:   # ansible.cfg [connection] pipelining = True: the module is fed to the interpreter's stdin, no temp files
        env["ANSIBLE_PIPELINING"] = "true"
    env.update(LDV_SIMS_DIR=paths["sims_dir"], ANSIBLE_HOME=os.path.join(paths["sims_dir"], "ansible-home"), NO_COLOR="1",
               PATH=os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""))
    start = time.monotonic()
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), playbook, "-i", inventory, *args],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=PLAYBOOK_TIMEOUT_S, check=False)
    wall = time.monotonic() - start
    if proc.returncode != 0:
        raise BenchError("ansible-playbook %s -i %s failed (rc %s):\n%s" % (playbook, inventory, proc.returncode, proc.stdout[-3000:]))
    return wall


def measure(paths: dict, sims: dict, latency_ms: int, path: str, what: str, deadline: Deadline, noop_tasks: int,
            pipelining: bool = False) -> dict:
    deadline.check("%s %s" % (path, what))
    for sim in sims.values():
        sim.clear_log()
    if what == "noop":
        wall = ansible_playbook(paths, paths[path], paths["noop"], pipelining=pipelining)
    else:
        wall = ansible_playbook(paths, paths[path], "playbooks/site.yml", "--limit", "bigip", pipelining=pipelining)
    devices = {site: device_figures(sim, latency_ms) for site, sim in sims.items() if what != "noop" or site == "primary"}
    row = {"latency_ms": latency_ms, "path": path + (" +pipelining" if pipelining else ""), "what": what, "wall_s": round(wall, 2),
           "devices": devices}
    check(row, noop_tasks)
    return row


def check(row: dict, noop_tasks: int) -> None:
    for site, figures in row["devices"].items():
        where = "%s %s on %s" % (row["path"], row["what"], site)
        if row["what"] in ("rerun", "noop") and figures["writes"] - figures["saves"]:
            raise BenchError("%s: %d writes besides the configuration saves, expected none" % (where, figures["writes"] - figures["saves"]))
        if row["path"].startswith("httpapi") and (figures["logins"] != 1 or figures["logouts"] != 1):
            raise BenchError("%s: %d logins / %d logouts, expected one of each per play" % (where, figures["logins"], figures["logouts"]))
        if row["path"].startswith("httpapi") and row["what"] == "noop" and figures["requests"] != noop_tasks + 2:
            raise BenchError("%s: %d requests for %d no-op tasks, expected one per task + login + logout"
                             % (where, figures["requests"], noop_tasks))
        if row["path"].startswith("httpapi") and row["what"] == "rerun" and figures["requests"] > figures["gets"] + 2 + figures["saves"]:
            raise BenchError("%s: %d requests for %d objects read" % (where, figures["requests"], figures["gets"]))


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", default="0,150", help="comma-separated simulator latencies in ms (default 0,150)")
    parser.add_argument("--noop-tasks", type=int, default=10, help="no-op tasks in the no-op playbook (default 10)")
    parser.add_argument("--runs", default="first,rerun,noop", help="which runs, in order (default first,rerun,noop; a rerun "
                        "without a first run reruns on the seeded devices)")
    parser.add_argument("--paths", default="httpapi,explicit", help="connection paths (default httpapi,explicit)")
    parser.add_argument("--pipelining", default="off", help="off, on, or off,on: every run also with ANSIBLE_PIPELINING=true, "
                        "side by side on the same devices (default off)")
    parser.add_argument("--budget", type=float, default=900.0, help="overall time budget in seconds (default 900)")
    parser.add_argument("--out", default="/tmp", help="directory for the JSON results (default /tmp)")
    args = parser.parse_args(argv)
    args.latency = [int(v) for v in args.latency.split(",") if v.strip()]
    args.runs = [v for v in args.runs.split(",") if v.strip()]
    args.paths = [v for v in args.paths.split(",") if v.strip()]
    args.pipelining = [v == "on" for v in args.pipelining.split(",") if v.strip() in ("on", "off")]
    if any(not 0 <= v <= 1000 for v in args.latency) or not 1 <= args.noop_tasks <= 50:
        parser.error("latency must be 0..1000 ms, noop-tasks 1..50")
    if not args.runs or any(r not in ("first", "rerun", "noop") for r in args.runs) or not args.pipelining \
            or any(p not in ("httpapi", "explicit") for p in args.paths):
        parser.error("--runs among first,rerun,noop; --paths among httpapi,explicit; --pipelining off and/or on")
    return args


def main(argv: list[str]) -> int:
    args = parse(argv)
    deadline = Deadline(args.budget)
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="ldv-bench-paths-") as workdir:
            for latency in args.latency:
                for path in args.paths:
                    # fresh, seeded devices for each path: the first run really creates the site
                    with simulators(1, workdir, seed=SEEDS["primary"], prefix="%s%d-p" % (path, latency)) as (primary,), \
                            simulators(1, workdir, seed=SEEDS["secondary"], prefix="%s%d-s" % (path, latency)) as (secondary,):
                        sims = {"primary": primary, "secondary": secondary}
                        paths = prepare(os.path.join(workdir, "%s%d" % (path, latency)), sims)
                        noop_playbook(paths["noop"], args.noop_tasks)
                        for sim in sims.values():
                            set_latency(sim, latency)
                        for what in args.runs:
                            # the devices are configured after the first run: only one variant of it is a first run
                            for pipelining in (args.pipelining[:1] if what == "first" else args.pipelining):
                                rows.append(measure(paths, sims, latency, path, what, deadline, args.noop_tasks, pipelining))
    except BenchError as exc:
        print("BENCHMARK FAILED: %s" % exc, file=sys.stderr)
        return 1
    print("playbooks/site.yml --limit bigip (2 BIG-IPs) and %d no-op tasks on one, through ansible-playbook, %d CPUs\n"
          % (args.noop_tasks, os.cpu_count()))
    table_rows = []
    for row in rows:
        for site, f in row["devices"].items():
            # httpapi: the play's login and logout are paid once; explicit: every task logs in and out
            per_task = (" (%.1f per task)" % ((f["requests"] - 2 if row["path"].startswith("httpapi") else f["requests"]) / args.noop_tasks)
                        if row["what"] == "noop" else "")
            table_rows.append([row["latency_ms"], row["path"], row["what"], site, "%d%s" % (f["requests"], per_task), f["logins"],
                               f["gets"], f["writes"], f["rest_s"], row["wall_s"]])
    print(table(["latency ms", "path", "run", "device", "requests", "logins", "GET", "writes", "REST s", "playbook s"], table_rows))
    out = write_json(args.out, "connection_paths", {"noop_tasks": args.noop_tasks, "rows": rows})
    print("\nAll checks passed. JSON: %s (load average at the end: %s)" % (out, machine()["loadavg"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
