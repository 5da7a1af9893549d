"""Bad input fails before any write, with a message naming the option.

Every row carries ``@pytest.mark.bad_input(module, option, value, message)`` and asserts zero
writes on the simulator; ``tests/faults/render_reliability.py`` renders them into
``docs/reliability.md``. ``message`` is the text the module's failure message contains.
"""
from __future__ import annotations

import pytest

from tests.conftest import run_module
from tests.faults.test_bigip_fault_matrix import WIDE_IP, build_gtm

INF, NAN = float("inf"), float("nan")


def bad(module, option, value, message, args, setup=None):
    return pytest.param(module, args, message, setup,
                        marks=pytest.mark.bad_input(module=module, option=option, value=value, message=message),
                        id="%s-%s-%s" % (module, option, value))


BIGIP_ROWS = [
    bad("bigip_vlan", "name", "''", "name: must not be empty", {"name": ""}),
    bad("bigip_vlan", "interfaces[].name", "' '", "interfaces[0].name: must not be empty", {"name": "v", "interfaces": [{"name": " "}]}),
    bad("bigip_selfip", "vlan", "''", "vlan: must not be empty", {"name": "s", "address": "10.1.1.1/24", "vlan": ""}),
    bad("bigip_gtm_pool", "name", "'  '", "name: must not be empty", {"name": "  "}),
    bad("bigip_ltm_pool", "members[].address", "''", "members[0].address: must not be empty",
        {"name": "p", "members": [{"address": "", "port": 80}]}),
    bad("bigip_ltm_virtual_rules", "rules", "['']", "rules: entries must not be empty", {"virtual": "vs", "rules": [""]}),
    bad("bigip_wom_routing", "addresses", "['']", "addresses: entries must not be empty", {"addresses": [""]}),
    bad("bigip_gtm_ratio", "wide_ip", "''", "wide_ip: must not be empty", {"wide_ip": "", "all_to": "Remote_pool"}),
    bad("bigip_gtm_ratio", "ratios", "4294967296", "ratios: GTM wide IP /Common/%s pool Local_pool: ratio must be a whole number of 0 "
        "or more (at most 4294967295)" % WIDE_IP, {"wide_ip": WIDE_IP, "ratios": {"Local_pool": 4294967296}}, build_gtm),
    bad("bigip_gtm_ratio", "ratios", ".inf", "ratios: GTM wide IP /Common/%s pool Local_pool: ratio must be a whole number" % WIDE_IP,
        {"wide_ip": WIDE_IP, "ratios": {"Local_pool": INF}}, build_gtm),
    bad("bigip_gtm_ratio", "ratios", ".nan", "ratios: GTM wide IP /Common/%s pool Remote_pool: ratio must be a whole number" % WIDE_IP,
        {"wide_ip": WIDE_IP, "ratios": {"Remote_pool": NAN}}, build_gtm),
    bad("bigip_gtm_ratio", "ratios", "'-inf'", "ratio must be a whole number", {"wide_ip": WIDE_IP, "ratios": {"Local_pool": "-inf"}}, build_gtm),
    bad("bigip_gtm_ratio", "member_ratios", "4294967296", "member_ratios: GTM wide IP /Common/%s GTM pool Remote_pool member "
        "Remote-BIG-IP:vmhttp_vs: ratio must be a whole number of 0 or more (at most 4294967295)" % WIDE_IP,
        {"wide_ip": WIDE_IP, "all_to": "Remote_pool", "member_ratios": {"Remote_pool": {"Remote-BIG-IP:vmhttp_vs": 4294967296}}}, build_gtm),
    bad("bigip_gtm_pool", "members[].ratio", "4294967296", "member Remote-BIG-IP:vmhttp_vs ratio must be 0 or more (at most 4294967295)",
        {"name": "Remote_pool", "members": [{"server": "Remote-BIG-IP", "virtual_server": "vmhttp_vs", "ratio": 4294967296}]}),
    bad("bigip_gtm_wide_ip", "pools[].ratio", "4294967296", "pools: pool /Common/Local_pool order and ratio must be 0 or more (at most 4294967295)",
        {"name": WIDE_IP, "pools": [{"name": "Local_pool", "ratio": 4294967296}]}),
]


@pytest.mark.bigip_sim
@pytest.mark.parametrize("module,args,message,setup", BIGIP_ROWS)
def test_bigip_bad_input_fails_before_any_write(bigip_sim, module, args, message, setup):
    if setup:
        setup(bigip_sim)
    before = len(bigip_sim.requests_log())
    result = run_module(module, dict(bigip_sim.conn_args, **args))
    assert result.get("failed") is True, result
    assert message in result["msg"], result["msg"]
    assert result["error_type"] == "ValidationError"
    writes = [e for e in bigip_sim.requests_log()[before:] if e["method"] != "GET" and e["path"].startswith("/mgmt/tm")]
    assert writes == []


VMK = "vmk1 on host esx-p1.lab.local"  # 10.133.57.11/24 in the vCenter simulator's primary site
VSPHERE_ROWS = [
    bad("vmkernel_gateway", "gateway", "10.99.0.1", "gateway '10.99.0.1' is outside the subnet 10.133.57.0/24 of vmknic " + VMK, {"gateway": "10.99.0.1"}),
    bad("vmkernel_gateway", "gateway", "10.133.57.11", "gateway '10.133.57.11' is the address of vmknic %s itself" % VMK, {"gateway": "10.133.57.11"}),
    bad("vmkernel_gateway", "gateway", "10.133.57.255", "gateway '10.133.57.255' is the broadcast address of the subnet 10.133.57.0/24 of vmknic " + VMK,
        {"gateway": "10.133.57.255"}),
    bad("vmkernel_gateway", "gateway", "10.133.57.0", "gateway '10.133.57.0' is the network address of the subnet 10.133.57.0/24", {"gateway": "10.133.57.0"}),
    bad("vmkernel_gateway", "esxi_hostname", "''", "esxi_hostname: must not be empty", {"esxi_hostname": "", "gateway": "10.133.57.236"}),
]


@pytest.mark.vcenter_sim
@pytest.mark.parametrize("module,args,message,setup", VSPHERE_ROWS)
def test_vsphere_bad_input_fails_before_any_write(vcenter_sim, module, args, message, setup):
    vcenter_sim.clear_calls()
    result = run_module(module, dict(vcenter_sim.conn_args, **dict({"esxi_hostname": "esx-p1.lab.local"}, **args)))
    assert result.get("failed") is True, result
    assert message in result["msg"], result["msg"]
    assert result["error_type"] == "ValidationError"
    assert vcenter_sim.write_calls() == []
