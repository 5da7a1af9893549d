"""The job templates and the change-window workflow of extensions/controller/, run the way AWX runs them.

Each job goes through ansible-runner with a private data directory built as AWX builds it (tests/unit/awx_job.py):
the project is the repository, the inventory is what the controller's inventory source imports from the project
(no secret in it) plus the devices' addresses, the credentials are those of credentials.yml injected as AWX injects
them (Machine: -u and the password prompt; VMware vCenter: VMWARE_*; the custom type: its injectors), the extra
variables are the template's and the survey answers with the types AWX gives them. The devices are the lab
simulators, with one account on all four (one controller credential serves both sites).
"""
from __future__ import annotations

import json
import os

import pytest
import requests

from tests.simulators import sims
from tests.unit import awx_job
from tests.unit import controller as ctl

pytest.importorskip("ansible_runner")

pytestmark = [pytest.mark.bigip_sim, pytest.mark.vcenter_sim, pytest.mark.slow,
              pytest.mark.skipif(not os.path.isfile(sims.BIGIP_SERVER), reason="BIG-IP simulator is not written yet"),
              pytest.mark.skipif(not os.access(sims.VCSIM, os.X_OK), reason="vCenter simulator binary is not built (make vcsim)")]

# Simulated WAN transfers (a 10-40 GB disk) divided by this, so a migration takes seconds.
TIME_SCALE = 400.0
ACCOUNT_PASSWORD = "Lab-account-1"
VM = "web-06"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A fresh set of the four lab simulators, one account on all of them, stopped after the module."""
    state_dir = str(tmp_path_factory.mktemp("sims"))
    try:
        yield sims.start(state_dir, time_scale=TIME_SCALE, shared_password=ACCOUNT_PASSWORD)
    finally:
        sims.stop(state_dir)


@pytest.fixture(scope="module")
def controller(lab):
    """The controller objects of extensions/controller/, with the lab's account and vCenters as the secrets."""
    settings = {
        "longdistance_controller_bigip_user": lab["bigip"]["primary"]["user"],
        "longdistance_controller_bigip_password": ACCOUNT_PASSWORD,
        "longdistance_controller_vcenter_user": lab["vcenter"]["primary"]["username"],
        "longdistance_controller_source_vcenter_password": ACCOUNT_PASSWORD,
        "longdistance_controller_destination_vcenter_password": ACCOUNT_PASSWORD,
        "longdistance_controller_source_vcenter": lab["vcenter"]["primary"]["hostname"],
        "longdistance_controller_destination_vcenter": lab["vcenter"]["secondary"]["hostname"],
        "longdistance_controller_destination_vcenter_port": lab["vcenter"]["secondary"]["port"],
    }
    variables = ctl.config_vars(settings)
    return {name: ctl.plain(ctl.render(value, variables)) for name, value in variables.items() if name.startswith("controller_")}


def lab_host_vars(lab: dict) -> dict:
    """The host variables an administrator sets on the controller inventory for these devices: address, port, CA."""
    host_vars = {}
    for site in sims.SITES:
        bigip, vcenter = lab["bigip"][site], lab["vcenter"][site]
        host_vars[f"bigip-{site}"] = {"ansible_host": bigip["server"], "ansible_httpapi_port": bigip["server_port"],
                                      "ansible_httpapi_ca_path": lab["ca_cert"], "ansible_port": bigip["server_port"]}
        host_vars[f"vcenter-{site}"] = {"ansible_host": vcenter["hostname"], "ansible_port": vcenter["port"],
                                        "vmware_ca_path": lab["ca_cert"]}
    return host_vars


@pytest.fixture(scope="module")
def launch(lab, controller, tmp_path_factory):
    """Launches a job template by name like AWX: survey answers, credentials, the imported inventory."""
    (source,) = controller["controller_inventory_sources"]
    inventory = awx_job.inventory_from_source(source["source_path"], lab_host_vars(lab))
    secret_text = json.dumps(inventory)
    assert ACCOUNT_PASSWORD not in secret_text and "CHANGE-ME" not in secret_text, "the imported inventory holds a secret"
    templates = {template["name"]: template for template in controller["controller_templates"]}
    credentials = {credential["name"]: credential for credential in controller["controller_credentials"]}
    types = {kind["name"]: kind for kind in controller["controller_credential_types"]}
    jobs_dir = str(tmp_path_factory.mktemp("jobs"))
    count = [0]

    def run(name: str, survey: dict | None = None, workflow_vars: dict | None = None, template_vars: dict | None = None):
        template = dict(templates[name])
        if template_vars:
            template["extra_vars"] = dict(template.get("extra_vars") or {}, **template_vars)
        count[0] += 1
        ident = f"{count[0]:02d}-{name.rsplit(' ', 1)[-1]}"
        return awx_job.run(jobs_dir, ident, template, credentials=[credentials[c] for c in template["credentials"]], types=types,
                           inventory=inventory, survey=survey, workflow_vars=workflow_vars)

    return run


@pytest.fixture(scope="module")
def workflow(controller, launch):
    (definition,) = controller["controller_workflows"]

    def run(survey: dict):
        answers = ctl.survey_answers(definition["survey_spec"], survey)
        return awx_job.run_workflow(definition, lambda identifier, template, variables: launch(template, workflow_vars=variables),
                                    answers)

    return run


@pytest.fixture(scope="module")
def sites_configured(launch):
    job = launch("longdistance.vmotion site set-up")
    assert (job.status, job.rc) == ("successful", 0), job.stdout()
    assert job.runner.stats["changed"], "site set-up changed nothing on fresh devices"
    return job


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


def progress_events(job) -> list[dict]:
    """The progress lines the migration wave prints while it runs (vm_group_migrate's display, one job event each)."""
    return [event for event in job.events if event["event"] == "verbose" and VM in event.get("stdout", "")
            and any(word in event["stdout"] for word in ("poll", "started", "moved", "GTM"))]


def test_change_window_moves_the_vm_and_keeps_the_report(sites_configured, workflow):
    run = workflow({"vms": f"{VM}\n", "from_site": "primary", "to_site": "secondary"})

    jobs = run["jobs"]
    assert {name: (job.status, job.rc) for name, job in jobs.items()} == {name: ("successful", 0) for name in jobs}, \
        "\n".join(job.stdout() for job in jobs.values() if job.status != "successful")
    assert list(jobs) == ["preflight", "migrate", "routing check"]
    assert run["status"] == "successful"
    migrate = jobs["migrate"]
    summary = migrate.artifacts["migrate_summary"]
    assert (summary["status"], summary["mode"], summary["moved"], summary["failed"]) == ("success", "single", [VM], [])
    assert (summary["from_site"], summary["to_site"], summary["gtm_stage"], summary["gtm_changes"]) == ("primary", "secondary", "all", 2)
    # Progress while the migration ran: polling-round events, each a table naming the VM, before the report was written.
    polls = progress_events(migrate)
    assert polls, "no progress event during the migration"
    report_task = next(event for event in migrate.events if event.get("event_data", {}).get("task") == "Write the JSON report")
    assert max(event["counter"] for event in polls) < report_task["counter"]
    # No report_dir given: the reports are in the job's artifacts directory, which ansible-runner keeps.
    assert os.path.dirname(summary["report"]["json"]) == os.path.join(migrate.artifacts_dir, "reports")
    with open(summary["report"]["json"], encoding="utf-8") as handle:
        report = json.load(handle)
    assert [vm["name"] for vm in report["vms"]] == [VM] and report["vms"][0]["placement"]["datacenter"] == "Secondary"
    assert os.path.isfile(summary["report"]["markdown"])
    # The routing check got the migration's artifact (as a workflow passes it on) and found routing enabled.
    assert jobs["routing check"].runner.stats["failures"] == {}


def test_second_migrate_job_changes_nothing_and_writes_where_configured(launch, tmp_path):
    """The controller setting longdistance_controller_report_dir becomes the template's report_dir (a directory the
    execution nodes expose to jobs, so it exists before the job)."""
    tmp_path.chmod(0o755)
    job = launch("longdistance.vmotion migrate", survey={"vms": VM, "from_site": "primary", "to_site": "secondary"},
                 template_vars={"report_dir": str(tmp_path)})

    assert (job.status, job.rc) == ("successful", 0), job.stdout()
    changed = [event["event_data"]["task"] for event in job.events if event["event"] in ("runner_on_ok", "runner_item_on_ok")
               and event["event_data"]["res"].get("changed")]
    assert job.runner.stats["changed"] == {}, changed
    summary = job.artifacts["migrate_summary"]
    assert summary["moved"] == [] and summary["skipped"] == [VM] and summary["gtm_changes"] == 0
    assert os.path.dirname(summary["report"]["json"]) == str(tmp_path) and os.path.isfile(summary["report"]["json"])


def test_failed_migration_still_checks_routing_and_fails_the_workflow(sites_configured, workflow, lab):
    gtm_before = {site: wide_ip_state(lab, site) for site in sims.SITES}
    admin_post(lab, lab["vcenter"]["primary"], "faults/migration",
               {"fault": "VMotionLinkDown", "at_progress": 40, "count": 1, "message": "vMotion link to esx-s1 went down"})

    # Threshold 100: one of the two VMs failing keeps the group below it, so GTM must end as it started.
    run = workflow({"vms": "web-01, web-02", "from_site": "primary", "to_site": "secondary", "threshold": 100})

    jobs = run["jobs"]
    assert list(jobs) == ["preflight", "migrate", "routing check after a failed migration"]
    assert jobs["preflight"].status == "successful"
    migrate = jobs["migrate"]
    assert (migrate.status, migrate.rc) == ("failed", 2), migrate.stdout()
    summary = migrate.artifacts["migrate_summary"]
    assert summary["status"] == "failed" and summary["failed"] == ["web-01"] and summary["moved"] == ["web-02"]
    assert "vMotion link to esx-s1 went down" in summary["failure"]["msg"]
    assert {site: wide_ip_state(lab, site) for site in sims.SITES} == gtm_before
    assert "VMotionLinkDown" in summary["failure"]["fault"]
    with open(summary["report"]["json"], encoding="utf-8") as handle:
        report = json.load(handle)
    assert report["gtm_changes"] == [], "1/2 moved is below the threshold: no GTM write was needed, none was applied"
    assert [vm["status"] for vm in report["vms"]] == ["failed", "done"]
    # The report outlives the failed job, and the routing check names it after checking routing on both BIG-IPs.
    assert os.path.isfile(summary["report"]["json"]) and os.path.isfile(summary["report"]["markdown"])
    check = jobs["routing check after a failed migration"]
    assert (check.status, check.rc) == ("failed", 2), check.stdout()
    checked = {event["event_data"]["host"] for event in check.events if event["event"] == "runner_on_ok"
               and event.get("event_data", {}).get("task") == "Read the iSession routing of the remote endpoints"}
    assert checked == {"bigip-primary", "bigip-secondary"}
    final = [event for event in check.events if event["event"] == "runner_on_failed"][-1]["event_data"]["res"]["msg"]
    assert "vMotion link to esx-s1 went down" in final and summary["report"]["markdown"] in final
    assert run["status"] == "failed"


def test_same_site_answer_stops_the_workflow_at_the_first_task(workflow):
    run = workflow({"vms": "web-03", "from_site": "secondary", "to_site": "secondary"})

    assert list(run["jobs"]) == ["preflight"] and run["status"] == "failed"
    job = run["jobs"]["preflight"]
    first = job.first_task()
    assert first["event"] == "runner_on_failed" and first["event_data"]["task"] == "Check the migration request"
    message = first["event_data"]["res"]["msg"]
    assert message.startswith("Invalid migration request:") and 'From site and To site are both "secondary"' in message


def test_unknown_vm_fails_in_the_first_task_before_anything_changes(launch):
    job = launch("longdistance.vmotion migrate", survey={"vms": "web-01\nweb-99", "from_site": "primary", "to_site": "secondary"})

    assert (job.status, job.rc) == ("failed", 2)
    assert job.runner.stats["changed"] == {}
    first = job.first_task()
    assert first["event"] == "runner_on_failed" and first["event_data"]["task"] == "Check the migration request"
    text = first["event_data"]["res"]["msg"]
    assert text.startswith("Invalid migration request: VM web-99 found neither on vCenter"), text
    assert "(primary)" in text and "(secondary)" in text and 'survey "VMs to migrate"' in text and "nothing was checked or moved" in text
    assert "web-01" not in text, "a VM that exists is not named"
    assert "migrate_summary" not in job.artifacts
