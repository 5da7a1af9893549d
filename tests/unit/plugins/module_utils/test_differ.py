"""The field-table differ: comparison modes, normalisers, create-only fields, masking, diffs."""
from __future__ import annotations

import pytest

from ansible_collections.longdistance.vmotion.plugins.module_utils import _differ as d
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import names
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError

FIELDS = [
    d.Field("parent", "defaultsFrom", normalize=names.full_path, create_only=True),
    d.Field("deduplication", "deduplication", **names.flag()),
    d.Field("codecs", "compressionCodecs", compare="set"),
    d.Field("services", "allowService", compare="subset"),
    d.Field("tags", "metadata", compare="dict_subset"),
    d.Field("level", "deflateCompressionLevel"),
    d.Field("secret", "passphrase", secret=True),
    names.enabled_pair(),
]
DEVICE = {"defaultsFrom": "/Common/isession", "deduplication": "enabled", "compressionCodecs": ["deflate", "lzo"],
          "allowService": ["tcp:443", "udp:53"], "metadata": {"a": "1", "b": "2"}, "deflateCompressionLevel": 1,
          "passphrase": "old", "disabled": True}


def params(**kwargs):
    base = {f.option: None for f in FIELDS}
    base.update(kwargs)
    return base


@pytest.mark.parametrize("option,value", [
    ("parent", "isession"), ("parent", "/Common/isession"), ("deduplication", True), ("codecs", ["lzo", "deflate"]),
    ("services", ["udp:53"]), ("tags", {"a": "1"}), ("level", 1), ("enabled", False),
])
def test_equal_values_are_not_changes(option, value):
    result = d.compare(FIELDS, params(**{option: value}), DEVICE)
    assert not result.changed and result.payload == {}


@pytest.mark.parametrize("option,value,payload", [
    ("deduplication", False, {"deduplication": "disabled"}),
    ("codecs", ["deflate"], {"compressionCodecs": ["deflate"]}),
    ("services", ["tcp:22"], {"allowService": ["tcp:22"]}),
    ("tags", {"a": "2"}, {"metadata": {"a": "2"}}),
    ("level", 9, {"deflateCompressionLevel": 9}),
    ("enabled", True, {"enabled": True}),
])
def test_changes_become_the_patch_payload(option, value, payload):
    result = d.compare(FIELDS, params(**{option: value}), DEVICE)
    assert result.changed_options == [option] and result.payload == payload


def test_none_means_leave_it_alone():
    result = d.compare(FIELDS, params(), DEVICE)
    assert result.desired == {} and result.before == {} and result.after == {} and not result.changed


def test_create_sends_every_desired_option():
    result = d.compare(FIELDS, params(parent="isession", deduplication=False, enabled=True), None)
    assert result.payload == {"defaultsFrom": "/Common/isession", "deduplication": "disabled", "enabled": True}
    assert result.before == {} and result.after == {"parent": "/Common/isession", "deduplication": False, "enabled": True}


def test_create_only_change_is_refused_with_the_object_name():
    with pytest.raises(ValidationError) as err:
        d.compare(FIELDS, params(parent="isession-encrypt"), DEVICE, what="iSession profile /Common/x")
    assert "iSession profile /Common/x" in err.value.msg and "/Common/isession-encrypt" in err.value.msg


def test_diff_covers_managed_options_only_and_masks_secrets():
    result = d.compare(FIELDS, params(deduplication=False, secret="new"), DEVICE)
    assert result.diff() == {"before": {"deduplication": True, "secret": d.MASK}, "after": {"deduplication": False, "secret": d.MASK}}
    assert result.payload == {"deduplication": "disabled", "passphrase": "new"}


def test_absent_api_keys_read_as_none():
    assert d.current_values([d.Field("services", "allowService")], {"name": "x"}) == {"services": None}


def test_unknown_mode_is_a_programming_error():
    with pytest.raises(ValueError):
        d.Field("x", compare="fuzzy").equal(1, 1)
