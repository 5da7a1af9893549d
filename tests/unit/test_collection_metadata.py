"""Collection metadata: galaxy.yml and meta/runtime.yml action groups (what a build ships: tests/integration/test_collection_build.py)."""
from __future__ import annotations

import os
import re

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES_DIR = os.path.join(REPO, "plugins", "modules")
# https://semver.org/#is-there-a-suggested-regular-expression-regex-to-check-a-semver-string
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
GROUPS = ("bigip", "vsphere")
# Never part of a built collection: local state, test-only code, CI and developer tooling.
NOT_SHIPPED = (".venv/", ".venv-2.20/", ".venv-2.21/", ".sims/", ".ci/", "scripts/", "benchmarks/", "tests/simulators/", "tests/output/", "Makefile")


def load_yaml(relative: str):
    with open(os.path.join(REPO, relative), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def module_names() -> list[str]:
    if not os.path.isdir(MODULES_DIR):
        return []
    return sorted(name[:-3] for name in os.listdir(MODULES_DIR) if name.endswith(".py") and name != "__init__.py")


def expected_group(module: str) -> str:
    return "bigip" if module.startswith("bigip_") else "vsphere"


@pytest.fixture(scope="module")
def galaxy() -> dict:
    return load_yaml("galaxy.yml")


@pytest.fixture(scope="module")
def action_groups() -> dict:
    return load_yaml("meta/runtime.yml")["action_groups"]


def test_galaxy_identity(galaxy):
    assert (galaxy["namespace"], galaxy["name"]) == ("longdistance", "vmotion")
    assert galaxy["license"] == ["GPL-3.0-or-later"]
    assert os.path.isfile(os.path.join(REPO, galaxy["readme"]))


def test_galaxy_version_is_semver(galaxy):
    assert SEMVER.match(str(galaxy["version"])), f"galaxy.yml version {galaxy['version']!r} is not semantic versioning"


def test_galaxy_dependencies_are_installed_offline(galaxy):
    """ansible.netcommon (the BIG-IP hosts' httpapi connection) is the one dependency. The build is offline:
    bootstrap.sh installs it from PyPI's ``ansible`` package, and neither molecule nor ansible-lint may try Galaxy."""
    assert galaxy["dependencies"] == {"ansible.netcommon": ">=5.2.0"}
    bootstrap = open(os.path.join(REPO, "scripts", "bootstrap.sh"), encoding="utf-8").read()
    assert "BUNDLED_COLLECTIONS=(ansible/netcommon ansible/utils awx/awx)" in bootstrap
    molecule = load_yaml("extensions/molecule/config.yml")
    assert molecule["dependency"]["enabled"] is False and molecule["prerun"] is False
    assert load_yaml(".ansible-lint")["offline"] is True


def test_requires_ansible_is_what_make_test_runs():
    """The lowest admitted release is requirements-test.txt's (full suite); the others below the bound are those
    scripts/bootstrap.sh installs for scripts/compat.sh (sanity and unit tests)."""
    with open(os.path.join(REPO, "requirements-test.txt"), encoding="utf-8") as handle:
        full = re.search(r"^ansible-core==(\d+)\.(\d+)\.", handle.read(), re.M).groups()
    with open(os.path.join(REPO, "scripts", "bootstrap.sh"), encoding="utf-8") as handle:
        compat = re.findall(r'"(\d+)\.(\d+)\.\d+:3\.\d+"', re.search(r"^COMPAT_VERSIONS=\((.*)\)$", handle.read(), re.M).group(1))
    tested = sorted({tuple(map(int, full))} | {tuple(map(int, version)) for version in compat})
    assert all(b == (a[0], a[1] + 1) for a, b in zip(tested, tested[1:])), f"a gap in the tested releases {tested}"
    low, high = tested[0], tested[-1]
    assert load_yaml("meta/runtime.yml")["requires_ansible"] == f">={low[0]}.{low[1]}.0,<{high[0]}.{high[1] + 1}.0"


def test_action_groups_are_bigip_and_vsphere(action_groups):
    assert sorted(action_groups) == sorted(GROUPS)
    for group, entries in action_groups.items():
        duplicates = sorted({entry for entry in entries if entries.count(entry) > 1})
        assert not duplicates, f"action group {group} lists {duplicates} more than once"


def test_every_module_is_in_its_action_group(action_groups):
    misplaced = []
    for module in module_names():
        groups = [group for group, entries in action_groups.items() if module in entries]
        if os.path.isfile(os.path.join(REPO, "plugins", "action", f"{module}.py")):
            # A controller-side orchestration (vm_group_migrate) takes per-site connection dicts, not one group's options.
            if groups:
                misplaced.append(f"{module}: in {groups}, expected in no group (action plugin with its own connection dicts)")
            continue
        if groups != [expected_group(module)]:
            misplaced.append(f"{module}: in {groups or 'no group'}, expected only [{expected_group(module)!r}]")
    assert not misplaced, "meta/runtime.yml action_groups: " + "; ".join(misplaced)


def test_every_action_group_entry_is_a_module(action_groups):
    missing = [f"{group}/{entry}" for group, entries in action_groups.items() for entry in entries
               if not os.path.isfile(os.path.join(MODULES_DIR, f"{entry}.py"))]
    assert not missing, f"meta/runtime.yml action_groups name modules with no plugins/modules/<name>.py: {missing}"
