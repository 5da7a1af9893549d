"""One simulated clock for every test that waits: the client's retry policy, the vSphere task waiter, the fault matrix.

``FakeClock`` stands in for ``time``: ``monotonic()`` (also ``clock()``, the spelling the policies take as a
callable) reads it, ``sleep(seconds)`` records the sleep and advances it at once, and ``at(seconds, action)`` runs an
action when the clock passes ``seconds`` (an outage that ends). So a 60 s outage costs no 60 s of test time.
"""
from __future__ import annotations

from typing import Callable


class FakeClock:
    def __init__(self, start: float = 0.0):
        self.now = float(start)
        self.sleeps: list[float] = []
        self._actions: list[tuple[float, Callable[[], object]]] = []

    def monotonic(self) -> float:
        return self.now

    clock = monotonic

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        for due, action in list(self._actions):
            if self.now >= due:
                self._actions.remove((due, action))
                action()

    def at(self, seconds: float, action: Callable[[], object]) -> None:
        self._actions.append((seconds, action))
