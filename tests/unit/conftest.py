"""The unit tier (``make unit``): pure tests, no simulator, no child process, seconds in all.

A test here that asks for a simulator fixture (or carries a simulator marker) fails at set-up, and one that starts a
process (a simulator, ansible-playbook, ansible-galaxy, ...) fails where it starts it: such a test belongs in
tests/integration (``make integration``). This keeps the fast loop fast and its cost honest.
"""
from __future__ import annotations

import os
import subprocess

import pytest

SIMULATOR_FIXTURES = frozenset({"bigip_sim", "bigip_pair", "vcenter_sim", "vcenter_pair", "vcenter_both"})
SIMULATOR_MARKERS = ("bigip_sim", "vcenter_sim")


class UnitTierError(AssertionError):
    """A unit test tried to start a process or a simulator."""


# What ctypes.util.find_library runs to locate a shared library (ansible imports it): a library lookup, not a test's
# process. Everything else (a simulator, the venv's python, ansible-*, ...) is refused.
LIBRARY_LOOKUP = frozenset({"ldconfig", "gcc", "cc", "ld", "objdump"})


def _refuse(what: str):
    def refused(*args, **kwargs):
        raise UnitTierError(f"unit tests start no process ({what} {args[:1]}): move this test to tests/integration")
    return refused


_popen_init = subprocess.Popen.__init__


def _popen_library_lookup_only(self, args, *rest, **kwargs):
    argv = [args] if isinstance(args, (str, bytes, os.PathLike)) else list(args)
    program = os.path.basename(os.fsdecode(argv[0]).split()[0]) if argv else ""
    if program not in LIBRARY_LOOKUP:
        raise UnitTierError(f"unit tests start no process (subprocess.Popen {argv}): move this test to tests/integration")
    _popen_init(self, args, *rest, **kwargs)


@pytest.fixture(scope="module", autouse=True)
def _no_process_in_unit_tests():
    """Module-scoped so it is in place before the module's other fixtures run, and undone after the module (the
    integration tier may run in the same pytest session)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(subprocess.Popen, "__init__", _popen_library_lookup_only)
        for name in ("fork", "forkpty", "system", "execv", "execve"):
            if hasattr(os, name):
                patch.setattr(os, name, _refuse(f"os.{name}"))
        yield


def pytest_runtest_setup(item):
    wanted = SIMULATOR_FIXTURES.intersection(getattr(item, "fixturenames", ()))
    marked = [name for name in SIMULATOR_MARKERS if item.get_closest_marker(name)]
    if wanted or marked:
        raise UnitTierError(f"{item.nodeid} needs a simulator ({sorted(wanted) + marked}): it belongs in tests/integration")
