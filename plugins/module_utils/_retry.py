# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bounded retries: exponential backoff with jitter, a maximum attempt count and an overall deadline.

The clock and sleep are injectable so tests run without waiting.
"""

from __future__ import annotations

import random
import time


class RetryPolicy:
    """How often and how long to retry.

    attempts  total tries (1 = no retry; None = as many as the deadline allows)
    deadline  seconds after the first try past which no new try starts
    base      first backoff delay in seconds, doubled each retry, capped at ``cap``
    """

    def __init__(self, attempts=None, deadline=120.0, base=0.5, cap=8.0, clock=None, sleep=None, jitter=random.random):
        if attempts is not None and attempts < 1:
            raise ValueError("attempts must be >= 1")
        self.attempts = attempts
        self.deadline = deadline
        self.base = base
        self.cap = cap
        # Resolved here, not at definition time, so a test can replace ``_retry.time`` with a simulated clock.
        self.clock = clock or time.monotonic
        self.sleep = sleep or time.sleep
        self.jitter = jitter

    def delays(self):
        """Yield the sleep before each retry; stop when attempts or the deadline run out."""
        start = self.clock()
        retry = 0
        while self.attempts is None or retry + 1 < self.attempts:
            retry += 1
            delay = min(self.cap, self.base * (2 ** (retry - 1))) * (0.5 + self.jitter() / 2)
            remaining = self.deadline - (self.clock() - start)
            if remaining <= 0:
                return
            yield min(delay, remaining)

    def elapsed_since(self, start):
        return self.clock() - start

    def call(self, func, retryable, on_retry=None):
        """Run ``func()``; when it raises an exception ``retryable(exc)`` accepts, back off and try again.

        The last exception is re-raised once attempts or the deadline are exhausted.
        ``on_retry(exc, delay)`` is told about every retry (for warnings).
        """
        delays = self.delays()
        while True:
            try:
                return func()
            except Exception as exc:  # pylint: disable=broad-except
                if not retryable(exc):
                    raise
                delay = next(delays, None)
                if delay is None:
                    raise
                if on_retry is not None:
                    on_retry(exc, delay)
                self.sleep(delay)
