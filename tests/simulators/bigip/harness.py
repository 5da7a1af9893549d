"""Start/stop BIG-IP simulator processes and drive their admin hooks; pytest fixtures.

    sim = BigipSim("primary", workdir).start()
    run_module("bigip_vlan", dict(sim.conn_args, name="wan", ...))
    assert sim.requests_log("POST", "/mgmt/tm/net/vlan")

Fixtures: ``bigip_sim`` (one process per test session, factory state and an empty request log
before every test) and ``bigip_pair`` (``.primary`` and ``.secondary``, likewise).
"""
from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
import requests

from tests._harness.sims import SimPair, SimProcess, fresh, session_process, workdir_fixture
from tests.simulators import certs

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "server.py")
START_TIMEOUT = 20.0


class SimulatorError(RuntimeError):
    """The simulator process did not start, or an admin call failed."""


class BigipSim(SimProcess):
    """One simulator process with a CA-signed certificate on a free loopback port."""

    def __init__(self, name: str, workdir: str, user: str = "admin", password: str | None = None,
                 latency_ms: int = 0, seed: str | None = None, host: str = "127.0.0.1"):
        self.name = name
        self.workdir = workdir
        self.user = user
        self.password = password or secrets.token_urlsafe(12)
        self.latency_ms = latency_ms
        self.seed = seed
        self.server = host
        self.port = 0
        self.state_file = os.path.join(workdir, f"{name}-config.json")
        self.ca_path = certs.ensure_ca(workdir)[0]
        self.cert_path, self.key_path = certs.issue_server_cert(workdir, f"bigip-{name}")
        self.process: subprocess.Popen | None = None
        self.session = self._new_session()

    def _new_session(self) -> requests.Session:
        session = requests.Session()
        session.auth = (self.user, self.password)
        return session

    # --- process lifecycle -------------------------------------------------------------------
    def start(self, port: int | None = None) -> "BigipSim":
        cmd = [sys.executable, SERVER, "--name", self.name, "--host", self.server, "--port", str(port or 0),
               "--cert", self.cert_path, "--key", self.key_path, "--state-file", self.state_file,
               "--user", self.user, "--latency-ms", str(self.latency_ms), "--exit-with-parent"]
        if self.seed:
            cmd += ["--seed", self.seed]
        self.session = self._new_session()
        ready = self._launch(cmd, os.path.join(self.workdir, f"{self.name}.stderr"), "BIGIP_SIM_PASSWORD", START_TIMEOUT,
                             f"BIG-IP simulator {self.name}", SimulatorError)
        self.port = int(ready["port"])
        return self

    def _stopped(self) -> None:
        self.session.close()

    def restart(self) -> "BigipSim":
        """Stop the process and start it again on the same port (the saved config is loaded)."""
        port = self.port
        self.stop()
        return self.start(port)

    # --- connection data ------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host = f"[{self.server}]" if ":" in self.server else self.server
        return f"https://{host}:{self.port}"

    @property
    def admin_url(self) -> str:
        return f"{self.base_url}/sim/admin"

    @property
    def conn_args(self) -> dict:
        return {"server": self.server, "server_port": self.port, "user": self.user, "password": self.password,
                "validate_certs": True, "ca_path": self.ca_path}

    # --- admin hooks ----------------------------------------------------------------------------
    def _admin(self, method: str, action: str, body: dict | None = None, params: dict | None = None):
        # verify per request: a session-level verify loses to REQUESTS_CA_BUNDLE from the environment
        response = self.session.request(method, f"{self.admin_url}/{action}", json=body, params=params, timeout=30,
                                        verify=self.ca_path)
        if response.status_code != 200:
            raise SimulatorError(f"admin {method} {action} on {self.name} failed: {response.status_code} {response.text}")
        return response.json()

    def requests_log(self, method: str | None = None, path_prefix: str | None = None) -> list[dict]:
        params = {k: v for k, v in (("method", method), ("path_prefix", path_prefix)) if v}
        return self._admin("GET", "log", params=params)["requests"]

    def request_counts(self, method: str | None = None, path_prefix: str | None = None) -> dict[str, int]:
        params = {k: v for k, v in (("method", method), ("path_prefix", path_prefix)) if v}
        return self._admin("GET", "log", params=params)["counts"]

    def clear_log(self) -> None:
        self._admin("DELETE", "log")

    def reset(self) -> None:
        self._admin("POST", "reset")

    def fault(self, kind: str, count: int = 1, method: str | None = None, path_prefix: str | None = None, **extra) -> dict:
        """Arm a fault for the next ``count`` matching /mgmt requests (see admin.FAULT_KINDS)."""
        body = {"kind": kind, "count": count, **extra}
        if method:
            body["method"] = method
        if path_prefix:
            body["path_prefix"] = path_prefix
        return self._admin("POST", "fault", body)

    def clear_faults(self) -> None:
        self._admin("DELETE", "fault")

    def set_health(self, address: str, up: bool) -> dict:
        """Mark an address down (``up=False``) or up again for monitors and stats (all objects at that address)."""
        return self._admin("POST", "health", {"address": address, "up": up})

    def set_failover(self, state: str) -> dict:
        """This device's failover state: active, standby, offline or forced-offline."""
        return self._admin("POST", "failover", {"state": state})

    def reboot(self) -> dict:
        return self._admin("POST", "reboot")

    def upgrade(self) -> dict:
        return self._admin("POST", "upgrade")

    def discover(self, address: str, name: str | None = None) -> dict:
        return self._admin("POST", "discover", {"address": address, **({"name": name} if name else {})})

    def set_latency(self, ms: int) -> None:
        self._admin("POST", "latency", {"ms": ms})

    def peek(self, path: str) -> dict:
        return self._admin("GET", "peek", params={"path": path})

    def add_user(self, username: str, password: str, admin: bool = False) -> None:
        self._admin("POST", "users", {"username": username, "password": password, "admin": admin})


BigipPair = SimPair


def _fresh(sim: BigipSim) -> BigipSim:
    """Started again on its port if its process died; factory state and an empty request log."""
    fresh(sim, lambda: sim.start(sim.port or None))
    sim.clear_log()
    return sim


_bigip_workdir = workdir_fixture("_bigip_workdir", "BIG-IP")


@pytest.fixture(scope="session")
def _bigip_primary_process(_bigip_workdir):
    yield from session_process(BigipSim("primary", _bigip_workdir).start())


@pytest.fixture(scope="session")
def _bigip_secondary_process(_bigip_workdir):
    yield from session_process(BigipSim("secondary", _bigip_workdir).start())


@pytest.fixture
def bigip_sim(_bigip_primary_process) -> BigipSim:
    """The session's BIG-IP simulator, reset to factory state with an empty request log."""
    return _fresh(_bigip_primary_process)


@pytest.fixture
def bigip_pair(_bigip_primary_process, _bigip_secondary_process) -> BigipPair:
    """Primary and secondary BIG-IP simulators, both reset to factory state with empty logs."""
    return BigipPair(_fresh(_bigip_primary_process), _fresh(_bigip_secondary_process))
