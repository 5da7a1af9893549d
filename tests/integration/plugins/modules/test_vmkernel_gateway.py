"""vmkernel_gateway against the vCenter simulator (primary site: esx-p1/esx-p2, vmk1 on port group vMotion, 10.133.57.0/24)."""
from __future__ import annotations

import pytest
from ansible.module_utils.common import warnings
from pyVmomi import vim

from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere import netconfig
from tests.conftest import run_module

pytestmark = pytest.mark.vcenter_sim

GW = "10.133.57.236"
HOSTS = ("esx-p1.lab.local", "esx-p2.lab.local")


def hosts(sim):
    return {h["name"]: h for h in sim.state()["hosts"]}


def vmk(host, device="vmk1"):
    return next(v for v in host["vnics"] if v["device"] == device)


def args(sim, **kwargs):
    return dict(sim.conn_args, **kwargs)


def writes(sim):
    """(method, type) of every SOAP write call since the last clear, failed ones marked with a trailing "!"."""
    return [(c["method"] + ("!" if c["fault"] else ""), c["type"]) for c in sim.write_calls()]


def test_sets_gateway_and_bind_on_every_cluster_host_then_is_idempotent(vcenter_sim):
    before = hosts(vcenter_sim)
    vcenter_sim.clear_calls()
    result = run_module("vmkernel_gateway", args(vcenter_sim, cluster_name="Primary-Cluster", gateway=GW, bind_to_vmknics=True), diff=True)
    assert result["changed"] is True, result
    # exactly one vmknic update and one option update per host, each on a different host's manager
    calls = vcenter_sim.write_calls()
    assert sorted(writes(vcenter_sim)) == [("UpdateOptions", "OptionManager")] * 2 + [("UpdateVirtualNic", "HostNetworkSystem")] * 2
    assert len({c["moid"] for c in calls}) == 4
    assert set(result["hosts"]) == set(HOSTS)
    for name in HOSTS:
        facts = result["hosts"][name]
        assert facts == dict(device="vmk1", netstack="defaultTcpipStack", mode="vmknic", gateway_before=None, gateway_after=GW,
                             bind_to_vmknics_before=False, bind_to_vmknics_after=True, changed=True)
        assert result["diff"]["before"][name] == dict(gateway=None, bind_to_vmknics=False)
        assert result["diff"]["after"][name] == dict(gateway=GW, bind_to_vmknics=True)
    after = hosts(vcenter_sim)
    for name in HOSTS:
        assert vmk(after[name])["gateway_override"] == GW
        assert after[name]["options"]["Migrate.BindToVmknics"] == 1
        assert after[name]["routed_via_gateway"] is True
        # the management (default stack) gateway is untouched, vmk0 gets no override
        assert after[name]["stack_gateways"] == before[name]["stack_gateways"]
        assert vmk(after[name], "vmk0")["gateway_override"] == ""

    vcenter_sim.clear_calls()
    again = run_module("vmkernel_gateway", args(vcenter_sim, cluster_name="Primary-Cluster", gateway=GW, bind_to_vmknics=True))
    assert again["changed"] is False
    assert vcenter_sim.write_calls() == []
    assert all(not facts["changed"] and facts["gateway_before"] == GW for facts in again["hosts"].values())


def test_check_mode_predicts_and_changes_nothing(vcenter_sim):
    before = hosts(vcenter_sim)
    result = run_module("vmkernel_gateway", args(vcenter_sim, esxi_hostname="esx-p1.lab.local", gateway=GW, bind_to_vmknics=True),
                        check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["hosts"]["esx-p1.lab.local"]["gateway_after"] == GW
    assert result["diff"]["after"]["esx-p1.lab.local"] == dict(gateway=GW, bind_to_vmknics=True)
    assert hosts(vcenter_sim) == before
    assert vcenter_sim.write_calls() == [], "check mode sends no write call at all"


def test_absent_removes_only_the_override_and_leaves_bind_alone(vcenter_sim):
    run_module("vmkernel_gateway", args(vcenter_sim, esxi_hostname="esx-p2.lab.local", gateway=GW, bind_to_vmknics=True))
    vcenter_sim.clear_calls()
    result = run_module("vmkernel_gateway", args(vcenter_sim, esxi_hostname="esx-p2.lab.local", state="absent"))
    assert writes(vcenter_sim) == [("UpdateVirtualNic", "HostNetworkSystem")]
    facts = result["hosts"]["esx-p2.lab.local"]
    assert result["changed"] is True and facts["gateway_before"] == GW and facts["gateway_after"] is None
    assert facts["bind_to_vmknics_before"] is True and facts["bind_to_vmknics_after"] is True
    host = hosts(vcenter_sim)["esx-p2.lab.local"]
    assert vmk(host)["gateway_override"] == "" and host["options"]["Migrate.BindToVmknics"] == 1
    assert run_module("vmkernel_gateway", args(vcenter_sim, esxi_hostname="esx-p2.lab.local", state="absent"))["changed"] is False


def test_bind_to_vmknics_false_is_sent_as_a_long(vcenter_sim):
    run_module("vmkernel_gateway", args(vcenter_sim, esxi_hostname="esx-p1.lab.local", bind_to_vmknics=True))
    vcenter_sim.clear_calls()
    result = run_module("vmkernel_gateway", args(vcenter_sim, esxi_hostname="esx-p1.lab.local", bind_to_vmknics=False))
    assert writes(vcenter_sim) == [("UpdateOptions", "OptionManager")]
    assert result["changed"] is True and result["hosts"]["esx-p1.lab.local"]["gateway_after"] is None
    assert hosts(vcenter_sim)["esx-p1.lab.local"]["options"]["Migrate.BindToVmknics"] == 0


def _add_vmotion_stack_vmknic(sim):
    si = sim.connect()
    content = si.RetrieveContent()
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.HostSystem], True)
    host = next(h for h in view.view if h.name == "esx-p1.lab.local")
    view.DestroyView()
    netsys = host.configManager.networkSystem
    netsys.AddPortGroup(vim.host.PortGroup.Specification(name="vMotion-stack", vlanId=0, vswitchName="vSwitch0", policy=vim.host.NetworkPolicy()))
    ip = vim.host.IpConfig(dhcp=False, ipAddress="10.133.59.11", subnetMask="255.255.255.0")
    return netsys.AddVirtualNic("vMotion-stack", vim.host.VirtualNic.Specification(ip=ip, netStackInstanceKey="vmotion"))


def test_vmknic_on_the_vmotion_stack_gets_the_stack_gateway(vcenter_sim):
    device = _add_vmotion_stack_vmknic(vcenter_sim)
    before = hosts(vcenter_sim)["esx-p1.lab.local"]
    vcenter_sim.clear_calls()
    result = run_module("vmkernel_gateway", args(vcenter_sim, esxi_hostname="esx-p1.lab.local", device=device, gateway="10.133.59.236"))
    assert writes(vcenter_sim) == [("UpdateNetworkConfig", "HostNetworkSystem")]
    facts = result["hosts"]["esx-p1.lab.local"]
    assert result["changed"] is True and facts["mode"] == "netstack" and facts["netstack"] == "vmotion" and facts["device"] == device
    after = hosts(vcenter_sim)["esx-p1.lab.local"]
    assert after["stack_gateways"]["vmotion"] == "10.133.59.236"
    assert after["stack_gateways"]["defaultTcpipStack"] == before["stack_gateways"]["defaultTcpipStack"]
    assert vmk(after, device)["gateway_override"] == ""
    removed = run_module("vmkernel_gateway", args(vcenter_sim, esxi_hostname="esx-p1.lab.local", device=device, state="absent"))
    assert removed["changed"] is True and hosts(vcenter_sim)["esx-p1.lab.local"]["stack_gateways"]["vmotion"] == ""


def test_netstack_mode_never_touches_the_default_stack(vcenter_sim):
    before = hosts(vcenter_sim)
    vcenter_sim.clear_calls()
    result = run_module("vmkernel_gateway", args(vcenter_sim, cluster_name="Primary-Cluster", gateway=GW, mode="netstack"))
    assert result["failed"] is True
    assert vcenter_sim.write_calls() == []
    assert "vmk1 on host esx-p1.lab.local is on the default TCP/IP stack" in result["msg"] and result["error_type"] == "ValidationError"
    assert hosts(vcenter_sim) == before


def test_gateway_outside_the_vmknic_subnet_fails_before_any_write(vcenter_sim):
    vcenter_sim.clear_calls()
    result = run_module("vmkernel_gateway", args(vcenter_sim, esxi_hostname="esx-p1.lab.local", gateway="10.99.0.1"))
    assert writes(vcenter_sim) == [], "refused here, not by the host"
    assert result["failed"] is True and result["error_type"] == "ValidationError"
    assert "gateway '10.99.0.1' is outside the subnet 10.133.57.0/24 of vmknic vmk1 on host esx-p1.lab.local" in result["msg"]
    assert vmk(hosts(vcenter_sim)["esx-p1.lab.local"])["gateway_override"] == ""


@pytest.mark.parametrize("extra,message", [
    (dict(esxi_hostname="esx-x9.lab.local", gateway=GW), "host 'esx-x9.lab.local' not found"),
    (dict(cluster_name="Primary-Cluster", datacenter="Nowhere", gateway=GW), "datacenter 'Nowhere' not found"),
    (dict(esxi_hostname="esx-p1.lab.local", device="vmk7", gateway=GW), "host esx-p1.lab.local has no vmknic vmk7 (has vmk0, vmk1)"),
    (dict(esxi_hostname="esx-p1.lab.local", gateway="10.133.57.300"), "gateway '10.133.57.300' is not an IPv4 address"),
])
def test_input_errors_fail_before_any_write(vcenter_sim, extra, message):
    before = hosts(vcenter_sim)
    vcenter_sim.clear_calls()
    result = run_module("vmkernel_gateway", args(vcenter_sim, **extra))
    assert result["failed"] is True and result["msg"] == message
    assert hosts(vcenter_sim) == before
    assert vcenter_sim.write_calls() == []


def test_hosts_are_all_checked_before_the_first_write(vcenter_sim):
    """esx-p2 loses its vMotion selection: the cluster run must fail without touching esx-p1."""
    si = vcenter_sim.connect()
    content = si.RetrieveContent()
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.HostSystem], True)
    p2 = next(h for h in view.view if h.name == "esx-p2.lab.local")
    view.DestroyView()
    p2.configManager.virtualNicManager.DeselectVnicForNicType("vmotion", "vmk1")
    before = hosts(vcenter_sim)
    vcenter_sim.clear_calls()
    result = run_module("vmkernel_gateway", args(vcenter_sim, cluster_name="Primary-Cluster", gateway=GW))
    assert result["failed"] is True and "host esx-p2.lab.local has no vmknic selected for vMotion" in result["msg"]
    assert hosts(vcenter_sim) == before
    assert vcenter_sim.write_calls() == []


def test_host_lacking_the_option_fails_or_warns(vcenter_sim):
    """esx-p1 is made to lack Migrate.BindToVmknics (as on an ESXi build without it); esx-p2 keeps it."""
    vcenter_sim.remove_host_option("esx-p1.lab.local", netconfig.BIND_OPTION)
    before = hosts(vcenter_sim)
    assert netconfig.BIND_OPTION not in before["esx-p1.lab.local"]["options"]
    vcenter_sim.clear_calls()
    failed = run_module("vmkernel_gateway", args(vcenter_sim, cluster_name="Primary-Cluster", gateway=GW, bind_to_vmknics=True))
    assert failed["failed"] is True
    assert failed["msg"] == "host esx-p1.lab.local has no advanced option Migrate.BindToVmknics; set missing_option=warn to skip it"
    assert hosts(vcenter_sim) == before
    assert vcenter_sim.write_calls() == [], "no host is written, not even esx-p2, which has the option"
    warned = run_module("vmkernel_gateway", args(vcenter_sim, cluster_name="Primary-Cluster", gateway=GW, bind_to_vmknics=True,
                                                 missing_option="warn"))
    assert warned["changed"] is True
    assert any("host esx-p1.lab.local has no advanced option Migrate.BindToVmknics" in text for text in warnings.get_warning_messages())
    facts = warned["hosts"]["esx-p1.lab.local"]
    assert facts["bind_to_vmknics_before"] is None and facts["bind_to_vmknics_after"] is None and facts["gateway_after"] == GW
    assert warned["hosts"]["esx-p2.lab.local"]["bind_to_vmknics_after"] is True
    after = hosts(vcenter_sim)
    assert after["esx-p1.lab.local"]["options"] == before["esx-p1.lab.local"]["options"]
    assert after["esx-p2.lab.local"]["options"]["Migrate.BindToVmknics"] == 1
    assert sorted(writes(vcenter_sim)) == [("UpdateOptions", "OptionManager")] + [("UpdateVirtualNic", "HostNetworkSystem")] * 2
