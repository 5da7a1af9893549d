"""Run the real ``ansible`` / ``ansible-playbook`` commands against the BIG-IP simulators.

Each run gets its own ANSIBLE_HOME (persistent connection sockets, no state shared between
tests) and the collections ``scripts/bootstrap.sh`` installs (``ansible.netcommon``,
``ansible.utils``) next to this repository.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import yaml

from tests.conftest import COLLECTIONS_ROOT, REPO

VENV_BIN = os.path.dirname(sys.executable)
BOOTSTRAP_COLLECTIONS = os.path.join(REPO, ".venv", "collections")
TIMEOUT_S = 240
ADHOC_LINE = re.compile(r"^(?P<host>\S+) \| (?P<status>[A-Z!]+)(?: \| rc=\d+)? => (?P<json>\{.*)$")


class Run:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr

    def __repr__(self):
        return "rc=%s\nSTDOUT:\n%s\nSTDERR:\n%s" % (self.rc, self.stdout[-6000:], self.stderr[-3000:])

    def adhoc_results(self) -> dict[str, tuple[str, dict]]:
        """``host | STATUS => {json}`` blocks of the ad-hoc default output, by host."""
        results, lines = {}, self.stdout.splitlines()
        i = 0
        while i < len(lines):
            match = ADHOC_LINE.match(lines[i])
            if not match:
                i += 1
                continue
            text, depth = [], 0
            first = match.group("json")
            for j in range(i, len(lines)):
                line = first if j == i else lines[j]
                text.append(line)
                depth += line.count("{") - line.count("}")
                if depth <= 0:
                    break
            results[match.group("host")] = (match.group("status"), json.loads("\n".join(text)))
            i = j + 1
        return results

    def task_results(self) -> list[dict]:
        """Every task result of a playbook run with the ``ansible.posix.json``-like callback below."""
        return [json.loads(line[len("LDVRESULT "):]) for line in self.stdout.splitlines() if line.startswith("LDVRESULT ")]


def env(tmp_path, use_repo_config: bool = False, **extra) -> dict:
    """The environment of one run. ``use_repo_config``: leave ANSIBLE_COLLECTIONS_PATH unset so the
    repository's ansible.cfg has to provide it (the README's commands, run as printed)."""
    result = dict(os.environ)
    for name in list(result):
        if name.startswith(("ANSIBLE_", "F5_", "VMWARE_")):
            del result[name]
    result.update(PATH=VENV_BIN + os.pathsep + result.get("PATH", ""), ANSIBLE_HOME=str(tmp_path / "ah"),
                  ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0", NO_COLOR="1", PYTHONWARNINGS="ignore")
    if not use_repo_config:
        result["ANSIBLE_COLLECTIONS_PATH"] = os.pathsep.join((COLLECTIONS_ROOT, BOOTSTRAP_COLLECTIONS))
        config = tmp_path / "ansible.cfg"
        config.write_text("[defaults]\n")
        result["ANSIBLE_CONFIG"] = str(config)
    result.update(extra)
    return result


def run(args: list[str], tmp_path, cwd: str = REPO, use_repo_config: bool = False, **extra_env) -> Run:
    proc = subprocess.run(args, cwd=cwd, env=env(tmp_path, use_repo_config, **extra_env), capture_output=True, text=True,
                          timeout=TIMEOUT_S, check=False)
    return Run(proc)


def httpapi_host(sim) -> dict:
    """Standard connection variables of one simulated BIG-IP (persistent connection)."""
    return {"ansible_connection": "ansible.netcommon.httpapi", "ansible_network_os": "longdistance.vmotion.bigip",
            "ansible_host": sim.server, "ansible_port": sim.port, "ansible_httpapi_port": sim.port,
            "ansible_user": sim.user, "ansible_password": sim.password, "ansible_httpapi_use_ssl": True,
            "ansible_httpapi_validate_certs": True, "ansible_httpapi_ca_path": sim.ca_path,
            "ansible_python_interpreter": sys.executable}


def local_host() -> dict:
    return {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}


def write_inventory(tmp_path, hosts: dict[str, dict]) -> str:
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump({"all": {"children": {"bigip": {"hosts": hosts}}}}))
    return str(path)


RESULT_CALLBACK = '''
from ansible.plugins.callback import CallbackBase
import json


class CallbackModule(CallbackBase):
    """Prints one line per task result: LDVRESULT {host, task, status, result}."""
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "ldv_results"
    CALLBACK_NEEDS_ENABLED = False

    def _emit(self, status, result):
        print("LDVRESULT " + json.dumps({"host": result._host.get_name(), "task": result._task.get_name(),
                                         "status": status, "result": result._result}, default=str))

    def v2_runner_on_ok(self, result):
        self._emit("ok", result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._emit("failed", result)

    def v2_runner_on_unreachable(self, result):
        self._emit("unreachable", result)
'''


def playbook(tmp_path, inventory: str, plays: list[dict], *args: str, **extra_env) -> Run:
    """Run ``plays`` with ansible-playbook; every task result is available from ``task_results()``."""
    book = tmp_path / "playbook.yml"
    book.write_text(yaml.safe_dump(plays, sort_keys=False))
    callbacks = tmp_path / "callbacks"
    callbacks.mkdir(exist_ok=True)
    (callbacks / "ldv_results.py").write_text(RESULT_CALLBACK)
    return run([os.path.join(VENV_BIN, "ansible-playbook"), "-i", inventory, str(book), *args], tmp_path,
               ANSIBLE_CALLBACK_PLUGINS=str(callbacks), **extra_env)
