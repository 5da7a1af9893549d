"""What the BIG-IP and vCenter simulator harnesses (tests/simulators/*/harness.py) share: the registry of running
simulator processes (all stopped when the interpreter exits), the primary/secondary pair, the session-scoped work
directory fixture (one CA per simulator kind) and the session-scoped process fixture body.

A simulator class here is anything with ``start()``, ``stop()``, ``running`` and ``reset()``.
"""
from __future__ import annotations

import atexit
from dataclasses import dataclass
from typing import Any

import pytest

RUNNING: set = set()
"""Simulators started and not yet stopped (``start()`` adds, ``stop()`` discards)."""


@atexit.register
def stop_all() -> None:
    for sim in list(RUNNING):
        sim.stop()


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
