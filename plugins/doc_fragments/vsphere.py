# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vCenter connection options; the matching argument spec is ``module_utils/_vsphere/session.py:ARGUMENT_SPEC``."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  hostname:
    description:
      - Name or address of the vCenter Server.
      - If not set, the value of the E(VMWARE_HOST) environment variable is used.
    type: str
    required: true
  username:
    description:
      - Name of the vCenter user.
      - If not set, the value of the E(VMWARE_USER) environment variable is used.
    type: str
    required: true
    aliases: [admin, user]
  password:
    description:
      - Password of O(username).
      - If not set, the value of the E(VMWARE_PASSWORD) environment variable is used.
    type: str
    required: true
    aliases: [pass, pwd]
  port:
    description:
      - HTTPS port of the vCenter Server.
      - If not set, the value of the E(VMWARE_PORT) environment variable is used.
    type: int
    default: 443
  validate_certs:
    description:
      - Whether to verify the vCenter's TLS certificate (chain and host name).
      - Only set to V(false) on personally controlled sites with self-signed certificates.
      - If not set, the value of the E(VMWARE_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM bundle of the CA certificates to verify the vCenter's certificate with, instead of the system store.
      - If not set, the value of the E(VMWARE_CA_PATH) environment variable is used.
    type: path
  proxy_host:
    description:
      - Address of an HTTP proxy (CONNECT) to reach the vCenter through.
      - If not set, the value of the E(VMWARE_PROXY_HOST) environment variable is used.
    type: str
  proxy_port:
    description:
      - Port of O(proxy_host).
      - If not set, the value of the E(VMWARE_PROXY_PORT) environment variable is used.
    type: int
requirements:
  - pyvmomi >= 8.0
notes:
  - One session is opened per task and always logged out at its end; an expired session is renewed once by logging in again.
"""
