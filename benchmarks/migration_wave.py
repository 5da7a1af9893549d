"""A wave of N VMs (default 50) at concurrency 1, 2, 4 and 8 against the vCenter simulators' WAN model.

The wave is the code the migrate role runs (``Wave`` of ``plugins/module_utils/_migration/wave.py``, as the
vm_group_migrate action plugin drives it), in-process, against a primary and a secondary vCenter simulator
(cross-vCenter, storage first over the cross-mounted datastore). GTM is not part of the measurement (its cost is a few
module runs per wave, see bigip_requests.py).

Every figure comes from vCenter's own task timestamps (queueTime, startTime, completeTime) and the orchestrator's clock:

* ``wall``: ``Wave.run`` (planning excluded, ``plan`` reported apart: it is a fixed cost per VM before the wave);
* ``WAN bound`` = sum of the relocation tasks' running durations / concurrency (the issue's definition);
* ``queue``: sum of the time tasks waited inside vCenter for its per-host/datastore migration limits, / concurrency
  (vSphere's queue, not orchestration);
* ``orch``: orchestration overhead = slot-seconds during which a slot was free AND a phase could have started (a waiting
  VM, or a VM whose previous phase had ended) but no task was in vCenter yet, / concurrency. Per task this is the
  refill latency (end of one task -> next task queued in vCenter), a fixed wall-clock cost that does not shrink or grow
  with the WAN time, so ``orch % at 5 min/VM`` extrapolates it honestly: (orch + plan) against the same wave with
  every VM taking 5 minutes of WAN time;
* ``tail``: slots idle because nothing was left to start (the wave's last VMs), / concurrency: structural, not overhead;
* per poll: the one property-collector read, for the first and the last 10 polls (it must not grow with the VMs
  already finished); vCenter sessions opened (logins and re-logins, counted at the session layer).

``--wait events`` (the wave's default) waits for task state changes between polls; ``--wait poll`` sleeps the poll
interval (the earlier behaviour), for the before/after comparison.

    .venv/bin/python benchmarks/migration_wave.py [--vms 50] [--concurrency 1,2,4,8] [--wait events,poll@8]
        [--grow 10,25@8] [--time-scale 600] [--poll 1] [--budget 1500] [--out /tmp]

Exit 1 with ``BENCHMARK FAILED`` when a wave does not move every VM, opens more than one session per vCenter, or the
time budget runs out.
"""
from __future__ import annotations

import argparse
import os
import datetime
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
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere import crossvc  # noqa: E402
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere import session as session_mod  # noqa: E402
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere.tasks import TaskWatch  # noqa: E402
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
                **{f"destination_{key}": None for key in crossvc.DEST_KEYS},
                validate_certs=True, ca_path=primary.ca_path, proxy_host=None, proxy_port=None)


class Counted:
    """Counts logins at the session layer (connect and re-login) and times every poll."""

    def __init__(self):
        self.logins = 0
        self.polls = []
        self.waits = []

    def __enter__(self):
        self._connect, self._relogin, self._poll = session_mod.Session.connect, session_mod.Session._relogin, Wave._poll
        self._wait = TaskWatch.wait
        counter = self

        def wait(watch, seconds):
            started = time.perf_counter()
            changed = counter._wait(watch, seconds)
            counter.waits.append((len(changed), time.perf_counter() - started))
            return changed

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
        session_mod.Session.connect, session_mod.Session._relogin, Wave._poll, TaskWatch.wait = connect, relogin, poll, wait
        return self

    def __exit__(self, *exc):
        session_mod.Session.connect, session_mod.Session._relogin, Wave._poll = self._connect, self._relogin, self._poll
        TaskWatch.wait = self._wait


def _epoch(text):
    return datetime.datetime.fromisoformat(text).timestamp()


def decompose(state, names, concurrency, begin, end):
    """Slot-seconds of ``[begin, end]`` split into running, vCenter queue, orchestration (a slot free while a phase could
    start) and tail (a slot free with nothing left to start), from vCenter's task timestamps."""
    tasks = []  # (queued, started, completed, ready): ready = when the phase could have started
    for name in names:
        ready = begin
        for step in state["vms"][name]["timeline"]:
            queued, started, completed = (_epoch(step[key]) for key in ("queued", "started", "completed"))
            tasks.append((queued, started, completed, ready))
            ready = completed
    edges = sorted({begin, end} | {t for task in tasks for t in task if begin <= t <= end})
    running = queued = orch = tail = 0.0
    for left, right in zip(edges, edges[1:]):
        mid, width = (left + right) / 2, right - left
        busy = sum(1 for q, _s, c, _r in tasks if q <= mid < c)
        startable = sum(1 for q, _s, _c, r in tasks if r <= mid < q)
        running += width * sum(1 for _q, s_, c, _r in tasks if s_ <= mid < c)
        queued += width * sum(1 for q, s_, _c, _r in tasks if q <= mid < s_)
        free = max(concurrency - busy, 0)
        orch += width * min(free, startable)
        tail += width * (free - min(free, startable))
    return dict(running=running, queued=queued, orch=orch, tail=tail, tasks=len(tasks))


def one_wave(primary, secondary, count, concurrency, poll, events):
    primary.reset()
    secondary.reset()
    primary.set_link(wan_mbps=1000, wan_rtt_ms=20)
    names = grow(primary, count)
    state = scheduler.new_state(names, concurrency=concurrency, threshold=50, timeout=3600)
    with Counted() as counted:
        with session_mod.Session(primary.conn_args) as source:
            with crossvc.destination_session(source, targets(secondary, primary)) as dest:
                wave = Wave(source, dest, targets(secondary, primary), state, poll_interval=poll, events=events)
                started = time.perf_counter()
                wave.plan(names)
                planned, begin = time.perf_counter(), time.time()
                decision = wave.run()
                ended, end = time.perf_counter(), time.time()
    state = wave.state
    mode = "events" if events else "poll"
    if decision["status"] != "success" or len(scheduler.moved(state)) != len(names):
        raise BenchError(f"{mode} concurrency {concurrency}: {decision['status']}, failure {state['failure']}")
    if counted.logins != 2:
        raise BenchError(f"{mode} concurrency {concurrency}: {counted.logins} vCenter logins, expected 2 (one per vCenter)")
    if events and wave.events is False:
        raise BenchError(f"concurrency {concurrency}: the wave fell back to polling")
    slots = decompose(state, names, concurrency, begin, end)
    steps = [step for name in names for step in state["vms"][name]["timeline"]]
    wall, plan = ended - planned, planned - started
    bound = slots["running"] / concurrency
    orch = slots["orch"] / concurrency
    task_s = slots["running"] / len(steps)
    # The same wave with every VM taking 5 minutes of WAN time: the fixed costs (orchestration per task, planning) stay.
    realistic_bound = 300.0 * len(names) / concurrency
    poll_times = [t for _done, _active, t in counted.polls]
    return dict(mode=mode, concurrency=concurrency, vms=len(names), tasks=len(steps), plan_s=round(plan, 2), wall_s=round(wall, 2),
                wan_bound_s=round(bound, 2), queue_s=round(slots["queued"] / concurrency, 2), orch_s=round(orch, 2),
                tail_s=round(slots["tail"] / concurrency, 2), orch_pct=round(100 * orch / bound, 2),
                refill_ms=round(1000 * slots["orch"] / len(steps), 1), plan_ms_per_vm=round(1000 * plan / len(names), 1),
                orch_pct_5min=round(100 * (orch + plan) / realistic_bound, 3), mean_task_s=round(task_s, 2),
                polls=len(counted.polls), waits=len(counted.waits), wakeups=sum(1 for n, _t in counted.waits if n),
                poll_ms_first10=round(1000 * statistics.mean(poll_times[:10]), 1),
                poll_ms_last10=round(1000 * statistics.mean(poll_times[-10:]), 1),
                finished_at_last10=[done for done, _a, _t in counted.polls[-10:]][0], logins=counted.logins)


def _levels(text, default_mode):
    """``"1,2,4,8"`` or ``"events,poll@8"`` style lists -> [(mode or count, concurrency)]."""
    out = []
    for item in filter(None, text.split(",")):
        what, _sep, level = item.partition("@")
        out.append((what, int(level) if level else None))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vms", type=int, default=50)
    parser.add_argument("--concurrency", default="1,2,4,8", help="levels run with --vms VMs, waiting for task events")
    parser.add_argument("--compare", default="poll@8", help="extra MODE@LEVEL runs with --vms VMs (MODE: events or poll)")
    parser.add_argument("--grow", default="10@8,25@8", help="extra COUNT@LEVEL runs (events): how the figures grow with VMs")
    parser.add_argument("--time-scale", type=float, default=600.0, help="modelled seconds per wall second")
    parser.add_argument("--poll", type=float, default=1.0, help="poll interval in wall seconds (progress lines; poll mode's sleep)")
    parser.add_argument("--budget", type=float, default=1500.0, help="stop (and fail) when this many wall seconds are spent")
    parser.add_argument("--out", default=tempfile.gettempdir())
    args = parser.parse_args()
    if not 1 <= args.vms <= 100:
        parser.error("--vms must be 1..100")
    runs = [(args.vms, int(level), True) for level in filter(None, args.concurrency.split(","))]
    runs += [(args.vms, level or 8, mode == "events") for mode, level in _levels(args.compare, "poll")]
    runs += [(int(count), level or 8, True) for count, level in _levels(args.grow, "events")]
    if any(not 1 <= level <= 8 or not 1 <= count <= 100 for count, level, _events in runs):
        parser.error("concurrency levels must be 1..8 and VM counts 1..100")
    build()
    workdir = tempfile.mkdtemp(prefix="bench-wave-")
    primary = VcenterSim("primary", workdir, time_scale=args.time_scale)
    secondary = VcenterSim("secondary", workdir, time_scale=args.time_scale)
    rows, deadline = [], time.monotonic() + args.budget
    try:
        primary.start()
        secondary.start()
        for count, level, events in runs:
            if time.monotonic() > deadline:
                raise BenchError(f"time budget of {args.budget:.0f} s spent")
            rows.append(one_wave(primary, secondary, count, level, args.poll, events))
            print(f"{rows[-1]}", flush=True)
    except BenchError as exc:
        print(f"BENCHMARK FAILED: {exc}")
        return 1
    finally:
        primary.stop()
        secondary.stop()
    keys = ["mode", "vms", "concurrency", "wall_s", "wan_bound_s", "queue_s", "orch_s", "tail_s", "orch_pct", "refill_ms",
            "plan_ms_per_vm", "orch_pct_5min", "polls", "waits", "poll_ms_first10", "poll_ms_last10", "logins"]
    print(table(keys, [[row[key] for key in keys] for row in rows]))
    path = write_json(args.out, "migration-wave", dict(machine=machine(), time_scale=args.time_scale, poll=args.poll, rows=rows))
    print(f"JSON: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
