"""bigip_gtm_monitor_http against the BIG-IP simulator: standard CRUD cases, inheritance, validation."""
from __future__ import annotations

import pytest

from bigip_crud import CrudCases, DeviceError, Log, Scenario, run, run_ok

pytestmark = pytest.mark.bigip_sim

PATH = "/mgmt/tm/gtm/monitor/http/~Common~VM-http-monitor"
GUIDE = {"name": "VM-http-monitor", "send": "GET / HTTP/1.0\\r\\n\\r\\n", "receive": "200 OK", "interval": 10, "monitor_timeout": 31}


class TestGtmHttpMonitorCrud(CrudCases):
    scenario = Scenario(
        module="bigip_gtm_monitor_http",
        args=GUIDE,
        path=PATH,
        collection="/mgmt/tm/gtm/monitor/http",
        post_body={"name": "VM-http-monitor", "partition": "Common", "send": "GET / HTTP/1.0\\r\\n\\r\\n", "recv": "200 OK",
                   "interval": 10, "timeout": 31},
        state={"defaultsFrom": "/Common/http", "recv": "200 OK", "interval": 10, "timeout": 31, "probeTimeout": 5},
        result_key="monitor",
        result={"receive": "200 OK", "interval": 10, "monitor_timeout": 31},
        update={"probe_timeout": 4, "reverse": True, "destination": "*:8080"},
        patch_body={"probeTimeout": 4, "reverse": "enabled", "destination": "*:8080"},
        updated_state={"probeTimeout": 4, "reverse": "enabled", "destination": "*:8080"},
        error=DeviceError(args=dict(GUIDE, parent="no-such-monitor"),
                          message=("GTM HTTP monitor /Common/VM-http-monitor", "The parent profile (/Common/no-such-monitor)")),
    )


def test_unset_options_are_inherited_from_the_parent(bigip_sim):
    result = run_ok(bigip_sim, "bigip_gtm_monitor_http", {"name": "plain"})
    assert result["monitor"]["parent"] == "/Common/http"
    state = bigip_sim.peek("/mgmt/tm/gtm/monitor/http/~Common~plain")
    assert (state["interval"], state["timeout"], state["send"]) == (30, 120, "GET /")


def test_changing_the_parent_is_refused_before_any_write(bigip_sim):
    run_ok(bigip_sim, "bigip_gtm_monitor_http", GUIDE)
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_gtm_monitor_http", dict(GUIDE, parent="http_head_f5"))
    assert result["failed"] is True
    assert "parent cannot be changed from '/Common/http' to '/Common/http_head_f5'" in result["msg"]
    log.assert_no_writes()


@pytest.mark.parametrize("args, message", [
    ({"interval": 0}, "interval must be 1 or more"),
    ({"interval": 30, "monitor_timeout": 30}, "monitor_timeout (30) must be larger than interval (30)"),
    ({"destination": "10.1.1.1"}, "destination must be IP:port"),
    ({"destination": "10.1.1.1:70000"}, "destination must be IP:port"),
    ({"destination": "not-an-ip:80"}, "destination must be IP:port"),
])
def test_bad_values_fail_before_any_request(bigip_sim, args, message):
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_gtm_monitor_http", dict({"name": "m"}, **args))
    assert result["failed"] is True
    assert message in result["msg"] and "GTM HTTP monitor m" in result["msg"]
    assert log.calls() == []


def test_ipv6_and_wildcard_destinations_are_accepted(bigip_sim):
    run_ok(bigip_sim, "bigip_gtm_monitor_http", {"name": "m6", "destination": "2001:db8::1.80"})
    assert bigip_sim.peek("/mgmt/tm/gtm/monitor/http/~Common~m6")["destination"] == "2001:db8::1.80"
    run_ok(bigip_sim, "bigip_gtm_monitor_http", {"name": "m4", "destination": "10.1.1.1:*"})
    assert bigip_sim.peek("/mgmt/tm/gtm/monitor/http/~Common~m4")["destination"] == "10.1.1.1:*"
