"""The command-line contract `make sims` relies on: flags, the ready line, clean exit on SIGTERM."""
from __future__ import annotations

import json
import signal
import subprocess

import pytest

from tests.simulators import certs
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
])
def test_bad_flags_exit_non_zero(binary, cert, listen, site, extra, message):
    done = subprocess.run(argv(binary, cert, listen, site, extra), capture_output=True, timeout=20, check=False)
    assert done.returncode != 0 and done.stdout == b""
    assert message in done.stderr.decode()
