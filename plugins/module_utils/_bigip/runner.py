# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CRUD runner for "one REST object at one URL" (and its sub-collection items).

``ensure()`` reads the object once, compares it with the module's field table, and then sends
exactly one POST, PATCH or DELETE — or nothing when it already matches or in check mode — and
returns the module result: ``changed``, the object's managed options under the declaration's
``result_key``, and ``diff`` (before/after of the managed options only).

A plain CRUD module is a declaration: a ``RestObject`` (REST collection, field table, result key,
``prepare`` hook for validation and derived values, optional ``ItemSet``) plus its own options, and
``main()`` is ``runner.run(DECLARATION, OPTIONS)``. The shared ``name``/``partition``/``state``
options are ``OBJECT_SPEC``, documented once by the doc fragment ``longdistance.vmotion.bigip_object``.
"""

from __future__ import annotations

import contextlib
from collections import namedtuple

from .. import _differ
from .._errors import ApiError, ValidationError
from .._module import run_module
from .client import BIGIP, resource_path
from .names import full_path

OBJECT_SPEC = dict(
    name=dict(type="str", required=True),
    partition=dict(type="str", default="Common"),
    state=dict(type="str", choices=["present", "absent"], default="present"),
)
"""The options every named BIG-IP object module shares (doc fragment ``longdistance.vmotion.bigip_object``)."""


def run(spec, options, **module_kwargs):
    """The whole ``main()`` of a module declared by ``spec``: ``OBJECT_SPEC`` plus the module's own
    ``options`` (which may refine one of the shared ones, e.g. an alias of ``name``)."""
    argument_spec = dict(OBJECT_SPEC)
    argument_spec.update(options)
    run_module(lambda module, client, diff: spec.manage(client, module.params, diff), argument_spec, connection=BIGIP,
               with_diff=True, **module_kwargs)


class RestObject:
    """One REST object type as a module manages it.

    collection       REST collection path (for a singleton: the resource path)
    what             display name for messages, e.g. "iSession profile"
    fields           the module's field table (``_differ.Field`` list)
    singleton        no name in the URI (tmsh ``modify <component>``); cannot be created or deleted
    partitioned      False for objects addressed by bare name (VLAN interfaces, GTM server virtual servers)
    create_defaults  API properties always sent on creation (e.g. a parent profile)
    required_on_create  options that must be set when the object does not exist yet
    read_params      query parameters of every read, e.g. ``{"expandSubcollections": "true"}`` for objects
                     whose managed options live in sub-collections (VLAN interfaces, virtual server
                     profiles); the object is then read again after a write, because write replies do
                     not expand sub-collections
    result_key       the key of the object's managed options in the module result (``vlan``, ``pool``)
    prepare          ``prepare(params, client) -> params``: validation (raise ``ValidationError`` before any
                     request) and derived values (full paths, route domains); gets a copy of the module's
                     params, returns the params to compare (``None``: the same dict)
    resolve          ``resolve(params, current) -> params``: desired values that depend on what the device holds
                     (``current``: the object as read, ``None`` when absent), applied to ``state=present`` after
                     the one read ``ensure`` makes, so such a module reads the object once, not twice
    items            an ``ItemSet`` managed with the object (pool members, server virtual servers)
    """

    def __init__(self, collection, what, fields, singleton=False, partitioned=True, create_defaults=None, required_on_create=(),
                 read_params=None, result_key="object", prepare=None, items=None, resolve=None):
        self.result_key = result_key
        self.prepare = prepare
        self.resolve = resolve
        self.items = items
        self.collection = collection
        self.what = what
        self.fields = fields
        self.singleton = singleton
        self.partitioned = partitioned
        self.create_defaults = create_defaults or {}
        self.required_on_create = tuple(required_on_create)
        self.read_params = read_params

    def read(self, client, path, label, written=None):
        """The object as the device has it (``written``: the reply of a write just sent, reused when complete)."""
        if written is not None and not self.read_params:
            return written
        return client.get(path, params=self.read_params, what=label)

    def path(self, name=None, partition="Common"):
        if self.singleton:
            return self.collection
        return resource_path(self.collection, name, partition if self.partitioned else None)

    def label(self, name=None, partition="Common"):
        if self.singleton:
            return self.what
        return "%s %s" % (self.what, full_path(name, partition if self.partitioned else None))

    def manage(self, client, params, diff_mode=False):
        """The module's task: ``prepare`` the params, then ``ensure`` the object (and its items)."""
        params = dict(params)
        if self.prepare is not None:
            params = self.prepare(params, client) or params
        if self.items is not None and self.items.build is not None:
            params[self.items.option] = self.items.build(params, client)
        if self.items is not None:
            return ensure_with_items(client, self, params, diff_mode)
        return ensure(client, self, params, diff_mode)


_UNREAD = object()


def ensure(client, spec, params, diff_mode=False, *, name=None, partition=None, state=None, current=_UNREAD, create_with=None):
    """Bring one object to ``state`` with the options in ``params``; return the module result.

    ``name``, ``partition`` and ``state`` come from ``params`` unless given (``Common``, ``present``
    when neither says); a singleton has no name. ``current``: the object as the caller has just read it
    (``None``: absent), so it is not read again. ``create_with``: more properties of the creating POST
    (a sub-collection's items inline)."""
    name = params.get("name") if name is None else name
    partition = partition or params.get("partition") or "Common"
    state = state or params.get("state") or "present"
    result_key = spec.result_key
    label = spec.label(name, partition)
    path = spec.path(name, partition)
    if current is _UNREAD:
        current = spec.read(client, path, label)
    if state == "absent":
        changed = current is not None
        if changed and not client.check_mode:
            client.delete(path, what=label)
        before = _differ.current_values(spec.fields, current)
        return _result(changed, result_key, {}, before, {}, diff_mode)

    if current is None and spec.singleton:
        raise ValidationError("%s does not exist on BIG-IP %s (is the module provisioned?)" % (label, client.server))
    params = _resolved(spec, params, current)
    comparison = _differ.compare(spec.fields, params, current, what=label)
    if current is None:
        missing = [opt for opt in spec.required_on_create if params.get(opt) is None]
        if missing:
            raise ValidationError("%s does not exist; %s required to create it" % (label, ", ".join(missing)))
        if not client.check_mode:
            body = dict(spec.create_defaults)
            if spec.partitioned:
                body["partition"] = partition
            body["name"] = name
            body.update(comparison.payload)
            body.update(create_with or {})
            created = spec.read(client, path, label, client.create(spec.collection, body, what=label))
            return _result(True, result_key, _differ.current_values(spec.fields, created), {}, comparison.after, diff_mode)
        return _result(True, result_key, comparison.after, {}, comparison.after, diff_mode)

    if comparison.changed and not client.check_mode:
        current = spec.read(client, path, label, client.patch(path, comparison.payload, what=label))
        return _result(True, result_key, _differ.current_values(spec.fields, current), comparison.before, comparison.after, diff_mode)
    view = dict(comparison.current)
    view.update(comparison.desired)
    return _result(comparison.changed, result_key, view, comparison.before, comparison.after, diff_mode)


def _resolved(spec, params, current):
    """``params`` with the declaration's ``resolve`` hook applied to ``current`` (unchanged without one)."""
    if spec.resolve is None:
        return params
    return spec.resolve(dict(params), current) or params


def sync_items(client, collection, fields, desired_items, partition="Common", purge=False, what="item"):
    """Make the items of a sub-collection (pool members, virtual servers, ...) match ``desired_items``.

    ``desired_items`` are dicts of option values with a ``name``; unmanaged (``None``) options are
    left alone. With ``purge`` items not listed are deleted. Returns ``(changed, before, after)``
    where before/after map item name -> managed options.
    """
    plan = plan_items(client, collection, fields, desired_items, partition, purge, what)
    send(client, plan.writes)
    return plan.changed, plan.before, plan.after


ItemPlan = namedtuple("ItemPlan", "changed before after writes")
"""What ``sync_items`` would do: ``writes`` are ``(method, path, body, what)``, sent by ``send`` (none in check mode)."""


def plan_items(client, collection, fields, desired_items, partition="Common", purge=False, what="item", existing=None):
    """Plan the writes that make the sub-collection match ``desired_items`` (see ``sync_items``), reading it once;
    ``existing``: its items when the caller knows them (``[]`` for an object not created yet: nothing to read)."""
    if existing is None:
        existing = (client.get(collection, what=what) or {}).get("items", [])
    existing = {item["name"]: item for item in existing}
    writes, before, after = [], {}, {}
    changed = False
    for item in desired_items:
        name = item["name"]
        label = "%s %s" % (what, name)
        current = existing.pop(name, None)
        comparison = _differ.compare(fields, item, current, what=label)
        if current is not None:
            before[name] = comparison.before
        after[name] = comparison.after
        if current is None:
            body = {"name": name}
            if partition:
                body["partition"] = partition
            body.update(comparison.payload)
            writes.append(("POST", collection, body, label))
        elif comparison.changed:
            writes.append(("PATCH", resource_path(collection, name, partition), comparison.payload, label))
        changed = changed or current is None or comparison.changed
    if purge:
        for name, item in existing.items():
            changed = True
            before[name] = _differ.current_values(fields, item)
            writes.append(("DELETE", resource_path(collection, name, partition), None, "%s %s" % (what, name)))
    return ItemPlan(changed, before, after, [] if client.check_mode else writes)


def send(client, writes):
    """Send planned ``(method, path, body, what)`` writes in order (POST to a collection, PATCH, DELETE)."""
    for method, path, body, what in writes:
        if method == "POST":
            client.create(path, body, what=what)
        elif method == "PATCH":
            client.patch(path, body, what=what)
        else:
            client.delete(path, what=what)


ItemSet = namedtuple("ItemSet", "sub option fields what partitioned build inline", defaults=(None, None))
"""A sub-collection managed together with its parent object.

sub          URI segment under the parent (``members``, ``virtual-servers``)
option       the module option listing the items, and their key in the result and diff;
             ``purge_<option>`` (a bool option of the module) deletes the items not listed
fields       the items' field table
what         display name of one item, e.g. "member"
partitioned  False for items addressed by bare name (GTM server virtual servers)
build        optional ``build(params, client) -> items``: the option's items as the device names them (None: leave
             them alone), bad values refused before any request; runs after the object's ``prepare``
inline       the property that carries the items in the object's own body (``members``, ``virtualServers``): a new
             object is created with its items in that one POST, all or nothing, instead of a POST per item after it
"""


def ensure_with_items(client, spec, params, diff_mode=False):
    """``ensure()`` the object; then, when it is present and ``params[spec.items.option]`` is given, make its
    sub-collection match those items (``sync_items``) and fold the outcome into the result.

    All or nothing where it takes more than one write: a new object whose ``ItemSet`` has ``inline`` is created
    with its items in one POST; an existing one whose change takes several writes (the object and its items, or
    several items) gets them in one transaction, then is read again for the result (queued writes answer with
    command records, not objects). One write is sent as it is."""
    item_set, result_key = spec.items, spec.result_key
    name, partition = params["name"], params["partition"]
    items = params.get(item_set.option)
    purge = params.get("purge_" + item_set.option, False)
    label = spec.label(name, partition)
    # Bad input fails before any request.
    if purge and items is None:
        raise ValidationError("%s: purge_%s needs %s (use [] to delete them all)" % (label, item_set.option, item_set.option))
    if items is not None:
        unique_names(items, label, item_set.option)
    if params["state"] != "present" or items is None:
        return ensure(client, spec, params, diff_mode)
    path = spec.path(name, partition)
    current = spec.read(client, path, label)
    plan = plan_items(client, "%s/%s" % (path, item_set.sub), item_set.fields, items,
                      partition=partition if item_set.partitioned else None, purge=purge, what="%s %s" % (label, item_set.what),
                      existing=[] if current is None else None)
    if current is None and item_set.inline:
        # A new object and its items in one POST: the device creates all of them or none.
        inline = {item_set.inline: [body for _method, _path, body, _what in plan.writes]}
        result = ensure(client, spec, params, diff_mode, current=None, create_with=inline)
    elif current is None:  # no inline form: the object first, then its items
        result = ensure(client, spec, params, diff_mode, current=None)
        send(client, plan.writes)
    elif len(plan.writes) + (not client.check_mode and _own_change(spec, params, current, label)) < 2:
        result = ensure(client, spec, params, diff_mode, current=current)
        send(client, plan.writes)
    else:  # several writes (the object and its items, or several items): one transaction, all or nothing
        with refused_means_nothing_applied(label):
            with client.transaction():
                result = ensure(client, spec, params, diff_mode, current=current)
                send(client, plan.writes)
        result[result_key] = _differ.current_values(spec.fields, spec.read(client, path, label))  # queued replies are no view
    return add_items(result, result_key, item_set.option, (plan.changed, plan.before, plan.after))


def _own_change(spec, params, current, label):
    """Whether the object itself (not its items) needs a write."""
    return _differ.compare(spec.fields, _resolved(spec, params, current), current, what=label).changed


def unique_names(items, label, what="items"):
    """Refuse a list that names one item twice (the device would take the last one silently)."""
    names = [item["name"] for item in items]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValidationError("%s: %s are listed twice: %s" % (label, what, twice))


def add_items(result, result_key, option, outcome):
    """Fold a ``sync_items`` outcome into an ``ensure`` result: ``changed``, the items under
    ``result[result_key][option]`` and, in diff mode, under ``diff.before/after[option]``."""
    changed, before, after = outcome
    result["changed"] = result["changed"] or changed
    result[result_key][option] = after
    if "diff" in result:
        result["diff"]["after"][option] = after
        if result["diff"]["before"] or before:
            result["diff"]["before"][option] = before
    return result


def apply_in_transaction(client, writes, label):
    """PATCH every ``(path, body, what)`` in one transaction (all or nothing); nothing in check mode.

    A refused call (an HTTP error answer: the device did not take the transaction) is reported with
    ``label`` and "nothing was applied". A commit whose answer was lost is settled by the client,
    which re-reads the objects; when that cannot settle it, its ``OutcomeUnknownError`` (what was
    verified, nothing more) and any ``TransportError`` pass through unchanged."""
    if not writes or client.check_mode:
        return
    with refused_means_nothing_applied(label):
        with client.transaction():
            for path, body, what in writes:
                client.patch(path, body, what=what)


@contextlib.contextmanager
def refused_means_nothing_applied(label):
    """Around a transaction: a device refusal (``ApiError``) is re-raised naming ``label`` and saying nothing was applied."""
    try:
        yield
    except ApiError as exc:
        raise type(exc)("%s: the device refused the change, nothing was applied: %s" % (label, exc.msg), status=exc.status,
                        code=exc.code, api_message=exc.api_message, api_error=exc.api_error, method=exc.method,
                        path=exc.path) from None


def _result(changed, key, view, before, after, diff_mode):
    result = {"changed": changed, key: view}
    if diff_mode:
        result["diff"] = _differ.diff_of(before, after)
    return result
