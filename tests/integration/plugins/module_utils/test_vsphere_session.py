"""Session against the vCenter simulator: login, TLS, clear failures, one re-login, check-mode write guard, thumbprint."""
from __future__ import annotations

import socket
import threading

import pytest
from pyVmomi import vim

from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import CheckModeWriteError, VSphereError
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere import lookup, session as vsession

pytestmark = pytest.mark.vcenter_sim


def params(sim, **overrides):
    return {**sim.conn_args, "proxy_host": None, "proxy_port": None, **overrides}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connects_with_verified_tls_and_always_disconnects(vcenter_sim):
    session = vsession.Session(params(vcenter_sim))
    with session:
        assert session.content.about.instanceUuid == vcenter_sim.instance_uuid
        stub = session.si._stub
    assert session.si is None
    with pytest.raises(vim.fault.NotAuthenticated):
        vim.ServiceInstance("ServiceInstance", stub).content.sessionManager.currentSession.userName  # noqa: B018  logged out


def test_wrong_password_names_user_and_vcenter(vcenter_sim):
    with pytest.raises(VSphereError) as caught:
        vsession.Session(params(vcenter_sim, password="wrong")).connect()
    assert caught.value.fault == "vim.fault.InvalidLogin"
    assert caught.value.msg.startswith(f"Cannot log in to vCenter 127.0.0.1:{vcenter_sim.port} as {vcenter_sim.username}: ")


def test_unreachable_vcenter_is_a_clear_error():
    port = free_port()
    with pytest.raises(VSphereError, match=f"Cannot reach vCenter 127.0.0.1:{port}: "):
        vsession.Session(dict(hostname="127.0.0.1", port=port, username="u", password="p", validate_certs=True)).connect()


def test_untrusted_certificate_is_refused_unless_validation_is_off(vcenter_sim):
    with pytest.raises(VSphereError, match="could not be verified"):
        vsession.Session(params(vcenter_sim, ca_path=None)).connect()
    with vsession.Session(params(vcenter_sim, ca_path=None, validate_certs=False)) as session:
        assert session.content.about.instanceUuid == vcenter_sim.instance_uuid


def test_expired_session_is_renewed_once_and_the_call_replayed(vcenter_sim):
    with vsession.Session(params(vcenter_sim)) as session:
        relogins = []
        original = session._relogin
        session._relogin = lambda: relogins.append(1) or original()
        assert vcenter_sim.expire_sessions() >= 1
        host = lookup.by_name(session, "host", "esx-p1.lab.local")
        assert host._moId and relogins == [1]
        # the renewed session keeps working without another login
        assert session.call(getattr, host, "name") == "esx-p1.lab.local" and relogins == [1]


def test_second_not_authenticated_is_an_error_not_a_loop(vcenter_sim):
    calls = []

    def always_expired():
        calls.append(1)
        vcenter_sim.expire_sessions()
        raise vim.fault.NotAuthenticated(msg="session expired")

    with vsession.Session(params(vcenter_sim)) as session:
        with pytest.raises(VSphereError) as caught:
            session.call(always_expired, what="reading something")
    assert len(calls) == 2, "one replay after one re-login, then the error"
    assert caught.value.fault == "vim.fault.NotAuthenticated" and "reading something" in caught.value.msg


def test_check_mode_refuses_writes_before_anything_is_sent(vcenter_sim):
    vcenter_sim.clear_calls()
    with vsession.Session(params(vcenter_sim), check_mode=True) as session:
        host = lookup.by_name(session, "host", "esx-p1.lab.local")
        options = session.call(getattr, host.configManager, "advancedOption")
        value = vim.option.OptionValue(key="Migrate.BindToVmknics", value=1)
        with pytest.raises(CheckModeWriteError, match="check mode: refusing to send UpdateOptions"):
            session.write(options, "UpdateOptions", changedValue=[value], what="UpdateOptions on esx-p1")
    assert vcenter_sim.write_calls() == [], "nothing reached vCenter"
    host_state = next(h for h in vcenter_sim.state()["hosts"] if h["name"] == "esx-p1.lab.local")
    assert host_state["options"]["Migrate.BindToVmknics"] == 0


def test_fault_text_of_a_failed_write_is_vspheres_own(vcenter_sim):
    with vsession.Session(params(vcenter_sim)) as session:
        host = lookup.by_name(session, "host", "esx-p1.lab.local")
        options = session.call(getattr, host.configManager, "advancedOption")
        value = vim.option.OptionValue(key="Migrate.BindToVmknics", value=1)  # plain int: xsd:int, rejected for a LongOption
        with pytest.raises(VSphereError) as caught:
            session.write(options, "UpdateOptions", changedValue=[value], what="UpdateOptions on esx-p1")
    assert caught.value.fault == "vmodl.fault.InvalidArgument"
    assert caught.value.msg.startswith(f"UpdateOptions on esx-p1 on vCenter 127.0.0.1:{vcenter_sim.port} failed: host esx-p1.lab.local: ")
    assert "LongOption" in caught.value.msg


def test_thumbprint_is_verified_against_the_ca(vcenter_sim):
    assert vsession.server_thumbprint("127.0.0.1", vcenter_sim.port, True, vcenter_sim.ca_path) == vcenter_sim.thumbprint()
    with pytest.raises(VSphereError, match=f"TLS certificate of 127.0.0.1:{vcenter_sim.port} could not be verified"):
        vsession.server_thumbprint("127.0.0.1", vcenter_sim.port, True, None)
    assert vsession.server_thumbprint("127.0.0.1", vcenter_sim.port, False) == vcenter_sim.thumbprint()


def test_failed_relogin_says_so(vcenter_sim):
    with vsession.Session(params(vcenter_sim)) as session:
        vcenter_sim.expire_sessions()
        session.params["password"] = "changed-meanwhile"
        with pytest.raises(VSphereError, match="expired and logging in again as .* failed: "):
            lookup.by_name(session, "host", "esx-p1.lab.local")


class ConnectProxy:
    """A loopback HTTP CONNECT proxy that records the tunnels it opened (test double for proxy_host/proxy_port)."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.tunnels = []
        self.threads = [threading.Thread(target=self._serve, daemon=True)]
        self.threads[0].start()

    def _serve(self):
        while True:
            try:
                client, _addr = self.server.accept()
            except OSError:
                return
            worker = threading.Thread(target=self._tunnel, args=(client,), daemon=True)
            self.threads.append(worker)
            worker.start()

    def _tunnel(self, client):
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = client.recv(4096)
            if not chunk:
                client.close()
                return
            request += chunk
        target = request.split(b" ")[1].decode()
        host, port = target.rsplit(":", 1)
        assert host == "127.0.0.1", "the test proxy only tunnels to loopback"
        self.tunnels.append(target)
        upstream = socket.create_connection((host, int(port)), timeout=10)
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        for src, dst in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pipe, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.server.close()


@pytest.fixture
def proxy():
    running = ConnectProxy()
    yield running
    running.close()


def test_proxy_carries_the_session_and_the_thumbprint_probe(vcenter_sim, proxy):
    target = f"127.0.0.1:{vcenter_sim.port}"
    with vsession.Session(params(vcenter_sim, proxy_host="127.0.0.1", proxy_port=proxy.port)) as session:
        assert session.content.about.instanceUuid == vcenter_sim.instance_uuid
    assert target in proxy.tunnels
    count = len(proxy.tunnels)
    thumbprint = vsession.server_thumbprint("127.0.0.1", vcenter_sim.port, True, vcenter_sim.ca_path, "127.0.0.1", proxy.port)
    assert thumbprint == vcenter_sim.thumbprint() and proxy.tunnels[count:] == [target]
