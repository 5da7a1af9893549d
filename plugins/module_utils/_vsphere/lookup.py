# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Find managed objects by name or MoID with clear missing/ambiguous errors.

Name lookups read one property set for every object of a type below a root through a container
view and the property collector (no recursive walks); the view is always destroyed.
"""

from __future__ import annotations

from .._errors import ValidationError

try:
    from pyVmomi import vim, vmodl
except ImportError:  # pragma: no cover - the session reports the missing library
    vim = vmodl = None

LABELS = {"vm": "VM", "resource_pool": "resource pool"}
KINDS = {
    "datacenter": "Datacenter",
    "cluster": "ClusterComputeResource",
    "host": "HostSystem",
    "datastore": "Datastore",
    "resource_pool": "ResourcePool",
    "folder": "Folder",
    "network": "Network",
    "vm": "VirtualMachine",
}
"""Lookup kind -> vim type name (``vim.<name>``)."""


def label(kind):
    return LABELS.get(kind, kind)


def vim_type(kind):
    return getattr(vim, KINDS[kind])


def retrieve(session, kind, paths, root=None):
    """``[(obj, {path: value})]`` for every ``kind`` object below ``root`` (default: the root folder)."""
    content = session.content
    root = root or content.rootFolder
    view = session.call(content.viewManager.CreateContainerView, root, [vim_type(kind)], True, what=f"listing {kind}s")
    try:
        traversal = vmodl.query.PropertyCollector.TraversalSpec(name="view", path="view", skip=False, type=vim.view.ContainerView)
        spec = vmodl.query.PropertyCollector.FilterSpec(
            objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=view, skip=True, selectSet=[traversal])],
            propSet=[vmodl.query.PropertyCollector.PropertySpec(type=vim_type(kind), pathSet=list(paths))],
        )
        return _collect(session, content.propertyCollector, spec, kind)
    finally:
        session.call(view.DestroyView, what="destroying a container view")


def _collect(session, collector, spec, kind):
    options = vmodl.query.PropertyCollector.RetrieveOptions()
    found = []
    result = session.call(collector.RetrievePropertiesEx, [spec], options, what=f"reading {kind}s")
    while result is not None:
        found.extend((item.obj, {prop.name: prop.val for prop in item.propSet}) for item in result.objects)
        if not result.token:
            break
        result = session.call(collector.ContinueRetrievePropertiesEx, result.token, what=f"reading {kind}s")
    return found


def _scope_text(root):
    return f" in {root.name}" if root is not None and vim is not None and not isinstance(root, vim.Folder) else ""


def pick_one(matches, kind, wanted, root=None):
    """The single object in ``matches``; ``ValidationError`` naming ``wanted`` when none or several."""
    if not matches:
        raise ValidationError(f"{label(kind)} '{wanted}' not found{_scope_text(root)}", object=wanted)
    if len(matches) > 1:
        ids = sorted(obj._moId for obj in matches)
        raise ValidationError(f"{label(kind)} name '{wanted}' is ambiguous{_scope_text(root)}: {len(matches)} objects "
                              f"({', '.join(ids)}); narrow the scope or give a MoID", object=wanted, candidates=ids)
    return matches[0]


def by_moid(session, kind, moid):
    """The ``kind`` object with MoID ``moid``, checked to exist (its name is read)."""
    obj = vim_type(kind)(moid, session.si._stub)
    try:
        session.call(getattr, obj, "name", what=f"reading {kind} {moid}")
    except Exception as exc:  # pylint: disable=broad-except  # ManagedObjectNotFound arrives as VSphereError
        if getattr(exc, "fault", None) == "vmodl.fault.ManagedObjectNotFound":
            raise ValidationError(f"{label(kind)} with MoID '{moid}' not found on {session.label}", object=moid) from exc
        raise
    return obj


def by_name(session, kind, name, root=None):
    """The one ``kind`` object called ``name`` below ``root``."""
    matches = [obj for obj, props in retrieve(session, kind, ["name"], root) if props.get("name") == name]
    return pick_one(matches, kind, name, root)


def find_vm(session, name=None, uuid=None, moid=None, use_instance_uuid=False, root=None):
    """The VM by MoID, BIOS UUID (``config.uuid``), instance UUID (``config.instanceUuid``) or name."""
    if moid:
        return by_moid(session, "vm", moid)
    if uuid:
        path = "config.instanceUuid" if use_instance_uuid else "config.uuid"
        matches = [obj for obj, props in retrieve(session, "vm", [path], root) if (props.get(path) or "").lower() == uuid.lower()]
        return pick_one(matches, "vm", uuid, root)
    return by_name(session, "vm", name, root)


def datacenter_of(obj):
    """The datacenter that contains ``obj`` (walking ``parent``)."""
    node = obj
    while node is not None and not isinstance(node, vim.Datacenter):
        node = node.parent
    return node


def properties(session, obj, paths):
    """``{path: value}`` of one managed object, read in one property-collector call (unset paths are absent)."""
    spec = vmodl.query.PropertyCollector.FilterSpec(
        objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=obj, skip=False)],
        propSet=[vmodl.query.PropertyCollector.PropertySpec(type=type(obj), pathSet=list(paths))],
    )
    found = _collect(session, session.content.propertyCollector, spec, type(obj).__name__)
    return found[0][1] if found else {}
