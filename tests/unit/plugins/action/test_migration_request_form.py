"""migration_request's checks of form (the first task of preflight.yml and migrate.yml), table-tested without a
device: the names as a survey or -e sends them, and every wrong answer's message."""
from __future__ import annotations

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.longdistance.vmotion.plugins.action.migration_request import ActionModule, check_form, vm_names

SITES = {"primary": {"vcenter": "vcenter-primary"}, "secondary": {"vcenter": "vcenter-secondary"}}


@pytest.mark.parametrize("vm, vms, names", [
    ("web-01", None, ["web-01"]),
    (" web-01 ", None, ["web-01"]),
    (None, "web-01\nweb-02", ["web-01", "web-02"]),           # survey textarea, one per line
    (None, "web-01, web-02,,", ["web-01", "web-02"]),        # survey text, commas
    (None, "web-01\r\nweb-02\n", ["web-01", "web-02"]),         # Windows line ends
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
    with pytest.raises(AnsibleActionFail, match=message):
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
    with pytest.raises(AnsibleActionFail) as caught:
        check_form(names, from_site, to_site, SITES)
    assert str(caught.value.message).startswith("Invalid migration request: ") and message in caught.value.message


def test_a_right_request_passes():
    assert check_form(["web-01", "web-02"], "primary", "secondary", SITES) is None


def test_the_vcenter_comes_from_the_option_else_from_the_sites_inventory_host():
    hostvars = {"vcenter-primary": {"longdistance_vsphere_connection": {"hostname": "vc1", "port": 443}}, "vcenter-secondary": {}}
    args = dict(sites=SITES, vcenter=None, destination_vcenter=None, connection_var="longdistance_vsphere_connection")
    task_vars = {"hostvars": hostvars}
    assert ActionModule._vcenter(args, "vcenter", "primary", task_vars) == {"hostname": "vc1", "port": 443}
    # the host has no such variable: the environment alone (VMWARE_HOST ...) then
    assert ActionModule._vcenter(args, "destination_vcenter", "secondary", task_vars) == {}
    assert ActionModule._vcenter(dict(args, vcenter={"hostname": "given"}), "vcenter", "primary", task_vars) == {"hostname": "given"}
    assert ActionModule._vcenter(dict(args, sites={"primary": None}), "vcenter", "primary", task_vars) == {}
