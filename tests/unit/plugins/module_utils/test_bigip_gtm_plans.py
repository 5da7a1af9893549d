"""Table tests of the GTM traffic plans (``_bigip/gtm.py``): ratio checks, cut-over ratios, the wide IP's pool list
after a task, and the member-ratio and pool-state writes, against an in-memory client (tests/_harness/fake_client.py).
"""
from __future__ import annotations

import pytest

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import gtm
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError
from tests._harness.fake_client import FakeClient

LABEL = "wide IP /Common/app.example.com"
LOCAL, REMOTE, DR = "/Common/Local_pool", "/Common/Remote_pool", "/Common/DR_pool"


def params(**values):
    base = {"partition": "Common", "ratios": None, "purge_pools": False, "all_to": None, "cutover": None, "member_ratios": None,
            "enable_pools": False, "disable_idle_pools": False}
    base.update(values)
    return base


# --- ratio_value ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,ratio", [(0, 0), (3, 3), ("7", 7), (2.0, 2), ("4294967295", gtm.RATIO_MAX)])
def test_ratio_value_accepts_whole_numbers_in_range(value, ratio):
    assert gtm.ratio_value("pool x", value) == ratio


@pytest.mark.parametrize("value", [-1, 1.5, "x", None, True, float("inf"), float("nan"), gtm.RATIO_MAX + 1, [1]])
def test_ratio_value_refuses_the_rest_naming_option_and_pool(value):
    with pytest.raises(ValidationError) as caught:
        gtm.ratio_value("pool /Common/web", value, "member_ratios")
    assert caught.value.msg.startswith("member_ratios: pool /Common/web: ratio must be a whole number of 0 or more (at most 4294967295), got ")


# --- cutover_ratios ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("others,percent,ratios", [
    ([REMOTE], 50, {LOCAL: 1, REMOTE: 1}),
    ([REMOTE], 100, {LOCAL: 1, REMOTE: 0}),
    ([REMOTE], 0, {LOCAL: 0, REMOTE: 1}),
    ([REMOTE], 75, {LOCAL: 3, REMOTE: 1}),
    ([REMOTE, DR], 50, {LOCAL: 2, REMOTE: 1, DR: 1}),
    ([REMOTE, DR], 80, {LOCAL: 8, REMOTE: 1, DR: 1}),
    ([], 100, {LOCAL: 1}),
])
def test_cutover_ratios_give_the_share_and_reduce_by_the_gcd(others, percent, ratios):
    assert gtm.cutover_ratios(LABEL, LOCAL, others, percent) == ratios


def test_a_lone_pool_cannot_get_part_of_the_traffic():
    with pytest.raises(ValidationError, match="pool /Common/Local_pool is its only pool and cannot get 50 % of the traffic"):
        gtm.cutover_ratios(LABEL, LOCAL, [], 50)


# --- wide_ip_pools / plan_ratios -------------------------------------------------------------------------------

def test_wide_ip_pools_in_order_as_full_paths():
    wide_ip = {"pools": [{"name": "Remote_pool", "partition": "Common", "order": 1, "ratio": 2},
                         {"name": "Local_pool", "partition": "Common", "order": 0},
                         {"name": "/Other/DR", "order": 2, "ratio": 0},
                         {"name": "sub_pool", "partition": "Tenant", "subPath": "app", "order": 3, "ratio": 5}]}
    assert gtm.wide_ip_pools(wide_ip) == [(LOCAL, 1), (REMOTE, 2), ("/Other/DR", 0), ("/Tenant/app/sub_pool", 5)]
    assert gtm.wide_ip_pools({}) == []


CURRENT = [(LOCAL, 1), (REMOTE, 1), (DR, 0)]


@pytest.mark.parametrize("case,values,planned", [
    ("ratios by name keep the order and the unnamed pools", params(ratios={"Remote_pool": 3}), [(LOCAL, 1), (REMOTE, 3), (DR, 0)]),
    ("ratios by full path", params(ratios={LOCAL: 0}), [(LOCAL, 0), (REMOTE, 1), (DR, 0)]),
    ("a new pool is appended", params(ratios={"New_pool": 2}), CURRENT + [("/Common/New_pool", 2)]),
    ("purge_pools keeps only the named", params(ratios={"DR_pool": 4, "Local_pool": 1}, purge_pools=True), [(LOCAL, 1), (DR, 4)]),
    ("all_to", params(all_to="Remote_pool"), [(LOCAL, 0), (REMOTE, 1), (DR, 0)]),
    ("cutover percent", params(cutover={"to": "Remote_pool", "percent": 50}), [(LOCAL, 1), (REMOTE, 2), (DR, 1)]),
], ids=lambda value: value if isinstance(value, str) else None)
def test_plan_ratios(case, values, planned):
    assert gtm.plan_ratios(values, LABEL, CURRENT) == planned


@pytest.mark.parametrize("values,message", [
    (params(ratios={"Local_pool": 1, LOCAL: 2}), r"ratios names a pool twice \(by name and by full path\)"),
    (params(all_to="Nowhere"), r"pool /Common/Nowhere is not one of its pools \(/Common/Local_pool, /Common/Remote_pool, /Common/DR_pool\)"),
    (params(ratios={"Local_pool": -1}), r"ratios: wide IP /Common/app.example.com pool Local_pool: ratio must be a whole number"),
])
def test_plan_ratios_refuses(values, message):
    with pytest.raises(ValidationError, match=message):
        gtm.plan_ratios(values, LABEL, CURRENT)


# --- read_pools / plan_members / plan_states -------------------------------------------------------------------

POOL_PATHS = {LOCAL: gtm.POOLS + "/~Common~Local_pool", REMOTE: gtm.POOLS + "/~Common~Remote_pool"}


def device(check_mode=False):
    local_members = POOL_PATHS[LOCAL] + "/members"
    return FakeClient({POOL_PATHS[LOCAL]: {"name": "Local_pool", "partition": "Common"},
                       POOL_PATHS[REMOTE]: {"name": "Remote_pool", "partition": "Common", "disabled": True},
                       local_members + "/~Common~vs1:dc1-server": {"name": "vs1:dc1-server", "partition": "Common", "ratio": 1},
                       local_members + "/~Common~vs2:dc1-server": {"name": "vs2:dc1-server", "partition": "Common", "ratio": 3}},
                      check_mode=check_mode, collections=[POOL_PATHS[REMOTE] + "/members"])


def test_read_pools_reads_each_pool_once_and_refuses_a_missing_one():
    fake = device()
    pools = gtm.read_pools(fake, [LOCAL, REMOTE])
    assert pools[REMOTE]["disabled"] is True and [c[1] for c in fake.calls] == [POOL_PATHS[LOCAL], POOL_PATHS[REMOTE]]
    with pytest.raises(ValidationError, match="GTM pool /Common/DR_pool does not exist on BIG-IP bigip-test"):
        gtm.read_pools(fake, [DR])


def test_plan_members_writes_only_the_changed_ratios_and_sends_nothing_itself():
    fake = device()
    before, after, writes = gtm.plan_members(fake, params(member_ratios={"Local_pool": {"vs1:dc1-server": 2, "/Common/vs2:dc1-server": 3}}), LABEL)
    assert before == {LOCAL: {"vs1:dc1-server": 1, "vs2:dc1-server": 3}}
    assert after == {LOCAL: {"vs1:dc1-server": 2, "vs2:dc1-server": 3}}
    assert writes == [(POOL_PATHS[LOCAL] + "/members/~Common~vs1:dc1-server", {"ratio": 2}, "GTM pool /Common/Local_pool member vs1:dc1-server")]
    assert fake.writes() == [], "plans only: the caller sends them (in one transaction)"


@pytest.mark.parametrize("member_ratios,message", [
    ({"Local_pool": {"vs9:dc1-server": 1}}, r"GTM pool /Common/Local_pool has no member vs9:dc1-server \(members: vs1:dc1-server, vs2:dc1-server\)"),
    ({"Remote_pool": {"x": 1}}, r"GTM pool /Common/Remote_pool has no member x \(members: none\)"),
    ({"DR_pool": {"x": 1}}, r"GTM pool /Common/DR_pool does not exist on BIG-IP bigip-test"),
    ({"Local_pool": {"vs1:dc1-server": 1.5}}, r"member_ratios: GTM pool /Common/Local_pool member vs1:dc1-server: ratio must be"),
])
def test_plan_members_refuses(member_ratios, message):
    with pytest.raises(ValidationError, match=message):
        gtm.plan_members(device(), params(member_ratios=member_ratios), LABEL)


POOLS_READ = {LOCAL: {"name": "Local_pool"}, REMOTE: {"name": "Remote_pool", "disabled": True}}


@pytest.mark.parametrize("enable,disable_idle,planned,enabled_after,writes", [
    (False, False, [(LOCAL, 0), (REMOTE, 1)], {LOCAL: True, REMOTE: False}, []),
    (True, False, [(LOCAL, 0), (REMOTE, 1)], {LOCAL: True, REMOTE: True}, [(POOL_PATHS[REMOTE], {"enabled": True}, "GTM pool /Common/Remote_pool")]),
    (False, True, [(LOCAL, 0), (REMOTE, 1)], {LOCAL: False, REMOTE: False}, [(POOL_PATHS[LOCAL], {"disabled": True}, "GTM pool /Common/Local_pool")]),
    (True, True, [(LOCAL, 0), (REMOTE, 1)], {LOCAL: False, REMOTE: True},
     [(POOL_PATHS[LOCAL], {"disabled": True}, "GTM pool /Common/Local_pool"), (POOL_PATHS[REMOTE], {"enabled": True}, "GTM pool /Common/Remote_pool")]),
    (True, True, [(LOCAL, 1), (REMOTE, 0)], {LOCAL: True, REMOTE: False}, []),
])
def test_plan_states(enable, disable_idle, planned, enabled_after, writes):
    assert gtm.plan_states(params(enable_pools=enable, disable_idle_pools=disable_idle), POOLS_READ, planned) == (enabled_after, writes)


@pytest.mark.parametrize("partition,path,key", [
    ("Common", LOCAL, "Local_pool"), ("Common", "/Other/DR", "/Other/DR"), ("Common", "/Common/app/pool", "/Common/app/pool"),
    ("Tenant", LOCAL, LOCAL), ("Tenant", "/Tenant/pool", "pool"),
])
def test_pool_key_is_the_bare_name_in_the_wide_ips_partition(partition, path, key):
    assert gtm.pool_key(partition)(path) == key
