# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""BIG-IP names and value forms, in one place: how the device writes full paths, pool references,
monitor rules, the enabled/disabled pair, ``address:port`` destinations, addresses with route
domains and prefixes, and netmasks; and the field-table helpers (``Field`` keyword sets) built on them.

Every module and module_util reads and writes these forms through this file only.
"""

from __future__ import annotations

import ipaddress
import re

from .._differ import Field
from .._errors import ValidationError

_ADDRESS = re.compile(r"^(?P<ip>[^%/]+)(?P<rd>%\d+)?(/(?P<prefix>\d+))?$")


# -- names -------------------------------------------------------------------------------------------

def full_path(name, partition="Common"):
    """``name`` -> ``/Common/name``; full paths, the word ``none`` and empty values are kept, and so is
    every name when ``partition`` is ``None`` (objects addressed by bare name)."""
    if name in (None, "", "none") or name.startswith("/") or not partition:
        return name
    return "/%s/%s" % (partition, name)


def base_name(path):
    """``/Common/Remote-BIG-IP`` -> ``Remote-BIG-IP`` (a bare name is returned as it is)."""
    return (path or "").rsplit("/", 1)[-1]


def pool_reference_path(pool):
    """A pool reference as a wide IP lists it (``name``, ``partition``, ``subPath``) -> its full path."""
    if pool["name"].startswith("/"):
        return pool["name"]
    return "/".join(["", pool.get("partition", "Common")] + ([pool["subPath"]] if pool.get("subPath") else []) + [pool["name"]])


def wide_ip_pools(wide_ip):
    """A wide IP's ``pools`` -> ``[{name: full path, order, ratio}]`` sorted by order (device defaults filled in)."""
    entries = [{"name": pool_reference_path(pool), "order": pool.get("order", 0), "ratio": pool.get("ratio", 1)}
               for pool in (wide_ip or {}).get("pools") or []]
    return sorted(entries, key=lambda entry: entry["order"])


# -- monitor rules -------------------------------------------------------------------------------------

def monitors_of(rule):
    """The device's ``"/Common/a and /Common/b"`` -> ``["/Common/a", "/Common/b"]`` (``none`` and blanks dropped)."""
    words = [word.strip() for word in (rule or "").split(" and ")]
    return [word for word in words if word and word != "none"]


def monitor_rule(partition="Common"):
    """A list of monitor names <-> the device's monitor rule string: Field kwargs.

    Order is ignored (every monitor must pass); an empty list is sent as ``""`` (no monitor) and
    ``default`` / ``none`` are read as the words they are.
    """
    return {"normalize": lambda names: [name if name == "default" else full_path(name, partition) for name in names],
            "to_api": " and ".join, "from_api": monitors_of, "compare": "set"}


# -- enabled / disabled -----------------------------------------------------------------------------------

def is_enabled(obj, disabled="disabled"):
    """The JSON boolean pair ``"enabled": true`` / ``"disabled": true``: enabled unless ``disabled`` is set."""
    return not (obj or {}).get(disabled, False)


def enabled_body(value, enabled="enabled", disabled="disabled"):
    """The body that enables (``{"enabled": true}``) or disables (``{"disabled": true}``) an object."""
    return {enabled: True} if value else {disabled: True}


def enabled_pair(option="enabled", enabled="enabled", disabled="disabled"):
    """The enabled/disabled JSON boolean pair as one bool option (a ``Field``)."""
    return Field(option, read=lambda obj: is_enabled(obj, disabled), write=lambda value: enabled_body(value, enabled, disabled))


def flag(on="enabled", off="disabled"):
    """A bool option stored as two strings (``enabled``/``disabled``, ``yes``/``no``): Field kwargs."""
    return {"to_api": lambda value: on if value else off,
            "from_api": lambda value: None if value is None else value == on}


# -- address:port ---------------------------------------------------------------------------------------

def split_address_port(value):
    """``/Common/10.1.1.1:8000`` or ``10.1.1.1:8000`` -> ``("10.1.1.1", "8000")``; IPv6 uses ``.`` before the
    port (``2001:db8::1.443``). ``(None, None)`` for an empty value, ``port`` ``None`` when there is none."""
    if not value:
        return None, None
    body = base_name(value)
    address, sep, port = body.rpartition(":") if body.count(":") == 1 else body.rpartition(".")
    return (address, port) if sep else (body, None)


def join_address_port(address, port):
    """``10.1.1.1`` + 80 -> ``10.1.1.1:80``; IPv6 ``2001:db8::1`` + 80 -> ``2001:db8::1.80`` (as the device names them)."""
    return "%s%s%s" % (address, "." if ":" in address else ":", port)


def valid_port(port, wildcard=False):
    """``port`` (a string) is 1..65535, or ``*`` when ``wildcard``."""
    if wildcard and port == "*":
        return True
    return bool(port) and port.isdigit() and 1 <= int(port) <= 65535


# -- addresses --------------------------------------------------------------------------------------------

def ip_version(address, what="address"):
    """4 or 6 for an IP address (an optional ``%route-domain`` ignored); ``ValidationError`` naming ``what`` otherwise."""
    try:
        return ipaddress.ip_address((address or "").split("%", 1)[0]).version
    except ValueError:
        raise ValidationError("%s %r is not an IP address" % (what, address)) from None


def ip_and_prefix(address, netmask=None, what="address"):
    """``10.1.1.1/24`` or ``10.1.1.1`` + netmask ``255.255.255.0`` / ``24`` -> ``(ip, route_domain, prefix)``.

    ``ip`` is an ``ipaddress`` address, ``route_domain`` the ``%N`` suffix or ``""``, ``prefix`` the
    prefix length or ``None`` when neither the address nor ``netmask`` gives one. IPv6 netmasks are
    prefix lengths only. Raises ``ValidationError`` naming ``what``.
    """
    match = _ADDRESS.match((address or "").strip())
    try:
        ip = ipaddress.ip_address(match.group("ip")) if match else None
    except ValueError:
        ip = None
    if ip is None:
        raise ValidationError("%s: %r is not an IP address (IP[%%route-domain][/prefix])" % (what, address))
    prefix = match.group("prefix")
    if prefix is not None:
        prefix = int(prefix)
        if prefix > ip.max_prefixlen:
            raise ValidationError("%s: prefix length /%s is out of range for %s" % (what, prefix, ip))
    if netmask is not None:
        from_mask = _prefix_of(str(netmask).strip(), ip.version, what)
        if prefix is not None and prefix != from_mask:
            raise ValidationError("%s: address %s and netmask %s disagree" % (what, address, netmask))
        prefix = from_mask
    return ip, match.group("rd") or "", prefix


def netmask_of(prefix, version=4):
    """Prefix length -> the netmask BIG-IP shows: dotted for IPv4 (``24`` -> ``255.255.255.0``), the
    prefix length itself for IPv6 (``64`` -> ``"64"``)."""
    if version == 6:
        return str(prefix)
    return str(ipaddress.IPv4Network("0.0.0.0/%s" % prefix).netmask)


def _prefix_of(netmask, version, what):
    try:
        if netmask.isdigit():
            network = ipaddress.ip_network("%s/%s" % ("::" if version == 6 else "0.0.0.0", netmask))
        else:
            network = ipaddress.IPv4Network("0.0.0.0/%s" % netmask)
    except ValueError as exc:
        raise ValidationError("%s: netmask %s is not valid: %s" % (what, netmask, exc)) from None
    if network.version != version:
        raise ValidationError("%s: netmask %s does not fit an IPv%s address" % (what, netmask, version))
    return network.prefixlen
