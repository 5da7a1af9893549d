"""Two independent WOM tables: the collection's ``plugins/module_utils/_bigip/wom.py`` and the simulator's own
(``types_wom.py``, written from ``docs/wom-shapes.md``). They must agree on every path, kind, singleton flag, REST
property name and default, so a typo in either one fails here; the simulator serves its own table."""
from __future__ import annotations

import ast
import importlib
import os
import re
import sys

import pytest

from plugins.module_utils._bigip import wom

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)  # the simulator's modules import each other flat, as server.py runs them
oracle = importlib.import_module("types_wom")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
ROWS = {name: getattr(wom, name) for name in ("LOCAL_ENDPOINT", "REMOTE_ENDPOINT", "ADVERTISED_ROUTE",
                                              "ENDPOINT_DISCOVERY", "SERVER_DISCOVERY")}


def _described(shape) -> dict:
    return {"path": shape.path, "kind": shape.kind, "singleton": shape.singleton}


def test_same_rows_in_both_tables():
    assert set(ROWS) == {s.name for s in oracle.SHAPES}
    assert [s.path for s in wom.ALL_SHAPES] == [r.path for r in ROWS.values()]
    assert wom.ISESSION_PROFILE_PATH == oracle.ISESSION


@pytest.mark.parametrize("shape", oracle.SHAPES, ids=lambda s: s.name)
def test_row_agrees_with_the_collection_table(shape):
    row = ROWS[shape.name]
    assert _described(row) == _described(shape)
    rest_names = set(row.props.values()) | set(row.defaults)
    assert rest_names == set(shape.props), (sorted(rest_names ^ set(shape.props)))
    assert row.defaults == shape.defaults
    assert all(isinstance(row.defaults[k], type(v)) for k, v in shape.defaults.items())


def _doc() -> str:
    with open(os.path.join(REPO, "docs", "wom-shapes.md"), encoding="utf-8") as handle:
        return handle.read()


def test_confirmed_flags_are_the_doc_s():
    """docs/wom-shapes.md is the one place that says what is confirmed: its "Unconfirmed" table lists exactly the
    rows with confirmed=False, and every row's path and kind appear in the doc."""
    doc = _doc()
    unconfirmed = doc[doc.index("## Unconfirmed"):doc.index("## What the simulator does")]
    listed = set(re.findall(r"^\| `([A-Z_]+)` \| `(/mgmt/tm/wom/[a-z-]+)", unconfirmed, re.M))
    assert {entry[0] for entry in listed} == {name for name, row in ROWS.items() if not row.confirmed}
    for name, path in listed:
        assert ROWS[name].path == path
    for shape in oracle.SHAPES:
        assert f"`{shape.kind}`" in doc and f"`{shape.path}" in doc, shape.name


@pytest.mark.parametrize("shape", oracle.SHAPES, ids=lambda s: s.name)
def test_each_row_is_served_with_its_kind_and_defaults(rest, shape):
    body = rest.ok("GET", shape.path)
    if shape.singleton:
        assert body["kind"] == shape.kind
        assert body["selfLink"] == f"https://localhost{shape.path}?ver=14.1.2.1"
        assert {k: body[k] for k in shape.defaults} == shape.defaults
        return
    assert body["kind"] == shape.kind[: -len("state")] + "collectionstate"
    assert body["items"] == []


@pytest.mark.parametrize("shape", [s for s in oracle.SHAPES if not s.singleton], ids=lambda s: s.name)
def test_collection_rows_accept_every_listed_property(rest, shape):
    """Every REST property name of the row is known to the simulator (no 'unexpected json pair')."""
    item = rest.ok("POST", shape.path, {"name": "10.1.2.3", **{p: v for p, v in shape.defaults.items() if p != "source"},
                                        **({"dest": "10.1.2.0", "netmask": "255.255.255.0"} if "dest" in shape.props else {})})
    assert item["kind"] == shape.kind
    assert all(item[p] == v for p, v in shape.defaults.items())


def test_simulator_does_not_import_the_collection_table():
    with open(os.path.join(HERE, "types_wom.py"), encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not any(name and name.startswith("plugins") for name in imported), imported
