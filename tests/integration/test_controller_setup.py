"""playbooks/controller_setup.yml run for real (ansible-runner) up to where it contacts the controller, and the
controller's inventory import (ansible-inventory): the process-backed half of tests/unit/test_controller_config.py."""
from __future__ import annotations

import json
import os
import socket
import sys

import pytest
import yaml

from tests.unit import controller as ctl
from tests.unit.test_controller_config import REPO, needs_awx, objects  # noqa: F401  pylint: disable=unused-import


@pytest.fixture
def free_port():
    """A loopback port where nothing listens for the whole test: bound (so no other process can take it) but never
    listening, so a connection to it is refused."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        yield holder.getsockname()[1]


def run_setup(playbook: str, extra: dict, tmp_path):
    """Runs a controller_setup playbook through ansible-runner; returns the runner (status, rc, events)."""
    import ansible_runner

    (tmp_path / "runner").mkdir(exist_ok=True)
    env = {"ANSIBLE_COLLECTIONS_PATH": ctl.AWX_COLLECTIONS, "ANSIBLE_NOCOLOR": "1", "ANSIBLE_HOME": str(tmp_path / "home"),
           "PATH": os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", os.defpath)])}
    return ansible_runner.run(private_data_dir=str(tmp_path / "runner"), project_dir=REPO, playbook=playbook, inventory="localhost,",
                              extravars=extra, envvars=env, quiet=True, settings={"job_timeout": 300, "suppress_env_files": True})


def task_results(runner) -> dict:
    """Task name -> list of per-item results (event data 'res')."""
    results: dict = {}
    for event in runner.events:
        if event["event"] in ("runner_item_on_ok", "runner_item_on_failed", "runner_on_ok", "runner_on_failed"):
            data = event["event_data"]
            if event["event"].startswith("runner_item") or "results" not in data["res"]:
                results.setdefault(data["task"], []).append(dict(data["res"], failed=event["event"].endswith("failed")))
    return results


def controller_at(port: int) -> dict:
    return {"aap_hostname": f"https://127.0.0.1:{port}", "aap_username": "admin", "aap_password": "admin-password"}


@needs_awx
def test_setup_playbook_runs_up_to_the_controller(tmp_path, free_port):
    """The playbook as shipped: variables load (README.md beside them is skipped), the secrets check passes, and the
    first awx.awx task fails only because nothing listens where the controller should be."""
    runner = run_setup("playbooks/controller_setup.yml", dict(ctl.SECRETS, **controller_at(free_port)), tmp_path)
    results = task_results(runner)
    assert (runner.status, runner.rc) == ("failed", 2)
    names = list(results)
    assert names == ["Load the controller objects and their settings", "Check that the secrets were given", "Create the organization"]
    assert not results[names[0]][0]["failed"] and not results[names[1]][0]["failed"]
    (failure,) = results["Create the organization"]
    assert failure["failed"] and "Connection refused" in failure["msg"], failure


@needs_awx
def test_setup_playbook_names_missing_secrets(tmp_path, free_port):
    secrets = dict(ctl.SECRETS)
    del secrets["longdistance_controller_bigip_password"]
    runner = run_setup("playbooks/controller_setup.yml", dict(secrets, **controller_at(free_port)), tmp_path)
    results = task_results(runner)
    assert (runner.status, runner.rc) == ("failed", 2)
    assert list(results)[-1] == "Check that the secrets were given"
    assert "longdistance_controller_bigip_password" in results["Check that the secrets were given"][0]["msg"]


@needs_awx
def test_every_setup_task_reaches_the_controller_with_valid_arguments(tmp_path, objects, free_port):
    """Every task of controller_setup.yml, for every object, gets as far as contacting the controller: the awx.awx
    modules validate their arguments first, so a connection error (not an argument error) for each of them proves the
    arguments valid. A copy of the playbook differs only in going on after failed tasks and showing the credentials
    task's (stand-in) arguments."""
    play = yaml.safe_load(open(ctl.SETUP_PLAYBOOK, encoding="utf-8"))
    play[0]["ignore_errors"] = True
    for task in play[0]["tasks"]:
        task.pop("no_log", None)
    copy = tmp_path / "controller_setup.yml"
    copy.write_text(yaml.safe_dump(play, sort_keys=False), encoding="utf-8")
    extra = dict(ctl.SECRETS, longdistance_controller_config_dir=ctl.CONFIG_DIR, **controller_at(free_port))
    results = task_results(run_setup(str(copy), extra, tmp_path))
    for task in ctl.setup_tasks():
        expected = [item["name"] for item in objects[task["loop_var"]]]
        got = results[task["name"]]
        assert [result["item"]["name"] for result in got] == expected
        wrong = [f"{result['item']['name']}: {result.get('msg')}" for result in got
                 if not result["failed"] or "Connection refused" not in result.get("msg", "")]
        assert not wrong, f"{task['name']}: {wrong}"


def test_imported_inventory_leaves_the_accounts_to_the_credentials(objects):
    """What the inventory source imports holds no account: a BIG-IP's ansible_user / ansible_password would override the
    Machine credential, and the vCenters must not read ansible_user / ansible_password, which the Machine credential
    sets for every host of a job (-u, --ask-pass)."""
    from tests.integration import awx_job

    (source,) = objects["controller_inventory_sources"]
    inventory = awx_job.inventory_from_source(source["source_path"], {})
    assert inventory["bigip"].get("vars", {}).get("ansible_connection") == "ansible.netcommon.httpapi"
    text = json.dumps(inventory)
    for name in ("ansible_user", "ansible_password", "ansible_httpapi_password", "vault_"):
        assert name not in text, f"the imported inventory sets {name}"
    assert "vmware_user" in json.dumps(inventory["vcenter"].get("vars", {}))
