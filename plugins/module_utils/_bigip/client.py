# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one iControl REST client.

Above the raw-send seam (``transport.send(method, path, body, params, headers) -> Reply``) live,
for every call the same way (login, reads, writes, transaction open and commit, config save):

* one token login per module run, the token on every call, the token deleted in ``close()``
  (called from the module wrapper's ``finally``); a login refused for its credentials fails at
  once, a device that is restarting is waited for;
* exactly one re-login and replay on a 401, never a loop;
* ONE retry policy (``_retry.RetryPolicy``): exponential backoff up to ``retry_deadline`` seconds
  on connection errors, timeouts, 502/503/504 and the device's "restarting" / "mcpd lost" answers;
* a write whose reply was lost (reset or timeout after sending) is settled before it is sent
  again: a create re-reads whether the object exists, a DELETE that then finds 404 succeeded, a
  commit that then finds its transaction gone re-reads the objects it changed; a message never
  claims more than that re-read verified;
* writes refused in check mode (the guard is here, not in each module);
* transactions (``X-F5-REST-Coordination-Id``);
* typed errors carrying HTTP status, BIG-IP's code/message, method and path.

Everything above runs the same on both connection paths; below ONE raw-send seam
(``transport.send(method, path, body, params, headers) -> Reply``, ``_transport.py``) the bytes
travel either

* directly (``RequestsTransport``: the explicit ``server``/``user``/``password`` options,
  ``module_defaults``, ``F5_*`` environment; one login per module run), or
* through the play's persistent connection (``HttpApiTransport``: an inventory host with
  ``ansible_connection: ansible.netcommon.httpapi`` and ``ansible_network_os:
  longdistance.vmotion.bigip``); the token then outlives the module run and the connection
  deletes it when the play ends, so a play logs in once per device.
"""

from __future__ import annotations

import contextlib
import json
from urllib.parse import quote

from ansible.module_utils.basic import env_fallback

from .._errors import ApiError, AuthError, CheckModeWriteError, NotFoundError, OutcomeUnknownError, TransportError, ValidationError
from .._module import Connection
from .._retry import RetryPolicy
from . import ha
from ._transport import HAS_REQUESTS, HttpApiTransport, RequestsTransport
from .names import full_path

WRITE_METHODS = frozenset(("POST", "PUT", "PATCH", "DELETE"))
RETRY_STATUSES = frozenset((502, 503, 504))
RESTARTING_HINTS = ("restarting", "connection to mcpd has been lost", "try again", "service unavailable")
LOGIN_PATH = "/mgmt/shared/authn/login"
TOKEN_PATH = "/mgmt/shared/authz/tokens/"
TRANSACTION_PATH = "/mgmt/tm/transaction"
SAVE_PATH = "/mgmt/tm/sys/config"  # save sys config: persists what the unit runs, changes no configuration (no HA check)
DEFAULT_RETRY_DEADLINE = 120
"""Seconds one call keeps retrying a device that is unreachable or restarting (a restjavad restart
takes 30-90 s on real devices)."""
LOGOUT_ATTEMPTS = 3

# server/user/password are required unless the task runs over the host's persistent connection
# (checked in _connection_values: the httpapi connection carries ansible_host/ansible_user/ansible_password).
ARGUMENT_SPEC = dict(
    server=dict(type="str", fallback=(env_fallback, ["F5_SERVER"])),
    server_port=dict(type="int", default=443, fallback=(env_fallback, ["F5_SERVER_PORT"])),
    user=dict(type="str", fallback=(env_fallback, ["F5_USER"])),
    password=dict(type="str", no_log=True, fallback=(env_fallback, ["F5_PASSWORD"])),
    validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["F5_VALIDATE_CERTS"])),
    ca_path=dict(type="path", fallback=(env_fallback, ["F5_CA_PATH"])),
    auth_provider=dict(type="str", default="tmos", fallback=(env_fallback, ["F5_AUTH_PROVIDER"])),
    timeout=dict(type="int", default=30),
    retries=dict(type="int"),
    retry_deadline=dict(type="int", default=DEFAULT_RETRY_DEADLINE, fallback=(env_fallback, ["F5_RETRY_DEADLINE"])),
)


def uri_name(name, partition="Common"):
    """The URI segment of an object: ``~Common~name``; route-domain ``%`` encoded as ``%25``."""
    return quote(full_path(name, partition).replace("/", "~"), safe="~:.-_@")


def resource_path(collection, name, partition="Common"):
    """``/mgmt/tm/ltm/pool`` + ``web`` -> ``/mgmt/tm/ltm/pool/~Common~web``."""
    return "%s/%s" % (collection.rstrip("/"), uri_name(name, partition))


class BigIpClient:
    """A session with one BIG-IP for the length of one module run."""

    def __init__(self, server, user, password, server_port=443, validate_certs=True, ca_path=None, auth_provider="tmos",
                 timeout=30, retries=None, check_mode=False, warn=None, session=None, retry_policy=None,
                 retry_deadline=DEFAULT_RETRY_DEADLINE, transport=None):
        if transport is None and not HAS_REQUESTS:
            raise TransportError("The Python 'requests' library is required to talk to BIG-IP %s" % server)
        host = "[%s]" % server if ":" in server and not server.startswith("[") else server
        self.server = server
        self.base_url = "https://%s:%s" % (host, server_port)
        self.user = user
        self._password = password
        self.auth_provider = auth_provider
        self.timeout = timeout
        self.check_mode = check_mode
        self.warn = warn or (lambda msg: None)
        self._shared_token = bool(getattr(transport, "keeps_token", False))
        self.retry_policy = retry_policy or RetryPolicy(attempts=None if retries is None else retries + 1, deadline=retry_deadline)
        # ``verify`` is passed on every request: a session-level one loses to REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE.
        self.transport = transport or RequestsTransport(self.base_url, (ca_path or True) if validate_certs else False, timeout, session)
        # A transport that ``keeps_token`` (the persistent connection) hands over the play's token.
        self.token = self.transport.token if self._shared_token else None
        self._transaction = None
        self._queued = []

    # -- lifecycle -----------------------------------------------------------------------------

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def login(self):
        """Get a token; retried like every call while the device is unreachable or restarting.

        Credentials the device refuses fail at once (``AuthError``). When a login's reply was lost,
        the token the device may have created for it is looked up and deleted after the next login.
        """
        body = {"username": self.user, "password": self._password, "loginProviderName": self.auth_provider}
        lost = []

        def attempt():
            try:
                return self._call("POST", LOGIN_PATH, body, auth=False, what="login")
            except TransportError as exc:
                if exc.sent is not False:
                    lost.append(self.retry_policy.clock())
                raise
            except ApiError as exc:
                if _is_retryable(exc):
                    raise
                raise AuthError("BIG-IP %s refused the credentials of user %s: %s" % (self.server, self.user, exc.api_message or exc.msg),
                                status=exc.status, code=exc.code, api_message=exc.api_message, method="POST", path=LOGIN_PATH) from None

        started = self.retry_policy.clock()
        try:
            reply = self._retrying(attempt, "POST", LOGIN_PATH)
        except (TransportError, ApiError) as exc:
            if isinstance(exc, AuthError):
                raise
            raise TransportError("BIG-IP %s did not accept a login of user %s within %ss (retry_deadline): %s" % (
                self.server, self.user, self.retry_policy.deadline, _reason(exc)), sent=getattr(exc, "sent", False),
                method="POST", path=LOGIN_PATH) from None
        self.token = reply["token"]["token"]
        if self._shared_token:
            self.transport.token = self.token
        if lost:
            self._delete_orphan_tokens(reply["token"], self.retry_policy.clock() - started)

    def _delete_orphan_tokens(self, mine, window):
        """Delete tokens of this user, from this address, created by a login whose reply was lost.

        A token is an orphan when it started after the first lost login attempt and before ours
        (``window`` seconds plus a little slack for clock skew between attempts)."""
        try:
            tokens = self._call("GET", TOKEN_PATH.rstrip("/"), what="login tokens") or {}
        except (ApiError, TransportError) as exc:
            self.warn("BIG-IP %s: a login reply was lost and its token could not be looked up (%s); it expires by itself "
                      "after its timeout" % (self.server, _reason(exc)))
            return
        mine_start = _token_start(mine)
        orphans = [t for t in tokens.get("items", []) if t.get("token", t.get("name")) != mine["token"]
                   and t.get("userName") == self.user and t.get("address") == mine.get("address")
                   and mine_start is not None and _token_start(t) is not None
                   and mine_start - (window + 5) * 1e6 <= _token_start(t) <= mine_start]
        for orphan in orphans:
            value = orphan.get("token", orphan.get("name"))
            try:
                self._call("DELETE", TOKEN_PATH + value, what="login token")
            except NotFoundError:
                pass
            except (ApiError, TransportError) as exc:
                self.warn("BIG-IP %s: could not delete the token of a lost login reply (%s)" % (self.server, _reason(exc)))
        if orphans:
            self.warn("BIG-IP %s: deleted %d login token(s) left by a login whose reply was lost" % (self.server, len(orphans)))

    def close(self):
        """Delete the token (logout, a few quick tries); never raises, the module's own outcome matters more.

        Over the persistent connection the token stays for the next task; the connection deletes
        it when the play ends (``plugins/httpapi/bigip.py``)."""
        token, self.token = self.token, None
        if token and not self._shared_token:
            for attempt in range(LOGOUT_ATTEMPTS):
                try:
                    self.transport.send("DELETE", TOKEN_PATH + token, headers={"X-F5-Auth-Token": token})
                    break
                except TransportError as exc:
                    if attempt + 1 == LOGOUT_ATTEMPTS or not exc.retryable:
                        self.warn("Could not delete the login token on BIG-IP %s: %s (it expires by itself)" % (self.server, exc.msg))
        self.transport.close()

    # -- requests ------------------------------------------------------------------------------

    def request(self, method, path, body=None, params=None, what=None, exists=None, idempotent=None, settle=None):
        """Send one call under the retry policy and return the parsed JSON (None for an empty body).

        ``what`` names the object for error messages.
        ``exists`` (POST): a callable telling whether the object was created after all; called
        before a POST is sent again. A POST without it is only retried when ``idempotent``
        (config save, transaction open). PUT/PATCH/DELETE are idempotent.
        ``settle(exc)``: after a try whose reply was lost, a later try answering 404 is passed
        here; it re-reads the device and returns the outcome (or raises). A DELETE settles as
        success (the object is gone).
        """
        method = method.upper()
        if method in WRITE_METHODS and self.check_mode:
            raise CheckModeWriteError("Refusing %s %s on BIG-IP %s in check mode" % (method, path, self.server), method=method, path=path)
        if idempotent is None:
            idempotent = method != "POST" or exists is not None
        if method in WRITE_METHODS and path != SAVE_PATH:
            ha.before_write(self, method, path)  # first change of the run: refuse a standby unit (_bigip/ha.py)
        if self.token is None:
            self.login()
        maybe_applied = []

        def attempt():
            if maybe_applied and method == "POST" and exists is not None:
                found = exists()
                if found is not None:
                    return found
            try:
                return self._send_with_relogin(method, path, body, params, what)
            except NotFoundError as exc:
                if maybe_applied and method == "DELETE":
                    return None  # the earlier try deleted it
                if maybe_applied and settle is not None:
                    return settle(exc)
                raise
            except (TransportError, ApiError) as exc:
                unsure = getattr(exc, "sent", False) is None or (isinstance(exc, ApiError) and exc.status in (502, 504))
                if method in WRITE_METHODS and unsure:
                    maybe_applied.append(exc)
                raise

        def retryable(exc):
            return idempotent and _is_retryable(exc)

        started = self.retry_policy.clock()
        try:
            return self._retrying(attempt, method, path, retryable)
        except (TransportError, ApiError) as exc:
            if maybe_applied and not isinstance(exc, (NotFoundError, AuthError)):
                subject = what or path
                raise OutcomeUnknownError(
                    "BIG-IP %s: %s %s: a reply was lost, so the device may or may not have applied it; retries until the "
                    "deadline did not settle it: %s" % (self.server, method, subject, _reason(exc)), method=method, path=path) from None
            if retryable(exc):
                exc.msg = "%s (still failing after %.0fs of retries; retry_deadline is %ss)" % (
                    exc.msg, self.retry_policy.clock() - started, self.retry_policy.deadline)
                exc.args = (exc.msg,)
            raise

    def _retrying(self, attempt, method, path, retryable=None):
        def on_retry(exc, delay):
            self.warn("BIG-IP %s: %s %s failed (%s); retrying in %.1fs" % (self.server, method, path, _reason(exc), delay))
        return self.retry_policy.call(attempt, retryable or _is_retryable, on_retry)

    def get(self, path, params=None, what=None):
        """GET; ``None`` when the device answers 404 (the object is absent)."""
        try:
            return self.request("GET", path, params=params, what=what)
        except NotFoundError:
            return None

    def create(self, collection, body, what=None):
        """POST ``body`` to ``collection``; safe to retry (re-reads the object first)."""
        path = resource_path(collection, body["name"], body.get("partition"))  # no partition: a bare-name item
        result = self.request("POST", collection, body, what=what, exists=lambda: self.get(path, what=what))
        self._queue(path, body, what)
        return result

    def patch(self, path, body, what=None):
        result = self.request("PATCH", path, body, what=what)
        self._queue(path, body, what)
        return result

    def put(self, path, body, what=None):
        return self.request("PUT", path, body, what=what)

    def delete(self, path, what=None):
        result = self.request("DELETE", path, what=what)
        self._queue(path, None, what)
        return result

    def save_config(self):
        """``save sys config``: the running configuration becomes the one loaded at boot (retried, idempotent)."""
        return self.request("POST", SAVE_PATH, {"command": "save"}, what="running configuration", idempotent=True)

    @contextlib.contextmanager
    def transaction(self):
        """Queue every write inside the block and commit them together on exit (all or nothing).

        A commit whose reply was lost and whose transaction is then gone is settled by re-reading
        every object written (created or PATCHed: holds the body; deleted: gone): applied when the device holds
        every change, otherwise
        ``OutcomeUnknownError`` listing what was verified."""
        if self._transaction is not None:
            raise RuntimeError("BIG-IP %s: a transaction cannot be opened inside another one (a bug in the caller)" % self.server)
        trans = self.request("POST", TRANSACTION_PATH, {}, what="transaction", idempotent=True)
        trans_id = trans["transId"]
        self._transaction = trans_id
        self._queued = []
        label = "transaction %s" % trans_id
        try:
            yield trans_id
        except BaseException:
            self._transaction = None
            with contextlib.suppress(ApiError, TransportError, OutcomeUnknownError):
                self.request("DELETE", "%s/%s" % (TRANSACTION_PATH, trans_id), what=label)
            raise
        self._transaction = None
        queued = list(self._queued)
        self.request("PATCH", "%s/%s" % (TRANSACTION_PATH, trans_id), {"state": "VALIDATING", "validateOnly": False},
                     what=label, settle=lambda exc: self._settle_commit(label, queued, exc))

    def _queue(self, path, body, what):
        """Inside a transaction: remember a queued write for ``_settle_commit`` (``body`` None: a DELETE, settled when
        the object is gone)."""
        if self._transaction is not None:
            self._queued.append((path, body, what))

    def _settle_commit(self, label, queued, exc):
        """The commit's reply was lost and the transaction is gone: did the device apply it?"""
        holds, lacks = [], []
        for path, body, what in queued:
            current = self.get(path, what=what)
            subject = what or path
            if (current is None) if body is None else (current is not None and _holds(current, body)):
                holds.append(subject)
            else:
                lacks.append(subject)
        if queued and not lacks:
            self.warn("BIG-IP %s: the reply to the commit of %s was lost; re-reading shows the device holds every change (%s)"
                      % (self.server, label, ", ".join(holds)))
            return {"state": "COMPLETED", "verified": holds}
        raise OutcomeUnknownError(
            "BIG-IP %s: the reply to the commit of %s was lost and the transaction is gone (%s); re-reading shows the device "
            "holds the change for: %s; and does not hold it for: %s" % (
                self.server, label, exc.api_message or exc.msg, ", ".join(holds) or "none", ", ".join(lacks) or "none"),
            verified={"applied": holds, "not_applied": lacks})

    # -- internals -----------------------------------------------------------------------------

    def _send_with_relogin(self, method, path, body, params, what):
        try:
            return self._call(method, path, body, params, what=what)
        except AuthError:
            # The token expired or was revoked: log in again once and replay once.
            self.token = None
            self.login()
            return self._call(method, path, body, params, what=what)

    def _call(self, method, path, body=None, params=None, what=None, auth=True):
        """One try through the transport; HTTP errors become typed errors."""
        headers = {}
        if auth and self.token:
            headers["X-F5-Auth-Token"] = self.token
        if self._transaction is not None and method in WRITE_METHODS and not path.startswith(TRANSACTION_PATH):
            headers["X-F5-REST-Coordination-Id"] = str(self._transaction)
        try:
            reply = self.transport.send(method, path, body, params, headers)
        except TransportError as exc:
            raise TransportError("BIG-IP %s: %s" % (self.server, exc.msg), sent=exc.sent, retryable=exc.retryable,
                                 method=method, path=path) from None
        if 200 <= reply.status < 300:
            return json.loads(reply.content) if reply.content else None
        raise _api_error(self.server, method, path, reply, what)


def _api_error(server, method, path, reply, what):
    try:
        payload = json.loads(reply.content)
        if not isinstance(payload, dict):
            raise ValueError(payload)
    except ValueError:
        payload = {"message": reply.content.decode("utf-8", "replace").strip()[:500]}
    message = payload.get("message") or "HTTP %s, no message" % reply.status
    status = reply.status
    subject = what or path
    msg = "BIG-IP %s: %s %s failed with HTTP %s: %s" % (server, method, subject, status, message)
    cls = NotFoundError if status == 404 else AuthError if status == 401 else ApiError
    return cls(msg, status=status, code=payload.get("code"), api_message=message, api_error=payload.get("apiError"),
               method=method, path=path)


def _is_retryable(exc):
    if isinstance(exc, TransportError):
        return exc.retryable
    if isinstance(exc, ApiError) and not isinstance(exc, (NotFoundError, AuthError)):
        text = (exc.api_message or "").lower()
        return exc.status in RETRY_STATUSES or (exc.status == 500 and any(hint in text for hint in RESTARTING_HINTS))
    return False


def _holds(current, wanted):
    """Whether the device's rendering ``current`` holds every value of the written ``wanted`` (names
    may come back split into ``partition`` + ``name``; the device adds properties of its own)."""
    if isinstance(wanted, dict):
        if not isinstance(current, dict):
            return False
        for key, value in wanted.items():
            if key == "name" and isinstance(value, str) and value.startswith("/"):
                rendered = current.get("fullPath") or "/%s/%s" % (current.get("partition", "Common"), current.get("name"))
                if value not in (current.get("name"), rendered):
                    return False
            elif not _holds(current.get(key), value):
                return False
        return True
    if isinstance(wanted, list):
        return isinstance(current, list) and len(current) == len(wanted) and all(_holds(c, w) for c, w in zip(current, wanted))
    return current == wanted


def _reason(exc):
    """The short reason of an error for warnings and wrapped messages."""
    if isinstance(exc, ApiError):
        return "HTTP %s: %s" % (exc.status, exc.api_message)
    return exc.msg


def _token_start(token):
    """Microseconds since the epoch at which a token was issued (expiration minus timeout)."""
    try:
        return int(token["expirationMicros"]) - int(token["timeout"]) * 1000000
    except (KeyError, TypeError, ValueError):
        return None


def _connection_values(module):
    """The client's arguments: the explicit options, or what the host's persistent connection knows."""
    params = module.params
    values = dict(server=params["server"], server_port=params["server_port"], user=params["user"], password=params["password"],
                  validate_certs=params["validate_certs"], ca_path=params["ca_path"], auth_provider=params["auth_provider"],
                  timeout=params["timeout"], retries=params["retries"], retry_deadline=params["retry_deadline"])
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
