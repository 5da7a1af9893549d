# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The migration scheduler: state in, decisions out. No I/O, no clock of its own.

The state is plain data (JSON-serialisable, so the role can carry it from one wave to the next):

``config``   concurrency, threshold (percent), group (bool), timeout (s per VM), on_timeout
             (``settle`` or ``follow``), follow_timeout (s after ``timeout``), start_deadline (epoch
             seconds after which no VM starts, or None), wave (names this call may start, or None = all)
``order``    the VM names in the order given
``vms``      per name: status, remaining ``phases``, current ``phase``, ``task``, ``started`` (epoch of
             the first phase), ``done_phases``, ``progress``, ``strategy``, ``reason``, ``error``
``gtm_stage``  ``none``, ``cutover`` or ``all`` (what every GTM device holds)
``failure``  the first failure ``{vm, phase, fault, msg}`` or None; ``stopped`` why new starts stopped

VM statuses: ``waiting`` (not started), ``ready`` (a phase ended, the next one is due: it keeps its
slot only until the same decision starts that phase, also after a failure), ``active`` (a vSphere task runs), ``done``
(moved by this run), ``skipped`` (at the target before the run), ``failed``, ``timed_out`` (its
task outlived the deadline and keeps running in vSphere), ``interrupted`` (the run ended between two of its phases,
after another VM's failure: a rerun runs its remaining phase).

``decide(state, now)`` returns what to do now; ``apply(state, event, now)`` records what happened.
A driver loops: decide, act (GTM first, then starts), apply the outcomes, poll, apply, decide.
"""

from __future__ import annotations

import copy

STAGES = ("none", "cutover", "all")
MOVED = ("done", "skipped")
FINAL = ("done", "skipped", "failed", "timed_out")


def new_state(names, concurrency=2, threshold=50, timeout=3600, on_timeout="settle", follow_timeout=0, start_deadline=None,
              gtm_stage="none"):
    """A fresh state for the group ``names`` (every VM waiting, nothing planned yet)."""
    if len(set(names)) != len(names) or not names:
        raise ValueError(f"VM names must be unique and at least one: {names}")
    config = dict(concurrency=int(concurrency), threshold=float(threshold), group=len(names) > 1, timeout=float(timeout),
                  on_timeout=on_timeout, follow_timeout=float(follow_timeout), start_deadline=start_deadline, wave=None)
    vms = {name: dict(name=name, status="waiting", phases=[], phase=None, task=None, started=None, finished=None, done_phases=[],
                      progress=None, strategy=None, reason=None, error=None, overdue=False, timeline=[]) for name in names}
    return dict(config=config, order=list(names), vms=vms, gtm_stage=gtm_stage, failure=None, stopped=None)


def moved(state):
    return [name for name in state["order"] if state["vms"][name]["status"] in MOVED]


def wanted_stage(state):
    """The GTM stage the VMs' placement calls for: all (every VM at the target, or the single VM moved), cutover
    (a group whose moved share reached the threshold), else none."""
    total, count = len(state["order"]), len(moved(state))
    if count == total:
        return "all"
    if state["config"]["group"] and 100.0 * count >= state["config"]["threshold"] * total:
        return "cutover"
    return "none"


def _with(state, name, **changes):
    state["vms"][name].update(changes)


def _fail(state, name, phase, fault, msg):
    if state["failure"] is None:
        state["failure"] = dict(vm=name, phase=phase, fault=fault, msg=msg)
    state["stopped"] = state["stopped"] or "failure"


def apply(state, event, now):
    """A new state with ``event`` recorded. Events (dicts with ``kind``):

    planned(vm, phases, strategy, reason)     phases left for the VM; none = already at the target
    plan_failed(vm, fault, msg)               the VM cannot move (nothing started)
    started(vm, phase, task)                  the phase's vSphere task was created
    start_failed(vm, phase, fault, msg)       creating the task failed
    progress(vm, progress)                    a poll saw the task's progress
    ended(vm, ok, fault, msg)                 the task of the VM's current phase ended
    timed_out(vm)                             the VM is given up on (its task keeps running)
    interrupted(vm)                           the run ends with the VM between two phases (after another VM's failure)
    gtm(stage)                                every GTM device now holds ``stage``
    gtm_failed(stage, msg)                    GTM could not be brought to ``stage`` (devices left agreeing on the old one)
    window_closed()                           the change window allows no new VM
    """
    state = copy.deepcopy(state)
    kind, name = event["kind"], event.get("vm")
    if kind == "planned":
        phases = list(event["phases"])
        _with(state, name, phases=phases, strategy=event.get("strategy"), reason=event.get("reason"),
              status="waiting" if phases else ("skipped" if not state["vms"][name]["done_phases"] else "done"))
    elif kind == "plan_failed":
        _with(state, name, status="failed", error=dict(fault=event.get("fault"), msg=event["msg"]), finished=now)
        _fail(state, name, "plan", event.get("fault"), event["msg"])
    elif kind == "started":
        vm = state["vms"][name]
        phases = [p for p in vm["phases"] if p != event["phase"]]
        _with(state, name, status="active", phase=event["phase"], task=event["task"], phases=phases, progress=None,
              started=vm["started"] if vm["started"] is not None else now)
    elif kind == "start_failed":
        _with(state, name, status="failed", phase=event["phase"], error=dict(fault=event.get("fault"), msg=event["msg"]), finished=now)
        _fail(state, name, event["phase"], event.get("fault"), event["msg"])
    elif kind == "progress":
        _with(state, name, progress=event["progress"])
    elif kind == "ended":
        vm = state["vms"][name]
        timeline = vm.get("timeline", []) + ([event["record"]] if event.get("record") else [])
        vm["timeline"] = timeline
        if event["ok"]:
            done_phases = vm["done_phases"] + [vm["phase"]]
            if vm["phases"]:
                _with(state, name, status="ready", task=None, done_phases=done_phases, progress=None)
            else:
                _with(state, name, status="done", task=None, done_phases=done_phases, progress=100, finished=now)
        else:
            _with(state, name, status="failed", task=None, error=dict(fault=event.get("fault"), msg=event["msg"]), finished=now)
            _fail(state, name, vm["phase"], event.get("fault"), event["msg"])
    elif kind == "timed_out":
        vm = state["vms"][name]
        msg = (f"no end after {state['config']['timeout']:.0f} s" + (f" + {state['config']['follow_timeout']:.0f} s followed"
               if vm["overdue"] else "") + f" (task {vm['task']} at {vm['progress'] if vm['progress'] is not None else '?'} %); "
               "the vSphere task keeps running")
        _with(state, name, status="timed_out", error=dict(fault=None, msg=msg), finished=now)
        _fail(state, name, vm["phase"], None, msg)
    elif kind == "interrupted":
        _with(state, name, status="interrupted", finished=now)
    elif kind == "overdue":
        _with(state, name, overdue=True)
    elif kind == "gtm":
        state["gtm_stage"] = event["stage"]
    elif kind == "gtm_failed":
        state["gtm_failed"] = dict(stage=event["stage"], msg=event["msg"])
        _fail(state, None, "gtm", None, event["msg"])
    elif kind == "window_closed":
        state["stopped"] = state["stopped"] or "window"
    else:
        raise ValueError(f"unknown event {kind!r}")
    return state


def _deadline(state, vm):
    config = state["config"]
    return vm["started"] + config["timeout"] + (config["follow_timeout"] if config["on_timeout"] == "follow" else 0.0)


def decide(state, now):
    """What to do at ``now``: ``dict(gtm, overdue, timeouts, start, window_closed, finished, status)``.

    gtm            the stage to switch every GTM device to now, or None (never backwards: the moved count only grows)
    overdue        VMs past ``timeout`` still followed (``on_timeout=follow``), reported once
    timeouts       VMs to give up on now (their task keeps running)
    start          ``[(vm, phase)]`` to start now: VMs between two phases first, then waiting VMs into free slots
    window_closed  True when the change window closes at this decision
    finished       True when nothing runs and nothing more will start
    status         success, failed, stopped (window closed or wave ended with VMs left), or running
    """
    config, vms = state["config"], state["vms"]
    timeouts, overdue = [], []
    for name in state["order"]:
        vm = vms[name]
        if vm["status"] != "active":
            continue
        if now >= _deadline(state, vm):
            timeouts.append(name)
        elif now >= vm["started"] + config["timeout"] and not vm["overdue"]:
            overdue.append(name)
    stopping = state["stopped"] is not None or bool(timeouts)
    window_closed = False
    if not stopping and config["start_deadline"] is not None and now >= config["start_deadline"]:
        window_closed = any(vms[name]["status"] == "waiting" for name in _allowed(state))
        stopping = window_closed
    ready = [name for name in state["order"] if vms[name]["status"] == "ready"]
    active = [name for name in state["order"] if vms[name]["status"] == "active" and name not in timeouts]
    # A VM between its phases always gets its next phase, also after another VM's failure: left there it would run at the
    # source on disks across the WAN. Only VMs that have not started stay where they are.
    start = [(name, vms[name]["phases"][0]) for name in ready]
    if not stopping:
        free = config["concurrency"] - len(active) - len(ready)
        waiting = [name for name in _allowed(state) if vms[name]["status"] == "waiting" and vms[name]["phases"]]
        start += [(name, vms[name]["phases"][0]) for name in waiting[:max(free, 0)]]
    wanted = wanted_stage(state)
    gtm = wanted if STAGES.index(wanted) > STAGES.index(state["gtm_stage"]) and "gtm_failed" not in state else None
    running = bool(active) or bool(start)
    finished = not running
    if not finished:
        status = "running"
    elif state["failure"] is not None or timeouts:
        status = "failed"
    elif all(vms[name]["status"] in MOVED for name in state["order"]):
        status = "success"
    else:
        status = "stopped"
    return dict(gtm=gtm, overdue=overdue, timeouts=timeouts, start=start, window_closed=window_closed, finished=finished, status=status)


def _allowed(state):
    wave = state["config"]["wave"]
    return [name for name in state["order"] if wave is None or name in wave]


def left(state):
    """VMs neither at the target nor failed: not started (window closed, wave ended, stopped by a failure) or
    stopped between two phases."""
    return [name for name in state["order"] if state["vms"][name]["status"] not in FINAL]


def stranded(state):
    """VMs whose storage moved but whose compute did not (failed or stopped between the phases)."""
    return [name for name in state["order"] if "storage" in state["vms"][name]["done_phases"]
            and state["vms"][name]["status"] not in MOVED]
