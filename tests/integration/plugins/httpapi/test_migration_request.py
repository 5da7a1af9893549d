"""playbooks/preflight.yml's first task reads the migration request the ways the README and a controller survey give
it (``-e vm=NAME``, ``-e vms=`` text), as printed from the repository root: no device is contacted before it."""
from __future__ import annotations

import pytest

from ansible_cli import run

PREFLIGHT = ["ansible-playbook", "playbooks/preflight.yml", "-i", "inventories/lab"]


@pytest.mark.parametrize("request_vars, message", [
    # vm alone (vms undefined) must reach the site check, not fail on the undefined vms
    (["-e", "vm=web-01", "-e", "from_site=primary", "-e", "to_site=primary"], 'From site and To site are both "primary"'),
    # survey text: one name per line
    (["-e", '{"vms": "web-01\\nweb-01", "from_site": "primary", "to_site": "secondary"}'], "a VM is named more than once"),
])
def test_the_first_task_reads_the_request(tmp_path, request_vars, message):
    result = run(PREFLIGHT + request_vars, tmp_path, use_repo_config=True, LDV_SIMS_DIR=str(tmp_path / "no-sims"))
    assert result.rc == 2, result
    assert "Invalid migration request:" in result.stdout and message in result.stdout, result
    assert "is undefined" not in result.stdout, result
