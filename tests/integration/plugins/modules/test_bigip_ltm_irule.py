"""bigip_ltm_irule against the BIG-IP simulator: CRUD cases, whitespace-insensitive compare, TCL errors."""
from __future__ import annotations

import pytest

from bigip_crud import CrudCases, DeviceError, Log, Scenario, run, run_ok

pytestmark = pytest.mark.bigip_sim

PATH = "/mgmt/tm/ltm/rule/~Common~vmotion-irule"
RULE = """when CLIENT_ACCEPTED {
    set state "standard"
}
when SERVER_CLOSED {
    set state "buffer"
}"""
RULE_V2 = RULE + """
when SERVER_CONNECTED {
    set state "standard"
}"""
BROKEN = """when CLIENT_ACCEPTED {
    set state "standard"
"""


class TestIruleCrud(CrudCases):
    scenario = Scenario(
        module="bigip_ltm_irule",
        args={"name": "vmotion-irule", "content": RULE},
        path=PATH,
        collection="/mgmt/tm/ltm/rule",
        post_body={"name": "vmotion-irule", "partition": "Common", "apiAnonymous": RULE},
        state={"apiAnonymous": RULE},
        result_key="irule",
        result={"content": RULE},
        update={"content": RULE_V2},
        patch_body={"apiAnonymous": RULE_V2},
        updated_state={"apiAnonymous": RULE_V2},
        error=DeviceError(args={"name": "vmotion-irule", "content": BROKEN},
                          message=("LTM iRule /Common/vmotion-irule", "Rule [/Common/vmotion-irule] error", "missing close-brace")),
    )


def test_trailing_whitespace_does_not_cause_a_change(bigip_sim):
    run_ok(bigip_sim, "bigip_ltm_irule", {"name": "vmotion-irule", "content": RULE})
    log = Log(bigip_sim)
    padded = "\n".join(line + "  " for line in RULE.splitlines()) + "\n\n"
    assert run_ok(bigip_sim, "bigip_ltm_irule", {"name": "vmotion-irule", "content": padded})["changed"] is False
    log.assert_no_writes()


def test_an_indentation_change_is_a_change(bigip_sim):
    run_ok(bigip_sim, "bigip_ltm_irule", {"name": "vmotion-irule", "content": RULE})
    reindented = RULE.replace("    set", "  set")
    assert run_ok(bigip_sim, "bigip_ltm_irule", {"name": "vmotion-irule", "content": reindented})["changed"] is True
    assert bigip_sim.peek(PATH)["apiAnonymous"] == reindented


def test_content_is_required_to_create(bigip_sim):
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_ltm_irule", {"name": "vmotion-irule"})
    assert result["failed"] is True and "LTM iRule /Common/vmotion-irule does not exist; content required to create it" in result["msg"]
    log.assert_no_writes()


def test_delete_refused_while_attached_to_a_virtual_server(bigip_sim):
    run_ok(bigip_sim, "bigip_ltm_irule", {"name": "vmotion-irule", "content": RULE})
    reply = bigip_sim.session.post(bigip_sim.base_url + "/mgmt/tm/ltm/virtual", verify=bigip_sim.ca_path, timeout=30,
                                   json={"name": "vmhttp_vs", "destination": "10.133.39.51:80", "rules": ["/Common/vmotion-irule"]})
    assert reply.status_code == 200, reply.text
    result = run(bigip_sim, "bigip_ltm_irule", {"name": "vmotion-irule", "state": "absent"})
    assert result["failed"] is True
    assert "LTM iRule /Common/vmotion-irule" in result["msg"] and "in use by a Virtual Server (/Common/vmhttp_vs)" in result["msg"]
    assert bigip_sim.peek(PATH)["apiAnonymous"] == RULE
