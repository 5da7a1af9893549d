"""Advanced-option typing: the value sent is typed from the host's OptionDef (LongOption -> xsd:long, ...)."""
from __future__ import annotations

import pytest
from pyVmomi import SoapAdapter, VmomiSupport, vim

from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere.netconfig import option_flag, typed_option_value


def definition(option_type, key="Migrate.BindToVmknics"):
    return vim.option.OptionDef(key=key, label=key, summary=key, optionType=option_type)


def wire(value):
    """The SOAP body of an OptionValue carrying ``value``."""
    return SoapAdapter.Serialize(vim.option.OptionValue(key="Migrate.BindToVmknics", value=value)).decode()


@pytest.mark.parametrize("option_type,flag,vmodl_name,xsd", [
    (vim.option.LongOption(min=0, max=1, defaultValue=0, valueIsReadonly=False), True, "long", 'xsi:type="xsd:long">1<'),
    (vim.option.LongOption(min=0, max=1, defaultValue=0, valueIsReadonly=False), False, "long", 'xsi:type="xsd:long">0<'),
    (vim.option.IntOption(min=0, max=1, defaultValue=0, valueIsReadonly=False), True, "int", 'xsi:type="xsd:int">1<'),
    (vim.option.BoolOption(supported=True, defaultValue=False, valueIsReadonly=False), True, "boolean", 'xsi:type="xsd:boolean">true<'),
    (vim.option.StringOption(defaultValue="0", valueIsReadonly=False), True, "string", 'xsi:type="xsd:string">1<'),
])
def test_value_is_typed_from_the_definition(option_type, flag, vmodl_name, xsd):
    value = typed_option_value(definition(option_type), flag)
    assert value.__class__ is VmomiSupport.vmodlTypes[vmodl_name]  # exact type: long is an int subclass
    assert xsd in wire(value)


def test_plain_int_would_be_sent_as_xsd_int():
    # the pitfall the typing exists for: ESXi rejects xsd:int for LongOption keys
    assert 'xsi:type="xsd:int"' in wire(1)
    long_value = typed_option_value(definition(vim.option.LongOption(min=0, max=1, defaultValue=0, valueIsReadonly=False)), True)
    assert 'xsi:type="xsd:int"' not in wire(long_value)


def test_unsupported_option_type_fails_naming_the_option():
    floating = vim.option.FloatOption(min=0.0, max=1.0, defaultValue=0.0, valueIsReadonly=False)
    assert typed_option_value(definition(floating), True).__class__ is VmomiSupport.vmodlTypes["float"]
    with pytest.raises(ValidationError, match="option Migrate.BindToVmknics has type OptionType"):
        typed_option_value(definition(vim.option.OptionType(valueIsReadonly=False)), True)


@pytest.mark.parametrize("raw,expected", [(0, False), (1, True), (VmomiSupport.vmodlTypes["long"](1), True), ("0", False), ("1", True),
                                          ("false", False), (None, False), (True, True)])
def test_option_flag(raw, expected):
    assert option_flag(raw) is expected
