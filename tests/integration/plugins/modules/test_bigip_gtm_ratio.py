"""bigip_gtm_ratio against the BIG-IP simulator: the migration traffic switch.

Every case builds the lab's GTM (data centers, servers, ``Local_pool`` and the disabled
``Remote_pool``, wide IP ``vmhttp.siterequest.com``) with the collection's own modules, then
checks the requests sent (one transaction, exact bodies) and the device state read back with
``peek``.
"""
from __future__ import annotations

import pytest
from ansible.module_utils.common.warnings import get_warning_messages

from bigip_crud import Log, run, run_ok

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.gtm import cutover_ratios

pytestmark = pytest.mark.bigip_sim

WIDE_IP = "vmhttp.siterequest.com"
WIDE_IP_PATH = "/mgmt/tm/gtm/wideip/a/~Common~vmhttp.siterequest.com"
POOL_PATH = "/mgmt/tm/gtm/pool/a/~Common~%s"
MEMBER_PATH = "/mgmt/tm/gtm/pool/a/~Common~Remote_pool/members/~Common~Remote-BIG-IP:vmhttp_vs"
SITES = (("Local", "10.133.39.250", "10.133.39.51:80"), ("Remote", "10.133.40.250", "10.133.40.51:80"))


def build_lab(sim, local_ratio=1, remote_ratio=0, lb_mode="ratio"):
    for site, address, destination in SITES:
        run_ok(sim, "bigip_gtm_datacenter", {"name": site})
        run_ok(sim, "bigip_gtm_server", {"name": "%s-BIG-IP" % site, "datacenter": site, "addresses": [{"address": address}],
                                         "virtual_servers": [{"name": "vmhttp_vs", "destination": destination}]})
        run_ok(sim, "bigip_gtm_pool", {"name": "%s_pool" % site, "enabled": site == "Local",
                                       "members": [{"server": "%s-BIG-IP" % site, "virtual_server": "vmhttp_vs"}]})
    run_ok(sim, "bigip_gtm_wide_ip", {"name": WIDE_IP, "pool_lb_mode": lb_mode,
                                      "pools": [{"name": "Local_pool", "ratio": local_ratio}, {"name": "Remote_pool", "ratio": remote_ratio}]})


def device_ratios(sim):
    return [(p["name"], p["order"], p["ratio"]) for p in sim.peek(WIDE_IP_PATH)["pools"]]


def pool_enabled(sim, pool):
    return not sim.peek(POOL_PATH % pool).get("disabled", False)


def ratio(args, check_mode=False, sim=None):
    return run_ok(sim, "bigip_gtm_ratio", dict(args, wide_ip=WIDE_IP), check_mode=check_mode, diff=True)


def config_writes(log):
    """(method, path, body) of the configuration writes, transaction calls included."""
    return [(w["method"], w["path"], w.get("body")) for w in log.writes()]


def assert_one_transaction(log, *commands):
    """The writes are: open a transaction, exactly ``commands`` (method, path, body) queued in it, commit it."""
    writes = config_writes(log)
    assert writes[0][:2] == ("POST", "/mgmt/tm/transaction"), writes
    assert writes[1:-1] == list(commands)
    method, path, body = writes[-1]
    assert method == "PATCH" and path.startswith("/mgmt/tm/transaction/") and body["state"] == "VALIDATING", writes[-1]
    trans_id = int(path.rsplit("/", 1)[1])
    assert [w["transaction"] for w in log.writes()] == [None] + [trans_id] * len(commands) + [None]
    assert all(w["status"] == 200 for w in log.writes())


# -- the two changes F5's bigip_gtm_wide_ip is known to miss ---------------------------------------

def test_swapping_ratios_between_two_pools_is_detected_and_applied(bigip_sim):
    build_lab(bigip_sim, local_ratio=7, remote_ratio=3)
    log = Log(bigip_sim)
    result = ratio({"ratios": {"Local_pool": 3, "Remote_pool": 7}}, sim=bigip_sim)
    assert result["changed"] is True
    body = {"pools": [{"name": "/Common/Local_pool", "order": 0, "ratio": 3}, {"name": "/Common/Remote_pool", "order": 1, "ratio": 7}]}
    assert_one_transaction(log, ("PATCH", WIDE_IP_PATH, body))
    assert device_ratios(bigip_sim) == [("Local_pool", 0, 3), ("Remote_pool", 1, 7)]
    assert result["ratios_before"] == {"Local_pool": 7, "Remote_pool": 3}
    assert result["ratios_after"] == {"Local_pool": 3, "Remote_pool": 7}


def test_removing_a_pool_is_detected_and_applied(bigip_sim):
    build_lab(bigip_sim, local_ratio=1, remote_ratio=1)
    log = Log(bigip_sim)
    result = ratio({"ratios": {"Local_pool": 1}, "purge_pools": True}, sim=bigip_sim)
    assert result["changed"] is True
    assert_one_transaction(log, ("PATCH", WIDE_IP_PATH, {"pools": [{"name": "/Common/Local_pool", "order": 0, "ratio": 1}]}))
    assert device_ratios(bigip_sim) == [("Local_pool", 0, 1)]
    assert result["ratios_after"] == {"Local_pool": 1}
    assert result["percent_after"] == {"Local_pool": 100.0}
    assert run_ok(bigip_sim, "bigip_gtm_ratio", {"wide_ip": WIDE_IP, "ratios": {"Local_pool": 1}, "purge_pools": True})["changed"] is False


# -- cut-over ------------------------------------------------------------------------------------

@pytest.mark.parametrize("percent, local, remote", [(50, 1, 1), (70, 3, 7), (100, 0, 1), (0, 1, 0)])
def test_cutover_percent_math_reaches_the_device(bigip_sim, percent, local, remote):
    build_lab(bigip_sim)
    result = ratio({"cutover": {"to": "Remote_pool", "percent": percent}, "enable_pools": True}, sim=bigip_sim)
    assert result["ratios_after"] == {"Local_pool": local, "Remote_pool": remote}
    assert device_ratios(bigip_sim) == [("Local_pool", 0, local), ("Remote_pool", 1, remote)]
    assert result["percent_after"]["Remote_pool"] == float(percent)


@pytest.mark.parametrize("percent, others, expected", [
    (50, ["b"], {"a": 1, "b": 1}),
    (70, ["b"], {"a": 7, "b": 3}),
    (100, ["b"], {"a": 1, "b": 0}),
    (0, ["b"], {"a": 0, "b": 1}),
    (50, ["b", "c"], {"a": 2, "b": 1, "c": 1}),
    (33, ["b", "c"], {"a": 66, "b": 67, "c": 67}),
    (100, [], {"a": 1}),
])
def test_cutover_ratios_are_reduced_by_their_gcd(percent, others, expected):
    assert cutover_ratios("wide IP w", "a", others, percent) == expected


def test_first_cutover_enables_the_remote_pool_in_the_same_transaction(bigip_sim):
    build_lab(bigip_sim)
    assert not pool_enabled(bigip_sim, "Remote_pool")
    log = Log(bigip_sim)
    result = ratio({"cutover": {"to": "Remote_pool", "percent": 50}, "enable_pools": True}, sim=bigip_sim)
    body = {"pools": [{"name": "/Common/Local_pool", "order": 0, "ratio": 1}, {"name": "/Common/Remote_pool", "order": 1, "ratio": 1}]}
    assert_one_transaction(log, ("PATCH", WIDE_IP_PATH, body), ("PATCH", POOL_PATH % "Remote_pool", {"enabled": True}))
    assert pool_enabled(bigip_sim, "Remote_pool")
    assert result["enabled_before"] == {"Local_pool": True, "Remote_pool": False}
    assert result["enabled_after"] == {"Local_pool": True, "Remote_pool": True}
    assert result["percent_after"] == {"Local_pool": 50.0, "Remote_pool": 50.0}
    assert result["diff"]["before"]["enabled"] == {"Local_pool": True, "Remote_pool": False}


def test_repeated_cutover_sends_zero_writes(bigip_sim):
    build_lab(bigip_sim)
    args = {"cutover": {"to": "Remote_pool", "percent": 70}, "enable_pools": True}
    ratio(args, sim=bigip_sim)
    log = Log(bigip_sim)
    result = ratio(args, sim=bigip_sim)
    assert result["changed"] is False
    log.assert_no_writes()
    assert result["ratios_before"] == result["ratios_after"] == {"Local_pool": 3, "Remote_pool": 7}
    assert result["diff"]["before"] == result["diff"]["after"]


def test_all_to_disables_the_idle_pool(bigip_sim):
    build_lab(bigip_sim, local_ratio=1, remote_ratio=1)
    log = Log(bigip_sim)
    result = ratio({"all_to": "Remote_pool", "enable_pools": True, "disable_idle_pools": True}, sim=bigip_sim)
    body = {"pools": [{"name": "/Common/Local_pool", "order": 0, "ratio": 0}, {"name": "/Common/Remote_pool", "order": 1, "ratio": 1}]}
    assert_one_transaction(log, ("PATCH", WIDE_IP_PATH, body),
                           ("PATCH", POOL_PATH % "Local_pool", {"disabled": True}),
                           ("PATCH", POOL_PATH % "Remote_pool", {"enabled": True}))
    assert not pool_enabled(bigip_sim, "Local_pool") and pool_enabled(bigip_sim, "Remote_pool")
    assert result["percent_after"] == {"Local_pool": 0.0, "Remote_pool": 100.0}


def test_lb_mode_is_set_to_ratio(bigip_sim):
    build_lab(bigip_sim, lb_mode="round-robin")
    log = Log(bigip_sim)
    result = ratio({"ratios": {"Local_pool": 1, "Remote_pool": 0}}, sim=bigip_sim)
    assert_one_transaction(log, ("PATCH", WIDE_IP_PATH, {"poolLbMode": "ratio"}))
    assert bigip_sim.peek(WIDE_IP_PATH)["poolLbMode"] == "ratio"
    assert result["diff"]["before"]["pool_lb_mode"] == "round-robin"


def test_member_ratios_go_into_the_same_transaction(bigip_sim):
    build_lab(bigip_sim)
    log = Log(bigip_sim)
    result = ratio({"cutover": {"to": "Remote_pool", "percent": 50}, "member_ratios": {"Remote_pool": {"Remote-BIG-IP:vmhttp_vs": 4}}},
                   sim=bigip_sim)
    body = {"pools": [{"name": "/Common/Local_pool", "order": 0, "ratio": 1}, {"name": "/Common/Remote_pool", "order": 1, "ratio": 1}]}
    assert_one_transaction(log, ("PATCH", WIDE_IP_PATH, body), ("PATCH", MEMBER_PATH, {"ratio": 4}))
    assert bigip_sim.peek(MEMBER_PATH)["ratio"] == 4
    assert result["member_ratios_before"] == {"Remote_pool": {"Remote-BIG-IP:vmhttp_vs": 1}}
    assert result["member_ratios_after"] == {"Remote_pool": {"Remote-BIG-IP:vmhttp_vs": 4}}


def test_failed_commit_leaves_the_device_untouched(bigip_sim):
    """The member ratio is refused by the device at commit: the wide IP must keep its old ratios."""
    build_lab(bigip_sim)
    result = run(bigip_sim, "bigip_gtm_ratio", {"wide_ip": WIDE_IP, "cutover": {"to": "Remote_pool", "percent": 50}, "enable_pools": True,
                                                "member_ratios": {"Remote_pool": {"Remote-BIG-IP:vmhttp_vs": 1000}}})
    assert result["failed"] is True
    assert "GTM wide IP /Common/vmhttp.siterequest.com: the device refused the change, nothing was applied" in result["msg"]
    assert "transaction failed" in result["msg"] and "ratio" in result["msg"]
    assert device_ratios(bigip_sim) == [("Local_pool", 0, 1), ("Remote_pool", 1, 0)]
    assert not pool_enabled(bigip_sim, "Remote_pool")
    assert bigip_sim.peek(MEMBER_PATH)["ratio"] == 1


# -- failures before any write, check mode ------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    ({"ratios": {"Local_pool": 1, "Nope_pool": 1}}, "GTM pool /Common/Nope_pool does not exist"),
    ({"cutover": {"to": "Nope_pool", "percent": 50}}, "pool /Common/Nope_pool is not one of its pools"),
    ({"all_to": "Nope_pool"}, "pool /Common/Nope_pool is not one of its pools"),
    ({"ratios": {"Local_pool": 1}, "member_ratios": {"Remote_pool": {"Remote-BIG-IP:other_vs": 2}}},
     "GTM pool /Common/Remote_pool has no member Remote-BIG-IP:other_vs"),
    ({"ratios": {"Local_pool": 0, "Remote_pool": 0}}, "at least one pool needs a ratio above 0"),
    ({"ratios": {"Local_pool": -1}}, "ratio must be a whole number of 0 or more"),
    ({"cutover": {"to": "Remote_pool", "percent": 120}}, "cutover percent must be 0 to 100"),
    ({"all_to": "Remote_pool", "purge_pools": True}, "purge_pools only applies with ratios"),
    ({"ratios": {"Local_pool": 1, "/Common/Local_pool": 2}}, "ratios names a pool twice"),
    ({"ratios": {"Local_pool": "many"}}, "ratio must be a whole number"),
    ({"ratios": {"Local_pool": 1}, "member_ratios": {"Remote_pool": 3}}, "must be a dict of member name to ratio"),
])
def test_bad_requests_fail_before_any_write(bigip_sim, args, message):
    build_lab(bigip_sim)
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_gtm_ratio", dict(args, wide_ip=WIDE_IP))
    assert result["failed"] is True
    assert message in result["msg"], result["msg"]
    log.assert_no_writes()
    assert device_ratios(bigip_sim) == [("Local_pool", 0, 1), ("Remote_pool", 1, 0)]


def test_missing_wide_ip_fails_cleanly(bigip_sim):
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_gtm_ratio", {"wide_ip": "nowhere.example.com", "all_to": "Local_pool"})
    assert result["failed"] is True
    assert "GTM wide IP /Common/nowhere.example.com does not exist" in result["msg"]
    log.assert_no_writes()


def test_exactly_one_way_of_giving_ratios(bigip_sim):
    result = run(bigip_sim, "bigip_gtm_ratio", {"wide_ip": WIDE_IP, "all_to": "Local_pool", "ratios": {"Local_pool": 1}})
    assert result["failed"] is True and "mutually exclusive" in result["msg"]
    result = run(bigip_sim, "bigip_gtm_ratio", {"wide_ip": WIDE_IP})
    assert result["failed"] is True and "one of the following is required" in result["msg"]


def test_check_mode_predicts_ratios_with_zero_writes(bigip_sim):
    build_lab(bigip_sim)
    log = Log(bigip_sim)
    result = ratio({"cutover": {"to": "Remote_pool", "percent": 70}, "enable_pools": True}, check_mode=True, sim=bigip_sim)
    assert result["changed"] is True
    log.assert_no_writes()
    assert result["ratios_after"] == {"Local_pool": 3, "Remote_pool": 7}
    assert result["enabled_after"] == {"Local_pool": True, "Remote_pool": True}
    assert result["percent_after"] == {"Local_pool": 30.0, "Remote_pool": 70.0}
    assert result["diff"]["after"]["ratios"] == {"Local_pool": 3, "Remote_pool": 7}
    assert device_ratios(bigip_sim) == [("Local_pool", 0, 1), ("Remote_pool", 1, 0)]
    assert not pool_enabled(bigip_sim, "Remote_pool")


def test_traffic_to_a_disabled_pool_is_reported_as_zero_percent_with_a_warning(bigip_sim):
    build_lab(bigip_sim)
    seen = len(get_warning_messages())  # run_module stops at exit_json, before Ansible adds warnings to the result
    result = ratio({"all_to": "Remote_pool"}, sim=bigip_sim)
    assert result["percent_after"] == {"Local_pool": 0.0, "Remote_pool": 0.0}
    assert result["enabled_after"] == {"Local_pool": True, "Remote_pool": False}
    assert any("no enabled pool has a ratio above 0" in w for w in get_warning_messages()[seen:])


def test_a_pool_named_in_ratios_is_appended_to_the_wide_ip(bigip_sim):
    build_lab(bigip_sim)
    run_ok(bigip_sim, "bigip_gtm_pool", {"name": "Spare_pool"})
    log = Log(bigip_sim)
    result = ratio({"ratios": {"Spare_pool": 2}}, sim=bigip_sim)
    body = {"pools": [{"name": "/Common/Local_pool", "order": 0, "ratio": 1}, {"name": "/Common/Remote_pool", "order": 1, "ratio": 0},
                      {"name": "/Common/Spare_pool", "order": 2, "ratio": 2}]}
    assert_one_transaction(log, ("PATCH", WIDE_IP_PATH, body))
    assert device_ratios(bigip_sim)[-1] == ("Spare_pool", 2, 2)
    assert result["enabled_before"] == {"Local_pool": True, "Remote_pool": False}
    assert result["enabled_after"] == {"Local_pool": True, "Remote_pool": False, "Spare_pool": True}


def test_a_whole_migration_sequence_with_a_rerun_at_every_step(bigip_sim):
    """The migrate role's stages: read (check mode), 50 % cut-over, all to the target, roll back; each rerun is a no-op."""
    build_lab(bigip_sim)
    read = ratio({"cutover": {"to": "Remote_pool", "percent": 50}}, check_mode=True, sim=bigip_sim)
    stages = [
        ({"cutover": {"to": "Remote_pool", "percent": 50}, "enable_pools": True}, [("Local_pool", 0, 1), ("Remote_pool", 1, 1)], (True, True)),
        ({"all_to": "Remote_pool", "enable_pools": True, "disable_idle_pools": True}, [("Local_pool", 0, 0), ("Remote_pool", 1, 1)],
         (False, True)),
        ({"ratios": read["ratios_before"], "enable_pools": True}, [("Local_pool", 0, 1), ("Remote_pool", 1, 0)], (True, True)),
    ]
    for args, ratios, enabled in stages:
        assert ratio(args, sim=bigip_sim)["changed"] is True
        assert device_ratios(bigip_sim) == ratios
        assert (pool_enabled(bigip_sim, "Local_pool"), pool_enabled(bigip_sim, "Remote_pool")) == enabled
        log = Log(bigip_sim)
        assert ratio(args, sim=bigip_sim)["changed"] is False
        log.assert_no_writes()
