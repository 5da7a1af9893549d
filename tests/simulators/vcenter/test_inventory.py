"""The lab inventory of docs/lab.md as seen through pyVmomi."""
from __future__ import annotations

import pytest
from pyVmomi import vim

from tests.simulators.vcenter import lookup

pytestmark = pytest.mark.vcenter_sim

PRIMARY_HOSTS = {"esx-p1.lab.local": ("192.0.2.11", "10.133.57.11"), "esx-p2.lab.local": ("192.0.2.12", "10.133.57.12")}
SECONDARY_HOSTS = {"esx-s1.lab.local": ("198.51.100.11", "10.133.58.11"), "esx-s2.lab.local": ("198.51.100.12", "10.133.58.12")}


def test_primary_datacenter_cluster_hosts(vcenter_sim):
    si = vcenter_sim.connect()
    assert si.content.about.instanceUuid == vcenter_sim.instance_uuid
    assert lookup.names(si, vim.Datacenter) == ["Primary"]
    cluster = lookup.find(si, vim.ClusterComputeResource, "Primary-Cluster")
    assert sorted(h.name for h in cluster.host) == sorted(PRIMARY_HOSTS)
    assert lookup.names(si, vim.Datastore) == ["primary-ds1", "primary-ds2", "secondary-ds1", "stretched-ds1"]
    for ds in cluster.datastore:
        assert sorted(m.key.name for m in ds.host) == sorted(PRIMARY_HOSTS), ds.name


def test_port_groups_shared_by_all_hosts(vcenter_sim):
    si = vcenter_sim.connect()
    assert lookup.names(si, vim.Network) == ["VM Network", "vMotion"]
    for name in ("VM Network", "vMotion"):
        net = lookup.find(si, vim.Network, name)
        assert sorted(h.name for h in net.host) == sorted(PRIMARY_HOSTS)
    for host in lookup.find(si, vim.ClusterComputeResource, "Primary-Cluster").host:
        assert {pg.spec.name for pg in host.config.network.portgroup} >= {"VM Network", "vMotion", "Management Network"}


@pytest.mark.parametrize("name", sorted(PRIMARY_HOSTS))
def test_host_vmkernel_networking(vcenter_sim, name):
    host = lookup.host(vcenter_sim.connect(), name)
    mgmt_ip, vmotion_ip = PRIMARY_HOSTS[name]
    net = host.config.network
    vmk0, vmk1 = lookup.vnic(host, "vmk0"), lookup.vnic(host, "vmk1")
    assert (vmk0.portgroup, vmk0.spec.ip.ipAddress, vmk0.spec.netStackInstanceKey) == ("Management Network", mgmt_ip, "defaultTcpipStack")
    assert (vmk1.portgroup, vmk1.spec.ip.ipAddress, vmk1.spec.ip.subnetMask) == ("vMotion", vmotion_ip, "255.255.255.0")
    assert vmk1.spec.ipRouteSpec is None, "the vMotion vmknic starts without a gateway override"
    assert net.ipRouteConfig.defaultGateway == "192.0.2.1"
    stacks = {s.key: s for s in net.netStackInstance}
    assert stacks["defaultTcpipStack"].ipRouteConfig.defaultGateway == "192.0.2.1"
    assert not stacks["vmotion"].ipRouteConfig.defaultGateway
    runtime_stacks = {r.netStackInstanceKey for r in host.runtime.networkRuntimeInfo.netStackInstanceRuntimeInfo}
    assert runtime_stacks == {"defaultTcpipStack", "vmotion", "vSphereProvisioning"}
    selected = host.configManager.virtualNicManager.QueryNetConfig("vmotion").selectedVnic
    assert list(selected) == ["vmotion.key-vim.host.VirtualNic-vmk1"]
    assert host.configManager.networkSystem.networkInfo.vnic[1].device == "vmk1"
    assert host.configManager.advancedOption.QueryOptions("Migrate.BindToVmknics")[0].value == 0


def test_primary_vms(vcenter_sim):
    si = vcenter_sim.connect()
    vms = {name: lookup.vm(si, name) for name in (f"web-0{i}" for i in range(1, 7))}
    hosts = set()
    for name, vm in vms.items():
        assert vm.runtime.powerState == "poweredOn", name
        assert 1024 <= vm.config.hardware.memoryMB <= 4096
        disks = [d for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk)]
        assert len(disks) == 1 and 10 * 1024 ** 2 <= disks[0].capacityInKB <= 40 * 1024 ** 2
        assert [d.name for d in vm.datastore] == ["primary-ds1"]
        assert vm.parent.name == "vm" and vm.resourcePool.owner.name == "Primary-Cluster"
        assert [n.name for n in vm.network] == ["VM Network"]
        assert vm in vm.runtime.host.vm
        hosts.add(vm.runtime.host.name)
    assert hosts == set(PRIMARY_HOSTS)
    assert len({vm.config.uuid for vm in vms.values()}) == 6


def test_secondary_site_and_distinct_processes(vcenter_pair):
    primary, secondary = vcenter_pair.primary, vcenter_pair.secondary
    assert primary.port != secondary.port and primary.instance_uuid != secondary.instance_uuid
    si = secondary.connect()
    assert si.content.about.instanceUuid == secondary.instance_uuid
    assert lookup.names(si, vim.Datacenter) == ["Secondary"]
    assert lookup.names(si, vim.HostSystem) == sorted(SECONDARY_HOSTS)
    assert lookup.names(si, vim.Datastore) == ["primary-ds1", "secondary-ds1", "secondary-ds2", "stretched-ds1"]
    assert lookup.names(si, vim.VirtualMachine) == []
    host = lookup.host(si, "esx-s1.lab.local")
    assert lookup.vnic(host, "vmk1").spec.ip.ipAddress == "10.133.58.11"
    assert host.config.network.ipRouteConfig.defaultGateway == "198.51.100.1"
    assert primary.thumbprint() != secondary.thumbprint()


def site_datastores(sim):
    """{name: (summary.url, capacity, mounted host names)} of one vCenter's datastores."""
    si = sim.connect()
    return {ds.name: (ds.summary.url, ds.summary.capacity, sorted(m.key.name for m in ds.host if m.mountInfo.mounted))
            for ds in lookup.objects(si, vim.Datastore)}


def test_stretched_datastore_in_both_vcenters_with_one_url(vcenter_pair):
    primary, secondary = site_datastores(vcenter_pair.primary), site_datastores(vcenter_pair.secondary)
    url = "ds:///vmfs/volumes/stretched-ds1/"
    assert primary["stretched-ds1"][0] == url and secondary["stretched-ds1"][0] == url
    assert primary["stretched-ds1"][2] == sorted(PRIMARY_HOSTS) and secondary["stretched-ds1"][2] == sorted(SECONDARY_HOSTS)
    assert primary["stretched-ds1"][1] == primary["primary-ds1"][1] > 0
    assert secondary["stretched-ds1"][1] == secondary["secondary-ds1"][1] > 0
    others = [entry[0] for site in (primary, secondary) for name, entry in site.items() if name != "stretched-ds1"]
    assert url not in others


def test_first_datastore_of_each_site_is_cross_mounted_on_the_other_sites_hosts(vcenter_pair):
    """The guide's storage set-up: the target datastore is mounted on the source hosts, under one URL in both vCenters."""
    primary, secondary = site_datastores(vcenter_pair.primary), site_datastores(vcenter_pair.secondary)
    for name in ("primary-ds1", "secondary-ds1"):
        assert primary[name][0] == secondary[name][0] == f"ds:///vmfs/volumes/{name}/"
        assert primary[name][2] == sorted(PRIMARY_HOSTS) and secondary[name][2] == sorted(SECONDARY_HOSTS)
    assert "secondary-ds2" not in primary and "primary-ds2" not in secondary, "the second datastores stay local to their site"
    assert primary["primary-ds2"][0] != secondary["secondary-ds2"][0]


def test_stretched_datastore_in_each_datacenter_of_a_both_process(vcenter_both):
    si = vcenter_both.connect()
    stretched = [ds for ds in lookup.objects(si, vim.Datastore) if ds.name == "stretched-ds1"]
    assert sorted(ds.parent.parent.name for ds in stretched) == ["Primary", "Secondary"]
    assert sorted(sorted(m.key.name for m in ds.host) for ds in stretched) == [sorted(PRIMARY_HOSTS), sorted(SECONDARY_HOSTS)]
    assert {ds.summary.url for ds in stretched} == {"ds:///vmfs/volumes/stretched-ds1/"}


def test_reset_restores_inventory(vcenter_sim):
    si = vcenter_sim.connect()
    vm = lookup.vm(si, "web-01")
    lookup.wait(vm.PowerOffVM_Task())
    lookup.wait(vm.Destroy_Task())
    assert "web-01" not in lookup.names(si, vim.VirtualMachine)
    lookup.wait(lookup.datastore(si, "stretched-ds1").Destroy_Task())
    assert "stretched-ds1" not in lookup.names(si, vim.Datastore)
    vcenter_sim.reset()
    si = vcenter_sim.connect()
    assert "web-01" in lookup.names(si, vim.VirtualMachine)
    assert lookup.vm(si, "web-01").runtime.powerState == "poweredOn"
    assert site_datastores(vcenter_sim)["stretched-ds1"][0] == "ds:///vmfs/volumes/stretched-ds1/"
