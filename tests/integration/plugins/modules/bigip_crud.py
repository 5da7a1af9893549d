"""Standard CRUD scenarios for BIG-IP modules, run against the ``bigip_sim`` simulator fixture.

A module's test file declares WHAT its standard cases look like with one ``Scenario`` and
inherits the cases it needs; the HOW (run the module, read the request log, peek at the device)
lives here once::

    from bigip_crud import CrudCases, Scenario, DeviceError

    class TestVlanCrud(CrudCases):
        scenario = Scenario(
            module="bigip_vlan",
            args={"name": "vmotion-vlan", "interfaces": [{"name": "1.14", "tagged": False}]},
            path="/mgmt/tm/net/vlan/~Common~vmotion-vlan",
            collection="/mgmt/tm/net/vlan",
            post_body={"name": "vmotion-vlan", "partition": "Common", "interfaces": [{"name": "1.14", "untagged": True}]},
            state={"fullPath": "/Common/vmotion-vlan"},
            result_key="vlan",
            update={"mtu": 9000},
            patch_body={"mtu": 9000},
            error=DeviceError(args={...}, message=("vmotion-vlan", "was not found")),
        )

Case groups (mix in what applies; a singleton that cannot be created or deleted uses
``UpdateCases`` only):

``CreateCases``  create -> exactly one POST with ``post_body`` and the object in ``state``;
                 a rerun makes zero writes; check-mode create makes zero writes and predicts
                 ``predicted`` (default: ``result``) in the result and ``diff.after``.
``UpdateCases``  from ``args`` applied, ``update`` sends exactly one PATCH with ``patch_body``
                 and reaches ``updated_state``; a rerun makes zero writes; check-mode update makes
                 zero writes and predicts ``update_after`` (default: ``update``) in ``diff.after``.
``DeleteCases``  ``state: absent`` sends one DELETE and the object is gone; a rerun and a
                 check-mode delete make zero writes.
``ErrorCases``   ``DeviceError``: the module fails, its message holds every string of
                 ``message`` (the object's name and the device's own text), nothing was written.
                 Prefer a real referential error; ``inject`` can arm a simulator fault instead.
``CrudCases``    all four.

"Writes" are POST/PUT/PATCH/DELETE under ``/mgmt/tm`` (the token login and logout under
``/mgmt/shared`` are not configuration writes; transaction POST/commit are). Helpers (``run``,
``run_ok``, ``Log``, ``absent``, ``subset``) are meant for a module's own extra tests too.

Test files import it as ``from bigip_crud import ...``: pytest puts this directory on
``sys.path`` because it has no ``__init__.py`` (keep it that way).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from tests.conftest import run_module
from tests.simulators.bigip.harness import SimulatorError

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
CONFIG_PREFIX = "/mgmt/tm"


# -- helpers for any BIG-IP module test ------------------------------------------------------------

def run(sim, module: str, args: dict, check_mode: bool = False, diff: bool = False) -> dict:
    """Run ``module`` against the simulator ``sim`` (connection options merged in)."""
    full = dict(sim.conn_args)
    full.update(args)
    return run_module(module, full, check_mode=check_mode, diff=diff)


def run_ok(sim, module: str, args: dict, check_mode: bool = False, diff: bool = False) -> dict:
    """``run`` and fail the test with the module's message when the module failed."""
    result = run(sim, module, args, check_mode=check_mode, diff=diff)
    assert not result.get("failed"), "%s failed: %s" % (module, result.get("msg"))
    return result


class Log:
    """The simulator's request log from the moment this object was made."""

    def __init__(self, sim):
        self.sim = sim
        self.start = len(sim.requests_log())

    def entries(self) -> list[dict]:
        """Every logged request since the mark."""
        return self.sim.requests_log()[self.start:]

    def writes(self) -> list[dict]:
        """Configuration writes sent since the mark."""
        return [e for e in self.entries() if e["method"] in WRITE_METHODS and e["path"].startswith(CONFIG_PREFIX)]

    def calls(self) -> list[tuple[str, str]]:
        """``(method, path)`` of every configuration call since the mark (for readable assertions)."""
        return [(e["method"], e["path"]) for e in self.entries() if e["path"].startswith(CONFIG_PREFIX)]

    def assert_no_writes(self):
        writes = self.writes()
        assert writes == [], "expected zero writes, got %s" % [(w["method"], w["path"], w.get("body")) for w in writes]

    def only_write(self, method: str, path: str) -> dict:
        """Assert exactly one write was sent, ``method path``; return its log entry."""
        writes = self.writes()
        assert [(w["method"], w["path"]) for w in writes] == [(method, path)], \
            "expected exactly %s %s, got %s" % (method, path, [(w["method"], w["path"], w.get("body")) for w in writes])
        return writes[0]


def absent(sim, path: str) -> bool:
    """True when the device has no object at ``path`` (the simulator's peek answers 404)."""
    try:
        sim.peek(path)
    except SimulatorError as exc:
        if ": 404 " in str(exc):
            return True
        raise
    return False


def subset(expected: dict, actual: dict | None, what: str = "object") -> None:
    """Assert every key of ``expected`` has that value in ``actual`` (other keys ignored)."""
    assert actual is not None, "%s: expected %s, got nothing" % (what, expected)
    wrong = {k: (v, actual.get(k, "<absent>")) for k, v in expected.items() if actual.get(k, "<absent>") != v}
    assert not wrong, "%s differs (expected, actual): %s" % (what, wrong)


# -- the declaration -------------------------------------------------------------------------------

@dataclass
class DeviceError:
    """One case where the device refuses the change: the module must fail with ``message`` parts."""

    args: dict
    message: tuple[str, ...]
    check_mode: bool = False
    inject: Callable | None = None          # inject(sim): e.g. a simulator fault, right before the run


@dataclass
class Scenario:
    """A module's standard cases. ``args`` exclude connection options (the fixture adds them)."""

    module: str
    args: dict
    path: str
    result_key: str
    collection: str | None = None           # POST target; None for singletons
    post_body: dict | None = None           # exact body of the create POST
    state: dict = field(default_factory=dict)          # subset of the device object after create / args applied
    result: dict = field(default_factory=dict)         # subset of result[result_key] after create
    predicted: dict | None = None           # subset of the check-mode create result (default: result)
    update: dict = field(default_factory=dict)         # options the update case changes
    patch_body: dict | None = None          # exact PATCH payload of the update
    updated_state: dict = field(default_factory=dict)  # subset of the device object after the update
    update_after: dict | None = None        # subset of diff.after of the update (default: update)
    delete_args: dict | None = None         # args for state=absent (default: args + state absent)
    setup: Callable | None = None           # setup(sim): prerequisites, before every case
    error: DeviceError | None = None

    def prepare(self, sim):
        if self.setup is not None:
            self.setup(sim)

    def updated_args(self) -> dict:
        args = dict(self.args)
        args.update(self.update)
        return args


class _Cases:
    scenario: Scenario


class CreateCases(_Cases):

    def test_create_sends_one_post(self, bigip_sim):
        sc = self.scenario
        sc.prepare(bigip_sim)
        assert absent(bigip_sim, sc.path), "%s exists before the create case" % sc.path
        log = Log(bigip_sim)
        result = run_ok(bigip_sim, sc.module, sc.args, diff=True)
        assert result["changed"] is True
        post = log.only_write("POST", sc.collection)
        if sc.post_body is not None:
            assert post["body"] == sc.post_body
        subset(sc.state, bigip_sim.peek(sc.path), sc.path)
        subset(sc.result, result[sc.result_key], "result %s" % sc.result_key)
        assert result["diff"]["before"] == {}

    def test_rerun_after_create_makes_no_writes(self, bigip_sim):
        sc = self.scenario
        sc.prepare(bigip_sim)
        run_ok(bigip_sim, sc.module, sc.args)
        log = Log(bigip_sim)
        result = run_ok(bigip_sim, sc.module, sc.args, diff=True)
        assert result["changed"] is False
        log.assert_no_writes()
        assert result["diff"]["before"] == result["diff"]["after"]
        subset(sc.result, result[sc.result_key], "result %s" % sc.result_key)

    def test_check_mode_create_predicts_and_writes_nothing(self, bigip_sim):
        sc = self.scenario
        sc.prepare(bigip_sim)
        log = Log(bigip_sim)
        result = run_ok(bigip_sim, sc.module, sc.args, check_mode=True, diff=True)
        assert result["changed"] is True
        log.assert_no_writes()
        assert absent(bigip_sim, sc.path)
        predicted = sc.result if sc.predicted is None else sc.predicted
        subset(predicted, result[sc.result_key], "predicted %s" % sc.result_key)
        subset(predicted, result["diff"]["after"], "diff.after")


class UpdateCases(_Cases):

    def _applied(self, sim):
        sc = self.scenario
        sc.prepare(sim)
        run_ok(sim, sc.module, sc.args)
        subset(sc.state, sim.peek(sc.path), sc.path)

    def test_update_sends_exact_patch(self, bigip_sim):
        sc = self.scenario
        self._applied(bigip_sim)
        log = Log(bigip_sim)
        result = run_ok(bigip_sim, sc.module, sc.updated_args(), diff=True)
        assert result["changed"] is True
        patch = log.only_write("PATCH", sc.path)
        assert patch["body"] == sc.patch_body
        subset(sc.updated_state, bigip_sim.peek(sc.path), sc.path)
        subset(sc.update if sc.update_after is None else sc.update_after, result["diff"]["after"], "diff.after")
        assert result["diff"]["before"] != result["diff"]["after"]

    def test_rerun_after_update_makes_no_writes(self, bigip_sim):
        sc = self.scenario
        self._applied(bigip_sim)
        run_ok(bigip_sim, sc.module, sc.updated_args())
        log = Log(bigip_sim)
        result = run_ok(bigip_sim, sc.module, sc.updated_args())
        assert result["changed"] is False
        log.assert_no_writes()

    def test_check_mode_update_predicts_and_writes_nothing(self, bigip_sim):
        sc = self.scenario
        self._applied(bigip_sim)
        before = bigip_sim.peek(sc.path)
        log = Log(bigip_sim)
        result = run_ok(bigip_sim, sc.module, sc.updated_args(), check_mode=True, diff=True)
        assert result["changed"] is True
        log.assert_no_writes()
        expected = sc.update if sc.update_after is None else sc.update_after
        subset(expected, result["diff"]["after"], "diff.after")
        subset(expected, result[sc.result_key], "predicted %s" % sc.result_key)
        after = bigip_sim.peek(sc.path)
        assert {k: after.get(k) for k in sc.updated_state} == {k: before.get(k) for k in sc.updated_state}


class DeleteCases(_Cases):

    def _delete_args(self):
        sc = self.scenario
        if sc.delete_args is not None:
            return sc.delete_args
        args = dict(sc.args)
        args["state"] = "absent"
        return args

    def test_delete_sends_one_delete(self, bigip_sim):
        sc = self.scenario
        sc.prepare(bigip_sim)
        run_ok(bigip_sim, sc.module, sc.args)
        log = Log(bigip_sim)
        result = run_ok(bigip_sim, sc.module, self._delete_args(), diff=True)
        assert result["changed"] is True
        log.only_write("DELETE", sc.path)
        assert absent(bigip_sim, sc.path)
        assert result["diff"]["after"] == {}
        assert result["diff"]["before"] != {}

    def test_delete_when_absent_makes_no_writes(self, bigip_sim):
        sc = self.scenario
        sc.prepare(bigip_sim)
        log = Log(bigip_sim)
        result = run_ok(bigip_sim, sc.module, self._delete_args())
        assert result["changed"] is False
        log.assert_no_writes()

    def test_check_mode_delete_writes_nothing(self, bigip_sim):
        sc = self.scenario
        sc.prepare(bigip_sim)
        run_ok(bigip_sim, sc.module, sc.args)
        log = Log(bigip_sim)
        result = run_ok(bigip_sim, sc.module, self._delete_args(), check_mode=True)
        assert result["changed"] is True
        log.assert_no_writes()
        assert not absent(bigip_sim, sc.path)


class ErrorCases(_Cases):

    def test_device_error_names_object_and_device_message(self, bigip_sim):
        sc = self.scenario
        assert sc.error is not None, "declare Scenario.error"
        sc.prepare(bigip_sim)
        log = Log(bigip_sim)
        if sc.error.inject is not None:
            sc.error.inject(bigip_sim)
        result = run(bigip_sim, sc.module, sc.error.args, check_mode=sc.error.check_mode)
        assert result.get("failed") is True, "expected a failure, got %s" % result
        for part in sc.error.message:
            assert part in result["msg"], "%r not in %r" % (part, result["msg"])
        accepted = [w for w in log.writes() if 200 <= w["status"] < 300]
        assert accepted == [], "the device accepted writes before the failure: %s" % accepted


class CrudCases(CreateCases, UpdateCases, DeleteCases, ErrorCases):
    """Every standard case: create, rerun, update, check mode, delete, one device error."""
