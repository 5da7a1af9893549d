"""Shared pieces of the benchmarks: simulators, measured module runs, structural checks, output.

A *measured run* is one module ``main()`` run in-process (``tests/conftest.py`` ``run_module``)
against one BIG-IP simulator whose request log was cleared just before: the log then holds
exactly the HTTP requests of that run (admin hooks are never logged).
"""
from __future__ import annotations

import glob
import importlib
import json
import os
import platform
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

# pylint: disable=wrong-import-position
from tests.conftest import COLLECTIONS_PATH, run_module  # noqa: E402  pylint: disable=unused-import
from tests.simulators.bigip.harness import BigipSim  # noqa: E402

LOGIN = ("POST", "/mgmt/shared/authn/login")
TOKEN_PREFIX = "/mgmt/shared/authz/tokens/"
CONFIG_PREFIX = "/mgmt/tm"
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")


class BenchError(RuntimeError):
    """A structural claim was violated, a module failed, or the time budget ran out."""


@dataclass
class Run:
    """The requests and wall time of one module run."""

    label: str
    module: str
    phase: str
    latency_ms: int
    check_mode: bool
    changed: bool
    wall_s: float
    logins: int
    logouts: int
    config: dict = field(default_factory=dict)       # method -> count of /mgmt/tm requests
    writes: list = field(default_factory=list)       # [method, path] of configuration writes
    calls: list = field(default_factory=list)        # [method, path, status] of every request, in order

    @property
    def total(self) -> int:
        return len(self.calls)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["total"] = self.total
        return data


class Deadline:
    """An overall time budget; ``check`` raises once it is spent."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.start = time.monotonic()

    def check(self, what: str) -> None:
        spent = time.monotonic() - self.start
        if spent > self.seconds:
            raise BenchError("time budget of %.0f s spent (%.0f s) before %s" % (self.seconds, spent, what))


def warm_up() -> list[str]:
    """Import every BIG-IP module once, so the first measured run does not pay for imports."""
    names = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(REPO, "plugins", "modules", "bigip_*.py")))
    for name in names:
        importlib.import_module("ansible_collections.longdistance.vmotion.plugins.modules." + name)
    return names


def is_write(method: str, path: str) -> bool:
    return method in WRITE_METHODS and path.startswith(CONFIG_PREFIX)


def summarize(label: str, module: str, phase: str, latency_ms: int, check_mode: bool, result: dict, wall_s: float,
              log: list[dict]) -> Run:
    calls = [[e["method"], e["path"], e["status"]] for e in log]
    config = Counter(e["method"] for e in log if e["path"].startswith(CONFIG_PREFIX))
    return Run(label=label, module=module, phase=phase, latency_ms=latency_ms, check_mode=check_mode,
               changed=bool(result.get("changed")), wall_s=wall_s,
               logins=sum(1 for e in log if (e["method"], e["path"]) == LOGIN),
               logouts=sum(1 for e in log if e["method"] == "DELETE" and e["path"].startswith(TOKEN_PREFIX)),
               config={m: config.get(m, 0) for m in METHODS},
               writes=[[e["method"], e["path"]] for e in log if is_write(e["method"], e["path"])],
               calls=calls)


def measure(sim: BigipSim, module: str, args: dict, phase: str, label: str | None = None, check_mode: bool = False) -> tuple[Run, dict]:
    """Run ``module`` once against ``sim`` with a fresh request log; fail loudly when the module fails."""
    sim.clear_log()
    start = time.perf_counter()
    result = run_module(module, dict(sim.conn_args, **args), check_mode=check_mode)
    wall = time.perf_counter() - start
    if result.get("failed"):
        raise BenchError("%s (%s) failed on %s: %s" % (module, phase, sim.name, result.get("msg")))
    run = summarize(label or module, module, phase, sim.latency_ms, check_mode, result, wall, settled_log(sim))
    assert_one_session(run)
    if check_mode:
        assert_no_writes(run)
    return run, result


def settled_log(sim: BigipSim, pause_s: float = 0.02, limit_s: float = 2.0) -> list[dict]:
    """The request log once it stops growing.

    The simulator records a request after sending its reply, so a read right after the module
    returns can miss the last request (the logout) on a loaded machine.
    """
    log = sim.requests_log()
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        time.sleep(pause_s)
        again = sim.requests_log()
        if len(again) == len(log):
            return again
        log = again
    return log


def assert_one_session(run: Run) -> None:
    """Exactly one token login (the first request) and one logout (the last) per module run.

    A run that sends no request at all (``bigip_config_save`` in check mode) needs no login.
    """
    if not run.calls:
        return
    first, last = tuple(run.calls[0][:2]), run.calls[-1]
    if run.logins != 1 or run.logouts != 1 or first != LOGIN or last[0] != "DELETE" or not last[1].startswith(TOKEN_PREFIX):
        raise BenchError("%s %s: expected one login first and one logout last, got %d login(s), %d logout(s): %s"
                         % (run.label, run.phase, run.logins, run.logouts, [c[:2] for c in run.calls]))


def assert_no_writes(run: Run) -> None:
    if run.writes:
        raise BenchError("%s %s: expected zero writes, got %s" % (run.label, run.phase, run.writes))


@contextmanager
def simulators(count: int, workdir: str, latency_ms: int = 0, seed: str | None = None, prefix: str = "bench"):
    """``count`` simulator processes on free loopback ports; all stopped on exit, even on failure."""
    sims: list[BigipSim] = []
    try:
        for index in range(count):
            sims.append(BigipSim("%s%d" % (prefix, index), workdir, latency_ms=latency_ms, seed=seed).start())
        yield sims
    finally:
        for sim in sims:
            sim.stop()


def set_latency(sim: BigipSim, latency_ms: int) -> None:
    sim.set_latency(latency_ms)
    sim.latency_ms = latency_ms


def table(headers: list[str], rows: list[list]) -> str:
    """A plain fixed-width table (also valid Markdown)."""
    cells = [[str(c) for c in row] for row in [headers] + rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def machine() -> dict:
    """The machine, with its load average: other work on the host skews wall times (not request counts)."""
    return {"cpus": os.cpu_count(), "loadavg": [round(v, 2) for v in os.getloadavg()], "python": platform.python_version(),
            "platform": platform.platform()}


def write_json(out_dir: str, name: str, payload: dict) -> str:
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "%s-%s.json" % (name, time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())))
    document = {"benchmark": name, "command": " ".join([os.path.relpath(sys.argv[0], REPO)] + sys.argv[1:]),
                "utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": machine()}
    document.update(payload)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1)
    return path


def device_figures(sim, latency_ms: int) -> dict:
    """What one device saw since its log was last cleared: requests, logins, logouts, GETs, writes, configuration saves,
    refused requests (a refused login aside), REST seconds (first to last request plus one latency), every call and the
    bodies of the writes."""
    log = settled_log(sim)
    calls = [(r["method"], r["path"], r["status"]) for r in log]
    tm = [c for c in calls if c[1].startswith("/mgmt/tm")]
    times = [r["time"] for r in log]
    return {"requests": len(calls), "logins": sum(1 for c in calls if c[1] == LOGIN[1]),
            "logouts": sum(1 for c in calls if c[0] == "DELETE" and c[1].startswith(TOKEN_PREFIX)),
            "gets": sum(1 for c in tm if c[0] == "GET"), "writes": sum(1 for c in tm if is_write(c[0], c[1])),
            # the roles' closing configuration save runs on every run (docs/reliability.md)
            "saves": sum(1 for c in tm if (c[0], c[1]) == ("POST", "/mgmt/tm/sys/config")),
            "errors": sum(1 for c in calls if c[2] >= 400 and c[1] != LOGIN[1]),
            "rest_s": round(times[-1] - times[0] + latency_ms / 1000.0, 2) if times else 0.0, "calls": calls,
            "write_bodies": [[r["method"], r["path"], r.get("body")] for r in log if is_write(r["method"], r["path"])]}
