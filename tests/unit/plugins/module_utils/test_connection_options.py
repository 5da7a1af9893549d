"""Each connection doc fragment documents exactly the options of its argument spec (names, types, defaults)."""
from __future__ import annotations

import importlib

import pytest
import yaml

CASES = [
    ("bigip", "ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.client", "ARGUMENT_SPEC"),
    ("vsphere", "ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere.session", "ARGUMENT_SPEC"),
]


@pytest.mark.parametrize("fragment,module,attr", CASES)
def test_fragment_matches_argument_spec(fragment, module, attr):
    doc = yaml.safe_load(importlib.import_module(
        "ansible_collections.longdistance.vmotion.plugins.doc_fragments.%s" % fragment).ModuleDocFragment.DOCUMENTATION)
    spec = getattr(importlib.import_module(module), attr)
    assert set(doc["options"]) == set(spec)
    for name, option in doc["options"].items():
        assert option.get("type", "str") == spec[name].get("type", "str"), name
        assert option.get("default") == spec[name].get("default"), name
        assert bool(option.get("required")) == bool(spec[name].get("required")), name


def test_passwords_are_never_logged():
    from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.client import ARGUMENT_SPEC
    assert ARGUMENT_SPEC["password"]["no_log"] is True
