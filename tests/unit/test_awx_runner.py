"""playbooks/migrate.yml run the way AWX runs a job template: through ansible-runner, against the lab simulators.

AWX hands a job to ansible-runner with a private data directory (project, inventory, extra variables, credential
environment) and reads back the job's status, return code and the ``set_stats`` artifact of the
``playbook_on_stats`` event. These tests do the same with ansible-runner's Python API and assert what AWX would see:
the first run moves the VM and reports it in ``migrate_summary``; the second run of the same job moves nothing and
changes nothing.
"""
from __future__ import annotations

import json
import os
import sys

import pytest
import requests

from tests.simulators import sims

ansible_runner = pytest.importorskip("ansible_runner")

pytestmark = [pytest.mark.bigip_sim, pytest.mark.vcenter_sim, pytest.mark.slow,
              pytest.mark.skipif(not os.path.isfile(sims.BIGIP_SERVER), reason="BIG-IP simulator is not written yet"),
              pytest.mark.skipif(not os.access(sims.VCSIM, os.X_OK), reason="vCenter simulator binary is not built (make vcsim)")]

REPO = sims.REPO
COLLECTIONS = os.path.join(REPO, ".venv", "collections")
# The venv's ansible-playbook first on PATH, also when pytest runs without the venv activated (`make unit`).
SEARCH_PATH = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", os.defpath)])
VM = "web-06"
# Simulated WAN transfers (a 10-40 GB disk) divided by this, so a migration takes seconds.
TIME_SCALE = 400.0
MIGRATION = {"vm": VM, "from_site": "primary", "to_site": "secondary", "poll_interval": 1}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A fresh set of the four lab simulators in a private state directory, stopped after the module."""
    state_dir = str(tmp_path_factory.mktemp("sims"))
    try:
        yield sims.start(state_dir, time_scale=TIME_SCALE)
    finally:
        sims.stop(state_dir)


@pytest.fixture(scope="module")
def job(lab, tmp_path_factory):
    """Runs one playbook as an AWX job would; returns (runner, artifact data of the stats event)."""
    state_dir = os.path.dirname(lab["ca_cert"])
    reports = str(tmp_path_factory.mktemp("reports"))

    def run(playbook: str, ident: str, extravars: dict | None = None):
        private = str(tmp_path_factory.mktemp(ident))
        runner = ansible_runner.run(
            private_data_dir=private, project_dir=REPO, playbook=f"playbooks/{playbook}.yml",
            inventory=os.path.join(REPO, "inventories", "lab"), ident=ident, quiet=True,
            extravars=dict(extravars or {}, report_dir=reports),
            # What AWX puts in env/envvars: the credentials' injections; here the lab's endpoints file.
            envvars={"PATH": SEARCH_PATH, "LDV_SIMS_DIR": state_dir, "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS, "ANSIBLE_FORCE_COLOR": "false"},
            settings={"job_timeout": 600})
        stats = [event for event in runner.events if event["event"] == "playbook_on_stats"]
        artifact = stats[-1]["event_data"].get("artifact_data", {}) if stats else {}
        return runner, artifact, reports

    return run


def admin_post(endpoints: dict, device: dict, route: str, body: dict) -> dict:
    """POST to a simulator's admin API (its test hooks)."""
    response = requests.post(f"{device['admin_url']}/{route}", json=body, auth=(device.get("username") or device["user"], device["password"]),
                             verify=endpoints["ca_cert"], timeout=30)
    response.raise_for_status()
    return response.json()


def wide_ip_state(endpoints: dict, site: str) -> tuple[dict, dict]:
    """(pool -> ratio, pool -> enabled) of the lab wide IP, read from one BIG-IP simulator's REST API."""
    device = endpoints["bigip"][site]
    base = f"https://{device['server']}:{device['server_port']}/mgmt/tm/gtm"
    with requests.Session() as session:
        session.auth = (device["user"], device["password"])
        session.verify = endpoints["ca_cert"]
        wide_ip = session.get(f"{base}/wideip/a/~Common~vmhttp.siterequest.com", verify=endpoints["ca_cert"], timeout=30).json()
        ratios = {pool["name"]: pool.get("ratio", 1) for pool in wide_ip["pools"]}
        enabled = {name: not session.get(f"{base}/pool/a/~Common~{name}", verify=endpoints["ca_cert"], timeout=30).json().get("disabled", False)
                   for name in ratios}
    return ratios, enabled


def stdout_tail(runner) -> str:
    return "".join(runner.stdout.readlines()[-60:])


def test_migrate_job_moves_the_vm_and_sets_the_summary_artifact(job):
    site = job("site", "site")[0]
    assert (site.status, site.rc) == ("successful", 0), stdout_tail(site)

    runner, artifact, reports = job("migrate", "migrate-1", MIGRATION)

    assert (runner.status, runner.rc) == ("successful", 0), stdout_tail(runner)
    summary = artifact["migrate_summary"]
    assert summary["status"] == "success"
    assert summary["mode"] == "single"
    assert summary["moved"] == [VM] and summary["skipped"] == [] and summary["failed"] == []
    assert (summary["from_site"], summary["to_site"]) == ("primary", "secondary")
    # A single VM: GTM goes straight to all traffic on the target pool, on both GTM devices.
    assert summary["gtm_stage"] == "all"
    assert summary["gtm_changes"] == 2
    with open(summary["report"]["json"], encoding="utf-8") as handle:
        report = json.load(handle)
    assert os.path.dirname(summary["report"]["json"]) == reports
    assert [vm["name"] for vm in report["vms"]] == [VM]
    assert report["vms"][0]["placement"]["datacenter"] == "Secondary"
    assert [change["ratios_after"] for change in report["gtm_changes"]] == [{"Local_pool": 0, "Remote_pool": 1}] * 2
    assert os.path.isfile(summary["report"]["markdown"])


def test_second_run_of_the_same_job_changes_nothing(job):
    runner, artifact = job("migrate", "migrate-2", MIGRATION)[:2]

    assert (runner.status, runner.rc) == ("successful", 0), stdout_tail(runner)
    assert runner.stats["changed"] == {}, runner.stats
    summary = artifact["migrate_summary"]
    assert summary["moved"] == [] and summary["skipped"] == [VM]
    assert summary["gtm_changes"] == 0


def test_failed_migration_stops_names_the_vm_and_the_fault_and_keeps_gtm_where_the_vms_are(job, lab):
    gtm_before = {site: wide_ip_state(lab, site) for site in ("primary", "secondary")}
    admin_post(lab, lab["vcenter"]["primary"], "faults/migration",
               {"fault": "VMotionLinkDown", "at_progress": 40, "count": 1, "message": "vMotion link to esx-s1 went down"})

    # Threshold 100: one of the two VMs failing keeps the group below it, so GTM must end as it started.
    request = {"vms": ["web-01", "web-02"], "from_site": "primary", "to_site": "secondary", "threshold": 100, "concurrency": 2, "poll_interval": 1}
    runner, artifact = job("migrate", "migrate-fail", request)[:2]

    assert (runner.status, runner.rc) == ("failed", 2), stdout_tail(runner)
    summary = artifact["migrate_summary"]
    assert summary["status"] == "failed"
    assert summary["failed"] == ["web-01"] and summary["moved"] == ["web-02"]
    assert summary["failure"]["vm"] == "web-01"
    assert "vMotion link to esx-s1 went down" in summary["failure"]["msg"]
    assert "VMotionLinkDown" in summary["failure"]["fault"]
    final = [event for event in runner.events if event["event"] == "runner_on_failed"][-1]["event_data"]["res"]["msg"]
    assert final.startswith("Migration of web-01 from primary to secondary failed") and "vMotion link to esx-s1 went down" in final
    assert {site: wide_ip_state(lab, site) for site in ("primary", "secondary")} == gtm_before
    with open(summary["report"]["json"], encoding="utf-8") as handle:
        report = json.load(handle)
    assert report["gtm_changes"] == [], "1/2 moved is below the threshold: no GTM write was needed, none was applied"
    assert [vm["status"] for vm in report["vms"]] == ["failed", "done"]
    assert report["vms"][0]["timeline"][-1]["state"] == "error"
