"""VMkernel NIC, TCP/IP stack and VirtualNicManager APIs (absent from stock vcsim)."""
from __future__ import annotations

import pytest
from pyVmomi import vim, vmodl

from tests.simulators.vcenter import lookup

pytestmark = pytest.mark.vcenter_sim

BIGIP_SELF = "10.133.57.236"


@pytest.fixture
def esx(vcenter_sim):
    return lookup.host(vcenter_sim.connect(), "esx-p1.lab.local")


def route_spec(gateway: str | None) -> vim.host.VirtualNic.IpRouteSpec:
    config = vim.host.IpRouteConfig(defaultGateway=gateway) if gateway else vim.host.IpRouteConfig()
    return vim.host.VirtualNic.IpRouteSpec(ipRouteConfig=config)


def test_gateway_override_set_and_removed(esx, vcenter_sim):
    ns = esx.configManager.networkSystem
    ns.UpdateVirtualNic("vmk1", vim.host.VirtualNic.Specification(ipRouteSpec=route_spec(BIGIP_SELF)))
    vmk1 = lookup.vnic(esx, "vmk1")
    assert vmk1.spec.ipRouteSpec.ipRouteConfig.defaultGateway == BIGIP_SELF
    assert vmk1.spec.ip.ipAddress == "10.133.57.11", "merge keeps the unset fields"
    # both views of the network configuration agree
    assert ns.networkInfo.vnic[1].spec.ipRouteSpec.ipRouteConfig.defaultGateway == BIGIP_SELF
    assert esx.config.network.ipRouteConfig.defaultGateway == "192.0.2.1", "the management gateway is untouched"
    host_dump = next(h for h in vcenter_sim.state()["hosts"] if h["name"] == "esx-p1.lab.local")
    assert host_dump["routed_via_gateway"] is True
    other = lookup.host(vcenter_sim.connect(), "esx-p2.lab.local")
    assert lookup.vnic(other, "vmk1").spec.ipRouteSpec is None, "hosts do not share network state"

    ns.UpdateVirtualNic("vmk1", vim.host.VirtualNic.Specification(ipRouteSpec=route_spec(None)))
    assert lookup.vnic(esx, "vmk1").spec.ipRouteSpec is None


@pytest.mark.parametrize("gateway", ["10.133.57.999", "not-an-ip", "10.133.99.1"])
def test_invalid_gateway_is_invalid_argument(esx, gateway):
    with pytest.raises(vmodl.fault.InvalidArgument) as err:
        esx.configManager.networkSystem.UpdateVirtualNic("vmk1", vim.host.VirtualNic.Specification(ipRouteSpec=route_spec(gateway)))
    assert "vmk1" in err.value.msg and gateway in err.value.msg
    assert lookup.vnic(esx, "vmk1").spec.ipRouteSpec is None


def test_stack_change_and_unknown_device(esx):
    ns = esx.configManager.networkSystem
    with pytest.raises(vmodl.fault.InvalidArgument) as err:
        ns.UpdateVirtualNic("vmk1", vim.host.VirtualNic.Specification(netStackInstanceKey="vmotion"))
    assert "cannot be changed" in err.value.msg
    with pytest.raises(vim.fault.NotFound) as missing:
        ns.UpdateVirtualNic("vmk7", vim.host.VirtualNic.Specification(mtu=9000))
    assert "vmk7" in missing.value.msg


def test_add_and_remove_virtual_nic(esx):
    ns = esx.configManager.networkSystem
    ns.AddPortGroup(vim.host.PortGroup.Specification(name="Provisioning", vswitchName="vSwitch0", vlanId=0,
                                                     policy=vim.host.NetworkPolicy()))
    spec = vim.host.VirtualNic.Specification(ip=vim.host.IpConfig(dhcp=False, ipAddress="10.133.60.11", subnetMask="255.255.255.0"),
                                             netStackInstanceKey="vmotion")
    device = ns.AddVirtualNic("Provisioning", spec)
    assert device == "vmk2"
    added = lookup.vnic(esx, "vmk2")
    assert (added.portgroup, added.spec.netStackInstanceKey, added.spec.ip.ipAddress) == ("Provisioning", "vmotion", "10.133.60.11")
    net_config = esx.configManager.virtualNicManager.QueryNetConfig("vmotion")
    assert set(net_config.selectedVnic) == {"vmotion.key-vim.host.VirtualNic-vmk1", "vmotion.key-vim.host.VirtualNic-vmk2"}
    runtime = {r.netStackInstanceKey: r for r in esx.runtime.networkRuntimeInfo.netStackInstanceRuntimeInfo}
    assert list(runtime["vmotion"].vmknicKeys) == ["key-vim.host.VirtualNic-vmk2"]
    with pytest.raises(vim.fault.AlreadyExists):
        ns.AddVirtualNic("Provisioning", spec)
    with pytest.raises(vim.fault.NotFound):
        ns.AddVirtualNic("No Such PG", spec)
    ns.RemoveVirtualNic("vmk2")
    assert lookup.vnic(esx, "vmk2") is None
    assert "vmotion.key-vim.host.VirtualNic-vmk2" not in esx.configManager.virtualNicManager.QueryNetConfig("vmotion").selectedVnic
    with pytest.raises(vim.fault.NotFound):
        ns.RemoveVirtualNic("vmk2")


def test_port_group_on_second_host_shares_network(vcenter_sim):
    si = vcenter_sim.connect()
    for name in ("esx-p1.lab.local", "esx-p2.lab.local"):
        lookup.host(si, name).configManager.networkSystem.AddPortGroup(
            vim.host.PortGroup.Specification(name="App", vswitchName="vSwitch0", vlanId=10, policy=vim.host.NetworkPolicy()))
    app = lookup.find(si, vim.Network, "App")
    assert sorted(h.name for h in app.host) == ["esx-p1.lab.local", "esx-p2.lab.local"]


def test_update_ip_route_config(esx):
    esx.configManager.networkSystem.UpdateIpRouteConfig(vim.host.IpRouteConfig(defaultGateway="192.0.2.254"))
    assert esx.config.network.ipRouteConfig.defaultGateway == "192.0.2.254"
    stacks = {s.key: s for s in esx.config.network.netStackInstance}
    assert stacks["defaultTcpipStack"].ipRouteConfig.defaultGateway == "192.0.2.254"
    with pytest.raises(vmodl.fault.InvalidArgument):
        esx.configManager.networkSystem.UpdateIpRouteConfig(vim.host.IpRouteConfig(defaultGateway="300.1.1.1"))


def test_update_network_config_netstack_and_vnic(esx, vcenter_sim):
    ns = esx.configManager.networkSystem
    config = vim.host.NetworkConfig(
        netStackSpec=[vim.host.NetworkConfig.NetStackSpec(
            operation="edit",
            netStackInstance=vim.host.NetStackInstance(key="vmotion", ipRouteConfig=vim.host.IpRouteConfig(defaultGateway=BIGIP_SELF)))],
        vnic=[vim.host.VirtualNic.Config(changeOperation="edit", device="vmk1",
                                         spec=vim.host.VirtualNic.Specification(mtu=9000))])
    ns.UpdateNetworkConfig(config, "modify")
    stacks = {s.key: s for s in esx.config.network.netStackInstance}
    assert stacks["vmotion"].ipRouteConfig.defaultGateway == BIGIP_SELF
    assert stacks["defaultTcpipStack"].ipRouteConfig.defaultGateway == "192.0.2.1"
    assert lookup.vnic(esx, "vmk1").spec.mtu == 9000
    assert {s.key: s for s in ns.networkInfo.netStackInstance}["vmotion"].ipRouteConfig.defaultGateway == BIGIP_SELF
    with pytest.raises(vim.fault.NotFound):
        ns.UpdateNetworkConfig(vim.host.NetworkConfig(netStackSpec=[vim.host.NetworkConfig.NetStackSpec(
            operation="edit", netStackInstance=vim.host.NetStackInstance(key="nosuchstack"))]), "modify")
    with pytest.raises(vmodl.fault.InvalidArgument):
        ns.UpdateNetworkConfig(vim.host.NetworkConfig(netStackSpec=[vim.host.NetworkConfig.NetStackSpec(
            operation="edit", netStackInstance=vim.host.NetStackInstance(
                key="vmotion", ipRouteConfig=vim.host.IpRouteConfig(defaultGateway="bogus")))]), "modify")


def test_select_and_deselect_vnic(esx):
    manager = esx.configManager.virtualNicManager
    manager.SelectVnicForNicType("vmotion", "vmk0")
    selected = set(manager.QueryNetConfig("vmotion").selectedVnic)
    assert selected == {"vmotion.key-vim.host.VirtualNic-vmk0", "vmotion.key-vim.host.VirtualNic-vmk1"}
    manager.DeselectVnicForNicType("vmotion", "vmk1")
    assert list(manager.QueryNetConfig("vmotion").selectedVnic) == ["vmotion.key-vim.host.VirtualNic-vmk0"]
    info = {c.nicType: c for c in esx.config.virtualNicManagerInfo.netConfig}
    assert list(info["vmotion"].selectedVnic) == ["vmotion.key-vim.host.VirtualNic-vmk0"]
    candidates = {c.device: c.key for c in manager.QueryNetConfig("vmotion").candidateVnic}
    assert candidates == {"vmk0": "vmotion.key-vim.host.VirtualNic-vmk0", "vmk1": "vmotion.key-vim.host.VirtualNic-vmk1"}
    with pytest.raises(vim.fault.NotFound):
        manager.SelectVnicForNicType("vmotion", "vmk9")
    with pytest.raises(vmodl.fault.InvalidArgument):
        manager.QueryNetConfig("teleport")
