"""The task waiter against scripted task states (queued -> running -> success/error), a fake clock and sleep."""
from __future__ import annotations

import datetime

import pytest
from pyVmomi import vim, vmodl

from tests._harness.clock import FakeClock

from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import TaskTimeoutError, VSphereError
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere.tasks import TaskWaiter, task_facts

T0 = datetime.datetime(2026, 11, 22, 3, 0, 0, tzinfo=datetime.timezone.utc)


def info(state, progress=None, error=None, started=None, completed=None):
    return vim.TaskInfo(key="task-7", task=vim.Task("task-7"), state=state, progress=progress, error=error, descriptionId="VirtualMachine.relocate",
                        entityName="web-01", queueTime=T0, startTime=started, completeTime=completed, cancelable=True, cancelled=False)


class ScriptedTask:
    """A task whose ``info`` walks through a script, one entry per read (the last one repeats)."""

    _moId = "task-7"

    def __init__(self, script):
        self.script = list(script)
        self.reads = 0

    @property
    def info(self):
        self.reads += 1
        return self.script.pop(0) if len(self.script) > 1 else self.script[0]


def waiter(clock, **kwargs):
    return TaskWaiter(clock=clock.clock, sleep=clock.sleep, **kwargs)


def test_waits_through_queued_and_running_to_success_and_records_progress():
    start, end = T0 + datetime.timedelta(seconds=30), T0 + datetime.timedelta(seconds=95)
    task = ScriptedTask([info("queued"), info("queued"), info("running", None, started=start), info("running", 40, started=start),
                         info("running", 40, started=start), info("running", 90, started=start), info("success", 100, started=start, completed=end)])
    clock = FakeClock(100.0)
    facts = waiter(clock, timeout=600, poll_interval=2.0).wait(task, what="relocation of web-01")
    assert task.reads == 7
    assert facts["state"] == "success" and facts["progress"] == 100
    assert facts["queue_seconds"] == 30.0 and facts["duration"] == 65.0
    assert facts["started"] == start.isoformat() and facts["completed"] == end.isoformat()
    # the history sees each change once, in order (the repeated 'running 40' is not recorded twice)
    assert [(h["state"], h["progress"]) for h in facts["history"]] == [("queued", None), ("running", None), ("running", 40), ("running", 90),
                                                                       ("success", 100)]
    # backoff: starts at 0.25 s, doubles, capped at poll_interval
    assert clock.sleeps == [0.25, 0.5, 1.0, 2.0, 2.0, 2.0]


def test_task_error_raises_vsphere_error_with_fault_type_and_msg():
    fault = vmodl.fault.InvalidArgument(msg="host esx-s1.lab.local cannot access datastore primary-ds1")
    task = ScriptedTask([info("running", 10), info("error", 10, error=fault)])
    with pytest.raises(VSphereError) as caught:
        waiter(FakeClock(100.0), timeout=60, poll_interval=1).wait(task, what="compute relocation of VM web-01")
    exc = caught.value
    assert exc.fault == "vmodl.fault.InvalidArgument"
    assert "compute relocation of VM web-01 failed (task task-7): host esx-s1.lab.local cannot access datastore primary-ds1" == exc.msg
    assert exc.details["task"] == "task-7" and exc.details["object"] == "web-01"


def test_fault_without_msg_falls_back_to_fault_messages_then_type():
    with_messages = vim.fault.Timedout(faultMessage=[vim.LocalizableMessage(key="k", message="vMotion timed out on the WAN")])
    facts = task_facts(ScriptedTask([]), info("error", error=with_messages))
    assert facts["error"] == {"fault": "vim.fault.Timedout", "msg": "vMotion timed out on the WAN"}
    facts = task_facts(ScriptedTask([]), info("error", error=vim.fault.VMotionLinkDown()))
    assert facts["error"] == {"fault": "vim.fault.VMotionLinkDown", "msg": "vim.fault.VMotionLinkDown"}


def test_timeout_raises_and_says_the_task_keeps_running():
    task = ScriptedTask([info("running", 5)])
    clock = FakeClock(100.0)
    with pytest.raises(TaskTimeoutError) as caught:
        waiter(clock, timeout=10, poll_interval=4).wait(task, what="storage relocation of VM web-02")
    assert "did not finish within 10 s" in caught.value.msg and "progress 5" in caught.value.msg
    assert caught.value.details["task"] == "task-7"
    assert sum(clock.sleeps) == pytest.approx(10.0)
    assert clock.now - 100.0 == pytest.approx(10.0)


def test_reads_go_through_the_given_read_guard():
    calls = []

    def read(func, what=None):
        calls.append(what)
        return func()

    task = ScriptedTask([info("success", 100, started=T0, completed=T0)])
    facts = TaskWaiter(read=read).wait(task)
    assert facts["state"] == "success" and calls == ["reading task task-7"]
