"""bigip_ltm_virtual_rules against the BIG-IP simulator: attach/detach/exact iRule lists on an existing virtual."""
from __future__ import annotations

import pytest

from bigip_crud import Log, run, run_ok

pytestmark = pytest.mark.bigip_sim

PATH = "/mgmt/tm/ltm/virtual/~Common~vmhttp_vs"
RULE = "when CLIENT_ACCEPTED {\n    set state \"standard\"\n}"


def lab(sim, rules=("/Common/logging",)):
    for name in ("vmotion-irule", "logging", "other"):
        run_ok(sim, "bigip_ltm_irule", {"name": name, "content": RULE})
    run_ok(sim, "bigip_ltm_pool", {"name": "vmhttp_pool"})
    reply = sim.session.post(sim.base_url + "/mgmt/tm/ltm/virtual", verify=sim.ca_path, timeout=30,
                             json={"name": "vmhttp_vs", "destination": "10.133.39.51:80", "pool": "vmhttp_pool", "rules": list(rules)})
    assert reply.status_code == 200, reply.text


def device_rules(sim):
    return sim.peek(PATH).get("rules", [])


def attach(sim, check_mode=False, **args):
    return run_ok(sim, "bigip_ltm_virtual_rules", dict({"virtual": "vmhttp_vs"}, **args), check_mode=check_mode, diff=True)


def test_present_appends_and_keeps_the_other_settings(bigip_sim):
    lab(bigip_sim)
    before = bigip_sim.peek(PATH)
    log = Log(bigip_sim)
    result = attach(bigip_sim, rules=["vmotion-irule"])
    assert result["changed"] is True
    assert log.only_write("PATCH", PATH)["body"] == {"rules": ["/Common/logging", "/Common/vmotion-irule"]}
    after = bigip_sim.peek(PATH)
    assert after["rules"] == ["/Common/logging", "/Common/vmotion-irule"]
    assert {k: after[k] for k in ("destination", "pool", "ipProtocol", "sourceAddressTranslation")} == \
           {k: before[k] for k in ("destination", "pool", "ipProtocol", "sourceAddressTranslation")}
    assert result["virtual"] == {"name": "/Common/vmhttp_vs", "rules": ["/Common/logging", "/Common/vmotion-irule"]}
    assert result["diff"] == {"before": {"rules": ["/Common/logging"]}, "after": {"rules": ["/Common/logging", "/Common/vmotion-irule"]}}


def test_rerun_sends_zero_writes(bigip_sim):
    lab(bigip_sim)
    attach(bigip_sim, rules=["vmotion-irule"])
    log = Log(bigip_sim)
    assert attach(bigip_sim, rules=["/Common/vmotion-irule", "logging"])["changed"] is False
    log.assert_no_writes()


def test_absent_detaches_only_the_listed_rules(bigip_sim):
    lab(bigip_sim, rules=("/Common/logging", "/Common/vmotion-irule", "/Common/other"))
    log = Log(bigip_sim)
    attach(bigip_sim, rules=["vmotion-irule"], state="absent")
    assert log.only_write("PATCH", PATH)["body"] == {"rules": ["/Common/logging", "/Common/other"]}
    assert device_rules(bigip_sim) == ["/Common/logging", "/Common/other"]
    log = Log(bigip_sim)
    assert attach(bigip_sim, rules=["vmotion-irule"], state="absent")["changed"] is False
    log.assert_no_writes()


def test_exact_sets_the_whole_list_in_order(bigip_sim):
    lab(bigip_sim, rules=("/Common/logging", "/Common/vmotion-irule"))
    log = Log(bigip_sim)
    attach(bigip_sim, rules=["vmotion-irule", "logging"], exact=True)
    assert log.only_write("PATCH", PATH)["body"] == {"rules": ["/Common/vmotion-irule", "/Common/logging"]}
    assert device_rules(bigip_sim) == ["/Common/vmotion-irule", "/Common/logging"]
    attach(bigip_sim, rules=[], exact=True)
    assert device_rules(bigip_sim) == []


def test_check_mode_predicts_and_writes_nothing(bigip_sim):
    lab(bigip_sim)
    log = Log(bigip_sim)
    result = attach(bigip_sim, rules=["vmotion-irule"], check_mode=True)
    assert result["changed"] is True
    assert result["virtual"]["rules"] == ["/Common/logging", "/Common/vmotion-irule"]
    log.assert_no_writes()
    assert device_rules(bigip_sim) == ["/Common/logging"]


def test_missing_virtual_server_fails_and_is_never_created(bigip_sim):
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_ltm_virtual_rules", {"virtual": "vmhttp_vs", "rules": ["vmotion-irule"]})
    assert result["failed"] is True
    assert "LTM virtual server /Common/vmhttp_vs does not exist" in result["msg"]
    log.assert_no_writes()


def test_unknown_rule_fails_with_the_device_message(bigip_sim):
    lab(bigip_sim)
    result = run(bigip_sim, "bigip_ltm_virtual_rules", {"virtual": "vmhttp_vs", "rules": ["no-such-rule"]})
    assert result["failed"] is True
    assert "LTM virtual server /Common/vmhttp_vs" in result["msg"]
    assert "The requested rule (/Common/no-such-rule) for virtual server (/Common/vmhttp_vs) was not found" in result["msg"]
    assert device_rules(bigip_sim) == ["/Common/logging"]


@pytest.mark.parametrize("args, message", [
    ({"rules": ["a", "/Common/a"]}, "listed once"),
    ({"rules": ["a"], "exact": True, "state": "absent"}, "exact only applies with state present"),
])
def test_bad_input_fails_before_any_write(bigip_sim, args, message):
    lab(bigip_sim)
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_ltm_virtual_rules", dict({"virtual": "vmhttp_vs"}, **args))
    assert result["failed"] is True and message in result["msg"]
    log.assert_no_writes()
