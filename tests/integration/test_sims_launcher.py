"""tests/simulators/sims.py: start/stop/status of the four lab simulators (`make sims`).

Every test uses its own state directory; the ``state_dir`` fixture kills whatever a test left running.
"""
from __future__ import annotations

import itertools
import json
import os
import re
import signal
import ssl
import stat
import subprocess
import sys
import time

import pytest
import requests

from tests.simulators import sims

pytestmark = [pytest.mark.bigip_sim, pytest.mark.vcenter_sim]

needs_bigip = pytest.mark.skipif(not os.path.isfile(sims.BIGIP_SERVER),
                                 reason=f"BIG-IP simulator {sims.BIGIP_SERVER} is not written yet")
needs_vcsim = pytest.mark.skipif(not os.access(sims.VCSIM, os.X_OK),
                                 reason=f"vCenter simulator binary {sims.VCSIM} is not built (make vcsim)")

BIGIP_KEYS = {"server", "server_port", "user", "password", "admin_url", "pid"}
VCENTER_KEYS = {"hostname", "port", "username", "password", "instance_uuid", "admin_url", "pid"}
NAMES = ["bigip-primary", "bigip-secondary", "vcenter-primary", "vcenter-secondary"]


def processes_mentioning(text: str) -> list[int]:
    """Pids of live processes whose command line contains ``text`` (our state directory)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                cmdline = handle.read()
            with open(f"/proc/{entry}/stat", "rb") as handle:
                zombie = handle.read().rsplit(b")", 1)[1].split()[0] == b"Z"
        except (FileNotFoundError, PermissionError, IndexError):
            continue
        if not zombie and os.fsencode(text) in cmdline:
            found.append(int(entry))
    return found


@pytest.fixture
def state_dir(tmp_path):
    path = str(tmp_path / "sims")
    yield path
    try:
        sims.stop(path, timeout=5)
    finally:
        for pid in processes_mentioning(path):
            os.kill(pid, signal.SIGKILL)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, os.path.join(sims.HERE, "sims.py"), *args],
                          capture_output=True, text=True, timeout=120, check=False)


def pids(endpoints: dict) -> dict[str, int]:
    return sims.listed_processes(endpoints)


def alive(state_dir: str, endpoints: dict) -> dict[str, bool]:
    return sims.running(state_dir, endpoints)


def identities(endpoints: dict) -> set[tuple[int, int]]:
    """(pid, start time in clock ticks) of each listed process that exists: pids alone are reused."""
    return process_identities(pids(endpoints).values())


def process_identities(candidates) -> set[tuple[int, int]]:
    found = set()
    for pid in candidates:
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                found.add((pid, int(handle.read().rsplit(b")", 1)[1].split()[19])))
        except (FileNotFoundError, IndexError, ValueError):
            continue
    return found


def fake_vcsim(tmp_path, body: str) -> str:
    path = tmp_path / "fake-vcsim"
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return str(path)


@needs_bigip
@needs_vcsim
def test_cli_start_detaches_and_writes_endpoints(state_dir):
    started = run_cli("start", "--dir", state_dir)
    assert started.returncode == 0, started.stderr
    path = os.path.join(state_dir, "endpoints.json")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path, encoding="utf-8") as handle:
        endpoints = json.load(handle)

    assert endpoints["ca_cert"] == os.path.join(state_dir, "ca.pem")
    assert set(endpoints) == {"ca_cert", "bigip", "vcenter"}
    assert set(endpoints["bigip"]) == set(endpoints["vcenter"]) == {"primary", "secondary"}
    entries = list(endpoints["bigip"].values()) + list(endpoints["vcenter"].values())
    for entry in endpoints["bigip"].values():
        assert set(entry) == BIGIP_KEYS and entry["server"] == "127.0.0.1"
        assert entry["admin_url"] == f"https://127.0.0.1:{entry['server_port']}/sim/admin"
    for entry in endpoints["vcenter"].values():
        assert set(entry) == VCENTER_KEYS and entry["hostname"] == "127.0.0.1"
        assert entry["admin_url"] == f"https://127.0.0.1:{entry['port']}/sim/admin"
    assert len({entry["password"] for entry in entries}) == 4
    assert len({entry.get("server_port") or entry["port"] for entry in entries}) == 4

    # The launcher has exited; each simulator runs on in its own process group and logs to DIR/logs.
    for name, pid in pids(endpoints).items():
        assert os.getpgid(pid) == pid
        assert os.path.getsize(os.path.join(state_dir, "logs", f"{name}.log")) > 0
    assert all(alive(state_dir, endpoints).values())

    status = run_cli("status", "--dir", state_dir)
    assert status.returncode == 0, status.stdout
    assert status.stdout.count(" running ") == 4

    stopped = run_cli("stop", "--dir", state_dir)
    assert stopped.returncode == 0, stopped.stderr
    assert not os.path.exists(path)
    assert processes_mentioning(state_dir) == []
    assert run_cli("status", "--dir", state_dir).returncode == 1


def assert_credentials_work(endpoints: dict) -> None:
    """Each simulator accepts the endpoints' credentials over TLS verified with the endpoints' CA."""
    from pyVim.connect import Disconnect, SmartConnect  # pylint: disable=import-outside-toplevel

    ca_cert = endpoints["ca_cert"]
    for site, entry in endpoints["bigip"].items():
        response = requests.get(f"{entry['admin_url']}/log", auth=(entry["user"], entry["password"]), verify=ca_cert, timeout=30)
        assert response.status_code == 200, f"bigip {site}: {response.status_code} {response.text}"
        login = requests.post(f"https://127.0.0.1:{entry['server_port']}/mgmt/shared/authn/login", verify=ca_cert, timeout=30,
                              json={"username": entry["user"], "password": "wrong", "loginProviderName": "tmos"})
        assert login.status_code == 401
    context = ssl.create_default_context(cafile=ca_cert)
    for site, entry in endpoints["vcenter"].items():
        service = SmartConnect(host=entry["hostname"], port=entry["port"], user=entry["username"], pwd=entry["password"],
                               sslContext=context)
        try:
            assert service.content.about.instanceUuid == entry["instance_uuid"], site
        finally:
            Disconnect(service)
        response = requests.get(f"{entry['admin_url']}/state", auth=(entry["username"], entry["password"]), verify=ca_cert, timeout=30)
        assert response.status_code == 200, f"vcenter {site}: {response.status_code} {response.text}"
        state = response.json()
        assert (state["site"], state["instance_uuid"]) == (site, entry["instance_uuid"])
        assert state["links"]["time_scale"] == sims.DEFAULT_TIME_SCALE


@needs_bigip
@needs_vcsim
def test_credentials_and_ca_work_against_every_simulator(state_dir):
    endpoints = sims.start(state_dir)
    assert_credentials_work(endpoints)
    assert endpoints["vcenter"]["primary"]["instance_uuid"] != endpoints["vcenter"]["secondary"]["instance_uuid"]


@needs_bigip
@needs_vcsim
def test_passwords_starting_with_a_dash_reach_the_simulators(state_dir, monkeypatch):
    """token_urlsafe() may start with "-", which a command line parser must not take for an option."""
    numbers = itertools.count()
    monkeypatch.setattr(sims.secrets, "token_urlsafe", lambda nbytes: f"-p{next(numbers)}-{nbytes}")
    endpoints = sims.start(state_dir)
    assert {entry["password"][0] for kind in ("bigip", "vcenter") for entry in endpoints[kind].values()} == {"-"}
    assert_credentials_work(endpoints)


@needs_bigip
@needs_vcsim
def test_start_is_a_no_op_while_all_run_and_restarts_a_partial_set(state_dir):
    first = sims.start(state_dir)
    with open(os.path.join(state_dir, "endpoints.json"), encoding="utf-8") as handle:
        written = handle.read()

    assert sims.start(state_dir) == first
    with open(os.path.join(state_dir, "endpoints.json"), encoding="utf-8") as handle:
        assert handle.read() == written

    survivors = identities(first)
    victim = first["vcenter"]["secondary"]["pid"]
    os.killpg(victim, signal.SIGKILL)
    # SIGKILL is delivered asynchronously: on a busy machine the process can still be running right after killpg.
    deadline = time.monotonic() + 10
    while alive(state_dir, first)["vcenter-secondary"] and time.monotonic() < deadline:
        sims.reap(victim)
        time.sleep(0.05)
    assert not alive(state_dir, first)["vcenter-secondary"]
    second = sims.start(state_dir)
    # The three survivors were stopped and four new processes started (a pid may be reused on a busy
    # machine, so processes are told apart by pid and start time).
    assert len(survivors) == 4
    assert identities(second).isdisjoint(survivors)
    assert process_identities(pid for pid, _start in survivors).isdisjoint(survivors)
    assert all(alive(state_dir, second).values())
    assert second["bigip"]["primary"]["password"] != first["bigip"]["primary"]["password"]


@needs_bigip
def test_a_simulator_that_exits_stops_the_start_and_leaves_nothing_running(state_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(sims, "VCSIM", fake_vcsim(tmp_path, 'echo "vcsim-ld: cannot build the inventory" >&2; exit 3'))
    with pytest.raises(sims.SimError, match=r"vcenter-primary exited with status 3 before it was ready") as failure:
        sims.start(state_dir, timeout=30)
    assert "cannot build the inventory" in str(failure.value)
    assert processes_mentioning(state_dir) == []
    assert not os.path.exists(os.path.join(state_dir, "endpoints.json"))


@needs_bigip
def test_a_simulator_that_never_gets_ready_times_out(state_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(sims, "VCSIM", fake_vcsim(tmp_path, 'echo "still building"; while :; do sleep 0.1; done'))
    began = time.monotonic()
    with pytest.raises(sims.SimError, match=r"(?s)vcenter-primary not ready after 2 s; end of .*/logs/vcenter-primary.log:\nstill building"):
        sims.start(state_dir, timeout=2)
    assert time.monotonic() - began < 2 + sims.DEFAULT_STOP_TIMEOUT
    assert processes_mentioning(state_dir) == []


def test_missing_vcsim_binary_is_named_before_anything_starts(state_dir, tmp_path, monkeypatch):
    missing = str(tmp_path / "no-such-vcsim")
    monkeypatch.setattr(sims, "VCSIM", missing)
    with pytest.raises(sims.SimError, match=re.escape(f"{missing} is missing: run `make vcsim`")):
        sims.start(state_dir)
    assert processes_mentioning(state_dir) == []


def test_stop_and_status_without_a_running_lab(state_dir):
    assert run_cli("stop", "--dir", state_dir).returncode == 0
    status = run_cli("status", "--dir", state_dir)
    assert status.returncode == 1
    assert "not running" in status.stdout


def test_stop_never_signals_a_process_it_did_not_start(state_dir):
    """A recorded pid that now belongs to another process (pid reuse) is left alone."""
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])  # pylint: disable=consider-using-with
    try:
        os.makedirs(state_dir)
        entry = {"pid": other.pid, "admin_url": "https://127.0.0.1:1/sim/admin"}
        sims.write_private_json(os.path.join(state_dir, "endpoints.json"),
                                {"ca_cert": "", "bigip": {"primary": entry}, "vcenter": {}})
        assert sims.stop(state_dir, timeout=1) == []
        assert other.poll() is None
        assert not os.path.exists(os.path.join(state_dir, "endpoints.json"))
    finally:
        other.kill()
        other.wait()
