"""Lookups by name and MoID against the vCenter simulator: found, missing, ambiguous, scoped."""
from __future__ import annotations

import pytest
from pyVim.task import WaitForTask
from pyVmomi import vim

from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere import lookup
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere.session import Session

pytestmark = pytest.mark.vcenter_sim


@pytest.fixture
def session(vcenter_sim):
    with Session(dict(vcenter_sim.conn_args)) as opened:
        yield opened


@pytest.mark.parametrize("kind,name,vim_type", [
    ("datacenter", "Primary", vim.Datacenter), ("cluster", "Primary-Cluster", vim.ClusterComputeResource),
    ("host", "esx-p2.lab.local", vim.HostSystem), ("datastore", "primary-ds2", vim.Datastore), ("network", "VM Network", vim.Network),
    ("vm", "web-03", vim.VirtualMachine), ("folder", "vm", vim.Folder), ("resource_pool", "Resources", vim.ResourcePool),
])
def test_by_name_finds_each_kind(session, kind, name, vim_type):
    found = lookup.by_name(session, kind, name)
    assert isinstance(found, vim_type) and found.name == name
    assert lookup.by_moid(session, kind, found._moId)._moId == found._moId


def test_missing_name_and_moid_fail_clearly(session):
    with pytest.raises(ValidationError, match="^host 'esx-x9.lab.local' not found$"):
        lookup.by_name(session, "host", "esx-x9.lab.local")
    dc = lookup.by_name(session, "datacenter", "Primary")
    with pytest.raises(ValidationError, match="^datastore 'secondary-ds2' not found in Primary$"):
        lookup.by_name(session, "datastore", "secondary-ds2", dc)
    with pytest.raises(ValidationError, match="^VM with MoID 'vm-99999' not found on vCenter"):
        lookup.by_moid(session, "vm", "vm-99999")


def test_ambiguous_names_list_the_candidates_and_scope_resolves_them(session, vcenter_sim):
    root_vm_folder = lookup.by_name(session, "folder", "vm")
    first = root_vm_folder.CreateFolder("apps")
    second = root_vm_folder.CreateFolder("archive").CreateFolder("apps")
    with pytest.raises(ValidationError) as caught:
        lookup.by_name(session, "folder", "apps")
    assert "folder name 'apps' is ambiguous: 2 objects" in caught.value.msg
    assert sorted(caught.value.details["candidates"]) == sorted([first._moId, second._moId])
    archive = lookup.by_name(session, "folder", "archive")
    assert lookup.by_name(session, "folder", "apps", archive)._moId == second._moId


def test_vm_by_bios_uuid_instance_uuid_and_duplicate_names(session):
    web = lookup.by_name(session, "vm", "web-01")
    assert lookup.find_vm(session, uuid=web.config.uuid.upper())._moId == web._moId
    assert lookup.find_vm(session, uuid=web.config.instanceUuid, use_instance_uuid=True)._moId == web._moId
    with pytest.raises(ValidationError, match="^VM '00000000-0000-0000-0000-000000000000' not found$"):
        lookup.find_vm(session, uuid="00000000-0000-0000-0000-000000000000")
    folder = lookup.by_name(session, "folder", "vm").CreateFolder("copies")
    pool = lookup.by_name(session, "resource_pool", "Resources")
    spec = vim.vm.ConfigSpec(name="web-01", memoryMB=128, numCPUs=1, guestId="otherGuest64", files=vim.vm.FileInfo(vmPathName="[primary-ds1]"))
    WaitForTask(folder.CreateVM_Task(config=spec, pool=pool))
    with pytest.raises(ValidationError, match="VM name 'web-01' is ambiguous: 2 objects"):
        lookup.find_vm(session, name="web-01")


def test_datacenter_of_and_properties(session):
    host = lookup.by_name(session, "host", "esx-p1.lab.local")
    assert lookup.datacenter_of(host).name == "Primary"
    props = lookup.properties(session, host, ["name", "runtime.connectionState"])
    assert props == {"name": "esx-p1.lab.local", "runtime.connectionState": "connected"}
