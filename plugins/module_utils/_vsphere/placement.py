# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a VM is and where it can go: everything a relocation plan depends on, read once.

``locate_vm`` finds the VM in the source or the destination vCenter; ``observe`` reads the VM (one property
read), its placement, the target (host, datastore, pool, folder, networks), the NICs' port groups, what the
source host sees of the target datastore and, across vCenters, the service locator. ``relocate.plan_of``
decides from that alone.
"""

from __future__ import annotations

from .._errors import ValidationError
from . import lookup
from .crossvc import instance_uuid, service_locator

try:
    from pyVmomi import vim
except ImportError:  # pragma: no cover - the session reports the missing library
    vim = None

DESTINATION_SPEC = dict(hostname=dict(type="str"), username=dict(type="str"), password=dict(type="str", no_log=True), port=dict(type="int"),
                        validate_certs=dict(type="bool"), ca_path=dict(type="path"))
TARGET_SPEC = dict(
    esxi_hostname=dict(type="str"), cluster_name=dict(type="str"), datacenter=dict(type="str"), datastore=dict(type="str"),
    resource_pool=dict(type="str"), folder=dict(type="str"),
    network_mapping=dict(type="list", elements="dict",
                         options=dict(source=dict(type="str", required=True), target=dict(type="str", required=True))),
    destination_vcenter=dict(type="dict", options=DESTINATION_SPEC),
    strategy=dict(type="str", choices=["storage_first", "combined"], default="storage_first"),
    allow_powered_off=dict(type="bool", default=False),
    priority=dict(type="str", choices=["default", "high", "low"], default="default"),
)
"""Where a VM goes: the options vm_longdistance_migrate and vm_group_migrate share (doc fragment ``migration_target``)."""

VM_PATHS = ("name", "runtime.powerState", "runtime.host", "datastore", "resourcePool", "parent", "network",
            "config.hardware.device", "config.instanceUuid")
HOST_PATHS = ("name", "parent", "datastore", "network", "vm", "runtime.connectionState", "runtime.inMaintenanceMode")


def _name(session, obj):
    return session.call(getattr, obj, "name", what=f"reading the name of {obj._moId}") if obj is not None else None


def _same(a, b):
    return a is not None and b is not None and a._moId == b._moId


def vm_facts(session, vm):
    props = lookup.properties(session, vm, VM_PATHS)
    devices = props.get("config.hardware.device") or []
    return dict(obj=vm, name=props.get("name"), power=str(props.get("runtime.powerState")), host=props.get("runtime.host"),
                datastores=list(props.get("datastore") or []), pool=props.get("resourcePool"), folder=props.get("parent"),
                networks=list(props.get("network") or []), instance_uuid=props.get("config.instanceUuid"),
                nics=[dev for dev in devices if isinstance(dev, vim.vm.device.VirtualEthernetCard)])


def _named(session, name):
    """``[(vm, folder name, instance UUID)]`` of every VM called ``name`` in ``session``'s vCenter (one read)."""
    found = [(obj, props) for obj, props in lookup.retrieve(session, "vm", ["name", "parent", "config.instanceUuid"])
             if props.get("name") == name]
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
            raise ValidationError(f"VM '{params['uuid']}' found neither on {source.label} nor on {dest.label}",
                                  object=params["uuid"]) from exc
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
    return placement_of(session, vm, vm_facts(session, vm))


def placement_of(session, vm, facts):
    """``placement`` of VM facts already read (``vm_facts``)."""
    return dict(vcenter=session.params["hostname"], vcenter_uuid=instance_uuid(session), vm=facts["name"], moid=vm._moId,
                power_state=facts["power"], datacenter=_name(session, lookup.datacenter_of(facts["host"])),
                host=_name(session, facts["host"]), datastores=sorted(_name(session, ds) for ds in facts["datastores"]),
                resource_pool=_name(session, facts["pool"]), folder=_name(session, facts["folder"]))


# --- the target --------------------------------------------------------------------------------

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


def observe(dest, vm_session, vm, params):
    """What ``relocate.plan_of`` needs, read once (plain data and managed-object references):

    same_vc     the VM's vCenter is the destination
    vm          ``vm_facts``; placement: ``placement`` of the same read
    target      ``resolve_target`` (None when the VM is powered off and may not move: nothing else is read)
    nics        ``[{device, label, network}]``: each NIC and the port group it is on now
    backings    ``{label: backing}`` for the target port groups a NIC moves to
    storage     None without a target datastore, else {source_host, source_host_datastores, target_url, urls, dest_label}
                (urls: the source vCenter's datastore URLs, across vCenters only)
    service     the ``vim.ServiceLocator`` across vCenters (None in one vCenter, or when a NIC has no target port group)
    """
    same_vc = vm_session is dest
    vmf = vm_facts(vm_session, vm)
    seen = dict(same_vc=same_vc, vm=vmf, placement=placement_of(vm_session, vm, vmf), target=None, nics=[], backings={}, storage=None,
                service=None)
    if vmf["power"] != "poweredOn" and not params["allow_powered_off"]:
        return seen
    target = seen["target"] = resolve_target(dest, params, vmf, same_vc)
    mapping = {item["source"]: item["target"] for item in params["network_mapping"] or []}
    missing = False
    for nic in vmf["nics"]:
        label, current = _nic_label(vm_session, nic, vmf["networks"])
        seen["nics"].append(dict(device=nic, label=label, network=current))
        wanted = mapping.get(label, label)
        net = target["networks"].get(wanted)
        missing = missing or net is None
        if net is not None and not (same_vc and _same(net, current)) and wanted not in seen["backings"]:
            seen["backings"][wanted] = _backing(dest, net, wanted)
    if target["datastore"] is not None:
        host = lookup.properties(vm_session, vmf["host"], ("name", "datastore"))
        seen["storage"] = dict(source_host=host["name"], source_host_datastores=list(host.get("datastore") or []), target_url=None, urls={},
                               dest_label=dest.label)
        if not same_vc:
            seen["storage"]["target_url"] = dest.call(lambda: target["datastore"].summary.url, what="reading the datastore URL")
            seen["storage"]["urls"] = {obj._moId: props.get("summary.url")
                                       for obj, props in lookup.retrieve(vm_session, "datastore", ["summary.url"])}
    if not same_vc and not missing:
        seen["service"] = service_locator(dest)
    return seen


def predicted_placement(dest, plan_, before):
    """Where the VM will be once ``plan_`` ran (``before`` when nothing is to do)."""
    if not plan_["phases"]:
        return before
    target = plan_["target"]
    return dict(before, vcenter=dest.params["hostname"], vcenter_uuid=instance_uuid(dest), host=target["host_name"],
                datacenter=_name(dest, lookup.datacenter_of(target["host"])),
                datastores=sorted(_name(dest, ds) for ds in target["datastores"]),
                resource_pool=_name(dest, target["pool"]), folder=_name(dest, target["folder"]),
                moid=before["moid"] if plan_["same_vc"] else None)


def final_placement(vm_session, dest, vm, plan_, finished):
    """Where the VM is now; after a finished cross-vCenter move it is found in ``dest`` by its instance UUID."""
    if finished and not plan_["same_vc"]:
        return placement(dest, lookup.find_vm(dest, uuid=plan_["vm"]["instance_uuid"], use_instance_uuid=True))
    return placement(vm_session, vm)
