# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options of every BIG-IP module (one argument spec: module_utils/_bigip/client.py)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  server:
    description:
      - The BIG-IP host name or management IP address.
      - If the value is not specified, the value of the E(F5_SERVER) environment variable is used.
      - Leave O(server), O(user) and O(password) out when the task runs on a BIG-IP inventory host
        with C(ansible_connection=ansible.netcommon.httpapi) and C(ansible_network_os=longdistance.vmotion.bigip);
        the host's C(ansible_host), C(ansible_user), C(ansible_password), C(ansible_httpapi_port),
        C(ansible_httpapi_validate_certs) and C(ansible_httpapi_ca_path) are used then. When O(server) is given, it
        wins and the options of this fragment are used instead.
      - Required (directly or from the environment) when the task does not run over that connection.
    type: str
  server_port:
    description:
      - The BIG-IP management (iControl REST) port.
      - If the value is not specified, the value of the E(F5_SERVER_PORT) environment variable is used.
    type: int
    default: 443
  user:
    description:
      - The user name to log in with (token authentication).
      - If the value is not specified, the value of the E(F5_USER) environment variable is used.
      - Required with O(server).
    type: str
  password:
    description:
      - The password of O(user).
      - If the value is not specified, the value of the E(F5_PASSWORD) environment variable is used.
      - Required with O(server).
    type: str
  validate_certs:
    description:
      - Whether to verify the BIG-IP's TLS certificate. Only set to V(false) on personally controlled lab devices.
      - If the value is not specified, the value of the E(F5_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - A CA bundle (PEM) to verify the BIG-IP's certificate with, instead of the system trust store.
      - If the value is not specified, the value of the E(F5_CA_PATH) environment variable is used.
    type: path
  auth_provider:
    description:
      - The login provider for token authentication.
      - If the value is not specified, the value of the E(F5_AUTH_PROVIDER) environment variable is used.
    type: str
    default: tmos
  timeout:
    description:
      - Seconds to wait for one iControl REST answer (one try). A try without an answer in time is
        retried like a connection error (see O(retry_deadline)).
    type: int
    default: 30
  retry_deadline:
    description:
      - Seconds during which every call (login, read, write, transaction open and commit, config
        save) is retried, with exponential backoff (0.5 s doubling up to 8 s), while the device is
        unreachable, does not answer within O(timeout), or answers that it is restarting (HTTP 502,
        503, 504, "connection to mcpd has been lost"). No new try starts after it.
      - The default covers a restart of the REST framework (restjavad), which takes 30 to 90
        seconds on real devices. Use V(0) to fail on the first such error.
      - A write whose answer was lost is settled before it is sent again (a create re-reads the
        object, a DELETE that then finds nothing succeeded, a commit whose transaction is then gone
        re-reads the objects it changed); the task never reports more than it verified.
      - A login refused for its credentials fails at once, without retries.
      - Environment fallback C(F5_RETRY_DEADLINE).
    type: int
    default: 120
  retries:
    description:
      - At most this many retries of one call, within O(retry_deadline). Unset, the deadline alone
        bounds them.
    type: int
notes:
  - Over the persistent connection (C(ansible.netcommon.httpapi), httpapi plugin
    C(longdistance.vmotion.bigip)) the play logs in once per BIG-IP and the token is deleted when
    the play ends. With the explicit options, one token login per task; the token is deleted when
    the task ends, even when it fails. Either way an expired token is renewed once per call, and
    retries and the check-mode write guard are the same code.
  - When a login's answer was lost, the token the device may have created for it is looked up and
    deleted after the next successful login (tokens of the same user, from the same address,
    issued in that interval); if that lookup fails the token expires by itself after its timeout
    (1200 s by default).
  - In check mode the modules read from the device but never send a write.
"""
