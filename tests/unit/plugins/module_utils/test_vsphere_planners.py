"""Table tests of the vSphere planners, without a simulator: ``relocate.plan_of`` (phases of one VM's relocation from
what ``placement.observe`` read) and ``netconfig``'s gateway plan, option typing and gateway validation.

Managed objects are bare pyVmomi references (``vim.HostSystem("host-1")``): the planners compare MoIDs and build
specs, they never call vCenter, so a reference without a connection is all they can touch."""
from __future__ import annotations

import pytest
from pyVmomi import vim

from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere import netconfig, relocate

HOST, POOL, FOLDER = vim.HostSystem, vim.ResourcePool, vim.Folder
DS, NET, DVPG = vim.Datastore, vim.Network, vim.dvs.DistributedVirtualPortgroup
SERVICE = vim.ServiceLocator(instanceUuid="dest-uuid", url="https://dest:443/sdk")


def nic(network="net-1", label="Network adapter 1"):
    backing = vim.vm.device.VirtualEthernetCard.NetworkBackingInfo(deviceName="VM Network", network=NET(network))
    return vim.vm.device.VirtualVmxnet3(key=4000, deviceInfo=vim.Description(label=label, summary=""), backing=backing)


def seen(same_vc=True, power="poweredOn", host="host-1", datastores=("ds-1",), pool="pool-1", folder="folder-1",
         target_host="host-2", target_ds="ds-2", target_pool="pool-1", target_folder="folder-1", networks=None, nics=(("VM Network", "net-1"),),
         source_host_datastores=("ds-1", "ds-2"), target_url=None, urls=None):
    """What observe() returns, built from MoIDs; target networks default to the NICs' own port groups."""
    networks = {label: NET(moid) for label, moid in nics} if networks is None else networks
    vm_nics = [dict(device=nic(moid), label=label, network=NET(moid)) for label, moid in nics]
    backings = {label: vim.vm.device.VirtualEthernetCard.NetworkBackingInfo(deviceName=label, network=net) for label, net in networks.items()}
    target = dict(host=HOST(target_host), host_name=f"esx-{target_host}", datastore=DS(target_ds) if target_ds else None,
                  datastores=[DS(target_ds)] if target_ds else [DS(moid) for moid in datastores], pool=POOL(target_pool),
                  folder=FOLDER(target_folder), networks=networks)
    storage = None if not target_ds else dict(source_host="esx-host-1", source_host_datastores=[DS(m) for m in source_host_datastores],
                                              target_url=target_url, urls=urls or {}, dest_label="vCenter dest:443")
    vm = dict(name="web-01", power=power, host=HOST(host), datastores=[DS(m) for m in datastores], pool=POOL(pool), folder=FOLDER(folder),
              instance_uuid="uuid-1", nics=[item["device"] for item in vm_nics], networks=[NET(moid) for _l, moid in nics])
    return dict(same_vc=same_vc, vm=vm, target=target, nics=vm_nics, backings=backings, storage=storage,
                service=None if same_vc else SERVICE)


def params(**overrides):
    return dict(dict(strategy="storage_first", allow_powered_off=False, network_mapping=[], datastore="target-ds"), **overrides)


def summary(plan):
    """(phase, host, datastore, service?, NIC edits) per phase: what each RelocateSpec would move."""
    return [(name, spec.host._moId if spec.host else None, spec.datastore._moId if spec.datastore else None, spec.service is not None,
             len(spec.deviceChange or [])) for name, spec in plan["phases"]]


# --- relocate.plan_of ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("case, observed, options, phases, strategy, reason", [
    ("one vCenter, target datastore on the source host: storage first",
     seen(), params(), [("storage", None, "ds-2", False, 0), ("compute", "host-2", "ds-2", False, 0)], "storage_first", None),
    ("one vCenter, source host cannot reach the target datastore: one combined move, and why",
     seen(source_host_datastores=("ds-1",)), params(), [("relocate", "host-2", "ds-2", False, 0)], "combined",
     "source host esx-host-1 cannot reach datastore target-ds"),
    ("combined requested: one move, no reason given",
     seen(), params(strategy="combined"), [("relocate", "host-2", "ds-2", False, 0)], "combined", None),
    ("disks already on the target datastore: memory only",
     seen(datastores=("ds-2",)), params(), [("compute", "host-2", "ds-2", False, 0)], "storage_first", None),
    ("already at the target: nothing to do",
     seen(host="host-2", datastores=("ds-2",)), params(), [], "storage_first", None),
    ("no target datastore in one vCenter: the disks stay, compute only",
     seen(target_ds=None), params(datastore=None), [("compute", "host-2", None, False, 0)], "storage_first", None),
    ("across vCenters, the target datastore cross-mounted at the source (same URL): storage to the local mount first",
     seen(same_vc=False, target_url="ds:///shared/", urls={"ds-1": "ds:///local/", "ds-9": "ds:///shared/"},
          source_host_datastores=("ds-1", "ds-9")), params(),
     [("storage", None, "ds-9", False, 0), ("compute", "host-2", "ds-2", True, 1)], "storage_first", None),
    ("across vCenters, disks already on the shared datastore: compute only",
     seen(same_vc=False, datastores=("ds-9",), target_url="ds:///shared/", urls={"ds-9": "ds:///shared/"}), params(),
     [("compute", "host-2", "ds-2", True, 1)], "storage_first", None),
    ("across vCenters without a cross-mount: one combined move with the service locator, and why",
     seen(same_vc=False, target_url="ds:///shared/", urls={"ds-1": "ds:///local/"}), params(),
     [("relocate", "host-2", "ds-2", True, 1)], "combined",
     "datastore target-ds of vCenter dest:443 is not reachable from source host esx-host-1: storage and compute move in one relocation"),
])
def test_plan_of(case, observed, options, phases, strategy, reason):
    plan = relocate.plan_of(observed, options)
    assert (summary(plan), plan["strategy"], plan["fallback_reason"]) == (phases, strategy, reason), case


def test_plan_of_same_host_other_pool_moves_compute_only():
    plan = relocate.plan_of(seen(host="host-2", datastores=("ds-2",), pool="pool-1", target_pool="pool-7"), params())
    assert summary(plan) == [("compute", "host-2", "ds-2", False, 0)] and plan["phases"][0][1].pool._moId == "pool-7"


def test_plan_of_leaves_the_folder_alone_in_one_vcenter_and_sets_it_across():
    same = relocate.plan_of(seen(), params())["phases"][-1][1]
    cross = relocate.plan_of(seen(same_vc=False, target_folder="folder-9", datastores=("ds-9",), target_url="u",
                                  urls={"ds-9": "u"}), params())["phases"][-1][1]
    assert same.folder is None and cross.folder._moId == "folder-9"


@pytest.mark.parametrize("power, allowed, refused", [("poweredOff", False, True), ("suspended", False, True), ("poweredOff", True, False),
                                                     ("poweredOn", False, False)])
def test_plan_of_refuses_a_vm_that_is_not_powered_on_unless_allowed(power, allowed, refused):
    if refused:
        with pytest.raises(ValidationError, match=f"VM web-01 is {power}; a live migration needs it powered on"):
            relocate.plan_of(seen(power=power), params(allow_powered_off=allowed))
    else:
        assert relocate.plan_of(seen(power=power), params(allow_powered_off=allowed))["phases"]


def test_nic_moves_to_the_mapped_port_group_and_a_missing_one_is_named():
    observed = seen(nics=(("VM Network", "net-1"),), networks={"Web-Secondary": NET("net-5")})
    with pytest.raises(ValidationError) as caught:
        relocate.plan_of(observed, params())
    assert caught.value.msg == ("target host esx-host-2 lacks the port group(s) for VM web-01: Network adapter 1: 'VM Network' -> 'VM Network' "
                                "(it has Web-Secondary); use network_mapping")
    plan = relocate.plan_of(observed, params(network_mapping=[dict(source="VM Network", target="Web-Secondary")]))
    edit = plan["phases"][-1][1].deviceChange[0]
    assert edit.operation == "edit" and edit.device.backing.network._moId == "net-5" and edit.device.key == 4000
    assert observed["nics"][0]["device"].backing.network._moId == "net-1", "what was read is not changed by planning"


def test_nic_already_on_its_port_group_in_one_vcenter_is_not_edited_but_is_across_vcenters():
    assert summary(relocate.plan_of(seen(), params()))[-1][4] == 0
    assert summary(relocate.plan_of(seen(same_vc=False, datastores=("ds-9",), target_url="u", urls={"ds-9": "u"}), params()))[-1][4] == 1


def test_plan_of_is_pure_same_input_same_output():
    observed = seen(same_vc=False, target_url="u", urls={"ds-1": "x", "ds-9": "u"}, source_host_datastores=("ds-1", "ds-9"))
    assert summary(relocate.plan_of(observed, params())) == summary(relocate.plan_of(observed, params()))


# --- netconfig ----------------------------------------------------------------------------------------------

def vnic(device="vmk1", stack="vmotion", gateway=None, ip="10.1.20.11", mask="255.255.255.0"):
    route = vim.host.VirtualNic.IpRouteSpec(ipRouteConfig=vim.host.IpRouteConfig(defaultGateway=gateway)) if gateway else None
    spec = vim.host.VirtualNic.Specification(netStackInstanceKey=stack, ipRouteSpec=route,
                                             ip=vim.host.IpConfig(dhcp=False, ipAddress=ip, subnetMask=mask))
    return vim.host.VirtualNic(device=device, spec=spec)


def host_facts(api=(7, 0), stack_gateway=None):
    stack = vim.host.NetStackInstance(key="vmotion", ipRouteConfig=vim.host.IpRouteConfig(defaultGateway=stack_gateway))
    return dict(name="esx-p1", api=api, stacks={"vmotion": stack}, vnics={})


@pytest.mark.parametrize("stack, mode, api, expected", [
    ("vmotion", "auto", (7, 0), "netstack"),
    ("defaultTcpipStack", "auto", (7, 0), "vmknic"),
    (None, "auto", (7, 0), "vmknic"),
    ("vmotion", "vmknic", (6, 5), "vmknic"),
    ("defaultTcpipStack", "netstack", (7, 0), "the management gateway, which this module never changes"),
    ("defaultTcpipStack", "auto", (6, 0), "predates per-vmknic gateways"),
    ("vmotion", "vmknic", (), "API unknown"),
])
def test_gateway_mode(stack, mode, api, expected):
    if expected in ("netstack", "vmknic"):
        assert netconfig.gateway_mode(host_facts(api), vnic(stack=stack), mode) == expected
    else:
        with pytest.raises(ValidationError, match=expected):
            netconfig.gateway_mode(host_facts(api), vnic(stack=stack), mode)


@pytest.mark.parametrize("case, nic, facts, mode, state, gateway, expected", [
    ("netstack level: the stack's gateway is set", vnic(), host_facts(stack_gateway="10.1.20.1"), "auto", "present", "10.1.20.254",
     ("netstack", "10.1.20.1", "10.1.20.254")),
    ("vmknic level: the override is read", vnic(stack="defaultTcpipStack", gateway="10.1.20.1"), host_facts(), "auto", "present", "10.1.20.254",
     ("vmknic", "10.1.20.1", "10.1.20.254")),
    ("no gateway given: left as it is", vnic(), host_facts(stack_gateway="10.1.20.1"), "auto", "present", None,
     ("netstack", "10.1.20.1", "10.1.20.1")),
    ("absent removes it", vnic(stack="defaultTcpipStack", gateway="10.1.20.1"), host_facts(), "vmknic", "absent", None,
     ("vmknic", "10.1.20.1", None)),
    ("absent with none set: nothing to do", vnic(stack="defaultTcpipStack"), host_facts(), "vmknic", "absent", None, ("vmknic", None, None)),
    ("none set yet: set", vnic(), host_facts(), "netstack", "present", "10.1.20.254", ("netstack", None, "10.1.20.254")),
])
def test_plan_gateway(case, nic, facts, mode, state, gateway, expected):
    assert netconfig.plan_gateway(facts, nic, mode, state, gateway) == expected, case


@pytest.mark.parametrize("gateway, nic, error", [
    ("10.1.20.254", vnic(), None),
    ("10.1.20.254", None, None),
    ("10.1.30.1", None, None),
    ("10.1.30.1", vnic(), "outside the subnet 10.1.20.0/24 of vmknic vmk1 on host esx-p1"),
    ("10.1.20.11", vnic(), "is the address of vmknic vmk1 on host esx-p1 itself"),
    ("10.1.20.255", vnic(), "is the broadcast address of the subnet 10.1.20.0/24"),
    ("10.1.20.0", vnic(), "is the network address of the subnet 10.1.20.0/24"),
    ("10.1.20.1", vnic(ip="10.1.20.0", mask="255.255.255.254"), None),
    ("fe80::1", vnic(), "is not an IPv4 address"),
    ("gw", None, "is not an IPv4 address"),
])
def test_validate_gateway(gateway, nic, error):
    if error is None:
        assert netconfig.validate_gateway(gateway, nic, "esx-p1") == gateway
    else:
        with pytest.raises(ValidationError, match=error):
            netconfig.validate_gateway(gateway, nic, "esx-p1")


@pytest.mark.parametrize("option_type, value, expected, vmodl_type", [
    (vim.option.LongOption(), True, 1, "long"),
    (vim.option.IntOption(), 0, 0, "int"),
    (vim.option.BoolOption(), 1, True, "bool"),
    (vim.option.StringOption(), True, "1", "str"),
    (vim.option.ChoiceOption(), "on", "on", "str"),
])
def test_typed_option_value_follows_the_hosts_declared_type(option_type, value, expected, vmodl_type):
    typed = netconfig.typed_option_value(vim.option.OptionDef(key="Migrate.BindToVmknics", optionType=option_type), value)
    assert typed == expected and type(typed).__name__ == vmodl_type


def test_typed_option_value_refuses_an_unknown_type():
    with pytest.raises(ValidationError, match="has type OptionType, which this module cannot set"):
        netconfig.typed_option_value(vim.option.OptionDef(key="X", optionType=vim.option.OptionType()), 1)


@pytest.mark.parametrize("value, expected", [("0", False), ("1", True), (" false ", False), ("off", False), ("", False), (None, False),
                                             (0, False), (1, True), ("yes", True)])
def test_option_flag(value, expected):
    assert netconfig.option_flag(value) is expected
