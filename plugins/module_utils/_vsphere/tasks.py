# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one vSphere task waiter (backoff polling, an overall timeout, the state/progress history, and
``VSphereError`` carrying the task's fault type and ``fault.msg`` when it fails), and ``TaskWatch``,
which waits for task state changes instead of polling (a migration wave's many tasks).

``task.info.error`` is the fault itself (pyvmomi unwraps LocalizedMethodFault): read ``.msg``,
never ``.localizedMessage``. ``task.info.progress`` is None while queued or just started.
"""

from __future__ import annotations

import math
import sys
import time

from .._errors import TaskTimeoutError, VSphereError
from .._retry import RetryPolicy

try:
    from pyVmomi import vim, vmodl
except ImportError:  # pragma: no cover - the session reports the missing library
    vim = vmodl = None

TERMINAL_STATES = ("success", "error")


def _iso(value):
    return value.isoformat() if value is not None else None


def _seconds(start, end):
    return round((end - start).total_seconds(), 3) if start is not None and end is not None else None


def fault_name(fault):
    """``vim.fault.InvalidLogin`` style name of a pyvmomi fault (or of any exception)."""
    return type(fault).__name__


def fault_text(fault):
    """vSphere's own text of a fault: ``msg``, else its fault messages, else the fault type."""
    text = getattr(fault, "msg", None)
    if not text:
        text = "; ".join(m.message for m in getattr(fault, "faultMessage", None) or [] if getattr(m, "message", None))
    return text or fault_name(fault)


def _entity_name(info):
    return info.entityName or (info.entity._moId if info.entity is not None else None)


def task_facts(task, info):
    """Plain-data summary of one ``vim.TaskInfo`` (what modules return and ``_info`` reports)."""
    error = info.error
    return dict(
        task=task._moId,
        key=info.key,
        description_id=info.descriptionId,
        entity=_entity_name(info),
        entity_moid=info.entity._moId if info.entity is not None else None,
        state=str(info.state),
        progress=info.progress,
        queued=_iso(info.queueTime),
        started=_iso(info.startTime),
        completed=_iso(info.completeTime),
        queue_seconds=_seconds(info.queueTime, info.startTime),
        duration=_seconds(info.startTime, info.completeTime),
        error=None if error is None else dict(fault=fault_name(error), msg=fault_text(error)),
    )


def task_error(facts, what):
    """The ``VSphereError`` for a task that ended in state ``error``."""
    error = facts["error"] or dict(fault=None, msg="no fault reported")
    return VSphereError(f"{what} failed (task {facts['task']}): {error['msg']}", fault=error["fault"], task=facts["task"],
                        obj=facts["entity"])


class TaskWaiter:
    """Poll tasks until they finish.

    timeout        seconds before ``TaskTimeoutError`` (the task itself keeps running in vSphere)
    poll_interval  longest pause between two polls; polling starts faster and backs off to it
    read           callable(func) that performs a read (the session's re-login guard)
    """

    def __init__(self, timeout=3600, poll_interval=5.0, read=None, clock=time.monotonic, sleep=time.sleep):
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.read = read or (lambda func, **kwargs: func())
        self.clock = clock
        self.sleep = sleep

    def poll(self, task):
        """Current facts of ``task`` (one property read)."""
        return task_facts(task, self.read(lambda: task.info, what=f"reading task {task._moId}"))

    def wait(self, task, what="task"):
        """Wait for ``task``; return its final facts plus ``history`` (state/progress changes).

        Raises ``VSphereError`` when the task fails and ``TaskTimeoutError`` when time runs out.
        """
        policy = RetryPolicy(attempts=sys.maxsize, deadline=self.timeout, base=min(0.25, self.poll_interval),
                             cap=self.poll_interval, clock=self.clock, sleep=self.sleep, jitter=lambda: 1.0)
        delays = policy.delays()
        start = self.clock()
        history, last = [], None
        while True:
            facts = self.poll(task)
            seen = (facts["state"], facts["progress"])
            if seen != last:
                last = seen
                history.append(dict(elapsed=round(self.clock() - start, 3), state=facts["state"], progress=facts["progress"]))
            if facts["state"] in TERMINAL_STATES:
                facts["history"] = history
                if facts["state"] == "error":
                    raise task_error(facts, what)
                return facts
            delay = next(delays, None)
            if delay is None:
                raise TaskTimeoutError(f"{what} did not finish within {self.timeout:.0f} s (task {facts['task']} is {facts['state']}, "
                                       f"progress {facts['progress']}); it keeps running in vSphere", task=facts["task"],
                                       obj=facts["entity"])
            self.sleep(delay)


class TaskWatch:
    """Wait for running tasks to change state instead of polling them (what govc and pyVmomi's ``WaitForTasks`` do).

    A property collector of the session's own (``CreatePropertyCollector``: its filters are this watch's alone) with
    one filter per watched task on ``info.state``. ``wait(seconds)`` returns as soon as a watched task changes state
    (queued -> running -> success/error), or after ``seconds`` (``maxWaitSeconds``, whole seconds, at least 1): a
    finished task is seen within one ``WaitForUpdatesEx`` round trip, not up to one polling interval later.
    ``watch``/``forget`` as tasks start and end, so a wait costs the same however many tasks already ended.
    """

    def __init__(self, session):
        self.session = session
        self.collector = None
        self.filters = {}
        self.version = ""

    def open(self):
        pc = vmodl.query.PropertyCollector
        self.collector = self.session.call(self.session.content.propertyCollector.CreatePropertyCollector,
                                           what="creating a property collector for the migration tasks")
        # Version "" answers at once with the current state; maxWaitSeconds 0 = one calculation, no waiting.
        result = self.session.call(self.collector.WaitForUpdatesEx, "", pc.WaitOptions(maxWaitSeconds=0), what="reading task updates")
        self.version = result.version if result is not None else ""
        return self

    def watch(self, task):
        pc = vmodl.query.PropertyCollector
        spec = pc.FilterSpec(objectSet=[pc.ObjectSpec(obj=task, skip=False)],
                             propSet=[pc.PropertySpec(type=vim.Task, pathSet=["info.state"])])
        self.filters[task._moId] = self.session.call(self.collector.CreateFilter, spec, True, what=f"watching task {task._moId}")

    def forget(self, task):
        watched = self.filters.pop(task._moId, None)
        if watched is not None:
            self.session.call(watched.DestroyPropertyFilter, what=f"forgetting task {task._moId}")

    def wait(self, seconds):
        """MoIDs of the watched tasks whose state changed, after at most ``seconds`` (an empty list when none did)."""
        options = vmodl.query.PropertyCollector.WaitOptions(maxWaitSeconds=max(1, int(math.ceil(seconds))))
        result = self.session.call(self.collector.WaitForUpdatesEx, self.version, options, what="waiting for task updates")
        if result is None:
            return []
        self.version = result.version
        return [update.obj._moId for filter_set in result.filterSet or [] for update in filter_set.objectSet or []]

    def close(self):
        if self.collector is not None:
            collector, self.collector, self.filters = self.collector, None, {}
            try:
                self.session.call(collector.DestroyPropertyCollector, what="destroying the task property collector")
            except Exception:  # pylint: disable=broad-except  # best effort: the session's logout drops it anyway
                pass
