"""Value checks for properties and loading of built-in objects from the reference captures."""
from __future__ import annotations

import copy
import functools
import ipaddress
import json
import os
import re

from engine import ENVELOPE_KEYS

REFERENCE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference")
ROUTE_DOMAIN = re.compile(r"^(?P<ip>[^%/]+)(%(?P<rd>\d+))?(/(?P<prefix>\d+))?$")


def reference(name: str) -> dict:
    """A stored 14.1.2.1 response, e.g. ``reference("mgmt_tm_ltm_rule")`` (a fresh copy each call)."""
    return copy.deepcopy(_reference(name))


@functools.lru_cache(maxsize=None)
def _reference(name: str) -> dict:
    with open(os.path.join(REFERENCE_DIR, f"{name}.json"), encoding="utf-8") as handle:
        return json.load(handle)


def stored(item: dict) -> dict:
    """A rendered reference item -> the stored form (properties only, links dropped)."""
    obj = {k: v for k, v in item.items() if k not in ENVELOPE_KEYS or k in ("name", "partition", "generation")}
    for key in [k for k in obj if k.endswith("Reference")]:
        del obj[key]
    return obj


def builtins(name: str, keep=lambda item: True) -> list[dict]:
    return [stored(item) for item in reference(name)["items"] if keep(item)]


# --- checks: each returns the normalized value or raises ValueError(detail) ----------------
def enum(*values):
    def check(value):
        if value not in values:
            raise ValueError(f"invalid value {json.dumps(value)}; expected one of {', '.join(values)}")
        return value
    return check


def integer(low: int, high: int):
    def check(value):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"invalid value {json.dumps(value)}; expected an integer from {low} to {high}")
        return value
    return check


def text(value):
    if not isinstance(value, str):
        raise ValueError(f"invalid value {json.dumps(value)}; expected a string")
    return value


def flag(value):
    """One side of an ``enabled``/``disabled`` JSON boolean pair."""
    if not isinstance(value, bool):
        raise ValueError(f"invalid value {json.dumps(value)}; expected true or false")
    return value


def string_list(value):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"invalid value {json.dumps(value)}; expected a list of strings")
    return value


def any_json(value):
    return value


def full_path(value):
    """``name`` or ``/Partition/name`` -> ``/Partition/name`` (``none`` stays)."""
    text(value)
    if value in ("none", ""):
        return value
    return value if value.startswith("/") else f"/Common/{value}"


def full_path_list(value):
    string_list(value)
    return [full_path(v) for v in value]


def ip_address(value):
    """``10.1.1.1`` or ``10.1.1.1%2`` (route domain)."""
    text(value)
    match = ROUTE_DOMAIN.match(value)
    if not match or match.group("prefix") is not None:
        raise ValueError(f"invalid IP address {json.dumps(value)}")
    try:
        ipaddress.ip_address(match.group("ip"))
    except ValueError:
        raise ValueError(f"invalid IP address {json.dumps(value)}") from None
    return value


def ip_prefix(value):
    """``IP[%rd]/prefix`` (self IP address)."""
    text(value)
    match = ROUTE_DOMAIN.match(value)
    if not match or match.group("prefix") is None:
        raise ValueError(f"invalid address {json.dumps(value)}; expected IP[%route-domain]/prefix-length")
    try:
        addr = ipaddress.ip_address(match.group("ip"))
    except ValueError:
        raise ValueError(f"invalid IP address {json.dumps(value)}") from None
    if int(match.group("prefix")) > addr.max_prefixlen:
        raise ValueError(f"invalid prefix length in {json.dumps(value)}")
    return value


def netmask(value):
    text(value)
    try:
        ipaddress.ip_network(f"0.0.0.0/{value}" if "." in value else f"::/{value}")
    except ValueError:
        raise ValueError(f"invalid netmask {json.dumps(value)}") from None
    return value


def network(value):
    """``default``, ``default-inet6`` or a CIDR (route destination)."""
    text(value)
    if value in ("default", "default-inet6"):
        return value
    try:
        ipaddress.ip_network(re.sub(r"%\d+", "", value), strict=True)
    except ValueError:
        raise ValueError(f"invalid network {json.dumps(value)}") from None
    return value


def ip_port(value, partitioned: bool) -> str:
    """``IP[%rd]:port`` (``/Common/`` prefix when ``partitioned``); IPv6 uses ``IP.port``."""
    text(value)
    body = value
    if partitioned:
        if not body.startswith("/"):
            body = f"/Common/{body}"
        prefix, _sep, body = body.rpartition("/")
    sep = ":" if body.count(":") == 1 else "."
    address, _sep, port = body.rpartition(sep)
    ip_address(address)
    if not port.isdigit() or int(port) > 65535:
        raise ValueError(f"invalid port in {json.dumps(value)}; expected 0 to 65535")
    return f"{prefix}/{body}" if partitioned else body


def destination(value):
    return ip_port(value, partitioned=True)


def plain_destination(value):
    return ip_port(value, partitioned=False)


def bare_address(value: str) -> str:
    """``10.1.1.1%2/24`` -> ``10.1.1.1`` (no route domain, no prefix)."""
    return ROUTE_DOMAIN.match(value).group("ip")
