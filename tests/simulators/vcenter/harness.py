"""Start/stop vCenter simulator processes (``vcsim-ld``) and drive their admin hooks; pytest fixtures.

    sim = VcenterSim("primary", workdir).start()
    si = sim.connect()                       # pyVmomi ServiceInstance, certificate verified
    run_module("vmkernel_gateway", dict(sim.conn_args, ...))
    sim.state()["vms"]                       # read-only dump through the admin API
    sim.clear_calls(); ...; sim.write_calls() # SOAP write calls received in between

Fixtures: ``vcenter_sim`` (one primary process per test session, reset to the lab inventory
before every test), ``vcenter_pair`` (``.primary`` and ``.secondary`` processes, likewise) and
``vcenter_both`` (one process with both datacenters, likewise).
The binary is built by ``build.sh`` on first use; the tests are skipped only when Go is missing.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import ssl
import subprocess
import uuid
from urllib.parse import quote

import pytest
import requests

from tests._harness.sims import SimPair, SimProcess, fresh, session_process, workdir_fixture
from tests.simulators import certs

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = os.path.join(HERE, "vcsim-ld")
BUILD = os.path.join(HERE, "build.sh")
START_TIMEOUT = 30.0
DEFAULT_TIME_SCALE = 100.0


class SimulatorError(RuntimeError):
    """The simulator could not be built or started, or an admin call failed."""


def build() -> str:
    """Build the binary if needed (``build.sh`` skips an up-to-date build); return its path."""
    if shutil.which("go") is None:
        raise FileNotFoundError("Go toolchain not found (install golang-go and golang-github-vmware-govmomi-dev)")
    done = subprocess.run(["bash", BUILD], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SimulatorError(f"building vcsim-ld failed:\n{done.stdout}{done.stderr}")
    return BINARY


class VcenterSim(SimProcess):
    """One ``vcsim-ld`` process with a CA-signed certificate on a free loopback port."""

    def __init__(self, site: str, workdir: str, username: str = "administrator@vsphere.local",
                 password: str | None = None, time_scale: float = DEFAULT_TIME_SCALE, extra_args: list | None = None):
        self.site = site
        self.workdir = workdir
        self.hostname = "127.0.0.1"
        self.port = 0
        self.username = username
        self.password = password or secrets.token_urlsafe(12)
        self.time_scale = time_scale
        self.extra_args = list(extra_args or [])
        self.instance_uuid = str(uuid.uuid4())
        self.ca_path = certs.ensure_ca(workdir)[0]
        self.cert_path, self.key_path = certs.issue_server_cert(workdir, f"vcenter-{site}")
        self.process: subprocess.Popen | None = None
        self._stderr_path = os.path.join(workdir, f"vcenter-{site}.stderr")

    # --- process lifecycle -------------------------------------------------------------------
    def start(self) -> "VcenterSim":
        cmd = [BINARY, "-listen", f"{self.hostname}:0", "-cert", self.cert_path, "-key", self.key_path,
               "-ca", self.ca_path, "-site", self.site, "-uuid", self.instance_uuid, "-username", self.username,
               "-time-scale", str(self.time_scale), "-exit-with-parent"] + self.extra_args
        ready = self._launch(cmd, self._stderr_path, "VCSIM_PASSWORD", START_TIMEOUT, f"vCenter simulator {self.site}", SimulatorError)
        self.port = int(ready["port"])
        if ready.get("instance_uuid") != self.instance_uuid:
            self.stop()
            raise SimulatorError(f"vCenter simulator {self.site} reported instance uuid {ready.get('instance_uuid')}")
        return self

    # --- connection data ------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"https://{self.hostname}:{self.port}/sdk"

    @property
    def admin_url(self) -> str:
        return f"https://{self.hostname}:{self.port}/sim/admin"

    @property
    def conn_args(self) -> dict:
        return {"hostname": self.hostname, "port": self.port, "username": self.username, "password": self.password,
                "validate_certs": True, "ca_path": self.ca_path}

    def thumbprint(self) -> str:
        """SHA-1 thumbprint of the server certificate (colon-separated upper-case hex)."""
        der = ssl.PEM_cert_to_DER_cert(ssl.get_server_certificate((self.hostname, self.port)))
        digest = hashlib.sha1(der).hexdigest().upper()  # nosec - the vSphere thumbprint format
        return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))

    def connect(self):
        """A pyVmomi ServiceInstance with certificate verification against the lab CA."""
        from pyVim.connect import SmartConnect  # pylint: disable=import-outside-toplevel
        context = ssl.create_default_context(cafile=self.ca_path)
        return SmartConnect(host=self.hostname, port=self.port, user=self.username, pwd=self.password,
                            sslContext=context)

    # --- admin hooks ----------------------------------------------------------------------------
    def _admin(self, method: str, action: str, body: dict | None = None) -> dict:
        response = requests.request(method, f"{self.admin_url}/{action}", json=body, auth=(self.username, self.password),
                                    verify=self.ca_path, timeout=30)
        if response.status_code != 200:
            raise SimulatorError(f"admin {method} {action} -> {response.status_code}: {response.text}")
        return response.json()

    def state(self) -> dict:
        """Read-only dump: vms, hosts, migrations, pending_faults, links."""
        return self._admin("GET", "state")

    def reset(self) -> None:
        """Back to the lab inventory; every session is dropped (reconnect afterwards)."""
        self._admin("POST", "reset")

    def fail_migrations(self, fault: str = "MigrationFault", at_progress: int = 50, count: int = 1, message: str = "") -> dict:
        """The next ``count`` migrations fail with ``fault`` once they reach ``at_progress`` %."""
        return self._admin("POST", "faults/migration", {"fault": fault, "at_progress": at_progress, "count": count,
                                                        "message": message})

    def slow_migrations(self, extra_seconds: float, count: int = 1) -> dict:
        """The next ``count`` migrations take ``extra_seconds`` more (modelled seconds)."""
        return self._admin("POST", "faults/slow", {"extra_seconds": extra_seconds, "count": count})

    def panic_handler(self, method: str, count: int = 1) -> dict:
        """The next ``count`` SOAP calls of ``method`` panic in their handler (answered as a SystemError fault)."""
        return self._admin("POST", "faults/panic", {"method": method, "count": count})

    def expire_sessions(self) -> int:
        """Expire every current session: its next call gets NotAuthenticated."""
        return self._admin("POST", "sessions/expire")["expired"]

    def set_link(self, **settings: float) -> dict:
        """Change wan_mbps / wan_rtt_ms / lan_mbps / lan_rtt_ms for migrations started afterwards."""
        return self._admin("POST", "link", settings)

    def write_calls(self, method: str | None = None) -> list[dict]:
        """SOAP write calls received since the last reset or clear, oldest first (``method`` filters).

        Each is ``{"method", "type", "moid", "time", "fault"}``; reads, log-in/out and view/filter bookkeeping are not
        listed (README "Call log").
        """
        calls = self._admin("GET", "calls")
        return [call for call in calls if method is None or call["method"] == method]

    def write_methods(self) -> list[str]:
        """The method names of ``write_calls()``, in order."""
        return [call["method"] for call in self.write_calls()]

    def clear_calls(self) -> int:
        """Empty the write-call log; returns how many records it held."""
        return self._admin("POST", "calls/clear")["cleared"]

    def remove_host_option(self, host: str, key: str) -> dict:
        """Make ``host`` lack the advanced option ``key`` (definition and value) until the next reset."""
        return self._admin("POST", f"hosts/{quote(host, safe='')}/options/remove", {"key": key})

    def vm_state(self, name: str) -> dict | None:
        """The admin dump row of one VM, or None."""
        return next((vm for vm in self.state()["vms"] or [] if vm["name"] == name), None)


VcenterPair = SimPair


def _fresh(sim: VcenterSim) -> VcenterSim:
    return fresh(sim, sim.start)


def _started(site: str, workdir: str):
    try:
        build()
    except FileNotFoundError as missing:
        pytest.skip(f"vCenter simulator not available: {missing}")
    yield from session_process(VcenterSim(site, workdir).start())


_vcenter_workdir = workdir_fixture("_vcenter_workdir", "vCenter")


@pytest.fixture(scope="session")
def _vcenter_primary_process(_vcenter_workdir):
    yield from _started("primary", _vcenter_workdir)


@pytest.fixture(scope="session")
def _vcenter_secondary_process(_vcenter_workdir):
    yield from _started("secondary", _vcenter_workdir)


@pytest.fixture(scope="session")
def _vcenter_both_process(_vcenter_workdir):
    yield from _started("both", _vcenter_workdir)


@pytest.fixture
def vcenter_sim(_vcenter_primary_process) -> VcenterSim:
    """The session's primary vCenter simulator, reset to the lab inventory."""
    return _fresh(_vcenter_primary_process)


@pytest.fixture
def vcenter_pair(_vcenter_primary_process, _vcenter_secondary_process) -> VcenterPair:
    """Primary and secondary vCenter simulators (two processes), both reset to the lab inventory."""
    return VcenterPair(_fresh(_vcenter_primary_process), _fresh(_vcenter_secondary_process))


@pytest.fixture
def vcenter_both(_vcenter_both_process) -> VcenterSim:
    """One vCenter holding both datacenters (same-vCenter cross-datacenter moves), reset to the lab inventory."""
    return _fresh(_vcenter_both_process)
