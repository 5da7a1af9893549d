"""bigip_gtm_wide_ip against the BIG-IP simulator: CRUD cases and the pool list semantics."""
from __future__ import annotations

import pytest

from bigip_crud import CrudCases, DeviceError, Log, Scenario, run, run_ok

pytestmark = pytest.mark.bigip_sim

NAME = "vmhttp.siterequest.com"
PATH = "/mgmt/tm/gtm/wideip/a/~Common~vmhttp.siterequest.com"
GUIDE = {"name": NAME, "pool_lb_mode": "ratio", "pools": [{"name": "Local_pool"}, {"name": "Remote_pool"}]}
BOTH = [{"name": "/Common/Local_pool", "order": 0, "ratio": 1}, {"name": "/Common/Remote_pool", "order": 1, "ratio": 1}]
SWAPPED = [{"name": "/Common/Remote_pool", "order": 0, "ratio": 2}, {"name": "/Common/Local_pool", "order": 1, "ratio": 1}]


def pools(sim):
    run_ok(sim, "bigip_gtm_pool", {"name": "Local_pool"})
    run_ok(sim, "bigip_gtm_pool", {"name": "Remote_pool", "enabled": False})


def device_pools(sim):
    return [(p["name"], p["order"], p["ratio"]) for p in sim.peek(PATH)["pools"]]


class TestWideIpCrud(CrudCases):
    scenario = Scenario(
        module="bigip_gtm_wide_ip",
        args=GUIDE,
        path=PATH,
        collection="/mgmt/tm/gtm/wideip/a",
        post_body={"name": NAME, "partition": "Common", "pools": BOTH, "poolLbMode": "ratio"},
        state={"poolLbMode": "ratio", "enabled": True},
        result_key="wide_ip",
        result={"pool_lb_mode": "ratio", "pools": BOTH},
        update={"enabled": False, "pools": [{"name": "Remote_pool", "ratio": 2}, {"name": "Local_pool"}]},
        patch_body={"pools": SWAPPED, "disabled": True},
        updated_state={"disabled": True},
        update_after={"enabled": False, "pools": SWAPPED},
        setup=pools,
        error=DeviceError(args=dict(GUIDE, pools=[{"name": "Nope_pool"}]),
                          message=("GTM wide IP /Common/vmhttp.siterequest.com", "The requested GTM pool (/Common/Nope_pool) for wide IP")),
    )


def test_ratios_set_by_the_traffic_switch_survive_a_rerun(bigip_sim):
    """Re-running the site configuration must not undo a cut-over done by bigip_gtm_ratio."""
    pools(bigip_sim)
    run_ok(bigip_sim, "bigip_gtm_wide_ip", GUIDE)
    run_ok(bigip_sim, "bigip_gtm_ratio", {"wide_ip": NAME, "ratios": {"Local_pool": 3, "Remote_pool": 7}})
    log = Log(bigip_sim)
    assert run_ok(bigip_sim, "bigip_gtm_wide_ip", GUIDE)["changed"] is False
    assert log.calls() == [("GET", PATH)], "the current ratios come from the one read the comparison uses"
    assert device_pools(bigip_sim) == [("Local_pool", 0, 3), ("Remote_pool", 1, 7)]


def test_a_pool_left_out_of_the_list_is_removed(bigip_sim):
    pools(bigip_sim)
    run_ok(bigip_sim, "bigip_gtm_wide_ip", dict(GUIDE, pools=[{"name": "Local_pool", "ratio": 3}, {"name": "Remote_pool", "ratio": 1}]))
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_gtm_wide_ip", dict(GUIDE, pools=[{"name": "Local_pool"}]), diff=True)
    assert log.only_write("PATCH", PATH)["body"] == {"pools": [{"name": "/Common/Local_pool", "order": 0, "ratio": 3}]}
    assert device_pools(bigip_sim) == [("Local_pool", 0, 3)]
    assert len(result["diff"]["before"]["pools"]) == 2 and result["wide_ip"]["pools"] == [{"name": "/Common/Local_pool", "order": 0, "ratio": 3}]


def test_a_ratio_swap_is_detected(bigip_sim):
    pools(bigip_sim)
    run_ok(bigip_sim, "bigip_gtm_wide_ip", dict(GUIDE, pools=[{"name": "Local_pool", "ratio": 7}, {"name": "Remote_pool", "ratio": 3}]))
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_gtm_wide_ip", dict(GUIDE, pools=[{"name": "Local_pool", "ratio": 3}, {"name": "Remote_pool", "ratio": 7}]))
    assert result["changed"] is True
    assert log.only_write("PATCH", PATH)["body"] == {"pools": [{"name": "/Common/Local_pool", "order": 0, "ratio": 3},
                                                               {"name": "/Common/Remote_pool", "order": 1, "ratio": 7}]}
    assert device_pools(bigip_sim) == [("Local_pool", 0, 3), ("Remote_pool", 1, 7)]


def test_explicit_orders_and_full_paths(bigip_sim):
    pools(bigip_sim)
    args = dict(GUIDE, pools=[{"name": "/Common/Remote_pool", "order": 1}, {"name": "Local_pool", "order": 0}])
    result = run_ok(bigip_sim, "bigip_gtm_wide_ip", args)
    assert result["wide_ip"]["pools"] == BOTH
    assert device_pools(bigip_sim) == [("Local_pool", 0, 1), ("Remote_pool", 1, 1)]
    log = Log(bigip_sim)
    assert run_ok(bigip_sim, "bigip_gtm_wide_ip", GUIDE)["changed"] is False
    log.assert_no_writes()


@pytest.mark.parametrize("name", ["vmhttp", "bad..example.com", "-bad.example.com", "a" * 64 + ".example.com", "sp ace.example.com"])
def test_names_that_are_not_fqdns_fail_before_any_request(bigip_sim, name):
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_gtm_wide_ip", {"name": name})
    assert result["failed"] is True and "must be a fully qualified domain name" in result["msg"]
    assert log.calls() == []


def test_wildcard_names_are_accepted(bigip_sim):
    run_ok(bigip_sim, "bigip_gtm_wide_ip", {"name": "*.siterequest.com"})
    assert bigip_sim.peek("/mgmt/tm/gtm/wideip/a/~Common~%2A.siterequest.com")["name"] == "*.siterequest.com"


@pytest.mark.parametrize("pool_list, message", [
    ([{"name": "Local_pool"}, {"name": "/Common/Local_pool"}], "each pool name must appear once"),
    ([{"name": "Local_pool", "order": 0}, {"name": "Remote_pool", "order": 0}], "each pool order must appear once"),
    ([{"name": "Local_pool", "ratio": -1}], "order and ratio must be 0 or more"),
])
def test_bad_pool_lists_fail_before_any_request(bigip_sim, pool_list, message):
    pools(bigip_sim)
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_gtm_wide_ip", dict(GUIDE, pools=pool_list))
    assert result["failed"] is True and message in result["msg"]
    assert log.calls() == []
