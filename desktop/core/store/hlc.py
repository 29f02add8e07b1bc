"""Hybrid logical clock: stamps that order changes across laptops whose clocks disagree.

A stamp is one integer: wall-clock milliseconds shifted left by 16 bits plus a logical counter. It never
goes backwards on one device and always exceeds every stamp the device has seen, so a change made after
another (here or elsewhere) sorts after it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

COUNTER_BITS = 16
_COUNTER_MASK = (1 << COUNTER_BITS) - 1


def pack(physical_ms: int, counter: int) -> int:
    return (physical_ms << COUNTER_BITS) | counter


def physical_ms(stamp: int) -> int:
    return stamp >> COUNTER_BITS


class HybridClock:
    """Issues monotonic stamps and absorbs stamps received from other devices."""

    def __init__(self, last: int = 0, wall_ms: Callable[[], int] | None = None) -> None:
        self._last = last
        self._wall_ms = wall_ms or (lambda: time.time_ns() // 1_000_000)
        self._lock = threading.Lock()  # worker threads write too

    @property
    def last(self) -> int:
        return self._last

    def now(self) -> int:
        """A new stamp, later than every stamp issued or observed so far."""
        with self._lock:
            wall = self._wall_ms()
            last_pt, last_c = self._last >> COUNTER_BITS, self._last & _COUNTER_MASK
            if wall > last_pt:
                stamp = pack(wall, 0)
            elif last_c < _COUNTER_MASK:
                stamp = pack(last_pt, last_c + 1)
            else:
                stamp = pack(last_pt + 1, 0)
            self._last = stamp
            return stamp

    def observe(self, stamp: int) -> None:
        """Take note of a stamp from elsewhere so later local stamps sort after it."""
        with self._lock:
            if stamp > self._last:
                self._last = stamp
