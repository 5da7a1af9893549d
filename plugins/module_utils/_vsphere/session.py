# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One vCenter session per module run: connect, one re-login on NotAuthenticated, check-mode write
guard, TLS thumbprint for service locators, and the ``VSPHERE`` connection for ``run_module``.

Every SOAP call that can fail goes through ``Session.call`` (reads) or ``Session.write`` /
``Session.start_task`` (writes), so faults become ``VSphereError`` with vSphere's own text in
one place and writes are refused in check mode here, not in each module.
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
import ssl

from ansible.module_utils.basic import env_fallback

from .._errors import CheckModeWriteError, VSphereError
from .._module import Connection
from .tasks import TaskWaiter, fault_name, fault_text

try:
    from pyVim.connect import Disconnect, SmartConnect
    from pyVmomi import vim, vmodl
except ImportError:  # pragma: no cover - reported by require_pyvmomi()
    vim = vmodl = SmartConnect = Disconnect = None

ARGUMENT_SPEC = dict(
    hostname=dict(type="str", required=True, fallback=(env_fallback, ["VMWARE_HOST"])),
    username=dict(type="str", required=True, aliases=["admin", "user"], fallback=(env_fallback, ["VMWARE_USER"])),
    password=dict(type="str", required=True, aliases=["pass", "pwd"], no_log=True, fallback=(env_fallback, ["VMWARE_PASSWORD"])),
    port=dict(type="int", default=443, fallback=(env_fallback, ["VMWARE_PORT"])),
    validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["VMWARE_VALIDATE_CERTS"])),
    ca_path=dict(type="path", fallback=(env_fallback, ["VMWARE_CA_PATH"])),
    proxy_host=dict(type="str", fallback=(env_fallback, ["VMWARE_PROXY_HOST"])),
    proxy_port=dict(type="int", fallback=(env_fallback, ["VMWARE_PROXY_PORT"])),
)
"""The vSphere connection options, documented by the ``longdistance.vmotion.vsphere`` doc fragment."""

CONNECT_KEYS = ("hostname", "username", "password", "port", "validate_certs", "ca_path", "proxy_host", "proxy_port")
CONNECT_TIMEOUT = 30


def ssl_context(validate_certs, ca_path=None):
    """TLS client context: verified against ``ca_path`` (or the system store), or unverified."""
    if validate_certs:
        return ssl.create_default_context(cafile=ca_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _proxy_tunnel(proxy_host, proxy_port, host, port):
    sock = socket.create_connection((proxy_host, proxy_port), timeout=CONNECT_TIMEOUT)
    sock.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode("ascii"))
    reply = b""
    while b"\r\n\r\n" not in reply:
        chunk = sock.recv(4096)
        if not chunk:
            break
        reply += chunk
    status = reply.split(b"\r\n", 1)[0].decode("latin-1")
    if " 200" not in status:
        sock.close()
        raise OSError(f"proxy {proxy_host}:{proxy_port} refused CONNECT to {host}:{port}: {status or 'no answer'}")
    return sock


def server_thumbprint(host, port, validate_certs=True, ca_path=None, proxy_host=None, proxy_port=None):
    """SHA-1 thumbprint (``AA:BB:...``) of the certificate ``host:port`` presents.

    With ``validate_certs`` the handshake verifies the chain against ``ca_path`` and the host name,
    so a thumbprint is only returned for a server we trust.
    """
    context = ssl_context(validate_certs, ca_path)
    try:
        if proxy_host:
            raw = _proxy_tunnel(proxy_host, proxy_port or 80, host, port)
        else:
            raw = socket.create_connection((host, port), timeout=CONNECT_TIMEOUT)
        with raw, context.wrap_socket(raw, server_hostname=host) as tls:
            der = tls.getpeercert(binary_form=True)
    except ssl.SSLError as exc:
        raise VSphereError(f"TLS certificate of {host}:{port} could not be verified: {exc}", fault=fault_name(exc),
                           obj=f"{host}:{port}") from exc
    except OSError as exc:
        raise VSphereError(f"Cannot reach {host}:{port} to read its TLS certificate: {exc}", fault=fault_name(exc),
                           obj=f"{host}:{port}") from exc
    digest = hashlib.sha1(der).hexdigest().upper()  # nosec B324 - vSphere's ServiceLocator names SHA-1
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


class Session:
    """A logged-in vCenter session.

    ``params``: the connection options (``CONNECT_KEYS``); ``check_mode``: refuse writes.
    """

    def __init__(self, params, check_mode=False):
        self.params = {key: params.get(key) for key in CONNECT_KEYS}
        self.check_mode = check_mode
        self.si = None

    @property
    def label(self):
        return f"vCenter {self.params['hostname']}:{self.params['port']}"

    @property
    def content(self):
        return self.si.RetrieveContent()

    def connect(self):
        if SmartConnect is None:
            raise VSphereError("pyvmomi is required for the vSphere modules: pip install pyvmomi")
        p = self.params
        kwargs = dict(host=p["hostname"], port=p["port"], user=p["username"], pwd=p["password"],
                      sslContext=ssl_context(p["validate_certs"], p["ca_path"]), httpConnectionTimeout=CONNECT_TIMEOUT)
        if p["proxy_host"]:
            kwargs.update(httpProxyHost=p["proxy_host"], httpProxyPort=p["proxy_port"] or 80)
        try:
            self.si = SmartConnect(**kwargs)
        except vim.fault.InvalidLogin as exc:
            raise VSphereError(f"Cannot log in to {self.label} as {p['username']}: {fault_text(exc)}",
                               fault=fault_name(exc), obj=self.label) from exc
        except vmodl.MethodFault as exc:
            raise VSphereError(f"{self.label} refused the login: {fault_text(exc)}", fault=fault_name(exc), obj=self.label) from exc
        except ssl.SSLError as exc:
            raise VSphereError(f"TLS certificate of {self.label} could not be verified (set ca_path or validate_certs): {exc}",
                               fault=fault_name(exc), obj=self.label) from exc
        except Exception as exc:  # pylint: disable=broad-except  # socket errors, or pyVim's bare Exception for non-vSphere servers
            raise VSphereError(f"Cannot reach {self.label}: {exc}", fault=fault_name(exc), obj=self.label) from exc
        return self

    def close(self):
        if self.si is not None:
            with contextlib.suppress(Exception):
                Disconnect(self.si)
            self.si = None

    def __enter__(self):
        return self.connect()

    def __exit__(self, *exc_info):
        self.close()

    def _relogin(self):
        try:
            self.content.sessionManager.Login(self.params["username"], self.params["password"])
        except vmodl.MethodFault as exc:
            raise VSphereError(f"The session on {self.label} expired and logging in again as {self.params['username']} failed: "
                               f"{fault_text(exc)}", fault=fault_name(exc), obj=self.label) from exc

    def call(self, func, *args, what=None, **kwargs):
        """Run ``func(*args, **kwargs)``; on NotAuthenticated log in once more and replay once.

        vSphere faults become ``VSphereError("<what> failed: <fault text>")``.
        """
        try:
            try:
                return func(*args, **kwargs)
            except vim.fault.NotAuthenticated:
                self._relogin()
                return func(*args, **kwargs)
        except vmodl.MethodFault as exc:
            what = what or getattr(func, "__name__", "vSphere call")
            raise VSphereError(f"{what} on {self.label} failed: {fault_text(exc)}", fault=fault_name(exc), obj=what) from exc

    def write(self, obj, method, *args, what=None, **kwargs):
        """Call the mutating ``method`` of managed object ``obj``; refused in check mode."""
        what = what or f"{method} on {obj._moId}"
        if self.check_mode:
            raise CheckModeWriteError(f"check mode: refusing to send {what}", obj=what)
        return self.call(getattr(obj, method), *args, what=what, **kwargs)

    def start_task(self, obj, method, *args, what=None, **kwargs):
        """Start a ``*_Task`` method (a write) and return the ``vim.Task``."""
        return self.write(obj, method, *args, what=what, **kwargs)

    def waiter(self, timeout=3600, poll_interval=5.0):
        """A ``TaskWaiter`` whose reads go through this session's re-login guard."""
        return TaskWaiter(timeout=timeout, poll_interval=poll_interval, read=self.call)


@contextlib.contextmanager
def open_session(module):
    """``Connection.open`` for ``run_module``: a connected session, always disconnected."""
    session = Session(module.params, check_mode=module.check_mode)
    with session:
        yield session


VSPHERE = Connection(ARGUMENT_SPEC, open_session)
