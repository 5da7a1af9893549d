"""Process lifecycle shared by the simulator harnesses: the ready line, and a clean stop."""
from __future__ import annotations

import json
import signal
import subprocess
import threading


def wait_ready(process: subprocess.Popen, timeout: float, what: str, stderr_path: str, cleanup, error=RuntimeError) -> dict:
    """Read the simulator's one JSON ready line from stdout; on silence, exit or a not-ready answer call
    ``cleanup()`` and raise ``error`` naming ``what`` and where its stderr went."""
    line: list[bytes] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not line or not line[0]:
        code = process.poll()
        if line and code is None:  # stdout reached EOF: the process is exiting, give it a moment to say how
            try:
                code = process.wait(5)
            except subprocess.TimeoutExpired:
                code = None
        cleanup()
        why = f"exited with code {code}" if code is not None else f"did not report ready within {timeout}s"
        raise error(f"{what} {why} (see {stderr_path})")
    ready = json.loads(line[0])
    if not ready.get("ready"):
        cleanup()
        raise error(f"{what} failed to start: {ready}")
    return ready


def terminate(process: subprocess.Popen, timeout: float) -> None:
    """SIGTERM, then SIGKILL after ``timeout`` seconds; closes stdout."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)
    if process.stdout:
        process.stdout.close()
