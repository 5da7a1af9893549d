"""check_routing.yml on a BIG-IP without any remote endpoint: a failure, unless none is expected."""
from __future__ import annotations

import pytest

from tests.faults.conftest import finish, playbook

pytestmark = [pytest.mark.bigip_sim, pytest.mark.slow]


def test_no_remote_endpoint_fails_unless_expected(bigip):
    code, out = finish(playbook(bigip, "playbooks/check_routing.yml"))
    assert code != 0, out
    assert "has no WOM remote endpoint: vMotion traffic cannot cross the iSession tunnel" in out
    code, out = finish(playbook(bigip, "playbooks/check_routing.yml", "-e", "allow_no_endpoints=true"))
    assert code == 0, out
    assert "0 remote endpoint(s)" in out
