"""The form of a migration request (migration_request's checks, the first task of preflight.yml and migrate.yml),
table-tested without a device: the names as a survey or -e sends them, and every wrong answer's message."""
from __future__ import annotations

import pytest

from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError
from ansible_collections.longdistance.vmotion.plugins.module_utils._migration.request import (check_form, unknown_vms,
                                                                                               vcenter_options, vm_names)

SITES = {"primary": {"vcenter": "vcenter-primary"}, "secondary": {"vcenter": "vcenter-secondary"}}


@pytest.mark.parametrize("vm, vms, names", [
    ("web-01", None, ["web-01"]),
    (" web-01 ", None, ["web-01"]),
    (None, "web-01\nweb-02", ["web-01", "web-02"]),           # survey textarea, one per line
    (None, "web-01, web-02,,", ["web-01", "web-02"]),        # survey text, commas
    (None, "web-01\r\nweb-02\n", ["web-01", "web-02"]),      # Windows line ends
    (None, ["web-01", " web-02"], ["web-01", "web-02"]),      # -e JSON list, or a multi-select answer
    (None, None, []),
    ("  ", None, []),
])
def test_names_arrive_as_a_survey_or_the_command_line_sends_them(vm, vms, names):
    assert vm_names(vm, vms) == names


@pytest.mark.parametrize("vm, vms, message", [
    ("web-01", "web-02", "give either vm or vms, not both"),
    (None, [1, 2], "vms must be a list of VM names or text"),
    (None, {"web-01": 1}, "vms must be a list of VM names or text"),
])
def test_names_that_cannot_be_read_are_refused(vm, vms, message):
    with pytest.raises(ValidationError, match=message):
        vm_names(vm, vms)


@pytest.mark.parametrize("names, from_site, to_site, message", [
    ([], "primary", "secondary", 'no VM given (survey "VMs to migrate"'),
    (["web-01", "web-01"], "primary", "secondary", "a VM is named more than once (web-01, web-01)"),
    (["web-01"], None, "secondary", 'From site "" is not a site of the inventory (primary, secondary)'),
    (["web-01"], "paris", "secondary", 'From site "paris" is not a site of the inventory'),
    (["web-01"], "primary", "london", 'To site "london" is not a site of the inventory'),
    (["web-01"], "secondary", "secondary", 'From site and To site are both "secondary"'),
])
def test_every_wrong_answer_names_itself(names, from_site, to_site, message):
    with pytest.raises(ValidationError) as caught:
        check_form(names, from_site, to_site, SITES)
    assert caught.value.msg.startswith("Invalid migration request: ") and message in caught.value.msg


def test_a_right_request_passes():
    assert check_form(["web-01", "web-02"], "primary", "secondary", SITES) is None


def test_the_vcenter_comes_from_the_option_else_from_the_sites_inventory_host():
    hostvars = {"vcenter-primary": {"longdistance_vsphere_connection": {"hostname": "vc1", "port": 443}}, "vcenter-secondary": {}}
    var = "longdistance_vsphere_connection"
    assert vcenter_options(None, SITES, "primary", var, hostvars) == {"hostname": "vc1", "port": 443}
    # the host has no such variable: the environment alone (VMWARE_HOST ...) then
    assert vcenter_options(None, SITES, "secondary", var, hostvars) == {}
    assert vcenter_options({"hostname": "given"}, SITES, "primary", var, hostvars) == {"hostname": "given"}
    assert vcenter_options(None, {"primary": None}, "primary", var, hostvars) == {}


def test_every_vm_found_nowhere_is_named_once():
    located = {"web-01": "primary", "web-02": "secondary"}
    assert unknown_vms(["web-01", "web-02"], located, "vc1", one_vcenter=True) is None
    error = unknown_vms(["web-01", "web-99", "db-7"], located, "vc1 (primary) nor on vc2 (secondary)", one_vcenter=False)
    assert error.msg.startswith("Invalid migration request: VMs web-99, db-7 found neither on vc1 (primary) nor on vc2 (secondary).")
    assert "web-01" not in error.msg and "nothing was checked or moved" in error.msg
    assert unknown_vms(["web-99"], {}, "vc1", one_vcenter=True).msg.startswith("Invalid migration request: VM web-99 not found on vc1.")
