# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The destination vCenter of a relocation: its connection options, its session, and the service locator a
cross-vCenter ``RelocateVM_Task`` carries."""

from __future__ import annotations

import contextlib

from .._errors import ValidationError
from .session import Session, server_thumbprint

try:
    from pyVmomi import vim
except ImportError:  # pragma: no cover - the session reports the missing library
    vim = None

DEST_KEYS = ("hostname", "username", "password", "port", "validate_certs", "ca_path")


def destination_params(params):
    """Connection options of the destination vCenter (flat ``destination_*`` overridden by ``destination_vcenter``), or None."""
    merged = {key: params.get(f"destination_{key}") for key in DEST_KEYS}
    merged.update({key: value for key, value in (params.get("destination_vcenter") or {}).items() if value is not None})
    if not merged["hostname"]:
        return None
    missing = [key for key in ("username", "password") if not merged[key]]
    if missing:
        raise ValidationError(f"destination vCenter {merged['hostname']}: {' and '.join(missing)} missing (destination_vcenter or "
                              "destination_* options, or VMWARE_DEST_* environment variables)", object=merged["hostname"])
    merged["port"] = merged["port"] or 443
    for key in ("validate_certs", "ca_path", "proxy_host", "proxy_port"):
        if merged.get(key) is None:
            merged[key] = params.get(key)
    return merged


def instance_uuid(session):
    return session.content.about.instanceUuid


@contextlib.contextmanager
def destination_session(source, params):
    """The destination vCenter's session (the source session itself when it is the same vCenter)."""
    dest_params = destination_params(params)
    if dest_params is None:
        yield source
        return
    with Session(dest_params, check_mode=source.check_mode) as dest:
        yield source if instance_uuid(dest) == instance_uuid(source) else dest


def service_locator(dest):
    """``vim.ServiceLocator`` for a cross-vCenter relocation to ``dest`` (TLS thumbprint fetched and verified)."""
    p = dest.params
    thumbprint = server_thumbprint(p["hostname"], p["port"], p["validate_certs"], p["ca_path"], p.get("proxy_host"), p.get("proxy_port"))
    host = f"[{p['hostname']}]" if ":" in p["hostname"] else p["hostname"]
    return vim.ServiceLocator(instanceUuid=instance_uuid(dest), url=f"https://{host}:{p['port']}/sdk", sslThumbprint=thumbprint,
                              credential=vim.ServiceLocator.NamePassword(username=p["username"], password=p["password"]))
