"""What a build of the collection ships (runs ansible-galaxy collection build, so it is an integration test)."""
from __future__ import annotations

import os
import subprocess
import sys
import tarfile

from tests.unit.test_collection_metadata import NOT_SHIPPED, REPO, galaxy, module_names  # noqa: F401  pylint: disable=unused-import


def test_build_ships_plugins_and_not_local_material(tmp_path, galaxy):
    ansible_galaxy = os.path.join(os.path.dirname(sys.executable), "ansible-galaxy")
    subprocess.run([ansible_galaxy, "collection", "build", REPO, "--output-path", str(tmp_path)],
                   check=True, capture_output=True, text=True)
    tarball = tmp_path / f"longdistance-vmotion-{galaxy['version']}.tar.gz"
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    assert {"MANIFEST.json", "FILES.json", "meta/runtime.yml", "README.md", "LICENSE"} <= set(names)
    shipped_local = sorted(name for name in names for prefix in NOT_SHIPPED if name == prefix.rstrip("/") or name.startswith(prefix))
    assert not shipped_local, f"the collection build includes local or test-only files: {shipped_local[:10]}"
    expected_modules = {f"plugins/modules/{module}.py" for module in module_names()}
    assert expected_modules <= set(names)
