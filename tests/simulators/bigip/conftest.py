"""Fixtures for the simulator's own tests: a raw REST client bound to the simulator; every test
in this directory carries the ``bigip_sim`` marker."""
from __future__ import annotations

import os

import pytest

from tests.simulators.bigip.rest_client import Rest

HERE = os.path.dirname(os.path.abspath(__file__))


def pytest_collection_modifyitems(config, items):
    for item in items:
        if str(item.fspath).startswith(HERE + os.sep):
            item.add_marker(pytest.mark.bigip_sim)


@pytest.fixture
def rest(bigip_sim):
    client = Rest(bigip_sim)
    yield client
    client.session.close()
