"""The simulator serves every row of the WOM table from plugins/module_utils/_bigip/wom.py, and
keeps no copy of its paths, kinds or property names."""
from __future__ import annotations

import os

import pytest

from plugins.module_utils._bigip import wom

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.mark.parametrize("shape", wom.ALL_SHAPES, ids=[s.path.rsplit("/", 1)[1] for s in wom.ALL_SHAPES])
def test_each_row_is_served_with_its_kind_and_defaults(rest, shape):
    body = rest.ok("GET", shape.path)
    if shape.singleton:
        assert body["kind"] == shape.kind
        assert body["selfLink"] == f"https://localhost{shape.path}?ver=14.1.2.1"
        assert {k: body[k] for k in shape.defaults} == shape.defaults
        return
    assert body["kind"] == shape.kind[: -len("state")] + "collectionstate"
    assert body["items"] == []


@pytest.mark.parametrize("shape", [s for s in wom.ALL_SHAPES if not s.singleton], ids=lambda s: s.path.rsplit("/", 1)[1])
def test_collection_rows_accept_every_listed_property(rest, shape):
    """Every REST property name of the row is known to the simulator (no 'unexpected json pair')."""
    item = rest.ok("POST", shape.path, {"name": "10.1.2.3", **{p: v for p, v in shape.defaults.items() if p != "source"},
                                        **({"dest": "10.1.2.0", "netmask": "255.255.255.0"} if "dest" in shape.props.values() else {})})
    assert item["kind"] == shape.kind
    assert all(item[p] == v for p, v in shape.defaults.items())


def test_simulator_keeps_no_copy_of_the_wom_table():
    with open(os.path.join(HERE, "types_wom.py"), encoding="utf-8") as handle:
        source = handle.read()
    for shape in wom.ALL_SHAPES:
        assert shape.path not in source and shape.kind not in source
    assert "from plugins.module_utils._bigip import wom" in source
