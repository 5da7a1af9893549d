"""Two devices (one per data center) are independent processes with one CA."""
from __future__ import annotations

from tests.simulators.bigip.rest_client import Rest


def test_pair_devices_are_independent(bigip_pair):
    primary, secondary = Rest(bigip_pair.primary), Rest(bigip_pair.secondary)
    assert bigip_pair.primary.port != bigip_pair.secondary.port
    assert bigip_pair.primary.ca_path == bigip_pair.secondary.ca_path
    primary.ok("POST", "/mgmt/tm/gtm/datacenter", {"name": "DC1"})
    secondary.ok("POST", "/mgmt/tm/gtm/datacenter", {"name": "DC2"})
    assert [d["name"] for d in primary.ok("GET", "/mgmt/tm/gtm/datacenter")["items"]] == ["DC1"]
    assert [d["name"] for d in secondary.ok("GET", "/mgmt/tm/gtm/datacenter")["items"]] == ["DC2"]
    assert bigip_pair.primary.request_counts() == {"POST /mgmt/tm/gtm/datacenter": 1, "GET /mgmt/tm/gtm/datacenter": 1}
    assert bigip_pair.secondary.conn_args["server_port"] == bigip_pair.secondary.port
    assert set(bigip_pair.primary.conn_args) == {"server", "server_port", "user", "password", "validate_certs", "ca_path"}


def test_pair_starts_from_factory_state(bigip_pair):
    for sim in (bigip_pair.primary, bigip_pair.secondary):
        assert sim.requests_log() == []
        assert Rest(sim).ok("GET", "/mgmt/tm/gtm/datacenter")["items"] == []
