"""docs/reliability.md is exactly what the test markers render (tests/faults/render_reliability.py)."""
from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO


def test_reliability_doc_matches_the_test_markers():
    script = os.path.join(REPO, "tests", "faults", "render_reliability.py")
    done = subprocess.run([sys.executable, script, "--check"], cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
