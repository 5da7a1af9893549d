"""roles/preflight's BIG-IP checks (tasks/bigip.yml) run by ansible-playbook against two simulated BIG-IPs: with the
guide's configuration everything passes; a target GTM pool member whose virtual server is down, or an iSession
tunnel that is down, is recorded as a problem (device statistics through bigip_longdistance_info)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from test_bigip_longdistance_info import gtm_lab
from test_bigip_wom_guide_pair import SITES, configure

pytestmark = pytest.mark.bigip_sim

PLAYBOOK = """
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - ansible.builtin.set_fact:
        preflight_failures: []
    - ansible.builtin.include_role:
        name: longdistance.vmotion.preflight
        tasks_from: bigip.yml
      loop: [[source, target], [target, source]]
      loop_control:
        loop_var: preflight_pair
    - ansible.builtin.copy:
        content: "{{ preflight_failures | to_json }}"
        dest: "{{ out }}"
"""


def site(sim, name, gtm_pool):
    return {"name": name, "bigip_host": "localhost", "bigip_connection": sim.conn_args, "vmotion_self_ip": SITES[name]["self"], "gtm_pool": gtm_pool}


def preflight_failures(tmp_path, pair) -> list[str]:
    playbook, extra, out = tmp_path / "play.yml", tmp_path / "vars.json", tmp_path / "failures.json"
    playbook.write_text(PLAYBOOK)
    extra.write_text(json.dumps({"out": str(out), "preflight_source": site(pair.primary, "primary", "Local_pool"),
                                 "preflight_target": site(pair.secondary, "secondary", "Remote_pool")}))
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), str(playbook), "-e", f"@{extra}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False,
                          env=dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="false"))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(out.read_text())


def test_preflight_records_unavailable_target_pool_members_and_tunnels(tmp_path, bigip_pair):
    for name, sim in (("primary", bigip_pair.primary), ("secondary", bigip_pair.secondary)):
        configure(sim, SITES[name])
        gtm_lab(sim)
    assert preflight_failures(tmp_path, bigip_pair) == []  # Remote_pool is disabled until GTM switching: not a problem

    bigip_pair.secondary.set_health("10.133.40.51", False)  # the target site's application virtual is down
    bigip_pair.primary.set_health(SITES["primary"]["peer"], False)  # the primary cannot reach the secondary's endpoint
    assert preflight_failures(tmp_path, bigip_pair) == [
        "primary BIG-IP: the iSession tunnel to remote endpoint 10.133.58.236 is offline "
        "(The iSession tunnel to the remote endpoint is down)",
        "secondary BIG-IP: GTM pool Remote_pool member Remote-BIG-IP:vmhttp_vs is offline "
        "(Monitor /Common/bigip from Remote-BIG-IP: the virtual server is down)",
    ]
