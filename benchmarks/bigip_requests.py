"""HTTP requests (by method) and wall time of every BIG-IP module, per phase, at two simulator latencies.

    .venv/bin/python benchmarks/bigip_requests.py [--latency 0,150] [--module bigip_vlan ...] [--out /tmp]

Phases (each one module run, measured from the simulator's request log):

``check``   check-mode run on a device without the object (predicts the create), zero writes
``create``  the object is created (singletons: the desired settings applied)
``noop``    the same arguments again: ``changed`` false and zero writes
``update``  the update of the module's unit-test scenario: ``changed`` true

Every run must log in exactly once (first request) and log out exactly once (last request);
any violation, failure or unexpected ``changed`` stops the benchmark with a message.

The arguments are the module integration tests' own ``Scenario`` declarations
(``tests/integration/plugins/modules/test_bigip_*.py``); modules without one (actions, info, the
traffic switch) have their cases below. Every ``plugins/modules/bigip_*.py`` must have a case.
"""
from __future__ import annotations

import argparse
import glob
import importlib
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Callable

from _bench import REPO, BenchError, Deadline, Run, assert_no_writes, machine, measure, set_latency, simulators, table, warm_up, write_json

TESTS = os.path.join(REPO, "tests", "integration", "plugins", "modules")
sys.path.insert(0, TESTS)   # the module tests import their helpers as ``from bigip_crud import ...``

# pylint: disable=wrong-import-position
from bigip_crud import run_ok  # noqa: E402


@dataclass
class Step:
    phase: str
    args: dict
    check_mode: bool = False
    changed: bool | None = None     # expected ``changed`` (None: recorded, not asserted)
    writes: bool = True             # False: the step must send zero configuration writes


@dataclass
class Case:
    label: str
    module: str
    steps: list[Step]
    setup: Callable | None = None   # setup(sim): prerequisites, not measured


@dataclass
class Options:
    latencies: list[int]
    modules: list[str] = field(default_factory=list)
    budget_s: float = 600.0
    out: str = "/tmp"


# -- cases -----------------------------------------------------------------------------------------

def scenario_case(label: str, sc) -> Case:
    """The four phases from a unit-test ``Scenario`` (singletons: no create expectation)."""
    creates = sc.collection is not None
    steps = [Step("check", sc.args, check_mode=True, changed=True if creates else None),
             Step("create" if creates else "apply", sc.args, changed=True if creates else None),
             Step("noop", sc.args, changed=False, writes=False)]
    if sc.update:
        steps.append(Step("update", sc.updated_args(), changed=True))
    return Case(label, sc.module, steps, setup=sc.setup)


def scenario_cases() -> list[Case]:
    cases = []
    for path in sorted(glob.glob(os.path.join(TESTS, "test_bigip_*.py"))):
        test_module = importlib.import_module(os.path.basename(path)[:-3])
        found = [(name, obj.scenario) for name, obj in vars(test_module).items()
                 if isinstance(obj, type) and getattr(obj, "scenario", None) is not None and obj.__module__ == test_module.__name__]
        for name, sc in found:
            label = sc.module if len(found) == 1 else "%s[%s]" % (sc.module, name)
            cases.append(scenario_case(label, sc))
    return cases


def _gtm_lab(sim):
    importlib.import_module("test_bigip_gtm_ratio").build_lab(sim)


def _virtual_lab(sim):
    importlib.import_module("test_bigip_ltm_virtual_rules").lab(sim)


def _drifted_endpoints(sim):
    """A manual remote endpoint with routing enabled and a discovered one with routing disabled."""
    run_ok(sim, "bigip_vlan", {"name": "vmotion-vlan", "interfaces": [{"name": "1.14"}]})
    run_ok(sim, "bigip_selfip", {"name": "self", "address": "10.133.57.236/24", "vlan": "vmotion-vlan"})
    run_ok(sim, "bigip_wom_endpoint", {"type": "local", "address": "10.133.57.236"})
    run_ok(sim, "bigip_wom_endpoint", {"type": "remote", "address": "10.133.58.236", "routing": "enabled"})
    sim.discover("10.133.59.236")


def _full_lab(sim):
    info_tests = importlib.import_module("test_bigip_longdistance_info")
    info_tests.wom_lab(sim)
    info_tests.gtm_lab(sim)
    info_tests.ltm_lab(sim)


def _unsaved_vlan(sim):
    run_ok(sim, "bigip_vlan", {"name": "unsaved-vlan"})


RATIO_7030 = {"wide_ip": "vmhttp.siterequest.com", "ratios": {"Local_pool": 7, "Remote_pool": 3}, "enable_pools": True}
RATIO_3070 = dict(RATIO_7030, ratios={"Local_pool": 3, "Remote_pool": 7})

EXTRA_CASES = [
    Case("bigip_gtm_ratio", "bigip_gtm_ratio", setup=_gtm_lab, steps=[
        Step("check", RATIO_7030, check_mode=True, changed=True),
        Step("create", RATIO_7030, changed=True),
        Step("noop", RATIO_7030, changed=False, writes=False),
        Step("update", RATIO_3070, changed=True)]),
    Case("bigip_ltm_virtual_rules", "bigip_ltm_virtual_rules", setup=_virtual_lab, steps=[
        Step("check", {"virtual": "vmhttp_vs", "rules": ["vmotion-irule"]}, check_mode=True, changed=True),
        Step("create", {"virtual": "vmhttp_vs", "rules": ["vmotion-irule"]}, changed=True),
        Step("noop", {"virtual": "vmhttp_vs", "rules": ["vmotion-irule"]}, changed=False, writes=False),
        Step("update", {"virtual": "vmhttp_vs", "rules": ["vmotion-irule", "other"], "exact": True}, changed=True)]),
    Case("bigip_wom_routing", "bigip_wom_routing", setup=_drifted_endpoints, steps=[
        Step("check", {"routing": "enabled"}, check_mode=True, changed=True),
        Step("apply", {"routing": "enabled"}, changed=True),
        Step("noop", {"routing": "enabled"}, changed=False, writes=False)]),
    Case("bigip_config_save", "bigip_config_save", setup=_unsaved_vlan, steps=[
        Step("check", {}, check_mode=True, changed=True),
        Step("apply", {}, changed=True)]),
    Case("bigip_longdistance_info", "bigip_longdistance_info", setup=_full_lab, steps=[
        Step("check", {}, check_mode=True, changed=False),
        Step("read", {}, changed=False, writes=False)]),
]


def all_cases() -> list[Case]:
    cases = scenario_cases() + EXTRA_CASES
    modules = set(warm_up())
    missing = sorted(modules - {c.module for c in cases})
    if missing:
        raise BenchError("no benchmark case for BIG-IP module(s) %s: add a Scenario to their unit tests or a case here" % missing)
    return cases


# -- running ---------------------------------------------------------------------------------------

def run_case(sim, case: Case, latency_ms: int, deadline: Deadline) -> list[Run]:
    """Factory state (latency 0), the case's prerequisites, then its steps at ``latency_ms``."""
    sim.reset()   # also puts the latency back to the start value (0)
    sim.latency_ms = 0
    if case.setup is not None:
        case.setup(sim)
    set_latency(sim, latency_ms)
    runs = []
    for step in case.steps:
        deadline.check("%s %s" % (case.label, step.phase))
        run = measure(sim, case.module, step.args, step.phase, label=case.label, check_mode=step.check_mode)[0]
        if step.changed is not None and run.changed is not step.changed:
            raise BenchError("%s %s: expected changed=%s, got %s" % (case.label, step.phase, step.changed, run.changed))
        if not step.writes:
            assert_no_writes(run)
        runs.append(run)
    return runs


def run_all(options: Options) -> list[Run]:
    cases = [c for c in all_cases() if not options.modules or c.module in options.modules]
    if not cases:
        raise BenchError("no case matches --module %s" % options.modules)
    deadline = Deadline(options.budget_s)
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="ldv-bench-") as workdir, simulators(1, workdir) as (sim,):
        for latency in options.latencies:
            for case in cases:
                runs.extend(run_case(sim, case, latency, deadline))
    return runs


# -- output ----------------------------------------------------------------------------------------

def rows(runs: list[Run]) -> list[list]:
    return [[r.label, r.phase, r.latency_ms, "yes" if r.changed else "no", r.total, r.logins, r.logouts]
            + [r.config[m] for m in ("GET", "POST", "PATCH", "PUT", "DELETE")] + [len(r.writes), "%.0f" % (r.wall_s * 1000)]
            for r in runs]


HEADERS = ["module", "phase", "lat ms", "changed", "requests", "login", "logout", "GET", "POST", "PATCH", "PUT", "DELETE",
           "writes", "wall ms"]


def summary(runs: list[Run]) -> list[list]:
    """Per latency and phase: module runs, total and median requests, total wall time."""
    out = []
    for latency in sorted({r.latency_ms for r in runs}):
        for phase in ("check", "create", "apply", "noop", "update", "read"):
            group = [r for r in runs if r.latency_ms == latency and r.phase == phase]
            if group:
                out.append([latency, phase, len(group), sum(r.total for r in group), statistics.median(r.total for r in group),
                            sum(len(r.writes) for r in group), "%.2f" % sum(r.wall_s for r in group)])
    return out


def parse(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", default="0,150", help="comma-separated simulator latencies in ms (default 0,150)")
    parser.add_argument("--module", action="append", default=[], help="only this module (repeatable)")
    parser.add_argument("--budget", type=float, default=600.0, help="overall time budget in seconds (default 600)")
    parser.add_argument("--out", default="/tmp", help="directory for the JSON results (default /tmp)")
    args = parser.parse_args(argv)
    latencies = [int(v) for v in args.latency.split(",") if v.strip()]
    if any(not 0 <= v <= 1000 for v in latencies):
        parser.error("latencies must be 0..1000 ms")
    return Options(latencies=latencies, modules=args.module, budget_s=args.budget, out=args.out)


def main(argv: list[str]) -> int:
    options = parse(argv)
    try:
        runs = run_all(options)
    except BenchError as exc:
        print("BENCHMARK FAILED: %s" % exc, file=sys.stderr)
        return 1
    print(table(HEADERS, rows(runs)))
    print()
    print(table(["lat ms", "phase", "runs", "requests", "median/run", "writes", "wall s"], summary(runs)))
    path = write_json(options.out, "bigip_requests", {"latencies_ms": options.latencies, "runs": [r.as_dict() for r in runs]})
    print("\nAll checks passed: one login + one logout per run, zero writes on noop and check mode.")
    print("JSON: %s (load average at the end: %s)" % (path, machine()["loadavg"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
