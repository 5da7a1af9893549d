"""The execution environment: extensions/ee/execution-environment.yml (ansible-builder version 3).

`scripts/ee.sh` (make ee) writes the build context with `ansible-builder create`; building the image needs podman or
docker, which these machines do not have. What is checked here is everything up to that: the definition is valid to
ansible-builder, the context carries the collection built from this repository, ansible-builder's introspection of
the installed collection finds its Python and system dependencies, and the image name is the controller's.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
DEFINITION = os.path.join(REPO, "extensions", "ee", "execution-environment.yml")


def load(relative: str):
    with open(os.path.join(REPO, relative), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def pinned(requirements: str, package: str) -> str:
    with open(os.path.join(REPO, requirements), encoding="utf-8") as handle:
        return next(line.strip() for line in handle if line.startswith(f"{package}=="))


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    out = tmp_path_factory.mktemp("ee")
    env = dict(os.environ, PATH=os.pathsep.join([BIN, os.environ.get("PATH", os.defpath)]))
    completed = subprocess.run([os.path.join(REPO, "scripts", "ee.sh"), str(out)], cwd=REPO, env=env, capture_output=True, text=True,
                               timeout=300, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return out


def test_definition_is_version_3_with_the_image_the_controller_pulls():
    definition = load("extensions/ee/execution-environment.yml")
    settings = load("extensions/controller/settings.yml")
    galaxy = load("galaxy.yml")
    assert definition["version"] == 3
    assert definition["options"]["tags"] == [settings["longdistance_controller_ee_image"]]
    assert settings["longdistance_controller_ee_image"].endswith(f":{galaxy['version']}")


def test_create_writes_a_build_context_with_the_collection(context):
    containerfile = (context / "context" / "Containerfile").read_text(encoding="utf-8")
    definition = load("extensions/ee/execution-environment.yml")
    galaxy = load("galaxy.yml")
    assert f'ARG EE_BASE_IMAGE="{definition["images"]["base_image"]["name"]}"' in containerfile
    # The ansible-core and ansible-runner the test suite runs with.
    refs = re.search(r'ARG ANSIBLE_INSTALL_REFS="([^"]*)"', containerfile).group(1).split()
    assert refs == [pinned("requirements-test.txt", "ansible-core"), pinned("requirements-test.txt", "ansible-runner")]
    tarball = context / "context" / "_build" / "collection" / f"longdistance-vmotion-{galaxy['version']}.tar.gz"
    assert tarball.is_file()
    assert "ansible-galaxy collection install /build/collection/longdistance-vmotion-*.tar.gz" in containerfile
    # Python and system packages come from ansible-builder's introspection of the installed collections.
    assert "introspect.py introspect --write-bindep" in containerfile


def test_introspection_finds_the_collection_dependencies(context, tmp_path):
    galaxy = load("galaxy.yml")
    tarball = context / "collection" / f"longdistance-vmotion-{galaxy['version']}.tar.gz"
    subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", str(tarball), "-p", str(tmp_path), "--offline", "--force", "--no-deps"],
                   check=True, capture_output=True, text=True, timeout=120)
    completed = subprocess.run([os.path.join(BIN, "ansible-builder"), "introspect", "--sanitize", str(tmp_path)], check=True,
                               capture_output=True, text=True, timeout=120)
    found = yaml.safe_load(completed.stdout)
    with open(os.path.join(REPO, "requirements.txt"), encoding="utf-8") as handle:
        wanted = [line.strip() for line in handle if line.strip() and not line.startswith("#")]
    assert [entry.split("  #")[0] for entry in found["python"]] == wanted
    assert [entry.split("  #")[0] for entry in found["system"]] == ["ca-certificates [platform:dpkg platform:rpm]"]
