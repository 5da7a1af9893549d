"""A wave of N VMs (default 50) at concurrency 1, 2, 4 and 8 against the vCenter simulators' WAN model.

The wave is the code the migrate role runs (``Wave`` of ``plugins/module_utils/_migration/wave.py``, as the
vm_group_migrate action plugin drives it), in-process, against a primary and a secondary vCenter simulator
(cross-vCenter, storage first over the cross-mounted datastore). GTM is not part of the measurement (its cost is a few
module runs per wave, see bigip_requests.py).

Per concurrency it records:

* wall time of ``Wave.run`` (planning excluded, reported apart);
* WAN bound = sum of the relocation tasks' running durations / concurrency (the issue's definition), and the
  vSphere queue time (tasks admitted later by vCenter's own host/datastore limits);
* overhead = wall - WAN bound - (queue time / concurrency): time no slot spent inside a vSphere task, per VM and in %;
* per poll: the time of the one property-collector read, for the first and the last 10 polls (it must not grow with
  the VMs already finished);
* vCenter sessions opened (logins and re-logins, counted at the session layer).

    .venv/bin/python benchmarks/migration_wave.py [--vms 50] [--concurrency 1,2,4,8] [--time-scale 20] [--poll 0.25] [--out /tmp]

Exit 1 with ``BENCHMARK FAILED`` when a wave does not move every VM, opens more than one session per vCenter, or the
time budget runs out.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

# pylint: disable=wrong-import-position
# tests.conftest makes the repository importable as the collection.
import tests.conftest  # noqa: E402,F401  pylint: disable=unused-import
from pyVim.task import WaitForTask  # noqa: E402
from pyVmomi import vim  # noqa: E402

from ansible_collections.longdistance.vmotion.plugins.module_utils._migration import scheduler  # noqa: E402
from ansible_collections.longdistance.vmotion.plugins.module_utils._migration.wave import Wave  # noqa: E402
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere import relocate  # noqa: E402
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere import session as session_mod  # noqa: E402
from benchmarks._bench import machine, table, write_json  # noqa: E402
from tests.simulators.vcenter.harness import VcenterSim, build  # noqa: E402

LAB_VMS = ["web-01", "web-02", "web-03", "web-04", "web-05", "web-06"]


class BenchError(RuntimeError):
    pass


def grow(sim, count):
    """Clone the lab's VMs round-robin until the primary has web-01 .. web-<count>."""
    si = sim.connect()
    content = si.RetrieveContent()
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
    vms = {vm.name: vm for vm in view.view}
    for index in range(len(LAB_VMS) + 1, count + 1):
        source = vms[LAB_VMS[(index - 1) % len(LAB_VMS)]]
        task = source.CloneVM_Task(folder=source.parent, name=f"web-{index:02d}", spec=vim.vm.CloneSpec(location=vim.vm.RelocateSpec()))
        WaitForTask(task)
        WaitForTask(task.info.result.PowerOnVM_Task())
    return [f"web-{index:02d}" for index in range(1, count + 1)]


def targets(secondary, primary):
    return dict(esxi_hostname=None, cluster_name="Secondary-Cluster", datacenter="Secondary", datastore="secondary-ds1",
                resource_pool=None, folder=None, network_mapping=[], strategy="storage_first", allow_powered_off=False,
                priority="default", destination_vcenter=dict(secondary.conn_args),
                **{f"destination_{key}": None for key in relocate.DEST_KEYS},
                validate_certs=True, ca_path=primary.ca_path, proxy_host=None, proxy_port=None)


class Counted:
    """Counts logins at the session layer (connect and re-login) and times every poll."""

    def __init__(self):
        self.logins = 0
        self.polls = []

    def __enter__(self):
        self._connect, self._relogin, self._poll = session_mod.Session.connect, session_mod.Session._relogin, Wave._poll
        counter = self

        def connect(session):
            counter.logins += 1
            return counter._connect(session)

        def relogin(session):
            counter.logins += 1
            return counter._relogin(session)

        def poll(wave):
            started = time.perf_counter()
            done = sum(1 for name in wave.state["order"] if wave.state["vms"][name]["status"] in scheduler.FINAL)
            facts = counter._poll(wave)
            counter.polls.append((done, len(facts), time.perf_counter() - started))
            return facts
        session_mod.Session.connect, session_mod.Session._relogin, Wave._poll = connect, relogin, poll
        return self

    def __exit__(self, *exc):
        session_mod.Session.connect, session_mod.Session._relogin, Wave._poll = self._connect, self._relogin, self._poll


def one_wave(primary, secondary, names, concurrency, poll):
    primary.reset()
    secondary.reset()
    primary.set_link(wan_mbps=1000, wan_rtt_ms=20)
    names = grow(primary, len(names))
    state = scheduler.new_state(names, concurrency=concurrency, threshold=50, timeout=3600)
    with Counted() as counted:
        with session_mod.Session(primary.conn_args) as source:
            with relocate.destination_session(source, targets(secondary, primary)) as dest:
                wave = Wave(source, dest, targets(secondary, primary), state, poll_interval=poll)
                started = time.perf_counter()
                wave.plan(names)
                planned = time.perf_counter()
                decision = wave.run()
                ended = time.perf_counter()
    state = wave.state
    if decision["status"] != "success" or len(scheduler.moved(state)) != len(names):
        raise BenchError(f"concurrency {concurrency}: {decision['status']}, failure {state['failure']}")
    if counted.logins != 2:
        raise BenchError(f"concurrency {concurrency}: {counted.logins} vCenter logins, expected 2 (one per vCenter)")
    steps = [step for name in names for step in state["vms"][name]["timeline"]]
    running = sum(step["duration"] or 0 for step in steps)
    queued = sum(step["queue_seconds"] or 0 for step in steps)
    wall = ended - planned
    bound = running / concurrency
    overhead = wall - bound - queued / concurrency
    poll_times = [t for _done, _active, t in counted.polls]
    return dict(concurrency=concurrency, vms=len(names), plan_s=round(planned - started, 2), wall_s=round(wall, 2),
                wan_bound_s=round(bound, 2), queue_s=round(queued, 2), overhead_s=round(overhead, 2),
                overhead_pct=round(100 * overhead / bound, 1), overhead_per_vm_s=round(overhead / len(names), 3),
                polls=len(counted.polls), poll_ms_first10=round(1000 * statistics.mean(poll_times[:10]), 1),
                poll_ms_last10=round(1000 * statistics.mean(poll_times[-10:]), 1),
                finished_at_last10=[done for done, _a, _t in counted.polls[-10:]][0],
                logins=counted.logins, phases=len(steps), mean_task_s=round(running / len(steps), 2))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vms", type=int, default=50)
    parser.add_argument("--concurrency", default="1,2,4,8")
    parser.add_argument("--time-scale", type=float, default=20.0)
    parser.add_argument("--poll", type=float, default=0.25, help="poll interval (s); 0.25 at time scale 20 = 5 s real")
    parser.add_argument("--budget", type=float, default=1200.0)
    parser.add_argument("--out", default=tempfile.gettempdir())
    args = parser.parse_args()
    if not 1 <= args.vms <= 100:
        parser.error("--vms must be 1..100")
    levels = [int(level) for level in args.concurrency.split(",")]
    if any(not 1 <= level <= 8 for level in levels):
        parser.error("--concurrency levels must be 1..8")
    build()
    workdir = tempfile.mkdtemp(prefix="bench-wave-")
    primary = VcenterSim("primary", workdir, time_scale=args.time_scale)
    secondary = VcenterSim("secondary", workdir, time_scale=args.time_scale)
    rows, deadline = [], time.monotonic() + args.budget
    try:
        primary.start()
        secondary.start()
        for level in levels:
            if time.monotonic() > deadline:
                raise BenchError(f"time budget of {args.budget:.0f} s spent")
            rows.append(one_wave(primary, secondary, [None] * args.vms, level, args.poll))
            print(f"concurrency {level}: {rows[-1]}", flush=True)
    except BenchError as exc:
        print(f"BENCHMARK FAILED: {exc}")
        return 1
    finally:
        primary.stop()
        secondary.stop()
    keys = ["concurrency", "wall_s", "wan_bound_s", "queue_s", "overhead_s", "overhead_pct", "overhead_per_vm_s", "polls",
            "poll_ms_first10", "poll_ms_last10", "logins", "plan_s"]
    print(table(keys, [[row[key] for key in keys] for row in rows]))
    path = write_json(args.out, "migration-wave", dict(machine=machine(), time_scale=args.time_scale, poll=args.poll, rows=rows))
    print(f"JSON: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
