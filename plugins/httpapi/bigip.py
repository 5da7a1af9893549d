# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = """
name: bigip
author:
  - longdistance.vmotion contributors (!UNKNOWN)
short_description: BIG-IP iControl REST over a persistent ansible.netcommon.httpapi connection
description:
  - Keeps one iControl REST session per BIG-IP for the whole play. The collection's C(bigip_*)
    modules log in once (the first task that talks to the device), every later task of the play
    reuses the token, and the token is deleted when the play ends.
  - The connection only carries bytes and remembers the token. The login request, the one
    re-login on an expired token (HTTP 401), retries with backoff and the check-mode write guard
    run in the modules' client, exactly as with the modules' explicit C(server), C(user), C(password) options.
  - "Inventory: C(ansible_connection: ansible.netcommon.httpapi), C(ansible_network_os: longdistance.vmotion.bigip),
    C(ansible_host), C(ansible_user), C(ansible_password), C(ansible_httpapi_port) (443),
    C(ansible_httpapi_use_ssl: true) (iControl REST is HTTPS only), C(ansible_httpapi_validate_certs),
    C(ansible_httpapi_ca_path)."
version_added: 0.2.0
options:
  auth_provider:
    description:
      - The BIG-IP login provider (C(loginProviderName) of the login request), for example C(tmos)
        for local users or the name of a remote authentication provider.
    type: str
    default: tmos
    env:
      - name: F5_AUTH_PROVIDER
    vars:
      - name: ansible_httpapi_bigip_auth_provider
      - name: f5_provider
"""

from ansible.errors import AnsibleConnectionFailure
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.httpapi import HttpApiBase

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.client import TOKEN_PATH


class HttpApi(HttpApiBase):
    """Transport for ``plugins/module_utils/_bigip/_transport.py`` ``HttpApiTransport``."""

    def __init__(self, connection):
        super().__init__(connection)
        self._token = None

    # -- netcommon hooks -------------------------------------------------------------------------

    def login(self, username, password):
        """Nothing is sent here: the first module that needs the device logs in through its client
        (same code as the explicit options) and hands the token over with ``bigip_set_token``."""

    def logout(self):
        """End of the play (the connection closes): delete the play's token on the device."""
        token, self._token = self._token, None
        if not token:
            return
        try:
            self._send("DELETE", TOKEN_PATH + token, None, {"X-F5-Auth-Token": token})
        except Exception as exc:  # pylint: disable=broad-except  # closing must not fail the play
            self.connection.queue_message("warning", "Could not delete the login token on BIG-IP %s: %s" % (self._host(), exc))

    def update_auth(self, response, response_text):
        """Authentication travels in the headers the client sends; never from cookies."""
        return None

    def handle_httperror(self, exc):
        """Every HTTP status goes back to the client, which classifies it (401 -> one re-login)."""
        return exc

    # -- called by the modules over the connection's socket --------------------------------------

    def bigip_device(self):
        if not self.connection.get_option("use_ssl"):
            raise AnsibleConnectionFailure(
                "BIG-IP %s: iControl REST is served over HTTPS only; set ansible_httpapi_use_ssl: true for this host" % self._host())
        return {
            "host": self._host(),
            "port": self.connection.get_option("port") or 443,
            "user": self.connection.get_option("remote_user"),
            "password": self.connection.get_option("password"),
            "auth_provider": self.get_option("auth_provider"),
        }

    def bigip_token(self):
        return self._token

    def bigip_set_token(self, token):
        self._token = token or None

    def bigip_send(self, method, path, data, headers):
        """One request: ``[status, headers, body text, reason]`` whatever the status."""
        return self._send(method, path, data, headers)

    def send_request(self, data, **message_kwargs):
        """HttpApiBase's generic entry: ``message_kwargs`` ``path``, ``method`` (GET), ``headers``."""
        return self._send(message_kwargs.get("method", "GET"), message_kwargs["path"], data, message_kwargs.get("headers"))

    # -- internals --------------------------------------------------------------------------------

    def _host(self):
        return self.connection.get_option("host")

    def _send(self, method, path, data, headers):
        # The client's headers are the whole authentication: a non-empty ``_auth`` keeps netcommon
        # from adding HTTP basic credentials, and it carries exactly what the client asked for.
        self.connection._auth = dict(headers or {}, Accept="application/json")
        response, body = self.connection.send(path, data, method=method, headers=headers)
        status = getattr(response, "status", None) or response.getcode()
        reason = getattr(response, "reason", None) or getattr(response, "msg", "") or ""
        return [status, dict(response.headers.items()) if response.headers else {}, to_text(body.getvalue()), to_text(reason)]
