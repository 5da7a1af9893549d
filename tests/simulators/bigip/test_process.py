"""The server process: ready line, --seed, IPv6 loopback, clean exit on SIGTERM."""
from __future__ import annotations

import json
import os

import pytest

from tests.simulators.bigip.harness import BigipSim, SimulatorError
from tests.simulators.bigip.rest_client import Rest


def test_seeded_ipv6_process_and_clean_exit(tmp_path):
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps([
        {"path": "/mgmt/tm/net/vlan", "body": {"name": "vmotion-vlan", "interfaces": [{"name": "1.14", "untagged": True}]}},
        {"path": "/mgmt/tm/net/self", "body": {"name": "vmotion-self", "address": "10.133.57.236/24", "vlan": "/Common/vmotion-vlan"}},
    ]))
    sim = BigipSim("seeded", str(tmp_path), seed=str(seed), host="::1", latency_ms=1).start()
    try:
        assert sim.base_url == f"https://[::1]:{sim.port}"
        rest = Rest(sim)
        assert rest.ok("GET", "/mgmt/tm/net/self/~Common~vmotion-self")["vlan"] == "/Common/vmotion-vlan"
        rest.ok("DELETE", "/mgmt/tm/net/self/~Common~vmotion-self")
        sim.reset()
        assert rest.ok("GET", "/mgmt/tm/net/vlan/~Common~vmotion-vlan")["tag"] == 4094
        assert rest.ok("GET", "/mgmt/tm/net/self/~Common~vmotion-self")["address"] == "10.133.57.236/24"
        process = sim.process
    finally:
        sim.stop()
    assert process.returncode == 0
    assert os.path.getsize(tmp_path / "seeded.stderr") == 0


def test_refused_seed_is_reported(tmp_path):
    seed = tmp_path / "bad-seed.json"
    seed.write_text(json.dumps([{"path": "/mgmt/tm/net/self", "body": {"name": "s", "address": "10.1.1.1/24", "vlan": "/Common/nope"}}]))
    sim = BigipSim("badseed", str(tmp_path), seed=str(seed))
    with pytest.raises(SimulatorError, match="exited with code 2"):
        sim.start()
    stderr = (tmp_path / "badseed.stderr").read_text()
    assert "the seed" in stderr and "VLAN (/Common/nope)" in stderr
    assert sim.process is None
