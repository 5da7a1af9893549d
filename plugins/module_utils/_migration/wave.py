# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run one wave of a group migration: the scheduler's decisions carried out against vCenter and GTM.

One session per vCenter for the whole wave (opened by the caller). Each VM is read and planned once
(``relocate.plan``); its phases are started with ``RelocateVM_Task``. Between polls the wave waits for the
running tasks' state changes (``TaskWatch``: ``WaitForUpdatesEx`` with the poll interval as its longest
wait), so a task's end is seen at once and its slot refilled at once, while the progress line still
prints at the poll interval. Every poll reads the ``info`` of all running tasks in ONE property-collector
call, so a poll costs the same however many VMs already finished. GTM switches through
``gtm_apply(device, stage)`` the moment the scheduler asks for it.

GTM devices never stay disagreeing: a device whose switch fails is retried; when it still fails,
the devices already switched are set back to what they held before, and every write actually applied
(rolled back or not) is recorded in ``state['gtm_changes']``.
"""

from __future__ import annotations

import time

from .._errors import LongDistanceError, VSphereError
from .._vsphere import placement, relocate
from .._vsphere.tasks import TaskWatch, task_facts, fault_text, fault_name
from . import scheduler

try:
    from pyVmomi import vim, vmodl
except ImportError:  # pragma: no cover - the session reports the missing library
    vim = vmodl = None

PHASE_KEYS = ("task", "state", "progress", "queued", "started", "completed", "queue_seconds", "duration", "error")


def _iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


class GtmSwitchError(LongDistanceError):
    """A GTM device refused a switch (its own error text in the message)."""


def gtm_module_args(stage, wide_ip, target_pool, cutover_percent=100, restore=None):
    """bigip_gtm_ratio options (connection options aside) that bring one device to ``stage``.

    cutover   new clients to ``target_pool`` (``cutover_percent``), both pools enabled for the stragglers
    all       every client to ``target_pool``, the idle pool disabled
    rollback  the ratios of ``restore`` (what the device held before), idle pools disabled again
    """
    args = dict(wide_ip=wide_ip, enable_pools=True)
    if stage == "rollback":
        args.update(ratios=restore["ratios"], disable_idle_pools=True)
    elif stage == "cutover":
        args.update(cutover=dict(to=target_pool, percent=cutover_percent))
    elif stage == "all":
        args.update(all_to=target_pool, disable_idle_pools=True)
    else:
        raise ValueError(f"unknown GTM stage {stage!r}")
    return args


class Wave:
    """One wave.

    source, dest   connected ``Session`` objects (``dest`` is ``source`` for a move inside one vCenter)
    targets        ``relocate.plan`` parameters shared by every VM (cluster_name, datastore, network_mapping, strategy, ...)
    state          a scheduler state (``scheduler.new_state``, or the state a previous wave returned)
    gtm_devices    names handed to ``gtm_apply``; ``gtm_apply(device, stage, restore=None)`` returns the bigip_gtm_ratio result
                   (``restore``: the ratios/enabled states to put back) or raises
    progress       callable(line) for one line per poll and one per event
    events         wait for task state changes between polls (True); False: sleep between polls (the fallback the wave
                   also takes when vCenter refuses the property collector, or when tasks run on both vCenters)
    """

    def __init__(self, source, dest, targets, state, gtm_devices=(), gtm_apply=None, progress=None, poll_interval=5.0,
                 gtm_attempts=3, gtm_retry_delay=2.0, check_mode=False, clock=time.time, sleep=time.sleep, vm_ids=None,
                 events=True):
        self.source, self.dest, self.targets = source, dest, targets
        self.state = state
        self.state.setdefault("gtm_changes", [])
        self.state.setdefault("polls", 0)
        self.gtm_devices, self.gtm_apply = list(gtm_devices), gtm_apply
        self.say = progress or (lambda line: None)
        self.poll_interval, self.gtm_attempts, self.gtm_retry_delay = poll_interval, gtm_attempts, gtm_retry_delay
        self.check_mode, self.clock, self.sleep = check_mode, clock, sleep
        self.vm_ids = vm_ids or {}
        self.vms = {}    # name -> dict(session, obj, plan, specs, tasks)
        self._seen = {}  # name + task -> (time, progress) when first polled
        self.started = clock()
        self.events, self.watch = events and not check_mode, None

    # --- events ------------------------------------------------------------------------------
    def _event(self, kind, **fields):
        self.state = scheduler.apply(self.state, dict(fields, kind=kind), self.clock())
        vm = fields.get("vm")
        if vm is not None and kind != "progress":
            entry = self.state["vms"][vm]
            self.say(f"{vm}: {entry['status']}" + (f" {entry['phase']}" if entry["status"] == "active" else "")
                     + (f" ({entry['error']['msg']})" if entry["error"] and entry["status"] in ("failed", "timed_out") else ""))

    # --- planning ----------------------------------------------------------------------------
    def plan(self, names):
        """Read and plan each VM once; VMs already at the target become ``skipped``."""
        for name in names:
            entry = self.state["vms"][name]
            if entry["status"] in scheduler.FINAL:
                continue
            params = dict(self.targets, name=None if self.vm_ids.get(name) else name, moid=self.vm_ids.get(name), uuid=None,
                          use_instance_uuid=False)
            try:
                vm_session, vm = placement.locate_vm(self.source, self.dest, params)
                planned, seen = relocate.plan(self.dest, vm_session, vm, params)
                before = seen["placement"]
            except (LongDistanceError, VSphereError) as exc:
                self._event("plan_failed", vm=name, fault=getattr(exc, "fault", None), msg=exc.msg)
                continue
            phases = [phase for phase, _spec in planned["phases"]]
            self.vms[name] = dict(session=vm_session, obj=vm, plan=planned, specs=dict(planned["phases"]), tasks={})
            if entry.get("placement_before") is None:
                self.state["vms"][name]["placement_before"] = before
            self.state["vms"][name]["placement"] = before if not phases else self.state["vms"][name].get("placement", before)
            self._event("planned", vm=name, phases=phases, strategy=planned["strategy"], reason=self._why(planned, phases))
            if self.check_mode:
                self.state["vms"][name]["planned_phases"] = phases

    def _why(self, planned, phases):
        if planned["fallback_reason"]:
            return planned["fallback_reason"]
        if not phases:
            return "already at the target"
        if planned["strategy"] == "combined":
            return "strategy combined requested"
        if phases[0] == "storage":
            return "the source host sees the target datastore (cross-mounted): disks first, then memory"
        return "the disks are already on the target datastore: memory only"

    # --- GTM ---------------------------------------------------------------------------------
    def _record(self, device, stage, result, reason, rolled_back=False, rollback_of=None):
        change = dict(time=_iso(self.clock()), device=device, stage=stage, reason=reason, changed=bool(result.get("changed")),
                      ratios_before=result.get("ratios_before"), ratios_after=result.get("ratios_after"),
                      enabled_before=result.get("enabled_before"), enabled_after=result.get("enabled_after"),
                      percent_after=result.get("percent_after"), rolled_back=rolled_back)
        if rollback_of:
            change["rollback_of"] = rollback_of
        self.state["gtm_changes"].append(change)
        return change

    def switch_gtm(self, stage):
        """Bring every GTM device to ``stage`` or, failing that, every device back to where it was."""
        moved = scheduler.moved(self.state)
        reason = f"{len(moved)}/{len(self.state['order'])} VMs at the target"
        applied = []
        for device in self.gtm_devices:
            error = None
            for attempt in range(1, self.gtm_attempts + 1):
                try:
                    result = self.gtm_apply(device, stage)
                    applied.append((device, self._record(device, stage, result, reason)))
                    self.say(f"GTM {device}: {stage} ({result.get('ratios_before')} -> {result.get('ratios_after')})")
                    error = None
                    break
                except LongDistanceError as exc:
                    error = exc
                    self.say(f"GTM {device}: switch to {stage} failed (attempt {attempt}/{self.gtm_attempts}): {exc.msg}")
                    if attempt < self.gtm_attempts:
                        self.sleep(self.gtm_retry_delay)
            if error is not None:
                rolled = self._roll_back(applied, stage)
                msg = (f"GTM device {device} refused the switch to stage {stage} after {self.gtm_attempts} attempt(s): {error.msg}; "
                       + (f"rolled back {', '.join(rolled)} to their previous ratios" if rolled else "no other device had switched")
                       + f"; every GTM device stays at stage {self.state['gtm_stage']}")
                self._event("gtm_failed", stage=stage, msg=msg)
                self.say(msg)
                return False
        self._event("gtm", stage=stage)
        return True

    def _roll_back(self, applied, stage):
        rolled = []
        for device, change in reversed(applied):
            if not change["changed"]:
                continue
            restore = dict(ratios=change["ratios_before"], enabled=change["enabled_before"])
            for attempt in range(1, self.gtm_attempts + 1):
                try:
                    result = self.gtm_apply(device, "rollback", restore=restore)
                    change["rolled_back"] = True
                    self._record(device, "rollback", result, f"device {device} switched to {stage} but another GTM device refused",
                                 rollback_of=stage)
                    rolled.append(device)
                    break
                except LongDistanceError as exc:
                    self.say(f"GTM {device}: rollback failed (attempt {attempt}/{self.gtm_attempts}): {exc.msg}")
                    if attempt < self.gtm_attempts:
                        self.sleep(self.gtm_retry_delay)
            else:
                self.state.setdefault("gtm_disagreeing", []).append(device)
        return rolled

    # --- vSphere -----------------------------------------------------------------------------
    def _start(self, name, phase):
        vm = self.vms[name]
        what = f"{phase} relocation of VM {name}"
        try:
            task = vm["session"].start_task(vm["obj"], "RelocateVM_Task", vm["specs"][phase],
                                            f"{self.targets.get('priority') or 'default'}Priority", what=what)
        except (LongDistanceError, VSphereError) as exc:
            self._event("start_failed", vm=name, phase=phase, fault=getattr(exc, "fault", None), msg=exc.msg)
            return
        vm["tasks"][phase] = task
        self._event("started", vm=name, phase=phase, task=task._moId)
        if self.watch is not None and vm["session"] is self.watch.session:
            self._watching(self.watch.watch, task)

    # --- waiting for task events -----------------------------------------------------------------
    def _watching(self, action, *args):
        """Run a ``TaskWatch`` call; when vCenter refuses it, say so and poll from now on (nothing is lost: polls decide)."""
        try:
            return action(*args)
        except (LongDistanceError, VSphereError) as exc:
            self.say(f"waiting for task events failed ({exc.msg}); polling every {self.poll_interval:g} s instead")
            watch, self.watch, self.events = self.watch, None, False
            if watch is not None:
                watch.close()
            return None

    def _open_watch(self):
        if self.events and self.watch is None:
            self.watch = TaskWatch(self.source)
            self._watching(self.watch.open)

    def _close_watch(self):
        if self.watch is not None:
            self.watch.close()
            self.watch = None

    def _wait(self, facts):
        """Until the next poll: a state change of a running task, or the poll interval (sleeping when not watching)."""
        active = [self.vms[name]["session"] for name in self.state["order"] if self.state["vms"][name]["status"] == "active"]
        if self.watch is not None and all(session is self.watch.session for session in active):
            if self._watching(self.watch.wait, self.poll_interval) is not None:
                return
        self.sleep(self._pause(facts))

    def _poll(self):
        """Facts of every running task, in one property-collector read on the source vCenter."""
        active = [name for name in self.state["order"] if self.state["vms"][name]["status"] == "active"]
        if not active:
            return {}
        by_session = {}
        for name in active:
            vm = self.vms[name]
            by_session.setdefault(id(vm["session"]), (vm["session"], []))[1].append((name, vm["tasks"][self.state["vms"][name]["phase"]]))
        facts = {}
        for session, items in by_session.values():
            pc = vmodl.query.PropertyCollector
            spec = pc.FilterSpec(objectSet=[pc.ObjectSpec(obj=task, skip=False) for _name, task in items],
                                 propSet=[pc.PropertySpec(type=vim.Task, pathSet=["info"])])
            result = session.call(session.content.propertyCollector.RetrievePropertiesEx, [spec], pc.RetrieveOptions(),
                                  what="reading the migration tasks")
            infos = {}
            while result is not None:
                infos.update({item.obj._moId: item.propSet[0].val for item in result.objects})
                if not result.token:
                    break
                result = session.call(session.content.propertyCollector.ContinueRetrievePropertiesEx, result.token,
                                      what="reading the migration tasks")
            for name, task in items:
                info = infos.get(task._moId)
                if info is not None:
                    facts[name] = task_facts(task, info)
        self.state["polls"] += 1
        return facts

    def _absorb(self, facts):
        changed = False
        for name, fact in facts.items():
            entry = self.state["vms"][name]
            record = dict(phase=entry["phase"], **{key: fact.get(key) for key in PHASE_KEYS})
            if fact["state"] in ("success", "error") and self.watch is not None:
                self._watching(self.watch.forget, self.vms[name]["tasks"][entry["phase"]])
            if fact["state"] == "success":
                self._event("ended", vm=name, ok=True, record=record)
                if self.state["vms"][name]["status"] == "done":
                    self._final_placement(name)
                changed = True
            elif fact["state"] == "error":
                error = fact["error"] or dict(fault=None, msg="no fault reported")
                done = self.state["vms"][name]["done_phases"]
                note = f" (its {'+'.join(done)} phase had completed: the disks are on the target datastore)" if done else ""
                self._event("ended", vm=name, ok=False, fault=error["fault"],
                            msg=f"{entry['phase']} relocation of VM {name} failed (task {fact['task']}): {error['msg']}{note}",
                            record=record)
                changed = True
            elif fact["progress"] != entry["progress"]:
                self._event("progress", vm=name, progress=fact["progress"])
        return changed

    def _final_placement(self, name):
        vm = self.vms[name]
        try:
            self.state["vms"][name]["placement"] = placement.final_placement(vm["session"], self.dest, vm["obj"], vm["plan"], finished=True)
        except (LongDistanceError, VSphereError) as exc:
            self.state["vms"][name]["placement"] = dict(self.state["vms"][name].get("placement") or {}, note=f"not read back: {exc.msg}")

    def _pause(self, facts):
        """Seconds until the next poll: ``poll_interval``, or less when a task is expected to end sooner (its progress rate so
        far), so a finished VM's slot and a due GTM switch wait a fraction of a poll interval, not a whole one."""
        now, soonest = self.clock(), self.poll_interval
        for name, fact in facts.items():
            seen = self._seen.setdefault(name + fact["task"], (now, fact["progress"] or 0))
            progress = fact["progress"] or 0
            if progress > seen[1] and now > seen[0]:
                rate = (progress - seen[1]) / (now - seen[0])
                soonest = min(soonest, (100 - progress) / rate)
        return max(min(soonest, self.poll_interval), min(self.poll_interval, 0.1))

    def table(self):
        """One progress line: every VM that is not waiting, the moved count and the GTM stage."""
        vms, cells = self.state["vms"], []
        for name in self.state["order"]:
            vm = vms[name]
            if vm["status"] == "active":
                cells.append(f"{name} {vm['phase']} " + (f"{vm['progress']}%" if vm['progress'] is not None else "queued"))
            elif vm["status"] not in ("waiting", "skipped"):
                cells.append(f"{name} {vm['status']}")
        waiting = sum(1 for name in self.state["order"] if vms[name]["status"] == "waiting")
        return (f"[{self.clock() - self.started:6.1f} s] " + (" | ".join(cells) or "nothing running")
                + f" | waiting {waiting} | moved {len(scheduler.moved(self.state))}/{len(self.state['order'])}"
                + f" | GTM {self.state['gtm_stage']}")

    # --- the loop ----------------------------------------------------------------------------
    def run(self):
        """Run until the scheduler says finished; returns the final decision."""
        self._open_watch()
        try:
            return self._loop()
        finally:
            self._close_watch()

    def _loop(self):
        while True:
            decision = scheduler.decide(self.state, self.clock())
            if decision["gtm"] and not self.check_mode:
                self.switch_gtm(decision["gtm"])
                continue
            for name in decision["overdue"]:
                self._event("overdue", vm=name)
                self.say(f"{name}: past the timeout, still followed (on_timeout=follow)")
            for name in decision["timeouts"]:
                self._event("timed_out", vm=name)
            if decision["window_closed"]:
                self._event("window_closed")
                self.say("change window closed: no new VM starts; running migrations finish")
            for name, phase in decision["start"]:
                self._start(name, phase)
            if decision["timeouts"] or decision["window_closed"] or decision["start"]:
                continue
            if decision["finished"] or self.check_mode:
                for name in self.state["order"]:
                    if self.state["vms"][name]["status"] == "ready":
                        self._event("interrupted", vm=name)
                return decision
            facts = self._poll()
            changed = self._absorb(facts)
            self.say(self.table())
            if not changed:
                self._wait(facts)


def session_error_text(exc):
    """vSphere's own text for an exception that is not one of ours."""
    return fault_text(exc) if vmodl is not None and isinstance(exc, vmodl.MethodFault) else f"{fault_name(exc)}: {exc}"
