# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one iControl REST client.

* one token login per module run, the token on every call, the token deleted in ``close()``
  (called from the module wrapper's ``finally``);
* exactly one re-login and replay on a 401, never a loop;
* bounded retries with backoff and an overall deadline on connection errors, 502/503/504 and
  the device's "restarting" / "mcpd lost" answers; a POST is retried only after re-reading
  whether the object now exists;
* writes refused in check mode (the guard is here, not in each module);
* transactions (``X-F5-REST-Coordination-Id``);
* typed errors carrying HTTP status, BIG-IP's code/message, method and path.

Everything above runs the same on both connection paths; below ONE raw-send seam
(``transport.send(method, path, body, headers) -> RawReply``) the bytes travel either

* directly (``RequestsTransport``: the explicit ``server``/``user``/``password`` options,
  ``module_defaults``, ``F5_*`` environment; one login per module run), or
* through the play's persistent connection (``_transport.HttpApiTransport``: an inventory host
  with ``ansible_connection: ansible.netcommon.httpapi`` and ``ansible_network_os:
  longdistance.vmotion.bigip``); the token then outlives the module run and the connection
  deletes it when the play ends, so a play logs in once per device.
"""

from __future__ import annotations

import contextlib
from urllib.parse import quote, urlencode

from ansible.module_utils.basic import env_fallback

from .._errors import ApiError, AuthError, CheckModeWriteError, NotFoundError, TransportError, ValidationError
from .._module import Connection
from .._retry import RetryPolicy
from ._transport import HttpApiTransport, RequestsTransport

try:
    import requests
    HAS_REQUESTS = True
except ImportError:  # pragma: no cover - reported by the module
    requests = None
    HAS_REQUESTS = False

WRITE_METHODS = frozenset(("POST", "PUT", "PATCH", "DELETE"))
RETRY_STATUSES = frozenset((502, 503, 504))
RESTARTING_HINTS = ("restarting", "connection to mcpd has been lost", "try again", "service unavailable")
LOGIN_PATH = "/mgmt/shared/authn/login"
TOKEN_PATH = "/mgmt/shared/authz/tokens/"
TRANSACTION_PATH = "/mgmt/tm/transaction"

# server/user/password are required unless the task runs over the host's persistent connection
# (checked in _open: the httpapi connection carries ansible_host/ansible_user/ansible_password).
ARGUMENT_SPEC = dict(
    server=dict(type="str", fallback=(env_fallback, ["F5_SERVER"])),
    server_port=dict(type="int", default=443, fallback=(env_fallback, ["F5_SERVER_PORT"])),
    user=dict(type="str", fallback=(env_fallback, ["F5_USER"])),
    password=dict(type="str", no_log=True, fallback=(env_fallback, ["F5_PASSWORD"])),
    validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["F5_VALIDATE_CERTS"])),
    ca_path=dict(type="path", fallback=(env_fallback, ["F5_CA_PATH"])),
    auth_provider=dict(type="str", default="tmos", fallback=(env_fallback, ["F5_AUTH_PROVIDER"])),
    timeout=dict(type="int", default=30),
    retries=dict(type="int", default=3),
)


def resource_name(name, partition="Common"):
    """``/Common/name`` for a bare name; a name that already is a full path is kept."""
    if name.startswith("/"):
        return name
    return "/%s/%s" % (partition, name) if partition else name


def uri_name(name, partition="Common"):
    """The URI segment of an object: ``~Common~name``; route-domain ``%`` encoded as ``%25``."""
    return quote(resource_name(name, partition).replace("/", "~"), safe="~:.-_@")


def resource_path(collection, name, partition="Common"):
    """``/mgmt/tm/ltm/pool`` + ``web`` -> ``/mgmt/tm/ltm/pool/~Common~web``."""
    return "%s/%s" % (collection.rstrip("/"), uri_name(name, partition))


class BigIpClient:
    """A session with one BIG-IP for the length of one module run."""

    def __init__(self, server, user, password, server_port=443, validate_certs=True, ca_path=None, auth_provider="tmos",
                 timeout=30, retries=3, check_mode=False, warn=None, session=None, retry_policy=None, transport=None):
        """``transport``: where requests go (default: direct HTTPS with ``requests``); a transport that
        ``keeps_token`` (the persistent connection) hands over the play's token and keeps the new one."""
        if transport is None:
            if not HAS_REQUESTS:
                raise TransportError("The Python 'requests' library is required to talk to BIG-IP %s" % server)
            # ``verify`` is passed on every request: a session-level one loses to REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE.
            transport = RequestsTransport(server, server_port, verify=(ca_path or True) if validate_certs else False,
                                          timeout=timeout, session=session or requests.Session())
        self.transport = transport
        self.server = server
        self.user = user
        self._password = password
        self.auth_provider = auth_provider
        self.timeout = timeout
        self.check_mode = check_mode
        self.warn = warn or (lambda msg: None)
        self.retry_policy = retry_policy or RetryPolicy(attempts=retries + 1, deadline=max(timeout, 1) * (retries + 1))
        self.token = transport.token if transport.keeps_token else None
        self._transaction = None

    # -- lifecycle -----------------------------------------------------------------------------

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def login(self):
        body = {"username": self.user, "password": self._password, "loginProviderName": self.auth_provider}
        try:
            reply = self._send("POST", LOGIN_PATH, body)
        except ApiError as exc:
            raise AuthError("BIG-IP %s refused the login of user %s: %s" % (self.server, self.user, exc.api_message or exc.msg),
                            status=exc.status, code=exc.code, api_message=exc.api_message, method="POST", path=LOGIN_PATH) from None
        self.token = reply["token"]["token"]
        if self.transport.keeps_token:
            self.transport.token = self.token

    def close(self):
        """Delete the token (logout); never raises, the module's own outcome matters more.

        Over the persistent connection the token stays for the next task; the connection deletes
        it when the play ends (``plugins/httpapi/bigip.py``)."""
        token, self.token = self.token, None
        if token and not self.transport.keeps_token:
            try:
                self.transport.send("DELETE", TOKEN_PATH + token, None, {"X-F5-Auth-Token": token})
            except TransportError as exc:
                self.warn("Could not delete the login token on BIG-IP %s: %s" % (self.server, exc.msg))
        self.transport.close()

    # -- requests ------------------------------------------------------------------------------

    def request(self, method, path, body=None, params=None, what=None, exists=None):
        """Send one call and return the parsed JSON (None for an empty body).

        ``what`` names the object for error messages. ``exists``: for POST, a callable that
        tells whether the object was created after all; without it a POST is never retried.
        """
        method = method.upper()
        if method in WRITE_METHODS and self.check_mode:
            raise CheckModeWriteError("Refusing %s %s on BIG-IP %s in check mode" % (method, path, self.server), method=method, path=path)
        if self.token is None:
            self.login()

        def attempt():
            if method == "POST" and attempt.tried and exists is not None:
                found = exists()
                if found is not None:
                    return found
            attempt.tried = True
            return self._send_with_relogin(method, path, body, params, what)
        attempt.tried = False

        def retryable(exc):
            return (method != "POST" or exists is not None) and _is_retryable(exc)

        def on_retry(exc, delay):
            self.warn("BIG-IP %s: %s %s failed (%s); retrying in %.1fs" % (self.server, method, path, exc.msg, delay))

        return self.retry_policy.call(attempt, retryable, on_retry)

    def get(self, path, params=None, what=None):
        """GET; ``None`` when the device answers 404 (the object is absent)."""
        try:
            return self.request("GET", path, params=params, what=what)
        except NotFoundError:
            return None

    def create(self, collection, body, what=None):
        """POST ``body`` to ``collection``; safe to retry (re-reads the object first)."""
        path = resource_path(collection, body["name"], body.get("partition"))  # no partition: a bare-name item
        return self.request("POST", collection, body, what=what, exists=lambda: self.get(path, what=what))

    def patch(self, path, body, what=None):
        return self.request("PATCH", path, body, what=what)

    def put(self, path, body, what=None):
        return self.request("PUT", path, body, what=what)

    def delete(self, path, what=None):
        return self.request("DELETE", path, what=what)

    @contextlib.contextmanager
    def transaction(self):
        """Queue every write inside the block and commit them together on exit (all or nothing)."""
        if self._transaction is not None:
            raise CheckModeWriteError("Nested transactions are not supported by BIG-IP %s" % self.server)
        trans = self.request("POST", TRANSACTION_PATH, {}, what="transaction")
        trans_id = trans["transId"]
        self._transaction = trans_id
        try:
            yield trans_id
        except BaseException:
            self._transaction = None
            with contextlib.suppress(ApiError, TransportError):
                self.request("DELETE", "%s/%s" % (TRANSACTION_PATH, trans_id), what="transaction %s" % trans_id)
            raise
        self._transaction = None
        self.request("PATCH", "%s/%s" % (TRANSACTION_PATH, trans_id), {"state": "VALIDATING", "validateOnly": False},
                     what="transaction %s" % trans_id)

    # -- internals -----------------------------------------------------------------------------

    def _send_with_relogin(self, method, path, body, params, what):
        try:
            return self._send(method, path, body, params, what=what)
        except AuthError:
            # The token expired or was revoked: log in again once and replay once.
            self.token = None
            self.login()
            return self._send(method, path, body, params, what=what)

    def _send(self, method, path, body=None, params=None, what=None):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["X-F5-Auth-Token"] = self.token
        if self._transaction is not None and method in WRITE_METHODS and not path.startswith(TRANSACTION_PATH):
            headers["X-F5-REST-Coordination-Id"] = str(self._transaction)
        if params:
            path = "%s?%s" % (path, urlencode(params))
        response = self.transport.send(method, path, body, headers)  # the raw-send seam
        if 200 <= response.status_code < 300:
            return response.json() if response.content else None
        raise _api_error(self.server, method, path, response, what)


def _api_error(server, method, path, response, what):
    try:
        payload = response.json()
    except ValueError:
        payload = {"message": response.text.strip()[:500]}
    message = payload.get("message") or response.reason or "no message"
    status = response.status_code
    subject = what or path
    msg = "BIG-IP %s: %s %s failed with HTTP %s: %s" % (server, method, subject, status, message)
    cls = NotFoundError if status == 404 else AuthError if status == 401 else ApiError
    return cls(msg, status=status, code=payload.get("code"), api_message=message, api_error=payload.get("apiError"), method=method, path=path)


def _is_retryable(exc):
    if isinstance(exc, TransportError):
        return True
    if isinstance(exc, ApiError) and not isinstance(exc, (NotFoundError, AuthError)):
        text = (exc.api_message or "").lower()
        return exc.status in RETRY_STATUSES or (exc.status == 500 and any(hint in text for hint in RESTARTING_HINTS))
    return False


def _connection_values(module):
    """The client's arguments: the explicit options, or what the host's persistent connection knows."""
    params = module.params
    values = dict(server=params["server"], server_port=params["server_port"], user=params["user"], password=params["password"],
                  validate_certs=params["validate_certs"], ca_path=params["ca_path"], auth_provider=params["auth_provider"],
                  timeout=params["timeout"], retries=params["retries"])
    socket_path = getattr(module, "_socket_path", None)
    if params["server"] is None and socket_path:
        transport = HttpApiTransport(socket_path)
        device = transport.device()
        values.update(server=device["host"], user=device["user"], password=device["password"],
                      auth_provider=device["auth_provider"], transport=transport)
    missing = [name for name in ("server", "user", "password") if not values[name]]
    if missing:
        raise ValidationError(
            "BIG-IP connection: %s not given. Run the task on an inventory host with ansible_connection: "
            "ansible.netcommon.httpapi and ansible_network_os: longdistance.vmotion.bigip (ansible_host, ansible_user, "
            "ansible_password), or give the options server, user and password (or F5_SERVER, F5_USER, F5_PASSWORD)"
            % ", ".join(missing))
    return values


@contextlib.contextmanager
def _open(module):
    client = BigIpClient(check_mode=module.check_mode, warn=module.warn, **_connection_values(module))
    try:
        yield client
    finally:
        client.close()


BIGIP = Connection(argument_spec=ARGUMENT_SPEC, open=_open)
"""Pass to ``run_module(..., connection=BIGIP)``."""
