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
    type: str
    required: true
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
    type: str
    required: true
  password:
    description:
      - The password of O(user).
      - If the value is not specified, the value of the E(F5_PASSWORD) environment variable is used.
    type: str
    required: true
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
  - One token login per task; the token is deleted when the task ends, even when it fails.
    An expired token is renewed once per call.
  - In check mode the modules read from the device but never send a write.
"""
