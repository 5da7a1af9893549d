# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired-vs-current comparison driven by a per-module field table.

A module describes each option it manages with one ``Field``: the option name, how to read the
option's value out of the API object, how to write it back, and how to compare. ``compare()``
then gives every module idempotency, check mode and a before/after diff for free:

* desired  = the options the user set (``None`` means "leave it alone" and is dropped);
* current  = the same options read from the API object through the same table;
* changes  = the options that differ, as an API payload for PATCH (or POST on create);
* before/after = the managed options only, before and (predicted) after, secrets masked.

Comparison modes: ``exact`` (default), ``set`` (lists, order ignored), ``subset`` (lists:
every desired item present, more allowed), ``dict_subset`` (dicts: every desired key equal),
or a callable ``compare(desired, current) -> bool``.
"""

from __future__ import annotations

import ipaddress
import re

from ._errors import ValidationError

MASK = "********"
_MISSING = object()
_ADDRESS = re.compile(r"^(?P<ip>[^%/]+)(?P<rd>%\d+)?(/(?P<prefix>\d+))?$")


def _identity(value):
    return value


class Field:
    """One managed option.

    option       the module option name (and the key in before/after)
    key          the API property (``None`` when ``read``/``write`` handle the whole object)
    to_api       option value -> API value (default: unchanged)
    from_api     API value (``None`` when absent) -> option value (default: unchanged)
    compare      comparison mode, see the module docstring
    create_only  a change after creation is refused with a clear error
    secret       masked in before/after
    read/write   override for options spread over several API keys:
                 ``read(obj) -> option value``, ``write(value) -> dict of API properties``
    normalize    the user's value -> its canonical option form before comparing (e.g. a full path)
    """

    def __init__(self, option, key=None, to_api=None, from_api=None, compare="exact", create_only=False,
                 secret=False, read=None, write=None, normalize=None):
        self.option = option
        self.normalize = normalize or _identity
        self.key = key if key is not None or read is not None else option
        self.to_api = to_api or _identity
        self.from_api = from_api or _identity
        self.compare = compare
        self.create_only = create_only
        self.secret = secret
        self._read = read
        self._write = write

    def read(self, obj):
        if self._read is not None:
            return self._read(obj)
        return self.from_api(obj.get(self.key))

    def write(self, value):
        if self._write is not None:
            return self._write(value)
        return {self.key: self.to_api(value)}

    def equal(self, desired, current):
        mode = self.compare
        if callable(mode):
            return mode(desired, current)
        if mode == "exact":
            return desired == current
        if mode == "set":
            return _as_set(desired) == _as_set(current)
        if mode == "subset":
            return _as_set(desired) <= _as_set(current)
        if mode == "dict_subset":
            current = current or {}
            return all(current.get(k) == v for k, v in (desired or {}).items())
        raise ValueError("unknown comparison mode %r for %s" % (mode, self.option))


def _as_set(value):
    return frozenset(_freeze(v) for v in (value or []))


def _freeze(value):
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


class Comparison:
    """The outcome of ``compare()``."""

    def __init__(self, desired, current, changed_options, payload, before, after):
        self.desired = desired
        self.current = current
        self.changed_options = changed_options
        self.payload = payload
        self.before = before
        self.after = after

    @property
    def changed(self):
        return bool(self.changed_options)

    def diff(self):
        return diff_of(self.before, self.after)


def diff_of(before, after):
    """The ``diff`` result of a module: ``{"before": before, "after": after}`` (copies of the two dicts).

    For modules whose before/after are not a field table's (a report, a list per object): one
    shape of ``diff`` everywhere, and later changes to the result do not leak into it."""
    return {"before": dict(before or {}), "after": dict(after or {})}


def desired_values(fields, params):
    """The options the user set, in option space (``None`` = not managed)."""
    return {f.option: f.normalize(params[f.option]) for f in fields if params.get(f.option) is not None}


def current_values(fields, obj):
    """Every managed option read from the API object (``{}`` when the object is absent)."""
    if obj is None:
        return {}
    return {f.option: f.read(obj) for f in fields}


def payload_for(fields, values):
    """API properties for the given option values."""
    body = {}
    for field in fields:
        if field.option in values:
            body.update(field.write(values[field.option]))
    return body


def compare(fields, params, obj, what="object"):
    """Compare the user's options with the API object ``obj`` (``None`` = it does not exist yet).

    On creation every desired option is part of the payload; on update only the changed ones.
    A change to a ``create_only`` field raises ``ValidationError`` naming ``what``.
    """
    desired = desired_values(fields, params)
    current = current_values(fields, obj)
    if obj is None:
        changed = [f for f in fields if f.option in desired]
    else:
        changed = [f for f in fields if f.option in desired and not f.equal(desired[f.option], current.get(f.option))]
    for field in changed:
        if field.create_only and obj is not None:
            raise ValidationError(
                "%s: %s cannot be changed from %r to %r on an existing object; delete and re-create it"
                % (what, field.option, current.get(field.option), desired[field.option]))
    changed_names = [f.option for f in changed]
    payload = payload_for(changed, desired)
    secrets = {f.option for f in fields if f.secret}
    managed = [f.option for f in fields if f.option in desired]
    before = {k: current.get(k) for k in managed} if obj is not None else {}
    after = dict(before)
    after.update({k: desired[k] for k in managed})
    for name in secrets:
        for side in (before, after):
            if name in side:
                side[name] = MASK
    return Comparison(desired, current, changed_names, payload, before, after)


# -- normalisers shared by the field tables -------------------------------------------------------

def flag(on="enabled", off="disabled"):
    """A bool option stored as two strings (``enabled``/``disabled``, ``yes``/``no``): Field kwargs."""
    return {"to_api": lambda value: on if value else off,
            "from_api": lambda value: None if value is None else value == on}


def full_path(value, partition="Common"):
    """``name`` -> ``/Common/name``; full paths and the word ``none`` are kept."""
    if value in (None, "", "none") or value.startswith("/"):
        return value
    return "/%s/%s" % (partition, value)


def enabled_pair(option="enabled"):
    """The JSON boolean pair ``"enabled": true`` / ``"disabled": true`` as one bool option."""
    return Field(option, read=lambda obj: not obj.get("disabled", False),
                 write=lambda value: {"enabled": True} if value else {"disabled": True})


def monitor_rule(partition="Common"):
    """A list of monitor names <-> the device's ``"/Common/a and /Common/b"`` string: Field kwargs.

    Order is ignored (every monitor must pass); an empty list is sent as ``""`` (no monitor) and
    ``default`` / ``none`` are read as the words they are.
    """
    def to_list(value):
        words = [word.strip() for word in (value or "").split(" and ")]
        return [word for word in words if word and word != "none"]

    return {"normalize": lambda names: [name if name == "default" else full_path(name, partition) for name in names],
            "to_api": " and ".join, "from_api": to_list, "compare": "set"}


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
