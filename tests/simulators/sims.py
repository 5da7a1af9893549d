"""Run the lab simulators in the background (`make sims`, `make sims-stop`).

    python tests/simulators/sims.py start  [--dir DIR] [--timeout S] [--time-scale F]
    python tests/simulators/sims.py stop   [--dir DIR] [--timeout S]
    python tests/simulators/sims.py status [--dir DIR]

``start`` makes a fresh lab: a new CA and server certificates (tests/simulators/certs.py), no saved
BIG-IP configuration, new random passwords. It starts two BIG-IP simulators and two vCenter
simulators (primary and secondary site), each in its own process group on a free loopback port
with its output in ``DIR/logs/<name>.log``, waits for their ready lines and writes
``DIR/endpoints.json`` (mode 0600; shape in docs/architecture.md). When every process listed
there is still alive, ``start`` does nothing. ``stop`` sends SIGTERM to each process group,
SIGKILL after the timeout, and removes ``endpoints.json``. ``status`` exits 0 only when all
simulators are running. DIR defaults to ``.sims`` at the repository root.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import certs  # noqa: E402  pylint: disable=wrong-import-position

SITES = ("primary", "secondary")
LOOPBACK = "127.0.0.1"
ADMIN_PATH = "/sim/admin"
BIGIP_SERVER = os.path.join(HERE, "bigip", "server.py")
BIGIP_SEEDS = os.path.join(HERE, "bigip", "seeds")
BIGIP_USER = "admin"
VCSIM = os.path.join(HERE, "vcenter", "vcsim-ld")
VCENTER_USER = "administrator@vsphere.local"
BIGIP_PASSWORD_ENV = "BIGIP_SIM_PASSWORD"
VCENTER_PASSWORD_ENV = "VCSIM_PASSWORD"
ENDPOINTS = "endpoints.json"
DEFAULT_DIR = os.path.join(REPO, ".sims")
DEFAULT_START_TIMEOUT = 60.0
DEFAULT_STOP_TIMEOUT = 10.0
# vcsim-ld divides every modelled duration (WAN transfer of memory and disks) by this factor: one
# modelled minute per second, so moving a lab VM (1 GB memory, 10 GB disk) takes seconds, not minutes.
DEFAULT_TIME_SCALE = 60.0
POLL_INTERVAL = 0.05
LOG_TAIL_LINES = 20


class SimError(Exception):
    """A simulator could not be started or stopped; the message names it and quotes its log."""


@dataclass
class Sim:
    """One simulator process to start: ``kind`` is ``bigip`` or ``vcenter``."""

    kind: str
    site: str
    username: str
    password: str
    argv: list[str]
    secrets_env: dict = field(default_factory=dict)
    """Secrets for the process, passed in its environment (not visible in ``ps``)."""

    @property
    def name(self) -> str:
        return f"{self.kind}-{self.site}"


@dataclass
class Running:
    """A started simulator process and where its output goes."""

    sim: Sim
    process: subprocess.Popen
    log_path: str


def cert_paths(state_dir: str, name: str) -> tuple[str, str]:
    return os.path.join(state_dir, f"{name}.pem"), os.path.join(state_dir, f"{name}.key")


def bigip_sim(state_dir: str, site: str, password: str | None = None) -> Sim:
    if not os.path.isfile(BIGIP_SERVER):
        raise SimError(f"BIG-IP simulator {BIGIP_SERVER} is missing")
    password = password or secrets.token_urlsafe(16)  # passed in the environment, never on the command line (ps)
    name = f"bigip-{site}"
    cert, key = certs.issue_server_cert(state_dir, name)
    argv = [sys.executable, BIGIP_SERVER, "--name", site, "--host", LOOPBACK, "--port", "0",
            "--cert", cert, "--key", key, "--state-file", os.path.join(state_dir, "state", f"{name}.json"),
            "--user", BIGIP_USER]
    seed = os.path.join(BIGIP_SEEDS, f"lab-{site}.json")
    if os.path.isfile(seed):
        argv += ["--seed", seed]
    return Sim("bigip", site, BIGIP_USER, password, argv, {BIGIP_PASSWORD_ENV: password})


def vcenter_sim(state_dir: str, site: str, time_scale: float, password: str | None = None) -> Sim:
    if not os.access(VCSIM, os.X_OK):
        raise SimError(f"vCenter simulator binary {VCSIM} is missing: run `make vcsim`")
    password = password or secrets.token_urlsafe(16)
    cert, key = certs.issue_server_cert(state_dir, f"vcenter-{site}")
    ca_cert = certs.ensure_ca(state_dir)[0]
    argv = [VCSIM, "-listen", f"{LOOPBACK}:0", "-cert", cert, "-key", key, "-ca", ca_cert, "-site", site,
            "-uuid", str(uuid.uuid4()), "-username", VCENTER_USER,
            "-time-scale", str(time_scale)]
    return Sim("vcenter", site, VCENTER_USER, password, argv, {VCENTER_PASSWORD_ENV: password})


def fresh_state_dir(state_dir: str) -> None:
    """Remove the previous lab's CA, certificates, saved BIG-IP configuration and logs from ``state_dir``."""
    os.makedirs(state_dir, mode=0o700, exist_ok=True)
    for sub in ("logs", "state"):
        shutil.rmtree(os.path.join(state_dir, sub), ignore_errors=True)
        os.makedirs(os.path.join(state_dir, sub), mode=0o700)
    names = [f"{kind}-{site}" for kind in ("bigip", "vcenter") for site in SITES]
    stale = [os.path.join(state_dir, certs.CA_CERT), os.path.join(state_dir, certs.CA_KEY)]
    stale += [path for name in names for path in cert_paths(state_dir, name)]
    for path in stale:
        if os.path.exists(path):
            os.remove(path)


def launch(sim: Sim, state_dir: str) -> Running:
    log_path = os.path.join(state_dir, "logs", f"{sim.name}.log")
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # pylint: disable=consider-using-with
            sim.argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=REPO, start_new_session=True,
            env=dict(os.environ, **sim.secrets_env))
    return Running(sim, process, log_path)


def log_tail(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return "".join(handle.readlines()[-LOG_TAIL_LINES:])
    except FileNotFoundError:
        return ""


def ready_line(path: str) -> dict | None:
    """The simulator's ``{"ready": true, ...}`` line from its log, once it has been written."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.startswith("{") or not line.endswith("\n"):
                continue
            try:
                doc = json.loads(line)
            except ValueError:
                continue
            if isinstance(doc, dict) and doc.get("ready") is True:
                return doc
    return None


def wait_ready(started: list[Running], timeout: float) -> dict[str, dict]:
    """Ready lines by simulator name; SimError when one exits or the timeout passes first."""
    deadline = time.monotonic() + timeout
    ready: dict[str, dict] = {}
    while len(ready) < len(started):
        for run in started:
            if run.sim.name in ready:
                continue
            line = ready_line(run.log_path)
            if line is not None:
                ready[run.sim.name] = line
            elif run.process.poll() is not None:
                raise SimError(f"{run.sim.name} exited with status {run.process.returncode} before it was ready; "
                               f"end of {run.log_path}:\n{log_tail(run.log_path)}")
        if len(ready) < len(started) and time.monotonic() >= deadline:
            late = [f"{run.sim.name} not ready after {timeout:g} s; end of {run.log_path}:\n{log_tail(run.log_path)}"
                    for run in started if run.sim.name not in ready]
            raise SimError("\n".join(late))
        time.sleep(POLL_INTERVAL)
    return ready


def endpoint(run: Running, ready: dict) -> dict:
    port = int(ready["port"])
    admin_url = f"https://{LOOPBACK}:{port}{ADMIN_PATH}"
    if run.sim.kind == "bigip":
        return {"server": LOOPBACK, "server_port": port, "user": run.sim.username, "password": run.sim.password,
                "admin_url": admin_url, "pid": run.process.pid}
    return {"hostname": LOOPBACK, "port": port, "username": run.sim.username, "password": run.sim.password,
            "instance_uuid": ready["instance_uuid"], "admin_url": admin_url, "pid": run.process.pid}


def write_private_json(path: str, doc: dict) -> None:
    tmp = f"{path}.tmp{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(doc, handle, indent=2)
        handle.write("\n")
    os.replace(tmp, path)


def read_endpoints(state_dir: str) -> dict | None:
    path = os.path.join(state_dir, ENDPOINTS)
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None
    except ValueError as exc:
        raise SimError(f"{path} is not valid JSON ({exc}); remove it and stop leftover simulators by hand") from exc


def listed_processes(endpoints: dict) -> dict[str, int]:
    """Process ids in ``endpoints`` by simulator name (``bigip-primary``, ...)."""
    return {f"{kind}-{site}": entry["pid"]
            for kind in ("bigip", "vcenter") for site, entry in endpoints.get(kind, {}).items()}


def is_ours(pid: int, state_dir: str, name: str) -> bool:
    """True when ``pid`` is alive and is the simulator started with ``state_dir``'s certificate for ``name``.

    The check guards against signalling an unrelated process that reused a recorded pid.
    """
    cert = cert_paths(state_dir, name)[0]
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            argv = handle.read().split(b"\0")
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read().rsplit(b")", 1)[1].split()[0]
    except (FileNotFoundError, PermissionError, IndexError):
        return False
    return state != b"Z" and os.fsencode(cert) in argv


def reap(pid: int) -> None:
    """Collect the exit status when the simulator is our own child (started in this process)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)
    except ProcessLookupError:
        pass


def terminate(state_dir: str, pids: dict[str, int], timeout: float) -> list[str]:
    """SIGTERM each simulator's process group, SIGKILL what is left after ``timeout``; names killed."""
    alive = {name: pid for name, pid in pids.items() if is_ours(pid, state_dir, name)}
    for pid in alive.values():
        signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while alive and time.monotonic() < deadline:
        time.sleep(POLL_INTERVAL)
        for name, pid in list(alive.items()):
            reap(pid)
            if not is_ours(pid, state_dir, name):
                del alive[name]
    for pid in alive.values():
        signal_group(pid, signal.SIGKILL)
        reap(pid)
    return sorted(alive)


def stop(state_dir: str = DEFAULT_DIR, timeout: float = DEFAULT_STOP_TIMEOUT) -> list[str]:
    """Stop the simulators listed in ``state_dir``; return the names that needed SIGKILL."""
    state_dir = os.path.abspath(state_dir)
    endpoints = read_endpoints(state_dir)
    if endpoints is None:
        return []
    killed = terminate(state_dir, listed_processes(endpoints), timeout)
    os.remove(os.path.join(state_dir, ENDPOINTS))
    return killed


def running(state_dir: str, endpoints: dict | None) -> dict[str, bool]:
    if endpoints is None:
        return {}
    return {name: is_ours(pid, state_dir, name) for name, pid in listed_processes(endpoints).items()}


def start(state_dir: str = DEFAULT_DIR, timeout: float = DEFAULT_START_TIMEOUT,
          time_scale: float = DEFAULT_TIME_SCALE, shared_password: str | None = None) -> dict:
    """Start the four simulators (or keep the running set); return the endpoints document.

    ``shared_password``: one password for the four devices (one account on both sites, as one controller credential
    serves both BIG-IPs); by default each device gets its own random password."""
    state_dir = os.path.abspath(state_dir)
    endpoints = read_endpoints(state_dir)
    alive = running(state_dir, endpoints)
    if endpoints is not None and alive and all(alive.values()):
        return endpoints
    if endpoints is not None:
        stop(state_dir)
    fresh_state_dir(state_dir)
    ca_cert = certs.ensure_ca(state_dir)[0]
    sims = ([bigip_sim(state_dir, site, shared_password) for site in SITES]
            + [vcenter_sim(state_dir, site, time_scale, shared_password) for site in SITES])
    started: list[Running] = []
    try:
        for sim in sims:
            started.append(launch(sim, state_dir))
        ready = wait_ready(started, timeout)
    except BaseException:
        terminate(state_dir, {run.sim.name: run.process.pid for run in started}, DEFAULT_STOP_TIMEOUT)
        raise
    endpoints = {"ca_cert": ca_cert, "bigip": {}, "vcenter": {}}
    for run in started:
        endpoints[run.sim.kind][run.sim.site] = endpoint(run, ready[run.sim.name])
    write_private_json(os.path.join(state_dir, ENDPOINTS), endpoints)
    return endpoints


def describe(endpoints: dict, alive: dict[str, bool]) -> str:
    lines = []
    for kind in ("bigip", "vcenter"):
        for site, entry in endpoints.get(kind, {}).items():
            name = f"{kind}-{site}"
            state = "running" if alive.get(name) else "not running"
            lines.append(f"{name:<18} pid {entry['pid']:<8} {state:<12} {entry['admin_url']}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for command in ("start", "stop", "status"):
        sub = commands.add_parser(command)
        sub.add_argument("--dir", default=DEFAULT_DIR, help="state directory (default: %(default)s)")
        if command != "status":
            default = DEFAULT_START_TIMEOUT if command == "start" else DEFAULT_STOP_TIMEOUT
            sub.add_argument("--timeout", type=float, default=default, help="seconds (default: %(default)s)")
    commands.choices["start"].add_argument("--time-scale", type=float, default=DEFAULT_TIME_SCALE,
                                           help="vCenter simulators divide modelled durations by this (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    state_dir = os.path.abspath(args.dir)
    endpoints_path = os.path.join(state_dir, ENDPOINTS)
    try:
        if args.command == "start":
            endpoints = start(state_dir, args.timeout, args.time_scale)
            print(describe(endpoints, running(state_dir, endpoints)))
            print(f"endpoints: {endpoints_path}")
            return 0
        endpoints = read_endpoints(state_dir)
        if endpoints is None:
            print(f"simulators not running (no {endpoints_path})")
            return 0 if args.command == "stop" else 1
        if args.command == "stop":
            killed = stop(state_dir, args.timeout)
            print("simulators stopped" + (f"; killed after {args.timeout:g} s: {', '.join(killed)}" if killed else ""))
            return 0
        alive = running(state_dir, endpoints)
        print(describe(endpoints, alive))
        return 0 if all(alive.values()) else 1
    except SimError as exc:
        print(f"sims.py {args.command}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
