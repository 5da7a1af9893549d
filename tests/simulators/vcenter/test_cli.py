"""The command-line contract `make sims` relies on: flags, the ready line, clean exit on SIGTERM."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.simulators import certs, sims
from tests.simulators.vcenter import harness

pytestmark = pytest.mark.vcenter_sim


@pytest.fixture(scope="module")
def binary():
    try:
        return harness.build()
    except FileNotFoundError as missing:
        pytest.skip(f"vCenter simulator not available: {missing}")


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    return certs.issue_server_cert(str(tmp_path_factory.mktemp("cli")), "vcenter-cli")


def argv(binary, cert, listen="127.0.0.1:0", site="both", extra=()):
    return [binary, "-listen", listen, "-cert", cert[0], "-key", cert[1], "-site", site, "-uuid", "cli-uuid-1",
            "-username", "u", "-password", "p", "-time-scale", "60", *extra]


def test_ready_line_and_sigterm(binary, cert):
    process = subprocess.Popen(argv(binary, cert), stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        ready = json.loads(process.stdout.readline())
        assert list(ready) == ["ready", "url", "port", "instance_uuid"]
        assert ready["ready"] is True and ready["instance_uuid"] == "cli-uuid-1"
        assert ready["url"] == f"https://127.0.0.1:{ready['port']}/sdk" and ready["port"] > 0
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
        assert process.stdout.read() == b"", "exactly one line on stdout"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        process.stdout.close()
        process.stderr.close()


@pytest.mark.parametrize("listen,site,extra,message", [
    ("0.0.0.0:0", "primary", (), "only loopback"),
    ("127.0.0.1:0", "tertiary", (), "-site must be"),
    ("127.0.0.1:0", "primary", ("-time-scale", "0"), "-time-scale must be > 0"),
    ("127.0.0.1:0", "primary", ("-target-timeout", "0s"), "-target-timeout must be > 0"),
])
def test_bad_flags_exit_non_zero(binary, cert, listen, site, extra, message):
    done = subprocess.run(argv(binary, cert, listen, site, extra), capture_output=True, timeout=20, check=False)
    assert done.returncode != 0 and done.stdout == b""
    assert message in done.stderr.decode()


# A short-lived parent: starts the simulator (stderr to a file), prints "<pid> <ready line>", then sleeps until killed.
PARENT = """
import subprocess, sys, time
with open(sys.argv[1], "ab") as log:
    child = subprocess.Popen(sys.argv[2:], stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL)
print(child.pid, child.stdout.readline().decode().strip(), flush=True)
time.sleep(120)
"""


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie (an orphan is reaped by whoever adopted it)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_gone(pid: int, limit: float) -> bool:
    deadline = time.monotonic() + limit
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not alive(pid)


def orphan(binary, cert, log_path, extra) -> tuple[int, str]:
    """Start the simulator through PARENT, SIGKILL the parent; return the simulator's pid and ready line."""
    parent = subprocess.Popen([sys.executable, "-c", PARENT, log_path, *argv(binary, cert, extra=extra)],
                              stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        pid, ready = parent.stdout.readline().decode().split(" ", 1)
    finally:
        parent.kill()
        parent.wait(10)
        parent.stdout.close()
    return int(pid), ready


@pytest.mark.parametrize("flag", [True, False], ids=["exit-with-parent", "detached"])
def test_exit_with_parent(binary, cert, tmp_path, flag):
    log_path = str(tmp_path / "vcsim.log")
    pid, ready = orphan(binary, cert, log_path, ("-exit-with-parent",) if flag else ())
    try:
        assert json.loads(ready)["ready"] is True
        if flag:
            assert wait_gone(pid, 5), "the simulator outlived its parent"
            with open(log_path, encoding="utf-8") as log:
                assert "vcsim-ld: parent process" in log.read()
        else:
            time.sleep(2.5)  # more than two polls of a parent watcher
            assert alive(pid), "without -exit-with-parent the simulator keeps running (make sims detaches it)"
            os.kill(pid, signal.SIGTERM)
            assert wait_gone(pid, 10)
    finally:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_harness_passes_exit_with_parent_and_make_sims_does_not(vcenter_sim, tmp_path):
    with open(f"/proc/{vcenter_sim.process.pid}/cmdline", "rb") as cmdline:
        assert b"-exit-with-parent" in cmdline.read().split(b"\0")
    assert "-exit-with-parent" not in sims.vcenter_sim(str(tmp_path), "primary", sims.DEFAULT_TIME_SCALE).argv
