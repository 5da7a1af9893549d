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


# --- spellings a device accepts and the form it stores (README "Value spellings") -------------
# IP protocols: /etc/protocols of the BIG-IP host (name, number, upper-case alias) -> the name.
PROTOCOLS = {"any": 0, "icmp": 1, "igmp": 2, "tcp": 6, "udp": 17, "gre": 47, "esp": 50, "ah": 51, "ipv6-icmp": 58,
             "ospf": 89, "pim": 103, "sctp": 132}
PROTOCOL_NAMES = {number: name for name, number in PROTOCOLS.items()}
# Ports by service name: /etc/services of the BIG-IP host (a subset) -> the number; REST returns numbers.
SERVICES = {"any": 0, "ftp-data": 20, "ftp": 21, "ssh": 22, "telnet": 23, "smtp": 25, "domain": 53, "http": 80,
            "kerberos": 88, "pop3": 110, "sunrpc": 111, "ntp": 123, "imap": 143, "snmp": 161, "ldap": 389,
            "https": 443, "microsoft-ds": 445, "syslog": 514, "ldaps": 636, "imaps": 993, "pop3s": 995,
            "radius": 1812, "mysql": 3306, "ms-wbt-server": 3389, "http-alt": 8080, "webcache": 8080}


def protocol(*allowed):
    """``6``, ``"6"``, ``"tcp"``, ``"TCP"`` -> ``"tcp"`` (one of ``allowed``)."""
    def check(value):
        name = None
        if isinstance(value, int) and not isinstance(value, bool):
            name = PROTOCOL_NAMES.get(value)
        elif isinstance(value, str):
            word = value.strip()
            name = PROTOCOL_NAMES.get(int(word)) if word.isdigit() else word.lower()
        if name not in allowed:
            raise ValueError(f"invalid value {json.dumps(value)}; expected one of {', '.join(allowed)} "
                             f"(or the protocol number)")
        return name
    return check


def port_number(port: str, value) -> int:
    """``80``, ``http``, ``*`` -> 80 / 80 / 0."""
    if port == "*":
        return 0
    if port.isdigit() and int(port) <= 65535:
        return int(port)
    if port.lower() in SERVICES:
        return SERVICES[port.lower()]
    raise ValueError(f"invalid port in {json.dumps(value)}; expected 0 to 65535 or a service name such as http")


def split_port(body: str) -> tuple[str, str, str]:
    """``10.1.1.1:80`` -> (address, ":", port); IPv6 ``2001:db8::1.80`` uses ``.``."""
    sep = ":" if body.count(":") == 1 else "."
    address, _sep, port = body.rpartition(sep)
    return address, sep, port


def ip_port(value, partitioned: bool) -> str:
    """``IP[%rd]:port`` (``/Common/`` prefix when ``partitioned``); IPv6 uses ``IP.port``; a service
    name as port is stored as its number."""
    text(value)
    body = value
    if partitioned:
        if not body.startswith("/"):
            body = f"/Common/{body}"
        prefix, _sep, body = body.rpartition("/")
    address, sep, port = split_port(body)
    ip_address(address)
    body = f"{address}{sep}{port_number(port, value)}"
    return f"{prefix}/{body}" if partitioned else body


def destination(value):
    return ip_port(value, partitioned=True)


def plain_destination(value):
    return ip_port(value, partitioned=False)


def bare_address(value: str) -> str:
    """``10.1.1.1%2/24`` -> ``10.1.1.1`` (no route domain, no prefix)."""
    return ROUTE_DOMAIN.match(value).group("ip")
