"""Per-host advanced options with ESXi's strict typing (Migrate.BindToVmknics is a LongOption)."""
from __future__ import annotations

import pytest
from pyVmomi import VmomiSupport, vim, vmodl

from tests.simulators.vcenter import lookup
from tests.simulators.vcenter.harness import SimulatorError

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


def test_removed_option_is_missing_on_that_host_only_until_reset(vcenter_sim):
    assert vcenter_sim.remove_host_option("esx-p1.lab.local", "Migrate.BindToVmknics") == {
        "host": "esx-p1.lab.local", "removed": "Migrate.BindToVmknics"}
    manager = options(vcenter_sim)
    assert "Migrate.BindToVmknics" not in [o.key for o in manager.supportedOption]
    assert [o.key for o in manager.setting if o.key.startswith("Migrate.")] == ["Migrate.Enabled"]
    with pytest.raises(vim.fault.InvalidName) as err:
        manager.QueryOptions("Migrate.BindToVmknics")
    assert "esx-p1.lab.local" in err.value.msg
    with pytest.raises(vim.fault.InvalidName):
        manager.UpdateOptions(changedValue=[vim.option.OptionValue(key="Migrate.BindToVmknics", value=LONG(1))])
    assert [o.key for o in manager.QueryOptions("Migrate.")] == ["Migrate.Enabled"]
    assert options(vcenter_sim, "esx-p2.lab.local").QueryOptions("Migrate.BindToVmknics")[0].value == 0
    dump = {h["name"]: sorted(h["options"]) for h in vcenter_sim.state()["hosts"]}
    assert "Migrate.BindToVmknics" not in dump["esx-p1.lab.local"] and "Migrate.BindToVmknics" in dump["esx-p2.lab.local"]

    vcenter_sim.reset()
    assert options(vcenter_sim).QueryOptions("Migrate.BindToVmknics")[0].value == 0


@pytest.mark.parametrize("host,key,status,words", [
    ("esx-x9.lab.local", "Migrate.BindToVmknics", 404, ("no host", "esx-x9.lab.local")),
    ("esx-p1.lab.local", "Migrate.NoSuchThing", 404, ("host esx-p1.lab.local has no option", "Migrate.NoSuchThing")),
    ("esx-p1.lab.local", "", 400, ("the body must be",)),
])
def test_remove_option_errors(vcenter_sim, host, key, status, words):
    with pytest.raises(SimulatorError) as err:
        vcenter_sim.remove_host_option(host, key)
    assert f"-> {status}:" in str(err.value) and all(word in str(err.value) for word in words)
    assert len(options(vcenter_sim).QueryOptions("")) == 3
