# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What sits under the client's raw-send seam: one request out, one raw reply back.

``send(method, path, body, headers) -> RawReply`` (``path`` includes the query string, ``body``
is the JSON-able payload or None). A transport knows nothing of tokens' meaning, retries,
check mode or BIG-IP errors: those stay in ``client.py``, identical on both paths. A reply
with any HTTP status is returned; only "the request could not be sent/answered" raises
``TransportError`` (which the client's retry policy treats as retryable).

``keeps_token``: False for a direct session (the client deletes its token in ``close()``);
True for the persistent connection, which hands the play's token to each new client and
deletes it itself when the play ends.
"""

from __future__ import annotations

import json

from .._errors import TransportError

try:
    import requests
except ImportError:  # pragma: no cover - reported by the client
    requests = None


class RawReply:
    """The parts of an HTTP answer the client reads (shaped like ``requests.Response``)."""

    def __init__(self, status_code, headers=None, text="", reason=""):
        self.status_code = status_code
        self.headers = dict(headers or {})
        self.text = text or ""
        self.reason = reason or ""

    @property
    def content(self):
        return self.text.encode("utf-8")

    def json(self):
        return json.loads(self.text)


class RequestsTransport:
    """Direct HTTPS to one BIG-IP with one ``requests`` session (keep-alive) for a module run."""

    keeps_token = False

    def __init__(self, server, port, verify=True, timeout=30, session=None):
        host = "[%s]" % server if ":" in server and not server.startswith("[") else server
        self.server = server
        self.base_url = "https://%s:%s" % (host, port)
        self.verify = verify
        self.timeout = timeout
        self.session = session or requests.Session()

    def send(self, method, path, body, headers):
        try:
            response = self.session.request(method, self.base_url + path, json=body, timeout=self.timeout,
                                            verify=self.verify, headers=headers)
        except requests.RequestException as exc:
            raise TransportError("BIG-IP %s: %s %s could not be sent: %s" % (self.server, method, path, exc),
                                 method=method, path=path) from None
        return RawReply(response.status_code, response.headers, response.text if response.content else "", response.reason)

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

    def _call(self, name, *args, **what):
        from ansible.module_utils.connection import ConnectionError as RpcError
        try:
            return getattr(self._connection, name)(*args)
        except RpcError as exc:
            raise TransportError("BIG-IP %s: %s" % (self.server or "(persistent connection)", exc), **what) from None

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

    def send(self, method, path, body, headers):
        data = json.dumps(body) if body is not None else None
        status, reply_headers, text, reason = self._call("bigip_send", method, path, data, headers, method=method, path=path)
        return RawReply(status, reply_headers, text, reason)

    def close(self):
        """The connection stays open for the play's next task."""
