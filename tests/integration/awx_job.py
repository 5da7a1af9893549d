"""A job template of extensions/controller/ run the way AWX runs it, without a controller.

AWX hands a job to ansible-runner as a private data directory (awx/main/tasks/jobs.py RunJob, BaseTask):
  project/          the project checkout (here: the repository)
  inventory/hosts   an executable printing the inventory as JSON: what the inventory source imported
  env/extravars     the job template's extra_vars, then the survey answers (and, in a workflow, the workflow's
                    variables and the artifacts of the nodes before)
  env/envvars       what the credentials inject into the environment (built-in types by AWX's own code, custom types
                    by rendering their injectors with the credential's inputs)
  env/cmdline       what a Machine credential adds to the command line (-u USER, --ask-pass)
  env/passwords     the answers to the prompts that --ask-pass raises
  env/settings      job timeout and pexpect settings
and reads back the status, the return code, the events and the set_stats artifacts (stats event's artifact_data).

The inventory is built like an SCM inventory source import of the project's inventory file: `ansible-inventory
--list --export` over it, vault files left out (AWX imports no secret), plus the host variables an administrator sets
on the controller for their devices (here: the simulators' addresses and CA).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from tests.unit import controller as ctl

REPO = ctl.REPO
BIN = os.path.dirname(sys.executable)
# The venv's ansible-playbook first on PATH, also when pytest runs without the venv activated (`make unit`).
SEARCH_PATH = os.pathsep.join([BIN, os.environ.get("PATH", os.defpath)])
# What AWX's RunJob.build_env sets for every job (the parts that change how Ansible behaves).
AWX_JOB_ENV = {"ANSIBLE_FORCE_COLOR": "False", "ANSIBLE_HOST_KEY_CHECKING": "False", "ANSIBLE_INVENTORY_UNPARSED_FAILED": "True",
               "ANSIBLE_PARAMIKO_RECORD_HOST_KEYS": "False", "ANSIBLE_RETRY_FILES_ENABLED": "False", "MAX_EVENT_RES": "700000"}


class Job:
    """What AWX keeps of a finished job."""

    def __init__(self, runner, private_data_dir: str):
        self.runner = runner
        self.private_data_dir = private_data_dir
        self.status = runner.status
        self.rc = runner.rc
        self.events = list(runner.events)
        stats = [event for event in self.events if event["event"] == "playbook_on_stats"]
        self.artifacts = stats[-1]["event_data"].get("artifact_data", {}) if stats else {}
        self.artifacts_dir = runner.config.artifact_dir

    def stdout(self, lines: int = 80) -> str:
        with open(os.path.join(self.artifacts_dir, "stdout"), encoding="utf-8", errors="replace") as handle:
            return "".join(handle.readlines()[-lines:])

    def task_events(self, kind: str = "runner_on_") -> list[dict]:
        return [event for event in self.events if event["event"].startswith(kind)]

    def first_task(self) -> dict:
        """The first task event that ran on a host (ok, failed, skipped) of the whole job."""
        return next(event for event in self.events if event["event"] in ("runner_on_ok", "runner_on_failed", "runner_on_skipped"))


def inventory_from_source(source_path: str, host_vars: dict) -> dict:
    """What an SCM inventory source import of ``source_path`` (relative to the project) gives the controller:
    groups, hosts and variables, templates kept as text; vault files are left out, the administrator's host variables
    are set on top."""
    source = os.path.join(REPO, source_path)
    # A copy of the inventory directory without vault files (AWX imports no secret).
    staging = _stage_without_vault(os.path.dirname(source))
    try:
        completed = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i", os.path.join(staging, os.path.basename(source)),
                                    "--list", "--export"], capture_output=True, text=True, check=True, timeout=120,
                                   env=dict(os.environ, ANSIBLE_INVENTORY_UNPARSED_FAILED="True"))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    inventory = json.loads(completed.stdout)
    hostvars = inventory.setdefault("_meta", {}).setdefault("hostvars", {})
    for host, values in host_vars.items():
        assert host in hostvars or any(host in group.get("hosts", []) for group in inventory.values() if isinstance(group, dict)), host
        hostvars.setdefault(host, {}).update(values)
    return inventory


def _stage_without_vault(directory: str) -> str:
    import tempfile

    staging = tempfile.mkdtemp(prefix="ldv-awx-import-")
    for folder, _dirs, files in os.walk(directory):
        relative = os.path.relpath(folder, directory)
        os.makedirs(os.path.join(staging, relative), exist_ok=True)
        for name in files:
            if not name.startswith("vault"):
                shutil.copy2(os.path.join(folder, name), os.path.join(staging, relative, name))
    return staging


def credential_injection(credentials: list[dict], types: dict) -> tuple[dict, list[str], dict, dict]:
    """(env, command-line arguments, prompt answers, extra vars) of the credentials of a job, as AWX builds them."""
    env, cmdline, passwords, extra_vars = {}, [], {}, {}
    for credential in credentials:
        kind, inputs = credential["credential_type"], credential["inputs"]
        if kind == "Machine":
            # RunJob.build_args / build_passwords / get_password_prompts
            if inputs.get("username"):
                cmdline += ["-u", inputs["username"]]
            if inputs.get("password"):
                cmdline.append("--ask-pass")
                passwords[r"SSH password:\s*?$"] = inputs["password"]
        elif kind == "VMware vCenter":
            # awx/main/models/credential/injectors.py vmware(); VMWARE_VALIDATE_CERTS is the AWX setting (default True)
            env.update({"VMWARE_USER": inputs["username"], "VMWARE_PASSWORD": inputs["password"], "VMWARE_HOST": inputs["host"],
                        "VMWARE_VALIDATE_CERTS": "True"})
        else:
            injected_env, injected_vars = ctl.inject(types[kind], inputs)
            env.update(injected_env)
            extra_vars.update(injected_vars)
    return env, cmdline, passwords, extra_vars


def run_workflow(workflow: dict, launch_job, survey: dict) -> dict:
    """Runs a workflow's nodes in AWX's order (awx/main/scheduler/dag_workflow.py): a node runs when a parent ended
    with the status of the edge (success_nodes, failure_nodes, always_nodes); its job gets the workflow's survey
    answers, the node's extra_data and the artifacts of the jobs before it. The workflow fails when a failed job has no
    failure or always path. Returns {identifier: Job} and the workflow status under 'status'."""
    nodes = {node["identifier"]: node for node in workflow["workflow_nodes"]}
    children = {identifier: {kind: [child["identifier"] for child in node.get("related", {}).get(kind, [])]
                             for kind in ("success_nodes", "failure_nodes", "always_nodes")} for identifier, node in nodes.items()}
    has_parent = {child for edges in children.values() for kids in edges.values() for child in kids}
    ready = [identifier for identifier in nodes if identifier not in has_parent]
    artifacts: dict = {}
    jobs: dict = {}
    while ready:
        identifier = ready.pop(0)
        node = nodes[identifier]
        job = launch_job(identifier, node["unified_job_template"]["name"], dict(survey, **artifacts, **node.get("extra_data", {})))
        jobs[identifier] = job
        artifacts.update(job.artifacts)
        edges = children[identifier]
        ready += edges["always_nodes"] + (edges["success_nodes"] if job.status == "successful" else edges["failure_nodes"])
    unhandled = [identifier for identifier, job in jobs.items()
                 if job.status != "successful" and not (children[identifier]["failure_nodes"] or children[identifier]["always_nodes"])]
    return {"jobs": jobs, "status": "failed" if unhandled else "successful"}


def run(tmp_dir: str, ident: str, template: dict, *, credentials: list[dict], types: dict, inventory: dict,
        survey: dict | None = None, workflow_vars: dict | None = None, environment: dict | None = None, timeout: int = 900) -> Job:
    """Runs ``template`` (a rendered object of controller_templates) like an AWX job; returns the finished Job."""
    import ansible_runner

    private = os.path.join(tmp_dir, ident)
    os.makedirs(os.path.join(private, "env"))
    os.makedirs(os.path.join(private, "inventory"))
    os.symlink(REPO, os.path.join(private, "project"))

    env, cmdline, passwords, injected_vars = credential_injection(credentials, types)
    extra_vars = dict(template.get("extra_vars") or {})
    extra_vars.update(injected_vars)
    if template.get("survey_enabled"):
        extra_vars.update(ctl.survey_answers(template["survey_spec"], survey or {}))
    extra_vars.update(workflow_vars or {})

    envvars = dict(AWX_JOB_ENV, PATH=SEARCH_PATH, ANSIBLE_COLLECTIONS_PATH=ctl.AWX_COLLECTIONS, **env)
    envvars.update(environment or {})
    if template.get("diff_mode"):
        cmdline.append("--diff")
    if template.get("job_type") == "check":
        cmdline.append("--check")
    if template.get("forks"):
        cmdline += ["--forks", str(template["forks"])]

    script = os.path.join(private, "inventory", "hosts")
    with open(script, "w", encoding="utf-8") as handle:
        handle.write(f"#!{sys.executable}\nimport json, sys\nINVENTORY = {json.dumps(inventory)!r}\n"
                     "print(INVENTORY if sys.argv[1:] == ['--list'] else '{}')\n")
    os.chmod(script, 0o755)
    _write(private, "env/extravars", extra_vars)
    _write(private, "env/envvars", envvars)
    _write(private, "env/passwords", passwords)
    _write(private, "env/settings", {"job_timeout": timeout, "pexpect_timeout": 5, "pexpect_use_poll": True,
                                     "suppress_ansible_output": True, "suppress_output_file": False})
    with open(os.path.join(private, "env", "cmdline"), "w", encoding="utf-8") as handle:
        handle.write(" ".join(cmdline))

    runner = ansible_runner.run(private_data_dir=private, playbook=template["playbook"], ident=ident, quiet=True)
    return Job(runner, private)


def _write(private: str, relative: str, data: dict) -> None:
    with open(os.path.join(private, relative), "w", encoding="utf-8") as handle:
        json.dump(data, handle)
