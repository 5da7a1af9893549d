"""Per-host advanced options with ESXi's strict typing (Migrate.BindToVmknics is a LongOption)."""
from __future__ import annotations

import pytest
from pyVmomi import VmomiSupport, vim, vmodl

from tests.simulators.vcenter import lookup

pytestmark = pytest.mark.vcenter_sim

LONG = VmomiSupport.vmodlTypes["long"]
INT = VmomiSupport.vmodlTypes["int"]


def options(vcenter_sim, host="esx-p1.lab.local"):
    return lookup.host(vcenter_sim.connect(), host).configManager.advancedOption


def test_supported_option_types(vcenter_sim):
    supported = {o.key: o.optionType for o in options(vcenter_sim).supportedOption}
    for key, default in (("Migrate.BindToVmknics", 0), ("Migrate.Enabled", 1)):
        assert isinstance(supported[key], vim.option.LongOption), key
        assert (supported[key].min, supported[key].max, supported[key].defaultValue) == (0, 1, default)


def test_long_value_accepted_and_per_host(vcenter_sim):
    manager = options(vcenter_sim)
    manager.UpdateOptions(changedValue=[vim.option.OptionValue(key="Migrate.BindToVmknics", value=LONG(1))])
    value = manager.QueryOptions("Migrate.BindToVmknics")[0].value
    assert value == 1 and isinstance(value, LONG)
    assert options(vcenter_sim, "esx-p2.lab.local").QueryOptions("Migrate.BindToVmknics")[0].value == 0
    dump = {h["name"]: h["options"]["Migrate.BindToVmknics"] for h in vcenter_sim.state()["hosts"]}
    assert dump == {"esx-p1.lab.local": 1, "esx-p2.lab.local": 0}


@pytest.mark.parametrize("value", [1, INT(1), "1", True], ids=["python-int", "xsd-int", "string", "bool"])
def test_wrong_type_is_invalid_argument(vcenter_sim, value):
    manager = options(vcenter_sim)
    with pytest.raises(vmodl.fault.InvalidArgument) as err:
        manager.UpdateOptions(changedValue=[vim.option.OptionValue(key="Migrate.BindToVmknics", value=value)])
    assert "LongOption" in err.value.msg and "esx-p1.lab.local" in err.value.msg
    assert manager.QueryOptions("Migrate.BindToVmknics")[0].value == 0


def test_out_of_range_and_unknown_key(vcenter_sim):
    manager = options(vcenter_sim)
    with pytest.raises(vmodl.fault.InvalidArgument) as err:
        manager.UpdateOptions(changedValue=[vim.option.OptionValue(key="Migrate.Enabled", value=LONG(2))])
    assert "out of range" in err.value.msg
    with pytest.raises(vim.fault.InvalidName):
        manager.UpdateOptions(changedValue=[vim.option.OptionValue(key="Migrate.NoSuchThing", value=LONG(1))])
    with pytest.raises(vim.fault.InvalidName):
        manager.QueryOptions("Migrate.NoSuchThing")


def test_query_subtree_and_all(vcenter_sim):
    manager = options(vcenter_sim)
    assert sorted(o.key for o in manager.QueryOptions("Migrate.")) == ["Migrate.BindToVmknics", "Migrate.Enabled"]
    assert len(manager.QueryOptions("")) == 3
    assert [o.key for o in manager.setting if o.key.startswith("Migrate.")] == ["Migrate.BindToVmknics", "Migrate.Enabled"]
