"""What the BIG-IP and vCenter simulator harnesses (tests/simulators/*/harness.py) share: the registry of running
simulator processes (all stopped when the interpreter exits), the primary/secondary pair, the session-scoped work
directory fixture (one CA per simulator kind) and the session-scoped process fixture body.

A simulator class here is a ``SimProcess`` with ``start()`` and ``reset()``.
"""
from __future__ import annotations

import atexit
import os
import subprocess
from dataclasses import dataclass
from typing import Any

import pytest

from tests.simulators import process

RUNNING: set = set()
"""Simulators started and not yet stopped (``start()`` adds, ``stop()`` discards)."""


@atexit.register
def stop_all() -> None:
    for sim in list(RUNNING):
        sim.stop()


class SimProcess:
    """The process lifecycle of a simulator: started with its password in the environment (never on the command line,
    visible in ps), ready when it prints its JSON ready line, stopped with SIGTERM then SIGKILL."""

    STOP_TIMEOUT = 10.0
    process: subprocess.Popen | None = None
    password: str

    def _launch(self, cmd: list, stderr_path: str, password_env: str, start_timeout: float, what: str, error) -> dict:
        """Start ``cmd``; return its ready line (on failure: stopped, ``error`` raised naming ``what``)."""
        with open(stderr_path, "ab") as stderr:
            self.process = subprocess.Popen(  # pylint: disable=consider-using-with  # lives until stop()
                cmd, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL, env=dict(os.environ, **{password_env: self.password}))
        RUNNING.add(self)
        return process.wait_ready(self.process, start_timeout, what, stderr_path, self.stop, error)

    def stop(self) -> None:
        if self.process is None:
            return
        process.terminate(self.process, self.STOP_TIMEOUT)
        self.process = None
        RUNNING.discard(self)
        self._stopped()

    def _stopped(self) -> None:
        """What a simulator class closes after its process (a client session)."""

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class SimPair:
    primary: Any
    secondary: Any


def workdir_fixture(name: str, what: str):
    """A session-scoped fixture ``name``: one directory (one CA) for all ``what`` simulators of the session."""
    def workdir(tmp_path_factory) -> str:
        return str(tmp_path_factory.mktemp(name.strip("_").replace("_workdir", "-sims")))
    workdir.__doc__ = "One directory (one CA) for all %s simulators of the session." % what
    return pytest.fixture(scope="session", name=name)(workdir)


def session_process(sim):
    """The body of a session-scoped process fixture: yields the started ``sim``, stops it at the session's end."""
    try:
        yield sim
    finally:
        sim.stop()


def fresh(sim, restart):
    """``sim`` as a test gets it: started again (``restart()``) if its process died, then reset."""
    if not sim.running:
        restart()
    sim.reset()
    return sim
