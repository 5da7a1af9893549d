"""The guide's site set-up with F5's f5networks.f5_modules and with ours, like for like, through ansible-playbook.

    .venv/bin/python benchmarks/f5_site_compare.py --f5-venv /tmp/f5cmp/venv --f5-collections /tmp/f5cmp/coll \
        [--latency 0,150] [--budget 1800] [--out /tmp]

Optional and offline: F5's collection is NOT a dependency of the project (set-up: benchmarks/README.md,
section 3). Three ways of configuring the same standard objects of the deployment guide on the lab's
pair of simulated BIG-IPs (seeded like ``make sims``, default forks, same latency):

* ``f5``: F5's modules, ``provider`` dict (telemetry off, ``validate_certs: false`` only against the
  loopback simulator), connection local, F5's throwaway venv;
* ``httpapi``: ours over the persistent connection (the lab inventory's standard variables);
* ``explicit``: ours with the explicit options (``module_defaults``, connection local).

The objects are those F5's collection has a module for: VLAN, self IP, GTM data centers, HTTP
monitor, servers (with their virtual servers), pools (the standby one disabled), wide IP (ratio,
pool order), the application's LTM pool with priority groups, the migration iRule and its
attachment to the virtual server, and one configuration save per role (as our roles do). Where F5's
modules send their own default for a field our roles leave to the device (wide IP pool ratio: F5 0,
device 1; GTM HTTP monitor send string: F5 "GET /\r\n", parent "GET /"), the F5 task gives the device's
value, so that both reach the same state. The WOM /
iSession objects of ``site.yml`` (local and remote endpoints, advertised route, discovery, iSession
profile, optimization policy) have no F5 module and are left out. The task list follows our roles
(loops where they loop); F5's side needs its own extra tasks where its modules split an object
(GTM virtual servers, LTM pool members).

Per implementation: first run and rerun on fresh seeded devices; per device every request by
method, logins, writes, REST time (first to last request + one latency), the playbook's wall time,
changed task results. After the first run the shared objects are read back from each device
(simulator state, not the API) and compared field by field across the three implementations.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import yaml

from _bench import REPO, BenchError, Deadline, device_figures, machine, set_latency, simulators, table, write_json
from tests.conftest import COLLECTIONS_PATH
from tests.simulators.bigip.harness import SimulatorError

SEEDS = {"primary": os.path.join(REPO, "tests/simulators/bigip/seeds/lab-primary.json"),
         "secondary": os.path.join(REPO, "tests/simulators/bigip/seeds/lab-secondary.json")}
HOSTS = {"primary": "bigip-primary", "secondary": "bigip-secondary"}
PLAYBOOK_TIMEOUT_S = 900
IRULE = os.path.join(REPO, "roles", "bigip_ltm_migration", "files", "vmotion-irule.tcl")
MONITOR = "VM-http-monitor"
WIDE_IP = "vmhttp.siterequest.com"
NOT_COMPARABLE = ["WOM local endpoint", "WOM remote endpoint (iSession routing)", "WOM advertised route",
                  "WOM dynamic discovery", "iSession profile", "WAN optimization policy"]
IMPLS = ("f5", "httpapi", "explicit")


def lab_sites() -> dict:
    with open(os.path.join(REPO, "inventories", "lab", "group_vars", "all", "sites.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)["longdistance_sites"]


def site_values(sites: dict, site: str) -> dict:
    """The per-device values of the site roles (inventories/lab/group_vars/bigip/roles.yml, role defaults)."""
    local, peer = sites[site], sites[sites[site]["peer"]]
    gtm = [sites["primary"]["application"], sites["secondary"]["application"]]
    return {"vlan": local["vmotion"]["vlan"], "interface": local["vmotion"]["interface"], "self_ip": local["vmotion"]["self_ip"],
            "netmask": local["vmotion"]["netmask"],
            "datacenters": [a["gtm_datacenter"] for a in gtm],
            "servers": [{"name": a["gtm_server"], "datacenter": a["gtm_datacenter"], "address": a["gtm_server_address"],
                         "virtual": a["virtual"], "vs_address": a["virtual_address"], "vs_port": a["virtual_port"]} for a in gtm],
            # longdistance_gtm_active_site: primary -> the secondary's pool is created disabled
            "pools": [{"name": a["gtm_pool"], "server": a["gtm_server"], "virtual": a["virtual"], "enabled": i == 0}
                      for i, a in enumerate(gtm)],
            "ltm_pool": local["application"]["pool"], "virtual": local["application"]["virtual"],
            "members": [dict(m, priority_group=5) for m in local["application"]["members"]]
            + [{"address": peer["application"]["virtual_address"], "port": peer["application"]["virtual_port"], "priority_group": 1}]}


# -- the three playbooks -----------------------------------------------------------------------------

def our_tasks(v: dict) -> list[dict]:
    """The shared objects with our modules, as roles bigip_network / bigip_gtm / bigip_ltm_migration do them."""
    with open(IRULE, encoding="utf-8") as handle:
        irule = handle.read()
    m = "longdistance.vmotion."
    return [
        {"name": "VLAN", m + "bigip_vlan": {"name": v["vlan"], "partition": "Common", "interfaces": [{"name": v["interface"], "tagged": False}]}},
        {"name": "Self IP", m + "bigip_selfip": {"name": "vmotion-self", "partition": "Common", "address": v["self_ip"],
                                                 "netmask": v["netmask"], "vlan": v["vlan"], "allow_service": ["none"]}},
        {"name": "Save (network)", m + "bigip_config_save": {"unsaved_changes": True}},
        {"name": "GTM data centers", m + "bigip_gtm_datacenter": {"name": "{{ item }}", "partition": "Common"}, "loop": v["datacenters"]},
        {"name": "GTM HTTP monitor", m + "bigip_gtm_monitor_http": {"name": MONITOR, "partition": "Common", "parent": "http"}},
        {"name": "GTM servers", m + "bigip_gtm_server": {
            "name": "{{ item.name }}", "partition": "Common", "datacenter": "{{ item.datacenter }}", "product": "bigip",
            "addresses": [{"address": "{{ item.address }}"}],
            "virtual_servers": [{"name": "{{ item.virtual }}", "destination": "{{ item.vs_address }}:{{ item.vs_port }}"}],
            "monitors": [MONITOR]}, "loop": v["servers"]},
        {"name": "GTM pools", m + "bigip_gtm_pool": {
            "name": "{{ item.name }}", "partition": "Common", "members": [{"server": "{{ item.server }}", "virtual_server": "{{ item.virtual }}"}],
            "monitors": [MONITOR], "enabled": "{{ item.enabled }}"}, "loop": v["pools"]},
        {"name": "Wide IP", m + "bigip_gtm_wide_ip": {"name": WIDE_IP, "partition": "Common", "pool_lb_mode": "ratio", "enabled": True,
                                                      "pools": [{"name": p["name"], "order": i} for i, p in enumerate(v["pools"])]}},
        {"name": "Save (gtm)", m + "bigip_config_save": {"unsaved_changes": True}},
        {"name": "LTM pool with priority groups", m + "bigip_ltm_pool": {
            "name": v["ltm_pool"], "partition": "Common", "lb_method": "least-connections-node", "priority_group_activation": 1,
            "members": v["members"]}},
        {"name": "iRule", m + "bigip_ltm_irule": {"name": "vmotion-irule", "partition": "Common", "content": irule}},
        {"name": "iRule on the virtual", m + "bigip_ltm_virtual_rules": {"virtual": v["virtual"], "partition": "Common", "rules": ["vmotion-irule"]}},
        {"name": "Save (ltm)", m + "bigip_config_save": {"unsaved_changes": True}},
    ]


def f5_tasks(v: dict) -> list[dict]:
    """The same objects with F5's modules (their options; provider from the host's f5_provider)."""
    with open(IRULE, encoding="utf-8") as handle:
        irule = handle.read()
    m = "f5networks.f5_modules."
    p = {"provider": "{{ f5_provider }}"}
    return [
        {"name": "VLAN", m + "bigip_vlan": dict(p, name=v["vlan"], partition="Common", untagged_interfaces=[v["interface"]])},
        {"name": "Self IP", m + "bigip_selfip": dict(p, name="vmotion-self", partition="Common", address=v["self_ip"], netmask=v["netmask"],
                                                     vlan=v["vlan"], allow_service=["none"])},
        {"name": "Save (network)", m + "bigip_config": dict(p, save=True)},
        {"name": "GTM data centers", m + "bigip_gtm_datacenter": dict(p, name="{{ item }}", partition="Common"), "loop": v["datacenters"]},
        # F5's module sends its own default for a send string left out ("GET /\r\n"); ours leaves the parent's ("GET /")
        {"name": "GTM HTTP monitor", m + "bigip_gtm_monitor_http": dict(p, name=MONITOR, partition="Common", parent="/Common/http", send="GET /")},
        {"name": "GTM servers", m + "bigip_gtm_server": dict(
            p, name="{{ item.name }}", partition="Common", datacenter="{{ item.datacenter }}", server_type="bigip",
            devices=[{"name": "{{ item.name }}", "address": "{{ item.address }}"}], monitors=["/Common/" + MONITOR],
            virtual_server_discovery="disabled"), "loop": v["servers"]},
        {"name": "GTM virtual servers", m + "bigip_gtm_virtual_server": dict(
            p, name="{{ item.virtual }}", server_name="{{ item.name }}", partition="Common", address="{{ item.vs_address }}",
            port="{{ item.vs_port }}"), "loop": v["servers"]},
        {"name": "GTM pools", m + "bigip_gtm_pool": dict(
            p, name="{{ item.name }}", partition="Common", type="a", monitors=["/Common/" + MONITOR],
            members=[{"server": "{{ item.server }}", "virtual_server": "{{ item.virtual }}"}],
            state="{{ 'present' if item.enabled else 'disabled' }}"), "loop": v["pools"]},
        {"name": "Wide IP", m + "bigip_gtm_wide_ip": dict(p, name=WIDE_IP, partition="Common", type="a", pool_lb_method="ratio",
                                                          state="enabled",
                                                          # F5's module sends ratio 0 for a ratio left out; ours leaves the device's 1
                                                          pools=[{"name": pl["name"], "order": i, "ratio": 1} for i, pl in enumerate(v["pools"])])},
        {"name": "Save (gtm)", m + "bigip_config": dict(p, save=True)},
        {"name": "LTM pool with priority groups", m + "bigip_pool": dict(p, name=v["ltm_pool"], partition="Common", lb_method="least-connections-node",
                                                                         priority_group_activation=1)},
        {"name": "LTM pool members", m + "bigip_pool_member": dict(p, pool=v["ltm_pool"], partition="Common", address="{{ item.address }}",
                                                                   name="{{ item.address }}", port="{{ item.port }}",
                                                                   priority_group="{{ item.priority_group }}"),
         "loop": v["members"]},
        {"name": "iRule", m + "bigip_irule": dict(p, name="vmotion-irule", partition="Common", module="ltm", content=irule)},
        {"name": "iRule on the virtual", m + "bigip_virtual_server": dict(p, name=v["virtual"], partition="Common", irules=["vmotion-irule"])},
        {"name": "Save (ltm)", m + "bigip_config": dict(p, save=True)},
    ]


def templated(values: dict) -> dict:
    """The site values as references to the host variable ``v`` (the GTM pools are the same on both devices)."""
    out = {key: "{{ v.%s }}" % key for key in values}
    out["pools"] = values["pools"]
    return out


def write_play(workdir: str, impl: str, values: dict) -> str:
    """One play on both BIG-IPs; each device's site values come from its host variable ``v``."""
    v = templated(values["primary"])
    play = {"name": "Shared site objects (%s)" % impl, "hosts": "bigip", "gather_facts": False,
            "tasks": f5_tasks(v) if impl == "f5" else our_tasks(v)}
    if impl == "explicit":
        play["module_defaults"] = {"group/longdistance.vmotion.bigip": "{{ longdistance_bigip_connection }}"}
    path = os.path.join(workdir, "site-%s.json" % impl)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump([play], handle, indent=1)
    return path


def write_inventory(workdir: str, impl: str, sims: dict, python: str, values: dict) -> str:
    hosts = {}
    for site, sim in sims.items():
        host = {"longdistance_site": site, "ansible_python_interpreter": python, "v": values[site]}
        if impl == "httpapi":   # inventories/lab/group_vars/bigip/connection.yml, values inline
            host.update(ansible_connection="ansible.netcommon.httpapi", ansible_network_os="longdistance.vmotion.bigip",
                        ansible_host=sim.server, ansible_port=sim.port, ansible_httpapi_port=sim.port, ansible_user=sim.user,
                        ansible_password=sim.password, ansible_httpapi_use_ssl=True, ansible_httpapi_validate_certs=True,
                        ansible_httpapi_ca_path=sim.ca_path)
        elif impl == "explicit":
            host.update(ansible_connection="local", longdistance_bigip_connection=sim.conn_args)
        else:
            host.update(ansible_connection="local",
                        f5_provider={"server": sim.server, "server_port": sim.port, "user": sim.user, "password": sim.password,
                                     "validate_certs": False, "transport": "rest", "no_f5_teem": True})
        hosts[HOSTS[site]] = host
    path = os.path.join(workdir, "inventory-%s.json" % impl)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"all": {"children": {"bigip": {"hosts": hosts}}}}, handle, indent=1)
    return path


def run_playbook(impl: str, args: argparse.Namespace, workdir: str, inventory: str, play: str) -> tuple[float, dict]:
    """The ansible-playbook run: wall time and, per host, changed / ok / failed counts (the recap)."""
    if impl == "f5":
        binary, collections = os.path.join(args.f5_venv, "bin", "ansible-playbook"), os.path.abspath(args.f5_collections)
    else:
        binary, collections = os.path.join(REPO, ".venv", "bin", "ansible-playbook"), COLLECTIONS_PATH
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "F5_"))}
    env.update(ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_HOME=os.path.join(workdir, "ansible-home-" + impl), NO_COLOR="1",
               ANSIBLE_LOCAL_TEMP=os.path.join(workdir, "tmp-" + impl), F5_TELEMETRY_OFF="true", ANSIBLE_CONFIG=os.path.join(workdir, "ansible.cfg"),
               ANSIBLE_HOST_KEY_CHECKING="false", PATH=os.path.dirname(binary) + os.pathsep + env.get("PATH", ""))
    with open(env["ANSIBLE_CONFIG"], "w", encoding="utf-8") as handle:   # nothing from the user's configuration
        handle.write("[defaults]\n")
    start = time.monotonic()
    proc = subprocess.run([binary, play, "-i", inventory], cwd=workdir, env=env, capture_output=True, text=True,
                          timeout=PLAYBOOK_TIMEOUT_S, check=False)
    wall = time.monotonic() - start
    if proc.returncode != 0:
        raise BenchError("%s: ansible-playbook failed (rc %s):\n%s\n%s" % (impl, proc.returncode, proc.stdout[-4000:], proc.stderr[-2000:]))
    recap = {}
    for line in proc.stdout.split("PLAY RECAP", 1)[-1].splitlines():
        if ":" in line and "ok=" in line:
            host, counts = line.split(":", 1)
            recap[host.strip()] = {k: int(val) for k, val in (kv.split("=") for kv in counts.split())}
    return wall, recap


# -- the device state after the first run ------------------------------------------------------------

VOLATILE = {"generation", "selfLink", "kind", "fullPath", "membersReference", "virtualServersReference", "poolsCnameReference",
            "poolsReference", "rulesReference", "lastModifiedTime", "apiAnonymous", "apiRawValues", "creationTime"}


def state_paths(v: dict) -> list[str]:
    paths = ["/mgmt/tm/net/vlan/~Common~%s" % v["vlan"], "/mgmt/tm/net/self/~Common~vmotion-self",
             "/mgmt/tm/gtm/monitor/http/~Common~%s" % MONITOR, "/mgmt/tm/gtm/wideip/a/~Common~%s" % WIDE_IP,
             "/mgmt/tm/ltm/pool/~Common~%s" % v["ltm_pool"], "/mgmt/tm/ltm/rule/~Common~vmotion-irule",
             "/mgmt/tm/ltm/virtual/~Common~%s" % v["virtual"]]
    paths += ["/mgmt/tm/gtm/datacenter/~Common~%s" % d for d in v["datacenters"]]
    paths += ["/mgmt/tm/gtm/server/~Common~%s" % s["name"] for s in v["servers"]]
    paths += ["/mgmt/tm/gtm/pool/a/~Common~%s" % p["name"] for p in v["pools"]]
    return paths


def device_state(sim, v: dict) -> dict:
    state = {}
    for path in state_paths(v):
        try:
            state[path] = {k: val for k, val in sim.peek(path).items() if k not in VOLATILE}
        except SimulatorError as exc:
            state[path] = {"<missing>": str(exc)[:200]}
    return state


def flatten(value, prefix="") -> dict:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            out.update(flatten(item, "%s.%s" % (prefix, key) if prefix else key))
        return out
    if isinstance(value, list) and value and all(isinstance(i, dict) for i in value):
        out = {}
        for index, item in enumerate(sorted(value, key=lambda i: str(i.get("name", i)))):
            out.update(flatten(item, "%s[%s]" % (prefix, item.get("name", index))))
        return out
    return {prefix: value}


def compare_states(states: dict) -> list[list]:
    """Field-by-field differences between the implementations' end states (first run), per device and object."""
    rows = []
    for site in states["f5"]:
        for path in states["f5"][site]:
            flat = {impl: flatten(states[impl][site][path]) for impl in states}
            for field in sorted(set().union(*flat.values())):
                values = {impl: flat[impl].get(field, "<absent>") for impl in states}
                if len({json.dumps(x, sort_keys=True) for x in values.values()}) > 1:
                    rows.append([site, path.replace("/mgmt/tm/", ""), field] + [json.dumps(values[i])[:70] for i in IMPLS if i in values])
    return rows


# -- main ----------------------------------------------------------------------------------------------

def run_impl(impl: str, latency: int, args: argparse.Namespace, workdir: str, values: dict, deadline: Deadline) -> tuple[list[dict], dict]:
    rows = []
    with simulators(1, workdir, seed=SEEDS["primary"], prefix="%s%d-p" % (impl, latency)) as (primary,), \
            simulators(1, workdir, seed=SEEDS["secondary"], prefix="%s%d-s" % (impl, latency)) as (secondary,):
        sims = {"primary": primary, "secondary": secondary}
        python = os.path.join(args.f5_venv, "bin", "python") if impl == "f5" else os.path.join(REPO, ".venv", "bin", "python")
        inventory = write_inventory(workdir, impl, sims, python, values)
        play = write_play(workdir, impl, values)
        for sim in sims.values():
            set_latency(sim, latency)
        state = {}
        for what in ("first", "rerun"):
            deadline.check("%s %s at %d ms" % (impl, what, latency))
            for sim in sims.values():
                sim.clear_log()
            wall, recap = run_playbook(impl, args, workdir, inventory, play)
            devices = {site: device_figures(sim, latency) for site, sim in sims.items()}
            rows.append({"latency_ms": latency, "impl": impl, "what": what, "wall_s": round(wall, 2), "recap": recap, "devices": devices})
            if what == "first":
                state = {site: device_state(sim, values[site]) for site, sim in sims.items()}
    return rows, state


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--f5-venv", required=True, help="throwaway venv with ansible-core and F5's requirements")
    parser.add_argument("--f5-collections", required=True, help="directory holding ansible_collections/f5networks/f5_modules")
    parser.add_argument("--latency", default="0,150", help="comma-separated simulator latencies in ms (default 0,150)")
    parser.add_argument("--impl", default=",".join(IMPLS), help="comma-separated subset of f5,httpapi,explicit")
    parser.add_argument("--budget", type=float, default=1800.0, help="overall time budget in seconds (default 1800)")
    parser.add_argument("--out", default="/tmp", help="directory for the JSON results (default /tmp)")
    args = parser.parse_args(argv)
    args.latency = [int(v) for v in args.latency.split(",") if v.strip()]
    args.impl = [v for v in args.impl.split(",") if v.strip()]
    if any(not 0 <= v <= 1000 for v in args.latency) or any(i not in IMPLS for i in args.impl):
        parser.error("latencies must be 0..1000 ms, implementations among %s" % ", ".join(IMPLS))
    if "f5" in args.impl and not os.path.isdir(os.path.join(args.f5_collections, "ansible_collections", "f5networks", "f5_modules")):
        parser.error("no ansible_collections/f5networks/f5_modules under %s" % args.f5_collections)
    return args


def main(argv: list[str]) -> int:
    args = parse(argv)
    deadline = Deadline(args.budget)
    sites = lab_sites()
    values = {site: site_values(sites, site) for site in ("primary", "secondary")}
    rows, states = [], {}
    try:
        with tempfile.TemporaryDirectory(prefix="ldv-f5site-") as workdir:
            for latency in args.latency:
                for impl in args.impl:
                    impl_rows, state = run_impl(impl, latency, args, workdir, values, deadline)
                    rows += impl_rows
                    states.setdefault(latency, {})[impl] = state
    except (BenchError, SimulatorError, subprocess.TimeoutExpired) as exc:
        print("BENCHMARK FAILED: %s" % exc, file=sys.stderr)
        return 1
    print("Shared site objects on the lab pair through ansible-playbook, %d CPUs. Not comparable (no F5 module): %s\n"
          % (os.cpu_count(), ", ".join(NOT_COMPARABLE)))
    table_rows = []
    for row in rows:
        for site, f in row["devices"].items():
            recap = row["recap"].get(HOSTS[site], {})
            table_rows.append([row["latency_ms"], row["impl"], row["what"], site, f["requests"], f["logins"], f["gets"], f["writes"],
                               f["errors"], f["rest_s"], row["wall_s"], recap.get("changed", "?"), recap.get("ok", "?")])
    print(table(["latency ms", "impl", "run", "device", "requests", "logins", "GET", "writes", "4xx/5xx", "REST s", "playbook s",
                 "changed", "ok"], table_rows))
    differences = {}
    for latency, by_impl in states.items():
        if len(by_impl) > 1:
            differences[latency] = compare_states(by_impl)
            print("\nEnd state after the first run (%d ms), fields that differ between %s (%d):" % (latency, ", ".join(by_impl), len(differences[latency])))
            if differences[latency]:
                print(table(["device", "object", "field"] + [i for i in IMPLS if i in by_impl], differences[latency]))
    out = write_json(args.out, "f5_site_compare", {"rows": rows, "states": states, "differences": differences,
                                                   "not_comparable": NOT_COMPARABLE})
    print("\nJSON: %s (load average at the end: %s)" % (out, machine()["loadavg"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
