"""The source vCenter the way VMware users connect, through the real ``ansible`` / ``ansible-playbook``
commands against the vCenter simulator (primary site: esx-p1/esx-p2, vmk1 on 10.133.57.0/24):

* the standard environment only (``VMWARE_HOST``, ``VMWARE_USER``, ``VMWARE_PASSWORD``, ``VMWARE_PORT``,
  ``VMWARE_VALIDATE_CERTS``, ``VMWARE_CA_PATH``), no connection option in the task;
* the lab inventory's way: vCenter hosts whose account is read at run time (``.sims/endpoints.json``),
  no secret in the inventory, the roles' ``longdistance.vmotion.vsphere`` action group built from it.
"""
from __future__ import annotations

import json
import os

import pytest

from tests.conftest import REPO

from ansible_cli import run

pytestmark = [pytest.mark.vcenter_sim, pytest.mark.slow]

GW = "10.133.57.236"   # the primary BIG-IP's vMotion self IP (inventories/lab)


def vmware_env(sim, **overrides) -> dict:
    env = {"VMWARE_HOST": sim.hostname, "VMWARE_USER": sim.username, "VMWARE_PASSWORD": sim.password,
           "VMWARE_PORT": str(sim.port), "VMWARE_VALIDATE_CERTS": "true", "VMWARE_CA_PATH": sim.ca_path}
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def adhoc(tmp_path, module_args: str, *extra, **env):
    return run(["ansible", "localhost", "-c", "local", "-m", "longdistance.vmotion." + module_args.split()[0],
                "-a", " ".join(module_args.split()[1:]), *extra], tmp_path, **env)


def gateway_of(sim, host):
    state = next(h for h in sim.state()["hosts"] if h["name"] == host)
    return next(v for v in state["vnics"] if v["device"] == "vmk1").get("gateway_override")


def test_vm_migration_info_from_the_vmware_environment_only(vcenter_sim, tmp_path):
    done = adhoc(tmp_path, "vm_migration_info name=web-02", **vmware_env(vcenter_sim))
    assert done.rc == 0, done
    status, result = done.adhoc_results()["localhost"]
    assert status == "SUCCESS", done
    assert result["placement"]["vcenter"] == vcenter_sim.hostname
    assert result["placement"]["host"] in ("esx-p1.lab.local", "esx-p2.lab.local")
    assert vcenter_sim.password not in done.stdout


def test_vmware_validate_certs_and_port_are_read_from_the_environment(vcenter_sim, tmp_path):
    # No CA given: the simulator's private CA does not verify unless VMWARE_VALIDATE_CERTS=false is honoured.
    refused = adhoc(tmp_path, "vm_migration_info name=web-02", **vmware_env(vcenter_sim, VMWARE_CA_PATH=None))
    assert refused.rc != 0 and refused.adhoc_results()["localhost"][0] == "FAILED!", refused
    assert "certificate" in refused.stdout.lower(), refused
    unverified = adhoc(tmp_path, "vm_migration_info name=web-02", **vmware_env(vcenter_sim, VMWARE_CA_PATH=None, VMWARE_VALIDATE_CERTS="false"))
    assert unverified.rc == 0 and unverified.adhoc_results()["localhost"][0] == "SUCCESS", unverified
    # VMWARE_PORT: the wrong port is a connection failure naming it, so the port in the other runs came from the environment.
    wrong_port = adhoc(tmp_path, "vm_migration_info name=web-02", **vmware_env(vcenter_sim, VMWARE_PORT="1"))
    assert wrong_port.rc != 0 and wrong_port.adhoc_results()["localhost"][0] == "FAILED!", wrong_port


def test_vmkernel_gateway_check_mode_from_the_environment_writes_nothing(vcenter_sim, tmp_path):
    before = gateway_of(vcenter_sim, "esx-p1.lab.local")
    assert before != GW
    vcenter_sim.clear_calls()
    done = adhoc(tmp_path, "vmkernel_gateway esxi_hostname=esx-p1.lab.local gateway=%s bind_to_vmknics=true" % GW, "--check",
                 **vmware_env(vcenter_sim))
    assert done.rc == 0, done
    status, result = done.adhoc_results()["localhost"]
    assert status == "CHANGED" and result["changed"] is True, done
    assert vcenter_sim.write_calls() == [], "check mode sends no write call"
    assert gateway_of(vcenter_sim, "esx-p1.lab.local") == before


def test_lab_inventory_without_secrets_drives_the_vcenter_role(vcenter_sim, tmp_path):
    """``playbooks/site.yml`` as the README prints it, limited to the primary vCenter, in check mode: the
    inventory reads the account from the endpoints file at run time and holds none itself."""
    sims_dir = tmp_path / "sims"
    sims_dir.mkdir()
    endpoints = {"ca_cert": vcenter_sim.ca_path, "bigip": {},
                 "vcenter": {"primary": {"hostname": vcenter_sim.hostname, "port": vcenter_sim.port,
                                         "username": vcenter_sim.username, "password": vcenter_sim.password}}}
    (sims_dir / "endpoints.json").write_text(json.dumps(endpoints))
    os.chmod(sims_dir / "endpoints.json", 0o600)
    for name in os.listdir(os.path.join(REPO, "inventories", "lab", "group_vars", "vcenter")):
        with open(os.path.join(REPO, "inventories", "lab", "group_vars", "vcenter", name), encoding="utf-8") as handle:
            assert vcenter_sim.password not in handle.read()
    vcenter_sim.clear_calls()
    done = run(["ansible-playbook", "playbooks/site.yml", "-i", "inventories/lab", "--limit", "vcenter-primary", "--check"],
               tmp_path, cwd=REPO, use_repo_config=True, LDV_SIMS_DIR=str(sims_dir))
    assert done.rc == 0, done
    assert "vcenter-primary" in done.stdout and "changed=" in done.stdout, done
    recap = done.stdout.split("PLAY RECAP", 1)[1]
    assert "failed=0" in recap and "changed=0" not in recap.split("vcenter-primary", 1)[1].splitlines()[0], done
    assert vcenter_sim.write_calls() == []
    assert "changed: [vcenter-primary] => (item=Primary-Cluster)" in done.stdout, done
