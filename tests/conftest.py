"""Shared pytest set-up for the whole collection.

* Makes the repository importable as ``ansible_collections.longdistance.vmotion`` (a symlink
  in a temporary directory; the repo root *is* the collection root).
* ``run_module`` runs a module's ``main()`` in-process, exactly as Ansible would call it, and
  returns the result dict of ``exit_json`` / ``fail_json``.
* Simulator fixtures are imported from the simulators' own harness modules (sections below).
"""
from __future__ import annotations

import atexit
import importlib
import json
import os
import shutil
import sys
import tempfile

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _collection_root() -> str:
    root = tempfile.mkdtemp(prefix="ldv-collections-")
    atexit.register(shutil.rmtree, root, True)
    ns = os.path.join(root, "ansible_collections", "longdistance")
    os.makedirs(ns)
    os.symlink(REPO, os.path.join(ns, "vmotion"))
    return root


COLLECTIONS_ROOT = _collection_root()
# The collections scripts/bootstrap.sh installs (ansible.netcommon + ansible.utils for the BIG-IP hosts' httpapi
# connection, awx.awx): every ansible-playbook a test runs needs them beside this collection.
BOOTSTRAP_COLLECTIONS = os.path.join(REPO, ".venv", "collections")
COLLECTIONS_PATH = os.pathsep.join((COLLECTIONS_ROOT, BOOTSTRAP_COLLECTIONS))
sys.path.insert(0, COLLECTIONS_ROOT)
if REPO not in sys.path:
    sys.path.insert(0, REPO)
os.environ.setdefault("ANSIBLE_COLLECTIONS_PATH", COLLECTIONS_PATH)


class ModuleExit(Exception):
    """Raised in place of sys.exit() by exit_json/fail_json under run_module."""

    def __init__(self, result: dict):
        super().__init__(result)
        self.result = result


def run_module(name: str, args: dict, check_mode: bool = False, diff: bool = False) -> dict:
    """Run ``plugins/modules/<name>.py`` main() with ``args``; return its result dict.

    ``result['failed']`` is True when the module called fail_json.
    """
    from ansible.module_utils import basic
    from ansible.module_utils.testing import patch_module_args

    module = importlib.import_module(f"ansible_collections.longdistance.vmotion.plugins.modules.{name}")
    full_args = dict(args)
    full_args["_ansible_check_mode"] = check_mode
    full_args["_ansible_diff"] = diff
    full_args.setdefault("_ansible_remote_tmp", tempfile.gettempdir())
    full_args.setdefault("_ansible_keep_remote_files", False)

    def _exit(self, **kwargs):
        from ansible.module_utils.common.warnings import get_warning_messages

        kwargs.setdefault("changed", False)
        if get_warning_messages():
            kwargs["warnings"] = list(get_warning_messages())
        raise ModuleExit(json.loads(json.dumps(kwargs, default=str)))

    def _fail(self, msg, **kwargs):
        kwargs["failed"] = True
        kwargs["msg"] = msg
        raise ModuleExit(json.loads(json.dumps(kwargs, default=str)))

    from ansible.module_utils import _internal
    from ansible.module_utils.common import warnings

    warnings._global_warnings.clear()  # one module run's warnings only
    orig_exit, orig_fail = basic.AnsibleModule.exit_json, basic.AnsibleModule.fail_json
    basic.AnsibleModule.exit_json, basic.AnsibleModule.fail_json = _exit, _fail
    # A module runs in a process of its own, where module_utils are not on the controller. Once a test has imported
    # controller code (an action plugin), ansible-core marks this process as the controller and module warnings would go
    # to the display instead of the module's result; run the module as a module.
    was_controller, _internal.is_controller = _internal.is_controller, False
    try:
        with patch_module_args(full_args):
            module.main()
    except ModuleExit as done:
        return done.result
    finally:
        basic.AnsibleModule.exit_json, basic.AnsibleModule.fail_json = orig_exit, orig_fail
        _internal.is_controller = was_controller
    raise AssertionError(f"module {name} returned without exit_json/fail_json")


@pytest.fixture
def module_runner():
    return run_module


# --- simulated time (tests/_harness/clock.py): one clock for every tier ---
from tests._harness.clock import FakeClock  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture
def fake_clock() -> FakeClock:
    """A clock at 0 that sleeping advances at once; pass ``fake_clock.clock`` / ``fake_clock.sleep`` to a policy."""
    return FakeClock()


@pytest.fixture
def sim_time(monkeypatch, fake_clock) -> FakeClock:
    """``fake_clock`` in place of ``time`` in the client's retry policy (``_retry.time``)."""
    from ansible_collections.longdistance.vmotion.plugins.module_utils import _retry

    monkeypatch.setattr(_retry, "time", fake_clock)
    return fake_clock


# --- BIG-IP simulator fixtures (owned by tests/simulators/bigip/harness.py) ---
from tests.simulators.bigip.harness import (  # noqa: E402,F401  pylint: disable=unused-import,wrong-import-position
    _bigip_primary_process, _bigip_secondary_process, _bigip_workdir, bigip_pair, bigip_sim)

# --- vCenter simulator fixtures (owned by tests/simulators/vcenter/harness.py) ---
from tests.simulators.vcenter.harness import (  # noqa: E402,F401  pylint: disable=unused-import,wrong-import-position
    _vcenter_both_process, _vcenter_primary_process, _vcenter_secondary_process, _vcenter_workdir, vcenter_both, vcenter_pair,
    vcenter_sim)
