"""pyVmomi helpers shared by the vCenter simulator tests: find by name, wait for tasks."""
from __future__ import annotations

import time

from pyVmomi import vim


def find(si, vimtype, name: str):
    """The managed object of ``vimtype`` called ``name`` (AssertionError when absent)."""
    content = si.RetrieveContent()
    view = content.viewManager.CreateContainerView(content.rootFolder, [vimtype], True)
    try:
        matches = [obj for obj in view.view if obj.name == name]
    finally:
        view.Destroy()
    assert len(matches) == 1, f"expected one {vimtype.__name__} named {name}, found {len(matches)}"
    return matches[0]


def objects(si, vimtype) -> list:
    """Every managed object of ``vimtype`` in the inventory."""
    content = si.RetrieveContent()
    view = content.viewManager.CreateContainerView(content.rootFolder, [vimtype], True)
    try:
        return list(view.view)
    finally:
        view.Destroy()


def names(si, vimtype) -> list[str]:
    return sorted(obj.name for obj in objects(si, vimtype))


def host(si, name: str) -> vim.HostSystem:
    return find(si, vim.HostSystem, name)


def vm(si, name: str) -> vim.VirtualMachine:
    return find(si, vim.VirtualMachine, name)


def datastore(si, name: str) -> vim.Datastore:
    return find(si, vim.Datastore, name)


def vnic(host_obj, device: str):
    """The HostVirtualNic ``device`` from host.config.network."""
    return next((v for v in host_obj.config.network.vnic if v.device == device), None)


def wait(task, timeout: float = 30.0, poll: float = 0.02) -> list:
    """Wait for a task; return the observed (state, progress) samples. Raises the task's fault."""
    samples = []
    deadline = time.monotonic() + timeout
    while True:
        info = task.info
        samples.append((info.state, info.progress))
        if info.state == vim.TaskInfo.State.success:
            return samples
        if info.state == vim.TaskInfo.State.error:
            raise info.error
        if time.monotonic() > deadline:
            raise TimeoutError(f"task {info.key} still {info.state} after {timeout}s")
        time.sleep(poll)
