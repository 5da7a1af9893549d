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
      - Seconds to wait for one iControl REST answer. The whole call, retries included, gives up
        after O(timeout) x (O(retries) + 1) seconds.
    type: int
    default: 30
  retries:
    description:
      - How many times a call is retried when the device is unreachable or answers that it is
        restarting (HTTP 502, 503, 504, mcpd lost). A create is only retried after re-reading
        whether the object exists.
    type: int
    default: 3
notes:
  - Over the persistent connection (C(ansible.netcommon.httpapi), httpapi plugin
    C(longdistance.vmotion.bigip)) the play logs in once per BIG-IP and the token is deleted when
    the play ends. With the explicit options, one token login per task; the token is deleted when
    the task ends, even when it fails. Either way an expired token is renewed once per call, and
    retries and the check-mode write guard are the same code.
  - In check mode the modules read from the device but never send a write.
"""
