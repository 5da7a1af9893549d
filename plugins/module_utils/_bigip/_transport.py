# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What sits under the client's raw-send seam: one request out, one raw reply back.

``send(method, path, body=None, params=None, headers=None) -> Reply`` (``body`` is the JSON-able
payload or None, ``params`` the query parameters). A transport knows nothing of tokens' meaning, retries,
check mode or BIG-IP errors: those stay in ``client.py``, identical on both paths. A reply
with any HTTP status is returned; only "the request could not be sent/answered" raises
``TransportError``, with ``sent`` False (never left), None (unknown: the reply was lost) and
``retryable`` as the client's retry policy reads them.

``keeps_token``: False for a direct session (the client deletes its token in ``close()``);
True for the persistent connection, which hands the play's token to each new client and
deletes it itself when the play ends.
"""

from __future__ import annotations

import json
from collections import namedtuple
from urllib.parse import urlencode

from .._errors import TransportError

try:
    import requests
    HAS_REQUESTS = True
except ImportError:  # pragma: no cover - reported by the client
    requests = None
    HAS_REQUESTS = False


Reply = namedtuple("Reply", "status headers content")
"""What the raw-send seam returns: HTTP status, response headers (a mapping), body bytes."""


class RequestsTransport:
    """HTTPS to the iControl REST port with requests: the transport under the raw-send seam."""

    keeps_token = False

    def __init__(self, base_url, verify=True, timeout=30, session=None):
        self.base_url = base_url
        # Passed on every request: a session-level ``verify`` loses to REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE.
        self.verify = verify
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.headers.update({"Content-Type": "application/json"})

    def send(self, method, path, body=None, params=None, headers=None):
        """One request, no retry; raises ``TransportError`` (with ``sent``) when no reply came."""
        try:
            response = self.session.request(method, self.base_url + path, json=body, params=params, timeout=self.timeout,
                                            verify=self.verify, headers=headers or {})
        except requests.exceptions.SSLError as exc:
            # A certificate that does not verify will not verify on the next try either.
            raise TransportError("%s %s: TLS failed: %s" % (method, path, exc), sent=False, retryable=False) from None
        except requests.exceptions.ConnectTimeout as exc:
            raise TransportError("%s %s could not be sent: %s" % (method, path, exc), sent=False) from None
        except requests.exceptions.Timeout as exc:
            raise TransportError("%s %s got no answer within %ss: %s" % (method, path, self.timeout, exc), sent=None) from None
        except requests.RequestException as exc:
            text = repr(exc)
            never = any(hint in text for hint in ("NewConnectionError", "Failed to establish a new connection", "Connection refused"))
            raise TransportError("%s %s could not be sent: %s" % (method, path, exc) if never else
                                 "%s %s: the connection was lost before the answer: %s" % (method, path, exc),
                                 sent=False if never else None) from None
        return Reply(response.status_code, response.headers, response.content)

    def close(self):
        self.session.close()


class HttpApiTransport:
    """Through the play's persistent connection (``ansible.netcommon.httpapi`` +
    ``longdistance.vmotion.bigip`` httpapi plugin), reached over its local socket."""

    keeps_token = True

    def __init__(self, socket_path, connection=None):
        if connection is None:
            from ansible.module_utils.connection import Connection
            connection = Connection(socket_path)
        self._connection = connection
        self.server = None

    def _call(self, name, *args, method=None, path=None):
        from ansible.module_utils.connection import ConnectionError as RpcError
        try:
            return getattr(self._connection, name)(*args)
        except RpcError as exc:
            if method is None:  # the connection itself (device, token): no client names the device around it
                raise TransportError("BIG-IP %s: persistent connection: %s" % (self.server or "(not known yet)", exc)) from None
            # A request: worded like RequestsTransport's; the client adds the device's name.
            raise TransportError("%s %s over the persistent connection: %s" % (method, path, exc), method=method, path=path) from None

    def device(self):
        """host, port, user, password, auth_provider of the inventory host (no request is sent)."""
        device = self._call("bigip_device")
        self.server = device["host"]
        return device

    @property
    def token(self):
        return self._call("bigip_token") or None

    @token.setter
    def token(self, value):
        self._call("bigip_set_token", value)

    def send(self, method, path, body=None, params=None, headers=None):
        data = json.dumps(body) if body is not None else None
        if params:
            path = "%s?%s" % (path, urlencode(params))
        headers = dict(headers or {}, **{"Content-Type": "application/json"})
        status, reply_headers, text, _reason = self._call("bigip_send", method, path, data, headers, method=method, path=path)
        return Reply(status, reply_headers or {}, (text or "").encode("utf-8"))

    def close(self):
        """The connection stays open for the play's next task."""
