"""Table tests of the migration scheduler: every transition, state in -> decision out, no simulator."""
from __future__ import annotations

import pytest

from ansible_collections.longdistance.vmotion.plugins.module_utils._migration import scheduler as s

SF = ["storage", "compute"]


def group(n=4, concurrency=2, threshold=50, **kwargs):
    names = [f"web-{i:02d}" for i in range(1, n + 1)]
    state = s.new_state(names, concurrency=concurrency, threshold=threshold, **kwargs)
    for name in names:
        state = s.apply(state, dict(kind="planned", vm=name, phases=SF, strategy="storage_first", reason="cross-mounted"), 0)
    return state


def run(state, *events, now=0):
    for event in events:
        kind, vm, *rest = event
        fields = dict(kind=kind, vm=vm)
        if kind == "started":
            fields.update(phase=rest[0], task=f"task-{vm}-{rest[0]}")
        elif kind == "ended":
            fields.update(ok=rest[0], fault=None if rest[0] else "MigrationFault", msg="" if rest[0] else "link down")
        state = s.apply(state, fields, now)
    return state


def start_and_end(state, vm, phases=None):
    for phase in SF if phases is None else phases:
        state = run(state, ("started", vm, phase), ("ended", vm, True))
    return state


# --- starts and slots --------------------------------------------------------------------------

@pytest.mark.parametrize("concurrency, expected", [(1, ["web-01"]), (2, ["web-01", "web-02"]), (8, ["web-01", "web-02", "web-03", "web-04"])])
def test_first_decision_fills_the_slots_in_order(concurrency, expected):
    decision = s.decide(group(concurrency=concurrency), 0)
    assert decision["start"] == [(vm, "storage") for vm in expected]
    assert decision["gtm"] is None and not decision["finished"] and decision["status"] == "running"


def test_vm_between_phases_starts_its_next_phase_before_waiting_vms():
    state = run(group(), ("started", "web-01", "storage"), ("started", "web-02", "storage"), ("ended", "web-02", True))
    assert s.decide(state, 1)["start"] == [("web-02", "compute")], "the ready VM keeps its slot only until this decision"


def test_a_finished_vm_frees_its_slot_at_once():
    state = run(group(), ("started", "web-01", "storage"), ("started", "web-02", "storage"))
    state = run(state, ("ended", "web-02", True), ("started", "web-02", "compute"), ("ended", "web-02", True))
    assert state["vms"]["web-02"]["status"] == "done"
    assert s.decide(state, 2)["start"] == [("web-03", "storage")]


def test_combined_vm_is_one_phase():
    state = s.new_state(["a", "b"])
    state = s.apply(state, dict(kind="planned", vm="a", phases=["relocate"], strategy="combined", reason="no shared datastore"), 0)
    state = s.apply(state, dict(kind="planned", vm="b", phases=["relocate"], strategy="combined", reason="no shared datastore"), 0)
    assert s.decide(state, 0)["start"] == [("a", "relocate"), ("b", "relocate")]
    state = run(state, ("started", "a", "relocate"), ("ended", "a", True))
    assert state["vms"]["a"]["status"] == "done" and state["vms"]["a"]["strategy"] == "combined"


# --- GTM ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n, threshold, moved_before_cutover", [(4, 50, 2), (4, 75, 3), (4, 100, 4), (5, 50, 3), (3, 34, 2), (3, 33, 1)])
def test_cutover_exactly_when_the_moved_count_reaches_the_threshold(n, threshold, moved_before_cutover):
    state = group(n=n, threshold=threshold, concurrency=n)
    for index in range(1, n + 1):
        state = start_and_end(state, f"web-{index:02d}")
        wanted = s.decide(state, index)["gtm"]
        if index < moved_before_cutover:
            assert wanted is None, f"{index}/{n} moved is below {threshold} %"
        elif index == moved_before_cutover and index < n:
            assert wanted == "cutover", f"{index}/{n} reaches {threshold} %"
            state = s.apply(state, dict(kind="gtm", stage="cutover"), index)
        elif index == n:
            assert wanted == "all"
        else:
            assert wanted is None, "already at cutover"


def test_single_vm_goes_straight_to_all():
    state = s.new_state(["web-01"])
    state = s.apply(state, dict(kind="planned", vm="web-01", phases=SF, strategy="storage_first", reason=""), 0)
    state = start_and_end(state, "web-01", ["storage"])
    assert s.decide(state, 1)["gtm"] is None, "storage moved is not moved"
    state = start_and_end(state, "web-01", [])
    state = run(state, ("started", "web-01", "compute"), ("ended", "web-01", True))
    assert s.decide(state, 2)["gtm"] == "all"


def test_vms_already_moved_align_gtm_before_anything_starts():
    state = s.new_state(["a", "b", "c", "d"])
    for name, phases in (("a", []), ("b", []), ("c", SF), ("d", SF)):
        state = s.apply(state, dict(kind="planned", vm=name, phases=phases, strategy="storage_first", reason=""), 0)
    assert [state["vms"][n]["status"] for n in "abcd"] == ["skipped", "skipped", "waiting", "waiting"]
    decision = s.decide(state, 0)
    assert decision["gtm"] == "cutover" and decision["start"] == [("c", "storage"), ("d", "storage")]


def test_all_already_moved_is_success_with_gtm_all():
    state = s.new_state(["a", "b"])
    for name in "ab":
        state = s.apply(state, dict(kind="planned", vm=name, phases=[], strategy="storage_first", reason=""), 0)
    decision = s.decide(state, 0)
    assert decision == dict(gtm="all", overdue=[], timeouts=[], start=[], window_closed=False, finished=True, status="success")
    state = s.apply(state, dict(kind="gtm", stage="all"), 0)
    assert s.decide(state, 0)["gtm"] is None


# --- failures -------------------------------------------------------------------------------------

def test_first_vm_fails_nothing_new_starts_the_running_one_finishes_gtm_stays():
    state = run(group(), ("started", "web-01", "storage"), ("started", "web-02", "storage"), ("ended", "web-01", False))
    assert state["failure"]["vm"] == "web-01" and state["failure"]["phase"] == "storage"
    decision = s.decide(state, 1)
    assert decision["start"] == [] and not decision["finished"] and decision["gtm"] is None
    state = run(state, ("ended", "web-02", True))
    decision = s.decide(state, 2)
    assert decision["start"] == [("web-02", "compute")], "a VM between its phases finishes its move (not left on disks across the WAN)"
    state = run(state, ("started", "web-02", "compute"), ("ended", "web-02", True))
    decision = s.decide(state, 3)
    assert decision["start"] == [] and decision["finished"] and decision["status"] == "failed" and decision["gtm"] is None
    assert s.left(state) == ["web-03", "web-04"] and s.stranded(state) == []


def test_failure_after_the_cutover_keeps_the_cutover_and_all_never_comes():
    state = group(concurrency=4)
    for name in ("web-01", "web-02"):
        state = start_and_end(state, name)
    state = s.apply(state, dict(kind="gtm", stage="cutover"), 1)
    state = run(state, ("started", "web-03", "storage"), ("ended", "web-03", False))
    decision = s.decide(state, 2)
    assert decision["gtm"] is None and decision["finished"] and decision["status"] == "failed"
    assert state["gtm_stage"] == "cutover"


def test_failure_below_the_threshold_then_running_vm_reaches_it_gtm_still_follows():
    state = run(group(concurrency=2), ("started", "web-01", "storage"), ("ended", "web-01", True), ("started", "web-01", "compute"),
                ("started", "web-02", "storage"), ("ended", "web-02", False))
    state = run(state, ("ended", "web-01", True))
    assert s.decide(state, 1)["gtm"] is None, "1/4 moved"
    state4 = group(n=2, concurrency=2)
    state4 = run(state4, ("started", "web-01", "relocate"), ("started", "web-02", "relocate"), ("ended", "web-02", False))
    state4["vms"]["web-01"]["phases"] = []
    state4 = run(state4, ("ended", "web-01", True))
    assert s.decide(state4, 1)["gtm"] == "cutover", "the failed VM's partner still moved: GTM follows where the VMs are"


def test_storage_moved_compute_failed_is_failed_and_stranded():
    state = run(group(n=2), ("started", "web-01", "storage"), ("ended", "web-01", True), ("started", "web-01", "compute"),
                ("ended", "web-01", False))
    vm = state["vms"]["web-01"]
    assert vm["status"] == "failed" and vm["done_phases"] == ["storage"] and state["failure"]["phase"] == "compute"
    assert s.stranded(state) == ["web-01"] and "web-01" not in s.moved(state)


def test_plan_failure_stops_before_anything_moves():
    state = s.new_state(["a", "b"])
    state = s.apply(state, dict(kind="plan_failed", vm="a", fault=None, msg="VM name 'a' is ambiguous"), 0)
    state = s.apply(state, dict(kind="planned", vm="b", phases=SF, strategy="storage_first", reason=""), 0)
    decision = s.decide(state, 0)
    assert decision["start"] == [] and decision["finished"] and decision["status"] == "failed"


def test_start_failure_is_the_failure():
    state = s.apply(group(n=2), dict(kind="start_failed", vm="web-01", phase="storage", fault="InvalidArgument", msg="no"), 0)
    assert state["failure"] == dict(vm="web-01", phase="storage", fault="InvalidArgument", msg="no")
    assert s.decide(state, 0)["start"] == []


def test_gtm_failure_stops_new_starts_and_is_not_retried_by_the_scheduler():
    state = run(group(concurrency=4), ("started", "web-03", "storage"))
    for name in ("web-01", "web-02"):
        state = start_and_end(state, name)
    assert s.decide(state, 1)["gtm"] == "cutover"
    state = s.apply(state, dict(kind="gtm_failed", stage="cutover", msg="bigip-secondary refused"), 1)
    decision = s.decide(state, 1)
    assert decision["gtm"] is None and decision["start"] == [] and state["gtm_stage"] == "none"
    assert state["failure"]["phase"] == "gtm"


# --- time -----------------------------------------------------------------------------------------

def test_timeout_settle_gives_up_and_stops():
    state = run(group(timeout=100), ("started", "web-01", "storage"), ("started", "web-02", "storage"), now=10)
    assert s.decide(state, 109)["timeouts"] == []
    decision = s.decide(state, 110)
    assert decision["timeouts"] == ["web-01", "web-02"] and decision["start"] == []
    state = s.apply(state, dict(kind="timed_out", vm="web-01"), 110)
    state = s.apply(state, dict(kind="timed_out", vm="web-02"), 110)
    assert "keeps running" in state["vms"]["web-01"]["error"]["msg"]
    decision = s.decide(state, 111)
    assert decision["finished"] and decision["status"] == "failed"


def test_timeout_follow_keeps_following_to_the_second_deadline():
    state = run(group(n=2, timeout=100, on_timeout="follow", follow_timeout=50), ("started", "web-01", "storage"), now=0)
    decision = s.decide(state, 100)
    assert decision["overdue"] == ["web-01"] and decision["timeouts"] == [] and decision["start"] == [("web-02", "storage")]
    state = s.apply(state, dict(kind="overdue", vm="web-01"), 100)
    assert s.decide(state, 120)["overdue"] == []
    assert s.decide(state, 150)["timeouts"] == ["web-01"]
    state = run(state, ("ended", "web-01", True), now=140)
    assert state["vms"]["web-01"]["status"] == "ready", "finished inside the second deadline: it continues"


def test_change_window_starts_no_new_vm_but_running_ones_continue():
    state = run(group(start_deadline=50), ("started", "web-01", "storage"), ("started", "web-02", "storage"), now=0)
    state = run(state, ("ended", "web-01", True), now=60)
    decision = s.decide(state, 60)
    assert decision["window_closed"] and decision["start"] == [("web-01", "compute")]
    state = s.apply(state, dict(kind="window_closed"), 60)
    state = run(state, ("started", "web-01", "compute"), ("ended", "web-01", True), ("ended", "web-02", True),
                ("started", "web-02", "compute"), ("ended", "web-02", True), now=70)
    decision = s.decide(state, 70)
    assert decision["start"] == [] and decision["finished"] and decision["status"] == "stopped"
    assert decision["gtm"] == "cutover", "2/4 moved: GTM consistent with where the VMs are"
    assert s.left(state) == ["web-03", "web-04"]


def test_waves_start_only_the_vms_of_the_wave():
    state = group(concurrency=4)
    state["config"]["wave"] = ["web-01", "web-02"]
    assert s.decide(state, 0)["start"] == [("web-01", "storage"), ("web-02", "storage")]
    for name in ("web-01", "web-02"):
        state = start_and_end(state, name)
    decision = s.decide(state, 1)
    assert decision["finished"] and decision["status"] == "stopped" and decision["gtm"] == "cutover"
    state["config"]["wave"] = ["web-03", "web-04"]
    assert s.decide(state, 2)["start"] == [("web-03", "storage"), ("web-04", "storage")]


def test_interrupted_vm_is_left_and_stranded():
    state = run(group(n=2), ("started", "web-01", "storage"), ("ended", "web-01", True))
    state = s.apply(state, dict(kind="interrupted", vm="web-01"), 1)
    assert state["vms"]["web-01"]["status"] == "interrupted"
    assert s.left(state) == ["web-01", "web-02"] and s.stranded(state) == ["web-01"]


def test_state_is_not_mutated_by_apply():
    state = group(n=1)
    s.apply(state, dict(kind="started", vm="web-01", phase="storage", task="task-1"), 0)
    assert state["vms"]["web-01"]["status"] == "waiting"


def test_unknown_event_and_bad_group_are_refused():
    with pytest.raises(ValueError):
        s.apply(group(n=1), dict(kind="teleported"), 0)
    with pytest.raises(ValueError):
        s.new_state(["a", "a"])
