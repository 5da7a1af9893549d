# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning and running a (long-distance, possibly cross-vCenter) VM relocation.

``plan()`` reads everything, runs every pre-check and returns the phases to run (each a
``RelocateSpec``); nothing is written. ``run()`` starts the phases one after the other through
the session's task layer (refused in check mode) and waits for them with the task waiter.
"""

from __future__ import annotations

import contextlib
import time

from .._errors import ValidationError, VSphereError
from . import lookup
from .session import Session, server_thumbprint

try:
    from pyVmomi import vim
except ImportError:  # pragma: no cover - the session reports the missing library
    vim = None

DEST_KEYS = ("hostname", "username", "password", "port", "validate_certs", "ca_path")
VM_PATHS = ("name", "runtime.powerState", "runtime.host", "datastore", "resourcePool", "parent", "network",
            "config.hardware.device", "config.instanceUuid")
HOST_PATHS = ("name", "parent", "datastore", "network", "vm", "runtime.connectionState", "runtime.inMaintenanceMode")


def _name(session, obj):
    return session.call(getattr, obj, "name", what=f"reading the name of {obj._moId}") if obj is not None else None


def _same(a, b):
    return a is not None and b is not None and a._moId == b._moId


# --- sessions -----------------------------------------------------------------------------------

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


# --- reading ------------------------------------------------------------------------------------

def vm_facts(session, vm):
    props = lookup.properties(session, vm, VM_PATHS)
    devices = props.get("config.hardware.device") or []
    return dict(obj=vm, name=props.get("name"), power=str(props.get("runtime.powerState")), host=props.get("runtime.host"),
                datastores=list(props.get("datastore") or []), pool=props.get("resourcePool"), folder=props.get("parent"),
                networks=list(props.get("network") or []), instance_uuid=props.get("config.instanceUuid"),
                nics=[dev for dev in devices if isinstance(dev, vim.vm.device.VirtualEthernetCard)])


def _named(session, name):
    """``[(vm, folder name, instance UUID)]`` of every VM called ``name`` in ``session``'s vCenter (one read)."""
    found = [(obj, props) for obj, props in lookup.retrieve(session, "vm", ["name", "parent", "config.instanceUuid"]) if props.get("name") == name]
    return [(obj, _name(session, props.get("parent")), props.get("config.instanceUuid")) for obj, props in found]


def _ambiguity(name, sides):
    listed = "; ".join(f"{session.label}: " + ", ".join(f"{obj._moId} (folder {folder})" for obj, folder, _uuid in matches)
                       for session, matches in sides if matches)
    return ValidationError(f"VM name '{name}' is ambiguous: {listed}. Nothing was moved. Pick one VM by its MoID (option moid, "
                           "or {name, moid} in the role's VM list), or rename or move the others into another folder first",
                           object=name, candidates=[obj._moId for _session, matches in sides for obj, _f, _u in matches])


def locate_vm(source, dest, params):
    """``(session, vm)``: the VM in the source vCenter, or in the destination one when it already moved there.

    A name must be unique across both vCenters (a copy in each is the same VM only mid-move, when both carry the same
    instance UUID; then the source copy is the VM); otherwise the error lists every match.
    """
    name = params["name"]
    if params["moid"] or not name:
        query = dict(name=name, uuid=params["uuid"], moid=params["moid"], use_instance_uuid=params["use_instance_uuid"])
        try:
            return source, lookup.find_vm(source, **query)
        except ValidationError:
            if dest is source or params["moid"]:
                raise
        try:
            return dest, lookup.find_vm(dest, **query)
        except ValidationError as exc:
            raise ValidationError(f"VM '{params['uuid']}' found neither on {source.label} nor on {dest.label}", object=params["uuid"]) from exc
    at_source = _named(source, name)
    at_dest = [] if dest is source else _named(dest, name)
    if len(at_source) == 1 and len(at_dest) == 1 and at_source[0][2] and at_source[0][2] == at_dest[0][2]:
        at_dest = []
    if len(at_source) + len(at_dest) > 1:
        raise _ambiguity(name, [(source, at_source), (dest, at_dest)])
    if at_source:
        return source, at_source[0][0]
    if at_dest:
        return dest, at_dest[0][0]
    where = f"found neither on {source.label} nor on {dest.label}" if dest is not source else f"not found on {source.label}"
    raise ValidationError(f"VM '{name}' {where}", object=name)


def placement(session, vm):
    """Where the VM is now: vCenter, datacenter, host, datastores, resource pool and folder (names)."""
    facts = vm_facts(session, vm)
    return dict(vcenter=session.params["hostname"], vcenter_uuid=instance_uuid(session), vm=facts["name"], moid=vm._moId,
                power_state=facts["power"], datacenter=_name(session, lookup.datacenter_of(facts["host"])),
                host=_name(session, facts["host"]), datastores=sorted(_name(session, ds) for ds in facts["datastores"]),
                resource_pool=_name(session, facts["pool"]), folder=_name(session, facts["folder"]))


# --- target and pre-checks ----------------------------------------------------------------------

def _usable(host_props):
    return str(host_props.get("runtime.connectionState")) == "connected" and not host_props.get("runtime.inMaintenanceMode")


def pick_host(dest, cluster, datastores, prefer=None):
    """The connected, non-maintenance host of ``cluster`` that sees ``datastores`` and runs the fewest VMs (``prefer`` wins)."""
    wanted = {ds._moId for ds in datastores}
    fits = [(obj, props) for obj, props in lookup.retrieve(dest, "host", HOST_PATHS, root=cluster)
            if _usable(props) and wanted <= {ds._moId for ds in props.get("datastore") or []}]
    if not fits:
        raise ValidationError(f"cluster {_name(dest, cluster)} has no connected host outside maintenance mode that sees datastore(s) "
                              f"{', '.join(sorted(_name(dest, ds) for ds in datastores))}", object=_name(dest, cluster))
    preferred = [obj for obj, props in fits if _same(obj, prefer)]
    return preferred[0] if preferred else min(fits, key=lambda item: (len(item[1].get("vm") or []), item[1]["name"]))[0]


def _default_pool(dest, host_parent, vmf, same_vc):
    if same_vc and _same(host_parent, _parent(dest, vmf["host"])):
        return vmf["pool"]
    return dest.call(getattr, host_parent, "resourcePool", what="reading the root resource pool")


def _parent(session, obj):
    return session.call(getattr, obj, "parent", what=f"reading the parent of {obj._moId}")


def resolve_target(dest, params, vmf, same_vc):
    """The target host, datastore(s), pool, folder and networks, checked against each other."""
    dc = lookup.by_name(dest, "datacenter", params["datacenter"]) if params["datacenter"] else None
    cluster = lookup.by_name(dest, "cluster", params["cluster_name"], dc) if params["cluster_name"] else None
    datastore = lookup.by_name(dest, "datastore", params["datastore"], dc) if params["datastore"] else None
    if datastore is None and not same_vc:
        raise ValidationError("'datastore' is required to migrate to another vCenter", object=vmf["name"])
    datastores = [datastore] if datastore is not None else vmf["datastores"]
    if params["esxi_hostname"]:
        host = lookup.by_name(dest, "host", params["esxi_hostname"], cluster or dc)
    else:
        host = pick_host(dest, cluster, datastores, vmf["host"] if same_vc else None)
    hp = lookup.properties(dest, host, HOST_PATHS)
    if str(hp.get("runtime.connectionState")) != "connected":
        raise ValidationError(f"target host {hp['name']} is {hp.get('runtime.connectionState')}", object=hp["name"])
    seen = {ds._moId for ds in hp.get("datastore") or []}
    unreachable = [_name(dest, ds) for ds in datastores if ds._moId not in seen]
    if unreachable:
        raise ValidationError(f"datastore {', '.join(unreachable)} is not reachable from target host {hp['name']}", object=hp["name"])
    target_dc = lookup.datacenter_of(host)
    pool = lookup.by_name(dest, "resource_pool", params["resource_pool"], cluster or target_dc) if params["resource_pool"] else \
        _default_pool(dest, hp["parent"], vmf, same_vc)
    if params["folder"]:
        folder = lookup.by_name(dest, "folder", params["folder"], target_dc)
    elif same_vc and _same(lookup.datacenter_of(vmf["host"]), target_dc):
        folder = vmf["folder"]
    else:
        folder = dest.call(getattr, target_dc, "vmFolder", what=f"reading the VM folder of {_name(dest, target_dc)}")
    return dict(host=host, host_name=hp["name"], datastore=datastore, datastores=datastores, pool=pool, folder=folder,
                networks={_name(dest, net): net for net in hp.get("network") or []})


def _nic_label(session, nic, networks):
    backing = nic.backing
    if isinstance(backing, vim.vm.device.VirtualEthernetCard.DistributedVirtualPortBackingInfo):
        for net in networks:
            if isinstance(net, vim.dvs.DistributedVirtualPortgroup) and session.call(getattr, net, "key") == backing.port.portgroupKey:
                return _name(session, net), net
        return backing.port.portgroupKey, None
    network = getattr(backing, "network", None)
    return (_name(session, network) if network is not None else getattr(backing, "deviceName", None)), network


def _backing(dest, net, name):
    if isinstance(net, vim.dvs.DistributedVirtualPortgroup):
        switch = dest.call(lambda: net.config.distributedVirtualSwitch.uuid, what=f"reading the switch of port group {name}")
        port = vim.dvs.PortConnection(switchUuid=switch, portgroupKey=dest.call(getattr, net, "key"))
        return vim.vm.device.VirtualEthernetCard.DistributedVirtualPortBackingInfo(port=port)
    return vim.vm.device.VirtualEthernetCard.NetworkBackingInfo(deviceName=name, network=net)


def network_changes(vm_session, dest, vmf, target, mapping, same_vc):
    """``deviceChange`` edits moving each NIC to its target port group (same label unless mapped); fails on missing labels."""
    edits, missing = [], []
    for nic in vmf["nics"]:
        label, current = _nic_label(vm_session, nic, vmf["networks"])
        wanted = mapping.get(label, label)
        net = target["networks"].get(wanted)
        if net is None:
            missing.append(f"{nic.deviceInfo.label if nic.deviceInfo else nic.key}: '{label}' -> '{wanted}'")
            continue
        if same_vc and _same(net, current):
            continue
        nic.backing = _backing(dest, net, wanted)
        edits.append(vim.vm.device.VirtualDeviceSpec(operation="edit", device=nic))
    if missing:
        raise ValidationError(f"target host {target['host_name']} lacks the port group(s) for VM {vmf['name']}: {'; '.join(missing)} "
                              f"(it has {', '.join(sorted(target['networks'])) or 'none'}); use network_mapping", object=vmf["name"])
    return edits


def _storage_step(vm_session, dest, vmf, target, same_vc):
    """``(datastore for a storage-only phase, done, fallback reason)`` for the storage_first strategy."""
    datastore = target["datastore"]
    if datastore is None:
        return None, True, None
    source_host = lookup.properties(vm_session, vmf["host"], ("name", "datastore"))
    if same_vc:
        if [ds._moId for ds in vmf["datastores"]] == [datastore._moId]:
            return None, True, None
        if datastore._moId in {ds._moId for ds in source_host.get("datastore") or []}:
            return datastore, False, None
        return None, False, f"source host {source_host['name']} cannot reach datastore {_name(dest, datastore)}"
    url = dest.call(lambda: datastore.summary.url, what="reading the datastore URL")
    urls = {obj._moId: props.get("summary.url") for obj, props in lookup.retrieve(vm_session, "datastore", ["summary.url"])}
    if vmf["datastores"] and all(urls.get(ds._moId) == url for ds in vmf["datastores"]):
        return None, True, None
    local = [ds for ds in source_host.get("datastore") or [] if urls.get(ds._moId) == url]
    if local:
        return local[0], False, None
    return None, False, (f"datastore {_name(dest, datastore)} of {dest.label} is not reachable from source host {source_host['name']}: "
                         "storage and compute move in one relocation")


def plan(source, dest, vm_session, vm, params):
    """Pre-check everything and return ``dict(phases=[(name, spec)], strategy, fallback_reason, vm=facts)``; writes nothing."""
    same_vc = vm_session is dest
    vmf = vm_facts(vm_session, vm)
    if vmf["power"] != "poweredOn" and not params["allow_powered_off"]:
        raise ValidationError(f"VM {vmf['name']} is {vmf['power']}; a live migration needs it powered on (or set allow_powered_off)",
                              object=vmf["name"])
    target = resolve_target(dest, params, vmf, same_vc)
    mapping = {item["source"]: item["target"] for item in params["network_mapping"] or []}
    nic_edits = network_changes(vm_session, dest, vmf, target, mapping, same_vc)
    service = None if same_vc else service_locator(dest)
    compute_done = same_vc and _same(vmf["host"], target["host"]) and _same(vmf["pool"], target["pool"]) \
        and _same(vmf["folder"], target["folder"]) and not nic_edits
    full = vim.vm.RelocateSpec(host=target["host"], pool=target["pool"], datastore=target["datastore"], deviceChange=nic_edits, service=service,
                               folder=None if same_vc and _same(vmf["folder"], target["folder"]) else target["folder"])
    storage_ds, storage_done, reason = _storage_step(vm_session, dest, vmf, target, same_vc)
    if params["strategy"] == "combined" or (compute_done and storage_done):
        reason = None
    if compute_done and storage_done:
        phases = []
    elif params["strategy"] == "combined" or reason:
        phases = [("relocate", full)]
    else:
        phases = ([] if storage_done else [("storage", vim.vm.RelocateSpec(datastore=storage_ds))]) + ([] if compute_done else [("compute", full)])
    return dict(phases=phases, strategy="combined" if reason else params["strategy"], fallback_reason=reason, vm=vmf, target=target, same_vc=same_vc)


# --- running ------------------------------------------------------------------------------------

def _phase_record(name, facts):
    keys = ("task", "state", "progress", "queued", "started", "completed", "queue_seconds", "duration", "error", "history")
    return dict(name=name, **{key: facts.get(key) for key in keys})


def run(vm_session, vm, phases, wait=True, timeout=3600, poll_interval=5.0, priority="defaultPriority"):
    """Start (and with ``wait`` finish) the phases in order; returns ``(records, pending phase names)``.

    A failing phase raises ``VSphereError`` whose details carry the phase records so far.
    """
    records, deadline = [], time.monotonic() + timeout
    vm_name = _name(vm_session, vm)
    for index, (name, spec) in enumerate(phases):
        what = f"{name} relocation of VM {vm_name}"
        task = vm_session.start_task(vm, "RelocateVM_Task", spec, priority, what=what)
        waiter = vm_session.waiter(timeout=max(deadline - time.monotonic(), 0), poll_interval=poll_interval)
        if not wait:
            records.append(_phase_record(name, waiter.poll(task)))
            return records, [later[0] for later in phases[index + 1:]]
        try:
            records.append(_phase_record(name, waiter.wait(task, what=what)))
        except VSphereError as exc:
            exc.details["phases"] = records + [dict(name=name, task=task._moId, state="error" if exc.fault else "running")]
            raise
    return records, []


def planned_phases(phases):
    """Check-mode view of the phases: what each would move, nothing started."""
    return [dict(name=name, state="planned", host_moid=spec.host._moId if spec.host else None,
                 datastore_moid=spec.datastore._moId if spec.datastore else None, cross_vcenter=spec.service is not None) for name, spec in phases]


def predicted_placement(dest, plan_, before):
    """Where the VM will be once ``plan_`` ran (``before`` when nothing is to do)."""
    if not plan_["phases"]:
        return before
    target = plan_["target"]
    return dict(before, vcenter=dest.params["hostname"], vcenter_uuid=instance_uuid(dest), host=target["host_name"],
                datacenter=_name(dest, lookup.datacenter_of(target["host"])), datastores=sorted(_name(dest, ds) for ds in target["datastores"]),
                resource_pool=_name(dest, target["pool"]), folder=_name(dest, target["folder"]),
                moid=before["moid"] if plan_["same_vc"] else None)


def final_placement(vm_session, dest, vm, plan_, finished):
    """Where the VM is now; after a finished cross-vCenter move it is found in ``dest`` by its instance UUID."""
    if finished and not plan_["same_vc"]:
        return placement(dest, lookup.find_vm(dest, uuid=plan_["vm"]["instance_uuid"], use_instance_uuid=True))
    return placement(vm_session, vm)
