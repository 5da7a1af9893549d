"""Cross-vCenter relocation (RelocateSpec.service) between two simulator processes."""
from __future__ import annotations

import hashlib
import socket
import ssl
import threading
import time

import pytest
from pyVmomi import vim, vmodl

from tests.simulators import certs
from tests.simulators.vcenter import lookup
from tests.simulators.vcenter.harness import VcenterSim, build

TARGET_TIMEOUT = 1.0  # seconds: -target-timeout of the bounded source below

pytestmark = pytest.mark.vcenter_sim


def relocate_spec(target_sim, target_si, thumbprint: str | None = "", instance_uuid: str | None = None,
                  password: str | None = None, host: str = "esx-s1.lab.local", datastore: str = "secondary-ds1"):
    """A RelocateSpec to ``target_sim`` (morefs resolved in the target's own inventory)."""
    service = vim.ServiceLocator(
        instanceUuid=instance_uuid or target_sim.instance_uuid,
        url=target_sim.url,
        credential=vim.ServiceLocator.NamePassword(username=target_sim.username, password=password or target_sim.password),
        sslThumbprint=target_sim.thumbprint() if thumbprint == "" else thumbprint)
    target_host = lookup.host(target_si, host)
    datacenter = lookup.find(target_si, vim.Datacenter, "Secondary")
    return vim.vm.RelocateSpec(service=service, host=target_host, pool=target_host.parent.resourcePool,
                               datastore=lookup.datastore(target_si, datastore), folder=datacenter.vmFolder)


@pytest.fixture
def pair(vcenter_pair):
    vcenter_pair.primary.set_link(wan_mbps=10000, wan_rtt_ms=0.5)  # keep the 10 GB disk copy short
    return vcenter_pair


def test_cross_vcenter_move(pair):
    source, target = pair.primary.connect(), pair.secondary.connect()
    vm = lookup.vm(source, "web-01")
    identity = (vm.config.uuid, vm.config.instanceUuid, vm.config.hardware.memoryMB)
    disk_kb = next(d.capacityInKB for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk))
    task = vm.RelocateVM_Task(relocate_spec(pair.secondary, target))
    samples = lookup.wait(task, timeout=60)
    assert any(progress is not None and 0 < progress < 100 for _state, progress in samples)

    assert "web-01" not in lookup.names(source, vim.VirtualMachine)
    moved = lookup.vm(target, "web-01")
    assert (moved.config.uuid, moved.config.instanceUuid, moved.config.hardware.memoryMB) == identity
    assert moved.runtime.powerState == "poweredOn"
    assert moved.runtime.host.name == "esx-s1.lab.local" and [d.name for d in moved.datastore] == ["secondary-ds1"]
    assert moved.resourcePool.owner.name == "Secondary-Cluster" and moved.parent.name == "vm"
    assert [n.name for n in moved.network] == ["VM Network"]
    assert next(d.capacityInKB for d in moved.config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk)) == disk_kb
    assert pair.secondary.vm_state("web-01")["instance_uuid"] == identity[1]
    assert pair.primary.vm_state("web-01") is None
    row = next(m for m in pair.primary.state()["migrations"] if m["task"] == task._moId)
    assert row["kind"] == "cross-vcenter" and row["result"] == "success"


def test_instance_uuid_mismatch(pair):
    source, target = pair.primary.connect(), pair.secondary.connect()
    task = lookup.vm(source, "web-02").RelocateVM_Task(
        relocate_spec(pair.secondary, target, instance_uuid=pair.primary.instance_uuid))
    with pytest.raises(vmodl.fault.InvalidArgument) as err:
        lookup.wait(task)
    assert pair.secondary.instance_uuid in err.value.msg
    assert lookup.vm(source, "web-02").runtime.powerState == "poweredOn"
    assert "web-02" not in lookup.names(target, vim.VirtualMachine)


def test_thumbprint_mismatch(pair):
    source, target = pair.primary.connect(), pair.secondary.connect()
    task = lookup.vm(source, "web-02").RelocateVM_Task(relocate_spec(pair.secondary, target, thumbprint=pair.primary.thumbprint()))
    with pytest.raises(vim.fault.SSLVerifyFault) as err:
        lookup.wait(task)
    assert pair.primary.thumbprint() in err.value.msg
    assert "web-02" in lookup.names(source, vim.VirtualMachine)


def test_lower_case_thumbprint_and_ca_trust(pair):
    source, target = pair.primary.connect(), pair.secondary.connect()
    lookup.wait(lookup.vm(source, "web-05").RelocateVM_Task(
        relocate_spec(pair.secondary, target, thumbprint=pair.secondary.thumbprint().lower())), timeout=60)
    lookup.wait(lookup.vm(source, "web-01").RelocateVM_Task(relocate_spec(pair.secondary, target, thumbprint=None)), timeout=60)
    assert {"web-01", "web-05"} <= set(lookup.names(target, vim.VirtualMachine))


def test_wrong_credentials(pair):
    source, target = pair.primary.connect(), pair.secondary.connect()
    task = lookup.vm(source, "web-03").RelocateVM_Task(relocate_spec(pair.secondary, target, password="wrong"))
    with pytest.raises(vim.fault.InvalidLogin) as err:
        lookup.wait(task)
    assert pair.secondary.url in err.value.msg


def test_missing_pool_fails_the_call(pair):
    source, target = pair.primary.connect(), pair.secondary.connect()
    spec = relocate_spec(pair.secondary, target)
    spec.pool = None
    with pytest.raises(vmodl.fault.InvalidArgument) as err:
        lookup.vm(source, "web-03").RelocateVM_Task(spec)
    assert "spec.pool" in err.value.msg


def test_target_logs_the_create_and_power_on_of_the_source(pair):
    """The source's calls to the target arrive over HTTP, so the target's write log lists them."""
    source, target = pair.primary.connect(), pair.secondary.connect()
    vm = lookup.vm(source, "web-05")
    spec = relocate_spec(pair.secondary, target)
    pair.primary.clear_calls()
    pair.secondary.clear_calls()
    lookup.wait(vm.RelocateVM_Task(spec), timeout=60)
    assert pair.primary.write_methods() == ["RelocateVM_Task"], "the source removes its copy in-process: not logged"
    assert pair.secondary.write_methods() == ["CreateVM_Task", "PowerOnVM_Task"]
    assert pair.secondary.write_calls("CreateVM_Task")[0]["moid"] == spec.folder._moId


@pytest.fixture(scope="module")
def bounded_source(tmp_path_factory):
    """A primary vCenter whose calls to a target are bounded by TARGET_TIMEOUT instead of 30 s."""
    try:
        build()
    except FileNotFoundError as missing:
        pytest.skip(f"vCenter simulator not available: {missing}")
    sim = VcenterSim("primary", str(tmp_path_factory.mktemp("vcenter-bounded")), extra_args=["-target-timeout", f"{TARGET_TIMEOUT}s"])
    sim.start()
    try:
        yield sim
    finally:
        sim.stop()


def test_transfer_may_outlast_the_bound_on_target_calls(bounded_source, vcenter_pair):
    """Only the calls before and after the modelled transfer are bounded, not the transfer itself."""
    source_sim, target_sim = bounded_source, vcenter_pair.secondary
    source_sim.reset()
    source_sim.set_link(wan_mbps=10000, wan_rtt_ms=0.5)
    source_sim.slow_migrations(extra_seconds=2 * TARGET_TIMEOUT * source_sim.time_scale)  # two bounds of wall time
    source, target = source_sim.connect(), target_sim.connect()
    task = lookup.vm(source, "web-04").RelocateVM_Task(relocate_spec(target_sim, target))
    lookup.wait(task, timeout=60)
    row = next(m for m in source_sim.state()["migrations"] if m["task"] == task._moId)
    assert row["result"] == "success" and row["wall_seconds"] > 2 * TARGET_TIMEOUT
    assert lookup.vm(target, "web-04").runtime.powerState == "poweredOn"
    assert "web-04" not in lookup.names(source, vim.VirtualMachine)


@pytest.fixture
def silent_target(tmp_path):
    """A TLS endpoint on a free loopback port that completes the handshake and then never answers."""
    cert, key = certs.issue_server_cert(str(tmp_path), "silent")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()
    held: list[socket.socket] = []

    def accept():
        while not stop.is_set():
            try:
                conn, _addr = listener.accept()
            except socket.timeout:
                continue
            conn.settimeout(5)
            try:
                held.append(context.wrap_socket(conn, server_side=True))
            except OSError:
                conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    with open(cert, encoding="ascii") as handle:
        digest = hashlib.sha1(ssl.PEM_cert_to_DER_cert(handle.read())).hexdigest().upper()  # nosec - vSphere thumbprint format
    try:
        yield listener.getsockname()[1], ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))
    finally:
        stop.set()
        thread.join(5)
        listener.close()
        for conn in held:
            conn.close()


def test_a_silent_target_fails_within_the_bound(bounded_source, silent_target):
    port, thumbprint = silent_target
    bounded_source.reset()
    source = bounded_source.connect()
    service = vim.ServiceLocator(instanceUuid="00000000-0000-0000-0000-000000000001", url=f"https://127.0.0.1:{port}/sdk",
                                 credential=vim.ServiceLocator.NamePassword(username="u", password="p"), sslThumbprint=thumbprint)
    spec = vim.vm.RelocateSpec(service=service, host=vim.HostSystem("host-1"), pool=vim.ResourcePool("resgroup-1"),
                               datastore=vim.Datastore("datastore-1"))
    started = time.monotonic()
    task = lookup.vm(source, "web-03").RelocateVM_Task(spec)
    with pytest.raises(vim.fault.HostConnectFault) as err:
        lookup.wait(task, timeout=30)
    assert "deadline exceeded" in err.value.msg and f"127.0.0.1:{port}" in err.value.msg
    assert time.monotonic() - started < 10 * TARGET_TIMEOUT, "bounded by -target-timeout, not the 30 s default"
    assert lookup.vm(source, "web-03").runtime.powerState == "poweredOn"
